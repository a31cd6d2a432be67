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
async fn open(me: ApiUser, Path(hid): Path<i64>) -> ApiError {
    let _ = me;
    by_procedure(hid, "identification")
}

async fn clear(me: ApiUser, Path(hid): Path<i64>) -> ApiError {
    let _ = me;
    by_procedure(hid, "risk_clearing")
}

fn by_procedure(hid: i64, kind: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::CONFLICT,
        "by_procedure",
        format!(
            "须经程序办理（入户核实、评议、公示、审核、审批）：POST /api/v1/households/{hid}/procedures，kind = {kind}"
        ),
    )
}
