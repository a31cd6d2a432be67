//! One error type for pages: a domain error or a sign-in redirect, rendered as HTML.
//! A record outside the user's area is a 404, exactly like a missing one.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bangfu_core::DomainError;

/// `Denied` comes from `Require<P>`: the user's role may not do this, and the page names what.
#[derive(Debug)]
pub enum PageError {
    SignIn {
        next: String,
    },
    MustChangePassword,
    /// The password was right; the code from the phone is still owed.
    SecondStep {
        next: String,
    },
    /// The role must use two factors and this account has not bound a phone yet.
    MustBindTwoFactor,
    NotFound,
    Forbidden,
    Denied(bangfu_core::auth::Permission),
    /// 三员分立: an administrator opened a page that is not one of its own.
    OwnPagesOnly(bangfu_core::auth::Role),
    Csrf,
    /// Someone else saved the record first (a page without a form to show again).
    Stale(String),
    Internal(String),
}

impl From<DomainError> for PageError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound => PageError::NotFound,
            DomainError::Forbidden => PageError::Forbidden,
            DomainError::Stale(s) => PageError::Stale(s.message()),
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::Internal(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    home: &'a str,
    /// "请求编号 42" on a failure of the system, for the user to quote; empty otherwise.
    request: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let denied;
        let (status, title, message) = match &self {
            PageError::SignIn { next } => {
                let target = format!("/login?next={}", encode(next));
                return Redirect::to(&target).into_response();
            }
            PageError::MustChangePassword => return Redirect::to("/password").into_response(),
            PageError::SecondStep { next } => {
                return Redirect::to(&format!("/login/code?next={}", encode(next))).into_response();
            }
            PageError::MustBindTwoFactor => return Redirect::to("/two-factor").into_response(),
            PageError::NotFound => (StatusCode::NOT_FOUND, "找不到该记录", "记录不存在，或不在您的管辖范围内。"),
            PageError::Forbidden => (StatusCode::FORBIDDEN, "无权操作", "您的角色不能进行这项操作。"),
            PageError::Denied(p) => {
                denied = format!("您的角色不能进行这项操作（{}）。如需办理，请联系区农业农村局。", p.label_zh());
                (StatusCode::FORBIDDEN, "无权操作", denied.as_str())
            }
            PageError::OwnPagesOnly(r) => {
                denied = format!(
                    "按“三员分立”，{}只能使用自己的页面（{}），不能查看台账或其他管理员的页面。",
                    r.label_zh(),
                    r.own_pages_zh()
                );
                (StatusCode::FORBIDDEN, "无权操作", denied.as_str())
            }
            PageError::Csrf => (StatusCode::FORBIDDEN, "页面已过期", "请返回上一页，刷新后再提交。"),
            PageError::Stale(message) => (StatusCode::CONFLICT, "未保存", message.as_str()),
            PageError::Internal(cause) => {
                // The one log line of this failure; the request's span names its id and route.
                tracing::error!(%cause, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "出错了", "系统暂时无法完成这项操作，请稍后再试。")
            }
        };
        let home = crate::i18n::Lang::ZhCn.t("error.home");
        let request = match (&self, crate::request_id()) {
            (PageError::Internal(_), Some(id)) => format!("请求编号 {id}：联系管理员时请提供此编号。"),
            _ => String::new(),
        };
        let body = ErrorPage { title, message, home, request }.render().unwrap_or_else(|_| message.to_owned());
        (status, Html(body)).into_response()
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
