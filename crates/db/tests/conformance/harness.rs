//! Runs each storage test on SQLite and on PostgreSQL. PostgreSQL tests read
//! BANGFU_TEST_POSTGRES_URL; in CI (CI=true) a missing URL fails instead of skipping.
//! Each PostgreSQL test makes its own database and drops it.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use bangfu_core::area::Scope;
use bangfu_core::store::AreaStore;
use bangfu_db::{Create, DatabaseUrl, Db, YICHENG_DIVISIONS, read_divisions};
use sqlx::Connection;

pub struct TestDb {
    pub db: Db,
    pg: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        Self::sqlite_at(None).await
    }

    /// Migrated up to `version` only (None: all the way).
    pub async fn sqlite_at(version: Option<i64>) -> TestDb {
        bangfu_db::sealed::install_test_keys();
        let db = Db::memory().await.expect("in-memory sqlite");
        match version {
            Some(v) => db.migrate_to(v).await.expect("migrate sqlite"),
            None => db.migrate().await.expect("migrate sqlite"),
        }
        TestDb { db, pg: None, file: None }
    }

    /// A SQLite register in a temporary file, opened as `serve` opens one (WAL, a pool of
    /// connections, busy timeout): concurrent writers really run side by side.
    pub async fn sqlite_file() -> TestDb {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "bangfu-conformance-{}-{}.db",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        bangfu_db::sealed::install_test_keys();
        let opened = Db::open(&DatabaseUrl::Sqlite(path.clone()), Create::IfMissing).await.expect("open sqlite file");
        opened.db.migrate().await.expect("migrate sqlite");
        TestDb { db: opened.db, pg: None, file: Some(path) }
    }

    /// None when PostgreSQL is not configured outside CI (the test then passes vacuously, with a note).
    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_at(None).await
    }

    /// A fresh PostgreSQL database without any migration applied (for migration tests).
    pub async fn postgres_unmigrated() -> Option<TestDb> {
        Self::postgres_at(Some(0)).await
    }

    /// Migrated up to `version` only (None: all the way; 0: none at all).
    pub async fn postgres_at(version: Option<i64>) -> Option<TestDb> {
        bangfu_db::sealed::install_test_keys();
        let Ok(base) = std::env::var("BANGFU_TEST_POSTGRES_URL") else {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("BANGFU_TEST_POSTGRES_URL is not set, and in CI the PostgreSQL half of the suite must run");
            }
            eprintln!("note: BANGFU_TEST_POSTGRES_URL not set; skipping the PostgreSQL run of this test");
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("bangfu_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect to BANGFU_TEST_POSTGRES_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.ok();
        let url = with_database(&base, &name);
        let opened =
            Db::open(&DatabaseUrl::from_str(&url).expect("url"), Create::Never).await.expect("open test database");
        match version {
            Some(0) => {}
            Some(v) => opened.db.migrate_to(v).await.expect("migrate postgres"),
            None => opened.db.migrate().await.expect("migrate postgres"),
        }
        Some(TestDb { db: opened.db, pg: Some((base, name)), file: None })
    }

    /// Loads 驿城区's areas, as the demo does.
    pub async fn with_yicheng(self) -> TestDb {
        let areas = read_divisions(YICHENG_DIVISIONS.as_bytes(), "divisions-yicheng.csv").expect("divisions parse");
        self.db.upsert_areas(&areas).await.expect("load areas");
        self
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(path) = self.file.take() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        if let Some((base, name)) = self.pg.take() {
            // Drop the database from a thread of its own (Drop cannot await); `with (force)`
            // ends this pool's connections server-side, so the pool need not be closed here.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                        let _ =
                            sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists {name} with (force)")))
                                .execute(&mut admin)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

fn with_database(base: &str, name: &str) -> String {
    let (head, query) = base.split_once('?').map_or((base, None), |(h, q)| (h, Some(q)));
    let after_scheme = head.find("://").map_or(0, |i| i + 3);
    let head = match head[after_scheme..].find('/') {
        Some(slash) => &head[..after_scheme + slash],
        None => head,
    };
    match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    }
}

pub fn everything() -> Scope {
    Scope::everything()
}

/// Declares a storage test that runs once per backend: `conformance!(name, |db| async move { … })`.
#[macro_export]
macro_rules! conformance {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                let t = $crate::harness::TestDb::sqlite().await.with_yicheng().await;
                ($body)(t.db.clone()).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                if let Some(t) = $crate::harness::TestDb::postgres().await {
                    let t = t.with_yicheng().await;
                    ($body)(t.db.clone()).await;
                }
            }
        }
    };
}

/// Declares a storage test that runs on a SQLite file with a pool of connections and on
/// PostgreSQL: for tests of concurrent writers (the in-memory register has one connection).
#[macro_export]
macro_rules! conformance_pooled {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_sqlite_file() {
                let t = $crate::harness::TestDb::sqlite_file().await.with_yicheng().await;
                ($body)(t.db.clone()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_postgres() {
                if let Some(t) = $crate::harness::TestDb::postgres().await {
                    let t = t.with_yicheng().await;
                    ($body)(t.db.clone()).await;
                }
            }
        }
    };
}

/// A storage test on a register migrated only up to `version`, so the body can put rows of
/// that older shape in place and then run the later migrations itself.
#[macro_export]
macro_rules! conformance_from {
    ($name:ident, $version:expr, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                let t = $crate::harness::TestDb::sqlite_at(Some($version)).await.with_yicheng().await;
                ($body)(t.db.clone()).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                if let Some(t) = $crate::harness::TestDb::postgres_at(Some($version)).await {
                    let t = t.with_yicheng().await;
                    ($body)(t.db.clone()).await;
                }
            }
        }
    };
}
