//! Test databases: a temp SQLite file, or a fresh PostgreSQL schema of its own.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};
use ykien_store::{DbConfig, Store};

pub struct TestDb {
    pub store: Store,
    pub cfg: DbConfig,
    pg: Option<(PgPool, String)>,
    _dir: tempfile::TempDir,
}

fn require_pg() -> bool {
    std::env::var("YKIEN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = DbConfig::Sqlite {
            path: dir.path().join("ykien.db"),
        };
        let store = Store::open(&cfg).await.expect("open sqlite store");
        store.load_units().await.expect("units");
        TestDb {
            store,
            cfg,
            pg: None,
            _dir: dir,
        }
    }

    /// None (skip) when no PostgreSQL is configured, unless it is required.
    pub async fn postgres() -> Option<TestDb> {
        let url = match std::env::var("YKIEN_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    !require_pg(),
                    "YKIEN_REQUIRE_PG=1 but YKIEN_TEST_PG_URL is not set"
                );
                eprintln!("skipped: YKIEN_TEST_PG_URL is not set");
                return None;
            }
        };
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(&url).expect("URL parses"))
            .await
            .expect("PostgreSQL reachable");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        static C: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let c = C.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let schema = format!("yka_{nanos:x}_{}_{c}", std::process::id());
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let sep = if url.contains('?') { '&' } else { '?' };
        let cfg = DbConfig::Postgres {
            url: format!("{url}{sep}options[search_path]={schema}"),
        };
        let store = Store::open(&cfg).await.expect("open postgres store");
        store.load_units().await.expect("units");
        Some(TestDb {
            store,
            cfg,
            pg: Some((admin, schema)),
            _dir: tempfile::tempdir().expect("tempdir"),
        })
    }

    /// A second store on the same database: another process, as far as the store can tell.
    pub async fn second_process(&self) -> Store {
        Store::open(&self.cfg).await.expect("reopen")
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some((admin, schema)) = self.pg {
            let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }
}
