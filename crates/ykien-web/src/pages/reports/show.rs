//! One report: `GET /reports/{id}` shows it as it will print (the ykien-docs HTML fragment,
//! styled by `/reports/document.css`: no inline style, the CSP holds) with, for a draft, the
//! editor; `POST /reports/{id}` saves the editor, `…/issue` numbers and freezes it,
//! `…/delete` deletes a draft.
//!
//! Two officers may edit one draft: the form carries the draft's `updated_at`, the store
//! refuses a save over a newer version (409), and the page then shows the newer version with
//! what the officer typed still in the editor, to be merged by hand and saved again.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use ykien_docs::{Format, RenderOptions};
use ykien_store::{Report, ReportStatus, StoreError};

use super::edit::{self, EditHead, EditSection, Typed};
use super::{
    Fields, TYPE_CODE, dashboard_href, document, kind_label, load, local_date, period_label,
    status_key, status_label, symbol, symbol_code,
};
use crate::auth::{CheckedForm, Signed};
use crate::error::WebError;
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// One export button.
pub struct ExportLink {
    pub format: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ReportPage {
    c: Chrome,
    csrf: String,
    id: i64,
    title: String,
    status: &'static str,
    status_label: String,
    symbol: Option<String>,
    unit_id: String,
    unit_name: String,
    period: String,
    kind: String,
    author: Option<String>,
    created: String,
    updated: String,
    issued: Option<String>,
    dashboard_href: String,
    case_id: Option<i64>,
    preview: String,
    editable: bool,
    head: EditHead,
    sections: Vec<EditSection>,
    updated_at: String,
    exports: Vec<ExportLink>,
    done: Option<String>,
    error: Option<String>,
}

/// What the page says besides the report: a confirmation, or why a form was refused (with
/// what was typed, kept in the editor).
#[derive(Default)]
struct Outcome {
    done: Option<String>,
    error: Option<String>,
    typed: Option<HashMap<String, String>>,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn render(signed: &Signed, ui: &Ui, r: &Report, o: Outcome) -> Result<String, WebError> {
    let t = ui.t();
    let doc = document(r)?;
    let preview = ykien_docs::html::render(
        &doc,
        &RenderOptions {
            base_url: None,
            standalone: false,
        },
    );
    let typed = Typed(o.typed.as_ref());
    let page = ReportPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        id: r.id,
        title: r.title.clone(),
        status: status_key(r.status),
        status_label: status_label(t, r.status),
        symbol: r.symbol.clone(),
        unit_id: r.unit.0.clone(),
        unit_name: r.unit_name.clone(),
        period: period_label(t, r),
        kind: kind_label(t, r.kind),
        author: r.created_by_name.clone(),
        created: local_time(r.created_at),
        updated: local_time(r.updated_at),
        issued: r.issued_at.map(local_time),
        dashboard_href: dashboard_href(r),
        case_id: r.case_id,
        preview,
        editable: r.status == ReportStatus::Draft,
        head: edit::head(&doc, &typed),
        sections: edit::sections(t, &doc, &typed),
        updated_at: stamp(r.updated_at),
        exports: [Format::Docx, Format::Pdf, Format::Html]
            .into_iter()
            .map(|f| ExportLink {
                format: f.as_str(),
                label: t.get(&format!("reports.export_{}", f.as_str())).to_string(),
            })
            .collect(),
        done: o.done,
        error: o.error,
    };
    Ok(page.render()?)
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// `GET /reports/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, WebError> {
    let r = load(&state, &signed, &id).await?;
    let t = ui.t();
    let done = match q.done.as_deref() {
        Some(d @ ("created" | "saved" | "flash")) => {
            Some(t.get(&format!("reports.done_{d}")).to_string())
        }
        Some("issued") => r
            .symbol
            .as_deref()
            .map(|s| t.get("reports.done_issued").replace("{symbol}", s)),
        _ => None,
    };
    let o = Outcome {
        done,
        ..Outcome::default()
    };
    Ok(Html(render(&signed, &ui, &r, o)?))
}

/// The page again with a refusal, answered with `status`.
fn refused(
    signed: &Signed,
    ui: &Ui,
    r: &Report,
    status: StatusCode,
    error: String,
    typed: Option<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let o = Outcome {
        done: None,
        error: Some(error),
        typed,
    };
    Ok((status, Html(render(signed, ui, r, o)?)).into_response())
}

/// "Issued reports are read-only" with the report's number.
fn issued_error(ui: &Ui, r: &Report) -> String {
    ui.t()
        .get("reports.error_issued")
        .replace("{symbol}", r.symbol.as_deref().unwrap_or(""))
}

/// `POST /reports/{id}`: saves the editor into the draft.
pub async fn save(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let r = load(&state, &signed, &id).await?;
    let mut typed = form.map();
    typed.remove("csrf");
    let stamp_typed = typed.remove("updated_at").unwrap_or_default();
    if r.status == ReportStatus::Issued {
        let msg = issued_error(&ui, &r);
        return refused(&signed, &ui, &r, StatusCode::CONFLICT, msg, None);
    }
    let expected = match stamp_typed.trim() {
        "" => None,
        s => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| WebError::BadRequest(format!("{s:?} is not a time")))?
                .with_timezone(&Utc),
        ),
    };
    let mut doc = document(&r)?;
    edit::apply(&mut doc, &typed);
    let body = serde_json::to_string(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let actor = Some(&signed.actor);
    match state
        .store
        .update_report(actor, r.id, &doc.summary, &body, expected)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{}?done=saved", r.id)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let now = state.store.get_report(actor, r.id).await?;
            let msg = if now.status == ReportStatus::Issued {
                issued_error(&ui, &now)
            } else {
                ui.t()
                    .get("reports.error_conflict")
                    .replace("{when}", &local_time(now.updated_at))
            };
            refused(&signed, &ui, &now, StatusCode::CONFLICT, msg, Some(typed))
        }
        Err(StoreError::Invalid { what }) => {
            let msg = format!("{} {what}", ui.t().get("error.invalid"));
            refused(
                &signed,
                &ui,
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                msg,
                Some(typed),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /reports/{id}/issue`: takes the next number of the unit's register, fills in the
/// number and the date, and freezes the report.
pub async fn issue(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let r = load(&state, &signed, &id).await?;
    if r.status == ReportStatus::Issued {
        let msg = issued_error(&ui, &r);
        return refused(&signed, &ui, &r, StatusCode::CONFLICT, msg, None);
    }
    let doc = document(&r)?;
    let unit = state.store.unit(&signed.actor, &r.unit).await?;
    let code = symbol_code(&doc, &unit);
    let now = Utc::now();
    let day = local_date(now);
    let symbol_of = |n: i64| symbol(n, &code);
    let body_of = |_n: i64, sym: &str| {
        let done = ykien_report::draft::finalize(&doc, sym, day);
        serde_json::to_string(&done).unwrap_or_default()
    };
    match state
        .store
        .issue_report(
            Some(&signed.actor),
            r.id,
            TYPE_CODE,
            now,
            &symbol_of,
            &body_of,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{}?done=issued", r.id)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let now = state.store.get_report(Some(&signed.actor), r.id).await?;
            let msg = issued_error(&ui, &now);
            refused(&signed, &ui, &now, StatusCode::CONFLICT, msg, None)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /reports/{id}/delete`: deletes a draft (an issued report stays in the register).
pub async fn delete(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let r = load(&state, &signed, &id).await?;
    if r.status == ReportStatus::Issued {
        let msg = issued_error(&ui, &r);
        return refused(&signed, &ui, &r, StatusCode::CONFLICT, msg, None);
    }
    match state.store.delete_report(Some(&signed.actor), r.id).await {
        Ok(()) => Ok(Redirect::to("/reports?done=deleted").into_response()),
        Err(StoreError::Conflict { .. }) => {
            let now = state.store.get_report(Some(&signed.actor), r.id).await?;
            let msg = issued_error(&ui, &now);
            refused(&signed, &ui, &now, StatusCode::CONFLICT, msg, None)
        }
        Err(e) => Err(e.into()),
    }
}
