//! The source manager (`/admin/sources`): the feeds (RSS, Atom) and watched pages of the
//! actor's subtree with how their last fetch went, each with its fetch history
//! (`/admin/sources/{id}`), and the latest web imports. Everyone may read the sources of their
//! subtree (as over the API); adding and removing them is for handlers, which the store
//! checks.

use std::time::Duration;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use ykien_store::{Fetch, Import, NewSource, Source, SourceKind, may_import};

use super::{Done, Notice, TokenOnly, back, fixable, is_handler, path_id};
use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PAGE: &str = "/admin/sources";
/// Fetches shown on a source's page.
const HISTORY: u32 = 50;
/// Imports listed on the sources page (all of them are on /imports).
const IMPORTS: u32 = 5;

/// One source as the pages show it.
pub struct SourceLine {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub url: String,
    pub unit_name: String,
    pub every: String,
    pub enabled: bool,
    /// "ok", "not_modified", an error kind, or "never".
    pub status: String,
    pub status_label: String,
    pub last_fetched: String,
    pub next_fetch: String,
    pub failures: i64,
}

/// One fetch of a source's history.
pub struct FetchLine {
    pub started: String,
    pub outcome: String,
    pub outcome_label: String,
    pub http_status: String,
    pub duration_ms: i64,
    pub bytes: i64,
    pub found: i64,
    pub added: i64,
    pub error: String,
}

/// One recent import, briefly (its page at /imports/{id} has the rest).
pub struct ImportRow {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub created: String,
    pub state: String,
    pub state_label: String,
    pub done: i64,
    pub total: i64,
}

fn import_row(i: &Import, t: &Catalog) -> ImportRow {
    ImportRow {
        id: i.id,
        name: i
            .original_name
            .clone()
            .unwrap_or_else(|| format!("#{}", i.id)),
        unit_name: i.unit_name.clone(),
        created: local_time(i.created_at),
        state: i.state.clone(),
        state_label: t.get(&format!("imports.state_{}", i.state)).to_string(),
        done: i.rows_done,
        total: i.rows_total.unwrap_or(0),
    }
}

/// What the add form holds.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub every_minutes: String,
}

impl HasCsrf for SourceForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl SourceForm {
    fn blank(unit: &str) -> SourceForm {
        SourceForm {
            csrf: String::new(),
            unit: unit.to_string(),
            name: String::new(),
            url: String::new(),
            kind: "rss".into(),
            every_minutes: "30".into(),
        }
    }
}

fn every(secs: i64, t: &Catalog) -> String {
    if secs % 3600 == 0 {
        t.get("admin.sources.every_hours")
            .replace("{n}", &(secs / 3600).to_string())
    } else {
        t.get("admin.sources.every_minutes")
            .replace("{n}", &(secs / 60).to_string())
    }
}

/// Says a fetch outcome or error kind; an error kind this build has no words for is shown as
/// it is (it is technical anyway).
fn outcome_label(t: &Catalog, code: &str) -> String {
    let key = format!("admin.sources.outcome_{code}");
    let said = t.get(&key);
    if said == key {
        code.to_string()
    } else {
        said.to_string()
    }
}

fn line(s: &Source, t: &Catalog) -> SourceLine {
    let status = s.last_status.clone().unwrap_or_else(|| "never".into());
    SourceLine {
        id: s.id,
        name: s.name.clone(),
        kind_label: t
            .get(&format!("admin.sources.kind_{}", s.kind.as_str()))
            .to_string(),
        url: s.url.clone(),
        unit_name: s.unit_name.clone(),
        every: every(s.poll_interval_secs, t),
        enabled: s.enabled,
        status_label: outcome_label(t, &status),
        status,
        last_fetched: s.last_fetched_at.map(local_time).unwrap_or_default(),
        next_fetch: local_time(s.next_fetch_at),
        failures: s.consecutive_failures,
    }
}

fn fetch_line(f: &Fetch, t: &Catalog) -> FetchLine {
    let code = match (&f.outcome[..], &f.error_kind) {
        ("error", Some(k)) => k.clone(),
        (o, _) => o.to_string(),
    };
    FetchLine {
        started: local_time(f.started_at),
        outcome: f.outcome.clone(),
        outcome_label: outcome_label(t, &code),
        http_status: f.http_status.map(|s| s.to_string()).unwrap_or_default(),
        duration_ms: f.duration_ms,
        bytes: f.bytes,
        found: f.items_found,
        added: f.items_added,
        error: f.error_message.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "admin/sources.html")]
struct SourcesPage {
    c: Chrome,
    csrf: String,
    notice: Option<Notice>,
    handler: bool,
    sources: Vec<SourceLine>,
    importer: bool,
    imports: Vec<ImportRow>,
    form: SourceForm,
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    notice: Option<Notice>,
    form: SourceForm,
) -> Result<Response, WebError> {
    let t = ui.t();
    let sources = state.store.list_sources(Some(&signed.actor)).await?;
    let importer = may_import(&signed.actor);
    let imports = if importer {
        state.store.list_imports(&signed.actor, IMPORTS).await?
    } else {
        Vec::new()
    };
    let page = SourcesPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        notice,
        handler: is_handler(signed),
        sources: sources.iter().map(|s| line(s, t)).collect(),
        importer,
        imports: imports.iter().map(|i| import_row(i, t)).collect(),
        form,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/sources`: the sources of the subtree and the latest imports.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let notice = Notice::done(ui.t(), q.done.as_deref());
    let form = SourceForm::blank(signed.actor.unit.as_str());
    render(&state, &signed, &ui, StatusCode::OK, notice, form).await
}

/// `POST /admin/sources`: registers a feed or watched page (handlers).
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<SourceForm>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let again = |status, notice| render(&state, &signed, &ui, status, Some(notice), form.clone());
    let parsed = SourceKind::parse(&form.kind)
        .map_err(|_| "admin.sources.error_kind")
        .and_then(|kind| {
            let minutes = form
                .every_minutes
                .trim()
                .parse::<u64>()
                .map_err(|_| "admin.sources.error_every")?;
            Ok(NewSource {
                unit: form.unit.trim().to_string(),
                kind,
                url: form.url.clone(),
                name: form.name.clone(),
                poll_interval: Duration::from_secs(minutes.saturating_mul(60)),
            })
        });
    let new = match parsed {
        Ok(n) => n,
        Err(key) => {
            if !is_handler(&signed) {
                return Err(WebError::Forbidden);
            }
            let notice = Notice::error(t.get(key).to_string());
            return again(StatusCode::UNPROCESSABLE_ENTITY, notice).await;
        }
    };
    match state.store.add_source(Some(&signed.actor), new).await {
        Ok(s) => Ok(back(&format!("{PAGE}/{}", s.id), "source_created")),
        Err(e) => {
            let (status, notice) = fixable(t, e)?;
            if !is_handler(&signed) {
                return Err(WebError::Forbidden);
            }
            again(status, notice).await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/source.html")]
struct SourcePage {
    c: Chrome,
    csrf: String,
    notice: Option<Notice>,
    handler: bool,
    s: SourceLine,
    fetches: Vec<FetchLine>,
}

/// `GET /admin/sources/{id}`: one source, how it was last fetched, and its fetch history.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let id = path_id(&id)?;
    let source = state.store.source(Some(&signed.actor), id).await?;
    let fetches = state
        .store
        .fetch_history(Some(&signed.actor), id, HISTORY)
        .await?;
    let page = SourcePage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        notice: Notice::done(t, q.done.as_deref()),
        handler: is_handler(&signed),
        s: line(&source, t),
        fetches: fetches.iter().map(|f| fetch_line(f, t)).collect(),
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /admin/sources/{id}/delete`: removes a source and its history (its items stay).
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    state.store.remove_source(Some(&signed.actor), id).await?;
    Ok(back(PAGE, "source_deleted"))
}
