//! The JSON API. Bearer tokens from `ykien token create`, or the browser session (whose
//! writes must also send its CSRF token, see [`items::ApiWriter`]).

pub mod alerts;
pub mod attachments;
pub mod cases;
pub mod feeds;
pub mod items;
pub mod labels;
pub mod openapi;
pub mod schemas;

use axum::Json;
use axum::extract::{Path, State};

use crate::auth::ApiCaller;
use crate::backend;
use crate::error::WebError;
use crate::state::AppState;
use crate::wire::{Me, UnitView, UnitWithChildren};

/// `GET /api/v1/me`: who the token or session belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
    )
)]
pub async fn me(ApiCaller(actor): ApiCaller) -> Json<Me> {
    Json(Me {
        user_id: actor.user_id,
        name: actor.name,
        role: actor.role.to_string(),
        unit: actor.unit.to_string(),
    })
}

/// `GET /api/v1/units/{id}`: a unit in the caller's subtree and its children.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}",
    tag = "units",
    params(("id" = String, Path, description = "Unit id (\"01\" for Hà Nội, \"00004\" for Phường Ba Đình)", example = "01")),
    responses(
        (status = 200, description = "The unit and its children", body = UnitWithChildren),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 404, description = "No such unit, or outside the caller's subtree", body = schemas::ErrorBody),
    )
)]
pub async fn unit(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<UnitWithChildren>, WebError> {
    let unit = backend::unit(&state, &actor, &id).await?;
    let children = backend::children(&state, &actor, &id).await?;
    Ok(Json(UnitWithChildren { unit, children }))
}

/// `GET /api/v1/units/{id}/children`: the units directly below one in the caller's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/children",
    tag = "units",
    params(("id" = String, Path, description = "Unit id", example = "01")),
    responses(
        (status = 200, description = "The unit's children", body = Vec<UnitView>),
        (status = 401, description = "No valid token or session", body = schemas::ErrorBody),
        (status = 404, description = "No such unit, or outside the caller's subtree", body = schemas::ErrorBody),
    )
)]
pub async fn children(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<UnitView>>, WebError> {
    Ok(Json(backend::children(&state, &actor, &id).await?))
}
