//! 家庭成员: correcting a member's record, with errors shown beside the fields in Chinese.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::household::columns::MEMBER_COLUMNS;
use bangfu_core::household::*;
use bangfu_core::store::HouseholdStore;

use super::form::{FormField, Opt, conflict, form_version, missing_version, require_editor, stale_errors};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/members/{mid}/edit", get(edit_page).post(save))
        .route("/households/{hid}/members/{mid}/reveal", axum::routing::post(reveal))
}

#[derive(Template)]
#[template(path = "member_edit.html")]
struct EditPage<'a> {
    me: &'a CurrentUser,
    household_id: i64,
    member_name: String,
    fields: Vec<FormField>,
    errors: Vec<String>,
}

/// The member form's fields, in the order of the national form.
pub const MEMBER_FORM_FIELDS: [&str; 30] = [
    "name",
    "sex",
    "id_kind",
    "id_number",
    "person_no",
    "relation",
    "political_status",
    "ethnicity",
    "education",
    "student_status",
    "dropout_reason",
    "health",
    "disability_category",
    "disability_grade",
    "labour",
    "migrant_work",
    "migrant_months",
    "migrant_place",
    "public_job",
    "public_job_months",
    "medical_insurance",
    "serious_illness",
    "commercial_insurance",
    "medical_aid",
    "pension_insurance",
    "dibao",
    "tekun",
    "soldier",
    "phone",
    "version",
];

/// The yes/no questions of a member; unanswered is 未填.
pub const MEMBER_FLAGS: [&str; 7] =
    ["public_job", "serious_illness", "commercial_insurance", "medical_aid", "dibao", "tekun", "soldier"];

/// The choices of a member field, as the field catalogue gives its kind: a code list's labels,
/// 是/否 for a yes/no question, check boxes for several values; none for free text.
pub fn member_options(name: &str, value: &str) -> Vec<Opt> {
    MEMBER_COLUMNS.iter().find(|c| c.field == name).map_or_else(Vec::new, |c| super::form::catalogue_options(c, value))
}

/// A hint under a member field, if it needs one.
pub fn member_hint(name: &str) -> &'static str {
    match name {
        "id_number" => "18位居民身份证号；残疾人证为20位（身份证号加残疾类别、等级各1位）",
        "migrant_place" => "填写了务工时间时必填，如 广东省东莞市",
        "dropout_reason" => "仅6至16周岁未在校的儿童填写",
        _ => "",
    }
}

/// The form's fields with the values to show (current or as typed) and their errors.
fn form_fields(
    lang: crate::i18n::Lang,
    values: &HashMap<String, String>,
    errors: &[bangfu_core::FieldError],
    masked_id: &str,
) -> Vec<FormField> {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    MEMBER_FORM_FIELDS
        .iter()
        .map(|&name| {
            let col = MEMBER_COLUMNS.iter().find(|c| c.field == name);
            let value = v(name);
            FormField {
                name,
                label: super::field_label(lang, name),
                options: member_options(name, &value),
                value,
                required: col.is_some_and(|c| c.required) && name != "id_number",
                hint: if name == "id_number" {
                    format!("现为 {masked_id}；不修改请留空")
                } else {
                    member_hint(name).to_owned()
                },
                error: errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
            }
        })
        .collect()
}

/// A member's current values as the form shows them (labels, 是/否, blank for 未填);
/// the ID is never pre-filled.
fn current_values(m: &MemberData) -> HashMap<String, String> {
    fn l<T: CodeList>(v: Option<T>) -> String {
        v.map(|x| x.label_zh().to_owned()).unwrap_or_default()
    }
    let f = |b: Option<bool>| b.map(|b| if b { "是" } else { "否" }).unwrap_or_default().to_owned();
    let n = |x: Option<i32>| x.map(|x| x.to_string()).unwrap_or_default();
    [
        ("name", m.name.clone()),
        ("sex", l(Some(m.sex))),
        ("id_kind", l(Some(m.id_kind))),
        ("person_no", m.person_no.clone().unwrap_or_default()),
        ("relation", l(Some(m.relation))),
        ("political_status", l(m.political_status)),
        ("ethnicity", l(m.ethnicity)),
        ("education", l(m.education)),
        ("student_status", l(m.student_status)),
        ("dropout_reason", l(m.dropout_reason)),
        ("health", m.health.map(|h| h.label_zh()).unwrap_or_default()),
        ("disability_category", l(m.disability_category)),
        ("disability_grade", l(m.disability_grade)),
        ("labour", l(m.labour)),
        ("migrant_work", l(m.migrant_work)),
        ("migrant_months", n(m.migrant_months)),
        ("migrant_place", m.migrant_place.clone().unwrap_or_default()),
        ("public_job", f(m.public_job)),
        ("public_job_months", n(m.public_job_months)),
        ("medical_insurance", l(m.medical_insurance)),
        ("serious_illness", f(m.serious_illness)),
        ("commercial_insurance", f(m.commercial_insurance)),
        ("medical_aid", f(m.medical_aid)),
        ("pension_insurance", l(m.pension_insurance)),
        ("dibao", f(m.dibao)),
        ("tekun", f(m.tekun)),
        ("soldier", f(m.soldier)),
        ("phone", m.phone.clone().unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn load(state: &AppState, me: &CurrentUser, hid: i64, mid: i64) -> Result<Member, PageError> {
    let m = state.db.member(&me.scope, MemberId(mid)).await?;
    if m.household_id.0 != hid || m.left_on.is_some() {
        return Err(PageError::NotFound);
    }
    Ok(m)
}

async fn edit_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((hid, mid)): Path<(i64, i64)>,
) -> Result<Html<String>, PageError> {
    require_editor(&me)?;
    let m = load(&state, &me, hid, mid).await?;
    let page = EditPage {
        me: &me,
        household_id: hid,
        member_name: m.data.name.clone(),
        fields: form_fields(
            me.lang,
            &current_values(&m.data).into_iter().chain([("version".to_owned(), m.version.to_string())]).collect(),
            &[],
            &m.data.id_number.masked(),
        ),
        errors: Vec::new(),
    };
    Ok(Html(page.render()?))
}

async fn save(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((hid, mid)): Path<(i64, i64)>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_csrf(form.get("_csrf").map(String::as_str).unwrap_or(""))?;
    // A member who left since the form was opened is not "not found": the save is stale, and says so.
    let m = state.db.member(&me.scope, MemberId(mid)).await?;
    if m.household_id.0 != hid {
        return Err(PageError::NotFound);
    }
    super::form::join_checked(&mut form);
    let typed_id = form.get("id_number").map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut fields = form.clone();
    if typed_id.is_empty() {
        let kind = form.get("id_kind").map(String::as_str).unwrap_or("");
        fields.insert("id_number".into(), m.data.kept_document_number(kind));
    }
    fields.insert("joined_on".into(), m.data.joined_on.map(|d| d.to_string()).unwrap_or_default());
    fields.insert("join_reason".into(), m.data.join_reason.clone().unwrap_or_default());
    let result = match (CorrectMember::parse(&fields, me.today), form_version(&form)) {
        (Ok(command), Some(_)) => {
            let saved = state.db.update_member(&me.scope, MemberId(mid), &command, &me.actor()).await.map(|_| ());
            state.db.route_id_conflict(&me.scope, &[&command.member.id_number], &me.actor(), saved).await
        }
        (_, None) => {
            form.insert("version".into(), m.version.to_string());
            return Ok(conflict(rerender(&me, hid, &m, &mut form, missing_version())?));
        }
        (Err(errors), _) => Err(DomainError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        // What the user typed stays, at the current version, with the other person's changes marked.
        Err(DomainError::Stale(stale)) => {
            form.insert("version".into(), stale.current_version.to_string());
            Ok(conflict(rerender(&me, hid, &m, &mut form, stale_errors(&stale))?))
        }
        Err(DomainError::Invalid(errors)) => Ok(rerender(&me, hid, &m, &mut form, errors)?),
        Err(DomainError::Conflict { field, message }) => {
            Ok(rerender(&me, hid, &m, &mut form, vec![bangfu_core::FieldError::new(field, message)])?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Shows the form again with what the user typed and every error beside its field; nothing was saved.
fn rerender(
    me: &CurrentUser,
    hid: i64,
    m: &Member,
    form: &mut HashMap<String, String>,
    errors: Vec<bangfu_core::FieldError>,
) -> Result<Response, PageError> {
    form.remove("_csrf");
    let messages = errors
        .iter()
        .map(|e| {
            let label = if MEMBER_COLUMNS.iter().any(|c| c.field == e.field) {
                super::field_label(me.lang, &e.field)
            } else {
                ""
            };
            if label.is_empty() { e.message.clone() } else { format!("{label}：{}", e.message) }
        })
        .collect();
    let page = EditPage {
        me,
        household_id: hid,
        member_name: m.data.name.clone(),
        fields: form_fields(me.lang, form, &errors, &m.data.id_number.masked()),
        errors: messages,
    };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "member_reveal.html")]
struct RevealPage<'a> {
    me: &'a CurrentUser,
    household_id: i64,
    name: String,
    id_number: String,
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// 查看完整证件号码: shown only on request, to roles that work with households, and audited.
async fn reveal(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((hid, mid)): Path<(i64, i64)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Html<String>, PageError> {
    require_editor(&me)?;
    me.check_csrf(&form.csrf)?;
    let m = load(&state, &me, hid, mid).await?;
    let area = state.db.household(&me.scope, m.household_id).await?.data.village_code;
    let entry = bangfu_core::audit::AuditEntry::new(&me.actor(), bangfu_core::audit::AuditAction::RevealId).object(
        "member",
        mid,
        Some(area.as_str()),
    );
    state.db.audit(&entry).await?;
    let page =
        RevealPage { me: &me, household_id: hid, name: m.data.name.clone(), id_number: m.data.document_number() };
    Ok(Html(page.render()?))
}
