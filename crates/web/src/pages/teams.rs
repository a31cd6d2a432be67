//! 驻村工作队 (village work teams, with warnings), 结对帮扶 (pairings of units with townships
//! and villages), and the district's worklist setting (visit interval).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::area::AreaCode;
use bangfu_core::assistance::{PairingData, TeamMemberData, TeamRole};
use bangfu_core::auth::Permission;
use bangfu_core::store::{AreaStore, Page, TeamStore, UnitStore, WorklistStore};
use bangfu_core::{DomainError, FieldError};

use super::form::{FormField, Opt, field_errors, parse_then, render_form};
use super::work::show_date;
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams))
        .route("/teams/{village}", get(team))
        .route("/teams/{village}/members/new", get(member_page).post(member_save))
        .route("/team-members/{id}/recall", get(recall_page).post(recall_save))
        .route("/pairings", get(pairings))
        .route("/pairings/new", get(pairing_page).post(pairing_save))
        .route("/pairings/{id}/end", post(pairing_end))
        .route("/settings", get(settings_page).post(settings_save))
}

// ---------------------------------------------------------------- teams

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<TeamRow>,
    short: usize,
    area_name: String,
    /// 区划: a township (or any area below the user's), searched or chosen from a few.
    area: super::areas::Picker,
    total: i64,
    page: u32,
    pages: u32,
    /// `area=…&` for the pager's links, or empty.
    area_query: String,
}

struct TeamRow {
    code: String,
    village: String,
    size: usize,
    leader: String,
    warnings: String,
    /// 重点帮扶村.
    key: bool,
}

/// Villages per page: a province has 52 378.
const TEAMS_PAGE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct AreaQuery {
    area: Option<String>,
    #[serde(default)]
    area_q: String,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

async fn teams(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(mut q): Query<AreaQuery>,
) -> Result<Html<String>, PageError> {
    if q.area.as_deref().is_none_or(|a| a.trim().is_empty())
        && let Some(code) = super::areas::resolve_typed(&state, &me, super::areas::Field::FILTER, &q.area_q).await?
    {
        q.area = Some(code.to_string());
    }
    let under = me.scope.sub_area(q.area.as_deref())?;
    let page = q.page.0;
    let (list, total) = state.db.teams(&me.scope, under.as_ref(), Page { number: page, size: TEAMS_PAGE }).await?;
    let rows: Vec<TeamRow> = list
        .iter()
        .map(|t| TeamRow {
            code: t.village_code.to_string(),
            village: t.village_name.clone(),
            size: t.members.len(),
            leader: t
                .members
                .iter()
                .find(|m| m.data.role != TeamRole::Member)
                .map(|m| format!("{}（{}）", m.data.name, me.lang.label(&m.data.role)))
                .unwrap_or_default(),
            warnings: t.warnings().join("；"),
            key: t.key_village == Some(true),
        })
        .collect();
    let chosen = under.as_ref().map(|c| c.to_string()).unwrap_or_default();
    let area = super::areas::picker(&state, &me, super::areas::Field::FILTER, (&chosen, &q.area_q)).await?;
    let area_name = match &under {
        Some(code) => state.db.area(code).await?.map(|a| a.name).unwrap_or_default(),
        None => me.area_name.clone(),
    };
    let short = rows.iter().filter(|r| !r.warnings.is_empty()).count();
    let pages = (total as u32).div_ceil(TEAMS_PAGE).max(1);
    let area_query = if chosen.is_empty() { String::new() } else { format!("area={chosen}&") };
    Ok(Html(TeamsPage { me: &me, rows, short, area_name, area, total, page, pages, area_query }.render()?))
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage<'a> {
    me: &'a CurrentUser,
    code: String,
    village: String,
    warnings: Vec<String>,
    members: Vec<MemberRow>,
    can_manage: bool,
}

struct MemberRow {
    id: i64,
    name: String,
    role: &'static str,
    unit: String,
    phone: String,
    since: String,
}

async fn team(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(village): Path<String>,
) -> Result<Html<String>, PageError> {
    let code = AreaCode::parse(&village).map_err(|_| PageError::NotFound)?;
    let t = state.db.team(&me.scope, &code).await?;
    let page = TeamPage {
        me: &me,
        code: code.to_string(),
        village: t.village_name.clone(),
        warnings: t.warnings(),
        members: t
            .members
            .iter()
            .map(|m| MemberRow {
                id: m.id.0,
                name: m.data.name.clone(),
                role: me.lang.label(&m.data.role),
                unit: m.unit_name.clone().unwrap_or_default(),
                phone: m.data.phone.clone().unwrap_or_default(),
                since: show_date(me.lang, m.data.start_on),
            })
            .collect(),
        can_manage: me.may(Permission::ArrangeWork),
    };
    Ok(Html(page.render()?))
}

async fn unit_options(state: &AppState, me: &CurrentUser, selected: &str) -> Result<Vec<Opt>, PageError> {
    Ok(state
        .db
        .units(&me.scope)
        .await?
        .into_iter()
        .map(|u| Opt { selected: u.id.to_string() == selected, value: u.id.to_string(), label: u.name })
        .collect())
}

async fn member_form(
    state: &AppState,
    me: &CurrentUser,
    code: &AreaCode,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let t = state.db.team(&me.scope, code).await?;
    let mut role = FormField::of(me, v, "role", true);
    role.options = TeamRole::ALL
        .iter()
        .map(|r| Opt { value: r.code().into(), label: me.lang.label(r).into(), selected: r.code() == role.value })
        .collect();
    let mut unit = FormField::of(me, v, "unit_id", false);
    unit.options = unit_options(state, me, &unit.value).await?;
    let fields = vec![
        FormField::of(me, v, "name", true),
        role,
        unit,
        FormField::of(me, v, "phone", false),
        FormField::of(me, v, "start_on", true),
    ];
    let title = format!("{} · {}", t.village_name, me.lang.t("title.team_member"));
    render_form(me, title, format!("/teams/{code}"), me.lang.t("form.save"), fields, errors)
}

async fn member_page(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(village): Path<String>,
) -> Result<Response, PageError> {
    let code = AreaCode::parse(&village).map_err(|_| PageError::NotFound)?;
    state.db.team(&me.scope, &code).await?;
    let v = HashMap::from([("start_on".to_owned(), me.today.to_string()), ("role".to_owned(), "member".to_owned())]);
    member_form(&state, &me, &code, &v, &[]).await
}

async fn member_save(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(village): Path<String>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let code = AreaCode::parse(&village).map_err(|_| PageError::NotFound)?;
    state.db.team(&me.scope, &code).await?;
    me.check_form_csrf(&v)?;
    let result = parse_then(TeamMemberData::parse(&v, me.today), async |data| {
        state.db.add_team_member(&me.scope, &code, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/teams/{code}")).into_response()),
        Err(e) => member_form(&state, &me, &code, &v, &field_errors(e)?).await,
    }
}

/// The team member's village and name, if it lies inside the user's area.
async fn member_village(state: &AppState, me: &CurrentUser, id: i64) -> Result<(AreaCode, String), PageError> {
    let m = state.db.team_member(&me.scope, bangfu_core::ids::TeamMemberId(id)).await?;
    Ok((m.village_code, m.data.name))
}

async fn recall_form(
    me: &CurrentUser,
    village: &AreaCode,
    name: &str,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let fields = vec![FormField::of(me, v, "end_on", true), FormField::of(me, v, "reason", true)];
    let title = format!("{} · {name}", me.lang.t("title.recall"));
    render_form(me, title, format!("/teams/{village}"), me.lang.t("form.save"), fields, errors)
}

async fn recall_page(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (village, name) = member_village(&state, &me, id).await?;
    let v = HashMap::from([("end_on".to_owned(), me.today.to_string())]);
    recall_form(&me, &village, &name, &v, &[]).await
}

async fn recall_save(
    State(state): State<AppState>,
    me: Require<perm::ArrangeWork>,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (village, name) = member_village(&state, &me, id).await?;
    me.check_form_csrf(&v)?;
    let on = v.get("end_on").and_then(|s| bangfu_core::household::parse_date(s));
    let result = match on {
        Some(on) => {
            state
                .db
                .end_team_member(
                    &me.scope,
                    bangfu_core::ids::TeamMemberId(id),
                    on,
                    v.get("reason").map(String::as_str).unwrap_or(""),
                    &me.actor(),
                )
                .await
        }
        None => Err(DomainError::invalid("end_on", "请填写召回日期")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{village}")).into_response()),
        Err(e) => recall_form(&me, &village, &name, &v, &field_errors(e)?).await,
    }
}

// ---------------------------------------------------------------- pairings

#[derive(Template)]
#[template(path = "pairings.html")]
struct PairingsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<PairingRow>,
    pager: super::Pager,
    can_manage: bool,
}

const PAIRINGS_PAGE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

struct PairingRow {
    id: i64,
    unit: String,
    area: String,
    period: String,
    note: String,
    current: bool,
}

async fn pairings(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let page = q.page.0;
    let (found, total) = state.db.pairing_page(&me.scope, Page { number: page, size: PAIRINGS_PAGE }).await?;
    let pager = super::Pager::new("/pairings?", page, total, PAIRINGS_PAGE);
    let rows = found
        .into_iter()
        .map(|p| PairingRow {
            id: p.id.0,
            unit: p.unit_name,
            area: p.area_name,
            period: match p.end_on {
                Some(end) => format!("{} — {}", show_date(me.lang, p.start_on), show_date(me.lang, end)),
                None => format!("{} {}", show_date(me.lang, p.start_on), me.lang.t("pairing.since")),
            },
            note: p.note.unwrap_or_default(),
            current: p.end_on.is_none(),
        })
        .collect();
    Ok(Html(PairingsPage { me: &me, rows, pager, can_manage: me.may(Permission::PairUnits) }.render()?))
}

async fn pairing_form(
    state: &AppState,
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let mut unit = FormField::of(me, v, "unit_id", true);
    unit.options = unit_options(state, me, &unit.value).await?;
    let mut area = FormField::of(me, v, "area_code", true);
    area.hint = me.lang.t("pairing.area_hint").to_owned();
    // A township or a village: searched by name (a province has 2 586 townships), or a drop-down.
    let typed = v.get("area_code_q").map(String::as_str).unwrap_or("");
    let picker = super::areas::picker(state, me, super::areas::Field::area_code(false), (&area.value, typed)).await?;
    let fields = vec![unit, area, FormField::of(me, v, "start_on", true), FormField::of(me, v, "note", false)];
    let title = me.lang.t("title.pairing").to_owned();
    super::form::render_form_with_pickers(
        me,
        title,
        "/pairings".into(),
        me.lang.t("form.save"),
        fields,
        errors,
        vec![picker],
    )
}

async fn pairing_page(State(state): State<AppState>, me: Require<perm::PairUnits>) -> Result<Response, PageError> {
    let v = HashMap::from([("start_on".to_owned(), me.today.to_string())]);
    pairing_form(&state, &me, &v, &[]).await
}

async fn pairing_save(
    State(state): State<AppState>,
    me: Require<perm::PairUnits>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let mut v = v;
    super::areas::fill_typed(&state, &me, &mut v, super::areas::Field::area_code(false)).await?;
    let result = parse_then(PairingData::parse(&v, me.today), async |data| {
        state.db.create_pairing(&me.scope, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/pairings").into_response()),
        Err(e) => pairing_form(&state, &me, &v, &field_errors(e)?).await,
    }
}

async fn pairing_end(
    State(state): State<AppState>,
    me: Require<perm::PairUnits>,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !state.db.pairings(&me.scope).await?.iter().any(|p| p.id == bangfu_core::ids::PairingId(id)) {
        return Err(PageError::NotFound);
    }
    me.check_form_csrf(&v)?;
    match state.db.end_pairing(&me.scope, bangfu_core::ids::PairingId(id), me.today, &me.actor()).await {
        Ok(()) | Err(DomainError::Invalid(_)) => Ok(Redirect::to("/pairings").into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- settings

async fn settings_form(
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let mut f = FormField::of(me, v, "visit_interval_days", true);
    f.hint = me.lang.t("settings.interval_hint").to_owned();
    render_form(me, me.lang.t("title.settings").to_owned(), "/worklist".into(), me.lang.t("form.save"), vec![f], errors)
}

/// District-wide settings: the permission, and an account of the district or above.
fn district_wide(me: &CurrentUser) -> Result<(), PageError> {
    if me.scope.is_district_wide() { Ok(()) } else { Err(PageError::Denied(Permission::ManageSettings)) }
}

async fn settings_page(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
) -> Result<Response, PageError> {
    district_wide(&me)?;
    let v = HashMap::from([("visit_interval_days".to_owned(), state.db.visit_interval_days().await?.to_string())]);
    settings_form(&me, &v, &[]).await
}

async fn settings_save(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    district_wide(&me)?;
    me.check_form_csrf(&v)?;
    let result = match bangfu_core::assistance::worklist::parse_visit_interval(
        v.get("visit_interval_days").map(String::as_str).unwrap_or(""),
    ) {
        Ok(days) => state.db.set_visit_interval_days(&me.scope, days, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(vec![e])),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/worklist?reason=not_visited").into_response()),
        Err(e) => settings_form(&me, &v, &field_errors(e)?).await,
    }
}
