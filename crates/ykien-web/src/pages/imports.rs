//! Bulk import from the web UI, for editors and above: upload a JSONL, CSV or spreadsheet
//! file with its unit and source (`/imports`), then follow its progress and read the
//! per-row error report (`/imports/{id}`). The import itself runs in the background
//! (`ykien_listen::import::runner`), resumable after a restart; the page refreshes itself
//! while it runs (a meta refresh: no script needed). The same over the API:
//! `POST /api/v1/imports` (multipart: `file`, `format`, `unit`, `source`) and
//! `GET /api/v1/imports/{id}`.

use std::sync::atomic::Ordering;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use ykien_core::Actor;
use ykien_listen::import::Format;
use ykien_store::{Import, NewImport, may_import};

use crate::api::items::ApiWriter;
use crate::auth::{ApiCaller, Signed};
use crate::csrf::constant_time_eq;
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::intake::Rejected;
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};
use crate::uploads::{self, Upload, human_size};

/// How many imports the list shows.
const LISTED: u32 = 50;

/// Row errors shown on the page (all of them are in the JSON).
const ERRORS_SHOWN: usize = 1000;

/// One import as the pages show it.
pub struct ImportLine {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub source: String,
    pub format: String,
    pub state: String,
    pub state_label: String,
    pub created: String,
    pub total: i64,
    pub done: i64,
    pub added: i64,
    pub duplicate: i64,
    pub failed: i64,
    pub percent: i64,
    /// The progress bar's maximum (1 while the total is not known yet).
    pub max: i64,
    /// Why the whole import failed, in the page's language.
    pub failure: Option<String>,
    /// The failure's technical detail (an I/O error…), shown as it is.
    pub failure_detail: Option<String>,
    pub running: bool,
}

/// A refused row as the page shows it: the reason in the page's language, and the technical
/// detail (a parser's message, the offending value) as it is.
pub struct ErrorLine {
    pub row: u64,
    pub reason: String,
    pub detail: Option<String>,
}

/// Says a coded problem from the catalogue (`<prefix>.<code>`) with its detail apart. A
/// problem stored before codes existed, or with a code this build does not know, keeps its
/// English reason, which already contains the detail.
fn localized(
    t: &Catalog,
    prefix: &str,
    code: Option<&str>,
    english: &str,
    detail: Option<&str>,
) -> (String, Option<String>) {
    if let Some(code) = code {
        let key = format!("{prefix}.{code}");
        let said = t.get(&key);
        if said != key {
            return (said.to_string(), detail.map(str::to_string));
        }
    }
    (english.to_string(), None)
}

fn error_line(e: &ykien_store::ImportRowError, t: &Catalog) -> ErrorLine {
    let (reason, detail) = localized(
        t,
        "imports.reasons",
        e.code.as_deref(),
        &e.reason,
        e.detail.as_deref(),
    );
    ErrorLine {
        row: e.row,
        reason,
        detail,
    }
}

fn line(i: &Import, ui: &Ui) -> ImportLine {
    let total = i.rows_total.unwrap_or(0);
    let (failure, failure_detail) = match &i.failure {
        Some(f) => {
            let (said, detail) = localized(
                ui.t(),
                "imports.failures",
                i.failure_code.as_deref(),
                f,
                i.failure_detail.as_deref(),
            );
            (Some(said), detail)
        }
        None => (None, None),
    };
    ImportLine {
        id: i.id,
        name: i
            .original_name
            .clone()
            .unwrap_or_else(|| format!("#{}", i.id)),
        unit_name: i.unit_name.clone(),
        source: i.source.clone(),
        format: i.format.clone(),
        state: i.state.clone(),
        state_label: ui
            .t()
            .get(&format!("imports.state_{}", i.state))
            .to_string(),
        created: local_time(i.created_at),
        total,
        done: i.rows_done,
        added: i.rows_added,
        duplicate: i.rows_duplicate,
        failed: i.rows_failed,
        max: total.max(1),
        percent: if total > 0 {
            i.rows_done * 100 / total
        } else {
            0
        },
        failure,
        failure_detail,
        running: matches!(i.state.as_str(), "queued" | "running"),
    }
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage {
    c: Chrome,
    csrf: String,
    unit: String,
    source: String,
    max_size: String,
    imports: Vec<ImportLine>,
    message: Option<String>,
}

fn list_page(
    signed: &Signed,
    ui: &Ui,
    state: &AppState,
    imports: Vec<Import>,
    status: StatusCode,
    form: (&str, &str),
    message: Option<String>,
) -> Result<Response, WebError> {
    let page = ImportsPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        unit: form.0.to_string(),
        source: form.1.to_string(),
        max_size: human_size(state.config.uploads.max_import_bytes),
        imports: imports.iter().map(|i| line(i, ui)).collect(),
        message,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /imports`: the upload form and the unit's recent imports.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
) -> Result<Response, WebError> {
    if !may_import(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    let imports = state.store.list_imports(&signed.actor, LISTED).await?;
    let unit = signed.actor.unit.to_string();
    list_page(
        &signed,
        &ui,
        &state,
        imports,
        StatusCode::OK,
        (&unit, ""),
        None,
    )
}

/// What an upload form asked for, checked: the store takes it from here.
struct Asked {
    unit: String,
    source: String,
    format: Format,
    file: uploads::UploadedFile,
}

/// Reads the form's fields; `Err` carries the catalogue key (page) and detail (API).
fn asked(actor: &Actor, mut up: Upload) -> Result<Asked, (&'static str, String)> {
    let file = up.files.drain(..).find(|f| f.field == "file").ok_or((
        "imports.error_no_file",
        "no file in the field \"file\"".to_string(),
    ))?;
    let format = match up.field("format").trim() {
        "" | "auto" => file
            .name
            .as_deref()
            .and_then(Format::from_file_name)
            .ok_or((
                "imports.error_format",
                "cannot tell the format from the file name; choose jsonl, csv or xlsx".into(),
            ))?,
        f => Format::parse(f).ok_or((
            "imports.error_format",
            format!("unknown format {f:?} (expected jsonl, csv or xlsx)"),
        ))?,
    };
    let unit = match up.field("unit").trim() {
        "" => actor.unit.to_string(),
        u => u.to_string(),
    };
    let source = match up.field("source").trim() {
        "" => file.name.clone().unwrap_or_else(|| "web-import".into()),
        s => s.to_string(),
    };
    Ok(Asked {
        unit,
        source,
        format,
        file,
    })
}

async fn create(state: &AppState, actor: &Actor, a: Asked) -> Result<Import, Rejected> {
    let dir = state
        .config
        .data_dir
        .as_deref()
        .ok_or_else(|| WebError::Unavailable("no data directory for uploads".into()))?;
    Ok(state
        .store
        .create_import(
            Some(actor),
            dir,
            NewImport {
                unit: a.unit,
                source: a.source,
                format: a.format.as_str().to_string(),
                bytes: &a.file.bytes,
                original_name: a.file.name,
            },
        )
        .await?)
}

/// `POST /imports`: stores the file, queues the import, and goes to its progress page.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    signed: Signed,
    req: Request,
) -> Result<Response, Rejected> {
    let limit = state.config.uploads.max_import_bytes;
    let up = uploads::read(req, limit, 1)
        .await
        .map_err(uploads::rejected)?;
    if !constant_time_eq(
        up.field("csrf").as_bytes(),
        signed.session.csrf_token.as_bytes(),
    ) {
        state.metrics.csrf_rejected.fetch_add(1, Ordering::Relaxed);
        return Err(WebError::Csrf.into());
    }
    let t = ui.t();
    let (unit, source) = (up.field("unit").to_string(), up.field("source").to_string());
    let again = |status: StatusCode, message: String| {
        form_again(&state, &signed, &ui, status, (&unit, &source), message)
    };
    if let Some(limit) = up.too_large {
        let msg = t
            .get("imports.error_too_large")
            .replace("{limit}", &human_size(limit));
        return again(StatusCode::PAYLOAD_TOO_LARGE, msg).await;
    }
    let a = match asked(&signed.actor, up) {
        Ok(a) => a,
        Err((key, _)) => {
            if !may_import(&signed.actor) {
                return Err(WebError::Forbidden.into());
            }
            return again(StatusCode::UNPROCESSABLE_ENTITY, t.get(key).to_string()).await;
        }
    };
    match create(&state, &signed.actor, a).await {
        Ok(imp) => Ok(Redirect::to(&format!("/imports/{}", imp.id)).into_response()),
        Err(Rejected::Invalid(detail)) => {
            let msg = format!("{} {detail}", t.get("error.invalid"));
            again(StatusCode::UNPROCESSABLE_ENTITY, msg).await
        }
        Err(e) => Err(e),
    }
}

/// The upload form again, with what was typed and what to fix.
async fn form_again(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    form: (&str, &str),
    message: String,
) -> Result<Response, Rejected> {
    let imports = if may_import(&signed.actor) {
        state.store.list_imports(&signed.actor, LISTED).await?
    } else {
        Vec::new()
    };
    list_page(signed, ui, state, imports, status, form, Some(message)).map_err(Rejected::from)
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    i: ImportLine,
    errors: Vec<ErrorLine>,
    more_errors: usize,
}

fn import_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

/// `GET /imports/{id}`: progress while it runs, then the summary and the row errors.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let imp = state
        .store
        .import(Some(&signed.actor), import_id(&id)?)
        .await?;
    let more_errors =
        (imp.rows_failed.max(0) as usize).saturating_sub(ERRORS_SHOWN.min(imp.errors.len()));
    let errors = imp
        .errors
        .iter()
        .take(ERRORS_SHOWN)
        .map(|e| error_line(e, ui.t()))
        .collect();
    let page = ImportPage {
        c: ui.chrome(Some(signed.bar())),
        i: line(&imp, &ui),
        errors,
        more_errors,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /api/v1/imports/{id}`: the import record, its counters and row errors.
#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}",
    tag = "imports",
    params(("id" = i64, Path, description = "Import id", example = 12)),
    responses(
        (status = 200, description = "The import: state (queued, running, done, failed), rows_total, rows_done, rows_added, rows_duplicate, rows_failed, and errors (row number and reason of each row not imported)"),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
        (status = 403, description = "The caller's role may not import (editors and above may)", body = crate::api::schemas::ErrorBody),
        (status = 404, description = "No such import, or outside the caller's subtree", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn api_show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Import>, WebError> {
    Ok(Json(
        state.store.import(Some(&actor), import_id(&id)?).await?,
    ))
}

/// `POST /api/v1/imports`: 201 with the queued import; 413 beyond the size limit.
#[utoipa::path(
    post,
    path = "/api/v1/imports",
    tag = "imports",
    request_body(content_type = "multipart/form-data", description = "Fields: file (the JSONL, CSV or XLSX file), format (jsonl, csv, xlsx or auto: from the file name), unit (of rows that name none; default the caller's), source (default the file name)"),
    responses(
        (status = 201, description = "Stored and queued; follow it at /api/v1/imports/{id}"),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
        (status = 403, description = "The caller's role may not import, or a session write without its CSRF token", body = crate::api::schemas::ErrorBody),
        (status = 404, description = "The unit does not exist or is outside the caller's subtree", body = crate::api::schemas::ErrorBody),
        (status = 413, description = "The file is larger than the configured limit (50 MB by default)", body = crate::api::schemas::ErrorBody),
        (status = 422, description = "No file, or an unknown format", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn api_create(
    State(state): State<AppState>,
    ApiWriter(actor): ApiWriter,
    req: Request,
) -> Result<Response, Rejected> {
    let up = uploads::read(req, state.config.uploads.max_import_bytes, 1)
        .await
        .map_err(uploads::rejected)?;
    if let Some(limit) = up.too_large {
        return Err(uploads::rejected(uploads::UploadError::TooLarge { limit }));
    }
    let a = asked(&actor, up).map_err(|(_, detail)| Rejected::Invalid(detail))?;
    let imp = create(&state, &actor, a).await?;
    Ok((StatusCode::CREATED, Json(imp)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use ykien_listen::import::{FailureCode, RowCode};

    #[test]
    fn every_row_and_failure_code_is_in_both_catalogues() {
        for lang in Lang::ALL {
            let t = lang.catalog();
            let keys: Vec<String> = RowCode::ALL
                .iter()
                .map(|c| format!("imports.reasons.{}", c.as_str()))
                .chain(
                    FailureCode::ALL
                        .iter()
                        .map(|c| format!("imports.failures.{}", c.as_str())),
                )
                .collect();
            for key in keys {
                assert_ne!(t.get(&key), key, "{}: no {key}", lang.code());
            }
        }
    }

    #[test]
    fn coded_reasons_are_translated_and_old_ones_kept() {
        let vi = Lang::Vi.catalog();
        let coded = ykien_store::ImportRowError {
            row: 3,
            reason: "malformed JSON: EOF".into(),
            code: Some("bad_json".into()),
            detail: Some("EOF".into()),
        };
        let l = error_line(&coded, vi);
        assert_eq!(l.reason, vi.get("imports.reasons.bad_json"));
        assert_ne!(l.reason, coded.reason);
        assert_eq!(l.detail.as_deref(), Some("EOF"));
        let old = ykien_store::ImportRowError {
            code: None,
            detail: None,
            ..coded.clone()
        };
        let l = error_line(&old, vi);
        assert_eq!((l.reason.as_str(), l.detail), ("malformed JSON: EOF", None));
        let unknown = ykien_store::ImportRowError {
            code: Some("from_a_newer_build".into()),
            ..coded
        };
        assert_eq!(error_line(&unknown, vi).reason, "malformed JSON: EOF");
    }
}
