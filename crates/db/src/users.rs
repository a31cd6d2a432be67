//! Accounts.

use bangfu_core::area::AreaCode;
use bangfu_core::auth::{NewUser, Role, User};
use bangfu_core::{DomainError, DomainResult};
use chrono::Utc;

use crate::row::Get;
use crate::{Db, dispatch, domain_err};

const USER_COLUMNS: &str = "user_id, username, display_name, phone, role, area_code, must_change_password";

pub(crate) fn user_row(r: &impl Get) -> DomainResult<User> {
    Ok(User {
        id: r.int("user_id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        phone: r.opt_text("phone")?,
        role: Role::parse(&r.text("role")?).ok_or_else(|| DomainError::Internal("unknown role".into()))?,
        area_code: AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        must_change_password: r.flag("must_change_password")?,
    })
}

impl Db {
    pub async fn create_user(&self, u: &NewUser) -> DomainResult<i64> {
        let now = Utc::now();
        dispatch!(self, pool => {
            let exists: Option<i64> = sqlx::query_scalar("select user_id from users where username = $1")
                .bind(&u.username).fetch_optional(pool).await.map_err(domain_err)?;
            if exists.is_some() {
                return Err(DomainError::conflict("username", format!("用户名“{}”已存在", u.username)));
            }
            sqlx::query_scalar("insert into users (username, display_name, phone, role, area_code, password_hash, \
                must_change_password, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning user_id")
                .bind(&u.username).bind(&u.display_name).bind(u.phone.as_deref()).bind(u.role.code())
                .bind(u.area_code.as_str()).bind(&u.password_hash).bind(u.must_change_password).bind(now)
                .fetch_one(pool).await.map_err(domain_err)
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
