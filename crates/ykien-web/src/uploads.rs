//! Uploads: multipart forms read with limits. Photos and import files are read field by
//! field, in chunks, so a file beyond its limit is noticed without holding it whole; the
//! rest of an oversized body is still read (up to a hard cap) so that the client, still
//! sending, receives our answer instead of a reset connection.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

use crate::error::WebError;

/// Limits of uploaded files; set in the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_photo_bytes: usize,
    pub max_photos_per_item: u32,
    pub max_import_bytes: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_photo_bytes: ykien_store::DEFAULT_MAX_PHOTO_BYTES,
            max_photos_per_item: ykien_store::DEFAULT_MAX_PHOTOS_PER_ITEM,
            max_import_bytes: ykien_store::DEFAULT_MAX_IMPORT_BYTES,
        }
    }
}

/// Largest text field of a multipart form (a report of 10,000 characters fits).
const MAX_TEXT_FIELD: usize = 128 * 1024;

/// Most text fields in a multipart form (ours have a handful).
const MAX_FIELDS: usize = 32;

/// One file of a multipart form.
#[derive(Debug)]
pub struct UploadedFile {
    pub field: String,
    /// The name the client gave it (shown, never used as a path).
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A multipart form: its text fields and its files (empty file inputs left out).
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: HashMap<String, String>,
    pub files: Vec<UploadedFile>,
    /// Some file was beyond this limit (or there were too many files) and was left out; the
    /// text fields are all there, so a form can be shown again with what was typed.
    pub too_large: Option<usize>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Why an upload was refused.
#[derive(Debug)]
pub enum UploadError {
    /// A file beyond `limit` bytes (or more files than allowed).
    TooLarge { limit: usize },
    /// Not a multipart form we can read.
    Malformed(String),
}

/// Whether the request carries a multipart body.
pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads a multipart form: each file at most `max_file` bytes, at most `max_files` files
/// (a file beyond them is left out and noted in `too_large`). An error only when the form
/// cannot be read at all, or goes on far beyond the limit.
pub async fn read(req: Request, max_file: usize, max_files: usize) -> Result<Upload, UploadError> {
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| UploadError::Malformed(e.body_text()))?;
    let mut out = Upload::default();
    // Bytes read beyond a limit, drained so the client gets our answer; past this, give up.
    let drain_cap = max_file.saturating_mul(2).max(1 << 20);
    let mut drained = 0usize;
    // The whole form: every file at its limit, the text fields, and some slack.
    let total_cap = max_file
        .saturating_mul(max_files.max(1))
        .saturating_add(MAX_FIELDS * MAX_TEXT_FIELD);
    let mut total = 0usize;
    let mut fields = 0usize;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                if out.too_large.is_some() {
                    break;
                }
                return Err(UploadError::Malformed(e.body_text()));
            }
        };
        fields += 1;
        if fields > MAX_FIELDS + max_files {
            return Err(UploadError::Malformed("too many fields in the form".into()));
        }
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let is_file = file_name.is_some();
        let limit = if is_file { max_file } else { MAX_TEXT_FIELD };
        let mut field = field;
        let mut buf = Vec::new();
        let mut over = false;
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    total += c.len();
                    if total > total_cap.saturating_add(drain_cap) {
                        return Err(UploadError::TooLarge { limit });
                    }
                    if over || buf.len() + c.len() > limit {
                        over = true;
                        drained += c.len();
                        if drained > drain_cap {
                            return Err(UploadError::TooLarge { limit });
                        }
                    } else {
                        buf.extend_from_slice(&c);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    if over {
                        return Err(UploadError::TooLarge { limit });
                    }
                    return Err(UploadError::Malformed(e.body_text()));
                }
            }
        }
        if over {
            out.too_large.get_or_insert(limit);
            continue;
        }
        if is_file {
            // A file input left empty still sends a part, with no name and no bytes.
            if buf.is_empty() && file_name.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            if out.files.len() >= max_files {
                out.too_large.get_or_insert(max_file);
                continue;
            }
            out.files.push(UploadedFile {
                field: name,
                name: file_name.filter(|n| !n.is_empty()),
                bytes: buf,
            });
        } else {
            let text = String::from_utf8(buf)
                .map_err(|_| UploadError::Malformed(format!("field {name} is not UTF-8")))?;
            out.fields.insert(name, text);
        }
    }
    Ok(out)
}

/// An upload error as the API answers it.
pub fn rejected(e: UploadError) -> crate::intake::Rejected {
    match e {
        UploadError::TooLarge { limit } => crate::intake::Rejected::TooLarge(format!(
            "a file is larger than {}, or there are too many files",
            human_size(limit)
        )),
        UploadError::Malformed(m) => WebError::BadRequest(m).into(),
    }
}

/// "10 MB", "512 KB": a size as people read it.
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes / (1 << 20))
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes / (1 << 10))
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(10), "10 B");
    }
}
