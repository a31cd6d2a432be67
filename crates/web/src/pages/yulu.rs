//! 雨露计划 on screen: the area's applications by term and state with their totals, the
//! application form (the student found among the area's members), and each application's next
//! step — 乡镇审核 or 不予补助, 发放, 公示. A refused act shows the page again with the reason and
//! what was typed; another area's application is not found.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::Permission;
use bangfu_core::money::Fen;
use bangfu_core::training::yulu::{self, Application, SchoolLevel, State as YState, Step, Term};
use bangfu_db::yulu::{YuluFilter, YuluRecord};

use super::training::{HitRow, area_labels, hit_rows};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/yulu", get(list).post(apply)).route("/yulu/{id}/act", post(act))
}

type Values = HashMap<String, String>;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    term: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

struct Row {
    id: i64,
    version: i64,
    name: String,
    household_id: i64,
    household_no: String,
    village: String,
    term: String,
    school: String,
    level: &'static str,
    grade: String,
    amount: String,
    state: &'static str,
    colour: &'static str,
    /// "申请 2026-09-10 · 审核 2026-09-20 · 发放 2026-10-08（1,500.00元） · 公示 2026-10-20".
    steps: String,
    /// The check's note or the refusal's reason.
    note: String,
    /// The steps this user may take now: check and refuse, pay, publish.
    may_check: bool,
    may_pay: bool,
    may_publish: bool,
}

#[derive(Template)]
#[template(path = "yulu.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    terms: Vec<String>,
    term: String,
    states: Vec<(&'static str, &'static str)>,
    state: String,
    levels: Vec<&'static str>,
    /// By state: (label, applications, amount).
    totals: Vec<(&'static str, usize, String)>,
    paid: String,
    may_edit: bool,
    q: String,
    hits: Vec<HitRow>,
    error: String,
    typed: Values,
}

impl ListPage<'_> {
    /// What was typed into the form `form` before it was refused (kept, never lost).
    fn typed(&self, form: &str, key: &str) -> &str {
        if self.typed.get("form").map(String::as_str) == Some(form) {
            self.typed.get(key).map(String::as_str).unwrap_or("")
        } else {
            ""
        }
    }

    fn typed_apply(&self, member: &i64, key: &str) -> &str {
        self.typed(&format!("apply-{member}"), key)
    }

    fn typed_act(&self, id: &i64, key: &str) -> &str {
        self.typed(&format!("act-{id}"), key)
    }
}

fn colour(s: YState) -> &'static str {
    match s {
        YState::Applied => "yellow",
        YState::Checked => "yellow",
        YState::Refused => "red",
        YState::Paid | YState::Published => "green",
    }
}

fn steps_of(r: &YuluRecord) -> String {
    let mut parts = vec![format!("申请 {}", r.data.applied_on)];
    if let Some(on) = r.checked_on {
        parts.push(format!("{} {on}", if r.state == YState::Refused { "不予补助" } else { "审核" }));
    }
    if let (Some(on), Some(a)) = (r.paid_on, r.paid) {
        parts.push(format!("发放 {on}（{}）", a.display_yuan()));
    }
    if let Some(on) = r.published_on {
        parts.push(format!("公示 {on}"));
    }
    parts.join(" · ")
}

async fn render(
    state: &AppState,
    me: &CurrentUser,
    q: ListQuery,
    error: String,
    typed: Values,
) -> Result<Response, PageError> {
    let term = q.term.as_deref().and_then(Term::parse);
    let st = q.state.as_deref().and_then(YState::parse);
    let found = state.db.yulu_applications(&me.scope, &YuluFilter { term, state: st, household: None }).await?;
    let codes: Vec<&str> = found.iter().map(|r| r.student.village_code.as_str()).collect();
    let labels = area_labels(state, &codes).await?;
    let may_edit = me.may(Permission::EditRegister);
    let checker = may_edit && yulu::may_check(me.user.role);
    let totals = YState::ALL
        .iter()
        .filter_map(|s| {
            let of: Vec<&YuluRecord> = found.iter().filter(|r| r.state == *s).collect();
            (!of.is_empty())
                .then(|| (s.label_zh(), of.len(), of.iter().map(|r| r.data.amount).sum::<Fen>().display_yuan()))
        })
        .collect();
    let paid: Fen = found.iter().filter_map(|r| r.paid).sum();
    let query = q.q.clone().unwrap_or_default();
    let hits = if query.trim().is_empty() { Vec::new() } else { state.db.find_members(&me.scope, &query, 30).await? };
    let rows = found
        .iter()
        .map(|r| Row {
            id: r.id,
            version: r.version,
            name: r.student.name.clone(),
            household_id: r.student.household_id,
            household_no: r.student.household_no.clone(),
            village: labels.get(&r.student.village_code).cloned().unwrap_or_else(|| r.student.village_code.clone()),
            term: r.data.term.to_string(),
            school: r.data.school.clone() + &r.data.major.as_ref().map(|m| format!("（{m}）")).unwrap_or_default(),
            level: r.data.level.label_zh(),
            grade: r.data.grade.clone(),
            amount: r.data.amount.display_yuan(),
            state: r.state.label_zh(),
            colour: colour(r.state),
            steps: steps_of(r),
            note: r.refused_reason.clone().or_else(|| r.check_note.clone()).unwrap_or_default(),
            may_check: checker && r.state == YState::Applied,
            may_pay: checker && r.state == YState::Checked,
            may_publish: may_edit && r.state == YState::Paid,
        })
        .collect();
    let page = ListPage {
        me,
        rows,
        terms: Term::choices(me.today).iter().map(Term::to_string).collect(),
        term: term.map(|t| t.to_string()).unwrap_or_default(),
        states: YState::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
        state: st.map(|s| s.code().to_owned()).unwrap_or_default(),
        levels: SchoolLevel::ALL.iter().map(|l| l.label_zh()).collect(),
        totals,
        paid: paid.display_yuan(),
        may_edit,
        hits: hit_rows(state, &hits, |_| false).await?,
        q: query,
        error: error.clone(),
        typed,
    };
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.render()?)).into_response())
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render(&state, &me, q, String::new(), Values::new()).await
}

/// The list again after an act: the list when it landed, else with its reason and what was typed.
async fn after(
    state: &AppState,
    me: &CurrentUser,
    done: Result<(), DomainError>,
    v: Values,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to("/yulu").into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            let q = ListQuery { term: None, state: None, q: v.get("q").cloned() };
            render(state, me, q, super::form::error_line(e)?, v).await
        }
    }
}

async fn apply(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = match Application::parse(&v, me.today) {
        Ok(a) => state.db.apply_yulu(&me.scope, &a, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, done, v).await
}

async fn act(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let r = state.db.yulu_application(&me.scope, id).await?;
    let action = v.get("action").map(String::as_str).unwrap_or("");
    let version = v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(r.version);
    let done = match Step::parse(action, &v, me.today, r.data.amount) {
        Ok(step) => state.db.yulu_step(&me.scope, id, version, &step, Some(me.user.role), &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, done, v).await
}
