//! Sessions, sign-in failures and lockout, kept in the database so that several servers
//! can share them.

use bangfu_core::auth::{SessionPolicy, User};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};

use crate::{Db, dispatch, domain_err};

/// A live session as the web layer needs it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// What a sign-in attempt found (the caller shows the same message for every failure).
#[derive(Debug, Clone)]
pub enum SignInCheck {
    Ok(User),
    UnknownUser,
    WrongPassword(User),
    Locked(User),
}

impl Db {
    /// Checks a password, counting failures and locking the account as the policy says.
    pub async fn check_sign_in(
        &self,
        username: &str,
        password: &str,
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> DomainResult<SignInCheck> {
        let Some((user, hash)) = self.user_by_name(username).await? else {
            // Spend the same time as a real check, so timing does not reveal unknown names.
            let _ = bangfu_core::auth::verify_password(password, dummy_hash());
            return Ok(SignInCheck::UnknownUser);
        };
        let (failures, locked_until): (i32, Option<DateTime<Utc>>) = dispatch!(self, pool => {
            sqlx::query_as("select failed_sign_ins, locked_until from users where user_id = $1")
                .bind(user.id.0).fetch_one(pool).await.map_err(domain_err)?
        });
        if locked_until.is_some_and(|t| t > now) {
            return Ok(SignInCheck::Locked(user));
        }
        if bangfu_core::auth::verify_password(password, &hash) {
            dispatch!(self, pool => {
                sqlx::query("update users set failed_sign_ins = 0, locked_until = null where user_id = $1")
                    .bind(user.id.0).execute(pool).await.map_err(domain_err)?;
            });
            Ok(SignInCheck::Ok(user))
        } else {
            let (failures, lock) = policy.after_failure(failures, now);
            dispatch!(self, pool => {
                sqlx::query("update users set failed_sign_ins = $1, locked_until = $2 where user_id = $3")
                    .bind(failures).bind(lock.or(locked_until.filter(|t| *t > now))).bind(user.id.0)
                    .execute(pool).await.map_err(domain_err)?;
            });
            Ok(if lock.is_some() { SignInCheck::Locked(user) } else { SignInCheck::WrongPassword(user) })
        }
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: bangfu_core::ids::UserId,
        csrf: &str,
        ip: Option<&str>,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("insert into sessions (session_hash, user_id, csrf_token, created_at, last_seen_at, ip) values ($1, $2, $3, $4, $4, $5)")
                .bind(token_hash).bind(user_id.0).bind(csrf).bind(now).bind(ip)
                .execute(pool).await.map_err(domain_err)?;
        });
        Ok(())
    }

    /// The session's user, if the session exists and is still alive; a dead one is removed.
    pub async fn session(
        &self,
        token_hash: &str,
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> DomainResult<Option<SessionInfo>> {
        let found: Option<(i64, String, DateTime<Utc>, DateTime<Utc>)> = dispatch!(self, pool => {
            sqlx::query_as("select s.user_id, s.csrf_token, s.created_at, s.last_seen_at from sessions s \
                join users u on u.user_id = s.user_id where s.session_hash = $1 and u.status = 'active'")
                .bind(token_hash).fetch_optional(pool).await.map_err(domain_err)?
        });
        let Some((user_id, csrf_token, created_at, last_seen_at)) = found else { return Ok(None) };
        if !policy.session_alive(created_at, last_seen_at, now) {
            self.end_session(token_hash).await?;
            return Ok(None);
        }
        // Record activity at most once a minute: one write per request would be wasteful.
        if now - last_seen_at > chrono::Duration::seconds(60) {
            dispatch!(self, pool => {
                sqlx::query("update sessions set last_seen_at = $1 where session_hash = $2")
                    .bind(now).bind(token_hash).execute(pool).await.map_err(domain_err)?;
            });
        }
        let user = self.user_by_id(bangfu_core::ids::UserId(user_id)).await?.ok_or(DomainError::NotFound)?;
        Ok(Some(SessionInfo { user, csrf_token, created_at, last_seen_at }))
    }

    pub async fn end_session(&self, token_hash: &str) -> DomainResult<()> {
        dispatch!(self, pool => {
            sqlx::query("delete from sessions where session_hash = $1").bind(token_hash).execute(pool).await.map_err(domain_err)?;
        });
        Ok(())
    }

    pub async fn set_password(&self, user_id: bangfu_core::ids::UserId, password_hash: &str) -> DomainResult<()> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("update users set password_hash = $1, must_change_password = $2, updated_at = $3 where user_id = $4")
                .bind(password_hash).bind(false).bind(now).bind(user_id.0).execute(pool).await.map_err(domain_err)?;
        });
        Ok(())
    }

    pub async fn user_by_id(&self, user_id: bangfu_core::ids::UserId) -> DomainResult<Option<User>> {
        let sql = "select user_id, username, display_name, phone, role, area_code, must_change_password from users \
                   where user_id = $1 and status = 'active'";
        dispatch!(self, pool => {
            let r = sqlx::query(sql).bind(user_id.0).fetch_optional(pool).await.map_err(domain_err)?;
            r.as_ref().map(crate::users::user_row).transpose()
        })
    }
}

/// An argon2 hash of a random string, verified against when the user does not exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| bangfu_core::auth::hash_password(&bangfu_core::auth::random_token()).unwrap_or_default())
}
