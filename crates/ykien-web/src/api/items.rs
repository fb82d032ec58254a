//! Items over the JSON API: file one (`POST /api/v1/items`), file many
//! (`POST /api/v1/items/batch`), read one (`GET /api/v1/items/{id}`).
//!
//! Writes need a bearer token, or the browser session together with its CSRF token in the
//! `X-CSRF-Token` header. The unit defaults to the caller's own; the store refuses a unit
//! outside the caller's subtree as not found, and a role that may not report as forbidden.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use ykien_core::{Actor, Permission, can};
use ykien_store::{Channel, Confidentiality, Heard, Item, NewItem, OpinionReport};

use crate::api::schemas;
use crate::auth::{ApiCaller, MaybeSigned};
use crate::csrf::constant_time_eq;
use crate::error::WebError;
use crate::intake::{self, Rejected};
use crate::state::AppState;

/// Header carrying the session's CSRF token when the API is called from a signed-in page.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Most items in one batch; more answer 413 (split the batch).
pub const MAX_BATCH: usize = 500;

/// Largest body of a single item: the longest text the store takes, plus room for the fields.
pub const MAX_ITEM_BODY: usize = ykien_store::MAX_TEXT_BYTES + 64 * 1024;

/// Largest batch body.
pub const MAX_BATCH_BODY: usize = 8 * 1024 * 1024;

/// A caller allowed to write through the API: a bearer token, or a session that also sent
/// its CSRF token (a cookie alone is not enough for a write).
#[derive(Debug, Clone)]
pub struct ApiWriter(pub Actor);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let ApiCaller(actor) = ApiCaller::from_request_parts(parts, state).await?;
            return Ok(ApiWriter(actor));
        }
        let MaybeSigned(signed) = MaybeSigned::from_request_parts(parts, state).await?;
        let signed = signed.ok_or(WebError::Unauthorized)?;
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !constant_time_eq(sent.as_bytes(), signed.session.csrf_token.as_bytes()) {
            state.metrics.csrf_rejected.fetch_add(1, Ordering::Relaxed);
            return Err(WebError::Csrf);
        }
        Ok(ApiWriter(signed.actor))
    }
}

/// One item as the API takes it. Unknown fields are refused, so a misspelt field name is an
/// error rather than silently lost data.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "Người dân tổ 5 phản ánh đường Đội Cấn ngập sâu sau mưa, xe máy chết máy nhiều.",
    "unit": "00004",
    "source": "zalo/nhom-to-dan-pho-5",
    "channel": "api",
    "external_id": "msg-20261129-0042",
    "occurred_at": "2026-11-29T08:30:00+07:00",
    "topic_hint": "giao thông",
    "locality": "Phường Ba Đình",
    "heard": "online"
}))]
pub struct ItemInput {
    /// The text as heard, stored untouched (at most 1 MiB).
    #[schema(min_length = 1)]
    pub text: String,
    /// Unit id the item is filed into; the caller's own unit by default. A unit outside the
    /// caller's subtree is answered like one that does not exist.
    pub unit: Option<String>,
    /// Where it came from (a fanpage, a group, a system); `api/user-<id>` by default. With
    /// `external_id` (or, without one, the normalized text) it makes the idempotency key:
    /// sending the same item again adds nothing.
    pub source: Option<String>,
    /// `api` by default.
    #[schema(value_type = Option<schemas::ChannelDoc>)]
    pub channel: Option<String>,
    /// The item's id in its source system.
    pub external_id: Option<String>,
    /// RFC 3339 date-time, or a date (taken as midnight UTC); not more than a day ahead.
    pub occurred_at: Option<String>,
    pub title: Option<String>,
    /// How to reach the author (phone, e-mail); personal data, masked for roles that need
    /// not see it.
    pub author_contact: Option<String>,
    /// Field or topic as the reporter names it.
    pub topic_hint: Option<String>,
    pub locality: Option<String>,
    /// Who is concerned (residents of an area, traders, pensioners…).
    pub population: Option<String>,
    pub intensity: Option<String>,
    pub trend: Option<String>,
    /// Heard in person or online.
    #[schema(value_type = Option<schemas::HeardDoc>)]
    pub heard: Option<String>,
    pub quotes: Option<String>,
    pub proposed_handling: Option<String>,
    /// `normal` by default.
    #[schema(value_type = Option<schemas::ConfidentialityDoc>)]
    pub confidentiality: Option<String>,
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, Rejected> {
    let s = s.trim();
    let t = DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| {
            Rejected::Invalid(format!(
                "occurred_at {s:?} is not a date-time (expected RFC 3339, e.g. \
                 2026-11-29T08:30:00+07:00, or a date, e.g. 2026-11-29)"
            ))
        })?;
    if t > Utc::now() + chrono::Duration::days(1) {
        return Err(Rejected::Invalid(format!(
            "occurred_at {s:?} lies in the future"
        )));
    }
    Ok(t)
}

/// The store's item for this input, with the caller's defaults filled in.
pub fn to_new_item(actor: &Actor, input: ItemInput) -> Result<NewItem, Rejected> {
    let channel = match input.channel.as_deref() {
        Some(c) => Channel::parse(c)?,
        None => Channel::Api,
    };
    let confidentiality = match input.confidentiality.as_deref() {
        Some(c) => Confidentiality::parse(c)?,
        None => Confidentiality::Normal,
    };
    let heard = input.heard.as_deref().map(Heard::parse).transpose()?;
    let occurred_at = input.occurred_at.as_deref().map(parse_time).transpose()?;
    // Each caller's items are their own source unless it names one, so that two people who
    // send the same words are not merged into one item.
    let source = input
        .source
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("api/user-{}", actor.user_id));
    Ok(NewItem {
        unit: input
            .unit
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| actor.unit.to_string()),
        source,
        channel,
        external_id: input.external_id,
        author_user_id: None,
        author_contact: input.author_contact,
        occurred_at,
        text: input.text,
        title: input.title,
        report: OpinionReport {
            topic_hint: input.topic_hint,
            locality: input.locality,
            population: input.population,
            intensity: input.intensity,
            trend: input.trend,
            heard,
            quotes: input.quotes,
            proposed_handling: input.proposed_handling,
        },
        confidentiality,
        dedup_text: String::new(),
    })
}

/// What a write did to one item.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 4711, "status": "accepted"}))]
pub struct Filed {
    pub id: i64,
    /// "accepted" (stored now) or "duplicate" (already there; nothing written).
    #[schema(value_type = schemas::FiledStatusDoc)]
    pub status: &'static str,
}

fn json_rejection(e: JsonRejection) -> Rejected {
    let detail = e.body_text();
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Rejected::TooLarge(detail),
        StatusCode::UNPROCESSABLE_ENTITY => Rejected::Invalid(detail),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Rejected::Web(WebError::BadRequest(
            "send the item as JSON with Content-Type: application/json".into(),
        )),
        _ => Rejected::Web(WebError::BadRequest(detail)),
    }
}

fn parse_input(v: serde_json::Value) -> Result<ItemInput, Rejected> {
    serde_json::from_value(v).map_err(|e| Rejected::Invalid(e.to_string()))
}

fn filed(s: ykien_store::Submitted) -> Filed {
    Filed {
        id: s.id,
        status: if s.created { "accepted" } else { "duplicate" },
    }
}

async fn file_one(
    state: &AppState,
    actor: &Actor,
    v: serde_json::Value,
) -> Result<Filed, Rejected> {
    let item = to_new_item(actor, parse_input(v)?)?;
    Ok(filed(intake::file(state, Some(actor), item).await?))
}

/// The size limit [`intake::file`] applies to one item, for the items of a batch.
fn within_limits(item: NewItem) -> Result<NewItem, Rejected> {
    if item.text.len() > ykien_store::MAX_TEXT_BYTES {
        return Err(Rejected::TooLarge(format!(
            "the text has {} bytes; at most {} are accepted",
            item.text.len(),
            ykien_store::MAX_TEXT_BYTES
        )));
    }
    Ok(item)
}

/// `POST /api/v1/items`: 201 with the new id, 200 for a duplicate.
#[utoipa::path(
    post,
    path = "/api/v1/items",
    tag = "items",
    request_body = ItemInput,
    responses(
        (status = 201, description = "Stored; the analysis follows within seconds", body = Filed,
         headers(("Location" = String, description = "The item's address"))),
        (status = 200, description = "Already there (same source and external id, or same text): nothing written", body = Filed,
         example = json!({"id": 4711, "status": "duplicate"})),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role may not file items, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "The unit does not exist or is outside the caller's subtree", body = schemas::ErrorBody),
        (status = 413, description = "The text or the body is too large", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but wrong: a missing text, an unknown field or value; the message says what to fix", body = schemas::ErrorBody,
         example = json!({"error": {"status": 422, "code": "invalid", "message": "Dữ liệu không hợp lệ. unknown channel \"fax\" (expected one of: form, citizen, api, import, feed, email, other)"}})),
        (status = 503, description = "The database is busy: send the item again", body = schemas::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let Json(v) = body.map_err(json_rejection)?;
    if !v.is_object() {
        return Err(Rejected::Invalid(
            "expected one item as a JSON object (use /api/v1/items/batch for an array)".into(),
        ));
    }
    let filed = file_one(&state, &actor, v).await?;
    let status = if filed.status == "accepted" {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut res = (status, Json(&filed)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/items/{}", filed.id)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// One entry of a batch answer, in the order of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    /// Position in the request, from 0.
    pub index: usize,
    /// "accepted", "duplicate" or "error".
    #[schema(value_type = schemas::BatchStatusDoc)]
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Why the item was not taken (errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "not found: no such unit")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"accepted": 1, "duplicates": 0, "errors": 1, "results": [
    {"index": 0, "status": "accepted", "id": 4712},
    {"index": 1, "status": "error", "reason": "invalid: missing field `text`"}
]}))]
pub struct BatchAnswer {
    pub accepted: usize,
    pub duplicates: usize,
    pub errors: usize,
    pub results: Vec<BatchResult>,
}

/// `POST /api/v1/items/batch`: a JSON array of items, each judged on its own, so one bad item
/// costs only itself, and stored together in one transaction; the answer says, per index,
/// what became of each.
#[utoipa::path(
    post,
    path = "/api/v1/items/batch",
    tag = "items",
    request_body(content = Vec<ItemInput>, description = "1 to 500 items"),
    responses(
        (status = 200, description = "Each item's fate, in the order sent; one bad item costs only itself", body = BatchAnswer),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role may not file items, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 413, description = "More than 500 items, or a body over 8 MiB: split the batch", body = schemas::ErrorBody),
        (status = 422, description = "Not an array, or an empty one", body = schemas::ErrorBody),
        (status = 503, description = "The database is busy: nothing of the batch was stored; send it again", body = schemas::ErrorBody),
    )
)]
pub async fn batch(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<BatchAnswer>, Rejected> {
    let Json(v) = body.map_err(json_rejection)?;
    let serde_json::Value::Array(items) = v else {
        return Err(Rejected::Invalid("expected a JSON array of items".into()));
    };
    if items.is_empty() {
        return Err(Rejected::Invalid("the batch is empty".into()));
    }
    if items.len() > MAX_BATCH {
        return Err(Rejected::TooLarge(format!(
            "{} items in one batch; at most {MAX_BATCH} (split the batch)",
            items.len()
        )));
    }
    if !can(&actor, Permission::Report, &actor.unit_path) {
        return Err(WebError::Forbidden.into());
    }
    // Every item is read first (a bad one costs only itself); the good ones are then stored
    // in one transaction, which is what makes a batch cheaper than its items one by one.
    let mut outcomes: Vec<Option<Result<Filed, Rejected>>> = Vec::with_capacity(items.len());
    let (mut good, mut slots) = (Vec::new(), Vec::new());
    for (index, v) in items.into_iter().enumerate() {
        match parse_input(v)
            .and_then(|i| to_new_item(&actor, i))
            .and_then(within_limits)
        {
            Ok(item) => {
                good.push(item);
                slots.push(index);
                outcomes.push(None);
            }
            Err(e) => outcomes.push(Some(Err(e))),
        }
    }
    if !good.is_empty() {
        let stored = ykien_listen::submit_many(&state.store, Some(&actor), good).await?;
        for (slot, r) in slots.into_iter().zip(stored) {
            outcomes[slot] = Some(r.map(filed).map_err(Rejected::from));
        }
    }
    let mut answer = BatchAnswer {
        accepted: 0,
        duplicates: 0,
        errors: 0,
        results: Vec::with_capacity(outcomes.len()),
    };
    for (index, outcome) in outcomes.into_iter().enumerate() {
        let outcome = outcome.unwrap_or_else(|| {
            Err(Rejected::Web(WebError::Internal(
                "a batch item got no answer".into(),
            )))
        });
        let r = match outcome {
            Ok(f) => {
                if f.status == "accepted" {
                    answer.accepted += 1;
                } else {
                    answer.duplicates += 1;
                }
                BatchResult {
                    index,
                    status: f.status,
                    id: Some(f.id),
                    reason: None,
                }
            }
            Err(e) => {
                answer.errors += 1;
                BatchResult {
                    index,
                    status: "error",
                    id: None,
                    reason: Some(e.reason()),
                }
            }
        };
        answer.results.push(r);
    }
    Ok(Json(answer))
}

/// An item as the API shows it, built from what the store let this caller see (masked text
/// and no contact or analysis where the role needs no personal data).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub source: String,
    #[schema(value_type = schemas::ChannelDoc)]
    pub channel: String,
    pub external_id: Option<String>,
    pub author_user_id: Option<i64>,
    pub author_contact: Option<String>,
    pub received_at: DateTime<Utc>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The original text, or a copy with personal data masked (then `masked` is true; empty
    /// until the analysis has made the masked copy).
    pub text: String,
    pub masked: bool,
    pub title: Option<String>,
    #[schema(value_type = schemas::OpinionReportDoc)]
    pub report: OpinionReport,
    #[schema(value_type = schemas::ConfidentialityDoc)]
    pub confidentiality: String,
    #[schema(value_type = schemas::ItemStatusDoc)]
    pub status: String,
    /// Why the analysis failed, when it did.
    pub status_reason: Option<String>,
    pub language: Option<String>,
    pub spam_label: Option<String>,
    pub sentiment: Option<String>,
    pub topic: Option<String>,
    /// Hidden by default (spam).
    pub hidden: bool,
    /// The analysis (language, places, personal-data spans, key phrases…); withheld from
    /// roles that need not see personal data.
    #[schema(value_type = Option<Object>, example = json!({
        "language": {"code": "vi", "confidence": 1.0},
        "sentiment": {"label": "negative", "score": -0.583, "confidence": 0.952},
        "topic": {"id": "front_activities", "score": 0.6, "terms": ["phản ánh"]},
        "spam": {"label": "none", "score": 0.0, "injected": false, "reasons": [], "spans": []},
        "pii": [{"kind": "phone", "start": 84, "end": 96}],
        "places": [],
        "keywords": [{"text": "ngập", "score": 2.464, "spans": [[56, 62]]}],
        "fingerprint": "e9814184a51cf66d",
        "legacy_encoding": null
    }))]
    pub analysis: Option<serde_json::Value>,
}

impl From<Item> for ItemView {
    fn from(i: Item) -> Self {
        ItemView {
            id: i.id,
            unit: i.unit.0,
            unit_name: i.unit_name,
            source: i.source,
            channel: i.channel,
            external_id: i.external_id,
            author_user_id: i.author_user_id,
            author_contact: i.author_contact,
            received_at: i.received_at,
            occurred_at: i.occurred_at,
            text: i.text,
            masked: i.masked,
            title: i.title,
            report: i.report,
            confidentiality: i.confidentiality,
            status: i.status,
            status_reason: i.status_reason,
            language: i.language,
            spam_label: i.spam_label,
            sentiment: i.sentiment,
            topic: i.topic,
            hidden: i.is_hidden,
            analysis: i.analysis,
        }
    }
}

/// `GET /api/v1/items/{id}`: out of scope, restricted from this role, or missing are one 404.
#[utoipa::path(
    get,
    path = "/api/v1/items/{id}",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711)),
    responses(
        (status = 200, description = "The item as this caller may see it", body = ItemView),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 404, description = "No such item, outside the caller's subtree, or restricted and not the caller's to know", body = schemas::ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ItemView>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    Ok(Json(state.store.item(Some(&actor), id).await?.into()))
}
