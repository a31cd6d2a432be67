//! 项目库 and 衔接资金 kept: projects with their 绩效目标 inside the user's area, allocations,
//! and one ledger of money moved. Every movement is checked by the rules in core against the
//! sums read inside the same write transaction (the allocation's row is touched first, so two
//! clerks paying from the same money at once are served one after the other), written with its
//! audit row; nothing is changed or removed afterwards.

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::money::Fen;
use bangfu_core::procedure::{Action, Procedure, kinds};
use bangfu_core::project::funds::{self, AllocationData, FundSource, Movement, Sums};
use bangfu_core::project::{
    ConstructionNature, ProjectCategory, ProjectData, Target, TargetLevel, missing_for_submission, submission_refusal,
};
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A project as the library holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub id: i64,
    pub data: ProjectData,
    /// draft (需求摸底) until 村申报 submits it; then open, approved, refused (出库) or withdrawn.
    pub stage: String,
    pub version: i64,
    /// Its procedure since 村申报 (none while a draft), replayed from its events.
    pub procedure: Option<Procedure>,
    pub targets: Vec<(i64, Target)>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl ProjectRecord {
    /// "需求摸底（未提交）", "乡镇审核", "已完成", "已出库", "已撤回".
    pub fn stage_zh(&self) -> &'static str {
        stage_zh(&self.stage, self.procedure.as_ref().and_then(Procedure::current).map(|s| s.code))
    }
}

/// A project's stage in words: its current step while open.
pub fn stage_zh(stage: &str, step: Option<&str>) -> &'static str {
    match stage {
        "draft" => "需求摸底（未提交）",
        "open" => {
            step.and_then(|c| kinds::PROJECT.steps.iter().find(|s| s.code == c)).map_or("办理中", |s| s.name_zh)
        }
        "approved" => "已完成",
        "refused" => "已出库",
        "withdrawn" => "已撤回",
        _ => "其他",
    }
}

/// One line of the project list: the project and its money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSummary {
    pub id: i64,
    pub name: String,
    pub category: ProjectCategory,
    pub area_code: String,
    pub year: i32,
    pub stage: String,
    /// The current step while open.
    pub step: Option<String>,
    pub investment: Option<Fen>,
    pub sums: Sums,
}

/// An allocation with what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub id: i64,
    pub data: AllocationData,
    pub area_code: String,
    pub sums: Sums,
}

/// One movement in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub allocation_id: i64,
    pub project_id: i64,
    /// commit, reduce, payment, reversal.
    pub kind: String,
    pub amount: Fen,
    pub on: NaiveDate,
    pub payee: Option<String>,
    pub voucher_no: Option<String>,
    pub note: Option<String>,
    pub reverses: Option<i64>,
    /// A payment reversed since.
    pub reversed: bool,
    pub created_by: String,
}

pub fn entry_kind_zh(kind: &str) -> &'static str {
    match kind {
        "commit" => "安排",
        "reduce" => "调减",
        "payment" => "拨付",
        "reversal" => "冲销",
        _ => "其他",
    }
}

/// A project's ledger summed by allocation, in the order each allocation first appears.
pub fn lines_of(entries: &[Entry]) -> Vec<(i64, Sums)> {
    let mut lines: Vec<(i64, Sums)> = Vec::new();
    for e in entries {
        let i = match lines.iter().position(|(a, _)| *a == e.allocation_id) {
            Some(i) => i,
            None => {
                lines.push((e.allocation_id, Sums::default()));
                lines.len() - 1
            }
        };
        apply(&mut lines[i].1, &e.kind, e.amount);
    }
    lines
}

/// What a movement does to the sums.
fn apply(s: &mut Sums, kind: &str, amount: Fen) {
    match kind {
        "commit" => s.committed += amount,
        "reduce" => s.committed -= amount,
        "payment" => s.paid += amount,
        "reversal" => s.paid -= amount,
        _ => {}
    }
}

const PROJECT_SELECT: &str = "select project_id, name, category, area_code, year, nature, start_on, end_on, responsible_unit, \
    implementing_unit, tasks, investment_fen, beneficiary_households, beneficiary_exited, beneficiary_monitored, \
    benefit_mechanism, participation, approval_no, stage, version, created_by, created_at, started_on from projects";

fn bad(what: &str) -> DomainError {
    DomainError::Internal(format!("stored project has a bad {what}"))
}

/// A project row as read (either backend): (id, data, stage, version, created by, created at).
macro_rules! project_row {
    ($r:expr) => {{
        use crate::row::Get;
        use sqlx::Row;
        let r = $r;
        let count = |c: &str| r.opt_i64(c).map(|v| v.and_then(|n| u32::try_from(n).ok()));
        let data = ProjectData {
            name: r.text("name")?,
            category: ProjectCategory::parse(&r.text("category")?).ok_or_else(|| bad("category"))?,
            area_code: AreaCode::parse(&r.text("area_code")?).map_err(|_| bad("area"))?,
            year: i32::try_from(r.int("year")?).map_err(|_| bad("year"))?,
            nature: r.opt_text("nature")?.as_deref().and_then(ConstructionNature::parse),
            start_on: r.opt_date("start_on")?,
            end_on: r.opt_date("end_on")?,
            responsible_unit: r.opt_text("responsible_unit")?,
            implementing_unit: r.opt_text("implementing_unit")?,
            tasks: r.opt_text("tasks")?,
            investment: r.opt_i64("investment_fen")?.map(Fen),
            beneficiary_households: count("beneficiary_households")?,
            beneficiary_exited: count("beneficiary_exited")?,
            beneficiary_monitored: count("beneficiary_monitored")?,
            benefit_mechanism: r.opt_text("benefit_mechanism")?,
            participation: r.opt_text("participation")?,
            approval_no: r.opt_text("approval_no")?,
        };
        let at: DateTime<Utc> = r.try_get("created_at").map_err(domain_err)?;
        (
            r.int("project_id")?,
            data,
            r.text("stage")?,
            r.int("version")?,
            r.text("created_by")?,
            at,
            r.opt_date("started_on")?,
        )
    }};
}

fn project_audit(d: &ProjectData) -> String {
    format!("{}（{}，{}年）", d.name, d.category.label_zh(), d.year)
}

impl Db {
    /// Checks that `code` is an area inside `scope`.
    async fn area_in(&self, scope: &Scope, code: &AreaCode) -> DomainResult<()> {
        if !scope.contains(code) || self.area(code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "实施地点不存在或不在您的管辖范围内"));
        }
        Ok(())
    }

    /// Enters a project into 需求摸底 (a draft) inside the user's area.
    pub async fn create_project(&self, scope: &Scope, d: &ProjectData, actor: &Actor) -> DomainResult<i64> {
        self.area_in(scope, &d.area_code).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into projects (name, category, area_code, year, nature, start_on, end_on, \
                responsible_unit, implementing_unit, tasks, investment_fen, beneficiary_households, beneficiary_exited, \
                beneficiary_monitored, benefit_mechanism, participation, approval_no, created_at, created_by, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18) returning project_id")
                .bind(&d.name).bind(d.category.code()).bind(d.area_code.as_str()).bind(i64::from(d.year))
                .bind(d.nature.map(|n| n.code())).bind(d.start_on).bind(d.end_on).bind(&d.responsible_unit)
                .bind(&d.implementing_unit).bind(&d.tasks).bind(d.investment.map(|f| f.0))
                .bind(d.beneficiary_households.map(i64::from)).bind(d.beneficiary_exited.map(i64::from))
                .bind(d.beneficiary_monitored.map(i64::from)).bind(&d.benefit_mechanism).bind(&d.participation)
                .bind(&d.approval_no).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("project", id, Some(d.area_code.as_str())).change("project", None, Some(project_audit(d)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A project inside `scope` with its targets (another area's is "not found").
    pub async fn project(&self, scope: &Scope, id: i64) -> DomainResult<ProjectRecord> {
        let (lo, hi) = scope.bounds();
        let sql = format!("{PROJECT_SELECT} where project_id = $1 and area_code between $2 and $3");
        let (id, data, stage, version, created_by, created_at, started_on) = dispatch!(self, pool => {
            let row = sqlx::query(crate::sql(&sql)).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            project_row!(&row.ok_or(DomainError::NotFound)?)
        });
        type TargetRow = (i64, String, String, String, Option<String>);
        let rows: Vec<TargetRow> = dispatch!(self, pool => {
            sqlx::query_as("select target_id, level, indicator, value, unit from project_targets \
                where project_id = $1 and removed_at is null order by target_id")
                .bind(id).fetch_all(pool).await.map_err(domain_err)?
        });
        let targets = rows
            .into_iter()
            .map(|(tid, level, indicator, value, unit)| {
                let level = TargetLevel::parse(&level).ok_or_else(|| bad("target level"))?;
                Ok((tid, Target { level, indicator, value, unit: unit.unwrap_or_default() }))
            })
            .collect::<DomainResult<Vec<_>>>()?;
        let procedure = match started_on {
            Some(started_on) => Some(self.project_procedure(id, started_on).await?),
            None => None,
        };
        Ok(ProjectRecord { id, data, stage, version, procedure, targets, created_by, created_at })
    }

    /// Changes a draft's fields, refused if someone changed it since `version` was read.
    pub async fn update_project(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        d: &ProjectData,
        actor: &Actor,
    ) -> DomainResult<()> {
        let before = self.project(scope, id).await?;
        if before.stage != "draft" {
            return Err(DomainError::invalid("stage", "项目已提交村申报，不能再修改项目信息"));
        }
        self.area_in(scope, &d.area_code).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", id, Some(d.area_code.as_str()))
            .change("project", Some(project_audit(&before.data)), Some(project_audit(d)));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update projects set name = $1, category = $2, area_code = $3, year = $4, nature = $5, start_on = $6, \
                end_on = $7, responsible_unit = $8, implementing_unit = $9, tasks = $10, investment_fen = $11, \
                beneficiary_households = $12, beneficiary_exited = $13, beneficiary_monitored = $14, benefit_mechanism = $15, \
                participation = $16, approval_no = $17, updated_at = $18, version = version + 1 \
                where project_id = $19 and version = $20")
                .bind(&d.name).bind(d.category.code()).bind(d.area_code.as_str()).bind(i64::from(d.year))
                .bind(d.nature.map(|n| n.code())).bind(d.start_on).bind(d.end_on).bind(&d.responsible_unit)
                .bind(&d.implementing_unit).bind(&d.tasks).bind(d.investment.map(|f| f.0))
                .bind(d.beneficiary_households.map(i64::from)).bind(d.beneficiary_exited.map(i64::from))
                .bind(d.beneficiary_monitored.map(i64::from)).bind(&d.benefit_mechanism).bind(&d.participation)
                .bind(&d.approval_no).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该项目刚被他人修改过，请刷新后再改"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// Adds a 绩效目标 to a project.
    pub async fn add_target(&self, scope: &Scope, id: i64, t: &Target, actor: &Actor) -> DomainResult<i64> {
        let p = self.project(scope, id).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create)
            .object("project", id, Some(p.data.area_code.as_str()))
            .change("target", None, Some(t.label_zh()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let tid: i64 = sqlx::query_scalar("insert into project_targets (project_id, level, indicator, value, unit, created_at, created_by) \
                values ($1, $2, $3, $4, $5, $6, $7) returning target_id")
                .bind(id).bind(t.level.code()).bind(&t.indicator).bind(&t.value).bind(Some(t.unit.as_str()).filter(|u| !u.is_empty()))
                .bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(tid)
        })
    }

    /// Takes a 绩效目标 off a draft (kept, marked removed, audited).
    pub async fn remove_target(&self, scope: &Scope, id: i64, target: i64, actor: &Actor) -> DomainResult<()> {
        let p = self.project(scope, id).await?;
        if p.stage != "draft" {
            return Err(DomainError::invalid("target", "项目已提交，绩效目标不能再删改"));
        }
        let Some((_, t)) = p.targets.iter().find(|(tid, _)| *tid == target) else {
            return Err(DomainError::NotFound);
        };
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", id, Some(p.data.area_code.as_str()))
            .change("target", Some(t.label_zh()), None);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update project_targets set removed_at = $1, removed_by = $2 where target_id = $3 and removed_at is null")
                .bind(now).bind(&actor.username).bind(target).execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// 村申报: submits a draft on `on`, refused with what is missing (the 绩效目标 first); its
    /// procedure starts that day at 村内公示.
    pub async fn submit_project(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<()> {
        let p = self.project(scope, id).await?;
        if on > self.clock().today() {
            return Err(DomainError::invalid("on", "申报日期不能晚于今天"));
        }
        if p.stage != "draft" {
            return Err(DomainError::invalid("stage", "该项目已提交"));
        }
        let targets: Vec<Target> = p.targets.iter().map(|(_, t)| t.clone()).collect();
        let missing = missing_for_submission(&p.data, &targets);
        if !missing.is_empty() {
            return Err(DomainError::invalid("targets", submission_refusal(&missing)));
        }
        let now = self.clock().now();
        let calendar = self.work_calendar().await?;
        let started = Procedure::start(&kinds::PROJECT, on);
        let (_, step, since, due, _) = crate::procedures::state_columns(&started, &calendar);
        let entry =
            AuditEntry::new(actor, AuditAction::Update).object("project", id, Some(p.data.area_code.as_str())).change(
                "stage",
                Some(stage_zh("draft", None).into()),
                Some(format!("村申报 → {}", stage_zh("open", step))),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update projects set stage = 'open', step = $1, step_since = $2, due_on = $3, started_on = $2, \
                updated_at = $4, version = version + 1 where project_id = $5 and version = $6 and stage = 'draft'")
                .bind(step).bind(since).bind(due).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该项目刚被他人修改过，请刷新后再提交"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// A project's procedure, replayed from its events.
    async fn project_procedure(&self, id: i64, started_on: NaiveDate) -> DomainResult<Procedure> {
        type Row = (NaiveDate, String, Option<String>, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select on_date, by_name, role, step, action, note, target from project_events \
                where project_id = $1 order by event_id")
                .bind(id).fetch_all(pool).await.map_err(domain_err)?
        });
        let mut events = Vec::with_capacity(rows.len());
        for (on, by, role, step, action, note, target) in rows {
            events.push(crate::procedures::event_of(
                &kinds::PROJECT,
                (on, by, role, step, action, note, target, None, None),
            )?);
        }
        Ok(Procedure { def: &kinds::PROJECT, started_on, events, deadlines: Default::default() })
    }

    /// Acts on a project's current step (办结, 退回, 不予批准 = 出库, 撤回) through the engine, with
    /// the district's calendar; refused if it changed since `version` was read. 县级审定入库 needs
    /// the 批复文号, written with it.
    #[allow(clippy::too_many_arguments)]
    pub async fn act_on_project(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        action: Action,
        role: Option<bangfu_core::auth::Role>,
        on: NaiveDate,
        approval_no: Option<&str>,
        actor: &Actor,
    ) -> DomainResult<ProjectRecord> {
        let mut p = self.project(scope, id).await?;
        if p.version != version {
            return Err(DomainError::conflict("version", "该项目刚被他人办理过，请刷新后再看"));
        }
        if on > self.clock().today() {
            return Err(DomainError::invalid("on", "办理日期不能晚于今天"));
        }
        // Not 办结 while a villager's objection waits for its answer (project_notices).
        if matches!(action, Action::Complete { .. }) {
            self.check_project_objections(&p, on).await?;
        }
        let Some(procedure) = p.procedure.as_mut() else {
            return Err(DomainError::invalid("stage", "项目还未提交村申报"));
        };
        let at = procedure.current().map(|s| s.code).unwrap_or("");
        let approval_no = approval_no.map(str::trim).filter(|n| !n.is_empty());
        if at == "county_approval" && matches!(action, Action::Complete { .. }) {
            match approval_no.or(p.data.approval_no.as_deref()) {
                None => {
                    return Err(DomainError::invalid("approval_no", "县级审定入库须填写批复文号，如 驿政〔2026〕15号"));
                }
                Some(n) if n.chars().count() > 60 => {
                    return Err(DomainError::invalid("approval_no", "批复文号不能超过60个字"));
                }
                Some(_) => {}
            }
        }
        let before = procedure.current().map(|s| s.name_zh).unwrap_or("");
        let calendar = self.work_calendar().await?;
        procedure.act_in(&calendar, action, &actor.username, role, on).map_err(|e| DomainError::Invalid(vec![e]))?;
        let (state, step, since, due, ended) = crate::procedures::state_columns(procedure, &calendar);
        let event = procedure.events.last().cloned().ok_or_else(|| DomainError::Internal("no event".into()))?;
        let (note, target, _, _) = crate::procedures::action_columns(&event.action);
        let after = format!(
            "{}：{} → {}",
            crate::procedures::action_zh(&event.action),
            before,
            procedure.current().map_or_else(|| stage_zh(state, None), |s| s.name_zh)
        );
        let set_approval = (at == "county_approval" && matches!(event.action, Action::Complete { .. }))
            .then_some(approval_no)
            .flatten();
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", id, Some(p.data.area_code.as_str()))
            .change(event.step, None, Some(after));
        let action_code = crate::procedures::action_code(&event.action);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update projects set stage = $1, step = $2, step_since = $3, due_on = $4, ended_on = $5, \
                approval_no = coalesce($6, approval_no), updated_at = $7, version = version + 1 \
                where project_id = $8 and version = $9")
                .bind(state).bind(step).bind(since).bind(due).bind(ended).bind(set_approval).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该项目刚被他人办理过，请刷新后再看"));
            }
            sqlx::query("insert into project_events (project_id, on_date, at, user_id, by_name, role, step, action, note, target) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id).bind(on).bind(now).bind(actor.user_id).bind(&actor.username).bind(role.map(|r| r.code()))
                .bind(event.step).bind(action_code).bind(note).bind(target)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok::<(), DomainError>(())
        })?;
        self.project(scope, id).await
    }

    /// The projects of `scope` (of `year` if given) with their money, newest year first.
    pub async fn projects(&self, scope: &Scope, year: Option<i32>) -> DomainResult<Vec<ProjectSummary>> {
        let (lo, hi) = scope.bounds();
        type Row = (i64, String, String, String, i64, String, Option<i64>, i64, i64, i64, i64, Option<String>);
        let sql = "select p.project_id, p.name, p.category, p.area_code, p.year, p.stage, p.investment_fen, \
            cast(coalesce(sum(case when e.kind = 'commit' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'reduce' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'payment' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'reversal' then e.amount_fen else 0 end), 0) as bigint), p.step \
            from projects p left join fund_entries e on e.project_id = p.project_id \
            where p.area_code between $1 and $2 and ($3 is null or p.year = $3) \
            group by p.project_id, p.name, p.category, p.area_code, p.year, p.stage, p.investment_fen, p.step \
            order by p.year desc, p.area_code, p.project_id";
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as(sql).bind(lo).bind(hi).bind(year.map(i64::from)).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|r| {
                Ok(ProjectSummary {
                    id: r.0,
                    name: r.1,
                    category: ProjectCategory::parse(&r.2).ok_or_else(|| bad("category"))?,
                    area_code: r.3,
                    year: i32::try_from(r.4).map_err(|_| bad("year"))?,
                    stage: r.5,
                    step: r.11,
                    investment: r.6.map(Fen),
                    sums: Sums { allocated: Fen(0), committed: Fen(r.7 - r.8), paid: Fen(r.9 - r.10) },
                })
            })
            .collect()
    }

    /// Enters an allocation for the user's area (the district's, for a district user).
    pub async fn create_allocation(&self, scope: &Scope, a: &AllocationData, actor: &Actor) -> DomainResult<i64> {
        let area = scope.root().as_str().to_owned();
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into fund_allocations (source, year, doc_no, issued_on, amount_fen, purpose, \
                area_code, created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning allocation_id")
                .bind(a.source.code()).bind(i64::from(a.year)).bind(&a.doc_no).bind(a.issued_on).bind(a.amount.0)
                .bind(&a.purpose).bind(&area).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("allocation", id, Some(&area)).change(
                "allocation", None,
                Some(format!("{} {} {}", a.source.label_zh(), a.doc_no, a.amount.display_yuan())));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// The allocations visible in `scope` (the district's and those of areas inside it,
    /// and, for a township, the district's that reach its projects), of `year` if given.
    pub async fn allocations(&self, scope: &Scope, year: Option<i32>) -> DomainResult<Vec<Allocation>> {
        let (lo, hi) = scope.bounds();
        type Row = (i64, String, i64, String, NaiveDate, i64, Option<String>, String, i64, i64, i64, i64);
        let sql = "select a.allocation_id, a.source, a.year, a.doc_no, a.issued_on, a.amount_fen, a.purpose, a.area_code, \
            cast(coalesce(sum(case when e.kind = 'commit' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'reduce' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'payment' then e.amount_fen else 0 end), 0) as bigint), \
            cast(coalesce(sum(case when e.kind = 'reversal' then e.amount_fen else 0 end), 0) as bigint) \
            from fund_allocations a left join fund_entries e on e.allocation_id = a.allocation_id \
            where ($3 is null or a.year = $3) and (a.area_code between $1 and $2 or exists (select 1 from fund_entries x \
              join projects p on p.project_id = x.project_id where x.allocation_id = a.allocation_id and p.area_code between $1 and $2)) \
            group by a.allocation_id, a.source, a.year, a.doc_no, a.issued_on, a.amount_fen, a.purpose, a.area_code \
            order by a.year desc, a.issued_on, a.allocation_id";
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as(sql).bind(lo).bind(hi).bind(year.map(i64::from)).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|r| {
                Ok(Allocation {
                    id: r.0,
                    data: AllocationData {
                        source: FundSource::parse(&r.1).ok_or_else(|| bad("source"))?,
                        year: i32::try_from(r.2).map_err(|_| bad("year"))?,
                        doc_no: r.3,
                        issued_on: r.4,
                        amount: Fen(r.5),
                        purpose: r.6,
                    },
                    area_code: r.7,
                    sums: Sums { allocated: Fen(r.5), committed: Fen(r.8 - r.9), paid: Fen(r.10 - r.11) },
                })
            })
            .collect()
    }

    /// The ledger of a project (inside `scope`), oldest first.
    pub async fn project_entries(&self, scope: &Scope, project: i64) -> DomainResult<Vec<Entry>> {
        self.project(scope, project).await?;
        type Row = (
            i64,
            i64,
            i64,
            String,
            i64,
            NaiveDate,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            String,
            i64,
        );
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select e.entry_id, e.allocation_id, e.project_id, e.kind, e.amount_fen, e.on_date, e.payee, e.voucher_no, \
                e.note, e.reverses, e.created_by, (select count(*) from fund_entries r where r.reverses = e.entry_id) \
                from fund_entries e where e.project_id = $1 order by e.entry_id")
                .bind(project).fetch_all(pool).await.map_err(domain_err)?
        });
        Ok(rows
            .into_iter()
            .map(|r| Entry {
                id: r.0,
                allocation_id: r.1,
                project_id: r.2,
                kind: r.3,
                amount: Fen(r.4),
                on: r.5,
                payee: r.6,
                voucher_no: r.7,
                note: r.8,
                reverses: r.9,
                created_by: r.10,
                reversed: r.11 > 0,
            })
            .collect())
    }

    /// A project's money by allocation: (allocation id, sums of the project within it).
    pub async fn project_lines(&self, scope: &Scope, project: i64) -> DomainResult<Vec<(i64, Sums)>> {
        Ok(lines_of(&self.project_entries(scope, project).await?))
    }

    /// 安排, 调减 or 拨付 (`kind`: commit, reduce, payment) between an allocation and a project
    /// inside `scope`, checked against the sums read inside the transaction.
    pub async fn move_funds(
        &self,
        scope: &Scope,
        kind: &str,
        allocation: i64,
        project: i64,
        m: &Movement,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        if !["commit", "reduce", "payment"].contains(&kind) {
            return Err(DomainError::invalid("kind", "未知的资金操作"));
        }
        let now = self.clock().now();
        let area = p.data.area_code.as_str().to_owned();
        let what = format!(
            "{} {}{}",
            entry_kind_zh(kind),
            m.amount.display_yuan(),
            m.payee.as_ref().map(|x| format!("（收款：{x}）")).unwrap_or_default()
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Touch the allocation first: movements from the same money are served one at a time.
            let found = sqlx::query("update fund_allocations set version = version + 1 where allocation_id = $1")
                .bind(allocation).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if found != 1 {
                return Err(DomainError::invalid("allocation_id", "请选择资金来源（下达的资金）"));
            }
            let (amount_fen,): (i64,) = sqlx::query_as("select amount_fen from fund_allocations where allocation_id = $1")
                .bind(allocation).fetch_one(&mut *tx).await.map_err(domain_err)?;
            let rows: Vec<(i64, String, i64)> = sqlx::query_as("select project_id, kind, amount_fen from fund_entries where allocation_id = $1")
                .bind(allocation).fetch_all(&mut *tx).await.map_err(domain_err)?;
            let mut whole = Sums { allocated: Fen(amount_fen), ..Sums::default() };
            let mut line = Sums::default();
            for (pid, k, a) in &rows {
                apply(&mut whole, k, Fen(*a));
                if *pid == project {
                    apply(&mut line, k, Fen(*a));
                }
            }
            match kind {
                "commit" => funds::check_commit(&whole, m.amount),
                "reduce" => funds::check_reduce(&line, m.amount),
                _ => funds::check_payment(&line, m.amount),
            }
            .map_err(|e| DomainError::Invalid(vec![e]))?;
            let id: i64 = sqlx::query_scalar("insert into fund_entries (allocation_id, project_id, kind, amount_fen, on_date, payee, \
                voucher_no, note, created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning entry_id")
                .bind(allocation).bind(project).bind(kind).bind(m.amount.0).bind(m.on).bind(&m.payee).bind(&m.voucher_no)
                .bind(&m.note).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("project", project, Some(&area))
                .change("funds", None, Some(what));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// 冲销: reverses a payment (once), with the reason.
    pub async fn reverse_payment(
        &self,
        scope: &Scope,
        project: i64,
        entry: i64,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "冲销须写明原因"));
        }
        let entries = self.project_entries(scope, project).await?;
        let Some(e) = entries.iter().find(|e| e.id == entry && e.kind == "payment") else {
            return Err(DomainError::NotFound);
        };
        if e.reversed {
            return Err(DomainError::invalid("entry", "这笔拨付已冲销过"));
        }
        if on < e.on {
            return Err(DomainError::invalid("on", format!("冲销日期不能早于拨付日期（{}）", e.on)));
        }
        let now = self.clock().now();
        let area = p.data.area_code.as_str().to_owned();
        let audit = AuditEntry::new(actor, AuditAction::Update).object("project", project, Some(&area)).change(
            "funds",
            None,
            Some(format!("冲销 {}：{reason}", e.amount.display_yuan())),
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update fund_allocations set version = version + 1 where allocation_id = $1")
                .bind(e.allocation_id).execute(&mut *tx).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into fund_entries (allocation_id, project_id, kind, amount_fen, on_date, note, \
                reverses, created_at, created_by) values ($1, $2, 'reversal', $3, $4, $5, $6, $7, $8) returning entry_id")
                .bind(e.allocation_id).bind(project).bind(e.amount.0).bind(on).bind(reason).bind(entry).bind(now)
                .bind(&actor.username)
                .fetch_one(&mut *tx).await
                .map_err(|err| if err.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                    DomainError::invalid("entry", "这笔拨付已冲销过")
                } else { domain_err(err) })?;
            crate::bind_entry!(&audit).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }
}

/// A household a project reached, as both pages list it (no ID numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benefit {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: Option<String>,
    pub village_code: String,
    pub kind: bangfu_core::project::BenefitKind,
    pub year: i32,
    pub amount: Option<Fen>,
    pub note: Option<String>,
}

const BENEFIT_SELECT: &str = "select b.benefit_id, b.project_id, p.name as project_name, b.household_id, h.household_no, \
    (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null \
     order by m.member_id limit 1) as head_name, h.area_code, b.kind, b.year, b.amount_fen, b.note \
    from project_beneficiaries b join projects p on p.project_id = b.project_id \
    join households h on h.household_id = b.household_id";

macro_rules! benefit_row {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        Benefit {
            id: r.int("benefit_id")?,
            project_id: r.int("project_id")?,
            project_name: r.text("project_name")?,
            household_id: r.int("household_id")?,
            household_no: r.text("household_no")?,
            head_name: r.opt_text("head_name")?,
            village_code: r.text("area_code")?,
            kind: bangfu_core::project::BenefitKind::parse(&r.text("kind")?).ok_or_else(|| bad("benefit kind"))?,
            year: i32::try_from(r.int("year")?).map_err(|_| bad("year"))?,
            amount: r.opt_i64("amount_fen")?.map(Fen),
            note: r.opt_text("note")?,
        }
    }};
}

impl Db {
    /// Links a household (by 户编号, inside `scope`) to a project inside `scope`.
    pub async fn add_beneficiary(
        &self,
        scope: &Scope,
        project: i64,
        b: &bangfu_core::project::BenefitData,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        let (lo, hi) = scope.bounds();
        let household: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select household_id from households where household_no = $1 and area_code between $2 and $3 \
                and deregistered_on is null")
                .bind(&b.household_no).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        let Some(household) = household else {
            return Err(DomainError::invalid(
                "household_no",
                format!("户编号 {} 不在您管辖范围内的台账中，请核对（16位户编号）", b.household_no),
            ));
        };
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change(
                "beneficiary",
                None,
                Some(format!(
                    "{} {}年{}{}",
                    b.household_no,
                    b.year,
                    b.kind.label_zh(),
                    b.amount.map(|a| format!(" {}", a.display_yuan())).unwrap_or_default()
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into project_beneficiaries (project_id, household_id, kind, year, amount_fen, note, \
                created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning benefit_id")
                .bind(project).bind(household).bind(b.kind.code()).bind(i64::from(b.year)).bind(b.amount.map(|a| a.0))
                .bind(&b.note).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// Takes a household off a project's list (kept, marked, audited).
    pub async fn remove_beneficiary(
        &self,
        scope: &Scope,
        project: i64,
        benefit: i64,
        actor: &Actor,
    ) -> DomainResult<()> {
        let p = self.project(scope, project).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change("beneficiary", Some(benefit.to_string()), None);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update project_beneficiaries set removed_at = $1, removed_by = $2 \
                where benefit_id = $3 and project_id = $4 and removed_at is null")
                .bind(now).bind(&actor.username).bind(benefit).bind(project).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::NotFound);
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// The households a project reached (inside `scope`: another area's households are not listed).
    pub async fn project_beneficiaries(&self, scope: &Scope, project: i64) -> DomainResult<Vec<Benefit>> {
        self.project(scope, project).await?;
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{BENEFIT_SELECT} where b.project_id = $1 and b.removed_at is null and h.area_code between $2 and $3 \
             order by h.household_no, b.year desc, b.benefit_id"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(project).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(benefit_row!(r));
            }
            Ok(out)
        })
    }

    /// The projects that reached a household (inside `scope`), newest year first.
    pub async fn household_benefits(&self, scope: &Scope, household: i64) -> DomainResult<Vec<Benefit>> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{BENEFIT_SELECT} where b.household_id = $1 and b.removed_at is null and h.area_code between $2 and $3 \
             order by b.year desc, b.benefit_id"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(household).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(benefit_row!(r));
            }
            Ok(out)
        })
    }
}
