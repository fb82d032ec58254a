//! `GET /reports`: the reports of the actor's subtree, newest first, and the form that drafts
//! a new one; `POST /reports` drafts it from the data and opens it.
//!
//! Drafting a city-wide month takes well under a second (one dashboard query and a few
//! lists), so it runs in the request: no background job, no page to wait on.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use ykien_core::UnitId;
use ykien_report::{Period, ReportError};
use ykien_store::{NewReport, ReportFilter};

use super::{Fields, handler, kind_label, local_date, period_label, status_key, status_label};
use crate::auth::{CheckedForm, Signed};
use crate::error::WebError;
use crate::pages::cases::Choice;
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// Reports listed (newest first).
const LISTED: u32 = 200;

/// One line of the list.
pub struct Row {
    pub id: i64,
    pub symbol: Option<String>,
    pub title: String,
    pub period: String,
    pub kind: String,
    pub status: &'static str,
    pub status_label: String,
    pub unit_name: String,
    pub author: String,
    pub updated: String,
}

/// The draft form as shown (defaults, or what was typed).
pub struct DraftForm {
    pub kind: String,
    pub month: String,
    pub week: String,
    pub quarter: String,
    pub from: String,
    pub to: String,
    /// "vi" or "en": the language of the report itself.
    pub lang: String,
}

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    c: Chrome,
    csrf: String,
    rows: Vec<Row>,
    units: Vec<Choice>,
    quarters: Vec<Choice>,
    form: DraftForm,
    error: Option<String>,
    done: Option<String>,
}

/// The month a new report is most likely about: from the 20th on, the month ending (the
/// monthly briefing is prepared in its last days); before, the month just ended.
fn default_month(today: NaiveDate) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    if today.day() >= 20 {
        first
    } else {
        (first - Duration::days(1)).with_day(1).unwrap_or(first)
    }
}

/// Likewise for weeks (from Friday on, the week ending) and quarters (in its last month, the
/// quarter ending).
fn default_week(today: NaiveDate) -> NaiveDate {
    if today.weekday().num_days_from_monday() >= 4 {
        today
    } else {
        today - Duration::days(7)
    }
}

fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month0() / 3 + 1)
}

fn previous_quarter((y, q): (i32, u32)) -> (i32, u32) {
    if q == 1 { (y - 1, 4) } else { (y, q - 1) }
}

fn default_form(today: NaiveDate) -> DraftForm {
    let m = default_month(today);
    let w = default_week(today).iso_week();
    let (y, q) = if today.month().is_multiple_of(3) {
        quarter_of(today)
    } else {
        previous_quarter(quarter_of(today))
    };
    DraftForm {
        kind: "month".into(),
        month: m.format("%Y-%m").to_string(),
        week: format!("{}-W{:02}", w.year(), w.week()),
        quarter: format!("{y}-Q{q}"),
        from: today
            .with_day(1)
            .unwrap_or(today)
            .format("%Y-%m-%d")
            .to_string(),
        to: today.format("%Y-%m-%d").to_string(),
        lang: "vi".into(),
    }
}

/// The current quarter and the four before it, as officers write them ("IV/2026").
fn quarters(today: NaiveDate, chosen: &str) -> Vec<Choice> {
    let mut yq = quarter_of(today);
    let mut out = Vec::new();
    for _ in 0..5 {
        let (y, q) = yq;
        let value = format!("{y}-Q{q}");
        out.push(Choice {
            selected: value == chosen,
            label: format!("{}/{y}", ["I", "II", "III", "IV"][(q - 1) as usize]),
            value,
        });
        yq = previous_quarter(yq);
    }
    out
}

async fn page(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    form: DraftForm,
    unit: Option<&str>,
    error: Option<String>,
    done: Option<String>,
) -> Result<String, WebError> {
    let t = ui.t();
    let actor = &signed.actor;
    let reports = state
        .store
        .list_reports(
            Some(actor),
            &ReportFilter {
                limit: LISTED,
                ..ReportFilter::default()
            },
        )
        .await?;
    let rows = reports
        .iter()
        .map(|r| Row {
            id: r.id,
            symbol: r.symbol.clone(),
            title: r.title.clone(),
            period: period_label(t, r),
            kind: kind_label(t, r.kind),
            status: status_key(r.status),
            status_label: status_label(t, r.status),
            unit_name: r.unit_name.clone(),
            author: r.created_by_name.clone().unwrap_or_default(),
            updated: local_time(r.updated_at),
        })
        .collect();
    // The units a report may be drafted for: the actor's own and those directly below it.
    let chosen = unit.unwrap_or(actor.unit.as_str());
    let own = state.store.unit(actor, &actor.unit).await?;
    let children = state.store.unit_children(actor, &actor.unit).await?;
    let units = std::iter::once(own)
        .chain(children.into_iter().filter(|u| !u.is_legacy()))
        .map(|u| Choice {
            selected: u.id.as_str() == chosen,
            label: u.name,
            value: u.id.0,
        })
        .collect();
    let today = local_date(Utc::now());
    let p = ListPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        rows,
        units,
        quarters: quarters(today, &form.quarter),
        form,
        error,
        done,
    };
    Ok(p.render()?)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

/// `GET /reports`.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    if !handler(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    let done = (q.done.as_deref() == Some("deleted"))
        .then(|| ui.t().get("reports.done_deleted").to_string());
    let form = default_form(local_date(Utc::now()));
    Ok(Html(
        page(&state, &signed, &ui, form, None, None, done).await?,
    ))
}

/// The period the form names: `period` when given ("2026-11", as the CLI takes it), else the
/// field of the chosen kind.
fn period_text(f: &Fields) -> String {
    let given = f.get("period").trim();
    if !given.is_empty() {
        return given.to_string();
    }
    match f.get("kind").trim() {
        "quarter" => f.get("quarter").trim().to_string(),
        "week" => f.get("week").trim().to_string(),
        "custom" => format!("{}..{}", f.get("from").trim(), f.get("to").trim()),
        _ => f.get("month").trim().to_string(),
    }
}

/// `POST /reports`: drafts the report and opens it; a period that cannot be read shows the
/// form again with what was typed.
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let actor = &signed.actor;
    let unit = match form.get("unit").trim() {
        "" => actor.unit.0.clone(),
        u => u.to_string(),
    };
    // Scope first (a unit outside the subtree is not found, for every role), then the role.
    let unit_row = state.store.unit(actor, &UnitId(unit.clone())).await?;
    if !handler(actor) {
        return Err(WebError::Forbidden);
    }
    let refused = |msg: String| {
        let typed = DraftForm {
            kind: form.get("kind").trim().to_string(),
            month: form.get("month").trim().to_string(),
            week: form.get("week").trim().to_string(),
            quarter: form.get("quarter").trim().to_string(),
            from: form.get("from").trim().to_string(),
            to: form.get("to").trim().to_string(),
            lang: form.get("lang").trim().to_string(),
        };
        (typed, msg)
    };
    let lang = super::report_lang(form.get("lang"));
    let period = match Period::parse(&period_text(&form)) {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("{} {e}", ui.t().get("reports.error_period"));
            let (typed, msg) = refused(msg);
            let html = page(&state, &signed, &ui, typed, Some(&unit), Some(msg), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let doc = match super::draft_periodic(&state, actor, &unit_row, &period, lang).await {
        Ok(d) => d,
        Err(ReportError::Period(m)) => {
            let msg = format!("{} {m}", ui.t().get("reports.error_period"));
            let (typed, msg) = refused(msg);
            let html = page(&state, &signed, &ui, typed, Some(&unit), Some(msg), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
        Err(e) => return Err(super::report_error(e)),
    };
    let body = serde_json::to_string(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let new = NewReport {
        unit,
        kind: period.kind,
        from: period.from,
        to: period.to,
        case_id: None,
        title: doc.summary.clone(),
        body,
    };
    let r = state.store.create_report(Some(actor), &new).await?;
    Ok(Redirect::to(&format!("/reports/{}?done=created", r.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_form_offers_the_period_most_likely_wanted() {
        let f = default_form(day(2026, 11, 30));
        assert_eq!(f.month, "2026-11");
        // November is not the quarter's last month: the quarter ended is offered.
        assert_eq!(f.quarter, "2026-Q3");
        assert_eq!(default_form(day(2026, 12, 2)).quarter, "2026-Q4");
        assert_eq!(f.from, "2026-11-01");
        let f = default_form(day(2026, 1, 5));
        assert_eq!(f.month, "2025-12");
        assert_eq!(f.quarter, "2025-Q4");
        // Monday 5/1/2026 is early in ISO week 2: the week before is offered.
        assert_eq!(f.week, "2026-W01");
        // Monday 30/11/2026 is in ISO week 49: likewise.
        assert_eq!(default_form(day(2026, 11, 30)).week, "2026-W48");
        assert_eq!(default_form(day(2026, 12, 4)).week, "2026-W49");
        let q = quarters(day(2026, 2, 1), "2025-Q4");
        assert_eq!(q[0].value, "2026-Q1");
        assert_eq!(q[0].label, "I/2026");
        assert_eq!(q[1].value, "2025-Q4");
        assert!(q[1].selected);
        assert_eq!(q.len(), 5);
    }
}
