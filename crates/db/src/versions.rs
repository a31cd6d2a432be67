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
use std::sync::Arc;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::row::Get;
use crate::{Db, Pool, dispatch, domain_err};

/// One writer at a time per SQLite register in this process, first come first served. SQLite's
/// own lock is not fair: under many writers a waiting transaction can keep losing the race until
/// its busy timeout ends ("database is locked"). Waiting here, in a queue, it never does.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteGate(Arc<Mutex<()>>);

/// A write transaction, holding its turn at the [`WriteGate`] until it ends.
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// Begins a transaction that will write. On SQLite it waits its turn at the gate, then takes the
/// write lock at once (`BEGIN IMMEDIATE`), so a transaction that reads and then writes never fails
/// with SQLITE_BUSY when another writer got there first. PostgreSQL locks rows instead.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
        gate: &WriteGate,
    ) -> impl Future<Output = Result<WriteTx<Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self, gate: &WriteGate) -> Result<WriteTx<sqlx::Sqlite>, sqlx::Error> {
        let turn = gate.0.clone().lock_owned().await;
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: Some(turn) })
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self, _gate: &WriteGate) -> Result<WriteTx<sqlx::Postgres>, sqlx::Error> {
        Ok(WriteTx { tx: self.begin().await?, _turn: None })
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

    /// The refusal of a form read at `since_version` of a record now at `current_version`:
    /// who changed what since. For handlers that must check the version before anything else
    /// (an event whose form no longer fits the record someone else changed).
    pub async fn stale_since(
        &self,
        object_type: &str,
        object_id: i64,
        since_version: i64,
        current_version: i64,
    ) -> DomainResult<DomainError> {
        Ok(DomainError::Stale(self.stale_change(object_type, object_id, since_version, current_version).await?))
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
