//! In-process HTTP tests, one module per feature named as in src/pages and src/api (households,
//! members, incomes, …), each test as a user's steps; `kit` holds the shared setup and helpers.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::auth::totp::TotpSecret;
use bangfu_core::auth::{NewUser, Role, SIGN_IN_FAILED, hash_password};
use bangfu_core::household::id_number::check_char;
use bangfu_core::household::{
    DisabilityCategory, DisabilityGrade, Health, HealthSet, HouseholdData, HouseholdId, IdKind, MemberData, MemberId,
    MigrantWork, Relation,
};
use bangfu_core::store::{AreaStore, HouseholdStore};
use bangfu_db::audit::AuditFilter;
use bangfu_db::{Db, YICHENG_DIVISIONS, read_divisions};
use bangfu_web::{AppState, router};
use tower::ServiceExt;

#[macro_use]
mod kit;
use kit::*;

mod admin;
mod api;
mod areas;
mod assets;
mod audit;
mod auth;
mod changes;
mod events;
mod form;
mod funds;
mod households;
mod incomes;
mod leads;
mod lines;
mod locale;
mod logging;
mod members;
mod monitoring;
mod plans;
mod project_changes;
mod project_documents;
mod projects;
mod pv;
mod routes;
mod security;
mod separation;
mod teams;
mod training;
mod two_factor;
mod visits;
mod work;
