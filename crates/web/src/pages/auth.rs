//! 登录、退出、修改密码.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::{
    Attempt, SIGN_IN_FAILED, SIGN_IN_TOO_FAST, hash_password, random_token, same_secret, token_hash,
};
use bangfu_db::sessions::{SignInCheck, verify_password_off_thread};
use bangfu_db::two_factor::{STAGE_FULL, STAGE_SECOND_FACTOR};

use crate::AppState;
use crate::error::PageError;
use crate::extract::{ClientIp, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/password", get(password_page).post(change_password))
        .route("/sessions", get(sessions_page))
        .route("/sessions/end", post(end_session))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: crate::i18n::Lang,
    csrf: String,
    next: String,
    username: String,
    error: Option<&'static str>,
    /// Sent here because the session ran out (not a first visit).
    expired: bool,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    expired: Option<String>,
}

/// Only paths on this site: never an open redirect. A browser drops tabs and line breaks
/// from a URL and reads `\\` as `/`, so `/\t/host` or `/\\host` would leave the site: any
/// control character, space or backslash, or a second leading slash, gives the start page.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
                && axum::http::uri::PathAndQuery::try_from(n).is_ok() =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub(crate) fn cookie_header(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    // Double-submit token: the form and a cookie must carry the same random value.
    let csrf = random_token();
    let page = LoginPage {
        lang: crate::extract::lang_of(&headers),
        csrf: csrf.clone(),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
        expired: q.expired.is_some(),
    };
    let mut res = Html(page.render()?).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, LOGIN_CSRF_COOKIE, &csrf, Some(3600)));
    Ok(res)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&form.csrf, &expected) {
        return Err(PageError::Csrf);
    }
    let username = form.username.trim().to_owned();
    let source = ip.clone().unwrap_or_default();
    let now = state.db.clock().now();
    if !state.sign_in_limiter.allow(&source, now.timestamp().div_euclid(60), state.policy.attempts_per_minute) {
        let actor = Actor { user_id: None, username: username.clone(), role: None, ip };
        state
            .db
            .audit(&AuditEntry::new(&actor, AuditAction::SignInFailed).change("reason", None, Some("too_fast".into())))
            .await?;
        let page = LoginPage {
            lang: crate::extract::lang_of(&headers),
            csrf: expected,
            next: safe_next(Some(&form.next)),
            username,
            error: Some(SIGN_IN_TOO_FAST),
            expired: false,
        };
        let mut res = (axum::http::StatusCode::TOO_MANY_REQUESTS, Html(page.render()?)).into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return Ok(res);
    }
    let check = state.db.check_sign_in(&username, &form.password, ip.as_deref(), &state.policy, now).await?;
    match check {
        SignInCheck::Ok(user) => {
            let token = random_token();
            let csrf = random_token();
            // With a phone bound, the password alone is not a sign-in: the session owes the
            // code and can do nothing else until it is given (within five minutes).
            let owes_code = state.db.has_two_factor(user.id).await?;
            let stage = if owes_code { STAGE_SECOND_FACTOR } else { STAGE_FULL };
            state.db.create_session(&token_hash(&token), user.id, &csrf, ip.as_deref(), stage).await?;
            let next = safe_next(Some(&form.next));
            let target = if owes_code {
                format!("/login/code?next={}", crate::error::encode(&next))
            } else {
                state.db.audit(&AuditEntry::new(&Actor::user(&user, ip), AuditAction::SignIn)).await?;
                if user.must_change_password { "/password".to_owned() } else { next }
            };
            let mut res = Redirect::to(&target).into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, &token, None));
            res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, LOGIN_CSRF_COOKIE, "", Some(0)));
            Ok(res)
        }
        other => {
            let (user_id, why) = match &other {
                SignInCheck::UnknownUser => (None, "unknown_user"),
                SignInCheck::WrongPassword(u) => (Some(u.id.0), "wrong_password"),
                SignInCheck::Wait { user, .. } => (user.as_ref().map(|u| u.id.0), "waiting"),
                SignInCheck::Ok(_) => (None, ""),
            };
            let actor = Actor { user_id, username: username.clone(), role: None, ip };
            state
                .db
                .audit(&AuditEntry::new(&actor, AuditAction::SignInFailed).change("reason", None, Some(why.into())))
                .await?;
            let page = LoginPage {
                lang: crate::extract::lang_of(&headers),
                csrf: expected,
                next: safe_next(Some(&form.next)),
                username,
                error: Some(SIGN_IN_FAILED),
                expired: false,
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    state.db.end_session(&me.session_hash).await?;
    state.db.audit(&AuditEntry::new(&me.actor(), AuditAction::SignOut)).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", Some(0)));
    Ok(res)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    me: &'a CurrentUser,
    error: Option<String>,
    /// The district's password rule in a sentence.
    rule: String,
}

async fn password_page(State(state): State<AppState>, me: CurrentUser) -> Result<Html<String>, PageError> {
    let rule = state.db.password_policy().await?.describe_zh();
    Ok(Html(PasswordPage { me: &me, error: None, rule }.render()?))
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn change_password(
    State(state): State<AppState>,
    me: CurrentUser,
    ClientIp(ip): ClientIp,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    let hash = state.db.user_by_name(&me.user.username).await?.map(|(_, h)| h).unwrap_or_default();
    let passwords = state.db.password_policy().await?;
    // The current password is guessed no faster than at sign-in: counted the same way, per
    // account and source, before it is checked.
    let now = state.db.clock().now();
    let source = ip.as_deref().unwrap_or("");
    let attempt = state.db.count_attempt(&me.user.username, source, &state.policy, now).await?;
    let error = if let Attempt::Wait { until } = attempt {
        let minutes = (until - now).num_minutes() + 1;
        Some(format!("当前密码错误次数过多，请{minutes}分钟后再试"))
    } else if !verify_password_off_thread(&form.current, &hash).await {
        Some("当前密码不正确".to_owned())
    } else if form.new != form.repeat {
        Some("两次输入的新密码不一致".to_owned())
    } else if form.new == form.current {
        Some("新密码不能与当前密码相同".to_owned())
    } else if let Some(e) = passwords.check(&form.new).err() {
        Some(e.message)
    } else {
        // None of the latest passwords again (the current one included).
        let n = i64::from(passwords.history);
        let mut reused = false;
        for old in state.db.recent_password_hashes(me.user.id, n).await? {
            if verify_password_off_thread(&form.new, &old).await {
                reused = true;
                break;
            }
        }
        reused.then(|| format!("新密码不能与最近{n}次用过的密码相同"))
    };
    if let Some(error) = error {
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Html(PasswordPage { me: &me, error: Some(error), rule: passwords.describe_zh() }.render()?),
        )
            .into_response());
    }
    state.db.clear_failures(&me.user.username, Some(source)).await?;
    let new_hash = hash_password(&form.new).map_err(PageError::Internal)?;
    let entry = AuditEntry::new(&me.actor(), AuditAction::PasswordChanged).change(
        "sessions",
        None,
        Some("其他会话和 API 令牌已结束".into()),
    );
    state.db.set_password(me.user.id, &new_hash, &me.session_hash, &entry).await?;
    Ok(Redirect::to("/").into_response())
}

/// One row of 我的登录.
struct SessionLine {
    key: String,
    created: String,
    last_seen: String,
    ip: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<SessionLine>,
}

/// 我的登录: where the account is signed in now; any other one can be ended.
async fn sessions_page(State(state): State<AppState>, me: CurrentUser) -> Result<Html<String>, PageError> {
    let clock = state.db.clock();
    let shown = |t: chrono::DateTime<chrono::Utc>| clock.local(t).format("%Y-%m-%d %H:%M").to_string();
    let rows = state
        .db
        .sessions_of(me.user.id)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            current: me.session_hash.starts_with(&s.key),
            created: shown(s.created_at),
            last_seen: shown(s.last_seen_at),
            ip: s.ip.unwrap_or_default(),
            key: s.key,
        })
        .collect();
    Ok(Html(SessionsPage { me: &me, rows }.render()?))
}

#[derive(serde::Deserialize)]
pub struct EndSessionForm {
    #[serde(default)]
    session: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn end_session(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<EndSessionForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    if me.session_hash.starts_with(&form.session) {
        // The current one is ended by 退出.
        return Ok(Redirect::to("/sessions").into_response());
    }
    if !state.db.end_own_session(&me.user, &form.session, &me.actor()).await? {
        return Err(PageError::NotFound);
    }
    Ok(Redirect::to("/sessions").into_response())
}
