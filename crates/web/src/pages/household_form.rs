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
    FormField, Opt, conflict, field_errors, form_version, missing_version, render_form, require_editor, stale_errors,
    today,
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
const STATUS_FIELDS: &[&str] = &["status", "exit_year", "monitoring_type", "risk_identified_on", "risk_cleared_on"];
const FLAGS: &[&str] = &[
    "household_power",
    "production_power",
    "water_difficult",
    "water_safe",
    "sanitary_toilet",
    "in_cooperative",
    "relocated",
];
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

async fn fields(state: &AppState, me: &CurrentUser, v: &Values, creating: bool) -> Result<Vec<FormField>, PageError> {
    let villages = state.db.villages(&me.scope).await?;
    let mut out = Vec::new();
    for c in HOUSEHOLD_COLUMNS {
        if INCOME_FIELDS.contains(&c.field) || (!creating && STATUS_FIELDS.contains(&c.field)) {
            continue;
        }
        let value = v.get(c.field).cloned().unwrap_or_default();
        let opts = match c.field {
            "village_code" => villages
                .iter()
                .map(|a| Opt { value: a.code.to_string(), label: a.name.clone(), selected: a.code.as_str() == value })
                .collect(),
            "standard" => options::<IdentificationStandard>(&value),
            "attribute" => options::<PovertyAttribute>(&value),
            "main_cause" => options::<PovertyCause>(&value),
            "status" => options::<PovertyStatus>(&value),
            "monitoring_type" => options::<MonitoringType>(&value),
            "housing_structure" => options::<HousingStructure>(&value),
            "danger_grade" => options::<DangerGrade>(&value),
            "road_type" => options::<RoadType>(&value),
            "fuel" => options::<Fuel>(&value),
            f if FLAGS.contains(&f) => ["否", "是"]
                .iter()
                .map(|x| Opt { value: (*x).into(), label: (*x).into(), selected: *x == value })
                .collect(),
            _ => Vec::new(),
        };
        let hint = match c.field {
            "other_causes" => "最多两项，用“、”分隔",
            "first_identified_on" => "如 2014-10-01",
            _ => "",
        };
        out.push(FormField {
            name: c.field,
            label: super::field_label(me.lang, c.field),
            value,
            options: opts,
            required: c.required,
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
    Ok(out)
}

async fn render(
    state: &AppState,
    me: &CurrentUser,
    title: String,
    back: String,
    v: &Values,
    creating: bool,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let fields = fields(state, me, v, creating).await?;
    render_form(me, title, back, me.lang.t("form.save"), fields, errors)
}

async fn new_page(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    require_editor(&me)?;
    let v = Values::from([
        ("standard".to_owned(), "国家标准".to_owned()),
        ("attribute".to_owned(), "一般贫困户".to_owned()),
        ("status".to_owned(), "未脱贫".to_owned()),
        ("first_identified_on".to_owned(), today().to_string()),
        ("head_ethnicity".to_owned(), "汉族".to_owned()),
    ]);
    render(&state, &me, me.lang.t("title.new_household").into(), "/households".into(), &v, true, &[]).await
}

async fn create(State(state): State<AppState>, me: CurrentUser, Form(v): Form<Values>) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let mut head: Values = HEAD_FIELDS
        .iter()
        .map(|(form, field, _)| ((*field).to_owned(), v.get(*form).cloned().unwrap_or_default()))
        .collect();
    head.insert("relation".into(), "户主".into());
    let household = HouseholdData::parse(&v, today());
    let member = MemberData::parse(&head, today()).map_err(|errs| {
        errs.into_iter()
            .map(|e| {
                let form = HEAD_FIELDS.iter().find(|(_, f, _)| *f == e.field).map_or("head_name", |(n, _, _)| *n);
                FieldError::new(form, e.message)
            })
            .collect::<Vec<_>>()
    });
    let result = match (household, member) {
        (Ok(h), Ok(m)) => state.db.create_household(&me.scope, &h, &[m], None, &me.actor()).await,
        (h, m) => {
            let mut errors = h.err().unwrap_or_default();
            errors.extend(m.err().unwrap_or_default());
            Err(DomainError::Invalid(errors))
        }
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
    let f = |b: bool| if b { "是" } else { "否" }.to_owned();
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
        ("standard", l(Some(h.standard))),
        ("attribute", l(Some(h.attribute))),
        ("main_cause", l(Some(h.main_cause))),
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
    render(&state, &me, title, format!("/households/{id}"), &v, false, &[]).await
}

async fn save(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let h = state.db.household(&me.scope, HouseholdId(id)).await?;
    // Status and monitoring keep their values here; they change only through their own form.
    v.insert("status".into(), h.data.status.label_zh().into());
    v.insert("exit_year".into(), h.data.exit_year.map(|y| y.to_string()).unwrap_or_default());
    v.insert("monitoring_type".into(), h.data.monitoring_type.map(|m| m.label_zh().to_owned()).unwrap_or_default());
    v.insert("risk_identified_on".into(), h.data.risk_identified_on.map(|d| d.to_string()).unwrap_or_default());
    v.insert("risk_cleared_on".into(), h.data.risk_cleared_on.map(|d| d.to_string()).unwrap_or_default());
    let result = match (HouseholdData::parse(&v, today()), form_version(&v)) {
        (Ok(data), Some(version)) => state.db.update_household(&me.scope, h.id, version, &data, &me.actor()).await,
        (Ok(_), None) => {
            v.insert("version".into(), h.version.to_string());
            let title = format!("{}：{}", me.lang.t("title.edit_household"), h.head_name.clone().unwrap_or_default());
            let page = render(&state, &me, title, format!("/households/{id}"), &v, false, &missing_version()).await?;
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
                render(&state, &me, title, format!("/households/{id}"), &v, false, &stale_errors(&stale)).await?;
            Ok(conflict(page))
        }
        Err(e) => render(&state, &me, title, format!("/households/{id}"), &v, false, &field_errors(e)?).await,
    }
}
