//! bangfu-web: the HTTP face of the register. For now: a health check and a public
//! overview of counts per township (no personal data); sign-in and the register's pages follow.

use std::future::Future;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::area::{Area, Scope};
use bangfu_core::store::{AreaStore, HouseholdStore};
use bangfu_db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

pub fn router(state: AppState) -> Router {
    Router::new().route("/", get(overview)).route("/healthz", get(healthz)).with_state(state)
}

/// Serves until `shutdown` resolves. Tests bind port 0 and pass their own listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.count_areas().await {
        Ok(_) => Json(serde_json::json!({ "status": "ok", "backend": state.db.backend() })).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable" }))).into_response(),
    }
}

/// The area the deployment is about: walk down from the root while there is only one child.
pub async fn home_area(db: &Db) -> Option<Area> {
    let mut roots = db.children_of_root().await.ok()?;
    let mut area = if roots.len() == 1 { roots.pop()? } else { return None };
    loop {
        let children = db.children(&area.code).await.ok()?;
        if children.len() == 1 {
            area = children.into_iter().next()?;
        } else {
            return Some(area);
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn overview(State(state): State<AppState>) -> Response {
    let Some(home) = home_area(&state.db).await else {
        return Html(page("bangfu 帮扶", "<p>尚未导入行政区划。请运行 <code>bangfu areas import 文件.csv</code>。</p>".into())).into_response();
    };
    let counts = match state.db.counts_by_child_area(&Scope::everything(), &home.code).await {
        Ok(c) => c,
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, Html(page("出错了", "<p>读取数据失败，请稍后再试。</p>".into()))).into_response(),
    };
    let mut rows = String::new();
    let (mut th, mut tp, mut tm, mut tpeople) = (0, 0, 0, 0);
    for c in &counts {
        th += c.households;
        tp += c.poor;
        tm += c.monitored;
        tpeople += c.people;
        rows.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&c.area.name),
            c.households,
            c.people,
            c.poor,
            c.monitored
        ));
    }
    let body = format!(
        "<h1>{} 建档立卡户概况</h1><p class=sub>各乡镇（街道）登记户数、人数、未脱贫（含返贫）户和在监测户</p>\
         <table><thead><tr><th>乡镇（街道）</th><th>户数</th><th>人数</th><th>未脱贫户</th><th>监测户</th></tr></thead>\
         <tbody>{rows}</tbody><tfoot><tr><th>合计</th><th class=n>{th}</th><th class=n>{tpeople}</th><th class=n>{tp}</th><th class=n>{tm}</th></tr></tfoot></table>",
        esc(&home.name)
    );
    Html(page(&format!("{} · bangfu 帮扶", home.name), body)).into_response()
}

fn page(title: &str, body: String) -> String {
    format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>body{{font-family:system-ui,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#222}}\
         h1{{font-size:1.3em}}.sub{{color:#666}}table{{border-collapse:collapse;width:100%}}th,td{{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left}}\
         .n{{text-align:right;font-variant-numeric:tabular-nums}}tfoot th{{border-top:2px solid #999}}td:first-child{{white-space:nowrap}}@media (max-width:480px){{th,td{{padding:6px 4px}}}}</style></head><body>{body}</body></html>",
        esc(title)
    )
}
