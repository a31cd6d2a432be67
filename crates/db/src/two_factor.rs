//! 两步验证 kept in the register: each account's TOTP secret (one bound at a time; a replaced
//! or reset one is ended with its date), its recovery codes as hashes, the district's choice of
//! which roles must use it, and the session step between the password and the code.

use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::totp::{TotpSecret, TwoFactorRoles, generate_recovery_codes, recovery_code_hash};
use bangfu_core::auth::{Role, User};
use bangfu_core::ids::UserId;
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A session that has passed the password and owes the code lives this long.
pub const SECOND_STEP_TIME: chrono::Duration = chrono::Duration::minutes(5);

/// The stages a session goes through (`sessions.stage`).
pub const STAGE_FULL: &str = "full";
pub const STAGE_SECOND_FACTOR: &str = "second_factor";

/// An account's two-factor state as its own page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorStatus {
    pub enrolled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
}

/// How a second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Code,
    /// A recovery code, with how many are left after it.
    RecoveryCode {
        left: i64,
    },
}

impl Db {
    /// Which roles must use two factors (the district setting, else the default).
    pub async fn two_factor_roles(&self) -> DomainResult<TwoFactorRoles> {
        let value: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(TwoFactorRoles::SETTING)
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(TwoFactorRoles::from_setting(value.as_deref()))
    }

    /// Sets which roles must use two factors, audited.
    pub async fn set_two_factor_roles(&self, roles: &TwoFactorRoles, actor: &Actor) -> DomainResult<()> {
        let before = self.two_factor_roles().await?;
        if before == *roles {
            return Ok(());
        }
        let names = |r: &TwoFactorRoles| {
            Role::ALL.iter().filter(|x| r.requires(**x)).map(|x| x.label_zh()).collect::<Vec<_>>().join("、")
        };
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("setting", TwoFactorRoles::SETTING, None)
            .change("two_factor_roles", Some(names(&before)), Some(names(roles)));
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(TwoFactorRoles::SETTING).bind(roles.to_setting()).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(())
    }

    /// The district's password policy (the level-3 profile unless made stricter).
    pub async fn password_policy(&self) -> DomainResult<bangfu_core::auth::PasswordPolicy> {
        let value: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(bangfu_core::auth::PasswordPolicy::SETTING)
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(bangfu_core::auth::PasswordPolicy::from_setting(value.as_deref()))
    }

    /// Sets the password policy, audited with the sentence users read before and after.
    pub async fn set_password_policy(
        &self,
        policy: &bangfu_core::auth::PasswordPolicy,
        actor: &Actor,
    ) -> DomainResult<()> {
        let before = self.password_policy().await?;
        if before == *policy {
            return Ok(());
        }
        let key = bangfu_core::auth::PasswordPolicy::SETTING;
        let entry = AuditEntry::new(actor, AuditAction::Update).object("setting", key, None).change(
            key,
            Some(before.describe_zh()),
            Some(policy.describe_zh()),
        );
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(key).bind(policy.to_setting()).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(())
    }

    pub async fn two_factor_status(&self, user: UserId) -> DomainResult<TwoFactorStatus> {
        dispatch!(self, pool => {
            let enrolled_at: Option<DateTime<Utc>> = sqlx::query_scalar(
                "select enrolled_at from user_totp where user_id = $1 and enrolled_at is not null and revoked_at is null")
                .bind(user.0).fetch_optional(pool).await.map_err(domain_err)?;
            let left: i64 = sqlx::query_scalar(
                "select count(*) from recovery_codes where user_id = $1 and used_at is null and revoked_at is null")
                .bind(user.0).fetch_one(pool).await.map_err(domain_err)?;
            Ok(TwoFactorStatus { enrolled_at, recovery_codes_left: if enrolled_at.is_some() { left } else { 0 } })
        })
    }

    /// The secret being bound for `user`: the one already offered (so a page shown again keeps
    /// the QR code the phone scanned), else a new one.
    pub async fn offered_totp_secret(&self, user: UserId) -> DomainResult<TotpSecret> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            let found: Option<String> = sqlx::query_scalar(
                "select secret from user_totp where user_id = $1 and enrolled_at is null and revoked_at is null \
                 order by totp_id desc limit 1")
                .bind(user.0).fetch_optional(pool).await.map_err(domain_err)?;
            let found = found.as_deref().map(crate::sealed::open_stored).transpose()?;
            if let Some(s) = found.as_deref().and_then(TotpSecret::from_base32) {
                return Ok(s);
            }
            let secret = TotpSecret::generate();
            sqlx::query("insert into user_totp (user_id, secret, created_at) values ($1, $2, $3)")
                .bind(user.0).bind(crate::sealed::seal(&secret.to_base32())).bind(now).execute(pool).await.map_err(domain_err)?;
            Ok(secret)
        })
    }

    /// Binds the offered secret once the phone shows a right code for it: any secret bound
    /// before ends, the recovery codes are new (returned, to be shown once), audited.
    /// `None` if the code is wrong (nothing changes).
    pub async fn bind_totp(
        &self,
        user: &User,
        typed: &str,
        now: DateTime<Utc>,
        actor: &Actor,
    ) -> DomainResult<Option<Vec<String>>> {
        let replaced = self.two_factor_status(user.id).await?.enrolled_at.is_some();
        let codes = generate_recovery_codes();
        let entry = AuditEntry::new(actor, AuditAction::TwoFactor)
            .object("user", user.id, Some(user.area_code.as_str()))
            .change(
                "two_factor",
                replaced.then(|| "已绑定另一部手机".to_owned()),
                Some(format!("已绑定手机身份验证器，生成{}个恢复码", codes.len())),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let offered: Option<(i64, String)> = sqlx::query_as(
                "select totp_id, secret from user_totp where user_id = $1 and enrolled_at is null and revoked_at is null \
                 order by totp_id desc limit 1")
                .bind(user.id.0).fetch_optional(&mut *tx).await.map_err(domain_err)?;
            let Some((totp_id, secret)) = offered else { return Ok(None) };
            let secret = crate::sealed::open_stored(&secret)?;
            let Some(step) = TotpSecret::from_base32(&secret).and_then(|s| s.check(typed, now.timestamp(), 0)) else {
                return Ok(None);
            };
            sqlx::query("update user_totp set revoked_at = $1, secret = '' where user_id = $2 and totp_id <> $3 and revoked_at is null")
                .bind(now).bind(user.id.0).bind(totp_id).execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("update user_totp set enrolled_at = $1, last_step = $2 where totp_id = $3")
                .bind(now).bind(step).bind(totp_id).execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("update recovery_codes set revoked_at = $1 where user_id = $2 and used_at is null and revoked_at is null")
                .bind(now).bind(user.id.0).execute(&mut *tx).await.map_err(domain_err)?;
            for c in &codes {
                sqlx::query("insert into recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)")
                    .bind(user.id.0).bind(recovery_code_hash(c)).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(Some(codes))
        })
    }

    /// Checks the second step: a code from the bound secret (each step accepted once: the
    /// stored last step only moves forward, compared as it is written, so two requests with the
    /// same code cannot both pass), or an unused recovery code (used up by this).
    pub async fn check_second_factor(
        &self,
        user: UserId,
        typed: &str,
        now: DateTime<Utc>,
    ) -> DomainResult<Option<SecondFactor>> {
        if bangfu_core::auth::totp::looks_like_recovery_code(typed) {
            let hash = recovery_code_hash(typed);
            return dispatch!(self, pool => {
                let used = sqlx::query("update recovery_codes set used_at = $1 where user_id = $2 and code_hash = $3 \
                    and used_at is null and revoked_at is null")
                    .bind(now).bind(user.0).bind(&hash).execute(pool).await.map_err(domain_err)?.rows_affected();
                if used == 0 {
                    return Ok(None);
                }
                let left: i64 = sqlx::query_scalar(
                    "select count(*) from recovery_codes where user_id = $1 and used_at is null and revoked_at is null")
                    .bind(user.0).fetch_one(pool).await.map_err(domain_err)?;
                Ok(Some(SecondFactor::RecoveryCode { left }))
            });
        }
        dispatch!(self, pool => {
            let bound: Option<(i64, String, i64)> = sqlx::query_as(
                "select totp_id, secret, last_step from user_totp where user_id = $1 and enrolled_at is not null \
                 and revoked_at is null")
                .bind(user.0).fetch_optional(pool).await.map_err(domain_err)?;
            let Some((totp_id, secret, last_step)) = bound else { return Ok(None) };
            let secret = crate::sealed::open_stored(&secret)?;
            let Some(step) = TotpSecret::from_base32(&secret).and_then(|s| s.check(typed, now.timestamp(), last_step)) else {
                return Ok(None);
            };
            let moved = sqlx::query("update user_totp set last_step = $1 where totp_id = $2 and last_step < $1")
                .bind(step).bind(totp_id).execute(pool).await.map_err(domain_err)?.rows_affected();
            Ok((moved == 1).then_some(SecondFactor::Code))
        })
    }

    /// New recovery codes (the unused old ones end), audited; shown once by the caller.
    pub async fn renew_recovery_codes(&self, user: &User, actor: &Actor) -> DomainResult<Vec<String>> {
        let now = self.clock().now();
        let codes = generate_recovery_codes();
        let entry = AuditEntry::new(actor, AuditAction::TwoFactor)
            .object("user", user.id, Some(user.area_code.as_str()))
            .change("recovery_codes", Some("原恢复码已作废".into()), Some(format!("生成{}个新恢复码", codes.len())));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update recovery_codes set revoked_at = $1 where user_id = $2 and used_at is null and revoked_at is null")
                .bind(now).bind(user.id.0).execute(&mut *tx).await.map_err(domain_err)?;
            for c in &codes {
                sqlx::query("insert into recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)")
                    .bind(user.id.0).bind(recovery_code_hash(c)).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(codes)
    }

    /// Ends an account's second factor (a lost phone: an admin's reset, or the user's own
    /// choice where the role does not require it): the secret and the recovery codes end with
    /// the date, and so do the account's sessions, so that the next sign-in binds a phone
    /// again. Audited. False if there was nothing to end.
    pub async fn end_two_factor(&self, user: &User, why: &str, actor: &Actor) -> DomainResult<bool> {
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::TwoFactor)
            .object("user", user.id, Some(user.area_code.as_str()))
            .change("two_factor", Some("已绑定".into()), Some(why.to_owned()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update user_totp set revoked_at = $1, secret = '' where user_id = $2 and revoked_at is null")
                .bind(now).bind(user.id.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            sqlx::query("update recovery_codes set revoked_at = $1 where user_id = $2 and used_at is null and revoked_at is null")
                .bind(now).bind(user.id.0).execute(&mut *tx).await.map_err(domain_err)?;
            if n > 0 && actor.user_id != Some(user.id.0) {
                sqlx::query("delete from sessions where user_id = $1").bind(user.id.0)
                    .execute(&mut *tx).await.map_err(domain_err)?;
            }
            if n > 0 {
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(n > 0)
        })
    }

    /// Whether the account has a bound second factor.
    pub async fn has_two_factor(&self, user: UserId) -> DomainResult<bool> {
        // One look-up (it runs for every API request of a role that must use two factors).
        let found: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select totp_id from user_totp where user_id = $1 and enrolled_at is not null \
                and revoked_at is null limit 1")
                .bind(user.0).fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(found.is_some())
    }

    /// The user of a session that passed the password and still owes the code, if it is young
    /// enough; with its CSRF token.
    pub async fn second_step_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> DomainResult<Option<(User, String)>> {
        let found: Option<(i64, String, DateTime<Utc>)> = dispatch!(self, pool => {
            sqlx::query_as("select user_id, csrf_token, created_at from sessions where session_hash = $1 and stage = $2")
                .bind(token_hash).bind(STAGE_SECOND_FACTOR).fetch_optional(pool).await.map_err(domain_err)?
        });
        let Some((user_id, csrf, created)) = found else { return Ok(None) };
        if now - created > SECOND_STEP_TIME {
            self.end_session(token_hash).await?;
            return Ok(None);
        }
        Ok(self.user_by_id(UserId(user_id)).await?.map(|u| (u, csrf)))
    }

    /// The second step passed: the session gets a new token (the one that passed only the
    /// password is not the one that is signed in) and becomes a full one.
    pub async fn complete_second_step(&self, old_hash: &str, new_hash: &str) -> DomainResult<()> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            let n = sqlx::query("update sessions set session_hash = $1, stage = $2, last_seen_at = $3 \
                where session_hash = $4 and stage = $5")
                .bind(new_hash).bind(STAGE_FULL).bind(now).bind(old_hash).bind(STAGE_SECOND_FACTOR)
                .execute(pool).await.map_err(domain_err)?.rows_affected();
            if n == 1 { Ok(()) } else { Err(DomainError::NotFound) }
        })
    }
}
