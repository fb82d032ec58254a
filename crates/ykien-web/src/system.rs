//! Operational endpoints: liveness with a real database round trip, and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::backend;
use crate::error::WebError;
use crate::state::AppState;
use crate::wire::Health;

pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, WebError> {
    backend::ping(&state).await.map_err(|e| match e {
        WebError::Unavailable(d) | WebError::Internal(d) => WebError::Unavailable(d),
        other => other,
    })?;
    Ok(Json(Health { status: "ok", database: backend::backend_name(&state) }))
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(backend::backend_name(&state)),
    )
}
