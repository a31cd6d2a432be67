//! /api/v1/pv-stations: 村级光伏电站 for a district's other systems — the stations of the user's
//! area, and one station with its settlements and its distribution plans, each plan with its
//! check and lines (households by 户编号 and head's name, never an ID number). Read only; the
//! same scope as the pages (another area's station is 404).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::project::pv;
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/pv-stations", get(list)).route("/api/v1/pv-stations/{id}", get(one))
}

fn station(s: &bangfu_db::pv::Station) -> Value {
    let d = &s.data;
    json!({ "id": s.id, "name": d.name, "area_code": d.area_code.as_str(), "capacity_kw": pv::kw_zh(d.capacity_w),
            "grid_on": d.grid_on, "owner": d.owner, "project_id": d.project_id })
}

async fn list(State(state): State<AppState>, me: ApiUser) -> Result<Json<Value>, ApiError> {
    let found = state.db.stations(&me.scope).await?;
    let items: Vec<Value> = found.iter().map(station).collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

async fn one(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let s = state.db.station(&me.scope, id).await?;
    let mut out = station(&s);
    let settlements: Vec<Value> = state
        .db
        .settlements(&me.scope, id)
        .await?
        .iter()
        .map(|x| {
            let d = &x.data;
            json!({ "year": d.year, "quarter": d.quarter, "kwh": d.kwh, "income_fen": d.income.0,
                    "subsidy_fen": d.subsidy.map(|f| f.0), "received_on": d.received_on })
        })
        .collect();
    let mut plans = Vec::new();
    for summary in state.db.pv_plans(&me.scope, id).await? {
        let p = state.db.pv_plan(&me.scope, summary.id).await?;
        let check = state.db.pv_plan_check(&p).await?;
        let lines: Vec<Value> = p
            .lines
            .iter()
            .map(|l| {
                json!({ "id": l.id, "use": l.use_.code(), "household_id": l.household_id, "household_no": l.household_no,
                        "head_name": l.head_name, "village_code": l.village_code, "person": l.person,
                        "amount_fen": l.amount.0, "note": l.note, "weak_labour": l.weak_labour,
                        "paid_on": l.paid_on, "income_id": l.income_id })
            })
            .collect();
        plans.push(json!({ "id": p.id, "year": p.data.year, "stage": p.stage, "stage_zh": p.stage_zh(),
            "decided_on": p.data.decided_on, "decision": p.data.decision, "notice_on": p.notice_on, "paid_on": p.paid_on,
            "total_fen": check.total.0, "available_fen": check.available.0, "public_job_fen": check.public_job.0,
            "to_weak_labour_fen": check.to_weak_labour.0, "blocking": check.blocking, "warnings": check.warnings,
            "lines": lines,
            "events": p.events.iter().map(|e| json!({ "on": e.on, "by": e.by, "action": e.action, "note": e.note })).collect::<Vec<_>>() }));
    }
    out["settlements"] = Value::Array(settlements);
    out["plans"] = Value::Array(plans);
    Ok(Json(out))
}
