//! Cases over the JSON API: list (`GET /api/v1/cases?status=&overdue=`), open
//! (`POST /api/v1/cases`), read (`GET /api/v1/cases/{id}`), move through the workflow
//! (`POST /api/v1/cases/{id}/transition`), comment (`POST /api/v1/cases/{id}/comments`),
//! assign (`…/assign`), add items (`…/items`), merge another case in (`…/merge`), split items
//! off into a new case (`…/split`), and the suggested cases among recent near-duplicate items
//! (`GET /api/v1/cases/suggestions`).
//!
//! The store decides everything (scope, roles, the workflow); this module only reads JSON and
//! maps the answers: a case outside the caller's subtree, a missing one and a malformed id are
//! one 404; a role that does not handle cases gets 403; a step the workflow refuses is 422
//! with the store's explanation. Writes need a bearer token or the session plus its CSRF
//! header ([`ApiWriter`]).

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::{IntoParams, ToSchema};
use ykien_core::{Permission, can};
use ykien_listen::{SuggestOptions, SuggestedCase, suggest_cases};
use ykien_store::{Case, CaseDetail, CaseFilter, CaseStatus, NewCase, Severity, Transition};

use crate::api::items::ApiWriter;
use crate::api::schemas::{self, CaseCommentDoc, CaseDetailDoc, CaseDoc, SuggestedCaseDoc};
use crate::auth::ApiCaller;
use crate::error::WebError;
use crate::intake::Rejected;
use crate::state::AppState;

/// `GET /api/v1/cases` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only cases in this state.
    #[param(value_type = Option<schemas::CaseStatusDoc>)]
    pub status: Option<String>,
    /// Only cases past their due date and not yet answered.
    pub overdue: Option<bool>,
    /// At most this many (0 or absent: the store's default).
    pub limit: Option<u32>,
}

/// A new case. The unit defaults to the caller's own; severity to normal; the due date to
/// the severity's default in working hours.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Phản ánh ngập úng đường Đội Cấn", "unit": "00004",
                          "severity": "urgent", "items": [4711, 4712]}))]
pub struct CaseInput {
    #[schema(min_length = 1)]
    pub title: String,
    /// Unit id; the caller's own by default.
    pub unit: Option<String>,
    /// `normal` by default: due in 8 working hours; `urgent`: in 4.
    #[schema(value_type = Option<schemas::SeverityDoc>)]
    pub severity: Option<String>,
    /// Items the case groups, each in the caller's scope.
    #[serde(default)]
    pub items: Vec<i64>,
    /// RFC 3339 date-time; by default from the severity, in working hours.
    #[schema(format = DateTime)]
    pub due_at: Option<String>,
}

/// One workflow step: `verify`, `forward` (with `to` and optionally `reference`), `answer`,
/// `close` or `reopen`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "forward", "to": "iHanoi", "reference": "HN-2026-11-0042"}))]
pub struct TransitionInput {
    /// `verify`, `forward`, `answer`, `close` or `reopen`.
    #[schema(example = "verify")]
    pub action: String,
    /// Forward only: a unit id, a member organization id, or the name of an outside body.
    pub to: Option<String>,
    /// Forward only: the receiving body's reference.
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Đã liên hệ tổ trưởng tổ dân phố."}))]
pub struct CommentInput {
    #[schema(min_length = 1)]
    pub body: String,
}

/// `{"assignee": <user id>}`, or `{"assignee": null}` to unassign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"assignee": 7}))]
pub struct AssignInput {
    pub assignee: Option<i64>,
}

/// Items to add to a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [4713]}))]
pub struct ItemsInput {
    #[schema(min_items = 1)]
    pub items: Vec<i64>,
}

/// The case to merge into the one in the path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": 13}))]
pub struct MergeInput {
    pub from: i64,
}

/// Items to split off into a new case, and its title.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [4712], "title": "Ngập úng phố Kim Mã"}))]
pub struct SplitInput {
    #[schema(min_items = 1)]
    pub items: Vec<i64>,
    #[schema(min_length = 1)]
    pub title: String,
}

fn json_rejection(e: JsonRejection) -> Rejected {
    let detail = e.body_text();
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Rejected::TooLarge(detail),
        StatusCode::UNPROCESSABLE_ENTITY => Rejected::Invalid(detail),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Rejected::Web(WebError::BadRequest(
            "send JSON with Content-Type: application/json".into(),
        )),
        _ => Rejected::Web(WebError::BadRequest(detail)),
    }
}

/// The body as `T`; a well-formed body of the wrong shape is 422 with serde's explanation.
fn body<T: DeserializeOwned>(
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<T, Rejected> {
    let Json(v) = body.map_err(json_rejection)?;
    serde_json::from_value(v).map_err(|e| Rejected::Invalid(e.to_string()))
}

/// A case id from the path; anything else is the same 404 as a missing case.
fn case_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

fn parse_step(input: TransitionInput) -> Result<Transition, Rejected> {
    let action = input.action.trim().to_ascii_lowercase();
    if action != "forward" && (input.to.is_some() || input.reference.is_some()) {
        return Err(Rejected::Invalid(format!(
            "\"to\" and \"reference\" belong to the forward action, not to {action:?}"
        )));
    }
    Ok(match action.as_str() {
        "verify" => Transition::Verify,
        "forward" => Transition::Forward {
            to: input.to.ok_or_else(|| {
                Rejected::Invalid(
                    "forward needs \"to\": a unit id, a member organization id or the name of \
                     an outside body such as iHanoi"
                        .into(),
                )
            })?,
            reference: input.reference,
        },
        "answer" => Transition::Answer,
        "close" => Transition::Close,
        "reopen" => Transition::Reopen,
        other => {
            return Err(Rejected::Invalid(format!(
                "unknown action {other:?} (expected verify, forward, answer, close or reopen)"
            )));
        }
    })
}

/// `GET /api/v1/cases`: the caller's cases, soonest due first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(ListQuery),
    responses(
        (status = 200, description = "The caller's cases, soonest due first", body = Vec<CaseDoc>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 422, description = "An unknown status or a malformed filter", body = schemas::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<Case>>, Rejected> {
    let Query(q) = query.map_err(|e| Rejected::Invalid(e.body_text()))?;
    let filter = CaseFilter {
        status: q.status.as_deref().map(CaseStatus::parse).transpose()?,
        overdue: q.overdue.unwrap_or(false),
        limit: q.limit.unwrap_or(0),
    };
    Ok(Json(state.store.list_cases(Some(&actor), &filter).await?))
}

/// `POST /api/v1/cases`: 201 with the case and its Location.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    request_body = CaseInput,
    responses(
        (status = 201, description = "Opened", body = CaseDetailDoc,
         headers(("Location" = String, description = "The case's address"))),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "The unit or an item does not exist or is outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
        (status = 409, description = "An item already belongs to another case", body = schemas::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let input: CaseInput = body(input)?;
    let due_at = input
        .due_at
        .as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    Rejected::Invalid(format!(
                        "due_at {s:?} is not an RFC 3339 date-time (e.g. 2026-12-01T17:30:00+07:00)"
                    ))
                })
        })
        .transpose()?;
    let new = NewCase {
        unit: input
            .unit
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| actor.unit.to_string()),
        title: input.title,
        severity: match input.severity.as_deref() {
            Some(s) => Severity::parse(s)?,
            None => Severity::Normal,
        },
        item_ids: input.items,
        due_at,
    };
    let case = state.store.create_case(Some(&actor), new).await?;
    let location = format!("/api/v1/cases/{}", case.case.id);
    let mut res = (StatusCode::CREATED, Json(case)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// `GET /api/v1/cases/{id}`: a handler's full view, or a reporter's view of its own items.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    responses(
        (status = 200, description = "A handler's full view, or the view of someone who filed one of its items", body = CaseDetailDoc),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case, or outside the caller's subtree", body = schemas::ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, WebError> {
    let id = case_id(&id)?;
    Ok(Json(state.store.get_case(Some(&actor), id).await?))
}

/// `POST /api/v1/cases/{id}/transition`: the case after the step.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transition",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = TransitionInput,
    responses(
        (status = 200, description = "The case after the step", body = CaseDetailDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "A step the workflow does not allow from the case's state, or an unknown action", body = schemas::ErrorBody),
        (status = 409, description = "The case was changed meanwhile: reload it and try again", body = schemas::ErrorBody),
    )
)]
pub async fn transition(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<CaseDetail>, Rejected> {
    let id = case_id(&id)?;
    let step = parse_step(body(input)?)?;
    Ok(Json(state.store.transition(Some(&actor), id, step).await?))
}

/// `POST /api/v1/cases/{id}/comments`: 201 with the comment.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/comments",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = CommentInput,
    responses(
        (status = 201, description = "The comment", body = CaseCommentDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
    )
)]
pub async fn comment(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let id = case_id(&id)?;
    let input: CommentInput = body(input)?;
    let c = state.store.comment(Some(&actor), id, &input.body).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `POST /api/v1/cases/{id}/assign`: the case with its new assignee.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/assign",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = AssignInput,
    responses(
        (status = 200, description = "The case with its new assignee", body = CaseDetailDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case or assignee in the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<CaseDetail>, Rejected> {
    let id = case_id(&id)?;
    let input: AssignInput = body(input)?;
    Ok(Json(
        state.store.assign(Some(&actor), id, input.assignee).await?,
    ))
}

/// `POST /api/v1/cases/{id}/items`: the case with the items added.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/items",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = ItemsInput,
    responses(
        (status = 200, description = "The case with the items added", body = CaseDetailDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case or item in the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
        (status = 409, description = "An item already belongs to another case", body = schemas::ErrorBody),
    )
)]
pub async fn add_items(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<CaseDetail>, Rejected> {
    let id = case_id(&id)?;
    let input: ItemsInput = body(input)?;
    Ok(Json(
        state
            .store
            .add_items(Some(&actor), id, &input.items)
            .await?,
    ))
}

/// `POST /api/v1/cases/{id}/merge`: the case in the path after taking in `from`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/merge",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = MergeInput,
    responses(
        (status = 200, description = "The case in the path, having taken in the other's items and comments", body = CaseDetailDoc),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "Either case does not exist or is outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
        (status = 409, description = "A case was changed meanwhile: reload and try again", body = schemas::ErrorBody),
    )
)]
pub async fn merge(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<CaseDetail>, Rejected> {
    let id = case_id(&id)?;
    let input: MergeInput = body(input)?;
    Ok(Json(
        state
            .store
            .merge_cases(Some(&actor), id, input.from)
            .await?,
    ))
}

/// `POST /api/v1/cases/{id}/split`: 201 with the new case and its Location.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/split",
    tag = "cases",
    params(("id" = i64, Path, description = "Case id", example = 12)),
    request_body = SplitInput,
    responses(
        (status = 201, description = "The new case holding the items split off", body = CaseDetailDoc,
         headers(("Location" = String, description = "The new case's address"))),
        (status = 400, description = "Not JSON, or not sent as application/json", body = schemas::ErrorBody),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 403, description = "The caller's role does not handle cases, or a session write without its CSRF token", body = schemas::ErrorBody),
        (status = 404, description = "No such case, or outside the caller's subtree", body = schemas::ErrorBody),
        (status = 422, description = "Well-formed but refused; the message says why", body = schemas::ErrorBody),
    )
)]
pub async fn split(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    input: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Rejected> {
    let id = case_id(&id)?;
    let input: SplitInput = body(input)?;
    let case = state
        .store
        .split_case(Some(&actor), id, &input.items, &input.title)
        .await?;
    let location = format!("/api/v1/cases/{}", case.case.id);
    let mut res = (StatusCode::CREATED, Json(case)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// `GET /api/v1/cases/suggestions`: groups of recent near-duplicate items not yet in a case,
/// for handlers; other roles get an empty list (they open no cases).
#[utoipa::path(
    get,
    path = "/api/v1/cases/suggestions",
    tag = "cases",
    responses(
        (status = 200, description = "Groups of near-duplicate items; empty for roles that do not handle cases", body = Vec<SuggestedCaseDoc>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
    )
)]
pub async fn suggestions(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
) -> Result<Json<Vec<SuggestedCase>>, WebError> {
    if !can(&actor, Permission::Handle, &actor.unit_path) {
        return Ok(Json(Vec::new()));
    }
    suggest_cases(&state.store, &actor, &SuggestOptions::default())
        .await
        .map(Json)
        .map_err(|e| match e {
            ykien_listen::ListenError::Store(e) => WebError::from(e),
        })
}
