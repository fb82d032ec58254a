//! The taxonomy editor (`/admin/taxonomy`): the organization's topics (names in both
//! languages, description, seed terms) with the number of items each holds in the reader's
//! subtree, the versions saved so far, and, for those who may change it (administrators and
//! leaders of the city: the taxonomy is the whole organization's), the text to edit.
//!
//! The editor is the taxonomy's own text format (`[[topic]]` tables) in a text area rather
//! than a form per topic: adding, renaming, editing seeds and retiring a topic (deleting its
//! table) are then all the same gesture, the text can be exported and imported with
//! `ykien taxonomy`, and every mistake is reported with its line, said in the reader's
//! language. Saving stores a new version; activating one (at once, or later from the list)
//! builds a topic model on it, which every analysis worker loads within half a minute
//! (`ykien_listen::learn::activate_taxonomy`). Items keep the topics they were given, and a
//! retired topic keeps its name on the page.
//!
//! Everyone signed in may read the page; the store refuses a change from anyone else (403).
//! A form posted with nothing to do (no text, no version) changes nothing and goes back to
//! the page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use ykien_listen::ListenError;
use ykien_listen::learn::{self, TopicNames};
use ykien_store::{StoreError, may_edit_taxonomy};
use ykien_text::topics::{DEFAULT_TAXONOMY, OTHER_ID, Taxonomy, TopicsError};

use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::{Catalog, Lang};
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PAGE: &str = "/admin/taxonomy";

/// The editor's form may carry the largest taxonomy the store takes, URL-encoded (up to three
/// bytes for each byte of Vietnamese text), with room for the other fields.
pub const MAX_FORM_BYTES: usize = 3 * ykien_store::MAX_TAXONOMY_BYTES + 16 * 1024;

/// One topic of the taxonomy in use.
pub struct TopicRow {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub description: String,
    pub strong_seeds: String,
    pub seeds: String,
    pub seed_count: usize,
    pub count: i64,
}

/// A topic id items still carry that the taxonomy in use no longer has.
pub struct RetiredRow {
    pub id: String,
    pub name: String,
    pub count: i64,
}

/// One stored version.
pub struct VersionRow {
    pub version: i64,
    pub created: String,
    pub by: String,
    pub note: String,
    pub active: bool,
    pub topics: usize,
}

/// A mistake in the submitted text, said in the reader's language.
pub struct Problem {
    /// "Dòng 12" / "Line 12" (empty when the mistake has no line).
    pub place: String,
    pub message: String,
    /// The offending line as typed.
    pub excerpt: Option<String>,
}

/// The outcome of the last form.
pub struct Outcome {
    pub ok: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "admin/taxonomy.html")]
struct TaxonomyPage {
    c: Chrome,
    csrf: String,
    can_edit: bool,
    /// "Version 3, since …" or "the taxonomy shipped with ykien".
    in_use: String,
    topics: Vec<TopicRow>,
    retired: Vec<RetiredRow>,
    other_count: i64,
    versions: Vec<VersionRow>,
    source: String,
    note: String,
    activate: bool,
    problems: Vec<Problem>,
    outcome: Option<Outcome>,
    /// The format's lines (as written in the text) and what each means (catalogue key).
    format: &'static [(&'static str, &'static str)],
    other_id: &'static str,
}

/// The format at a glance, for the editor's help.
const FORMAT: &[(&str, &str)] = &[
    ("[[topic]]", "taxonomy.format_topic"),
    ("id = \"land\"", "taxonomy.format_id"),
    ("name_vi = \"…\"  name_en = \"…\"", "taxonomy.format_names"),
    ("description = \"…\"", "taxonomy.format_description"),
    ("seeds = [\"…\", \"…\"]", "taxonomy.format_seeds"),
    ("strong_seeds = [\"…\"]", "taxonomy.format_strong"),
];

/// `?done=saved|saved_active|activated&v=N` after a form.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: Option<String>,
    #[serde(default)]
    pub v: Option<i64>,
}

/// What the editor sends; both fields missing means nothing to do.
#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub activate: Option<String>,
}

impl HasCsrf for SaveForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Activation of a stored version.
#[derive(Debug, Deserialize)]
pub struct ActivateForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub version: Option<String>,
}

impl HasCsrf for ActivateForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The text typed in the editor, kept when it is shown again.
struct Typed {
    source: String,
    note: String,
    activate: bool,
}

/// A catalogue string with `{name}` placeholders filled.
fn fill(t: &Catalog, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t.get(key).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// The text between the first pair of `open`/`close` in `s`.
fn between(s: &str, open: char, close: char) -> String {
    s.split_once(open)
        .and_then(|(_, rest)| rest.split_once(close))
        .map(|(x, _)| x.to_string())
        .unwrap_or_default()
}

/// How one of ykien-text's messages is recognised.
#[derive(Clone, Copy)]
enum Match {
    Starts(&'static str),
    Contains(&'static str),
    Is(&'static str),
}

/// ykien-text says what is wrong in English, in a few fixed forms; each is said again from
/// the catalogue, with what it names (a key, a seed) kept as typed. A form this build does not
/// know stays in English rather than being lost.
fn explain_message(t: &Catalog, m: &str) -> String {
    let key = between(m, '`', '`');
    let seed = between(m, '"', '"');
    let k = |name: &str| format!("taxonomy.err.{name}");
    let said = |name: &str| fill(t, &k(name), &[("key", &key), ("seed", &seed)]);
    use Match::{Contains, Is, Starts};
    // (how the message reads, its catalogue name); the first that matches wins.
    const RULES: [(Match, &str); 24] = [
        (Starts("unknown table"), "unknown_table"),
        (Starts("expected `key = value`"), "expected_key"),
        (Contains("before the first [[topic]]"), "before_topic"),
        (Contains("given twice in one topic"), "key_twice"),
        (Contains("is never closed"), "unclosed_array"),
        (Starts("unknown key"), "unknown_key"),
        (Starts("no [[topic]]"), "no_topic"),
        (Starts("expected a \"quoted string\""), "expected_string"),
        (Starts("unsupported escape"), "bad_escape"),
        (Starts("string is not closed"), "unclosed_string"),
        (Contains("after the string"), "after_string"),
        (Starts("expected an array"), "expected_array"),
        (Contains("after the array"), "after_array"),
        (Starts("expected `,` or `]`"), "expected_comma"),
        (Is("missing `id`"), "missing_id"),
        (Starts("`id` may hold only"), "bad_id"),
        (Contains("is reserved"), "reserved_id"),
        (Is("duplicate `id`"), "duplicate_id"),
        (Is("missing `name_vi`"), "missing_name_vi"),
        (Is("missing `name_en`"), "missing_name_en"),
        (Starts("no `seeds`"), "no_seeds"),
        (Is("empty seed term"), "empty_seed"),
        (Contains("listed twice"), "seed_twice"),
        (Contains("has no letters"), "seed_no_letters"),
    ];
    for (rule, name) in RULES {
        let hit = match rule {
            Starts(p) => m.starts_with(p),
            Contains(p) => m.contains(p),
            Is(p) => m == p,
        };
        if hit {
            return said(name);
        }
    }
    m.to_string()
}

/// A parse or validation error of `source`, with its line and the line as typed.
fn problem(t: &Catalog, source: &str, e: &TopicsError) -> Problem {
    let (line, topic, message) = match e {
        TopicsError::Parse { line, message } => (*line, None, message.as_str()),
        TopicsError::Invalid {
            line,
            topic,
            message,
        } => (
            precise_line(source, *line, message),
            Some(topic.as_str()),
            message.as_str(),
        ),
        TopicsError::Training(m) => (0, None, m.as_str()),
    };
    let n = line.to_string();
    let place = match topic {
        _ if line == 0 => String::new(),
        Some(id) if !id.is_empty() => {
            fill(t, "taxonomy.line_topic", &[("line", &n), ("topic", id)])
        }
        _ => fill(t, "taxonomy.line", &[("line", &n)]),
    };
    let excerpt = line
        .checked_sub(1)
        .and_then(|i| source.lines().nth(i))
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().take(160).collect());
    Problem {
        place,
        message: explain_message(t, message),
        excerpt,
    }
}

/// A topic's mistake is reported at its `[[topic]]` line; when it is about one line of the
/// topic (its id, a seed term), that line, so the reader lands where to type.
fn precise_line(source: &str, header: usize, message: &str) -> usize {
    let block = source
        .lines()
        .enumerate()
        .skip(header)
        .take_while(|(_, l)| l.trim() != "[[topic]]");
    let seed = between(message, '"', '"');
    let wanted = |l: &str| -> bool {
        if message.contains("`id`") || message.contains("is reserved") {
            l.split_once('=').is_some_and(|(k, _)| k.trim() == "id")
        } else if message.contains("listed twice") || message.contains("has no letters") {
            l.contains(&format!("\"{seed}\""))
        } else if message == "empty seed term" {
            l.split('"').skip(1).step_by(2).any(|x| x.trim().is_empty())
        } else {
            false
        }
    };
    // The last match: a seed listed twice is the second time it appears.
    block
        .filter(|(_, l)| wanted(l))
        .last()
        .map_or(header, |(i, _)| i + 1)
}

fn topic_rows(tx: &Taxonomy, counts: &[(String, i64)]) -> Vec<TopicRow> {
    tx.topics
        .iter()
        .map(|tp| TopicRow {
            id: tp.id.clone(),
            name_vi: tp.name_vi.clone(),
            name_en: tp.name_en.clone(),
            description: tp.description.clone(),
            strong_seeds: tp.strong_seeds.join(", "),
            seeds: tp.seeds.join(", "),
            seed_count: tp.seeds.len() + tp.strong_seeds.len(),
            count: counts
                .iter()
                .find(|(id, _)| *id == tp.id)
                .map_or(0, |x| x.1),
        })
        .collect()
}

fn outcome(t: &Catalog, q: &DoneQuery) -> Option<Outcome> {
    let key = match q.done.as_deref()? {
        "saved" => "taxonomy.done.saved",
        "saved_active" => "taxonomy.done.saved_active",
        "activated" => "taxonomy.done.activated",
        _ => return None,
    };
    let v = q.v.unwrap_or(0).to_string();
    Some(Outcome {
        ok: true,
        text: fill(t, key, &[("version", &v)]),
    })
}

/// Renders the page; `typed` is the editor's text when it is shown again after a mistake.
async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    typed: Option<Typed>,
    problems: Vec<Problem>,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let t = ui.t();
    let store = &state.store;
    let (tx, active) = learn::active_taxonomy(store).await.map_err(listen_error)?;
    let versions = store.taxonomy_versions().await?;
    let counts = store.topic_counts(&signed.actor).await?;
    let names: TopicNames = learn::topic_names(store).await.map_err(listen_error)?;
    let english = ui.lang == Lang::En;
    let retired = counts
        .iter()
        .filter(|(id, _)| !names.is_current(id))
        .map(|(id, n)| RetiredRow {
            id: id.clone(),
            name: names.name(id, english),
            count: *n,
        })
        .collect();
    let other_count = counts
        .iter()
        .find(|(id, _)| id == OTHER_ID)
        .map_or(0, |x| x.1);
    let in_use = match versions.iter().find(|v| Some(v.version) == active) {
        Some(v) => fill(
            t,
            "taxonomy.in_use_version",
            &[
                ("version", &v.version.to_string()),
                ("date", &local_time(v.created_at)),
            ],
        ),
        None => t.get("taxonomy.in_use_shipped").to_string(),
    };
    let current_source = versions
        .iter()
        .find(|v| v.active)
        .map_or(DEFAULT_TAXONOMY.to_string(), |v| v.source.clone());
    let typed = typed.unwrap_or(Typed {
        source: current_source,
        note: String::new(),
        activate: true,
    });
    let page = TaxonomyPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        can_edit: may_edit_taxonomy(&signed.actor),
        in_use,
        topics: topic_rows(&tx, &counts),
        retired,
        other_count,
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                created: local_time(v.created_at),
                by: v
                    .created_by_name
                    .clone()
                    .unwrap_or_else(|| t.get("taxonomy.system").to_string()),
                note: v.note.clone(),
                active: v.active,
                topics: Taxonomy::parse(&v.source).map_or(0, |x| x.len()),
            })
            .collect(),
        source: typed.source,
        note: typed.note,
        activate: typed.activate,
        problems,
        outcome,
        format: FORMAT,
        other_id: OTHER_ID,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn listen_error(e: ListenError) -> WebError {
    match e {
        ListenError::Store(s) => s.into(),
    }
}

/// `GET /admin/taxonomy`: the topics in use, the versions, and the editor for those who may.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let done = outcome(ui.t(), &q);
    render(&state, &signed, &ui, None, Vec::new(), done, StatusCode::OK).await
}

/// `POST /admin/taxonomy`: checks the text and stores it as a new version, activated if
/// asked; a mistake shows the text again with what to fix, line by line (422).
pub async fn save(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<SaveForm>,
) -> Result<Response, WebError> {
    let Some(source) = form.source else {
        return Ok(Redirect::to(PAGE).into_response());
    };
    if !may_edit_taxonomy(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    // Browsers send a text area's lines ended by CR LF.
    let source = source.replace("\r\n", "\n");
    let activate = form.activate.is_some_and(|v| !v.is_empty() && v != "false");
    let typed = Typed {
        source,
        note: form.note.trim().chars().take(500).collect(),
        activate,
    };
    let t = ui.t();
    if let Err(e) = learn::check_taxonomy(&typed.source) {
        let p = vec![problem(t, &typed.source, &e)];
        return render(
            &state,
            &signed,
            &ui,
            Some(typed),
            p,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match learn::save_taxonomy(
        &state.store,
        Some(&signed.actor),
        &typed.source,
        &typed.note,
        activate,
    )
    .await
    {
        Ok(saved) => {
            let done = if saved.version.active {
                "saved_active"
            } else {
                "saved"
            };
            Ok(Redirect::to(&format!(
                "{PAGE}?done={done}&v={}#top",
                saved.version.version
            ))
            .into_response())
        }
        Err(ListenError::Store(StoreError::Invalid { what })) => {
            let p = vec![Problem {
                place: String::new(),
                message: format!("{} {what}", t.get("taxonomy.err.refused")),
                excerpt: None,
            }];
            render(
                &state,
                &signed,
                &ui,
                Some(typed),
                p,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(listen_error(e)),
    }
}

/// `POST /admin/taxonomy/activate`: makes a stored version the one in use (and builds its
/// topic model); `version` in the form.
pub async fn activate(
    State(state): State<AppState>,
    CheckedForm { signed, form }: CheckedForm<ActivateForm>,
) -> Result<Response, WebError> {
    let Some(raw) = form.version.filter(|v| !v.trim().is_empty()) else {
        return Ok(Redirect::to(PAGE).into_response());
    };
    if !may_edit_taxonomy(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    let version = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(WebError::NotFound)?;
    learn::activate_taxonomy(&state.store, Some(&signed.actor), version)
        .await
        .map_err(listen_error)?;
    Ok(Redirect::to(&format!("{PAGE}?done=activated&v={version}#top")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mistake_ykien_text_reports_is_said_in_both_languages() {
        let bad = [
            "[other]\n",
            "id = \"x\"\n",
            "[[topic]]\nwhat\n",
            "[[topic]]\nid = \"a\"\nid = \"b\"\n",
            "[[topic]]\nseeds = [\"a\",\n",
            "[[topic]]\ncolour = \"red\"\n",
            "# nothing\n",
            "[[topic]]\nid = x\n",
            "[[topic]]\nid = \"a\\q\"\n",
            "[[topic]]\nid = \"a\n",
            "[[topic]]\nid = \"a\" b\n",
            "[[topic]]\nseeds = \"a\"\n",
            "[[topic]]\nseeds = [\"a\"] b\n",
            "[[topic]]\nseeds = [\"a\" \"b\"]\n",
            "[[topic]]\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"Đất\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"other\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"a\"]\n[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"a\"\nname_en = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nseeds = [\"a\"]\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\" \"]\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"đất\", \"Đất\"]\n",
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"...\"]\n",
        ];
        for src in bad {
            let e = Taxonomy::parse(src).expect_err(src);
            for lang in Lang::ALL {
                let t = lang.catalog();
                let p = problem(t, src, &e);
                let english = match &e {
                    TopicsError::Parse { message, .. } | TopicsError::Invalid { message, .. } => {
                        message.clone()
                    }
                    TopicsError::Training(m) => m.clone(),
                };
                assert_ne!(p.message, english, "{src:?}: {english} is not translated");
                assert!(!p.message.contains('{'), "{src:?}: {}", p.message);
                assert!(!p.place.is_empty() && !p.place.contains('{'), "{src:?}");
            }
        }
        let t = Lang::Vi.catalog();
        let e = Taxonomy::parse(
            "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"đất\", \"Đất\"]\n",
        )
        .unwrap_err();
        let p = problem(t, "", &e);
        assert!(
            p.message.contains("Đất") || p.message.contains("đất"),
            "{}",
            p.message
        );
        assert_eq!(p.place, "Dòng 1, chủ đề “a”");
        // A mistake in one line of a topic points at that line, not at the topic's header.
        let src = "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"đất\",\n  \"Đất\"]\n\n[[topic]]\nname_vi = \"B\"\nid = \"Nước\"\n";
        let at = |src: &str| problem(t, src, &Taxonomy::parse(src).unwrap_err());
        let p = at(src);
        assert_eq!(p.place, "Dòng 6, chủ đề “a”", "{}", p.message);
        assert_eq!(p.excerpt.as_deref(), Some("\"Đất\"]"));
        let fixed = src.replace("\"Đất\"", "\"nước\"");
        let p = at(&fixed);
        assert_eq!(p.place, "Dòng 10, chủ đề “Nước”", "{}", p.message);
        assert_eq!(p.excerpt.as_deref(), Some("id = \"Nước\""));
    }
}
