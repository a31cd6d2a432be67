//! /api/v1/worklist and helper assignment.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::household::{HouseholdId, parse_date};
use bangfu_core::store::{AssistanceStore, Page};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/worklist", get(worklist))
        .route("/api/v1/helpers", get(helpers))
        .route("/api/v1/households/{hid}/helper", post(assign))
        .route("/api/v1/helpers/{id}/retire", post(retire))
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

async fn worklist(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = Page { number: q.page.0, size: 50 };
    let (items, total) = state.db.households_without_helper(&me.scope, page).await?;
    Ok(Json(json!({ "no_helper": { "total": total, "page": page.number, "page_size": page.size, "items": items } })))
}

async fn helpers(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = Page { number: q.page.0, size: 200 };
    let (items, total) = state.db.helper_page(&me.scope, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": items })))
}

#[derive(serde::Deserialize)]
pub struct AssignBody {
    helper_id: i64,
    start_on: String,
}

async fn assign(
    State(state): State<AppState>,
    me: Require<perm::EditRegister, ApiUser>,
    Path(hid): Path<i64>,
    Json(body): Json<AssignBody>,
) -> Result<Json<Value>, ApiError> {
    let household = HouseholdId(hid);
    let on = parse_date(&body.start_on)
        .ok_or_else(|| DomainError::invalid("start_on", format!("“{}”不是有效日期", body.start_on)))?;
    state.db.assign_helper(&me.scope, household, bangfu_core::ids::HelperId(body.helper_id), on, &me.actor()).await?;
    Ok(Json(json!({ "helpers": state.db.helper_history(&me.scope, household).await? })))
}

#[derive(serde::Deserialize)]
pub struct RetireBody {
    end_on: String,
    #[serde(default)]
    reason: String,
}

/// 调离: the helper's current households are released to the no-helper worklist.
async fn retire(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork, ApiUser>,
    Path(id): Path<i64>,
    Json(body): Json<RetireBody>,
) -> Result<Json<Value>, ApiError> {
    state.db.helper(&me.scope, bangfu_core::ids::HelperId(id)).await?;
    let on = parse_date(&body.end_on)
        .ok_or_else(|| DomainError::invalid("end_on", format!("“{}”不是有效日期", body.end_on)))?;
    let released =
        state.db.retire_helper(&me.scope, bangfu_core::ids::HelperId(id), on, &body.reason, &me.actor()).await?;
    Ok(Json(json!({ "helper_id": id, "released_households": released })))
}
