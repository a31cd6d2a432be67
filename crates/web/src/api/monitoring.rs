//! /api/v1/households/{hid}/episodes: a household's monitoring episodes. Opening and clearing
//! one is a procedure's approval (api/procedures.rs); the old POSTs answer 409 `by_procedure`.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::MonitoringStore;
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/episodes", get(list).post(open))
        .route("/api/v1/households/{hid}/episodes/clear", post(clear))
}

async fn list(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    let items = state.db.episodes(&me.scope, HouseholdId(hid)).await?;
    Ok(Json(json!({ "items": items })))
}

/// 纳入监测 and 风险消除 are decided by procedure: the old POSTs say where to go instead.
async fn open(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> ApiError {
    by_procedure(&state, &me, hid, "identification").await
}

async fn clear(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> ApiError {
    by_procedure(&state, &me, hid, "risk_clearing").await
}

async fn by_procedure(state: &AppState, me: &ApiUser, hid: i64, kind: &str) -> ApiError {
    // Outside the caller's area the household does not exist; a reader may start nothing.
    if let Err(e) = bangfu_core::store::HouseholdStore::household(&state.db, &me.scope, HouseholdId(hid)).await {
        return e.into();
    }
    if !crate::pages::procedures::acts_on_any(me.user.role) {
        return ApiError::forbidden();
    }
    ApiError::new(
        axum::http::StatusCode::CONFLICT,
        "by_procedure",
        format!(
            "须经程序办理（入户核实、评议、公示、审核、审批）：POST /api/v1/households/{hid}/procedures，kind = {kind}"
        ),
    )
}
