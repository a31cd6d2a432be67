//! 线索: the leads the 监测预警规则 found in the user's area, each with its rule, version and
//! figures; a link to start the identification procedure from it (发起纳入监测), and a
//! “不需纳入” form with the reason (audited). Another area's lead is not found, as a missing one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::auth::Permission;
use bangfu_core::monitoring::leads::{LeadId, LeadState, StoredLead};
use bangfu_core::store::{Page, PageNo};
use bangfu_db::rule_leads::LeadFilter;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/leads", get(list)).route("/leads/{id}/dismiss", post(dismiss))
}

/// Leads per page.
const LEADS_PAGE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct LeadsQuery {
    #[serde(default)]
    page: PageNo,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<StoredLead>,
    total: i64,
    pager: super::Pager,
    may_act: bool,
    error: String,
}

async fn page(state: &AppState, me: &CurrentUser, number: u32, error: String) -> Result<Response, PageError> {
    let filter = LeadFilter { state: Some(LeadState::Open), household: None };
    let (rows, total) = state.db.rule_leads(&me.scope, &filter, Page { number, size: LEADS_PAGE }).await?;
    let pager = super::Pager::new("/leads?", number, total, LEADS_PAGE);
    let may_act = me.may(Permission::EditRegister);
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(LeadsPage { me, rows, total, pager, may_act, error }.render()?)).into_response())
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<LeadsQuery>,
) -> Result<Response, PageError> {
    page(&state, &me, q.page.0, String::new()).await
}

async fn dismiss(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    match state.db.dismiss_lead(&me.scope, LeadId(id), reason, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/leads").into_response()),
        Err(bangfu_core::DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => page(&state, &me, 1, super::form::error_line(e)?).await,
    }
}
