//! 程序 kept: a procedure row (where it is, for lists and worklists) and its events (what
//! happened, never changed). Every act is checked by the engine in core
//! (`bangfu_core::procedure`), written with its audit row in one transaction, and refused if
//! someone else acted first (the version).

use std::collections::HashMap;

use aes_gcm::aead::OsRng;
use aes_gcm::aead::rand_core::RngCore;
use bangfu_core::FieldError;
use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::Role;
use bangfu_core::calendar::WorkCalendar;
use bangfu_core::household::{Household, HouseholdId, HouseholdType, MonitoringType, PovertyStatus};
use bangfu_core::monitoring::clearing::{Condition, clearing_conditions, may_clear};
use bangfu_core::monitoring::{ClearMethod, CloseEpisode, Episode, OpenEpisode, check_type};
use bangfu_core::procedure::decision::{HouseholdClass, Labour, Proposal, Stability, parse_exit_year};
use bangfu_core::procedure::record::{self as records, StepRecord};
use bangfu_core::procedure::{Action, Deadlines, Event, Procedure, ProcedureDef, State, StepDef, kinds};
use bangfu_core::store::{AreaStore, HouseholdStore, MonitoringStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::households::{Review, accept_review};
use crate::{BeginWrite, Db, dispatch, domain_err};

/// A procedure as kept, with what lists need beside the engine's replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    pub id: i64,
    pub household_id: HouseholdId,
    pub area_code: String,
    pub procedure: Procedure,
    pub version: i64,
    /// What it decides once approved (the start form's answers).
    pub proposal: Proposal,
    /// The public notice page's token (the QR code), for kinds with a notice.
    pub notice_token: Option<String>,
    /// 先行帮扶: helped before the procedure ends (a sudden hardship), since when and why.
    pub help_first: Option<(NaiveDate, String)>,
    pub objections: Vec<Objection>,
    /// What each event's step recorded of itself (the appraisal's votes, the cross-check's
    /// hits), by the event's position; empty for most.
    pub records: Vec<StepRecord>,
    /// The papers it carries (承诺授权书, photos, minutes), oldest first, without their bytes.
    pub attachments: Vec<Attachment>,
}

/// A paper a procedure carries: which kind, at which step, who added it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub step: String,
    pub kind: String,
    pub note: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub added_by: String,
    pub created_at: DateTime<Utc>,
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

/// The stored code of an action: complete, send_back, refuse, withdraw, object, answer.
pub fn action_code(a: &Action) -> &'static str {
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
pub(crate) fn action_columns(a: &Action) -> (Option<&str>, Option<&str>, Option<&str>, Option<bool>) {
    match a {
        Action::Complete { note } => (Some(note), None, None, None),
        Action::SendBack { to, reason } => (Some(reason), *to, None, None),
        Action::Refuse { reason } | Action::Withdraw { reason } => (Some(reason), None, None, None),
        Action::Object { receipt, text } => (Some(text), None, Some(receipt), None),
        Action::Answer { receipt, upheld, answer } => (Some(answer), None, Some(receipt), Some(*upheld)),
    }
}

/// An event row with the objector's name.
type FullEventRow = (
    NaiveDate,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<String>,
);

pub(crate) type EventRow =
    (NaiveDate, String, Option<String>, String, String, Option<String>, Option<String>, Option<String>, Option<bool>);

pub(crate) fn event_of(def: &'static ProcedureDef, r: EventRow) -> DomainResult<Event> {
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
pub(crate) fn state_columns(
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

/// The SQL columns of an act (see [`write_act`]).
#[derive(Debug, Clone)]
pub(crate) struct ActWrite {
    /// The proposal as the step amended it, if it did.
    pub proposal: Option<String>,
    pub id: i64,
    pub version: i64,
    pub state: &'static str,
    pub step: Option<&'static str>,
    pub since: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub ended: Option<NaiveDate>,
    pub on: NaiveDate,
    pub now: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub by: String,
    pub role: Option<&'static str>,
    pub event_step: &'static str,
    pub action: &'static str,
    pub note: Option<String>,
    pub target: Option<String>,
    pub receipt: Option<String>,
    pub upheld: Option<bool>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub source: Option<String>,
    /// What the step recorded of itself (`field=value` lines), on 办结 of a step that records.
    pub record: Option<String>,
    pub entry: AuditEntry,
}

/// Writes an act on an open transaction: the procedure's new place (refused if someone acted
/// since the version read), its event and its audit row.
macro_rules! write_act {
    ($tx:expr, $w:expr) => {{
        let w: &$crate::procedures::ActWrite = $w;
        async {
            let changed = sqlx::query(
                "update procedures set state = $1, step = $2, step_since = $3, due_on = $4, ended_on = $5, \
                 updated_at = $6, version = version + 1, proposal = coalesce($9, proposal) \
                 where procedure_id = $7 and version = $8",
            )
            .bind(w.state)
            .bind(w.step)
            .bind(w.since)
            .bind(w.due)
            .bind(w.ended)
            .bind(w.now)
            .bind(w.id)
            .bind(w.version)
            .bind(&w.proposal)
            .execute(&mut *$tx)
            .await
            .map_err($crate::domain_err)?
            .rows_affected();
            if changed != 1 {
                return Err(DomainError::conflict("version", "该程序刚被他人办理过，请刷新后再看"));
            }
            sqlx::query(
                "insert into procedure_events (procedure_id, on_date, at, user_id, by_name, role, step, action, note, \
                 target, receipt, upheld, contact_name, contact_phone, source, record) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(w.id)
            .bind(w.on)
            .bind(w.now)
            .bind(w.user_id)
            .bind(&w.by)
            .bind(w.role)
            .bind(w.event_step)
            .bind(w.action)
            .bind(&w.note)
            .bind(&w.target)
            .bind(&w.receipt)
            .bind(w.upheld)
            .bind(&w.contact_name)
            .bind(&w.contact_phone)
            .bind(&w.source)
            .bind(&w.record)
            .execute(&mut *$tx)
            .await
            .map_err($crate::domain_err)?;
            $crate::bind_entry!(&w.entry).execute(&mut *$tx).await.map_err($crate::domain_err)?;
            Ok::<(), DomainError>(())
        }
        .await
    }};
}
pub(crate) use write_act;

/// An objection lodged on a notice, and its answer when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub receipt: String,
    pub lodged_on: NaiveDate,
    pub name: Option<String>,
    pub text: String,
    /// (answered on, upheld, the answer).
    pub answer: Option<(NaiveDate, bool, String)>,
}

/// A procedure in a list: where it is, for whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRow {
    pub id: i64,
    pub def: &'static ProcedureDef,
    pub household_id: HouseholdId,
    pub household_no: String,
    pub head_name: Option<String>,
    pub area_code: String,
    pub state: String,
    pub step: Option<&'static StepDef>,
    pub step_since: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl ProcedureRow {
    /// The tag colour screens use for the state.
    pub fn colour(&self) -> &'static str {
        match self.state.as_str() {
            "open" => "yellow",
            "approved" => "green",
            "refused" => "red",
            _ => "grey",
        }
    }

    pub fn state_zh(&self) -> &'static str {
        match self.state.as_str() {
            "open" => "办理中",
            "approved" => "已批准",
            "refused" => "不予批准",
            _ => "已撤回",
        }
    }
}

/// Which procedures a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProcedureFilter {
    pub kind: Option<&'static ProcedureDef>,
    /// open, approved, refused or withdrawn.
    pub state: Option<String>,
    /// Only those whose current step this role acts on (我的待办).
    pub pending_for: Option<Role>,
    pub offset: i64,
    pub limit: i64,
}

/// A notice as the public page shows it: nothing the printed notice does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicNotice {
    pub token: String,
    pub kind_zh: &'static str,
    pub head_name: String,
    pub township: String,
    pub village: String,
    pub decision: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Objections may still be lodged (the notice is the current step).
    pub open: bool,
}

/// What a villager sees by receipt number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionStatus {
    pub receipt: String,
    pub notice: String,
    pub lodged_on: NaiveDate,
    pub text: String,
    pub answer: Option<(NaiveDate, bool, String)>,
}

/// What the engine decided: its display for the notice and the procedure page.
pub fn decision_zh(def: &ProcedureDef, p: &Proposal) -> String {
    let get = |k| p.get(k).unwrap_or("");
    match def.code {
        c if c == kinds::IDENTIFICATION.code => {
            let t = get("monitoring_type").parse::<MonitoringType>().map(|t| t.label_zh()).unwrap_or("监测对象");
            format!("拟纳入防止返贫致贫监测对象（{t}）")
        }
        c if c == kinds::RISK_CLEARING.code => {
            let m = get("method").parse::<ClearMethod>().map(|m| format!("（{}）", m.label_zh())).unwrap_or_default();
            format!("拟消除返贫致贫风险{m}")
        }
        c if c == kinds::CLASSIFICATION.code => {
            let year = get("year").trim_end_matches('年');
            let s = get("stability").parse::<Stability>().map(|s| s.label_zh()).unwrap_or("");
            let l = get("labour").parse::<Labour>().map(|l| format!("（{}）", l.label_zh())).unwrap_or_default();
            format!("拟确定为{year}年{s}{l}")
        }
        _ => format!("拟确认{}年退出（脱贫）", get("exit_year").trim_end_matches('年')),
    }
}

pub(crate) fn random_text(len: usize) -> String {
    // No 0/O, 1/I/L: read aloud over the phone and typed on a phone.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// A receipt number: the day and eight characters nobody can guess (`20261203-K7Q2M9XA`).
pub fn new_receipt(on: NaiveDate) -> String {
    format!("{}-{}", on.format("%Y%m%d"), random_text(8))
}

fn objections_of(events: &[(Event, Option<String>)]) -> Vec<Objection> {
    let mut out: Vec<Objection> = Vec::new();
    for (e, name) in events {
        match &e.action {
            Action::Object { receipt, text } => out.push(Objection {
                receipt: receipt.clone(),
                lodged_on: e.on,
                name: name.clone(),
                text: text.clone(),
                answer: None,
            }),
            Action::Answer { receipt, upheld, answer } => {
                if let Some(o) = out.iter_mut().find(|o| &o.receipt == receipt) {
                    o.answer = Some((e.on, *upheld, answer.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

const ROW_SELECT: &str = "select p.procedure_id, p.kind, p.household_id, h.household_no, \
    (select m.name from members m where m.household_id = p.household_id and m.relation = 'head' and m.left_on is null limit 1) as head_name, \
    p.area_code, p.state, p.step, p.step_since, p.due_on, p.started_on, p.ended_on \
    from procedures p join households h on h.household_id = p.household_id";

type RowTuple = (
    i64,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    NaiveDate,
    Option<NaiveDate>,
);

fn row_of(r: RowTuple) -> Option<ProcedureRow> {
    let (
        id,
        kind,
        household,
        household_no,
        head_name,
        area_code,
        state,
        step,
        step_since,
        due_on,
        started_on,
        ended_on,
    ) = r;
    let def = kinds::by_code(&kind)?;
    let step = step.and_then(|c| def.steps.iter().find(|s| s.code == c));
    Some(ProcedureRow {
        id,
        def,
        household_id: HouseholdId(household),
        household_no,
        head_name,
        area_code,
        state,
        step,
        step_since,
        due_on,
        started_on,
        ended_on,
    })
}

/// `(kind = 'x' and step in ('a', 'b')) or …` for the steps `role` acts on (codes are the
/// program's own constants, never user input).
fn pending_sql(role: Role) -> String {
    let parts: Vec<String> = kinds::ALL
        .iter()
        .filter_map(|d| {
            let steps: Vec<String> =
                d.steps.iter().filter(|s| s.actors.contains(&role)).map(|s| format!("'{}'", s.code)).collect();
            (!steps.is_empty()).then(|| format!("(p.kind = '{}' and p.step in ({}))", d.code, steps.join(", ")))
        })
        .collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" or ")) }
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

    /// Checks a proposal against the household as it is on `on`: what the approval will do
    /// must be possible now (and is checked again when it is approved).
    /// The episode an identification's proposal opens on `on`. A lead from a visit may not
    /// name its risks yet: they stay 未填 (the form and the API ask for them).
    fn identification_of(p: &Proposal, h: &Household, on: NaiveDate, today: NaiveDate) -> DomainResult<OpenEpisode> {
        let unnamed = p.get("risks").is_none();
        let extra = [("identified_on", on.to_string())];
        let mut fields = p.fields(&extra);
        if unnamed {
            fields.insert("risks".into(), "其他".into());
        }
        let mut e = OpenEpisode::parse(&fields, h.data.household_type, today).map_err(DomainError::Invalid)?;
        if unnamed {
            e.risks.clear();
        }
        Ok(e)
    }

    async fn check_proposal(
        &self,
        scope: &Scope,
        h: &Household,
        def: &'static ProcedureDef,
        proposal: &Proposal,
        on: NaiveDate,
    ) -> DomainResult<()> {
        let today = self.clock().today();
        let invalid = DomainError::Invalid;
        match def.code {
            c if c == kinds::IDENTIFICATION.code => {
                let e = Self::identification_of(proposal, h, on, today)?;
                check_type(e.monitoring_type, h.data.household_type).map_err(|e| invalid(vec![e]))?;
                e.check_against(&self.episodes(scope, h.id).await?).map_err(|e| invalid(vec![e]))?;
            }
            c if c == kinds::RISK_CLEARING.code => {
                let open = self
                    .episodes(scope, h.id)
                    .await?
                    .into_iter()
                    .find(Episode::is_open)
                    .ok_or_else(|| DomainError::invalid("method", "该户当前没有监测记录，无需消除风险"))?;
                CloseEpisode::parse(
                    &proposal.fields(&[("cleared_on", on.max(open.opened.identified_on).to_string())]),
                    &open,
                    today,
                )
                .map_err(invalid)?;
            }
            c if c == kinds::CLASSIFICATION.code => {
                if h.data.household_type != HouseholdType::Tuopin {
                    return Err(DomainError::invalid(
                        "stability",
                        format!("只有脱贫户进行年度分类，该户是{}", h.data.household_type.label_zh()),
                    ));
                }
                let class = HouseholdClass::parse(&proposal.fields(&[]), today.year()).map_err(invalid)?;
                if let Some(c) = self.household_classes(scope, h.id).await?.into_iter().find(|c| c.0.year == class.year)
                {
                    return Err(DomainError::invalid(
                        "year",
                        format!("该户{}年已分类：{}", class.year, c.0.label_zh()),
                    ));
                }
            }
            _ => {
                if h.data.household_type != HouseholdType::Tuopin {
                    return Err(DomainError::invalid(
                        "exit_year",
                        format!("只有脱贫户有退出程序，该户是{}", h.data.household_type.label_zh()),
                    ));
                }
                parse_exit_year(&proposal.fields(&[])).map_err(|e| invalid(vec![e]))?;
            }
        }
        if proposal.get("reason").is_none() && def.code != kinds::CLASSIFICATION.code {
            return Err(DomainError::invalid("reason", "请写明理由"));
        }
        Ok(())
    }

    /// Starts a procedure of `def`'s kind on a household inside `scope` with what it proposes:
    /// one open at a time per kind and household. With a review, the visit's proposal that
    /// asked for it is marked accepted in the same transaction.
    pub async fn start_procedure(
        &self,
        scope: &Scope,
        household: HouseholdId,
        def: &'static ProcedureDef,
        proposal: &Proposal,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<i64> {
        self.start_procedure_with(scope, household, def, proposal, on, actor, None).await
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start_procedure_with(
        &self,
        scope: &Scope,
        household: HouseholdId,
        def: &'static ProcedureDef,
        proposal: &Proposal,
        on: NaiveDate,
        actor: &Actor,
        review: Option<Review<'_>>,
    ) -> DomainResult<i64> {
        let h = self.household(scope, household).await?;
        let today = self.clock().today();
        if on > today {
            return Err(DomainError::invalid("started_on", "开始日期不能晚于今天"));
        }
        self.check_proposal(scope, &h, def, proposal, on).await?;
        let calendar = self.work_calendar().await?;
        let p = Procedure::start(def, on);
        let (state, step, since, due, ended) = state_columns(&p, &calendar);
        let now = self.clock().now();
        let area = h.data.village_code.to_string();
        let token = def.steps.iter().any(|s| s.notice_days.is_some()).then(|| random_text(20));
        let help_first = proposal.get("help_first_reason").map(|r| (on, r.to_owned()));
        let what =
            format!("{}（户编号 {}），{on} 开始：{}", def.name_zh, h.data.household_no, decision_zh(def, proposal));
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
                 created_at, created_by, updated_at, proposal, notice_token, help_first_on, help_first_reason) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12, $13, $14, $15) returning procedure_id")
                .bind(def.code).bind(household.0).bind(&area).bind(on).bind(state).bind(step).bind(since).bind(due).bind(ended)
                .bind(now).bind(&actor.username).bind(proposal.encode()).bind(&token)
                .bind(help_first.as_ref().map(|x| x.0)).bind(help_first.as_ref().map(|x| x.1.clone()))
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("procedure", id, Some(&area))
                .change("procedure", None, Some(what));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(review) = &review {
                let area = h.data.village_code.clone();
                accept_review!(&mut *tx, review, actor, area, today, now)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A procedure inside `scope`, replayed from its events (another area's is "not found").
    pub async fn procedure(&self, scope: &Scope, id: i64) -> DomainResult<ProcedureRecord> {
        let (lo, hi) = scope.bounds();
        type Head =
            (String, i64, String, NaiveDate, i64, Option<String>, Option<String>, Option<NaiveDate>, Option<String>);
        let head: Option<Head> = dispatch!(self, pool => {
            sqlx::query_as("select kind, household_id, area_code, started_on, version, proposal, notice_token, \
                help_first_on, help_first_reason from procedures where procedure_id = $1 and area_code between $2 and $3")
                .bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        let (kind, household, area_code, started_on, version, proposal, notice_token, help_on, help_reason) =
            head.ok_or(DomainError::NotFound)?;
        let def = kinds::by_code(&kind).ok_or_else(|| DomainError::Internal(format!("unknown procedure {kind}")))?;
        let rows: Vec<FullEventRow> = dispatch!(self, pool => {
            sqlx::query_as("select on_date, by_name, role, step, action, note, target, receipt, upheld, contact_name, \
                record from procedure_events where procedure_id = $1 order by event_id")
                .bind(id).fetch_all(pool).await.map_err(domain_err)?
        });
        let mut events = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for (on, by, role, step, action, note, target, receipt, upheld, name, record) in rows {
            events.push((event_of(def, (on, by, role, step, action, note, target, receipt, upheld))?, name));
            records.push(record.as_deref().map(StepRecord::decode).unwrap_or_default());
        }
        let attachments = self.attachments_of(id).await?;
        let objections = objections_of(&events);
        Ok(ProcedureRecord {
            id,
            household_id: HouseholdId(household),
            area_code,
            procedure: Procedure {
                def,
                started_on,
                events: events.into_iter().map(|(e, _)| e).collect(),
                deadlines: self.deadlines().await?,
            },
            version,
            proposal: proposal.as_deref().map(Proposal::decode).unwrap_or_default(),
            notice_token,
            help_first: help_on.zip(help_reason),
            objections,
            records,
            attachments,
        })
    }

    /// Acts on a procedure: checked by the engine, refused if it changed since `version` was
    /// read, written with its event, its new place and its audit row in one transaction. The
    /// act that approves it applies the decision in the same transaction (the episode opened or
    /// closed, the class set, the exit recorded) — the only way any of them happens.
    pub async fn act_on_procedure(&self, scope: &Scope, act: Act, actor: &Actor) -> DomainResult<ProcedureRecord> {
        self.act_with_contact(scope, act, &HashMap::new(), actor, None).await
    }

    /// [`Db::act_on_procedure`], with what the step found: on 办结 the step's own fields
    /// (`decision::step_fields`) answered in `found` are taken into the proposal (checked again as a
    /// whole), written with the act.
    pub async fn act_with_findings(
        &self,
        scope: &Scope,
        act: Act,
        found: &HashMap<String, String>,
        actor: &Actor,
    ) -> DomainResult<ProcedureRecord> {
        self.act_with_contact(scope, act, found, actor, None).await
    }

    /// The conditions of a risk clearing as of `as_of`, from the register and what its 入户核实
    /// found (刚性支出, 三保障和饮水 as they are now), each with its figure.
    pub async fn clearing_conditions_of(
        &self,
        scope: &Scope,
        r: &ProcedureRecord,
        as_of: NaiveDate,
    ) -> DomainResult<Vec<Condition>> {
        let mut inputs = self.clearing_inputs(scope, r.household_id, as_of).await?;
        let yes_no = |k: &str| match r.proposal.get(k) {
            Some("是") => Some(true),
            Some("否") => Some(false),
            _ => None,
        };
        if let Some(v) = yes_no("rigid_expense_resolved") {
            inputs.rigid_expense_resolved = Some(v);
        }
        let f = &mut inputs.flags;
        for (k, slot) in [
            ("house_unsafe", &mut f.house_unsafe),
            ("out_of_school", &mut f.out_of_school),
            ("no_medical_insurance", &mut f.no_medical_insurance),
            ("water_unsafe", &mut f.water_unsafe),
            ("no_labour", &mut f.no_labour),
        ] {
            if let Some(v) = yes_no(k) {
                *slot = Some(v);
            }
        }
        Ok(clearing_conditions(&inputs))
    }

    async fn act_with_contact(
        &self,
        scope: &Scope,
        act: Act,
        found: &HashMap<String, String>,
        actor: &Actor,
        contact: Option<(String, String, String)>,
    ) -> DomainResult<ProcedureRecord> {
        let Act { id, version, action, role, on } = act;
        let mut record = self.procedure(scope, id).await?;
        if record.version != version {
            return Err(DomainError::conflict("version", "该程序刚被他人办理过，请刷新后再看"));
        }
        if on > self.clock().today() {
            return Err(DomainError::invalid("on", "办理日期不能晚于今天"));
        }
        let def = record.procedure.def;
        let at = record.procedure.current().map(|s| s.code).unwrap_or("");
        let mut amended = Vec::new();
        let completes = matches!(action, Action::Complete { .. }) && record.procedure.state().is_open();
        // What the step records of itself (the appraisal's votes, the cross-check's hits), and
        // the paper it may not be 办结 without.
        let step_record = if completes {
            let kept = records::check_record(def, at, found).map_err(DomainError::Invalid)?;
            if let Some((kind, message)) = records::required_attachment(def, at)
                && !record.attachments.iter().any(|a| a.kind == kind)
            {
                return Err(DomainError::invalid("attachment", message));
            }
            (!kept.is_empty()).then_some(kept)
        } else {
            None
        };
        if matches!(action, Action::Complete { .. }) && !found.is_empty() {
            amended = record.proposal.amend(def, at, found);
            if !amended.is_empty() {
                let h = self.household(scope, record.household_id).await?;
                self.check_proposal(scope, &h, def, &record.proposal, on).await?;
            }
        }
        // 县级审批 of a clearing only when every condition holds (the first one not met is named).
        if def.code == kinds::RISK_CLEARING.code && at == "county_approval" && matches!(action, Action::Complete { .. })
        {
            let conditions = self.clearing_conditions_of(scope, &record, on).await?;
            may_clear(&conditions).map_err(|m| DomainError::invalid("conditions", m))?;
        }
        let before = record.procedure.current().map(|s| s.name_zh).unwrap_or("");
        record.procedure.act(action.clone(), &actor.username, role, on).map_err(|e| DomainError::Invalid(vec![e]))?;
        let calendar = self.work_calendar().await?;
        let (state, step, since, due, ended) = state_columns(&record.procedure, &calendar);
        let event = record.procedure.events.last().cloned().ok_or_else(|| DomainError::Internal("no event".into()))?;
        let (note, target, receipt, upheld) = action_columns(&event.action);
        let now = self.clock().now();
        let after = match record.procedure.current() {
            Some(s) => format!("{}：{} → {}", action_zh(&event.action), before, s.name_zh),
            None => format!("{}：{} → {}", action_zh(&event.action), before, record.procedure.state().label_zh()),
        };
        let (contact_name, contact_phone, source) = match &contact {
            Some((n, p, s)) => (Some(n.clone()), Some(crate::sealed::seal(p)), Some(s.clone())),
            None => (None, None, None),
        };
        let after = match &contact {
            Some((n, p, _)) => format!("{after}（{n}，{}）", bangfu_core::household::model::masked_phone(p)),
            None => after,
        };
        let after = match &step_record {
            Some(r) => format!("{after}（{}）", r.summary_zh()),
            None => after,
        };
        let after = if amended.is_empty() {
            after
        } else {
            let what: Vec<String> = amended.iter().map(|(k, _, v)| format!("{k}={v}")).collect();
            format!("{after}（核实：{}）", what.join("，"))
        };
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("procedure", id, Some(&record.area_code))
            .change(event.step, None, Some(after));
        let w = ActWrite {
            proposal: (!amended.is_empty()).then(|| record.proposal.encode()),
            id,
            version,
            state,
            step,
            since,
            due,
            ended,
            on,
            now,
            user_id: actor.user_id,
            by: actor.username.clone(),
            role: role.map(|r| r.code()),
            event_step: event.step,
            action: action_code(&event.action),
            note: note.map(str::to_owned),
            target: target.map(str::to_owned),
            receipt: receipt.map(str::to_owned),
            upheld,
            contact_name,
            contact_phone,
            source,
            record: step_record.as_ref().map(StepRecord::encode),
            entry,
        };
        if matches!(record.procedure.state(), State::Approved { .. }) {
            self.apply_decision(scope, &record, &w, actor).await?;
        } else {
            dispatch!(self, pool => {
                let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
                write_act!(&mut *tx, &w)?;
                tx.commit().await.map_err(domain_err)?;
            });
        }
        record.version += 1;
        if let Ok(o) = self.procedure(scope, id).await {
            record.objections = o.objections;
        }
        Ok(record)
    }

    /// The approval's effect, written with the act in one transaction.
    async fn apply_decision(
        &self,
        scope: &Scope,
        r: &ProcedureRecord,
        w: &ActWrite,
        actor: &Actor,
    ) -> DomainResult<()> {
        let h = self.household(scope, r.household_id).await?;
        let today = self.clock().today();
        // The decision is dated by the county's approval (县级审批 sets the date); the
        // announcement after it only makes it public.
        let on = r
            .procedure
            .events
            .iter()
            .rev()
            .find(|e| e.step.starts_with("county_") && matches!(e.action, Action::Complete { .. }))
            .map_or(w.on, |e| e.on);
        let p = &r.proposal;
        let invalid = DomainError::Invalid;
        let review = Some(Review::Act(w));
        match r.procedure.def.code {
            c if c == kinds::IDENTIFICATION.code => {
                let e = Self::identification_of(p, &h, on, today)?;
                self.open_episode_with(scope, h.id, &e, actor, review).await.map(|_| ())
            }
            c if c == kinds::RISK_CLEARING.code => {
                let open = self
                    .episodes(scope, h.id)
                    .await?
                    .into_iter()
                    .find(Episode::is_open)
                    .ok_or_else(|| DomainError::invalid("method", "该户当前没有监测记录，无需消除风险"))?;
                let close =
                    CloseEpisode::parse(&p.fields(&[("cleared_on", on.to_string())]), &open, today).map_err(invalid)?;
                self.close_episode_with(scope, h.id, &close, actor, review).await
            }
            c if c == kinds::CLASSIFICATION.code => {
                let class = HouseholdClass::parse(&p.fields(&[]), today.year()).map_err(invalid)?;
                let now = w.now;
                let area = h.data.village_code.as_str().to_owned();
                let entry = AuditEntry::new(actor, AuditAction::Create)
                    .object("household_class", h.id.0, Some(&area))
                    .change("class", None, Some(class.label_zh()));
                dispatch!(self, pool => {
                    let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
                    write_act!(&mut *tx, w)?;
                    sqlx::query("insert into household_classes (household_id, year, stability, labour, decided_on, procedure_id, created_at) \
                        values ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(h.id.0).bind(class.year).bind(class.stability.code()).bind(class.labour.code()).bind(on).bind(r.id).bind(now)
                        .execute(&mut *tx).await.map_err(|e| match domain_err(e) {
                            DomainError::Conflict { .. } => DomainError::conflict("year", format!("该户{}年已分类", class.year)),
                            other => other,
                        })?;
                    crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
                    tx.commit().await.map_err(domain_err)?;
                });
                Ok(())
            }
            _ => {
                let year = parse_exit_year(&p.fields(&[])).map_err(|e| invalid(vec![e]))?;
                let reason = format!("{year}年退出：{}", p.get("reason").unwrap_or(""));
                if h.data.status == Some(PovertyStatus::Poor) {
                    self.apply_status(scope, h.id, PovertyStatus::Exited, on, &reason, actor, review).await
                } else {
                    // Entered afterwards for a household already shown as exited: the record is the procedure.
                    dispatch!(self, pool => {
                        let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
                        write_act!(&mut *tx, w)?;
                        tx.commit().await.map_err(domain_err)?;
                    });
                    Ok(())
                }
            }
        }
    }

    /// A 脱贫户's classes, newest year first, each with the procedure that decided it.
    pub async fn household_classes(
        &self,
        scope: &Scope,
        household: HouseholdId,
    ) -> DomainResult<Vec<(HouseholdClass, NaiveDate, i64)>> {
        self.check_in_scope(scope, household).await?;
        let rows: Vec<(i32, String, String, NaiveDate, i64)> = dispatch!(self, pool => {
            sqlx::query_as("select year, stability, labour, decided_on, procedure_id from household_classes \
                where household_id = $1 order by year desc")
                .bind(household.0).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|(year, s, l, on, pid)| {
                let stability = Stability::parse(&s).ok_or_else(|| DomainError::Internal(format!("stability {s}")))?;
                let labour = Labour::parse(&l).ok_or_else(|| DomainError::Internal(format!("labour {l}")))?;
                Ok((HouseholdClass { year, stability, labour }, on, pid))
            })
            .collect()
    }

    /// Procedures inside `scope` as the filter asks, newest first, and how many in all.
    pub async fn procedures(&self, scope: &Scope, f: &ProcedureFilter) -> DomainResult<(Vec<ProcedureRow>, i64)> {
        let (lo, hi) = scope.bounds();
        let mut clause = "p.area_code between $1 and $2".to_owned();
        let mut n = 2;
        if f.kind.is_some() {
            n += 1;
            clause.push_str(&format!(" and p.kind = ${n}"));
        }
        if f.state.is_some() {
            n += 1;
            clause.push_str(&format!(" and p.state = ${n}"));
        }
        if let Some(role) = f.pending_for {
            clause.push_str(&format!(" and p.state = 'open' and {}", pending_sql(role)));
        }
        let count_sql = format!("select count(*) from procedures p where {clause}");
        let list_sql = format!(
            "{ROW_SELECT} where {clause} order by (case when p.state = 'open' then 0 else 1 end), p.due_on, p.procedure_id desc \
             limit {} offset {}",
            f.limit.clamp(1, 500),
            f.offset.max(0)
        );
        let kind = f.kind.map(|d| d.code);
        let state = f.state.clone();
        dispatch!(self, pool => {
            let mut count = sqlx::query_scalar::<_, i64>(crate::sql(&count_sql)).bind(lo).bind(hi);
            let mut list = sqlx::query_as::<_, RowTuple>(crate::sql(&list_sql)).bind(lo).bind(hi);
            if let Some(k) = kind { count = count.bind(k); list = list.bind(k); }
            if let Some(s) = &state { count = count.bind(s.clone()); list = list.bind(s.clone()); }
            let total = count.fetch_one(pool).await.map_err(domain_err)?;
            let rows = list.fetch_all(pool).await.map_err(domain_err)?;
            Ok((rows.into_iter().filter_map(row_of).collect(), total))
        })
    }

    /// A household's procedures, newest first.
    pub async fn household_procedures(&self, scope: &Scope, household: HouseholdId) -> DomainResult<Vec<ProcedureRow>> {
        self.check_in_scope(scope, household).await?;
        let sql = format!("{ROW_SELECT} where p.household_id = $1 order by p.started_on desc, p.procedure_id desc");
        dispatch!(self, pool => {
            let rows = sqlx::query_as::<_, RowTuple>(crate::sql(&sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?;
            Ok(rows.into_iter().filter_map(row_of).collect())
        })
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

    // ---- the public notice page (no account: found by the token in the QR code) ----

    async fn procedure_by_token(&self, token: &str) -> DomainResult<ProcedureRecord> {
        let id: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select procedure_id from procedures where notice_token = $1")
                .bind(token).fetch_optional(pool).await.map_err(domain_err)?
        });
        self.procedure(&Scope::everything(), id.ok_or(DomainError::NotFound)?).await
    }

    /// The notice as the public page shows it, once the procedure has reached its notice
    /// (before that, and for a wrong token, there is nothing to see).
    pub async fn public_notice(&self, token: &str) -> DomainResult<PublicNotice> {
        let r = self.procedure_by_token(token).await?;
        let def = r.procedure.def;
        let notice = def.steps.iter().find(|s| s.notice_days.is_some()).ok_or(DomainError::NotFound)?;
        // The last time the notice step began: the day the step before it completed.
        let mut from = None;
        let mut p = Procedure::start(def, r.procedure.started_on);
        p.deadlines = r.procedure.deadlines;
        for e in &r.procedure.events {
            p.events.push(e.clone());
            if let State::At { step, since } = p.state()
                && def.steps[step].code == notice.code
            {
                from = Some(since);
            }
        }
        let from = from.ok_or(DomainError::NotFound)?;
        let days = i64::from(r.procedure.notice_days_of(notice).unwrap_or(5));
        let h = self.household(&Scope::everything(), r.household_id).await?;
        let village = self.area(&h.data.village_code).await?.map(|a| a.name).unwrap_or_default();
        let township = self.area(&h.data.village_code.township()).await?.map(|a| a.name).unwrap_or_default();
        Ok(PublicNotice {
            token: token.to_owned(),
            kind_zh: def.name_zh,
            head_name: h.head_name.unwrap_or_default(),
            township,
            village,
            decision: decision_zh(def, &r.proposal),
            from,
            to: from + chrono::Duration::days(days - 1),
            open: r.procedure.current().map(|s| s.code) == Some(notice.code),
        })
    }

    /// A villager's objection from the public page: lands on the procedure as an objection to
    /// answer before it may go on; returns the receipt number. `source` is a keyed hash of
    /// where it came from (for the audit and throttling), never the address.
    pub async fn lodge_objection(
        &self,
        token: &str,
        name: &str,
        phone: &str,
        text: &str,
        source: &str,
    ) -> DomainResult<String> {
        let (name, phone, text) = (name.trim(), phone.trim(), text.trim());
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写您的姓名"));
        }
        if phone.chars().filter(char::is_ascii_digit).count() < 7 {
            errors.push(FieldError::new("phone", "请填写能联系到您的电话"));
        }
        if text.is_empty() {
            errors.push(FieldError::new("text", "请写明异议的内容"));
        } else if text.chars().count() > 1000 {
            errors.push(FieldError::new("text", "异议内容请不超过1000字"));
        }
        if name.chars().count() > 30 {
            errors.push(FieldError::new("name", "姓名请不超过30字"));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let today = self.clock().today();
        let receipt = new_receipt(today);
        let actor = Actor { user_id: None, username: "公示页面".to_owned(), role: None, ip: None };
        // Two villagers may object at the same moment, or staff act on the procedure meanwhile:
        // read it again and retry, so that an objection is never lost to someone else's act.
        let mut tries = 0;
        loop {
            let r = self.procedure_by_token(token).await?;
            if r.procedure.current().and_then(|s| s.notice_days).is_none() {
                return Err(DomainError::invalid("text", "公示已结束，不能再提出异议；如有问题请拨打12317"));
            }
            let act = Act {
                id: r.id,
                version: r.version,
                action: Action::Object { receipt: receipt.clone(), text: text.to_owned() },
                role: None,
                on: today,
            };
            let contact = Some((name.to_owned(), phone.to_owned(), source.to_owned()));
            match self.act_with_contact(&Scope::everything(), act, &HashMap::new(), &actor, contact).await {
                Err(DomainError::Conflict { .. }) if tries < 5 => tries += 1,
                other => return other.map(|_| receipt),
            }
        }
    }

    /// What the objector sees by receipt number: the notice, what they wrote, the answer.
    pub async fn objection_status(&self, receipt: &str) -> DomainResult<ObjectionStatus> {
        let receipt = receipt.trim().to_uppercase();
        let id: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select procedure_id from procedure_events where receipt = $1 and action = 'object'")
                .bind(&receipt).fetch_optional(pool).await.map_err(domain_err)?
        });
        let r = self.procedure(&Scope::everything(), id.ok_or(DomainError::NotFound)?).await?;
        let o = r.objections.iter().find(|o| o.receipt == receipt).ok_or(DomainError::NotFound)?;
        let h = self.household(&Scope::everything(), r.household_id).await?;
        Ok(ObjectionStatus {
            receipt: receipt.clone(),
            notice: format!("{}：{}", h.head_name.unwrap_or_default(), decision_zh(r.procedure.def, &r.proposal)),
            lodged_on: o.lodged_on,
            text: o.text.clone(),
            answer: o.answer.clone(),
        })
    }
}

pub(crate) fn action_zh(a: &Action) -> &'static str {
    match a {
        Action::Complete { .. } => "办结",
        Action::SendBack { .. } => "退回",
        Action::Refuse { .. } => "不予批准",
        Action::Withdraw { .. } => "撤回",
        Action::Object { .. } => "异议",
        Action::Answer { .. } => "答复异议",
    }
}

/// The settings rows of [`Deadlines`].
pub const NOTICE_DAYS: &str = "procedure_notice_days";
pub const TOTAL_WORKING_DAYS: &str = "procedure_total_working_days";

impl Db {
    /// The district's deadlines over the kinds' defaults.
    pub async fn deadlines(&self) -> DomainResult<Deadlines> {
        let n = self.setting(NOTICE_DAYS).await?.unwrap_or_default();
        let t = self.setting(TOTAL_WORKING_DAYS).await?.unwrap_or_default();
        Ok(Deadlines::parse(&n, &t).unwrap_or_default())
    }

    /// A district setting's value, if it was set.
    pub async fn setting(&self, key: &str) -> DomainResult<Option<String>> {
        dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(key).fetch_optional(pool).await.map_err(domain_err)
        })
    }

    /// Sets a district setting, with the audit row, in one transaction.
    pub async fn set_setting(&self, key: &str, value: &str, actor: &Actor) -> DomainResult<()> {
        let before = self.setting(key).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update).object("setting", 0, None).change(
            key,
            before,
            Some(value.to_owned()),
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(key).bind(value).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}

const ATTACHMENT_SELECT: &str = "select attachment_id, step, kind, note, file_name, content_type, size_bytes, added_by, \
    created_at from procedure_attachments";

type AttachmentRow = (i64, String, String, Option<String>, String, String, i64, String, DateTime<Utc>);

fn attachment_of(r: AttachmentRow) -> Attachment {
    let (id, step, kind, note, file_name, content_type, size_bytes, added_by, created_at) = r;
    Attachment { id, step, kind, note, file_name, content_type, size_bytes, added_by, created_at }
}

impl Db {
    async fn attachments_of(&self, procedure: i64) -> DomainResult<Vec<Attachment>> {
        let sql = format!("{ATTACHMENT_SELECT} where procedure_id = $1 order by attachment_id");
        let rows: Vec<AttachmentRow> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(procedure).fetch_all(pool).await.map_err(domain_err)?
        });
        Ok(rows.into_iter().map(attachment_of).collect())
    }

    /// Adds a paper to an open procedure at its current step (a photo or PDF, checked again
    /// here whoever the caller), with its audit row. Kept for good: nothing removes one.
    pub async fn add_procedure_attachment(
        &self,
        scope: &Scope,
        procedure: i64,
        kind: &str,
        note: Option<&str>,
        upload: (&bangfu_core::assistance::evidence::Upload, &[u8]),
        actor: &Actor,
    ) -> DomainResult<i64> {
        let r = self.procedure(scope, procedure).await?;
        let Some(step) = r.procedure.current() else {
            return Err(DomainError::invalid("file", "该程序已结束，不能再上传材料"));
        };
        if !records::ATTACHMENT_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(DomainError::invalid("kind", "请选择材料类别"));
        }
        let (u, bytes) = upload;
        let again = bangfu_core::assistance::evidence::check_upload(&u.file_name, bytes)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        if again.content_type != u.content_type {
            return Err(DomainError::invalid("file", "文件类型与内容不符"));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 200) {
            return Err(DomainError::invalid("note", "说明不能超过200个字"));
        }
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        let now = self.clock().now();
        let entry =
            AuditEntry::new(actor, AuditAction::Create).object("procedure", procedure, Some(&r.area_code)).change(
                "attachment",
                None,
                Some(format!(
                    "{}：{}（{} 字节，{}）",
                    records::attachment_kind_zh(kind),
                    u.file_name,
                    bytes.len(),
                    step.name_zh
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into procedure_attachments (procedure_id, household_id, step, kind, note, \
                file_name, content_type, size_bytes, sha256, content, added_by, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning attachment_id")
                .bind(procedure).bind(r.household_id.0).bind(step.code).bind(kind).bind(note).bind(&u.file_name)
                .bind(u.content_type).bind(bytes.len() as i64).bind(&sha).bind(bytes).bind(&actor.username).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A procedure's paper with its bytes, inside `scope` (another area's is "not found").
    pub async fn procedure_attachment_file(&self, scope: &Scope, id: i64) -> DomainResult<(Attachment, Vec<u8>)> {
        let (lo, hi) = scope.bounds();
        let sql = "select a.attachment_id, a.step, a.kind, a.note, a.file_name, a.content_type, a.size_bytes, a.added_by, \
            a.created_at, a.content from procedure_attachments a join procedures p on p.procedure_id = a.procedure_id \
            where a.attachment_id = $1 and p.area_code between $2 and $3";
        type Row = (i64, String, String, Option<String>, String, String, i64, String, DateTime<Utc>, Vec<u8>);
        let row: Option<Row> = dispatch!(self, pool => {
            sqlx::query_as(sql).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        let (id, step, kind, note, file_name, content_type, size_bytes, added_by, created_at, bytes) =
            row.ok_or(DomainError::NotFound)?;
        Ok((attachment_of((id, step, kind, note, file_name, content_type, size_bytes, added_by, created_at)), bytes))
    }
}
