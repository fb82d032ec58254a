//! Feed sources over the JSON API: list the caller's (`GET /api/v1/feeds`), register one
//! (`POST /api/v1/feeds`), and read a source's fetch history
//! (`GET /api/v1/feeds/{id}/fetches`).
//!
//! The store decides scope and roles: everyone in a subtree may list its sources and their
//! history; registering needs a role that handles (officers and above), others get 403; a unit
//! or a source outside the caller's subtree is the same 404 as a missing one.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use ykien_store::{Fetch, NewSource, Source, SourceKind};

use crate::api::items::ApiWriter;
use crate::api::schemas;
use crate::auth::ApiCaller;
use crate::error::WebError;
use crate::intake::Rejected;
use crate::state::AppState;

/// A source to register. The unit defaults to the caller's own; the interval to an hour.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// Unique; also the source of the items it brings in.
    pub name: String,
    /// Absolute http:// or https:// URL.
    pub url: String,
    /// `rss`, `atom`, `page` (main text becomes an item) or `watch` (own-site integrity).
    pub kind: String,
    pub unit: Option<String>,
    /// Seconds between polls, at least 60.
    pub every_secs: Option<u64>,
}

/// `GET /api/v1/feeds/{id}/fetches` options.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// At most this many fetches, newest first (default 50).
    pub limit: Option<u32>,
}

/// A source as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub kind: String,
    pub url: String,
    pub name: String,
    pub poll_interval_secs: i64,
    pub enabled: bool,
    pub next_fetch_at: DateTime<Utc>,
    pub consecutive_failures: i64,
    /// "ok", "not_modified", or the last error's kind ("timeout", "parse", "redirect"…).
    pub last_status: Option<String>,
    pub last_fetched_at: Option<DateTime<Utc>>,
}

impl From<Source> for SourceView {
    fn from(s: Source) -> Self {
        SourceView {
            id: s.id,
            unit: s.unit.to_string(),
            unit_name: s.unit_name,
            kind: s.kind.as_str().to_string(),
            url: s.url,
            name: s.name,
            poll_interval_secs: s.poll_interval_secs,
            enabled: s.enabled,
            next_fetch_at: s.next_fetch_at,
            consecutive_failures: s.consecutive_failures,
            last_status: s.last_status,
            last_fetched_at: s.last_fetched_at,
        }
    }
}

/// One fetch as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FetchView {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<i64>,
    pub bytes: i64,
    /// "ok", "not_modified" or "error".
    pub outcome: String,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub items_found: i64,
    pub items_added: i64,
}

impl From<Fetch> for FetchView {
    fn from(f: Fetch) -> Self {
        FetchView {
            id: f.id,
            started_at: f.started_at,
            duration_ms: f.duration_ms,
            http_status: f.http_status,
            bytes: f.bytes,
            outcome: f.outcome,
            error_kind: f.error_kind,
            error_message: f.error_message,
            items_found: f.items_found,
            items_added: f.items_added,
        }
    }
}

/// `GET /api/v1/feeds`: the sources of the caller's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/feeds",
    tag = "feeds",
    responses(
        (status = 200, description = "The sources of the caller's subtree, by name", body = Vec<SourceView>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
) -> Result<Json<Vec<SourceView>>, WebError> {
    let list = state.store.list_sources(Some(&actor)).await?;
    Ok(Json(list.into_iter().map(SourceView::from).collect()))
}

/// `POST /api/v1/feeds`: 201 with the source; due for its first fetch at once.
#[utoipa::path(
    post,
    path = "/api/v1/feeds",
    tag = "feeds",
    request_body = SourceInput,
    responses(
        (status = 201, description = "Registered", body = SourceView,
         headers(("Location" = String, description = "The source's fetch history"))),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle feeds, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "The unit does not exist or is outside the caller's subtree", body = schemas::ErrorBody),
        (status = 409, description = "A source with this name (or URL and kind in this unit) exists", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused (bad URL, kind or interval); the message says why", body = schemas::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let Json(v) = input.map_err(|e| match e.status() {
        StatusCode::UNPROCESSABLE_ENTITY => Rejected::Invalid(e.body_text()),
        _ => Rejected::Web(WebError::BadRequest(e.body_text())),
    })?;
    let input: SourceInput =
        serde_json::from_value(v).map_err(|e| Rejected::Invalid(e.to_string()))?;
    let new = NewSource {
        unit: input
            .unit
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| actor.unit.to_string()),
        kind: SourceKind::parse(&input.kind)?,
        url: input.url,
        name: input.name,
        poll_interval: std::time::Duration::from_secs(input.every_secs.unwrap_or(3600)),
    };
    let source = state.store.add_source(Some(&actor), new).await?;
    let location = format!("/api/v1/feeds/{}/fetches", source.id);
    let mut res = (StatusCode::CREATED, Json(SourceView::from(source))).into_response();
    if let Ok(loc) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// `GET /api/v1/feeds/{id}/fetches`: the source's fetches, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/feeds/{id}/fetches",
    tag = "feeds",
    params(("id" = i64, Path, description = "Source id", example = 3), HistoryQuery),
    responses(
        (status = 200, description = "The fetches, newest first", body = Vec<FetchView>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 404, description = "No such source, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "A malformed limit", body = schemas::ErrorBody),
    )
)]
pub async fn fetches(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Vec<FetchView>>, Rejected> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let Query(q) = query.map_err(|e| Rejected::Invalid(e.body_text()))?;
    let h = state
        .store
        .fetch_history(Some(&actor), id, q.limit.unwrap_or(50))
        .await?;
    Ok(Json(h.into_iter().map(FetchView::from).collect()))
}
