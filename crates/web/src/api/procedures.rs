//! /api/v1/procedures: the decisions by procedure (纳入监测, 风险消除, 年度分类, 历史退出) —
//! list, one with its events, start one on a household, act on one. The same engine, scope,
//! audit and checks as the pages.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::household::HouseholdId;
use bangfu_core::procedure::decision::Proposal;
use bangfu_core::procedure::{Action, kinds};
use bangfu_db::procedures::{Act, ProcedureFilter, ProcedureRecord, decision_zh};
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/procedures", get(list))
        .route("/api/v1/procedures/{id}", get(one))
        .route("/api/v1/procedures/{id}/act", post(act))
        .route(
            "/api/v1/procedures/{id}/attachments",
            post(attach).layer(axum::extract::DefaultBodyLimit::max(crate::pages::work::UPLOAD_BODY_LIMIT)),
        )
        .route("/api/v1/procedure-files/{aid}", get(attachment))
        .route("/api/v1/households/{hid}/procedures", get(of_household).post(start))
}

#[derive(serde::Deserialize)]
struct ListQuery {
    kind: Option<String>,
    state: Option<String>,
    mine: Option<bool>,
    page: Option<u32>,
}

const PAGE_SIZE: u32 = 100;

fn row_json(r: &bangfu_db::procedures::ProcedureRow) -> Value {
    json!({
        "id": r.id, "kind": r.def.code, "kind_zh": r.def.name_zh, "household_id": r.household_id.0,
        "household_no": r.household_no, "head_name": r.head_name, "area_code": r.area_code,
        "state": r.state, "state_zh": r.state_zh(), "step": r.step.map(|s| s.code), "step_zh": r.step.map(|s| s.name_zh),
        "step_since": r.step_since, "due_on": r.due_on, "started_on": r.started_on, "ended_on": r.ended_on,
    })
}

async fn list(State(state): State<AppState>, me: ApiUser, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(kinds::by_code(k).ok_or_else(|| DomainError::invalid("kind", format!("没有“{k}”这种程序")))?),
        None => None,
    };
    let page = q.page.unwrap_or(1).max(1);
    let filter = ProcedureFilter {
        kind,
        state: q.state.clone(),
        pending_for: q.mine.unwrap_or(false).then_some(me.user.role),
        offset: i64::from((page - 1) * PAGE_SIZE),
        limit: i64::from(PAGE_SIZE),
    };
    let (rows, total) = state.db.procedures(&me.scope, &filter).await?;
    Ok(Json(
        json!({ "items": rows.iter().map(row_json).collect::<Vec<_>>(), "total": total, "page": page, "page_size": PAGE_SIZE }),
    ))
}

async fn of_household(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let rows = state.db.household_procedures(&me.scope, HouseholdId(hid)).await?;
    Ok(Json(json!({ "items": rows.iter().map(row_json).collect::<Vec<_>>() })))
}

fn record_json(r: &ProcedureRecord) -> Value {
    let def = r.procedure.def;
    let events: Vec<Value> = r
        .procedure
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (action, text, extra) = match &e.action {
                Action::Complete { note } => ("complete", note.clone(), json!({})),
                Action::SendBack { to, reason } => ("send_back", reason.clone(), json!({ "to": to })),
                Action::Refuse { reason } => ("refuse", reason.clone(), json!({})),
                Action::Withdraw { reason } => ("withdraw", reason.clone(), json!({})),
                Action::Object { receipt, text } => ("object", text.clone(), json!({ "receipt": receipt })),
                Action::Answer { receipt, upheld, answer } => {
                    ("answer", answer.clone(), json!({ "receipt": receipt, "upheld": upheld }))
                }
            };
            json!({ "on": e.on, "by": e.by, "role": e.role.map(|r| r.code()), "step": e.step, "action": action,
                    "text": text, "detail": extra, "record": r.records.get(i).map(|x| &x.0) })
        })
        .collect();
    let attachments: Vec<Value> = r
        .attachments
        .iter()
        .map(|a| {
            json!({ "id": a.id, "kind": a.kind, "step": a.step, "file_name": a.file_name, "content_type": a.content_type,
                    "size_bytes": a.size_bytes, "note": a.note, "added_by": a.added_by, "created_at": a.created_at,
                    "url": format!("/procedure-files/{}", a.id) })
        })
        .collect();
    let current = r.procedure.current();
    json!({
        "id": r.id, "version": r.version, "kind": def.code, "kind_zh": def.name_zh, "household_id": r.household_id.0,
        "area_code": r.area_code, "started_on": r.procedure.started_on, "state_zh": r.procedure.state().label_zh(),
        "open": r.procedure.state().is_open(), "step": current.map(|s| s.code), "step_zh": current.map(|s| s.name_zh),
        "decision": decision_zh(def, &r.proposal), "proposal": r.proposal.0, "events": events,
        "open_objections": r.procedure.open_objections(), "attachments": attachments,
    })
}

async fn one(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(record_json(&state.db.procedure(&me.scope, id).await?)))
}

async fn start(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let f = texts(body);
    let kind = f.get("kind").map(String::as_str).unwrap_or("");
    let def = kinds::by_code(kind).ok_or_else(|| {
        DomainError::invalid("kind", "请指明程序种类：identification、risk_clearing、classification 或 historical_exit")
    })?;
    // Outside the caller's area the household does not exist, whatever the role.
    let h = bangfu_core::store::HouseholdStore::household(&state.db, &me.scope, HouseholdId(hid)).await?;
    if !crate::pages::monitoring::role_may_start(me.user.role) {
        return Err(ApiError::forbidden());
    }
    if def.code == kinds::IDENTIFICATION.code && f.get("risks").is_none_or(|r| r.trim().is_empty()) {
        return Err(DomainError::invalid("risks", "请填写风险类型（1至5项）").into());
    }
    let on = match f.get("started_on").filter(|s| !s.trim().is_empty()) {
        Some(raw) => bangfu_core::household::model::parse_date(raw)
            .ok_or_else(|| DomainError::invalid("started_on", "日期格式应为 2019-06-01"))?,
        None => me.today,
    };
    let id = state.db.start_procedure(&me.scope, h.id, def, &Proposal::keep(def, &f), on, &me.actor()).await?;
    Ok((StatusCode::CREATED, Json(record_json(&state.db.procedure(&me.scope, id).await?))))
}

async fn act(
    State(state): State<AppState>,
    me: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let version = body.get("version").and_then(Value::as_i64);
    let mut f = texts(body);
    if let Some(u) = f.get("upheld").cloned() {
        f.insert("upheld".into(), if u == "是" || u == "1" || u == "true" { "1" } else { "0" }.into());
    }
    let r = state.db.procedure(&me.scope, id).await?;
    if !crate::pages::procedures::acts_on_any(me.user.role) {
        return Err(ApiError::forbidden());
    }
    let version = version.ok_or_else(|| DomainError::invalid("version", "请附上读取时的 version"))?;
    let action =
        crate::pages::procedures::action_of(r.procedure.def, &f).map_err(|m| DomainError::invalid("action", m))?;
    let on = match f.get("on").filter(|s| !s.trim().is_empty()) {
        Some(raw) => bangfu_core::household::model::parse_date(raw)
            .ok_or_else(|| DomainError::invalid("on", "办理日期格式应为 2026-12-03"))?,
        None => me.today,
    };
    let act = Act { id, version, action, role: Some(me.user.role), on };
    let r = state.db.act_with_findings(&me.scope, act, &f, &me.actor()).await?;
    Ok(Json(record_json(&r)))
}

/// `multipart/form-data` with `kind` (consent, photo, minutes, notice_photo, other), `file` (a
/// photo or PDF) and `note`: a paper for the procedure at its current step.
async fn attach(
    State(state): State<AppState>,
    me: ApiUser,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state.db.procedure(&me.scope, id).await?;
    if !crate::pages::procedures::acts_on_any(me.user.role) {
        return Err(ApiError::denied(bangfu_core::auth::Permission::EditRegister));
    }
    let parts = crate::pages::plans::read_evidence(multipart).await.map_err(|e| DomainError::Invalid(vec![e]))?;
    let Some((name, bytes)) = &parts.file else {
        return Err(DomainError::invalid("file", "请选择要上传的照片或PDF文件").into());
    };
    let up = bangfu_core::assistance::evidence::check_upload(name, bytes).map_err(|e| DomainError::Invalid(vec![e]))?;
    let aid = state
        .db
        .add_procedure_attachment(&me.scope, id, parts.kind.trim(), Some(&parts.note), (&up, bytes), &me.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "attachment_id": aid, "url": format!("/api/v1/procedure-files/{aid}") }))))
}

async fn attachment(
    State(state): State<AppState>,
    me: ApiUser,
    Path(aid): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (a, bytes) = state.db.procedure_attachment_file(&me.scope, aid).await?;
    Ok(crate::pages::plans::file_response_of(Some(&a.content_type), Some(&a.file_name), bytes))
}
