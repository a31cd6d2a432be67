//! API tokens (`Authorization: Bearer …`), created on the command line, stored hashed, revocable.

use bangfu_core::DomainResult;
use bangfu_core::auth::User;
use chrono::{DateTime, Utc};

use crate::{Db, dispatch, domain_err};

impl Db {
    pub async fn create_token(
        &self,
        token_hash: &str,
        user_id: bangfu_core::ids::UserId,
        label: &str,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("insert into api_tokens (token_hash, user_id, label, created_at) values ($1, $2, $3, $4)")
                .bind(token_hash).bind(user_id.0).bind(label).bind(now).execute(pool).await.map_err(domain_err)?;
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

    /// Revokes every live token of a user; returns how many.
    pub async fn revoke_tokens(&self, user_id: bangfu_core::ids::UserId) -> DomainResult<u64> {
        let now: DateTime<Utc> = self.clock().now();
        dispatch!(self, pool => {
            Ok(sqlx::query("update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null")
                .bind(now).bind(user_id.0).execute(pool).await.map_err(domain_err)?.rows_affected())
        })
    }
}
