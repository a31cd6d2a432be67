//! API tokens (`Authorization: Bearer …`), created on the command line, stored hashed, revocable.

use bangfu_core::DomainResult;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::User;
use chrono::{DateTime, Utc};

use crate::{BeginWrite, Db, dispatch, domain_err};

impl Db {
    /// A new token for `user`, with the audit row naming who made it, in one transaction.
    pub async fn create_token(&self, token_hash: &str, user: &User, label: &str, actor: &Actor) -> DomainResult<()> {
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create)
            .object("user", user.id, Some(user.area_code.as_str()))
            .change("api_token", None, Some(format!("新建令牌“{label}”")));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into api_tokens (token_hash, user_id, label, created_at) values ($1, $2, $3, $4)")
                .bind(token_hash).bind(user.id.0).bind(label).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(())
    }

    /// The token's user, unless the token is unknown or revoked or the user is no longer active.
    pub async fn token_user(&self, token_hash: &str) -> DomainResult<Option<User>> {
        let user_id: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select user_id from api_tokens where token_hash = $1 and revoked_at is null")
                .bind(token_hash).fetch_optional(pool).await.map_err(domain_err)?
        });
        match user_id {
            Some(id) => self.user_by_id(bangfu_core::ids::UserId(id)).await,
            None => Ok(None),
        }
    }

    /// Revokes every live token of a user, audited with who did it; returns how many.
    pub async fn revoke_tokens(&self, user: &User, actor: &Actor) -> DomainResult<u64> {
        let now: DateTime<Utc> = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null")
                .bind(now).bind(user.id.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .object("user", user.id, Some(user.area_code.as_str()))
                .change("api_token", None, Some(format!("作废全部令牌（{n} 个）")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(n)
        })
    }
}
