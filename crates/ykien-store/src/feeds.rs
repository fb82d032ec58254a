//! Feed sources and the record of their fetches.
//!
//! A source (an RSS or Atom feed, a web page whose main text becomes an item, or a watched
//! page of the organization's own site) is filed under a unit: officers (handlers) of that
//! unit's subtree add and remove it; everyone in the subtree may list it and read its fetch
//! history; outside the subtree it does not exist (not found). Adding and removing are audited
//! in the same transaction.
//!
//! The poller (crate `ykien-feeds`) works as the system: it *leases* due sources
//! (`locked_until`, `locked_by` = a per-claim token), so that pollers in several processes on
//! one PostgreSQL database never fetch the same source at once (`FOR UPDATE SKIP LOCKED`; on
//! SQLite the claim is one `UPDATE … RETURNING` under the single-writer lock). A poller that
//! dies leaves its lease to run out. Finishing a fetch writes the fetch row and the source's
//! new state (validators, next due time, failures, snapshot) in one transaction, and only while
//! the lease is still the caller's.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, Db, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// What a source is, which decides what a fetch does with the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Rss,
    Atom,
    /// A web page: its main text becomes an item when it changes.
    Page,
    /// A page of the organization's own site: a change that brings in spam raises an alert.
    Watch,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Rss,
        SourceKind::Atom,
        SourceKind::Page,
        SourceKind::Watch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Rss => "rss",
            SourceKind::Atom => "atom",
            SourceKind::Page => "page",
            SourceKind::Watch => "watch",
        }
    }

    pub fn parse(s: &str) -> Result<SourceKind, StoreError> {
        let t = s.trim();
        SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown source kind {t:?} (expected one of: rss, atom, page, watch)"
                ))
            })
    }

    /// RSS and Atom are both parsed as feeds (the parser tells them apart itself).
    pub fn is_feed(self) -> bool {
        matches!(self, SourceKind::Rss | SourceKind::Atom)
    }
}

/// Input for [`Store::add_source`].
#[derive(Debug, Clone)]
pub struct NewSource {
    /// Unit id as typed; unknown → Invalid (system) or NotFound (actor).
    pub unit: String,
    pub kind: SourceKind,
    /// An absolute http:// or https:// URL.
    pub url: String,
    /// Unique; also the `source` of the items the feed brings in.
    pub name: String,
    pub poll_interval: Duration,
}

/// A source as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub kind: SourceKind,
    pub url: String,
    pub name: String,
    pub poll_interval_secs: i64,
    pub enabled: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: DateTime<Utc>,
    pub consecutive_failures: i64,
    /// The last fetch's outcome: "ok", "not_modified", or the error kind.
    pub last_status: Option<String>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A source leased to a poller, with what the fetch needs.
#[derive(Debug, Clone)]
pub struct ClaimedSource {
    pub source: Source,
    /// The claim's token: finishing the fetch needs it.
    pub lease: String,
    /// The unit's path, for scoping alerts raised by the fetch.
    pub unit_path: String,
    /// A watched page's text at its last fetch.
    pub snapshot_text: Option<String>,
    pub snapshot_hash: Option<String>,
}

/// How a fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchOutcome {
    Ok,
    /// 304: the validators matched, nothing was downloaded.
    NotModified,
    Error,
}

impl FetchOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FetchOutcome::Ok => "ok",
            FetchOutcome::NotModified => "not_modified",
            FetchOutcome::Error => "error",
        }
    }
}

/// What a poller reports after a fetch: the fetch row and the source's next state.
#[derive(Debug, Clone)]
pub struct FetchResult {
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<i64>,
    pub bytes: i64,
    pub outcome: FetchOutcome,
    /// "timeout", "connect", "redirect", "http_status", "too_large", "body", "parse", …
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub items_found: i64,
    pub items_added: i64,
    /// The validators to send next time (the caller keeps the old ones when nothing new came).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: DateTime<Utc>,
    pub consecutive_failures: i64,
    /// A watched page's new text and its hash; None leaves the snapshot as it was.
    pub snapshot: Option<(String, String)>,
}

/// One fetch as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fetch {
    pub id: i64,
    pub source_id: i64,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub http_status: Option<i64>,
    pub bytes: i64,
    /// "ok", "not_modified" or "error".
    pub outcome: String,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub items_found: i64,
    pub items_added: i64,
}

#[derive(sqlx::FromRow)]
struct FetchDb {
    id: i64,
    source_id: i64,
    started_at: i64,
    duration_ms: i64,
    http_status: Option<i64>,
    bytes: i64,
    outcome: String,
    error_kind: Option<String>,
    error_message: Option<String>,
    items_found: i64,
    items_added: i64,
}

macro_rules! source_select {
    () => {
        "SELECT s.id, s.unit_id, un.name AS unit_name, un.path AS unit_path, s.kind, s.url, \
         s.name, s.poll_interval_secs, s.enabled, s.etag, s.last_modified, s.next_fetch_at, \
         s.consecutive_failures, s.last_status, s.last_fetched_at, s.created_at, \
         s.snapshot_text, s.snapshot_hash, s.locked_by \
         FROM sources s JOIN units un ON un.id = s.unit_id"
    };
}

#[derive(sqlx::FromRow)]
struct SourceDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    kind: String,
    url: String,
    name: String,
    poll_interval_secs: i64,
    enabled: bool,
    etag: Option<String>,
    last_modified: Option<String>,
    next_fetch_at: i64,
    consecutive_failures: i64,
    last_status: Option<String>,
    last_fetched_at: Option<i64>,
    created_at: i64,
    snapshot_text: Option<String>,
    snapshot_hash: Option<String>,
    locked_by: Option<String>,
}

impl SourceDb {
    fn source(&self) -> Source {
        Source {
            id: self.id,
            unit: UnitId(self.unit_id.clone()),
            unit_name: self.unit_name.clone(),
            kind: SourceKind::parse(&self.kind).unwrap_or(SourceKind::Page),
            url: self.url.clone(),
            name: self.name.clone(),
            poll_interval_secs: self.poll_interval_secs,
            enabled: self.enabled,
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            next_fetch_at: ts(self.next_fetch_at),
            consecutive_failures: self.consecutive_failures,
            last_status: self.last_status.clone(),
            last_fetched_at: self.last_fetched_at.map(ts),
            created_at: ts(self.created_at),
        }
    }

    fn claimed(self) -> ClaimedSource {
        ClaimedSource {
            source: self.source(),
            lease: self.locked_by.unwrap_or_default(),
            unit_path: self.unit_path,
            snapshot_text: self.snapshot_text,
            snapshot_hash: self.snapshot_hash,
        }
    }
}

/// Longest URL accepted: real feed URLs are short; a huge one is a mistake or an attack.
const MAX_URL: usize = 2000;
/// Polling more often than once a minute is rude to the site; less than monthly is useless.
const MIN_INTERVAL: u64 = 60;
const MAX_INTERVAL: u64 = 30 * 24 * 3600;

fn check_url(url: &str) -> Result<String, StoreError> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && u.len() <= MAX_URL => {}
        _ => {
            return Err(StoreError::invalid(format!(
                "{u:?} is not an absolute http:// or https:// URL of at most {MAX_URL} characters"
            )));
        }
    }
    if u.chars().any(char::is_whitespace) {
        return Err(StoreError::invalid(format!(
            "the URL {u:?} contains spaces"
        )));
    }
    Ok(u.to_string())
}

fn lease_token() -> String {
    use rand::Rng;
    let bytes: [u8; 12] = rand::rng().random();
    hex::encode(bytes)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Error texts are shown to officers and kept per fetch: short.
fn short(s: &str) -> String {
    const MAX: usize = 1000;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

const CLAIM_SQLITE: &str = "UPDATE sources SET locked_until = $1, locked_by = $2 \
    WHERE id IN (SELECT id FROM sources WHERE enabled AND next_fetch_at <= $3 \
    AND (locked_until IS NULL OR locked_until < $3) ORDER BY next_fetch_at, id LIMIT $4) \
    RETURNING id";

const CLAIM_POSTGRES: &str = "UPDATE sources SET locked_until = $1, locked_by = $2 \
    WHERE id IN (SELECT id FROM sources WHERE enabled AND next_fetch_at <= $3 \
    AND (locked_until IS NULL OR locked_until < $3) ORDER BY next_fetch_at, id LIMIT $4 \
    FOR UPDATE SKIP LOCKED) \
    RETURNING id";

impl Store {
    /// Registers a source, due at once, audited. The actor needs to handle (officers and
    /// above) in the unit's subtree; the system may file anywhere.
    pub async fn add_source(
        &self,
        actor: Option<&Actor>,
        new: NewSource,
    ) -> Result<Source, StoreError> {
        let url = check_url(&new.url)?;
        let name = new.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid(
                "a source needs a name of 1 to 200 characters",
            ));
        }
        let every = new.poll_interval.as_secs();
        if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&every) {
            return Err(StoreError::invalid(format!(
                "the polling interval must be between {MIN_INTERVAL} s and 30 days"
            )));
        }
        let unit = self
            .unit_to_file_under(
                actor,
                new.unit.trim(),
                Permission::Handle,
                "register sources under a current unit",
                "registering feed sources",
            )
            .await?;
        let at = now();
        let kind = new.kind.as_str();
        let actor_id = actor.map(|a| a.user_id);
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sources (unit_id, kind, url, name, poll_interval_secs, enabled, \
                 next_fetch_at, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $6) RETURNING id",
            )
            .bind(&unit.id)
            .bind(kind)
            .bind(&url)
            .bind(&name)
            .bind(every as i64)
            .bind(at)
            .bind(actor_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict { .. } => StoreError::conflict(
                    "a source with this name, or with this URL and kind in this unit, exists",
                ),
                other => other,
            })?;
            audit!(
                tx,
                actor_id,
                "source.create",
                "source",
                id.to_string(),
                Some(unit.path.clone()),
                json!({ "unit": unit.id, "kind": kind, "url": url, "name": name,
                        "poll_interval_secs": every })
            )?;
            tx.commit().await?;
            id
        });
        self.source_raw(id)
            .await?
            .map(|r| r.source())
            .ok_or(StoreError::NotFound)
    }

    async fn source_raw(&self, id: i64) -> Result<Option<SourceDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(source_select!(), " WHERE s.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// A source the actor may see (its subtree); otherwise not found.
    async fn source_in_scope(
        &self,
        actor: Option<&Actor>,
        id: i64,
    ) -> Result<SourceDb, StoreError> {
        let r = self.source_raw(id).await?.ok_or(StoreError::NotFound)?;
        if let Some(a) = actor
            && !a.scope().contains(&r.unit_path)
        {
            return Err(StoreError::NotFound);
        }
        Ok(r)
    }

    /// One source, as the actor may see it.
    pub async fn source(&self, actor: Option<&Actor>, id: i64) -> Result<Source, StoreError> {
        Ok(self.source_in_scope(actor, id).await?.source())
    }

    /// The sources of the actor's subtree (all of them for the system), by name.
    pub async fn list_sources(&self, actor: Option<&Actor>) -> Result<Vec<Source>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let rows: Vec<SourceDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                source_select!(),
                " WHERE un.path >= $1 AND un.path < $2 ORDER BY s.name, s.id"
            ))
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.iter().map(SourceDb::source).collect())
    }

    /// Removes a source and its fetch history (the items it brought in stay), audited.
    pub async fn remove_source(&self, actor: Option<&Actor>, id: i64) -> Result<(), StoreError> {
        let r = self.source_in_scope(actor, id).await?;
        if let Some(a) = actor
            && !can(a, Permission::Handle, &r.unit_path)
        {
            return Err(StoreError::forbidden("removing feed sources"));
        }
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("DELETE FROM sources WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            }
            audit!(
                tx,
                actor_id,
                "source.delete",
                "source",
                id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "unit": r.unit_id, "kind": r.kind, "url": r.url, "name": r.name })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The last `limit` fetches of a source the actor may see, newest first.
    pub async fn fetch_history(
        &self,
        actor: Option<&Actor>,
        source_id: i64,
        limit: u32,
    ) -> Result<Vec<Fetch>, StoreError> {
        self.source_in_scope(actor, source_id).await?;
        let rows: Vec<FetchDb> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, source_id, started_at, duration_ms, http_status, bytes, outcome, \
                 error_kind, error_message, items_found, items_added FROM fetches \
                 WHERE source_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(source_id)
            .bind(i64::from(limit.clamp(1, 10_000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|f| Fetch {
                id: f.id,
                source_id: f.source_id,
                started_at: ts(f.started_at),
                duration_ms: f.duration_ms,
                http_status: f.http_status,
                bytes: f.bytes,
                outcome: f.outcome,
                error_kind: f.error_kind,
                error_message: f.error_message,
                items_found: f.items_found,
                items_added: f.items_added,
            })
            .collect())
    }

    /// Leases up to `limit` due sources (enabled, due, not leased by a live poller) for
    /// `lease`. The system's call: the poller.
    pub async fn claim_due_sources(
        &self,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedSource>, StoreError> {
        let at = now();
        let until = at.saturating_add(secs(lease).max(1));
        let token = lease_token();
        let limit = i64::from(limit.clamp(1, 1000));
        let ids: Vec<i64> = match &self.db {
            Db::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                let r = sqlx::query_scalar(CLAIM_SQLITE)
                    .bind(until)
                    .bind(&token)
                    .bind(at)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                r
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(CLAIM_POSTGRES)
                    .bind(until)
                    .bind(&token)
                    .bind(at)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<SourceDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                source_select!(),
                " WHERE s.locked_by = $1 ORDER BY s.next_fetch_at, s.id"
            ))
            .bind(&token)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(SourceDb::claimed).collect())
    }

    /// Leases one source now, due or not ("fetch now"), unless a live poller holds it (then
    /// None). Disabled sources are leased too: asking by id is deliberate.
    pub async fn claim_source(
        &self,
        id: i64,
        lease: Duration,
    ) -> Result<Option<ClaimedSource>, StoreError> {
        let at = now();
        let until = at.saturating_add(secs(lease).max(1));
        let token = lease_token();
        let n = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE sources SET locked_until = $1, locked_by = $2 \
                 WHERE id = $3 AND (locked_until IS NULL OR locked_until < $4)",
            )
            .bind(until)
            .bind(&token)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n
        });
        if n == 0 {
            return match self.source_raw(id).await? {
                Some(_) => Ok(None),
                None => Err(StoreError::NotFound),
            };
        }
        Ok(self.source_raw(id).await?.map(SourceDb::claimed))
    }

    /// Records a fetch and the source's next state, and releases the lease, in one
    /// transaction. The fetch row is written even when the lease was lost (the fetch did
    /// happen); the state is then left to the poller that holds it now, and false returned.
    pub async fn finish_fetch(
        &self,
        claimed: &ClaimedSource,
        r: &FetchResult,
    ) -> Result<bool, StoreError> {
        let status = match r.outcome {
            FetchOutcome::Error => r.error_kind.clone().unwrap_or_else(|| "error".into()),
            o => o.as_str().to_string(),
        };
        let message = r.error_message.as_deref().map(short);
        let (snap_text, snap_hash) = match &r.snapshot {
            Some((t, h)) => (Some(t.as_str()), Some(h.as_str())),
            None => (None, None),
        };
        let held = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO fetches (source_id, started_at, duration_ms, http_status, bytes, \
                 outcome, error_kind, error_message, items_found, items_added) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(claimed.source.id)
            .bind(r.started_at.timestamp())
            .bind(r.duration_ms)
            .bind(r.http_status)
            .bind(r.bytes)
            .bind(r.outcome.as_str())
            .bind(&r.error_kind)
            .bind(&message)
            .bind(r.items_found)
            .bind(r.items_added)
            .execute(&mut *tx)
            .await?;
            let n = sqlx::query(
                "UPDATE sources SET locked_until = NULL, locked_by = NULL, etag = $1, \
                 last_modified = $2, next_fetch_at = $3, consecutive_failures = $4, \
                 last_status = $5, last_fetched_at = $6, \
                 snapshot_text = COALESCE($7, snapshot_text), \
                 snapshot_hash = COALESCE($8, snapshot_hash) \
                 WHERE id = $9 AND locked_by = $10",
            )
            .bind(&r.etag)
            .bind(&r.last_modified)
            .bind(r.next_fetch_at.timestamp())
            .bind(r.consecutive_failures)
            .bind(&status)
            .bind(r.started_at.timestamp())
            .bind(snap_text)
            .bind(snap_hash)
            .bind(claimed.source.id)
            .bind(&claimed.lease)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        });
        Ok(held)
    }
}
