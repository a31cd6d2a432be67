//! What the /api/v1 work routes share (worklist.rs, plans.rs, visits.rs, teams.rs): the paging
//! query, and narrowing the caller's area to a sub-area.

use bangfu_core::DomainError;
use bangfu_core::area::Scope;
use bangfu_core::store::AreaStore;

use super::{ApiError, ApiUser};
use crate::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub page: bangfu_core::store::PageNo,
    pub area: Option<String>,
}

/// A sub-area of the caller's own, or the caller's whole area.
pub(crate) async fn area_scope(state: &AppState, me: &ApiUser, area: Option<&str>) -> Result<Scope, ApiError> {
    match me.scope.sub_area(area)? {
        Some(code) => Ok(Scope::of(&state.db.area(&code).await?.ok_or(DomainError::NotFound)?)),
        None => Ok(me.scope.clone()),
    }
}
