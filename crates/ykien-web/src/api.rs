//! The JSON API. Bearer tokens from `ykien token create`, or the browser session (whose
//! writes must also send its CSRF token, see [`items::ApiWriter`]).

pub mod cases;
pub mod items;

use axum::Json;
use axum::extract::{Path, State};

use crate::auth::ApiCaller;
use crate::backend;
use crate::error::WebError;
use crate::state::AppState;
use crate::wire::{Me, UnitView, UnitWithChildren};

pub async fn me(ApiCaller(actor): ApiCaller) -> Json<Me> {
    Json(Me {
        user_id: actor.user_id,
        name: actor.name,
        role: actor.role.to_string(),
        unit: actor.unit.to_string(),
    })
}

pub async fn unit(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<UnitWithChildren>, WebError> {
    let unit = backend::unit(&state, &actor, &id).await?;
    let children = backend::children(&state, &actor, &id).await?;
    Ok(Json(UnitWithChildren { unit, children }))
}

pub async fn children(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<UnitView>>, WebError> {
    Ok(Json(backend::children(&state, &actor, &id).await?))
}
