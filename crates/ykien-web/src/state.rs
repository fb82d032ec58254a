//! Shared state of the web layer.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use ykien_store::Store;

use crate::csrf::LoginCsrf;
use crate::metrics::Metrics;
use crate::ratelimit::{Limits, LoginLimiter};

/// When to mark cookies `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CookieSecure {
    /// When the request came over HTTPS as told by `X-Forwarded-Proto: https` (a TLS proxy).
    #[default]
    Auto,
    Always,
    Never,
}

impl std::str::FromStr for CookieSecure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(CookieSecure::Auto),
            "always" | "true" | "yes" => Ok(CookieSecure::Always),
            "never" | "false" | "no" => Ok(CookieSecure::Never),
            other => Err(format!(
                "invalid cookie-secure value {other:?} (expected auto, always or never)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    pub cookie_secure: CookieSecure,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
    pub session_ttl: Duration,
    /// Largest request body accepted; larger ones answer 413.
    pub max_body_bytes: usize,
    pub login_limits: Limits,
    /// The data directory, where uploaded photos and import files are kept. None: uploads
    /// are refused (the server has nowhere to keep them).
    pub data_dir: Option<std::path::PathBuf>,
    /// Limits of uploaded photos and import files.
    pub uploads: crate::uploads::UploadLimits,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            cookie_secure: CookieSecure::Auto,
            trust_proxy: false,
            session_ttl: Duration::from_secs(12 * 3600),
            max_body_bytes: 64 * 1024,
            login_limits: Limits::default(),
            data_dir: None,
            uploads: crate::uploads::UploadLimits::default(),
        }
    }
}

/// Cheap to clone: everything sits behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub login_csrf: LoginCsrf,
    pub limiter: LoginLimiter,
    pub metrics: Metrics,
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let limiter = LoginLimiter::new(config.login_limits);
        AppState(Arc::new(Inner {
            store,
            config,
            login_csrf: LoginCsrf::new(),
            limiter,
            metrics: Metrics::default(),
        }))
    }

    /// Whether cookies set in answer to this request get the `Secure` attribute.
    pub fn secure_cookies(&self, headers: &HeaderMap) -> bool {
        match self.config.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.split(',')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .eq_ignore_ascii_case("https")
                }),
        }
    }

    /// The client's address for rate limiting.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
        if self.config.trust_proxy
            && let Some(ip) = headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return ip.to_string();
        }
        peer.map(|p| p.ip().to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}
