//! bangfu-web: the register in a browser. Server-rendered pages (askama), every route
//! behind sign-in and limited to the user's area; a health check for load balancers.

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::auth::SessionPolicy;
use bangfu_core::store::AreaStore;
use bangfu_db::Db;

pub mod api;
pub mod error;
pub mod extract;
pub mod flash;
pub mod i18n;
mod id_search;
pub mod limit;
pub mod pages;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub policy: SessionPolicy,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Addresses of the reverse proxies whose `X-Forwarded-For` is believed; from anyone
    /// else the header is ignored (it could name any address).
    pub trusted_proxies: std::sync::Arc<Vec<std::net::IpAddr>>,
    pub sign_in_limiter: std::sync::Arc<limit::SignInLimiter>,
    /// Requests to the public pages (公示, 异议, 自主申报) per source and minute.
    pub public_limiter: std::sync::Arc<limit::SignInLimiter>,
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            policy: SessionPolicy::default(),
            secure_cookies: false,
            trusted_proxies: Default::default(),
            sign_in_limiter: Default::default(),
            public_limiter: Default::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::auth::router())
        .merge(pages::two_factor::router())
        .merge(pages::overview::router())
        .merge(pages::households::router())
        .merge(pages::members::router())
        .merge(pages::changes::router())
        .merge(pages::events::router())
        .merge(pages::incomes::router())
        .merge(pages::lines::router())
        .merge(pages::household_form::router())
        .merge(pages::monitoring::router())
        .merge(pages::audit::router())
        .merge(pages::assistance::router())
        .merge(pages::plans::router())
        .merge(pages::visits::router())
        .merge(pages::teams::router())
        .merge(pages::print::router())
        .merge(pages::units::router())
        .merge(pages::users::router())
        .merge(pages::grants::router())
        .merge(pages::id_conflicts::router())
        .merge(pages::procedures::router())
        .merge(pages::projects::router())
        .merge(pages::project_changes::router())
        .merge(pages::project_documents::router())
        .merge(pages::pv::router())
        .merge(pages::assets::router())
        .merge(pages::project_notices::router())
        .merge(pages::training::router())
        .merge(pages::yulu::router())
        .merge(pages::public::router())
        .merge(pages::self_reports::router())
        .merge(pages::leads::router())
        .merge(pages::areas::router())
        .merge(api::router())
        .route("/healthz", get(healthz))
        .route("/lang/{code}", get(switch_language))
        .route("/static/{file}", get(static_file))
        .fallback(|| async { error::PageError::NotFound })
        .layer(axum::middleware::from_fn(flash::layer))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(bound_headers))
        .layer(axum::middleware::from_fn(trace_request))
        .with_state(state)
}

tokio::task_local! {
    /// This request's number: in every log line of its span, on an error page and in an API
    /// error, so a user's "出错了（请求编号 42）" finds its one log line.
    static REQUEST_ID: u64;
}

/// The number of the request being served, if any.
pub fn request_id() -> Option<u64> {
    REQUEST_ID.try_with(|id| *id).ok()
}

/// One span per request, named by the matched route (never the raw URI, whose query may
/// hold an ID number someone searched for), with a request id; status and duration logged.
async fn trace_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tracing::Instrument;
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!("request", request_id = id, method = %req.method(), route = %route);
    let started = std::time::Instant::now();
    REQUEST_ID
        .scope(
            id,
            async move {
                let mut res = next.run(req).await;
                tracing::info!(
                    status = res.status().as_u16(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "served"
                );
                if let Ok(v) = axum::http::HeaderValue::from_str(&id.to_string()) {
                    res.headers_mut().insert("x-request-id", v);
                }
                res
            }
            .instrument(span),
        )
        .await
}

/// The most a request's headers may hold, names and values together (16 KiB): a browser
/// sends a few hundred bytes to a couple of kilobytes; more is an attack or a broken client.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The most headers one request may carry.
pub const MAX_HEADERS: usize = 64;

/// Refuses a request whose headers are too large or too many (431) before anything reads them.
async fn bound_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = req.headers();
    let bytes: usize = headers.iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    if bytes > MAX_HEADER_BYTES || headers.len() > MAX_HEADERS {
        tracing::warn!(bytes, count = headers.len(), "request headers too large");
        let body = "请求头过大（超过 16 KB 或 64 个），请清除本网站的 Cookie 后重试。";
        return (axum::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, body).into_response();
    }
    next.run(req).await
}

/// The browser-side protections on every response: scripts only from this site (no inline
/// script anywhere), no framing, no sniffing, the address kept to this site, and nothing
/// with personal data kept in a cache (only the vendored static files say otherwise).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{HeaderValue, header};
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Serves until `shutdown` resolves. Tests bind port 0 and pass their own listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Vendored front-end files, embedded in the binary (see static/README.md).
async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    const HTMX: &str = include_str!("../static/htmx.min.js");
    const HTMX_LICENSE: &str = include_str!("../static/htmx.LICENSE");
    const FORMS: &str = include_str!("../static/forms.js");
    const PICKER: &str = include_str!("../static/picker.js");
    const EVIDENCE: &str = include_str!("../static/evidence.js");
    const PRINT: &str = include_str!("../static/print.js");
    let (body, kind) = match file.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "forms.js" => (FORMS, "text/javascript; charset=utf-8"),
        "picker.js" => (PICKER, "text/javascript; charset=utf-8"),
        "evidence.js" => (EVIDENCE, "text/javascript; charset=utf-8"),
        "print.js" => (PRINT, "text/javascript; charset=utf-8"),
        "htmx.LICENSE" => (HTMX_LICENSE, "text/plain; charset=utf-8"),
        _ => return error::PageError::NotFound.into_response(),
    };
    ([(axum::http::header::CONTENT_TYPE, kind), (axum::http::header::CACHE_CONTROL, "public, max-age=86400")], body)
        .into_response()
}

/// Switches the interface language (a cookie) and goes back where the user was.
async fn switch_language(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = i18n::Lang::from_code(&code);
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_owned()))
        .filter(|p| !p.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned());
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}", i18n::LANG_COOKIE, lang.code());
    let mut res = axum::response::Redirect::to(&back).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    res
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.count_areas().await {
        Ok(_) => Json(serde_json::json!({ "status": "ok", "backend": state.db.backend() })).into_response(),
        Err(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable" }))).into_response()
        }
    }
}
