//! ykien's web layer: HTTP, HTML and JSON only.
//!
//! Handlers find out who is calling ([`auth`]), ask the store with that actor (the store does
//! all scoping), and render templates or JSON ([`wire`]). Failures become HTTP answers in one
//! place ([`error`]). Every route is declared in [`routes::table`].

pub mod api;
pub mod assets;
pub mod auth;
pub mod backend;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod i18n;
pub mod intake;
pub mod metrics;
pub mod pages;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod system;
pub mod topics;
pub mod ui;
pub mod uploads;
pub mod wire;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use state::{AppState, CookieSecure, WebConfig};

/// The whole application: routes, body limit, error pages, metrics, security headers, logs.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    routes::build()
        .fallback(|| async { error::WebError::NotFound })
        .layer(axum::Extension(pages::feedback::Limiter::shared()))
        .layer(middleware::from_fn(ui::remember_lang))
        .layer(middleware::from_fn(error::render_errors))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Counts requests per route template (not per concrete path, which would explode).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let res = next.run(req).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    state.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        start.elapsed().as_micros() as u64,
    );
    res
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
