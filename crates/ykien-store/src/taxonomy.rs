//! The topic taxonomy an organization edits (names, seed terms), versioned like models.
//!
//! Every save is a new numbered version holding the whole source text (the format of
//! `ykien_text::topics::Taxonomy::parse`); versions are never changed or deleted, so that a
//! topic retired from the taxonomy keeps its name for the items filed under it, and a bad
//! edit is undone by activating an older version. At most one version is active (a partial
//! unique index); none active means the taxonomy shipped with ykien.
//!
//! The store does not read the text: it has no dependency on ykien-text, so the caller
//! (`ykien_listen::learn`) validates it before saving and builds the topic model for it when
//! it is activated. The store only keeps the text, its history and who may change it.
//!
//! Who may change it: the taxonomy is organization-wide, so only administrators and leaders
//! of a city-level unit (one level below the root, like the working calendar), and the local
//! command line, may save or activate a version; everyone signed in may read it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use ykien_core::{Actor, Role};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// The largest taxonomy source accepted (the shipped one is about 20 KiB).
pub const MAX_TAXONOMY_BYTES: usize = 512 * 1024;

/// One stored version of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxonomyVersion {
    pub version: i64,
    /// The taxonomy text, as saved.
    pub source: String,
    /// What changed, in the editor's words.
    pub note: String,
    /// None: the system (command line).
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct TaxonomyDb {
    version: i64,
    source: String,
    note: String,
    created_by: Option<i64>,
    created_by_name: Option<String>,
    created_at: i64,
    active: bool,
}

impl From<TaxonomyDb> for TaxonomyVersion {
    fn from(r: TaxonomyDb) -> TaxonomyVersion {
        TaxonomyVersion {
            version: r.version,
            source: r.source,
            note: r.note,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: ts(r.created_at),
            active: r.active,
        }
    }
}

const SELECT: &str = "SELECT t.version, t.source, t.note, t.created_by, u.name AS created_by_name, \
    t.created_at, t.active FROM taxonomies t LEFT JOIN users u ON u.id = t.created_by";

/// Whether an actor may save and activate taxonomy versions: administrators and leaders of a
/// city-level unit (the taxonomy is the whole organization's).
pub fn may_edit_taxonomy(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Leader) && actor.unit_path.matches('/').count() <= 2
}

fn check_editor(actor: Option<&Actor>) -> Result<(), StoreError> {
    match actor {
        None => Ok(()),
        Some(a) if may_edit_taxonomy(a) => Ok(()),
        Some(_) => Err(StoreError::forbidden(
            "only an administrator or leader of the city may change the topic taxonomy",
        )),
    }
}

impl Store {
    /// Stores a new version of the taxonomy (not active yet), audited. The caller has checked
    /// that `source` parses as a taxonomy.
    pub async fn save_taxonomy(
        &self,
        actor: Option<&Actor>,
        source: &str,
        note: &str,
    ) -> Result<TaxonomyVersion, StoreError> {
        check_editor(actor)?;
        if source.trim().is_empty() {
            return Err(StoreError::invalid("the taxonomy is empty"));
        }
        if source.len() > MAX_TAXONOMY_BYTES {
            return Err(StoreError::invalid(format!(
                "the taxonomy is larger than {} KiB",
                MAX_TAXONOMY_BYTES / 1024
            )));
        }
        let note = note.trim();
        let by = actor.map(|a| a.user_id);
        let at = now();
        let version: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM taxonomies")
                .fetch_one(&mut *tx)
                .await?;
            let version = last.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO taxonomies (version, source, note, created_by, created_at, active) \
                 VALUES ($1, $2, $3, $4, $5, FALSE)",
            )
            .bind(version)
            .bind(source)
            .bind(note)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                by,
                "taxonomy.save",
                "taxonomy",
                version.to_string(),
                None::<String>,
                json!({ "version": version, "bytes": source.len(), "note": note })
            )?;
            tx.commit().await?;
            version
        });
        self.taxonomy_version(version)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Makes one stored version the active taxonomy (the previous one is deactivated),
    /// audited. Activating the active version again changes nothing and writes nothing.
    pub async fn activate_taxonomy(
        &self,
        actor: Option<&Actor>,
        version: i64,
    ) -> Result<(), StoreError> {
        check_editor(actor)?;
        let by = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<bool> =
                sqlx::query_scalar("SELECT active FROM taxonomies WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            match row {
                None => {
                    tx.rollback().await?;
                    return Err(StoreError::NotFound);
                }
                Some(true) => {
                    tx.rollback().await?;
                    return Ok(());
                }
                Some(false) => {}
            }
            let previous: Option<i64> =
                sqlx::query_scalar("SELECT version FROM taxonomies WHERE active")
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query("UPDATE taxonomies SET active = FALSE WHERE active")
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE taxonomies SET active = TRUE WHERE version = $1")
                .bind(version)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                by,
                "taxonomy.activate",
                "taxonomy",
                version.to_string(),
                None::<String>,
                json!({ "version": version, "previous": previous })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every stored version, newest first.
    pub async fn taxonomy_versions(&self) -> Result<Vec<TaxonomyVersion>, StoreError> {
        let sql = format!("{SELECT} ORDER BY t.version DESC");
        let rows: Vec<TaxonomyDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(TaxonomyVersion::from).collect())
    }

    /// One version.
    pub async fn taxonomy_version(
        &self,
        version: i64,
    ) -> Result<Option<TaxonomyVersion>, StoreError> {
        let sql = format!("{SELECT} WHERE t.version = $1");
        let row: Option<TaxonomyDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(version)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(TaxonomyVersion::from))
    }

    /// The active version; None: the shipped taxonomy is in use.
    pub async fn active_taxonomy(&self) -> Result<Option<TaxonomyVersion>, StoreError> {
        let sql = format!("{SELECT} WHERE t.active");
        let row: Option<TaxonomyDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(TaxonomyVersion::from))
    }

    /// The number of items per topic id in the actor's subtree (spam hidden, restricted items
    /// only for those who may know), for the taxonomy editor to show what each topic holds.
    /// Items not analysed yet are left out.
    pub async fn topic_counts(&self, actor: &Actor) -> Result<Vec<(String, i64)>, StoreError> {
        let (lo, hi) = actor.scope().range();
        let view = crate::items::View::of(Some(actor));
        Ok(db!(self, |pool| {
            sqlx::query_as(
                "SELECT i.topic, COUNT(*) FROM items i JOIN units un ON un.id = i.unit_id \
                 WHERE un.path >= $1 AND un.path < $2 AND NOT i.is_hidden \
                 AND i.topic IS NOT NULL \
                 AND (i.confidentiality = 'normal' OR $3 OR i.author_user_id = $4) \
                 GROUP BY i.topic ORDER BY i.topic",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(view.need_to_know)
            .bind(view.user_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
