//! Who is asking: the signed-in user and the area scope every query is limited to.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use bangfu_core::area::Scope;
use bangfu_core::auth::{User, token_hash};
use bangfu_core::store::AreaStore;

use crate::AppState;
use crate::error::PageError;

pub const SESSION_COOKIE: &str = "bangfu_session";
pub const LOGIN_CSRF_COOKIE: &str = "bangfu_login_csrf";

/// A signed-in user with their scope. Handlers that take it cannot run for a visitor.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    pub area_name: String,
    pub csrf: String,
    pub session_hash: String,
    pub ip: Option<String>,
    pub lang: crate::i18n::Lang,
    /// Today in the office's time zone, read once from the storage's clock for this request:
    /// every date default and "not after today" check of the request uses it.
    pub today: chrono::NaiveDate,
}

/// The interface language chosen by this browser (Chinese unless it chose English).
pub fn lang_of(headers: &HeaderMap) -> crate::i18n::Lang {
    cookie(headers, crate::i18n::LANG_COOKIE).map(|c| crate::i18n::Lang::from_code(&c)).unwrap_or_default()
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's address as the proxy in front reports it, else the socket's.
pub fn client_ip(parts: &Parts, trusted_proxies: &[std::net::IpAddr]) -> Option<String> {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    forwarded_client(peer, parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()), trusted_proxies)
        .map(|ip| ip.to_string())
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy (entries further left were
/// written by the client and prove nothing).
pub fn forwarded_client(
    peer: Option<std::net::IpAddr>,
    forwarded_for: Option<&str>,
    trusted_proxies: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let Some(fwd) = forwarded_for else { return Some(peer) };
    let mut nearest = peer;
    for entry in fwd.rsplit(',') {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted_proxies.contains(&ip) => nearest = ip,
            Ok(ip) => return Some(ip),
            Err(_) => return Some(nearest),
        }
    }
    Some(nearest)
}

#[cfg(test)]
mod forwarded_tests {
    use super::forwarded_client;

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let (client, proxy, forged) = ("203.0.113.7".parse().unwrap(), "10.0.0.2".parse().unwrap(), "198.51.100.1");
        // Straight from the client: the header is the client's own claim.
        assert_eq!(forwarded_client(Some(client), Some(forged), &[proxy]), Some(client));
        assert_eq!(forwarded_client(Some(client), Some(forged), &[]), Some(client));
        // Through the proxy, which appends the address it saw: the forged entry on the left is ignored.
        let header = format!("{forged}, {client}");
        assert_eq!(forwarded_client(Some(proxy), Some(&header), &[proxy]), Some(client));
        assert_eq!(forwarded_client(Some(proxy), None, &[proxy]), Some(proxy));
        assert_eq!(forwarded_client(Some(proxy), Some("junk"), &[proxy]), Some(proxy));
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::SignIn { next });
        };
        let hash = token_hash(&token);
        let Some(session) = state.db.session(&hash, &state.policy, state.db.clock().now()).await? else {
            return Err(PageError::SignIn { next });
        };
        // A first-run account must set its own password before anything else.
        if session.second_step_owed {
            return Err(PageError::SecondStep { next });
        }
        if session.user.must_change_password && !matches!(parts.uri.path(), "/password" | "/logout") {
            return Err(PageError::MustChangePassword);
        }
        // A role that must use two factors binds a phone before anything else.
        if session.two_factor_missing
            && !matches!(parts.uri.path(), "/two-factor" | "/two-factor/bind" | "/password" | "/logout")
        {
            return Err(PageError::MustBindTwoFactor);
        }
        // 三员分立: an administrator acts only through its own pages.
        if !session.user.role.may_open(parts.uri.path()) {
            return Err(PageError::OwnPagesOnly(session.user.role));
        }
        let area = state.db.area(&session.user.area_code).await?.ok_or(PageError::Forbidden)?;
        Ok(CurrentUser {
            scope: Scope::of(&area),
            area_name: area.name,
            user: session.user,
            csrf: session.csrf_token,
            session_hash: hash,
            ip: client_ip(parts, &state.trusted_proxies),
            lang: lang_of(&parts.headers),
            today: state.db.clock().today(),
        })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(PageError::SignIn { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl CurrentUser {
    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if bangfu_core::auth::same_secret(token, &self.csrf) { Ok(()) } else { Err(PageError::Csrf) }
    }

    /// Checks the `_csrf` field of a submitted form.
    pub fn check_form_csrf(&self, form: &std::collections::HashMap<String, String>) -> Result<(), PageError> {
        self.check_csrf(form.get("_csrf").map(String::as_str).unwrap_or(""))
    }

    pub fn actor(&self) -> bangfu_core::audit::Actor {
        bangfu_core::audit::Actor::user(&self.user, self.ip.clone())
    }
}

/// The client's address, when known (behind a trusted proxy: from X-Forwarded-For).
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.trusted_proxies)))
    }
}

/// Permission markers for [`Require`]: one zero-sized type per [`Permission`].
pub mod perm {
    use bangfu_core::auth::Permission;

    /// A type standing for one permission.
    pub trait Marker: Send + Sync + 'static {
        const PERMISSION: Permission;
    }

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {
            $(
                #[doc = concat!("Marker for [`Permission::", stringify!($name), "`].")]
                #[derive(Debug, Clone, Copy)]
                pub struct $name;
                impl Marker for $name {
                    const PERMISSION: Permission = Permission::$name;
                }
            )*
        };
    }

    markers!(
        ViewRegister,
        EditRegister,
        ArrangeWork,
        ReviewProposals,
        PairUnits,
        ManageUsers,
        ManageSecurity,
        ManageUnits,
        ManageSettings,
        ReadAudit,
        RevealId,
        DecideMonitoring,
        ManageFunds
    );
}

/// A signed-in user whose role may do `P`: `Require<perm::ManageUnits>` on a page (403 is the
/// Chinese error page), `Require<perm::ManageUnits, ApiUser>` in the API (403 is JSON).
/// A handler that takes one cannot run without the permission.
pub struct Require<P, U = CurrentUser> {
    // Not `user`: `me.user` must reach the signed-in user's record through `Deref`.
    signed_in: U,
    _permission: std::marker::PhantomData<fn() -> P>,
}

impl<P, U> Require<P, U> {
    /// The signed-in user, once the permission was checked.
    pub fn into_inner(self) -> U {
        self.signed_in
    }
}

impl<P, U> std::ops::Deref for Require<P, U> {
    type Target = U;
    fn deref(&self) -> &U {
        &self.signed_in
    }
}

impl<P: perm::Marker> FromRequestParts<AppState> for Require<P, CurrentUser> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !user.user.role.may(P::PERMISSION) {
            return Err(PageError::Denied(P::PERMISSION));
        }
        Ok(Require { signed_in: user, _permission: std::marker::PhantomData })
    }
}

impl<P: perm::Marker> FromRequestParts<AppState> for Require<P, crate::api::ApiUser> {
    type Rejection = crate::api::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = <crate::api::ApiUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !user.user.role.may(P::PERMISSION) {
            return Err(crate::api::ApiError::denied(P::PERMISSION));
        }
        Ok(Require { signed_in: user, _permission: std::marker::PhantomData })
    }
}

impl CurrentUser {
    /// Whether this user may do `p` (for showing or hiding a button; routes use [`Require`]).
    pub fn may(&self, p: bangfu_core::auth::Permission) -> bool {
        self.user.role.may(p)
    }
}
