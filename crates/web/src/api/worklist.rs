//! /api/v1/worklist: the households with work to do, by reason, and the counts per area.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::assistance::WorkReason;
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{Page, WorklistStore};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

use super::work::*;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/worklist/{reason}", get(worklist)).route("/api/v1/worklist-counts", get(counts))
}

async fn worklist(
    State(state): State<AppState>,
    me: ApiUser,
    Path(reason): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let Some(reason) = WorkReason::parse(&reason) else { return Err(DomainError::NotFound.into()) };
    let scope = area_scope(&state, &me, q.area.as_deref()).await?;
    let page = Page { number: q.page.0, size: 50 };
    let (items, total) = state.db.worklist(&scope, reason, me.today, page).await?;
    let ids: Vec<HouseholdId> = items.iter().map(|h| h.id).collect();
    let notes: serde_json::Map<String, Value> = state
        .db
        .worklist_notes(&scope, reason, &ids, me.today)
        .await?
        .into_iter()
        .map(|(id, n)| (id.0.to_string(), json!(n)))
        .collect();
    Ok(Json(json!({ "reason": reason, "label": reason.label_zh(), "total": total, "page": page.number,
        "page_size": page.size, "items": items, "notes": notes })))
}

async fn counts(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let scope = area_scope(&state, &me, q.area.as_deref()).await?;
    let (totals, per_area) = state.db.worklist_counts(&scope, scope.root(), me.today).await?;
    let as_map = |counts: &[i64]| -> Value {
        WorkReason::ALL
            .iter()
            .zip(counts)
            .map(|(r, n)| (r.code().to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    Ok(Json(json!({
        "visit_interval_days": state.db.visit_interval_days().await?,
        "totals": as_map(&totals),
        "areas": per_area.iter().map(|c| json!({ "area_code": c.area.code, "name": c.area.name, "counts": as_map(&c.counts) })).collect::<Vec<_>>(),
    })))
}
