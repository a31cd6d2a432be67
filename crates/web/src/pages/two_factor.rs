//! 两步验证: the code asked after the password, binding a phone's authenticator app (QR code),
//! recovery codes, and the district's choice of which roles must use it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::totp::{CODE_WRONG, TwoFactorRoles};
use bangfu_core::auth::{Attempt, Role, random_token, same_secret, token_hash};
use bangfu_db::two_factor::SecondFactor;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{ClientIp, CurrentUser, Require, SESSION_COOKIE, cookie, perm};
use crate::pages::auth::{cookie_header, safe_next};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/code", get(code_page).post(code_check))
        .route("/two-factor", get(own_page))
        .route("/two-factor/new-phone", get(new_phone_page))
        .route("/two-factor/bind", post(bind))
        .route("/two-factor/recovery-codes", post(renew_codes))
        .route("/two-factor/off", post(turn_off))
        .route("/settings/security", get(settings_page).post(settings_save))
        .route("/settings/security/passwords", post(passwords_save))
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    lang: crate::i18n::Lang,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The session cookie's stored hash and the user it passed the password for, if the
/// session still owes its code.
async fn second_step(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(String, bangfu_core::auth::User, String)>, PageError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = token_hash(&token);
    Ok(state.db.second_step_session(&hash, state.db.clock().now()).await?.map(|(u, csrf)| (hash, u, csrf)))
}

async fn code_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref());
    let Some((_, user, csrf)) = second_step(&state, &headers).await? else {
        return Ok(Redirect::to(&format!("/login?next={}", crate::error::encode(&next))).into_response());
    };
    let page = CodePage { lang: crate::extract::lang_of(&headers), csrf, next, username: user.username, error: None };
    Ok(Html(page.render()?).into_response())
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    /// 换一个账号登录: the half-way session ends.
    #[serde(default)]
    cancel: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn code_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let next = safe_next(Some(&form.next));
    let Some((old_hash, user, csrf)) = second_step(&state, &headers).await? else {
        return Ok(Redirect::to(&format!("/login?next={}", crate::error::encode(&next))).into_response());
    };
    if !same_secret(&form.csrf, &csrf) {
        return Err(PageError::Csrf);
    }
    if form.cancel.is_some() {
        state.db.end_session(&old_hash).await?;
        let mut res = Redirect::to("/login").into_response();
        res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", Some(0)));
        return Ok(res);
    }
    let lang = crate::extract::lang_of(&headers);
    let now = state.db.clock().now();
    // Codes are guessed no faster than passwords: counted per account and address first.
    let source = format!("code:{}", ip.as_deref().unwrap_or(""));
    let refused = |error: String| CodePage {
        lang,
        csrf: csrf.clone(),
        next: next.clone(),
        username: user.username.clone(),
        error: Some(error),
    };
    if let Attempt::Wait { until } = state.db.count_attempt(&user.username, &source, &state.policy, now).await? {
        let minutes = (until - now).num_minutes() + 1;
        let page = refused(format!("验证码错误次数过多，请{minutes}分钟后再试"));
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    }
    let actor = Actor::user(&user, ip.clone());
    let Some(passed) = state.db.check_second_factor(user.id, &form.code, now).await? else {
        state
            .db
            .audit(&AuditEntry::new(&actor, AuditAction::SignInFailed).change(
                "reason",
                None,
                Some("wrong_code".into()),
            ))
            .await?;
        return Ok((StatusCode::UNAUTHORIZED, Html(refused(CODE_WRONG.to_owned()).render()?)).into_response());
    };
    state.db.clear_failures(&user.username, Some(&source)).await?;
    let token = random_token();
    state.db.complete_second_step(&old_hash, &token_hash(&token)).await?;
    let how = match passed {
        SecondFactor::Code => "密码 + 手机验证码".to_owned(),
        SecondFactor::RecoveryCode { left } => format!("密码 + 恢复码（还剩{left}个）"),
    };
    state.db.audit(&AuditEntry::new(&actor, AuditAction::SignIn).change("factors", None, Some(how))).await?;
    let target = match passed {
        _ if user.must_change_password => "/password".to_owned(),
        // A recovery code spent: the page says how many are left and offers new ones.
        SecondFactor::RecoveryCode { .. } => "/two-factor".to_owned(),
        SecondFactor::Code => next,
    };
    let mut res = Redirect::to(&target).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, &token, None));
    Ok(res)
}

/// The QR code of an `otpauth://` address, as inline SVG (no script, no image request).
fn qr_svg(uri: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| PageError::Internal(e.to_string()))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build();
    // Inside HTML the XML declaration is not wanted.
    Ok(svg.split_once("?>").map_or(svg.clone(), |(_, rest)| rest.to_owned()))
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct OwnPage<'a> {
    me: &'a CurrentUser,
    required: bool,
    enrolled_on: Option<String>,
    codes_left: i64,
    codes_left_text: String,
    /// Binding: the QR code and the secret typed by hand.
    bind: Option<(String, String)>,
    error: Option<String>,
    /// Recovery codes shown this once.
    new_codes: Vec<String>,
}

impl OwnPage<'_> {
    fn respond(&self, status: StatusCode) -> Result<Response, PageError> {
        let mut res = (status, Html(self.render()?)).into_response();
        // The secret and the recovery codes are shown once and must not be kept by a cache.
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(res)
    }
}

/// The page in one of its states: bound (with what can be done), or binding a phone.
async fn own_page_with<'a>(
    state: &AppState,
    me: &'a CurrentUser,
    binding: bool,
    error: Option<String>,
    new_codes: Vec<String>,
) -> Result<OwnPage<'a>, PageError> {
    let status = state.db.two_factor_status(me.user.id).await?;
    let required = state.db.two_factor_roles().await?.requires(me.user.role);
    let clock = state.db.clock();
    let bind = if binding || status.enrolled_at.is_none() {
        let secret = state.db.offered_totp_secret(me.user.id).await?;
        Some((qr_svg(&secret.otpauth_uri(&me.user.username))?, secret.grouped()))
    } else {
        None
    };
    Ok(OwnPage {
        me,
        required,
        enrolled_on: status.enrolled_at.map(|t| clock.local(t).format("%Y-%m-%d %H:%M").to_string()),
        codes_left: status.recovery_codes_left,
        codes_left_text: me.lang.f("two_factor.codes_left", &[("n", &status.recovery_codes_left)]),
        bind: if new_codes.is_empty() { bind } else { None },
        error,
        new_codes,
    })
}

async fn own_page(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    own_page_with(&state, &me, false, None, Vec::new()).await?.respond(StatusCode::OK)
}

async fn new_phone_page(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    own_page_with(&state, &me, true, None, Vec::new()).await?.respond(StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct OwnForm {
    #[serde(default)]
    code: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Checks a code typed on the account's own page, counted like a sign-in.
async fn own_code_refusal(state: &AppState, me: &CurrentUser) -> Result<Option<String>, PageError> {
    let now = state.db.clock().now();
    let source = format!("code:{}", me.ip.as_deref().unwrap_or(""));
    Ok(match state.db.count_attempt(&me.user.username, &source, &state.policy, now).await? {
        Attempt::Wait { until } => Some(format!("验证码错误次数过多，请{}分钟后再试", (until - now).num_minutes() + 1)),
        Attempt::Check { .. } => None,
    })
}

async fn bind(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<OwnForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    if let Some(wait) = own_code_refusal(&state, &me).await? {
        return own_page_with(&state, &me, true, Some(wait), Vec::new())
            .await?
            .respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let now = state.db.clock().now();
    match state.db.bind_totp(&me.user, &form.code, now, &me.actor()).await? {
        Some(codes) => {
            state
                .db
                .clear_failures(&me.user.username, Some(&format!("code:{}", me.ip.as_deref().unwrap_or(""))))
                .await?;
            own_page_with(&state, &me, false, None, codes).await?.respond(StatusCode::OK)
        }
        None => {
            let error = "验证码不正确。请用手机身份验证器扫描上面的二维码（或手动输入密钥），再输入它现在显示的6位数字"
                .to_owned();
            own_page_with(&state, &me, true, Some(error), Vec::new()).await?.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// A code from the bound phone, for what changes the second factor itself.
async fn confirm_own_code(state: &AppState, me: &CurrentUser, code: &str) -> Result<Option<String>, PageError> {
    if let Some(wait) = own_code_refusal(state, me).await? {
        return Ok(Some(wait));
    }
    let now = state.db.clock().now();
    match state.db.check_second_factor(me.user.id, code, now).await? {
        Some(SecondFactor::Code) => Ok(None),
        // Recovery codes are for signing in without the phone, not for changing the factor.
        Some(SecondFactor::RecoveryCode { .. }) | None => {
            Ok(Some("请输入手机身份验证器上现在显示的6位数字".to_owned()))
        }
    }
}

async fn renew_codes(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<OwnForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    if let Some(error) = confirm_own_code(&state, &me, &form.code).await? {
        return own_page_with(&state, &me, false, Some(error), Vec::new())
            .await?
            .respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let codes = state.db.renew_recovery_codes(&me.user, &me.actor()).await?;
    own_page_with(&state, &me, false, None, codes).await?.respond(StatusCode::OK)
}

async fn turn_off(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<OwnForm>,
) -> Result<Response, PageError> {
    me.check_csrf(&form.csrf)?;
    if state.db.two_factor_roles().await?.requires(me.user.role) {
        let error = "您的角色必须使用两步验证，不能关闭。手机丢失请联系系统管理员重置".to_owned();
        return own_page_with(&state, &me, false, Some(error), Vec::new())
            .await?
            .respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(error) = confirm_own_code(&state, &me, &form.code).await? {
        return own_page_with(&state, &me, false, Some(error), Vec::new())
            .await?
            .respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    state.db.end_two_factor(&me.user, "本人关闭了两步验证", &me.actor()).await?;
    Ok(Redirect::to("/two-factor").into_response())
}

#[derive(Template)]
#[template(path = "security_settings.html")]
struct SettingsPage<'a> {
    me: &'a CurrentUser,
    roles: Vec<(&'static str, &'static str, bool, bool)>,
    /// The password policy's fields, as stored or as typed (with their errors).
    passwords: Vec<super::form::FormField>,
    errors: Vec<String>,
    rule: String,
}

/// The four numbers of the password policy as form fields.
fn password_fields(
    me: &CurrentUser,
    v: &HashMap<String, String>,
    errors: &[bangfu_core::FieldError],
) -> Vec<super::form::FormField> {
    ["min_length", "classes", "history", "max_age_days"]
        .into_iter()
        .map(|name| {
            let mut f = super::form::FormField::of(me, v, name, true);
            f.label = me.lang.t(&format!("security.password.{name}"));
            f.hint = me.lang.t(&format!("security.password.{name}_hint")).to_owned();
            f.error = errors.iter().find(|e| e.field == name).map(|e| e.message.clone());
            f
        })
        .collect()
}

async fn render_settings(
    state: &AppState,
    me: &CurrentUser,
    typed: Option<(HashMap<String, String>, Vec<bangfu_core::FieldError>)>,
) -> Result<Response, PageError> {
    let chosen = state.db.two_factor_roles().await?;
    let roles = Role::ALL
        .iter()
        .map(|r| (r.code(), me.lang.t(&format!("user.role.{}", r.code())), chosen.requires(*r), r.is_privileged()))
        .collect();
    let policy = state.db.password_policy().await?;
    let rule = policy.describe_zh();
    let status = if typed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (v, errors) = typed.unwrap_or_else(|| {
        let v = HashMap::from([
            ("min_length".to_owned(), policy.min_length.to_string()),
            ("classes".to_owned(), policy.classes.to_string()),
            ("history".to_owned(), policy.history.to_string()),
            ("max_age_days".to_owned(), policy.max_age_days.to_string()),
        ]);
        (v, Vec::new())
    });
    let passwords = password_fields(me, &v, &errors);
    let errors = errors.into_iter().map(|e| e.message).collect();
    Ok((status, Html(SettingsPage { me, roles, passwords, errors, rule }.render()?)).into_response())
}

/// The password policy: four numbers, none looser than the level-3 profile.
async fn passwords_save(
    State(state): State<AppState>,
    me: Require<perm::ManageSecurity>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(bangfu_core::auth::Permission::ManageSecurity));
    }
    me.check_form_csrf(&v)?;
    match bangfu_core::auth::PasswordPolicy::parse(&v) {
        Ok(policy) => {
            state.db.set_password_policy(&policy, &me.actor()).await?;
            Ok(Redirect::to("/settings/security").into_response())
        }
        Err(errors) => render_settings(&state, &me, Some((v, errors))).await,
    }
}

/// The district's security settings: which roles must use two factors.
async fn settings_page(
    State(state): State<AppState>,
    me: Require<perm::ManageSecurity>,
) -> Result<Response, PageError> {
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(bangfu_core::auth::Permission::ManageSecurity));
    }
    render_settings(&state, &me, None).await
}

async fn settings_save(
    State(state): State<AppState>,
    me: Require<perm::ManageSecurity>,
    Form(v): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if !me.scope.is_district_wide() {
        return Err(PageError::Denied(bangfu_core::auth::Permission::ManageSecurity));
    }
    let fields: HashMap<String, String> = v.iter().cloned().collect();
    me.check_form_csrf(&fields)?;
    let chosen = v.iter().filter(|(k, _)| k == "two_factor").filter_map(|(_, r)| Role::parse(r));
    state.db.set_two_factor_roles(&TwoFactorRoles::new(chosen), &me.actor()).await?;
    Ok(Redirect::to("/settings/security").into_response())
}
