//! Browser sessions in the database, so they survive a restart and are shared by every
//! `ykien serve` process. The cookie carries the id; only its SHA-256 is stored.

use std::time::Duration;

use serde_json::json;

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{Session, now, ts};
use crate::secret::{random_hex, sha256_hex};
use crate::{Store, StoreError};

/// The unit path an account's audit rows are filed under, so that the leaders of that unit
/// see its sign-ins. A macro because it runs inside each backend's transaction.
macro_rules! user_unit_path {
    ($tx:expr, $user_id:expr) => {{
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT u.path FROM users JOIN units u ON u.id = users.unit_id WHERE users.id = $1",
        )
        .bind($user_id)
        .fetch_optional(&mut *$tx)
        .await?;
        row.and_then(|(p,)| p)
    }};
}

impl Store {
    pub async fn session_create(&self, user_id: i64, ttl: Duration) -> Result<Session, StoreError> {
        let id = random_hex();
        let csrf = random_hex();
        let created = now();
        let expires = created.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2));
        // The sign-in is audited with the session, in one transaction: an account's history
        // shows when it was used, not only when it was changed.
        db!(self, |pool| {
            async {
                let mut tx = pool.begin_write().await?;
                sqlx::query(
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(sha256_hex(&id))
                .bind(user_id)
                .bind(&csrf)
                .bind(created)
                .bind(expires)
                .execute(&mut *tx)
                .await?;
                let path = user_unit_path!(tx, user_id);
                audit!(
                    tx,
                    Some(user_id),
                    "session.login",
                    "user",
                    user_id.to_string(),
                    path,
                    json!({ "expires_at": expires })
                )?;
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }
            .await?
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
            async {
                let mut tx = pool.begin_write().await?;
                let user: Option<(i64,)> =
                    sqlx::query_as("DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id")
                        .bind(sha256_hex(id))
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some((user_id,)) = user {
                    let path = user_unit_path!(tx, user_id);
                    audit!(
                        tx,
                        Some(user_id),
                        "session.logout",
                        "user",
                        user_id.to_string(),
                        path,
                        json!({})
                    )?;
                }
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }
            .await?
        });
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn sessions_purge_expired(&self) -> Result<u64, StoreError> {
        Ok(db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now())
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}
