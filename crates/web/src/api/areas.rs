//! /api/v1/areas: 区划查询 — areas inside the caller's scope by name or code prefix, a few at
//! a time (the same search as the pages' village picker).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::area::{AreaLevel, AreaSearch};
use bangfu_core::store::AreaStore;
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/areas", get(search))
}

#[derive(serde::Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    limit: Option<u32>,
}

async fn search(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let level = match q.level.trim() {
        "" => None,
        l => Some(AreaLevel::parse(l).ok_or_else(|| {
            ApiError::from(bangfu_core::DomainError::invalid("level", "级别应为 city、county、township 或 village"))
        })?),
    };
    let search = AreaSearch::parse(&me.scope, &q.q, level, q.limit.unwrap_or(20));
    let found = state.db.search_areas(&me.scope, &search).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|m| {
            json!({
                "code": m.area.code, "name": m.area.name, "level": m.area.level,
                "parent_code": m.area.parent, "parent_name": m.parent_name, "label": m.label(),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items, "limit": search.limit })))
}
