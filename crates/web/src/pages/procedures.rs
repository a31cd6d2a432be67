//! 程序 pages: the list (by kind, state and area, and 我的待办 — the steps the user's role acts
//! on), one procedure with its steps, decision, timeline and the forms of whoever acts now, and
//! the printable notice with its QR code. Every act goes through the engine in core; a refused
//! act shows the page again with the reason and what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::Role;
use bangfu_core::procedure::{Action, ProcedureDef, State as PState, kinds, record};
use bangfu_core::store::HouseholdStore;
use bangfu_db::procedures::{Act, ProcedureFilter, ProcedureRecord, decision_zh};

use super::Pager;
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/procedures", get(list))
        .route("/procedures/{id}", get(show))
        .route("/procedures/{id}/act", post(act))
        .route(
            "/procedures/{id}/attachments",
            post(attachment_save).layer(axum::extract::DefaultBodyLimit::max(super::work::UPLOAD_BODY_LIMIT)),
        )
        .route("/procedure-files/{aid}", get(attachment_download))
        .route("/procedures/{id}/notice", get(notice))
        .route("/settings/procedures", get(settings_page).post(settings_save))
}

const PAGE_SIZE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    kind: Option<String>,
    state: Option<String>,
    mine: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "procedures.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<ListRow>,
    total: i64,
    tabs: Vec<(String, &'static str, bool)>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    pager: Pager,
    all_kinds: bool,
}

struct ListRow {
    id: i64,
    kind: &'static str,
    household_id: i64,
    household_no: String,
    head: String,
    state: &'static str,
    colour: &'static str,
    step: String,
    due: String,
    overdue: i64,
    started_on: String,
}

async fn list(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(|k| kinds::by_code(k).ok_or(PageError::NotFound))
        .transpose()?;
    let mine = q.mine.as_deref() == Some("1") || (q.mine.is_none() && q.state.is_none() && acts_on_any(me.user.role));
    let st = q.state.clone().filter(|s| ["open", "approved", "refused", "withdrawn"].contains(&s.as_str()));
    let page = q.page.unwrap_or(1).max(1);
    let filter = ProcedureFilter {
        kind,
        state: if mine { None } else { st.clone() },
        pending_for: mine.then_some(me.user.role),
        offset: i64::from((page - 1) * PAGE_SIZE),
        limit: i64::from(PAGE_SIZE),
    };
    let (rows, total) = state.db.procedures(&me.scope, &filter).await?;
    let calendar = state.db.work_calendar().await?;
    let rows = rows
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            kind: r.def.name_zh,
            household_id: r.household_id.0,
            household_no: r.household_no.clone(),
            head: r.head_name.clone().unwrap_or_default(),
            state: r.state_zh(),
            colour: r.colour(),
            step: r.step.map(|s| s.name_zh.to_owned()).unwrap_or_default(),
            due: r.due_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: r.due_on.map_or(0, |d| calendar.working_days_late(d, me.today)),
            started_on: r.started_on.to_string(),
        })
        .collect();
    let k = kind.map(|d| d.code).unwrap_or("");
    let tab = |code: &str, label: &'static str, on: bool| (format!("/procedures?{code}&kind={k}"), label, on);
    let tabs = vec![
        tab("mine=1", "我的待办", mine),
        tab("state=open&mine=0", "办理中", !mine && st.as_deref() == Some("open")),
        tab("state=approved&mine=0", "已批准", !mine && st.as_deref() == Some("approved")),
        tab("state=refused&mine=0", "不予批准", !mine && st.as_deref() == Some("refused")),
        tab("state=withdrawn&mine=0", "已撤回", !mine && st.as_deref() == Some("withdrawn")),
        tab("mine=0", "全部", !mine && st.is_none()),
    ];
    let kinds = kinds::ALL.iter().map(|d| (d.code, d.name_zh, Some(d.code) == kind.map(|x| x.code))).collect();
    let base = format!("/procedures?mine={}&state={}&kind={k}&", if mine { 1 } else { 0 }, st.as_deref().unwrap_or(""));
    let pager = Pager::new(base, page, total, PAGE_SIZE);
    let all_kinds = kind.is_none();
    Ok(Html(ListPage { me: &me, rows, total, tabs, kinds, pager, all_kinds }.render()?).into_response())
}

pub fn acts_on_any(role: Role) -> bool {
    kinds::ALL.iter().any(|d| d.steps.iter().any(|s| s.actors.contains(&role)))
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ShowPage<'a> {
    me: &'a CurrentUser,
    id: i64,
    version: i64,
    kind: &'static str,
    household_id: i64,
    household_no: String,
    head: String,
    state: &'static str,
    colour: &'static str,
    decision: String,
    proposal: Vec<(&'static str, String)>,
    help_first: Option<(String, String)>,
    steps: Vec<StepRow>,
    current: Option<Current>,
    events: Vec<EventRow>,
    objections: Vec<ObjectionRow>,
    notice: Option<String>,
    error: String,
    typed: HashMap<String, String>,
    total_due: String,
    /// 风险消除的条件 for every reviewer: (condition, 符合/不符合/未填, colour, figure).
    conditions: Vec<(&'static str, &'static str, &'static str, String)>,
    attachments: Vec<AttachmentRow>,
    /// The kinds of paper, for the upload form: (code, name).
    attachment_kinds: &'static [(&'static str, &'static str)],
    /// The upload form is shown (the procedure is open and the user acts on procedures).
    may_upload: bool,
    max_bytes: usize,
}

struct AttachmentRow {
    id: i64,
    kind: &'static str,
    name: String,
    step: &'static str,
    note: String,
    by: String,
    on: String,
}

impl ShowPage<'_> {
    /// The upload's note as typed, when the upload was refused.
    fn typed_note(&self) -> &str {
        if self.typed.contains_key("action") { "" } else { self.typed.get("note").map(String::as_str).unwrap_or("") }
    }

    /// What was typed into the form of `action` before it was refused (kept, never lost).
    fn typed(&self, action: &str, key: &str) -> &str {
        if self.typed.get("action").map(String::as_str) == Some(action) {
            self.typed.get(key).map(String::as_str).unwrap_or("")
        } else {
            ""
        }
    }
}

struct StepRow {
    name: &'static str,
    actors: String,
    deadline: String,
    status: &'static str,
}

struct Current {
    name: &'static str,
    since: String,
    due: String,
    overdue: i64,
    /// The signed-in user's role acts here.
    mine: bool,
    review: bool,
    notice_days: Option<u32>,
    /// Earlier steps to send back to: (code, name).
    back_to: Vec<(&'static str, &'static str)>,
    actors: String,
    /// What this step records into the proposal (the collection form, the county's type and risks).
    fields: Vec<super::form::FormField>,
    /// What it records of itself (the appraisal's meeting and votes, the cross-check's hits).
    record: Vec<super::form::FormField>,
    /// The paper it may not be 办结 without: (name, uploaded yet).
    needs: Option<(&'static str, bool)>,
}

struct EventRow {
    on: String,
    step: &'static str,
    action: &'static str,
    colour: &'static str,
    by: String,
    text: String,
}

struct ObjectionRow {
    receipt: String,
    lodged_on: String,
    name: String,
    text: String,
    answer: Option<(String, &'static str, String)>,
}

fn actors_zh(roles: &[Role]) -> String {
    roles.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、")
}

fn proposal_rows(me: &CurrentUser, r: &ProcedureRecord) -> Vec<(&'static str, String)> {
    bangfu_core::procedure::decision::proposal_fields(r.procedure.def)
        .iter()
        .map(|f| {
            let label = if *f == "reason" { me.lang.t("procedure.reason") } else { super::field_label(me.lang, f) };
            (label, r.proposal.get(f).unwrap_or("").to_owned())
        })
        .map(|(l, v)| (l, if v.is_empty() { "未填".to_owned() } else { v }))
        .collect()
}

fn event_rows(r: &ProcedureRecord) -> Vec<EventRow> {
    let def = r.procedure.def;
    let name = |code: &str| def.steps.iter().find(|s| s.code == code).map_or("", |s| s.name_zh);
    r.procedure
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let by = match e.role {
                Some(role) => format!("{}（{}）", e.by, role.label_zh()),
                None => "村民（公示页面）".to_owned(),
            };
            let (action, colour, text) = match &e.action {
                Action::Complete { note } => ("办结", "green", note.clone()),
                Action::SendBack { to, reason } => {
                    ("退回", "yellow", format!("退回至“{}”：{reason}", to.map_or("上一环节", name)))
                }
                Action::Refuse { reason } => ("不予批准", "red", reason.clone()),
                Action::Withdraw { reason } => ("撤回", "grey", reason.clone()),
                Action::Object { receipt, text } => ("异议", "red", format!("回执 {receipt}：{text}")),
                Action::Answer { receipt, upheld, answer } => (
                    if *upheld { "异议成立" } else { "异议不成立" },
                    if *upheld { "yellow" } else { "green" },
                    format!("回执 {receipt}：{answer}"),
                ),
            };
            let text = match r.records.get(i).map(|x| x.summary_zh()).filter(|x| !x.is_empty()) {
                Some(rec) if text.is_empty() => rec,
                Some(rec) => format!("{text}（{rec}）"),
                None => text,
            };
            EventRow { on: e.on.to_string(), step: name(e.step), action, colour, by, text }
        })
        .collect()
}

async fn render_show(
    state: &AppState,
    me: &CurrentUser,
    r: ProcedureRecord,
    error: String,
    typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, r.household_id).await?;
    let calendar = state.db.work_calendar().await?;
    let def = r.procedure.def;
    let st = r.procedure.state();
    let at = match st {
        PState::At { step, .. } => Some(step),
        _ => None,
    };
    let steps = def
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            name: s.name_zh,
            actors: actors_zh(s.actors),
            deadline: s.deadline_working_days.map(|d| format!("{d}个工作日")).unwrap_or_default()
                + &r.procedure.notice_days_of(s).map(|d| format!("（公示不少于{d}天）")).unwrap_or_default(),
            status: match (at, st) {
                (Some(a), _) if i < a => "已办",
                (Some(a), _) if i == a => "办理中",
                (Some(_), _) => "",
                (None, PState::Approved { .. }) => "已办",
                _ => "",
            },
        })
        .collect();
    let current = match st {
        PState::At { step, since } => {
            let s = def.steps[step];
            Some(Current {
                name: s.name_zh,
                since: since.to_string(),
                due: r.procedure.due_on(&calendar).map(|d| d.to_string()).unwrap_or_default(),
                overdue: r.procedure.days_overdue(&calendar, me.today),
                mine: s.actors.contains(&me.user.role),
                review: s.review,
                notice_days: r.procedure.notice_days_of(&s),
                back_to: def.steps[..step].iter().map(|b| (b.code, b.name_zh)).collect(),
                actors: actors_zh(s.actors),
                fields: step_form(me, &r, s.code, &typed, h.data.household_type),
                record: record_form(me, def, s.code, &typed),
                needs: record::required_attachment(def, s.code)
                    .map(|(kind, _)| (record::attachment_kind_zh(kind), r.attachments.iter().any(|a| a.kind == kind))),
            })
        }
        _ => None,
    };
    let (label, colour) = match st {
        PState::At { .. } => ("办理中", "yellow"),
        PState::Approved { .. } => ("已批准", "green"),
        PState::Refused { .. } => ("不予批准", "red"),
        PState::Withdrawn { .. } => ("已撤回", "grey"),
    };
    let objections = r
        .objections
        .iter()
        .map(|o| ObjectionRow {
            receipt: o.receipt.clone(),
            lodged_on: o.lodged_on.to_string(),
            name: o.name.clone().unwrap_or_default(),
            text: o.text.clone(),
            answer: o.answer.as_ref().map(|(on, upheld, a)| {
                (on.to_string(), if *upheld { "异议成立，退回重办" } else { "异议不成立" }, a.clone())
            }),
        })
        .collect();
    let conditions = if def.code == kinds::RISK_CLEARING.code && r.procedure.state().is_open() {
        use bangfu_core::monitoring::clearing::Check;
        match state.db.clearing_conditions_of(&me.scope, &r, me.today).await {
            Ok(list) => list
                .into_iter()
                .map(|c| {
                    let (word, colour) = match c.check {
                        Check::Met => ("符合", "green"),
                        Check::NotMet => ("不符合", "red"),
                        Check::Unknown => ("未填", "yellow"),
                        Check::Note => ("说明", "grey"),
                    };
                    (c.label_zh, word, colour, c.figure)
                })
                .collect(),
            Err(DomainError::NotFound) => return Err(PageError::NotFound),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let step_name = |code: &str| def.steps.iter().find(|s| s.code == code).map_or("", |s| s.name_zh);
    let attachments = r
        .attachments
        .iter()
        .map(|a| AttachmentRow {
            id: a.id,
            kind: record::attachment_kind_zh(&a.kind),
            name: a.file_name.clone(),
            step: step_name(&a.step),
            note: a.note.clone().unwrap_or_default(),
            by: a.added_by.clone(),
            on: state.db.clock().local(a.created_at).format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let page = ShowPage {
        attachments,
        attachment_kinds: record::ATTACHMENT_KINDS,
        may_upload: st.is_open() && acts_on_any(me.user.role),
        max_bytes: bangfu_core::assistance::evidence::MAX_UPLOAD_BYTES,
        conditions,
        me,
        id: r.id,
        version: r.version,
        kind: def.name_zh,
        household_id: r.household_id.0,
        household_no: h.data.household_no.clone(),
        head: h.head_name.clone().unwrap_or_default(),
        state: label,
        colour,
        decision: decision_zh(def, &r.proposal),
        proposal: proposal_rows(me, &r),
        help_first: r.help_first.as_ref().map(|(on, why)| (on.to_string(), why.clone())),
        steps,
        current,
        events: event_rows(&r),
        objections,
        notice: r
            .notice_token
            .as_ref()
            .filter(|_| def.steps.iter().any(|s| s.notice_days.is_some()))
            .map(|_| format!("/procedures/{}/notice", r.id)),
        error: error.clone(),
        typed,
        total_due: r.procedure.total_due_on(&calendar).map(|d| d.to_string()).unwrap_or_default(),
    };
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.render()?)).into_response())
}

/// The current step's own fields, filled with what was typed or else what the proposal holds.
fn step_form(
    me: &CurrentUser,
    r: &ProcedureRecord,
    step: &str,
    typed: &HashMap<String, String>,
    household: bangfu_core::household::HouseholdType,
) -> Vec<super::form::FormField> {
    use super::form::{FormField, Opt};
    let def = r.procedure.def;
    bangfu_core::procedure::decision::step_fields(def, step)
        .iter()
        .map(|name| {
            let mut v = HashMap::new();
            let current = typed.get(*name).cloned().or_else(|| r.proposal.get(name).map(str::to_owned));
            v.insert((*name).to_owned(), current.unwrap_or_default());
            let mut f = FormField::of(me, &v, name, false);
            let choices: Vec<&str> = match *name {
                "risks" => Vec::new(),
                "monitoring_type" => bangfu_core::household::MonitoringType::ALL
                    .iter()
                    .filter(|t| bangfu_core::monitoring::check_type(**t, household).is_ok())
                    .map(|t| t.label_zh())
                    .collect(),
                _ => vec!["是", "否"],
            };
            let value = f.value.clone();
            let shown = |c: &str| {
                c == value || bangfu_core::household::MonitoringType::parse(&value).is_some_and(|t| t.label_zh() == c)
            };
            f.options = choices
                .iter()
                .map(|c| Opt { value: (*c).to_owned(), label: (*c).to_owned(), selected: shown(c) })
                .collect();
            if *name == "risks" {
                f.hint = me.lang.t("monitoring.risks_hint").to_owned();
            }
            f
        })
        .collect()
}

/// What the current step records of itself, as typed (kept when refused).
fn record_form(
    me: &CurrentUser,
    def: &'static ProcedureDef,
    step: &str,
    typed: &HashMap<String, String>,
) -> Vec<super::form::FormField> {
    record::record_fields(def, step)
        .iter()
        .map(|name| {
            let mut f = super::form::FormField::of(me, typed, name, *name != "hits_resolution");
            f.hint = match *name {
                "hits" => me.lang.t("procedure.hits_hint").to_owned(),
                "votes_for" => me.lang.t("procedure.votes_hint").to_owned(),
                _ => String::new(),
            };
            f
        })
        .collect()
}

async fn show(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    let r = state.db.procedure(&me.scope, id).await?;
    render_show(&state, &me, r, String::new(), HashMap::new()).await
}

/// The day an act was done: the form's `on`, or today when blank; the Chinese reason when it is
/// not a date.
pub fn act_date(v: &HashMap<String, String>, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, String> {
    match v.get("on").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(raw) => {
            bangfu_core::household::model::parse_date(raw).ok_or_else(|| "办理日期格式应为 2026-12-03".to_owned())
        }
    }
}

/// The action a form asks for, or the Chinese reason it cannot be one.
pub fn action_of(def: &'static ProcedureDef, v: &HashMap<String, String>) -> Result<Action, String> {
    let text = |k: &str| v.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    match v.get("action").map(String::as_str).unwrap_or("") {
        "complete" => Ok(Action::Complete { note: text("note") }),
        "send_back" => {
            let to = text("to");
            let to = if to.is_empty() {
                None
            } else {
                Some(def.steps.iter().find(|s| s.code == to).map(|s| s.code).ok_or("退回的环节不存在")?)
            };
            Ok(Action::SendBack { to, reason: text("reason") })
        }
        "refuse" => Ok(Action::Refuse { reason: text("reason") }),
        "withdraw" => Ok(Action::Withdraw { reason: text("reason") }),
        "answer" => match v.get("upheld").map(String::as_str) {
            Some("1") | Some("0") => Ok(Action::Answer {
                receipt: text("receipt"),
                upheld: v.get("upheld").map(String::as_str) == Some("1"),
                answer: text("answer"),
            }),
            _ => Err("请选择异议是否成立".to_owned()),
        },
        _ => Err("请选择要办理的事项".to_owned()),
    }
}

async fn act(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let r = state.db.procedure(&me.scope, id).await?;
    if !acts_on_any(me.user.role) {
        return Err(PageError::Denied(bangfu_core::auth::Permission::EditRegister));
    }
    me.check_form_csrf(&v)?;
    let on = act_date(&v, me.today);
    let version = v.get("version").and_then(|x| x.parse::<i64>().ok());
    let parsed = action_of(r.procedure.def, &v).and_then(|a| on.map(|on| (a, on)));
    let (action, on) = match (parsed, version) {
        (Ok(x), Some(_)) => x,
        (Err(e), _) => return render_show(&state, &me, r, e, v).await,
        (_, None) => return render_show(&state, &me, r, "表单缺少版本，请刷新后再办理".to_owned(), v).await,
    };
    let act = Act { id, version: version.unwrap_or_default(), action, role: Some(me.user.role), on };
    match state.db.act_with_findings(&me.scope, act, &v, &me.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/procedures/{id}")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            let line = super::form::error_line(e)?;
            let fresh = state.db.procedure(&me.scope, id).await?;
            render_show(&state, &me, fresh, line, v).await
        }
    }
}

/// Uploads a paper to the procedure at its current step (a photo or PDF, kept for good).
async fn attachment_save(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let r = state.db.procedure(&me.scope, id).await?;
    if !acts_on_any(me.user.role) {
        return Err(PageError::Denied(bangfu_core::auth::Permission::EditRegister));
    }
    let parts = match super::plans::read_evidence(multipart).await {
        Ok(p) => p,
        Err(e) => return render_show(&state, &me, r, e.message, HashMap::new()).await,
    };
    me.check_csrf(&parts.csrf)?;
    let typed: HashMap<String, String> = [("note".to_owned(), parts.note.clone())].into_iter().collect();
    let Some((name, bytes)) = &parts.file else {
        return render_show(&state, &me, r, "请选择要上传的照片或PDF文件".to_owned(), typed).await;
    };
    let stored = match bangfu_core::assistance::evidence::check_upload(name, bytes) {
        Ok(up) => {
            let note = Some(parts.note.as_str());
            state.db.add_procedure_attachment(&me.scope, id, parts.kind.trim(), note, (&up, bytes), &me.actor()).await
        }
        Err(e) => Err(DomainError::Invalid(vec![e])),
    };
    match stored {
        Ok(_) => Ok(Redirect::to(&format!("/procedures/{id}#attachments")).into_response()),
        Err(DomainError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            let line = super::form::error_line(e)?;
            render_show(&state, &me, r, line, typed).await
        }
    }
}

/// A procedure's paper, to users whose area holds the procedure (another's is 404).
async fn attachment_download(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(aid): Path<i64>,
) -> Result<Response, PageError> {
    let (a, bytes) = state.db.procedure_attachment_file(&me.scope, aid).await?;
    Ok(super::plans::file_response_of(Some(&a.content_type), Some(&a.file_name), bytes))
}

#[derive(Template)]
#[template(path = "notice_print.html")]
struct NoticePrint<'a> {
    me: &'a CurrentUser,
    /// The household, for the toolbar's way back.
    id: i64,
    title: String,
    township: String,
    village: String,
    head_name: String,
    decision: String,
    from: String,
    to: String,
    contact: String,
    url: String,
    qr: String,
    today: String,
}

/// The address villagers reach: the district's setting, else the address this page was asked on.
pub async fn public_base(state: &AppState, headers: &HeaderMap) -> Result<String, PageError> {
    if let Some(url) = state.db.setting("public_url").await? {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.secure_cookies { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

/// The printable A4 notice for the village board: names and village, the decision, the dates,
/// where to object (and 12317), and a QR code to the same notice online. No ID numbers, no
/// health details.
async fn notice(
    State(state): State<AppState>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let r = state.db.procedure(&me.scope, id).await?;
    let token = r.notice_token.clone().ok_or(PageError::NotFound)?;
    let n = state.db.public_notice(&token).await?;
    let url = format!("{}/gs/{token}", public_base(&state, &headers).await?);
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| PageError::Internal(e.to_string()))?;
    let qr = code.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).quiet_zone(true).build();
    let contact = state.db.setting("notice_contact").await?.unwrap_or_else(|| "村民委员会、乡镇人民政府".to_owned());
    let page = NoticePrint {
        me: &me,
        id: r.household_id.0,
        title: format!("{}公示", n.kind_zh),
        township: n.township,
        village: n.village,
        head_name: n.head_name,
        decision: n.decision,
        from: n.from.format("%Y年%-m月%-d日").to_string(),
        to: n.to.format("%Y年%-m月%-d日").to_string(),
        contact,
        url,
        qr,
        today: me.today.format("%Y年%-m月%-d日").to_string(),
    };
    Ok(Html(page.render()?))
}

// ---- 程序设置 (the district office): deadlines, and what the printed notice says ----

type Settings = crate::extract::Require<crate::extract::perm::ManageSettings>;

const SETTING_FIELDS: &[&str] = &["notice_days", "total_working_days", "public_url", "notice_contact"];

async fn settings_form(
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[bangfu_core::FieldError],
) -> Result<Response, PageError> {
    let fields = SETTING_FIELDS
        .iter()
        .map(|name| {
            let mut f = super::form::FormField::of(me, v, name, false);
            f.label = me.lang.t(match *name {
                "notice_days" => "settings.notice_days",
                "total_working_days" => "settings.total_working_days",
                "public_url" => "settings.public_url",
                _ => "settings.notice_contact",
            });
            f.hint = me
                .lang
                .t(match *name {
                    "notice_days" => "settings.notice_days_hint",
                    "total_working_days" => "settings.total_working_days_hint",
                    "public_url" => "settings.public_url_hint",
                    _ => "settings.notice_contact_hint",
                })
                .to_owned();
            f
        })
        .collect();
    super::form::render_form(
        me,
        me.lang.t("settings.procedures").to_owned(),
        "/procedures".into(),
        me.lang.t("form.save"),
        fields,
        errors,
    )
}

async fn settings_page(State(state): State<AppState>, me: Settings) -> Result<Response, PageError> {
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(bangfu_core::auth::Permission::ManageSettings));
    }
    let d = state.db.deadlines().await?;
    let mut v = HashMap::new();
    v.insert("notice_days".to_owned(), d.notice_days.map(|n| n.to_string()).unwrap_or_default());
    v.insert("total_working_days".to_owned(), d.total_working_days.map(|n| n.to_string()).unwrap_or_default());
    v.insert("public_url".to_owned(), state.db.setting("public_url").await?.unwrap_or_default());
    v.insert("notice_contact".to_owned(), state.db.setting("notice_contact").await?.unwrap_or_default());
    settings_form(&me, &v, &[]).await
}

async fn settings_save(
    State(state): State<AppState>,
    me: Settings,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(bangfu_core::auth::Permission::ManageSettings));
    }
    me.check_form_csrf(&v)?;
    let get = |k: &str| v.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut errors = match bangfu_core::procedure::Deadlines::parse(&get("notice_days"), &get("total_working_days")) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    };
    let url = get("public_url");
    if !url.is_empty()
        && (!(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
            || url.len() > 200)
    {
        errors.push(bangfu_core::FieldError::new("public_url", "网址应以 https:// 或 http:// 开头，不含空格"));
    }
    if get("notice_contact").chars().count() > 100 {
        errors.push(bangfu_core::FieldError::new("notice_contact", "请不超过100字"));
    }
    if !errors.is_empty() {
        return settings_form(&me, &v, &errors).await;
    }
    for (key, field) in [
        (bangfu_db::procedures::NOTICE_DAYS, "notice_days"),
        (bangfu_db::procedures::TOTAL_WORKING_DAYS, "total_working_days"),
        ("public_url", "public_url"),
        ("notice_contact", "notice_contact"),
    ] {
        let value = get(field);
        if state.db.setting(key).await?.unwrap_or_default() != value {
            state.db.set_setting(key, &value, &me.actor()).await?;
        }
    }
    Ok(Redirect::to("/procedures").into_response())
}
