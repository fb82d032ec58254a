//! Figures for the dashboard: counts and trends per unit subtree, always scoped to the actor.
//!
//! [`Store::dashboard`] answers, for one unit in the actor's subtree and a period
//! `[from, to)`, the figures the officers' dashboard shows, each next to the previous period
//! of the same length: items per day, by topic, by sentiment, by channel and per child unit
//! (the drill-down and the map), spam hidden from those figures but counted; the open cases
//! (the most pressing first) and the overdue ones; the open alerts; the feed sources.
//!
//! Rules, the same as everywhere in the store:
//! - a unit outside the actor's subtree, a legacy unit or a missing one: not found;
//! - items are counted exactly as [`Store::list_items`] would list them to the actor (a
//!   restricted item counts only for need-to-know roles and its own author), so no figure
//!   reveals what the actor could not open;
//! - cases, alerts, sources and the newest items come from [`Store::list_cases`],
//!   [`Store::list_alerts`], [`Store::list_sources`] and [`Store::list_items`] themselves,
//!   called for the chosen unit (see [`within`]), so that their scoping and the meaning of
//!   "overdue" stay in one place.
//!
//! When an opinion was heard is `occurred_at` when the source gave it (a report's "heard on",
//! an imported comment's date), else `received_at`: a bulk import of last year's comments is
//! not a surge today. The index on `(unit_id, received_at)` still bounds every scan, because
//! an item is received after it is heard (`received_at >= occurred_at`); an item dated in
//! the future is counted on the day it was received at the latest, never lost.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::cases::{Case, CaseFilter, CaseStatus, Severity};
use crate::db::db;
use crate::items::View;
use crate::model::UnitRow;
use crate::{Alert, AlertFilter, AlertStatus, Item, Store, StoreError};

/// The longest period the dashboard compares (a year and a day, for leap years).
pub const MAX_DASHBOARD_DAYS: i64 = 366;

/// What [`Store::dashboard`] is asked.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    /// The unit, by id ("01", "00004"); the actor's own unit is the usual choice.
    pub unit: String,
    /// The period, `[from, to)`: a whole number of days, at most [`MAX_DASHBOARD_DAYS`].
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The offset from UTC of the days the series counts (Hà Nội: 7 hours), in seconds.
    pub utc_offset_secs: i32,
    /// How many cases and alerts to list in each list (the counts cover them all).
    pub top: usize,
}

/// A count in the period and in the previous period of the same length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    pub current: u64,
    pub previous: u64,
}

impl Change {
    /// current − previous.
    pub fn delta(&self) -> i128 {
        i128::from(self.current) - i128::from(self.previous)
    }

    /// The change in percent of the previous count; None when there was nothing before.
    pub fn percent(&self) -> Option<f64> {
        (self.previous > 0).then(|| self.delta() as f64 * 100.0 / self.previous as f64)
    }
}

/// A count under a key (a topic id, a sentiment, a channel); the key is empty for items not
/// analysed yet (no topic, no sentiment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyed {
    pub key: String,
    pub count: Change,
}

/// A unit directly below the dashboard's unit, with the items of its whole subtree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildFigures {
    pub unit: UnitRow,
    pub items: Change,
}

/// The cases of the subtree that still wait for an answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseFigures {
    /// New, verifying or forwarded.
    pub open: u64,
    /// Open and past their due date.
    pub overdue: u64,
    /// The most pressing open cases: overdue first, then urgent, then with the most items,
    /// then soonest due.
    pub top: Vec<Case>,
    /// The overdue cases, the longest overdue first.
    pub overdue_list: Vec<Case>,
}

/// Open alerts of the subtree, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertFigures {
    pub open: u64,
    pub latest: Vec<Alert>,
}

/// The feed sources registered in the subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FeedFigures {
    pub sources: u64,
    pub enabled: u64,
    /// Enabled sources whose last fetches failed.
    pub failing: u64,
}

/// Items of a subtree under one (unit below, topic, sentiment), in the period and the one
/// before: what a report needs to say where a topic is heard and how angrily, read in one
/// scan ([`Store::dashboard_breakdown`]) instead of a dashboard per unit below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    /// The unit directly below whose subtree holds the items; None for items filed at the
    /// unit itself.
    pub child: Option<UnitId>,
    /// Empty while not analysed.
    pub topic: String,
    pub sentiment: String,
    pub count: Change,
}

/// Everything the dashboard of one unit shows for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub unit: UnitRow,
    /// The units between the actor's own unit and this one (both included when they differ,
    /// this one excluded), top first: the way back up from a drill-down.
    pub trail: Vec<UnitRow>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub previous_from: DateTime<Utc>,
    /// Items the actor may see, spam excluded.
    pub items: Change,
    /// Items hidden as spam (not in any other figure).
    pub hidden: Change,
    /// Items of the period still waiting for their analysis (no topic or sentiment yet).
    pub pending: u64,
    /// Items per local day of the period, oldest first (every day present, zeros included).
    pub daily: Vec<(NaiveDate, u64)>,
    /// The same for the previous period, aligned by position.
    pub daily_previous: Vec<(NaiveDate, u64)>,
    /// By topic id, the most frequent in the period first.
    pub topics: Vec<Keyed>,
    /// By sentiment ("negative", "neutral", "positive"; "" not analysed yet).
    pub sentiments: Vec<Keyed>,
    /// By channel ("form", "citizen", "import", "feed", …), the most frequent first.
    pub channels: Vec<Keyed>,
    /// Every unit directly below, in code order.
    pub children: Vec<ChildFigures>,
    /// Items filed at the unit itself rather than below it.
    pub direct: Change,
    pub cases: CaseFigures,
    /// None: the actor's role does not handle alerts.
    pub alerts: Option<AlertFigures>,
    pub feeds: FeedFigures,
    /// The newest items of the subtree, as [`Store::list_items`] lists them (spam hidden,
    /// masked where the actor's role needs no personal data).
    pub latest: Vec<Item>,
}

/// The actor as it would be if its own unit were `unit`, a unit inside its subtree: the same
/// person and role over a smaller subtree. Every list the store gives this actor is therefore
/// a part of what the real actor may see, restricted to the unit, with the store's own rules
/// (who sees restricted items, who handles cases and alerts) unchanged.
fn within(actor: &Actor, unit: &UnitRow) -> Actor {
    debug_assert!(actor.scope().contains(&unit.path));
    Actor {
        unit: unit.id.clone(),
        unit_path: unit.path.clone(),
        ..actor.clone()
    }
}

/// The rows every figure counts: in the subtree ($1, $2), heard within both periods
/// ([$3, $4)) and visible to the actor ($5 need-to-know, $6 the actor's id). An item is
/// received after it is heard, so `received_at >= $3` is a bound the index serves.
///
/// `units CROSS JOIN items` makes SQLite walk the subtree's units (the unique index on
/// `path`) and, for each, its items through `items_unit (unit_id, received_at)`: without the
/// hint SQLite, which keeps no statistics on path ranges, prefers `items_received` after an
/// `ANALYZE`, and then a ward's dashboard reads every unit's items (measured: 19 ms became
/// 417 ms for a ward over 90 days among 20,000 items). PostgreSQL plans the join as it sees
/// fit either way.
macro_rules! counted {
    () => {
        " FROM units un CROSS JOIN items i \
         WHERE i.unit_id = un.id AND un.path >= $1 AND un.path < $2 AND i.received_at >= $3 \
         AND COALESCE(i.occurred_at, i.received_at) >= $3 \
         AND COALESCE(i.occurred_at, i.received_at) < $4 \
         AND (i.confidentiality = 'normal' OR $5 OR i.author_user_id = $6)"
    };
}

/// (local day number, hidden, count)
type DayRow = (i64, bool, i64);
/// (in the current period, topic, sentiment, channel, count)
type FacetRow = (bool, String, String, String, i64);
/// (in the current period, unit path, count)
type PathRow = (bool, String, i64);

fn add(c: &mut Change, current: bool, n: i64) {
    let n = u64::try_from(n).unwrap_or(0);
    if current {
        c.current += n;
    } else {
        c.previous += n;
    }
}

/// Keyed counts, the most frequent in the period first, then the most frequent before, then
/// by key.
fn keyed(map: HashMap<String, Change>) -> Vec<Keyed> {
    let mut v: Vec<Keyed> = map
        .into_iter()
        .map(|(key, count)| Keyed { key, count })
        .collect();
    v.sort_by(|a, b| {
        b.count
            .current
            .cmp(&a.count.current)
            .then(b.count.previous.cmp(&a.count.previous))
            .then(a.key.cmp(&b.key))
    });
    v
}

impl Store {
    /// The figures of one unit's subtree for a period and the one before it, as the actor may
    /// see them. A unit outside the actor's subtree, legacy or missing: [`StoreError::NotFound`].
    pub async fn dashboard(
        &self,
        actor: &Actor,
        q: &DashboardQuery,
    ) -> Result<Dashboard, StoreError> {
        let unit = self.dashboard_unit(actor, q).await?;
        let span = q.to - q.from;
        let days = span.num_days();
        let here = within(actor, &unit);
        let previous_from = q.from - span;
        let (items, cases, alerts, sources, children, trail, latest) = tokio::try_join!(
            self.item_figures(actor, &unit, previous_from, q),
            self.open_cases(&here, q.top),
            self.open_alerts(&here, q.top),
            self.list_sources(Some(&here)),
            self.unit_children(actor, &unit.id),
            self.trail(actor, &unit),
            self.list_items(Some(&here), false, u32::try_from(q.top).unwrap_or(u32::MAX)),
        )?;
        let (days_rows, facets, paths) = items;

        // Per day, both periods; hidden items counted apart.
        let off = i64::from(q.utc_offset_secs);
        let day_of = |t: DateTime<Utc>| (t.timestamp() + off).div_euclid(86_400);
        let (first_prev, first_cur) = (day_of(previous_from), day_of(q.from));
        let n = usize::try_from(days).unwrap_or(0);
        let date = |d: i64| {
            DateTime::from_timestamp(d * 86_400, 0)
                .unwrap_or_default()
                .date_naive()
        };
        let mut daily: Vec<(NaiveDate, u64)> =
            (0..n).map(|i| (date(first_cur + i as i64), 0)).collect();
        let mut daily_previous: Vec<(NaiveDate, u64)> =
            (0..n).map(|i| (date(first_prev + i as i64), 0)).collect();
        let (mut total, mut hidden) = (Change::default(), Change::default());
        for (day, is_hidden, count) in days_rows {
            let current = day >= first_cur;
            add(
                if is_hidden { &mut hidden } else { &mut total },
                current,
                count,
            );
            if is_hidden {
                continue;
            }
            let (series, first) = if current {
                (&mut daily, first_cur)
            } else {
                (&mut daily_previous, first_prev)
            };
            // Outside only for a period not aligned to local days: the last day takes it.
            let i = usize::try_from(day - first).unwrap_or(0).min(n - 1);
            series[i].1 += u64::try_from(count).unwrap_or(0);
        }

        let (mut topics, mut sentiments, mut channels) =
            (HashMap::new(), HashMap::new(), HashMap::new());
        let mut pending = 0u64;
        for (current, topic, sentiment, channel, count) in facets {
            if current && topic.is_empty() && sentiment.is_empty() {
                pending += u64::try_from(count).unwrap_or(0);
            }
            add(topics.entry(topic).or_default(), current, count);
            add(sentiments.entry(sentiment).or_default(), current, count);
            add(channels.entry(channel).or_default(), current, count);
        }

        let mut children: Vec<ChildFigures> = children
            .into_iter()
            .map(|u| ChildFigures {
                unit: u,
                items: Change::default(),
            })
            .collect();
        let mut direct = Change::default();
        for (current, path, count) in paths {
            match children.iter_mut().find(|c| path.starts_with(&c.unit.path)) {
                Some(c) => add(&mut c.items, current, count),
                None => add(&mut direct, current, count),
            }
        }

        let feeds = FeedFigures {
            sources: sources.len() as u64,
            enabled: sources.iter().filter(|s| s.enabled).count() as u64,
            failing: sources
                .iter()
                .filter(|s| s.enabled && s.consecutive_failures > 0)
                .count() as u64,
        };
        Ok(Dashboard {
            unit,
            trail,
            from: q.from,
            to: q.to,
            previous_from,
            items: total,
            hidden,
            pending,
            daily,
            daily_previous,
            topics: keyed(topics),
            sentiments: keyed(sentiments),
            channels: keyed(channels),
            children,
            direct,
            cases,
            alerts,
            feeds,
            latest,
        })
    }

    /// The three grouped counts over the items of both periods: per local day (with spam),
    /// per topic × sentiment × channel, per unit (both without spam).
    /// The period's unit, checked: whole days, at most [`MAX_DASHBOARD_DAYS`], within the
    /// actor's subtree, not legacy.
    async fn dashboard_unit(
        &self,
        actor: &Actor,
        q: &DashboardQuery,
    ) -> Result<UnitRow, StoreError> {
        let span = q.to - q.from;
        let days = span.num_days();
        if span <= Duration::zero() || span != Duration::days(days) || days > MAX_DASHBOARD_DAYS {
            return Err(StoreError::invalid(format!(
                "a dashboard period is 1 to {MAX_DASHBOARD_DAYS} whole days"
            )));
        }
        let unit = self.unit(actor, &UnitId(q.unit.trim().to_string())).await?;
        if unit.is_legacy() || !can(actor, Permission::Read, &unit.path) {
            return Err(StoreError::NotFound);
        }
        Ok(unit)
    }

    /// The dashboard's items (spam excluded, visible to the actor, the same rows as every
    /// figure of [`Store::dashboard`]) by unit below, topic and sentiment, for the period and
    /// the one before it. One grouped scan of the subtree, whatever its number of units.
    pub async fn dashboard_breakdown(
        &self,
        actor: &Actor,
        q: &DashboardQuery,
    ) -> Result<Vec<BreakdownRow>, StoreError> {
        let unit = self.dashboard_unit(actor, q).await?;
        let children = self.unit_children(actor, &unit.id).await?;
        let (lo, hi) = ykien_core::Scope::at(&unit.path).range();
        let view = View::of(Some(actor));
        let previous_from = q.from - (q.to - q.from);
        let sql = concat!(
            "SELECT COALESCE(i.occurred_at, i.received_at) >= $7 AS cur, un.path, \
             COALESCE(i.topic, ''), COALESCE(i.sentiment, ''), COUNT(*)",
            counted!(),
            " AND NOT i.is_hidden GROUP BY 1, 2, 3, 4"
        );
        let rows: Vec<(bool, String, String, String, i64)> = db!(self, |pool| {
            sqlx::query_as(sql)
                .bind(&lo)
                .bind(&hi)
                .bind(previous_from.timestamp())
                .bind(q.to.timestamp())
                .bind(view.need_to_know)
                .bind(view.user_id)
                .bind(q.from.timestamp())
                .fetch_all(pool)
                .await?
        });
        let mut out: HashMap<(Option<UnitId>, String, String), Change> = HashMap::new();
        for (current, path, topic, sentiment, count) in rows {
            let child = children
                .iter()
                .find(|c| path.starts_with(&c.path))
                .map(|c| c.id.clone());
            add(
                out.entry((child, topic, sentiment)).or_default(),
                current,
                count,
            );
        }
        let mut v: Vec<BreakdownRow> = out
            .into_iter()
            .map(|((child, topic, sentiment), count)| BreakdownRow {
                child,
                topic,
                sentiment,
                count,
            })
            .collect();
        v.sort_by(|a, b| {
            (&a.child, &a.topic, &a.sentiment).cmp(&(&b.child, &b.topic, &b.sentiment))
        });
        Ok(v)
    }

    async fn item_figures(
        &self,
        actor: &Actor,
        unit: &UnitRow,
        previous_from: DateTime<Utc>,
        q: &DashboardQuery,
    ) -> Result<(Vec<DayRow>, Vec<FacetRow>, Vec<PathRow>), StoreError> {
        let (lo, hi) = ykien_core::Scope::at(&unit.path).range();
        let view = View::of(Some(actor));
        let (pf, from, to) = (
            previous_from.timestamp(),
            q.from.timestamp(),
            q.to.timestamp(),
        );
        let off = i64::from(q.utc_offset_secs);
        // $7: the offset of local days for the series, the start of the period for the others.
        let per_day = concat!(
            "SELECT (COALESCE(i.occurred_at, i.received_at) + $7) / 86400 AS d, i.is_hidden, \
             COUNT(*)",
            counted!(),
            " GROUP BY 1, 2"
        );
        let facets = concat!(
            "SELECT COALESCE(i.occurred_at, i.received_at) >= $7 AS cur, \
             COALESCE(i.topic, ''), COALESCE(i.sentiment, ''), i.channel, COUNT(*)",
            counted!(),
            " AND NOT i.is_hidden GROUP BY 1, 2, 3, 4"
        );
        let per_unit = concat!(
            "SELECT COALESCE(i.occurred_at, i.received_at) >= $7 AS cur, un.path, COUNT(*)",
            counted!(),
            " AND NOT i.is_hidden GROUP BY 1, 2"
        );
        macro_rules! run {
            ($pool:expr, $sql:expr, $row:ty, $seventh:expr) => {
                sqlx::query_as::<_, $row>($sql)
                    .bind(&lo)
                    .bind(&hi)
                    .bind(pf)
                    .bind(to)
                    .bind(view.need_to_know)
                    .bind(view.user_id)
                    .bind($seventh)
                    .fetch_all($pool)
            };
        }
        Ok(db!(self, |pool| {
            tokio::try_join!(
                run!(pool, per_day, DayRow, off),
                run!(pool, facets, FacetRow, from),
                run!(pool, per_unit, PathRow, from),
            )?
        }))
    }

    /// The open cases of `here`'s subtree, through [`Store::list_cases`] (one call per open
    /// status, so that closed cases, which pile up over the years, are never read).
    async fn open_cases(&self, here: &Actor, top: usize) -> Result<CaseFigures, StoreError> {
        let mut open: Vec<Case> = Vec::new();
        for status in CaseStatus::ALL.into_iter().filter(|s| s.is_open()) {
            let filter = CaseFilter {
                status: Some(status),
                overdue: false,
                limit: 10_000,
            };
            open.extend(self.list_cases(Some(here), &filter).await?);
        }
        let mut overdue_list: Vec<Case> = open.iter().filter(|c| c.overdue).cloned().collect();
        overdue_list.sort_by_key(|c| (c.due_at, c.id));
        let overdue = overdue_list.len() as u64;
        overdue_list.truncate(top);
        open.sort_by(|a, b| {
            b.overdue
                .cmp(&a.overdue)
                .then((b.severity == Severity::Urgent).cmp(&(a.severity == Severity::Urgent)))
                .then(b.item_count.cmp(&a.item_count))
                .then(a.due_at.cmp(&b.due_at))
                .then(a.id.cmp(&b.id))
        });
        let count = open.len() as u64;
        open.truncate(top);
        Ok(CaseFigures {
            open: count,
            overdue,
            top: open,
            overdue_list,
        })
    }

    /// The open alerts of `here`'s subtree, through [`Store::list_alerts`]; None for roles
    /// that do not handle alerts.
    async fn open_alerts(
        &self,
        here: &Actor,
        top: usize,
    ) -> Result<Option<AlertFigures>, StoreError> {
        let filter = AlertFilter {
            status: Some(AlertStatus::Open),
            kind: None,
            limit: 10_000,
        };
        match self.list_alerts(Some(here), &filter).await {
            Ok(mut latest) => {
                let open = latest.len() as u64;
                latest.truncate(top);
                Ok(Some(AlertFigures { open, latest }))
            }
            Err(StoreError::Forbidden { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The units from the actor's own unit down to `unit`'s parent.
    async fn trail(&self, actor: &Actor, unit: &UnitRow) -> Result<Vec<UnitRow>, StoreError> {
        let mut out = Vec::new();
        let segments: Vec<&str> = unit.path.split('/').filter(|s| !s.is_empty()).collect();
        for (i, id) in segments
            .iter()
            .enumerate()
            .take(segments.len().saturating_sub(1))
        {
            let path = format!("/{}/", segments[..=i].join("/"));
            if actor.scope().contains(&path) {
                out.push(self.unit(actor, &UnitId((*id).to_string())).await?);
            }
        }
        Ok(out)
    }
}
