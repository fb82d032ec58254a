//! Alerts in the app, over the JSON API: the alerts of the caller's subtree
//! (`GET /api/v1/alerts`), one alert with its items and deliveries (`GET /api/v1/alerts/{id}`),
//! and the two steps officers take: acknowledge and close.
//!
//! The store decides scope and roles: alerts are for handlers (officers and above) of the
//! subtree the alert is filed in; other roles list none and get 403 on one; an alert outside
//! the caller's subtree is the same 404 as a missing one. Items are shown as the caller may
//! see them (personal data masked, restricted items only to those who need to know).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use ykien_store::{Alert, AlertFilter, AlertKind, AlertStatus, Delivery, StoreError};

use crate::api::items::ApiWriter;
use crate::api::schemas;
use crate::auth::ApiCaller;
use crate::error::WebError;
use crate::state::AppState;

/// `GET /api/v1/alerts` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// `open`, `acknowledged` or `closed`.
    pub status: Option<String>,
    /// `rule`, `keyword`, `burst` or `integrity`.
    pub kind: Option<String>,
    /// At most this many, newest first (default 200).
    pub limit: Option<u32>,
}

/// An alert as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    /// `rule`, `keyword`, `burst` or `integrity`.
    pub kind: String,
    /// `normal` or `urgent`.
    pub severity: String,
    /// One line, Vietnamese: what, where, how far above normal.
    pub title: String,
    /// The facts: for a burst `observed`, `expected`, `ratio`, `p_value`, `z`, `window_secs`,
    /// `topic`, `unit`…; for a rule or watch its name, terms or threshold.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// `open`, `acknowledged` or `closed`.
    pub status: String,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub item_count: i64,
}

impl From<Alert> for AlertView {
    fn from(a: Alert) -> Self {
        AlertView {
            id: a.id,
            unit: a.unit.to_string(),
            unit_name: a.unit_name,
            kind: a.kind.as_str().to_string(),
            severity: a.severity.as_str().to_string(),
            title: a.title,
            details: a.details,
            status: a.status.as_str().to_string(),
            raised_at: a.raised_at,
            acknowledged_at: a.acknowledged_at,
            closed_at: a.closed_at,
            item_count: a.item_count,
        }
    }
}

/// One item of an alert, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertItemView {
    pub id: i64,
    pub unit: String,
    pub received_at: DateTime<Utc>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub topic: Option<String>,
    pub sentiment: Option<String>,
    /// The text, or its masked copy for roles that need not see personal data.
    pub text: String,
    pub masked: bool,
}

/// One delivery of the alert (webhook or e-mail).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// `webhook` or `email`.
    pub channel: String,
    pub target: String,
    /// `pending`, `running`, `done` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            id: d.id,
            channel: d.kind.as_str().to_string(),
            target: d.target,
            state: d.state,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            done_at: d.done_at,
        }
    }
}

/// An alert with its items and deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDetailView {
    #[serde(flatten)]
    pub alert: AlertView,
    pub items: Vec<AlertItemView>,
    /// Items of the alert the caller may not see (restricted, need-to-know).
    pub items_withheld: usize,
    pub deliveries: Vec<DeliveryView>,
}

fn alert_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// `GET /api/v1/alerts`: the alerts of the caller's subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "alerts",
    params(AlertQuery),
    responses(
        (status = 200, description = "The alerts of the caller's subtree, newest first (none for roles that do not handle alerts)", body = Vec<AlertView>),
        (status = 400, description = "An unknown status or kind", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    query: Result<Query<AlertQuery>, QueryRejection>,
) -> Result<Json<Vec<AlertView>>, WebError> {
    let Query(q) = query.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let filter = AlertFilter {
        status: q.status.as_deref().map(AlertStatus::parse).transpose()?,
        kind: q.kind.as_deref().map(AlertKind::parse).transpose()?,
        limit: q.limit.unwrap_or(0),
    };
    match state.store.list_alerts(Some(&actor), &filter).await {
        Ok(list) => Ok(Json(list.into_iter().map(AlertView::from).collect())),
        // Alerts are for handlers; others have none to see.
        Err(StoreError::Forbidden { .. }) => Ok(Json(Vec::new())),
        Err(e) => Err(e.into()),
    }
}

async fn detail(
    state: &AppState,
    actor: &ykien_core::Actor,
    id: i64,
) -> Result<AlertDetailView, WebError> {
    let d = state.store.get_alert(Some(actor), id).await?;
    let mut items = Vec::new();
    let mut withheld = 0;
    for item_id in d.items.iter().take(500) {
        match state.store.item(Some(actor), *item_id).await {
            Ok(it) => items.push(AlertItemView {
                id: it.id,
                unit: it.unit.to_string(),
                received_at: it.received_at,
                occurred_at: it.occurred_at,
                topic: it.topic,
                sentiment: it.sentiment,
                text: it.text,
                masked: it.masked,
            }),
            Err(StoreError::NotFound) => withheld += 1,
            Err(e) => return Err(e.into()),
        }
    }
    let deliveries = state.store.alert_deliveries(Some(actor), id).await?;
    Ok(AlertDetailView {
        alert: AlertView::from(d.alert),
        items,
        items_withheld: withheld,
        deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
    })
}

/// `GET /api/v1/alerts/{id}`: one alert with its items and deliveries.
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{id}",
    tag = "alerts",
    params(("id" = i64, Path, description = "Alert id", example = 7)),
    responses(
        (status = 200, description = "The alert, its items as the caller may see them, its deliveries", body = AlertDetailView),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle alerts", body = schemas::ErrorBody),
        (status = 404, description = "No such alert, or outside the caller's subtree", body = schemas::ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AlertDetailView>, WebError> {
    let id = alert_id(&id)?;
    Ok(Json(detail(&state, &actor, id).await?))
}

/// `POST /api/v1/alerts/{id}/acknowledge`: an open alert is seen to (it stops deduplicating).
#[utoipa::path(
    post,
    path = "/api/v1/alerts/{id}/acknowledge",
    tag = "alerts",
    params(("id" = i64, Path, description = "Alert id", example = 7)),
    responses(
        (status = 200, description = "The alert, acknowledged", body = AlertView),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle alerts, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such alert, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 409, description = "The alert is not open", body = schemas::ErrorBody),
    )
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
) -> Result<Json<AlertView>, WebError> {
    let id = alert_id(&id)?;
    let a = state
        .store
        .set_alert_status(Some(&actor), id, AlertStatus::Acknowledged)
        .await?;
    Ok(Json(a.into()))
}

/// `POST /api/v1/alerts/{id}/close`: the alert is dealt with.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/{id}/close",
    tag = "alerts",
    params(("id" = i64, Path, description = "Alert id", example = 7)),
    responses(
        (status = 200, description = "The alert, closed", body = AlertView),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle alerts, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such alert, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 409, description = "The alert is already closed", body = schemas::ErrorBody),
    )
)]
pub async fn close(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
) -> Result<Json<AlertView>, WebError> {
    let id = alert_id(&id)?;
    let a = state
        .store
        .set_alert_status(Some(&actor), id, AlertStatus::Closed)
        .await?;
    Ok(Json(a.into()))
}
