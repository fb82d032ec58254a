//! Trained models, kept in the database rather than on disk so that every process sharing it
//! (several `ykien serve` and `ykien worker` on PostgreSQL) reads the same active model: a
//! worker asks for the active versions ([`Store::active_model_versions`], one small query)
//! and loads the bytes only when they changed.
//!
//! Each kind ("topic", "sentiment") has numbered versions and at most one active version
//! (a partial unique index). Older versions are kept, so a bad model can be rolled back with
//! [`Store::activate_model`]. Every new version and every activation is audited.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// The kinds of model the store keeps.
pub const MODEL_NAMES: [&str; 2] = ["topic", "sentiment"];

/// A model to store.
#[derive(Debug, Clone)]
pub struct NewModel {
    /// "topic" or "sentiment".
    pub name: String,
    /// The serialized model (`ykien_text::classify::Model::to_bytes`).
    pub bytes: Vec<u8>,
    /// Labels it was trained on.
    pub label_count: i64,
    /// The newest label id it saw.
    pub last_label: i64,
    /// How it was measured (macro-F1 before and after, held-out size…).
    pub metrics: serde_json::Value,
    /// Make it the active version (the previous active one is deactivated).
    pub activate: bool,
}

/// A stored model without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub version: i64,
    pub size: i64,
    pub trained_at: DateTime<Utc>,
    pub label_count: i64,
    pub last_label: i64,
    pub metrics: serde_json::Value,
    pub active: bool,
}

/// A stored model with its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    pub info: ModelInfo,
    pub bytes: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct ModelDb {
    name: String,
    version: i64,
    size: i64,
    trained_at: i64,
    label_count: i64,
    last_label: i64,
    metrics: String,
    active: bool,
}

impl From<ModelDb> for ModelInfo {
    fn from(r: ModelDb) -> ModelInfo {
        ModelInfo {
            name: r.name,
            version: r.version,
            size: r.size,
            trained_at: ts(r.trained_at),
            label_count: r.label_count,
            last_label: r.last_label,
            metrics: serde_json::from_str(&r.metrics).unwrap_or(serde_json::Value::Null),
            active: r.active,
        }
    }
}

const INFO_SELECT: &str = "SELECT name, version, CAST(LENGTH(bytes) AS BIGINT) AS size, \
    trained_at, label_count, last_label, metrics, active FROM models";

fn check_name(name: &str) -> Result<(), StoreError> {
    if MODEL_NAMES.contains(&name) {
        Ok(())
    } else {
        Err(StoreError::invalid(format!(
            "unknown model {name:?} (expected topic or sentiment)"
        )))
    }
}

impl Store {
    /// Stores a new version of a model (its number is the previous one's plus one), and
    /// activates it if asked, in one transaction with its audit row.
    pub async fn save_model(&self, new: NewModel) -> Result<ModelInfo, StoreError> {
        check_name(&new.name)?;
        let at = now();
        let metrics = new.metrics.to_string();
        let version: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let last: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM models WHERE name = $1")
                    .bind(&new.name)
                    .fetch_one(&mut *tx)
                    .await?;
            let version = last.unwrap_or(0) + 1;
            if new.activate {
                sqlx::query("UPDATE models SET active = FALSE WHERE name = $1 AND active")
                    .bind(&new.name)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO models (name, version, bytes, trained_at, label_count, last_label, \
                 metrics, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&new.name)
            .bind(version)
            .bind(&new.bytes)
            .bind(at)
            .bind(new.label_count)
            .bind(new.last_label)
            .bind(&metrics)
            .bind(new.activate)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                None::<i64>,
                "model.train",
                "model",
                format!("{}:{version}", new.name),
                None::<String>,
                json!({
                    "name": new.name, "version": version, "labels": new.label_count,
                    "active": new.activate, "bytes": new.bytes.len(), "metrics": new.metrics,
                })
            )?;
            tx.commit().await?;
            version
        });
        self.model_info(&new.name, version)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Makes one stored version the active one (a roll-back, or a forced activation).
    pub async fn activate_model(&self, name: &str, version: i64) -> Result<(), StoreError> {
        check_name(name)?;
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM models WHERE name = $1 AND version = $2")
                    .bind(name)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_none() {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            }
            sqlx::query("UPDATE models SET active = FALSE WHERE name = $1 AND active")
                .bind(name)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE models SET active = TRUE WHERE name = $1 AND version = $2")
                .bind(name)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                None::<i64>,
                "model.activate",
                "model",
                format!("{name}:{version}"),
                None::<String>,
                json!({ "name": name, "version": version })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// (name, version) of every active model: the cheap check a worker makes before deciding
    /// to load anything.
    pub async fn active_model_versions(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as("SELECT name, version FROM models WHERE active ORDER BY name")
                .fetch_all(pool)
                .await?
        }))
    }

    /// The active model of a kind, with its bytes.
    pub async fn active_model(&self, name: &str) -> Result<Option<StoredModel>, StoreError> {
        check_name(name)?;
        let row: Option<(i64, Vec<u8>)> = db!(self, |pool| {
            sqlx::query_as("SELECT version, bytes FROM models WHERE name = $1 AND active")
                .bind(name)
                .fetch_optional(pool)
                .await?
        });
        let Some((version, bytes)) = row else {
            return Ok(None);
        };
        let info = self
            .model_info(name, version)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Some(StoredModel { info, bytes }))
    }

    /// One version's description.
    pub async fn model_info(
        &self,
        name: &str,
        version: i64,
    ) -> Result<Option<ModelInfo>, StoreError> {
        let sql = format!("{INFO_SELECT} WHERE name = $1 AND version = $2");
        let row: Option<ModelDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(name)
                .bind(version)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(ModelInfo::from))
    }

    /// Queues one more analysis of an item (e.g. after a new model was activated), for the
    /// system only. Officers' labels survive it: they are put back when the result is stored.
    pub async fn requeue_analysis(&self, item_id: i64) -> Result<(), StoreError> {
        let at = now();
        let n = db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "INSERT INTO jobs (kind, item_id, state, attempts, run_at, created_at, updated_at) \
                 SELECT $1, id, 'queued', 0, $2, $2, $2 FROM items WHERE id = $3",
            )
            .bind(crate::ANALYZE_JOB)
            .bind(at)
            .bind(item_id)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Every stored version, newest first.
    pub async fn list_models(&self) -> Result<Vec<ModelInfo>, StoreError> {
        let sql = format!("{INFO_SELECT} ORDER BY name, version DESC");
        let rows: Vec<ModelDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(ModelInfo::from).collect())
    }
}
