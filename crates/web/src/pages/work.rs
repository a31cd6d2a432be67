//! 帮扶 work on a household page: the sections it shows (this year's plan with its measures,
//! recent visits) and what the work pages share. The forms are in plans.rs (plans, measures,
//! progress, evidence) and visits.rs (visits, follow-ups, reviews of proposals).

use axum::response::{IntoResponse, Redirect, Response};
use bangfu_core::assistance::evidence::MAX_UPLOAD_BYTES;
use bangfu_core::assistance::{MeasureKind, MeasureStatus, Plan, Proposal, ProposalState, Visit};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{HouseholdStore, PlanStore, VisitStore};
use chrono::{Datelike, NaiveDate};

use super::form::{FormField, Opt};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::Lang;

/// Room for a file a little over the limit, so its sender is told the size in Chinese
/// instead of a bare 413.
pub const UPLOAD_BODY_LIMIT: usize = 2 * MAX_UPLOAD_BYTES;

pub fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A date as the reader expects it: 2026年3月5日 in Chinese, 2026-03-05 in English.
pub fn show_date(lang: Lang, d: NaiveDate) -> String {
    if lang == Lang::En { d.to_string() } else { zh_date(d) }
}

/// District and township staff review proposals; village workers make them; auditors read.
pub fn can_review(me: &CurrentUser) -> bool {
    me.may(bangfu_core::auth::Permission::ReviewProposals)
}

// ---------------------------------------------------------------- household page sections

pub struct HouseholdWork {
    /// 驻村工作队 of the household's village, e.g. "张书记（第一书记）等3人", empty when none.
    pub team: String,
    pub village_code: String,
    pub this_year: i32,
    pub new_plan: String,
    pub has_plan_this_year: bool,
    pub plans: Vec<PlanView>,
    pub visits: Vec<VisitView>,
    pub can_review: bool,
}

pub struct PlanView {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub written: String,
    pub goal: String,
    pub measures: Vec<MeasureView>,
}

pub struct MeasureView {
    pub id: i64,
    pub kind: &'static str,
    /// 开发式 or 保障性.
    pub approach: &'static str,
    pub developmental: bool,
    pub content: String,
    pub responsible: String,
    pub due: String,
    pub amount: String,
    pub status: &'static str,
    pub colour: &'static str,
    pub overdue: bool,
    pub open: bool,
    pub note: String,
    pub evidence: Vec<EvidenceView>,
}

pub struct EvidenceView {
    pub id: i64,
    pub note: String,
    pub file_name: String,
    pub is_image: bool,
    pub added: String,
}

pub struct VisitView {
    pub id: i64,
    pub on: String,
    pub visitors: String,
    pub found: String,
    pub follow_up: String,
    pub follow_up_due: String,
    pub follow_up_done: String,
    pub follow_up_overdue: bool,
    pub proposal: String,
    pub proposal_reason: String,
    pub proposal_state: &'static str,
    pub pending: bool,
    pub review_note: String,
}

/// 开发式 or 保障性, in the reader's language.
pub fn approach_label(lang: Lang, kind: MeasureKind) -> &'static str {
    lang.t(&format!("work.approach.{}", kind.approach().code()))
}

pub fn measure_view(lang: Lang, m: &bangfu_core::assistance::Measure, today: NaiveDate) -> MeasureView {
    let overdue = m.is_overdue(today);
    MeasureView {
        id: m.id.0,
        kind: lang.label(&m.data.kind),
        approach: approach_label(lang, m.data.kind),
        developmental: m.data.kind.is_developmental(),
        content: m.data.content.clone(),
        responsible: m.data.responsible.clone(),
        due: show_date(lang, m.data.due_on),
        amount: m.data.amount.map(|a| a.display_yuan()).unwrap_or_default(),
        status: if overdue { lang.t("work.overdue") } else { lang.label(&m.status) },
        colour: if overdue { "red" } else { m.status.colour() },
        overdue,
        open: m.status.is_open(),
        note: match (m.status, &m.drop_reason) {
            (MeasureStatus::Dropped, Some(r)) => format!("{}：{r}", lang.t("work.drop_reason")),
            (MeasureStatus::Done, _) => format!("{} {}", show_date(lang, m.status_on), lang.t("work.done_on")),
            _ => String::new(),
        },
        evidence: m
            .evidence
            .iter()
            .map(|e| EvidenceView {
                id: e.id.0,
                note: e.note.clone().unwrap_or_default(),
                file_name: e.file_name.clone().unwrap_or_default(),
                is_image: e.content_type.as_deref().is_some_and(|t| t.starts_with("image/")),
                added: format!("{} {}", show_date(lang, e.added_on), e.added_by),
            })
            .collect(),
    }
}

pub fn plan_view(lang: Lang, p: &Plan, today: NaiveDate) -> PlanView {
    PlanView {
        id: p.id.0,
        year: p.data.year,
        title: lang.f("work.plan_of_year", &[("year", &p.data.year)]),
        written: lang
            .f("work.written", &[("date", &show_date(lang, p.data.written_on)), ("with", &p.data.written_with)]),
        goal: p.data.goal.clone().unwrap_or_default(),
        measures: p.measures.iter().map(|m| measure_view(lang, m, today)).collect(),
    }
}

pub fn proposal_label(lang: Lang, p: Proposal) -> String {
    if lang == Lang::En { p.label_en() } else { p.label_zh() }
}

pub fn visit_view(lang: Lang, v: &Visit, today: NaiveDate) -> VisitView {
    VisitView {
        id: v.id.0,
        on: show_date(lang, v.data.visited_on),
        visitors: v.data.visitors.clone(),
        found: match v.data.findings.as_deref() {
            None => v.data.found.clone(),
            Some(list) => {
                let labels: Vec<&str> =
                    list.iter().map(|r| if lang == Lang::En { r.label_en() } else { r.label_zh() }).collect();
                let what = if labels.is_empty() { lang.t("work.findings_none").to_owned() } else { labels.join("、") };
                format!("{}（{}：{what}）", v.data.found, lang.t("field.findings"))
            }
        },
        follow_up: v.data.follow_up.clone().unwrap_or_default(),
        follow_up_due: v.data.follow_up_due.map(|d| show_date(lang, d)).unwrap_or_default(),
        follow_up_done: v.follow_up_done_on.map(|d| show_date(lang, d)).unwrap_or_default(),
        follow_up_overdue: v.follow_up_is_due(today),
        proposal: v.data.proposal.map(|p| proposal_label(lang, p)).unwrap_or_default(),
        proposal_reason: v.data.proposal_reason.clone().unwrap_or_default(),
        proposal_state: match v.proposal_state {
            Some(ProposalState::Pending) => lang.t("work.pending"),
            Some(ProposalState::Accepted) => lang.t("work.accepted"),
            Some(ProposalState::Rejected) => lang.t("work.rejected"),
            None => "",
        },
        pending: v.proposal_state == Some(ProposalState::Pending),
        review_note: v.review_note.clone().unwrap_or_default(),
    }
}

/// The plans and visits shown on a household's page.
pub async fn household_work(
    state: &AppState,
    me: &CurrentUser,
    h: &bangfu_core::household::Household,
) -> Result<HouseholdWork, PageError> {
    let id = h.id;
    let today = me.today;
    let plans = state.db.plans(&me.scope, id).await?;
    let visits = state.db.visits(&me.scope, id).await?;
    let village = &h.data.village_code;
    let team = bangfu_core::store::TeamStore::team(&state.db, &me.scope, village).await?;
    let team = match team.members.first() {
        Some(lead) => me.lang.f(
            "work.team_summary",
            &[("name", &lead.data.name), ("role", &me.lang.label(&lead.data.role)), ("n", &team.members.len())],
        ),
        None => String::new(),
    };
    Ok(HouseholdWork {
        team,
        village_code: village.to_string(),
        this_year: today.year(),
        new_plan: me.lang.f("work.new_plan", &[("year", &today.year())]),
        has_plan_this_year: plans.iter().any(|p| p.data.year == today.year()),
        plans: plans.iter().map(|p| plan_view(me.lang, p, today)).collect(),
        visits: visits.iter().map(|v| visit_view(me.lang, v, today)).collect(),
        can_review: can_review(me),
    })
}

// ---------------------------------------------------------------- forms

pub(crate) fn hint(mut f: FormField, hint: impl Into<String>) -> FormField {
    f.hint = hint.into();
    f
}

/// The measure kinds, each marked 开发式 or 保障性, in the monitoring form's order.
pub(crate) fn measure_kinds(me: &CurrentUser, mut f: FormField) -> FormField {
    f.options = MeasureKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().to_owned(),
            label: format!("{}（{}）", me.lang.label(k), approach_label(me.lang, *k)),
            selected: k.code() == f.value,
        })
        .collect();
    f.hint = me.lang.t("work.kind_hint").to_owned();
    f
}

pub(crate) async fn title_of(
    state: &AppState,
    me: &CurrentUser,
    hid: HouseholdId,
    key: &str,
) -> Result<String, PageError> {
    let h = state.db.household(&me.scope, hid).await?;
    Ok(format!("{}户 · {}", h.head_name.unwrap_or_default(), me.lang.t(key)))
}

pub(crate) fn back_to(hid: HouseholdId) -> Response {
    Redirect::to(&format!("/households/{}", hid.0)).into_response()
}
