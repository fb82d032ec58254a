//! `ykien worker`: the analysis worker without the web server. On PostgreSQL, run as many
//! as the load needs, on as many machines: they share the job queue through the database
//! (each job is claimed by exactly one worker), so no coordinator is needed.

use clap::Args;

use super::config::GlobalOpts;
use super::{logging, open_store, settings};

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Process the jobs that are queued now, then exit (instead of waiting for new ones)
    #[arg(long)]
    pub drain: bool,
}

pub async fn run(g: &GlobalOpts, a: WorkerArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "info");
    let store = open_store(&s).await?;
    let report = if a.drain {
        let cfg = ykien_listen::learn::worker_config_with_active_models(&store).await;
        ykien_listen::drain(&store, &cfg, |_| {}).await?
    } else {
        ykien_listen::run_worker(store, super::serve::shutdown_signal()).await?
    };
    eprintln!(
        "analyzed {}, retried {}, failed {}",
        report.analyzed, report.retried, report.failed
    );
    Ok(())
}
