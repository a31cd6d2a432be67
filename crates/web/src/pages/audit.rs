//! 审计日志: district admins and auditors browse and filter it within their area; nobody edits it.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use bangfu_core::audit::AuditAction;
use bangfu_core::audit::AuditFilter;
use bangfu_core::auth::Role;
use bangfu_core::store::{AuditStore, Page};

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
}

pub struct Entry {
    pub at: String,
    pub who: String,
    pub ip: String,
    pub action: &'static str,
    pub object: String,
    pub change: String,
}

pub struct ActionChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    me: &'a CurrentUser,
    username: &'a str,
    actions: Vec<ActionChoice>,
    entries: Vec<Entry>,
    total: i64,
    page: i64,
}

const PAGE: i64 = 50;

async fn list(
    State(state): State<AppState>,
    me: Require<perm::ReadAudit>,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let filter = AuditFilter {
        username: Some(q.username.trim().to_owned()).filter(|s| !s.is_empty()),
        action: AuditAction::parse(&q.action),
        ..Default::default()
    };
    let page = i64::from(q.page.0);
    // A township reader sees its own area's rows only; rows without an area are the district's.
    let (rows, total) = state.db.audit_log(&me.scope, &filter, Page { number: q.page.0, size: PAGE as u32 }).await?;
    // Who read the log, and what for, is itself in the log (after this page was read).
    state.db.audit(&filter.reading(&me.actor(), q.page.0)).await?;
    let entries = rows
        .into_iter()
        .map(|e| Entry {
            at: e.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string(),
            who: match (&e.username, &e.role) {
                (Some(u), Some(r)) => format!("{u}（{}）", Role::parse(r).map(|r| r.label_zh()).unwrap_or(r)),
                (Some(u), None) => u.clone(),
                _ => String::new(),
            },
            ip: e.ip.clone().unwrap_or_default(),
            action: e.action.label_zh(),
            object: match (&e.object_type, &e.object_id) {
                (Some(t), Some(id)) => format!("{} #{id}", object_label(t)),
                _ => String::new(),
            },
            change: match &e.field {
                Some(f) => {
                    let label =
                        bangfu_core::household::columns::header_zh(bangfu_core::household::columns::MEMBER_COLUMNS, f);
                    let label = if label.is_empty() { admin_field_label(e.object_type.as_deref(), f) } else { label };
                    format!(
                        "{}：{} → {}",
                        if label.is_empty() { f.as_str() } else { label },
                        e.before_value.clone().unwrap_or_else(|| "（空）".into()),
                        e.after_value.clone().unwrap_or_else(|| "（空）".into())
                    )
                }
                None => String::new(),
            },
        })
        .collect();
    let actions = AuditAction::ALL
        .iter()
        .map(|a| ActionChoice { code: a.code(), label: a.label_zh(), selected: a.code() == q.action })
        .collect();
    Ok(Html(AuditPage { me: &me, username: &q.username, actions, entries, total, page }.render()?))
}

/// What kind of record an audit row is about, in words.
fn object_label(object_type: &str) -> &str {
    match object_type {
        "member" => "成员",
        "household" => "户",
        "unit" => "帮扶单位",
        "user" => "账号",
        "helper" => "帮扶责任人",
        "setting" => "设置",
        other => other,
    }
}

/// Fields of units and accounts, which are not register columns.
fn admin_field_label(object_type: Option<&str>, field: &str) -> &'static str {
    match (object_type, field) {
        (Some("unit"), "name") => "单位名称",
        (Some("unit"), "level") => "单位级别",
        (Some("unit"), "area_code") => "所属区划",
        (Some("user"), "username") => "账号",
        (Some("user"), "status") => "账号状态",
        (Some("user"), "password") => "密码",
        (Some("user"), "locked") => "锁定",
        (_, "visit_interval_days") => "走访间隔（天）",
        _ => "",
    }
}
