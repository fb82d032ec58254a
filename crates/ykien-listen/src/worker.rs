//! Workers: claim a batch of jobs, read the items on blocking threads, store the results in
//! one transaction.
//!
//! Any number of workers (tasks or processes) share the queue through the database. A
//! worker that dies mid-job holds only a lease; once it runs out the job is claimed again,
//! so nothing accepted is lost across crashes or restarts. A failed attempt (an error or a
//! panic in the analyzer) is retried after an exponential backoff; after `max_attempts`
//! the job fails and the item, kept, records why.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ykien_store::{Failure, Job, Store};

use crate::ListenError;
use crate::analyze::{Analyze, TextAnalyzer};

/// How a worker runs.
#[derive(Clone)]
pub struct WorkerConfig {
    /// Shown in the jobs table (`locked_by`) and in logs.
    pub name: String,
    /// How long a claimed job stays ours; a dead worker's job is claimable after it.
    pub lease: Duration,
    /// Attempts before a job fails for good.
    pub max_attempts: i64,
    /// Backoff after the first failed attempt; doubled after each further one (≤ 1 h).
    pub backoff: Duration,
    /// Sleep when the queue is empty.
    pub idle_poll: Duration,
    /// Most jobs claimed and stored at once: one write lock and one commit for the batch
    /// instead of two per job (the difference between keeping up with intake on SQLite and
    /// not), and the batch's texts read on both cores.
    pub batch: usize,
    /// How long finished jobs are kept before the worker deletes them (the item keeps its
    /// analysis, the audit log the event); failed jobs are kept.
    pub keep_done: Duration,
    pub analyzer: Arc<dyn Analyze>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            name: format!("worker-{}", std::process::id()),
            lease: Duration::from_secs(300),
            max_attempts: 5,
            backoff: Duration::from_secs(10),
            // An idle claim is one short query; polling often keeps an item's wait for the
            // analysis (and so for search) well under a second on a quiet server.
            idle_poll: Duration::from_millis(200),
            batch: 64,
            keep_done: Duration::from_secs(7 * 24 * 3600),
            analyzer: Arc::new(TextAnalyzer::default()),
        }
    }
}

impl std::fmt::Debug for WorkerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerConfig")
            .field("name", &self.name)
            .field("lease", &self.lease)
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &self.backoff)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}

impl WorkerConfig {
    fn backoff_for(&self, attempt: i64) -> Duration {
        let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
        self.backoff
            .saturating_mul(1u32 << shift)
            .min(Duration::from_secs(3600))
    }
}

/// What a worker or a drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub analyzed: u64,
    /// Attempts that failed and were queued again.
    pub retried: u64,
    /// Jobs that failed for good (their items are kept, marked failed).
    pub failed: u64,
    /// Results dropped because the lease had run out and another worker took the job.
    pub lease_lost: u64,
}

/// What one round of a worker did: the jobs it claimed, each with its outcome.
#[derive(Default)]
struct Round {
    analyzed: u64,
    failures: Vec<Failure>,
}

impl Round {
    fn is_idle(&self) -> bool {
        self.analyzed == 0 && self.failures.is_empty()
    }
}

fn panic_text(e: tokio::task::JoinError) -> String {
    if e.is_panic() {
        let p = e.into_panic();
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        format!("the analyzer panicked: {msg}")
    } else {
        "the analysis was cancelled".into()
    }
}

/// Claims a batch of due jobs, reads their texts in parallel on blocking threads, and
/// stores every result in one transaction; a job that failed is recorded on its own.
async fn step(store: &Store, cfg: &WorkerConfig) -> Result<Round, ListenError> {
    let started = std::time::Instant::now();
    let jobs = store.claim_jobs(&cfg.name, cfg.lease, cfg.batch).await?;
    let claimed = started.elapsed();
    let n = jobs.len();
    let mut round = Round::default();
    let mut running = Vec::with_capacity(jobs.len());
    for job in jobs {
        // A job claimed more often than it may be tried has outlived its leases each time:
        // its text stops (kills, crashes, hangs) the worker itself. It must not loop forever.
        if job.attempts > cfg.max_attempts {
            let reason = format!(
                "gave up after {} attempts: the worker stopped before finishing (killed, \
                 crashed, or slower than its {} s lease)",
                job.attempts - 1,
                cfg.lease.as_secs()
            );
            tracing::warn!(job = job.id, item = job.item_id, %reason, "analysis abandoned");
            let f = store
                .fail_job(&job, &reason, cfg.max_attempts, Duration::ZERO)
                .await?;
            round.failures.push(f);
            continue;
        }
        let task = run_job(cfg, &job);
        running.push((job, task));
    }
    let mut done = Vec::with_capacity(running.len());
    for (job, task) in running {
        match task.await {
            Ok(rec) => done.push((job, rec)),
            Err(reason) => {
                tracing::warn!(job = job.id, item = job.item_id, attempt = job.attempts, %reason, "analysis failed");
                let f = store
                    .fail_job(
                        &job,
                        &reason,
                        cfg.max_attempts,
                        cfg.backoff_for(job.attempts),
                    )
                    .await?;
                round.failures.push(f);
            }
        }
    }
    let refs: Vec<(&Job, &ykien_store::AnalysisRecord)> =
        done.iter().map(|(j, r)| (j, r)).collect();
    let read = started.elapsed();
    let results = store.complete_analyses(&refs).await?;
    if n > 0 {
        // Where a round's time goes, for tuning the pipeline (`YKIEN_LOG=ykien_listen=debug`).
        tracing::debug!(
            jobs = n,
            claim_ms = claimed.as_secs_f64() * 1e3,
            read_ms = (read - claimed).as_secs_f64() * 1e3,
            store_ms = (started.elapsed() - read).as_secs_f64() * 1e3,
            "worker round"
        );
    }
    for stored in results {
        if stored {
            round.analyzed += 1;
        } else {
            round.failures.push(Failure::LeaseLost);
        }
    }
    Ok(round)
}

/// Starts reading one job's text on a blocking thread; the returned future gives the result.
fn run_job(
    cfg: &WorkerConfig,
    job: &Job,
) -> impl Future<Output = Result<ykien_store::AnalysisRecord, String>> + use<> {
    let kind_ok = job.kind == ykien_store::ANALYZE_JOB;
    let kind = job.kind.clone();
    let analyzer = cfg.analyzer.clone();
    let text = job.text.clone();
    // Spawned now, so that the batch's texts are read at the same time.
    let handle = kind_ok.then(|| tokio::task::spawn_blocking(move || analyzer.analyze(&text)));
    async move {
        match handle {
            None => Err(format!("unknown job kind {kind:?}")),
            Some(h) => h.await.map_err(panic_text)?,
        }
    }
}

fn count(r: &mut DrainReport, round: &Round) {
    r.analyzed += round.analyzed;
    for f in &round.failures {
        match f {
            Failure::Retry => r.retried += 1,
            Failure::Failed => r.failed += 1,
            Failure::LeaseLost => r.lease_lost += 1,
        }
    }
}

/// Runs due jobs until none is left (jobs waiting for their backoff stay queued), calling
/// `progress` after each. For `ykien ingest`, which leaves analyzed, searchable items.
pub async fn drain(
    store: &Store,
    cfg: &WorkerConfig,
    mut progress: impl FnMut(&DrainReport),
) -> Result<DrainReport, ListenError> {
    let mut report = DrainReport::default();
    loop {
        let round = step(store, cfg).await?;
        if round.is_idle() {
            return Ok(report);
        }
        count(&mut report, &round);
        progress(&report);
    }
}

/// The default worker (the shipped analyzer with the active trained models, reloaded when a
/// new version is activated, see [`crate::learn`]) until `shutdown` completes.
pub async fn run_worker(
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> Result<DrainReport, ListenError> {
    crate::learn::run_worker_following_models(store, shutdown).await
}

/// How often a running worker deletes old finished jobs.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Deletes finished jobs older than `keep_done`, a bounded number per statement so that the
/// write lock is held only briefly; a failure is logged and tried again at the next purge.
async fn purge_done(store: &Store, cfg: &WorkerConfig) {
    let keep = i64::try_from(cfg.keep_done.as_secs()).unwrap_or(i64::MAX / 2);
    let before = chrono::Utc::now().timestamp().saturating_sub(keep);
    let mut purged = 0;
    loop {
        match store.purge_done_jobs(before, 5_000).await {
            Ok(0) => break,
            Ok(n) => purged += n,
            Err(e) => {
                tracing::warn!(error = %e, "old finished jobs could not be deleted; retrying later");
                break;
            }
        }
        tokio::task::yield_now().await;
    }
    if purged > 0 {
        tracing::info!(
            purged,
            "deleted finished analysis jobs older than the retention"
        );
    }
}

/// A worker that runs until `shutdown` completes. Database errors are logged and retried
/// after `idle_poll`, so that a database restart does not stop the worker. A job in
/// progress when `shutdown` fires is finished first.
pub async fn run_worker_with(
    store: Store,
    cfg: WorkerConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<DrainReport, ListenError> {
    let mut report = DrainReport::default();
    tokio::pin!(shutdown);
    tracing::info!(worker = %cfg.name, "analysis worker started");
    let mut next_purge = std::time::Instant::now();
    loop {
        if std::time::Instant::now() >= next_purge {
            purge_done(&store, &cfg).await;
            next_purge = std::time::Instant::now() + PURGE_EVERY;
        }
        // Shutdown is checked between jobs only, so that a job is never dropped half done.
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            _ = std::future::ready(()) => {}
        }
        let s = step(&store, &cfg).await;
        match s {
            Ok(round) if round.is_idle() => {
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = tokio::time::sleep(cfg.idle_poll) => {}
                }
            }
            Ok(round) => count(&mut report, &round),
            Err(e) => {
                tracing::warn!(error = %e, "the analysis worker cannot reach the queue; retrying");
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = tokio::time::sleep(cfg.idle_poll) => {}
                }
            }
        }
    }
    tracing::info!(worker = %cfg.name, analyzed = report.analyzed, "analysis worker stopped");
    Ok(report)
}
