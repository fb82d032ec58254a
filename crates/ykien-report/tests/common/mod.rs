//! The store the integration tests run on: a SQLite file, or PostgreSQL in a schema of its
//! own when `YKIEN_TEST_PG_URL` is set (required when `YKIEN_REQUIRE_PG=1`), with the units
//! loaded.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};
use ykien_store::{DbConfig, Store};

pub struct TestDb {
    pub store: Store,
    pg: Option<(PgPool, String)>,
    _dir: tempfile::TempDir,
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
            pg: None,
            _dir: dir,
        }
    }

    pub async fn postgres() -> Option<TestDb> {
        let url = match std::env::var("YKIEN_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    std::env::var("YKIEN_REQUIRE_PG").map_or(true, |v| v != "1"),
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
        let schema = format!("ykrep_{nanos:x}_{}", std::process::id());
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
            pg: Some((admin, schema)),
            _dir: tempfile::tempdir().expect("tempdir"),
        })
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
