//! Items: what ykien hears (a collaborator's report, a citizen's feedback, an imported
//! comment, a feed entry). The original text is stored untouched; the analysis pipeline
//! (crate `ykien-listen`) adds its reading later, through [`crate::jobs`].
//!
//! Who sees what, enforced here for every read:
//! - the item's unit must lie in the actor's subtree (otherwise: not found);
//! - a `restricted` item (need-to-know) is visible to admins, leaders and officers of that
//!   subtree, and to its own author; to everyone else it does not exist;
//! - personal data is masked for roles that need not see it: viewers and editors always,
//!   collaborators on items they did not write. Masking uses `text_masked`, a copy of the
//!   text with the personal-data spans of the analysis masked, computed by the pipeline
//!   (the store cannot read Vietnamese: it does not depend on ykien-text). Until an item is
//!   analyzed no masked copy exists, so the text is withheld from those roles (empty, with
//!   `masked` set); the author's contact and the analysis are withheld from them too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ykien_core::{Actor, Permission, Role, UnitId};

use crate::db::{BeginWrite, Db, db};
use crate::group_commit::{GroupCommit, Waiting};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// How an item reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A collaborator's or officer's report filed in the web form.
    Form,
    /// Feedback sent by a citizen.
    Citizen,
    Api,
    /// Bulk import (CSV, XLSX, JSONL).
    Import,
    /// RSS/Atom feeds and watched web pages.
    Feed,
    Email,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Form,
        Channel::Citizen,
        Channel::Api,
        Channel::Import,
        Channel::Feed,
        Channel::Email,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Form => "form",
            Channel::Citizen => "citizen",
            Channel::Api => "api",
            Channel::Import => "import",
            Channel::Feed => "feed",
            Channel::Email => "email",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Channel, StoreError> {
        let t = s.trim();
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown channel {t:?} (expected one of: form, citizen, api, import, feed, \
                     email, other)"
                ))
            })
    }
}

/// Need-to-know: a restricted item is seen by officers and above (and its author) only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidentiality {
    #[default]
    Normal,
    Restricted,
}

impl Confidentiality {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidentiality::Normal => "normal",
            Confidentiality::Restricted => "restricted",
        }
    }

    pub fn parse(s: &str) -> Result<Confidentiality, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" | "" => Ok(Confidentiality::Normal),
            "restricted" => Ok(Confidentiality::Restricted),
            other => Err(StoreError::invalid(format!(
                "unknown confidentiality {other:?} (expected normal or restricted)"
            ))),
        }
    }
}

/// Where the opinion was heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Heard {
    InPerson,
    Online,
}

impl Heard {
    pub fn as_str(self) -> &'static str {
        match self {
            Heard::InPerson => "in_person",
            Heard::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Result<Heard, StoreError> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "in_person" | "offline" | "truc_tiep" => Ok(Heard::InPerson),
            "online" | "truc_tuyen" => Ok(Heard::Online),
            other => Err(StoreError::invalid(format!(
                "unknown value {other:?} for heard (expected in_person or online)"
            ))),
        }
    }
}

/// The fields of a public-opinion report (báo cáo dư luận xã hội), all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionReport {
    /// Field or topic as the reporter names it.
    pub topic_hint: Option<String>,
    pub locality: Option<String>,
    /// Who is concerned (residents of an area, traders, pensioners…).
    pub population: Option<String>,
    pub intensity: Option<String>,
    pub trend: Option<String>,
    pub heard: Option<Heard>,
    pub quotes: Option<String>,
    pub proposed_handling: Option<String>,
}

/// Input for [`Store::submit_item`].
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Unit id as typed ("00004"); unknown → Invalid (system) or NotFound (actor).
    pub unit: String,
    /// Where it came from: a form, a fanpage export, a feed URL… Part of the idempotency key.
    pub source: String,
    pub channel: Channel,
    /// The source's own id, when it has one: a second submission with the same
    /// (source, external_id) adds nothing.
    pub external_id: Option<String>,
    pub author_user_id: Option<i64>,
    /// A contact given by a non-user (phone, e-mail, name): personal data.
    pub author_contact: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The original text, stored byte for byte.
    pub text: String,
    pub title: Option<String>,
    pub report: OpinionReport,
    pub confidentiality: Confidentiality,
    /// The text as the caller's normalizer reads it (NFC, one tone placement); its SHA-256
    /// with the source makes the second idempotency key, so the same text re-sent without
    /// an id adds nothing. Empty: the original text with runs of whitespace collapsed.
    pub dedup_text: String,
}

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Submitted {
    pub id: i64,
    /// False: the same item (same external id or same content from the same source) was
    /// already there, and nothing was written.
    pub created: bool,
}

/// An item as an actor may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub source: String,
    pub channel: String,
    pub external_id: Option<String>,
    pub author_user_id: Option<i64>,
    /// None when masked for this actor.
    pub author_contact: Option<String>,
    pub received_at: DateTime<Utc>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The original text, or its masked copy when `masked` (empty while none exists yet).
    pub text: String,
    /// Personal data was masked (or the text withheld) for this actor.
    pub masked: bool,
    pub title: Option<String>,
    pub report: OpinionReport,
    pub confidentiality: String,
    /// "pending", "analyzed" or "failed".
    pub status: String,
    /// Why the analysis failed.
    pub status_reason: Option<String>,
    /// The pipeline's reading (JSON); None until analyzed, or when masked.
    pub analysis: Option<serde_json::Value>,
    pub language: Option<String>,
    pub spam_label: Option<String>,
    pub spam_score: Option<f64>,
    pub sentiment: Option<String>,
    pub topic: Option<String>,
    /// Spam is kept but hidden from lists and searches by default.
    pub is_hidden: bool,
}

macro_rules! item_select {
    () => {
        "SELECT i.id, i.unit_id, un.name AS unit_name, un.path AS unit_path, i.source, i.channel, \
         i.external_id, i.author_user_id, i.author_contact, i.received_at, i.occurred_at, i.text, \
         i.text_masked, i.title, i.topic_hint, i.locality, i.population, i.intensity, i.trend, \
         i.heard, i.quotes, i.proposed_handling, i.confidentiality, i.status, i.status_reason, \
         i.analysis, i.language, i.spam_label, i.spam_score, i.sentiment, i.topic, i.is_hidden"
    };
}
pub(crate) use item_select;

#[derive(sqlx::FromRow)]
pub(crate) struct ItemDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    pub(crate) unit_path: String,
    source: String,
    channel: String,
    external_id: Option<String>,
    pub(crate) author_user_id: Option<i64>,
    author_contact: Option<String>,
    received_at: i64,
    occurred_at: Option<i64>,
    text: String,
    text_masked: Option<String>,
    title: Option<String>,
    topic_hint: Option<String>,
    locality: Option<String>,
    population: Option<String>,
    intensity: Option<String>,
    trend: Option<String>,
    heard: Option<String>,
    quotes: Option<String>,
    proposed_handling: Option<String>,
    pub(crate) confidentiality: String,
    status: String,
    status_reason: Option<String>,
    analysis: Option<String>,
    language: Option<String>,
    spam_label: Option<String>,
    spam_score: Option<f64>,
    sentiment: Option<String>,
    topic: Option<String>,
    is_hidden: bool,
}

/// How an actor may see items: the answer to "is this one visible?" and "masked?".
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    /// None: the system, which sees everything unmasked.
    pub(crate) user_id: Option<i64>,
    /// Sees restricted items of its subtree.
    pub(crate) need_to_know: bool,
    /// Sees personal data in items it did not write.
    pub(crate) sees_pii: bool,
}

impl View {
    pub(crate) fn of(actor: Option<&Actor>) -> View {
        match actor {
            None => View {
                user_id: None,
                need_to_know: true,
                sees_pii: true,
            },
            Some(a) => View {
                user_id: Some(a.user_id),
                need_to_know: matches!(a.role, Role::Admin | Role::Leader | Role::Officer),
                sees_pii: matches!(a.role, Role::Admin | Role::Leader | Role::Officer),
            },
        }
    }

    fn own(&self, r: &ItemDb) -> bool {
        self.user_id.is_some() && r.author_user_id == self.user_id
    }

    pub(crate) fn visible(&self, r: &ItemDb) -> bool {
        r.confidentiality == "normal" || self.need_to_know || self.own(r)
    }

    pub(crate) fn masks(&self, r: &ItemDb) -> bool {
        !(self.sees_pii || self.own(r))
    }
}

fn opt_ts(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.map(ts)
}

impl ItemDb {
    pub(crate) fn into_item(self, view: &View) -> Item {
        let masked = view.masks(&self);
        let heard = self.heard.as_deref().and_then(|h| Heard::parse(h).ok());
        let (text, author_contact, analysis) = if masked {
            (self.text_masked.unwrap_or_default(), None, None)
        } else {
            (
                self.text,
                self.author_contact,
                self.analysis
                    .as_deref()
                    .and_then(|a| serde_json::from_str(a).ok()),
            )
        };
        Item {
            id: self.id,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            source: self.source,
            channel: self.channel,
            external_id: self.external_id,
            author_user_id: self.author_user_id,
            author_contact,
            received_at: ts(self.received_at),
            occurred_at: opt_ts(self.occurred_at),
            text,
            masked,
            title: self.title,
            report: OpinionReport {
                topic_hint: self.topic_hint,
                locality: self.locality,
                population: self.population,
                intensity: self.intensity,
                trend: self.trend,
                heard,
                quotes: self.quotes,
                proposed_handling: self.proposed_handling,
            },
            confidentiality: self.confidentiality,
            status: self.status,
            status_reason: self.status_reason,
            analysis,
            language: self.language,
            spam_label: self.spam_label,
            spam_score: self.spam_score,
            sentiment: self.sentiment,
            topic: self.topic,
            is_hidden: self.is_hidden,
        }
    }
}

/// SHA-256 (hex) of the source and the dedup text, separated so that no two pairs collide.
pub fn content_hash(source: &str, dedup_text: &str) -> String {
    let mut h = Sha256::new();
    h.update(source.as_bytes());
    h.update([0u8]);
    h.update(dedup_text.as_bytes());
    hex::encode(h.finalize())
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Longest text accepted (bytes): a long article, not a book.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// The job kind the pipeline runs on every new item.
pub const ANALYZE_JOB: &str = "analyze";

/// A single item waiting for its group's transaction: the item, who files it, when.
type Queued = (Prepared, Option<Actor>, i64);

/// Single items of this store waiting to be written together.
pub(crate) type IntakeQueue = GroupCommit<Queued, Result<Submitted, StoreError>>;

/// An item checked, with its unit resolved: what [`insert_many!`] writes.
pub(crate) struct Prepared {
    unit_id: String,
    unit_path: String,
    source: String,
    channel: &'static str,
    external_id: Option<String>,
    hash: String,
    author_user_id: Option<i64>,
    author_contact: Option<String>,
    occurred_at: Option<i64>,
    text: String,
    title: Option<String>,
    topic_hint: Option<String>,
    locality: Option<String>,
    population: Option<String>,
    intensity: Option<String>,
    trend: Option<String>,
    heard: Option<&'static str>,
    quotes: Option<String>,
    proposed: Option<String>,
    confidentiality: &'static str,
}

/// Items written per statement by [`insert_many!`]: 21 values a row, well under the
/// bind-parameter limits of both backends.
const INSERT_CHUNK: usize = 256;

/// Writes prepared items, each with its analysis job and audit row, in the open transaction
/// `tx`: `Ok(created)`, `Ok(not created)` for an item already there (nothing written), or
/// `Err(conflict)` when that item lies outside the actor's scope. Three statements per chunk
/// instead of three per item (items, jobs, audit): on SQLite every statement is a round
/// trip to the connection's thread, and under load those, not the rows, were the cost.
/// `insert_many!(tx, rows: &[(&Prepared, Option<&Actor>, i64)])` → one answer per row, in
/// order; database errors leave the enclosing block with `?`.
///
/// Which rows were created is read from `RETURNING (source, content_hash)`: a row is created
/// only if no earlier row (stored before, or earlier in this statement) has its source and
/// content or its source and external id, so the first row of each such key is the one
/// created, as if they had been written one after another.
macro_rules! insert_many {
    ($tx:expr, $rows:expr) => {{
        let rows: &[(&Prepared, Option<&Actor>, i64)] = $rows;
        let mut out: Vec<Option<Result<Submitted, StoreError>>> =
            (0..rows.len()).map(|_| None).collect();
        for (c, chunk) in rows.chunks(INSERT_CHUNK).enumerate() {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO items (unit_id, source, channel, external_id, content_hash, \
                 author_user_id, author_contact, received_at, occurred_at, text, title, \
                 topic_hint, locality, population, intensity, trend, heard, quotes, \
                 proposed_handling, confidentiality, status) ",
            );
            qb.push_values(chunk, |mut b, &(p, _, at)| {
                b.push_bind(p.unit_id.clone())
                    .push_bind(p.source.clone())
                    .push_bind(p.channel)
                    .push_bind(p.external_id.clone())
                    .push_bind(p.hash.clone())
                    .push_bind(p.author_user_id)
                    .push_bind(p.author_contact.clone())
                    .push_bind(at)
                    .push_bind(p.occurred_at)
                    .push_bind(p.text.clone())
                    .push_bind(p.title.clone())
                    .push_bind(p.topic_hint.clone())
                    .push_bind(p.locality.clone())
                    .push_bind(p.population.clone())
                    .push_bind(p.intensity.clone())
                    .push_bind(p.trend.clone())
                    .push_bind(p.heard)
                    .push_bind(p.quotes.clone())
                    .push_bind(p.proposed.clone())
                    .push_bind(p.confidentiality)
                    .push_bind("pending");
            });
            qb.push(" ON CONFLICT DO NOTHING RETURNING id, source, content_hash");
            let created: Vec<(i64, String, String)> =
                qb.build_query_as().fetch_all(&mut *$tx).await?;
            let mut ids: std::collections::HashMap<(String, String), i64> = created
                .into_iter()
                .map(|(id, source, hash)| ((source, hash), id))
                .collect();
            let mut fresh: Vec<(i64, &Prepared, Option<&Actor>, i64)> = Vec::new();
            for (i, &(p, actor, at)) in chunk.iter().enumerate() {
                if let Some(id) = ids.remove(&(p.source.clone(), p.hash.clone())) {
                    out[c * INSERT_CHUNK + i] = Some(Ok(Submitted { id, created: true }));
                    fresh.push((id, p, actor, at));
                }
            }
            for (i, &(p, actor, _)) in chunk.iter().enumerate() {
                if out[c * INSERT_CHUNK + i].is_some() {
                    continue;
                }
                let existing: Option<(i64, String)> = sqlx::query_as(
                    "SELECT i.id, un.path FROM items i JOIN units un ON un.id = i.unit_id \
                     WHERE i.source = $1 AND (i.external_id = $2 OR i.content_hash = $3) \
                     ORDER BY i.id LIMIT 1",
                )
                .bind(&p.source)
                .bind(&p.external_id)
                .bind(&p.hash)
                .fetch_optional(&mut *$tx)
                .await?;
                out[c * INSERT_CHUNK + i] = Some(match (existing, actor) {
                    (Some((id, path)), Some(a)) if a.scope().contains(&path) => {
                        Ok(Submitted { id, created: false })
                    }
                    (Some((id, _)), None) => Ok(Submitted { id, created: false }),
                    _ => Err(StoreError::conflict(
                        "this item was already received from the same source",
                    )),
                });
            }
            if !fresh.is_empty() {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO jobs (kind, item_id, state, attempts, run_at, created_at, \
                     updated_at) ",
                );
                qb.push_values(&fresh, |mut b, &(id, _, _, at)| {
                    b.push_bind(ANALYZE_JOB)
                        .push_bind(id)
                        .push_bind("queued")
                        .push_bind(0_i64)
                        .push_bind(at)
                        .push_bind(at)
                        .push_bind(at);
                });
                qb.build().execute(&mut *$tx).await?;
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (at, actor_user_id, action, entity, entity_id, \
                     unit_path, details) ",
                );
                let audit_at = now();
                qb.push_values(&fresh, |mut b, &(id, p, actor, _)| {
                    b.push_bind(audit_at)
                        .push_bind(actor.map(|a| a.user_id))
                        .push_bind("item.create")
                        .push_bind("item")
                        .push_bind(id.to_string())
                        .push_bind(Some(p.unit_path.clone()))
                        .push_bind(
                            json!({
                                "unit": p.unit_id, "source": p.source, "channel": p.channel,
                                "external_id": p.external_id,
                                "confidentiality": p.confidentiality, "content_hash": p.hash,
                            })
                            .to_string(),
                        );
                });
                qb.build().execute(&mut *$tx).await?;
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(StoreError::Database("no answer".into()))))
            .collect::<Vec<Result<Submitted, StoreError>>>()
    }};
}

impl Store {
    /// Stores a new item and queues its analysis, in one transaction with its audit row.
    /// Idempotent: an item with the same (source, external id) or the same (source, content)
    /// is not stored twice; the existing id is returned with `created: false`.
    ///
    /// The system (`None`) may file anywhere; an actor files in its own subtree and needs a
    /// role that reports (not viewers).
    pub async fn submit_item(
        &self,
        actor: Option<&Actor>,
        new: NewItem,
    ) -> Result<Submitted, StoreError> {
        let p = self.prepare_item(actor, new).await?;
        let at = now();
        if matches!(self.db, Db::Sqlite(_)) {
            // Many reporters at once on SQLite's single writer: written in groups.
            let store = self.clone();
            return self
                .intake
                .submit((p, actor.cloned(), at), move |group| async move {
                    store.write_group(group).await
                })
                .await
                .unwrap_or_else(|| {
                    Err(StoreError::Interrupted {
                        reason: "the write was cut short; the item may not be stored".into(),
                    })
                });
        }
        self.insert_one(&p, actor, at).await
    }

    /// One item in a transaction of its own.
    async fn insert_one(
        &self,
        p: &Prepared,
        actor: Option<&Actor>,
        at: i64,
    ) -> Result<Submitted, StoreError> {
        let outcome: Result<Submitted, StoreError> = db!(self, |pool| {
            async {
                let mut tx = pool.begin_write().await?;
                let r = insert_many!(tx, &[(p, actor, at)])
                    .pop()
                    .unwrap_or_else(|| Err(StoreError::Database("no answer".into())));
                if matches!(r, Ok(Submitted { created: true, .. })) {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                r
            }
            .await
        });
        outcome
    }

    /// Writes a group of single items in one transaction and answers each. Should the
    /// database refuse the transaction, each item is tried alone, so that one bad row fails
    /// only itself.
    async fn write_group(&self, group: Vec<Waiting<Queued, Result<Submitted, StoreError>>>) {
        let outcome: Result<Vec<Result<Submitted, StoreError>>, StoreError> = db!(self, |pool| {
            async {
                let mut tx = pool.begin_write().await?;
                let rows: Vec<(&Prepared, Option<&Actor>, i64)> = group
                    .iter()
                    .map(|((p, actor, at), _)| (p, actor.as_ref(), *at))
                    .collect();
                let out = insert_many!(tx, &rows);
                tx.commit().await?;
                Ok(out)
            }
            .await
        });
        match outcome {
            Ok(out) => {
                for ((_, reply), r) in group.into_iter().zip(out) {
                    let _ = reply.send(r);
                }
            }
            Err(e) if group.len() == 1 => {
                if let Some((_, reply)) = group.into_iter().next() {
                    let _ = reply.send(Err(e));
                }
            }
            Err(_) => {
                for ((p, actor, at), reply) in group {
                    let _ = reply.send(self.insert_one(&p, actor.as_ref(), at).await);
                }
            }
        }
    }

    /// Stores many items as [`Store::submit_item`] does each, but in one transaction: one
    /// write lock and one commit for the lot, which is what lets a batch through the API go
    /// as fast as the disk allows on SQLite's single writer. Each item has its own answer
    /// (an item that is refused costs only itself); the outer error is the database's, and
    /// then nothing was stored.
    pub async fn submit_items(
        &self,
        actor: Option<&Actor>,
        items: Vec<NewItem>,
    ) -> Result<Vec<Result<Submitted, StoreError>>, StoreError> {
        let mut prepared = Vec::with_capacity(items.len());
        for new in items {
            prepared.push(self.prepare_item(actor, new).await);
        }
        if prepared.iter().all(Result::is_err) {
            return Ok(prepared
                .into_iter()
                .map(|p| p.map(|_| unreachable!()))
                .collect());
        }
        let at = now();
        // Each refused item keeps its place in the answer; the others are written together.
        let mut answers: Vec<Option<Result<Submitted, StoreError>>> = Vec::new();
        let mut valid = Vec::new();
        for p in prepared {
            match p {
                Ok(p) => {
                    answers.push(None);
                    valid.push(p);
                }
                Err(e) => answers.push(Some(Err(e))),
            }
        }
        let stored: Result<Vec<Result<Submitted, StoreError>>, StoreError> = db!(self, |pool| {
            async {
                let mut tx = pool.begin_write().await?;
                let rows: Vec<(&Prepared, Option<&Actor>, i64)> =
                    valid.iter().map(|p| (p, actor, at)).collect();
                let out = insert_many!(tx, &rows);
                tx.commit().await?;
                Ok(out)
            }
            .await
        });
        let mut stored = stored?.into_iter();
        Ok(answers
            .into_iter()
            .map(|a| {
                a.or_else(|| stored.next())
                    .unwrap_or_else(|| Err(StoreError::Database("no answer".into())))
            })
            .collect())
    }

    /// Checks an item and resolves its unit (scope and role included), before any write.
    async fn prepare_item(
        &self,
        actor: Option<&Actor>,
        new: NewItem,
    ) -> Result<Prepared, StoreError> {
        let text = new.text;
        if text.trim().is_empty() {
            return Err(StoreError::invalid("an item needs a text"));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(StoreError::invalid(format!(
                "the text is too long ({} bytes; at most {MAX_TEXT_BYTES})",
                text.len()
            )));
        }
        let source = new.source.trim().to_string();
        if source.is_empty() || source.chars().count() > 200 {
            return Err(StoreError::invalid(
                "an item needs a source of 1 to 200 characters",
            ));
        }
        let external_id = trimmed(&new.external_id);
        let unit_id = new.unit.trim();
        let unit = self
            .unit_to_file_under(
                actor,
                unit_id,
                Permission::Report,
                "file items under a current unit",
                "filing items",
            )
            .await?;
        // An actor files in its own name; only the system may name another author.
        let author_user_id = match actor {
            Some(a) => Some(a.user_id),
            None => new.author_user_id,
        };
        let dedup = if new.dedup_text.trim().is_empty() {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            new.dedup_text.clone()
        };
        let hash = content_hash(&source, &dedup);
        let r = &new.report;
        Ok(Prepared {
            unit_id: unit.id,
            unit_path: unit.path,
            source,
            channel: new.channel.as_str(),
            external_id,
            hash,
            author_user_id,
            author_contact: trimmed(&new.author_contact),
            occurred_at: new.occurred_at.map(|t| t.timestamp()),
            text,
            title: trimmed(&new.title),
            topic_hint: trimmed(&r.topic_hint),
            locality: trimmed(&r.locality),
            population: trimmed(&r.population),
            intensity: trimmed(&r.intensity),
            trend: trimmed(&r.trend),
            heard: r.heard.map(Heard::as_str),
            quotes: trimmed(&r.quotes),
            proposed: trimmed(&r.proposed_handling),
            confidentiality: new.confidentiality.as_str(),
        })
    }

    pub(crate) async fn item_raw(&self, id: i64) -> Result<Option<ItemDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(
                item_select!(),
                " FROM items i JOIN units un ON un.id = i.unit_id WHERE i.id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// One item as the actor may see it (masked where its role needs no personal data).
    /// Out of scope, or restricted and not need-to-know: not found.
    pub async fn item(&self, actor: Option<&Actor>, id: i64) -> Result<Item, StoreError> {
        let r = self.item_raw(id).await?.ok_or(StoreError::NotFound)?;
        let view = View::of(actor);
        if let Some(a) = actor
            && !a.scope().contains(&r.unit_path)
        {
            return Err(StoreError::NotFound);
        }
        if !view.visible(&r) {
            return Err(StoreError::NotFound);
        }
        Ok(r.into_item(&view))
    }

    /// Items of the actor's subtree, newest first, spam hidden unless asked for.
    pub async fn list_items(
        &self,
        actor: Option<&Actor>,
        include_hidden: bool,
        limit: u32,
    ) -> Result<Vec<Item>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let view = View::of(actor);
        let rows: Vec<ItemDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                item_select!(),
                " FROM items i JOIN units un ON un.id = i.unit_id \
                 WHERE un.path >= $1 AND un.path < $2 AND ($3 OR NOT i.is_hidden) \
                 AND (i.confidentiality = 'normal' OR $4 OR i.author_user_id = $5) \
                 ORDER BY i.received_at DESC, i.id DESC LIMIT $6"
            ))
            .bind(&lo)
            .bind(&hi)
            .bind(include_hidden)
            .bind(view.need_to_know)
            .bind(view.user_id)
            .bind(i64::from(limit.clamp(1, 10_000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|r| r.into_item(&view)).collect())
    }
}
