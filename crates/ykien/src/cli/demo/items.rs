//! The demo's items, from three sources, each named in the item's `source`:
//!
//! - `demo-synthetic`: collaborators' opinion reports and fanpage comments written for the
//!   demo (`crates/ykien/demo/reports.synthetic.jsonl`, see the README there). No public
//!   corpus of such reports exists, so they are invented, and say so. Their times are spread
//!   over the last 60 days, counted back from the day the demo is loaded.
//! - `legal-1656`: excerpts of Resolution 1656/NQ-UBTVQH15 (Hà Nội's commune-level units,
//!   2025), a legal text that is not protected by copyright in Vietnam (Law on Intellectual
//!   Property, art. 15), shipped in `crates/ykien/demo/legal.1656.jsonl`.
//! - `vntc`: a few hundred real news articles of the VNTC corpus (2006–07), read at run time
//!   from `$YKIEN_DATA/topics/vntc/train_full.jsonl.gz` when that folder is present. The
//!   article text belongs to its outlets and is not shipped; the demo works without it. Their
//!   times are reassigned over the last 60 days (the title says so).
//!
//! Every item has an external id, so loading twice adds nothing.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Deserialize;
use ykien_store::{Channel, Confidentiality, Heard, NewItem, OpinionReport, Store};

/// The synthetic reports and comments.
pub const SYNTHETIC: &str = include_str!("../../../demo/reports.synthetic.jsonl");
/// Excerpts of Resolution 1656/NQ-UBTVQH15.
pub const LEGAL: &str = include_str!("../../../demo/legal.1656.jsonl");

pub const SYNTHETIC_SOURCE: &str = "demo-synthetic";
pub const LEGAL_SOURCE: &str = "legal-1656";
pub const VNTC_SOURCE: &str = "vntc";

/// News articles taken from VNTC, per VNTC topic (the five closest to public opinion).
const VNTC_PER_TOPIC: usize = 60;
const VNTC_TOPICS: [&str; 5] = [
    "Chinh tri Xa hoi",
    "Phap luat",
    "Suc khoe",
    "Doi song",
    "Kinh doanh",
];

/// One line of `reports.synthetic.jsonl`.
#[derive(Debug, Deserialize)]
pub struct SyntheticRow {
    pub ext: String,
    /// "report" (a collaborator's report), "comment" (a fanpage comment) or "spam".
    pub kind: String,
    pub unit: String,
    /// How long before the load the opinion was heard.
    pub days_ago: f64,
    pub text: String,
    pub title: Option<String>,
    pub topic_hint: Option<String>,
    pub locality: Option<String>,
    pub population: Option<String>,
    pub intensity: Option<String>,
    pub trend: Option<String>,
    pub heard: Option<String>,
    pub quotes: Option<String>,
    pub proposed_handling: Option<String>,
    /// The topic the writer meant (a taxonomy id): not stored with the item; the demo's
    /// leader files it as a correction where the analysis disagrees (see `demo.rs`).
    pub topic: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LegalRow {
    ext: String,
    unit: String,
    title: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct VntcRow {
    id: String,
    label: String,
    text: String,
}

/// What [`load`] did.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// (item id, the writer's topic) of each synthetic row that has one.
    pub intended: Vec<(i64, String)>,
    pub synthetic: usize,
    pub legal: usize,
    pub vntc: usize,
    /// Of those, new in this run.
    pub created: usize,
}

pub fn synthetic_rows() -> anyhow::Result<Vec<SyntheticRow>> {
    SYNTHETIC
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("reports.synthetic.jsonl:{}", i + 1))
        })
        .collect()
}

fn item(unit: &str, source: &str, channel: Channel, ext: &str, text: &str) -> NewItem {
    NewItem {
        unit: unit.to_string(),
        source: source.to_string(),
        channel,
        external_id: Some(ext.to_string()),
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.to_string(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

/// Where the shared data lives: `$YKIEN_DATA`, else `../shared/data` (from the current
/// directory, then from the repository this binary was built in).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("YKIEN_DATA") {
        let d = PathBuf::from(d);
        return d.is_dir().then_some(d);
    }
    [
        PathBuf::from("../shared/data"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    ]
    .into_iter()
    .find(|d| d.is_dir())
}

/// Loads the demo items (idempotent). `collaborator`: the demo collaborator's account, who
/// is named as the author of the synthetic reports filed in its ward. `vntc`: the corpus
/// file, when present.
pub async fn load(
    store: &Store,
    collaborator: Option<(i64, String)>,
    vntc: Option<&Path>,
    now: DateTime<Utc>,
) -> anyhow::Result<Loaded> {
    let mut out = Loaded::default();
    for r in synthetic_rows()? {
        let channel = if r.kind == "report" {
            Channel::Form
        } else {
            Channel::Import
        };
        let topic = r.topic.clone();
        let mut it = item(&r.unit, SYNTHETIC_SOURCE, channel, &r.ext, &r.text);
        it.occurred_at = Some(now - Duration::seconds((r.days_ago * 86_400.0) as i64));
        it.title = r.title;
        it.report = OpinionReport {
            topic_hint: r.topic_hint,
            locality: r.locality,
            population: r.population,
            intensity: r.intensity,
            trend: r.trend,
            heard: r.heard.as_deref().and_then(|h| Heard::parse(h).ok()),
            quotes: r.quotes,
            proposed_handling: r.proposed_handling,
        };
        if r.kind == "report"
            && let Some((id, unit)) = &collaborator
            && *unit == r.unit
        {
            it.author_user_id = Some(*id);
        }
        let s = ykien_listen::submit(store, None, it)
            .await
            .with_context(|| format!("demo item {}", r.ext))?;
        out.synthetic += 1;
        out.created += usize::from(s.created);
        if let Some(t) = topic {
            out.intended.push((s.id, t));
        }
    }
    let resolution_day = Utc
        .with_ymd_and_hms(2025, 6, 16, 3, 0, 0)
        .single()
        .unwrap_or(now);
    for (i, l) in LEGAL.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let r: LegalRow =
            serde_json::from_str(l).with_context(|| format!("legal.1656.jsonl:{}", i + 1))?;
        let mut it = item(&r.unit, LEGAL_SOURCE, Channel::Feed, &r.ext, &r.text);
        it.title = Some(r.title);
        it.occurred_at = Some(resolution_day);
        let s = ykien_listen::submit(store, None, it).await?;
        out.legal += 1;
        out.created += usize::from(s.created);
    }
    if let Some(path) = vntc {
        let rows = read_vntc(path)?;
        for (i, r) in rows.iter().enumerate() {
            let mut it = item("01", VNTC_SOURCE, Channel::Feed, &r.id, &r.text);
            it.title = Some(vntc_title(r));
            // Spread over the last 60 days, in a fixed order: the articles are from 2006–07,
            // and the demo wants a live-looking stream. The title says the time is not theirs.
            let minutes = (i as i64 * 7919) % (60 * 24 * 60);
            it.occurred_at = Some(now - Duration::minutes(minutes));
            let s = ykien_listen::submit(store, None, it).await?;
            out.vntc += 1;
            out.created += usize::from(s.created);
        }
    }
    Ok(out)
}

/// The article's first words, its outlet and the corpus, and that its time was reassigned.
fn vntc_title(r: &VntcRow) -> String {
    let outlet = match r.id.split('_').nth(1).unwrap_or("") {
        "VNE" => "VnExpress",
        "TT" => "Tuổi Trẻ",
        "TN" => "Thanh Niên",
        "NLD" => "Người Lao Động",
        _ => "báo điện tử",
    };
    let head: String = r.text.chars().take(70).collect();
    let head = match head.rfind(' ') {
        Some(i) if r.text.chars().count() > 70 => format!("{}…", &head[..i]),
        _ => head,
    };
    format!("{head} — {outlet}, 2006–2007 (kho VNTC; thời gian đã gán lại cho bản demo)")
}

/// The first [`VNTC_PER_TOPIC`] articles of each of [`VNTC_TOPICS`], in file order.
fn read_vntc(path: &Path) -> anyhow::Result<Vec<VntcRow>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let r = std::io::BufReader::new(flate2::read::GzDecoder::new(f));
    let mut taken = [0usize; VNTC_TOPICS.len()];
    let mut out = Vec::new();
    for line in r.lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        // Most lines belong to topics not taken or already full: look at the label first,
        // without parsing the article.
        let label = line
            .split_once("\"label\": \"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map_or("", |(l, _)| l);
        let Some(k) = VNTC_TOPICS.iter().position(|t| *t == label) else {
            continue;
        };
        if taken[k] >= VNTC_PER_TOPIC {
            continue;
        }
        let Ok(row) = serde_json::from_str::<VntcRow>(&line) else {
            continue;
        };
        if row.label != VNTC_TOPICS[k] || row.text.trim().len() < 200 {
            continue;
        }
        taken[k] += 1;
        out.push(row);
        if taken.iter().all(|&n| n >= VNTC_PER_TOPIC) {
            break;
        }
    }
    Ok(out)
}

/// `$YKIEN_DATA/topics/vntc/train_full.jsonl.gz`, when present.
pub fn vntc_file(data: Option<&Path>) -> Option<PathBuf> {
    let f = data?.join("topics/vntc/train_full.jsonl.gz");
    f.is_file().then_some(f)
}
