//! Taking items in over the web: what the JSON API, the report form and the feedback form
//! share. Items go through `ykien_listen::submit` (which fills the idempotency key from the
//! normalized text) and then the store, which scopes the unit and checks the role.
//!
//! Intake answers two statuses that the rest of the web layer does not: 422 for input that is
//! well-formed but wrong (a store `Invalid`), and 413 for a text or batch beyond the limits.
//! [`Rejected`] carries them as an [`ErrorInfo`] marker, so the body is still written by
//! [`crate::error::render_errors`], in the request's language, like every other error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ykien_core::Actor;
use ykien_listen::ListenError;
use ykien_store::{NewItem, StoreError, Submitted};

use crate::error::{ErrorInfo, WebError};
use crate::state::AppState;

/// Why an intake request was refused.
#[derive(Debug)]
pub enum Rejected {
    /// Well-formed but not acceptable (422); the detail says what to fix.
    Invalid(String),
    /// Beyond the size limits (413).
    TooLarge(String),
    /// Anything else, answered as the rest of the web layer answers it.
    Web(WebError),
}

impl Rejected {
    pub fn status(&self) -> StatusCode {
        match self {
            Rejected::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Rejected::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Rejected::Web(e) => e.status(),
        }
    }

    /// The reason as one line for a batch result. Not-found carries no detail, so a unit
    /// outside the caller's scope reads exactly like one that does not exist.
    pub fn reason(&self) -> String {
        match self {
            Rejected::Invalid(d) => format!("invalid: {d}"),
            Rejected::TooLarge(d) => format!("too large: {d}"),
            Rejected::Web(WebError::NotFound) => "not found: no such unit".into(),
            Rejected::Web(WebError::Forbidden) => "forbidden".into(),
            Rejected::Web(WebError::Conflict(d)) => format!("conflict: {d}"),
            Rejected::Web(WebError::Unavailable(_)) => {
                "temporarily unavailable: send this item again".into()
            }
            Rejected::Web(_) => "internal error: send this item again".into(),
        }
    }
}

impl From<WebError> for Rejected {
    fn from(e: WebError) -> Self {
        Rejected::Web(e)
    }
}

impl From<StoreError> for Rejected {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { what } => Rejected::Invalid(what),
            e => Rejected::Web(WebError::from(e)),
        }
    }
}

impl From<ListenError> for Rejected {
    fn from(e: ListenError) -> Self {
        match e {
            ListenError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        let status = self.status();
        let (key, detail) = match self {
            Rejected::Invalid(d) => ("error.invalid", d),
            Rejected::TooLarge(d) => ("error.too_large", d),
            Rejected::Web(e) => return e.into_response(),
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorInfo {
            key,
            detail: Some(detail),
        });
        res
    }
}

/// Files one item as `actor` (None: the system, for citizens' feedback).
pub async fn file(
    state: &AppState,
    actor: Option<&Actor>,
    item: NewItem,
) -> Result<Submitted, Rejected> {
    if item.text.len() > ykien_store::MAX_TEXT_BYTES {
        return Err(Rejected::TooLarge(format!(
            "the text has {} bytes; at most {} are accepted",
            item.text.len(),
            ykien_store::MAX_TEXT_BYTES
        )));
    }
    Ok(ykien_listen::submit(&state.store, actor, item).await?)
}
