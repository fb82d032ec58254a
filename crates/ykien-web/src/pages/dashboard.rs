//! The dashboard pages of the officers' workspace: `GET /` and `GET /dashboard` (the actor's
//! own unit), `GET /dashboard/{id}` (a unit of the actor's subtree, reached by drilling down
//! from the city to a commune or ward) and `GET /dashboard/{id}/map`.
//!
//! Everything shown comes from one scoped call, [`ykien_store::Store::dashboard`]: a unit
//! outside the actor's subtree is not found (404), and the figures count only what the actor
//! could open. Charts are drawn here on the server as SVG (`ykien-charts`), each with its
//! table; the page carries no script.

mod charts;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use ykien_store::{Case, Dashboard, DashboardQuery};

use crate::auth::Signed;
use crate::error::WebError;
use crate::i18n::{Catalog, Lang};
use crate::pages::report::{excerpt, local_time};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};
use charts::{ChartView, change_text, chart_lang};

/// The periods offered, in days; the first is the default.
pub const PERIODS: [i64; 3] = [7, 30, 90];

/// Hà Nội's offset from UTC: days are counted in local time.
const HANOI: i32 = 7 * 3600;

/// How many cases and alerts each list shows.
const LISTED: usize = 5;

/// `?period=30`: any other value is the default period.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
    // --- reports (issue 7): an explicit range, to check a report's figures ---
    /// `?from=2026-11-01&to=2026-11-30`: Hà Nội days, both included.
    from: Option<String>,
    to: Option<String>,
    // --- end reports ---
}

// --- reports (issue 7): an explicit range of days besides the offered periods ---
impl PeriodQuery {
    /// The explicit range `[from, to)` when both days parse, in order, at most
    /// `MAX_DASHBOARD_DAYS` long; otherwise the offered periods apply.
    fn range(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let day =
            |s: &Option<String>| NaiveDate::parse_from_str(s.as_deref()?.trim(), "%Y-%m-%d").ok();
        let (first, last) = (day(&self.from)?, day(&self.to)?);
        let span = (last - first).num_days() + 1;
        if !(1..=ykien_store::MAX_DASHBOARD_DAYS).contains(&span) {
            return None;
        }
        let off = Duration::seconds(i64::from(HANOI));
        let from = first.and_hms_opt(0, 0, 0)?.and_utc() - off;
        Some((from, from + Duration::days(span)))
    }

    /// `[from, to)` and its length in days.
    fn bounds(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>, i64) {
        match self.range() {
            Some((from, to)) => (from, to, (to - from).num_days()),
            None => {
                let days = self.days();
                let (from, to) = period(days, now);
                (from, to, days)
            }
        }
    }

    /// The query the page's links keep (drilling down keeps the period).
    fn link_query(&self) -> String {
        match (self.range(), &self.from, &self.to) {
            (Some(_), Some(f), Some(t)) => format!("from={}&to={}", f.trim(), t.trim()),
            _ => format!("period={}", self.days()),
        }
    }
}
// --- end reports ---

impl PeriodQuery {
    fn days(&self) -> i64 {
        self.period
            .as_deref()
            .and_then(|p| p.trim().trim_end_matches('d').parse::<i64>().ok())
            .filter(|d| PERIODS.contains(d))
            .unwrap_or(PERIODS[0])
    }
}

/// The last `days` local days, today included: `[from, to)` with `to` the coming midnight.
fn period(days: i64, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let off = Duration::seconds(i64::from(HANOI));
    let today = (now + off).date_naive();
    let to = today
        .succ_opt()
        .unwrap_or(today)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        - off;
    (to - Duration::days(days), to)
}

fn local_date(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::seconds(i64::from(HANOI))).date_naive()
}

/// One link of the period chooser.
pub struct PeriodLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// A headline figure: its value, and the change or a note under it.
pub struct Figure {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub note: Option<String>,
    /// "up", "down", "same" or "" (no change shown).
    pub trend: &'static str,
    pub href: Option<String>,
}

/// A unit below, as a drill-down link.
pub struct ChildLink {
    pub id: String,
    pub name: String,
    pub count: String,
    pub change: String,
    pub trend: &'static str,
}

pub struct CaseLine {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub status: String,
    pub due: String,
    pub overdue: bool,
    pub urgent: bool,
    pub items: String,
}

pub struct AlertLine {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub raised: String,
    pub severity: String,
}

/// One of the newest items.
pub struct ItemLine {
    pub id: i64,
    pub text: String,
    pub unit_name: String,
    pub received: String,
    pub topic: Option<String>,
}

pub struct ChannelLine {
    pub label: String,
    pub current: String,
    pub previous: String,
    pub change: String,
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct DashboardPage {
    c: Chrome,
    unit_id: String,
    unit_name: String,
    /// The signed-in user's role, on the dashboard of its own unit.
    role_label: Option<String>,
    trail: Vec<(String, String)>,
    days: i64,
    /// "period=30" or "from=…&to=…" (reports, issue 7): kept by the page's links.
    query: String,
    periods: Vec<PeriodLink>,
    period_text: String,
    figures: Vec<Figure>,
    hidden_note: bool,
    series: ChartView,
    topics: ChartView,
    sentiment: ChartView,
    units_chart: Option<ChartView>,
    children: Vec<ChildLink>,
    direct: Option<String>,
    map: Option<ChartView>,
    cases: Vec<CaseLine>,
    cases_more: Option<String>,
    overdue: Vec<CaseLine>,
    alerts: Option<Vec<AlertLine>>,
    latest: Vec<ItemLine>,
    channels: Vec<ChannelLine>,
    feeds_text: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/map.html")]
struct MapPage {
    c: Chrome,
    unit_id: String,
    unit_name: String,
    days: i64,
    /// "period=30" or "from=…&to=…" (reports, issue 7): kept by the page's links.
    query: String,
    periods: Vec<PeriodLink>,
    period_text: String,
    map: Option<ChartView>,
    children: Vec<ChildLink>,
}

fn trend(delta: i128) -> &'static str {
    match delta {
        d if d > 0 => "up",
        d if d < 0 => "down",
        _ => "same",
    }
}

fn int(n: u64, lang: Lang) -> String {
    ykien_charts::num::int(u128::from(n), chart_lang(lang))
}

async fn figures_for(
    state: &AppState,
    signed: &Signed,
    unit: &str,
    // --- reports (issue 7): the range, offered or explicit ---
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Dashboard, WebError> {
    let q = DashboardQuery {
        unit: unit.to_string(),
        from,
        to,
        utc_offset_secs: HANOI,
        top: LISTED,
    };
    Ok(state.store.dashboard(&signed.actor, &q).await?)
}

fn periods(path: &str, days: i64, explicit: bool, t: &Catalog) -> Vec<PeriodLink> {
    PERIODS
        .iter()
        .map(|d| PeriodLink {
            label: t.get("dashboard.days").replace("{n}", &d.to_string()),
            href: format!("{path}?period={d}"),
            current: *d == days && !explicit,
        })
        .collect()
}

fn period_text(d: &Dashboard, lang: Lang, t: &Catalog) -> String {
    let l = chart_lang(lang);
    let date = |x: DateTime<Utc>| ykien_charts::num::date(local_date(x), l);
    let last = |x: DateTime<Utc>| date(x - Duration::seconds(1));
    t.get("dashboard.period_text")
        .replace("{from}", &date(d.from))
        .replace("{to}", &last(d.to))
        .replace("{pfrom}", &date(d.previous_from))
        .replace("{pto}", &last(d.from))
}

fn children(d: &Dashboard, lang: Lang) -> Vec<ChildLink> {
    d.children
        .iter()
        .map(|c| ChildLink {
            id: c.unit.id.to_string(),
            name: c.unit.name.clone(),
            count: int(c.items.current, lang),
            change: change_text(&c.items, lang),
            trend: trend(c.items.delta()),
        })
        .collect()
}

fn case_line(c: &Case, t: &Catalog, lang: Lang) -> CaseLine {
    CaseLine {
        id: c.id,
        title: excerpt(&c.title, 160),
        unit_name: c.unit_name.clone(),
        status: t
            .get(&format!("dashboard.status_{}", c.status.as_str()))
            .to_string(),
        due: local_time(c.due_at),
        overdue: c.overdue,
        urgent: c.severity == ykien_store::Severity::Urgent,
        items: t
            .get("dashboard.items_in_case")
            .replace("{n}", &int(u64::try_from(c.item_count).unwrap_or(0), lang)),
    }
}

fn figures(d: &Dashboard, lang: Lang, t: &Catalog) -> Vec<Figure> {
    let mut out = vec![
        Figure {
            key: "items",
            label: t.get("dashboard.fig_items").to_string(),
            value: int(d.items.current, lang),
            note: Some(format!(
                "{} {}",
                change_text(&d.items, lang),
                t.get("dashboard.vs_previous")
            )),
            trend: trend(d.items.delta()),
            href: None,
        },
        Figure {
            key: "hidden",
            label: t.get("dashboard.fig_hidden").to_string(),
            value: int(d.hidden.current, lang),
            note: Some(
                t.get("dashboard.previous_n")
                    .replace("{n}", &int(d.hidden.previous, lang)),
            ),
            trend: "",
            href: None,
        },
        Figure {
            key: "pending",
            label: t.get("dashboard.fig_pending").to_string(),
            value: int(d.pending, lang),
            note: None,
            trend: "",
            href: None,
        },
        Figure {
            key: "open-cases",
            label: t.get("dashboard.fig_open_cases").to_string(),
            value: int(d.cases.open, lang),
            note: None,
            trend: "",
            href: None,
        },
        Figure {
            key: "overdue",
            label: t.get("dashboard.fig_overdue").to_string(),
            value: int(d.cases.overdue, lang),
            note: None,
            trend: if d.cases.overdue > 0 { "up" } else { "" },
            href: None,
        },
    ];
    if let Some(a) = &d.alerts {
        out.push(Figure {
            key: "alerts",
            label: t.get("dashboard.fig_alerts").to_string(),
            value: int(a.open, lang),
            note: None,
            trend: if a.open > 0 { "up" } else { "" },
            href: Some("/alerts".to_string()),
        });
    }
    out.push(Figure {
        key: "feeds",
        label: t.get("dashboard.fig_feeds").to_string(),
        value: int(d.feeds.sources, lang),
        note: None,
        trend: "",
        href: None,
    });
    out
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    unit: &str,
    q: &PeriodQuery,
) -> Result<Html<String>, WebError> {
    let (lang, t) = (ui.lang, ui.t());
    let (from, to, days) = q.bounds(Utc::now());
    let d = figures_for(state, signed, unit, (from, to)).await?;
    let names = crate::topics::Topics::load(state).await?;
    let unit_id = d.unit.id.to_string();
    let path = format!("/dashboard/{unit_id}");
    let channels = d
        .channels
        .iter()
        .filter(|k| k.count.current > 0 || k.count.previous > 0)
        .map(|k| ChannelLine {
            label: t.get(&format!("dashboard.channel_{}", k.key)).to_string(),
            current: int(k.count.current, lang),
            previous: int(k.count.previous, lang),
            change: change_text(&k.count, lang),
        })
        .collect();
    let feeds_text = (d.feeds.sources > 0).then(|| {
        t.get("dashboard.feeds_text")
            .replace("{n}", &int(d.feeds.sources, lang))
            .replace("{on}", &int(d.feeds.enabled, lang))
            .replace("{bad}", &int(d.feeds.failing, lang))
    });
    let direct =
        (!d.children.is_empty() && (d.direct.current > 0 || d.direct.previous > 0)).then(|| {
            t.get("dashboard.direct")
                .replace("{unit}", &d.unit.name)
                .replace("{n}", &int(d.direct.current, lang))
        });
    let page = DashboardPage {
        c: ui.chrome(Some(signed.bar())),
        unit_name: d.unit.name.clone(),
        role_label: (d.unit.id == signed.actor.unit)
            .then(|| t.get(&format!("role.{}", signed.actor.role)).to_string()),
        trail: d
            .trail
            .iter()
            .map(|u| (u.id.to_string(), u.name.clone()))
            .collect(),
        days,
        query: q.link_query(),
        periods: periods(&path, days, q.range().is_some(), t),
        period_text: period_text(&d, lang, t),
        figures: figures(&d, lang, t),
        hidden_note: d.hidden.current > 0,
        series: charts::series(&d, lang, t),
        topics: charts::topics(&d, &names, lang, t),
        sentiment: charts::sentiment(&d, lang, t),
        units_chart: charts::units(&d, lang, t),
        children: children(&d, lang),
        direct,
        map: charts::map(&d, lang, t, "dash-map", 8),
        cases: d.cases.top.iter().map(|c| case_line(c, t, lang)).collect(),
        cases_more: (d.cases.open > d.cases.top.len() as u64).then(|| {
            t.get("dashboard.cases_more")
                .replace("{n}", &int(d.cases.open - d.cases.top.len() as u64, lang))
        }),
        overdue: d
            .cases
            .overdue_list
            .iter()
            .map(|c| case_line(c, t, lang))
            .collect(),
        alerts: d.alerts.as_ref().map(|a| {
            a.latest
                .iter()
                .map(|x| AlertLine {
                    id: x.id,
                    title: excerpt(&x.title, 200),
                    unit_name: x.unit_name.clone(),
                    raised: local_time(x.raised_at),
                    severity: x.severity.as_str().to_string(),
                })
                .collect()
        }),
        latest: d
            .latest
            .iter()
            .map(|i| ItemLine {
                id: i.id,
                text: match (&i.title, i.text.trim()) {
                    (_, "") => t.get("dashboard.masked").to_string(),
                    (Some(title), _) if !title.trim().is_empty() => excerpt(title, 160),
                    (_, text) => excerpt(text, 160),
                },
                unit_name: i.unit_name.clone(),
                received: local_time(i.received_at),
                topic: i
                    .topic
                    .as_deref()
                    .map(|k| charts::topic_name(&names, k, lang, t)),
            })
            .collect(),
        channels,
        feeds_text,
        unit_id,
    };
    Ok(Html(page.render()?))
}

/// `GET /` and `GET /dashboard`: the dashboard of the actor's own unit.
pub async fn home(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> Result<Html<String>, WebError> {
    let id = signed.actor.unit.to_string();
    render(&state, &signed, &ui, &id, &q).await
}

/// `GET /dashboard/{id}`: a unit of the actor's subtree.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Html<String>, WebError> {
    render(&state, &signed, &ui, &id, &q).await
}

/// `GET /dashboard/{id}/map`: the map of the units below, large, with every unit's figures.
pub async fn map(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Html<String>, WebError> {
    let (lang, t) = (ui.lang, ui.t());
    let (from, to, days) = q.bounds(Utc::now());
    let d = figures_for(&state, &signed, &id, (from, to)).await?;
    let unit_id = d.unit.id.to_string();
    // The busiest first (stable: code order among equals): the table is what a screen
    // reader reads instead of the map.
    let mut kids: Vec<(u64, ChildLink)> = d
        .children
        .iter()
        .map(|c| c.items.current)
        .zip(children(&d, lang))
        .collect();
    kids.sort_by_key(|k| std::cmp::Reverse(k.0));
    let sorted: Vec<ChildLink> = kids.into_iter().map(|(_, k)| k).collect();
    let page = MapPage {
        c: ui.chrome(Some(signed.bar())),
        unit_name: d.unit.name.clone(),
        days,
        query: q.link_query(),
        periods: periods(
            &format!("/dashboard/{unit_id}/map"),
            days,
            q.range().is_some(),
            t,
        ),
        period_text: period_text(&d, lang, t),
        map: charts::map(&d, lang, t, "dash-map-full", 20),
        children: sorted,
        unit_id,
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_are_whole_local_days_ending_tonight() {
        // 23:30 in Hà Nội on 30/11/2026 is 16:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 16, 30, 0).unwrap();
        let (from, to) = period(7, now);
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap());
        assert_eq!(to - from, Duration::days(7));
        assert_eq!(
            local_date(from),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        // 00:30 in Hà Nội on 1/12 is still 30/11 in UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 17, 30, 0).unwrap();
        let (_, to) = period(7, now);
        assert_eq!(
            local_date(to),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
    }

    #[test]
    fn only_offered_periods_are_taken() {
        let q = |p: &str| PeriodQuery {
            period: Some(p.into()),
            ..PeriodQuery::default()
        };
        assert_eq!(q("30").days(), 30);
        assert_eq!(q("90d").days(), 90);
        assert_eq!(q("365").days(), 7);
        assert_eq!(q("abc").days(), 7);
        assert_eq!(PeriodQuery::default().days(), 7);
    }

    // --- reports (issue 7) ---
    #[test]
    fn an_explicit_range_is_whole_hanoi_days_both_included() {
        let q = |f: &str, t: &str| PeriodQuery {
            period: Some("30".into()),
            from: Some(f.into()),
            to: Some(t.into()),
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 3, 0, 0).unwrap();
        let (from, to, days) = q("2026-11-01", "2026-11-30").bounds(now);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 10, 31, 17, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap());
        assert_eq!(days, 30);
        assert_eq!(
            q("2026-11-01", "2026-11-30").link_query(),
            "from=2026-11-01&to=2026-11-30"
        );
        // Backwards, unreadable or too long: the offered period instead.
        for (f, t) in [
            ("2026-11-30", "2026-11-01"),
            ("2026-11", "x"),
            ("2020-01-01", "2026-01-01"),
        ] {
            assert_eq!(q(f, t).range(), None, "{f}..{t}");
            assert_eq!(q(f, t).bounds(now).2, 30);
            assert_eq!(q(f, t).link_query(), "period=30");
        }
    }
    // --- end reports ---
}
