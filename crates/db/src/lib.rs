//! bangfu-db: the register's storage on SQLite (a file) or PostgreSQL (a URL).
//! The SQL text is written once; [`dispatch!`] runs it on whichever pool the URL chose.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use bangfu_core::Clock;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub mod areas;
pub mod assistance;
pub mod audit;
pub mod audit_chain;
pub mod backup;
mod constraints;
pub mod events;
pub mod fund_settings;
pub mod households;
pub mod id_conflicts;
pub mod import;
pub mod incomes;
pub mod lines;
pub mod monitoring;
pub mod plans;
pub mod procedures;
pub mod project_assets;
pub mod project_changes;
pub mod project_documents;
pub mod project_notices;
pub mod projects;
pub mod pv;
mod row;
pub mod rule_facts;
pub mod rule_leads;
pub mod sealed;
pub mod self_reports;
pub mod sessions;
pub mod teams;
pub mod tokens;
pub mod training;
pub mod two_factor;
pub mod units;
pub mod users;
mod values;
mod versions;
pub mod visits;
pub mod worklist;
pub mod yulu;

pub(crate) use versions::BeginWrite;

pub use import::errors as import_errors;
pub use import::{
    INCOMES_FILE, ImportError, ImportOutcome, ImportReport, RowError, YICHENG_DIVISIONS, import_register,
    read_divisions,
};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Where the register lives, parsed once from `--database`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for DatabaseUrl {
    /// Never prints a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(url) => {
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(s), Some(at)) if at > s => {
                        let cred = &url[s + 3..at];
                        let user = cred.split(':').next().unwrap_or("");
                        format!(
                            "{}{}{}",
                            &url[..s + 3],
                            if cred.contains(':') { format!("{user}:***") } else { user.to_owned() },
                            &url[at..]
                        )
                    }
                    _ => url.clone(),
                };
                f.write_str(&shown)
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("不支持的数据库地址“{0}”：请用 postgres://… 、sqlite:///绝对路径.db 或文件路径")]
    UnknownScheme(String),
    #[error("数据库文件 {0} 不存在（serve 不会新建空库；请先运行 bangfu migrate 或 bangfu import）")]
    MissingFile(PathBuf),
    #[error("数据库错误: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("数据库迁移失败: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Message(String),
}

impl FromStr for DatabaseUrl {
    type Err = DbError;
    fn from_str(s: &str) -> Result<Self, DbError> {
        let s = s.trim();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(s.to_owned()))
        } else if let Some(rest) = s.strip_prefix("sqlite://") {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() {
                return Err(DbError::UnknownScheme(s.to_owned()));
            }
            Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
        } else if let Some(rest) = s.strip_prefix("sqlite:") {
            Ok(DatabaseUrl::Sqlite(PathBuf::from(rest)))
        } else if s.contains("://") || s.is_empty() {
            Err(DbError::UnknownScheme(s.to_owned()))
        } else {
            Ok(DatabaseUrl::Sqlite(PathBuf::from(s)))
        }
    }
}

/// Whether opening may create a missing SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// migrate, import, demo: make the file and say so.
    IfMissing,
    /// serve: a typo must never serve an empty register.
    Never,
}

/// The register's storage, and the clock its rules read. Cloning is cheap (pools are shared).
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    clock: Clock,
    gate: versions::WriteGate,
}

/// Which database the URL chose.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool this is: `dispatch!(self, pool => expr)`.
#[macro_export]
macro_rules! dispatch {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db.pool() {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}

/// What opening a database did, for the command line to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub db: Db,
    pub created_file: Option<PathBuf>,
}

impl Db {
    pub async fn open(url: &DatabaseUrl, create: Create) -> Result<Opened, DbError> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                let exists = path.exists();
                if !exists && create == Create::Never {
                    return Err(DbError::MissingFile(path.clone()));
                }
                let pool = open_sqlite(path, !exists).await?;
                Ok(Opened { db: Db::new(Pool::Sqlite(pool)), created_file: (!exists).then(|| path.clone()) })
            }
            DatabaseUrl::Postgres(url) => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Ok(Opened { db: Db::new(Pool::Postgres(pool)), created_file: None })
            }
        }
    }

    /// An in-memory SQLite register, for tests.
    pub async fn memory() -> Result<Db, DbError> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?;
        Ok(Db::new(Pool::Sqlite(pool)))
    }

    /// Storage on a pool, reading the system clock.
    pub fn new(pool: Pool) -> Db {
        Db { pool, clock: Clock::System, gate: versions::WriteGate::default() }
    }

    /// The same storage, reading `clock` instead (tests fix the day).
    pub fn with_clock(mut self, clock: Clock) -> Db {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Where this register's SQLite writers queue (see [`versions::WriteGate`]).
    pub(crate) fn gate(&self) -> &versions::WriteGate {
        &self.gate
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Applies the migrations up to `version` only: for tests that put rows of an older schema
    /// in place before a later migration converts them.
    pub async fn migrate_to(&self, version: i64) -> Result<(), DbError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run_to(version, p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run_to(version, p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match &self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        dispatch!(self, p => p.close().await)
    }
}

impl PartialEq for Db {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}
impl Eq for Db {}

async fn open_sqlite(path: &Path, create: bool) -> Result<SqlitePool, DbError> {
    if create && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
    }
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-65536");
    Ok(SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?)
}

/// Maps storage errors into the domain's: unique violations become conflicts naming the field.
pub(crate) fn domain_err(e: sqlx::Error) -> bangfu_core::DomainError {
    use bangfu_core::DomainError;
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message();
        if db.is_unique_violation() {
            if let Some(conflict) = constraints::unique_conflict(db.as_ref()) {
                return conflict;
            }
            if msg.contains("id_number") {
                return DomainError::conflict("id_number", "此人已是另一户的现有成员（同一证件号码不能同时在两户）");
            }
            if msg.contains("household_no") {
                return DomainError::conflict("household_no", "户编号已存在");
            }
            if msg.contains("period") {
                return DomainError::conflict("period", "该期间收入已登记");
            }
            if msg.contains("lines") {
                return DomainError::conflict("year", "该类型、年度和区划的标准已存在，请在原标准上调整");
            }
            if msg.contains("year") {
                return DomainError::conflict("year", "该年度收入已登记");
            }
            return DomainError::conflict("", "记录重复");
        }
        if db.is_foreign_key_violation() {
            return DomainError::invalid("", "引用的记录不存在（如村代码未导入）");
        }
    }
    // Logged once, where the failure is answered (the web layer's error, with the request id).
    tracing::debug!(error = %e, "storage error");
    DomainError::Internal(e.to_string())
}

/// Marks SQL text built in this crate from constants and numbers as safe: user values
/// are always bound as parameters, never spliced into the text.
/// A page as SQL's `limit` and `offset`.
pub(crate) fn limit_offset(page: bangfu_core::store::Page) -> (i64, i64) {
    let size = i64::from(page.size.max(1));
    (size, i64::from(page.number.max(1) - 1) * size)
}

pub(crate) fn sql(text: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(text)
}

impl Db {
    /// The definitions of every index and foreign key, sorted: two registers with the same
    /// fingerprint have the same schema (used to check that bulk loads restore it exactly).
    pub async fn schema_fingerprint(&self) -> Result<Vec<String>, DbError> {
        let rows: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(
                    "select name, coalesce(sql, '') from sqlite_master where type in ('index', 'table') \
                     and name not like 'sqlite_%' and name <> '_sqlx_migrations' order by name",
                )
                .fetch_all(p)
                .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(
                    "select indexname::text, indexdef::text from pg_indexes where schemaname = 'public' \
                     union all select conname::text, pg_get_constraintdef(c.oid) from pg_constraint c \
                     join pg_namespace n on n.oid = c.connamespace where n.nspname = 'public' and contype = 'f' \
                     order by 1",
                )
                .fetch_all(p)
                .await?
            }
        };
        Ok(rows.into_iter().map(|(n, d)| format!("{n}: {d}")).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The storage's column lists are the field catalogue's stored columns, in its order (the
    /// members' search key is derived from the name and the keyed hash of the ID number from
    /// the number, so stored but not fields).
    #[test]
    fn the_stored_columns_follow_the_field_catalogue() {
        use bangfu_core::household::columns::{Column, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS};
        let split = |s: &str| s.split(',').map(|c| c.trim().to_owned()).collect::<Vec<_>>();
        let catalogue =
            |cols: &[Column]| Column::stored_columns(cols).into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(split(households::HOUSEHOLD_COLUMNS), catalogue(HOUSEHOLD_COLUMNS));
        assert_eq!(households::HOUSEHOLD_COLUMN_COUNT, catalogue(HOUSEHOLD_COLUMNS).len());
        let mut members = catalogue(MEMBER_COLUMNS);
        members.push("search_key".into());
        members.push("id_number_key".into());
        assert_eq!(split(households::MEMBER_COLUMNS), members);
        assert_eq!(households::MEMBER_COLUMN_COUNT, members.len());
    }

    #[test]
    fn urls_choose_the_backend_and_plain_paths_are_sqlite() {
        assert_eq!("bangfu.db".parse::<DatabaseUrl>().unwrap(), DatabaseUrl::Sqlite("bangfu.db".into()));
        assert_eq!("sqlite:///tmp/a.db".parse::<DatabaseUrl>().unwrap(), DatabaseUrl::Sqlite("/tmp/a.db".into()));
        assert!(matches!("postgres://u@h/db".parse::<DatabaseUrl>().unwrap(), DatabaseUrl::Postgres(_)));
        assert!(matches!("mysql://h/db".parse::<DatabaseUrl>(), Err(DbError::UnknownScheme(_))));
    }

    #[test]
    fn a_postgres_url_never_shows_its_password() {
        let url: DatabaseUrl = "postgres://bangfu:secret@127.0.0.1/bangfu".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://bangfu:***@127.0.0.1/bangfu");
    }

    #[tokio::test]
    async fn serve_refuses_a_missing_sqlite_file() {
        let url = DatabaseUrl::Sqlite("/nonexistent/typo.db".into());
        let err = Db::open(&url, Create::Never).await.unwrap_err();
        assert!(err.to_string().contains("不存在"), "{err}");
    }
}
