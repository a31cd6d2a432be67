//! 授权 for the security administrator (三员分立): the accounts the system administrator
//! made wait here until their role is granted (or refused, with a reason), and the role of an
//! account in use is changed here — never by the one who made the account. Each step is
//! audited.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::auth::Role;
use bangfu_core::ids::UserId;
use bangfu_core::store::{AreaStore, UserStore};

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/grants", get(list))
        .route("/grants/{id}/grant", post(grant))
        .route("/grants/{id}/refuse", post(refuse))
        .route("/grants/role", post(change_role))
}

type Security = Require<perm::ManageSecurity>;

#[derive(Template)]
#[template(path = "grants.html")]
struct GrantsPage<'a> {
    me: &'a CurrentUser,
    pending: Vec<PendingRow>,
    /// (code, label) of every role, for the drop-downs.
    roles: Vec<(&'static str, &'static str)>,
    error: String,
    /// What was typed in the role-change form, shown again after an error.
    username: String,
    role: String,
}

struct PendingRow {
    id: i64,
    username: String,
    name: String,
    role_code: &'static str,
    area: String,
    created: String,
}

async fn page(
    state: &AppState,
    me: &CurrentUser,
    error: String,
    (username, role): (String, String),
) -> Result<Response, PageError> {
    let pending = state.db.pending_accounts(&me.scope).await?;
    let codes: Vec<_> = pending.iter().map(|a| a.user.area_code.clone()).collect();
    let names: HashMap<String, String> = state
        .db
        .labelled_areas(&me.scope, &codes)
        .await?
        .into_iter()
        .map(|m| (m.area.code.to_string(), m.area.name))
        .collect();
    let label = |r: Role| me.lang.t(&format!("user.role.{}", r.code()));
    let pending = pending
        .into_iter()
        .map(|a| PendingRow {
            id: a.user.id.0,
            area: names.get(a.user.area_code.as_str()).cloned().unwrap_or_default(),
            role_code: a.user.role.code(),
            created: state.db.clock().local(a.created_at).format("%Y-%m-%d %H:%M").to_string(),
            username: a.user.username,
            name: a.user.display_name,
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.code(), label(*r))).collect();
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(GrantsPage { me, pending, roles, error, username, role }.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: Security) -> Result<Response, PageError> {
    page(&state, &me, String::new(), Default::default()).await
}

fn chosen_role(v: &HashMap<String, String>) -> Option<Role> {
    v.get("role").and_then(|r| Role::parse(r))
}

async fn grant(
    State(state): State<AppState>,
    me: Security,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let account = state.db.account(&me.scope, UserId(id)).await?;
    me.check_form_csrf(&v)?;
    let role = chosen_role(&v).unwrap_or(account.user.role);
    match state.db.grant_account(&me.scope, UserId(id), role, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/grants").into_response()),
        Err(e) => page(&state, &me, super::form::error_line(e)?, Default::default()).await,
    }
}

async fn refuse(
    State(state): State<AppState>,
    me: Security,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    state.db.account(&me.scope, UserId(id)).await?;
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    match state.db.refuse_account(&me.scope, UserId(id), reason, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/grants").into_response()),
        Err(e) => page(&state, &me, super::form::error_line(e)?, Default::default()).await,
    }
}

/// The role of an account in use, found by its user name inside the administrator's area
/// (one outside it is "not found", as a missing one).
async fn change_role(
    State(state): State<AppState>,
    me: Security,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let username = v.get("username").map(|s| s.trim().to_owned()).unwrap_or_default();
    let typed = (username.clone(), v.get("role").cloned().unwrap_or_default());
    let Some(role) = chosen_role(&v) else {
        return page(&state, &me, me.lang.t("grants.choose_role").into(), typed).await;
    };
    let found = state.db.account_by_name(&me.scope, &username).await?;
    let Some(account) = found else {
        let text = me.lang.f("grants.no_such_user", &[("username", &username)]);
        return page(&state, &me, text, typed).await;
    };
    match state.db.change_role(&me.scope, account.user.id, role, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/grants?changed=1").into_response()),
        Err(e) => page(&state, &me, super::form::error_line(e)?, typed).await,
    }
}
