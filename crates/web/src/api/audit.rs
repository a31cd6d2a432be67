//! /api/v1/audit: the audit log for district admins and auditors, within their area.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::audit::AuditAction;
use bangfu_core::audit::AuditFilter;
use bangfu_core::store::{AuditStore, Page};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    username: Option<String>,
    action: Option<String>,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ReadAudit, ApiUser>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = AuditFilter {
        username: q.username.filter(|s| !s.is_empty()),
        action: q.action.as_deref().and_then(AuditAction::parse),
        ..Default::default()
    };
    let page = i64::from(q.page.0);
    let (items, total) = state.db.audit_log(&me.scope, &filter, Page { number: q.page.0, size: 50 }).await?;
    state.db.audit(&filter.reading(&me.actor(), q.page.0)).await?;
    Ok(Json(json!({ "total": total, "page": page, "page_size": 50, "items": items })))
}
