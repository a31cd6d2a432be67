//! /api/v1 for 帮扶 work: plans, measures and evidence, visits and their review, the
//! worklists with counts, work teams and pairings — the same rules and scope as the pages.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::{
    MeasureData, MeasureProgress, PairingData, PlanData, TeamMemberData, VisitData, WorkReason,
};
use bangfu_core::household::{HouseholdId, parse_date};
use bangfu_core::store::{AreaStore, HouseholdStore, Page, PlanStore, TeamStore, VisitStore, WorklistStore};
use chrono::Datelike;
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};
use crate::pages::work::{UPLOAD_BODY_LIMIT, file_response, read_evidence, store_evidence};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/worklist/{reason}", get(worklist))
        .route("/api/v1/worklist-counts", get(counts))
        .route("/api/v1/households/{hid}/plans", get(plans).post(create_plan))
        .route("/api/v1/plans/{pid}/measures", post(add_measure))
        .route("/api/v1/measures/{mid}/progress", post(progress))
        .route("/api/v1/measures/{mid}/evidence", post(add_evidence).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/api/v1/evidence/{eid}", get(evidence))
        .route("/api/v1/households/{hid}/visits", get(visits).post(record_visit))
        .route("/api/v1/visits/{vid}/follow-up", post(follow_up))
        .route("/api/v1/visits/{vid}/review", post(review))
        .route("/api/v1/teams", get(teams))
        .route("/api/v1/teams/{village}/members", post(add_team_member))
        .route("/api/v1/pairings", get(pairings).post(create_pairing))
}

fn today() -> chrono::NaiveDate {
    crate::pages::form::today()
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    page: Option<u32>,
    area: Option<String>,
}

/// A sub-area of the caller's own, or the caller's whole area.
async fn area_scope(state: &AppState, me: &ApiUser, area: Option<&str>) -> Result<Scope, ApiError> {
    match me.scope.sub_area(area)? {
        Some(code) => Ok(Scope::of(&state.db.area(&code).await?.ok_or(DomainError::NotFound)?)),
        None => Ok(me.scope.clone()),
    }
}

async fn worklist(
    State(state): State<AppState>,
    me: ApiUser,
    Path(reason): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let Some(reason) = WorkReason::parse(&reason) else { return Err(DomainError::NotFound.into()) };
    let scope = area_scope(&state, &me, q.area.as_deref()).await?;
    let page = Page { number: q.page.unwrap_or(1).max(1), size: 50 };
    let (items, total) = state.db.worklist(&scope, reason, today(), page).await?;
    let ids: Vec<HouseholdId> = items.iter().map(|h| h.id).collect();
    let notes: serde_json::Map<String, Value> = state
        .db
        .worklist_notes(&scope, reason, &ids, today())
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
    let (totals, per_area) = state.db.worklist_counts(&scope, scope.root(), today()).await?;
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
    f.entry("year".into()).or_insert_with(|| today().year().to_string());
    let data = PlanData::parse(&f, today()).map_err(DomainError::Invalid)?;
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
    let (_, year) = state.db.plan_owner(&me.scope, pid).await?;
    let data = MeasureData::parse(&texts(body), year).map_err(DomainError::Invalid)?;
    let id = state.db.add_measure(&me.scope, pid, &data, &me.actor()).await?;
    let (_, m) = state.db.measure(&me.scope, id).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!(m))))
}

async fn progress(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(mid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    state.db.measure(&me.scope, mid).await?;
    let mut f = texts(body);
    f.entry("on".into()).or_insert_with(|| today().to_string());
    let p = MeasureProgress::parse(&f, today()).map_err(DomainError::Invalid)?;
    state.db.progress_measure(&me.scope, mid, &p, &me.actor()).await?;
    Ok(Json(json!(state.db.measure(&me.scope, mid).await?.1)))
}

/// `multipart/form-data` with `file` (a photo or PDF) and/or `note`.
async fn add_evidence(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(mid): Path<i64>,
    multipart: Multipart,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    state.db.measure(&me.scope, mid).await?;
    let parts = read_evidence(multipart).await.map_err(|e| DomainError::Invalid(vec![e]))?;
    let id = store_evidence(&state, &me.scope, &me.actor(), mid, &parts).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "evidence_id": id }))))
}

async fn evidence(State(state): State<AppState>, me: ApiUser, Path(eid): Path<i64>) -> Result<Response, ApiError> {
    let (e, bytes) = state.db.evidence_file(&me.scope, eid).await?;
    Ok(file_response(&e, bytes))
}

async fn visits(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": state.db.visits(&me.scope, HouseholdId(hid)).await? })))
}

async fn record_visit(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    let data = VisitData::parse(&texts(body), today()).map_err(DomainError::Invalid)?;
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
    state.db.visit(&me.scope, vid).await?;
    let on = match body.and_then(|b| b.0.on) {
        Some(s) => parse_date(&s).ok_or_else(|| DomainError::invalid("on", format!("“{s}”不是有效日期")))?,
        None => today(),
    };
    state.db.follow_up_done(&me.scope, vid, on, &me.actor()).await?;
    Ok(Json(json!(state.db.visit(&me.scope, vid).await?)))
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
    let visit = state.db.visit(&me.scope, vid).await?;
    let method =
        if body.accept { crate::pages::work::clear_method(&visit, body.clear_method.as_deref())? } else { None };
    state.db.review_with_method(&me.scope, vid, body.accept, &body.note, method, &me.actor()).await?;
    Ok(Json(json!(state.db.visit(&me.scope, vid).await?)))
}

async fn teams(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let scope = area_scope(&state, &me, q.area.as_deref()).await?;
    let page = Page { number: q.page.unwrap_or(1).max(1), size: 100 };
    let (teams, total) = state.db.teams(&scope, None, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": teams.iter().map(|t| json!({
        "village_code": t.village_code, "village_name": t.village_name, "members": t.members, "warnings": t.warnings(),
    })).collect::<Vec<_>>() })))
}

async fn add_team_member(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork, ApiUser>,
    Path(village): Path<String>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let code = AreaCode::parse(&village).map_err(|_| DomainError::NotFound)?;
    state.db.team(&me.scope, &code).await?;
    let data = TeamMemberData::parse(&texts(body), today()).map_err(DomainError::Invalid)?;
    state.db.add_team_member(&me.scope, &code, &data, &me.actor()).await?;
    let t = state.db.team(&me.scope, &code).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "members": t.members, "warnings": t.warnings() }))))
}

async fn pairings(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = Page { number: q.page.unwrap_or(1).max(1), size: 200 };
    let (items, total) = state.db.pairing_page(&me.scope, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": items })))
}

async fn create_pairing(
    State(state): State<AppState>,
    me: Require<perm::PairUnits, ApiUser>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let data = PairingData::parse(&texts(body), today()).map_err(DomainError::Invalid)?;
    let id = state.db.create_pairing(&me.scope, &data, &me.actor()).await?;
    let p = state.db.pairings(&me.scope).await?.into_iter().find(|p| p.id == id);
    Ok((axum::http::StatusCode::CREATED, Json(json!(p))))
}
