//! 监测范围 and 贫困线 per year and area, with every entry and adjustment kept in
//! line_history and the audit log in the same transaction; and the 接近 margin setting.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::line::*;
use bangfu_core::money::Fen;
use bangfu_core::store::LineStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

pub(crate) const SELECT: &str =
    "select line_id, kind, year, area_code, amount_fen, document_no, effective_on, example, note, version from lines";

pub(crate) fn line_row(r: &impl Get) -> DomainResult<Line> {
    let bad = |col: &str, v: &str| DomainError::Internal(format!("column {col}: “{v}”"));
    let kind = r.text("kind")?;
    let area = r.text("area_code")?;
    Ok(Line {
        id: LineId(r.int("line_id")?),
        data: LineData {
            kind: LineKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
            year: r.opt_i32("year")?.unwrap_or_default(),
            area: LineArea::parse(&area).map_err(|_| bad("area_code", &area))?,
            amount: Fen(r.int("amount_fen")?),
            document_no: r.opt_text("document_no")?,
            effective_on: r.opt_date("effective_on")?,
            example: r.flag("example")?,
            note: r.opt_text("note")?,
        },
        version: r.int("version")?,
    })
}

/// What the audit log shows for a line: "2026年 410000000000 监测范围 7500.00元（示例值）".
fn describe(d: &LineData) -> String {
    format!(
        "{}年 {} {} {}元{}{}",
        d.year,
        d.area.code(),
        d.kind.label_zh(),
        d.amount.to_yuan_string(),
        d.document_no.as_deref().map(|n| format!(" {n}")).unwrap_or_default(),
        if d.example { "（示例值）" } else { "" }
    )
}

impl LineStore for Db {
    async fn lines(&self, scope: &Scope) -> DomainResult<Vec<Line>> {
        let sql = format!("{SELECT} order by kind, area_code, year desc");
        let all: Vec<Line> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(line_row).collect::<DomainResult<_>>()?
        });
        Ok(all.into_iter().filter(|l| l.data.area.settable_in(scope)).collect())
    }

    async fn line(&self, scope: &Scope, id: LineId) -> DomainResult<Line> {
        let sql = format!("{SELECT} where line_id = $1");
        let line = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(id.0).fetch_optional(pool).await.map_err(domain_err)?
                .as_ref().map(line_row).transpose()?
        });
        line.filter(|l| l.data.area.settable_in(scope)).ok_or(DomainError::NotFound)
    }

    async fn line_history(&self, scope: &Scope, id: LineId) -> DomainResult<Vec<LineChange>> {
        self.line(scope, id).await?;
        dispatch!(self, pool => {
            let rows = sqlx::query("select username, before_fen, after_fen, document_no, effective_on, reason, created_at \
                from line_history where line_id = $1 order by created_at, line_history_id")
                .bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| Ok(LineChange {
                at: r.try_get::<DateTime<Utc>, _>("created_at").map_err(|e| DomainError::Internal(e.to_string()))?,
                username: r.text("username")?,
                before: r.opt_i64("before_fen")?.map(Fen),
                after: Fen(r.int("after_fen")?),
                document_no: r.opt_text("document_no")?,
                effective_on: r.opt_date("effective_on")?,
                reason: r.text("reason")?,
            })).collect()
        })
    }

    async fn create_line(&self, scope: &Scope, data: &LineData, reason: &str, actor: &Actor) -> DomainResult<LineId> {
        let reason = check_reason(reason).map_err(|e| DomainError::Invalid(vec![e]))?;
        if !data.area.settable_in(scope) {
            return Err(DomainError::invalid("area_code", "只能为全国、本级及上级区划或管辖范围内的区划设定标准"));
        }
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into lines (kind, year, area_code, amount_fen, document_no, effective_on, \
                example, note, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning line_id")
                .bind(data.kind.code()).bind(data.year).bind(data.area.code()).bind(data.amount.0)
                .bind(data.document_no.as_deref()).bind(data.effective_on).bind(data.example).bind(data.note.as_deref())
                .bind(now).fetch_one(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into line_history (line_id, username, before_fen, after_fen, document_no, effective_on, reason, created_at) \
                values ($1, $2, null, $3, $4, $5, $6, $7)")
                .bind(id).bind(&actor.username).bind(data.amount.0).bind(data.document_no.as_deref())
                .bind(data.effective_on).bind(reason).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).at(now).object("line", id, None)
                .change("line", None, Some(format!("{}；{reason}", describe(data))));
            crate::bind_entry!(&entry, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(LineId(id))
        })
    }

    async fn adjust_line(
        &self,
        scope: &Scope,
        id: LineId,
        expected_version: i64,
        data: &LineData,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let reason = check_reason(reason).map_err(|e| DomainError::Invalid(vec![e]))?;
        self.line(scope, id).await?;
        let now = self.clock().now();
        let sql = format!("{SELECT} where line_id = $1{}", self.lock_clause());
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // The line as it is inside this transaction, locked: the history's "before" is never stale.
            let old = sqlx::query(crate::sql(&sql)).bind(id.0).fetch_optional(&mut *tx).await.map_err(domain_err)?
                .as_ref().map(line_row).transpose()?.ok_or(DomainError::NotFound)?;
            if old.version != expected_version {
                return Err(crate::versions::stale(old.version));
            }
            check_adjustment(&old.data, data).map_err(|e| DomainError::Invalid(vec![e]))?;
            let done = sqlx::query("update lines set amount_fen = $1, document_no = $2, effective_on = $3, example = $4, note = $5, \
                updated_at = $6, updated_by = $7, version = version + 1 where line_id = $8 and version = $9")
                .bind(data.amount.0).bind(data.document_no.as_deref()).bind(data.effective_on).bind(data.example)
                .bind(data.note.as_deref()).bind(now).bind(&actor.username).bind(id.0).bind(expected_version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(crate::versions::stale(old.version));
            }
            sqlx::query("insert into line_history (line_id, username, before_fen, after_fen, document_no, effective_on, reason, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id.0).bind(&actor.username).bind(old.data.amount.0).bind(data.amount.0).bind(data.document_no.as_deref())
                .bind(data.effective_on).bind(reason).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).at(now).object("line", id.0, None)
                .change("line", Some(describe(&old.data)), Some(format!("{}；{reason}", describe(data))));
            crate::bind_entry!(&entry, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "line", id.0, expected_version).await
    }

    async fn line_margin_percent(&self) -> DomainResult<u32> {
        let v: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = 'line_margin_percent'")
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_MARGIN_PERCENT))
    }

    async fn set_line_margin_percent(&self, percent: u32, actor: &Actor) -> DomainResult<()> {
        if !(1..=100).contains(&percent) {
            return Err(DomainError::invalid("margin_percent", "接近范围应为1至100之间的百分数"));
        }
        let before = self.line_margin_percent().await?;
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ('line_margin_percent', $1, $2) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(percent.to_string()).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).object("setting", "line_margin_percent", None)
                .change("line_margin_percent", Some(before.to_string()), Some(percent.to_string()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
