//! What the login form and the citizen feedback form share: both are posted by someone who has
//! no session yet, so their CSRF token cannot live with a session and travels as a signed
//! double-submit pair (see `crate::csrf`). Keeping the pair's cookie and its check in one place
//! means the two forms cannot drift apart in the attributes that make the defence work.

use std::sync::atomic::Ordering;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::cookies::{self, Attrs};
use crate::error::WebError;
use crate::state::AppState;

/// One form's pre-session cookie: its name and the only path it is sent back to, so that the
/// nonce of one form is never offered to the other.
pub struct PreSession {
    pub cookie: &'static str,
    pub path: &'static str,
}

impl PreSession {
    /// Checks the posted field against this form's cookie; a refusal is counted, since a rise in
    /// refusals is how forged posts (or a broken deploy) show up in the metrics.
    pub fn verify(&self, state: &AppState, headers: &HeaderMap, field: &str) -> bool {
        let cookie = cookies::get(headers, self.cookie);
        let ok = state.login_csrf.verify(cookie.as_deref(), Some(field));
        if !ok {
            state.metrics.csrf_rejected.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// The rendered form with its nonce cookie. `no-store`, because a cached copy would carry a
    /// token whose cookie has since been replaced, and the next post would be refused.
    pub fn respond(
        &self,
        state: &AppState,
        headers: &HeaderMap,
        status: StatusCode,
        html: String,
        nonce: &str,
    ) -> Result<Response, WebError> {
        let set = cookies::set(
            self.cookie,
            nonce,
            Attrs {
                path: self.path,
                max_age: Some(3600),
                http_only: true,
                secure: state.secure_cookies(headers),
            },
        );
        let mut res = (status, Html(html)).into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_str(&set).map_err(|e| WebError::Internal(e.to_string()))?,
        );
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(res)
    }
}
