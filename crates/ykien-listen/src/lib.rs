//! Listening: everything ykien hears becomes an item, passes through ykien-text in a durable
//! job queue, and becomes searchable.
//!
//! - [`submit`] stores an item and queues its analysis in one transaction;
//! - [`run_worker`] (in `ykien serve`, or as many processes as needed on PostgreSQL) and
//!   [`drain`] (in `ykien ingest`) claim queued jobs, read the text on a blocking thread, and
//!   store the result; a job whose worker died is claimed again once its lease runs out, a
//!   failing job is retried with backoff and finally marked failed, the item kept with the
//!   reason;
//! - [`search`] prepares a query the way items are indexed ([`search_key`], [`index_text`])
//!   and highlights the hits in the text each reader may see ([`snippet`]).

mod analyze;
mod error;
pub mod import;
pub mod learn;
mod prepare;
mod search;
mod snippet;
mod suggest;
mod worker;

pub use analyze::{Analyze, ModelVersions, TextAnalyzer};
pub use error::ListenError;
pub use prepare::{dedup_text, index_text, search_key};
pub use search::{Hit, search};
pub use snippet::{Snippet, snippet};
pub use suggest::{Entry, SuggestOptions, SuggestedCase, group, suggest_cases};
pub use worker::{DrainReport, WorkerConfig, drain, run_worker, run_worker_with};

use ykien_core::Actor;
use ykien_store::{NewItem, Store, Submitted};

/// Stores an item (the original text untouched) with a queued analysis job, in one
/// transaction with its audit row. Fills the idempotency key from the normalized text, so
/// the same text sent again, even re-encoded or with the old tone placement, adds nothing.
pub async fn submit(
    store: &Store,
    actor: Option<&Actor>,
    mut item: NewItem,
) -> Result<Submitted, ListenError> {
    if item.dedup_text.trim().is_empty() {
        item.dedup_text = dedup_text(&item.text);
    }
    Ok(store.submit_item(actor, item).await?)
}

/// Stores many items as [`submit`] does each, in one transaction (see
/// [`Store::submit_items`]): each item gets its own answer.
pub async fn submit_many(
    store: &Store,
    actor: Option<&Actor>,
    mut items: Vec<NewItem>,
) -> Result<Vec<Result<Submitted, ListenError>>, ListenError> {
    for item in &mut items {
        if item.dedup_text.trim().is_empty() {
            item.dedup_text = dedup_text(&item.text);
        }
    }
    Ok(store
        .submit_items(actor, items)
        .await?
        .into_iter()
        .map(|r| r.map_err(ListenError::from))
        .collect())
}
