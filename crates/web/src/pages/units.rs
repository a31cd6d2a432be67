//! 帮扶单位: the list for staff, and the form a district admin creates and corrects units with.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::FieldError;
use bangfu_core::assistance::{UnitData, UnitLevel};
use bangfu_core::auth::Permission;
use bangfu_core::store::UnitStore;

use super::form::{FormField, Opt, field_errors, parse_then};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(list))
        .route("/units/new", get(new_page).post(create))
        .route("/units/{id}/edit", get(edit_page).post(update))
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<UnitRow>,
    total: i64,
    pager: super::Pager,
    can_manage: bool,
    saved: bool,
}

struct UnitRow {
    id: i64,
    name: String,
    level: &'static str,
    area: String,
    /// Inside the user's own area (a 市直 unit is listed, not corrected, by a district admin).
    editable: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    saved: Option<String>,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

const UNITS_PAGE: u32 = 50;

fn level_label(me: &CurrentUser, l: UnitLevel) -> &'static str {
    me.lang.t(&format!("unit.level.{}", l.code()))
}

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    // Units are few enough to read whole (a province has a few thousand); a page shows 50.
    let all = state.db.units(&me.scope).await?;
    let total = all.len() as i64;
    let number = q.page.0;
    let rows = all
        .into_iter()
        .skip((number as usize - 1) * UNITS_PAGE as usize)
        .take(UNITS_PAGE as usize)
        .map(|u| UnitRow {
            id: u.id.0,
            level: level_label(&me, u.level),
            editable: me.scope.contains(&u.area_code),
            name: u.name,
            area: u.area_name,
        })
        .collect();
    let pager = super::Pager::new("/units?", number, total, UNITS_PAGE);
    let page = UnitsPage {
        me: &me,
        rows,
        total,
        pager,
        can_manage: me.may(Permission::ManageUnits),
        saved: q.saved.is_some(),
    };
    Ok(Html(page.render()?))
}

async fn unit_form(
    state: &AppState,
    me: &CurrentUser,
    title: String,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let mut name = FormField::of(me, v, "name", true);
    name.label = me.lang.t("unit.name");
    let mut level = FormField::of(me, v, "level", true);
    level.label = me.lang.t("unit.level");
    level.options = UnitLevel::ALL
        .iter()
        .map(|l| Opt { value: l.code().into(), label: level_label(me, *l).into(), selected: l.code() == level.value })
        .collect();
    let mut area = FormField::of(me, v, "area_code", true);
    area.label = me.lang.t("unit.area");
    area.hint = me.lang.t("unit.area_hint").to_owned();
    let picker = super::form::area_code_picker(state, me, v).await?;
    let mut fields = vec![name, level, area];
    // A correction carries the version it was read at (hidden); a new unit has none.
    if v.contains_key("version") {
        fields.push(FormField::of(me, v, "version", false));
    }
    super::form::render_form_with_pickers(
        me,
        title,
        "/units".into(),
        me.lang.t("form.save"),
        fields,
        errors,
        vec![picker],
    )
}

async fn new_page(State(state): State<AppState>, me: Require<perm::ManageUnits>) -> Result<Response, PageError> {
    let v = HashMap::from([("level".to_owned(), UnitLevel::County.code().to_owned())]);
    unit_form(&state, &me, me.lang.t("title.new_unit").to_owned(), &v, &[]).await
}

async fn create(
    State(state): State<AppState>,
    me: Require<perm::ManageUnits>,
    Form(mut v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    super::form::fill_area_code(&state, &me, &mut v).await?;
    let result =
        parse_then(UnitData::parse(&v), async |data| state.db.create_unit(&me.scope, &data, &me.actor()).await).await;
    match result {
        Ok(_) => Ok(Redirect::to("/units?saved=1").into_response()),
        Err(e) => unit_form(&state, &me, me.lang.t("title.new_unit").to_owned(), &v, &field_errors(e)?).await,
    }
}

/// The unit, if the admin's area holds it (a 市直 unit is listed, not corrected, here).
async fn editable(state: &AppState, me: &CurrentUser, id: i64) -> Result<bangfu_core::assistance::Unit, PageError> {
    let u = state.db.unit(&me.scope, bangfu_core::ids::UnitId(id)).await?;
    if me.scope.contains(&u.area_code) { Ok(u) } else { Err(PageError::NotFound) }
}

async fn edit_page(
    State(state): State<AppState>,
    me: Require<perm::ManageUnits>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = editable(&state, &me, id).await?;
    let v = HashMap::from([
        ("name".to_owned(), u.name.clone()),
        ("level".to_owned(), u.level.code().to_owned()),
        ("area_code".to_owned(), u.area_code.to_string()),
        ("version".to_owned(), u.version.to_string()),
    ]);
    unit_form(&state, &me, format!("{} · {}", me.lang.t("title.edit_unit"), u.name), &v, &[]).await
}

async fn update(
    State(state): State<AppState>,
    me: Require<perm::ManageUnits>,
    Path(id): Path<i64>,
    Form(mut v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let u = editable(&state, &me, id).await?;
    me.check_form_csrf(&v)?;
    super::form::fill_area_code(&state, &me, &mut v).await?;
    let title = format!("{} · {}", me.lang.t("title.edit_unit"), u.name);
    let Some(version) = super::form::form_version(&v) else {
        v.insert("version".into(), u.version.to_string());
        return Ok(super::form::conflict(unit_form(&state, &me, title, &v, &super::form::missing_version()).await?));
    };
    let result = parse_then(UnitData::parse(&v), async |data| {
        state.db.update_unit(&me.scope, bangfu_core::ids::UnitId(id), version, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/units?saved=1").into_response()),
        // What was typed stays, at the current version, with the other person's change named on top.
        Err(bangfu_core::DomainError::Stale(stale)) => {
            v.insert("version".into(), stale.current_version.to_string());
            Ok(super::form::conflict(unit_form(&state, &me, title, &v, &super::form::stale_errors(&stale)).await?))
        }
        Err(e) => unit_form(&state, &me, title, &v, &field_errors(e)?).await,
    }
}
