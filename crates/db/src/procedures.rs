//! 程序 kept: a procedure row (where it is, for lists and worklists) and its events (what
//! happened, never changed). Every act is checked by the engine in core
//! (`bangfu_core::procedure`), written with its audit row in one transaction, and refused if
//! someone else acted first (the version).

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::Role;
use bangfu_core::calendar::WorkCalendar;
use bangfu_core::household::HouseholdId;
use bangfu_core::procedure::{Action, Event, Procedure, ProcedureDef, State, kinds};
use bangfu_core::store::HouseholdStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A procedure as kept, with what lists need beside the engine's replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    pub id: i64,
    pub household_id: HouseholdId,
    pub area_code: String,
    pub procedure: Procedure,
    pub version: i64,
}

/// One act on a procedure: which, at which version (as read), what, with which role, on which day.
#[derive(Debug, Clone)]
pub struct Act {
    pub id: i64,
    pub version: i64,
    pub action: Action,
    /// The signed-in user's role; none for a villager on the public page.
    pub role: Option<Role>,
    pub on: NaiveDate,
}

fn action_code(a: &Action) -> &'static str {
    match a {
        Action::Complete { .. } => "complete",
        Action::SendBack { .. } => "send_back",
        Action::Refuse { .. } => "refuse",
        Action::Withdraw { .. } => "withdraw",
        Action::Object { .. } => "object",
        Action::Answer { .. } => "answer",
    }
}

/// (note, target, receipt, upheld) of an action, as the event row keeps them.
fn action_columns(a: &Action) -> (Option<&str>, Option<&str>, Option<&str>, Option<bool>) {
    match a {
        Action::Complete { note } => (Some(note), None, None, None),
        Action::SendBack { to, reason } => (Some(reason), *to, None, None),
        Action::Refuse { reason } | Action::Withdraw { reason } => (Some(reason), None, None, None),
        Action::Object { receipt, text } => (Some(text), None, Some(receipt), None),
        Action::Answer { receipt, upheld, answer } => (Some(answer), None, Some(receipt), Some(*upheld)),
    }
}

type EventRow =
    (NaiveDate, String, Option<String>, String, String, Option<String>, Option<String>, Option<String>, Option<bool>);

fn event_of(def: &'static ProcedureDef, r: EventRow) -> DomainResult<Event> {
    let (on, by, role, step, action, note, target, receipt, upheld) = r;
    let code = |c: &str| def.steps.iter().find(|s| s.code == c).map(|s| s.code);
    let step = code(&step).ok_or_else(|| DomainError::Internal(format!("unknown step {step}")))?;
    let note = note.unwrap_or_default();
    let action = match action.as_str() {
        "complete" => Action::Complete { note },
        "send_back" => Action::SendBack { to: target.as_deref().and_then(code), reason: note },
        "refuse" => Action::Refuse { reason: note },
        "withdraw" => Action::Withdraw { reason: note },
        "object" => Action::Object { receipt: receipt.unwrap_or_default(), text: note },
        "answer" => {
            Action::Answer { receipt: receipt.unwrap_or_default(), upheld: upheld.unwrap_or(false), answer: note }
        }
        other => return Err(DomainError::Internal(format!("unknown action {other}"))),
    };
    Ok(Event { on, by, role: role.as_deref().and_then(Role::parse), step, action })
}

/// The columns of the procedure row that follow from its events.
fn state_columns(
    p: &Procedure,
    calendar: &WorkCalendar,
) -> (&'static str, Option<&'static str>, Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>) {
    match p.state() {
        State::At { step, since } => ("open", Some(p.def.steps[step].code), Some(since), p.due_on(calendar), None),
        State::Approved { on } => ("approved", None, None, None, Some(on)),
        State::Refused { on } => ("refused", None, None, None, Some(on)),
        State::Withdrawn { on } => ("withdrawn", None, None, None, Some(on)),
    }
}

impl Db {
    /// The district's working-day calendar (the national 2026 days are seeded).
    pub async fn work_calendar(&self) -> DomainResult<WorkCalendar> {
        let rows: Vec<(NaiveDate, String)> = dispatch!(self, pool => {
            sqlx::query_as("select day, kind from calendar_days order by day").fetch_all(pool).await.map_err(domain_err)?
        });
        let mut c = WorkCalendar::default();
        for (day, kind) in rows {
            if kind == "workday" { c.add_workday(day) } else { c.add_holiday(day) }
        }
        Ok(c)
    }

    /// Starts a procedure of `def`'s kind on a household inside `scope`: one open at a time
    /// per kind and household.
    pub async fn start_procedure(
        &self,
        scope: &Scope,
        household: HouseholdId,
        def: &'static ProcedureDef,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let h = self.household(scope, household).await?;
        let calendar = self.work_calendar().await?;
        let p = Procedure::start(def, on);
        let (state, step, since, due, ended) = state_columns(&p, &calendar);
        let now = self.clock().now();
        let area = h.data.village_code.to_string();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let open: Option<i64> = sqlx::query_scalar(
                "select procedure_id from procedures where household_id = $1 and kind = $2 and state = 'open'")
                .bind(household.0).bind(def.code).fetch_optional(&mut *tx).await.map_err(domain_err)?;
            if open.is_some() {
                return Err(DomainError::conflict("procedure", format!("该户已有办理中的“{}”程序", def.name_zh)));
            }
            let id: i64 = sqlx::query_scalar(
                "insert into procedures (kind, household_id, area_code, started_on, state, step, step_since, due_on, ended_on, \
                 created_at, created_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) returning procedure_id")
                .bind(def.code).bind(household.0).bind(&area).bind(on).bind(state).bind(step).bind(since).bind(due).bind(ended)
                .bind(now).bind(&actor.username).fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("procedure", id, Some(&area))
                .change("procedure", None, Some(format!("{}（户编号 {}），{on} 开始", def.name_zh, h.data.household_no)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A procedure inside `scope`, replayed from its events (another area's is "not found").
    pub async fn procedure(&self, scope: &Scope, id: i64) -> DomainResult<ProcedureRecord> {
        let (lo, hi) = scope.bounds();
        let head: Option<(String, i64, String, NaiveDate, i64)> = dispatch!(self, pool => {
            sqlx::query_as("select kind, household_id, area_code, started_on, version from procedures \
                where procedure_id = $1 and area_code between $2 and $3")
                .bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        let (kind, household, area_code, started_on, version) = head.ok_or(DomainError::NotFound)?;
        let def = kinds::by_code(&kind).ok_or_else(|| DomainError::Internal(format!("unknown procedure {kind}")))?;
        let rows: Vec<EventRow> = dispatch!(self, pool => {
            sqlx::query_as("select on_date, by_name, role, step, action, note, target, receipt, upheld from procedure_events \
                where procedure_id = $1 order by event_id")
                .bind(id).fetch_all(pool).await.map_err(domain_err)?
        });
        let events = rows.into_iter().map(|r| event_of(def, r)).collect::<DomainResult<Vec<_>>>()?;
        Ok(ProcedureRecord {
            id,
            household_id: HouseholdId(household),
            area_code,
            procedure: Procedure { def, started_on, events },
            version,
        })
    }

    /// Acts on a procedure: checked by the engine, refused if it changed since `version` was
    /// read, written with its event, its new place and its audit row in one transaction.
    pub async fn act_on_procedure(&self, scope: &Scope, act: Act, actor: &Actor) -> DomainResult<ProcedureRecord> {
        let Act { id, version, action, role, on } = act;
        let mut record = self.procedure(scope, id).await?;
        if record.version != version {
            return Err(DomainError::conflict("version", "该程序刚被他人办理过，请刷新后再看"));
        }
        let before = record.procedure.current().map(|s| s.name_zh).unwrap_or("");
        record.procedure.act(action.clone(), &actor.username, role, on).map_err(|e| DomainError::Invalid(vec![e]))?;
        let calendar = self.work_calendar().await?;
        let (state, step, since, due, ended) = state_columns(&record.procedure, &calendar);
        let event = record.procedure.events.last().cloned().ok_or_else(|| DomainError::Internal("no event".into()))?;
        let (note, target, receipt, upheld) = action_columns(&event.action);
        let now = self.clock().now();
        let after = match record.procedure.current() {
            Some(s) => format!("{}：{} → {}", action_code(&event.action), before, s.name_zh),
            None => format!("{}：{} → {}", action_code(&event.action), before, record.procedure.state().label_zh()),
        };
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("procedure", id, Some(&record.area_code))
            .change(event.step, None, Some(after));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let changed = sqlx::query("update procedures set state = $1, step = $2, step_since = $3, due_on = $4, ended_on = $5, \
                updated_at = $6, version = version + 1 where procedure_id = $7 and version = $8")
                .bind(state).bind(step).bind(since).bind(due).bind(ended).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if changed != 1 {
                return Err(DomainError::conflict("version", "该程序刚被他人办理过，请刷新后再看"));
            }
            sqlx::query("insert into procedure_events (procedure_id, on_date, at, user_id, by_name, role, step, action, note, \
                target, receipt, upheld) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(id).bind(on).bind(now).bind(actor.user_id).bind(&actor.username).bind(role.map(|r| r.code()))
                .bind(event.step).bind(action_code(&event.action)).bind(note).bind(target).bind(receipt).bind(upheld)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        record.version += 1;
        Ok(record)
    }

    /// Open procedures inside `scope` whose current step is past its deadline on `today`:
    /// (procedure id, kind, step, due on, working days overdue), most overdue first.
    pub async fn overdue_procedures(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> DomainResult<Vec<(i64, &'static ProcedureDef, &'static str, NaiveDate, i64)>> {
        let (lo, hi) = scope.bounds();
        let rows: Vec<(i64, String, Option<String>, Option<NaiveDate>)> = dispatch!(self, pool => {
            sqlx::query_as("select procedure_id, kind, step, due_on from procedures where state = 'open' and due_on < $1 \
                and area_code between $2 and $3 order by due_on, procedure_id limit 1000")
                .bind(today).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?
        });
        let calendar = self.work_calendar().await?;
        let mut out = Vec::new();
        for (id, kind, step, due) in rows {
            let (Some(def), Some(step), Some(due)) = (kinds::by_code(&kind), step, due) else { continue };
            let Some(step) = def.steps.iter().find(|s| s.code == step).map(|s| s.code) else { continue };
            let late = calendar.working_days_late(due, today);
            if late > 0 {
                out.push((id, def, step, due, late));
            }
        }
        Ok(out)
    }
}
