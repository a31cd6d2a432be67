//! /api/v1 for 驻村工作队 and 结对帮扶: work teams, their members, and pairings of units with townships.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::area::AreaCode;
use bangfu_core::assistance::{PairingData, TeamMemberData};
use bangfu_core::store::{Page, TeamStore};
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

use super::work::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/teams", get(teams))
        .route("/api/v1/teams/{village}/members", post(add_team_member))
        .route("/api/v1/pairings", get(pairings).post(create_pairing))
}

async fn teams(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let scope = area_scope(&state, &me, q.area.as_deref()).await?;
    let page = Page { number: q.page.0, size: 100 };
    let (teams, total) = state.db.teams(&scope, None, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": teams.iter().map(|t| json!({
        "village_code": t.village_code, "village_name": t.village_name, "key_village": t.key_village,
        "members": t.members, "warnings": t.warnings(),
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
    let data = TeamMemberData::parse(&texts(body), me.today).map_err(DomainError::Invalid)?;
    state.db.add_team_member(&me.scope, &code, &data, &me.actor()).await?;
    let t = state.db.team(&me.scope, &code).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "members": t.members, "warnings": t.warnings() }))))
}

async fn pairings(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = Page { number: q.page.0, size: 200 };
    let (items, total) = state.db.pairing_page(&me.scope, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": items })))
}

async fn create_pairing(
    State(state): State<AppState>,
    me: Require<perm::PairUnits, ApiUser>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let data = PairingData::parse(&texts(body), me.today).map_err(DomainError::Invalid)?;
    let id = state.db.create_pairing(&me.scope, &data, &me.actor()).await?;
    let p = state.db.pairings(&me.scope).await?.into_iter().find(|p| p.id == id);
    Ok((axum::http::StatusCode::CREATED, Json(json!(p))))
}
