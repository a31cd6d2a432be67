//! Backups that restore: a SQLite register is copied online with `VACUUM INTO` (a consistent
//! snapshot while the server keeps working); PostgreSQL's is `pg_dump`'s custom format, made
//! and restored by the command line (see crates/cli). [`Db::content_digest`] proves a restore:
//! every table's rows, in a fixed order, hashed.

use sha2::{Digest, Sha256};

use crate::{Db, DbError, Pool};

/// One table's content: its name, how many rows, and the SHA-256 of its rows in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: i64,
    pub sha256: String,
}

impl Db {
    /// Writes a consistent copy of a SQLite register to `out` (which must not exist yet).
    pub async fn backup_sqlite(&self, out: &std::path::Path) -> Result<(), DbError> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(DbError::Message("backup_sqlite: not a SQLite register".into()));
        };
        if out.exists() {
            return Err(DbError::Message(format!("{} 已存在：备份不会覆盖已有文件，请换一个文件名", out.display())));
        }
        let target = out.to_str().ok_or_else(|| DbError::Message("备份文件名须是 UTF-8".into()))?;
        sqlx::query("vacuum into $1").bind(target).execute(p).await?;
        Ok(())
    }

    /// Every table's row count and content hash, sorted by table: two registers with the same
    /// digest hold the same data (the migrations' bookkeeping table included).
    pub async fn content_digest(&self) -> Result<Vec<TableDigest>, DbError> {
        let mut out = Vec::new();
        match &self.pool {
            Pool::Sqlite(p) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
                )
                .fetch_all(p)
                .await?;
                for (table,) in tables {
                    let cols: Vec<(String,)> = sqlx::query_as(crate::sql(&format!(
                        "select name from pragma_table_info('{table}') order by cid"
                    )))
                    .fetch_all(p)
                    .await?;
                    let row = cols.iter().map(|(c,)| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
                    let rows: Vec<(String,)> =
                        sqlx::query_as(crate::sql(&format!("select {row} from \"{table}\" order by 1")))
                            .fetch_all(p)
                            .await?;
                    out.push(digest(table, rows.into_iter().map(|(r,)| r)));
                }
            }
            Pool::Postgres(p) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "select tablename::text from pg_tables where schemaname = 'public' order by tablename",
                )
                .fetch_all(p)
                .await?;
                for (table,) in tables {
                    let rows: Vec<(String,)> =
                        sqlx::query_as(crate::sql(&format!("select t::text from \"{table}\" t order by 1")))
                            .fetch_all(p)
                            .await?;
                    out.push(digest(table, rows.into_iter().map(|(r,)| r)));
                }
            }
        }
        Ok(out)
    }
}

fn digest(table: String, rows: impl Iterator<Item = String>) -> TableDigest {
    let mut h = Sha256::new();
    let mut n = 0;
    for r in rows {
        h.update(r.as_bytes());
        h.update(b"\n");
        n += 1;
    }
    TableDigest { table, rows: n, sha256: hex::encode(h.finalize()) }
}
