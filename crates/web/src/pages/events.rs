//! A household's life events on screen: 户主变更, 分户, 合户, 注销 (rules in
//! bangfu_core::household::events, storage in crates/db/src/events.rs). Each form names every
//! member it changes, with the relation to the (new) head to confirm; nothing is saved until
//! the whole event checks, and a form read before someone else's change is refused (409) with
//! what was typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::household::events::*;
use bangfu_core::household::*;
use bangfu_core::store::{HouseholdEventStore, HouseholdStore};
use bangfu_core::{DomainError, FieldError};

use super::form::{FormField, Opt, form_version, missing_version, require_editor, stale_errors};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/head", get(head_page).post(head))
        .route("/households/{hid}/split", get(split_page).post(split))
        .route("/households/{hid}/merge", get(merge_page).post(merge))
        .route("/households/{hid}/deregister", get(deregister_page).post(deregister))
}

type Values = HashMap<String, String>;

/// One member's row: the relation to the (new) head to choose, and at a 分户 whether they move.
pub struct MemberChoice {
    pub name: String,
    pub now: String,
    pub field: String,
    pub move_field: String,
    pub moving: bool,
    pub options: Vec<Opt>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "household_event.html")]
struct EventPage<'a> {
    me: &'a CurrentUser,
    hid: i64,
    title: String,
    intro: String,
    errors: Vec<String>,
    version: String,
    /// Fields before the members' table, and after it.
    before: Vec<FormField>,
    rows_label: &'static str,
    pick: bool,
    rows: Vec<MemberChoice>,
    after: Vec<FormField>,
    /// A second button that shows the form again without saving (relations suggested anew, a
    /// household looked up), with its label.
    refresh: &'static str,
    submit: &'static str,
}

impl EventPage<'_> {
    fn respond(mut self, errors: &[FieldError], status: StatusCode) -> Result<Response, PageError> {
        let mut labels: HashMap<String, &str> = HashMap::new();
        for f in self.before.iter_mut().chain(self.after.iter_mut()) {
            f.error = errors.iter().find(|e| e.field == f.name).map(|e| e.message.clone());
            labels.insert(f.name.to_owned(), f.label);
        }
        for r in &mut self.rows {
            r.error = errors.iter().find(|e| e.field == r.field || e.field == r.move_field).map(|e| e.message.clone());
        }
        self.errors = errors
            .iter()
            .map(|e| match labels.get(&e.field) {
                Some(label) => format!("{label}：{}", e.message),
                None => e.message.clone(),
            })
            .collect();
        let status =
            if !errors.is_empty() && status == StatusCode::OK { StatusCode::UNPROCESSABLE_ENTITY } else { status };
        Ok((status, Html(self.render()?)).into_response())
    }
}

fn text(me: &CurrentUser, v: &Values, name: &'static str, required: bool, hint: &str) -> FormField {
    let mut f = FormField::of(me, v, name, required);
    f.hint = hint.to_owned();
    f
}

fn choice(
    me: &CurrentUser,
    v: &Values,
    name: &'static str,
    required: bool,
    options: Vec<(String, String)>,
) -> FormField {
    let mut f = FormField::of(me, v, name, required);
    f.options = options.into_iter().map(|(value, label)| Opt { selected: value == f.value, value, label }).collect();
    f
}

fn relation_opts(selected: &str) -> Vec<Opt> {
    let chosen = Relation::parse(selected);
    Relation::ALL
        .iter()
        .filter(|r| **r != Relation::Head)
        .map(|r| Opt { value: r.label_zh().into(), label: r.label_zh().into(), selected: Some(*r) == chosen })
        .collect()
}

fn relation_opts_with_head(selected: &str) -> Vec<Opt> {
    let mut opts = vec![Opt {
        value: Relation::Head.label_zh().into(),
        label: Relation::Head.label_zh().into(),
        selected: Relation::parse(selected) == Some(Relation::Head),
    }];
    opts.extend(relation_opts(selected));
    opts
}

fn current(members: &[Member]) -> impl Iterator<Item = &Member> {
    members.iter().filter(|m| m.left_on.is_none())
}

/// The household, refusing one that is no longer on the register (its page says why).
async fn on_register(state: &AppState, me: &CurrentUser, hid: i64) -> Result<(Household, Vec<Member>), PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    if !h.is_current() {
        return Err(PageError::NotFound);
    }
    let members = state.db.members(&me.scope, h.id).await?;
    Ok((h, members))
}

fn title(me: &CurrentUser, h: &Household, key: &str) -> String {
    format!("{} · {}", h.head_name.clone().unwrap_or_else(|| h.data.household_no.clone()), me.lang.t(key))
}

fn saved(hid: i64) -> Response {
    Redirect::to(&format!("/households/{hid}")).into_response()
}

/// A form read at an older version of the household is refused before its fields are read
/// (they may no longer fit: the head it names was changed meanwhile).
async fn stale_form(state: &AppState, h: &Household, v: &Values) -> Result<Option<DomainError>, PageError> {
    match form_version(v) {
        Some(version) if version != h.version => {
            Ok(Some(state.db.stale_since("household", h.id.0, version, h.version).await?))
        }
        _ => Ok(None),
    }
}

/// What a refused event shows: field errors as they are; a stale form at the current version.
fn refused(e: DomainError, v: &mut Values) -> Result<(Vec<FieldError>, StatusCode), PageError> {
    match e {
        DomainError::Invalid(errors) => Ok((errors, StatusCode::UNPROCESSABLE_ENTITY)),
        DomainError::Conflict { field, message } => Ok((vec![FieldError::new(field, message)], StatusCode::CONFLICT)),
        DomainError::Stale(s) => {
            v.insert("version".into(), s.current_version.to_string());
            Ok((stale_errors(&s), StatusCode::CONFLICT))
        }
        other => Err(other.into()),
    }
}

/// Saves an event from its form: a form read at an older version is refused first (its fields
/// may no longer fit the household), then the parsed event is stored at the version the form
/// carries. A refusal comes back as the errors to show beside the fields, with its status.
async fn save_event<T, R>(
    state: &AppState,
    h: &Household,
    v: &mut Values,
    parsed: Result<T, Vec<FieldError>>,
    store: impl AsyncFnOnce(T, i64) -> Result<R, DomainError>,
) -> Result<Result<R, (Vec<FieldError>, StatusCode)>, PageError> {
    let result = match (stale_form(state, h, v).await?, parsed, form_version(v)) {
        (Some(stale), _, _) => Err(stale),
        (None, Ok(event), Some(version)) => store(event, version).await,
        (None, Ok(_), None) => Err(DomainError::Invalid(missing_version())),
        (None, Err(errors), _) => Err(DomainError::Invalid(errors)),
    };
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(e) => Ok(Err(refused(e, v)?)),
    }
}

// ---- 户主变更 ----

#[derive(serde::Deserialize, Default)]
pub struct HeadQuery {
    /// Set when the head's 减员 brought the user here: the old head leaves.
    #[serde(default)]
    leaving: Option<String>,
}

/// Fills in the relations the form suggests for the chosen new head, where the user has not
/// chosen one yet (or asked for suggestions again).
fn suggest(members: &[Member], v: &mut Values, overwrite: bool) {
    let Some(old) = current_head(members) else { return };
    let Some(new) =
        v.get("new_head").and_then(|s| s.parse::<i64>().ok()).and_then(|id| current(members).find(|m| m.id.0 == id))
    else {
        return;
    };
    let new_rel = new.data.relation;
    for m in current(members).filter(|m| m.id != new.id) {
        let guess = suggested_relation(m.data.relation, new_rel, m.data.sex, old.data.sex);
        let guess = if guess == Relation::Other { String::new() } else { guess.label_zh().to_owned() };
        let field = if m.id == old.id { "outgoing".to_owned() } else { relation_field(m.id) };
        if m.id == old.id && v.get("outgoing").is_some_and(|o| o == "leaves") {
            continue;
        }
        if overwrite || v.get(&field).is_none_or(|s| s.is_empty()) {
            v.insert(field, guess);
        }
    }
}

fn head_form<'a>(me: &'a CurrentUser, h: &Household, members: &[Member], v: &Values) -> EventPage<'a> {
    let old = current_head(members);
    let old_name = old.map(|m| m.data.name.clone()).unwrap_or_default();
    let candidates = current(members)
        .filter(|m| Some(m.id) != old.map(|o| o.id))
        .map(|m| (m.id.0.to_string(), m.data.name.clone()))
        .collect();
    let mut outgoing = vec![("leaves".to_owned(), format!("{old_name}减员（死亡、婚出、迁出等）"))];
    outgoing.extend(
        relation_opts(v.get("outgoing").map(String::as_str).unwrap_or("")).into_iter().map(|o| (o.value, o.label)),
    );
    let mut out = choice(me, v, "outgoing", true, outgoing);
    out.label = me.lang.t("field.outgoing");
    out.hint = format!("{old_name}：继续在户时选与新户主的关系");
    let new_head = v.get("new_head").cloned().unwrap_or_default();
    let rows = current(members)
        .filter(|m| Some(m.id) != old.map(|o| o.id) && m.id.0.to_string() != new_head)
        .map(|m| MemberChoice {
            name: m.data.name.clone(),
            now: m.data.relation.wording(m.data.sex).to_owned(),
            field: relation_field(m.id),
            move_field: String::new(),
            moving: false,
            options: relation_opts(v.get(&relation_field(m.id)).map(String::as_str).unwrap_or("")),
            error: None,
        })
        .collect();
    EventPage {
        me,
        hid: h.id.0,
        title: title(me, h, "title.head"),
        intro: me.lang.f("events.head_intro", &[("name", &old_name)]),
        errors: Vec::new(),
        version: v.get("version").cloned().unwrap_or_else(|| h.version.to_string()),
        before: vec![
            choice(me, v, "new_head", true, candidates),
            out,
            text(me, v, "left_reason", false, "原户主减员时填写，如 死亡"),
        ],
        rows_label: me.lang.t("events.relations"),
        pick: false,
        rows,
        after: vec![
            text(me, v, "effective_on", true, ""),
            text(me, v, "reason", true, "如 原户主去世、原户主年老由子女接任"),
        ],
        refresh: me.lang.t("events.suggest"),
        submit: me.lang.t("form.save"),
    }
}

async fn head_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Query(q): Query<HeadQuery>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let old = current_head(&members).map(|m| m.id);
    // The spouse is the likeliest successor; otherwise the first other member.
    let successor = current(&members)
        .find(|m| m.data.relation == Relation::Spouse)
        .or_else(|| current(&members).find(|m| Some(m.id) != old))
        .map(|m| m.id.0.to_string())
        .unwrap_or_default();
    let mut v = Values::from([
        ("new_head".to_owned(), successor),
        ("effective_on".to_owned(), me.today.to_string()),
        ("version".to_owned(), h.version.to_string()),
    ]);
    if q.leaving.is_some() {
        v.insert("outgoing".into(), "leaves".into());
    }
    suggest(&members, &mut v, false);
    head_form(&me, &h, &members, &v).respond(&[], StatusCode::OK)
}

async fn head(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    if v.get("step").is_some_and(|s| s == "refresh") {
        suggest(&members, &mut v, true);
        return head_form(&me, &h, &members, &v).respond(&[], StatusCode::OK);
    }
    let parsed = ChangeHead::parse(&v, &members, me.today);
    match save_event(&state, &h, &mut v, parsed, async |event, version| {
        state.db.change_head(&me.scope, h.id, version, &event, &me.actor()).await
    })
    .await?
    {
        Ok(()) => Ok(saved(hid)),
        Err((errors, status)) => head_form(&me, &h, &members, &v).respond(&errors, status),
    }
}

// ---- 分户 ----

fn split_form<'a>(me: &'a CurrentUser, h: &Household, members: &[Member], v: &Values) -> EventPage<'a> {
    let rows = current(members)
        .filter(|m| m.data.relation != Relation::Head)
        .map(|m| MemberChoice {
            name: m.data.name.clone(),
            now: m.data.relation.wording(m.data.sex).to_owned(),
            field: relation_field(m.id),
            move_field: move_field(m.id),
            moving: v.get(&move_field(m.id)).is_some_and(|s| s == "1"),
            options: relation_opts_with_head(v.get(&relation_field(m.id)).map(String::as_str).unwrap_or("")),
            error: None,
        })
        .collect();
    EventPage {
        me,
        hid: h.id.0,
        title: title(me, h, "title.split"),
        intro: me.lang.t("events.split_intro").to_owned(),
        errors: Vec::new(),
        version: v.get("version").cloned().unwrap_or_else(|| h.version.to_string()),
        before: Vec::new(),
        rows_label: me.lang.t("events.split_members"),
        pick: true,
        rows,
        after: vec![
            text(me, v, "household_no", false, "新户的户编号；不填则按本村顺序自动编号"),
            text(me, v, "effective_on", true, ""),
            text(me, v, "reason", true, "如 子女成家另立户"),
        ],
        refresh: "",
        submit: me.lang.t("events.split_submit"),
    }
}

async fn split_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let v = Values::from([
        ("effective_on".to_owned(), me.today.to_string()),
        ("version".to_owned(), h.version.to_string()),
    ]);
    split_form(&me, &h, &members, &v).respond(&[], StatusCode::OK)
}

async fn split(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let parsed = SplitHousehold::parse(&v, &members, me.today);
    match save_event(&state, &h, &mut v, parsed, async |event, version| {
        state.db.split_household(&me.scope, h.id, version, &event, &me.actor()).await
    })
    .await?
    {
        Ok(new) => Ok(saved(new.0)),
        Err((errors, status)) => split_form(&me, &h, &members, &v).respond(&errors, status),
    }
}

// ---- 合户 ----

/// The household merging in, once its number was looked up: its id, head and members.
struct Incoming {
    id: HouseholdId,
    head: String,
    members: Vec<Member>,
}

async fn incoming(state: &AppState, me: &CurrentUser, v: &Values) -> Result<Result<Incoming, FieldError>, PageError> {
    let no = v.get("from_household_no").map(|s| s.trim()).unwrap_or("");
    if no.is_empty() {
        return Ok(Err(FieldError::new("from_household_no", "请填写并入本户的那一户的户编号")));
    }
    let Some(id) = state.db.household_by_no(&me.scope, no).await? else {
        return Ok(Err(FieldError::new("from_household_no", format!("在您的管辖范围内没有户编号为“{no}”的在册农户"))));
    };
    let h = state.db.household(&me.scope, id).await?;
    let members = state.db.members(&me.scope, id).await?;
    Ok(Ok(Incoming { id, head: h.head_name.unwrap_or_default(), members }))
}

fn merge_form<'a>(me: &'a CurrentUser, h: &Household, from: Option<&Incoming>, v: &Values) -> EventPage<'a> {
    let mut no = text(me, v, "from_household_no", true, "并入本户的那一户（合户后该户注销）");
    if let Some(f) = from {
        no.hint = format!("{}户，{}人", f.head, current(&f.members).count());
    }
    let rows: Vec<MemberChoice> = from
        .map(|f| {
            current(&f.members)
                .map(|m| MemberChoice {
                    name: m.data.name.clone(),
                    now: format!("原户{}", m.data.relation.wording(m.data.sex)),
                    field: relation_field(m.id),
                    move_field: String::new(),
                    moving: false,
                    options: relation_opts(v.get(&relation_field(m.id)).map(String::as_str).unwrap_or("")),
                    error: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let found = from.is_some();
    EventPage {
        me,
        hid: h.id.0,
        title: title(me, h, "title.merge"),
        intro: me.lang.f("events.merge_intro", &[("head", &h.head_name.clone().unwrap_or_default())]),
        errors: Vec::new(),
        version: v.get("version").cloned().unwrap_or_else(|| h.version.to_string()),
        before: vec![no],
        rows_label: me.lang.t("events.merge_members"),
        pick: false,
        rows,
        after: if found {
            vec![text(me, v, "effective_on", true, ""), text(me, v, "reason", true, "如 老人随子女合户")]
        } else {
            Vec::new()
        },
        refresh: if found { "" } else { me.lang.t("events.look_up") },
        submit: if found { me.lang.t("events.merge_submit") } else { "" },
    }
}

async fn merge_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let (h, _) = on_register(&state, &me, hid).await?;
    let v = Values::from([
        ("effective_on".to_owned(), me.today.to_string()),
        ("version".to_owned(), h.version.to_string()),
    ]);
    merge_form(&me, &h, None, &v).respond(&[], StatusCode::OK)
}

async fn merge(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let from = match incoming(&state, &me, &v).await? {
        Ok(f) if f.id == h.id => {
            let e = FieldError::new("from_household_no", "不能与本户合户");
            return merge_form(&me, &h, None, &v).respond(&[e], StatusCode::UNPROCESSABLE_ENTITY);
        }
        Ok(f) => f,
        Err(e) => return merge_form(&me, &h, None, &v).respond(&[e], StatusCode::UNPROCESSABLE_ENTITY),
    };
    if v.get("step").is_some_and(|s| s == "refresh") {
        return merge_form(&me, &h, Some(&from), &v).respond(&[], StatusCode::OK);
    }
    let parsed = MergeHouseholds::parse(&v, from.id, &members, &from.members, me.today);
    match save_event(&state, &h, &mut v, parsed, async |event, version| {
        state.db.merge_households(&me.scope, h.id, version, &event, &me.actor()).await
    })
    .await?
    {
        Ok(()) => Ok(saved(hid)),
        Err((errors, status)) => merge_form(&me, &h, Some(&from), &v).respond(&errors, status),
    }
}

// ---- 注销 ----

fn deregister_form<'a>(me: &'a CurrentUser, h: &Household, members: &[Member], v: &Values) -> EventPage<'a> {
    let reasons = DeregisterReason::ALL
        .iter()
        .filter(|r| **r != DeregisterReason::Merged)
        .map(|r| (r.label_zh().to_owned(), r.label_zh().to_owned()))
        .collect();
    let names: Vec<&str> = current(members).map(|m| m.data.name.as_str()).collect();
    EventPage {
        me,
        hid: h.id.0,
        title: title(me, h, "title.deregister"),
        intro: me.lang.f("events.deregister_intro", &[("names", &names.join("、"))]),
        errors: Vec::new(),
        version: v.get("version").cloned().unwrap_or_else(|| h.version.to_string()),
        before: vec![
            choice(me, v, "deregister_reason", true, reasons),
            text(me, v, "effective_on", true, ""),
            text(me, v, "note", false, "“其他”时必填；如 整户迁往郑州市"),
        ],
        rows_label: "",
        pick: false,
        rows: Vec::new(),
        after: Vec::new(),
        refresh: "",
        submit: me.lang.t("events.deregister_submit"),
    }
}

async fn deregister_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let v = Values::from([
        ("effective_on".to_owned(), me.today.to_string()),
        ("version".to_owned(), h.version.to_string()),
    ]);
    deregister_form(&me, &h, &members, &v).respond(&[], StatusCode::OK)
}

async fn deregister(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let (h, members) = on_register(&state, &me, hid).await?;
    let parsed = Deregister::parse(&v, &members, me.today);
    match save_event(&state, &h, &mut v, parsed, async |event, version| {
        state.db.deregister_household(&me.scope, h.id, version, &event, &me.actor()).await
    })
    .await?
    {
        Ok(()) => Ok(saved(hid)),
        Err((errors, status)) => deregister_form(&me, &h, &members, &v).respond(&errors, status),
    }
}
