//! Optimistic concurrency: transactions that write, and what a refused stale save is told.
//!
//! Every edit of a versioned record (households, members) runs in one transaction that reads the
//! record's current row (locked: `for update` on PostgreSQL; on SQLite the transaction holds the
//! write lock from its first statement), refuses when the version differs from the one the
//! caller read, and otherwise writes `version = version + 1 … where version = $expected` with
//! its audit rows, each naming the version it made (`audit_log.object_version`).

use bangfu_core::household::columns::change_label;
use bangfu_core::{ChangedField, DomainError, DomainResult, StaleChange};
use chrono::{DateTime, Utc};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::row::Get;
use crate::{Db, Pool, dispatch, domain_err};

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a transaction that reads and then writes waits its turn
/// (busy_timeout) instead of failing with SQLITE_BUSY when another writer got there first.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// One audit row of a save since the caller's version: when, which field, its value after, who.
type SavedChange = (DateTime<Utc>, Option<String>, Option<String>, String);

/// A refusal found inside a transaction; the details are read once it has ended.
pub(crate) fn stale(current_version: i64) -> DomainError {
    DomainError::Stale(StaleChange {
        current_version,
        changed_by: Vec::new(),
        changed_at: None,
        today: chrono::NaiveDate::MIN,
        fields: Vec::new(),
    })
}

impl Db {
    /// ` for update` on PostgreSQL (the row stays locked until the transaction ends); nothing on
    /// SQLite, where a write transaction already excludes every other writer.
    pub(crate) fn lock_clause(&self) -> &'static str {
        match self.pool() {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " for update",
        }
    }

    /// Fills in a [`stale`] refusal: who saved the record since `since_version`, when, and what.
    pub(crate) async fn explain_stale<T>(
        &self,
        result: DomainResult<T>,
        object_type: &str,
        object_id: i64,
        since_version: i64,
    ) -> DomainResult<T> {
        match result {
            Err(DomainError::Stale(s)) if s.changed_by.is_empty() && s.fields.is_empty() => Err(DomainError::Stale(
                self.stale_change(object_type, object_id, since_version, s.current_version).await?,
            )),
            other => other,
        }
    }

    async fn stale_change(
        &self,
        object_type: &str,
        object_id: i64,
        since_version: i64,
        current_version: i64,
    ) -> DomainResult<StaleChange> {
        let rows: Vec<SavedChange> = dispatch!(self, pool => {
            let rows = sqlx::query(
                "select a.at, a.field, a.after_value, coalesce(u.display_name, a.username, '') as who from audit_log a \
                 left join users u on u.user_id = a.user_id \
                 where a.object_type = $1 and a.object_id = $2 and a.object_version > $3 order by a.audit_id",
            )
            .bind(object_type)
            .bind(object_id.to_string())
            .bind(since_version)
            .fetch_all(pool)
            .await
            .map_err(domain_err)?;
            rows.iter()
                .map(|r| {
                    let at: DateTime<Utc> = sqlx::Row::try_get(r, "at").map_err(domain_err)?;
                    Ok((at, r.opt_text("field")?, r.opt_text("after_value")?, r.text("who")?))
                })
                .collect::<DomainResult<Vec<_>>>()?
        });
        let mut change = StaleChange {
            current_version,
            changed_by: Vec::new(),
            changed_at: None,
            today: self.clock().today(),
            fields: Vec::new(),
        };
        for (at, field, after, who) in rows {
            if !who.is_empty() && !change.changed_by.contains(&who) {
                change.changed_by.push(who.clone());
            }
            change.changed_at = Some(self.clock().local(at));
            let Some(field) = field else { continue };
            match change.fields.iter_mut().find(|f| f.field == field) {
                Some(f) => {
                    f.now = after;
                    f.by = who;
                }
                None => change.fields.push(ChangedField {
                    label: change_label(object_type, &field),
                    field,
                    by: who,
                    now: after,
                }),
            }
        }
        Ok(change)
    }
}
