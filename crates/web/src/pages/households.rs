//! 户: the household list (filters, search, pages) and the household page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use bangfu_core::household::*;
use bangfu_core::store::{AreaStore, HouseholdFilter, HouseholdStore, HouseholdSummary, Page};

use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/households", get(list)).route("/households/{id}", get(show))
}

const PAGE_SIZE: u32 = 20;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    household_type: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    attribute: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    monitoring: String,
    #[serde(default)]
    area: String,
    /// What was typed into the area box (without a script, or without picking).
    #[serde(default)]
    area_q: String,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

/// One option of a filter's drop-down.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<Choice> {
    all.iter().map(|&v| Choice { code: code(v), label: label(v), selected: code(v) == current }).collect()
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    q: &'a str,
    /// Why an ID-number search was not run (the hourly limit), if it was not.
    refused: Option<String>,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    household_types: Vec<Choice>,
    statuses: Vec<Choice>,
    attributes: Vec<Choice>,
    causes: Vec<Choice>,
    monitorings: Vec<Choice>,
    /// 区划: a search box over the areas below the user's own (a drop-down where there are few).
    area: super::areas::Picker,
    query_without_page: String,
}

pub struct Row {
    pub id: i64,
    pub household_no: String,
    pub head: String,
    pub village: String,
    pub size: i64,
    pub household_type: &'static str,
    /// 脱贫状态 for a 脱贫户, empty for the others.
    pub status: &'static str,
    pub colour: &'static str,
    pub attribute: &'static str,
    pub cause: &'static str,
    pub monitoring: &'static str,
}

/// The label function of a code list in the user's language.
fn label_fn<T: CodeList>(lang: crate::i18n::Lang) -> fn(T) -> &'static str {
    match lang {
        crate::i18n::Lang::ZhCn => T::label_zh,
        crate::i18n::Lang::En => T::label_en,
    }
}

/// List rows for households, labelled in the user's language.
pub async fn rows(state: &AppState, me: &CurrentUser, found: &[HouseholdSummary]) -> Result<Vec<Row>, PageError> {
    let names = village_names(state, me, found).await?;
    Ok(found
        .iter()
        .map(|h| Row {
            id: h.id.0,
            household_no: h.household_no.clone(),
            head: h.head_name.clone().unwrap_or_else(|| "（无户主）".into()),
            village: names.get(h.village_code.as_str()).cloned().unwrap_or_default(),
            size: h.size,
            household_type: me.lang.label(&h.household_type),
            status: h.status.map(|s| me.lang.label(&s)).unwrap_or(""),
            colour: h.status.map(PovertyStatus::colour).unwrap_or(""),
            attribute: h.attribute.map(|a| me.lang.label(&a)).unwrap_or(""),
            cause: h.main_cause.map(|c| me.lang.label(&c)).unwrap_or(""),
            monitoring: h.monitoring_type.map(|m| me.lang.label(&m)).unwrap_or(""),
        })
        .collect())
}

/// The villages' names, in one query for the whole page.
async fn village_names(
    state: &AppState,
    me: &CurrentUser,
    rows: &[HouseholdSummary],
) -> Result<std::collections::HashMap<String, String>, PageError> {
    let codes: Vec<_> = rows.iter().map(|r| r.village_code.clone()).collect();
    let found = state.db.labelled_areas(&me.scope, &codes).await?;
    Ok(found.into_iter().map(|m| (m.area.code.to_string(), m.area.name)).collect())
}

async fn list(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(mut q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    if q.area.trim().is_empty()
        && let Some(code) = super::areas::resolve_typed(&state, &me, super::areas::Field::FILTER, &q.area_q).await?
    {
        q.area = code.to_string();
    }
    let filter = HouseholdFilter {
        area: bangfu_core::area::AreaCode::parse(&q.area).ok(),
        household_type: HouseholdType::parse(&q.household_type),
        status: PovertyStatus::parse(&q.status),
        attribute: PovertyAttribute::parse(&q.attribute),
        main_cause: PovertyCause::parse(&q.cause),
        monitoring_type: MonitoringType::parse(&q.monitoring),
        query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
    };
    let page = q.page.0;
    let (found, total, refused) =
        match crate::id_search::gate(&state, &me.user, &me.actor(), filter.query.as_deref()).await? {
            crate::id_search::Gate::Refused(message) => (Vec::new(), 0, Some(message)),
            gate => {
                let page = Page { number: page, size: PAGE_SIZE };
                let (found, total) = state.db.list_households(&me.scope, &filter, page).await?;
                if let crate::id_search::Gate::Allowed { id, misses } = gate {
                    crate::id_search::record(&state, &me.user, &me.actor(), (&id, misses), total).await?;
                }
                (found, total, None)
            }
        };
    let rows = rows(&state, &me, &found).await?;
    let pages = ((total as u32).div_ceil(PAGE_SIZE)).max(1);
    let query_without_page = [
        ("q", &q.q),
        ("area", &q.area),
        ("household_type", &q.household_type),
        ("status", &q.status),
        ("attribute", &q.attribute),
        ("cause", &q.cause),
        ("monitoring", &q.monitoring),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", crate::error::encode(v)))
    .collect::<Vec<_>>()
    .join("&");
    let page_html = ListPage {
        me: &me,
        q: &q.q,
        rows,
        total,
        page,
        pages,
        household_types: choices(HouseholdType::ALL, HouseholdType::code, label_fn(me.lang), &q.household_type),
        statuses: choices(PovertyStatus::ALL, PovertyStatus::code, label_fn(me.lang), &q.status),
        attributes: choices(PovertyAttribute::ALL, PovertyAttribute::code, label_fn(me.lang), &q.attribute),
        causes: choices(PovertyCause::ALL, PovertyCause::code, label_fn(me.lang), &q.cause),
        monitorings: choices(MonitoringType::ALL, MonitoringType::code, label_fn(me.lang), &q.monitoring),
        area: super::areas::picker(&state, &me, super::areas::Field::FILTER, (&q.area, &q.area_q)).await?,
        query_without_page,
        refused,
    };
    Ok(Html(page_html.render()?))
}

/// A 光伏收益分配 line on the household page.
struct PvLineRow {
    plan_id: i64,
    station: String,
    year: i32,
    how: &'static str,
    person: String,
    amount: String,
    /// The day paid, or the plan's stage.
    paid: String,
    /// The income period it became ("2026年收入").
    period: String,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage<'a> {
    me: &'a CurrentUser,
    h: Household,
    village: String,
    household_type: &'static str,
    attribute: &'static str,
    standard: &'static str,
    main_cause: &'static str,
    status: &'static str,
    colour: &'static str,
    monitoring: &'static str,
    other_causes: String,
    /// 生产生活条件 yes/no answers, 未填 where unanswered.
    living: Vec<(&'static str, &'static str)>,
    episodes: Vec<EpisodeRow>,
    /// 区级管理员: may open and clear monitoring episodes and correct the status.
    is_district: bool,
    has_open_episode: bool,
    /// What a monitored household still lacks: a plan 15 days after identification, a 开发式
    /// measure for a household that can work.
    findings: Vec<String>,
    /// 程序 of this household, newest first: (id, kind, state, step or end, started, colour).
    procedures: Vec<(i64, &'static str, &'static str, String, String, &'static str)>,
    /// 脱贫户分类 by year: (class, decided on, procedure id).
    classes: Vec<(String, String, i64)>,
    /// 帮扶项目 that reached the household: (project id, name, year, how, amount).
    benefits: Vec<(i64, String, i32, &'static str, String)>,
    /// 光伏收益分配 lines of the household: (plan id, station, year, use, person, amount, paid on
    /// or the plan's stage, the income period it became).
    pv_lines: Vec<PvLineRow>,
    /// 培训和雨露计划: the courses its members attended, with totals, and 雨露计划 applications.
    training: super::training::HouseholdTraining,
    /// Village, township and district staff may start a procedure here.
    can_start: bool,
    is_tuopin: bool,
    members: Vec<MemberRow>,
    left: Vec<MemberRow>,
    incomes: Vec<super::incomes::IncomeRow>,
    history: Vec<HistoryRow>,
    can_edit: bool,
    /// "该户已于…注销（…）" for a household no longer on the register; empty otherwise.
    deregistered: String,
    helper: String,
    work: super::work::HouseholdWork,
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub sex: &'static str,
    pub id_masked: String,
    pub age: String,
    pub relation: &'static str,
    pub health: String,
    pub labour: &'static str,
    pub work: String,
    /// 证件类型, 政治面貌, insurance, allowances, 公益性岗位 …: "基本医疗保险：居民医保 · 享受低保：未填 · …".
    pub more: String,
    pub left: String,
}

/// The member's other answers in one line, each named; an unanswered one shows 未填.
fn member_more(lang: crate::i18n::Lang, m: &MemberData) -> String {
    let unanswered = lang.t("member.unanswered");
    let label = |v: Option<&'static str>| v.unwrap_or(unanswered).to_owned();
    let flag = |b: Option<bool>| label(b.map(|b| lang.t(if b { "member.yes" } else { "member.no" })));
    let mut parts: Vec<(&str, String)> = Vec::new();
    if m.id_kind == IdKind::DisabilityCert {
        parts.push(("id_kind", lang.label(&m.id_kind).to_owned()));
    }
    if let Some(p) = &m.person_no {
        parts.push(("person_no", p.clone()));
    }
    parts.push(("political_status", label(m.political_status.map(|v| lang.label(&v)))));
    if let Some(r) = m.dropout_reason {
        parts.push(("dropout_reason", lang.label(&r).to_owned()));
    }
    parts.push(("medical_insurance", label(m.medical_insurance.map(|v| lang.label(&v)))));
    parts.push(("serious_illness", flag(m.serious_illness)));
    parts.push(("commercial_insurance", flag(m.commercial_insurance)));
    parts.push(("medical_aid", flag(m.medical_aid)));
    parts.push(("pension_insurance", label(m.pension_insurance.map(|v| lang.label(&v)))));
    parts.push(("dibao", flag(m.dibao)));
    parts.push(("tekun", flag(m.tekun)));
    parts.push(("soldier", flag(m.soldier)));
    let job = match (m.public_job, m.public_job_months) {
        (Some(true), Some(n)) => format!("{} {n}{}", lang.t("member.yes"), lang.t("member.months")),
        (b, _) => flag(b),
    };
    parts.push(("public_job", job));
    parts
        .into_iter()
        .map(|(field, value)| format!("{}：{value}", super::field_label(lang, field)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One monitoring episode as the household page shows it.
pub struct EpisodeRow {
    pub open: bool,
    pub kind: &'static str,
    pub identified_on: String,
    pub found_by: String,
    pub risks: String,
    pub problems: String,
    pub reason: String,
    pub ended: String,
}

fn episode_row(lang: crate::i18n::Lang, e: &bangfu_core::monitoring::Episode) -> EpisodeRow {
    use bangfu_core::monitoring::risks_label;
    let f = &e.opened.flags;
    let problems = [
        (f.house_unsafe, "monitoring.house_unsafe"),
        (f.out_of_school, "monitoring.out_of_school"),
        (f.no_medical_insurance, "monitoring.no_medical_insurance"),
        (f.water_unsafe, "monitoring.water_unsafe"),
        (f.no_labour, "monitoring.no_labour"),
    ]
    .iter()
    .filter(|(v, _)| *v == Some(true))
    .map(|(_, k)| lang.t(k))
    .collect::<Vec<_>>()
    .join("、");
    let date = |d: chrono::NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    EpisodeRow {
        open: e.is_open(),
        kind: lang.label(&e.opened.monitoring_type),
        identified_on: date(e.opened.identified_on),
        found_by: e.opened.found_by.map(|x| lang.label(&x)).unwrap_or("").to_owned(),
        risks: risks_label(&e.opened.risks),
        problems,
        reason: e.opened.reason.clone(),
        ended: match &e.closed {
            None => lang.t("monitoring.still_open").to_owned(),
            Some(c) => format!(
                "{} {}：{}",
                date(c.cleared_on),
                c.method.map_or(lang.t("monitoring.method_unknown"), |m| lang.label(&m)),
                c.reason
            ),
        },
    }
}

pub struct HistoryRow {
    pub on: String,
    pub what: String,
    pub reason: String,
}

/// One line of the household's history as people read it.
fn history_what(e: &HistoryEntry) -> String {
    let (from, to) = (e.from_value.as_deref().unwrap_or(""), e.to_value.as_deref().unwrap_or(""));
    match e.kind.as_str() {
        "head" => format!("户主变更：{from} → {to}"),
        "split" => format!("分户：分出新户 {to}"),
        "split_from" => format!("分户：自 {from} 分出，新立户"),
        "merge" => format!("合户：{from} 并入本户"),
        "merged_into" => format!("合户：并入 {to}，本户注销"),
        "deregister" => format!("整户注销：{}", DeregisterReason::parse(to).map(|r| r.label_zh()).unwrap_or(to)),
        kind => format!(
            "{}：{} → {}",
            if kind == "status" { "脱贫状态" } else { "监测类型" },
            status_label(kind, e.from_value.as_deref()),
            status_label(kind, e.to_value.as_deref())
        ),
    }
}

fn status_label(kind: &str, code: Option<&str>) -> String {
    let label = match (kind, code) {
        (_, None) => None,
        ("status", Some(c)) => PovertyStatus::parse(c).map(|s| s.label_zh()),
        (_, Some(c)) => MonitoringType::parse(c).map(|m| m.label_zh()),
    };
    label.unwrap_or(if kind == "status" { "—" } else { "不监测" }).to_owned()
}

/// 是 / 否 / 未填 in the reader's language.
fn flag_text(lang: crate::i18n::Lang, v: Option<bool>) -> &'static str {
    match v {
        Some(true) => lang.t("flag.yes"),
        Some(false) => lang.t("flag.no"),
        None => lang.t("flag.unfilled"),
    }
}

async fn show(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Html<String>, PageError> {
    let id = HouseholdId(id);
    let h = state.db.household(&me.scope, id).await?;
    let members = state.db.members(&me.scope, id).await?;
    let incomes = super::incomes::household_income_rows(&state, &me, me.lang, &h).await?;
    let history = state.db.history(&me.scope, id).await?;
    let episodes = bangfu_core::store::MonitoringStore::episodes(&state.db, &me.scope, id).await?;
    let helper = bangfu_core::store::AssistanceStore::helper_history(&state.db, &me.scope, id)
        .await?
        .into_iter()
        .find(|a| a.end_on.is_none())
        .map(|a| format!("{} {}", a.helper.data.name, a.helper.data.phone.unwrap_or_default()).trim().to_owned())
        .unwrap_or_default();
    let today = me.today;
    let village = state.db.area(&h.data.village_code).await?.map(|a| a.name).unwrap_or_default();
    let row = |m: &Member| MemberRow {
        id: m.id.0,
        name: m.data.name.clone(),
        sex: me.lang.label(&m.data.sex),
        id_masked: m.data.id_number.masked(),
        // An age beside a masked number narrows it to a few dozen candidates: only a role that
        // may reveal the number (audited) sees the age.
        age: if me.may(bangfu_core::auth::Permission::RevealId) {
            m.data.id_number.age_on(today).to_string()
        } else {
            "—".to_owned()
        },
        relation: match me.lang {
            crate::i18n::Lang::ZhCn => m.data.relation.wording(m.data.sex),
            crate::i18n::Lang::En => m.data.relation.label_en(),
        },
        health: match (m.data.health, m.data.disability_category, m.data.disability_grade) {
            (Some(h), c, g) if c.is_some() || g.is_some() => {
                let detail: Vec<&str> =
                    [c.map(|c| c.label_zh()), g.map(|g| g.label_zh())].into_iter().flatten().collect();
                format!("{}（{}）", h.label_zh(), detail.join("，"))
            }
            (Some(h), _, _) => h.label_zh(),
            _ => String::new(),
        },
        labour: m.data.labour.map(|l| l.label_zh()).unwrap_or(""),
        work: match (m.data.migrant_work, m.data.migrant_months) {
            (Some(w), Some(n)) => format!("{} {n}个月", w.label_zh()),
            (Some(w), None) => w.label_zh().to_owned(),
            _ => String::new(),
        } + &m.data.migrant_place.as_ref().map(|p| format!("（{p}）")).unwrap_or_default(),
        more: member_more(me.lang, &m.data),
        left: match (&m.left_on, &m.left_reason) {
            (Some(d), r) => format!("{} {}", d.format("%Y年%-m月%-d日"), r.clone().unwrap_or_default()),
            _ => String::new(),
        },
    };
    let (current, gone): (Vec<&Member>, Vec<&Member>) = members.iter().partition(|m| m.left_on.is_none());
    let work = super::work::household_work(&state, &me, &h).await?;
    let findings = monitoring_findings(&episodes, &work, me.today);
    let lv = &h.data.living;
    let living = [
        ("household_power", lv.household_power),
        ("production_power", lv.production_power),
        ("water_difficult", lv.water_difficult),
        ("water_safe", lv.water_safe),
        ("sanitary_toilet", lv.sanitary_toilet),
        ("in_cooperative", lv.in_cooperative),
        ("relocated", lv.relocated),
    ]
    .into_iter()
    .map(|(f, v)| (super::field_label(me.lang, f), flag_text(me.lang, v)))
    .collect();
    let on_register = h.is_current();
    let page = HouseholdPage {
        me: &me,
        household_type: me.lang.label(&h.data.household_type),
        attribute: h.data.attribute.map(|x| me.lang.label(&x)).unwrap_or(""),
        standard: h.data.standard.map(|x| me.lang.label(&x)).unwrap_or(""),
        main_cause: h.data.main_cause.map(|x| me.lang.label(&x)).unwrap_or(""),
        status: h.data.status.map(|s| me.lang.label(&s)).unwrap_or(""),
        monitoring: h.monitoring_type.map(|m| me.lang.label(&m)).unwrap_or(""),
        colour: h.data.status.map(PovertyStatus::colour).unwrap_or(""),
        living,
        has_open_episode: episodes.iter().any(|e| e.is_open()),
        findings,
        procedures: state
            .db
            .household_procedures(&me.scope, h.id)
            .await?
            .into_iter()
            .map(|p| {
                let colour = p.colour();
                let at = match (p.step, p.ended_on) {
                    (Some(s), _) => s.name_zh.to_owned(),
                    (None, Some(on)) => on.to_string(),
                    _ => String::new(),
                };
                (p.id, p.def.name_zh, p.state_zh(), at, p.started_on.to_string(), colour)
            })
            .collect(),
        benefits: state
            .db
            .household_benefits(&me.scope, h.id.0)
            .await?
            .into_iter()
            .map(|b| {
                let amount = b.amount.map(|a| a.display_yuan()).unwrap_or_default();
                (b.project_id, b.project_name, b.year, b.kind.label_zh(), amount)
            })
            .collect(),
        pv_lines: state
            .db
            .household_pv_lines(&me.scope, h.id.0)
            .await?
            .into_iter()
            .map(|l| {
                let paid = l.paid_on.map_or_else(
                    || bangfu_core::project::pv::plan_stage_zh(&l.stage).to_owned(),
                    |d| format!("{d} 已发放"),
                );
                PvLineRow {
                    plan_id: l.plan_id,
                    station: l.station_name,
                    year: l.year,
                    how: l.use_.label_zh(),
                    person: l.person.unwrap_or_default(),
                    amount: l.amount.display_yuan(),
                    paid,
                    period: l.income_period.map(|p| format!("{p}年收入")).unwrap_or_default(),
                }
            })
            .collect(),
        training: super::training::household_training(&state, &me.scope, h.id.0).await?,
        classes: state
            .db
            .household_classes(&me.scope, h.id)
            .await?
            .into_iter()
            .map(|(c, on, pid)| (c.label_zh(), on.to_string(), pid))
            .collect(),
        can_start: super::monitoring::may_start(&me) && h.is_current(),
        is_tuopin: h.data.household_type == bangfu_core::household::HouseholdType::Tuopin,
        episodes: episodes.iter().map(|e| episode_row(me.lang, e)).collect(),
        is_district: me.may(bangfu_core::auth::Permission::DecideMonitoring),
        other_causes: h.data.other_causes.iter().map(|c| c.label_zh()).collect::<Vec<_>>().join("、"),
        members: current.into_iter().map(row).collect(),
        left: gone.into_iter().map(row).collect(),
        incomes,
        history: history
            .iter()
            .map(|e| HistoryRow {
                on: e.effective_on.format("%Y年%-m月%-d日").to_string(),
                what: history_what(e),
                reason: e.reason.clone(),
            })
            .collect(),
        deregistered: h
            .deregistered
            .map(|(on, why)| {
                me.lang
                    .f("events.deregistered", &[("on", &on.format("%Y年%-m月%-d日")), ("reason", &me.lang.label(&why))])
            })
            .unwrap_or_default(),
        village,
        h,
        can_edit: me.may(bangfu_core::auth::Permission::EditRegister) && on_register,
        helper,
        work,
    };
    Ok(Html(page.render()?))
}

/// A monitored household's findings (DOMAIN §4): a 一户一策 plan within 15 days of
/// identification, and at least one 开发式 measure unless the whole household cannot work.
pub fn monitoring_findings(
    episodes: &[bangfu_core::monitoring::Episode],
    work: &super::work::HouseholdWork,
    today: chrono::NaiveDate,
) -> Vec<String> {
    let Some(open) = episodes.iter().find(|e| e.is_open()) else { return Vec::new() };
    let mut out = Vec::new();
    let since = open.opened.identified_on;
    let due = since + chrono::Duration::days(15);
    if !work.has_plan_this_year && today > due {
        out.push(format!("纳入监测（{since}）已超过15天，尚无本年度帮扶计划（应于{due}前制定）"));
    }
    let developmental = work.plans.iter().flat_map(|p| &p.measures).any(|m| m.developmental);
    if open.opened.flags.no_labour != Some(true) && !developmental && work.has_plan_this_year {
        out.push("该户不是整户无劳动能力，帮扶计划中还没有开发式措施（产业、就业、金融或公益岗位）".to_owned());
    }
    out
}
