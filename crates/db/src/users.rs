//! Accounts: created by the command line or by a district admin, never deleted (disabled).

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::{AccountData, NewUser, Role, User, UserAccount};
use bangfu_core::ids::UserId;
use bangfu_core::store::{AreaStore, Page, UserStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, Utc};

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

const USER_COLUMNS: &str = "user_id, username, display_name, phone, role, area_code, must_change_password";

pub(crate) fn user_row(r: &impl Get) -> DomainResult<User> {
    Ok(User {
        id: UserId(r.int("user_id")?),
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        phone: r.opt_sealed("phone")?,
        role: Role::parse(&r.text("role")?).ok_or_else(|| DomainError::Internal("unknown role".into()))?,
        area_code: AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        must_change_password: r.flag("must_change_password")?,
    })
}

impl Db {
    /// An account made outside the users page (the command line, the first run, the demo),
    /// with its audit row naming who made it, in one transaction.
    pub async fn create_user(&self, u: &NewUser, actor: &Actor) -> DomainResult<i64> {
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let exists: Option<i64> = sqlx::query_scalar("select user_id from users where username = $1")
                .bind(&u.username).fetch_optional(&mut *tx).await.map_err(domain_err)?;
            if exists.is_some() {
                return Err(DomainError::conflict("username", format!("用户名“{}”已存在", u.username)));
            }
            let id: i64 = sqlx::query_scalar("insert into users (username, display_name, phone, role, area_code, password_hash, \
                must_change_password, created_at, updated_at, password_changed_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) returning user_id")
                .bind(&u.username).bind(&u.display_name).bind(crate::sealed::seal_opt(u.phone.as_deref())).bind(u.role.code())
                .bind(u.area_code.as_str()).bind(&u.password_hash).bind(u.must_change_password).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .object("user", id, Some(u.area_code.as_str()))
                .change("account", None, Some(format!("{}（{}，{}）", u.username, u.role.label_zh(), u.area_code)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    pub async fn user_by_name(&self, username: &str) -> DomainResult<Option<(User, String)>> {
        let sql = format!("select {USER_COLUMNS}, password_hash from users where username = $1 and status = 'active'");
        dispatch!(self, pool => {
            let r = sqlx::query(crate::sql(&sql)).bind(username).fetch_optional(pool).await.map_err(domain_err)?;
            match r {
                Some(r) => Ok(Some((user_row(&r)?, r.text("password_hash")?))),
                None => Ok(None),
            }
        })
    }

    pub async fn count_users(&self) -> DomainResult<i64> {
        dispatch!(self, pool => sqlx::query_scalar("select count(*) from users").fetch_one(pool).await.map_err(domain_err))
    }
}

/// An account as listed, with the latest wait any source was given on it (shown as 已锁定
/// until then; an admin's unlock ends every source's wait).
const ACCOUNT_COLUMNS: &str = "user_id, username, display_name, phone, role, area_code, must_change_password, status, \
    (select max(f.blocked_until) from sign_in_failures f where f.username = users.username) as locked_until, created_at, \
    (select max(t.enrolled_at) from user_totp t where t.user_id = users.user_id and t.revoked_at is null) as two_factor_since";

/// Timestamps, read the same way from both backends (only accounts need them here).
trait Times {
    fn opt_time(&self, col: &str) -> DomainResult<Option<DateTime<Utc>>>;
}

macro_rules! impl_times {
    ($row:ty) => {
        impl Times for $row {
            fn opt_time(&self, col: &str) -> DomainResult<Option<DateTime<Utc>>> {
                sqlx::Row::try_get(self, col).map_err(|e| DomainError::Internal(format!("column {col}: {e}")))
            }
        }
    };
}
impl_times!(sqlx::sqlite::SqliteRow);
impl_times!(sqlx::postgres::PgRow);

fn account_row(r: &(impl Get + Times)) -> DomainResult<UserAccount> {
    let locked_until: Option<DateTime<Utc>> = r.opt_time("locked_until")?;
    Ok(UserAccount {
        user: user_row(r)?,
        disabled: r.text("status")? == "disabled",
        pending: r.text("status")? == "pending",
        locked_until,
        two_factor_since: r.opt_time("two_factor_since")?,
        created_at: r.opt_time("created_at")?.ok_or_else(|| DomainError::Internal("created_at".into()))?,
    })
}

impl Db {
    /// Writes an account change (`sql` binds the time and the user id) and its audit row
    /// (`field`, `before`, `after`) in one transaction, ending the user's sessions and API
    /// tokens in it if asked.
    async fn change_account(
        &self,
        user: &UserAccount,
        sql: &str,
        end_sessions: bool,
        (field, before, after): (&str, &str, &str),
        actor: &Actor,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("user", user.user.id, Some(user.user.area_code.as_str()))
            .change(field, Some(before.to_owned()), Some(after.to_owned()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query(crate::sql(sql)).bind(now).bind(user.user.id.0).execute(&mut *tx).await.map_err(domain_err)?;
            if end_sessions {
                sqlx::query("delete from sessions where user_id = $1").bind(user.user.id.0)
                    .execute(&mut *tx).await.map_err(domain_err)?;
                // Its API tokens end with it (they stay revoked if it is enabled again).
                sqlx::query("update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null")
                    .bind(now).bind(user.user.id.0).execute(&mut *tx).await.map_err(domain_err)?;
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}

fn not_yourself(actor: &Actor, user: UserId, message: &str) -> DomainResult<()> {
    if actor.user_id == Some(user.0) { Err(DomainError::invalid("user", message)) } else { Ok(()) }
}

impl UserStore for Db {
    async fn accounts(&self, scope: &Scope) -> DomainResult<Vec<UserAccount>> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select {ACCOUNT_COLUMNS} from users where area_code between $1 and $2 order by area_code, username"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(account_row).collect()
        })
    }

    async fn account_page(&self, scope: &Scope, page: Page) -> DomainResult<(Vec<UserAccount>, i64)> {
        let (lo, hi) = scope.bounds();
        let (size, offset) = crate::limit_offset(page);
        let sql = format!(
            "select {ACCOUNT_COLUMNS} from users where area_code between $1 and $2 order by area_code, username limit $3 offset $4"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(size).bind(offset)
                .fetch_all(pool).await.map_err(domain_err)?;
            let (total,): (i64,) = sqlx::query_as("select count(*) from users where area_code between $1 and $2")
                .bind(lo).bind(hi).fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(account_row).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    async fn account(&self, scope: &Scope, user: UserId) -> DomainResult<UserAccount> {
        let (lo, hi) = scope.bounds();
        let sql = format!("select {ACCOUNT_COLUMNS} from users where user_id = $1 and area_code between $2 and $3");
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(user.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| account_row(&r)).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    async fn add_account(
        &self,
        scope: &Scope,
        data: &AccountData,
        password_hash: &str,
        actor: &Actor,
    ) -> DomainResult<UserId> {
        if !scope.contains(&data.area_code) || self.area(&data.area_code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "所属区划不存在或不在您的管辖范围内"));
        }
        let now = self.clock().now();
        let entry_for = |id: i64| {
            AuditEntry::new(actor, AuditAction::Create).object("user", id, Some(data.area_code.as_str())).change(
                "username",
                None,
                Some(format!("{}（{}，{}，待安全管理员授权）", data.username, data.display_name, data.role.label_zh())),
            )
        };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // 三员分立: an account the system administrator makes waits for the security
            // administrator to grant its role before it can sign in.
            let id: i64 = sqlx::query_scalar("insert into users (username, display_name, phone, role, area_code, password_hash, \
                must_change_password, status, created_at, updated_at, password_changed_at) values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, $8) returning user_id")
                .bind(&data.username).bind(&data.display_name).bind(crate::sealed::seal_opt(data.phone.as_deref()))
                .bind(data.role.code())
                .bind(data.area_code.as_str()).bind(password_hash).bind(true).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry_for(id)).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(UserId(id))
        })
    }

    async fn set_account_enabled(&self, scope: &Scope, user: UserId, enabled: bool, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        if a.disabled != enabled {
            return Ok(());
        }
        if enabled && a.pending {
            return Err(DomainError::invalid("user", "该账号尚待安全管理员授权"));
        }
        if enabled {
            return self
                .change_account(
                    &a,
                    "update users set status = 'active', updated_at = $1 where user_id = $2",
                    false,
                    ("status", "已停用", "正常"),
                    actor,
                )
                .await;
        }
        not_yourself(actor, user, "不能停用自己的账号")?;
        self.change_account(
            &a,
            "update users set status = 'disabled', updated_at = $1 where user_id = $2",
            true,
            ("status", if a.pending { "待授权" } else { "正常" }, "已停用"),
            actor,
        )
        .await
    }

    async fn reset_password(
        &self,
        scope: &Scope,
        user: UserId,
        password_hash: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        not_yourself(actor, user, "自己的密码请在“修改密码”页面修改")?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("user", user, Some(a.user.area_code.as_str()))
            .change("password", None, Some("已重置，须在下次登录时修改".into()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            crate::sessions::replace_password!(&mut *tx, user.0, password_hash, true, "", now);
            sqlx::query("update sign_in_failures set failures = 0, blocked_until = null, changes = changes + 1 where username = $1")
                .bind(&a.user.username).execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn end_sessions(&self, scope: &Scope, user: UserId, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        let sql = "update users set updated_at = $1 where user_id = $2";
        self.change_account(&a, sql, true, ("sessions", "在用", "全部会话和 API 令牌已结束"), actor).await
    }

    async fn unlock_account(&self, scope: &Scope, user: UserId, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        // Every source's wait on this account ends (the name is the key of the failures).
        let sql = "update sign_in_failures set failures = 0, blocked_until = null, changes = changes + 1 \
                   where $1 is not null and username = (select username from users where user_id = $2)";
        self.change_account(&a, sql, false, ("locked", "已锁定", "已解锁"), actor).await
    }
}

/// 授权 (三员分立): what the security administrator does with an account the system
/// administrator made, and with the role of an account in use.
impl Db {
    /// The accounts inside `scope` waiting for their grant, oldest first.
    pub async fn pending_accounts(&self, scope: &Scope) -> DomainResult<Vec<UserAccount>> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select {ACCOUNT_COLUMNS} from users where status = 'pending' and area_code between $1 and $2 \
             order by created_at, user_id limit 500"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(account_row).collect()
        })
    }

    /// An account inside `scope` by its user name (one outside is `None`, as a missing one).
    pub async fn account_by_name(&self, scope: &Scope, username: &str) -> DomainResult<Option<UserAccount>> {
        let (lo, hi) = scope.bounds();
        let sql = format!("select {ACCOUNT_COLUMNS} from users where username = $1 and area_code between $2 and $3");
        dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(username.trim()).bind(lo).bind(hi).fetch_optional(pool).await
                .map_err(domain_err)?.map(|r| account_row(&r)).transpose()
        })
    }

    /// Grants a pending account the role it was asked for (or `role`, if the security
    /// administrator chose another): it can sign in from now on.
    pub async fn grant_account(&self, scope: &Scope, user: UserId, role: Role, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        if !a.pending {
            return Err(DomainError::invalid("user", "该账号不是待授权的账号"));
        }
        not_yourself(actor, user, "不能给自己授权")?;
        let after = format!("已授权：{}", role.label_zh());
        let before = format!("待授权（申请：{}）", a.user.role.label_zh());
        let sql = format!(
            "update users set status = 'active', role = '{}', updated_at = $1 where user_id = $2 and status = 'pending'",
            role.code()
        );
        self.change_account(&a, &sql, false, ("grant", &before, &after), actor).await
    }

    /// Refuses a pending account: it stays, disabled, with the reason in the audit log.
    pub async fn refuse_account(&self, scope: &Scope, user: UserId, reason: &str, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        if !a.pending {
            return Err(DomainError::invalid("user", "该账号不是待授权的账号"));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "请写明不予授权的原因"));
        }
        let after = format!("不予授权：{reason}");
        let sql = "update users set status = 'disabled', updated_at = $1 where user_id = $2 and status = 'pending'";
        self.change_account(&a, sql, true, ("grant", "待授权", &after), actor).await
    }

    /// Changes the role of an account in use: its sign-ins and API tokens end (the next one
    /// has the new role's pages and policy).
    pub async fn change_role(&self, scope: &Scope, user: UserId, role: Role, actor: &Actor) -> DomainResult<()> {
        let a = self.account(scope, user).await?;
        not_yourself(actor, user, "不能更改自己的角色")?;
        if a.pending {
            return Err(DomainError::invalid("role", "该账号尚待授权，请在授权时选择角色"));
        }
        if a.user.role == role {
            return Ok(());
        }
        let sql = format!("update users set role = '{}', updated_at = $1 where user_id = $2", role.code());
        self.change_account(&a, &sql, true, ("role", a.user.role.label_zh(), role.label_zh()), actor).await
    }
}
