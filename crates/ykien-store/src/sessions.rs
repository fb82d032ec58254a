//! Browser sessions in the database, so they survive a restart and are shared by every
//! `ykien serve` process. The cookie carries the id; only its SHA-256 is stored.

use std::time::Duration;

use crate::db::db;
use crate::model::{Session, now, ts};
use crate::secret::{random_hex, sha256_hex};
use crate::{Store, StoreError};

impl Store {
    pub async fn session_create(&self, user_id: i64, ttl: Duration) -> Result<Session, StoreError> {
        let id = random_hex();
        let csrf = random_hex();
        let created = now();
        let expires = created.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2));
        db!(self, |pool| {
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(sha256_hex(&id))
            .bind(user_id)
            .bind(&csrf)
            .bind(created)
            .bind(expires)
            .execute(pool)
            .await?;
        });
        Ok(Session {
            id,
            user_id,
            csrf_token: csrf,
            expires_at: ts(expires),
        })
    }

    /// The live session with this cookie value; expired or unknown → None.
    pub async fn session_get(&self, id: &str) -> Result<Option<Session>, StoreError> {
        if id.len() != 64 {
            return Ok(None);
        }
        let row: Option<(i64, String, i64)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT user_id, csrf_token, expires_at FROM sessions \
                 WHERE id_hash = $1 AND expires_at > $2",
            )
            .bind(sha256_hex(id))
            .bind(now())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(user_id, csrf_token, exp)| Session {
            id: id.to_string(),
            user_id,
            csrf_token,
            expires_at: ts(exp),
        }))
    }

    /// Signs out. Deleting an unknown session is not an error.
    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        db!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(sha256_hex(id))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn sessions_purge_expired(&self) -> Result<u64, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now())
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}
