//! /api/v1 for 走访: visits, follow-ups and the review of what a visit proposes.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::assistance::VisitData;
use bangfu_core::household::{HouseholdId, parse_date};
use bangfu_core::store::{HouseholdStore, VisitStore};
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/visits", get(visits).post(record_visit))
        .route("/api/v1/visits/{vid}/follow-up", post(follow_up))
        .route("/api/v1/visits/{vid}/review", post(review))
}

async fn visits(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": state.db.visits(&me.scope, HouseholdId(hid)).await? })))
}

async fn record_visit(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(hid): Path<i64>,
    Json(mut body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    // 走访发现: `findings: ["illness"]`; an empty array is 无; absent or null is 未填.
    if body.get("findings").is_some_and(|f| f.as_array().is_some_and(Vec::is_empty)) {
        body.insert("findings".into(), Value::String(bangfu_core::monitoring::rules::NONE_CODE.into()));
    }
    let data = VisitData::parse(&texts(body), me.today).map_err(DomainError::Invalid)?;
    let id = state.db.record_visit(&me.scope, hid, &data, &me.actor()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!(state.db.visit(&me.scope, id).await?))))
}

#[derive(serde::Deserialize, Default)]
pub struct DoneBody {
    on: Option<String>,
}

async fn follow_up(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(vid): Path<i64>,
    body: Option<Json<DoneBody>>,
) -> Result<Json<Value>, ApiError> {
    state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?;
    let on = match body.and_then(|b| b.0.on) {
        Some(s) => parse_date(&s).ok_or_else(|| DomainError::invalid("on", format!("“{s}”不是有效日期")))?,
        None => me.today,
    };
    state.db.follow_up_done(&me.scope, bangfu_core::ids::VisitId(vid), on, &me.actor()).await?;
    Ok(Json(json!(state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?)))
}

#[derive(serde::Deserialize)]
pub struct ReviewBody {
    accept: bool,
    #[serde(default)]
    note: String,
    /// 消除方式, needed to accept a 风险消除 proposal.
    #[serde(default)]
    clear_method: Option<String>,
}

async fn review(
    State(state): State<AppState>,
    me: Require<perm::ReviewProposals, ApiUser>,
    Path(vid): Path<i64>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<Value>, ApiError> {
    let visit = state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?;
    let method =
        if body.accept { crate::pages::visits::clear_method(&visit, body.clear_method.as_deref())? } else { None };
    state
        .db
        .review_with_method(&me.scope, bangfu_core::ids::VisitId(vid), body.accept, &body.note, method, &me.actor())
        .await?;
    Ok(Json(json!(state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?)))
}
