//! Starting a procedure on the household page: 纳入监测, 风险消除, 年度分类 and 贫困户退出
//! (历史). Each form writes down what the procedure proposes; nothing is decided here — the
//! decision is the procedure's last approval (pages/procedures.rs). Village workers, township
//! staff and the district start them; the old 纳入监测 and 风险消除 addresses now start one.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::{Permission, Role};
use bangfu_core::household::{CodeList, Household, HouseholdId, HouseholdType, MonitoringType};
use bangfu_core::monitoring::{ClearMethod, Episode, FoundBy, check_type};
use bangfu_core::procedure::decision::{Labour, Proposal, Stability};
use bangfu_core::procedure::{ProcedureDef, kinds};
use bangfu_core::store::{HouseholdStore, MonitoringStore};

use super::form::{FormField, Opt, field_errors, render_form};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/monitoring/open", get(old_open))
        .route("/households/{hid}/monitoring/clear", get(old_clear))
        .route("/households/{hid}/procedures/new", get(start_page).post(start))
}

async fn old_open(_: CurrentUser, Path(hid): Path<i64>) -> Redirect {
    to_start(hid, "identification")
}

async fn old_clear(_: CurrentUser, Path(hid): Path<i64>) -> Redirect {
    to_start(hid, "risk_clearing")
}

fn to_start(hid: i64, kind: &str) -> Redirect {
    Redirect::to(&format!("/households/{hid}/procedures/new?kind={kind}"))
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
    let mut out = vec![select(me, v, "found_by", true, &labels::<FoundBy>()), FormField::of(me, v, "reporter", false)];
    out.push(select(me, v, "monitoring_type", true, &types));
    out.push(risks);
    out.extend(PROBLEM_FLAGS.iter().map(|f| select(me, v, f, false, &["是", "否"])));
    let mut reason = FormField::of(me, v, "reason", true);
    reason.label = me.lang.t("procedure.lead_reason");
    out.push(reason);
    let mut first = FormField::of(me, v, "help_first_reason", false);
    first.hint = me.lang.t("procedure.help_first_hint").to_owned();
    out.push(first);
    out
}

fn clear_fields(me: &CurrentUser, v: &Values) -> Vec<FormField> {
    let mut reason = FormField::of(me, v, "reason", true);
    reason.label = me.lang.t("procedure.clear_reason");
    vec![select(me, v, "method", true, &labels::<ClearMethod>()), reason]
}

fn class_fields(me: &CurrentUser, v: &Values) -> Vec<FormField> {
    let mut year = FormField::of(me, v, "year", true);
    year.label = me.lang.t("procedure.class_year");
    vec![
        year,
        select(me, v, "stability", true, &labels::<Stability>()),
        select(me, v, "labour", true, &labels::<Labour>()),
        FormField::of(me, v, "reason", false),
    ]
}

fn exit_fields(me: &CurrentUser, v: &Values) -> Vec<FormField> {
    let mut year = FormField::of(me, v, "exit_year", true);
    year.hint = me.lang.t("procedure.exit_year_hint").to_owned();
    vec![year, FormField::of(me, v, "reason", true)]
}

/// Who may start a procedure: those who log a lead or take part in the chain.
pub fn may_start(me: &CurrentUser) -> bool {
    role_may_start(me.user.role)
}

pub fn role_may_start(role: Role) -> bool {
    matches!(role, Role::VillageWorker | Role::TownshipStaff | Role::DistrictAdmin)
}

#[derive(serde::Deserialize)]
struct KindQuery {
    kind: Option<String>,
    /// Started from a rule's lead (线索) or a household's own report (自主申报): marked as
    /// started when the procedure is.
    lead: Option<i64>,
    report: Option<i64>,
}

fn kind_of(q: Option<&str>) -> Result<&'static ProcedureDef, PageError> {
    q.and_then(kinds::by_code).ok_or(PageError::NotFound)
}

fn fields_for(me: &CurrentUser, v: &Values, def: &ProcedureDef, h: &Household) -> Vec<FormField> {
    let mut fields = match def.code {
        c if c == kinds::IDENTIFICATION.code => open_fields(me, v, h.data.household_type),
        c if c == kinds::RISK_CLEARING.code => clear_fields(me, v),
        c if c == kinds::CLASSIFICATION.code => class_fields(me, v),
        _ => exit_fields(me, v),
    };
    let mut kind = FormField::of(me, v, "kind", false);
    kind.label = me.lang.t("procedure.kind");
    kind.value = def.code.to_owned();
    kind.options = vec![Opt { value: def.code.to_owned(), label: def.name_zh.to_owned(), selected: true }];
    kind.required = true;
    fields.insert(0, kind);
    let mut on = FormField::of(me, v, "started_on", true);
    on.hint = me.lang.t("procedure.started_hint").to_owned();
    fields.push(on);
    fields
}

async fn page(
    state: &AppState,
    me: &CurrentUser,
    h: &Household,
    def: &'static ProcedureDef,
    v: &Values,
    errors: &[bangfu_core::FieldError],
) -> Result<Response, PageError> {
    let mut fields = fields_for(me, v, def, h);
    if def.code == kinds::RISK_CLEARING.code {
        let open = state.db.episodes(&me.scope, h.id).await?.into_iter().find(Episode::is_open);
        if let Some(f) = fields.get_mut(1) {
            f.hint = match open {
                Some(o) => format!(
                    "{} {} {}",
                    o.opened.monitoring_type.label_zh(),
                    o.opened.identified_on,
                    me.lang.t("monitoring.identified")
                ),
                None => me.lang.t("monitoring.none_open").to_owned(),
            };
        }
    }
    render_form(
        me,
        format!(
            "{} · {}",
            h.head_name.as_deref().unwrap_or_default(),
            format_args!("{}{}", me.lang.t("procedure.start"), def.name_zh)
        ),
        format!("/households/{}", h.id.0),
        me.lang.t("procedure.start_submit"),
        fields,
        errors,
    )
}

async fn start_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    // Outside the user's area the household does not exist, whatever the role.
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let def = kind_of(q.kind.as_deref())?;
    if !may_start(&me) {
        return Err(PageError::Denied(Permission::EditRegister));
    }
    let mut v = Values::new();
    if def.code == kinds::CLASSIFICATION.code {
        v.insert("year".into(), chrono::Datelike::year(&me.today).to_string());
    }
    v.insert("started_on".into(), me.today.to_string());
    if let Some(id) = q.report {
        // What the household reported, as the lead's answers (the checker may change them).
        let r = state.db.self_report(&me.scope, id).await?;
        v.insert("found_by".into(), FoundBy::SelfReport.label_zh().to_owned());
        v.insert("reporter".into(), r.head_name.clone());
        v.insert("risks".into(), r.risk.clone());
        v.insert("reason".into(), format!("自主申报（回执 {}）：{}", r.receipt, r.difficulty));
    }
    if let Some(id) = q.lead {
        let l = state.db.rule_lead(&me.scope, bangfu_core::monitoring::leads::LeadId(id)).await?;
        v.insert("found_by".into(), FoundBy::DepartmentWarning.label_zh().to_owned());
        v.insert("reason".into(), format!("监测预警（{} 第{}版）：{}", l.rule, l.version, l.reason));
    }
    page(&state, &me, &h, def, &v, &[]).await
}

async fn start(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Query(q): Query<KindQuery>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let def = kind_of(q.kind.as_deref().or(v.get("kind").map(String::as_str)))?;
    if !may_start(&me) {
        return Err(PageError::Denied(Permission::EditRegister));
    }
    me.check_form_csrf(&v)?;
    if def.code == kinds::IDENTIFICATION.code && v.get("risks").is_none_or(|r| r.trim().is_empty()) {
        let e = bangfu_core::FieldError::new("risks", "请填写风险类型（1至5项）");
        return page(&state, &me, &h, def, &v, &[e]).await;
    }
    let proposal = Proposal::keep(def, &v);
    // The day the lead was logged (a back-filled 2014–2020 exit: the day it began); blank is today.
    let on = match v.get("started_on").map(|s| s.trim()) {
        Some(raw) if !raw.is_empty() => match bangfu_core::household::model::parse_date(raw) {
            Some(d) => d,
            None => {
                let e = bangfu_core::FieldError::new("started_on", "日期格式应为 2019-06-01");
                return page(&state, &me, &h, def, &v, &[e]).await;
            }
        },
        _ => me.today,
    };
    match state.db.start_procedure(&me.scope, h.id, def, &proposal, on, &me.actor()).await {
        Ok(id) => {
            if let Some(report) = q.report {
                state.db.mark_report_started(&me.scope, report, id, &me.actor()).await?;
            }
            if let Some(lead) = q.lead {
                let lead = bangfu_core::monitoring::leads::LeadId(lead);
                state.db.mark_lead_started(&me.scope, lead, id, &me.actor()).await?;
            }
            Ok(Redirect::to(&format!("/procedures/{id}")).into_response())
        }
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => page(&state, &me, &h, def, &v, &field_errors(e)?).await,
    }
}
