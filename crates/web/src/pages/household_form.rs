//! 新增农户 and 修改农户信息: the household's own fields; a new household also needs its head.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::household::columns::HOUSEHOLD_COLUMNS;
use bangfu_core::household::*;
use bangfu_core::store::HouseholdStore;
use bangfu_core::{DomainError, FieldError};

use super::form::{
    FormField, Opt, conflict, field_errors, form_version, missing_version, render_form_with_pickers, require_editor,
    stale_errors,
};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/new", get(new_page).post(create))
        .route("/households/{id}/edit", get(edit_page).post(save))
}

type Values = HashMap<String, String>;

const INCOME_FIELDS: &[&str] = &["income_year", "wages", "operating", "property", "transfer", "operating_cost"];
/// Changed only through their own dated forms (更正脱贫状态), never on the edit form.
const STATUS_FIELDS: &[&str] = &["status", "exit_year"];
/// Monitoring is kept as episodes, opened and cleared on the household page: never on these forms.
const MONITORING_FIELDS: &[&str] = &["monitoring_type", "risk_identified_on", "risk_cleared_on"];
/// The head's fields on the new-household form, prefixed so they do not clash with the household's.
const HEAD_FIELDS: &[(&str, &str, &str)] = &[
    ("head_name", "name", "户主姓名"),
    ("head_sex", "sex", "户主性别"),
    ("head_id_number", "id_number", "户主证件号码"),
    ("head_ethnicity", "ethnicity", "户主民族"),
    ("head_phone", "phone", "户主联系电话"),
];

fn options<T: CodeList>(current: &str) -> Vec<Opt> {
    T::all()
        .iter()
        .map(|x| Opt { value: x.label_zh().into(), label: x.label_zh().into(), selected: x.label_zh() == current })
        .collect()
}

/// The fields a form shows: a new household shows all of them; an edit shows neither the
/// status fields nor 户类型, and the poverty-era fields only for a 脱贫户.
fn shown(field: &str, creating: bool, household_type: HouseholdType) -> bool {
    if INCOME_FIELDS.contains(&field) || MONITORING_FIELDS.contains(&field) {
        return false;
    }
    if creating {
        return true;
    }
    let poverty = POVERTY_FIELDS.iter().any(|(f, _)| *f == field);
    !STATUS_FIELDS.contains(&field) && field != "household_type" && (!poverty || household_type.has_poverty_fields())
}

fn fields(me: &CurrentUser, v: &Values, creating: bool, household_type: HouseholdType) -> Vec<FormField> {
    let mut out = Vec::new();
    for c in HOUSEHOLD_COLUMNS {
        if !shown(c.field, creating, household_type) {
            continue;
        }
        let value = v.get(c.field).cloned().unwrap_or_default();
        // The widget follows the field's kind in the catalogue: a choice for a code list or a
        // yes/no field, a text box for the rest (其他致贫原因 is typed, “、” between two causes).
        let opts = super::form::catalogue_options(c, &value);
        let hint = match c.field {
            "household_no" if creating => me.lang.t("hh.household_no_hint"),
            "other_causes" => "最多两项，用“、”分隔",
            "first_identified_on" => "如 2014-10-01",
            "household_type" => me.lang.t("hh.household_type_hint"),
            f if creating && POVERTY_FIELDS.iter().any(|(p, _)| *p == f) => me.lang.t("hh.poverty_field_hint"),
            _ => "",
        };
        out.push(FormField {
            name: c.field,
            // The picker shows villages by name: 所在村, not the column's 村代码.
            label: if c.field == "village_code" {
                me.lang.t("hh.village")
            } else {
                super::field_label(me.lang, c.field)
            },
            value,
            options: opts,
            // A new household's 户编号 may be left blank: the next number in the village is given.
            required: (c.required && !(creating && c.field == "household_no"))
                || (c.field == "household_type" && creating),
            hint: hint.into(),
            error: None,
        });
    }
    if !creating {
        out.push(FormField::of(me, v, "version", false));
    }
    if creating {
        for (name, _, _) in HEAD_FIELDS {
            let value = v.get(*name).cloned().unwrap_or_default();
            let opts = match *name {
                "head_sex" => options::<Sex>(&value),
                "head_ethnicity" => options::<Ethnicity>(&value),
                _ => Vec::new(),
            };
            let required = matches!(*name, "head_name" | "head_sex" | "head_id_number");
            out.push(FormField {
                name,
                label: super::field_label(me.lang, name),
                value,
                options: opts,
                required,
                hint: String::new(),
                error: None,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    me: &CurrentUser,
    title: String,
    back: String,
    v: &Values,
    creating: bool,
    household_type: HouseholdType,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let fields = fields(me, v, creating, household_type);
    // 所在村: a search box (or, in a small area, a drop-down grouped by township).
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let village =
        super::areas::picker(state, me, super::areas::Field::VILLAGE, (get("village_code"), get("village_code_q")))
            .await?;
    render_form_with_pickers(me, title, back, me.lang.t("form.save"), fields, errors, vec![village])
}

async fn new_page(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    require_editor(&me)?;
    // A household registered in 2026 is most often a monitored one, never a new 脱贫户 with
    // made-up poverty fields: nothing is chosen for the user here.
    let v = Values::from([("head_ethnicity".to_owned(), "汉族".to_owned())]);
    let title = me.lang.t("title.new_household").into();
    render(&state, &me, title, "/households".into(), &v, true, HouseholdType::Tuopin, &[]).await
}

async fn create(State(state): State<AppState>, me: CurrentUser, Form(v): Form<Values>) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let mut v = v;
    super::areas::fill_typed(&state, &me, &mut v, super::areas::Field::VILLAGE).await?;
    // 户编号 left blank: the village's next number (the form shows it if anything else is wrong).
    if v.get("household_no").is_none_or(|n| n.trim().is_empty())
        && let Some(village) = v.get("village_code").and_then(|c| bangfu_core::area::AreaCode::parse(c).ok())
    {
        v.insert("household_no".into(), state.db.next_household_no(&village).await?);
    }
    let mut head: Values = HEAD_FIELDS
        .iter()
        .map(|(form, field, _)| ((*field).to_owned(), v.get(*form).cloned().unwrap_or_default()))
        .collect();
    head.insert("relation".into(), "户主".into());
    // On the form 户类型 is chosen by the user; only a file from before 户类型 may leave it blank.
    let untyped = v.get("household_type").is_none_or(|t| t.trim().is_empty());
    // The head's errors come back as `members[0].field`: shown beside the form's head fields.
    let parsed = RegisterHousehold::parse(&v, &[head], me.today).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| match e.field.strip_prefix("members[0].") {
                Some(field) => {
                    let form = HEAD_FIELDS.iter().find(|(_, f, _)| *f == field).map_or("head_name", |(n, _, _)| *n);
                    FieldError::new(form, e.message)
                }
                None => e,
            })
            .collect::<Vec<_>>()
    });
    // Nothing is saved until 户类型 is chosen; the poverty-era fields depend on it, so they are
    // asked for once it is.
    let untyped_errors = |mut errors: Vec<FieldError>| {
        errors.retain(|e| e.field != "household_type" && !POVERTY_FIELDS.iter().any(|(f, _)| *f == e.field));
        errors.insert(0, FieldError::new("household_type", "请选择户类型"));
        DomainError::Invalid(errors)
    };
    let result = match parsed {
        Ok(_) if untyped => Err(untyped_errors(Vec::new())),
        Err(errors) if untyped => Err(untyped_errors(errors)),
        Ok(command) => {
            let saved = state.db.create_household(&me.scope, &command, &me.actor()).await;
            let ids: Vec<_> = command.members.iter().map(|m| &m.id_number).collect();
            state.db.route_id_conflict(&me.scope, &ids, &me.actor(), saved).await
        }
        Err(errors) => Err(DomainError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/households/{}", id.0)).into_response()),
        Err(e) => {
            render(
                &state,
                &me,
                me.lang.t("title.new_household").into(),
                "/households".into(),
                &v,
                true,
                HouseholdType::Tuopin,
                &field_errors(e)?,
            )
            .await
        }
    }
}

/// A household's current values as the form shows them (labels, 是/否).
pub(crate) fn current_values(h: &HouseholdData) -> Values {
    fn l<T: CodeList>(v: Option<T>) -> String {
        v.map(|x| x.label_zh().to_owned()).unwrap_or_default()
    }
    let f = |b: Option<bool>| b.map(|b| if b { "是" } else { "否" }.to_owned()).unwrap_or_default();
    let n = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    let o = |x: &Option<String>| x.clone().unwrap_or_default();
    let lv = &h.living;
    [
        ("household_no", h.household_no.clone()),
        ("village_code", h.village_code.to_string()),
        ("group_name", o(&h.group_name)),
        ("address", o(&h.address)),
        ("phone", o(&h.phone)),
        ("bank_name", o(&h.bank_name)),
        ("bank_account", o(&h.bank_account)),
        ("household_type", l(Some(h.household_type))),
        ("standard", l(h.standard)),
        ("attribute", l(h.attribute)),
        ("main_cause", l(h.main_cause)),
        ("other_causes", h.other_causes.iter().map(|c| c.label_zh()).collect::<Vec<_>>().join("、")),
        ("first_identified_on", h.first_identified_on.map(|d| d.to_string()).unwrap_or_default()),
        ("farmland_mu", n(lv.farmland_mu)),
        ("irrigated_mu", n(lv.irrigated_mu)),
        ("forest_mu", n(lv.forest_mu)),
        ("housing_m2", n(lv.housing_m2)),
        ("housing_structure", l(lv.housing_structure)),
        ("danger_grade", l(lv.danger_grade)),
        ("road_distance_km", n(lv.road_distance_km)),
        ("road_type", l(lv.road_type)),
        ("household_power", f(lv.household_power)),
        ("production_power", f(lv.production_power)),
        ("water_difficult", f(lv.water_difficult)),
        ("water_safe", f(lv.water_safe)),
        ("fuel", l(lv.fuel)),
        ("sanitary_toilet", f(lv.sanitary_toilet)),
        ("in_cooperative", f(lv.in_cooperative)),
        ("relocated", f(lv.relocated)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    require_editor(&me)?;
    let h = state.db.household(&me.scope, HouseholdId(id)).await?;
    let title = format!("{}：{}", me.lang.t("title.edit_household"), h.head_name.clone().unwrap_or_default());
    let mut v = current_values(&h.data);
    v.insert("version".into(), h.version.to_string());
    let t = h.data.household_type;
    render(&state, &me, title, format!("/households/{id}"), &v, false, t, &[]).await
}

async fn save(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    super::areas::fill_typed(&state, &me, &mut v, super::areas::Field::VILLAGE).await?;
    let h = state.db.household(&me.scope, HouseholdId(id)).await?;
    // What the form does not show keeps its stored value: the form never fails on a field it
    // did not offer (脱贫年度, 户类型 …), and status changes only through its own dated form.
    let stored = current_values(&h.data);
    for c in HOUSEHOLD_COLUMNS {
        if !shown(c.field, false, h.data.household_type) {
            v.insert(c.field.to_owned(), stored.get(c.field).cloned().unwrap_or_default());
        }
    }
    v.insert("status".into(), h.data.status.map(|s| s.label_zh().to_owned()).unwrap_or_default());
    v.insert("exit_year".into(), h.data.exit_year.map(|y| y.to_string()).unwrap_or_default());
    let t = h.data.household_type;
    let result = match (CorrectHousehold::parse(&v, me.today), form_version(&v)) {
        (Ok(command), Some(_)) => state.db.update_household(&me.scope, h.id, &command, &me.actor()).await,
        (_, None) => {
            v.insert("version".into(), h.version.to_string());
            let title = format!("{}：{}", me.lang.t("title.edit_household"), h.head_name.clone().unwrap_or_default());
            let page =
                render(&state, &me, title, format!("/households/{id}"), &v, false, t, &missing_version()).await?;
            return Ok(conflict(page));
        }
        (Err(e), _) => Err(DomainError::Invalid(e)),
    };
    let title = format!("{}：{}", me.lang.t("title.edit_household"), h.head_name.clone().unwrap_or_default());
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        // What the user typed stays; the form now carries the current version, so saving again
        // after checking the marked fields succeeds.
        Err(DomainError::Stale(stale)) => {
            v.insert("version".into(), stale.current_version.to_string());
            let page =
                render(&state, &me, title, format!("/households/{id}"), &v, false, t, &stale_errors(&stale)).await?;
            Ok(conflict(page))
        }
        Err(e) => render(&state, &me, title, format!("/households/{id}"), &v, false, t, &field_errors(e)?).await,
    }
}
