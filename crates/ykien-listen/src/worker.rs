//! Workers: claim a job, read the item on a blocking thread, store the result.
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
    pub analyzer: Arc<dyn Analyze>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            name: format!("worker-{}", std::process::id()),
            lease: Duration::from_secs(300),
            max_attempts: 5,
            backoff: Duration::from_secs(10),
            idle_poll: Duration::from_secs(1),
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

enum Step {
    Idle,
    Analyzed,
    Failure(Failure),
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

async fn step(store: &Store, cfg: &WorkerConfig) -> Result<Step, ListenError> {
    let Some(job) = store.claim_job(&cfg.name, cfg.lease).await? else {
        return Ok(Step::Idle);
    };
    // A job claimed more often than it may be tried has outlived its leases each time: its
    // text stops (kills, crashes, hangs) the worker itself. It must not loop forever.
    if job.attempts > cfg.max_attempts {
        let reason = format!(
            "gave up after {} attempts: the worker stopped before finishing (killed, crashed, \
             or slower than its {} s lease)",
            job.attempts - 1,
            cfg.lease.as_secs()
        );
        tracing::warn!(job = job.id, item = job.item_id, %reason, "analysis abandoned");
        let f = store
            .fail_job(&job, &reason, cfg.max_attempts, Duration::ZERO)
            .await?;
        return Ok(Step::Failure(f));
    }
    let outcome = run_job(cfg, &job).await;
    match outcome {
        Ok(rec) => {
            if store.complete_analysis(&job, &rec).await? {
                Ok(Step::Analyzed)
            } else {
                Ok(Step::Failure(Failure::LeaseLost))
            }
        }
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
            Ok(Step::Failure(f))
        }
    }
}

async fn run_job(cfg: &WorkerConfig, job: &Job) -> Result<ykien_store::AnalysisRecord, String> {
    if job.kind != ykien_store::ANALYZE_JOB {
        return Err(format!("unknown job kind {:?}", job.kind));
    }
    let analyzer = cfg.analyzer.clone();
    let text = job.text.clone();
    tokio::task::spawn_blocking(move || analyzer.analyze(&text))
        .await
        .map_err(panic_text)?
}

fn count(r: &mut DrainReport, s: &Step) {
    match s {
        Step::Idle => {}
        Step::Analyzed => r.analyzed += 1,
        Step::Failure(Failure::Retry) => r.retried += 1,
        Step::Failure(Failure::Failed) => r.failed += 1,
        Step::Failure(Failure::LeaseLost) => r.lease_lost += 1,
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
        let s = step(store, cfg).await?;
        if matches!(s, Step::Idle) {
            return Ok(report);
        }
        count(&mut report, &s);
        progress(&report);
    }
}

/// The default worker (the shipped analyzer) until `shutdown` completes.
pub async fn run_worker(
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> Result<DrainReport, ListenError> {
    run_worker_with(store, WorkerConfig::default(), shutdown).await
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
    loop {
        // Shutdown is checked between jobs only, so that a job is never dropped half done.
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            _ = std::future::ready(()) => {}
        }
        let s = step(&store, &cfg).await;
        match s {
            Ok(Step::Idle) => {
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = tokio::time::sleep(cfg.idle_poll) => {}
                }
            }
            Ok(s) => count(&mut report, &s),
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
