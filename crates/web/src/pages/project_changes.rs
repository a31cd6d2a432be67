//! 项目调整 on a project's page: the changes of a project in the library, each with the day its
//! notice is due (ten working days after the decision) and whether it was published, late or
//! not yet; the form to record one and the day its notice went up. A refused form shows the
//! project page again with the reason and what was typed.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::Permission;
use bangfu_core::money::Fen;
use bangfu_core::project::change::{ChangeData, notice_state_zh};
use bangfu_db::projects::ProjectRecord;
use std::collections::HashMap;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/changes", post(add))
        .route("/projects/{id}/changes/{cid}/publish", post(publish))
}

pub struct ChangeRow {
    pub id: i64,
    pub decided_on: String,
    pub content: String,
    pub reason: String,
    pub doc_no: String,
    /// "1,000,000.00元 → 1,100,000.00元", or empty when the money did not change.
    pub investment: String,
    pub notice: String,
    pub late: bool,
    pub published: bool,
}

/// The 项目调整 section of a project's page.
pub struct ChangeSection {
    pub rows: Vec<ChangeRow>,
    /// The project is in the library (县级审定入库 done, not 出库): changes may be recorded.
    pub open: bool,
    pub may_edit: bool,
}

pub async fn section(state: &AppState, me: &CurrentUser, p: &ProjectRecord) -> Result<ChangeSection, PageError> {
    let calendar = state.db.work_calendar().await?;
    let rows = state
        .db
        .project_changes(&me.scope, p.id)
        .await?
        .into_iter()
        .map(|c| {
            let (notice, late) = notice_state_zh(&calendar, c.notice_due_on, c.published_on, me.today);
            ChangeRow {
                id: c.id,
                decided_on: c.data.decided_on.to_string(),
                content: c.data.content,
                reason: c.data.reason,
                doc_no: c.data.doc_no.unwrap_or_default(),
                investment: match c.data.investment {
                    Some(after) => format!(
                        "{} → {}",
                        c.investment_before.map_or_else(|| "未填".to_owned(), Fen::display_yuan),
                        after.display_yuan()
                    ),
                    None => String::new(),
                },
                notice,
                late,
                published: c.published_on.is_some(),
            }
        })
        .collect();
    let open = bangfu_db::project_changes::in_library(p);
    Ok(ChangeSection { rows, open, may_edit: me.may(Permission::EditRegister) })
}

async fn add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.project(&me.scope, id).await?;
    let done = match ChangeData::parse(&v, me.today) {
        Ok(c) => state.db.record_project_change(&me.scope, id, &c, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    super::projects::after(&state, &me, id, done, v).await
}

async fn publish(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((id, cid)): Path<(i64, i64)>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = match super::procedures::act_date(&v, me.today) {
        Ok(on) => state.db.publish_project_change(&me.scope, id, cid, on, &me.actor()).await,
        Err(_) => Err(DomainError::invalid("on", "公示日期格式应为 2026-03-02")),
    };
    super::projects::after(&state, &me, id, done, v).await
}
