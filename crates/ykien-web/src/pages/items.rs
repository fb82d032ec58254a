//! The items pages of the officers' workspace.
//!
//! - `GET /items`: what the actor's subtree has heard, newest first (best match first when
//!   words are given), narrowed by the filters of the query string ([`query`]), with the
//!   counts per topic, sentiment, channel and status under the same filter as links that
//!   add that filter (facets), and pages of [`query::PAGE_SIZE`].
//! - `GET /items/{id}`: one item with its analysis explained ([`explain`]): the text with
//!   the places and the spam evidence marked ([`marks`]), the labels officers gave it, its
//!   photos and its case.
//! - `POST /items/{id}/labels`: an officer corrects the topic, sentiment or spam verdict (a
//!   form with the session's CSRF token). The store applies it at once, audits it, and keeps
//!   it as a label that retraining learns from.
//!
//! Every read and write is the store's, with the actor: out of scope is not found, masking
//! is the store's. Plain links and forms; no script.

mod explain;
mod marks;
mod query;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use ykien_core::{Permission, can};
use ykien_store::{
    FacetCount, Item, LabelField, LabelValue, SENTIMENT_VALUES, SPAM_VALUES, STATUS_VALUES,
};
use ykien_text::topics::OTHER_ID;

use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::{Catalog, Lang};
use crate::pages::report::{excerpt, local_time};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

use crate::topics::Topics;
use explain::{Explained, Recorded, explain, said};
use marks::{MarkKind, Piece, Span, pieces};
use query::ListQuery;

/// Characters of an item's text shown in the list.
const EXCERPT_CHARS: usize = 280;

/// Channels an item can come by (the store's codes).
const CHANNELS: [&str; 7] = ["form", "citizen", "api", "import", "feed", "email", "other"];

/// A choice in a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts(values: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Opt> {
    values
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == current.trim(),
            value,
            label,
        })
        .collect()
}

fn coded(t: &Catalog, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), said(t, prefix, v)))
        .collect()
}

/// A value of one facet dimension in words.
fn value_label(topics: &Topics, lang: Lang, t: &Catalog, key: &str, value: &str) -> String {
    match key {
        "topic" => topics.name(lang, value),
        "sentiment" => said(t, "items.sentiment_value", value),
        "channel" => said(t, "items.channel_value", value),
        "status" => said(t, "items.status_value", value),
        "spam" => t.get("items.spam_shown").to_string(),
        _ => value.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The list

/// One item in the list.
pub struct Line {
    pub id: i64,
    pub title: Option<String>,
    pub pieces: Vec<Piece>,
    pub received: String,
    pub unit_name: String,
    pub channel_label: String,
    pub topic_label: Option<String>,
    pub sentiment: String,
    pub sentiment_label: Option<String>,
    pub status: String,
    pub status_label: String,
    pub spam_label: Option<String>,
    pub masked: bool,
    pub restricted: bool,
    /// The case holding the item, when the actor handles it.
    pub case: Option<i64>,
}

pub struct FacetLink {
    pub label: String,
    pub count: i64,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub key: &'static str,
    pub title: String,
    pub links: Vec<FacetLink>,
}

/// A filter in force, with the link that removes it.
pub struct Chip {
    pub label: String,
    pub remove: String,
}

#[derive(Template)]
#[template(path = "items/list.html")]
struct ListPage {
    c: Chrome,
    q: ListQuery,
    total: i64,
    capped: bool,
    hidden: i64,
    show_spam: bool,
    spam_href: String,
    items: Vec<Line>,
    facets: Vec<FacetGroup>,
    chips: Vec<Chip>,
    units: Vec<Opt>,
    topics: Vec<Opt>,
    sentiments: Vec<Opt>,
    channels: Vec<Opt>,
    statuses: Vec<Opt>,
    page: u32,
    first: u32,
    last: u32,
    prev: Option<String>,
    next: Option<String>,
    bad_dates: bool,
}

fn line(item: Item, words: &[Vec<String>], topics: &Topics, lang: Lang, t: &Catalog) -> Line {
    let (text, spans) = if words.is_empty() {
        (excerpt(&item.text, EXCERPT_CHARS), Vec::new())
    } else {
        let s = ykien_listen::snippet(&item.text, words, EXCERPT_CHARS);
        let spans = s
            .highlights
            .iter()
            .map(|h| Span {
                range: h.clone(),
                kind: MarkKind::Hit,
                href: None,
                title: String::new(),
            })
            .collect();
        (s.text, spans)
    };
    Line {
        id: item.id,
        title: item.title.clone(),
        pieces: pieces(&text, spans),
        received: local_time(item.occurred_at.unwrap_or(item.received_at)),
        unit_name: item.unit_name.clone(),
        channel_label: said(t, "items.channel_value", &item.channel),
        topic_label: item.topic.as_deref().map(|x| topics.name(lang, x)),
        sentiment: item.sentiment.clone().unwrap_or_default(),
        sentiment_label: item
            .sentiment
            .as_deref()
            .map(|s| said(t, "items.sentiment_value", s)),
        status_label: said(t, "items.status_value", &item.status),
        status: item.status.clone(),
        spam_label: item
            .spam_label
            .as_deref()
            .filter(|s| *s != "none")
            .map(|s| said(t, "items.spam_value", s)),
        masked: item.masked,
        restricted: item.confidentiality == "restricted",
        case: None,
    }
}

fn facet_group(
    key: &'static str,
    counts: &[FacetCount],
    q: &ListQuery,
    topics: &Topics,
    lang: Lang,
    t: &Catalog,
) -> FacetGroup {
    let current = q.get(key).trim();
    FacetGroup {
        key,
        title: t.get(&format!("items.facet_{key}")).to_string(),
        links: counts
            .iter()
            .map(|c| {
                let active = c.value == current;
                FacetLink {
                    label: value_label(topics, lang, t, key, &c.value),
                    count: c.count,
                    href: if active {
                        q.with(key, None)
                    } else {
                        q.with(key, Some(&c.value))
                    },
                    active,
                }
            })
            .collect(),
    }
}

/// `GET /items`.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let (lang, t) = (ui.lang, ui.t());
    let topics = Topics::load(&state).await?;
    let terms = ykien_listen::search_key(&q.q);
    let words = ykien_store::query_words(&terms);
    let filter = q.filter(terms);
    let list = state
        .store
        .list_item_page(Some(&signed.actor), &filter)
        .await?;
    // The unit select: the actor's own unit and the units right below it (and the chosen
    // unit, if it lies deeper).
    let own = signed.actor.unit.to_string();
    let own_unit = crate::backend::unit(&state, &signed.actor, &own).await?;
    let mut unit_choices = vec![(own.clone(), own_unit.name)];
    unit_choices.extend(
        crate::backend::children(&state, &signed.actor, &own)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    let mut chosen_unit_name = None;
    let chosen = q.unit.trim();
    if !chosen.is_empty() {
        match unit_choices.iter().find(|(id, _)| id == chosen) {
            Some((_, name)) => chosen_unit_name = Some(name.clone()),
            None => {
                let u = crate::backend::unit(&state, &signed.actor, chosen).await?;
                chosen_unit_name = Some(u.name.clone());
                unit_choices.push((u.id, u.name));
            }
        }
    }
    let chips = q
        .active()
        .into_iter()
        .map(|(key, value)| {
            let shown = match key {
                "unit" => chosen_unit_name.clone().unwrap_or(value),
                _ => value_label(&topics, lang, t, key, &value),
            };
            Chip {
                label: format!("{}: {shown}", t.get(&format!("items.facet_{key}"))),
                remove: q.with(key, None),
            }
        })
        .collect();
    let facets = vec![
        facet_group("topic", &list.facets.topic, &q, &topics, lang, t),
        facet_group("sentiment", &list.facets.sentiment, &q, &topics, lang, t),
        facet_group("channel", &list.facets.channel, &q, &topics, lang, t),
        facet_group("status", &list.facets.status, &q, &topics, lang, t),
    ];
    let page_no = list.offset / list.limit.max(1) + 1;
    let first = list.offset + 1;
    let last = list.offset + list.items.len() as u32;
    let view = ListPage {
        c: ui.chrome(Some(signed.bar())),
        total: list.total,
        capped: list.capped,
        hidden: list.hidden,
        show_spam: q.show_spam(),
        spam_href: if q.show_spam() {
            q.with("spam", None)
        } else {
            q.with("spam", Some("1"))
        },
        items: list
            .items
            .into_iter()
            .map(|i| {
                let case = list.cases.iter().find(|(id, _)| *id == i.id).map(|c| c.1);
                Line {
                    case,
                    ..line(i, &words, &topics, lang, t)
                }
            })
            .collect(),
        facets,
        chips,
        units: opts(unit_choices, &q.unit),
        topics: opts(topics.choices(lang), &q.topic),
        sentiments: opts(
            coded(t, "items.sentiment_value", &SENTIMENT_VALUES),
            &q.sentiment,
        ),
        channels: opts(coded(t, "items.channel_value", &CHANNELS), &q.channel),
        statuses: opts(coded(t, "items.status_value", &STATUS_VALUES), &q.status),
        page: page_no,
        first,
        last,
        prev: (page_no > 1).then(|| q.with("page", Some(&(page_no - 1).to_string()))),
        next: list
            .has_more
            .then(|| q.with("page", Some(&(page_no + 1).to_string()))),
        bad_dates: q.bad_dates(),
        q,
    };
    Ok(Html(view.render()?))
}

// ---------------------------------------------------------------------------------------------
// One item

/// A label as the history shows it.
pub struct LabelLine {
    pub at: String,
    pub who: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

pub struct PlaceLine {
    pub name: String,
    pub href: Option<String>,
    /// The words of the text that name it (empty: added by an officer).
    pub quoted: String,
}

pub struct PhotoLine {
    pub src: String,
    pub alt: String,
}

pub struct CaseLine {
    pub id: i64,
    pub title: String,
    pub status_label: String,
}

/// One correction form: its field, the choices, the current value.
pub struct LabelForm {
    pub field: &'static str,
    pub title: String,
    pub current: String,
    pub choices: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "items/detail.html")]
struct DetailPage {
    c: Chrome,
    csrf: String,
    id: i64,
    heading: String,
    has_title: bool,
    pieces: Vec<Piece>,
    /// The text shows marked places / spam evidence (the legend says what the colours mean).
    marked_places: bool,
    marked_spam: bool,
    masked: bool,
    restricted: bool,
    facts: Vec<(String, String)>,
    unit_id: String,
    unit_name: String,
    report: Vec<(String, String)>,
    status: String,
    status_label: String,
    status_reason: Option<String>,
    explained: Option<Explained>,
    places: Vec<PlaceLine>,
    current: Vec<(String, String)>,
    /// The item's values now (codes), to say where an officer overrode the analysis.
    now_topic: String,
    now_sentiment: String,
    now_spam: String,
    labels: Vec<LabelLine>,
    photos: Vec<PhotoLine>,
    case: Option<CaseLine>,
    handler: bool,
    forms: Vec<LabelForm>,
    saved: Option<String>,
}

fn item_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// A label's value in words.
fn label_value(topics: &Topics, lang: Lang, t: &Catalog, field: &str, value: &str) -> String {
    match field {
        "topic" => topics.name(lang, value),
        "sentiment" => said(t, "items.sentiment_value", value),
        "spam" => said(t, "items.spam_value", value),
        _ => value.to_string(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailQuery {
    /// The field a correction was just saved for.
    pub saved: String,
}

/// `GET /items/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(dq): Query<DetailQuery>,
) -> Result<Html<String>, WebError> {
    let (lang, t) = (ui.lang, ui.t());
    let topics = Topics::load(&state).await?;
    let id = item_id(&id)?;
    let actor = &signed.actor;
    let item = state.store.item(Some(actor), id).await?;
    let places = state.store.item_places(Some(actor), id).await?;
    let labels = state.store.item_labels(Some(actor), id).await?;
    let photos = state.store.attachments(Some(actor), id).await?;
    let case = state.store.item_case(Some(actor), id).await?;
    let handler = can(actor, Permission::Handle, &actor.unit_path);

    let recorded = item.analysis.as_ref().map(Recorded::read);
    // Marks: only on the original text (a masked copy has other offsets).
    let mut spans = Vec::new();
    if !item.masked {
        for p in places.iter().filter(|p| p.end > p.start) {
            spans.push(Span {
                range: p.start as usize..p.end as usize,
                kind: MarkKind::Place,
                href: p.in_scope.then(|| format!("/units/{}", p.unit_id)),
                title: p.unit_name.clone(),
            });
        }
        if let Some(s) = recorded.as_ref().and_then(|r| r.spam.as_ref()) {
            for x in &s.spans {
                spans.push(Span {
                    range: x.start..x.end,
                    kind: MarkKind::Spam,
                    href: None,
                    title: said(t, "items.spam_kind", &x.kind),
                });
            }
        }
    }
    let place_lines = places
        .iter()
        .map(|p| PlaceLine {
            name: p.unit_name.clone(),
            href: p.in_scope.then(|| format!("/units/{}", p.unit_id)),
            quoted: item
                .text
                .get(p.start as usize..p.end as usize)
                .filter(|_| !item.masked)
                .unwrap_or("")
                .to_string(),
        })
        .collect();

    let mut facts = vec![(
        t.get("items.received").to_string(),
        local_time(item.received_at),
    )];
    if let Some(o) = item.occurred_at {
        facts.push((t.get("items.occurred").to_string(), local_time(o)));
    }
    facts.push((
        t.get("items.facet_channel").to_string(),
        said(t, "items.channel_value", &item.channel),
    ));
    facts.push((t.get("items.facet_source").to_string(), item.source.clone()));
    if let Some(c) = &item.author_contact {
        facts.push((t.get("items.author_contact").to_string(), c.clone()));
    }
    let r = &item.report;
    let report: Vec<(String, String)> = [
        ("items.report_topic_hint", &r.topic_hint),
        ("items.report_locality", &r.locality),
        ("items.report_population", &r.population),
        ("items.report_intensity", &r.intensity),
        ("items.report_trend", &r.trend),
        ("items.report_quotes", &r.quotes),
        ("items.report_proposed", &r.proposed_handling),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (t.get(k).to_string(), v.clone())))
    .chain(r.heard.map(|h| {
        (
            t.get("items.report_heard").to_string(),
            said(t, "items.heard_value", h.as_str()),
        )
    }))
    .collect();

    let current_topic = item.topic.clone().unwrap_or_default();
    let current_sentiment = item.sentiment.clone().unwrap_or_default();
    let current_spam = item.spam_label.clone().unwrap_or_default();
    let none = || t.get("items.none").to_string();
    let current = vec![
        (
            t.get("items.topic").to_string(),
            item.topic
                .as_deref()
                .map_or_else(none, |x| topics.name(lang, x)),
        ),
        (
            t.get("items.sentiment").to_string(),
            item.sentiment
                .as_deref()
                .map_or_else(none, |x| said(t, "items.sentiment_value", x)),
        ),
        (
            t.get("items.spam").to_string(),
            item.spam_label
                .as_deref()
                .map_or_else(none, |x| said(t, "items.spam_value", x)),
        ),
    ];
    let forms = vec![
        LabelForm {
            field: "topic",
            title: t.get("items.topic").to_string(),
            choices: opts(topics.choices(lang), &current_topic),
            current: current_topic,
        },
        LabelForm {
            field: "sentiment",
            title: t.get("items.sentiment").to_string(),
            choices: opts(
                coded(t, "items.sentiment_value", &SENTIMENT_VALUES),
                &current_sentiment,
            ),
            current: current_sentiment,
        },
        LabelForm {
            field: "spam",
            title: t.get("items.spam").to_string(),
            choices: opts(coded(t, "items.spam_value", &SPAM_VALUES), &current_spam),
            current: current_spam,
        },
    ];
    let labels = labels
        .into_iter()
        .rev()
        .map(|l| LabelLine {
            at: local_time(l.at),
            who: l
                .actor_name
                .unwrap_or_else(|| t.get("items.system").to_string()),
            field: t.get(&format!("items.label_field_{}", l.field)).to_string(),
            old: l
                .old_value
                .as_deref()
                .map_or_else(none, |v| label_value(&topics, lang, t, &l.field, v)),
            new: label_value(&topics, lang, t, &l.field, &l.new_value),
        })
        .collect();
    let photos = photos
        .into_iter()
        .map(|p| PhotoLine {
            src: format!("/api/v1/items/{id}/attachments/{}", p.n),
            alt: format!("{} {}", t.get("items.photo"), p.n),
        })
        .collect();
    let heading = item
        .title
        .clone()
        .unwrap_or_else(|| format!("{} #{id}", t.get("items.item")));
    let saved = ["topic", "sentiment", "spam"]
        .into_iter()
        .find(|f| *f == dq.saved)
        .map(|f| t.get(&format!("items.label_field_{f}")).to_string());
    let pieces = pieces(&item.text, spans);
    let marked = |k: MarkKind| {
        pieces
            .iter()
            .any(|p| p.mark.as_ref().is_some_and(|m| m.kind == k))
    };
    let page = DetailPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        id,
        heading,
        has_title: item.title.is_some(),
        marked_places: marked(MarkKind::Place),
        marked_spam: marked(MarkKind::Spam),
        pieces,
        masked: item.masked,
        restricted: item.confidentiality == "restricted",
        facts,
        unit_id: item.unit.to_string(),
        unit_name: item.unit_name.clone(),
        report,
        status_label: said(t, "items.status_value", &item.status),
        status: item.status.clone(),
        status_reason: item.status_reason.clone(),
        explained: recorded.as_ref().map(|r| explain(r, &topics, lang, t)),
        places: place_lines,
        current,
        now_topic: item.topic.clone().unwrap_or_default(),
        now_sentiment: item.sentiment.clone().unwrap_or_default(),
        now_spam: item.spam_label.clone().unwrap_or_default(),
        labels,
        photos,
        case: case.map(|c| CaseLine {
            id: c.id,
            title: c.title,
            status_label: said(t, "items.case_status", &c.status),
        }),
        handler,
        forms,
        saved,
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------------------------------------
// Corrections

#[derive(Debug, Deserialize)]
pub struct LabelFormInput {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: String,
}

impl HasCsrf for LabelFormInput {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /items/{id}/labels`: applies the correction, then back to the item (303).
pub async fn label(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<LabelFormInput>,
) -> Result<Response, WebError> {
    let id = item_id(&id)?;
    let field = match form.field.trim() {
        "topic" => LabelField::Topic,
        "sentiment" => LabelField::Sentiment,
        "spam" => LabelField::Spam,
        other => {
            return Err(WebError::BadRequest(format!(
                "unknown field {other:?} (expected topic, sentiment or spam)"
            )));
        }
    };
    let value = form.value.trim().to_string();
    // The organization's active taxonomy: a topic it added can be taught at once.
    let active = if field == LabelField::Topic {
        Some(
            ykien_listen::learn::active_taxonomy(&state.store)
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?
                .0,
        )
    } else {
        None
    };
    if let Some(tx) = &active
        && value != OTHER_ID
        && tx.index(&value).is_none()
    {
        // Scope first: an item the actor may not see is not found, whatever the value.
        state.store.item(Some(&signed.actor), id).await?;
        return Err(WebError::BadRequest(format!("unknown topic {value:?}")));
    }
    state
        .store
        .add_label(Some(&signed.actor), id, field, LabelValue::Code(value))
        .await?;
    Ok(Redirect::to(&format!("/items/{id}?saved={}#labels", field.as_str())).into_response())
}
