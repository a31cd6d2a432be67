//! 项目档案 on a project's page: its papers (minutes, approvals, acceptance reports, photos, the
//! voucher of each payment) with the step they were added at, the upload form, and the file
//! itself to users whose area holds the project (another's is 404).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use bangfu_core::DomainError;
use bangfu_core::auth::Permission;
use bangfu_core::project::document::{DOCUMENT_KINDS, document_kind_zh};
use bangfu_db::projects::ProjectRecord;

use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/projects/{id}/documents",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(super::work::UPLOAD_BODY_LIMIT)),
        )
        .route("/project-files/{did}", get(download))
}

pub struct DocumentRow {
    pub id: i64,
    pub kind: &'static str,
    pub step: String,
    /// For a voucher: the payment it proves ("2026-04-10 拨付 100,000.00元 沙东村股份经济合作社").
    pub payment: String,
    pub file_name: String,
    pub note: String,
    pub added: String,
}

/// The 项目档案 section of a project's page.
pub struct DocumentSection {
    pub rows: Vec<DocumentRow>,
    pub kinds: Vec<(&'static str, &'static str)>,
    /// The project's payments, for a voucher: (entry id, label).
    pub payments: Vec<(i64, String)>,
    pub may_add: bool,
}

pub async fn section(state: &AppState, me: &CurrentUser, p: &ProjectRecord) -> Result<DocumentSection, PageError> {
    let entries = state.db.project_entries(&me.scope, p.id).await?;
    let payments: Vec<(i64, String)> = entries
        .iter()
        .filter(|e| e.kind == "payment")
        .map(|e| (e.id, format!("{} 拨付 {} {}", e.on, e.amount.display_yuan(), e.payee.clone().unwrap_or_default())))
        .collect();
    let rows = state
        .db
        .project_documents(&me.scope, p.id)
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            id: d.id,
            kind: document_kind_zh(&d.kind),
            step: d.step,
            payment: d
                .entry_id
                .and_then(|e| payments.iter().find(|(id, _)| *id == e).map(|(_, l)| l.clone()))
                .unwrap_or_default(),
            file_name: d.file_name,
            note: d.note.unwrap_or_default(),
            added: format!("{} {}", d.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d"), d.added_by),
        })
        .collect();
    Ok(DocumentSection { rows, kinds: DOCUMENT_KINDS.to_vec(), payments, may_add: me.may(Permission::EditRegister) })
}

async fn upload(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    state.db.project(&me.scope, id).await?;
    if !me.may(Permission::EditRegister) {
        return Err(PageError::Denied(Permission::EditRegister));
    }
    let parts = match super::plans::read_evidence(multipart).await {
        Ok(p) => p,
        Err(e) => {
            return super::projects::after(&state, &me, id, Err(DomainError::Invalid(vec![e])), HashMap::new()).await;
        }
    };
    me.check_csrf(&parts.csrf)?;
    let typed: HashMap<String, String> = [
        ("form".to_owned(), "document".to_owned()),
        ("note".to_owned(), parts.note.clone()),
        ("kind".to_owned(), parts.kind.clone()),
        ("entry_id".to_owned(), parts.entry_id.clone()),
    ]
    .into_iter()
    .collect();
    let stored = match &parts.file {
        None => Err(DomainError::invalid("file", "请选择要上传的照片或PDF文件")),
        Some((name, bytes)) => match bangfu_core::assistance::evidence::check_upload(name, bytes) {
            Ok(up) => {
                let entry = parts.entry_id.trim().parse::<i64>().ok();
                state
                    .db
                    .add_project_document(
                        &me.scope,
                        id,
                        &parts.kind,
                        entry,
                        Some(parts.note.as_str()),
                        (&up, bytes),
                        &me.actor(),
                    )
                    .await
            }
            Err(e) => Err(DomainError::Invalid(vec![e])),
        },
    };
    match stored {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}#documents")).into_response()),
        Err(e) => super::projects::after(&state, &me, id, Err(e), typed).await,
    }
}

async fn download(State(state): State<AppState>, me: CurrentUser, Path(did): Path<i64>) -> Result<Response, PageError> {
    let (d, bytes) = state.db.project_document_file(&me.scope, did).await?;
    Ok(super::plans::file_response_of(Some(&d.content_type), Some(&d.file_name), bytes))
}
