//! 走访 on screen: a quick visit form for a phone, follow-ups done, and the township's or
//! district's review of a change a visit proposes.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::assistance::{Proposal, VisitData};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{HouseholdStore, VisitStore};
use bangfu_core::{DomainError, FieldError};

use super::form::{FormField, Opt, field_errors, parse_then, render_form};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

use super::work::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/visits/new", get(visit_page).post(visit_save))
        .route("/visits/{vid}/follow-up", post(follow_up_done))
        .route("/visits/{vid}/review", get(review_page).post(review_save))
}

// visits

async fn visit_form(
    state: &AppState,
    me: &CurrentUser,
    hid: HouseholdId,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let title = title_of(state, me, hid, "title.visit").await?;
    let mut proposal = hint(FormField::of(me, v, "proposal", false), me.lang.t("work.proposal_hint"));
    proposal.options = Proposal::all()
        .into_iter()
        .map(|p| Opt { value: p.code(), label: proposal_label(me.lang, p), selected: p.code() == proposal.value })
        .collect();
    let mut findings = hint(FormField::of(me, v, "findings", false), me.lang.t("work.findings_hint"));
    findings.options = super::form::findings_options(&findings.value);
    let fields = vec![
        FormField::of(me, v, "visited_on", true),
        FormField::of(me, v, "visitors", true),
        hint(FormField::of(me, v, "found", true), me.lang.t("work.found_hint")),
        findings,
        FormField::of(me, v, "follow_up", false),
        FormField::of(me, v, "follow_up_due", false),
        proposal,
        FormField::of(me, v, "proposal_reason", false),
    ];
    render_form(me, title, format!("/households/{}", hid.0), me.lang.t("form.save"), fields, errors)
}

async fn visit_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    let v = HashMap::from([
        ("visited_on".to_owned(), me.today.to_string()),
        ("visitors".to_owned(), me.user.display_name.clone()),
    ]);
    visit_form(&state, &me, HouseholdId(hid), &v, &[]).await
}

async fn visit_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
    Form(mut v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    super::form::join_findings(&mut v);
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    let result = parse_then(VisitData::parse(&v, me.today), async |data| {
        state.db.record_visit(&me.scope, hid, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(back_to(hid)),
        Err(e) => visit_form(&state, &me, hid, &v, &field_errors(e)?).await,
    }
}

async fn follow_up_done(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(vid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let visit = state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?;
    match state.db.follow_up_done(&me.scope, bangfu_core::ids::VisitId(vid), me.today, &me.actor()).await {
        Ok(()) | Err(DomainError::Invalid(_)) => Ok(back_to(HouseholdId(visit.household_id.0))),
        Err(e) => Err(e.into()),
    }
}

async fn review_form(
    state: &AppState,
    me: &CurrentUser,
    vid: i64,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let visit = state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?;
    let hid = HouseholdId(visit.household_id.0);
    let proposal = visit.data.proposal.map(|p| proposal_label(me.lang, p)).unwrap_or_default();
    let title = format!("{}：{proposal}", title_of(state, me, hid, "title.review").await?);
    let mut decision = FormField::of(me, v, "decision", true);
    decision.options = [("accept", "work.accept"), ("reject", "work.reject")]
        .into_iter()
        .map(|(value, key)| Opt {
            value: value.into(),
            label: me.lang.t(key).into(),
            selected: decision.value == value,
        })
        .collect();
    decision.hint = format!(
        "{} {}：{}",
        show_date(me.lang, visit.data.visited_on),
        visit.data.visitors,
        visit.data.proposal_reason.clone().unwrap_or_default()
    );
    let mut fields = vec![decision];
    if visit.data.proposal == Some(bangfu_core::assistance::Proposal::ClearRisk) {
        // Accepting a clearing records how the risk ended (帮扶消除 / 自然消除).
        let mut method = FormField::of(me, v, "method", false);
        method.options = bangfu_core::monitoring::ClearMethod::ALL
            .iter()
            .map(|m| Opt {
                value: m.label_zh().into(),
                label: m.label_zh().into(),
                selected: m.label_zh() == method.value,
            })
            .collect();
        fields.push(method);
    }
    fields.push(hint(FormField::of(me, v, "note", false), me.lang.t("work.review_hint")));
    render_form(me, title, format!("/households/{}", hid.0), me.lang.t("form.save"), fields, errors)
}

async fn review_page(
    State(state): State<AppState>,
    me: Require<perm::ReviewProposals>,
    Path(vid): Path<i64>,
) -> Result<Response, PageError> {
    review_form(&state, &me, vid, &HashMap::new(), &[]).await
}

/// A clearing is accepted only with its 消除方式; other proposals need none.
pub fn clear_method(
    visit: &bangfu_core::assistance::Visit,
    raw: Option<&str>,
) -> Result<Option<bangfu_core::monitoring::ClearMethod>, DomainError> {
    if visit.data.proposal != Some(bangfu_core::assistance::Proposal::ClearRisk) {
        return Ok(None);
    }
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Err(DomainError::invalid("method", "采纳风险消除建议须选择消除方式（帮扶消除或自然消除）")),
        Some(s) => s
            .parse::<bangfu_core::monitoring::ClearMethod>()
            .map(Some)
            .map_err(|e| DomainError::invalid("method", e.to_string())),
    }
}

async fn review_save(
    State(state): State<AppState>,
    me: Require<perm::ReviewProposals>,
    Path(vid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let visit = state.db.visit(&me.scope, bangfu_core::ids::VisitId(vid)).await?;
    me.check_form_csrf(&v)?;
    let note = v.get("note").map(String::as_str).unwrap_or("");
    let result = match v.get("decision").map(String::as_str) {
        Some("accept") => match clear_method(&visit, v.get("method").map(String::as_str)) {
            Ok(method) => {
                state
                    .db
                    .review_with_method(&me.scope, bangfu_core::ids::VisitId(vid), true, note, method, &me.actor())
                    .await
            }
            Err(e) => Err(e),
        },
        Some("reject") => {
            state.db.review_proposal(&me.scope, bangfu_core::ids::VisitId(vid), false, note, &me.actor()).await
        }
        _ => Err(DomainError::invalid("decision", "请选择采纳或不采纳")),
    };
    match result {
        Ok(()) => Ok(back_to(HouseholdId(visit.household_id.0))),
        Err(e) => review_form(&state, &me, vid, &v, &field_errors(e)?).await,
    }
}
