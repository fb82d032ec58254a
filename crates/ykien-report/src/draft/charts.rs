//! The dashboard's charts (ykien-charts) drawn from the same figures for the report, with
//! the report's words, as `Block::Chart`s whose tables link each row to its items.
use ykien_charts::{BarRow, Bars, Chart, Meta, SentimentBars, SentimentRow, Step, TimeSeries, num};
use ykien_docs::{Block, Cell, Column, Table};
use ykien_store::{Change, Dashboard};

use super::words::{Lang, words};

fn meta(id: &str, title: &str, desc: String, lang: Lang) -> Meta {
    Meta {
        id: id.to_string(),
        title: title.to_string(),
        desc,
        no_data: words(lang).no_data.to_string(),
        lang: lang.charts(),
    }
}

/// The chart as a block; `links[i]` is the href of the table's row `i`, if any.
fn block(chart: &dyn Chart, links: &[Option<String>]) -> Block {
    let t = chart.table();
    Block::Chart {
        caption: t.caption.clone(),
        svg: chart.svg(),
        table: Table {
            caption: t.caption,
            columns: t
                .columns
                .into_iter()
                .map(|c| Column {
                    header: c.header,
                    numeric: c.numeric,
                })
                .collect(),
            rows: t
                .rows
                .into_iter()
                .enumerate()
                .map(|(r, cells)| {
                    cells
                        .into_iter()
                        .enumerate()
                        .map(|(c, text)| Cell {
                            text,
                            href: if c == 0 {
                                links.get(r).cloned().flatten()
                            } else {
                                None
                            },
                        })
                        .collect()
                })
                .collect(),
        },
    }
}

fn int(n: u64, lang: Lang) -> String {
    num::int(u128::from(n), lang.charts())
}

/// Opinions per day against the previous period.
pub fn series(d: &Dashboard, lang: Lang) -> Block {
    let w = words(lang);
    let chart = TimeSeries {
        meta: meta(
            "report-series",
            w.chart_series,
            w.chart_series_desc
                .replace("{n}", &int(d.items.current, lang))
                .replace("{p}", &int(d.items.previous, lang)),
            lang,
        ),
        step: Step::Day,
        current: d.daily.clone(),
        previous: d.daily_previous.clone(),
        current_label: w.current.to_string(),
        previous_label: w.previous.to_string(),
        date_header: w.date.to_string(),
    };
    block(&chart, &[])
}

/// Horizontal bars with the change: (label, figures, link) in the order given.
pub fn bars(
    id: &str,
    title: &str,
    label_header: &str,
    rows: &[(String, Change, Option<String>)],
    lang: Lang,
) -> Block {
    let w = words(lang);
    let top = rows
        .first()
        .filter(|r| r.1.current > 0)
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "—".to_string());
    let chart = Bars {
        meta: meta(id, title, w.chart_topics_desc.replace("{top}", &top), lang),
        rows: rows
            .iter()
            .map(|(label, c, _)| BarRow {
                label: label.clone(),
                value: c.current,
                previous: Some(c.previous),
            })
            .collect(),
        label_header: label_header.to_string(),
        value_header: w.count.to_string(),
        change_header: w.change.to_string(),
    };
    let links: Vec<Option<String>> = rows.iter().map(|r| r.2.clone()).collect();
    block(&chart, &links)
}

/// The shares of each sentiment, this period and the previous one.
pub fn sentiment(neg: Change, neu: Change, pos: Change, lang: Lang) -> Block {
    let w = words(lang);
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
                label: w.current.to_string(),
                negative: neg.current,
                neutral: neu.current,
                positive: pos.current,
            },
            SentimentRow {
                label: w.previous.to_string(),
                negative: neg.previous,
                neutral: neu.previous,
                positive: pos.previous,
            },
        ]
    };
    let chart = SentimentBars {
        meta: meta(
            "report-sentiment",
            w.chart_sentiment,
            w.chart_sentiment_desc
                .replace("{neg}", &int(neg.current, lang))
                .replace("{neu}", &int(neu.current, lang))
                .replace("{pos}", &int(pos.current, lang)),
            lang,
        ),
        rows,
        label_header: w.period.to_string(),
        negative_label: w.negative.to_string(),
        neutral_label: w.neutral.to_string(),
        positive_label: w.positive.to_string(),
        total_header: w.total.to_string(),
    };
    block(&chart, &[])
}
