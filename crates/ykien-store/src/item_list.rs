//! The officers' item list: one page of items under a filter (full-text words, unit subtree,
//! topic, sentiment, channel, source, status, period, spam shown or not), the counts per
//! topic, sentiment, channel and status under the same filter (facets), and what the item
//! page adds to an item: the places found in it and the case that holds it.
//!
//! Scoping is exactly [`Store::item`]'s and [`Store::search`]'s: the actor's subtree,
//! restricted items only for need-to-know roles and their authors, personal data masked by
//! [`View`]. Pages are at most [`MAX_PAGE`] rows at an offset of at most [`MAX_OFFSET`].
//!
//! The facets read each item's topic, sentiment, channel and status, which sit after the
//! text and the analysis in the row, so every item counted costs a row read (counting all
//! 50 000 items of a city took ≈150 ms on SQLite). They are therefore counted among the
//! newest [`FACET_CAP`] candidates — the items under the words, the subtree and the period —
//! which the index on (unit, received) picks without reading rows; then at most that many
//! rows are read whatever the other filters (≈30 ms for a city of 50 000). Below the cap,
//! which a ward or a search rarely reaches, the counts are exact; above it the page says
//! what they cover. A covering index on those columns would make them exact at any size;
//! it needs a migration, left to whoever owns the schema (and the insert path it slows).
//!
//! The SQL is assembled from fixed fragments only; every value the caller gives is bound.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ykien_core::{Actor, Permission, Scope, can};

use crate::db::{Db, db};
use crate::items::{Item, ItemDb, View, item_select};
use crate::search::{fts5_expr, query_words, tsquery_expr};
use crate::{Store, StoreError};

/// Most rows on one page.
pub const MAX_PAGE: u32 = 200;
/// Largest page without facets ([`ItemFilter::page_only`]): every page sorts all the
/// filter's matches, so a reader of thousands takes them in one page, not in dozens.
pub const MAX_BARE_PAGE: u32 = 5_000;
/// Deepest offset a page may start at (a list is for reading, not for export).
pub const MAX_OFFSET: u32 = 10_000;
/// Most candidate items (the newest under the words, subtree and period) the facets count.
pub const FACET_CAP: i64 = 10_000;
/// Statuses of an item's analysis.
pub const STATUS_VALUES: [&str; 3] = ["pending", "analyzed", "failed"];

/// What to list. Empty strings count as "no filter".
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Folded, segmented words (as `ykien_listen::prepare::search_key` gives them); empty:
    /// no full-text condition, newest first. With words: best match first.
    pub terms: String,
    /// Narrow to this unit's subtree (it must lie within the actor's; else not found).
    pub unit: Option<String>,
    pub topic: Option<String>,
    pub sentiment: Option<String>,
    pub channel: Option<String>,
    pub source: Option<String>,
    /// "pending", "analyzed" or "failed".
    pub status: Option<String>,
    /// Show items hidden as spam too.
    pub include_hidden: bool,
    /// Items that happened (or, lacking that, were received) at or after this time…
    pub from: Option<DateTime<Utc>>,
    /// …and before this one.
    pub to: Option<DateTime<Utc>>,
    /// Rows per page (0: 25; at most [`MAX_PAGE`]).
    pub limit: u32,
    /// Rows to skip (at most [`MAX_OFFSET`]).
    pub offset: u32,
    /// Only the page: no facets, no count (they stay empty and zero). For callers that page
    /// through the items (a report reading its evidence), where each page's facets would cost
    /// a scan of up to [`FACET_CAP`] rows for nothing. Such a page may hold up to
    /// [`MAX_BARE_PAGE`] rows.
    pub page_only: bool,
}

/// One value of a facet and how many items under the filter have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// Counts per value under the current filter, largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub topic: Vec<FacetCount>,
    pub sentiment: Vec<FacetCount>,
    pub channel: Vec<FacetCount>,
    pub status: Vec<FacetCount>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemPage {
    pub items: Vec<Item>,
    /// A next page exists.
    pub has_more: bool,
    /// Items under the filter (shown ones: hidden spam counts only when shown).
    pub total: i64,
    /// Items under the filter hidden as spam (whether shown or not).
    pub hidden: i64,
    /// More than [`FACET_CAP`] items match the words, subtree and period: `total` and the
    /// facets count the newest [`FACET_CAP`] of them, and are lower bounds.
    pub capped: bool,
    pub facets: Facets,
    /// (item id, case id) for the items of this page held by a case the actor handles.
    pub cases: Vec<(i64, i64)>,
    /// The offset and page size actually used.
    pub offset: u32,
    pub limit: u32,
}

/// A place the item is about, with the span of the text that names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemPlace {
    pub unit_id: String,
    pub unit_name: String,
    /// Byte range in the original text; 0..0 for a place an officer added.
    pub start: i64,
    pub end: i64,
    /// The unit lies in the actor's subtree (its page can be opened).
    pub in_scope: bool,
}

/// The case that holds an item, as far as the actor may know of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCase {
    pub id: i64,
    pub title: String,
    /// Its workflow status code ("new", "verifying", …).
    pub status: String,
}

/// A value bound to a query.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// A query under construction: fixed fragments, bound values. `scope` holds the conditions
/// an index answers or that bound the candidates (words, subtree, period); `conds` those
/// that need each item's row (topic, sentiment, channel, source, status, need-to-know).
#[derive(Debug, Default)]
struct Sql {
    scope: Vec<String>,
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Sql {
    /// Binds a value; returns its placeholder.
    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// Adds `<column> = <value>`.
    fn eq(&mut self, column: &'static str, value: &str) {
        let p = self.arg(Arg::Text(value.to_string()));
        self.conds.push(format!("{column} = {p}"));
    }
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The parts of the list's queries that the filter decides.
struct Plan {
    sql: Sql,
    /// How many of `sql.args` the scope conditions use (they come first).
    scope_args: usize,
    /// `FROM …` (items `i`, units `un`, and the full-text table when words are given).
    from: String,
    /// The spam condition, kept apart: the facets count hidden items too.
    hidden_cond: Option<&'static str>,
    /// `ORDER BY …` of the page.
    order: String,
}

impl Plan {
    fn scope_where(&self) -> String {
        self.sql.scope.join(" AND ")
    }

    /// Every condition (the page's), spam included or not.
    fn all_where(&self, with_hidden: bool) -> String {
        let mut all: Vec<&str> = self
            .sql
            .scope
            .iter()
            .chain(&self.sql.conds)
            .map(String::as_str)
            .collect();
        if with_hidden && let Some(h) = self.hidden_cond {
            all.push(h);
        }
        all.join(" AND ")
    }
}

#[derive(sqlx::FromRow)]
struct FacetRow {
    topic: Option<String>,
    sentiment: Option<String>,
    channel: String,
    status: String,
    is_hidden: bool,
    n: i64,
}

fn sorted(m: BTreeMap<String, i64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = m
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

impl Store {
    /// Turns the filter into the list's conditions, scoped to the actor.
    async fn plan(&self, actor: Option<&Actor>, f: &ItemFilter) -> Result<Plan, StoreError> {
        let (mut lo, mut hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        if let Some(u) = opt(&f.unit) {
            let unit = match (self.unit_raw(u).await?, actor) {
                (None, None) => return Err(StoreError::invalid(format!("unknown unit {u:?}"))),
                (None, Some(_)) => return Err(StoreError::NotFound),
                (Some(un), Some(a)) if !a.scope().contains(&un.path) => {
                    return Err(StoreError::NotFound);
                }
                (Some(un), _) => un,
            };
            (lo, hi) = Scope::at(&unit.path).range();
        }
        let words = query_words(&f.terms);
        let sqlite = matches!(self.db, Db::Sqlite(_));
        let mut sql = Sql::default();
        let (from, order) = if words.is_empty() {
            (
                "FROM items i JOIN units un ON un.id = i.unit_id".to_string(),
                "ORDER BY i.received_at DESC, i.id DESC".to_string(),
            )
        } else if sqlite {
            let p = sql.arg(Arg::Text(fts5_expr(&words)));
            sql.scope.push(format!("items_fts MATCH {p}"));
            (
                "FROM items_fts JOIN items i ON i.id = items_fts.rowid \
                 JOIN units un ON un.id = i.unit_id"
                    .to_string(),
                "ORDER BY bm25(items_fts), i.id DESC".to_string(),
            )
        } else {
            let p = sql.arg(Arg::Text(tsquery_expr(&words)));
            sql.scope
                .push(format!("i.search_tsv @@ to_tsquery('simple', {p})"));
            (
                "FROM items i JOIN units un ON un.id = i.unit_id".to_string(),
                format!(
                    "ORDER BY ts_rank(i.search_tsv, to_tsquery('simple', {p})) DESC, i.id DESC"
                ),
            )
        };
        let (l, h) = (sql.arg(Arg::Text(lo)), sql.arg(Arg::Text(hi)));
        sql.scope.push(format!("un.path >= {l} AND un.path < {h}"));
        if let Some(t) = f.from {
            let p = sql.arg(Arg::Int(t.timestamp()));
            sql.scope
                .push(format!("COALESCE(i.occurred_at, i.received_at) >= {p}"));
        }
        if let Some(t) = f.to {
            let p = sql.arg(Arg::Int(t.timestamp()));
            sql.scope
                .push(format!("COALESCE(i.occurred_at, i.received_at) < {p}"));
        }
        // The scope's values come first, so that a query of the scope alone binds a prefix.
        let scope_args = sql.args.len();
        for (column, value) in [
            ("i.topic", &f.topic),
            ("i.sentiment", &f.sentiment),
            ("i.channel", &f.channel),
            ("i.source", &f.source),
            ("i.status", &f.status),
        ] {
            if let Some(v) = opt(value) {
                sql.eq(column, v);
            }
        }
        let view = View::of(actor);
        if !view.need_to_know {
            match view.user_id {
                Some(u) => {
                    let p = sql.arg(Arg::Int(u));
                    sql.conds.push(format!(
                        "(i.confidentiality = 'normal' OR i.author_user_id = {p})"
                    ));
                }
                None => sql.conds.push("i.confidentiality = 'normal'".to_string()),
            }
        }
        Ok(Plan {
            sql,
            scope_args,
            from,
            hidden_cond: (!f.include_hidden).then_some("NOT i.is_hidden"),
            order,
        })
    }

    /// One page of the items the actor may see under `f`, with the facets of the whole
    /// filter. `None` is the system: every unit, nothing masked.
    pub async fn list_item_page(
        &self,
        actor: Option<&Actor>,
        f: &ItemFilter,
    ) -> Result<ItemPage, StoreError> {
        let plan = self.plan(actor, f).await?;
        let limit = match f.limit {
            0 => 25,
            n if f.page_only => n.min(MAX_BARE_PAGE),
            n => n.min(MAX_PAGE),
        };
        let offset = f.offset.min(MAX_OFFSET);
        let page_sql = format!(
            "{} {} WHERE {} {} LIMIT {} OFFSET {}",
            item_select!(),
            plan.from,
            plan.all_where(true),
            plan.order,
            limit + 1,
            offset
        );
        // The facets count among the newest FACET_CAP candidates (words, subtree, period):
        // picking them reads only the index on (unit, received), and then at most that many
        // rows are read, whatever the other filters (see the module documentation).
        let candidates = format!(
            "SELECT i.id AS id {} WHERE {} ORDER BY i.received_at DESC, i.id DESC \
             LIMIT {FACET_CAP}",
            plan.from,
            plan.scope_where()
        );
        let row_where = if plan.sql.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", plan.sql.conds.join(" AND "))
        };
        let facet_sql = format!(
            "SELECT i.topic AS topic, i.sentiment AS sentiment, i.channel AS channel, \
             i.status AS status, i.is_hidden AS is_hidden, COUNT(*) AS n \
             FROM items i JOIN ({candidates}) s ON s.id = i.id {row_where} \
             GROUP BY i.topic, i.sentiment, i.channel, i.status, i.is_hidden"
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM (SELECT i.id {} WHERE {} LIMIT {FACET_CAP}) s",
            plan.from,
            plan.scope_where()
        );
        let args = &plan.sql.args;
        let (rows, facet_rows, candidates): (Vec<ItemDb>, Vec<FacetRow>, i64) = db!(self, |pool| {
            let mut q = sqlx::query_as::<_, ItemDb>(sqlx::AssertSqlSafe(page_sql.clone()));
            let mut fq = sqlx::query_as::<_, FacetRow>(sqlx::AssertSqlSafe(facet_sql.clone()));
            let mut cq = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.clone()));
            for a in args {
                (q, fq) = match a {
                    Arg::Text(s) => (q.bind(s.clone()), fq.bind(s.clone())),
                    Arg::Int(n) => (q.bind(*n), fq.bind(*n)),
                };
            }
            for a in &args[..plan.scope_args] {
                cq = match a {
                    Arg::Text(s) => cq.bind(s.clone()),
                    Arg::Int(n) => cq.bind(*n),
                };
            }
            if f.page_only {
                (q.fetch_all(pool).await?, Vec::new(), 0)
            } else {
                (
                    q.fetch_all(pool).await?,
                    fq.fetch_all(pool).await?,
                    cq.fetch_one(pool).await?,
                )
            }
        });
        let view = View::of(actor);
        let has_more = rows.len() > limit as usize;
        let items: Vec<Item> = rows
            .into_iter()
            .take(limit as usize)
            .map(|r| r.into_item(&view))
            .collect();
        let (mut topic, mut sentiment, mut channel, mut status) = (
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        let (mut total, mut hidden) = (0, 0);
        for r in facet_rows {
            if r.is_hidden {
                hidden += r.n;
                if !f.include_hidden {
                    continue;
                }
            }
            total += r.n;
            if let Some(t) = r.topic {
                *topic.entry(t).or_insert(0) += r.n;
            }
            if let Some(s) = r.sentiment {
                *sentiment.entry(s).or_insert(0) += r.n;
            }
            *channel.entry(r.channel).or_insert(0) += r.n;
            *status.entry(r.status).or_insert(0) += r.n;
        }
        let cases = self.page_cases(actor, &items).await?;
        Ok(ItemPage {
            cases,
            items,
            has_more: has_more && offset.saturating_add(limit) <= MAX_OFFSET,
            total,
            hidden,
            capped: candidates >= FACET_CAP,
            facets: Facets {
                topic: sorted(topic),
                sentiment: sorted(sentiment),
                channel: sorted(channel),
                status: sorted(status),
            },
            offset,
            limit,
        })
    }

    /// The cases holding these items, for an actor who handles cases: only cases of its own
    /// subtree (a case opened higher up is not its to open). Others learn of no case here.
    async fn page_cases(
        &self,
        actor: Option<&Actor>,
        items: &[Item],
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        if items.is_empty() || actor.is_some_and(|a| !can(a, Permission::Handle, &a.unit_path)) {
            return Ok(Vec::new());
        }
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let ids: Vec<String> = (0..items.len()).map(|k| format!("${}", k + 3)).collect();
        let sql = format!(
            "SELECT ci.item_id, ci.case_id FROM case_items ci JOIN cases c ON c.id = ci.case_id \
             JOIN units cu ON cu.id = c.unit_id WHERE cu.path >= $1 AND cu.path < $2 \
             AND ci.item_id IN ({}) ORDER BY ci.item_id",
            ids.join(", ")
        );
        Ok(db!(self, |pool| {
            let mut q = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&lo)
                .bind(&hi);
            for i in items {
                q = q.bind(i.id);
            }
            q.fetch_all(pool).await?
        }))
    }

    /// The places an item is about, in the order the text names them (places an officer
    /// added, which have no span, last). Scoped like the item itself.
    pub async fn item_places(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
    ) -> Result<Vec<ItemPlace>, StoreError> {
        self.item(actor, item_id).await?;
        let rows: Vec<(String, String, String, i64, i64)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT p.unit_id, u.name, u.path, p.span_start, p.span_end \
                 FROM item_places p JOIN units u ON u.id = p.unit_id \
                 WHERE p.item_id = $1 ORDER BY (p.span_end = 0), p.span_start, p.unit_id",
            )
            .bind(item_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(unit_id, unit_name, path, start, end)| ItemPlace {
                unit_id,
                unit_name,
                start,
                end,
                in_scope: actor.is_none_or(|a| a.scope().contains(&path)),
            })
            .collect())
    }

    /// The case holding the item (an item is in at most one), if the actor may see that
    /// case; the item itself is scoped like [`Store::item`].
    pub async fn item_case(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
    ) -> Result<Option<ItemCase>, StoreError> {
        self.item(actor, item_id).await?;
        let case_id: Option<i64> = db!(self, |pool| {
            sqlx::query_scalar("SELECT case_id FROM case_items WHERE item_id = $1")
                .bind(item_id)
                .fetch_optional(pool)
                .await?
        });
        let Some(case_id) = case_id else {
            return Ok(None);
        };
        match self.get_case(actor, case_id).await {
            Ok(d) => Ok(Some(ItemCase {
                id: d.case.id,
                title: d.case.title,
                status: d.case.status.as_str().to_string(),
            })),
            Err(StoreError::NotFound | StoreError::Forbidden { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_up_and_values_are_bound() {
        let mut s = Sql::default();
        s.eq("i.topic", "land'; DROP TABLE items; --");
        s.eq("i.status", "analyzed");
        assert_eq!(s.conds, vec!["i.topic = $1", "i.status = $2"]);
        assert_eq!(s.args.len(), 2);
        assert!(opt(&Some("  ".into())).is_none());
        assert_eq!(opt(&Some(" land ".into())), Some("land"));
    }

    #[test]
    fn facets_sort_by_count_then_value() {
        let m = BTreeMap::from([("b".to_string(), 2), ("a".into(), 2), ("c".into(), 5)]);
        let v: Vec<String> = sorted(m).into_iter().map(|f| f.value).collect();
        assert_eq!(v, ["c", "a", "b"]);
    }
}
