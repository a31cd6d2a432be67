//! 帮扶计划 and its measures on screen: the plan written with the household, measures with
//! their progress and evidence (photos, scans), and evidence served only inside the area.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::assistance::evidence::{MAX_UPLOAD_BYTES, Upload, check_upload};
use bangfu_core::assistance::{MeasureData, MeasureProgress, MeasureStatus, PlanData};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{HouseholdStore, PlanStore};
use bangfu_core::{DomainError, FieldError};
use chrono::Datelike;

use super::form::{FormField, Opt, field_errors, parse_then, render_form};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

use super::work::*;

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
        ("year".to_owned(), me.today.year().to_string()),
        ("written_on".to_owned(), me.today.to_string()),
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
    let result = parse_then(PlanData::parse(&v, me.today), async |data| {
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
    let (hid, year) = state.db.plan_owner(&me.scope, bangfu_core::ids::PlanId(pid)).await?;
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
    let (hid, _) = state.db.plan_owner(&me.scope, bangfu_core::ids::PlanId(pid)).await?;
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
    let (hid, year) = state.db.plan_owner(&me.scope, bangfu_core::ids::PlanId(pid)).await?;
    let result = parse_then(MeasureData::parse(&v, year), async |data| {
        state.db.add_measure(&me.scope, bangfu_core::ids::PlanId(pid), &data, &me.actor()).await
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
    let (hid, m) = state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
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
    let v = HashMap::from([("on".to_owned(), me.today.to_string())]);
    progress_form(&state, &me, mid, &v, &[]).await
}

async fn progress_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let (hid, _) = state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
    let result = parse_then(MeasureProgress::parse(&v, me.today), async |p| {
        state.db.progress_measure(&me.scope, bangfu_core::ids::MeasureId(mid), &p, &me.actor()).await
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
    let (hid, m) = state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
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
    /// The kind of paper, on a procedure's upload (承诺授权书, 现场照片, …).
    pub kind: String,
    /// The ledger entry a project's 拨付凭证 proves.
    pub entry_id: String,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads a multipart upload; a body over the limit becomes the same Chinese message as an
/// oversized file.
pub async fn read_evidence(mut multipart: Multipart) -> Result<EvidenceParts, FieldError> {
    let too_big =
        || FieldError::new("file", format!("文件太大，不能超过 {} MB，请压缩后再上传", MAX_UPLOAD_BYTES / 1024 / 1024));
    let mut parts = EvidenceParts {
        csrf: String::new(),
        note: String::new(),
        kind: String::new(),
        entry_id: String::new(),
        file: None,
    };
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
            "kind" => parts.kind = String::from_utf8_lossy(&bytes).into_owned(),
            "entry_id" => parts.entry_id = String::from_utf8_lossy(&bytes).into_owned(),
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
) -> Result<bangfu_core::ids::EvidenceId, DomainError> {
    let upload: Option<(Upload, &[u8])> = match &parts.file {
        Some((name, bytes)) => Some((check_upload(name, bytes).map_err(|e| DomainError::Invalid(vec![e]))?, bytes)),
        None => None,
    };
    let note = Some(parts.note.as_str()).filter(|n| !n.trim().is_empty());
    state
        .db
        .add_evidence(scope, bangfu_core::ids::MeasureId(mid), note, upload.as_ref().map(|(u, b)| (u, *b)), actor)
        .await
}

async fn evidence_save(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(mid): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (hid, _) = state.db.measure(&me.scope, bangfu_core::ids::MeasureId(mid)).await?;
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
    file_response_of(e.content_type.as_deref(), e.file_name.as_deref(), bytes)
}

/// [`file_response`] for any stored file: its recognised type and its name.
pub fn file_response_of(ctype: Option<&str>, name: Option<&str>, bytes: Vec<u8>) -> Response {
    let ctype = ctype.unwrap_or("application/octet-stream").to_owned();
    let name = name.unwrap_or("file").to_owned();
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
    let (e, bytes) = state.db.evidence_file(&me.scope, bangfu_core::ids::EvidenceId(eid)).await?;
    Ok(file_response(&e, bytes))
}
