//! /api/v1/assets: 扶贫项目资产 for a district's other systems — the assets of the user's area
//! (of one village if asked), with their project, owner, value in fen, keeper, status and its
//! history. Read only; the same scope as the register page (another area's village is 404).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_db::project_assets::AssetFilter;
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/assets", get(list))
}

#[derive(serde::Deserialize)]
struct AssetQuery {
    village: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<AssetQuery>,
) -> Result<Json<Value>, ApiError> {
    let area = me.scope.sub_area(q.village.as_deref())?;
    let found = state.db.assets(&me.scope, &AssetFilter { area, project: None }).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|a| {
            let d = &a.data;
            let history: Vec<Value> = a
                .history
                .iter()
                .map(|h| json!({ "status": h.status.code(), "on": h.on, "reason": h.reason }))
                .collect();
            json!({ "id": a.id, "project_id": a.project_id, "project_name": a.project_name, "name": d.name,
                    "asset_type": d.asset_type.code(), "asset_type_zh": d.asset_type.label_zh(),
                    "category": d.category.code(), "village_code": a.village_code, "owner": d.owner,
                    "owner_kind": d.owner_kind.code(), "value_fen": d.value.0, "handed_over_on": d.handed_over_on,
                    "keeper": d.keeper, "keeper_person": d.keeper_person, "note": d.note,
                    "status": a.status.code(), "status_zh": a.status.label_zh(), "status_on": a.status_on,
                    "history": history })
        })
        .collect();
    let held = bangfu_db::project_assets::totals(&found);
    Ok(Json(json!({ "total": items.len(), "held_value_fen": held.value.0, "items": items })))
}
