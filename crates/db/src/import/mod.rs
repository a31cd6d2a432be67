//! 批量导入: loads households.csv and members.csv (and incomes.csv, earlier income periods,
//! when the directory has one) into the register, all or nothing.
//!
//! Rows stream through the same validation as forms and the API, into staging tables
//! (multi-row inserts on SQLite, COPY on PostgreSQL). Rules across rows — duplicates, an
//! ID already in the register, one head per household — then run as set queries on the
//! staging tables, so memory does not grow with the file. Any error rolls everything back
//! and every bad row is reported as `file:line: column: problem`.
//!
//! Where things live: [`read`] reads and checks the files on threads of their own, [`stage`]
//! writes the checked rows into the staging tables, [`checks`] runs the rules across rows,
//! [`register`] moves staged rows into the register, [`errors`] holds the row errors and how
//! they are shown; [`divisions`] reads the area list.

mod checks;
mod divisions;
pub mod errors;
mod read;
mod register;
mod stage;

use std::io::Read;
use std::path::Path;

use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnection;

use crate::{Db, Pool, dispatch, sql};

pub use divisions::{YICHENG_DIVISIONS, read_divisions};
pub use errors::{ImportError, RowError};

use checks::cross_checks;
use errors::io_err;
use register::{LOADED_TABLES, move_staged};
use stage::{STAGING_TABLES, stage_postgres, stage_sqlite, staging_ddl};

pub const HOUSEHOLDS_FILE: &str = "households.csv";
pub const MEMBERS_FILE: &str = "members.csv";
/// incomes.csv, optional beside the two register files: earlier income periods (the 12-month
/// measure), loaded in the same transaction.
pub const INCOMES_FILE: &str = "incomes.csv";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub households: u64,
    pub members: u64,
    pub incomes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(ImportReport),
    /// The same files were imported before: nothing was written.
    AlreadyImported {
        on: String,
    },
}

/// The combined size of the files, for a progress bar.
pub fn register_size(dir: &Path) -> u64 {
    [HOUSEHOLDS_FILE, MEMBERS_FILE, INCOMES_FILE]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn fingerprint(dir: &Path) -> Result<String, ImportError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    for name in [HOUSEHOLDS_FILE, MEMBERS_FILE] {
        let path = dir.join(name);
        let mut f = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| io_err(&path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        hasher.update(b"\x00--\x00");
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Notes the files' fingerprint so the same register is never imported twice.
macro_rules! record_import {
    ($ex:expr, $hash:expr, $report:expr, $now:expr) => {{
        let r = $report.unwrap_or_default();
        sqlx::query("insert into imports (content_sha256, households, members, created_at) values ($1, $2, $3, $4)")
            .bind($hash)
            .bind(r.households as i64)
            .bind(r.members as i64)
            .bind($now)
            .execute($ex)
            .await
    }};
}

/// Runs the cross-row checks and, if all is well, moves staged rows into the register.
macro_rules! check_and_commit {
    ($conn:expr, $errors:expr, $now:expr, $today:expr, $analyze:expr) => {{
        cross_checks!($conn, $errors);
        if $errors.is_empty() { Some(move_staged!($conn, $now, $today, $analyze)) } else { None }
    }};
}

const IMPORT_PRAGMAS: &[&str] =
    &["pragma cache_size = -262144", "pragma temp.cache_size = -262144", "pragma mmap_size = 1073741824"];
const RESTORE_PRAGMAS: &[&str] =
    &["pragma cache_size = -65536", "pragma temp.cache_size = -2000", "pragma mmap_size = 0"];

/// Imports `dir/households.csv` and `dir/members.csv`. `progress` receives bytes read so far.
pub async fn import_register(
    db: &Db,
    dir: &Path,
    today: NaiveDate,
    actor: &Actor,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportOutcome, ImportError> {
    let hash = fingerprint(dir)?;
    let now = db.clock().now();
    let mut errors = Vec::new();
    let report = match db.pool() {
        Pool::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            if let Some(on) = already_imported_sqlite(&mut conn, &hash).await? {
                return Ok(ImportOutcome::AlreadyImported { on });
            }
            for table in STAGING_TABLES {
                sqlx::query(sql(&format!("drop table if exists temp.{table}"))).execute(&mut *conn).await?;
            }
            // A bigger page cache and memory-mapped reads for the bulk load: bounded, so memory
            // still does not grow with the file; restored afterwards.
            for pragma in IMPORT_PRAGMAS {
                sqlx::query(*pragma).execute(&mut *conn).await?;
            }
            sqlx::query("begin immediate").execute(&mut *conn).await?;
            let result: Result<Option<ImportReport>, ImportError> = async {
                for ddl in staging_ddl(false) {
                    sqlx::query(sql(&ddl)).execute(&mut *conn).await?;
                }
                let t = std::time::Instant::now();
                stage_sqlite(&mut conn, dir, today, &mut errors, progress).await?;
                tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staged");
                // Header problems stop early; otherwise cross-row checks run even after row errors,
                // so the user sees every problem in one go.
                if errors.iter().any(|e| e.line <= 1) {
                    return Ok(None);
                }
                let report = check_and_commit!(conn, errors, now, today, false);
                if report.is_some() {
                    record_import!(&mut *conn, &hash, report, now)?;
                    crate::bind_entry!(&import_audit(actor, &hash, dir, report)).execute(&mut *conn).await?;
                }
                Ok(report)
            }
            .await;
            let commit = matches!(result, Ok(Some(_)));
            sqlx::query(if commit { "commit" } else { "rollback" }).execute(&mut *conn).await?;
            for table in STAGING_TABLES {
                sqlx::query(sql(&format!("drop table if exists temp.{table}"))).execute(&mut *conn).await?;
            }
            for pragma in RESTORE_PRAGMAS {
                sqlx::query(*pragma).execute(&mut *conn).await?;
            }
            result?
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // One import at a time: a second waits rather than racing on household numbers.
            sqlx::query("lock table imports in exclusive mode").execute(&mut *tx).await?;
            let seen: Option<String> = sqlx::query_scalar(
                "select to_char(created_at, 'YYYY-MM-DD HH24:MI') from imports where content_sha256 = $1",
            )
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(on) = seen {
                return Ok(ImportOutcome::AlreadyImported { on });
            }
            // Room for the staging tables in memory (the default 8 MB sends them through the
            // operating system page by page). PostgreSQL allows this only before the session's
            // first temporary table: on a connection that staged an import before, it stays as it was.
            sqlx::query("savepoint temp_buffers").execute(&mut *tx).await?;
            if sqlx::query("set local temp_buffers = '256MB'").execute(&mut *tx).await.is_err() {
                sqlx::query("rollback to savepoint temp_buffers").execute(&mut *tx).await?;
            }
            sqlx::query("release savepoint temp_buffers").execute(&mut *tx).await?;
            // An import reported as done is on disk, whatever the server's or role's default.
            sqlx::query("set local synchronous_commit = on").execute(&mut *tx).await?;
            for ddl in staging_ddl(true) {
                sqlx::query(sql(&ddl)).execute(&mut *tx).await?;
            }
            let t = std::time::Instant::now();
            stage_postgres(&mut tx, dir, today, &mut errors, progress).await?;
            tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staged");
            let report = if !errors.iter().any(|e| e.line <= 1) {
                for stmt in PG_IMPORT_SETTINGS.iter().copied().chain([
                    // Statistics on the columns the checks and moves join and filter on only:
                    // the staging tables are read by these statements and nothing else.
                    "analyze import_households (line, household_no, ok, area_code, status, income_year, \
                     monitoring_type, risk_cleared_on)",
                    "analyze import_members (line, household_no, id_number_key, relation, sex)",
                    "analyze import_incomes (line, household_no, period)",
                ]) {
                    sqlx::query(stmt).execute(&mut *tx).await?;
                }
                check_and_commit!(tx, errors, now, today, true)
            } else {
                None
            };
            if report.is_some() {
                record_import!(&mut *tx, &hash, report, now)?;
                crate::bind_entry!(&import_audit(actor, &hash, dir, report)).execute(&mut *tx).await?;
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            report
        }
    };
    if report.is_some() {
        // The planner's statistics must know the tables just grew, or the first queries after a
        // large load scan instead of using the indexes. (PostgreSQL analysed households inside
        // the transaction, right after its rows went in, and nothing changed them since.)
        let pg = matches!(db.pool(), Pool::Postgres(_));
        for table in LOADED_TABLES.iter().filter(|t| !(pg && **t == "households")) {
            dispatch!(db, pool => { sqlx::query(sql(&format!("analyze {table}"))).execute(pool).await?; });
        }
    }
    match report {
        Some(r) => Ok(ImportOutcome::Imported(r)),
        None => {
            errors.sort_by_key(|a| {
                ([HOUSEHOLDS_FILE, MEMBERS_FILE, INCOMES_FILE].iter().position(|f| *f == a.file), a.line)
            });
            Err(ImportError::Rows(errors))
        }
    }
}

/// The audit row of a finished import: who, which files, how much.
fn import_audit(actor: &Actor, hash: &str, dir: &Path, report: Option<ImportReport>) -> AuditEntry {
    let r = report.unwrap_or_default();
    AuditEntry::new(actor, AuditAction::Import).object("import", &hash[..12.min(hash.len())], None).change(
        "register",
        None,
        Some(format!("{}：{} 户、{} 名成员、{} 条收入", dir.display(), r.households, r.members, r.incomes)),
    )
}

async fn already_imported_sqlite(conn: &mut SqliteConnection, hash: &str) -> Result<Option<String>, ImportError> {
    let seen: Option<chrono::DateTime<Utc>> =
        sqlx::query_scalar("select created_at from imports where content_sha256 = $1")
            .bind(hash)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(seen.map(|t| t.format("%Y-%m-%d %H:%M").to_string()))
}

/// The settings a PostgreSQL import changes for its own transaction: memory only. Durability
/// (`synchronous_commit`, set `on` above) is never traded for speed.
const PG_IMPORT_SETTINGS: &[&str] = &["set local work_mem = '256MB'", "set local maintenance_work_mem = '512MB'"];

#[cfg(test)]
mod durability_tests {
    #[test]
    fn an_import_never_turns_durability_off_for_speed() {
        let source = include_str!("mod.rs");
        for setting in super::PG_IMPORT_SETTINGS {
            assert!(setting.contains("work_mem"), "{setting}");
        }
        for off in ["synchronous_commit = off", "synchronous_commit = 'off'", "fsync", "full_page_writes"] {
            let needle = format!("\"set local {off}");
            assert!(!source.contains(&needle), "the import sets {off}");
        }
        assert!(source.contains(concat!("\"set local synchronous_commit = ", "on\"")));
        assert!(include_str!("../lib.rs").contains("SqliteSynchronous::Full"), "SQLite writes with synchronous=FULL");
    }
}
