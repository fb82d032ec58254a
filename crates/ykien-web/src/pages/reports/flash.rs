//! `POST /cases/{id}/flash-report`: a flash report (báo cáo nhanh) on one case, drafted from
//! the case and its items, saved as a draft of the case's unit and opened for editing.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use ykien_store::{NewReport, ReportKind};

use super::{Fields, handler, report_error, report_lang};
use crate::auth::CheckedForm;
use crate::error::WebError;
use crate::state::AppState;

/// `POST /cases/{id}/flash-report`.
pub async fn flash_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let actor = &signed.actor;
    let case_id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)?;
    // Scope first (another unit's case is not found, for every role), then the role: the
    // author of one of its items sees the case but does not report on it.
    let detail = state.store.get_case(Some(actor), case_id).await?;
    if !detail.handler_view || !handler(actor) {
        return Err(WebError::Forbidden);
    }
    let lang = report_lang(form.get("lang"));
    let (doc, period) = ykien_report::draft::draft_flash(&state.store, Some(actor), case_id, lang)
        .await
        .map_err(report_error)?;
    let body = serde_json::to_string(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let new = NewReport {
        unit: detail.case.unit.0.clone(),
        kind: ReportKind::Flash,
        from: period.from,
        to: period.to,
        case_id: Some(case_id),
        title: doc.summary.clone(),
        body,
    };
    let r = state.store.create_report(Some(actor), &new).await?;
    Ok(Redirect::to(&format!("/reports/{}?done=flash", r.id)).into_response())
}
