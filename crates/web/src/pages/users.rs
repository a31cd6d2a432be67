//! 账号管理 for the system administrator (三员分立): accounts of the admin's area, a generated
//! first password shown once, disabling and enabling, password resets and unlocking — each
//! audited. A new account waits for the security administrator's grant (`grants.rs`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::FieldError;
use bangfu_core::auth::{AccountData, Role, generate_password, hash_password};
use bangfu_core::ids::UserId;
use bangfu_core::store::{AreaStore, Page, UserStore};

use super::form::{FormField, Opt, field_errors, parse_then};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list))
        .route("/users/new", get(new_page).post(create))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/reset-password", post(reset))
        .route("/users/{id}/unlock", post(unlock))
        .route("/users/{id}/end-sessions", post(end_sessions))
        .route("/users/{id}/reset-two-factor", post(reset_two_factor))
}

type Admin = Require<perm::ManageUsers>;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<UserRow>,
    error: String,
    total: i64,
    pager: super::Pager,
}

/// Accounts per page: a province has one or more per village.
const USERS_PAGE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

struct UserRow {
    id: i64,
    username: String,
    name: String,
    role: &'static str,
    area: String,
    state: &'static str,
    colour: &'static str,
    disabled: bool,
    locked: bool,
    must_change: bool,
    two_factor: bool,
    me: bool,
}

fn role_label(me: &CurrentUser, r: Role) -> &'static str {
    me.lang.t(&format!("user.role.{}", r.code()))
}

async fn users_page(state: &AppState, me: &CurrentUser, error: String, page: u32) -> Result<Response, PageError> {
    let now = state.db.clock().now();
    let (found, total) = state.db.account_page(&me.scope, Page { number: page, size: USERS_PAGE }).await?;
    let codes: Vec<_> = found.iter().map(|a| a.user.area_code.clone()).collect();
    let names: HashMap<String, String> = state
        .db
        .labelled_areas(&me.scope, &codes)
        .await?
        .into_iter()
        .map(|m| (m.area.code.to_string(), m.area.name))
        .collect();
    let mut rows = Vec::new();
    for a in found {
        let code = a.user.area_code.to_string();
        let s = a.state(now);
        rows.push(UserRow {
            id: a.user.id.0,
            role: role_label(me, a.user.role),
            area: names.get(&code).cloned().unwrap_or_default(),
            state: me.lang.t(&format!(
                "user.state.{}",
                match s {
                    bangfu_core::auth::AccountState::Active => "active",
                    bangfu_core::auth::AccountState::Locked => "locked",
                    bangfu_core::auth::AccountState::Disabled => "disabled",
                    bangfu_core::auth::AccountState::Pending => "pending",
                }
            )),
            colour: s.colour(),
            disabled: a.disabled,
            locked: s == bangfu_core::auth::AccountState::Locked,
            must_change: a.user.must_change_password,
            two_factor: a.two_factor_since.is_some(),
            me: a.user.id == me.user.id,
            username: a.user.username,
            name: a.user.display_name,
        });
    }
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let pager = super::Pager::new("/users?", page, total, USERS_PAGE);
    Ok((status, Html(UsersPage { me, rows, error, total, pager }.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: Admin, Query(q): Query<PageQuery>) -> Result<Response, PageError> {
    users_page(&state, &me, String::new(), q.page.0).await
}

async fn user_form(
    state: &AppState,
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let labelled = |name: &'static str, key: &str, required: bool| FormField {
        label: me.lang.t(key),
        ..FormField::of(me, v, name, required)
    };
    let mut username = labelled("username", "user.username", true);
    username.hint = me.lang.t("user.username_hint").to_owned();
    let mut role = labelled("role", "user.role", true);
    role.options = Role::ALL
        .iter()
        .map(|r| Opt { value: r.code().into(), label: role_label(me, *r).into(), selected: r.code() == role.value })
        .collect();
    let mut area = labelled("area_code", "user.area", true);
    area.hint = me.lang.t("user.area_hint").to_owned();
    let picker = super::form::area_code_picker(state, me, v).await?;
    let fields =
        vec![username, labelled("display_name", "user.name", true), labelled("phone", "user.phone", false), role, area];
    let title = me.lang.t("title.new_user").to_owned();
    super::form::render_form_with_pickers(
        me,
        title,
        "/users".into(),
        me.lang.t("user.create"),
        fields,
        errors,
        vec![picker],
    )
}

async fn new_page(State(state): State<AppState>, me: Admin) -> Result<Response, PageError> {
    let v = HashMap::from([("role".to_owned(), Role::VillageWorker.code().to_owned())]);
    user_form(&state, &me, &v, &[]).await
}

#[derive(Template)]
#[template(path = "user_password.html")]
struct PasswordPage<'a> {
    me: &'a CurrentUser,
    heading: String,
    username: String,
    password: String,
    /// A new account, which signs in only once the security administrator grants it.
    pending: bool,
}

/// The one time a generated password is shown: never stored but as its hash, never logged.
fn show_password(
    me: &CurrentUser,
    heading: String,
    username: String,
    password: String,
    pending: bool,
) -> Result<Response, PageError> {
    let mut res = Html(PasswordPage { me, heading, username, password, pending }.render()?).into_response();
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(res)
}

fn new_password() -> Result<(String, String), PageError> {
    let password = generate_password();
    let hash = hash_password(&password).map_err(PageError::Internal)?;
    Ok((password, hash))
}

async fn create(
    State(state): State<AppState>,
    me: Admin,
    Form(mut v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    super::form::fill_area_code(&state, &me, &mut v).await?;
    let (password, hash) = new_password()?;
    let result = parse_then(AccountData::parse(&v), async |data| {
        state.db.add_account(&me.scope, &data, &hash, &me.actor()).await.map(|_| data.username)
    })
    .await;
    match result {
        Ok(username) => {
            let heading = me.lang.f("user.created", &[("username", &username)]);
            show_password(&me, heading, username, password, true)
        }
        Err(e) => user_form(&state, &me, &v, &field_errors(e)?).await,
    }
}

/// Runs an action on an account inside the admin's area; a refused one (yourself) is shown
/// on the list in Chinese, anything outside the area is 404.
async fn act(
    state: &AppState,
    me: &CurrentUser,
    v: &HashMap<String, String>,
    id: i64,
    action: impl AsyncFnOnce() -> Result<(), bangfu_core::DomainError>,
) -> Result<Response, PageError> {
    state.db.account(&me.scope, UserId(id)).await?;
    me.check_form_csrf(v)?;
    match action().await {
        Ok(()) => Ok(Redirect::to("/users").into_response()),
        Err(e) => {
            let message = super::form::error_line(e)?;
            users_page(state, me, message, 1).await
        }
    }
}

async fn disable(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    act(&state, &me, &v, id, async || state.db.set_account_enabled(&me.scope, UserId(id), false, &me.actor()).await)
        .await
}

async fn enable(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    act(&state, &me, &v, id, async || state.db.set_account_enabled(&me.scope, UserId(id), true, &me.actor()).await)
        .await
}

async fn end_sessions(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    act(&state, &me, &v, id, async || state.db.end_sessions(&me.scope, UserId(id), &me.actor()).await).await
}

/// A lost phone: the account's second factor ends and it binds a phone again at its next
/// sign-in (its sessions end now).
async fn reset_two_factor(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    act(&state, &me, &v, id, async || {
        let a = state.db.account(&me.scope, UserId(id)).await?;
        if a.user.id == me.user.id {
            return Err(bangfu_core::DomainError::invalid("user", "自己的两步验证请在“两步验证”页面更换手机"));
        }
        state.db.end_two_factor(&a.user, "管理员重置了两步验证（原手机和恢复码作废）", &me.actor()).await.map(|_| ())
    })
    .await
}

async fn unlock(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    act(&state, &me, &v, id, async || state.db.unlock_account(&me.scope, UserId(id), &me.actor()).await).await
}

async fn reset(
    State(state): State<AppState>,
    me: Admin,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let account = state.db.account(&me.scope, UserId(id)).await?;
    me.check_form_csrf(&v)?;
    let (password, hash) = new_password()?;
    match state.db.reset_password(&me.scope, UserId(id), &hash, &me.actor()).await {
        Ok(()) => {
            let username = account.user.username;
            let heading = me.lang.f("user.reset_done", &[("username", &username)]);
            show_password(&me, heading, username, password, account.pending)
        }
        Err(e) => {
            let message = super::form::error_line(e)?;
            users_page(&state, &me, message, 1).await
        }
    }
}
