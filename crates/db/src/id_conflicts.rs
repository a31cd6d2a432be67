//! 证件号码冲突的核查: an ID number typed in one area that is a current member in another
//! is not confirmed to the one who typed it; the attempt is written to the audit log
//! (`object_type = 'id_conflict'`, no area) and listed here for the district's reviewer,
//! whose conclusion is another audit row pointing at it. Nothing new to keep but the log.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};

use crate::{Db, dispatch, domain_err};

/// One routed conflict, with the reviewer's latest conclusion if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdConflict {
    pub audit_id: i64,
    pub at: DateTime<Utc>,
    /// Who tried to register the number.
    pub by: String,
    /// The number, masked.
    pub masked: String,
    /// Where it is a current member ("已在 … 登记").
    pub registered: String,
    /// (conclusion, reviewer, when).
    pub review: Option<(String, String, DateTime<Utc>)>,
}

/// The audit row type of a conclusion.
const REVIEW: &str = "id_conflict_review";

type Found = (
    i64,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
);

impl Db {
    /// The latest routed conflicts (200 at most), newest first: for a district-wide account
    /// only (they name another township's household); others get none.
    pub async fn id_conflicts(&self, scope: &Scope) -> DomainResult<Vec<IdConflict>> {
        if !scope.is_district_wide() {
            return Ok(Vec::new());
        }
        let sql = "select c.audit_id, c.at, c.username, c.object_id, c.before_value, \
            (select r.after_value from audit_log r where r.object_type = 'id_conflict_review' \
                and r.object_id = cast(c.audit_id as text) order by r.audit_id desc limit 1), \
            (select r.username from audit_log r where r.object_type = 'id_conflict_review' \
                and r.object_id = cast(c.audit_id as text) order by r.audit_id desc limit 1), \
            (select r.at from audit_log r where r.object_type = 'id_conflict_review' \
                and r.object_id = cast(c.audit_id as text) order by r.audit_id desc limit 1) \
            from audit_log c where c.object_type = 'id_conflict' order by c.audit_id desc limit 200";
        let rows: Vec<Found> = dispatch!(self, pool => {
            sqlx::query_as(sql).fetch_all(pool).await.map_err(domain_err)?
        });
        Ok(rows
            .into_iter()
            .map(|(audit_id, at, by, masked, registered, note, reviewer, reviewed_at)| IdConflict {
                audit_id,
                at,
                by: by.unwrap_or_default(),
                masked: masked.unwrap_or_default(),
                registered: registered.unwrap_or_default(),
                review: match (note, reviewer, reviewed_at) {
                    (Some(n), r, Some(t)) => Some((n, r.unwrap_or_default(), t)),
                    _ => None,
                },
            })
            .collect())
    }

    /// The reviewer's conclusion on a routed conflict, as an audit row pointing at it.
    pub async fn review_id_conflict(
        &self,
        scope: &Scope,
        audit_id: i64,
        note: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let note = note.trim();
        if note.is_empty() {
            return Err(DomainError::invalid("note", "请写明核查结论"));
        }
        let mut errors = Vec::new();
        bangfu_core::text::check_field(&mut errors, "note", note);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        if !self.id_conflicts(scope).await?.iter().any(|c| c.audit_id == audit_id) {
            return Err(DomainError::NotFound);
        }
        let entry = AuditEntry::new(actor, AuditAction::Update).object(REVIEW, audit_id, None).change(
            "conclusion",
            None,
            Some(note.to_owned()),
        );
        self.audit(&entry).await
    }
}
