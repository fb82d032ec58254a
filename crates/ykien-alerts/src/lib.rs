//! ykien's alerts: threshold rules and keyword watches set by officers, and burst detection
//! against each series' own baseline (see [`burst`] for the method and why), evaluated over
//! newly analysed items by [`evaluate`]; every raised alert is delivered in the app (it is in
//! the database), by signed webhook ([`webhook`]) and by e-mail ([`smtp`]) by [`deliver`].
//!
//! [`spawn`] starts both loops inside `ykien serve`; they are safe to run in several processes
//! on one PostgreSQL database.

pub mod burst;
pub mod deliver;
pub mod evaluate;
pub mod keyword;
pub mod smtp;
pub mod webhook;

use std::time::Duration;

use serde::Deserialize;
use ykien_store::{Store, StoreError};

pub use burst::{BurstParams, Verdict, assess};
pub use deliver::{DeliverReport, DeliveryConfig, deliver_once, http_client, run_delivery};
pub use evaluate::{EvalConfig, EvalReport, evaluate_once, run_evaluator};
pub use smtp::{SmtpConfig, StartTls};

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("HTTP client: {0}")]
    Http(String),
}

impl AlertsError {
    pub fn is_user_error(&self) -> bool {
        matches!(self, AlertsError::Store(e) if e.is_user_error())
    }
}

/// Installs rustls' ring provider once per process (reqwest is built without a provider of
/// its own, to keep aws-lc's C build out). Harmless if another crate installed one first.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The `[alerts]` section of the configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsSettings {
    /// Run the evaluator and the delivery loop in `ykien serve`.
    pub enabled: bool,
    /// Seconds between evaluation rounds.
    pub every_secs: u64,
    /// Burst window (seconds) and the detector's thresholds.
    pub burst_window_secs: i64,
    pub burst_min_count: u32,
    pub burst_min_ratio: f64,
    pub burst_max_p: f64,
    /// Delivery attempts before giving up.
    pub max_attempts: i64,
    /// For links in e-mails and webhook bodies.
    pub public_url: Option<String>,
    pub smtp: Option<SmtpConfig>,
}

impl Default for AlertsSettings {
    fn default() -> Self {
        let b = BurstParams::default();
        AlertsSettings {
            enabled: true,
            every_secs: 30,
            burst_window_secs: b.window_secs,
            burst_min_count: b.min_count,
            burst_min_ratio: b.min_ratio,
            burst_max_p: b.max_p,
            max_attempts: DeliveryConfig::default().max_attempts,
            public_url: None,
            smtp: None,
        }
    }
}

impl AlertsSettings {
    pub fn eval_config(&self) -> EvalConfig {
        EvalConfig {
            burst: BurstParams {
                window_secs: self.burst_window_secs.clamp(600, 86_400),
                min_count: self.burst_min_count.max(2),
                min_ratio: self.burst_min_ratio.max(1.0),
                max_p: self.burst_max_p.clamp(1e-12, 0.05),
                ..BurstParams::default()
            },
            ..EvalConfig::default()
        }
    }

    pub fn delivery_config(&self) -> DeliveryConfig {
        DeliveryConfig {
            max_attempts: self.max_attempts.clamp(1, 50),
            smtp: self.smtp.clone(),
            public_url: self.public_url.clone(),
            ..DeliveryConfig::default()
        }
    }
}

/// Starts the evaluator and the delivery loop; they run until the returned tasks are
/// aborted (or the runtime stops).
pub fn spawn(store: &Store, settings: &AlertsSettings) -> Vec<tokio::task::JoinHandle<()>> {
    if !settings.enabled {
        return Vec::new();
    }
    let every = Duration::from_secs(settings.every_secs.clamp(1, 3600));
    tracing::info!(
        every_secs = every.as_secs(),
        smtp = settings.smtp.is_some(),
        "alerts: evaluator and delivery started"
    );
    vec![
        tokio::spawn(run_evaluator(store.clone(), settings.eval_config(), every)),
        tokio::spawn(run_delivery(
            store.clone(),
            settings.delivery_config(),
            Duration::from_secs(5).min(every),
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_from_toml_with_defaults_and_refuse_typos() {
        let s: AlertsSettings = toml::from_str(
            "every_secs = 10\nburst_min_count = 6\n[smtp]\nhost = \"mail.example.vn\"\nfrom = \"ykien@example.vn\"\nstarttls = \"required\"\n",
        )
        .unwrap();
        assert_eq!(s.every_secs, 10);
        assert!(s.enabled);
        let e = s.eval_config();
        assert_eq!(e.burst.min_count, 6);
        assert_eq!(e.burst.window_secs, 3 * 3600);
        let smtp = s.smtp.unwrap();
        assert_eq!((smtp.port, smtp.starttls), (25, StartTls::Required));
        assert!(toml::from_str::<AlertsSettings>("evry_secs = 10").is_err());
        // Nonsense thresholds are pulled back to something safe.
        let wild: AlertsSettings =
            toml::from_str("burst_min_count = 0\nburst_max_p = 2.0").unwrap();
        let e = wild.eval_config();
        assert!(e.burst.min_count >= 2 && e.burst.max_p <= 0.05);
    }
}
