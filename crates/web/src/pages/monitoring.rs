//! 纳入监测 and 风险消除 on the household page. Until a procedure engine carries the chain
//! (评议 → 公示 → 审批), opening and closing an episode is the district's action, with a date
//! and a reason; village workers propose through visits instead.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::household::{CodeList, HouseholdId, HouseholdType, MonitoringType};
use bangfu_core::monitoring::{ClearMethod, CloseEpisode, Episode, FoundBy, OpenEpisode, check_type};
use bangfu_core::store::{HouseholdStore, MonitoringStore};

use super::form::{FormField, Opt, field_errors, parse_then, render_form, require_district};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/monitoring/open", get(open_page).post(open))
        .route("/households/{hid}/monitoring/clear", get(clear_page).post(clear))
}

type Values = HashMap<String, String>;

/// The problem flags of an identification, each 未填 / 是 / 否.
pub const PROBLEM_FLAGS: &[&str] =
    &["house_unsafe", "out_of_school", "no_medical_insurance", "water_unsafe", "no_labour"];

fn select(me: &CurrentUser, v: &Values, name: &'static str, required: bool, choices: &[&'static str]) -> FormField {
    let mut f = FormField::of(me, v, name, required);
    f.options = choices
        .iter()
        .map(|c| Opt { value: (*c).to_owned(), label: (*c).to_owned(), selected: *c == f.value })
        .collect();
    f
}

fn labels<T: CodeList>() -> Vec<&'static str> {
    T::all().iter().map(|x| x.label_zh()).collect()
}

fn open_fields(me: &CurrentUser, v: &Values, household: HouseholdType) -> Vec<FormField> {
    // Only the types this household may have (脱贫不稳定户 for a 脱贫户, 边缘易致贫户 for the others).
    let types: Vec<&'static str> =
        MonitoringType::ALL.iter().filter(|t| check_type(**t, household).is_ok()).map(|t| t.label_zh()).collect();
    let mut risks = FormField::of(me, v, "risks", true);
    risks.hint = me.lang.t("monitoring.risks_hint").to_owned();
    let mut out = vec![select(me, v, "monitoring_type", true, &types), risks];
    out.extend(PROBLEM_FLAGS.iter().map(|f| select(me, v, f, false, &["是", "否"])));
    out.push(select(me, v, "found_by", true, &labels::<FoundBy>()));
    out.push(FormField::of(me, v, "identified_on", true));
    out.push(FormField::of(me, v, "reason", true));
    out
}

fn clear_fields(me: &CurrentUser, v: &Values) -> Vec<FormField> {
    vec![
        FormField::of(me, v, "cleared_on", true),
        select(me, v, "method", true, &labels::<ClearMethod>()),
        FormField::of(me, v, "reason", true),
    ]
}

fn title(me: &CurrentUser, head: Option<&str>, key: &str) -> String {
    format!("{} · {}", head.unwrap_or_default(), me.lang.t(key))
}

async fn open_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    // Outside the user's area the household does not exist, whatever the role.
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    let v = Values::from([("identified_on".to_owned(), me.today.to_string())]);
    let fields = open_fields(&me, &v, h.data.household_type);
    render_form(
        &me,
        title(&me, h.head_name.as_deref(), "title.monitoring_open"),
        format!("/households/{hid}"),
        me.lang.t("form.save"),
        fields,
        &[],
    )
}

async fn open(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    me.check_form_csrf(&v)?;
    let parsed = OpenEpisode::parse(&v, h.data.household_type, me.today);
    let result = parse_then(parsed, async |e| state.db.open_episode(&me.scope, h.id, &e, &me.actor()).await).await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(e) => render_form(
            &me,
            title(&me, h.head_name.as_deref(), "title.monitoring_open"),
            format!("/households/{hid}"),
            me.lang.t("form.save"),
            open_fields(&me, &v, h.data.household_type),
            &field_errors(e)?,
        ),
    }
}

async fn current_episode(state: &AppState, me: &CurrentUser, hid: HouseholdId) -> Result<Option<Episode>, PageError> {
    Ok(state.db.episodes(&me.scope, hid).await?.into_iter().find(Episode::is_open))
}

async fn clear_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    // Outside the user's area the household does not exist, whatever the role.
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    let v = Values::from([("cleared_on".to_owned(), me.today.to_string())]);
    let mut fields = clear_fields(&me, &v);
    match current_episode(&state, &me, h.id).await? {
        Some(open) => {
            fields[0].hint = format!(
                "{} {} {}",
                open.opened.monitoring_type.label_zh(),
                open.opened.identified_on,
                me.lang.t("monitoring.identified")
            )
        }
        None => fields[0].hint = me.lang.t("monitoring.none_open").to_owned(),
    }
    render_form(
        &me,
        title(&me, h.head_name.as_deref(), "title.monitoring_clear"),
        format!("/households/{hid}"),
        me.lang.t("form.save"),
        fields,
        &[],
    )
}

async fn clear(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    require_district(&me)?;
    me.check_form_csrf(&v)?;
    let result = match current_episode(&state, &me, h.id).await? {
        None => Err(DomainError::invalid("cleared_on", "该户当前没有监测记录，无需消除风险")),
        Some(open) => {
            let parsed = CloseEpisode::parse(&v, &open, me.today);
            parse_then(parsed, async |c| state.db.close_episode(&me.scope, h.id, &c, &me.actor()).await).await
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(e) => render_form(
            &me,
            title(&me, h.head_name.as_deref(), "title.monitoring_clear"),
            format!("/households/{hid}"),
            me.lang.t("form.save"),
            clear_fields(&me, &v),
            &field_errors(e)?,
        ),
    }
}
