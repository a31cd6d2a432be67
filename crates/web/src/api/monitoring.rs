//! /api/v1/households/{hid}/episodes: a household's monitoring episodes; opening and clearing
//! one is the district's action (区级管理员), as on the household page.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::household::HouseholdId;
use bangfu_core::monitoring::{CloseEpisode, Episode, OpenEpisode};
use bangfu_core::store::{HouseholdStore, MonitoringStore};
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/episodes", get(list).post(open))
        .route("/api/v1/households/{hid}/episodes/clear", post(clear))
}

fn district(me: &ApiUser) -> Result<(), ApiError> {
    if me.user.role.may(bangfu_core::auth::Permission::DecideMonitoring) { Ok(()) } else { Err(ApiError::forbidden()) }
}

async fn list(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    let items = state.db.episodes(&me.scope, HouseholdId(hid)).await?;
    Ok(Json(json!({ "items": items })))
}

/// Risks may come as a list (`["因病", "因学"]`) or as text (`"因病、因学"`).
fn fields(mut body: HashMap<String, Value>) -> HashMap<String, String> {
    if let Some(Value::Array(list)) = body.get("risks") {
        let joined = list.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect::<Vec<_>>();
        body.insert("risks".into(), Value::String(joined.join("、")));
    }
    texts(body)
}

async fn open(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    // Outside the caller's area the household does not exist, whatever the role.
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    district(&me)?;
    let episode = OpenEpisode::parse(&fields(body), h.data.household_type, me.today).map_err(DomainError::Invalid)?;
    state.db.open_episode(&me.scope, h.id, &episode, &me.actor()).await?;
    list(State(state), me, Path(hid)).await
}

async fn clear(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    district(&me)?;
    let open = state
        .db
        .episodes(&me.scope, h.id)
        .await?
        .into_iter()
        .find(Episode::is_open)
        .ok_or_else(|| DomainError::invalid("cleared_on", "该户当前没有监测记录，无需消除风险"))?;
    let close = CloseEpisode::parse(&fields(body), &open, me.today).map_err(DomainError::Invalid)?;
    state.db.close_episode(&me.scope, h.id, &close, &me.actor()).await?;
    list(State(state), me, Path(hid)).await
}
