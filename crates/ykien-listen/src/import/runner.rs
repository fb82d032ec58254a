//! The background runner of web imports: claims a queued import (or one whose runner died),
//! reads its file from the data directory, and files the rows after the import's cursor in
//! chunks, committing the cursor and the counters after each chunk. Killed at any point, it
//! loses at most the bookkeeping of one chunk: the next runner re-reads those rows, finds
//! them already stored (by id or content) and counts them as such, so every row of the file
//! ends up counted exactly once as added, already present, or failed with its reason.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ykien_store::{Channel, Import, ImportFailure, ImportProgress, Store, StoreError};

use super::{Defaults, FailureCode, Format, RowProblem, read_rows, to_item};
use crate::ListenError;

/// How the runner works.
#[derive(Debug, Clone)]
pub struct ImportConfig {
    /// Shown in the imports table (`locked_by`) and in logs.
    pub name: String,
    /// How long a claimed import stays ours without progress; renewed with every chunk. A
    /// dead runner's import is resumed by another once it runs out.
    pub lease: Duration,
    /// Rows filed between two commits of the cursor.
    pub chunk: usize,
    /// Sleep when nothing is queued.
    pub idle_poll: Duration,
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            name: format!("importer-{}", std::process::id()),
            lease: Duration::from_secs(15),
            chunk: 100,
            idle_poll: Duration::from_secs(1),
        }
    }
}

/// Why a row's item was refused, in English for the person who uploaded the file (see
/// [`RowProblem::from_store`] for the code the web page translates).
pub fn row_reason(e: &StoreError, unit: &str) -> String {
    RowProblem::from_store(e, unit).to_string()
}

/// Runs imports until `stop` completes; returns how many it finished. Errors of the
/// environment (database down) are logged and retried after a pause.
pub async fn run_importer(
    store: Store,
    files: PathBuf,
    cfg: ImportConfig,
    stop: impl Future<Output = ()>,
) -> u64 {
    tokio::pin!(stop);
    let mut finished = 0;
    loop {
        let step = async {
            match store.claim_import(&cfg.name, cfg.lease).await {
                Ok(Some(imp)) => {
                    let id = imp.id;
                    match run_one(&store, &files, &cfg, imp).await {
                        Ok(true) => {
                            tracing::info!(import = id, "import finished");
                            1
                        }
                        Ok(false) => 0,
                        Err(e) => {
                            tracing::warn!(import = id, error = %e, "import interrupted; it resumes when its lease runs out");
                            tokio::time::sleep(cfg.idle_poll * 5).await;
                            0
                        }
                    }
                }
                Ok(None) => {
                    tokio::time::sleep(cfg.idle_poll).await;
                    0
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim an import");
                    tokio::time::sleep(cfg.idle_poll * 5).await;
                    0
                }
            }
        };
        tokio::select! {
            _ = &mut stop => return finished,
            n = step => finished += n,
        }
    }
}

/// Ends an import as failed with `reason`; the rows before its cursor stay imported.
async fn fail(
    store: &Store,
    imp: &Import,
    worker: &str,
    reason: ImportFailure,
) -> Result<bool, ListenError> {
    tracing::warn!(import = imp.id, reason = reason.reason, "import failed");
    Ok(store.finish_import(imp.id, worker, Some(&reason)).await?)
}

/// Takes an import the runner holds from its cursor to its end. True when it finished (done
/// or failed for good); false when the lease was lost to another runner.
pub async fn run_one(
    store: &Store,
    files: &Path,
    cfg: &ImportConfig,
    imp: Import,
) -> Result<bool, ListenError> {
    let worker = cfg.name.as_str();
    let actor = match imp.actor_user_id {
        None => None,
        Some(uid) => match store.actor(uid).await? {
            Some(a) => Some(a),
            None => {
                return fail(store, &imp, worker, FailureCode::AccountGone.failure(None)).await;
            }
        },
    };
    let Some(format) = Format::parse(&imp.format) else {
        let reason = FailureCode::UnknownFormat.failure(Some(imp.format.clone()));
        return fail(store, &imp, worker, reason).await;
    };
    let bytes = match tokio::fs::read(files.join(&imp.file_name)).await {
        Ok(b) => b,
        Err(e) => {
            let reason = FailureCode::UnreadableFile.failure(Some(e.to_string()));
            return fail(store, &imp, worker, reason).await;
        }
    };
    let rows = tokio::task::spawn_blocking(move || read_rows(&bytes, format))
        .await
        .map_err(|e| StoreError::Database(format!("reading the file panicked: {e}")))?;
    let total = rows.len() as i64;
    let defaults = Defaults {
        unit: Some(imp.unit.to_string()),
        source: imp.source.clone(),
        channel: Channel::Import,
    };
    let start = usize::try_from(imp.cursor.max(0)).unwrap_or(usize::MAX);
    let mut cursor = imp.cursor.max(0);
    let chunk = cfg.chunk.max(1);
    for part in rows.get(start..).unwrap_or(&[]).chunks(chunk) {
        let mut p = ImportProgress {
            rows_total: total,
            ..ImportProgress::default()
        };
        for (line, row) in part {
            let item = match row
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|r| to_item(r, &defaults))
            {
                Ok(i) => i,
                Err(problem) => {
                    p.errors.push(problem.into_row_error(*line));
                    continue;
                }
            };
            let unit = item.unit.clone();
            match crate::submit(store, actor.as_ref(), item).await {
                Ok(s) if s.created => p.added += 1,
                Ok(_) => p.duplicate += 1,
                Err(ListenError::Store(e)) if e.is_user_error() => p
                    .errors
                    .push(RowProblem::from_store(&e, &unit).into_row_error(*line)),
                Err(e) => return Err(e),
            }
        }
        cursor += part.len() as i64;
        p.cursor = cursor;
        if !store.import_progress(imp.id, worker, cfg.lease, &p).await? {
            return Ok(false);
        }
    }
    if start >= rows.len() {
        // Nothing left (or an empty file): record the total before finishing.
        let p = ImportProgress {
            rows_total: total,
            cursor: total.max(imp.cursor),
            ..ImportProgress::default()
        };
        if !store.import_progress(imp.id, worker, cfg.lease, &p).await? {
            return Ok(false);
        }
    }
    Ok(store.finish_import(imp.id, worker, None).await?)
}
