//! Feeds: RSS and Atom feeds and web pages, polled on a schedule per source, become items;
//! watched pages of the organization's own site are checked for injected spam.
//!
//! - [`Fetcher`] speaks HTTP with conditional requests (`If-None-Match`,
//!   `If-Modified-Since`; a 304 downloads nothing), connect and total timeouts, a redirect
//!   limit (a loop is an error, not a hang) and a cap on the body size;
//! - [`Poller`] leases due sources from the store (several processes may poll one PostgreSQL
//!   database), fetches them, records every fetch, and on failure retries later with
//!   exponential backoff and jitter ([`backoff`]), capped;
//! - feed entries and page texts go through `ykien_listen::submit`, idempotent by entry id
//!   (or link) and by content, so polling the same feed again adds nothing;
//! - [`html`] extracts the main text of an article (readability scoring, by `dom_smoothie`)
//!   and the whole visible-or-hidden text of a page (for the integrity watch);
//! - [`watch`] compares a watched page with its last snapshot and runs the spam detector
//!   (`ykien_text::spam`) on what the change brought in; spam raises one urgent alert.
//!
//! This is the only crate with an HTTP client and an HTML parser, so that their build cost
//! and their attack surface stay here.

mod error;
mod fetch;
pub mod html;
mod poller;
pub mod watch;

pub use error::FeedsError;
pub use fetch::{ErrorKind, FetchConfig, FetchFailure, Fetched, Fetcher};
pub use poller::{FetchReport, Poller, PollerConfig, backoff};

/// Installs the `ring` TLS provider as the process default, once. reqwest is built without a
/// provider of its own (`rustls-no-provider`, which avoids compiling aws-lc), so any process
/// that builds a reqwest client must call this first; [`Fetcher::new`] does.
pub fn install_crypto_provider() {
    // Err means a provider is installed already (by us or someone else): fine either way.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
