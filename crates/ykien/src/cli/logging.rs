//! Structured logs on stderr: human-readable text, or one JSON object per line for
//! log collectors (`--log-format json`).

use tracing_subscriber::EnvFilter;

use super::config::{LogFormat, Settings};

/// `default` applies when no filter was configured: "info" for servers, "warn" for commands
/// whose output is their result.
pub fn init(s: &Settings, default: &str) {
    let filter = EnvFilter::try_new(s.log.as_deref().unwrap_or(default))
        .unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match s.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
