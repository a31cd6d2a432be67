//! 培训班 and 座谈会 on screen: the courses of the user's area with their attendee and household
//! counts, a course's page (its facts, its attendees with 证书 and 培训后就业, a search box
//! finding members of the area's households by name, initials or 户编号), and a household's
//! training for its page. A refused act shows the page again with the reason and what was typed;
//! another area's course is not found, as a missing one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::auth::Permission;
use bangfu_core::store::AreaStore;
use bangfu_core::training::{CourseData, CourseKind, Outcome, TrainingTotals, TrainingType, answer_zh};
use bangfu_db::training::{Course, MemberHit};

use super::form::{code_options as options, field_errors, render_form_with_pickers, typed_field as field};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training", get(list))
        .route("/training/new", get(new_page).post(new_save))
        .route("/training/{id}", get(show))
        .route("/training/{id}/edit", get(edit_page).post(edit_save))
        .route("/training/{id}/remove", post(course_remove))
        .route("/training/{id}/attendees", post(attendee_add))
        .route("/training/{id}/attendees/{aid}", post(attendee_update))
        .route("/training/{id}/attendees/{aid}/remove", post(attendee_remove))
}

type Values = HashMap<String, String>;

/// Area codes → "沙河店镇 沙东村" labels, for lists.
pub(crate) async fn area_labels(state: &AppState, codes: &[&str]) -> Result<HashMap<String, String>, PageError> {
    let parsed: Vec<AreaCode> = codes.iter().filter_map(|c| AreaCode::parse(c).ok()).collect();
    let found = state.db.labelled_areas(&Scope::everything(), &parsed).await?;
    Ok(found.into_iter().map(|m| (m.area.code.as_str().to_owned(), m.label())).collect())
}

fn label_of(labels: &HashMap<String, String>, code: &str) -> String {
    labels.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

/// A member found, as the search lists it (name, relation, 户编号, village; never an ID number).
pub(crate) struct HitRow {
    pub member_id: i64,
    pub name: String,
    pub relation: &'static str,
    pub household_no: String,
    pub village: String,
    /// Already on this course (or already applied this term): no 添加 button.
    pub taken: bool,
}

pub(crate) async fn hit_rows(
    state: &AppState,
    hits: &[MemberHit],
    taken: impl Fn(i64) -> bool,
) -> Result<Vec<HitRow>, PageError> {
    let codes: Vec<&str> = hits.iter().map(|h| h.village_code.as_str()).collect();
    let labels = area_labels(state, &codes).await?;
    Ok(hits
        .iter()
        .map(|h| HitRow {
            member_id: h.member_id,
            name: h.name.clone(),
            relation: h.relation.map_or("", |r| r.label_zh()),
            household_no: h.household_no.clone(),
            village: label_of(&labels, &h.village_code),
            taken: taken(h.member_id),
        })
        .collect())
}

// The list.

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: Option<String>,
}

struct Row {
    id: i64,
    topic: String,
    kind: &'static str,
    training_type: &'static str,
    dates: String,
    hours: u32,
    organiser: String,
    area: String,
    attendees: i64,
    households: i64,
}

#[derive(Template)]
#[template(path = "training.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    year: String,
    may_create: bool,
    /// (courses, 人次, 户次, 学时 × 人次).
    totals: (usize, i64, i64, i64),
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let year = q.year.as_deref().and_then(|y| y.trim().trim_end_matches('年').parse::<i32>().ok());
    let found = state.db.courses(&me.scope, year).await?;
    let codes: Vec<&str> = found.iter().map(|c| c.course.data.area_code.as_str()).collect();
    let labels = area_labels(&state, &codes).await?;
    let totals = (
        found.len(),
        found.iter().map(|c| c.attendees).sum(),
        found.iter().map(|c| c.households).sum(),
        found.iter().map(|c| c.attendees * i64::from(c.course.data.hours)).sum(),
    );
    let rows = found
        .iter()
        .map(|s| {
            let d = &s.course.data;
            Row {
                id: s.course.id,
                topic: d.topic.clone(),
                kind: d.kind.label_zh(),
                training_type: d.training_type.label_zh(),
                dates: d.dates_zh(),
                hours: d.hours,
                organiser: d.organiser.clone(),
                area: label_of(&labels, d.area_code.as_str()),
                attendees: s.attendees,
                households: s.households,
            }
        })
        .collect();
    let page = ListPage {
        me: &me,
        rows,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        may_create: me.may(Permission::EditRegister),
        totals,
    };
    Ok(Html(page.render()?).into_response())
}

// The form (new and edit).

async fn course_form(
    state: &AppState,
    me: &CurrentUser,
    title: String,
    back: String,
    v: &Values,
    errors: &[bangfu_core::FieldError],
) -> Result<Response, PageError> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut kind = field("kind", "活动形式", v, true, "");
    kind.options = options::<CourseKind>(get("kind"));
    let mut training_type = field("training_type", "培训类型", v, true, "");
    training_type.options = options::<TrainingType>(get("training_type"));
    let fields = vec![
        kind,
        training_type,
        field("topic", "培训主题", v, true, "如 食用菌栽培技术培训"),
        field("start_on", "开始日期", v, true, ""),
        field("end_on", "结束日期", v, false, "一天的不填"),
        field("hours", "学时", v, true, "1至500，如 40"),
        field("organiser", "组织单位", v, true, "如 板桥镇人民政府、区人社局"),
        field("place", "培训地点", v, false, "如 板桥镇便民服务中心"),
        field("area_code", "所属乡镇或村", v, true, ""),
    ];
    let picker =
        super::areas::picker(state, me, super::areas::Field::area_code(true), (get("area_code"), get("area_code_q")))
            .await?;
    render_form_with_pickers(me, title, back, me.lang.t("form.save"), fields, errors, vec![picker])
}

fn values_of(c: &Course) -> Values {
    let d = &c.data;
    [
        ("kind", d.kind.label_zh().to_owned()),
        ("training_type", d.training_type.label_zh().to_owned()),
        ("topic", d.topic.clone()),
        ("start_on", d.start_on.to_string()),
        ("end_on", d.end_on.map(|x| x.to_string()).unwrap_or_default()),
        ("hours", d.hours.to_string()),
        ("organiser", d.organiser.clone()),
        ("place", d.place.clone().unwrap_or_default()),
        ("area_code", d.area_code.as_str().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn new_page(State(state): State<AppState>, me: Require<perm::EditRegister>) -> Result<Response, PageError> {
    let v: Values = [("area_code".to_owned(), me.scope.root().as_str().to_owned())].into_iter().collect();
    course_form(&state, &me, "登记培训班或座谈会".into(), "/training".into(), &v, &[]).await
}

async fn new_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let saved = match CourseData::parse(&v, me.today) {
        Ok(d) => state.db.create_course(&me.scope, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/training/{id}")).into_response()),
        Err(e) => {
            course_form(&state, &me, "登记培训班或座谈会".into(), "/training".into(), &v, &field_errors(e)?).await
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = state.db.course(&me.scope, id).await?;
    course_form(&state, &me, format!("修改：{}", c.data.topic), format!("/training/{id}"), &values_of(&c), &[]).await
}

async fn edit_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let c = state.db.course(&me.scope, id).await?;
    let saved = match CourseData::parse(&v, me.today) {
        Ok(d) => state.db.update_course(&me.scope, id, &d, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/training/{id}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            let title = format!("修改：{}", c.data.topic);
            course_form(&state, &me, title, format!("/training/{id}"), &v, &field_errors(e)?).await
        }
    }
}

// The course's page.

struct AttendeeRow {
    id: i64,
    name: String,
    relation: &'static str,
    household_id: i64,
    household_no: String,
    village: String,
    certificate: &'static str,
    certificate_name: String,
    employed: &'static str,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage<'a> {
    me: &'a CurrentUser,
    c: &'a Course,
    area: String,
    facts: Vec<(&'static str, String)>,
    rows: Vec<AttendeeRow>,
    households: usize,
    may_edit: bool,
    q: String,
    hits: Vec<HitRow>,
    error: String,
    typed: Values,
}

impl CoursePage<'_> {
    /// What was typed into the form `form` before it was refused (kept, never lost).
    fn typed(&self, form: &str, key: &str) -> &str {
        if self.typed.get("form").map(String::as_str) == Some(form) {
            self.typed.get(key).map(String::as_str).unwrap_or("")
        } else {
            ""
        }
    }

    /// What was typed into the 添加 form of member `member` before it was refused.
    fn typed_add(&self, member: &i64, key: &str) -> &str {
        self.typed(&format!("add-{member}"), key)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    q: Option<String>,
}

async fn render_show(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    q: &str,
    error: String,
    typed: Values,
) -> Result<Response, PageError> {
    let c = state.db.course(&me.scope, id).await?;
    let d = &c.data;
    let attendees = state.db.course_attendees(&me.scope, id).await?;
    let hits = if q.trim().is_empty() { Vec::new() } else { state.db.find_members(&me.scope, q, 30).await? };
    let codes: Vec<&str> = attendees.iter().map(|a| a.member.village_code.as_str()).collect();
    let labels = area_labels(state, &codes).await?;
    let mut households: Vec<i64> = attendees.iter().map(|a| a.member.household_id).collect();
    households.sort_unstable();
    households.dedup();
    let facts = vec![
        ("活动形式", d.kind.label_zh().to_owned()),
        ("培训类型", d.training_type.label_zh().to_owned()),
        ("日期", d.dates_zh()),
        ("学时", d.hours.to_string()),
        ("组织单位", d.organiser.clone()),
        ("培训地点", d.place.clone().unwrap_or_else(|| "未填".into())),
    ];
    let rows = attendees
        .iter()
        .map(|a| AttendeeRow {
            id: a.id,
            name: a.member.name.clone(),
            relation: a.member.relation.map_or("", |r| r.label_zh()),
            household_id: a.member.household_id,
            household_no: a.member.household_no.clone(),
            village: label_of(&labels, &a.member.village_code),
            certificate: answer_zh(a.outcome.certificate),
            certificate_name: a.outcome.certificate_name.clone().unwrap_or_default(),
            employed: answer_zh(a.outcome.employed),
        })
        .collect();
    let page = CoursePage {
        me,
        area: label_of(&area_labels(state, &[d.area_code.as_str()]).await?, d.area_code.as_str()),
        facts,
        rows,
        households: households.len(),
        may_edit: me.may(Permission::EditRegister),
        q: q.to_owned(),
        hits: hit_rows(state, &hits, |m| attendees.iter().any(|a| a.member.member_id == m)).await?,
        c: &c,
        error: error.clone(),
        typed,
    };
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.render()?)).into_response())
}

async fn show(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    render_show(&state, &me, id, q.q.as_deref().unwrap_or(""), String::new(), Values::new()).await
}

/// The page again after an act: to the page when it landed, else with its reason, the search
/// the user was in and what was typed.
async fn after(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    done: Result<(), DomainError>,
    v: Values,
) -> Result<Response, PageError> {
    let q = v.get("q").cloned().unwrap_or_default();
    match done {
        Ok(()) if q.is_empty() => Ok(Redirect::to(&format!("/training/{id}")).into_response()),
        Ok(()) => Ok(Redirect::to(&format!("/training/{id}?q={}", crate::error::encode(&q))).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => render_show(state, me, id, &q, super::form::error_line(e)?, v).await,
    }
}

/// 撤销: a course entered by mistake leaves the lists (kept, with its reason).
async fn course_remove(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    match state.db.remove_course(&me.scope, id, reason, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/training").into_response()),
        Err(e) => after(&state, &me, id, Err(e), v).await,
    }
}

async fn attendee_add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.course(&me.scope, id).await?;
    let member = v.get("member_id").and_then(|x| x.trim().parse::<i64>().ok());
    let done = match (member, Outcome::parse(&v)) {
        (Some(m), Ok(o)) => state.db.add_attendee(&me.scope, id, m, &o, &me.actor()).await.map(|_| ()),
        (None, _) => Err(DomainError::invalid("member_id", "请先查找并选择参训人员")),
        (_, Err(e)) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, id, done, v).await
}

async fn attendee_update(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((id, aid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.course(&me.scope, id).await?;
    let done = match Outcome::parse(&v) {
        Ok(o) => state.db.update_attendee(&me.scope, id, aid, &o, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    after(&state, &me, id, done, v).await
}

async fn attendee_remove(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path((id, aid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let done = state.db.remove_attendee(&me.scope, id, aid, &me.actor()).await;
    after(&state, &me, id, done, v).await
}

// A household's training and 雨露计划, for its page (and its handbook).

pub struct AttendedRow {
    pub course_id: i64,
    /// The course is inside the user's area (a village worker sees the household's township
    /// courses here, but cannot open them).
    pub linked: bool,
    pub member: String,
    pub dates: String,
    pub topic: String,
    pub kind: &'static str,
    pub training_type: &'static str,
    pub hours: u32,
    pub certificate: String,
    pub employed: &'static str,
}

pub struct YuluRow {
    pub student: String,
    pub term: String,
    pub school: String,
    pub level: &'static str,
    pub amount: String,
    pub state: &'static str,
    pub paid: String,
}

/// What the household page shows under 培训和雨露计划.
pub struct HouseholdTraining {
    pub rows: Vec<AttendedRow>,
    /// "参训 3 人次，共 84 学时，…" for the household, then per member.
    pub total: String,
    pub by_member: Vec<(String, String)>,
    pub yulu: Vec<YuluRow>,
}

pub async fn household_training(
    state: &AppState,
    scope: &Scope,
    household: i64,
) -> Result<HouseholdTraining, PageError> {
    let attended = state.db.household_training(scope, household).await?;
    let mut total = TrainingTotals::default();
    let mut by_member: Vec<(i64, String, TrainingTotals)> = Vec::new();
    for a in &attended {
        total.add(a.course.data.hours, &a.outcome);
        match by_member.iter_mut().find(|(m, ..)| *m == a.member_id) {
            Some((_, _, t)) => t.add(a.course.data.hours, &a.outcome),
            None => {
                let mut t = TrainingTotals::default();
                t.add(a.course.data.hours, &a.outcome);
                by_member.push((a.member_id, a.member_name.clone(), t));
            }
        }
    }
    let filter = bangfu_db::yulu::YuluFilter { household: Some(household), ..Default::default() };
    let yulu = state.db.yulu_applications(scope, &filter).await?;
    Ok(HouseholdTraining {
        rows: attended
            .iter()
            .map(|a| AttendedRow {
                course_id: a.course.id,
                linked: scope.contains(&a.course.data.area_code),
                member: a.member_name.clone(),
                dates: a.course.data.dates_zh(),
                topic: a.course.data.topic.clone(),
                kind: a.course.data.kind.label_zh(),
                training_type: a.course.data.training_type.label_zh(),
                hours: a.course.data.hours,
                certificate: match &a.outcome.certificate_name {
                    Some(n) if a.outcome.certificate == Some(true) => format!("是（{n}）"),
                    _ => answer_zh(a.outcome.certificate).to_owned(),
                },
                employed: answer_zh(a.outcome.employed),
            })
            .collect(),
        total: total.label_zh(),
        by_member: by_member.into_iter().map(|(_, name, t)| (name, t.label_zh())).collect(),
        yulu: yulu
            .iter()
            .map(|y| YuluRow {
                student: y.student.name.clone(),
                term: y.data.term.to_string(),
                school: y.data.school.clone(),
                level: y.data.level.label_zh(),
                amount: y.data.amount.display_yuan(),
                state: y.state.label_zh(),
                paid: match (y.paid_on, y.paid) {
                    (Some(on), Some(a)) => format!("{on} {}", a.display_yuan()),
                    _ => String::new(),
                },
            })
            .collect(),
    })
}
