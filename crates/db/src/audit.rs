//! The audit log: appended to, read with filters, never changed.

use bangfu_core::DomainResult;
use bangfu_core::area::Scope;
use bangfu_core::audit::{AuditAction, AuditEntry};
use bangfu_core::store::{AuditStore, Page};
use chrono::{DateTime, Utc};

use crate::row::Get;
use crate::{Db, dispatch, domain_err};

pub(crate) const INSERT: &str = "insert into audit_log (at, user_id, username, role, ip, action, object_type, object_id, \
    area_code, field, before_value, after_value) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// INSERT for a change to a versioned record (households, members): also the version it made.
pub(crate) const INSERT_VERSIONED: &str = "insert into audit_log (at, user_id, username, role, ip, action, object_type, \
    object_id, area_code, field, before_value, after_value, object_version) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// Binds an entry to INSERT (a macro: the same binding runs on a pool or a transaction);
/// `bind_entry!(&entry, version = v)` records the version of the record the change made.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_entry {
    ($e:expr) => {
        $crate::bind_entry!(@with $crate::audit::INSERT, $e)
    };
    ($e:expr, version = $v:expr) => {
        $crate::bind_entry!(@with $crate::audit::INSERT_VERSIONED, $e).bind($v)
    };
    (@with $sql:expr, $e:expr) => {{
        let e = $e;
        sqlx::query($sql)
            .bind(e.at)
            .bind(e.user_id)
            .bind(e.username.as_deref())
            .bind(e.role.as_deref())
            .bind(e.ip.as_deref())
            .bind(e.action.code())
            .bind(e.object_type.as_deref())
            .bind(e.object_id.as_deref())
            .bind(e.area_code.as_deref())
            .bind(e.field.as_deref())
            .bind(e.before_value.as_deref())
            .bind(e.after_value.as_deref())
    }};
}

pub use bangfu_core::audit::AuditFilter;

impl Db {
    pub async fn audit(&self, entry: &AuditEntry) -> DomainResult<()> {
        dispatch!(self, pool => { bind_entry!(entry).execute(pool).await.map_err(domain_err)?; });
        Ok(())
    }

    /// Newest first, the whole log (for the command line and tests; pages read [`AuditStore`]).
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> DomainResult<(Vec<AuditEntry>, i64)> {
        self.read_audit(None, filter, limit, offset).await
    }

    async fn read_audit(
        &self,
        scope: Option<&Scope>,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> DomainResult<(Vec<AuditEntry>, i64)> {
        let mut conds = vec!["1 = 1".to_owned()];
        let mut binds: Vec<String> = Vec::new();
        if let Some(scope) = scope {
            let (lo, hi) = scope.bounds();
            binds.push(lo.to_owned());
            binds.push(hi.to_owned());
            let placed = "area_code between $1 and $2";
            conds.push(if scope.is_district_wide() {
                format!("({placed} or area_code is null)")
            } else {
                placed.to_owned()
            });
        }
        for (col, v) in [
            ("username", filter.username.clone()),
            ("action", filter.action.map(|a| a.code().to_owned())),
            ("object_type", filter.object_type.clone()),
            ("object_id", filter.object_id.clone()),
        ] {
            if let Some(v) = v {
                binds.push(v);
                conds.push(format!("{col} = ${}", binds.len()));
            }
        }
        let w = conds.join(" and ");
        let list = format!(
            "select at, user_id, username, role, ip, action, object_type, object_id, area_code, field, before_value, after_value \
             from audit_log where {w} order by audit_id desc limit {} offset {}",
            limit.clamp(1, 500),
            offset.max(0)
        );
        let count = format!("select count(*) from audit_log where {w}");
        dispatch!(self, pool => {
            let mut q = sqlx::query(crate::sql(&list));
            let mut c = sqlx::query_scalar::<_, i64>(crate::sql(&count));
            for b in &binds {
                q = q.bind(b);
                c = c.bind(b);
            }
            let rows = q.fetch_all(pool).await.map_err(domain_err)?;
            let total = c.fetch_one(pool).await.map_err(domain_err)?;
            let entries = rows.iter().map(|r| {
                let at: DateTime<Utc> = sqlx::Row::try_get(r, "at").map_err(domain_err)?;
                Ok(AuditEntry {
                    at,
                    user_id: r.opt_i64("user_id")?,
                    username: r.opt_text("username")?,
                    role: r.opt_text("role")?,
                    ip: r.opt_text("ip")?,
                    action: AuditAction::parse(&r.text("action")?).unwrap_or(AuditAction::Update),
                    object_type: r.opt_text("object_type")?,
                    object_id: r.opt_text("object_id")?,
                    area_code: r.opt_text("area_code")?,
                    field: r.opt_text("field")?,
                    before_value: r.opt_text("before_value")?,
                    after_value: r.opt_text("after_value")?,
                })
            }).collect::<DomainResult<Vec<_>>>()?;
            Ok((entries, total))
        })
    }
}

impl AuditStore for Db {
    async fn audit_log(&self, scope: &Scope, filter: &AuditFilter, page: Page) -> DomainResult<(Vec<AuditEntry>, i64)> {
        let size = i64::from(page.size.clamp(1, 500));
        self.read_audit(Some(scope), filter, size, (i64::from(page.number.max(1)) - 1) * size).await
    }
}

impl Db {
    /// A user's exact ID-number searches since `since`: how many, and how many found nobody
    /// (their audit rows say 未找到).
    pub async fn id_searches_since(
        &self,
        user: bangfu_core::ids::UserId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> bangfu_core::DomainResult<(i64, i64)> {
        let sql = "select count(*), coalesce(sum(case when after_value = $1 then 1 else 0 end), 0) from audit_log \
                   where user_id = $2 and action = $3 and at >= $4 and field = $5";
        crate::dispatch!(self, pool => {
            let (n, misses): (i64, i64) = sqlx::query_as(sql)
                .bind(bangfu_core::auth::ID_SEARCH_MISS).bind(user.0)
                .bind(bangfu_core::audit::AuditAction::SearchId.code()).bind(since).bind("result")
                .fetch_one(pool).await.map_err(crate::domain_err)?;
            Ok((n, misses))
        })
    }
}
