//! Who is calling: a browser session (cookie) or an API bearer token. The actor found here is
//! handed to the store, which does all scoping; this module never filters anything itself.

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::sync::atomic::Ordering;
use ykien_core::Actor;

use crate::backend::{self, SessionInfo};
use crate::cookies;
use crate::csrf::constant_time_eq;
use crate::error::WebError;
use crate::state::AppState;
use crate::ui::UserBar;

/// A signed-in browser user. Pages that need one redirect anonymous visitors to the login page.
#[derive(Debug, Clone)]
pub struct Signed {
    pub actor: Actor,
    pub session: SessionInfo,
}

impl Signed {
    pub fn bar(&self) -> UserBar {
        UserBar {
            name: self.actor.name.clone(),
            csrf: self.session.csrf_token.clone(),
            can_import: ykien_store::may_import(&self.actor),
            can_handle: ykien_core::can(
                &self.actor,
                ykien_core::Permission::Handle,
                &self.actor.unit_path,
            ),
            is_admin: self.actor.role == ykien_core::Role::Admin,
        }
    }
}

async fn from_cookie(parts: &Parts, state: &AppState) -> Result<Option<Signed>, WebError> {
    let Some(id) = cookies::get(&parts.headers, cookies::SESSION) else {
        return Ok(None);
    };
    let Some(session) = backend::session_get(state, &id).await? else {
        return Ok(None);
    };
    let Some(actor) = backend::actor(state, session.user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Signed { actor, session }))
}

/// Rejection of [`Signed`]: go and sign in (or an error page if the database failed).
pub enum SignInFirst {
    Redirect,
    Error(WebError),
}

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        match self {
            SignInFirst::Redirect => Redirect::to("/login").into_response(),
            SignInFirst::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = SignInFirst;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match from_cookie(parts, state).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(SignInFirst::Redirect),
            Err(e) => Err(SignInFirst::Error(e)),
        }
    }
}

/// Signed in or not, for pages both can see.
pub struct MaybeSigned(pub Option<Signed>);

impl FromRequestParts<AppState> for MaybeSigned {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeSigned(from_cookie(parts, state).await?))
    }
}

/// An API caller: `Authorization: Bearer <token>` first, else the browser session (the API's
/// routes are read-only under a cookie, so SameSite=Lax covers them without a CSRF token).
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Actor);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(h) = parts.headers.get(AUTHORIZATION) {
            let token = h
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(WebError::Unauthorized)?;
            return backend::authenticate_token(state, token)
                .await?
                .map(ApiCaller)
                .ok_or(WebError::Unauthorized);
        }
        match from_cookie(parts, state).await? {
            Some(s) => Ok(ApiCaller(s.actor)),
            None => Err(WebError::Unauthorized),
        }
    }
}

/// Forms posted by a signed-in user carry the session's CSRF token in a field named `csrf`.
pub trait HasCsrf {
    fn csrf(&self) -> &str;
}

/// A signed-in user's form whose CSRF token has been checked against their session.
pub struct CheckedForm<T> {
    pub signed: Signed,
    pub form: T,
}

impl<T> FromRequest<AppState> for CheckedForm<T>
where
    T: DeserializeOwned + HasCsrf + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let signed = Signed::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let req = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !constant_time_eq(form.csrf().as_bytes(), signed.session.csrf_token.as_bytes()) {
            state.metrics.csrf_rejected.fetch_add(1, Ordering::Relaxed);
            return Err(WebError::Csrf.into_response());
        }
        Ok(CheckedForm { signed, form })
    }
}
