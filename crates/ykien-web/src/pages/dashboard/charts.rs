//! The dashboard's charts: store figures in, `ykien-charts` charts out, each with the same
//! figures as a table for the text alternative. Every word comes from the catalogue; numbers
//! and dates are formatted by `ykien_charts::num` so that a chart and its table agree.

use crate::topics::Topics;
use ykien_charts::{
    BarRow, Bars, Chart, Lang as ChartLang, MapPoint, Meta, SentimentBars, SentimentRow, Step,
    TimeSeries, UnitMap, num,
};
use ykien_store::{Change, Dashboard, Keyed};

use crate::i18n::{Catalog, Lang};

/// A chart as the template shows it: the SVG, and its table under a disclosure.
pub struct ChartView {
    pub id: String,
    pub svg: String,
    pub caption: String,
    /// (header, numeric)
    pub columns: Vec<(String, bool)>,
    /// (cell, numeric)
    pub rows: Vec<Vec<(String, bool)>>,
}

impl ChartView {
    fn of(id: &str, chart: &dyn Chart) -> ChartView {
        let table = chart.table();
        let numeric: Vec<bool> = table.columns.iter().map(|c| c.numeric).collect();
        ChartView {
            id: id.to_string(),
            svg: chart.svg(),
            caption: table.caption,
            columns: table
                .columns
                .into_iter()
                .map(|c| (c.header, c.numeric))
                .collect(),
            rows: table
                .rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .enumerate()
                        .map(|(i, cell)| (cell, numeric.get(i).copied().unwrap_or(false)))
                        .collect()
                })
                .collect(),
        }
    }
}

pub fn chart_lang(lang: Lang) -> ChartLang {
    match lang {
        Lang::Vi => ChartLang::Vi,
        Lang::En => ChartLang::En,
    }
}

/// "+5 (+500 %)", "−3 (−20 %)", "±0": the change against the previous period.
pub fn change_text(c: &Change, lang: Lang) -> String {
    let l = chart_lang(lang);
    let delta = num::signed(c.delta(), l);
    match c.percent() {
        Some(p) if c.delta() != 0 => {
            let sign = if p > 0.0 { "+" } else { "" };
            format!("{delta} ({sign}{})", num::percent(p, 0, l))
        }
        _ => delta,
    }
}

/// A topic id as the reader knows it: the organization's name for it in the UI language
/// (retired topics keep theirs).
pub fn topic_name(names: &Topics, id: &str, lang: Lang, t: &Catalog) -> String {
    if id.is_empty() {
        return t.get("dashboard.not_analysed").to_string();
    }
    names.name(lang, id)
}

fn meta(id: &str, title: &str, desc: String, lang: Lang, t: &Catalog) -> Meta {
    Meta {
        id: id.to_string(),
        title: title.to_string(),
        desc,
        no_data: t.get("dashboard.no_data").to_string(),
        lang: chart_lang(lang),
    }
}

fn int(n: u64, lang: Lang) -> String {
    num::int(u128::from(n), chart_lang(lang))
}

/// Opinions per day, this period over the previous one.
pub fn series(d: &Dashboard, lang: Lang, t: &Catalog) -> ChartView {
    let title = t.get("dashboard.series_title");
    let desc = t
        .get("dashboard.series_desc")
        .replace("{n}", &int(d.items.current, lang))
        .replace("{p}", &int(d.items.previous, lang))
        .replace("{change}", &change_text(&d.items, lang));
    let chart = TimeSeries {
        meta: meta("dash-series", title, desc, lang, t),
        step: Step::Day,
        current: d.daily.clone(),
        previous: d.daily_previous.clone(),
        current_label: t.get("dashboard.current").to_string(),
        previous_label: t.get("dashboard.previous").to_string(),
        date_header: t.get("dashboard.date").to_string(),
    };
    ChartView::of("dash-series", &chart)
}

fn bar_rows(rows: impl Iterator<Item = (String, Change)>) -> Vec<BarRow> {
    rows.map(|(label, c)| BarRow {
        label,
        value: c.current,
        previous: Some(c.previous),
    })
    .collect()
}

/// Opinions by topic, the ten most frequent, with the change.
pub fn topics(d: &Dashboard, names: &Topics, lang: Lang, t: &Catalog) -> ChartView {
    let shown: Vec<&Keyed> = d
        .topics
        .iter()
        .filter(|k| k.count.current > 0 || k.count.previous > 0)
        .take(10)
        .collect();
    let top = shown
        .first()
        .filter(|k| k.count.current > 0)
        .map(|k| topic_name(names, &k.key, lang, t))
        .unwrap_or_else(|| "—".to_string());
    let desc = t.get("dashboard.topics_desc").replace("{top}", &top);
    let chart = Bars {
        meta: meta(
            "dash-topics",
            t.get("dashboard.topics_title"),
            desc,
            lang,
            t,
        ),
        rows: bar_rows(
            shown
                .iter()
                .map(|k| (topic_name(names, &k.key, lang, t), k.count)),
        ),
        label_header: t.get("dashboard.topic").to_string(),
        value_header: t.get("dashboard.count").to_string(),
        change_header: t.get("dashboard.change").to_string(),
    };
    ChartView::of("dash-topics", &chart)
}

/// The share of each sentiment, this period and the previous one (items not analysed yet
/// are left out, and the description says so).
pub fn sentiment(d: &Dashboard, lang: Lang, t: &Catalog) -> ChartView {
    let get = |key: &str| {
        d.sentiments
            .iter()
            .find(|k| k.key == key)
            .map(|k| k.count)
            .unwrap_or_default()
    };
    let (neg, neu, pos) = (get("negative"), get("neutral"), get("positive"));
    let desc = t
        .get("dashboard.sentiment_desc")
        .replace("{neg}", &int(neg.current, lang))
        .replace("{neu}", &int(neu.current, lang))
        .replace("{pos}", &int(pos.current, lang));
    let rows = if neg.current
        + neu.current
        + pos.current
        + neg.previous
        + neu.previous
        + pos.previous
        == 0
    {
        Vec::new()
    } else {
        vec![
            SentimentRow {
                label: t.get("dashboard.current").to_string(),
                negative: neg.current,
                neutral: neu.current,
                positive: pos.current,
            },
            SentimentRow {
                label: t.get("dashboard.previous").to_string(),
                negative: neg.previous,
                neutral: neu.previous,
                positive: pos.previous,
            },
        ]
    };
    let chart = SentimentBars {
        meta: meta(
            "dash-sentiment",
            t.get("dashboard.sentiment_title"),
            desc,
            lang,
            t,
        ),
        rows,
        label_header: t.get("dashboard.period").to_string(),
        negative_label: t.get("dashboard.negative").to_string(),
        neutral_label: t.get("dashboard.neutral").to_string(),
        positive_label: t.get("dashboard.positive").to_string(),
        total_header: t.get("dashboard.total").to_string(),
    };
    ChartView::of("dash-sentiment", &chart)
}

/// The units below, the ten with the most opinions; None without units below.
pub fn units(d: &Dashboard, lang: Lang, t: &Catalog) -> Option<ChartView> {
    if d.children.is_empty() {
        return None;
    }
    let mut ranked: Vec<_> = d
        .children
        .iter()
        .filter(|c| c.items.current > 0 || c.items.previous > 0)
        .collect();
    ranked.sort_by(|a, b| {
        b.items
            .current
            .cmp(&a.items.current)
            .then(b.items.previous.cmp(&a.items.previous))
            .then(a.unit.code.cmp(&b.unit.code))
    });
    ranked.truncate(10);
    let top = ranked
        .first()
        .filter(|c| c.items.current > 0)
        .map(|c| c.unit.name.clone())
        .unwrap_or_else(|| "—".to_string());
    let chart = Bars {
        meta: meta(
            "dash-units",
            t.get("dashboard.units_top"),
            t.get("dashboard.units_desc").replace("{top}", &top),
            lang,
            t,
        ),
        rows: bar_rows(ranked.iter().map(|c| (c.unit.name.clone(), c.items))),
        label_header: t.get("dashboard.unit").to_string(),
        value_header: t.get("dashboard.count").to_string(),
        change_header: t.get("dashboard.change").to_string(),
    };
    Some(ChartView::of("dash-units", &chart))
}

/// Proportional circles at the centroids of the units below; None when none has a centroid.
pub fn map(
    d: &Dashboard,
    lang: Lang,
    t: &Catalog,
    id: &str,
    label_top: usize,
) -> Option<ChartView> {
    let points: Vec<MapPoint> = d
        .children
        .iter()
        .filter_map(|c| {
            Some(MapPoint {
                label: c.unit.name.clone(),
                lat: c.unit.lat?,
                lon: c.unit.lon?,
                value: c.items.current,
            })
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let top = points
        .iter()
        .filter(|p| p.value > 0)
        .max_by(|a, b| a.value.cmp(&b.value).then(b.label.cmp(&a.label)))
        .map(|p| p.label.clone())
        .unwrap_or_else(|| "—".to_string());
    let chart = UnitMap {
        meta: meta(
            id,
            t.get("dashboard.map_title"),
            t.get("dashboard.map_desc").replace("{top}", &top),
            lang,
            t,
        ),
        points,
        note: t.get("dashboard.map_note_short").to_string(),
        label_top,
        unit_header: t.get("dashboard.unit").to_string(),
        value_header: t.get("dashboard.count").to_string(),
    };
    Some(ChartView::of(id, &chart))
}
