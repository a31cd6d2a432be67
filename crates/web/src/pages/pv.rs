//! 村级光伏电站 on screen: the stations of the user's area with what they earned, a station's
//! page (its settlements per quarter and its yearly 收益分配方案), and a plan's page — its lines,
//! the check every reviewer sees (可分配收益, 公益岗位占比, 弱劳动力户占比), and the acts of the
//! stage it is at for the user's role. A refused act shows the page again with the reason and
//! what was typed; another area's station or plan is not found, as a missing one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::area::AreaLevel;
use bangfu_core::auth::Permission;
use bangfu_core::money::Fen;
use bangfu_core::project::pv::{self, LineData, PlanData, PlanRules, PvUse, SettlementData, StationData};
use bangfu_db::pv::{PlanAct, act_zh};

use super::form::{field_errors, render_form_with_pickers, typed_field as field};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pv", get(list))
        .route("/pv/new", get(new_page).post(new_save))
        .route("/pv/rules", post(rules_save))
        .route("/pv/{id}", get(station_page))
        .route("/pv/{id}/settlements", post(settlement_save))
        .route("/pv/{id}/plans", post(plan_create))
        .route("/pv/plans/{pid}", get(plan_page))
        .route("/pv/plans/{pid}/decision", post(decision_save))
        .route("/pv/plans/{pid}/lines", post(line_add))
        .route("/pv/plans/{pid}/lines/{lid}/remove", post(line_remove))
        .route("/pv/plans/{pid}/act", post(act))
}

type Values = HashMap<String, String>;

fn status_of(error: &str) -> axum::http::StatusCode {
    if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY }
}

// The list.

struct StationRow {
    id: i64,
    name: String,
    village: String,
    capacity: String,
    grid_on: String,
    owner: String,
    /// (year, earned) for the last two years settled.
    years: Vec<(i32, String)>,
}

#[derive(Template)]
#[template(path = "pv_list.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<StationRow>,
    may_create: bool,
    may_set_rules: bool,
    rules: PlanRules,
    error: String,
}

async fn render_list(state: &AppState, me: &CurrentUser, error: String) -> Result<Response, PageError> {
    let stations = state.db.stations(&me.scope).await?;
    let labels = super::assets::labels(
        state,
        &stations.iter().map(|s| s.data.area_code.as_str().to_owned()).collect::<Vec<_>>(),
    )
    .await?;
    let mut rows = Vec::with_capacity(stations.len());
    for s in stations {
        let settled = state.db.settlements(&me.scope, s.id).await?;
        let mut years: Vec<(i32, String)> = Vec::new();
        let mut seen: Vec<i32> = settled.iter().map(|x| x.data.year).collect();
        seen.dedup();
        for y in seen.into_iter().take(2) {
            let sum: i64 = settled.iter().filter(|x| x.data.year == y).map(|x| x.data.total().0).sum();
            years.push((y, Fen(sum).display_yuan()));
        }
        rows.push(StationRow {
            id: s.id,
            village: labels
                .get(s.data.area_code.as_str())
                .cloned()
                .unwrap_or_else(|| s.data.area_code.as_str().to_owned()),
            name: s.data.name,
            capacity: pv::kw_zh(s.data.capacity_w),
            grid_on: s.data.grid_on.to_string(),
            owner: s.data.owner,
            years,
        });
    }
    let page = ListPage {
        me,
        rows,
        may_create: me.may(Permission::EditRegister),
        may_set_rules: me.may(Permission::ManageSettings) && me.scope.is_district_wide(),
        rules: state.db.pv_rules().await?,
        error: error.clone(),
    };
    Ok((status_of(&error), Html(page.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: Require<perm::ViewRegister>) -> Result<Response, PageError> {
    render_list(&state, &me, String::new()).await
}

async fn rules_save(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(Permission::ManageSettings));
    }
    let done = match PlanRules::parse(&v) {
        Ok(r) => state.db.set_pv_rules(r, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/pv").into_response()),
        Err(e) => render_list(&state, &me, super::form::error_line(e)?).await,
    }
}

// A new station.

async fn station_form(
    state: &AppState,
    me: &CurrentUser,
    v: &Values,
    errors: &[bangfu_core::FieldError],
) -> Result<Response, PageError> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut project = field("project_id", "所属项目", v, false, "由项目库中的项目建成的，请选择");
    project.options = std::iter::once(super::form::Opt {
        value: String::new(),
        label: "（不属于项目库中的项目）".into(),
        selected: get("project_id").is_empty(),
    })
    .chain(state.db.projects(&me.scope, None).await?.into_iter().map(|p| super::form::Opt {
        selected: get("project_id") == p.id.to_string(),
        value: p.id.to_string(),
        label: format!("{}（{}年）", p.name, p.year),
    }))
    .collect();
    let fields = vec![
        field("name", "电站名称", v, true, "如 沙东村村级光伏电站"),
        field("area_code", "所在村", v, true, ""),
        field("capacity_kw", "装机容量（千瓦）", v, true, "如 300"),
        field("grid_on", "并网日期", v, true, "如 2017-06-30"),
        field("owner", "产权单位", v, false, "不填即为 村集体；如 沙东村股份经济合作社"),
        project,
    ];
    let picker = super::areas::picker(
        state,
        me,
        super::areas::Field { name: "area_code", level: Some(AreaLevel::Village), required: true, with_root: false },
        (get("area_code"), get("area_code_q")),
    )
    .await?;
    render_form_with_pickers(
        me,
        "登记村级光伏电站".into(),
        "/pv".into(),
        me.lang.t("form.save"),
        fields,
        errors,
        vec![picker],
    )
}

async fn new_page(State(state): State<AppState>, me: Require<perm::EditRegister>) -> Result<Response, PageError> {
    station_form(&state, &me, &Values::new(), &[]).await
}

async fn new_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let saved = match StationData::parse(&v, me.today) {
        Ok(d) => state.db.create_station(&me.scope, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/pv/{id}")).into_response()),
        Err(e) => station_form(&state, &me, &v, &field_errors(e)?).await,
    }
}

// A station.

struct YearRow {
    year: i32,
    quarters: Vec<(u8, i64, String, String, String, String)>,
    kwh: i64,
    total: String,
    planned: String,
}

#[derive(Template)]
#[template(path = "pv_station.html")]
struct StationPage<'a> {
    me: &'a CurrentUser,
    s: bangfu_db::pv::Station,
    village: String,
    capacity: String,
    project: Option<(i64, String)>,
    years: Vec<YearRow>,
    plans: Vec<(i64, i32, &'static str, String, i64, String)>,
    may_edit: bool,
    error: String,
    typed: Values,
}

impl StationPage<'_> {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn render_station(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    error: String,
    typed: Values,
) -> Result<Response, PageError> {
    let s = state.db.station(&me.scope, id).await?;
    let settled = state.db.settlements(&me.scope, id).await?;
    let plans = state.db.pv_plans(&me.scope, id).await?;
    let mut year_list: Vec<i32> = settled.iter().map(|x| x.data.year).collect();
    year_list.dedup();
    let years = year_list
        .into_iter()
        .map(|y| {
            let of: Vec<_> = settled.iter().filter(|x| x.data.year == y).collect();
            YearRow {
                year: y,
                quarters: of
                    .iter()
                    .rev()
                    .map(|x| {
                        let d = &x.data;
                        (
                            d.quarter,
                            d.kwh,
                            d.income.display_yuan(),
                            d.subsidy.map_or_else(|| "未到账".to_owned(), Fen::display_yuan),
                            d.total().display_yuan(),
                            d.received_on.map(|d| d.to_string()).unwrap_or_default(),
                        )
                    })
                    .collect(),
                kwh: of.iter().map(|x| x.data.kwh).sum(),
                total: Fen(of.iter().map(|x| x.data.total().0).sum()).display_yuan(),
                planned: Fen(plans.iter().filter(|p| p.year == y).map(|p| p.total.0).sum()).display_yuan(),
            }
        })
        .collect();
    let project = match s.data.project_id {
        Some(p) => state.db.project(&me.scope, p).await.ok().map(|r| (p, r.data.name)),
        None => None,
    };
    let village = super::assets::labels(state, &[s.data.area_code.as_str().to_owned()]).await?;
    let page = StationPage {
        me,
        village: village.get(s.data.area_code.as_str()).cloned().unwrap_or_default(),
        capacity: pv::kw_zh(s.data.capacity_w),
        project,
        years,
        plans: plans
            .iter()
            .map(|p| {
                (
                    p.id,
                    p.year,
                    pv::plan_stage_zh(&p.stage),
                    p.total.display_yuan(),
                    p.lines,
                    p.paid_on.map(|d| d.to_string()).unwrap_or_default(),
                )
            })
            .collect(),
        may_edit: me.may(Permission::EditRegister),
        s,
        error: error.clone(),
        typed,
    };
    Ok((status_of(&error), Html(page.render()?)).into_response())
}

async fn station_page(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render_station(&state, &me, id, String::new(), Values::new()).await
}

async fn settlement_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let s = state.db.station(&me.scope, id).await?;
    let done = match SettlementData::parse(&v, me.today, s.data.grid_on) {
        Ok(d) => state.db.record_settlement(&me.scope, id, &d, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/pv/{id}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => render_station(&state, &me, id, super::form::error_line(e)?, v).await,
    }
}

async fn plan_create(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.station(&me.scope, id).await?;
    let done = match PlanData::parse(&v, me.today) {
        Ok(d) => state.db.create_pv_plan(&me.scope, id, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match done {
        Ok(pid) => Ok(Redirect::to(&format!("/pv/plans/{pid}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => render_station(&state, &me, id, super::form::error_line(e)?, v).await,
    }
}

// A plan.

struct LineRow {
    id: i64,
    use_: &'static str,
    household_id: Option<i64>,
    household_no: String,
    head: String,
    person: String,
    amount: String,
    note: String,
    weak: bool,
    paid: String,
}

#[derive(Template)]
#[template(path = "pv_plan.html")]
struct PlanPage<'a> {
    me: &'a CurrentUser,
    p: bangfu_db::pv::Plan,
    village: String,
    check: pv::PlanCheck,
    rules: PlanRules,
    lines: Vec<LineRow>,
    events: Vec<(String, &'static str, String, String)>,
    acts: Vec<(&'static str, &'static str)>,
    uses: Vec<&'static str>,
    draft: bool,
    may_edit: bool,
    error: String,
    typed: Values,
}

impl PlanPage<'_> {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
    /// The 四议两公开 form shows what was typed, else what is stored.
    fn decision_value(&self, key: &str) -> String {
        if let Some(v) = self.typed.get(key) {
            return v.clone();
        }
        match key {
            "decided_on" => self.p.data.decided_on.map(|d| d.to_string()).unwrap_or_default(),
            _ => self.p.data.decision.clone().unwrap_or_default(),
        }
    }
}

async fn render_plan(
    state: &AppState,
    me: &CurrentUser,
    pid: i64,
    error: String,
    typed: Values,
) -> Result<Response, PageError> {
    let p = state.db.pv_plan(&me.scope, pid).await?;
    let check = state.db.pv_plan_check(&p).await?;
    let labels = super::assets::labels(state, std::slice::from_ref(&p.area_code)).await?;
    let lines = p
        .lines
        .iter()
        .map(|l| LineRow {
            id: l.id,
            use_: l.use_.label_zh(),
            household_id: l.household_id,
            household_no: l.household_no.clone().unwrap_or_default(),
            head: l.head_name.clone().unwrap_or_default(),
            person: l.person.clone().unwrap_or_default(),
            amount: l.amount.display_yuan(),
            note: l.note.clone().unwrap_or_default(),
            weak: l.weak_labour,
            paid: l.paid_on.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let acts: Vec<(&'static str, &'static str)> =
        [PlanAct::Submit, PlanAct::Review, PlanAct::SendBack, PlanAct::File, PlanAct::Publish, PlanAct::Pay]
            .into_iter()
            .filter(|a| {
                me.may(Permission::EditRegister) && a.allowed(Some(me.user.role)).is_ok() && a.available_at(&p.stage)
            })
            .map(|a| (a.code(), a.label_zh()))
            .collect();
    let page = PlanPage {
        me,
        village: labels.get(&p.area_code).cloned().unwrap_or_default(),
        rules: state.db.pv_rules().await?,
        check,
        lines,
        events: p
            .events
            .iter()
            .map(|e| (e.on.to_string(), act_zh(&e.action), e.by.clone(), e.note.clone().unwrap_or_default()))
            .collect(),
        acts,
        uses: PvUse::ALL.iter().map(|u| u.label_zh()).collect(),
        draft: p.stage == "draft",
        may_edit: me.may(Permission::EditRegister),
        p,
        error: error.clone(),
        typed,
    };
    Ok((status_of(&error), Html(page.render()?)).into_response())
}

async fn plan_page(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path(pid): Path<i64>,
) -> Result<Response, PageError> {
    render_plan(&state, &me, pid, String::new(), Values::new()).await
}

async fn plan_after(
    state: &AppState,
    me: &CurrentUser,
    pid: i64,
    done: Result<(), DomainError>,
    v: Values,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/pv/plans/{pid}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => render_plan(state, me, pid, super::form::error_line(e)?, v).await,
    }
}

fn version_of(v: &Values) -> i64 {
    v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(0)
}

async fn decision_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(pid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let p = state.db.pv_plan(&me.scope, pid).await?;
    v.insert("year".into(), p.data.year.to_string());
    let done = match PlanData::parse(&v, me.today) {
        Ok(d) => state.db.update_pv_plan(&me.scope, pid, version_of(&v), &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    plan_after(&state, &me, pid, done, v).await
}

async fn line_add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(pid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.pv_plan(&me.scope, pid).await?;
    let done = match LineData::parse(&v) {
        Ok(l) => state.db.add_pv_line(&me.scope, pid, &l, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    plan_after(&state, &me, pid, done, v).await
}

async fn line_remove(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((pid, lid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = state.db.remove_pv_line(&me.scope, pid, lid, &me.actor()).await;
    plan_after(&state, &me, pid, done, v).await
}

async fn act(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(pid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.pv_plan(&me.scope, pid).await?;
    let act = v.get("act").and_then(|a| PlanAct::parse(a));
    let on = super::procedures::act_date(&v, me.today);
    let done = match (act, on) {
        (Some(act), Ok(on)) => state
            .db
            .act_on_pv_plan(
                &me.scope,
                pid,
                version_of(&v),
                act,
                Some(me.user.role),
                on,
                v.get("note").map(String::as_str),
                &me.actor(),
            )
            .await
            .map(|_| ()),
        (None, _) => Err(DomainError::invalid("act", "请选择办理事项")),
        (_, Err(_)) => Err(DomainError::invalid("on", "办理日期格式应为 2026-03-02")),
    };
    plan_after(&state, &me, pid, done, v).await
}
