//! The audit log's hash chain: [`Db::seal_audit`] links the rows not yet sealed, in the order
//! they are sealed (so a transaction that commits late is simply sealed later), and
//! [`Db::verify_audit`] walks the chain and reports the first row that was changed, removed
//! or inserted out of it. The server seals every minute; `bangfu audit verify` seals, then
//! verifies.

use bangfu_core::audit::{CHAIN_START, chain_hash};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::{BeginWrite, Db, DbError, dispatch};

const COLUMNS: &str = "audit_id, at, user_id, username, role, ip, action, object_type, object_id, area_code, field, \
    before_value, after_value, object_version, chain_seq, chain_hash";

/// Rows sealed in one transaction.
const BATCH: i64 = 5_000;

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows in the chain that were checked.
    pub sealed: i64,
    /// Rows not sealed yet (written in the last minute).
    pub unsealed: i64,
    /// The first broken link: the chain position, the row's id (if the row is there) and why.
    pub broken: Option<(i64, Option<i64>, String)>,
    /// The hash of the last sealed row: written down elsewhere, it proves later that nothing
    /// before it was rewritten with the chain recomputed.
    pub last_hash: Option<String>,
}

/// A row's content as the chain hashes it.
fn content(r: &impl crate::row::Get, at: DateTime<Utc>) -> Result<(i64, String, Option<i64>, Option<String>), DbError> {
    let e = |e: bangfu_core::DomainError| DbError::Message(e.to_string());
    let id = r.int("audit_id").map_err(e)?;
    let values = serde_json::json!([
        id,
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        r.opt_i64("user_id").map_err(e)?,
        r.opt_text("username").map_err(e)?,
        r.opt_text("role").map_err(e)?,
        r.opt_text("ip").map_err(e)?,
        r.text("action").map_err(e)?,
        r.opt_text("object_type").map_err(e)?,
        r.opt_text("object_id").map_err(e)?,
        r.opt_text("area_code").map_err(e)?,
        r.opt_text("field").map_err(e)?,
        r.opt_text("before_value").map_err(e)?,
        r.opt_text("after_value").map_err(e)?,
        r.opt_i64("object_version").map_err(e)?,
    ]);
    Ok((id, values.to_string(), r.opt_i64("chain_seq").map_err(e)?, r.opt_text("chain_hash").map_err(e)?))
}

impl Db {
    /// Seals every row written before `before` that is not sealed yet; returns how many.
    pub async fn seal_audit(&self, before: DateTime<Utc>) -> Result<u64, DbError> {
        let mut sealed = 0u64;
        loop {
            let n: u64 = dispatch!(self, pool => {
                let mut tx = pool.begin_write(self.gate()).await?;
                if self.backend() == "postgres" {
                    // One sealer at a time, across servers.
                    sqlx::query("select pg_advisory_xact_lock(7270017)").execute(&mut *tx).await?;
                }
                let last: Option<(i64, String)> = sqlx::query_as(
                    "select chain_seq, chain_hash from audit_log where chain_seq is not null order by chain_seq desc limit 1",
                )
                .fetch_optional(&mut *tx)
                .await?;
                let (mut seq, mut prev) = last.unwrap_or((0, CHAIN_START.to_owned()));
                let rows = sqlx::query(crate::sql(&format!(
                    "select {COLUMNS} from audit_log where chain_seq is null and at < $1 order by audit_id limit {BATCH}"
                )))
                .bind(before)
                .fetch_all(&mut *tx)
                .await?;
                for r in &rows {
                    let at: DateTime<Utc> = sqlx::Row::try_get(r, "at")?;
                    let (id, text, _, _) = content(r, at)?;
                    seq += 1;
                    prev = chain_hash(&prev, &text);
                    sqlx::query("update audit_log set chain_seq = $1, chain_hash = $2 where audit_id = $3")
                        .bind(seq).bind(&prev).bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                rows.len() as u64
            });
            sealed += n;
            if n < BATCH as u64 {
                return Ok(sealed);
            }
        }
    }

    /// Recomputes the chain from its start; stops at the first broken link.
    pub async fn verify_audit(&self) -> Result<ChainReport, DbError> {
        let mut report = ChainReport { sealed: 0, unsealed: 0, broken: None, last_hash: None };
        let (mut seq, mut prev) = (0i64, CHAIN_START.to_owned());
        loop {
            let page: Vec<(i64, Option<i64>, String, Option<String>)> = dispatch!(self, pool => {
                let rows = sqlx::query(crate::sql(&format!(
                    "select {COLUMNS} from audit_log where chain_seq > $1 order by chain_seq limit {BATCH}"
                )))
                .bind(seq)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let at: DateTime<Utc> = sqlx::Row::try_get(r, "at")?;
                    let (id, text, s, h) = content(r, at)?;
                    out.push((id, s, text, h));
                }
                out
            });
            let done = (page.len() as i64) < BATCH;
            for (id, s, text, stored) in page {
                let s = s.unwrap_or_default();
                if s != seq + 1 {
                    report.broken = Some((seq + 1, None, format!("第 {} 条记录缺失（被删除）", seq + 1)));
                    return self.finish(report).await;
                }
                let expected = chain_hash(&prev, &text);
                if stored.as_deref() != Some(expected.as_str()) {
                    report.broken = Some((s, Some(id), format!("第 {s} 条记录（编号 {id}）的内容或哈希被改动")));
                    return self.finish(report).await;
                }
                seq = s;
                prev = expected;
                report.sealed += 1;
                report.last_hash = Some(prev.clone());
            }
            if done {
                return self.finish(report).await;
            }
        }
    }

    async fn finish(&self, mut report: ChainReport) -> Result<ChainReport, DbError> {
        report.unsealed = dispatch!(self, pool => {
            sqlx::query_scalar("select count(*) from audit_log where chain_seq is null").fetch_one(pool).await?
        });
        Ok(report)
    }
}

/// One audit row as the assessor's export shows it, oldest first.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub audit_id: i64,
    pub at: DateTime<Utc>,
    pub fields: [Option<String>; 11],
    pub chain_seq: Option<i64>,
    pub chain_hash: Option<String>,
}

impl Db {
    /// Audit rows with an id above `after`, oldest first, at most `limit` (for an export that
    /// streams the whole log page by page).
    pub async fn audit_rows_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>, DbError> {
        let sql = format!(
            "select {COLUMNS} from audit_log where audit_id > $1 order by audit_id limit {}",
            limit.clamp(1, 10_000)
        );
        let e = |e: bangfu_core::DomainError| DbError::Message(e.to_string());
        let out = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(after).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                use crate::row::Get;
                let at: DateTime<Utc> = sqlx::Row::try_get(r, "at")?;
                let mut fields: [Option<String>; 11] = Default::default();
                for (i, c) in ["username", "role", "ip", "action", "object_type", "object_id", "area_code", "field", "before_value", "after_value"].iter().enumerate() {
                    fields[i] = r.opt_text(c).map_err(e)?;
                }
                fields[10] = r.opt_i64("user_id").map_err(e)?.map(|v| v.to_string());
                out.push(AuditRow { audit_id: r.int("audit_id").map_err(e)?, at, fields, chain_seq: r.opt_i64("chain_seq").map_err(e)?, chain_hash: r.opt_text("chain_hash").map_err(e)? });
            }
            out
        });
        Ok(out)
    }
}
