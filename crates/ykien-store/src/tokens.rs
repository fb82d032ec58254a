//! API bearer tokens: shown once, stored as SHA-256, revocable, audited.

use serde_json::json;
use ykien_core::Actor;

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{TokenInfo, now, ts};
use crate::secret::{random_hex, sha256_hex};
use crate::users::{UserDb, user_select};
use crate::{Store, StoreError};

/// Recognisable in logs and secret scanners.
const TOKEN_PREFIX: &str = "yk_";
/// Characters of the token kept in clear for listing ("yk_" + 8 hex).
const SHOWN: usize = 11;

#[derive(sqlx::FromRow)]
struct TokenDb {
    id: i64,
    user_id: i64,
    label: String,
    prefix: String,
    created_at: i64,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl From<TokenDb> for TokenInfo {
    fn from(t: TokenDb) -> Self {
        TokenInfo {
            id: t.id,
            user_id: t.user_id,
            label: t.label,
            prefix: t.prefix,
            created_at: ts(t.created_at),
            revoked_at: t.revoked_at.map(ts),
            last_used_at: t.last_used_at.map(ts),
        }
    }
}

impl Store {
    /// Issues a token for `user_id`: for oneself, by an admin in scope, or by the system.
    /// Returns the plaintext (shown once, never stored) and its listing entry.
    pub async fn create_token(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        label: &str,
    ) -> Result<(String, TokenInfo), StoreError> {
        let u = self.token_owner(actor, user_id).await?;
        let label = label.trim();
        if label.chars().count() > 100 {
            return Err(StoreError::invalid(
                "a token label may have at most 100 characters",
            ));
        }
        let plain = format!("{TOKEN_PREFIX}{}", random_hex());
        let hash = sha256_hex(&plain);
        let prefix = plain[..SHOWN].to_string();
        let actor_id = actor.map(|a| a.user_id);
        let row: TokenDb = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: TokenDb = sqlx::query_as(
                "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, user_id, label, prefix, created_at, revoked_at, last_used_at",
            )
            .bind(u.id)
            .bind(label)
            .bind(&hash)
            .bind(&prefix)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "token.create",
                "api_token",
                row.id.to_string(),
                Some(u.unit_path.clone()),
                json!({ "user": u.id, "label": label, "prefix": prefix })
            )?;
            tx.commit().await?;
            row
        });
        Ok((plain, row.into()))
    }

    async fn token_owner(&self, actor: Option<&Actor>, user_id: i64) -> Result<UserDb, StoreError> {
        match actor {
            Some(a) if a.user_id == user_id => {
                let u: Option<UserDb> = db!(self, |pool| {
                    sqlx::query_as(concat!(user_select!(), " WHERE u.id = $1"))
                        .bind(user_id)
                        .fetch_optional(pool)
                        .await?
                });
                u.ok_or(StoreError::NotFound)
            }
            _ => {
                self.user_for_change(actor, user_id, "managing other users' tokens")
                    .await
            }
        }
    }

    /// Tokens of a user, newest first (same access rule as [`Store::create_token`]).
    pub async fn list_tokens(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
    ) -> Result<Vec<TokenInfo>, StoreError> {
        let u = self.token_owner(actor, user_id).await?;
        let rows: Vec<TokenDb> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, label, prefix, created_at, revoked_at, last_used_at \
                 FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(u.id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(TokenInfo::from).collect())
    }

    /// Revokes a token at once. Revoking a revoked token is a no-op. Audited.
    pub async fn revoke_token(
        &self,
        actor: Option<&Actor>,
        token_id: i64,
    ) -> Result<(), StoreError> {
        let owner: Option<i64> = db!(self, |pool| {
            sqlx::query_scalar("SELECT user_id FROM api_tokens WHERE id = $1")
                .bind(token_id)
                .fetch_optional(pool)
                .await?
        });
        let u = self
            .token_owner(actor, owner.ok_or(StoreError::NotFound)?)
            .await?;
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(now())
            .bind(token_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                audit!(
                    tx,
                    actor_id,
                    "token.revoke",
                    "api_token",
                    token_id.to_string(),
                    Some(u.unit_path.clone()),
                    json!({ "user": u.id })
                )?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The actor behind a bearer token; None if unknown, revoked, or its user is disabled.
    pub async fn authenticate_token(&self, bearer: &str) -> Result<Option<Actor>, StoreError> {
        let bearer = bearer.trim();
        if !bearer.starts_with(TOKEN_PREFIX) || bearer.len() > 200 {
            return Ok(None);
        }
        let hash = sha256_hex(bearer);
        let row: Option<(i64, i64, Option<i64>)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, last_used_at FROM api_tokens \
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(&hash)
            .fetch_optional(pool)
            .await?
        });
        let Some((id, user_id, last_used)) = row else {
            return Ok(None);
        };
        let t = now();
        // Coarse (one write per minute at most) so that busy API clients do not turn every
        // read into a write. Decided on the value just read: an UPDATE that matches no row
        // still takes SQLite's write lock, which under load queues every request behind the
        // writers.
        if last_used.is_none_or(|u| u < t - 60) {
            db!(self, |pool| {
                let _turn = pool.write_turn().await;
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 \
                     AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(t)
                .bind(id)
                .bind(t - 60)
                .execute(pool)
                .await?;
            });
        }
        self.actor(user_id).await
    }
}
