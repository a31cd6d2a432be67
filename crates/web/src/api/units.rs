//! /api/v1/units: 帮扶单位, listed to staff, created and corrected by the district admin.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::assistance::UnitData;
use bangfu_core::store::UnitStore;
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/units", get(list).post(create)).route("/api/v1/units/{id}", get(one).put(update))
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister, ApiUser>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": state.db.units(&me.scope).await? })))
}

async fn one(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister, ApiUser>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.db.unit(&me.scope, bangfu_core::ids::UnitId(id)).await?)))
}

/// Body: `{"name", "level" (code or 省直/市直/县直/乡镇/村级), "area_code"}`.
async fn create(
    State(state): State<AppState>,
    me: Require<perm::ManageUnits, ApiUser>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let data = UnitData::parse(&texts(body)).map_err(DomainError::Invalid)?;
    let id = state.db.create_unit(&me.scope, &data, &me.actor()).await?;
    Ok((StatusCode::CREATED, Json(json!(state.db.unit(&me.scope, id).await?))))
}

async fn update(
    State(state): State<AppState>,
    me: Require<perm::ManageUnits, ApiUser>,
    Path(id): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    state.db.unit(&me.scope, bangfu_core::ids::UnitId(id)).await?;
    let version =
        body.get("version").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
    let data = UnitData::parse(&texts(body)).map_err(DomainError::Invalid)?;
    let version = version.ok_or_else(|| DomainError::invalid("version", "请带上读取该单位时的 version"))?;
    state.db.update_unit(&me.scope, bangfu_core::ids::UnitId(id), version, &data, &me.actor()).await?;
    Ok(Json(json!(state.db.unit(&me.scope, bangfu_core::ids::UnitId(id)).await?)))
}
