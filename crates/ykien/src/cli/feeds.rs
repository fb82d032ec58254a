//! `ykien feeds`: register, list and remove feed sources, fetch one at once, and show its
//! fetch history. `ykien serve` polls the sources on their schedule; these commands act as
//! the system (the local operator), like the other administration commands.

use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use ykien_feeds::{Poller, PollerConfig};
use ykien_store::{NewSource, SourceKind};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum FeedsCmd {
    /// Register a feed, a web page or a watched page of the own site
    ///
    /// Kinds: rss and atom (entries become items), page (its main text becomes an item when it
    /// changes), watch (a page of the organization's own site: a change that brings in spam
    /// raises an urgent alert).
    Add {
        /// The unit the source is filed under (id, e.g. 00004)
        #[arg(long)]
        unit: String,
        /// rss, atom, page or watch
        #[arg(long, value_parser = ["rss", "atom", "page", "watch"])]
        kind: String,
        /// Absolute http:// or https:// URL
        #[arg(long)]
        url: String,
        /// A unique name; also the source of the items it brings in
        #[arg(long)]
        name: String,
        /// Polling interval in seconds (at least 60)
        #[arg(long, default_value_t = 3600)]
        every: u64,
    },
    /// List the sources with their state
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a source and its fetch history (its items stay)
    Remove {
        /// Source id, as shown by `feeds list`
        id: i64,
    },
    /// Fetch a source now, due or not, and analyze what came in
    FetchNow {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The last fetches of a source, newest first
    History {
        id: i64,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(g: &GlobalOpts, cmd: FeedsCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    match cmd {
        FeedsCmd::Add {
            unit,
            kind,
            url,
            name,
            every,
        } => {
            let src = store
                .add_source(
                    None,
                    NewSource {
                        unit,
                        kind: SourceKind::parse(&kind)?,
                        url,
                        name,
                        poll_interval: Duration::from_secs(every),
                    },
                )
                .await?;
            outln!(
                "source #{} added: {} ({}, every {} s) under {} {}",
                src.id,
                src.name,
                src.kind.as_str(),
                src.poll_interval_secs,
                src.unit,
                src.unit_name
            );
        }
        FeedsCmd::List { json } => {
            let list = store.list_sources(None).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for s in &list {
                    outln!(
                        "#{:<4} {:<6} {:<30} {:<14} next {}  failures {}  {}",
                        s.id,
                        s.kind.as_str(),
                        s.name,
                        s.last_status.as_deref().unwrap_or("-"),
                        s.next_fetch_at.format("%Y-%m-%d %H:%M:%S"),
                        s.consecutive_failures,
                        s.url
                    );
                }
            }
        }
        FeedsCmd::Remove { id } => {
            store.remove_source(None, id).await?;
            outln!("source #{id} removed");
        }
        FeedsCmd::FetchNow { id, json } => {
            let poller = Poller::new(store.clone(), PollerConfig::default())
                .context("cannot start the feed poller")?;
            let Some(r) = poller.fetch_now(id).await.map_err(feeds_err)? else {
                return Err(UsageError(format!(
                    "source #{id} is being fetched by a running poller; try again in a minute"
                ))
                .into());
            };
            if r.items_added > 0 {
                ykien_listen::drain(&store, &ykien_listen::WorkerConfig::default(), |_| {}).await?;
            }
            if json {
                outln!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                outln!(
                    "#{} {}: {}{} — {} found, {} new{}; next fetch {}",
                    r.source_id,
                    r.name,
                    r.outcome.as_str(),
                    r.error
                        .as_deref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default(),
                    r.items_found,
                    r.items_added,
                    r.alert_id
                        .map(|a| format!("; URGENT integrity alert #{a} raised"))
                        .unwrap_or_default(),
                    r.next_fetch_at.format("%Y-%m-%d %H:%M:%S")
                );
            }
        }
        FeedsCmd::History { id, limit, json } => {
            let h = store.fetch_history(None, id, limit).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&h)?);
            } else {
                for f in &h {
                    outln!(
                        "{}  {:>6} ms  {:<12} {:>3}  {:>8} B  {} found, {} new{}",
                        f.started_at.format("%Y-%m-%d %H:%M:%S"),
                        f.duration_ms,
                        f.error_kind.as_deref().unwrap_or(&f.outcome),
                        f.http_status.map(|s| s.to_string()).unwrap_or_default(),
                        f.bytes,
                        f.items_found,
                        f.items_added,
                        f.error_message
                            .as_deref()
                            .map(|m| format!("  {m}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(())
}

/// Keeps the store's error visible to `exit_code` (bad input → 2).
fn feeds_err(e: ykien_feeds::FeedsError) -> anyhow::Error {
    match e {
        ykien_feeds::FeedsError::Store(s) => s.into(),
        other => other.into(),
    }
}
