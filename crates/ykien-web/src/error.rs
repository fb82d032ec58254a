//! The one place where failures become HTTP answers.
//!
//! Handlers return [`WebError`]; store errors convert into it here. The response only carries
//! an [`ErrorInfo`] marker; [`render_errors`] then writes the body in the request's language,
//! as an HTML page or as JSON for `/api/`. The same middleware dresses axum's own rejections
//! (bad form, body too large, unknown route), so no client ever sees a bare text error, and
//! internal details are logged, never sent.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use ykien_store::StoreError;

use crate::ui::{Chrome, Ui};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid CSRF token")]
    Csrf,
    #[error("too many requests")]
    TooManyRequests,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        crate::backend::map_store_error(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// Marker put on error responses; the body is written by [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Catalogue key of the message.
    pub key: &'static str,
    /// Extra detail safe to show (never internal errors).
    pub detail: Option<String>,
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            WebError::BadRequest(d) | WebError::Conflict(d) => Some(d.clone()),
            WebError::Internal(d) => {
                tracing::error!(error = %d, "internal error");
                None
            }
            WebError::Unavailable(d) => {
                tracing::warn!(error = %d, "service unavailable");
                None
            }
            _ => None,
        };
        let key = if matches!(self, WebError::Csrf) {
            "error.csrf"
        } else {
            key_for(status)
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorInfo { key, detail });
        res
    }
}

fn key_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "error.unauthorized",
        403 => "error.forbidden",
        404 | 405 => "error.not_found",
        409 => "error.conflict",
        413 => "error.too_large",
        429 => "error.too_many",
        503 => "error.unavailable",
        s if s >= 500 => "error.internal",
        _ => "error.bad_request",
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
}

/// Whether the client wants JSON: the API, or an explicit Accept without HTML.
fn wants_json(req: &Request) -> bool {
    if req.uri().path().starts_with("/api/") {
        return true;
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

/// Writes the body of every error response (see the module docs).
pub async fn render_errors(req: Request, next: Next) -> Response {
    let json = wants_json(&req);
    let (parts, body) = req.into_parts();
    let ui = Ui::from_parts(&parts);
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let info = res.extensions().get::<ErrorInfo>().cloned();
    let info = match info {
        Some(i) => i,
        None => {
            let ct = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if ct.starts_with("text/html") || ct.starts_with("application/json") {
                return res; // already dressed by its handler
            }
            // One of axum's own rejections: keep its text as detail for 4xx.
            let (parts, body) = res.into_parts();
            let text = axum::body::to_bytes(body, 4096)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let detail = match text {
                Ok(t) if status.is_client_error() && !t.trim().is_empty() => {
                    Some(t.trim().to_string())
                }
                _ => None,
            };
            let mut res = Response::from_parts(parts, Body::empty());
            res.headers_mut().remove(header::CONTENT_LENGTH);
            return finish(
                res,
                &ui,
                json,
                ErrorInfo {
                    key: key_for(status),
                    detail,
                },
            );
        }
    };
    finish(res, &ui, json, info)
}

fn finish(res: Response, ui: &Ui, json: bool, info: ErrorInfo) -> Response {
    let status = res.status();
    let t = ui.t();
    let mut message = t.get(info.key).to_string();
    if let Some(d) = &info.detail {
        message = format!("{message} {d}");
    }
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = if json {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let code = info.key.trim_start_matches("error.");
        Body::from(
            serde_json::json!({ "error": { "status": status.as_u16(), "code": code, "message": message } })
                .to_string(),
        )
    } else {
        let page = ErrorPage {
            c: ui.chrome(None),
            status: status.as_u16(),
            message: message.clone(),
        };
        match page.render() {
            Ok(html) => {
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Body::from(Html(html).0)
            }
            Err(e) => {
                tracing::error!(error = %e, "error page template failed");
                Body::from(message)
            }
        }
    };
    Response::from_parts(parts, body)
}
