//! The append-only audit log. Rows are written by [`audit!`] inside the transaction of the
//! change they describe; there is deliberately no API to change or delete them, and database
//! triggers refuse it too.

use ykien_core::{Actor, Permission, can};

use crate::db::db;
use crate::model::{AuditEvent, ts};
use crate::{Store, StoreError};

/// Appends one audit row on a transaction:
/// `audit!(tx, actor_id: Option<i64>, action, entity, entity_id: String, unit_path: Option<String>, details: serde_json::Value)`.
macro_rules! audit {
    ($tx:expr, $actor:expr, $action:expr, $entity:expr, $entity_id:expr, $unit_path:expr, $details:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, action, entity, entity_id, unit_path, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($crate::model::now())
        .bind($actor)
        .bind($action)
        .bind($entity)
        .bind($entity_id)
        .bind($unit_path)
        .bind(($details).to_string())
        .execute(&mut *$tx)
        .await
    };
}
pub(crate) use audit;

#[derive(sqlx::FromRow)]
struct AuditDb {
    id: i64,
    at: i64,
    actor_user_id: Option<i64>,
    actor_name: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    unit_path: Option<String>,
    details: String,
}

impl From<AuditDb> for AuditEvent {
    fn from(r: AuditDb) -> Self {
        AuditEvent {
            id: r.id,
            at: ts(r.at),
            actor_user_id: r.actor_user_id,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            unit_path: r.unit_path,
            details: serde_json::from_str(&r.details)
                .unwrap_or(serde_json::Value::String(r.details)),
        }
    }
}

impl Store {
    /// The last `limit` audit events, oldest first. An actor (admin or leader) sees the events
    /// of its subtree; the system sees everything, including unit-less events.
    pub async fn audit_tail(
        &self,
        actor: Option<&Actor>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let limit = i64::from(limit.clamp(1, 10_000));
        let mut rows: Vec<AuditDb> = match actor {
            None => db!(self, |pool| {
                sqlx::query_as(
                    "SELECT a.id, a.at, a.actor_user_id, u.name AS actor_name, a.action, a.entity, \
                     a.entity_id, a.unit_path, a.details FROM audit_log a \
                     LEFT JOIN users u ON u.id = a.actor_user_id ORDER BY a.id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(pool)
                .await?
            }),
            Some(a) => {
                if !can(a, Permission::ReadAudit, &a.unit_path) {
                    return Err(StoreError::forbidden("reading the audit log"));
                }
                let (lo, hi) = a.scope().range();
                db!(self, |pool| {
                    sqlx::query_as(
                        "SELECT a.id, a.at, a.actor_user_id, u.name AS actor_name, a.action, \
                         a.entity, a.entity_id, a.unit_path, a.details FROM audit_log a \
                         LEFT JOIN users u ON u.id = a.actor_user_id \
                         WHERE a.unit_path >= $1 AND a.unit_path < $2 ORDER BY a.id DESC LIMIT $3",
                    )
                    .bind(&lo)
                    .bind(&hi)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                })
            }
        };
        rows.reverse();
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }
}
