//! /api/v1/projects and /api/v1/fund-allocations: the 项目库 and its money for a district's
//! other systems — the projects of the user's area with their sums, one project with its
//! targets, procedure, households reached and ledger, and the allocations. Read only; the same
//! scope as the pages (another area's project is 404).

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list))
        .route("/api/v1/projects/{id}", get(one))
        .route("/api/v1/fund-allocations", get(allocations))
}

#[derive(serde::Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

fn sums(s: &bangfu_core::project::funds::Sums) -> Value {
    json!({ "committed_fen": s.committed.0, "paid_fen": s.paid.0, "unpaid_fen": s.unpaid().0 })
}

async fn list(State(state): State<AppState>, me: ApiUser, Query(q): Query<YearQuery>) -> Result<Json<Value>, ApiError> {
    let found = state.db.projects(&me.scope, q.year).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|p| {
            json!({ "id": p.id, "name": p.name, "category": p.category.code(), "category_zh": p.category.label_zh(),
                    "area_code": p.area_code, "year": p.year, "stage": p.stage, "step": p.step,
                    "stage_zh": bangfu_db::projects::stage_zh(&p.stage, p.step.as_deref()),
                    "investment_fen": p.investment.map(|f| f.0), "money": sums(&p.sums) })
        })
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

async fn one(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let p = state.db.project(&me.scope, id).await?;
    let d = &p.data;
    let targets: Vec<Value> = p
        .targets
        .iter()
        .map(|(tid, t)| json!({ "id": tid, "level": t.level.code(), "indicator": t.indicator, "value": t.value, "unit": t.unit }))
        .collect();
    let events: Vec<Value> = p
        .procedure
        .as_ref()
        .map(|proc| {
            proc.events
                .iter()
                .map(|e| {
                    json!({ "on": e.on, "by": e.by, "role": e.role.map(|r| r.code()), "step": e.step,
                            "action": bangfu_db::procedures::action_code(&e.action) })
                })
                .collect()
        })
        .unwrap_or_default();
    let reached: Vec<Value> = state
        .db
        .project_beneficiaries(&me.scope, id)
        .await?
        .iter()
        .map(|b| {
            json!({ "household_id": b.household_id, "household_no": b.household_no, "head_name": b.head_name,
                    "village_code": b.village_code, "kind": b.kind.code(), "year": b.year, "amount_fen": b.amount.map(|a| a.0) })
        })
        .collect();
    let entries: Vec<Value> = state
        .db
        .project_entries(&me.scope, id)
        .await?
        .iter()
        .map(|e| {
            json!({ "id": e.id, "allocation_id": e.allocation_id, "kind": e.kind, "amount_fen": e.amount.0, "on": e.on,
                    "payee": e.payee, "voucher_no": e.voucher_no, "note": e.note, "reverses": e.reverses, "reversed": e.reversed })
        })
        .collect();
    let changes: Vec<Value> = state
        .db
        .project_changes(&me.scope, id)
        .await?
        .iter()
        .map(|c| {
            json!({ "id": c.id, "decided_on": c.data.decided_on, "content": c.data.content, "reason": c.data.reason,
                    "doc_no": c.data.doc_no, "investment_before_fen": c.investment_before.map(|f| f.0),
                    "investment_after_fen": c.data.investment.map(|f| f.0), "notice_due_on": c.notice_due_on,
                    "published_on": c.published_on })
        })
        .collect();
    let documents: Vec<Value> = state
        .db
        .project_documents(&me.scope, id)
        .await?
        .iter()
        .map(|d| {
            json!({ "id": d.id, "kind": d.kind, "step": d.step, "entry_id": d.entry_id, "file_name": d.file_name,
                    "content_type": d.content_type, "size_bytes": d.size_bytes, "url": format!("/project-files/{}", d.id) })
        })
        .collect();
    Ok(Json(json!({
        "changes": changes, "documents": documents,
        "id": p.id, "version": p.version, "name": d.name, "category": d.category.code(), "area_code": d.area_code.as_str(),
        "year": d.year, "nature": d.nature.map(|n| n.code()), "start_on": d.start_on, "end_on": d.end_on,
        "responsible_unit": d.responsible_unit, "implementing_unit": d.implementing_unit, "tasks": d.tasks,
        "investment_fen": d.investment.map(|f| f.0), "beneficiary_households": d.beneficiary_households,
        "beneficiary_exited": d.beneficiary_exited, "beneficiary_monitored": d.beneficiary_monitored,
        "benefit_mechanism": d.benefit_mechanism, "participation": d.participation, "approval_no": d.approval_no,
        "stage": p.stage, "stage_zh": p.stage_zh(),
        "step": p.procedure.as_ref().and_then(|x| x.current()).map(|s| s.code),
        "targets": targets, "events": events, "households": reached, "entries": entries,
    })))
}

async fn allocations(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = state
        .db
        .allocations(&me.scope, q.year)
        .await?
        .iter()
        .map(|a| {
            json!({ "id": a.id, "source": a.data.source.code(), "source_zh": a.data.source.label_zh(), "year": a.data.year,
                    "doc_no": a.data.doc_no, "issued_on": a.data.issued_on, "amount_fen": a.data.amount.0,
                    "purpose": a.data.purpose, "area_code": a.area_code, "committed_fen": a.sums.committed.0,
                    "paid_fen": a.sums.paid.0, "unarranged_fen": a.sums.unarranged().0 })
        })
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}
