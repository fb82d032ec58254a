//! One HTTP GET, bounded in time, redirects and size, with conditional request headers.

use std::time::Duration;

use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::redirect::Policy;
use serde::Serialize;

use crate::FeedsError;

/// The limits of every fetch.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Time to establish the connection.
    pub connect_timeout: Duration,
    /// Time for the whole exchange, the body included: a server that trickles bytes forever
    /// is cut off here.
    pub timeout: Duration,
    /// Redirects followed before giving up (a loop ends here, as an error).
    pub max_redirects: usize,
    /// Largest body read; a larger one is an error (refused before reading when the server
    /// announces its length).
    pub max_body_bytes: usize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_body_bytes: 5 * 1024 * 1024,
            user_agent: concat!("ykien/", env!("CARGO_PKG_VERSION"), " (feed poller)").into(),
        }
    }
}

/// Why a fetch failed, as recorded in the fetch history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No answer within the timeout (connecting or reading).
    Timeout,
    /// Could not connect (refused, DNS, TLS).
    Connect,
    /// Too many redirects (a loop), or a redirect to an unusable location.
    Redirect,
    /// The server answered with an error status (4xx, 5xx).
    HttpStatus,
    /// The body was larger than allowed.
    TooLarge,
    /// The body was cut off or could not be read.
    Body,
    /// The body is not a feed (garbage, truncated XML).
    Parse,
    /// No text could be extracted from the page.
    Extract,
    /// The database refused what the fetch brought.
    Store,
    /// Anything else in the HTTP exchange.
    Request,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Redirect => "redirect",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Body => "body",
            ErrorKind::Parse => "parse",
            ErrorKind::Extract => "extract",
            ErrorKind::Store => "store",
            ErrorKind::Request => "request",
        }
    }
}

/// A failed fetch: recorded, then retried after a backoff.
#[derive(Debug, Clone)]
pub struct FetchFailure {
    pub kind: ErrorKind,
    pub message: String,
    pub http_status: Option<u16>,
    pub bytes: usize,
}

impl FetchFailure {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> FetchFailure {
        FetchFailure {
            kind,
            message: message.into(),
            http_status: None,
            bytes: 0,
        }
    }
}

/// A successful exchange.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the validators still match.
    NotModified { status: u16 },
    Body {
        status: u16,
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
        content_type: Option<String>,
        /// Where the redirects ended, for resolving relative links.
        final_url: String,
    },
}

/// An HTTP client with the limits of [`FetchConfig`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body: usize,
}

fn header(h: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Names the failure the way an officer reads it, without reqwest's nested wording.
fn classify(e: &reqwest::Error) -> FetchFailure {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_redirect() {
        ErrorKind::Redirect
    } else if e.is_connect() {
        ErrorKind::Connect
    } else if e.is_body() || e.is_decode() {
        ErrorKind::Body
    } else {
        ErrorKind::Request
    };
    let mut message = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    FetchFailure {
        kind,
        message,
        http_status: e.status().map(|s| s.as_u16()),
        bytes: 0,
    }
}

impl Fetcher {
    pub fn new(cfg: &FetchConfig) -> Result<Fetcher, FeedsError> {
        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirect(Policy::limited(cfg.max_redirects))
            .user_agent(cfg.user_agent.clone())
            .build()
            .map_err(|e| FeedsError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            max_body: cfg.max_body_bytes,
        })
    }

    /// GETs `url`, sending the validators of the last successful fetch.
    pub async fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, FetchFailure> {
        let mut req = self.client.get(url);
        if let Some(e) = etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        if let Some(m) = last_modified {
            req = req.header(IF_MODIFIED_SINCE, m);
        }
        let mut res = req.send().await.map_err(|e| classify(&e))?;
        let status = res.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified {
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            return Err(FetchFailure {
                kind: ErrorKind::HttpStatus,
                message: format!("the server answered {status}"),
                http_status: Some(status.as_u16()),
                bytes: 0,
            });
        }
        let headers = res.headers();
        let announced = header(headers, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
        let too_large = |n: u64| FetchFailure {
            kind: ErrorKind::TooLarge,
            message: format!(
                "the body is larger than the {} bytes allowed ({n} bytes or more)",
                self.max_body
            ),
            http_status: Some(status.as_u16()),
            bytes: usize::try_from(n).unwrap_or(usize::MAX),
        };
        if let Some(n) = announced
            && n > self.max_body as u64
        {
            return Err(too_large(n));
        }
        let etag = header(headers, ETAG);
        let last_modified = header(headers, LAST_MODIFIED);
        let content_type = header(headers, CONTENT_TYPE);
        let final_url = res.url().to_string();
        let mut body = Vec::new();
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body {
                        return Err(too_large((body.len() + chunk.len()) as u64));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let mut f = classify(&e);
                    f.http_status = Some(status.as_u16());
                    f.bytes = body.len();
                    return Err(f);
                }
            }
        }
        Ok(Fetched::Body {
            status: status.as_u16(),
            body,
            etag,
            last_modified,
            content_type,
            final_url,
        })
    }
}
