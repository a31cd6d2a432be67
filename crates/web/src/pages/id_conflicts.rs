//! 证件号码冲突核查 for the district's reviewer (the district office, 区级管理员): the ID
//! numbers someone tried to register in one area while they are a current member in another.
//! The one who typed it was told only that it went to the district; here the district sees
//! where, opens the household, and records its conclusion (audited).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::auth::Permission;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/id-conflicts", get(list)).route("/id-conflicts/{id}/review", post(review))
}

type Reviewer = Require<perm::DecideMonitoring>;

#[derive(Template)]
#[template(path = "id_conflicts.html")]
struct ConflictsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    error: String,
}

struct Row {
    id: i64,
    at: String,
    by: String,
    masked: String,
    registered: String,
    /// The household number in `registered`, to find the household.
    household_no: Option<String>,
    review: Option<(String, String, String)>,
}

fn district_only(me: &CurrentUser) -> Result<(), PageError> {
    if me.scope.is_district_wide() { Ok(()) } else { Err(PageError::Denied(Permission::DecideMonitoring)) }
}

async fn page(state: &AppState, me: &CurrentUser, error: String) -> Result<Response, PageError> {
    let clock = state.db.clock();
    let shown = |t| clock.local(t).format("%Y-%m-%d %H:%M").to_string();
    let rows = state
        .db
        .id_conflicts(&me.scope)
        .await?
        .into_iter()
        .map(|c| Row {
            id: c.audit_id,
            at: shown(c.at),
            household_no: c
                .registered
                .split("户编号 ")
                .nth(1)
                .map(|t| t.chars().take_while(char::is_ascii_digit).collect::<String>())
                .filter(|n| !n.is_empty()),
            by: c.by,
            masked: c.masked,
            registered: c.registered,
            review: c.review.map(|(n, who, t)| (n, who, shown(t))),
        })
        .collect();
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(ConflictsPage { me, rows, error }.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: Reviewer) -> Result<Response, PageError> {
    district_only(&me)?;
    page(&state, &me, String::new()).await
}

async fn review(
    State(state): State<AppState>,
    me: Reviewer,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    district_only(&me)?;
    me.check_form_csrf(&v)?;
    let note = v.get("note").map(String::as_str).unwrap_or("");
    match state.db.review_id_conflict(&me.scope, id, note, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/id-conflicts").into_response()),
        Err(bangfu_core::DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => page(&state, &me, super::form::error_line(e)?).await,
    }
}
