//! Bulk imports started from the web UI: a durable record of the uploaded file and of how
//! far the background runner (in `ykien-listen`) has got.
//!
//! The runner claims an import with a lease, takes the rows after `row_cursor` in chunks, and
//! commits the new cursor and counters after each chunk ([`Store::import_progress`]). If the
//! process dies, the lease runs out and the next runner resumes from the cursor; rows of the
//! interrupted chunk that were already stored are recognised by their id or content and
//! counted as already present, so nothing is stored twice and every row is accounted for:
//! `rows_done = rows_added + rows_duplicate + rows_failed`.
//!
//! An import belongs to a unit (the default unit of its rows) and is seen by the importers
//! (editors and above) of that unit's subtree; the uploaded file sits in the data directory
//! under its SHA-256.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ykien_core::{Actor, Permission, Role, UnitId, can};

use crate::attachments::{content_path, sha256_hex, store_content};
use crate::audit::audit;
use crate::db::{BeginWrite, Db, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// Default largest import file (bytes).
pub const DEFAULT_MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

/// Most row errors kept on an import record; beyond them only the count grows.
pub const MAX_KEPT_ERRORS: usize = 5_000;

/// Formats an import file may have.
pub const IMPORT_FORMATS: [&str; 3] = ["jsonl", "csv", "xlsx"];

/// Whether an actor may import into its unit: editors and above (officers, leaders,
/// admins); collaborators report one item at a time, viewers only read.
pub fn may_import(actor: &Actor) -> bool {
    can(actor, Permission::Report, &actor.unit_path)
        && matches!(
            actor.role,
            Role::Admin | Role::Leader | Role::Officer | Role::Editor
        )
}

/// A row that was not imported: its number in the file and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    /// Line (JSONL, CSV) or spreadsheet row number, 1-based.
    pub row: u64,
    /// The reason in English (CLI, logs, API readers that predate `code`).
    pub reason: String,
    /// Stable code of the problem (`no_text`, `bad_json`…), so the web page can say it in the
    /// reader's language. Absent on rows stored before codes existed.
    #[serde(default)]
    pub code: Option<String>,
    /// Technical detail (a parser's message, the offending value), shown as it is.
    #[serde(default)]
    pub detail: Option<String>,
}

/// Why a whole import failed, as the runner reports it to [`Store::finish_import`]. Stored as
/// JSON in the `failure` column; a plain-text failure (stored before codes existed) still
/// reads back, as the reason without a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFailure {
    /// Stable code (`account_gone`, `unknown_format`, `unreadable_file`).
    pub code: String,
    /// The reason in English.
    pub reason: String,
    #[serde(default)]
    pub detail: Option<String>,
}

impl ImportFailure {
    /// Reads the `failure` column: JSON written by [`Store::finish_import`], or older plain text.
    fn decode(text: &str) -> ImportFailure {
        serde_json::from_str(text).unwrap_or_else(|_| ImportFailure {
            code: String::new(),
            reason: text.to_string(),
            detail: None,
        })
    }
}

/// Input for [`Store::create_import`]: the uploaded file and how to read it.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    /// Unit of rows that name none (the importer's own by default).
    pub unit: String,
    /// Source of rows that name none.
    pub source: String,
    /// "jsonl", "csv" or "xlsx".
    pub format: String,
    pub bytes: &'a [u8],
    pub original_name: Option<String>,
}

/// An import as its readers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub source: String,
    pub format: String,
    pub original_name: Option<String>,
    pub file_sha256: String,
    pub file_size: i64,
    /// "queued", "running", "done" or "failed".
    pub state: String,
    /// Rows in the file; None until the runner has read it.
    pub rows_total: Option<i64>,
    pub rows_done: i64,
    pub rows_added: i64,
    pub rows_duplicate: i64,
    pub rows_failed: i64,
    /// The first [`MAX_KEPT_ERRORS`] row errors, in file order.
    pub errors: Vec<ImportRowError>,
    /// Why the whole import failed (unreadable file, account gone), in English.
    pub failure: Option<String>,
    /// Stable code of the failure (see [`ImportFailure`]); None when it predates codes.
    pub failure_code: Option<String>,
    /// Technical detail of the failure (an I/O error…).
    pub failure_detail: Option<String>,
    pub actor_user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Rows already taken: the runner resumes after them.
    #[serde(skip)]
    pub cursor: i64,
    /// Path of the uploaded file relative to the data directory.
    #[serde(skip)]
    pub file_name: String,
}

#[derive(sqlx::FromRow)]
struct ImportDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    source: String,
    format: String,
    file_name: String,
    original_name: Option<String>,
    file_sha256: String,
    file_size: i64,
    state: String,
    rows_total: Option<i64>,
    rows_done: i64,
    rows_added: i64,
    rows_duplicate: i64,
    rows_failed: i64,
    errors: String,
    row_cursor: i64,
    failure: Option<String>,
    actor_user_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl From<ImportDb> for Import {
    fn from(r: ImportDb) -> Self {
        let failure = r.failure.as_deref().map(ImportFailure::decode);
        Import {
            id: r.id,
            unit: UnitId(r.unit_id),
            unit_name: r.unit_name,
            source: r.source,
            format: r.format,
            original_name: r.original_name,
            file_sha256: r.file_sha256,
            file_size: r.file_size,
            state: r.state,
            rows_total: r.rows_total,
            rows_done: r.rows_done,
            rows_added: r.rows_added,
            rows_duplicate: r.rows_duplicate,
            rows_failed: r.rows_failed,
            errors: serde_json::from_str(&r.errors).unwrap_or_default(),
            failure: failure.as_ref().map(|f| f.reason.clone()),
            failure_code: failure
                .as_ref()
                .map(|f| f.code.clone())
                .filter(|c| !c.is_empty()),
            failure_detail: failure.and_then(|f| f.detail),
            actor_user_id: r.actor_user_id,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            finished_at: r.finished_at.map(ts),
            cursor: r.row_cursor,
            file_name: r.file_name,
        }
    }
}

const SELECT: &str = "SELECT m.id, m.unit_id, un.name AS unit_name, un.path AS unit_path, \
    m.source, m.format, m.file_name, m.original_name, m.file_sha256, m.file_size, m.state, \
    m.rows_total, m.rows_done, m.rows_added, m.rows_duplicate, m.rows_failed, m.errors, \
    m.row_cursor, m.failure, m.actor_user_id, m.created_at, m.updated_at, m.finished_at \
    FROM imports m JOIN units un ON un.id = m.unit_id";

/// What one chunk of an import did, committed with the cursor after it.
#[derive(Debug, Clone, Default)]
pub struct ImportProgress {
    pub rows_total: i64,
    /// Rows taken so far, this chunk included.
    pub cursor: i64,
    pub added: i64,
    pub duplicate: i64,
    pub errors: Vec<ImportRowError>,
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4).max(1)
}

impl Store {
    /// Stores the uploaded file in `files` (the data directory) and queues its import, as
    /// `actor` (None: the system). The unit must be in the actor's subtree (else not found)
    /// and the actor an importer (else forbidden).
    pub async fn create_import(
        &self,
        actor: Option<&Actor>,
        files: &Path,
        new: NewImport<'_>,
    ) -> Result<Import, StoreError> {
        if let Some(a) = actor
            && !may_import(a)
        {
            // Out-of-scope units still answer not found below, before this.
            let _ = self
                .unit_to_file_under(
                    actor,
                    new.unit.trim(),
                    Permission::Read,
                    "import into a current unit",
                    "importing",
                )
                .await?;
            return Err(StoreError::forbidden("importing items"));
        }
        let unit = self
            .unit_to_file_under(
                actor,
                new.unit.trim(),
                Permission::Report,
                "import into a current unit",
                "importing",
            )
            .await?;
        let format = new.format.trim().to_ascii_lowercase();
        if !IMPORT_FORMATS.contains(&format.as_str()) {
            return Err(StoreError::invalid(format!(
                "unknown format {format:?} (expected jsonl, csv or xlsx)"
            )));
        }
        let source = new.source.trim().to_string();
        if source.is_empty() || source.chars().count() > 200 {
            return Err(StoreError::invalid(
                "an import needs a source of 1 to 200 characters",
            ));
        }
        if new.bytes.is_empty() {
            return Err(StoreError::invalid("the file is empty"));
        }
        let sha = sha256_hex(new.bytes);
        let rel = content_path("imports", &sha, &format);
        store_content(files, &rel, new.bytes).await?;
        let original = new
            .original_name
            .as_deref()
            .map(|n| n.trim().chars().take(200).collect::<String>())
            .filter(|n| !n.is_empty());
        let actor_id = actor.map(|a| a.user_id);
        let size = new.bytes.len() as i64;
        let at = now();
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO imports (unit_id, source, format, file_name, original_name, \
                 file_sha256, file_size, state, actor_user_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $9) RETURNING id",
            )
            .bind(&unit.id)
            .bind(&source)
            .bind(&format)
            .bind(&rel)
            .bind(&original)
            .bind(&sha)
            .bind(size)
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "import.create",
                "import",
                id.to_string(),
                Some(unit.path.clone()),
                json!({ "unit": unit.id, "source": source, "format": format,
                        "file_sha256": sha, "file_size": size, "original_name": original })
            )?;
            tx.commit().await?;
            id
        });
        self.import_raw(id)
            .await?
            .map(Import::from)
            .ok_or(StoreError::NotFound)
    }

    async fn import_raw(&self, id: i64) -> Result<Option<ImportDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// One import: outside the actor's subtree not found; in it, importers only.
    pub async fn import(&self, actor: Option<&Actor>, id: i64) -> Result<Import, StoreError> {
        let r = self.import_raw(id).await?.ok_or(StoreError::NotFound)?;
        if let Some(a) = actor {
            if !a.scope().contains(&r.unit_path) {
                return Err(StoreError::NotFound);
            }
            if !may_import(a) {
                return Err(StoreError::forbidden("reading imports"));
            }
        }
        Ok(r.into())
    }

    /// The imports of the actor's subtree, newest first.
    pub async fn list_imports(&self, actor: &Actor, limit: u32) -> Result<Vec<Import>, StoreError> {
        if !may_import(actor) {
            return Err(StoreError::forbidden("reading imports"));
        }
        let (lo, hi) = actor.scope().range();
        let rows: Vec<ImportDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE un.path >= $1 AND un.path < $2 ORDER BY m.id DESC LIMIT $3"
            )))
            .bind(&lo)
            .bind(&hi)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Import::from).collect())
    }

    /// Takes the oldest queued import, or a running one whose runner's lease ran out (it
    /// died), for `worker` until `lease` from now. The system only.
    pub async fn claim_import(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<Import>, StoreError> {
        let at = now();
        let until = at.saturating_add(secs(lease));
        let pick = "SELECT id FROM imports WHERE state = 'queued' \
            OR (state = 'running' AND locked_until < $3) ORDER BY id LIMIT 1";
        let id: Option<i64> = match &self.db {
            Db::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                let r = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "UPDATE imports SET state = 'running', locked_until = $1, locked_by = $2, \
                     updated_at = $3 WHERE id = ({pick}) RETURNING id"
                )))
                .bind(until)
                .bind(worker)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                r
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "UPDATE imports SET state = 'running', locked_until = $1, locked_by = $2, \
                     updated_at = $3 WHERE id = ({pick} FOR UPDATE SKIP LOCKED) RETURNING id"
                )))
                .bind(until)
                .bind(worker)
                .bind(at)
                .fetch_optional(pool)
                .await?
            }
        };
        match id {
            Some(id) => Ok(self.import_raw(id).await?.map(Import::from)),
            None => Ok(None),
        }
    }

    /// Commits one chunk: the new cursor, the counters and the chunk's row errors, and
    /// renews the lease. False (nothing written) when `worker` no longer holds the import.
    pub async fn import_progress(
        &self,
        id: i64,
        worker: &str,
        lease: Duration,
        p: &ImportProgress,
    ) -> Result<bool, StoreError> {
        let at = now();
        let until = at.saturating_add(secs(lease));
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let held: Option<String> = sqlx::query_scalar(
                "SELECT errors FROM imports WHERE id = $1 AND state = 'running' \
                 AND locked_by = $2",
            )
            .bind(id)
            .bind(worker)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(errors) = held else {
                tx.rollback().await?;
                return Ok(false);
            };
            let mut kept: Vec<ImportRowError> = serde_json::from_str(&errors).unwrap_or_default();
            let room = MAX_KEPT_ERRORS.saturating_sub(kept.len());
            kept.extend(p.errors.iter().take(room).cloned());
            let kept = serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "UPDATE imports SET rows_total = $1, row_cursor = $2, rows_done = $2, \
                 rows_added = rows_added + $3, rows_duplicate = rows_duplicate + $4, \
                 rows_failed = rows_failed + $5, errors = $6, locked_until = $7, \
                 updated_at = $8 WHERE id = $9",
            )
            .bind(p.rows_total)
            .bind(p.cursor)
            .bind(p.added)
            .bind(p.duplicate)
            .bind(p.errors.len() as i64)
            .bind(&kept)
            .bind(until)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Ends an import: done, or failed with the reason (the rows before the cursor stay
    /// imported). Audited. False when `worker` no longer holds it.
    pub async fn finish_import(
        &self,
        id: i64,
        worker: &str,
        failure: Option<&ImportFailure>,
    ) -> Result<bool, StoreError> {
        let at = now();
        let state = if failure.is_some() { "failed" } else { "done" };
        let stored = failure
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Database(format!("encoding the import failure: {e}")))?;
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<(String, i64, i64, i64, i64)> = sqlx::query_as(
                "UPDATE imports SET state = $1, failure = $2, locked_by = NULL, \
                 locked_until = NULL, finished_at = $3, updated_at = $3 \
                 WHERE id = $4 AND state = 'running' AND locked_by = $5 \
                 RETURNING unit_id, rows_done, rows_added, rows_duplicate, rows_failed",
            )
            .bind(state)
            .bind(&stored)
            .bind(at)
            .bind(id)
            .bind(worker)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((unit_id, done, added, duplicate, failed)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            let path: Option<String> = sqlx::query_scalar("SELECT path FROM units WHERE id = $1")
                .bind(&unit_id)
                .fetch_optional(&mut *tx)
                .await?;
            audit!(
                tx,
                None::<i64>,
                "import.finish",
                "import",
                id.to_string(),
                path,
                json!({ "state": state, "failure": failure, "rows_done": done,
                        "rows_added": added, "rows_duplicate": duplicate,
                        "rows_failed": failed })
            )?;
            tx.commit().await?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_failures_stored_before_codes_still_read() {
        let old: Vec<ImportRowError> =
            serde_json::from_str(r#"[{"row": 3, "reason": "the row has no text"}]"#).unwrap();
        assert_eq!((old[0].row, old[0].code.as_deref()), (3, None));
        let f = ImportFailure::decode("unknown file format");
        assert_eq!(
            (f.code.as_str(), f.reason.as_str()),
            ("", "unknown file format")
        );
        let new = ImportFailure {
            code: "unreadable_file".into(),
            reason: "the uploaded file cannot be read".into(),
            detail: Some("No such file".into()),
        };
        assert_eq!(
            ImportFailure::decode(&serde_json::to_string(&new).unwrap()),
            new
        );
    }
}
