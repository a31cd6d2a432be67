//! Backups that restore: a SQLite register is copied online with `VACUUM INTO` (a consistent
//! snapshot while the server keeps working); PostgreSQL's is `pg_dump`'s custom format, made
//! and restored by the command line (see crates/cli). [`Db::content_digest`] proves a restore:
//! every table's rows, in a fixed order, hashed.

use sha2::{Digest, Sha256};

use crate::{Db, DbError, Pool, dispatch};

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

    /// The register's tables, sorted (the migrations' bookkeeping table included).
    async fn tables(&self) -> Result<Vec<String>, DbError> {
        let sql = match &self.pool {
            Pool::Sqlite(_) => {
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
            }
            Pool::Postgres(_) => "select tablename::text from pg_tables where schemaname = 'public' order by tablename",
        };
        Ok(dispatch!(self, pool => sqlx::query_scalar(sql).fetch_all(pool).await?))
    }

    /// Every table with its number of rows: what a backup or a restore reports, without reading
    /// the rows themselves.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>, DbError> {
        let mut out = Vec::new();
        for table in self.tables().await? {
            let sql = format!("select count(*) from \"{table}\"");
            let n: i64 = dispatch!(self, pool => sqlx::query_scalar(crate::sql(&sql)).fetch_one(pool).await?);
            out.push((table, n));
        }
        Ok(out)
    }

    /// Every table's row count and content hash, sorted by table: two registers with the same
    /// digest hold the same data. Rows are streamed, never all held at once.
    pub async fn content_digest(&self) -> Result<Vec<TableDigest>, DbError> {
        use futures::TryStreamExt;
        let mut out = Vec::new();
        for table in self.tables().await? {
            let select = match &self.pool {
                Pool::Sqlite(p) => {
                    let cols: Vec<String> = sqlx::query_scalar(crate::sql(&format!(
                        "select name from pragma_table_info('{table}') order by cid"
                    )))
                    .fetch_all(p)
                    .await?;
                    let row = cols.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
                    format!("select {row} from \"{table}\" order by 1")
                }
                Pool::Postgres(_) => format!("select t::text from \"{table}\" t order by 1"),
            };
            let mut h = Sha256::new();
            let mut rows = 0;
            dispatch!(self, pool => {
                let mut stream = sqlx::query_scalar::<_, String>(crate::sql(&select)).fetch(pool);
                while let Some(r) = stream.try_next().await? {
                    h.update(r.as_bytes());
                    h.update(b"\n");
                    rows += 1;
                }
            });
            out.push(TableDigest { table, rows, sha256: hex::encode(h.finalize()) });
        }
        Ok(out)
    }
}
