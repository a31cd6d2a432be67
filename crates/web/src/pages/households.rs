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
    status: String,
    #[serde(default)]
    attribute: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    monitoring: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    page: Option<u32>,
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
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    statuses: Vec<Choice>,
    attributes: Vec<Choice>,
    causes: Vec<Choice>,
    monitorings: Vec<Choice>,
    areas: Vec<AreaChoice>,
    query_without_page: String,
}

/// An area of the filter: the townships under the user's area, then each village.
pub struct AreaChoice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

async fn area_choices(state: &AppState, me: &CurrentUser, current: &str) -> Result<Vec<AreaChoice>, PageError> {
    let mut out = Vec::new();
    let townships: Vec<_> = state
        .db
        .children(me.scope.root())
        .await?
        .into_iter()
        .filter(|a| a.level == bangfu_core::area::AreaLevel::Township)
        .collect();
    for t in &townships {
        out.push(AreaChoice {
            code: t.code.to_string(),
            label: format!("{}（全部）", t.name),
            selected: t.code.as_str() == current,
        });
    }
    for v in state.db.villages(&me.scope).await? {
        let town = townships
            .iter()
            .find(|t| v.parent.as_ref() == Some(&t.code))
            .map(|t| format!("{} · ", t.name))
            .unwrap_or_default();
        out.push(AreaChoice {
            code: v.code.to_string(),
            label: format!("{town}{}", v.name),
            selected: v.code.as_str() == current,
        });
    }
    Ok(out)
}

pub struct Row {
    pub id: i64,
    pub household_no: String,
    pub head: String,
    pub village: String,
    pub size: i64,
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
    let names = village_names(state, found).await?;
    Ok(found
        .iter()
        .map(|h| Row {
            id: h.id.0,
            household_no: h.household_no.clone(),
            head: h.head_name.clone().unwrap_or_else(|| "（无户主）".into()),
            village: names.get(h.village_code.as_str()).cloned().unwrap_or_default(),
            size: h.size,
            status: me.lang.label(&h.status),
            colour: h.status.colour(),
            attribute: me.lang.label(&h.attribute),
            cause: me.lang.label(&h.main_cause),
            monitoring: h.monitoring_type.map(|m| me.lang.label(&m)).unwrap_or(""),
        })
        .collect())
}

async fn village_names(
    state: &AppState,
    rows: &[HouseholdSummary],
) -> Result<std::collections::HashMap<String, String>, PageError> {
    let mut names = std::collections::HashMap::new();
    for r in rows {
        let code = r.village_code.as_str().to_owned();
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(code) {
            let name = state.db.area(&r.village_code).await?.map(|a| a.name).unwrap_or_default();
            e.insert(name);
        }
    }
    Ok(names)
}

async fn list(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let filter = HouseholdFilter {
        area: bangfu_core::area::AreaCode::parse(&q.area).ok(),
        status: PovertyStatus::parse(&q.status),
        attribute: PovertyAttribute::parse(&q.attribute),
        main_cause: PovertyCause::parse(&q.cause),
        monitoring_type: MonitoringType::parse(&q.monitoring),
        query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
    };
    let page = q.page.unwrap_or(1).max(1);
    let (found, total) = state.db.list_households(&me.scope, &filter, Page { number: page, size: PAGE_SIZE }).await?;
    let rows = rows(&state, &me, &found).await?;
    let pages = ((total as u32).div_ceil(PAGE_SIZE)).max(1);
    let query_without_page = [
        ("q", &q.q),
        ("area", &q.area),
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
        statuses: choices(PovertyStatus::ALL, PovertyStatus::code, label_fn(me.lang), &q.status),
        attributes: choices(PovertyAttribute::ALL, PovertyAttribute::code, label_fn(me.lang), &q.attribute),
        causes: choices(PovertyCause::ALL, PovertyCause::code, label_fn(me.lang), &q.cause),
        monitorings: choices(MonitoringType::ALL, MonitoringType::code, label_fn(me.lang), &q.monitoring),
        areas: area_choices(&state, &me, &q.area).await?,
        query_without_page,
    };
    Ok(Html(page_html.render()?))
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage<'a> {
    me: &'a CurrentUser,
    h: Household,
    village: String,
    status: &'static str,
    colour: &'static str,
    monitoring: &'static str,
    other_causes: String,
    members: Vec<MemberRow>,
    left: Vec<MemberRow>,
    incomes: Vec<super::incomes::IncomeRow>,
    history: Vec<HistoryRow>,
    can_edit: bool,
    helper: String,
    work: super::work::HouseholdWork,
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub sex: &'static str,
    pub id_masked: String,
    pub age: u32,
    pub relation: &'static str,
    pub health: String,
    pub labour: &'static str,
    pub work: String,
    pub left: String,
}

pub struct HistoryRow {
    pub on: String,
    pub what: String,
    pub reason: String,
}

fn status_label(kind: &str, code: Option<&str>) -> String {
    let label = match (kind, code) {
        (_, None) => None,
        ("status", Some(c)) => PovertyStatus::parse(c).map(|s| s.label_zh()),
        (_, Some(c)) => MonitoringType::parse(c).map(|m| m.label_zh()),
    };
    label.unwrap_or(if kind == "status" { "—" } else { "不监测" }).to_owned()
}

async fn show(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Html<String>, PageError> {
    let id = HouseholdId(id);
    let h = state.db.household(&me.scope, id).await?;
    let members = state.db.members(&me.scope, id).await?;
    let incomes = super::incomes::household_income_rows(&state, &me, me.lang, &h).await?;
    let history = state.db.history(&me.scope, id).await?;
    let helper = bangfu_core::store::AssistanceStore::helper_history(&state.db, &me.scope, id)
        .await?
        .into_iter()
        .find(|a| a.end_on.is_none())
        .map(|a| format!("{} {}", a.helper.data.name, a.helper.data.phone.unwrap_or_default()).trim().to_owned())
        .unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let village = state.db.area(&h.data.village_code).await?.map(|a| a.name).unwrap_or_default();
    let row = |m: &Member| MemberRow {
        id: m.id.0,
        name: m.data.name.clone(),
        sex: me.lang.label(&m.data.sex),
        id_masked: m.data.id_number.masked(),
        age: m.data.id_number.age_on(today),
        relation: me.lang.label(&m.data.relation),
        health: match (m.data.health, m.data.disability_grade) {
            (Some(h), Some(g)) => format!("{}（{}）", h.label_zh(), g.label_zh()),
            (Some(h), None) => h.label_zh().to_owned(),
            _ => String::new(),
        },
        labour: m.data.labour.map(|l| l.label_zh()).unwrap_or(""),
        work: match (m.data.migrant_work, m.data.migrant_months) {
            (Some(w), Some(n)) => format!("{} {n}个月", w.label_zh()),
            (Some(w), None) => w.label_zh().to_owned(),
            _ => String::new(),
        },
        left: match (&m.left_on, &m.left_reason) {
            (Some(d), r) => format!("{} {}", d.format("%Y年%-m月%-d日"), r.clone().unwrap_or_default()),
            _ => String::new(),
        },
    };
    let (current, gone): (Vec<&Member>, Vec<&Member>) = members.iter().partition(|m| m.left_on.is_none());
    let work = super::work::household_work(&state, &me, &h).await?;
    let page = HouseholdPage {
        me: &me,
        status: me.lang.label(&h.data.status),
        monitoring: h.data.monitoring_type.map(|m| me.lang.label(&m)).unwrap_or(""),
        colour: h.data.status.colour(),
        other_causes: h.data.other_causes.iter().map(|c| c.label_zh()).collect::<Vec<_>>().join("、"),
        members: current.into_iter().map(row).collect(),
        left: gone.into_iter().map(row).collect(),
        incomes,
        history: history
            .iter()
            .map(|e| HistoryRow {
                on: e.effective_on.format("%Y年%-m月%-d日").to_string(),
                what: format!(
                    "{}：{} → {}",
                    if e.kind == "status" { "脱贫状态" } else { "监测类型" },
                    status_label(&e.kind, e.from_value.as_deref()),
                    status_label(&e.kind, e.to_value.as_deref())
                ),
                reason: e.reason.clone(),
            })
            .collect(),
        village,
        h,
        can_edit: me.user.role != bangfu_core::auth::Role::Auditor,
        helper,
        work,
    };
    Ok(Html(page.render()?))
}
