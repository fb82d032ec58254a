//! Photos attached to items. The bytes are stored once per content in the data directory
//! (`attachments/ab/<sha256>.<ext>`, written to a temporary file and renamed into place, so
//! a reader never sees half a file and a crash leaves no torn one); the `attachments` table
//! says which item holds which file.
//!
//! Only images are accepted, and the type is decided here by the file's first bytes, never
//! by the name or the type the client claims: a text file renamed `.jpg` is refused, and an
//! SVG (which can carry script) is not an image for us. An attachment is seen exactly as its
//! item is: out of scope or need-to-know, it does not exist.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use ykien_core::{Actor, Permission, Role, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::items::View;
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// Default largest photo (bytes): a phone photo at full resolution fits.
pub const DEFAULT_MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Default most photos per item.
pub const DEFAULT_MAX_PHOTOS_PER_ITEM: u32 = 5;

/// The media type of an image, from its first bytes; None for anything we do not take.
/// JPEG, PNG, GIF, WebP, and the HEIF family (HEIC from iPhones, AVIF).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 {
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                Some("image/heic")
            }
            b"avif" | b"avis" => Some("image/avif"),
            _ => None,
        };
    }
    None
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "image/avif" => "avif",
        _ => "bin",
    }
}

/// A photo of an item, as its readers may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub item_id: i64,
    /// 1-based number of the photo within its item (the `{n}` of its URL).
    pub n: i64,
    /// Decided from the bytes when it was stored.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    /// The name the uploader's device gave it; shown, never used as a path.
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    file_name: String,
}

#[derive(sqlx::FromRow)]
struct AttachmentDb {
    item_id: i64,
    position: i64,
    media_type: String,
    size: i64,
    sha256: String,
    file_name: String,
    original_name: Option<String>,
    created_at: i64,
}

impl From<AttachmentDb> for Attachment {
    fn from(r: AttachmentDb) -> Self {
        Attachment {
            item_id: r.item_id,
            n: r.position,
            media_type: r.media_type,
            size: r.size,
            sha256: r.sha256,
            original_name: r.original_name,
            created_at: ts(r.created_at),
            file_name: r.file_name,
        }
    }
}

/// Input for [`Store::attach`].
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub item_id: i64,
    pub bytes: &'a [u8],
    pub original_name: Option<String>,
    /// Largest accepted size (bytes); the web layer refuses larger uploads before this.
    pub max_bytes: usize,
    pub max_per_item: u32,
}

const SELECT: &str = "SELECT item_id, position, media_type, size, sha256, file_name, \
    original_name, created_at FROM attachments";

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target.
pub(crate) async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use tokio::io::AsyncWriteExt;
    let dir = path
        .parent()
        .ok_or_else(|| StoreError::invalid("a file path needs a directory"))?;
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 8]>())
    ));
    let written = async {
        let mut f = tokio::fs::File::create(&tmp).await?;
        f.write_all(bytes).await?;
        f.sync_all().await?;
        drop(f);
        tokio::fs::rename(&tmp, path).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    Ok(written?)
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where a content-addressed file lives under the data directory (relative path).
pub(crate) fn content_path(kind: &str, sha: &str, ext: &str) -> String {
    format!("{kind}/{}/{sha}.{ext}", &sha[..2])
}

/// Stores `bytes` under `files` at its content address unless it is already there.
pub(crate) async fn store_content(
    files: &Path,
    rel: &str,
    bytes: &[u8],
) -> Result<PathBuf, StoreError> {
    let path = files.join(rel);
    let same = match tokio::fs::metadata(&path).await {
        Ok(m) => m.len() == bytes.len() as u64,
        Err(_) => false,
    };
    if !same {
        write_atomically(&path, bytes).await?;
    }
    Ok(path)
}

impl Store {
    /// Attaches a photo to an item: the item must be visible to the actor, and the actor its
    /// author or an officer, editor, leader or admin of its unit (collaborators attach to
    /// their own reports only; viewers never). The same photo sent again is not stored twice:
    /// the existing attachment is returned with `false`.
    pub async fn attach(
        &self,
        actor: Option<&Actor>,
        files: &Path,
        new: NewAttachment<'_>,
    ) -> Result<(Attachment, bool), StoreError> {
        let r = self
            .item_raw(new.item_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let view = View::of(actor);
        if let Some(a) = actor {
            if !a.scope().contains(&r.unit_path) || !view.visible(&r) {
                return Err(StoreError::NotFound);
            }
            let own = r.author_user_id == Some(a.user_id);
            let may =
                own || (can(a, Permission::Report, &r.unit_path) && a.role != Role::Collaborator);
            if !may {
                return Err(StoreError::forbidden("attaching photos to this item"));
            }
        }
        if new.bytes.len() > new.max_bytes {
            return Err(StoreError::invalid(format!(
                "the photo is too large ({} bytes; at most {})",
                new.bytes.len(),
                new.max_bytes
            )));
        }
        let media_type = sniff_image(new.bytes).ok_or_else(|| {
            StoreError::invalid("the file is not a photo (JPEG, PNG, WebP, GIF or HEIC)")
        })?;
        let sha = sha256_hex(new.bytes);
        let rel = content_path("attachments", &sha, extension(media_type));
        // The file first: a row never points at a missing file. A file without a row (the
        // transaction below failed) is harmless and is reused by the next upload of it.
        store_content(files, &rel, new.bytes).await?;
        let original = new
            .original_name
            .as_deref()
            .map(|n| n.trim().chars().take(200).collect::<String>())
            .filter(|n| !n.is_empty());
        let size = new.bytes.len() as i64;
        let item_id = new.item_id;
        let actor_id = actor.map(|a| a.user_id);
        let max = i64::from(new.max_per_item);
        let unit_path = r.unit_path.clone();
        let at = now();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let existing: Option<AttachmentDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE item_id = $1 AND sha256 = $2"
            )))
            .bind(item_id)
            .bind(&sha)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(e) = existing {
                tx.rollback().await?;
                return Ok((e.into(), false));
            }
            let (count, last): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(position) FROM attachments WHERE item_id = $1",
            )
            .bind(item_id)
            .fetch_one(&mut *tx)
            .await?;
            if count >= max {
                tx.rollback().await?;
                return Err(StoreError::invalid(format!(
                    "this item already has {count} photos (at most {max})"
                )));
            }
            let n = last.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO attachments (item_id, position, media_type, size, sha256, \
                 file_name, original_name, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(item_id)
            .bind(n)
            .bind(media_type)
            .bind(size)
            .bind(&sha)
            .bind(&rel)
            .bind(&original)
            .bind(actor_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "attachment.create",
                "item",
                item_id.to_string(),
                Some(unit_path),
                json!({ "n": n, "media_type": media_type, "size": size, "sha256": sha })
            )?;
            tx.commit().await?;
            Ok((
                Attachment {
                    item_id,
                    n,
                    media_type: media_type.to_string(),
                    size,
                    sha256: sha,
                    original_name: original,
                    created_at: ts(at),
                    file_name: rel,
                },
                true,
            ))
        })
    }

    /// The photos of an item the actor may see, in order.
    pub async fn attachments(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
    ) -> Result<Vec<Attachment>, StoreError> {
        self.item(actor, item_id).await?;
        let rows: Vec<AttachmentDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE item_id = $1 ORDER BY position"
            )))
            .bind(item_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Attachment::from).collect())
    }

    /// Photo `n` of an item and its bytes, read from `files` (the data directory).
    pub async fn attachment_file(
        &self,
        actor: Option<&Actor>,
        files: &Path,
        item_id: i64,
        n: i64,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        self.item(actor, item_id).await?;
        let row: Option<AttachmentDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE item_id = $1 AND position = $2"
            )))
            .bind(item_id)
            .bind(n)
            .fetch_optional(pool)
            .await?
        });
        let a: Attachment = row.ok_or(StoreError::NotFound)?.into();
        let bytes = tokio::fs::read(files.join(&a.file_name)).await?;
        Ok((a, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_bytes_only() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff_image(png), Some("image/png"));
        assert_eq!(
            sniff_image(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01"),
            Some("image/jpeg")
        );
        assert_eq!(sniff_image(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            sniff_image(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Some("image/heic")
        );
        assert_eq!(sniff_image(b"GIF89a\x01\0\x01\0\0\0"), Some("image/gif"));
        assert_eq!(sniff_image(b"Not a photo, just text."), None);
        assert_eq!(
            sniff_image(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"),
            None
        );
        assert_eq!(sniff_image(b"\0\0\0\x18ftypmp42\0\0\0\0"), None, "a video");
        assert_eq!(sniff_image(b"\xFF\xD8"), None, "too short");
    }

    #[tokio::test]
    async fn files_are_written_whole_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let sha = sha256_hex(b"abc");
        let rel = content_path("attachments", &sha, "png");
        let p = store_content(dir.path(), &rel, b"abc").await.unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        store_content(dir.path(), &rel, b"abc").await.unwrap();
        let left: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }
}
