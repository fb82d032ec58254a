//! Operational endpoints: liveness with a real database round trip, and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::backend;
use crate::state::AppState;
use crate::wire::Health;

/// Always JSON, for load balancers and probes: 200 when a query went through, 503 when not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let database = backend::backend_name(&state);
    match backend::ping(&state).await {
        Ok(()) => Json(Health {
            status: "ok",
            database,
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database,
                }),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(backend::backend_name(&state)),
    )
}
