//! `ykien audit tail`: the latest events of the append-only audit log, oldest first.

use clap::Subcommand;

use super::config::GlobalOpts;
use super::{logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Show the latest events
    Tail {
        /// How many events
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: u32,
        /// One JSON object per line
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(g: &GlobalOpts, cmd: AuditCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let AuditCmd::Tail { limit, json } = cmd;
    let store = open_store(&s).await?;
    // The local command line is the system: it sees the whole log.
    let events = store.audit_tail(None, limit).await?;
    for e in &events {
        if json {
            outln!("{}", serde_json::to_string(e)?);
        } else {
            outln!(
                "{}  #{:<5} {:<18} {:<10} {:<14} by {}  {}",
                e.at.format("%Y-%m-%d %H:%M:%S"),
                e.id,
                e.action,
                e.entity,
                e.entity_id,
                e.actor_name.as_deref().unwrap_or("system"),
                e.details
            );
        }
    }
    if !json && events.is_empty() {
        eprintln!("the audit log is empty");
    }
    store.close().await;
    Ok(())
}
