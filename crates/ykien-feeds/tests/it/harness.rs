//! Test databases (a temp SQLite file, or a fresh PostgreSQL schema) with the units loaded.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use ykien_core::{Actor, Role};
use ykien_feeds::{FetchConfig, Poller, PollerConfig};
use ykien_store::{DbConfig, NewSource, NewUser, Source, SourceKind, Store};

pub struct TestDb {
    pub store: Store,
    cfg: DbConfig,
    pg: Option<(sqlx::PgPool, String)>,
    _dir: tempfile::TempDir,
}

fn require_pg() -> bool {
    std::env::var("YKIEN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let cfg = DbConfig::Sqlite {
            path: dir.path().join("ykien.db"),
        };
        let store = Store::open(&cfg).await.unwrap();
        store.load_units().await.unwrap();
        TestDb {
            store,
            cfg,
            pg: None,
            _dir: dir,
        }
    }

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
        let admin = match PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(&url).unwrap())
            .await
        {
            Ok(p) => p,
            Err(e) => {
                assert!(!require_pg(), "PostgreSQL is unreachable: {e}");
                return None;
            }
        };
        static N: AtomicUsize = AtomicUsize::new(0);
        let schema = format!(
            "ykf_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let cfg = DbConfig::Postgres {
            url: format!("{url}{sep}options[search_path]={schema}"),
        };
        let store = Store::open(&cfg).await.unwrap();
        store.load_units().await.unwrap();
        Some(TestDb {
            store,
            cfg,
            pg: Some((admin, schema)),
            _dir: tempfile::tempdir().unwrap(),
        })
    }

    /// A second, independent connection pool on the same database: what another ykien process
    /// would have.
    pub async fn other_process(&self) -> Store {
        Store::open(&self.cfg).await.unwrap()
    }

    pub async fn cleanup(&self) {
        self.store.close().await;
        if let Some((admin, schema)) = &self.pg {
            let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(admin)
                .await;
            admin.close().await;
        }
    }

    pub async fn actor(&self, role: Role, unit: &str, email: &str) -> Actor {
        let u = self
            .store
            .create_user(
                None,
                NewUser {
                    name: email.into(),
                    email: Some(email.into()),
                    phone: None,
                    password: None,
                    role,
                    unit: unit.into(),
                    member_org: None,
                },
            )
            .await
            .unwrap();
        self.store.actor(u.id).await.unwrap().unwrap()
    }

    /// A source filed by the system under `unit`, polled hourly.
    pub async fn source(&self, unit: &str, kind: SourceKind, name: &str, url: &str) -> Source {
        self.store
            .add_source(
                None,
                NewSource {
                    unit: unit.into(),
                    kind,
                    url: url.into(),
                    name: name.into(),
                    poll_interval: Duration::from_secs(3600),
                },
            )
            .await
            .unwrap()
    }
}

/// Short limits, so that the slow endpoints fail within a second or two.
pub fn poller_config() -> PollerConfig {
    PollerConfig {
        fetch: FetchConfig {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_millis(1500),
            max_redirects: 5,
            max_body_bytes: 256 * 1024,
            user_agent: "ykien-test".into(),
        },
        tick: Duration::from_millis(100),
        batch: 8,
        backoff_base: Duration::from_secs(60),
        backoff_cap: Duration::from_secs(24 * 3600),
    }
}

pub fn poller(t: &TestDb) -> Poller {
    Poller::new(t.store.clone(), poller_config()).unwrap()
}
