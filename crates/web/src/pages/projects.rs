//! 项目库 and 衔接资金 on screen: the projects of the user's area with their money, a project's
//! page (its fields, 绩效目标, 村申报, and the money arranged and paid to it, by allocation),
//! and the district's allocations. A refused act shows the page again with the reason and what
//! was typed; another area's project is not found, as a missing one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::Permission;
use bangfu_core::money::Fen;
use bangfu_core::project::funds::{self, AllocationData, FundSource, Movement, Sums};
use bangfu_core::project::{ConstructionNature, ProjectCategory, ProjectData, Target, TargetLevel};
use bangfu_core::store::AreaStore;
use bangfu_db::projects::{Entry, ProjectRecord, entry_kind_zh};

use super::form::{code_options as options, field_errors, render_form_with_pickers, typed_field as field};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list))
        .route("/projects/new", get(new_page).post(new_save))
        .route("/projects/{id}", get(show))
        .route("/projects/{id}/edit", get(edit_page).post(edit_save))
        .route("/projects/{id}/targets", post(target_add))
        .route("/projects/{id}/targets/{tid}/remove", post(target_remove))
        .route("/projects/{id}/submit", post(submit))
        .route("/projects/{id}/act", post(act))
        .route("/projects/{id}/beneficiaries", post(beneficiary_add))
        .route("/projects/{id}/beneficiaries/{bid}/remove", post(beneficiary_remove))
        .route("/projects/{id}/funds", post(funds_move))
        .route("/projects/{id}/entries/{eid}/reverse", post(reverse))
        .route("/funds", get(funds_page).post(allocation_save))
        .route("/funds/targets", post(targets_save))
}

type Values = HashMap<String, String>;

/// 元 as the office reads it: "1,260,000.00元"; nothing is "—".
fn yuan(f: Option<Fen>) -> String {
    f.map_or_else(|| "—".to_owned(), Fen::display_yuan)
}

/// Per cent of `part` in `whole`, one decimal ("70.0%"), or "—".
fn percent(part: Fen, whole: Fen) -> String {
    funds::permille(part, whole).map_or_else(|| "—".into(), funds::permille_zh)
}

async fn area_label(state: &AppState, code: &str) -> Result<String, PageError> {
    let Ok(code) = bangfu_core::area::AreaCode::parse(code) else { return Ok(code.to_owned()) };
    let found = state.db.labelled_areas(&bangfu_core::area::Scope::everything(), std::slice::from_ref(&code)).await?;
    Ok(found.first().map_or_else(|| code.as_str().to_owned(), |m| m.label()))
}

// The list.

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: Option<String>,
}

struct Row {
    id: i64,
    name: String,
    category: &'static str,
    area: String,
    year: i32,
    stage: &'static str,
    investment: String,
    committed: String,
    paid: String,
    progress: String,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    year: String,
    may_create: bool,
    may_fund: bool,
    totals: (String, String, String),
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let year = q.year.as_deref().and_then(|y| y.trim().trim_end_matches('年').parse::<i32>().ok());
    let found = state.db.projects(&me.scope, year).await?;
    let codes: Vec<bangfu_core::area::AreaCode> =
        found.iter().filter_map(|p| bangfu_core::area::AreaCode::parse(&p.area_code).ok()).collect();
    let labels = state.db.labelled_areas(&bangfu_core::area::Scope::everything(), &codes).await?;
    let label = |c: &str| labels.iter().find(|m| m.area.code.as_str() == c).map_or_else(|| c.to_owned(), |m| m.label());
    let (mut inv, mut com, mut paid) = (Fen(0), Fen(0), Fen(0));
    let rows = found
        .iter()
        .map(|p| {
            inv += p.investment.unwrap_or(Fen(0));
            com += p.sums.committed;
            paid += p.sums.paid;
            Row {
                id: p.id,
                name: p.name.clone(),
                category: p.category.label_zh(),
                area: label(&p.area_code),
                year: p.year,
                stage: bangfu_db::projects::stage_zh(&p.stage, p.step.as_deref()),
                investment: yuan(p.investment),
                committed: p.sums.committed.display_yuan(),
                paid: p.sums.paid.display_yuan(),
                progress: percent(p.sums.paid, p.sums.committed),
            }
        })
        .collect();
    let page = ListPage {
        me: &me,
        rows,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        may_create: me.may(Permission::EditRegister),
        may_fund: me.may(Permission::ManageFunds),
        totals: (inv.display_yuan(), com.display_yuan(), paid.display_yuan()),
    };
    Ok(Html(page.render()?).into_response())
}

// The form (new and edit).

async fn project_form(
    state: &AppState,
    me: &CurrentUser,
    title: String,
    back: String,
    v: &Values,
    errors: &[bangfu_core::FieldError],
) -> Result<Response, PageError> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut category = field("category", "项目类别", v, true, "");
    category.options = options::<ProjectCategory>(get("category"));
    let mut nature = field("nature", "建设性质", v, false, "");
    nature.options = options::<ConstructionNature>(get("nature"));
    let fields = vec![
        field("version", "", v, false, ""),
        field("name", "项目名称", v, true, "如 沙东村香菇种植基地建设项目"),
        category,
        field("area_code", "实施地点", v, true, ""),
        field("year", "项目年度", v, true, "如 2026"),
        nature,
        field("start_on", "计划开工日期", v, false, ""),
        field("end_on", "计划完工日期", v, false, ""),
        field("responsible_unit", "责任单位", v, false, "如 沙河店镇人民政府"),
        field("implementing_unit", "实施单位", v, false, "如 沙东村股份经济合作社"),
        field("tasks", "建设任务", v, false, "建设内容和规模，如 新建香菇大棚20座"),
        field("investment", "资金规模（元）", v, false, "如 1,000,000"),
        field("beneficiary_households", "受益户数", v, false, ""),
        field("beneficiary_exited", "其中脱贫户数", v, false, ""),
        field("beneficiary_monitored", "其中监测户数", v, false, ""),
        field("benefit_mechanism", "联农带农机制", v, false, "农户怎样受益：务工工资、分红、就业岗位、服务、土地租金"),
        field(
            "participation",
            "群众参与情况",
            v,
            false,
            "四议两公开：村党组织提议、两委商议、党员大会审议、村民代表会议决议",
        ),
        field("approval_no", "批复文号", v, false, "县级审定入库后填写"),
    ];
    let picker =
        super::areas::picker(state, me, super::areas::Field::area_code(true), (get("area_code"), get("area_code_q")))
            .await?;
    render_form_with_pickers(me, title, back, me.lang.t("form.save"), fields, errors, vec![picker])
}

fn values_of(p: &ProjectRecord) -> Values {
    let d = &p.data;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let n = |o: Option<u32>| o.map(|x| x.to_string()).unwrap_or_default();
    [
        ("version", p.version.to_string()),
        ("name", d.name.clone()),
        ("category", d.category.label_zh().to_owned()),
        ("area_code", d.area_code.as_str().to_owned()),
        ("year", d.year.to_string()),
        ("nature", d.nature.map(|x| x.label_zh().to_owned()).unwrap_or_default()),
        ("start_on", d.start_on.map(|x| x.to_string()).unwrap_or_default()),
        ("end_on", d.end_on.map(|x| x.to_string()).unwrap_or_default()),
        ("responsible_unit", s(&d.responsible_unit)),
        ("implementing_unit", s(&d.implementing_unit)),
        ("tasks", s(&d.tasks)),
        ("investment", d.investment.map(|x| x.to_yuan_string()).unwrap_or_default()),
        ("beneficiary_households", n(d.beneficiary_households)),
        ("beneficiary_exited", n(d.beneficiary_exited)),
        ("beneficiary_monitored", n(d.beneficiary_monitored)),
        ("benefit_mechanism", s(&d.benefit_mechanism)),
        ("participation", s(&d.participation)),
        ("approval_no", s(&d.approval_no)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn new_page(State(state): State<AppState>, me: Require<perm::EditRegister>) -> Result<Response, PageError> {
    let v: Values = [("year".to_owned(), chrono::Datelike::year(&me.today).to_string())].into_iter().collect();
    project_form(&state, &me, "新建项目（需求摸底）".into(), "/projects".into(), &v, &[]).await
}

async fn new_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let saved = match ProjectData::parse(&v, chrono::Datelike::year(&me.today)) {
        Ok(d) => state.db.create_project(&me.scope, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => {
            project_form(&state, &me, "新建项目（需求摸底）".into(), "/projects".into(), &v, &field_errors(e)?).await
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = state.db.project(&me.scope, id).await?;
    project_form(&state, &me, format!("修改项目：{}", p.data.name), format!("/projects/{id}"), &values_of(&p), &[])
        .await
}

async fn edit_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let p = state.db.project(&me.scope, id).await?;
    let version = v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let saved = match ProjectData::parse(&v, chrono::Datelike::year(&me.today)) {
        Ok(d) => state.db.update_project(&me.scope, id, version, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            let title = format!("修改项目：{}", p.data.name);
            project_form(&state, &me, title, format!("/projects/{id}"), &v, &field_errors(e)?).await
        }
    }
}

// The project's page.

struct LineRow {
    allocation: String,
    committed: String,
    paid: String,
    unpaid: String,
}

struct EntryRow {
    id: i64,
    on: String,
    kind: &'static str,
    amount: String,
    allocation: String,
    payee: String,
    voucher: String,
    note: String,
    by: String,
    reversible: bool,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ShowPage<'a> {
    me: &'a CurrentUser,
    p: &'a ProjectRecord,
    area: String,
    facts: Vec<(&'static str, String)>,
    targets: Vec<(i64, String)>,
    levels: Vec<&'static str>,
    draft: bool,
    may_edit: bool,
    may_fund: bool,
    lines: Vec<LineRow>,
    entries: Vec<EntryRow>,
    /// (allocation id, "中央衔接资金 驻财预〔2026〕12号（尚未安排 …）") for the forms.
    allocations: Vec<(i64, String)>,
    totals: (String, String, String),
    error: String,
    typed: Values,
    /// 受益农户: (benefit id, household id, 户编号, 户主, village, year, how, amount, note).
    beneficiaries: Vec<BenefitRow>,
    benefit_kinds: Vec<&'static str>,
    /// The procedure since 村申报: its steps, the current one, the timeline.
    steps: Vec<(&'static str, String, &'static str)>,
    current: Option<CurrentStep>,
    events: Vec<(String, &'static str, &'static str, String, String)>,
    /// 项目资产 and 项目公示 (their own modules).
    assets: super::assets::AssetSection,
    notices: super::project_notices::NoticeSection,
    changes: super::project_changes::ChangeSection,
    documents: super::project_documents::DocumentSection,
}

struct BenefitRow {
    id: i64,
    household_id: i64,
    household_no: String,
    head: String,
    village: String,
    year: i32,
    kind: &'static str,
    amount: String,
    note: String,
}

struct CurrentStep {
    name: &'static str,
    code: &'static str,
    since: String,
    due: String,
    overdue: i64,
    mine: bool,
    review: bool,
    actors: String,
    back_to: Vec<(&'static str, &'static str)>,
}

impl ShowPage<'_> {
    /// What was typed into the form `form` before it was refused (kept, never lost).
    fn typed(&self, form: &str, key: &str) -> &str {
        if self.typed.get("form").map(String::as_str) == Some(form) {
            self.typed.get(key).map(String::as_str).unwrap_or("")
        } else {
            ""
        }
    }
}

async fn render_show(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    error: String,
    typed: Values,
) -> Result<Response, PageError> {
    let p = state.db.project(&me.scope, id).await?;
    let d = &p.data;
    let text = |o: &Option<String>| o.clone().unwrap_or_else(|| "未填".into());
    let count = |o: Option<u32>| o.map_or_else(|| "未填".into(), |n| format!("{n} 户"));
    let facts = vec![
        ("项目类别", d.category.label_zh().to_owned()),
        ("项目年度", format!("{}年", d.year)),
        ("建设性质", d.nature.map_or_else(|| "未填".into(), |n| n.label_zh().to_owned())),
        (
            "计划工期",
            match (d.start_on, d.end_on) {
                (Some(s), Some(e)) => format!("{s} 至 {e}"),
                _ => "未填".into(),
            },
        ),
        ("责任单位", text(&d.responsible_unit)),
        ("实施单位", text(&d.implementing_unit)),
        ("建设任务", text(&d.tasks)),
        ("资金规模", d.investment.map_or_else(|| "未填".into(), Fen::display_yuan)),
        ("受益户数", count(d.beneficiary_households)),
        ("其中脱贫户", count(d.beneficiary_exited)),
        ("其中监测户", count(d.beneficiary_monitored)),
        ("联农带农机制", text(&d.benefit_mechanism)),
        ("群众参与情况", text(&d.participation)),
        ("批复文号", text(&d.approval_no)),
    ];
    let allocations = state.db.allocations(&me.scope, None).await?;
    let name_of = |aid: i64| {
        allocations
            .iter()
            .find(|a| a.id == aid)
            .map_or_else(|| format!("资金 {aid}"), |a| format!("{} {}", a.data.source.label_zh(), a.data.doc_no))
    };
    let entries = state.db.project_entries(&me.scope, id).await?;
    let lines = bangfu_db::projects::lines_of(&entries);
    let (com, paid): (Fen, Fen) =
        (lines.iter().map(|(_, s)| s.committed).sum(), lines.iter().map(|(_, s)| s.paid).sum());
    let may_fund = me.may(Permission::ManageFunds);
    let calendar = state.db.work_calendar().await?;
    let (steps, current, events) = procedure_view(me, &p, &calendar);
    let found = state.db.project_beneficiaries(&me.scope, id).await?;
    let codes: Vec<bangfu_core::area::AreaCode> =
        found.iter().filter_map(|b| bangfu_core::area::AreaCode::parse(&b.village_code).ok()).collect();
    let labels = state.db.labelled_areas(&bangfu_core::area::Scope::everything(), &codes).await?;
    let beneficiaries = found
        .into_iter()
        .map(|b| BenefitRow {
            id: b.id,
            household_id: b.household_id,
            village: labels
                .iter()
                .find(|m| m.area.code.as_str() == b.village_code)
                .map_or_else(|| b.village_code.clone(), |m| m.label()),
            household_no: b.household_no,
            head: b.head_name.unwrap_or_default(),
            year: b.year,
            kind: b.kind.label_zh(),
            amount: b.amount.map(Fen::display_yuan).unwrap_or_default(),
            note: b.note.unwrap_or_default(),
        })
        .collect();
    let assets = super::assets::section(state, me, &p).await?;
    let notices = super::project_notices::section(state, me, &p).await?;
    let changes = super::project_changes::section(state, me, &p).await?;
    let documents = super::project_documents::section(state, me, &p).await?;
    let page = ShowPage {
        documents,
        changes,
        assets,
        notices,
        beneficiaries,
        benefit_kinds: bangfu_core::project::BenefitKind::ALL.iter().map(|k| k.label_zh()).collect(),
        steps,
        current,
        events,
        me,
        area: area_label(state, d.area_code.as_str()).await?,
        facts,
        targets: p.targets.iter().map(|(tid, t)| (*tid, t.label_zh())).collect(),
        levels: TargetLevel::ALL.iter().map(|l| l.label_zh()).collect(),
        draft: p.stage == "draft",
        may_edit: me.may(Permission::EditRegister),
        may_fund,
        lines: lines
            .iter()
            .map(|(aid, s): &(i64, Sums)| LineRow {
                allocation: name_of(*aid),
                committed: s.committed.display_yuan(),
                paid: s.paid.display_yuan(),
                unpaid: s.unpaid().display_yuan(),
            })
            .collect(),
        entries: entries
            .iter()
            .map(|e: &Entry| EntryRow {
                id: e.id,
                on: e.on.to_string(),
                kind: entry_kind_zh(&e.kind),
                amount: e.amount.display_yuan(),
                allocation: name_of(e.allocation_id),
                payee: e.payee.clone().unwrap_or_default(),
                voucher: e.voucher_no.clone().unwrap_or_default(),
                note: e.note.clone().unwrap_or_default() + if e.reversed { "（已冲销）" } else { "" },
                by: e.created_by.clone(),
                reversible: may_fund && e.kind == "payment" && !e.reversed,
            })
            .collect(),
        allocations: allocations
            .iter()
            .map(|a| {
                (
                    a.id,
                    format!(
                        "{}年 {} {}（尚未安排 {}）",
                        a.data.year,
                        a.data.source.label_zh(),
                        a.data.doc_no,
                        a.sums.unarranged().display_yuan()
                    ),
                )
            })
            .collect(),
        totals: (com.display_yuan(), paid.display_yuan(), (com - paid).display_yuan()),
        p: &p,
        error: error.clone(),
        typed,
    };
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.render()?)).into_response())
}

type StepsView = (
    Vec<(&'static str, String, &'static str)>,
    Option<CurrentStep>,
    Vec<(String, &'static str, &'static str, String, String)>,
);

/// The project's procedure for the page: each step (name, who and deadline, 已办/办理中), the
/// current step, and the timeline (date, step, action, text, by).
fn procedure_view(me: &CurrentUser, p: &ProjectRecord, calendar: &bangfu_core::calendar::WorkCalendar) -> StepsView {
    use bangfu_core::procedure::{Action, State as PState};
    let Some(proc) = &p.procedure else { return (Vec::new(), None, Vec::new()) };
    let def = proc.def;
    let actors = |roles: &[bangfu_core::auth::Role]| roles.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、");
    let st = proc.state();
    let at = match st {
        PState::At { step, .. } => Some(step),
        _ => None,
    };
    let steps = def
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut who = actors(s.actors);
            if let Some(d) = s.deadline_working_days {
                who.push_str(&format!(" · {d}个工作日"));
            }
            if let Some(n) = s.notice_days {
                who.push_str(&format!("（公示不少于{n}个工作日）"));
            }
            let status = match (at, st) {
                (Some(a), _) if i < a => "已办",
                (Some(a), _) if i == a => "办理中",
                (None, PState::Approved { .. }) => "已办",
                _ => "",
            };
            (s.name_zh, who, status)
        })
        .collect();
    let current = match st {
        PState::At { step, since } => {
            let s = def.steps[step];
            Some(CurrentStep {
                name: s.name_zh,
                code: s.code,
                since: since.to_string(),
                due: proc.due_on(calendar).map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                overdue: proc.days_overdue(calendar, me.today),
                mine: s.actors.contains(&me.user.role),
                review: s.review,
                actors: actors(s.actors),
                back_to: def.steps[..step].iter().map(|b| (b.code, b.name_zh)).collect(),
            })
        }
        _ => None,
    };
    let name = |code: &str| def.steps.iter().find(|s| s.code == code).map_or("", |s| s.name_zh);
    let events = proc
        .events
        .iter()
        .map(|e| {
            let (action, text) = match &e.action {
                Action::Complete { note } => ("办结", note.clone()),
                Action::SendBack { to, reason } => {
                    ("退回", format!("退回至“{}”：{reason}", to.map_or("上一环节", name)))
                }
                Action::Refuse { reason } => ("不予批准（出库）", reason.clone()),
                Action::Withdraw { reason } => ("撤回", reason.clone()),
                Action::Object { text, .. } | Action::Answer { answer: text, .. } => ("异议", text.clone()),
            };
            let by = match e.role {
                Some(r) => format!("{}（{}）", e.by, r.label_zh()),
                None => e.by.clone(),
            };
            (e.on.to_string(), name(e.step), action, text, by)
        })
        .collect();
    (steps, current, events)
}

async fn beneficiary_add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.project(&me.scope, id).await?;
    let done = match bangfu_core::project::BenefitData::parse(&v, chrono::Datelike::year(&me.today)) {
        Ok(b) => state.db.add_beneficiary(&me.scope, id, &b, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, id, done, v).await
}

async fn beneficiary_remove(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((id, bid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = state.db.remove_beneficiary(&me.scope, id, bid, &me.actor()).await;
    after(&state, &me, id, done, v).await
}

/// Acts on the project's current step (the same engine as every procedure).
async fn act(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let p = state.db.project(&me.scope, id).await?;
    if !super::procedures::acts_on_any(me.user.role) {
        return Err(PageError::Denied(Permission::EditRegister));
    }
    me.check_form_csrf(&v)?;
    let on = super::procedures::act_date(&v, me.today);
    let action = super::procedures::action_of(&bangfu_core::procedure::kinds::PROJECT, &v);
    let done = match (action, on) {
        (Ok(action), Ok(on)) => {
            let version = v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(p.version);
            let approval = v.get("approval_no").map(String::as_str);
            state
                .db
                .act_on_project(&me.scope, id, version, action, Some(me.user.role), on, approval, &me.actor())
                .await
                .map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(DomainError::invalid("action", e)),
    };
    after(&state, &me, id, done, v).await
}

async fn show(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render_show(&state, &me, id, String::new(), Values::new()).await
}

/// The page again after an act: to the page when it landed, else with its reason.
pub(super) async fn after(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    done: Result<(), DomainError>,
    v: Values,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => render_show(state, me, id, super::form::error_line(e)?, v).await,
    }
}

async fn target_add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.project(&me.scope, id).await?;
    let done = match Target::parse(&v) {
        Ok(t) => state.db.add_target(&me.scope, id, &t, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, id, done, v).await
}

async fn target_remove(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((id, tid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = state.db.remove_target(&me.scope, id, tid, &me.actor()).await;
    after(&state, &me, id, done, v).await
}

async fn submit(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let version = v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let on = super::procedures::act_date(&v, me.today)
        .map_err(|_| DomainError::invalid("on", "申报日期格式应为 2026-03-02"));
    let done = match on {
        Ok(on) => state.db.submit_project(&me.scope, id, version, on, &me.actor()).await,
        Err(e) => Err(e),
    };
    after(&state, &me, id, done, v).await
}

async fn funds_move(
    State(state): State<AppState>,
    me: Require<perm::ManageFunds>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.project(&me.scope, id).await?;
    let kind = v.get("kind").map(String::as_str).unwrap_or("");
    let allocation = v.get("allocation_id").and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let done = match Movement::parse(&v, me.today, kind == "payment") {
        Ok(m) => state.db.move_funds(&me.scope, kind, allocation, id, &m, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, id, done, v).await
}

async fn reverse(
    State(state): State<AppState>,
    me: Require<perm::ManageFunds>,
    Path((id, eid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    let done = state.db.reverse_payment(&me.scope, id, eid, me.today, reason, &me.actor()).await.map(|_| ());
    after(&state, &me, id, done, v).await
}

// The allocations.

struct AllocationRow {
    year: i32,
    source: &'static str,
    doc_no: String,
    issued_on: String,
    amount: String,
    committed: String,
    paid: String,
    unarranged: String,
    progress: String,
    purpose: String,
}

#[derive(Template)]
#[template(path = "funds.html")]
struct FundsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<AllocationRow>,
    /// By source: (source, allocated, committed, paid).
    by_source: Vec<(&'static str, String, String, String)>,
    /// The share arranged to 产业发展 projects: ("62.5%", reaches 60 %).
    industry: Option<(String, bool)>,
    may_fund: bool,
    sources: Vec<&'static str>,
    /// 拨付进度 against the month's target, by project year: (year, sentence, behind).
    progress: Vec<(i32, String, bool)>,
    /// The targets by month, in whole per cents, and whether this user may change them.
    targets: Vec<(u32, i64)>,
    may_set_targets: bool,
    error: String,
    typed: Values,
}

impl FundsPage<'_> {
    /// What was typed into the allocation form before it was refused.
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn render_funds(state: &AppState, me: &CurrentUser, error: String, typed: Values) -> Result<Response, PageError> {
    let list = state.db.allocations(&me.scope, None).await?;
    let rows = list
        .iter()
        .map(|a| AllocationRow {
            year: a.data.year,
            source: a.data.source.label_zh(),
            doc_no: a.data.doc_no.clone(),
            issued_on: a.data.issued_on.to_string(),
            amount: a.data.amount.display_yuan(),
            committed: a.sums.committed.display_yuan(),
            paid: a.sums.paid.display_yuan(),
            unarranged: a.sums.unarranged().display_yuan(),
            progress: percent(a.sums.paid, a.sums.allocated),
            purpose: a.data.purpose.clone().unwrap_or_default(),
        })
        .collect();
    let by_source = FundSource::ALL
        .iter()
        .filter_map(|s| {
            let of: Vec<_> = list.iter().filter(|a| a.data.source == *s).collect();
            (!of.is_empty()).then(|| {
                (
                    s.label_zh(),
                    of.iter().map(|a| a.sums.allocated).sum::<Fen>().display_yuan(),
                    of.iter().map(|a| a.sums.committed).sum::<Fen>().display_yuan(),
                    of.iter().map(|a| a.sums.paid).sum::<Fen>().display_yuan(),
                )
            })
        })
        .collect();
    let projects = state.db.projects(&me.scope, None).await?;
    let all: Fen = projects.iter().map(|p| p.sums.committed).sum();
    let industry: Fen =
        projects.iter().filter(|p| p.category == ProjectCategory::Industry).map(|p| p.sums.committed).sum();
    let targets = state.db.monthly_targets().await?;
    let mut years: Vec<i32> = projects.iter().map(|p| p.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let progress = years
        .into_iter()
        .filter_map(|y| {
            let of = projects.iter().filter(|p| p.year == y);
            let (paid, committed) = of.fold((Fen(0), Fen(0)), |(p, c), x| (p + x.sums.paid, c + x.sums.committed));
            targets.progress(paid, committed, y, me.today).map(|g| (y, g.describe_zh(), g.behind()))
        })
        .collect();
    let page = FundsPage {
        me,
        rows,
        progress,
        targets: (1..=12).zip(targets.0.iter().map(|p| p / 10)).collect(),
        may_set_targets: me.may(Permission::ManageSettings) && me.scope.is_district_wide(),
        by_source,
        industry: funds::industry_share(industry, all).map(|(p, ok)| (funds::permille_zh(p), ok)),
        may_fund: me.may(Permission::ManageFunds),
        sources: FundSource::ALL.iter().map(|s| s.label_zh()).collect(),
        error: error.clone(),
        typed,
    };
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.render()?)).into_response())
}

async fn funds_page(State(state): State<AppState>, me: Require<perm::ViewRegister>) -> Result<Response, PageError> {
    render_funds(&state, &me, String::new(), Values::new()).await
}

async fn allocation_save(
    State(state): State<AppState>,
    me: Require<perm::ManageFunds>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = match AllocationData::parse(&v, me.today) {
        Ok(a) => state.db.create_allocation(&me.scope, &a, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/funds").into_response()),
        Err(e) => render_funds(&state, &me, super::form::error_line(e)?, v).await,
    }
}

/// The district's 支出进度目标 (settings): refused naming the month that is wrong.
async fn targets_save(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(Permission::ManageSettings));
    }
    let done = match funds::MonthlyTargets::parse(&v) {
        Ok(t) => state.db.set_monthly_targets(t, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/funds").into_response()),
        Err(e) => render_funds(&state, &me, super::form::error_line(e)?, v).await,
    }
}
