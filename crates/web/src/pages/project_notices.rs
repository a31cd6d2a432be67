//! A project's public notices on screen: the printable A4 notice (村内公示, 入库公告, 实施地公告)
//! with its QR code, the public page behind the code (/gs/p/{token}, no account) where a villager
//! objects and gets a receipt, and the objections on the project's page for staff to answer.
//! The notice says what the project is and how households benefit; no household, no ID number.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::money::Fen;
use bangfu_core::project::notice::{self, NoticeKind};
use bangfu_db::project_notices::ProjectNotice;
use bangfu_db::projects::ProjectRecord;

use super::public::{POSTS_PER_MINUTE, VIEWS_PER_MINUTE, allowed, source_of, too_many};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{ClientIp, CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/notice", get(print))
        .route("/projects/{id}/objections/{oid}/answer", post(answer))
        .route("/gs/p/{token}", get(public).post(object))
}

type Values = HashMap<String, String>;

fn date_zh(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The lines of a notice, in the order the printed sheet and the public page show them.
fn lines_of(n: &ProjectNotice) -> Vec<(&'static str, String)> {
    let or_blank = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
    let count = |o: Option<u32>| o.map_or_else(|| "—".into(), |x| format!("{x}户"));
    let mut lines = vec![
        ("项目名称", n.name.clone()),
        ("实施地点", format!("{} {}", n.township, n.village).trim().to_owned()),
        ("项目类别", format!("{}{}", n.category, n.nature.map(|x| format!("（{x}）")).unwrap_or_default())),
    ];
    if n.kind != NoticeKind::Village {
        lines.push(("批复文号", or_blank(&n.approval_no)));
    }
    lines.extend([
        ("资金规模", n.investment.map_or_else(|| "—".into(), Fen::display_yuan)),
        ("建设内容", or_blank(&n.tasks)),
        (
            "建设期限",
            match (n.start_on, n.end_on) {
                (Some(s), Some(e)) => format!("{}至{}", date_zh(s), date_zh(e)),
                _ => "—".into(),
            },
        ),
        (
            "受益对象",
            format!("受益{}，其中脱贫户{}、监测户{}", count(n.households), count(n.exited), count(n.monitored)),
        ),
        ("预期效益和联农带农机制", or_blank(&n.benefit_mechanism)),
        ("责任单位", or_blank(&n.responsible_unit)),
        ("实施单位", or_blank(&n.implementing_unit)),
    ]);
    lines
}

/// "公示时间：2026年9月28日至2026年10月15日（10个工作日）" or "公告日期：…".
fn period_of(n: &ProjectNotice) -> String {
    match (n.to, n.notice_days) {
        (Some(to), Some(days)) => format!("公示时间：{}至{}（{days}个工作日）", date_zh(n.from), date_zh(to)),
        _ => format!("公告日期：{}", date_zh(n.from)),
    }
}

/// A long text cut so that the sheet stays on one A4 page; the whole is on the public page.
fn clipped(v: String) -> String {
    const MAX: usize = 120;
    if v.chars().count() <= MAX {
        return v;
    }
    let head: String = v.chars().take(MAX).collect();
    format!("{head}…（全文见扫码页面）")
}

#[derive(Template)]
#[template(path = "project_notice_print.html")]
struct PrintPage<'a> {
    me: &'a CurrentUser,
    /// The project, for the toolbar's way back.
    id: i64,
    title: &'static str,
    village_name: String,
    lines: Vec<(&'static str, String)>,
    period: String,
    village_notice: bool,
    contact: String,
    url: String,
    qr: String,
    today: String,
    /// (kind code, title, this one) of the notices the project has reached.
    others: Vec<(&'static str, &'static str, bool)>,
}

#[derive(serde::Deserialize, Default)]
struct KindQuery {
    #[serde(default)]
    kind: Option<String>,
}

/// The printable A4 notice of a project for the village board or the site, with the QR code
/// to the same notice online.
async fn print(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    let p = state.db.project(&me.scope, id).await?;
    if p.procedure.is_none() {
        return Err(PageError::NotFound);
    }
    let kind = q.kind.as_deref().and_then(NoticeKind::parse);
    let token = state.db.project_notice_token(&me.scope, id, &me.actor()).await?;
    let n = state.db.notice_of_project(&p, kind).await?;
    let url = format!("{}/gs/p/{token}", super::procedures::public_base(&state, &headers).await?);
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| PageError::Internal(e.to_string()))?;
    let qr = code.render::<qrcode::render::svg::Color>().min_dimensions(140, 140).quiet_zone(true).build();
    let contact = state.db.setting("notice_contact").await?.unwrap_or_else(|| "村民委员会、乡镇人民政府".to_owned());
    let page = PrintPage {
        me: &me,
        id,
        title: n.kind.title_zh(),
        village_name: if n.village.is_empty() { n.township.clone() } else { n.village.clone() },
        lines: lines_of(&n).into_iter().map(|(k, v)| (k, clipped(v))).collect(),
        period: period_of(&n),
        village_notice: n.kind == NoticeKind::Village,
        contact,
        url,
        qr,
        today: date_zh(me.today),
        others: n.reached.iter().map(|k| (k.code(), k.title_zh(), *k == n.kind)).collect(),
    };
    Ok(Html(page.render()?).into_response())
}

/// The 项目公示 section of a project's page: the notices it reached, the objections.
pub struct NoticeSection {
    /// (kind code, title) of the notices reached; empty for a draft.
    pub notices: Vec<(&'static str, &'static str)>,
    /// The notice up now, if any.
    pub open: Option<&'static str>,
    pub objections: Vec<ObjectionRow>,
}

pub struct ObjectionRow {
    pub id: i64,
    pub receipt: String,
    pub step: &'static str,
    pub lodged_on: String,
    pub who: String,
    pub text: String,
    /// (on, verdict, answer, by) once answered.
    pub answer: Option<(String, &'static str, String, String)>,
    /// The signed-in user answers it.
    pub mine: bool,
}

pub async fn section(state: &AppState, me: &CurrentUser, p: &ProjectRecord) -> Result<NoticeSection, PageError> {
    let Some(procedure) = &p.procedure else {
        return Ok(NoticeSection { notices: Vec::new(), open: None, objections: Vec::new() });
    };
    let objections = state.db.project_objections(&me.scope, p.id).await?;
    Ok(NoticeSection {
        notices: notice::notices_reached(procedure).iter().map(|(k, _)| (k.code(), k.title_zh())).collect(),
        open: notice::open_notice(procedure).map(NoticeKind::title_zh),
        objections: objections
            .into_iter()
            .map(|o| ObjectionRow {
                id: o.id,
                step: o.step_zh(),
                mine: o.answer.is_none() && notice::may_answer(&o.step, me.user.role).is_ok(),
                receipt: o.receipt,
                lodged_on: o.lodged_on.to_string(),
                who: format!("{}，{}", o.name, o.phone_masked),
                text: o.text,
                answer: o
                    .answer
                    .map(|(on, by, upheld, a)| (on.to_string(), if upheld { "异议成立" } else { "异议不成立" }, a, by)),
            })
            .collect(),
    })
}

/// Staff answer an objection (those who act at the notice it was lodged at).
async fn answer(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Path((id, oid)): Path<(i64, i64)>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    state.db.project(&me.scope, id).await?;
    me.check_form_csrf(&v)?;
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let on = super::procedures::act_date(&v, me.today).map_err(|e| DomainError::invalid("on", e));
    let done = match (notice::parse_answer(get("upheld"), get("answer")), on) {
        (Ok((upheld, text)), Ok(on)) => {
            state.db.answer_project_objection(&me.scope, id, oid, me.user.role, upheld, &text, on, &me.actor()).await
        }
        (Err(e), _) => Err(DomainError::Invalid(e)),
        (_, Err(e)) => Err(e),
    };
    super::projects::after(&state, &me, id, done, v).await
}

// The public page behind the QR code.

#[derive(Template)]
#[template(path = "public_project_notice.html")]
struct PublicPage {
    token: String,
    title: &'static str,
    lines: Vec<(&'static str, String)>,
    period: String,
    open: bool,
    errors: Vec<String>,
    typed: Values,
    receipt: Option<String>,
}

impl PublicPage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn render(
    state: &AppState,
    token: &str,
    errors: Vec<String>,
    typed: Values,
    receipt: Option<String>,
) -> Result<Response, PageError> {
    let n = state.db.public_project_notice(token).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PublicPage {
        token: token.to_owned(),
        title: n.kind.title_zh(),
        lines: lines_of(&n),
        period: period_of(&n),
        open: n.open,
        errors,
        typed,
        receipt,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn public(State(state): State<AppState>, ip: ClientIp, Path(token): Path<String>) -> Result<Response, PageError> {
    if !allowed(&state, &source_of(&ip), "view", VIEWS_PER_MINUTE) {
        return Ok(too_many());
    }
    render(&state, &token, Vec::new(), Values::new(), None).await
}

async fn object(
    State(state): State<AppState>,
    ip: ClientIp,
    Path(token): Path<String>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    let source = source_of(&ip);
    if !allowed(&state, &source, "post", POSTS_PER_MINUTE) {
        return Ok(too_many());
    }
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    match state.db.lodge_project_objection(&token, get("name"), get("phone"), get("text"), &source).await {
        Ok(receipt) => render(&state, &token, Vec::new(), Values::new(), Some(receipt)).await,
        Err(DomainError::Invalid(errors)) => {
            let label = |f: &str| match f {
                "name" => "姓名：",
                "phone" => "联系电话：",
                "text" => "异议内容：",
                _ => "",
            };
            let lines = errors.iter().map(|e| format!("{}{}", label(&e.field), e.message)).collect();
            render(&state, &token, lines, v, None).await
        }
        Err(e) => Err(e.into()),
    }
}
