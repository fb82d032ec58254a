//! The durable job queue of the analysis pipeline: a table, so that work survives restarts
//! and several worker processes share it through the database alone.
//!
//! A worker *claims* a due job by leasing it until `locked_until`; a worker that dies leaves
//! its lease to run out, after which the job is claimable again. Each claim counts an
//! attempt, and finishing a job is guarded by that attempt number, so a worker whose lease
//! ran out (and whose job was taken over) cannot overwrite the newer result. On SQLite the
//! claim is one `UPDATE … RETURNING` inside the single-writer lock; on PostgreSQL the
//! candidate row is picked with `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait
//! on each other nor take the same job.

use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::audit::audit;
use crate::db::{BeginWrite, Db};
use crate::model::now;
use crate::{Store, StoreError};

/// Jobs finished per statement in [`Store::complete_analyses`]: well under the bind-parameter
/// limits of both backends (7 per audit row).
const COMPLETE_CHUNK: usize = 256;

/// A job leased to a worker, with what it needs to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub item_id: i64,
    /// This claim's attempt number, from 1.
    pub attempts: i64,
    /// The item's original text.
    pub text: String,
}

/// What the pipeline read in an item, ready to be stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalysisRecord {
    /// The whole reading, as JSON (spans are byte offsets into the original text).
    pub analysis: serde_json::Value,
    pub language: Option<String>,
    pub spam_label: Option<String>,
    pub spam_score: Option<f64>,
    /// Spam: kept, hidden by default.
    pub is_hidden: bool,
    pub sentiment: Option<String>,
    pub topic: Option<String>,
    /// The text with its personal data masked, shown to roles that need not see it.
    pub text_masked: String,
    /// Normalized, segmented and folded text for the full-text index.
    pub search_text: String,
    /// Units named in the text: (unit id, byte range in the original). Unknown ids are
    /// skipped.
    pub places: Vec<(String, std::ops::Range<usize>)>,
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Failure {
    /// Queued again, due after the backoff.
    Retry,
    /// No attempts left: the job is failed, the item kept with the reason.
    Failed,
    /// The lease had run out and another worker took the job over; nothing was written.
    LeaseLost,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

// Claims up to $4 jobs in one statement, and returns each with its item's text, so that a
// worker takes a batch in one short write (one lock, one commit) rather than one per job.
//
// The due jobs are picked by two range scans of the (state, run_at) index, one per state,
// each already in order and stopped at $4 rows; one condition with OR instead made SQLite
// sort the whole table, and the table keeps every job done (75–100 ms a claim at a million
// jobs, most of the pipeline's time).
const CLAIM_SQLITE: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, \
    locked_until = $1, locked_by = $2, updated_at = $3 \
    WHERE id IN (SELECT id FROM ( \
      SELECT id, run_at FROM (SELECT id, run_at FROM jobs \
        WHERE state = 'running' AND locked_until < $3 ORDER BY run_at, id LIMIT $4) \
      UNION ALL \
      SELECT id, run_at FROM (SELECT id, run_at FROM jobs \
        WHERE state = 'queued' AND run_at <= $3 ORDER BY run_at, id LIMIT $4) \
    ) ORDER BY run_at, id LIMIT $4) \
    RETURNING id, kind, item_id, attempts, (SELECT text FROM items WHERE items.id = jobs.item_id)";

// PostgreSQL allows no FOR UPDATE in a UNION's branches, but does in the WITH queries it
// combines.
const CLAIM_POSTGRES: &str = "WITH expired AS (SELECT id, run_at FROM jobs \
      WHERE state = 'running' AND locked_until < $3 ORDER BY run_at, id LIMIT $4 \
      FOR UPDATE SKIP LOCKED), \
    due AS (SELECT id, run_at FROM jobs WHERE state = 'queued' AND run_at <= $3 \
      ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
    UPDATE jobs SET state = 'running', attempts = attempts + 1, \
    locked_until = $1, locked_by = $2, updated_at = $3 \
    WHERE id IN (SELECT id FROM (SELECT id, run_at FROM expired UNION ALL \
      SELECT id, run_at FROM due) AS picked ORDER BY run_at, id LIMIT $4) \
    RETURNING id, kind, item_id, attempts, (SELECT text FROM items WHERE items.id = jobs.item_id)";

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Error texts are kept short: they are shown to officers and stored on every attempt.
fn short(reason: &str) -> String {
    const MAX: usize = 2000;
    if reason.len() <= MAX {
        return reason.to_string();
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

impl Store {
    /// Leases the next due job (or one whose lease ran out) to `worker` for `lease`.
    pub async fn claim_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        Ok(self.claim_jobs(worker, lease, 1).await?.pop())
    }

    /// Leases up to `max` due jobs (or ones whose lease ran out) to `worker` for `lease`, in
    /// one statement, oldest first.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<Job>, StoreError> {
        let at = now();
        let until = at.saturating_add(secs(lease).max(1));
        let max = i64::try_from(max.max(1)).unwrap_or(1);
        let mut rows: Vec<(i64, String, i64, i64, Option<String>)> = match &self.db {
            Db::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                let r = sqlx::query_as(CLAIM_SQLITE)
                    .bind(until)
                    .bind(worker)
                    .bind(at)
                    .bind(max)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                r
            }
            Db::Postgres(pool) => {
                sqlx::query_as(CLAIM_POSTGRES)
                    .bind(until)
                    .bind(worker)
                    .bind(at)
                    .bind(max)
                    .fetch_all(pool)
                    .await?
            }
        };
        rows.sort_by_key(|r| r.0);
        Ok(rows
            .into_iter()
            .map(|(id, kind, item_id, attempts, text)| Job {
                id,
                kind,
                item_id,
                attempts,
                text: text.unwrap_or_default(),
            })
            .collect())
    }

    /// Stores an item's analysis and marks its job done, in one transaction with the audit
    /// row. Returns false (and writes nothing) when the lease was lost to another worker.
    pub async fn complete_analysis(
        &self,
        job: &Job,
        rec: &AnalysisRecord,
    ) -> Result<bool, StoreError> {
        let done = self
            .complete_analyses(std::slice::from_ref(&(job, rec)))
            .await?;
        Ok(done.first().copied().unwrap_or(false))
    }

    /// Stores the analyses of a batch of jobs in one transaction (each with its audit row):
    /// one lock and one commit for the batch, which is what lets the pipeline keep up with
    /// intake on SQLite's single writer. Per job, true when stored; false (nothing of that job
    /// written, the others still are) when its lease was lost to another worker.
    ///
    /// Statements are per batch wherever the rows allow (jobs, places, labels, audit), leaving
    /// one per item (its own analysis): on SQLite every statement is a round trip to the
    /// connection's thread, and those round trips, not the writes, were most of the cost.
    pub async fn complete_analyses(
        &self,
        done: &[(&Job, &AnalysisRecord)],
    ) -> Result<Vec<bool>, StoreError> {
        let at = now();
        let mut stored = vec![false; done.len()];
        if done.is_empty() {
            return Ok(stored);
        }
        crate::db::db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for (c, chunk) in done.chunks(COMPLETE_CHUNK).enumerate() {
                // Jobs still ours: running, at the attempt we claimed. The others were taken
                // over after our lease ran out, and nothing of theirs is written here.
                let mut qb = sqlx::QueryBuilder::new(
                    "UPDATE jobs SET state = 'done', locked_until = NULL, last_error = NULL, \
                     updated_at = ",
                );
                qb.push_bind(at);
                qb.push(" WHERE state = 'running' AND (");
                for (i, (job, _)) in chunk.iter().enumerate() {
                    if i > 0 {
                        qb.push(" OR ");
                    }
                    qb.push("(id = ");
                    qb.push_bind(job.id);
                    qb.push(" AND attempts = ");
                    qb.push_bind(job.attempts);
                    qb.push(")");
                }
                qb.push(") RETURNING id");
                let ours: std::collections::HashSet<i64> = qb
                    .build_query_scalar::<i64>()
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
                let mine: Vec<(usize, &Job, &AnalysisRecord)> = chunk
                    .iter()
                    .enumerate()
                    .filter(|(_, (job, _))| ours.contains(&job.id))
                    .map(|(i, &(job, rec))| (c * COMPLETE_CHUNK + i, job, rec))
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                for &(_, job, rec) in &mine {
                    sqlx::query(
                        "UPDATE items SET status = 'analyzed', status_reason = NULL, analysis = $1, \
                         analyzed_at = $2, language = $3, spam_label = $4, spam_score = $5, \
                         is_hidden = $6, sentiment = $7, topic = $8, text_masked = $9, \
                         search_text = $10 WHERE id = $11",
                    )
                    .bind(rec.analysis.to_string())
                    .bind(at)
                    .bind(&rec.language)
                    .bind(&rec.spam_label)
                    .bind(rec.spam_score)
                    .bind(rec.is_hidden)
                    .bind(&rec.sentiment)
                    .bind(&rec.topic)
                    .bind(&rec.text_masked)
                    .bind(&rec.search_text)
                    .bind(job.item_id)
                    .execute(&mut *tx)
                    .await?;
                }
                let items: Vec<i64> = mine.iter().map(|m| m.1.item_id).collect();
                let in_items = |qb: &mut sqlx::QueryBuilder<_>| {
                    qb.push(" IN (");
                    let mut ids = qb.separated(", ");
                    for id in &items {
                        ids.push_bind(*id);
                    }
                    qb.push(")");
                };
                let mut qb = sqlx::QueryBuilder::new(
                    "SELECT i.id, un.path FROM items i JOIN units un ON un.id = i.unit_id \
                     WHERE i.id",
                );
                in_items(&mut qb);
                let paths: std::collections::HashMap<i64, String> = qb
                    .build_query_as::<(i64, String)>()
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
                // The places become exactly what this reading found, in units that exist.
                let mut qb = sqlx::QueryBuilder::new("DELETE FROM item_places WHERE item_id");
                in_items(&mut qb);
                qb.build().execute(&mut *tx).await?;
                let mut places: Vec<(i64, &str, i64, i64)> = Vec::new();
                for &(_, job, rec) in &mine {
                    for (unit, span) in &rec.places {
                        places.push((
                            job.item_id,
                            unit.as_str(),
                            span.start as i64,
                            span.end as i64,
                        ));
                    }
                }
                if !places.is_empty() {
                    let mut qb = sqlx::QueryBuilder::new("SELECT id FROM units WHERE id IN (");
                    let mut ids = qb.separated(", ");
                    for p in &places {
                        ids.push_bind(p.1);
                    }
                    qb.push(")");
                    let known: std::collections::HashSet<String> = qb
                        .build_query_scalar::<String>()
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                    places.retain(|p| known.contains(p.1));
                }
                if !places.is_empty() {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO item_places (item_id, unit_id, span_start, span_end) ",
                    );
                    qb.push_values(&places, |mut b, p| {
                        b.push_bind(p.0)
                            .push_bind(p.1)
                            .push_bind(p.2)
                            .push_bind(p.3);
                    });
                    qb.push(" ON CONFLICT DO NOTHING");
                    qb.build().execute(&mut *tx).await?;
                }
                // An officer's label outranks the pipeline: put the newest labels back.
                let mut qb =
                    sqlx::QueryBuilder::new("SELECT DISTINCT item_id FROM labels WHERE item_id");
                in_items(&mut qb);
                let labelled: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
                for item in labelled {
                    crate::labels::reapply_labels!(tx, item)?;
                }
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (at, actor_user_id, action, entity, entity_id, \
                     unit_path, details) ",
                );
                let audit_at = now();
                qb.push_values(&mine, |mut b, &(_, job, rec)| {
                    b.push_bind(audit_at)
                        .push_bind(None::<i64>)
                        .push_bind("item.analyze")
                        .push_bind("item")
                        .push_bind(job.item_id.to_string())
                        .push_bind(paths.get(&job.item_id).cloned())
                        .push_bind(
                            json!({
                                "job": job.id, "attempt": job.attempts, "language": rec.language,
                                "spam": rec.spam_label, "hidden": rec.is_hidden,
                                "sentiment": rec.sentiment, "topic": rec.topic,
                            })
                            .to_string(),
                        );
                });
                qb.build().execute(&mut *tx).await?;
                for (i, _, _) in mine {
                    stored[i] = true;
                }
            }
            tx.commit().await?;
        });
        Ok(stored)
    }

    /// Records a failed attempt: queued again after `backoff` while attempts remain
    /// (`attempts < max_attempts`), otherwise the job fails and the item, which is kept, says
    /// why. Audited when the job fails for good.
    pub async fn fail_job(
        &self,
        job: &Job,
        reason: &str,
        max_attempts: i64,
        backoff: Duration,
    ) -> Result<Failure, StoreError> {
        let at = now();
        let reason = short(reason);
        let give_up = job.attempts >= max_attempts;
        crate::db::db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = if give_up {
                sqlx::query(
                    "UPDATE jobs SET state = 'failed', locked_until = NULL, last_error = $1, \
                     updated_at = $2 WHERE id = $3 AND state = 'running' AND attempts = $4",
                )
                .bind(&reason)
                .bind(at)
                .bind(job.id)
                .bind(job.attempts)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                sqlx::query(
                    "UPDATE jobs SET state = 'queued', locked_until = NULL, last_error = $1, \
                     run_at = $2, updated_at = $3 \
                     WHERE id = $4 AND state = 'running' AND attempts = $5",
                )
                .bind(&reason)
                .bind(at.saturating_add(secs(backoff)))
                .bind(at)
                .bind(job.id)
                .bind(job.attempts)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            };
            if n == 0 {
                tx.rollback().await?;
                return Ok(Failure::LeaseLost);
            }
            if give_up {
                let path: Option<String> = sqlx::query_scalar(
                    "UPDATE items SET status = 'failed', status_reason = $1 WHERE id = $2 \
                     RETURNING (SELECT path FROM units WHERE units.id = items.unit_id)",
                )
                .bind(&reason)
                .bind(job.item_id)
                .fetch_optional(&mut *tx)
                .await?;
                audit!(
                    tx,
                    None::<i64>,
                    "item.analysis_failed",
                    "item",
                    job.item_id.to_string(),
                    path,
                    json!({ "job": job.id, "attempts": job.attempts, "reason": reason })
                )?;
            }
            tx.commit().await?;
        });
        Ok(if give_up {
            Failure::Failed
        } else {
            Failure::Retry
        })
    }

    /// Deletes jobs finished (done) before `before` (Unix seconds), at most `max` of them;
    /// returns how many. A done job is only a record that the analysis ran: the item holds
    /// the result and the audit log the event, while the table would otherwise grow by a row
    /// per item forever. Failed jobs are kept: they say why an item was not analysed.
    pub async fn purge_done_jobs(&self, before: i64, max: u32) -> Result<u64, StoreError> {
        Ok(crate::db::db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs \
                 WHERE state = 'done' AND updated_at < $1 ORDER BY id LIMIT $2)",
            )
            .bind(before)
            .bind(i64::from(max))
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Jobs per state, for progress reports and health checks.
    pub async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        let rows: Vec<(String, i64)> = crate::db::db!(self, |pool| {
            sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                .fetch_all(pool)
                .await?
        });
        let mut s = QueueStats::default();
        for (state, n) in rows {
            match state.as_str() {
                "queued" => s.queued = n,
                "running" => s.running = n,
                "done" => s.done = n,
                "failed" => s.failed = n,
                _ => {}
            }
        }
        Ok(s)
    }

    /// The last error of an item's newest job, if any.
    pub async fn job_error(&self, item_id: i64) -> Result<Option<(String, i64)>, StoreError> {
        let r: Option<(Option<String>, i64)> = crate::db::db!(self, |pool| {
            sqlx::query_as(
                "SELECT last_error, attempts FROM jobs WHERE item_id = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(item_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(r.and_then(|(e, n)| e.map(|e| (e, n))))
    }
}
