//! 帮扶 work on a household: plans and measures with their progress and evidence, visits
//! (a quick form for a phone), follow-ups, and the review of changes a visit proposes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::assistance::evidence::{MAX_UPLOAD_BYTES, Upload, check_upload};
use bangfu_core::assistance::{
    MeasureData, MeasureKind, MeasureProgress, MeasureStatus, Plan, PlanData, Proposal, ProposalState, Visit, VisitData,
};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{HouseholdStore, PlanStore, VisitStore};
use bangfu_core::{DomainError, FieldError};
use chrono::{Datelike, NaiveDate};

use super::form::{FormField, Opt, field_errors, parse_then, render_form, today};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households/{hid}/plans/new", get(plan_page).post(plan_save))
        .route("/plans/{pid}/measures/new", get(measure_page).post(measure_save))
        .route("/measures/{mid}/progress", get(progress_page).post(progress_save))
        .route(
            "/measures/{mid}/evidence",
            get(evidence_page).post(evidence_save).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/evidence/{eid}", get(evidence_download))
        .route("/households/{hid}/visits/new", get(visit_page).post(visit_save))
        .route("/visits/{vid}/follow-up", post(follow_up_done))
        .route("/visits/{vid}/review", get(review_page).post(review_save))
}

/// Room for a file a little over the limit, so its sender is told the size in Chinese
/// instead of a bare 413.
pub const UPLOAD_BODY_LIMIT: usize = 2 * MAX_UPLOAD_BYTES;

pub fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A date as the reader expects it: 2026年3月5日 in Chinese, 2026-03-05 in English.
pub fn show_date(lang: Lang, d: NaiveDate) -> String {
    if lang == Lang::En { d.to_string() } else { zh_date(d) }
}

/// District and township staff review proposals; village workers make them; auditors read.
pub fn can_review(me: &CurrentUser) -> bool {
    me.may(bangfu_core::auth::Permission::ReviewProposals)
}

// ---------------------------------------------------------------- household page sections

pub struct HouseholdWork {
    /// 驻村工作队 of the household's village, e.g. "张书记（第一书记）等3人", empty when none.
    pub team: String,
    pub village_code: String,
    pub this_year: i32,
    pub new_plan: String,
    pub has_plan_this_year: bool,
    pub plans: Vec<PlanView>,
    pub visits: Vec<VisitView>,
    pub can_review: bool,
}

pub struct PlanView {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub written: String,
    pub goal: String,
    pub measures: Vec<MeasureView>,
}

pub struct MeasureView {
    pub id: i64,
    pub kind: &'static str,
    /// 开发式 or 保障性.
    pub approach: &'static str,
    pub developmental: bool,
    pub content: String,
    pub responsible: String,
    pub due: String,
    pub amount: String,
    pub status: &'static str,
    pub colour: &'static str,
    pub overdue: bool,
    pub open: bool,
    pub note: String,
    pub evidence: Vec<EvidenceView>,
}

pub struct EvidenceView {
    pub id: i64,
    pub note: String,
    pub file_name: String,
    pub is_image: bool,
    pub added: String,
}

pub struct VisitView {
    pub id: i64,
    pub on: String,
    pub visitors: String,
    pub found: String,
    pub follow_up: String,
    pub follow_up_due: String,
    pub follow_up_done: String,
    pub follow_up_overdue: bool,
    pub proposal: String,
    pub proposal_reason: String,
    pub proposal_state: &'static str,
    pub pending: bool,
    pub review_note: String,
}

/// 开发式 or 保障性, in the reader's language.
pub fn approach_label(lang: Lang, kind: MeasureKind) -> &'static str {
    lang.t(&format!("work.approach.{}", kind.approach().code()))
}

pub fn measure_view(lang: Lang, m: &bangfu_core::assistance::Measure, today: NaiveDate) -> MeasureView {
    let overdue = m.is_overdue(today);
    MeasureView {
        id: m.id,
        kind: lang.label(&m.data.kind),
        approach: approach_label(lang, m.data.kind),
        developmental: m.data.kind.is_developmental(),
        content: m.data.content.clone(),
        responsible: m.data.responsible.clone(),
        due: show_date(lang, m.data.due_on),
        amount: m.data.amount.map(|a| a.display_yuan()).unwrap_or_default(),
        status: if overdue { lang.t("work.overdue") } else { lang.label(&m.status) },
        colour: if overdue { "red" } else { m.status.colour() },
        overdue,
        open: m.status.is_open(),
        note: match (m.status, &m.drop_reason) {
            (MeasureStatus::Dropped, Some(r)) => format!("{}：{r}", lang.t("work.drop_reason")),
            (MeasureStatus::Done, _) => format!("{} {}", show_date(lang, m.status_on), lang.t("work.done_on")),
            _ => String::new(),
        },
        evidence: m
            .evidence
            .iter()
            .map(|e| EvidenceView {
                id: e.id,
                note: e.note.clone().unwrap_or_default(),
                file_name: e.file_name.clone().unwrap_or_default(),
                is_image: e.content_type.as_deref().is_some_and(|t| t.starts_with("image/")),
                added: format!("{} {}", show_date(lang, e.added_on), e.added_by),
            })
            .collect(),
    }
}

pub fn plan_view(lang: Lang, p: &Plan, today: NaiveDate) -> PlanView {
    PlanView {
        id: p.id,
        year: p.data.year,
        title: lang.f("work.plan_of_year", &[("year", &p.data.year)]),
        written: lang
            .f("work.written", &[("date", &show_date(lang, p.data.written_on)), ("with", &p.data.written_with)]),
        goal: p.data.goal.clone().unwrap_or_default(),
        measures: p.measures.iter().map(|m| measure_view(lang, m, today)).collect(),
    }
}

pub fn proposal_label(lang: Lang, p: Proposal) -> String {
    if lang == Lang::En { p.label_en() } else { p.label_zh() }
}

pub fn visit_view(lang: Lang, v: &Visit, today: NaiveDate) -> VisitView {
    VisitView {
        id: v.id,
        on: show_date(lang, v.data.visited_on),
        visitors: v.data.visitors.clone(),
        found: v.data.found.clone(),
        follow_up: v.data.follow_up.clone().unwrap_or_default(),
        follow_up_due: v.data.follow_up_due.map(|d| show_date(lang, d)).unwrap_or_default(),
        follow_up_done: v.follow_up_done_on.map(|d| show_date(lang, d)).unwrap_or_default(),
        follow_up_overdue: v.follow_up_is_due(today),
        proposal: v.data.proposal.map(|p| proposal_label(lang, p)).unwrap_or_default(),
        proposal_reason: v.data.proposal_reason.clone().unwrap_or_default(),
        proposal_state: match v.proposal_state {
            Some(ProposalState::Pending) => lang.t("work.pending"),
            Some(ProposalState::Accepted) => lang.t("work.accepted"),
            Some(ProposalState::Rejected) => lang.t("work.rejected"),
            None => "",
        },
        pending: v.proposal_state == Some(ProposalState::Pending),
        review_note: v.review_note.clone().unwrap_or_default(),
    }
}

/// The plans and visits shown on a household's page.
pub async fn household_work(
    state: &AppState,
    me: &CurrentUser,
    h: &bangfu_core::household::Household,
) -> Result<HouseholdWork, PageError> {
    let id = h.id;
    let today = today();
    let plans = state.db.plans(&me.scope, id).await?;
    let visits = state.db.visits(&me.scope, id).await?;
    let village = &h.data.village_code;
    let team = bangfu_core::store::TeamStore::team(&state.db, &me.scope, village).await?;
    let team = match team.members.first() {
        Some(lead) => me.lang.f(
            "work.team_summary",
            &[("name", &lead.data.name), ("role", &me.lang.label(&lead.data.role)), ("n", &team.members.len())],
        ),
        None => String::new(),
    };
    Ok(HouseholdWork {
        team,
        village_code: village.to_string(),
        this_year: today.year(),
        new_plan: me.lang.f("work.new_plan", &[("year", &today.year())]),
        has_plan_this_year: plans.iter().any(|p| p.data.year == today.year()),
        plans: plans.iter().map(|p| plan_view(me.lang, p, today)).collect(),
        visits: visits.iter().map(|v| visit_view(me.lang, v, today)).collect(),
        can_review: can_review(me),
    })
}

// ---------------------------------------------------------------- forms

fn hint(mut f: FormField, hint: impl Into<String>) -> FormField {
    f.hint = hint.into();
    f
}

/// The measure kinds, each marked 开发式 or 保障性, in the monitoring form's order.
fn measure_kinds(me: &CurrentUser, mut f: FormField) -> FormField {
    f.options = MeasureKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().to_owned(),
            label: format!("{}（{}）", me.lang.label(k), approach_label(me.lang, *k)),
            selected: k.code() == f.value,
        })
        .collect();
    f.hint = me.lang.t("work.kind_hint").to_owned();
    f
}

async fn title_of(state: &AppState, me: &CurrentUser, hid: HouseholdId, key: &str) -> Result<String, PageError> {
    let h = state.db.household(&me.scope, hid).await?;
    Ok(format!("{}户 · {}", h.head_name.unwrap_or_default(), me.lang.t(key)))
}

fn back_to(hid: HouseholdId) -> Response {
    Redirect::to(&format!("/households/{}", hid.0)).into_response()
}

// plans

async fn plan_form(
    state: &AppState,
    me: &CurrentUser,
    hid: HouseholdId,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let title = title_of(state, me, hid, "title.plan").await?;
    let fields = vec![
        FormField::of(me, v, "year", true),
        FormField::of(me, v, "written_on", true),
        hint(FormField::of(me, v, "written_with", true), me.lang.t("work.written_with_hint")),
        FormField::of(me, v, "goal", false),
    ];
    render_form(me, title, format!("/households/{}", hid.0), me.lang.t("form.save"), fields, errors)
}

async fn plan_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    let hid = HouseholdId(hid);
    let h = state.db.household(&me.scope, hid).await?;
    let v = HashMap::from([
        ("year".to_owned(), today().year().to_string()),
        ("written_on".to_owned(), today().to_string()),
        ("written_with".to_owned(), h.head_name.map(|n| format!("户主{n}")).unwrap_or_default()),
    ]);
    plan_form(&state, &me, hid, &v, &[]).await
}

async fn plan_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    let result = parse_then(PlanData::parse(&v, today()), async |data| {
        state.db.create_plan(&me.scope, hid, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(back_to(hid)),
        Err(e) => plan_form(&state, &me, hid, &v, &field_errors(e)?).await,
    }
}

// measures

async fn measure_form(
    state: &AppState,
    me: &CurrentUser,
    pid: i64,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let (hid, year) = state.db.plan_owner(&me.scope, pid).await?;
    let title = format!("{} · {year}", title_of(state, me, hid, "title.measure").await?);
    let fields = vec![
        measure_kinds(me, FormField::of(me, v, "kind", true)),
        hint(FormField::of(me, v, "content", true), me.lang.t("work.content_hint")),
        FormField::of(me, v, "responsible", true),
        hint(FormField::of(me, v, "due_on", true), me.lang.f("work.due_hint", &[("year", &year)])),
        hint(FormField::of(me, v, "amount", false), me.lang.t("work.amount_hint")),
    ];
    render_form(me, title, format!("/households/{}", hid.0), me.lang.t("form.save"), fields, errors)
}

async fn measure_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(pid): Path<i64>,
) -> Result<Response, PageError> {
    let (hid, _) = state.db.plan_owner(&me.scope, pid).await?;
    let helper = bangfu_core::store::AssistanceStore::helper_history(&state.db, &me.scope, hid)
        .await?
        .into_iter()
        .find(|a| a.end_on.is_none())
        .map(|a| a.helper.data.name)
        .unwrap_or_default();
    let v = HashMap::from([("responsible".to_owned(), helper)]);
    measure_form(&state, &me, pid, &v, &[]).await
}

async fn measure_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(pid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let (hid, year) = state.db.plan_owner(&me.scope, pid).await?;
    let result = parse_then(MeasureData::parse(&v, year), async |data| {
        state.db.add_measure(&me.scope, pid, &data, &me.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(back_to(hid)),
        Err(e) => measure_form(&state, &me, pid, &v, &field_errors(e)?).await,
    }
}

// progress

async fn progress_form(
    state: &AppState,
    me: &CurrentUser,
    mid: i64,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let (hid, m) = state.db.measure(&me.scope, mid).await?;
    let title = format!("{}：{}", title_of(state, me, hid, "title.progress").await?, m.data.content);
    let mut status = FormField::of(me, v, "status", true);
    status.label = me.lang.t("field.measure_status");
    status.options = MeasureStatus::ALL
        .iter()
        .filter(|s| m.status.can_move_to(**s))
        .map(|s| Opt {
            value: s.code().to_owned(),
            label: me.lang.label(s).to_owned(),
            selected: s.code() == status.value,
        })
        .collect();
    let fields = vec![
        status,
        FormField::of(me, v, "on", true),
        hint(FormField::of(me, v, "reason", false), me.lang.t("work.reason_hint")),
    ];
    render_form(me, title, format!("/households/{}", hid.0), me.lang.t("form.save"), fields, errors)
}

async fn progress_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
) -> Result<Response, PageError> {
    let v = HashMap::from([("on".to_owned(), today().to_string())]);
    progress_form(&state, &me, mid, &v, &[]).await
}

async fn progress_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let (hid, _) = state.db.measure(&me.scope, mid).await?;
    let result = parse_then(MeasureProgress::parse(&v, today()), async |p| {
        state.db.progress_measure(&me.scope, mid, &p, &me.actor()).await
    })
    .await;
    match result {
        Ok(()) => Ok(back_to(hid)),
        Err(e) => progress_form(&state, &me, mid, &v, &field_errors(e)?).await,
    }
}

// evidence

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage<'a> {
    me: &'a CurrentUser,
    title: String,
    back: String,
    note: String,
    errors: Vec<FieldError>,
    hint: String,
    max_bytes: usize,
}

async fn evidence_form(
    state: &AppState,
    me: &CurrentUser,
    mid: i64,
    note: String,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let (hid, m) = state.db.measure(&me.scope, mid).await?;
    let title = format!("{}：{}", title_of(state, me, hid, "title.evidence").await?, m.data.content);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = EvidencePage {
        me,
        title,
        back: format!("/households/{}", hid.0),
        note,
        errors,
        hint: me.lang.f("work.file_hint", &[("mb", &(MAX_UPLOAD_BYTES / 1024 / 1024))]),
        max_bytes: MAX_UPLOAD_BYTES,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn evidence_page(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
) -> Result<Response, PageError> {
    evidence_form(&state, &me, mid, String::new(), Vec::new()).await
}

/// The parts of an evidence upload: a note, and a file (name and bytes) if one was chosen.
pub struct EvidenceParts {
    pub csrf: String,
    pub note: String,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads a multipart upload; a body over the limit becomes the same Chinese message as an
/// oversized file.
pub async fn read_evidence(mut multipart: Multipart) -> Result<EvidenceParts, FieldError> {
    let too_big =
        || FieldError::new("file", format!("文件太大，不能超过 {} MB，请压缩后再上传", MAX_UPLOAD_BYTES / 1024 / 1024));
    let mut parts = EvidenceParts { csrf: String::new(), note: String::new(), file: None };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(too_big()),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| too_big())?;
        match name.as_str() {
            "_csrf" => parts.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "note" => parts.note = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if !bytes.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty()) => {
                parts.file = Some((file_name.unwrap_or_default(), bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok(parts)
}

/// Checks and stores an upload (from a page or the API); the errors come back by field.
pub async fn store_evidence(
    state: &AppState,
    scope: &bangfu_core::area::Scope,
    actor: &bangfu_core::audit::Actor,
    mid: i64,
    parts: &EvidenceParts,
) -> Result<i64, DomainError> {
    let upload: Option<(Upload, &[u8])> = match &parts.file {
        Some((name, bytes)) => Some((check_upload(name, bytes).map_err(|e| DomainError::Invalid(vec![e]))?, bytes)),
        None => None,
    };
    let note = Some(parts.note.as_str()).filter(|n| !n.trim().is_empty());
    state.db.add_evidence(scope, mid, note, upload.as_ref().map(|(u, b)| (u, *b)), actor).await
}

async fn evidence_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (hid, _) = state.db.measure(&me.scope, mid).await?;
    let parts = match read_evidence(multipart).await {
        Ok(p) => p,
        // The CSRF token may be unread when the body is cut short; nothing is stored either way.
        Err(e) => return evidence_form(&state, &me, mid, String::new(), vec![e]).await,
    };
    me.check_csrf(&parts.csrf)?;
    match store_evidence(&state, &me.scope, &me.actor(), mid, &parts).await {
        Ok(_) => Ok(back_to(hid)),
        Err(e) => evidence_form(&state, &me, mid, parts.note.clone(), field_errors(e)?).await,
    }
}

/// Serves an uploaded file to users whose area holds the household; the type is the one
/// recognised at upload, and the browser may not guess another or run anything in it.
pub fn file_response(e: &bangfu_core::assistance::Evidence, bytes: Vec<u8>) -> Response {
    let ctype = e.content_type.clone().unwrap_or_else(|| "application/octet-stream".into());
    let name = e.file_name.clone().unwrap_or_else(|| "file".into());
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ctype) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // Photos open in the browser; documents are saved (a sandboxed page cannot show a PDF).
    let disposition = if ctype.starts_with("image/") { "inline" } else { "attachment" };
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    r
}

async fn evidence_download(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(eid): Path<i64>,
) -> Result<Response, PageError> {
    let (e, bytes) = state.db.evidence_file(&me.scope, eid).await?;
    Ok(file_response(&e, bytes))
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
    let fields = vec![
        FormField::of(me, v, "visited_on", true),
        FormField::of(me, v, "visitors", true),
        hint(FormField::of(me, v, "found", true), me.lang.t("work.found_hint")),
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
        ("visited_on".to_owned(), today().to_string()),
        ("visitors".to_owned(), me.user.display_name.clone()),
    ]);
    visit_form(&state, &me, HouseholdId(hid), &v, &[]).await
}

async fn visit_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(hid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let hid = HouseholdId(hid);
    state.db.household(&me.scope, hid).await?;
    let result = parse_then(VisitData::parse(&v, today()), async |data| {
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
    let visit = state.db.visit(&me.scope, vid).await?;
    match state.db.follow_up_done(&me.scope, vid, today(), &me.actor()).await {
        Ok(()) | Err(DomainError::Invalid(_)) => Ok(back_to(HouseholdId(visit.household_id))),
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
    let visit = state.db.visit(&me.scope, vid).await?;
    let hid = HouseholdId(visit.household_id);
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
    let visit = state.db.visit(&me.scope, vid).await?;
    me.check_form_csrf(&v)?;
    let note = v.get("note").map(String::as_str).unwrap_or("");
    let result = match v.get("decision").map(String::as_str) {
        Some("accept") => match clear_method(&visit, v.get("method").map(String::as_str)) {
            Ok(method) => state.db.review_with_method(&me.scope, vid, true, note, method, &me.actor()).await,
            Err(e) => Err(e),
        },
        Some("reject") => state.db.review_proposal(&me.scope, vid, false, note, &me.actor()).await,
        _ => Err(DomainError::invalid("decision", "请选择采纳或不采纳")),
    };
    match result {
        Ok(()) => Ok(back_to(HouseholdId(visit.household_id))),
        Err(e) => review_form(&state, &me, vid, &v, &field_errors(e)?).await,
    }
}
