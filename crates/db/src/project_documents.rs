//! 项目档案 kept: a project's papers with the step they were added at, the voucher of a payment
//! tied to its ledger entry; checked again here whoever the caller, audited, never removed, and
//! served only inside the area.

use bangfu_core::area::Scope;
use bangfu_core::assistance::evidence::{Upload, check_upload};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::project::document::{document_kind_zh, parse_kind};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A paper as the project page lists it (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub step: String,
    pub kind: String,
    pub entry_id: Option<i64>,
    pub note: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub added_by: String,
    pub created_at: DateTime<Utc>,
}

type Row = (i64, String, String, Option<i64>, Option<String>, String, String, i64, String, DateTime<Utc>);

fn document_of(r: Row) -> Document {
    let (id, step, kind, entry_id, note, file_name, content_type, size_bytes, added_by, created_at) = r;
    Document { id, step, kind, entry_id, note, file_name, content_type, size_bytes, added_by, created_at }
}

const SELECT: &str = "select d.document_id, d.step, d.kind, d.entry_id, d.note, d.file_name, d.content_type, d.size_bytes, \
    d.added_by, d.created_at from project_documents d";

impl Db {
    /// Adds a paper to a project inside `scope`. A 拨付凭证 names one of the project's payments.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_project_document(
        &self,
        scope: &Scope,
        project: i64,
        kind: &str,
        entry: Option<i64>,
        note: Option<&str>,
        upload: (&Upload, &[u8]),
        actor: &Actor,
    ) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        let Some(kind) = parse_kind(kind) else {
            return Err(DomainError::invalid("kind", "请选择材料类别"));
        };
        let entry = match (kind, entry) {
            ("voucher", None) => return Err(DomainError::invalid("entry_id", "拨付凭证须选择对应的拨付记录")),
            ("voucher", Some(e)) => {
                let entries = self.project_entries(scope, project).await?;
                if !entries.iter().any(|x| x.id == e && x.kind == "payment") {
                    return Err(DomainError::invalid("entry_id", "所选拨付记录不属于本项目"));
                }
                Some(e)
            }
            _ => None,
        };
        let (u, bytes) = upload;
        let again = check_upload(&u.file_name, bytes).map_err(|e| DomainError::Invalid(vec![e]))?;
        if again.content_type != u.content_type {
            return Err(DomainError::invalid("file", "文件类型与内容不符"));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 200) {
            return Err(DomainError::invalid("note", "说明不能超过200个字"));
        }
        let step = match (&p.procedure, p.stage.as_str()) {
            (_, "draft") => "需求摸底".to_owned(),
            (Some(pr), _) => pr.current().map_or_else(|| p.stage_zh().to_owned(), |s| s.name_zh.to_owned()),
            (None, _) => p.stage_zh().to_owned(),
        };
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        let now = self.clock().now();
        let entry_audit = AuditEntry::new(actor, AuditAction::Create)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change(
                "document",
                None,
                Some(format!("{}：{}（{} 字节，{}）", document_kind_zh(kind), u.file_name, bytes.len(), step)),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into project_documents (project_id, step, kind, entry_id, note, file_name, \
                content_type, size_bytes, sha256, content, added_by, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning document_id")
                .bind(project).bind(&step).bind(kind).bind(entry).bind(note).bind(&u.file_name).bind(u.content_type)
                .bind(bytes.len() as i64).bind(&sha).bind(bytes).bind(&actor.username).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry_audit).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A project's papers (inside `scope`), in the order they were added.
    pub async fn project_documents(&self, scope: &Scope, project: i64) -> DomainResult<Vec<Document>> {
        self.project(scope, project).await?;
        let sql = format!("{SELECT} where d.project_id = $1 order by d.document_id");
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(project).fetch_all(pool).await.map_err(domain_err)?
        });
        Ok(rows.into_iter().map(document_of).collect())
    }

    /// A paper with its bytes, inside `scope` (another area's is "not found").
    pub async fn project_document_file(&self, scope: &Scope, id: i64) -> DomainResult<(Document, Vec<u8>)> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{SELECT} join projects p on p.project_id = d.project_id where d.document_id = $1 and p.area_code between $2 and $3"
        );
        let bytes_sql = "select content from project_documents where document_id = $1";
        dispatch!(self, pool => {
            let row: Option<Row> = sqlx::query_as(crate::sql(&sql)).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            let doc = document_of(row.ok_or(DomainError::NotFound)?);
            let bytes: Vec<u8> = sqlx::query_scalar(bytes_sql).bind(id).fetch_one(pool).await.map_err(domain_err)?;
            Ok((doc, bytes))
        })
    }
}
