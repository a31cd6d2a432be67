//! Sessions, sign-in failures and lockout, kept in the database so that several servers
//! can share them.

use bangfu_core::auth::{Attempt, Failures, SessionPolicy, User};
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
    /// The password was right but the second step (the code) is still owed: nothing else
    /// may be done in this session.
    pub second_step_owed: bool,
    /// The user's role must use two factors and none is bound yet: binding one is the only
    /// thing the session may do (after a password change, if one is owed).
    pub two_factor_missing: bool,
}

/// What a sign-in attempt found (the caller shows the same message for every failure).
#[derive(Debug, Clone)]
pub enum SignInCheck {
    Ok(User),
    UnknownUser,
    WrongPassword(User),
    /// Too many failures from this source to this name: refused unchecked until then.
    Wait {
        user: Option<User>,
        until: DateTime<Utc>,
    },
}

/// Verifies passwords on the blocking pool, at most one per core at a time, so that a flood
/// of sign-ins (argon2 is slow on purpose) never holds up the async workers serving pages.
pub async fn verify_password_off_thread(password: &str, hash: &str) -> bool {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots =
        SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    let Ok(_slot) = slots.acquire().await else { return false };
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || bangfu_core::auth::verify_password(&password, &hash)).await.unwrap_or(false)
}

/// One of a user's live sessions as the user sees it: a short key (the start of its stored
/// hash: never the token), when it began and was last used, and from where.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
}

/// Replaces a user's password inside a write transaction: the old hash goes to the history,
/// the new one is stamped with the time, and every session but `keep` (an own change keeps
/// the one it was made in; `""` keeps none) and every API token ends. Shared by the user's own
/// change and an admin's reset, so that both end the same things.
macro_rules! replace_password {
    ($tx:expr, $user:expr, $hash:expr, $must_change:expr, $keep:expr, $now:expr) => {{
        sqlx::query(
            "insert into password_history (user_id, password_hash, replaced_at) \
             select user_id, password_hash, $1 from users where user_id = $2",
        )
        .bind($now)
        .bind($user)
        .execute($tx)
        .await
        .map_err(domain_err)?;
        sqlx::query(
            "update users set password_hash = $1, must_change_password = $2, updated_at = $3, \
             password_changed_at = $3 where user_id = $4",
        )
        .bind($hash)
        .bind($must_change)
        .bind($now)
        .bind($user)
        .execute($tx)
        .await
        .map_err(domain_err)?;
        sqlx::query("delete from sessions where user_id = $1 and session_hash <> $2")
            .bind($user)
            .bind($keep)
            .execute($tx)
            .await
            .map_err(domain_err)?;
        sqlx::query("update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null")
            .bind($now)
            .bind($user)
            .execute($tx)
            .await
            .map_err(domain_err)?;
    }};
}
pub(crate) use replace_password;

/// session hash, created, last seen, address
type SessionTuple = (String, DateTime<Utc>, DateTime<Utc>, Option<String>);

impl Db {
    /// The user's sessions, the latest used first.
    pub async fn sessions_of(&self, user: bangfu_core::ids::UserId) -> DomainResult<Vec<SessionRow>> {
        dispatch!(self, pool => {
            let rows: Vec<SessionTuple> = sqlx::query_as(
                "select session_hash, created_at, last_seen_at, ip from sessions where user_id = $1 order by last_seen_at desc")
                .bind(user.0).fetch_all(pool).await.map_err(domain_err)?;
            Ok(rows.into_iter().map(|(h, created_at, last_seen_at, ip)| SessionRow {
                key: h.chars().take(16).collect(), created_at, last_seen_at, ip,
            }).collect())
        })
    }

    /// Ends one of the user's own sessions by its key, audited; false if there is none.
    pub async fn end_own_session(
        &self,
        user: &User,
        key: &str,
        actor: &bangfu_core::audit::Actor,
    ) -> DomainResult<bool> {
        use crate::BeginWrite;
        if key.len() != 16 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let entry = bangfu_core::audit::AuditEntry::new(actor, bangfu_core::audit::AuditAction::SignOut)
            .object("user", user.id, Some(user.area_code.as_str()))
            .change("session", None, Some("本人结束了另一个会话".into()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("delete from sessions where user_id = $1 and substr(session_hash, 1, 16) = $2")
                .bind(user.id.0).bind(key).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n > 0 {
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(n > 0)
        })
    }

    /// Checks a password for `username` from `source` (the client's address). The attempt is
    /// counted as a failure before the password is checked, so a hundred guesses sent at once
    /// are counted one by one and at most `max_failures` of them are checked; a success clears
    /// the count. Only this source waits: the account stays open to everyone else.
    pub async fn check_sign_in(
        &self,
        username: &str,
        password: &str,
        source: Option<&str>,
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> DomainResult<SignInCheck> {
        let source = source.unwrap_or("");
        let found = self.user_by_name(username).await?;
        if let Attempt::Wait { until } = self.count_attempt(username, source, policy, now).await? {
            return Ok(SignInCheck::Wait { user: found.map(|(u, _)| u), until });
        }
        // An unknown name spends the same time as a real check, so timing does not reveal it.
        let hash = found.as_ref().map_or(dummy_hash(), |(_, h)| h.as_str());
        let right = verify_password_off_thread(password, hash).await;
        Ok(match found {
            None => SignInCheck::UnknownUser,
            Some((user, _)) if right => {
                self.clear_failures(username, Some(source)).await?;
                SignInCheck::Ok(user)
            }
            Some((user, _)) => SignInCheck::WrongPassword(user),
        })
    }

    /// Counts one attempt of `username` from `source` as the policy decides, atomically: the
    /// row is changed only if nobody changed it since it was read (else it is read again).
    pub async fn count_attempt(
        &self,
        username: &str,
        source: &str,
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> DomainResult<Attempt> {
        dispatch!(self, pool => {
            sqlx::query("insert into sign_in_failures (username, source) values ($1, $2) on conflict (username, source) do nothing")
                .bind(username).bind(source).execute(pool).await.map_err(domain_err)?;
            loop {
                let (failures, changes, blocked_until, last_failure_at): (i32, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
                    sqlx::query_as("select failures, changes, blocked_until, last_failure_at from sign_in_failures \
                        where username = $1 and source = $2")
                        .bind(username).bind(source).fetch_one(pool).await.map_err(domain_err)?;
                let stored = Failures { count: failures, blocked_until, last_at: last_failure_at };
                let attempt = policy.attempt(stored, now);
                let Attempt::Check { record } = attempt else { return Ok(attempt) };
                let done = sqlx::query("update sign_in_failures set failures = $1, blocked_until = $2, last_failure_at = $3, \
                    changes = changes + 1 where username = $4 and source = $5 and changes = $6")
                    .bind(record.count).bind(record.blocked_until).bind(record.last_at).bind(username).bind(source)
                    .bind(changes).execute(pool).await.map_err(domain_err)?.rows_affected();
                if done == 1 {
                    return Ok(attempt);
                }
            }
        })
    }

    /// Forgets the failures of `username` from `source`, or from every source (an admin's unlock).
    pub async fn clear_failures(&self, username: &str, source: Option<&str>) -> DomainResult<()> {
        dispatch!(self, pool => {
            sqlx::query("update sign_in_failures set failures = 0, blocked_until = null, changes = changes + 1 \
                where username = $1 and (cast($2 as text) is null or source = $2) and (failures > 0 or blocked_until is not null)")
                .bind(username).bind(source).execute(pool).await.map_err(domain_err)?;
        });
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: bangfu_core::ids::UserId,
        csrf: &str,
        ip: Option<&str>,
        stage: &str,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("insert into sessions (session_hash, user_id, csrf_token, created_at, last_seen_at, ip, stage) \
                values ($1, $2, $3, $4, $4, $5, $6)")
                .bind(token_hash).bind(user_id.0).bind(csrf).bind(now).bind(ip).bind(stage)
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
        /// user id, CSRF token, created, last seen, role, password set on (or the account made),
        /// stage, whether a second factor is bound, the district's two-factor roles
        type Found = (
            i64,
            String,
            DateTime<Utc>,
            DateTime<Utc>,
            String,
            Option<DateTime<Utc>>,
            DateTime<Utc>,
            String,
            i32,
            Option<String>,
            Option<String>,
        );
        let found: Option<Found> = dispatch!(self, pool => {
            sqlx::query_as("select s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.role, u.password_changed_at, \
                u.created_at, s.stage, \
                case when exists (select 1 from user_totp t where t.user_id = s.user_id and t.enrolled_at is not null \
                    and t.revoked_at is null) then 1 else 0 end, \
                (select value from settings where key = 'two_factor_roles'), \
                (select value from settings where key = 'password_policy') \
                from sessions s \
                join users u on u.user_id = s.user_id where s.session_hash = $1 and u.status = 'active'")
                .bind(token_hash).fetch_optional(pool).await.map_err(domain_err)?
        });
        let Some((user_id, csrf_token, created_at, last_seen_at, role, changed, made, stage, bound, roles, passwords)) =
            found
        else {
            return Ok(None);
        };
        let role = bangfu_core::auth::Role::parse(&role).ok_or_else(|| DomainError::Internal("unknown role".into()))?;
        let second_step_owed = stage != crate::two_factor::STAGE_FULL;
        if !policy.session_alive(role, created_at, last_seen_at, now)
            || (second_step_owed && now - created_at > crate::two_factor::SECOND_STEP_TIME)
        {
            self.end_session(token_hash).await?;
            return Ok(None);
        }
        let two_factor_missing =
            bound == 0 && bangfu_core::auth::totp::TwoFactorRoles::from_setting(roles.as_deref()).requires(role);
        // Record activity at most once a minute: one write per request would be wasteful.
        if now - last_seen_at > chrono::Duration::seconds(60) {
            dispatch!(self, pool => {
                sqlx::query("update sessions set last_seen_at = $1 where session_hash = $2")
                    .bind(now).bind(token_hash).execute(pool).await.map_err(domain_err)?;
            });
        }
        let mut user = self.user_by_id(bangfu_core::ids::UserId(user_id)).await?.ok_or(DomainError::NotFound)?;
        // A password as old as the policy allows must be changed before anything else.
        let max_age = bangfu_core::auth::PasswordPolicy::from_setting(passwords.as_deref()).max_age();
        if now - changed.unwrap_or(made) >= max_age {
            user.must_change_password = true;
        }
        Ok(Some(SessionInfo { user, csrf_token, created_at, last_seen_at, second_step_owed, two_factor_missing }))
    }

    pub async fn end_session(&self, token_hash: &str) -> DomainResult<()> {
        dispatch!(self, pool => {
            sqlx::query("delete from sessions where session_hash = $1").bind(token_hash).execute(pool).await.map_err(domain_err)?;
        });
        Ok(())
    }

    /// A user's own new password: every other session and every API token of the user ends
    /// with the old one (the session it was changed in, `keep_session`, stays), in one
    /// transaction with its audit row.
    pub async fn set_password(
        &self,
        user_id: bangfu_core::ids::UserId,
        password_hash: &str,
        keep_session: &str,
        entry: &bangfu_core::audit::AuditEntry,
    ) -> DomainResult<()> {
        use crate::BeginWrite;
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            replace_password!(&mut *tx, user_id.0, password_hash, false, keep_session, now);
            crate::bind_entry!(entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(())
    }

    /// When the user's password was set (an account older than the policy: when it was made).
    pub async fn password_set_on(&self, user: bangfu_core::ids::UserId) -> DomainResult<Option<DateTime<Utc>>> {
        dispatch!(self, pool => {
            let t: Option<(Option<DateTime<Utc>>, DateTime<Utc>)> =
                sqlx::query_as("select password_changed_at, created_at from users where user_id = $1")
                    .bind(user.0).fetch_optional(pool).await.map_err(domain_err)?;
            Ok(t.map(|(changed, created)| changed.unwrap_or(created)))
        })
    }

    /// The hashes of the user's current password and of the ones before it, newest first:
    /// `n` in all.
    pub async fn recent_password_hashes(&self, user: bangfu_core::ids::UserId, n: i64) -> DomainResult<Vec<String>> {
        dispatch!(self, pool => {
            let mut out: Vec<String> = sqlx::query_scalar("select password_hash from users where user_id = $1")
                .bind(user.0).fetch_all(pool).await.map_err(domain_err)?;
            let older: Vec<String> = sqlx::query_scalar(
                "select password_hash from password_history where user_id = $1 order by history_id desc limit $2")
                .bind(user.0).bind((n - 1).max(0)).fetch_all(pool).await.map_err(domain_err)?;
            out.extend(older);
            Ok(out)
        })
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
