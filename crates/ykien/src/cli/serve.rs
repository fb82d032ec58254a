//! `ykien serve`: the web server, with graceful shutdown on Ctrl-C and SIGTERM (requests in
//! flight are answered before the process exits).

use anyhow::Context;
use clap::Args;
use ykien_store::Store;
use ykien_web::{AppState, WebConfig};

use super::config::{GlobalOpts, ServeOpts};
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub opts: ServeOpts,
}

pub async fn run(g: &GlobalOpts, a: ServeArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "info");
    if let Some(f) = &s.config_file {
        tracing::info!(file = %f.display(), "configuration file");
    }
    let web = s.web(&a.opts)?;
    let listen = s.listen(&a.opts);
    let store = open_store(&s).await?;
    let report = store
        .load_units()
        .await
        .context("cannot load the administrative units")?;
    tracing::info!(
        units = report.units,
        changed = report.units_changed,
        "units loaded"
    );
    serve_with(store, web, &listen, &s.alerts(), s.cycles()?).await
}

/// Binds `listen` and serves until a shutdown signal, with the default alert settings.
pub async fn serve_on(store: Store, web: WebConfig, listen: &str) -> anyhow::Result<()> {
    serve_with(store, web, listen, &Default::default(), Default::default()).await
}

/// [`serve_on`] with the `[alerts]` and `[cycles]` settings of the configuration.
pub async fn serve_with(
    store: Store,
    web: WebConfig,
    listen: &str,
    alerts: &ykien_alerts::AlertsSettings,
    cycles: ykien_report::cycles::CycleSettings,
) -> anyhow::Result<()> {
    let addr: std::net::SocketAddr = tokio::net::lookup_host(listen)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            UsageError(format!(
                "invalid listen address {listen:?} (expected HOST:PORT, e.g. 127.0.0.1:8080)"
            ))
        })?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "cannot listen on {addr}: the address is already in use (is another ykien running?); choose another with --listen"
        ),
        std::io::ErrorKind::PermissionDenied => {
            anyhow::anyhow!("cannot listen on {addr}: permission denied (ports below 1024 need privileges)")
        }
        _ => anyhow::anyhow!("cannot listen on {addr}: {e}"),
    })?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, backend = store.backend_name(), "listening");
    eprintln!("ykien is listening on http://{local}/  (Ctrl-C to stop)");
    let purge = tokio::spawn(purge_expired_sessions(store.clone()));
    // Web imports run in the background and resume from their cursor after a restart.
    let imports = web.data_dir.clone().map(|dir| {
        tokio::spawn(ykien_listen::import::run_importer(
            store.clone(),
            dir,
            Default::default(),
            std::future::pending(),
        ))
    });
    // Learning from officers: retrain the models when enough new labels came in (or daily).
    let retrain = tokio::spawn(ykien_listen::learn::retrain_periodically(
        store.clone(),
        Default::default(),
    ));
    // Feeds and watched pages, polled on their schedules (leases make several processes safe).
    let feeds = ykien_feeds::Poller::new(store.clone(), Default::default())
        .map(|p| tokio::spawn(p.run(std::future::pending())))
        .inspect_err(|e| tracing::warn!(error = %e, "the feed poller cannot start"));
    // Alerts: the evaluator and the delivery loop (leases make several processes safe).
    let alert_tasks = ykien_alerts::spawn(&store, alerts);
    // Reporting cycles: the reminder loop; e-mail through [alerts.smtp], settings from
    // [cycles] and YKIEN_CYCLE_*.
    let cycle_reminders = ykien_report::cycles::spawn(&store, cycles, alerts.smtp.clone());
    // The analysis worker shares the job queue with any other ykien process on the database.
    let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(ykien_listen::run_worker(store.clone(), async move {
        let mut rx = worker_stopped;
        let _ = rx.wait_for(|stop| *stop).await;
    }));
    ykien_web::serve(
        listener,
        AppState::new(store.clone(), web),
        shutdown_signal(),
    )
    .await
    .context("server error")?;
    purge.abort();
    if let Some(i) = imports {
        i.abort();
    }
    retrain.abort();
    alert_tasks.iter().for_each(|t| t.abort());
    if let Some(t) = cycle_reminders {
        t.abort(); // reporting cycles (issue 7)
    }
    if let Ok(f) = feeds {
        f.abort();
    }
    let _ = stop_worker.send(true);
    match worker.await {
        Ok(Err(e)) => tracing::warn!(error = %e, "the analysis worker stopped with an error"),
        Err(e) => tracing::warn!(error = %e, "the analysis worker failed"),
        Ok(Ok(_)) => {}
    }
    tracing::info!("stopped; closing the database");
    store.close().await;
    Ok(())
}

/// Ctrl-C or SIGTERM; shared with `ykien worker`.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

/// Deletes expired sessions once an hour, so the table does not grow forever.
async fn purge_expired_sessions(store: Store) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match store.sessions_purge_expired().await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions deleted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot delete expired sessions"),
        }
    }
}
