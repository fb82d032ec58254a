//! The installable web app: its manifest and its service worker, both served from the root
//! so that the worker's scope covers `/report` (a worker under `/static/` could only control
//! `/static/`). The worker and the page script live in `static/`.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::i18n::Lang;

const SERVICE_WORKER: &str = include_str!("../../static/sw.js");

/// `GET /manifest.webmanifest`: the app opens on the report form, in Vietnamese.
pub async fn manifest() -> Response {
    let t = Lang::Vi.catalog();
    let body = serde_json::json!({
        "name": t.get("intake.app_name"),
        "short_name": t.get("intake.app_short_name"),
        "description": t.get("intake.app_description"),
        "lang": "vi",
        "start_url": "/report",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#b3261e",
        "icons": [
            { "src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml" },
            { "src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png" },
            { "src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png",
              "purpose": "any maskable" },
        ],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /sw.js`: never cached by HTTP, so a new version reaches browsers at once.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        [("service-worker-allowed", "/")],
        SERVICE_WORKER,
    )
        .into_response()
}
