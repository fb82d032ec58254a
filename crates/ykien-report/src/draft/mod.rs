//! Drafting public-opinion reports from the data: the periodic report of a unit's subtree
//! ([`draft`]), the flash report on one case ([`draft_flash`]) and the issued form of either
//! ([`finalize`]). The result is a `ykien_docs::Document` in the layout of Decree
//! 30/2020/NĐ-CP; rendering it is ykien-docs' job.
//!
//! # Figures
//!
//! Every count comes from [`Store::dashboard`] for exactly the report's period (and, for
//! topics by unit below and by sentiment, from [`Store::dashboard_breakdown`], which groups
//! the same rows in one scan), so a report
//! says what the dashboard shows for the same days, scoped to the same actor. Items are
//! read ([`evidence`]) only to choose quotes, to find rumours and to gather proposals. Every
//! figure links to the web UI's item list filtered by unit, period and topic or sentiment
//! (`/items?unit=…&topic=…&sentiment=…&from=YYYY-MM-DD&to=YYYY-MM-DD`, `to` included, the
//! parameters of `ykien-web/src/pages/items/query.rs`), each quote to its item
//! (`/items/{id}`) and each case to `/cases/{id}`.
//!
//! # Sections, after the practice of the Front's public-opinion work
//!
//! General situation (preamble), then I. the main trends of thought and opinion by field,
//! II. the issues people care about or are upset by (place, scope, intensity, trend),
//! III. false information and rumours, IV. forecast, V. proposals. Sources for this order
//! and wording:
//! - Kết luận 100-KL/TW (18/8/2014) of the Party Secretariat on the investigation, grasp and
//!   study of public opinion, and its 10-year review at the Front's Central Committee on
//!   20/3/2024 (tapchimattran.vn, "Tiếp tục đổi mới và nâng cao chất lượng công tác điều
//!   tra, nắm bắt, nghiên cứu dư luận xã hội"; baokiemtoan.vn; thanhtra.com.vn): monthly and
//!   ad-hoc reports "trên các lĩnh vực kinh tế, xã hội… và những vụ việc nổi cộm, bức xúc mà
//!   dư luận xã hội quan tâm";
//! - the Hà Nội Front's monthly briefing (mttqhanoi.org.vn, "giao ban công tác dư luận xã
//!   hội tháng 8/2016: tập trung vào các vấn đề dân sinh bức xúc"), which synthesises the
//!   collaborators' reports of every district for the Party committee and the city;
//! - tapchimattran.vn on An Giang's Front ("Đổi mới phương thức nắm bắt, phản ánh dư luận
//!   trong Nhân dân"): collaborators' monthly reports and quick reports when an issue arises;
//! - ../shared/research/anchors-platforms.md §6.1 (the structure above: trends by field;
//!   issues with place, scope and intensity; false information and rumours; forecast;
//!   proposals) and §6.2 (the layout rules).
//!
//! No verified template of the report body was found in public; the order above is the one
//! every source names, and the wording of each section is a draft the officer edits.
mod charts;
pub mod evidence;
mod flash;
pub mod header;
pub mod words;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use ykien_core::{Actor, Role, UnitId};
use ykien_docs::{Block, Cell, Column, Document, Run, Section, Table};
use ykien_store::{Change, CyclePeriod, Dashboard, DashboardQuery, Item, Store, UnitRow};

use crate::ReportError;
use crate::period::{HANOI_OFFSET_SECS, Period, local_day};
use evidence::{Quote, clean, excerpt, heard_at, quote, representative};
pub use flash::{draft_flash, draft_flash_on};
use header::Issuer;
pub use words::{Lang, Words, words};

/// How many open cases the report lists (the counts cover them all).
pub const TOP_CASES: usize = 10;
/// Fields described one by one in section I.
const MAIN_TOPICS: usize = 5;
/// Fields whose per-topic sentiment is read (section I's and II's candidates).
const TOPICS_READ: usize = 8;
/// Issues described in section II.
const ISSUES: usize = 4;
const QUOTES_PER_TOPIC: usize = 2;
/// A field "rises" when it has at least this many opinions and grew by at least a fifth.
const RISING_MIN: u64 = 3;

/// What to draft.
#[derive(Debug, Clone)]
pub struct DraftRequest {
    /// The unit (its id, "01" for the city, "00004" for a ward): the report covers its
    /// subtree and is issued in its name.
    pub unit: String,
    pub period: Period,
    pub lang: Lang,
    /// The day the draft is dated (Hà Nội).
    pub today: NaiveDate,
    /// The signer's name; empty leaves the space for the hand signature only.
    pub signer: String,
    /// Add the collaborators' reporting completion of a monthly period (from
    /// `Store::cycle_completion`) to the general situation; on by default. Left out, with a
    /// warning in the log, when the actor may not read the roster.
    pub completion: bool,
}

impl DraftRequest {
    pub fn new(unit: impl Into<String>, period: Period, lang: Lang, today: NaiveDate) -> Self {
        DraftRequest {
            unit: unit.into(),
            period,
            lang,
            today,
            signer: String::new(),
            completion: true,
        }
    }
}

/// The system as an actor, for callers without one (the CLI): every unit, every item, the
/// way `None` reads elsewhere in the store. `Store::dashboard` needs an actor.
pub fn system_actor() -> Actor {
    Actor {
        user_id: 0,
        name: "ykien".into(),
        role: Role::Admin,
        unit: UnitId(String::new()),
        unit_path: "/".into(),
    }
}

/// The dashboard query whose figures a report of `unit` for `period` prints: callers that
/// show both (and the tests) compare with this.
pub fn dashboard_query(unit: &str, period: &Period) -> DashboardQuery {
    DashboardQuery {
        unit: unit.trim().to_string(),
        from: period.from,
        to: period.to,
        utc_offset_secs: HANOI_OFFSET_SECS,
        top: TOP_CASES,
    }
}

pub(crate) fn listen(e: ykien_listen::ListenError) -> ReportError {
    match e {
        ykien_listen::ListenError::Store(s) => ReportError::Store(s),
    }
}

/// Percent-encodes a query value, as the items page reads it.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Links to the web UI's item list for one unit and period.
#[derive(Debug, Clone)]
pub struct Links {
    unit: String,
    from: String,
    to: String,
}

impl Links {
    pub fn new(unit: &str, period: &Period) -> Links {
        Links {
            unit: unit.to_string(),
            from: period.first_day().format("%Y-%m-%d").to_string(),
            to: period.last_day().format("%Y-%m-%d").to_string(),
        }
    }

    /// `/items?unit=…&topic=…&sentiment=…&channel=…&from=…&to=…`, in the order the items
    /// page writes its own links; `extra` is (key, value) among topic, sentiment, channel, q.
    pub fn items(&self, extra: &[(&str, &str)]) -> String {
        let get = |k: &str| extra.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        let mut parts = Vec::new();
        if let Some(q) = get("q") {
            parts.push(format!("q={}", encode(q)));
        }
        parts.push(format!("unit={}", encode(&self.unit)));
        for k in ["topic", "sentiment", "channel"] {
            if let Some(v) = get(k).filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        parts.push(format!("from={}&to={}", self.from, self.to));
        format!("/items?{}", parts.join("&"))
    }

    /// The same list for another unit of the subtree.
    pub fn for_unit(&self, unit: &str) -> Links {
        Links {
            unit: unit.to_string(),
            ..self.clone()
        }
    }
}

/// Runs of `template` with each `{key}` of `vars` replaced by its run; other text plain.
fn fill(template: &str, vars: &[(&str, Run)]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut plain = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let key = &rest[open + 1..close];
        match vars.iter().find(|(k, _)| *k == key) {
            Some((_, run)) => {
                plain.push_str(&rest[..open]);
                if !plain.is_empty() {
                    out.push(Run::plain(std::mem::take(&mut plain)));
                }
                out.push(run.clone());
            }
            None => plain.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Run::plain(plain));
    }
    out
}

/// Runs of `template` with its `{list}` replaced by several runs.
fn fill_list(template: &str, list: &[Run]) -> Vec<Run> {
    const MARK: &str = "\u{0}";
    fill(template, &[("list", Run::plain(MARK))])
        .into_iter()
        .flat_map(|r| {
            if r.text == MARK {
                list.to_vec()
            } else {
                vec![r]
            }
        })
        .collect()
}

fn para(runs: Vec<Run>) -> Block {
    Block::Paragraph { runs }
}

fn text(s: impl Into<String>) -> Block {
    para(vec![Run::plain(s)])
}

fn italic(s: impl Into<String>) -> Run {
    Run {
        text: s.into(),
        italic: true,
        ..Run::default()
    }
}

/// Formats numbers and changes in the report's language.
struct Fmt {
    lang: Lang,
    w: &'static Words,
}

impl Fmt {
    fn int(&self, n: u64) -> String {
        ykien_charts::num::int(u128::from(n), self.lang.charts())
    }

    /// "1.234 ý kiến".
    fn ops(&self, n: u64) -> String {
        let t = if n == 1 {
            self.w.opinion
        } else {
            self.w.opinions
        };
        t.replace("{n}", &self.int(n))
    }

    fn pct(&self, part: u64, whole: u64) -> String {
        if whole == 0 {
            return "—".into();
        }
        ykien_charts::num::percent(part as f64 * 100.0 / whole as f64, 1, self.lang.charts())
    }

    /// "tăng 5 ý kiến (+20%)", "giảm 3 ý kiến (−10%)", "không thay đổi".
    fn change(&self, c: &Change) -> String {
        let d = c.delta();
        let n = self.int(u64::try_from(d.unsigned_abs()).unwrap_or(u64::MAX));
        let p = c
            .percent()
            .map(|p| ykien_charts::num::percent(p.abs(), 0, self.lang.charts()));
        match (d, p) {
            (0, _) => self.w.same.to_string(),
            (d, Some(p)) if d > 0 => self
                .w
                .up
                .replace("{d}", &n)
                .replace("{p}", &format!("+{p}")),
            (d, None) if d > 0 => self.w.up_no_percent.replace("{d}", &n),
            (_, p) => self
                .w
                .down
                .replace("{d}", &n)
                .replace("{p}", &format!("\u{2212}{}", p.unwrap_or_default())),
        }
    }

    fn day(&self, d: NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }
}

/// The unit and the one above it, for the header.
async fn issuer(store: &Store, unit: &UnitRow) -> Result<Issuer, ReportError> {
    // The name of the unit above one's own is no secret (the city above a ward): read as
    // the system, so that a ward officer's draft has its full header.
    let parent = match &unit.parent {
        Some(p) => match store.unit(&system_actor(), p).await {
            Ok(u) => Some(u),
            Err(ykien_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    Ok(Issuer {
        unit: unit.clone(),
        parent,
    })
}

fn sentiment_of(d: &Dashboard, key: &str) -> Change {
    d.sentiments
        .iter()
        .find(|k| k.key == key)
        .map(|k| k.count)
        .unwrap_or_default()
}

fn quote_block(q: Quote) -> Block {
    Block::Quote {
        text: q.text,
        attribution: q.attribution,
        href: Some(q.href),
    }
}

/// The periodic report of `req.unit`'s subtree for `req.period`, as `actor` may see it
/// (None: the system). A unit outside the actor's subtree: `Store(NotFound)`.
pub async fn draft(
    store: &Store,
    actor: Option<&Actor>,
    req: &DraftRequest,
) -> Result<Document, ReportError> {
    let lang = req.lang;
    let w = words(lang);
    let f = Fmt { lang, w };
    let period = &req.period;
    let me = actor.cloned().unwrap_or_else(system_actor);
    let d = store
        .dashboard(&me, &dashboard_query(&req.unit, period))
        .await?;
    let names = ykien_listen::learn::topic_names(store)
        .await
        .map_err(listen)?;
    let topic_name = |id: &str| {
        if id.is_empty() {
            w.not_analysed.to_string()
        } else {
            names.name(id, lang == Lang::En)
        }
    };
    let unit_id = d.unit.id.as_str().to_string();
    let unit_name = d.unit.name.clone();
    let links = Links::new(&unit_id, period);
    let period_label = period.label(lang);
    let prev_span = Period {
        kind: ykien_store::ReportKind::Custom,
        from: d.previous_from,
        to: d.from,
    };
    let (items, capped) = evidence::scan(store, actor, &unit_id, period).await?;
    tracing::debug!(unit = %unit_id, items = items.len(), capped, "items read for the draft");

    // Sentiment per main topic and topics per unit below: one grouped scan of the same rows
    // the dashboard counts, rather than a dashboard per unit below.
    let breakdown = store
        .dashboard_breakdown(&me, &dashboard_query(&req.unit, period))
        .await?;
    let main: Vec<(String, Change)> = d
        .topics
        .iter()
        .filter(|k| !k.key.is_empty() && k.count.current > 0)
        .take(TOPICS_READ)
        .map(|k| (k.key.clone(), k.count))
        .collect();
    let mut negative: HashMap<String, u64> = HashMap::new();
    for (t, _) in &main {
        let n = breakdown
            .iter()
            .filter(|r| &r.topic == t && r.sentiment == "negative")
            .map(|r| r.count.current)
            .sum();
        negative.insert(t.clone(), n);
    }
    // (unit below, topic) → items in the period.
    let mut below: HashMap<(&str, &str), u64> = HashMap::new();
    for r in &breakdown {
        if let Some(child) = &r.child {
            *below.entry((child.as_str(), r.topic.as_str())).or_default() += r.count.current;
        }
    }

    // ---- General situation (preamble) ----
    let mut preamble = vec![text(
        w.basis
            .replace("{unit}", &unit_name)
            .replace("{period}", &period_label),
    )];
    let prev_text = w
        .previous_span
        .replace("{span}", &prev_span.label(lang))
        .replace("{n}", &f.ops(d.items.previous));
    let prev_links = Links::new(&unit_id, &prev_span);
    if d.items.current == 0 {
        let mut runs = vec![Run::bold(w.general_label)];
        runs.push(Run::plain(
            w.general_none
                .replace("{period}", &period_label)
                .replace("{unit}", &unit_name),
        ));
        preamble.push(para(runs));
    } else {
        let template = if d.items.previous == 0 {
            w.general_total_no_previous
        } else {
            w.general_total
        };
        let mut runs = vec![Run::bold(w.general_label)];
        runs.extend(fill(
            &template
                .replace("{period}", &period_label)
                .replace("{unit}", &unit_name),
            &[
                ("n", Run::link(f.ops(d.items.current), links.items(&[]))),
                ("change", Run::plain(f.change(&d.items))),
                ("previous", Run::link(prev_text, prev_links.items(&[]))),
            ],
        ));
        preamble.push(para(runs));

        // Channels.
        let mut list: Vec<Run> = Vec::new();
        for (i, k) in d
            .channels
            .iter()
            .filter(|k| k.count.current > 0)
            .enumerate()
        {
            if i > 0 {
                list.push(Run::plain("; "));
            }
            list.push(Run::plain(format!("{} ", w.channel(&k.key))));
            list.push(Run::link(
                format!("({})", f.int(k.count.current)),
                links.items(&[("channel", &k.key)]),
            ));
        }
        preamble.push(para(fill_list(w.general_channels, &list)));

        // Units below (none for a ward whose areas hear nothing yet: the ward is the place).
        let mut ranked: Vec<&ykien_store::ChildFigures> =
            d.children.iter().filter(|c| c.items.current > 0).collect();
        if !ranked.is_empty() {
            ranked.sort_by(|a, b| {
                b.items
                    .current
                    .cmp(&a.items.current)
                    .then(a.unit.code.cmp(&b.unit.code))
            });
            let mut list: Vec<Run> = Vec::new();
            for (i, c) in ranked.iter().take(5).enumerate() {
                if i > 0 {
                    list.push(Run::plain(", "));
                }
                list.push(Run::plain(format!("{} ", c.unit.name)));
                list.push(Run::link(
                    format!("({})", f.int(c.items.current)),
                    links.for_unit(c.unit.id.as_str()).items(&[]),
                ));
            }
            let t = w
                .general_units
                .replace("{k}", &f.int(ranked.len() as u64))
                .replace("{m}", &f.int(d.children.len() as u64));
            preamble.push(para(fill_list(&t, &list)));
            if d.direct.current > 0 {
                preamble.push(text(
                    w.general_direct
                        .replace("{n}", &f.ops(d.direct.current))
                        .replace("{unit}", &unit_name),
                ));
            }
        }
        if d.pending > 0 {
            preamble.push(text(w.general_pending.replace("{n}", &f.ops(d.pending))));
        }
    }
    if d.hidden.current > 0 {
        preamble.push(text(
            w.general_hidden.replace("{n}", &f.int(d.hidden.current)),
        ));
    }
    // The collaborators' completion, from the reporting cycles (monthly).
    if req.completion && period.kind == ykien_store::ReportKind::Month {
        let first = period.first_day();
        if let Some(cp) = CyclePeriod::month(first.year(), first.month()) {
            match store.cycle_completion(actor, &unit_id, &cp).await {
                Ok(c) if c.unit.collaborators == 0 => {}
                Ok(c) => preamble.push(text(
                    w.general_completion
                        .replace("{done}", &f.int(u64::try_from(c.unit.done).unwrap_or(0)))
                        .replace(
                            "{total}",
                            &f.int(u64::try_from(c.unit.collaborators).unwrap_or(0)),
                        )
                        .replace(
                            "{rate}",
                            &f.pct(
                                u64::try_from(c.unit.done).unwrap_or(0),
                                u64::try_from(c.unit.collaborators).unwrap_or(0),
                            ),
                        )
                        .replace(
                            "{nothing}",
                            &f.int(u64::try_from(c.unit.nothing_notable).unwrap_or(0)),
                        )
                        .replace("{flash}", &f.int(u64::try_from(c.unit.flash).unwrap_or(0))),
                )),
                Err(e) => tracing::warn!(error = %e, "reporting completion left out of the draft"),
            }
        }
    }
    if d.items.current > 0 || d.items.previous > 0 {
        preamble.push(charts::series(&d, lang));
        if d.children
            .iter()
            .any(|c| c.items.current > 0 || c.items.previous > 0)
        {
            let mut ranked: Vec<&ykien_store::ChildFigures> = d
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
            let rows: Vec<(String, Change, Option<String>)> = ranked
                .iter()
                .take(10)
                .map(|c| {
                    (
                        c.unit.name.clone(),
                        c.items,
                        Some(links.for_unit(c.unit.id.as_str()).items(&[])),
                    )
                })
                .collect();
            preamble.push(charts::bars(
                "report-units",
                w.chart_units,
                w.unit,
                &rows,
                lang,
            ));
        }
    }

    // ---- I. Main trends by field ----
    let mut s1 = Section {
        heading: w.s1.to_string(),
        blocks: Vec::new(),
        subsections: Vec::new(),
    };
    if d.items.current == 0 {
        s1.blocks.push(text(w.s1_none));
    } else {
        let mut list: Vec<Run> = Vec::new();
        for (i, (t, c)) in main.iter().take(MAIN_TOPICS).enumerate() {
            if i > 0 {
                list.push(Run::plain("; "));
            }
            list.extend(fill(
                w.s1_topic_share,
                &[
                    ("topic", Run::plain(topic_name(t))),
                    (
                        "n",
                        Run::link(f.ops(c.current), links.items(&[("topic", t)])),
                    ),
                    ("share", Run::plain(f.pct(c.current, d.items.current))),
                ],
            ));
        }
        s1.blocks.push(para(fill_list(w.s1_intro, &list)));
        let rows: Vec<(String, Change, Option<String>)> = d
            .topics
            .iter()
            .filter(|k| k.count.current > 0 || k.count.previous > 0)
            .take(10)
            .map(|k| {
                (
                    topic_name(&k.key),
                    k.count,
                    (!k.key.is_empty()).then(|| links.items(&[("topic", &k.key)])),
                )
            })
            .collect();
        s1.blocks.push(charts::bars(
            "report-topics",
            w.chart_topics,
            w.topic,
            &rows,
            lang,
        ));

        let (neg, neu, pos) = (
            sentiment_of(&d, "negative"),
            sentiment_of(&d, "neutral"),
            sentiment_of(&d, "positive"),
        );
        let rated_now = neg.current + neu.current + pos.current;
        let rated_before = neg.previous + neu.previous + pos.previous;
        if rated_now > 0 {
            let share_now = neg.current as f64 / rated_now as f64;
            let share_before =
                (rated_before > 0).then(|| neg.previous as f64 / rated_before as f64);
            let trend = match share_before {
                Some(b) if share_now - b > 0.01 => w.share_up,
                Some(b) if b - share_now > 0.01 => w.share_down,
                _ => w.share_same,
            };
            s1.blocks.push(para(fill(
                w.s1_sentiment,
                &[
                    (
                        "neg",
                        Run::link(
                            f.ops(neg.current),
                            links.items(&[("sentiment", "negative")]),
                        ),
                    ),
                    ("negp", Run::plain(f.pct(neg.current, rated_now))),
                    (
                        "neu",
                        Run::link(f.int(neu.current), links.items(&[("sentiment", "neutral")])),
                    ),
                    (
                        "pos",
                        Run::link(
                            f.int(pos.current),
                            links.items(&[("sentiment", "positive")]),
                        ),
                    ),
                    ("trend", Run::plain(trend)),
                    ("prevp", Run::plain(f.pct(neg.previous, rated_before))),
                ],
            )));
            s1.blocks.push(charts::sentiment(neg, neu, pos, lang));
        }
        for (i, (t, c)) in main.iter().take(MAIN_TOPICS).enumerate() {
            let neg = negative.get(t).copied().unwrap_or(0);
            let mut blocks = vec![para(fill(
                w.s1_topic_line,
                &[
                    (
                        "n",
                        Run::link(f.ops(c.current), links.items(&[("topic", t)])),
                    ),
                    ("change", Run::plain(f.change(c))),
                    (
                        "neg",
                        Run::link(
                            f.int(neg),
                            links.items(&[("topic", t), ("sentiment", "negative")]),
                        ),
                    ),
                ],
            ))];
            let of_topic = items.iter().filter(|it| it.topic.as_deref() == Some(t));
            for it in representative(of_topic, QUOTES_PER_TOPIC) {
                blocks.push(quote_block(quote(it, w)));
            }
            s1.subsections.push(Section {
                heading: format!("{}. {}", i + 1, topic_name(t)),
                blocks,
                subsections: Vec::new(),
            });
        }
    }

    // ---- II. Issues people care about or are upset by ----
    let mut s2 = Section {
        heading: w.s2.to_string(),
        blocks: Vec::new(),
        subsections: Vec::new(),
    };
    let mut issues: Vec<&(String, Change)> = main
        .iter()
        .filter(|(t, _)| negative.get(t).copied().unwrap_or(0) > 0)
        .collect();
    issues.sort_by(|a, b| {
        negative[&b.0]
            .cmp(&negative[&a.0])
            .then(b.1.current.cmp(&a.1.current))
            .then(a.0.cmp(&b.0))
    });
    issues.truncate(ISSUES);
    if issues.is_empty() {
        s2.blocks.push(text(w.s2_none));
    } else {
        let mut entries: Vec<Vec<Run>> = Vec::new();
        for (t, c) in issues.iter().map(|x| (&x.0, &x.1)) {
            let neg = negative[t];
            let mut places: Vec<(&UnitRow, u64)> = d
                .children
                .iter()
                .filter_map(|c| {
                    let n = below
                        .get(&(c.unit.id.as_str(), t.as_str()))
                        .copied()
                        .unwrap_or(0);
                    (n > 0).then_some((&c.unit, n))
                })
                .collect();
            places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(&b.0.code)));
            let scope = if places.is_empty() {
                let locs = evidence::localities(
                    items
                        .iter()
                        .filter(|it| it.topic.as_deref() == Some(t.as_str())),
                    3,
                );
                let named = if locs.is_empty() {
                    unit_name.clone()
                } else {
                    locs.iter()
                        .map(|(l, _)| l.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                w.s2_scope_one.replace("{places}", &named)
            } else {
                let top = places
                    .iter()
                    .take(3)
                    .map(|(u, n)| format!("{} ({})", u.name, f.int(*n)))
                    .collect::<Vec<_>>()
                    .join(", ");
                w.s2_scope
                    .replace("{k}", &f.int(places.len() as u64))
                    .replace("{places}", &top)
            };
            entries.push(fill(
                w.s2_issue,
                &[
                    ("topic", Run::bold(topic_name(t))),
                    (
                        "neg",
                        Run::link(
                            f.ops(neg),
                            links.items(&[("topic", t), ("sentiment", "negative")]),
                        ),
                    ),
                    (
                        "n",
                        Run::link(f.int(c.current), links.items(&[("topic", t)])),
                    ),
                    ("share", Run::plain(f.pct(neg, c.current))),
                    ("scope", Run::plain(scope)),
                    (
                        "trend",
                        Run::plain(w.s2_trend.replace("{change}", &f.change(c))),
                    ),
                ],
            ));
        }
        s2.blocks.push(Block::List { entries });
        let locs = evidence::localities(
            items
                .iter()
                .filter(|it| it.sentiment.as_deref() == Some("negative")),
            6,
        );
        if !locs.is_empty() {
            s2.blocks.push(text(
                w.s2_localities.replace(
                    "{list}",
                    &locs
                        .iter()
                        .map(|(l, n)| format!("{l} ({})", f.int(*n as u64)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ));
        }
    }
    if d.cases.open == 0 {
        s2.blocks.push(text(w.s2_cases_none));
    } else {
        s2.blocks.push(para(fill(
            w.s2_cases,
            &[
                ("open", Run::link(f.int(d.cases.open), "/cases")),
                ("overdue", Run::plain(f.int(d.cases.overdue))),
            ],
        )));
        s2.blocks.push(Block::Table(case_table(&d.cases.top, &f)));
    }

    // ---- III. False information and rumours ----
    let mut s3 = Section {
        heading: w.s3.to_string(),
        blocks: Vec::new(),
        subsections: Vec::new(),
    };
    let rumours = evidence::rumours(&items);
    if rumours.is_empty() {
        s3.blocks.push(text(w.s3_none));
    } else {
        let n: usize = rumours.iter().map(|g| g.items.len()).sum();
        s3.blocks.push(text(
            w.s3_intro
                .replace("{n}", &f.int(n as u64))
                .replace("{g}", &f.int(rumours.len() as u64)),
        ));
        for g in rumours.iter().take(6) {
            let first = g.items[0];
            let mut units: Vec<&str> = Vec::new();
            for it in &g.items {
                if !units.contains(&it.unit_name.as_str()) {
                    units.push(&it.unit_name);
                }
            }
            let mut shown = units.iter().take(4).copied().collect::<Vec<_>>().join(", ");
            if units.len() > 4 {
                shown.push_str(", …");
            }
            s3.blocks.push(Block::Quote {
                text: excerpt(&clean(&first.text), 400),
                attribution: w
                    .s3_group
                    .replace("{n}", &f.ops(g.items.len() as u64))
                    .replace("{k}", &f.int(units.len() as u64))
                    .replace("{units}", &shown)
                    .replace("{first}", &f.day(local_day(heard_at(first)))),
                href: Some(format!("/items/{}", first.id)),
            });
        }
    }

    // ---- IV. Forecast ----
    let mut s4 = Section {
        heading: w.s4.to_string(),
        blocks: vec![para(vec![italic(w.s4_note)])],
        subsections: Vec::new(),
    };
    let mut rising: Vec<(&String, &Change)> = main
        .iter()
        .map(|(t, c)| (t, c))
        .filter(|(_, c)| {
            c.current >= RISING_MIN
                && c.current > c.previous
                && c.percent().is_none_or(|p| p >= 20.0)
        })
        .collect();
    rising.sort_by(|a, b| b.1.delta().cmp(&a.1.delta()).then(a.0.cmp(b.0)));
    rising.truncate(3);
    if !rising.is_empty() {
        let list = rising
            .iter()
            .map(|(t, c)| format!("{}: {}", topic_name(t), f.change(c)))
            .collect::<Vec<_>>()
            .join("; ");
        s4.blocks.push(text(w.s4_rising.replace("{list}", &list)));
    } else if !main.is_empty() {
        let list = main
            .iter()
            .take(3)
            .map(|(t, _)| topic_name(t))
            .collect::<Vec<_>>()
            .join(", ");
        s4.blocks.push(text(w.s4_steady.replace("{list}", &list)));
    } else {
        s4.blocks.push(text(w.s4_quiet));
    }
    if d.cases.overdue > 0 {
        s4.blocks
            .push(text(w.s4_overdue.replace("{n}", &f.int(d.cases.overdue))));
    }
    if !rumours.is_empty() {
        s4.blocks.push(text(w.s4_rumours));
    }

    // ---- V. Proposals ----
    let mut s5 = Section {
        heading: w.s5.to_string(),
        blocks: Vec::new(),
        subsections: Vec::new(),
    };
    let props = evidence::proposals(&items, 8);
    if !props.is_empty() {
        s5.blocks.push(text(w.s5_collaborators));
        s5.blocks.push(Block::List {
            entries: props
                .iter()
                .map(|p| {
                    vec![
                        Run::plain(p.text.clone()),
                        Run::link(
                            w.s5_proposal.replace("{n}", &f.ops(p.count as u64)),
                            format!("/items/{}", p.item),
                        ),
                    ]
                })
                .collect(),
        });
    }
    let mut forwarded: Vec<&ykien_store::Case> = Vec::new();
    for c in d.cases.top.iter().chain(d.cases.overdue_list.iter()) {
        if c.status == ykien_store::CaseStatus::Forwarded && !forwarded.iter().any(|x| x.id == c.id)
        {
            forwarded.push(c);
        }
    }
    if !forwarded.is_empty() {
        s5.blocks.push(text(w.s5_forwarded));
        s5.blocks.push(Block::List {
            entries: forwarded
                .iter()
                .map(|c| {
                    let to = c.forwarded_to.clone().unwrap_or_default();
                    let reference = c
                        .forward_ref
                        .as_deref()
                        .map(|r| format!(" ({})", clean(r)))
                        .unwrap_or_default();
                    fill(
                        w.s5_forwarded_line,
                        &[
                            (
                                "title",
                                Run::link(clean(&c.title), format!("/cases/{}", c.id)),
                            ),
                            ("to", Run::plain(clean(&to))),
                            ("reference", Run::plain(reference)),
                        ],
                    )
                })
                .collect(),
        });
    }
    s5.blocks.push(text(w.s5_general));

    // ---- The document ----
    let issuer = issuer(store, &d.unit).await?;
    let summary = if issuer.parent.is_none() {
        w.summary.replace("{period}", &period_label)
    } else {
        w.summary_unit
            .replace("{period}", &period_label)
            .replace("{unit}", &unit_name)
    };
    let mut footnote = w
        .footnote
        .replace("{today}", &f.day(req.today))
        .replace("{n}", &f.ops(d.items.current))
        .replace("{period}", &period_label)
        .replace("{unit}", &unit_name)
        .replace("{span}", &prev_span.label(lang))
        .replace(
            "{markers}",
            &evidence::RUMOUR_MARKERS
                .iter()
                .map(|m| format!("“{m}”"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    if capped {
        footnote.push_str(&w.footnote_capped.replace("{n}", &f.int(items.len() as u64)));
    }
    Ok(Document {
        header: header::header(&issuer, req.today, lang),
        kind_title: w.kind_title.to_string(),
        summary,
        preamble,
        sections: vec![s1, s2, s3, s4, s5],
        recipients: header::recipients(&issuer, lang),
        signature: header::signature(&req.signer, lang),
        footnote,
    })
}

/// The open cases as a table: each title links to its case.
fn case_table(cases: &[ykien_store::Case], f: &Fmt) -> Table {
    let w = f.w;
    let col = |h: &str, numeric: bool| Column {
        header: h.to_string(),
        numeric,
    };
    Table {
        caption: String::new(),
        columns: vec![
            col(w.case_col_case, false),
            col(w.case_col_unit, false),
            col(w.case_col_items, true),
            col(w.case_col_status, false),
            col(w.case_col_due, false),
        ],
        rows: cases
            .iter()
            .map(|c| {
                vec![
                    Cell {
                        text: clean(&c.title),
                        href: Some(format!("/cases/{}", c.id)),
                    },
                    Cell::plain(c.unit_name.clone()),
                    Cell::plain(f.int(u64::try_from(c.item_count).unwrap_or(0))),
                    Cell::plain(w.status(c.status.as_str())),
                    Cell::plain(format!(
                        "{}{}",
                        f.day(local_day(c.due_at)),
                        if c.overdue { w.overdue_mark } else { "" }
                    )),
                ]
            })
            .collect(),
    }
}

/// The issued form of a draft: the number and symbol from the register ("05/BC-MTTQ-BTT")
/// and the day of issue in the header, the draft mark removed. Nothing else changes, so an
/// officer's edits survive.
pub fn finalize(doc: &Document, symbol: &str, issued_on: NaiveDate) -> Document {
    let lang = header::lang_of(&doc.header);
    let w = words(lang);
    let mut out = doc.clone();
    out.header.number = w.number.replace("{number}", symbol.trim());
    out.header.place_date = header::place_date(issued_on, lang);
    out.header.draft_mark = String::new();
    out
}

/// Items of a list, for the flash report: (first heard, last heard).
pub(crate) fn span_of(items: &[Item]) -> Option<(NaiveDate, NaiveDate)> {
    let first = items.iter().map(heard_at).min()?;
    let last = items.iter().map(heard_at).max()?;
    Some((local_day(first), local_day(last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_runs_in_place_of_keys_and_keeps_unknown_braces() {
        let r = fill(
            "Có {n} ý kiến {x} ({change}).",
            &[
                ("n", Run::link("5 ý kiến", "/items")),
                ("change", Run::plain("tăng")),
            ],
        );
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["Có ", "5 ý kiến", " ý kiến {x} (", "tăng", ")."]);
        assert_eq!(r[1].href.as_deref(), Some("/items"));
    }

    #[test]
    fn links_use_the_items_page_parameters() {
        let p = Period::parse("2026-11").unwrap();
        let l = Links::new("01", &p);
        assert_eq!(l.items(&[]), "/items?unit=01&from=2026-11-01&to=2026-11-30");
        assert_eq!(
            l.items(&[("sentiment", "negative"), ("topic", "land")]),
            "/items?unit=01&topic=land&sentiment=negative&from=2026-11-01&to=2026-11-30"
        );
    }

    #[test]
    fn changes_read_naturally() {
        let f = Fmt {
            lang: Lang::Vi,
            w: words(Lang::Vi),
        };
        let c = |current, previous| Change { current, previous };
        assert_eq!(f.change(&c(12, 10)), "tăng 2 ý kiến (+20%)");
        assert_eq!(f.change(&c(5, 10)), "giảm 5 ý kiến (\u{2212}50%)");
        assert_eq!(f.change(&c(3, 0)), "tăng 3 ý kiến");
        assert_eq!(f.change(&c(3, 3)), "không thay đổi");
        assert_eq!(f.ops(1234), "1.234 ý kiến");
    }
}
