//! Full-text search over items with the database's own index: FTS5 on SQLite, a `tsvector`
//! ('simple' configuration) with a GIN index on PostgreSQL.
//!
//! Both index `items.search_text`, which the pipeline computes with ykien-text (normalized,
//! segmented, folded: "thuy phuong … thuy_phuong …"), and the caller passes the query
//! prepared the same way, so that both sides agree on what a word is. A query is a list of
//! words separated by spaces, a segmented word's syllables joined by "_"; every word must
//! occur. A one-syllable word matches that syllable; a multi-syllable word matches either
//! the segmented token ("thuy_phuong") or its syllables next to each other ("thuy phuong"),
//! so the two backends (PostgreSQL's parser splits at "_", FTS5 here does not) and two
//! different segmentations of the query and of the text still find the same items.
//!
//! Every search is confined to the actor's subtree and honours restricted items and masking
//! exactly like [`Store::item`]; spam is left out unless asked for.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ykien_core::Actor;

use crate::db::Db;
use crate::items::{Item, ItemDb, View, item_select};
use crate::{Store, StoreError};

/// What to look for, and where.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Folded, segmented words ("thuy_phuong ngap"), as the pipeline's query preparation
    /// gives them.
    pub terms: String,
    /// Narrow to this unit's subtree (it must lie within the actor's).
    pub unit: Option<String>,
    pub topic: Option<String>,
    pub sentiment: Option<String>,
    pub source: Option<String>,
    pub channel: Option<String>,
    /// Items that happened (or, lacking that, were received) at or after this time…
    pub from: Option<DateTime<Utc>>,
    /// …and before this one.
    pub to: Option<DateTime<Utc>>,
    /// Include items hidden as spam.
    pub include_spam: bool,
    /// At most this many hits (1..=1000; 0 means 50).
    pub limit: u32,
}

/// One result, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub item: Item,
    /// Relevance, higher is better (bm25 negated on SQLite, ts_rank on PostgreSQL): only the
    /// order within one result list means anything.
    pub score: f64,
}

/// The query words, cleaned to letters, digits and "_" (nothing the index syntax could read
/// as an operator), each split into its syllables.
pub fn query_words(terms: &str) -> Vec<Vec<String>> {
    terms
        .split_whitespace()
        .map(|w| {
            w.split('_')
                .map(|s| {
                    s.chars()
                        .filter(|c| c.is_alphanumeric())
                        .flat_map(char::to_lowercase)
                        .collect::<String>()
                })
                .filter(|s| !s.is_empty())
                .collect::<Vec<String>>()
        })
        .filter(|w| !w.is_empty())
        .take(32)
        .collect()
}

/// FTS5 MATCH expression: `"a" AND ("b_c" OR "b c")`.
pub(crate) fn fts5_expr(words: &[Vec<String>]) -> String {
    words
        .iter()
        .map(|w| {
            if w.len() == 1 {
                format!("\"{}\"", w[0])
            } else {
                format!("(\"{}\" OR \"{}\")", w.join("_"), w.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// tsquery text: `a & (b <-> c)`. PostgreSQL's parser would split "b_c" into "b" and "c",
/// so a segmented word is its syllables in a row.
pub(crate) fn tsquery_expr(words: &[Vec<String>]) -> String {
    words
        .iter()
        .map(|w| {
            if w.len() == 1 {
                w[0].clone()
            } else {
                format!("({})", w.join(" <-> "))
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

macro_rules! search_filters {
    () => {
        " AND un.path >= $2 AND un.path < $3 \
         AND ($4 IS NULL OR i.topic = $4) \
         AND ($5 IS NULL OR i.sentiment = $5) \
         AND ($6 IS NULL OR i.source = $6) \
         AND ($7 IS NULL OR i.channel = $7) \
         AND ($8 IS NULL OR COALESCE(i.occurred_at, i.received_at) >= $8) \
         AND ($9 IS NULL OR COALESCE(i.occurred_at, i.received_at) < $9) \
         AND ($10 OR NOT i.is_hidden) \
         AND (i.confidentiality = 'normal' OR $11 OR i.author_user_id = $12)"
    };
}

const SEARCH_SQLITE: &str = concat!(
    item_select!(),
    ", -bm25(items_fts) AS score FROM items_fts \
     JOIN items i ON i.id = items_fts.rowid JOIN units un ON un.id = i.unit_id \
     WHERE items_fts MATCH $1",
    search_filters!(),
    " ORDER BY bm25(items_fts), i.id DESC LIMIT $13"
);

const SEARCH_POSTGRES: &str = concat!(
    item_select!(),
    ", ts_rank(i.search_tsv, q)::float8 AS score \
     FROM items i JOIN units un ON un.id = i.unit_id, to_tsquery('simple', $1) q \
     WHERE i.search_tsv @@ q",
    search_filters!(),
    " ORDER BY score DESC, i.id DESC LIMIT $13"
);

#[derive(sqlx::FromRow)]
struct HitDb {
    #[sqlx(flatten)]
    item: ItemDb,
    score: f64,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Store {
    /// Searches the items the actor may see. `None` is the system (the local command line):
    /// every unit, nothing masked.
    pub async fn search(
        &self,
        actor: Option<&Actor>,
        q: &SearchQuery,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let words = query_words(&q.terms);
        if words.is_empty() {
            return Err(StoreError::invalid(
                "the search needs at least one word (letters or digits)",
            ));
        }
        let (mut lo, mut hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        if let Some(u) = opt(&q.unit) {
            let unit = self.unit_raw(&u).await?;
            let unit = match (unit, actor) {
                (None, None) => return Err(StoreError::invalid(format!("unknown unit {u:?}"))),
                (None, Some(_)) => return Err(StoreError::NotFound),
                (Some(un), Some(a)) if !a.scope().contains(&un.path) => {
                    return Err(StoreError::NotFound);
                }
                (Some(un), _) => un,
            };
            (lo, hi) = ykien_core::Scope::at(&unit.path).range();
        }
        let view = View::of(actor);
        let limit = match q.limit {
            0 => 50,
            n => i64::from(n.min(1000)),
        };
        let from = q.from.map(|t| t.timestamp());
        let to = q.to.map(|t| t.timestamp());
        let (topic, sentiment, source, channel) = (
            opt(&q.topic),
            opt(&q.sentiment),
            opt(&q.source),
            opt(&q.channel),
        );
        macro_rules! run {
            ($pool:expr, $sql:expr, $expr:expr) => {
                sqlx::query_as::<_, HitDb>($sql)
                    .bind($expr)
                    .bind(&lo)
                    .bind(&hi)
                    .bind(&topic)
                    .bind(&sentiment)
                    .bind(&source)
                    .bind(&channel)
                    .bind(from)
                    .bind(to)
                    .bind(q.include_spam)
                    .bind(view.need_to_know)
                    .bind(view.user_id)
                    .bind(limit)
                    .fetch_all($pool)
                    .await?
            };
        }
        let rows: Vec<HitDb> = match &self.db {
            Db::Sqlite(pool) => run!(pool, SEARCH_SQLITE, fts5_expr(&words)),
            Db::Postgres(pool) => run!(pool, SEARCH_POSTGRES, tsquery_expr(&words)),
        };
        Ok(rows
            .into_iter()
            .map(|h| SearchHit {
                score: h.score,
                item: h.item.into_item(&view),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_cannot_inject_operators() {
        let w = query_words("thuy_phuong \"OR\" NEAR(x) -a* hoa");
        assert_eq!(
            w,
            vec![
                vec!["thuy".to_string(), "phuong".into()],
                vec!["or".into()],
                vec!["nearx".into()],
                vec!["a".into()],
                vec!["hoa".into()],
            ]
        );
        assert_eq!(
            fts5_expr(&w[..2]),
            "(\"thuy_phuong\" OR \"thuy phuong\") AND \"or\""
        );
        assert_eq!(tsquery_expr(&w[..2]), "(thuy <-> phuong) & or");
        assert!(query_words(" _ -- ").is_empty());
    }
}
