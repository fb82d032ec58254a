//! `ykien backup --to FILE`: a consistent copy of the SQLite database (`VACUUM INTO`), safe
//! while `ykien serve` runs. On PostgreSQL it explains how to use pg_dump instead.

use std::path::PathBuf;

use clap::Args;

use super::config::GlobalOpts;
use super::{logging, open_store, settings};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write (must not exist)
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

pub async fn run(g: &GlobalOpts, a: BackupArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    store.backup_to(&a.to).await?;
    let size = std::fs::metadata(&a.to).map(|m| m.len()).unwrap_or(0);
    outln!("backup written to {} ({} bytes)", a.to.display(), size);
    store.close().await;
    Ok(())
}
