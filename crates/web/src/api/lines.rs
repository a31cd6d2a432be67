//! /api/v1/lines: 监测范围 and 贫困线 per year and area with their adjustment history. Every
//! user reads them; only a district-level account enters or adjusts one.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::line::{self, LineData, LineId};
use bangfu_core::store::LineStore;
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/lines", get(list).post(create)).route("/api/v1/lines/{id}", put(adjust).get(show))
}

async fn list(State(state): State<AppState>, me: ApiUser) -> Result<Json<Value>, ApiError> {
    let lines = state.db.lines(&me.scope).await?;
    let margin = state.db.line_margin_percent().await?;
    Ok(Json(json!({ "items": lines, "margin_percent": margin })))
}

async fn show(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let l = state.db.line(&me.scope, LineId(id)).await?;
    let history = state.db.line_history(&me.scope, l.id).await?;
    Ok(Json(json!({ "id": l.id, "data": l.data, "version": l.version, "history": history })))
}

/// The body as the form's fields: `kind`, `year`, `area_code`, `amount` (元), `document_no`,
/// `effective_on`, `example` (boolean), `note`, and the `reason` (required).
fn parse(body: HashMap<String, Value>, today: chrono::NaiveDate) -> Result<(LineData, String), ApiError> {
    let fields = texts(body);
    let reason = fields.get("reason").cloned().unwrap_or_default();
    match (LineData::parse(&fields, today), line::check_reason(&reason)) {
        (Ok(d), Ok(_)) => Ok((d, reason)),
        (d, r) => {
            let mut errors = d.err().unwrap_or_default();
            errors.extend(r.err());
            Err(DomainError::Invalid(errors).into())
        }
    }
}

async fn create(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings, ApiUser>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let (data, reason) = parse(body, me.today)?;
    let id = state.db.create_line(&me.scope, &data, &reason, &me.actor()).await?;
    show(State(state), me.into_inner(), Path(id.0)).await
}

async fn adjust(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings, ApiUser>,
    Path(id): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    // The version read (GET's `version`) is required: an adjustment never overwrites one it never saw.
    let version =
        body.get("version").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
    let version = version.ok_or_else(|| DomainError::invalid("version", "请带上读取该标准时的 version"))?;
    let (data, reason) = parse(body, me.today)?;
    state.db.adjust_line(&me.scope, LineId(id), version, &data, &reason, &me.actor()).await?;
    show(State(state), me.into_inner(), Path(id)).await
}
