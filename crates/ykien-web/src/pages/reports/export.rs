//! `GET /reports/{id}/export?format=docx|pdf|html`: the report as a file to send, named after
//! its period and unit ("bao-cao-2026-11-phuong-ba-dinh.docx", and the Vietnamese name for
//! browsers that read `filename*`). `GET /reports/document.css`: the document's own
//! stylesheet for the preview (a file, since the CSP forbids inline styles).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use ykien_docs::{DocsError, Format, RenderOptions};
use ykien_store::{Report, ReportKind};

use super::{days, document, load};
use crate::auth::Signed;
use crate::error::WebError;
use crate::state::AppState;

/// `GET /reports/document.css`.
pub async fn document_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        ykien_docs::html::CSS,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

/// The report's name as people read it: "Báo cáo 2026-11 Phường Ba Đình".
fn display_name(r: &Report) -> String {
    let (first, last) = days(r.from, r.to);
    let period = match r.kind {
        ReportKind::Month => first.format("%Y-%m").to_string(),
        ReportKind::Quarter => format!("{}-Q{}", first.year(), first.month0() / 3 + 1),
        ReportKind::Week => {
            let w = first.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        ReportKind::Custom if first == last => first.format("%Y-%m-%d").to_string(),
        ReportKind::Custom => format!("{} {}", first.format("%Y-%m-%d"), last.format("%Y-%m-%d")),
        ReportKind::Flash => match r.case_id {
            Some(c) => format!("nhanh vụ việc {c} {}", first.format("%Y-%m-%d")),
            None => format!("nhanh {}", first.format("%Y-%m-%d")),
        },
    };
    format!("Báo cáo {period} {}", r.unit_name)
}

/// An ASCII file name: folded (no diacritics, đ→d), lower case, words joined by '-'.
fn ascii_name(name: &str) -> String {
    let folded = ykien_text::fold::fold(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// RFC 8187 `attr-char`s kept, every other byte percent-encoded.
fn rfc8187(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn disposition(r: &Report, format: Format) -> String {
    let name = display_name(r);
    let ext = format.extension();
    format!(
        "attachment; filename=\"{}.{ext}\"; filename*=UTF-8''{}.{ext}",
        ascii_name(&name),
        rfc8187(&name)
    )
}

/// The address the request came to, for absolute figure links in DOCX and PDF.
fn base_url(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    let scheme = if state.secure_cookies(headers) {
        "https"
    } else {
        "http"
    };
    ok.then(|| format!("{scheme}://{host}"))
}

fn docs_error(e: DocsError) -> WebError {
    match e {
        DocsError::PdfDisabled => WebError::Unavailable(e.to_string()),
        e => WebError::Internal(e.to_string()),
    }
}

/// `GET /reports/{id}/export?format=…` (HTML when no format is named).
pub async fn export(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let r = load(&state, &signed, &id).await?;
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("") => Format::Html,
        Some(f) => Format::parse(f).ok_or_else(|| {
            WebError::BadRequest(format!("{f:?} is not a format (docx, pdf or html)"))
        })?,
    };
    let doc = document(&r)?;
    let opts = RenderOptions {
        base_url: base_url(&state, &headers),
        standalone: true,
    };
    // Typesetting a PDF takes a CPU for a moment: not on the async workers.
    let bytes = tokio::task::spawn_blocking(move || ykien_docs::render(&doc, format, &opts))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(docs_error)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition(&r, format)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if format == Format::Html {
        // The standalone page carries its own print styles, and nothing else may run.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            ),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_with_the_vietnamese_name_beside() {
        assert_eq!(
            ascii_name("Báo cáo 2026-11 Phường Ba Đình"),
            "bao-cao-2026-11-phuong-ba-dinh"
        );
        assert_eq!(ascii_name("  Báo cáo — Q4 "), "bao-cao-q4");
        assert_eq!(rfc8187("Báo cáo"), "B%C3%A1o%20c%C3%A1o");
    }
}
