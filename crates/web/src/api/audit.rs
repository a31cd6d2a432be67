//! /api/v1/audit: the audit log for district admins and auditors.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::audit::AuditAction;
use bangfu_core::auth::Role;
use bangfu_db::audit::AuditFilter;
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    username: Option<String>,
    action: Option<String>,
    page: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    me: ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    if !matches!(me.user.role, Role::DistrictAdmin | Role::Auditor) {
        return Err(ApiError::forbidden());
    }
    let filter = AuditFilter {
        username: q.username.filter(|s| !s.is_empty()),
        action: q.action.as_deref().and_then(AuditAction::parse),
        ..Default::default()
    };
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = state.db.audit_entries(&filter, 50, (page - 1) * 50).await?;
    Ok(Json(json!({ "total": total, "page": page, "page_size": 50, "items": items })))
}
