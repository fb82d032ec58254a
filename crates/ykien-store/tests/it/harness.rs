//! Test databases: a temp SQLite file, or a fresh PostgreSQL schema.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};
use ykien_core::{Actor, Role};
use ykien_store::{DbConfig, NewUser, Store};

pub enum Raw {
    Sqlite(SqlitePool),
    Postgres {
        pool: PgPool,
        admin: PgPool,
        schema: String,
    },
}

pub struct TestDb {
    pub store: Store,
    pub cfg: DbConfig,
    pub raw: Raw,
    pub dir: tempfile::TempDir,
}

fn require_pg() -> bool {
    std::env::var("YKIEN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data").join("ykien.db");
        let cfg = DbConfig::Sqlite { path: path.clone() };
        let store = Store::open(&cfg).await.expect("open sqlite store");
        let raw = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(&path)
                    .foreign_keys(true),
            )
            .await
            .expect("raw sqlite");
        TestDb {
            store,
            cfg,
            raw: Raw::Sqlite(raw),
            dir,
        }
    }

    /// None (skip) when no PostgreSQL is configured or reachable, unless it is required.
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
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_with(PgConnectOptions::from_str(&url).expect("YKIEN_TEST_PG_URL parses"))
            .await
        {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    !require_pg(),
                    "YKIEN_REQUIRE_PG=1 but PostgreSQL is unreachable: {e}"
                );
                eprintln!("skipped: PostgreSQL unreachable: {e}");
                return None;
            }
        };
        let schema = format!("ykt_{}", hex_id());
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options[search_path]={schema}");
        let cfg = DbConfig::Postgres {
            url: scoped.clone(),
        };
        let store = Store::open(&cfg).await.expect("open postgres store");
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(PgConnectOptions::from_str(&scoped).unwrap())
            .await
            .expect("raw postgres");
        let dir = tempfile::tempdir().expect("tempdir");
        Some(TestDb {
            store,
            cfg,
            raw: Raw::Postgres {
                pool,
                admin,
                schema,
            },
            dir,
        })
    }

    pub fn is_pg(&self) -> bool {
        matches!(self.raw, Raw::Postgres { .. })
    }

    pub async fn reopen(&self) -> Result<Store, ykien_store::StoreError> {
        Store::open(&self.cfg).await
    }

    /// Runs raw SQL outside the store (to inspect or to tamper), returning rows affected.
    pub async fn exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_string());
        match &self.raw {
            Raw::Sqlite(p) => Ok(sqlx::raw_sql(sql).execute(p).await?.rows_affected()),
            Raw::Postgres { pool, .. } => {
                Ok(sqlx::raw_sql(sql).execute(pool).await?.rows_affected())
            }
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let sql = AssertSqlSafe(sql.to_string());
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            Raw::Postgres { pool, .. } => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("count failed: {e}"))
    }

    pub async fn text(&self, sql: &str) -> Option<String> {
        let sql = AssertSqlSafe(sql.to_string());
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_optional(p).await,
            Raw::Postgres { pool, .. } => sqlx::query_scalar(sql).fetch_optional(pool).await,
        }
        .unwrap_or_else(|e| panic!("text query failed: {e}"))
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        if let Raw::Postgres {
            pool,
            admin,
            schema,
        } = self.raw
        {
            pool.close().await;
            let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }

    /// Loads the units once per test database.
    pub async fn with_units(&self) -> &Store {
        self.store.load_units().await.expect("load units");
        &self.store
    }

    /// Creates a user through the system and returns it as an actor.
    pub async fn actor(&self, role: Role, unit: &str, email: &str) -> Actor {
        let u = self
            .store
            .create_user(
                None,
                NewUser {
                    name: format!("{role} of {unit}"),
                    email: Some(email.into()),
                    phone: None,
                    password: None,
                    role,
                    unit: unit.into(),
                    member_org: None,
                },
            )
            .await
            .expect("create user");
        self.store.actor(u.id).await.unwrap().expect("actor")
    }
}

fn hex_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    static C: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let c = C.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{:x}_{}_{c}", nanos, std::process::id())
}

pub fn new_user(name: &str, email: Option<&str>, unit: &str, role: Role) -> NewUser {
    NewUser {
        name: name.into(),
        email: email.map(Into::into),
        phone: None,
        password: None,
        role,
        unit: unit.into(),
        member_org: None,
    }
}
