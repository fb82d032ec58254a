//! Officers' corrections over the JSON API: correct an item's topic, sentiment, spam verdict
//! or places (`POST /api/v1/items/{id}/labels`), and read an item's corrections
//! (`GET /api/v1/items/{id}/labels`).
//!
//! The store decides who may: an item outside the caller's subtree (or restricted and not
//! the caller's to know) is the same 404 as a missing one; a role that does not handle items
//! gets 403. A correction is applied to the item at once and outranks later re-analysis; it
//! is also a label that `ykien model retrain` learns from. The topic must be one of the
//! taxonomy's ids (or "other"), checked here because the store cannot read the taxonomy.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use ykien_store::{Label, LabelField, LabelValue};
use ykien_text::topics::{OTHER_ID, Taxonomy};

use crate::api::items::ApiWriter;
use crate::api::schemas;
use crate::auth::ApiCaller;
use crate::error::WebError;
use crate::intake::Rejected;
use crate::state::AppState;

/// One correction. `value` is a topic id (`land`, `environment`, …, `other`), a sentiment
/// (`negative`, `neutral`, `positive`), a spam label (`none`: not spam, shown again;
/// `gambling`, `advertising`, `other`: hidden; or `true`/`false`), or for places a list of
/// unit ids.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"field": "topic", "value": "environment"}))]
pub struct LabelInput {
    /// `topic`, `sentiment`, `spam` or `places`.
    #[schema(example = "topic")]
    pub field: String,
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
}

/// A stored correction.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelDoc {
    pub id: i64,
    pub item_id: i64,
    /// `topic`, `sentiment`, `spam` or `places`.
    pub field: String,
    /// What the item said before (places: a JSON array of unit ids).
    pub old_value: Option<String>,
    pub new_value: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<Label> for LabelDoc {
    fn from(l: Label) -> LabelDoc {
        LabelDoc {
            id: l.id,
            item_id: l.item_id,
            field: l.field,
            old_value: l.old_value,
            new_value: l.new_value,
            actor_user_id: l.actor_user_id,
            actor_name: l.actor_name,
            at: l.at,
        }
    }
}

fn item_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// The store's field and value for this input; a topic must be in the organization's active
/// taxonomy (`tx`), so that a topic it added can be taught at once.
fn parse(input: LabelInput, tx: &Taxonomy) -> Result<(LabelField, LabelValue), Rejected> {
    let field = LabelField::parse(&input.field)?;
    let value = match (field, input.value) {
        (LabelField::Places, serde_json::Value::Array(units)) => LabelValue::Units(
            units
                .into_iter()
                .map(|u| match u {
                    serde_json::Value::String(s) => Ok(s),
                    other => Err(Rejected::Invalid(format!(
                        "places are unit ids (strings), not {other}"
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        (LabelField::Places, _) => {
            return Err(Rejected::Invalid(
                "places are given as a list of unit ids, e.g. [\"00004\"]".into(),
            ));
        }
        (LabelField::Spam, serde_json::Value::Bool(b)) => {
            LabelValue::Code(if b { "other" } else { "none" }.into())
        }
        (_, serde_json::Value::String(s)) => LabelValue::Code(s),
        (f, other) => {
            return Err(Rejected::Invalid(format!(
                "the value of a {} label is a string, not {other}",
                f.as_str()
            )));
        }
    };
    if let (LabelField::Topic, LabelValue::Code(t)) = (field, &value) {
        let t = t.trim();
        if t != OTHER_ID && tx.index(t).is_none() {
            let ids: Vec<&str> = tx.topics.iter().map(|x| x.id.as_str()).collect();
            return Err(Rejected::Invalid(format!(
                "unknown topic {t:?} (expected one of: {}, {OTHER_ID})",
                ids.join(", ")
            )));
        }
    }
    Ok((field, value))
}

/// `POST /api/v1/items/{id}/labels`: 201 with the stored correction.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/labels",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711)),
    request_body = LabelInput,
    responses(
        (status = 201, description = "The correction, applied to the item", body = LabelDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle items, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such item, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "An unknown field or value; the message says what is expected", body = schemas::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let id = item_id(&id)?;
    let Json(v) = input.map_err(|e| match e.status() {
        StatusCode::UNPROCESSABLE_ENTITY => Rejected::Invalid(e.body_text()),
        _ => Rejected::Web(WebError::BadRequest(e.body_text())),
    })?;
    let input: LabelInput =
        serde_json::from_value(v).map_err(|e| Rejected::Invalid(e.to_string()))?;
    let (tx, _) = ykien_listen::learn::active_taxonomy(&state.store).await?;
    let (field, value) = parse(input, &tx)?;
    let label = state
        .store
        .add_label(Some(&actor), id, field, value)
        .await?;
    Ok((StatusCode::CREATED, Json(LabelDoc::from(label))).into_response())
}

/// `GET /api/v1/items/{id}/labels`: the item's corrections, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/items/{id}/labels",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711)),
    responses(
        (status = 200, description = "The item's corrections, oldest first", body = Vec<LabelDoc>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 404, description = "No such item, or outside the caller's subtree", body = schemas::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<LabelDoc>>, WebError> {
    let id = item_id(&id)?;
    let labels = state.store.item_labels(Some(&actor), id).await?;
    Ok(Json(labels.into_iter().map(LabelDoc::from).collect()))
}
