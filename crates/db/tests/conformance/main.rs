//! Storage conformance: every test runs on SQLite and on PostgreSQL. One module per feature,
//! named as in crates/db/src (households, members, incomes, …); `harness` holds the `conformance!`
//! macros and the two backends, `fixtures` the shared data and helpers.

#![allow(clippy::unwrap_used)]

mod admin;
mod areas;
mod assistance;
mod audit_chain;
mod catalogue;
mod concurrency;
mod events;
mod fixtures;
mod harness;
mod households;
mod import;
mod incomes;
mod lines;
mod members;
mod migration;
mod monitoring;
mod procedures;
mod project_assets;
mod projects;
mod pv;
mod rule_leads;
mod sealed;
mod training;
mod work;

// The prelude the feature modules take with `use super::*`.
use bangfu_core::DomainError;
use bangfu_core::household::*;
use bangfu_core::money::Fen;
use bangfu_core::store::{AreaStore, HouseholdFilter, HouseholdStore, IncomeStore, Page};
use bangfu_db::Db;
use fixtures::*;
use harness::everything;
