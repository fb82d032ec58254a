//! `ykien search QUERY [--unit CODE] [--json]`: full-text search over the items, from the
//! server's own command line (the system: every unit, nothing masked). Typed with or
//! without diacritics, old or new tone placement: "thuy phuong" finds "Thụy Phương".

use std::io::IsTerminal;

use clap::Args;
use serde::Serialize;
use ykien_store::SearchQuery;

use super::config::GlobalOpts;
use super::ingest::parse_time;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for (several words: items with all of them)
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Only this unit and the units below it, e.g. 00004
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// Only items on this topic (a topic id of the taxonomy)
    #[arg(long)]
    pub topic: Option<String>,
    /// Only negative, neutral or positive items
    #[arg(long)]
    pub sentiment: Option<String>,
    /// Only items from this source
    #[arg(long)]
    pub source: Option<String>,
    /// Only items from this channel (form, citizen, api, import, feed, email, other)
    #[arg(long)]
    pub channel: Option<String>,
    /// Only items from this time on (YYYY-MM-DD or RFC 3339; Hanoi time)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only items before this time
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Include items hidden as spam
    #[arg(long)]
    pub spam: bool,
    /// How many results at most
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print a JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct HitOut<'a> {
    id: i64,
    unit: &'a str,
    unit_name: &'a str,
    source: &'a str,
    channel: &'a str,
    received_at: String,
    occurred_at: Option<String>,
    topic: Option<&'a str>,
    sentiment: Option<&'a str>,
    spam: Option<&'a str>,
    hidden: bool,
    status: &'a str,
    score: f64,
    snippet: &'a str,
    /// Byte ranges into `snippet`.
    highlights: Vec<[usize; 2]>,
    text: &'a str,
}

pub async fn run(g: &GlobalOpts, a: SearchArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let time = |t: &Option<String>| {
        t.as_deref()
            .map(|t| parse_time(t).map_err(UsageError))
            .transpose()
    };
    if let Some(c) = &a.channel {
        ykien_store::Channel::parse(c).map_err(|e| UsageError(e.to_string()))?;
    }
    let filters = SearchQuery {
        unit: a.unit.clone(),
        topic: a.topic.clone(),
        sentiment: a.sentiment.clone(),
        source: a.source.clone(),
        channel: a.channel.clone(),
        from: time(&a.since)?,
        to: time(&a.until)?,
        include_spam: a.spam,
        limit: a.limit,
        terms: String::new(),
    };
    let query = a.query.join(" ");
    let store = open_store(&s).await?;
    let hits = ykien_listen::search(&store, None, &query, filters)
        .await
        .map_err(|ykien_listen::ListenError::Store(e)| e)?;
    if a.json {
        let rows: Vec<HitOut> = hits
            .iter()
            .map(|h| HitOut {
                id: h.item.id,
                unit: h.item.unit.as_str(),
                unit_name: &h.item.unit_name,
                source: &h.item.source,
                channel: &h.item.channel,
                received_at: h.item.received_at.to_rfc3339(),
                occurred_at: h.item.occurred_at.map(|t| t.to_rfc3339()),
                topic: h.item.topic.as_deref(),
                sentiment: h.item.sentiment.as_deref(),
                spam: h.item.spam_label.as_deref(),
                hidden: h.item.is_hidden,
                status: &h.item.status,
                score: (h.score * 1000.0).round() / 1000.0,
                snippet: &h.snippet.text,
                highlights: h
                    .snippet
                    .highlights
                    .iter()
                    .map(|r| [r.start, r.end])
                    .collect(),
                text: &h.item.text,
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        let (open, close) = if std::io::stdout().is_terminal() {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        for h in &hits {
            // Dates as the people of Hanoi wrote them (UTC+7).
            let when = h
                .item
                .occurred_at
                .unwrap_or(h.item.received_at)
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"));
            outln!(
                "#{:<6} {}  {}  {}  {}{}",
                h.item.id,
                when.format("%Y-%m-%d"),
                h.item.unit_name,
                h.item.topic.as_deref().unwrap_or("-"),
                h.item.sentiment.as_deref().unwrap_or("-"),
                if h.item.is_hidden { "  (spam)" } else { "" }
            );
            outln!(
                "        {}",
                h.snippet.marked(open, close).replace('\n', " ")
            );
        }
        eprintln!("{} results", hits.len());
    }
    store.close().await;
    Ok(())
}
