//! The public pages a villager opens without an account: the notice behind the QR code on the
//! village board (公示), an objection to it with a receipt number, and the answer found again by
//! that number. They show nothing the printed notice does not say (no ID numbers, no health
//! details), are limited per source, and every objection is audited on its procedure.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::DomainError;

use crate::AppState;
use crate::error::PageError;
use crate::extract::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new().route("/gs/{token}", get(notice).post(object)).route("/gs/receipt", get(receipt))
}

/// Page views and submissions a source may make in a minute on every public page.
pub(crate) const VIEWS_PER_MINUTE: u32 = 120;
pub(crate) const POSTS_PER_MINUTE: u32 = 3;

#[derive(Template)]
#[template(path = "public_notice.html")]
struct NoticePage {
    token: String,
    title: String,
    township: String,
    village: String,
    head_name: String,
    decision: String,
    from: String,
    to: String,
    open: bool,
    errors: Vec<String>,
    typed: HashMap<String, String>,
    receipt: Option<String>,
}

impl NoticePage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "public_receipt.html")]
struct ReceiptPage {
    no: String,
    found: Option<Found>,
    asked: bool,
}

struct Found {
    notice: String,
    lodged_on: String,
    text: String,
    answer: Option<(String, &'static str, String)>,
}

/// The source's key for throttling and the audit: a keyed hash of its address, never the address.
pub(crate) fn source_of(ip: &ClientIp) -> String {
    bangfu_db::sealed::id_index(ip.0.as_deref().unwrap_or("unknown"))
}

pub(crate) fn allowed(state: &AppState, source: &str, kind: &str, per_minute: u32) -> bool {
    let minute = state.db.clock().now().timestamp().div_euclid(60);
    state.public_limiter.allow(&format!("{kind}:{source}"), minute, per_minute)
}

pub(crate) fn too_many() -> Response {
    (StatusCode::TOO_MANY_REQUESTS, Html("<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><p>操作太频繁，请一分钟后再试。如有急事请拨打12317。</p>".to_owned()))
        .into_response()
}

fn date_zh(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

async fn render(
    state: &AppState,
    token: &str,
    errors: Vec<String>,
    typed: HashMap<String, String>,
    receipt: Option<String>,
) -> Result<Response, PageError> {
    let n = state.db.public_notice(token).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = NoticePage {
        token: n.token,
        title: format!("{}公示", n.kind_zh),
        township: n.township,
        village: n.village,
        head_name: n.head_name,
        decision: n.decision,
        from: date_zh(n.from),
        to: date_zh(n.to),
        open: n.open,
        errors,
        typed,
        receipt,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn notice(State(state): State<AppState>, ip: ClientIp, Path(token): Path<String>) -> Result<Response, PageError> {
    if !allowed(&state, &source_of(&ip), "view", VIEWS_PER_MINUTE) {
        return Ok(too_many());
    }
    render(&state, &token, Vec::new(), HashMap::new(), None).await
}

async fn object(
    State(state): State<AppState>,
    ip: ClientIp,
    Path(token): Path<String>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let source = source_of(&ip);
    if !allowed(&state, &source, "post", POSTS_PER_MINUTE) {
        return Ok(too_many());
    }
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    match state.db.lodge_objection(&token, get("name"), get("phone"), get("text"), &source).await {
        Ok(receipt) => render(&state, &token, Vec::new(), HashMap::new(), Some(receipt)).await,
        Err(DomainError::Invalid(errors)) => {
            let label = |f: &str| match f {
                "name" => "姓名：",
                "phone" => "联系电话：",
                "text" => "异议内容：",
                _ => "",
            };
            let lines = errors.iter().map(|e| format!("{}{}", label(&e.field), e.message)).collect();
            render(&state, &token, lines, v, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct ReceiptQuery {
    no: Option<String>,
}

async fn receipt(
    State(state): State<AppState>,
    ip: ClientIp,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, PageError> {
    if !allowed(&state, &source_of(&ip), "view", VIEWS_PER_MINUTE) {
        return Ok(too_many());
    }
    let no = q.no.unwrap_or_default().trim().to_uppercase();
    let found = if no.is_empty() {
        None
    } else {
        // A household procedure's objection, else a project's (公示 of 项目库).
        let (status, project) = match state.db.objection_status(&no).await {
            Err(DomainError::NotFound) => (state.db.project_objection_status(&no).await, true),
            other => (other, false),
        };
        let upheld_zh =
            if project { "异议成立，更正后重新公示" } else { "异议成立，已退回重新办理" };
        match status {
            Ok(s) => Some(Found {
                notice: s.notice,
                lodged_on: date_zh(s.lodged_on),
                text: s.text,
                answer: s
                    .answer
                    .map(|(on, upheld, a)| (date_zh(on), if upheld { upheld_zh } else { "经核实，异议不成立" }, a)),
            }),
            Err(DomainError::NotFound) => None,
            Err(e) => return Err(e.into()),
        }
    };
    let asked = !no.is_empty();
    let status = if asked && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    Ok((status, Html(ReceiptPage { no, found, asked }.render()?)).into_response())
}
