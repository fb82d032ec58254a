//! What the listen crate's integration tests share: a fresh store on a real SQLite file or, when
//! `YKIEN_TEST_PG_URL` is set, on PostgreSQL in a schema of its own (`YKIEN_REQUIRE_PG=1` makes
//! a missing PostgreSQL a failure instead of a skip), and a plain item to submit.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use ykien_core::{Actor, Role};
use ykien_store::{Channel, Confidentiality, DbConfig, NewItem, NewUser, OpinionReport, Store};

pub const WARD: &str = "00004"; // Phường Ba Đình
pub const SIBLING: &str = "00008"; // Phường Ngọc Hà

pub struct TestDb {
    pub store: Store,
    pub pg: Option<(sqlx::PgPool, String)>,
    pub _dir: tempfile::TempDir,
}

fn require_pg() -> bool {
    std::env::var("YKIEN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DbConfig::Sqlite {
            path: dir.path().join("ykien.db"),
        })
        .await
        .unwrap();
        store.load_units().await.unwrap();
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
                    !require_pg(),
                    "YKIEN_REQUIRE_PG=1 but YKIEN_TEST_PG_URL is not set"
                );
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
            "ykl_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let store = Store::open(&DbConfig::Postgres {
            url: format!("{url}{sep}options[search_path]={schema}"),
        })
        .await
        .unwrap();
        store.load_units().await.unwrap();
        Some(TestDb {
            store,
            pg: Some((admin, schema)),
            _dir: tempfile::tempdir().unwrap(),
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
}

pub fn item(unit: &str, text: &str) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "test".into(),
        channel: Channel::Form,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}
