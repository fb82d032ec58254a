//! Officers' corrections: when an officer says an item's topic, sentiment, spam verdict or
//! places are wrong, the correction is kept as a label (item, field, old value, new value,
//! who, when) and applied to the item at once, so that lists, searches and alerts read the
//! officer's value.
//!
//! A label outranks the pipeline: when an item is analyzed again, [`reapply_labels!`] runs in
//! the same transaction as the new analysis and puts every field's newest label back, so a
//! re-analysis never overwrites an officer's word. The labels also feed retraining (see
//! `ykien_listen::learn`), which reads them with [`Store::labelled_texts`].
//!
//! Who may label: the item must be visible to the actor (its subtree, need-to-know for
//! restricted items: otherwise not found), and the actor's role must handle items
//! (`Permission::Handle`: admins, leaders, officers; otherwise forbidden).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use ykien_core::{Actor, Permission, can};

use crate::audit::audit;
use crate::db::{BeginWrite, Db, db};
use crate::items::View;
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// What a label corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelField {
    /// A topic id of the taxonomy, or "other".
    Topic,
    /// "negative", "neutral" or "positive".
    Sentiment,
    /// "none" (not spam: shown again), "gambling", "advertising" or "other" (hidden).
    Spam,
    /// The units the item is about: a JSON array of unit ids.
    Places,
}

/// Sentiment labels the pipeline writes (ykien_text::sentiment::SentimentLabel codes).
pub const SENTIMENT_VALUES: [&str; 3] = ["negative", "neutral", "positive"];
/// Spam labels the pipeline writes (ykien_text::spam::SpamLabel codes); "none" is not spam.
pub const SPAM_VALUES: [&str; 4] = ["none", "gambling", "advertising", "other"];

impl LabelField {
    pub const ALL: [LabelField; 4] = [
        LabelField::Topic,
        LabelField::Sentiment,
        LabelField::Spam,
        LabelField::Places,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LabelField::Topic => "topic",
            LabelField::Sentiment => "sentiment",
            LabelField::Spam => "spam",
            LabelField::Places => "places",
        }
    }

    pub fn parse(s: &str) -> Result<LabelField, StoreError> {
        let t = s.trim();
        LabelField::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown label field {t:?} (expected topic, sentiment, spam or places)"
                ))
            })
    }
}

/// The value of a new label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelValue {
    /// Topic id, sentiment or spam code.
    Code(String),
    /// Unit ids (places).
    Units(Vec<String>),
}

/// One stored label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub id: i64,
    pub item_id: i64,
    pub field: String,
    /// What the item said before (None: nothing yet, e.g. not analyzed).
    pub old_value: Option<String>,
    pub new_value: String,
    /// None: the system.
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// An item's text with the newest label of one field, for training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledText {
    pub item_id: i64,
    /// The original text.
    pub text: String,
    pub value: String,
    /// The label's id (newer labels have larger ids).
    pub label_id: i64,
}

#[derive(sqlx::FromRow)]
struct LabelDb {
    id: i64,
    item_id: i64,
    field: String,
    old_value: Option<String>,
    new_value: String,
    actor_user_id: Option<i64>,
    actor_name: Option<String>,
    at: i64,
}

impl From<LabelDb> for Label {
    fn from(r: LabelDb) -> Label {
        Label {
            id: r.id,
            item_id: r.item_id,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            actor_user_id: r.actor_user_id,
            actor_name: r.actor_name,
            at: ts(r.at),
        }
    }
}

const LABEL_SELECT: &str = "SELECT l.id, l.item_id, l.field, l.old_value, l.new_value, \
    l.actor_user_id, u.name AS actor_name, l.at FROM labels l \
    LEFT JOIN users u ON u.id = l.actor_user_id";

/// The newest label of each field of one item.
pub(crate) const LATEST_LABELS: &str = "SELECT field, new_value FROM labels WHERE id IN \
    (SELECT MAX(id) FROM labels WHERE item_id = $1 GROUP BY field) ORDER BY id";

/// Writes one label's value onto its item, on a transaction:
/// `apply_label!(tx, item_id: i64, field: &str, value: &str)` → `Result<(), sqlx::Error>`.
/// Places: the item's places become exactly the listed units; places the pipeline found
/// keep their spans, units the officer added get an empty span (0..0).
macro_rules! apply_label {
    ($tx:expr, $item:expr, $field:expr, $value:expr) => {
        async {
            let (item, field, value): (i64, &str, &str) = ($item, $field, $value);
            match field {
                "topic" => {
                    sqlx::query("UPDATE items SET topic = $1 WHERE id = $2")
                        .bind(value)
                        .bind(item)
                        .execute(&mut *$tx)
                        .await?;
                }
                "sentiment" => {
                    sqlx::query("UPDATE items SET sentiment = $1 WHERE id = $2")
                        .bind(value)
                        .bind(item)
                        .execute(&mut *$tx)
                        .await?;
                }
                "spam" => {
                    sqlx::query("UPDATE items SET spam_label = $1, is_hidden = $2 WHERE id = $3")
                        .bind(value)
                        .bind(value != "none")
                        .bind(item)
                        .execute(&mut *$tx)
                        .await?;
                }
                "places" => {
                    let units: Vec<String> = serde_json::from_str(value).unwrap_or_default();
                    let have: Vec<String> = sqlx::query_scalar(
                        "SELECT DISTINCT unit_id FROM item_places WHERE item_id = $1",
                    )
                    .bind(item)
                    .fetch_all(&mut *$tx)
                    .await?;
                    for h in have.iter().filter(|h| !units.contains(h)) {
                        sqlx::query("DELETE FROM item_places WHERE item_id = $1 AND unit_id = $2")
                            .bind(item)
                            .bind(h)
                            .execute(&mut *$tx)
                            .await?;
                    }
                    for u in units.iter().filter(|u| !have.contains(u)) {
                        sqlx::query(
                            "INSERT INTO item_places (item_id, unit_id, span_start, span_end) \
                             SELECT $1, id, 0, 0 FROM units WHERE id = $2 ON CONFLICT DO NOTHING",
                        )
                        .bind(item)
                        .bind(u)
                        .execute(&mut *$tx)
                        .await?;
                    }
                }
                _ => {}
            }
            Ok::<(), sqlx::Error>(())
        }
        .await
    };
}
pub(crate) use apply_label;

/// Puts the newest label of every field back onto an item, on the transaction that has just
/// written a fresh analysis: `reapply_labels!(tx, item_id: i64)` → `Result<(), sqlx::Error>`.
macro_rules! reapply_labels {
    ($tx:expr, $item:expr) => {
        async {
            let item: i64 = $item;
            let latest: Vec<(String, String)> = sqlx::query_as($crate::labels::LATEST_LABELS)
                .bind(item)
                .fetch_all(&mut *$tx)
                .await?;
            for (field, value) in &latest {
                $crate::labels::apply_label!($tx, item, field.as_str(), value.as_str())?;
            }
            Ok::<(), sqlx::Error>(())
        }
        .await
    };
}
pub(crate) use reapply_labels;

/// A topic id as the taxonomy writes them ("land", "traffic_urban", "other"). The store
/// cannot read the taxonomy (it does not depend on ykien-text); callers check membership.
fn valid_topic_id(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_lowercase())
        && s.len() <= 64
        && cs.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads the item's row for update: on PostgreSQL the row is locked, so that a concurrent
/// analysis either finishes before the label (and the label sees its values) or waits for it
/// (and puts the label back); SQLite's write transaction already serializes the two.
const CURRENT_SQLITE: &str = "SELECT topic, sentiment, spam_label FROM items WHERE id = $1";
const CURRENT_POSTGRES: &str =
    "SELECT topic, sentiment, spam_label FROM items WHERE id = $1 FOR UPDATE";

impl Store {
    /// Records an officer's correction of one field of an item and applies it, in one
    /// transaction with its audit row. Returns the stored label.
    ///
    /// Out of scope, restricted and not need-to-know, or missing: not found. A role that does
    /// not handle items: forbidden. A value of the wrong form: invalid. Labelling a field with
    /// the value it already has is stored too (an officer's confirmation is a label).
    pub async fn add_label(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
        field: LabelField,
        value: LabelValue,
    ) -> Result<Label, StoreError> {
        let r = self.item_raw(item_id).await?.ok_or(StoreError::NotFound)?;
        let view = View::of(actor);
        if let Some(a) = actor {
            if !a.scope().contains(&r.unit_path) || !view.visible(&r) {
                return Err(StoreError::NotFound);
            }
            if !can(a, Permission::Handle, &r.unit_path) {
                return Err(StoreError::forbidden("correcting items"));
            }
        }
        let new_value = self.label_value(field, value).await?;
        let path = r.unit_path.clone();
        let actor_id = actor.map(|a| a.user_id);
        let at = now();
        let current = match &self.db {
            Db::Sqlite(_) => CURRENT_SQLITE,
            Db::Postgres(_) => CURRENT_POSTGRES,
        };
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<(Option<String>, Option<String>, Option<String>)> =
                sqlx::query_as(current)
                    .bind(item_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((topic, sentiment, spam)) = row else {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            };
            let old_value = match field {
                LabelField::Topic => topic,
                LabelField::Sentiment => sentiment,
                LabelField::Spam => spam,
                LabelField::Places => {
                    let mut units: Vec<String> = sqlx::query_scalar(
                        "SELECT DISTINCT unit_id FROM item_places WHERE item_id = $1",
                    )
                    .bind(item_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    units.sort();
                    Some(serde_json::to_string(&units).unwrap_or_default())
                }
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO labels (item_id, field, old_value, new_value, actor_user_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(item_id)
            .bind(field.as_str())
            .bind(&old_value)
            .bind(&new_value)
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            apply_label!(tx, item_id, field.as_str(), new_value.as_str())?;
            audit!(
                tx,
                actor_id,
                "item.label",
                "item",
                item_id.to_string(),
                Some(path),
                json!({ "label": id, "field": field.as_str(), "old": old_value, "new": new_value })
            )?;
            tx.commit().await?;
            id
        });
        let mut labels = self.labels_where("l.id = $1", id).await?;
        labels.pop().ok_or(StoreError::NotFound)
    }

    /// Checks a label's value and puts it in its stored form.
    async fn label_value(
        &self,
        field: LabelField,
        value: LabelValue,
    ) -> Result<String, StoreError> {
        match (field, value) {
            (LabelField::Places, LabelValue::Units(units)) => {
                let mut ids: Vec<String> = units.iter().map(|u| u.trim().to_string()).collect();
                ids.sort();
                ids.dedup();
                if ids.len() > 50 {
                    return Err(StoreError::invalid("at most 50 places per item"));
                }
                for id in &ids {
                    if self.unit_raw(id).await?.is_none() {
                        return Err(StoreError::invalid(format!("unknown unit {id:?}")));
                    }
                }
                Ok(serde_json::to_string(&ids).unwrap_or_default())
            }
            (LabelField::Places, LabelValue::Code(_)) => Err(StoreError::invalid(
                "places are given as a list of unit ids",
            )),
            (_, LabelValue::Units(_)) => Err(StoreError::invalid(format!(
                "{} is given as one value, not a list",
                field.as_str()
            ))),
            (LabelField::Topic, LabelValue::Code(c)) => {
                let c = c.trim().to_string();
                if valid_topic_id(&c) {
                    Ok(c)
                } else {
                    Err(StoreError::invalid(format!("{c:?} is not a topic id")))
                }
            }
            (LabelField::Sentiment, LabelValue::Code(c)) => {
                let c = c.trim().to_ascii_lowercase();
                if SENTIMENT_VALUES.contains(&c.as_str()) {
                    Ok(c)
                } else {
                    Err(StoreError::invalid(format!(
                        "unknown sentiment {c:?} (expected negative, neutral or positive)"
                    )))
                }
            }
            (LabelField::Spam, LabelValue::Code(c)) => {
                let c = c.trim().to_ascii_lowercase();
                if SPAM_VALUES.contains(&c.as_str()) {
                    Ok(c)
                } else {
                    Err(StoreError::invalid(format!(
                        "unknown spam label {c:?} (expected none, gambling, advertising or other)"
                    )))
                }
            }
        }
    }

    async fn labels_where(&self, cond: &str, arg: i64) -> Result<Vec<Label>, StoreError> {
        let sql = format!("{LABEL_SELECT} WHERE {cond} ORDER BY l.id");
        let rows: Vec<LabelDb> = db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(arg)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(Label::from).collect())
    }

    /// An item's labels, oldest first, for whoever may see the item.
    pub async fn item_labels(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
    ) -> Result<Vec<Label>, StoreError> {
        // Scoped exactly like reading the item.
        self.item(actor, item_id).await?;
        self.labels_where("l.item_id = $1", item_id).await
    }

    /// Labels with an id above `after`, oldest first, at most `limit`, in the actor's subtree
    /// (restricted items only for need-to-know roles); the system sees all. For exports.
    pub async fn labels_after(
        &self,
        actor: Option<&Actor>,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Label>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let view = View::of(actor);
        let rows: Vec<LabelDb> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT l.id, l.item_id, l.field, l.old_value, l.new_value, l.actor_user_id, \
                 u.name AS actor_name, l.at FROM labels l \
                 JOIN items i ON i.id = l.item_id JOIN units un ON un.id = i.unit_id \
                 LEFT JOIN users u ON u.id = l.actor_user_id \
                 WHERE l.id > $1 AND un.path >= $2 AND un.path < $3 \
                 AND (i.confidentiality = 'normal' OR $4 OR i.author_user_id = $5) \
                 ORDER BY l.id LIMIT $6",
            )
            .bind(after)
            .bind(&lo)
            .bind(&hi)
            .bind(view.need_to_know)
            .bind(view.user_id)
            .bind(i64::from(limit.clamp(1, 100_000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Label::from).collect())
    }

    /// Every item's newest label of `field` with the item's original text, oldest label
    /// first. For the system's retraining only (it reads every unit's items).
    pub async fn labelled_texts(&self, field: LabelField) -> Result<Vec<LabelledText>, StoreError> {
        let rows: Vec<(i64, String, String, i64)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT l.item_id, i.text, l.new_value, l.id FROM labels l \
                 JOIN items i ON i.id = l.item_id \
                 WHERE l.id IN (SELECT MAX(id) FROM labels WHERE field = $1 GROUP BY item_id) \
                 ORDER BY l.id",
            )
            .bind(field.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(item_id, text, value, label_id)| LabelledText {
                item_id,
                text,
                value,
                label_id,
            })
            .collect())
    }

    /// The newest label id of a field (0 when none): "labels since the last model".
    pub async fn last_label_id(&self, field: LabelField) -> Result<i64, StoreError> {
        let id: Option<i64> = db!(self, |pool| {
            sqlx::query_scalar("SELECT MAX(id) FROM labels WHERE field = $1")
                .bind(field.as_str())
                .fetch_one(pool)
                .await?
        });
        Ok(id.unwrap_or(0))
    }

    /// Labels of a field with an id above `after`.
    pub async fn labels_since(&self, field: LabelField, after: i64) -> Result<i64, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM labels WHERE field = $1 AND id > $2")
                .bind(field.as_str())
                .bind(after)
                .fetch_one(pool)
                .await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_and_fields() {
        assert!(valid_topic_id("traffic_urban"));
        assert!(valid_topic_id("other"));
        assert!(!valid_topic_id("Đất"));
        assert!(!valid_topic_id("1abc"));
        assert!(!valid_topic_id(""));
        assert_eq!(LabelField::parse(" Topic ").unwrap(), LabelField::Topic);
        assert!(LabelField::parse("author").is_err());
    }
}
