//! 帮扶计划, 帮扶措施 (with dated status history) and 佐证材料 (notes and uploaded files,
//! stored in the database so they are backed up and served only through a scope check).

use bangfu_core::area::Scope;
use bangfu_core::assistance::evidence::Upload;
use bangfu_core::assistance::{Evidence, Measure, MeasureData, MeasureProgress, MeasureStatus, Plan, PlanData};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::clock::not_after_today;
use bangfu_core::household::HouseholdId;
use bangfu_core::ids::*;
use bangfu_core::money::Fen;
use bangfu_core::store::{HouseholdStore, PlanStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::{NaiveDate, Utc};
use sha2::Digest;

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

const MEASURE_SELECT: &str = "select m.measure_id, m.plan_id, p.year as plan_year, p.household_id, m.kind, m.content, \
    m.responsible, m.due_on, m.amount_fen, m.status, m.status_on, m.drop_reason \
    from measures m join plans p on p.plan_id = m.plan_id";

const EVIDENCE_SELECT: &str = "select e.evidence_id, e.measure_id, e.note, e.file_name, e.content_type, e.size_bytes, \
    e.added_by, e.created_at from evidence e";

fn date(r: &impl Get, col: &str) -> DomainResult<NaiveDate> {
    r.opt_date(col)?.ok_or_else(|| DomainError::Internal(format!("{col} is empty")))
}

fn measure_row(r: &impl Get) -> DomainResult<Measure> {
    Ok(Measure {
        id: MeasureId(r.int("measure_id")?),
        plan_id: PlanId(r.int("plan_id")?),
        plan_year: r.opt_i32("plan_year")?.unwrap_or_default(),
        data: MeasureData {
            kind: crate::row::code_of(r, "kind")?,
            content: r.text("content")?,
            responsible: r.text("responsible")?,
            due_on: date(r, "due_on")?,
            amount: r.opt_i64("amount_fen")?.map(Fen),
        },
        status: crate::row::code_of(r, "status")?,
        status_on: date(r, "status_on")?,
        drop_reason: r.opt_text("drop_reason")?,
        evidence: Vec::new(),
    })
}

macro_rules! evidence_row {
    ($r:expr) => {{
        let r = $r;
        let at: chrono::DateTime<Utc> = sqlx::Row::try_get(r, "created_at").map_err(domain_err)?;
        Ok::<_, DomainError>(Evidence {
            id: EvidenceId(r.int("evidence_id")?),
            measure_id: MeasureId(r.int("measure_id")?),
            note: r.opt_text("note")?,
            file_name: r.opt_text("file_name")?,
            content_type: r.opt_text("content_type")?,
            size_bytes: r.opt_i64("size_bytes")?,
            added_by: r.text("added_by")?,
            added_on: at.with_timezone(&chrono::Local).date_naive(),
        })
    }};
}

impl PlanStore for Db {
    async fn plans(&self, scope: &Scope, household: HouseholdId) -> DomainResult<Vec<Plan>> {
        self.check_in_scope(scope, household).await?;
        let measure_sql = format!("{MEASURE_SELECT} where p.household_id = $1 order by m.due_on, m.measure_id");
        let evidence_sql = format!("{EVIDENCE_SELECT} where e.household_id = $1 order by e.evidence_id");
        let (mut plans, measures, evidence) = dispatch!(self, pool => {
            let plans = sqlx::query("select plan_id, household_id, year, written_on, written_with, goal from plans \
                where household_id = $1 order by year desc")
                .bind(household.0).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok(Plan {
                    id: PlanId(r.int("plan_id")?),
                    household_id: HouseholdId(r.int("household_id")?),
                    data: PlanData {
                        year: r.opt_i32("year")?.unwrap_or_default(),
                        written_on: date(r, "written_on")?,
                        written_with: r.text("written_with")?,
                        goal: r.opt_text("goal")?,
                    },
                    measures: Vec::new(),
                })).collect::<DomainResult<Vec<_>>>()?;
            let measures = sqlx::query(crate::sql(&measure_sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(measure_row).collect::<DomainResult<Vec<_>>>()?;
            let mut evidence = Vec::new();
            for r in sqlx::query(crate::sql(&evidence_sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?.iter() {
                evidence.push(evidence_row!(r)?);
            }
            (plans, measures, evidence)
        });
        let mut measures = measures;
        for e in evidence {
            if let Some(m) = measures.iter_mut().find(|m| m.id == e.measure_id) {
                m.evidence.push(e);
            }
        }
        for m in measures {
            if let Some(p) = plans.iter_mut().find(|p| p.id == m.plan_id) {
                p.measures.push(m);
            }
        }
        Ok(plans)
    }

    async fn create_plan(
        &self,
        scope: &Scope,
        household: HouseholdId,
        data: &PlanData,
        actor: &Actor,
    ) -> DomainResult<PlanId> {
        let h = self.household(scope, household).await?;
        let now = self.clock().now();
        dispatch!(self, pool => {
            let exists: Option<i64> = sqlx::query_scalar("select plan_id from plans where household_id = $1 and year = $2")
                .bind(household.0).bind(data.year).fetch_optional(pool).await.map_err(domain_err)?;
            if exists.is_some() {
                return Err(DomainError::conflict("year", format!("该户{}年的帮扶计划已存在，请在原计划中增加措施", data.year)));
            }
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into plans (household_id, year, written_on, written_with, goal, created_at, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $6) returning plan_id")
                .bind(household.0).bind(data.year).bind(data.written_on).bind(&data.written_with).bind(data.goal.as_deref()).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("household", household.0, Some(h.data.village_code.as_str()))
                .change("plan", None, Some(format!("{}年帮扶计划（{}，与{}共同制定）", data.year, data.written_on, data.written_with)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(PlanId(id))
        })
    }

    async fn plan_owner(&self, scope: &Scope, plan: PlanId) -> DomainResult<(HouseholdId, i32)> {
        let (lo, hi) = scope.bounds();
        let found = dispatch!(self, pool => {
            sqlx::query("select p.household_id, p.year from plans p join households h on h.household_id = p.household_id \
                where p.plan_id = $1 and h.area_code between $2 and $3")
                .bind(plan.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| Ok::<_, DomainError>((HouseholdId(r.int("household_id")?), r.opt_i32("year")?.unwrap_or_default()))).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    async fn add_measure(
        &self,
        scope: &Scope,
        plan: PlanId,
        data: &MeasureData,
        actor: &Actor,
    ) -> DomainResult<MeasureId> {
        let (household, year) = self.plan_owner(scope, plan).await?;
        // The same rules as the form, whoever built the measure.
        data.check(year).map_err(DomainError::Invalid)?;
        let area = self.household(scope, household).await?.data.village_code;
        let now = self.clock().now();
        let today = self.clock().today();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into measures (plan_id, household_id, kind, content, responsible, due_on, amount_fen, \
                status, status_on, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9, $9) returning measure_id")
                .bind(plan.0).bind(household.0).bind(data.kind.code()).bind(&data.content).bind(&data.responsible)
                .bind(data.due_on).bind(data.amount.map(|a| a.0)).bind(today).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into measure_history (measure_id, status, effective_on, created_at) values ($1, 'planned', $2, $3)")
                .bind(id).bind(today).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("measure", id, Some(area.as_str()))
                .change("measure", None, Some(format!("{}年 {}：{}（责任人{}，{}前完成）", year, data.kind.label_zh(), data.content, data.responsible, data.due_on)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(MeasureId(id))
        })
    }

    async fn measure(&self, scope: &Scope, measure: MeasureId) -> DomainResult<(HouseholdId, Measure)> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{MEASURE_SELECT} join households h on h.household_id = p.household_id \
            where m.measure_id = $1 and h.area_code between $2 and $3"
        );
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(measure.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| Ok::<_, DomainError>((HouseholdId(r.int("household_id")?), measure_row(&r)?))).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    async fn progress_measure(
        &self,
        scope: &Scope,
        measure: MeasureId,
        progress: &MeasureProgress,
        actor: &Actor,
    ) -> DomainResult<()> {
        let (household, m) = self.measure(scope, measure).await?;
        if !m.status.can_move_to(progress.status) {
            return Err(DomainError::invalid(
                "status",
                format!("措施已是“{}”，不能改为“{}”", m.status.label_zh(), progress.status.label_zh()),
            ));
        }
        not_after_today("on", "日期", progress.on, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        let area = self.household(scope, household).await?.data.village_code;
        let now = self.clock().now();
        let reason = progress.reason.as_deref();
        let drop_reason = if progress.status == MeasureStatus::Dropped { reason } else { None };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Only from the status the rule was checked against: a concurrent change makes this one a no-op, refused.
            let moved = sqlx::query("update measures set status = $1, status_on = $2, drop_reason = $3, updated_at = $4 \
                where measure_id = $5 and status = $6")
                .bind(progress.status.code()).bind(progress.on).bind(drop_reason).bind(now).bind(measure.0).bind(m.status.code())
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if moved != 1 {
                return Err(DomainError::invalid("status", "该措施的状态刚被他人修改，请刷新后再操作"));
            }
            sqlx::query("insert into measure_history (measure_id, status, effective_on, reason, created_at) values ($1, $2, $3, $4, $5)")
                .bind(measure.0).bind(progress.status.code()).bind(progress.on).bind(reason).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).object("measure", measure, Some(area.as_str()))
                .change("status", Some(m.status.label_zh().to_owned()), Some(progress.status.label_zh().to_owned()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn add_evidence(
        &self,
        scope: &Scope,
        measure: MeasureId,
        note: Option<&str>,
        file: Option<(&Upload, &[u8])>,
        actor: &Actor,
    ) -> DomainResult<EvidenceId> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_none() && file.is_none() {
            return Err(DomainError::invalid("note", "请填写说明或选择照片、文件"));
        }
        if let Some((upload, bytes)) = file {
            // Checked again here, whoever the caller.
            let again = bangfu_core::assistance::evidence::check_upload(&upload.file_name, bytes)
                .map_err(|e| DomainError::Invalid(vec![e]))?;
            if again.content_type != upload.content_type {
                return Err(DomainError::invalid("file", "文件类型与内容不符"));
            }
        }
        let (household, _) = self.measure(scope, measure).await?;
        let area = self.household(scope, household).await?.data.village_code;
        let now = self.clock().now();
        let (name, ctype, size, sha, content) = match file {
            Some((u, bytes)) => (
                Some(u.file_name.as_str()),
                Some(u.content_type),
                Some(bytes.len() as i64),
                Some(hex::encode(sha2::Sha256::digest(bytes))),
                Some(bytes.to_vec()),
            ),
            None => (None, None, None, None, None),
        };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into evidence (measure_id, household_id, note, file_name, content_type, size_bytes, sha256, content, added_by, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning evidence_id")
                .bind(measure.0).bind(household.0).bind(note).bind(name).bind(ctype).bind(size).bind(sha.as_deref()).bind(content)
                .bind(&actor.username).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("evidence", id, Some(area.as_str()))
                .change("evidence", None, Some(name.map(|n| format!("{n}（{} 字节）", size.unwrap_or_default())).or(note.map(str::to_owned)).unwrap_or_default()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(EvidenceId(id))
        })
    }

    async fn evidence_file(&self, scope: &Scope, evidence: EvidenceId) -> DomainResult<(Evidence, Vec<u8>)> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{EVIDENCE_SELECT} join households h on h.household_id = e.household_id \
            where e.evidence_id = $1 and e.content is not null and h.area_code between $2 and $3"
        );
        let sql_bytes = "select content from evidence where evidence_id = $1";
        dispatch!(self, pool => {
            let Some(r) = sqlx::query(crate::sql(&sql)).bind(evidence.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)? else {
                return Err(DomainError::NotFound);
            };
            let meta = evidence_row!(&r)?;
            let bytes: Vec<u8> = sqlx::query_scalar(sql_bytes).bind(evidence.0).fetch_one(pool).await.map_err(domain_err)?;
            Ok((meta, bytes))
        })
    }
}
