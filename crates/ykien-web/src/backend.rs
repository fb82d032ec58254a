//! Every call the web layer makes into the store, in one file: handlers stay free of storage
//! details, and the mapping from store errors to HTTP lives next to the calls.

use std::time::Duration;

use ykien_core::{Actor, UnitId};
use ykien_store::StoreError;

use crate::error::WebError;
use crate::state::AppState;
use crate::wire::UnitView;

/// The parts of a stored session the web layer uses.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
}

/// Store errors as HTTP sees them. Not-found and out-of-scope are one answer (404), so that a
/// record's existence is never revealed.
pub fn map_store_error(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        StoreError::Forbidden { .. } => WebError::Forbidden,
        StoreError::Conflict { what } => WebError::Conflict(what),
        StoreError::Invalid { what } => WebError::BadRequest(what),
        e @ (StoreError::Unavailable { .. }
        | StoreError::Locked { .. }
        | StoreError::Interrupted { .. }) => WebError::Unavailable(e.to_string()),
        e => WebError::Internal(e.to_string()),
    }
}

/// Official name of an administrative unit by id, from the embedded tables.
fn public_name(id: &str) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            ykien_units::units()
                .units
                .iter()
                .map(|u| (u.key().id(), u.name))
                .collect()
        })
        .get(id)
        .map(|n| n.to_string())
}

fn view(u: ykien_store::UnitRow) -> UnitView {
    let legacy = u.is_legacy();
    let parent_name = u.parent.as_ref().and_then(|p| public_name(p.as_str()));
    UnitView {
        id: u.id.0,
        name: u.name,
        kind: u.kind,
        parent: u.parent.map(|p| p.0),
        parent_name,
        legacy,
    }
}

pub async fn session_get(s: &AppState, id: &str) -> Result<Option<SessionInfo>, WebError> {
    Ok(s.store.session_get(id).await?.map(|x| SessionInfo {
        id: x.id,
        user_id: x.user_id,
        csrf_token: x.csrf_token,
    }))
}

pub async fn session_create(
    s: &AppState,
    user_id: i64,
    ttl: Duration,
) -> Result<SessionInfo, WebError> {
    let x = s.store.session_create(user_id, ttl).await?;
    Ok(SessionInfo {
        id: x.id,
        user_id: x.user_id,
        csrf_token: x.csrf_token,
    })
}

pub async fn session_delete(s: &AppState, id: &str) -> Result<(), WebError> {
    Ok(s.store.session_delete(id).await?)
}

pub async fn actor(s: &AppState, user_id: i64) -> Result<Option<Actor>, WebError> {
    Ok(s.store.actor(user_id).await?)
}

pub async fn authenticate(
    s: &AppState,
    login: &str,
    password: &str,
) -> Result<Option<Actor>, WebError> {
    Ok(s.store.authenticate(login, password).await?)
}

pub async fn authenticate_token(s: &AppState, token: &str) -> Result<Option<Actor>, WebError> {
    Ok(s.store.authenticate_token(token).await?)
}

pub async fn unit(s: &AppState, actor: &Actor, id: &str) -> Result<UnitView, WebError> {
    let id = UnitId::parse(id).map_err(|_| WebError::NotFound)?;
    Ok(view(s.store.unit(actor, &id).await?))
}

pub async fn children(s: &AppState, actor: &Actor, id: &str) -> Result<Vec<UnitView>, WebError> {
    let id = UnitId::parse(id).map_err(|_| WebError::NotFound)?;
    Ok(s.store
        .unit_children(actor, &id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn ping(s: &AppState) -> Result<(), WebError> {
    Ok(s.store.ping().await?)
}

pub fn backend_name(s: &AppState) -> &'static str {
    s.store.backend_name()
}
