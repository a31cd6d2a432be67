//! 一个都不能少: the worklists (no helper, no plan, overdue measure, not visited, follow-up due,
//! proposal to review) with counts per area, and assigning a helper to a household.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::area::Scope;
use bangfu_core::assistance::WorkReason;
use bangfu_core::assistance::worklist::WorkNote;
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{AreaStore, AssistanceStore, HouseholdStore, Page, UnitStore, WorklistStore};
use bangfu_core::{DomainError, FieldError};

use super::form::{FormField, Opt, parse_then, render_form};
use super::households::Row;
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/worklist", get(worklist))
        .route("/households/{hid}/helper", get(assign_page).post(assign))
        .route("/helpers", get(helpers))
        .route("/helpers/new", get(helper_page).post(helper_save))
        .route("/helpers/{id}/retire", get(retire_page).post(retire_save))
}

#[derive(Template)]
#[template(path = "helpers.html")]
struct HelpersPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<HelperRow>,
    total: i64,
    pager: super::Pager,
    can_add: bool,
}

/// Helpers per page: a province has hundreds of thousands.
const HELPERS_PAGE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

struct HelperRow {
    id: i64,
    name: String,
    post: String,
    unit: String,
    phone: String,
    area: String,
}

/// 帮扶责任人 in the user's area.
async fn helpers(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let units = state.db.units(&me.scope).await?;
    let page = q.page.0;
    let (found, total) = state.db.helper_page(&me.scope, Page { number: page, size: HELPERS_PAGE }).await?;
    let codes: Vec<_> = found.iter().map(|h| h.data.area_code.clone()).collect();
    let names: HashMap<String, String> = state
        .db
        .labelled_areas(&me.scope, &codes)
        .await?
        .into_iter()
        .map(|m| (m.area.code.to_string(), m.label()))
        .collect();
    let mut rows = Vec::new();
    for h in found {
        let code = h.data.area_code.to_string();
        rows.push(HelperRow {
            id: h.id.0,
            name: h.data.name,
            post: h.data.post.unwrap_or_default(),
            unit: h
                .data
                .unit_id
                .and_then(|u| units.iter().find(|x| x.id == u))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            phone: h.data.phone.unwrap_or_default(),
            area: names.get(&code).cloned().unwrap_or_default(),
        });
    }
    let can_add = me.may(bangfu_core::auth::Permission::ArrangeWork);
    let pager = super::Pager::new("/helpers?", page, total, HELPERS_PAGE);
    Ok(Html(HelpersPage { me: &me, rows, total, pager, can_add }.render()?))
}

async fn helper_form(
    state: &AppState,
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let text = |name: &'static str, required: bool| FormField::of(me, v, name, required);
    // Where the helper works: the user's own area, its townships, or their villages.
    let mut area = text("area_code", true);
    area.label = me.lang.t("field.helper_area");
    let picker = super::form::area_code_picker(state, me, v).await?;
    let mut unit = text("unit_id", false);
    unit.options = state
        .db
        .units(&me.scope)
        .await?
        .into_iter()
        .map(|u| Opt { selected: u.id.to_string() == unit.value, value: u.id.to_string(), label: u.name })
        .collect();
    let mut id_number = text("id_number", false);
    id_number.hint = me.lang.t("helper.id_hint").to_owned();
    let fields = vec![text("name", true), text("phone", false), text("post", false), unit, area, id_number];
    let title = me.lang.t("title.new_helper").to_owned();
    super::form::render_form_with_pickers(
        me,
        title,
        "/helpers".into(),
        me.lang.t("form.save"),
        fields,
        errors,
        vec![picker],
    )
}

async fn helper_page(State(state): State<AppState>, me: Require<perm::ArrangeWork>) -> Result<Response, PageError> {
    helper_form(&state, &me, &HashMap::new(), &[]).await
}

async fn helper_save(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Form(mut v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    super::form::fill_area_code(&state, &me, &mut v).await?;
    let result = parse_then(bangfu_core::assistance::HelperData::parse(&v, me.today), async |data| {
        state.db.create_helper(&me.scope, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/helpers").into_response()),
        Err(e) => helper_form(&state, &me, &v, &super::form::field_errors(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage<'a> {
    me: &'a CurrentUser,
    tabs: Vec<Tab>,
    reason: WorkReason,
    reason_label: &'static str,
    action: &'static str,
    anchor: &'static str,
    rows: Vec<Row>,
    /// Why each row is on the list, aligned with `rows` (empty when there is nothing to add).
    notes: Vec<String>,
    total: i64,
    page: u32,
    pages: i64,
    area_query: String,
    /// Per township or village, for district and township staff.
    areas: Vec<AreaRow>,
    area_heads: Vec<&'static str>,
    interval: u32,
    /// 程序 whose current step is this user's role's and past its deadline:
    /// (procedure id, kind, step, due on, working days overdue).
    overdue: Vec<(i64, &'static str, &'static str, String, i64)>,
}

struct Tab {
    code: &'static str,
    label: &'static str,
    count: i64,
}

struct AreaRow {
    code: String,
    name: String,
    counts: Vec<i64>,
}

#[derive(serde::Deserialize, Default)]
pub struct WorklistQuery {
    #[serde(default)]
    page: bangfu_core::store::PageNo,
    reason: Option<String>,
    area: Option<String>,
}

fn reason_label(lang: crate::i18n::Lang, r: WorkReason) -> &'static str {
    if lang == crate::i18n::Lang::En { r.label_en() } else { r.label_zh() }
}

/// A worklist row's reason in words: the last visit, the overdue measure, the follow-up due.
fn note_text(lang: crate::i18n::Lang, n: &WorkNote, today: chrono::NaiveDate) -> String {
    let zh_date = |d: chrono::NaiveDate| super::work::show_date(lang, d);
    match n {
        WorkNote::LastVisit { on: Some(on) } => {
            lang.f("worklist.last_visit", &[("date", &zh_date(*on)), ("days", &(today - *on).num_days())])
        }
        WorkNote::LastVisit { on: None } => lang.t("worklist.never_visited").to_owned(),
        WorkNote::Overdue { content, due_on } => lang.f(
            "worklist.overdue",
            &[("what", content), ("date", &zh_date(*due_on)), ("days", &(today - *due_on).num_days())],
        ),
        WorkNote::FollowUp { text, due_on } => {
            lang.f("worklist.follow_up", &[("what", text), ("date", &zh_date(*due_on))])
        }
        WorkNote::Proposal { proposal } => bangfu_core::assistance::Proposal::parse(proposal)
            .map(|p| super::work::proposal_label(lang, p))
            .unwrap_or_default(),
        WorkNote::Identified { on } => {
            let due = *on + chrono::Duration::days(bangfu_core::assistance::worklist::PLAN_DAYS_AFTER_IDENTIFICATION);
            lang.f(
                "worklist.plan_overdue",
                &[("date", &zh_date(*on)), ("due", &zh_date(due)), ("days", &(today - due).num_days())],
            )
        }
    }
}

/// What to do about a household on each list: a link on the household's page.
fn action_of(r: WorkReason) -> (&'static str, &'static str) {
    match r {
        WorkReason::NoHelper => ("worklist.assign", "/helper"),
        WorkReason::NoPlan | WorkReason::PlanOverdue => ("work.new_plan_short", "/plans/new"),
        WorkReason::OverdueMeasure => ("worklist.see_measures", "#plans"),
        WorkReason::NotVisited => ("work.record_visit", "/visits/new"),
        WorkReason::FollowUpDue | WorkReason::ProposalPending => ("worklist.see_visits", "#visits"),
    }
}

async fn worklist(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<WorklistQuery>,
) -> Result<Html<String>, PageError> {
    let reason = q.reason.as_deref().and_then(WorkReason::parse).unwrap_or(WorkReason::NoHelper);
    // Drill down into a township or village inside the user's own area; anything else is theirs.
    let code = me.scope.sub_area(q.area.as_deref())?.unwrap_or_else(|| me.scope.root().clone());
    let area = state.db.area(&code).await?.ok_or(PageError::NotFound)?;
    let scope = Scope::of(&area);
    let today = me.today;
    let number = q.page.0;
    let (found, total) = state.db.worklist(&scope, reason, today, Page { number, size: 50 }).await?;
    let rows = super::households::rows(&state, &me, &found).await?;
    let ids: Vec<HouseholdId> = found.iter().map(|h| h.id).collect();
    let mut by_id: HashMap<i64, String> = state
        .db
        .worklist_notes(&scope, reason, &ids, today)
        .await?
        .into_iter()
        .map(|(id, n)| (id.0, note_text(me.lang, &n, today)))
        .collect();
    let notes = rows.iter().map(|r| by_id.remove(&r.id).unwrap_or_default()).collect();
    let (totals, per_area) = state.db.worklist_counts(&scope, &area.code, today).await?;
    let tabs = WorkReason::ALL
        .iter()
        .zip(&totals)
        .map(|(r, n)| Tab { code: r.code(), label: reason_label(me.lang, *r), count: *n })
        .collect();
    let areas = per_area
        .into_iter()
        .map(|c| AreaRow { code: c.area.code.to_string(), name: c.area.name, counts: c.counts })
        .collect();
    let (action, anchor) = action_of(reason);
    let page = WorklistPage {
        me: &me,
        tabs,
        reason,
        reason_label: reason_label(me.lang, reason),
        action: me.lang.t(action),
        anchor,
        rows,
        notes,
        total,
        page: number,
        pages: ((total + 49) / 50).max(1),
        area_query: q.area.map(|a| format!("&area={a}")).unwrap_or_default(),
        areas,
        area_heads: WorkReason::ALL.iter().map(|r| reason_label(me.lang, *r)).collect(),
        interval: state.db.visit_interval_days().await?,
        overdue: state
            .db
            .overdue_procedures(&scope, today)
            .await?
            .into_iter()
            .filter_map(|(id, def, step, due, late)| {
                let s = def.steps.iter().find(|s| s.code == step)?;
                s.actors.contains(&me.user.role).then(|| (id, def.name_zh, s.name_zh, due.to_string(), late))
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}

async fn render(
    state: &AppState,
    me: &CurrentUser,
    hid: i64,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let current = v.get("helper_id").cloned().unwrap_or_default();
    // The helpers of the household's own township (or of the user's area, when narrower):
    // a district or province has too many for one drop-down.
    let township = h.data.village_code.township();
    let near = match state.db.area(&township).await? {
        Some(t) if me.scope.level() < bangfu_core::area::AreaLevel::Township && me.scope.contains(&t.code) => {
            Scope::of(&t)
        }
        _ => me.scope.clone(),
    };
    let options = state
        .db
        .helpers(&near)
        .await?
        .into_iter()
        .map(|x| Opt {
            value: x.id.to_string(),
            label: format!("{}{}", x.data.name, x.data.post.map(|p| format!("（{p}）")).unwrap_or_default()),
            selected: x.id.to_string() == current,
        })
        .collect();
    let fields = vec![
        FormField {
            name: "helper_id",
            label: super::field_label(me.lang, "helper_id"),
            value: current,
            options,
            required: true,
            hint: String::new(),
            error: errors.iter().find(|e| e.field == "helper_id").map(|e| e.message.clone()),
        },
        FormField {
            name: "start_on",
            label: super::field_label(me.lang, "start_on"),
            value: v.get("start_on").cloned().unwrap_or_default(),
            options: Vec::new(),
            required: true,
            hint: String::new(),
            error: errors.iter().find(|e| e.field == "start_on").map(|e| e.message.clone()),
        },
    ];
    let title = format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.helper"));
    render_form(me, title, format!("/households/{hid}"), me.lang.t("form.save"), fields, errors)
}

async fn assign_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    let v = HashMap::from([("start_on".to_owned(), me.today.to_string())]);
    render(&state, &me, hid, &v, &[]).await
}

async fn assign(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.household(&me.scope, HouseholdId(hid)).await?;
    let helper = v.get("helper_id").and_then(|s| s.parse::<i64>().ok());
    let on = v.get("start_on").and_then(|s| bangfu_core::household::parse_date(s));
    let result = match (helper, on) {
        (Some(helper), Some(on)) => {
            state
                .db
                .assign_helper(&me.scope, HouseholdId(hid), bangfu_core::ids::HelperId(helper), on, &me.actor())
                .await
        }
        (None, _) => Err(DomainError::invalid("helper_id", "请选择帮扶责任人")),
        (_, None) => Err(DomainError::invalid("start_on", "请填写开始日期")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(DomainError::Invalid(errors)) => render(&state, &me, hid, &v, &errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn retire_form(
    me: &CurrentUser,
    name: &str,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let field = |name: &'static str, label: &'static str, hint: &'static str| FormField {
        label,
        hint: hint.to_owned(),
        ..FormField::of(me, v, name, true)
    };
    let fields = vec![
        field("end_on", me.lang.t("field.retire_on"), ""),
        field("reason", me.lang.t("field.retire_reason"), me.lang.t("helper.retire_hint")),
    ];
    let title = format!("{} · {name}", me.lang.t("title.retire_helper"));
    render_form(me, title, "/helpers".into(), me.lang.t("form.save"), fields, errors)
}

/// The helper, if active and inside the user's area.
async fn helper_in_scope(state: &AppState, me: &CurrentUser, id: i64) -> Result<String, PageError> {
    Ok(state.db.helper(&me.scope, bangfu_core::ids::HelperId(id)).await?.data.name)
}

async fn retire_page(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let name = helper_in_scope(&state, &me, id).await?;
    retire_form(&me, &name, &HashMap::from([("end_on".to_owned(), me.today.to_string())]), &[]).await
}

async fn retire_save(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let name = helper_in_scope(&state, &me, id).await?;
    me.check_form_csrf(&v)?;
    let on = v.get("end_on").and_then(|s| bangfu_core::household::parse_date(s));
    let result = match on {
        Some(on) => {
            state
                .db
                .retire_helper(
                    &me.scope,
                    bangfu_core::ids::HelperId(id),
                    on,
                    v.get("reason").map(String::as_str).unwrap_or(""),
                    &me.actor(),
                )
                .await
        }
        None => Err(DomainError::invalid("end_on", "请填写调离日期")),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/worklist?reason=no_helper").into_response()),
        Err(e) => retire_form(&me, &name, &v, &super::form::field_errors(e)?).await,
    }
}
