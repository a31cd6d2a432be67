//! JSON API under /api/v1: the same validation and scope as the pages. Authenticated by
//! `Authorization: Bearer <token>` (tokens from `bangfu token create`) or by the browser
//! session, which must then send its CSRF token in `X-CSRF-Token` on every change.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::area::Scope;
use bangfu_core::auth::{User, same_secret, token_hash};
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, FieldError};
use serde_json::json;

use crate::AppState;
use crate::extract::{SESSION_COOKIE, client_ip, cookie};

pub mod areas;
pub mod assets;
pub mod assistance;
pub mod audit;
pub mod events;
pub mod households;
pub mod incomes;
pub mod lines;
pub mod monitoring;
pub mod openapi;
pub mod plans;
pub mod procedures;
pub mod projects;
pub mod pv;
pub mod teams;
pub mod training;
pub mod units;
pub mod visits;
pub mod work;
pub mod worklist;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(households::router())
        .merge(monitoring::router())
        .merge(procedures::router())
        .merge(projects::router())
        .merge(pv::router())
        .merge(assets::router())
        .merge(training::router())
        .merge(events::router())
        .merge(incomes::router())
        .merge(lines::router())
        .merge(audit::router())
        .merge(assistance::router())
        .merge(worklist::router())
        .merge(plans::router())
        .merge(visits::router())
        .merge(teams::router())
        .merge(units::router())
        .merge(areas::router())
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::docs_page))
}

/// An API error: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<FieldError>,
    /// More members of the error object (a stale save: the current version, who, when).
    details: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), fields: Vec::new(), details: serde_json::Map::new() }
    }
    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录，或在 Authorization 头中提供有效的令牌")
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "您的角色不能进行这项操作")
    }
    /// The caller's role may not do `p` (from `Require<P, ApiUser>`).
    pub fn denied(p: bangfu_core::auth::Permission) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", format!("您的角色不能进行这项操作（{}）", p.label_zh()))
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "记录不存在，或不在您的管辖范围内")
            }
            DomainError::Forbidden => ApiError::forbidden(),
            DomainError::Invalid(fields) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid",
                message: "输入有误".into(),
                fields,
                details: serde_json::Map::new(),
            },
            DomainError::Conflict { field, message } => ApiError {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: message.clone(),
                fields: vec![FieldError::new(field, message)],
                details: serde_json::Map::new(),
            },
            // 409 with who changed what since the version the client sent; nothing was saved.
            DomainError::Stale(s) => {
                let mut details = serde_json::Map::new();
                details.insert("version".into(), json!(s.current_version));
                details.insert("changed_by".into(), json!(s.changed_by));
                details.insert(
                    "changed_at".into(),
                    json!(s.changed_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())),
                );
                details.insert(
                    "changed".into(),
                    json!(
                        s.fields
                            .iter()
                            .map(|f| json!({ "field": f.field, "label": f.label, "by": f.by, "now": f.now }))
                            .collect::<Vec<_>>()
                    ),
                );
                ApiError {
                    status: StatusCode::CONFLICT,
                    code: "stale",
                    message: s.message(),
                    fields: s.field_errors(),
                    details,
                }
            }
            DomainError::Internal(cause) => {
                // The one log line of this failure; the request's span names its id and route.
                tracing::error!(%cause, "api request failed");
                let message = match crate::request_id() {
                    Some(id) => format!("系统暂时无法完成这项操作（请求编号 {id}）"),
                    None => "系统暂时无法完成这项操作".to_owned(),
                };
                ApiError { message, ..ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "") }
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message, "fields": self.fields });
        if let Some(obj) = error.as_object_mut() {
            obj.extend(self.details);
        }
        let body = json!({ "error": error });
        (self.status, Json(body)).into_response()
    }
}

/// The caller of an API route, with the area scope every query is limited to.
pub struct ApiUser {
    pub user: User,
    pub scope: Scope,
    pub ip: Option<String>,
    /// Today in the office's time zone, from the storage's clock (see `CurrentUser::today`).
    pub today: chrono::NaiveDate,
}

impl ApiUser {
    pub fn actor(&self) -> bangfu_core::audit::Actor {
        bangfu_core::audit::Actor::user(&self.user, self.ip.clone())
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let mut user = if let Some(token) = bearer {
            state.db.token_user(&token_hash(token)).await?.ok_or_else(ApiError::unauthenticated)?
        } else {
            let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(ApiError::unauthenticated)?;
            let session = state
                .db
                .session(&token_hash(&token), &state.policy, state.db.clock().now())
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            // A session that owes its code is not signed in; one that must bind a phone first
            // does that on the web page.
            if session.second_step_owed {
                return Err(ApiError::unauthenticated());
            }
            if session.two_factor_missing {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "two_factor_required", "请先在网页上设置两步验证"));
            }
            if parts.method != Method::GET && parts.method != Method::HEAD {
                let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
                if !same_secret(sent, &session.csrf_token) {
                    return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "缺少或错误的 X-CSRF-Token"));
                }
            }
            session.user
        };
        // A password set by someone else (first run, an admin's reset) or as old as the policy
        // allows must be changed on the web page before the account does anything else, with a
        // token as with a session.
        let now = state.db.clock().now();
        let max_age = state.db.password_policy().await?.max_age();
        if state.db.password_set_on(user.id).await?.is_some_and(|t| now - t >= max_age) {
            user.must_change_password = true;
        }
        if user.must_change_password {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "password_change_required", "请先在网页上修改初始密码"));
        }
        // A token of a role that must use two factors works only once its owner has bound a
        // phone: a token is no way around the second factor. (A session got here through it.)
        if bearer.is_some()
            && state.db.two_factor_roles().await?.requires(user.role)
            && !state.db.has_two_factor(user.id).await?
        {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "two_factor_required", "请先在网页上设置两步验证"));
        }
        // 三员分立: an administrator's token reaches only its own part of the API.
        if !user.role.may_open(parts.uri.path()) {
            let message = format!("按“三员分立”，{}只能使用自己的接口", user.role.label_zh());
            return Err(ApiError::new(StatusCode::FORBIDDEN, "separation_of_duties", message));
        }
        let area = state.db.area(&user.area_code).await?.ok_or_else(ApiError::forbidden)?;
        Ok(ApiUser {
            scope: Scope::of(&area),
            user,
            ip: client_ip(parts, &state.trusted_proxies),
            today: state.db.clock().today(),
        })
    }
}
