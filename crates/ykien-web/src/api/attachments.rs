//! Photos of items over the API: attach (`POST /api/v1/items/{id}/attachments`, multipart,
//! field `file`, one or more), list (`GET …/attachments`), and fetch one
//! (`GET …/attachments/{n}`), which the pages also use as the image's address.
//!
//! Every answer is scoped exactly like the item: a photo of an item the caller may not see
//! is not found. A photo is served with the type sniffed when it was stored, `nosniff`, and a
//! policy that lets nothing in it run, so an image can never act as a page.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ykien_store::{Attachment, NewAttachment};

use crate::api::items::ApiWriter;
use crate::auth::ApiCaller;
use crate::error::WebError;
use crate::intake::Rejected;
use crate::state::AppState;
use crate::uploads;

/// A photo as the API lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub n: i64,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: Option<String>,
    pub created_at: String,
    pub url: String,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        AttachmentView {
            url: format!("/api/v1/items/{}/attachments/{}", a.item_id, a.n),
            n: a.n,
            media_type: a.media_type,
            size: a.size,
            sha256: a.sha256,
            original_name: a.original_name,
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

fn item_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

fn files(state: &AppState) -> Result<&std::path::Path, WebError> {
    state
        .config
        .data_dir
        .as_deref()
        .ok_or_else(|| WebError::Unavailable("no data directory for uploads".into()))
}

/// `POST /api/v1/items/{id}/attachments`: 201 with the photos when one is new, 200 when all
/// were already there; 413 beyond the size or count limits; 422 for a file that is not a
/// photo (whatever its name or declared type).
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/attachments",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711)),
    request_body(content_type = "multipart/form-data", description = "One or more photos in fields named file"),
    responses(
        (status = 201, description = "Stored; the item's photos sent in this request", body = Vec<AttachmentView>),
        (status = 200, description = "Every photo sent was already attached: nothing written", body = Vec<AttachmentView>),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
        (status = 403, description = "Neither the item's author nor an editor or above, or a session write without its CSRF token", body = crate::api::schemas::ErrorBody),
        (status = 404, description = "No such item, or not visible to the caller", body = crate::api::schemas::ErrorBody),
        (status = 413, description = "A photo over the size limit (10 MB by default)", body = crate::api::schemas::ErrorBody),
        (status = 422, description = "Not a photo (JPEG, PNG, WebP, GIF, HEIC), or the item has its maximum of photos", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, Rejected> {
    let id = item_id(&id)?;
    // Scope first: an item the caller may not see answers 404 whatever the body.
    state.store.item(Some(&actor), id).await?;
    let dir = files(&state)?;
    let limits = state.config.uploads;
    let max_files = usize::try_from(limits.max_photos_per_item).unwrap_or(usize::MAX);
    let up = uploads::read(req, limits.max_photo_bytes, max_files)
        .await
        .map_err(uploads::rejected)?;
    if let Some(limit) = up.too_large {
        return Err(uploads::rejected(uploads::UploadError::TooLarge { limit }));
    }
    if up.files.is_empty() {
        return Err(Rejected::Invalid(
            "no file: send the photo in a multipart field named \"file\"".into(),
        ));
    }
    let mut out = Vec::new();
    let mut any_new = false;
    for f in up.files {
        let (a, created) = state
            .store
            .attach(
                Some(&actor),
                dir,
                NewAttachment {
                    item_id: id,
                    bytes: &f.bytes,
                    original_name: f.name,
                    max_bytes: limits.max_photo_bytes,
                    max_per_item: limits.max_photos_per_item,
                },
            )
            .await?;
        any_new |= created;
        out.push(AttachmentView::from(a));
    }
    let status = if any_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(out)).into_response())
}

/// `GET /api/v1/items/{id}/attachments`.
#[utoipa::path(
    get,
    path = "/api/v1/items/{id}/attachments",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711)),
    responses(
        (status = 200, description = "The item's photos, in order", body = Vec<AttachmentView>),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
        (status = 404, description = "No such item, or not visible to the caller", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<AttachmentView>>, WebError> {
    let id = item_id(&id)?;
    let list = state.store.attachments(Some(&actor), id).await?;
    Ok(Json(list.into_iter().map(AttachmentView::from).collect()))
}

/// `GET /api/v1/items/{id}/attachments/{n}`: the photo itself.
#[utoipa::path(
    get,
    path = "/api/v1/items/{id}/attachments/{n}",
    tag = "items",
    params(("id" = i64, Path, description = "Item id", example = 4711),
           ("n" = i64, Path, description = "Photo number within the item, from 1", example = 1)),
    responses(
        (status = 200, description = "The photo, with the type read from its bytes", content_type = "image/*"),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
        (status = 404, description = "No such photo, or its item is not visible to the caller", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = item_id(&id)?;
    let n = n.parse::<i64>().map_err(|_| WebError::NotFound)?;
    let dir = files(&state)?;
    let (a, bytes) = state
        .store
        .attachment_file(Some(&actor), dir, id, n)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, a.media_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
            (header::CONTENT_DISPOSITION, "inline".to_string()),
            // Personal photos: the browser may keep them, shared caches may not.
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response())
}
