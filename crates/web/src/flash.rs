//! "已保存" after every save, and a sign-in that says the session ran out.
//!
//! Every form posts and, when the save worked, redirects (post → redirect → get); a form with
//! errors is re-shown instead. So one layer can tell a finished save from any handler: a POST
//! answered with a redirect to a page of this site (not to sign-in) marks the next page with a
//! short-lived cookie, and that page shows the confirmation once. The same layer sees a request
//! that carried a session cookie but is sent to sign in: the session expired, and the sign-in
//! page says so (the form's draft is kept in the browser by static/forms.js).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::extract::{SESSION_COOKIE, cookie, lang_of};

pub const FLASH_COOKIE: &str = "bangfu_flash";
/// Where the confirmation goes: right after the page's `<main>`.
const ANCHOR: &str = "<main>";
/// Pages are small; a larger body is passed through untouched.
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// Paths whose POST is not a save of the register.
fn not_a_save(path: &str) -> bool {
    matches!(path, "/login" | "/login/code" | "/logout") || path.starts_with("/lang/") || path.starts_with("/api/")
}

pub async fn layer(req: Request, next: Next) -> Response {
    let is_post = req.method() == Method::POST;
    let path = req.uri().path().to_owned();
    let had_session = cookie(req.headers(), SESSION_COOKIE).is_some();
    let flash = cookie(req.headers(), FLASH_COOKIE).filter(|v| v == "saved");
    let lang = lang_of(req.headers());
    let referer = referer_path(req.headers());
    let mut res = next.run(req).await;

    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if res.status().is_redirection()
        && let Some(location) = location
    {
        // (A plain "/login" is a deliberate end, 退出 or 换一个账号登录: nothing ran out.)
        if location.starts_with("/login?") {
            // A form posted after the session ran out: come back to the page that showed the
            // form (a POST address may have no page of its own), and say why.
            let mut target = location.clone();
            if let (true, Some(back)) = (is_post, &referer) {
                target = format!("/login?next={}", crate::error::encode(back));
            }
            if had_session && !target.contains("expired=") {
                let sep = if target.contains('?') { '&' } else { '?' };
                target = format!("{target}{sep}expired=1");
            }
            if target != location
                && let Ok(v) = HeaderValue::from_str(&target)
            {
                res.headers_mut().insert(header::LOCATION, v);
            }
        } else if is_post && !not_a_save(&path) && location.starts_with('/') && !location.starts_with("//") {
            res.headers_mut().append(header::SET_COOKIE, set_cookie("saved", 120));
        }
        return res;
    }

    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if flash.is_none() || res.status() != StatusCode::OK || !is_html || is_post {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let page = String::from_utf8_lossy(&bytes);
    let body = match page.find(ANCHOR) {
        Some(at) => {
            let at = at + ANCHOR.len();
            let note = lang.t("flash.saved");
            format!("{}<p class=\"flash\" role=\"status\" data-saved>{note}</p>{}", &page[..at], &page[at..])
        }
        None => page.into_owned(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.append(header::SET_COOKIE, set_cookie("", 0));
    Response::from_parts(parts, Body::from(body))
}

/// The path (and query) of the page that sent this request, when it is a page of this site.
fn referer_path(headers: &axum::http::HeaderMap) -> Option<String> {
    let r = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = r.strip_prefix("http://").or_else(|| r.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    (path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/login")).then(|| path.to_owned())
}

fn set_cookie(value: &str, max_age: u32) -> HeaderValue {
    HeaderValue::from_str(&format!("{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}
