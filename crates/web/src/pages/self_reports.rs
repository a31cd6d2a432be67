//! 自主申报: the public page where a household reports its own difficulty (no account, limited
//! per source, a receipt to follow it), and the staff's list of the reports in their area —
//! each to start 纳入监测 on the household it names, or to close as 不需纳入 with a reason the
//! reporter sees by receipt number.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::household::CodeList;
use bangfu_core::monitoring::MonitoringRisk;
use bangfu_db::self_reports::SelfReport;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{ClientIp, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apply", get(form).post(submit))
        .route("/apply/receipt", get(receipt))
        .route("/self-reports", get(list))
        .route("/self-reports/{id}/dismiss", post(dismiss))
}

use super::public::{POSTS_PER_MINUTE, VIEWS_PER_MINUTE, allowed, source_of, too_many};

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    villages: Vec<(String, String, String)>,
    risks: Vec<&'static str>,
    errors: Vec<String>,
    typed: HashMap<String, String>,
    receipt: Option<String>,
}

impl ApplyPage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn render(
    state: &AppState,
    errors: Vec<String>,
    typed: HashMap<String, String>,
    receipt: Option<String>,
) -> Result<Response, PageError> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ApplyPage {
        villages: state.db.villages_for_reports().await?,
        risks: MonitoringRisk::all().iter().map(|r| r.label_zh()).collect(),
        errors,
        typed,
        receipt,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn form(State(state): State<AppState>, ip: ClientIp) -> Result<Response, PageError> {
    if !allowed(&state, &source_of(&ip), "view", VIEWS_PER_MINUTE) {
        return Ok(too_many());
    }
    render(&state, Vec::new(), HashMap::new(), None).await
}

async fn submit(
    State(state): State<AppState>,
    ip: ClientIp,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let source = source_of(&ip);
    if !allowed(&state, &source, "post", POSTS_PER_MINUTE) {
        return Ok(too_many());
    }
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let report = SelfReport {
        head_name: get("head_name"),
        phone: get("phone"),
        id_number: get("id_number"),
        village_code: get("village_code"),
        difficulty: get("difficulty"),
        risk: get("risk"),
    };
    match state.db.submit_self_report(&report, &source).await {
        Ok(receipt) => render(&state, Vec::new(), HashMap::new(), Some(receipt)).await,
        Err(DomainError::Invalid(errors)) => {
            let label = |f: &str| match f {
                "head_name" => "户主姓名：",
                "phone" => "联系电话：",
                "id_number" => "身份证号码：",
                "village_code" => "所在村：",
                "difficulty" => "困难情况：",
                "risk" => "困难类型：",
                _ => "",
            };
            let lines = errors.iter().map(|e| format!("{}{}", label(&e.field), e.message)).collect();
            render(&state, lines, v, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct ReceiptQuery {
    no: Option<String>,
}

#[derive(Template)]
#[template(path = "apply_receipt.html")]
struct ReceiptPage {
    no: String,
    found: Option<bangfu_db::self_reports::ReportStatus>,
    asked: bool,
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
        match state.db.self_report_status(&no).await {
            Ok(s) => Some(s),
            Err(DomainError::NotFound) => None,
            Err(e) => return Err(e.into()),
        }
    };
    let asked = !no.is_empty();
    let status = if asked && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    Ok((status, Html(ReceiptPage { no, found, asked }.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "self_reports.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    error: String,
    can_act: bool,
}

struct Row {
    id: i64,
    receipt: String,
    at: String,
    head_name: String,
    id_masked: String,
    phone_masked: String,
    village: String,
    risk: String,
    difficulty: String,
    state: &'static str,
    colour: &'static str,
    household_id: Option<i64>,
    procedure_id: Option<i64>,
    note: String,
}

async fn page(state: &AppState, me: &CurrentUser, error: String) -> Result<Response, PageError> {
    let clock = state.db.clock();
    let names: HashMap<String, String> =
        state.db.villages_for_reports().await?.into_iter().map(|(c, t, v)| (c, format!("{t} {v}"))).collect();
    let rows = state
        .db
        .self_reports(&me.scope)
        .await?
        .into_iter()
        .map(|r| {
            let (label, colour) = match r.state.as_str() {
                "open" => ("待核实", "yellow"),
                "started" => ("已发起纳入监测", "green"),
                _ => ("不需纳入", "grey"),
            };
            Row {
                id: r.id,
                receipt: r.receipt,
                at: clock.local(r.submitted_at).format("%Y-%m-%d %H:%M").to_string(),
                head_name: r.head_name,
                id_masked: r.id_masked,
                phone_masked: r.phone_masked,
                village: names.get(&r.village_code).cloned().unwrap_or(r.village_code),
                risk: r.risk,
                difficulty: r.difficulty,
                state: label,
                colour,
                household_id: r.household_id.map(|h| h.0),
                procedure_id: r.procedure_id,
                note: r.handled_note.unwrap_or_default(),
            }
        })
        .collect();
    let status = if error.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let can_act = super::monitoring::may_start(me);
    Ok((status, Html(ListPage { me, rows, error, can_act }.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    page(&state, &me, String::new()).await
}

async fn dismiss(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !super::monitoring::may_start(&me) {
        // Another area's report is "not found" first, like a missing one.
        state.db.self_report(&me.scope, id).await?;
        return Err(PageError::Denied(bangfu_core::auth::Permission::EditRegister));
    }
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    match state.db.dismiss_self_report(&me.scope, id, reason, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/self-reports").into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => page(&state, &me, super::form::error_line(e)?).await,
    }
}
