//! Opening the database: connection options, the schema-version guard, migrations.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, SqlSafeStr, SqlitePool};

use crate::error::classify;
use crate::{DbConfig, StoreError};

/// One pool per backend; every query is written once and expanded for both by [`db!`].
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store holds. The body is type-checked once
/// per backend, so a query that does not fit one of them fails to compile there.
macro_rules! db {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use db;

/// A write transaction. On SQLite it also holds this process's turn to write to the file
/// (see [`BeginWrite`]); it reads and writes like the connection under it (`&mut *tx`).
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so that a transaction which reads before writing waits for the busy
/// timeout instead of failing at once when another writer got there first.
///
/// Before that, writers of one process queue for their turn, first come first served. SQLite
/// itself makes a writer that finds the file locked sleep and retry (the busy handler); under
/// load that wastes the lock's idle time in sleeps and lets a steady stream of small writers
/// starve a big one, such as the analysis worker's batch. The queue hands the lock over at
/// once and in order. Other processes on the same file still meet the busy handler.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error>;

    /// This process's turn to write, for a single statement run outside a transaction
    /// (`let _turn = pool.write_turn().await;` before it): on SQLite such a statement takes
    /// the write lock too, and without a turn it would meet the busy handler's sleeps (a
    /// token's once-a-minute "last used" update stalled requests by 1–2 s under load).
    /// Nothing on PostgreSQL.
    async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>>;
}

/// Longest wait for this process's turn; after it the writer goes to SQLite's own busy
/// handling, as if there were no queue, rather than failing.
const TURN_WAIT: Duration = Duration::from_secs(30);

/// The queue of writers for one SQLite file in this process.
fn write_turn(path: &std::path::Path) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    type Turns = Mutex<HashMap<std::path::PathBuf, Arc<tokio::sync::Mutex<()>>>>;
    static TURNS: LazyLock<Turns> = LazyLock::new(Default::default);
    let mut turns = TURNS.lock().unwrap_or_else(|e| e.into_inner());
    turns.entry(path.to_path_buf()).or_default().clone()
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error> {
        let turn = self.write_turn().await;
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        let turn = write_turn(self.connect_options().get_filename());
        tokio::time::timeout(TURN_WAIT, turn.lock_owned())
            .await
            .ok()
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error> {
        Ok(WriteTx {
            tx: self.begin().await?,
            _turn: None,
        })
    }

    async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        None
    }
}

/// (version, description, SQL) of every migration this binary knows, per backend.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "items",
        include_str!("../migrations/sqlite/0002_items.sql"),
    ),
    (
        3,
        "cases",
        include_str!("../migrations/sqlite/0003_cases.sql"),
    ),
    (
        4,
        "attachments",
        include_str!("../migrations/sqlite/0004_attachments.sql"),
    ),
    (
        5,
        "feeds",
        include_str!("../migrations/sqlite/0005_feeds.sql"),
    ),
    (
        6,
        "alerts",
        include_str!("../migrations/sqlite/0006_alerts.sql"),
    ),
    (
        7,
        "labels",
        include_str!("../migrations/sqlite/0007_labels.sql"),
    ),
    (
        8,
        "calendar",
        include_str!("../migrations/sqlite/0008_calendar.sql"),
    ),
    (
        9,
        "taxonomy",
        include_str!("../migrations/sqlite/0009_taxonomy.sql"),
    ),
    (
        10,
        "reports",
        include_str!("../migrations/sqlite/0010_reports.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "items",
        include_str!("../migrations/postgres/0002_items.sql"),
    ),
    (
        3,
        "cases",
        include_str!("../migrations/postgres/0003_cases.sql"),
    ),
    (
        4,
        "attachments",
        include_str!("../migrations/postgres/0004_attachments.sql"),
    ),
    (
        5,
        "feeds",
        include_str!("../migrations/postgres/0005_feeds.sql"),
    ),
    (
        6,
        "alerts",
        include_str!("../migrations/postgres/0006_alerts.sql"),
    ),
    (
        7,
        "labels",
        include_str!("../migrations/postgres/0007_labels.sql"),
    ),
    (
        8,
        "calendar",
        include_str!("../migrations/postgres/0008_calendar.sql"),
    ),
    (
        9,
        "taxonomy",
        include_str!("../migrations/postgres/0009_taxonomy.sql"),
    ),
    (
        10,
        "reports",
        include_str!("../migrations/postgres/0010_reports.sql"),
    ),
];

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// PostgreSQL's `lock_timeout` for every connection of the pool.
const LOCK_TIMEOUT: &str = "30s";

/// The newest schema version this binary can run.
pub const SCHEMA_VERSION: i64 = 10;

fn migrator(list: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        list.iter()
            .map(|&(v, d, sql)| {
                Migration::new(
                    v,
                    Cow::Borrowed(d),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Host and database name from a PostgreSQL URL, for messages that must not show the password.
pub(crate) fn pg_host_db(url: &str) -> (String, String) {
    match PgConnectOptions::from_str(url) {
        Ok(o) => (
            format!("{}:{}", o.get_host(), o.get_port()),
            o.get_database().unwrap_or("(default)").to_string(),
        ),
        Err(_) => ("(unparsable URL)".into(), "(unknown)".into()),
    }
}

pub(crate) async fn open(cfg: &DbConfig) -> Result<Db, StoreError> {
    match cfg {
        DbConfig::Sqlite { path } => open_sqlite(path).await,
        DbConfig::Postgres { url } => open_postgres(url).await,
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

async fn open_sqlite(path: &std::path::Path) -> Result<Db, StoreError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await?;
    }
    // A file that is not SQLite would otherwise fail only at the first query, with a message
    // that does not say which file is at fault.
    if let Ok(mut f) = tokio::fs::File::open(path).await {
        use tokio::io::AsyncReadExt;
        let mut head = [0u8; 16];
        let n = f.read(&mut head).await?;
        if n > 0 && (n < 16 || &head != SQLITE_MAGIC) {
            return Err(StoreError::Corrupt {
                path: shown,
                reason: "the file does not start with the SQLite header".into(),
            });
        }
    }
    let fresh = !tokio::fs::try_exists(path).await?;
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| classify(e, &shown))?;
    if fresh {
        restrict_to_owner(path).await?;
    }
    check_and_migrate_sqlite(&pool, &shown).await?;
    Ok(Db::Sqlite(pool))
}

/// The file holds password hashes and personal data: a new database is readable by its owner
/// only (SQLite gives the -wal and -shm files the same mode).
pub(crate) async fn restrict_to_owner(path: &std::path::Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).await?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

async fn check_and_migrate_sqlite(pool: &SqlitePool, shown: &str) -> Result<(), StoreError> {
    let has: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await
    .map_err(|e| classify(e, shown))?;
    if has.is_some() {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(pool)
            .await
            .map_err(|e| classify(e, shown))?;
        guard_versions(&applied, SQLITE_MIGRATIONS)?;
    }
    migrator(SQLITE_MIGRATIONS)
        .run(pool)
        .await
        .map_err(|e| migrate_err(e, shown))
}

async fn open_postgres(url: &str) -> Result<Db, StoreError> {
    let (host, db) = pg_host_db(url);
    let opts = PgConnectOptions::from_str(url).map_err(|_| {
        StoreError::invalid("the database URL is not a valid postgres:// URL".to_string())
    })?;
    let unavailable = |e: sqlx::Error| StoreError::Unavailable {
        host: host.clone(),
        db: db.clone(),
        reason: scrub(&e.to_string(), url),
    };
    // One direct connection first: the pool would retry until its timeout and then report
    // only "timed out", hiding the reason (refused, bad password, no such database).
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&opts)).await {
        Ok(Ok(c)) => {
            let _ = c.close().await;
        }
        Ok(Err(e)) => return Err(unavailable(e)),
        Err(_) => {
            return Err(StoreError::Unavailable {
                host,
                db,
                reason: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            });
        }
    }
    // A statement waiting on a row lock gives up after LOCK_TIMEOUT (reported as "locked",
    // 503) instead of holding a request and a connection indefinitely.
    let opts = opts.options([("lock_timeout", LOCK_TIMEOUT)]);
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_with(opts)
        .await
        .map_err(unavailable)?;
    let has: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&pool)
        .await?;
    if has {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(&pool)
            .await?;
        guard_versions(&applied, POSTGRES_MIGRATIONS)?;
    }
    migrator(POSTGRES_MIGRATIONS)
        .run(&pool)
        .await
        .map_err(|e| migrate_err(e, &db))?;
    Ok(Db::Postgres(pool))
}

/// Refuses a database that carries a migration this binary does not know: it was written by a
/// newer ykien, and older code might misread or damage it.
fn guard_versions(applied: &[i64], known: &[(i64, &str, &str)]) -> Result<(), StoreError> {
    let binary = known.iter().map(|m| m.0).max().unwrap_or(0);
    if let Some(&unknown) = applied
        .iter()
        .filter(|v| !known.iter().any(|m| m.0 == **v))
        .max()
    {
        let db = applied.iter().copied().max().unwrap_or(unknown);
        return Err(StoreError::SchemaTooNew { db, binary });
    }
    Ok(())
}

fn migrate_err(e: sqlx::migrate::MigrateError, shown: &str) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::Execute(inner) => classify(inner, shown),
        M::ExecuteMigration(inner, v) => match classify(inner, shown) {
            StoreError::Database(m) => StoreError::Migration(format!("migration {v}: {m}")),
            other => other,
        },
        other => StoreError::Migration(other.to_string()),
    }
}

/// Removes the password from a message, should a driver ever echo the URL.
fn scrub(msg: &str, url: &str) -> String {
    match url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
    {
        Some((userinfo, _)) => match userinfo.split_once(':') {
            Some((_, pw)) if !pw.is_empty() => msg.replace(pw, "***"),
            _ => msg.to_string(),
        },
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_db_without_password() {
        let (h, d) = pg_host_db("postgres://u:secret@db.example:6543/ykien");
        assert_eq!(h, "db.example:6543");
        assert_eq!(d, "ykien");
        assert_eq!(scrub("x secret y", "postgres://u:secret@h/d"), "x *** y");
    }

    #[test]
    fn unknown_migration_is_too_new() {
        assert!(guard_versions(&[1], SQLITE_MIGRATIONS).is_ok());
        assert!(matches!(
            guard_versions(&[1, 99], SQLITE_MIGRATIONS),
            Err(StoreError::SchemaTooNew {
                db: 99,
                binary: SCHEMA_VERSION
            })
        ));
    }
}
