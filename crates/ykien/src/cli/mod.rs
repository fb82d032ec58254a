//! The subcommands, one module each, and what they share: settings, logs, opening the store,
//! and turning errors into one line and an exit code.

pub mod alerts;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod config;
pub mod demo;
pub mod feeds;
pub mod ingest;
pub mod logging;
pub mod model;
// issue 7 (drafting helper): `ykien report`
pub mod report;
pub mod search;
pub mod serve;
pub mod taxonomy;
pub mod text;
pub mod token;
pub mod units;
pub mod user;
pub mod worker;

use anyhow::Context;
use ykien_store::{Store, StoreError};

use config::{GlobalOpts, Settings};

/// Bad input from the user: exit code 2, and the command wrote nothing.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// 2 for the user's mistakes, 1 for the environment's.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if cause.downcast_ref::<UsageError>().is_some() {
            return 2;
        }
        if let Some(s) = cause.downcast_ref::<StoreError>() {
            return if s.is_user_error() { 2 } else { 1 };
        }
    }
    1
}

/// The error and its causes on one line.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let s = c.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens (and migrates) the configured database.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let db = settings.db()?;
    let store = Store::open(&db)
        .await
        .with_context(|| format!("cannot open the database ({})", db.describe()))?;
    // A new database gets the administrative units at once, so that the first `user add`
    // can name a unit. Later loads are `serve`'s and `demo`'s (idempotent, they refresh).
    if store.list_units(None, false).await?.is_empty() {
        let report = store
            .load_units()
            .await
            .context("cannot load the administrative units")?;
        tracing::info!(units = report.units, "units loaded into the new database");
    }
    Ok(store)
}

/// Settings for commands that are not `demo`.
pub fn settings(g: &GlobalOpts) -> anyhow::Result<Settings> {
    Settings::resolve(g, config::DEFAULT_DATA_DIR)
}
