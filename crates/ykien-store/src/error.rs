/// Everything the store can answer besides success. The web layer and the binary map these to
/// HTTP statuses and exit codes: `NotFound`, `Conflict`, `Invalid` and `Forbidden` are the
/// caller's fault (4xx / exit 2); the others are the environment's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Absent, or outside the actor's scope: the two are deliberately indistinguishable.
    #[error("not found")]
    NotFound,
    /// In scope, but the actor's role does not allow this.
    #[error("not allowed: {what}")]
    Forbidden { what: String },
    /// Would duplicate something unique (an e-mail, a phone number…).
    #[error("{what}")]
    Conflict { what: String },
    /// Bad input: unknown unit or member organization, malformed e-mail, short password…
    #[error("{what}")]
    Invalid { what: String },
    /// The database was written by a newer ykien; running older code on it could corrupt it.
    #[error(
        "the database schema (version {db}) is newer than this ykien binary (version {binary}); \
         upgrade ykien or restore a matching backup"
    )]
    SchemaTooNew { db: i64, binary: i64 },
    /// The PostgreSQL server cannot be reached or refuses us. Never carries the password.
    #[error("cannot reach PostgreSQL at {host}, database {db}: {reason}")]
    Unavailable {
        host: String,
        db: String,
        reason: String,
    },
    /// The SQLite file is not a database, or is damaged.
    #[error("{path} is not a valid ykien database (corrupt or not SQLite): {reason}")]
    Corrupt { path: String, reason: String },
    /// Another process holds the database locked for longer than the busy timeout.
    #[error("the database is locked by another process (busy timeout exceeded): {reason}")]
    Locked { reason: String },
    /// The connection to the database was lost, or none became free in time. A change under
    /// way was rolled back, unless the connection broke during its commit; trying again later
    /// may succeed, so the web answers 503 rather than 500.
    #[error("the database connection was interrupted; try again shortly: {reason}")]
    Interrupted { reason: String },
    /// The disk is full; the change was rolled back.
    #[error("the disk is full; nothing was written: {reason}")]
    DiskFull { reason: String },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// Whether the caller's input (not the environment) is at fault: exit code 2, HTTP 4xx.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound
                | StoreError::Forbidden { .. }
                | StoreError::Conflict { .. }
                | StoreError::Invalid { .. }
        )
    }

    pub(crate) fn invalid(what: impl Into<String>) -> StoreError {
        StoreError::Invalid { what: what.into() }
    }

    pub(crate) fn forbidden(what: impl Into<String>) -> StoreError {
        StoreError::Forbidden { what: what.into() }
    }

    pub(crate) fn conflict(what: impl Into<String>) -> StoreError {
        StoreError::Conflict { what: what.into() }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        classify(e, "database")
    }
}

/// Turns a driver error into one the user can act on. SQLite reports extended result codes;
/// the primary code is their low byte.
pub(crate) fn classify(e: sqlx::Error, path: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) => {
            let msg = db.message().to_string();
            if db.is_unique_violation() {
                return StoreError::Conflict {
                    what: unique_what(&msg),
                };
            }
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if let Ok(n) = code.parse::<i64>() {
                // SQLite
                match n & 0xff {
                    5 | 6 => return StoreError::Locked { reason: msg },
                    13 => return StoreError::DiskFull { reason: msg },
                    11 | 26 => {
                        return StoreError::Corrupt {
                            path: path.to_string(),
                            reason: msg,
                        };
                    }
                    _ => {}
                }
            } else {
                // PostgreSQL SQLSTATE
                match code.as_str() {
                    "53100" => return StoreError::DiskFull { reason: msg },
                    "55P03" => return StoreError::Locked { reason: msg },
                    // Connection exceptions, and the server shutting down or starting up.
                    c if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03") => {
                        return StoreError::Interrupted { reason: msg };
                    }
                    _ => {}
                }
            }
            StoreError::Database(msg)
        }
        sqlx::Error::Io(io) => StoreError::Interrupted {
            reason: format!("I/O: {io}"),
        },
        sqlx::Error::PoolTimedOut => StoreError::Interrupted {
            reason: "no database connection became free in time".into(),
        },
        sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => StoreError::Interrupted {
            reason: e.to_string(),
        },
        _ => StoreError::Database(e.to_string()),
    }
}

fn unique_what(msg: &str) -> String {
    let m = msg.to_ascii_lowercase();
    if m.contains("email") {
        "this e-mail address is already in use".into()
    } else if m.contains("phone") {
        "this phone number is already in use".into()
    } else {
        format!("already exists ({msg})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// A real SQLite "database or disk is full" (the page limit stands in for the disk), and a
    /// real unique violation, classified.
    #[tokio::test]
    async fn full_and_duplicate_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        sqlx::raw_sql("CREATE TABLE t (x TEXT UNIQUE); INSERT INTO t VALUES ('a');")
            .execute(&mut c)
            .await
            .unwrap();
        let dup = sqlx::query("INSERT INTO t VALUES ('a')")
            .execute(&mut c)
            .await
            .unwrap_err();
        assert!(matches!(classify(dup, "t.db"), StoreError::Conflict { .. }));
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut c)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {pages}"
        )))
        .execute(&mut c)
        .await
        .unwrap();
        let big = "x".repeat(1 << 20);
        let full = sqlx::query("INSERT INTO t VALUES ($1)")
            .bind(&big)
            .execute(&mut c)
            .await
            .unwrap_err();
        let e = classify(full, "t.db");
        assert!(matches!(e, StoreError::DiskFull { .. }), "{e:?}");
        assert!(e.to_string().contains("nothing was written"));
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
}
