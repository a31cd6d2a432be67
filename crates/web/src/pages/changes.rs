//! Changes to a household that people make every day: a member joins or leaves, a status
//! or monitoring change (income: incomes.rs). Each is a small form; each is audited by storage.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::household::*;
use bangfu_core::store::HouseholdStore;
use bangfu_core::{DomainError, FieldError};
use chrono::NaiveDate;

use super::form::{FormField, Opt, field_errors, render_form, require_district, require_editor};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/members/new", get(join_page).post(join))
        .route("/households/{hid}/members/{mid}/leave", get(leave_page).post(leave))
        .route("/households/{hid}/status", get(status_page).post(status))
}

type Values = HashMap<String, String>;

fn text(lang: crate::i18n::Lang, name: &'static str, required: bool, hint: &str, v: &Values) -> FormField {
    FormField {
        name,
        label: super::field_label(lang, name),
        value: v.get(name).cloned().unwrap_or_default(),
        options: Vec::new(),
        required,
        hint: hint.into(),
        error: None,
    }
}

fn select<T: CodeList>(lang: crate::i18n::Lang, name: &'static str, required: bool, v: &Values) -> FormField {
    let label = super::field_label(lang, name);
    let current = v.get(name).cloned().unwrap_or_default();
    let options = T::all()
        .iter()
        .map(|x| Opt { value: x.label_zh().into(), label: x.label_zh().into(), selected: x.label_zh() == current })
        .collect();
    FormField { name, label, value: current, options, required, hint: String::new(), error: None }
}

fn render(
    me: &CurrentUser,
    hid: i64,
    title: String,
    submit: &'static str,
    fields: Vec<FormField>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    render_form(me, title, format!("/households/{hid}"), submit, fields, errors)
}

fn date_field(v: &Values, name: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let raw = v.get(name).map(String::as_str).unwrap_or("").trim();
    match parse_date(raw) {
        Some(d) if d > today => Err(FieldError::new(name, "日期不能晚于今天")),
        Some(d) => Ok(d),
        None if raw.is_empty() => Err(FieldError::new(name, "请填写日期")),
        None => Err(FieldError::new(name, format!("“{raw}”不是有效日期"))),
    }
}

// ---- 增员: a member joins (birth, marriage, return) ----

fn join_fields(lang: crate::i18n::Lang, v: &Values) -> Vec<FormField> {
    use super::members::{MEMBER_FORM_FIELDS, member_hint, member_options};
    let required = ["name", "sex", "id_number", "relation"];
    // A new member has no version yet.
    let mut fields: Vec<FormField> = MEMBER_FORM_FIELDS
        .iter()
        .filter(|&&name| name != "version")
        .map(|&name| {
            let mut f = text(lang, name, required.contains(&name), member_hint(name), v);
            f.options = member_options(name, &f.value);
            f
        })
        .collect();
    fields.push(text(lang, "joined_on", true, "", v));
    fields.push(text(lang, "join_reason", true, "如 出生、婚入、投靠", v));
    fields
}

async fn join_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let v = Values::from([("joined_on".to_owned(), me.today.to_string())]);
    render(
        &me,
        hid,
        format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.join")),
        me.lang.t("form.save"),
        join_fields(me.lang, &v),
        &[],
    )
}

async fn join(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(mut v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    super::form::join_checked(&mut v);
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let result = match MemberJoins::parse(&v, me.today) {
        Ok(command) => {
            let saved = state.db.add_member(&me.scope, h.id, &command, &me.actor()).await.map(|_| ());
            state.db.route_id_conflict(&me.scope, &[&command.member.id_number], &me.actor(), saved).await
        }
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(e) => render(
            &me,
            hid,
            format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.join")),
            me.lang.t("form.save"),
            join_fields(me.lang, &v),
            &field_errors(e)?,
        ),
    }
}

// ---- 减员: a member leaves (death, marriage out, split household) ----

fn leave_fields(lang: crate::i18n::Lang, v: &Values) -> Vec<FormField> {
    vec![text(lang, "left_on", true, "", v), text(lang, "left_reason", true, "如 死亡、婚出、分户、迁出", v)]
}

async fn leave_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((hid, mid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let m = state.db.member(&me.scope, MemberId(mid)).await?;
    if m.household_id.0 != hid || m.left_on.is_some() {
        return Err(PageError::NotFound);
    }
    // The head never simply leaves: a new head is named (户主变更), or, when nobody else is left,
    // the household is deregistered.
    if m.data.relation == Relation::Head {
        let others = state.db.household(&me.scope, m.household_id).await?.size - 1;
        let to = if others > 0 {
            format!("/households/{hid}/head?leaving=1")
        } else {
            format!("/households/{hid}/deregister")
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let v = Values::from([("left_on".to_owned(), me.today.to_string())]);
    render(
        &me,
        hid,
        format!("{} · {}", m.data.name, me.lang.t("title.leave")),
        me.lang.t("button.leave"),
        leave_fields(me.lang, &v),
        &[],
    )
}

async fn leave(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((hid, mid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let m = state.db.member(&me.scope, MemberId(mid)).await?;
    if m.household_id.0 != hid || m.left_on.is_some() {
        return Err(PageError::NotFound);
    }
    let result = match MemberLeaves::parse(&v, me.today) {
        Ok(command) => state.db.member_leaves(&me.scope, MemberId(mid), &command, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(e) => render(
            &me,
            hid,
            format!("{} · {}", m.data.name, me.lang.t("title.leave")),
            me.lang.t("button.leave"),
            leave_fields(me.lang, &v),
            &field_errors(e)?,
        ),
    }
}

// ---- 更正脱贫状态: a district-level correction with a reason; village and township staff
// propose a change through a visit, reviewed by township or district ----

fn status_fields(lang: crate::i18n::Lang, v: &Values) -> Vec<FormField> {
    vec![
        select::<PovertyStatus>(lang, "status", true, v),
        text(lang, "effective_on", true, "", v),
        text(lang, "reason", true, "如 2025年度脱贫退出（已公示、审定）", v),
    ]
}

async fn status_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    // Outside the user's area the household does not exist, whatever the role.
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    let v = Values::from([
        ("status".to_owned(), h.data.status.map(|s| s.label_zh().to_owned()).unwrap_or_default()),
        ("effective_on".to_owned(), me.today.to_string()),
    ]);
    render(
        &me,
        hid,
        format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.status")),
        me.lang.t("form.save"),
        status_fields(me.lang, &v),
        &[],
    )
}

async fn status(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    me.check_form_csrf(&v)?;
    let new = v.get("status").and_then(|s| PovertyStatus::parse(s));
    let result = match (new, date_field(&v, "effective_on", me.today)) {
        (Some(s), Ok(on)) => {
            state
                .db
                .change_status(&me.scope, h.id, s, on, v.get("reason").map(String::as_str).unwrap_or(""), &me.actor())
                .await
        }
        (None, _) => Err(DomainError::invalid("status", "请选择脱贫状态")),
        (_, Err(e)) => Err(DomainError::Invalid(vec![e])),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(e) => render(
            &me,
            hid,
            format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.status")),
            me.lang.t("form.save"),
            status_fields(me.lang, &v),
            &field_errors(e)?,
        ),
    }
}
