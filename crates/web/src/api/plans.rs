//! /api/v1 for 帮扶计划: plans, measures, progress and evidence, with the rules of the pages.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::assistance::{MeasureData, MeasureProgress, PlanData};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{HouseholdStore, PlanStore};
use chrono::Datelike;
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};
use crate::pages::plans::{file_response, read_evidence, store_evidence};
use crate::pages::work::UPLOAD_BODY_LIMIT;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/plans", get(plans).post(create_plan))
        .route("/api/v1/plans/{pid}/measures", post(add_measure))
        .route("/api/v1/measures/{mid}/progress", post(progress))
        .route("/api/v1/measures/{mid}/evidence", post(add_evidence).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/api/v1/evidence/{eid}", get(evidence))
}

async fn plans(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": state.db.plans(&me.scope, HouseholdId(hid)).await? })))
}

async fn create_plan(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    let mut f = texts(body);
    f.entry("year".into()).or_insert_with(|| me.today.year().to_string());
    let data = PlanData::parse(&f, me.today).map_err(DomainError::Invalid)?;
    let id = state.db.create_plan(&me.scope, hid, &data, &me.actor()).await?;
    let plan = state.db.plans(&me.scope, hid).await?.into_iter().find(|p| p.id == id);
    Ok((axum::http::StatusCode::CREATED, Json(json!(plan))))
}

async fn add_measure(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(pid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let (_, year) = state.db.plan_owner(&me.scope, bangfu_core::ids::PlanId(pid)).await?;
    let data = MeasureData::parse(&texts(body), year).map_err(DomainError::Invalid)?;
    let id = state.db.add_measure(&me.scope, bangfu_core::ids::PlanId(pid), &data, &me.actor()).await?;
    let (_, m) = state.db.measure(&me.scope, id).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!(m))))
}

async fn progress(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(mid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
    let mut f = texts(body);
    f.entry("on".into()).or_insert_with(|| me.today.to_string());
    let p = MeasureProgress::parse(&f, me.today).map_err(DomainError::Invalid)?;
    state.db.progress_measure(&me.scope, bangfu_core::ids::MeasureId(mid), &p, &me.actor()).await?;
    Ok(Json(json!(state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?.1)))
}

/// `multipart/form-data` with `file` (a photo or PDF) and/or `note`.
async fn add_evidence(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(mid): Path<i64>,
    multipart: Multipart,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
    let parts = read_evidence(multipart).await.map_err(|e| DomainError::Invalid(vec![e]))?;
    let id = store_evidence(&state, &me.scope, &me.actor(), mid, &parts).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "evidence_id": id }))))
}

async fn evidence(State(state): State<AppState>, me: ApiUser, Path(eid): Path<i64>) -> Result<Response, ApiError> {
    let (e, bytes) = state.db.evidence_file(&me.scope, bangfu_core::ids::EvidenceId(eid)).await?;
    Ok(file_response(&e, bytes))
}
