//! The reports pages of the officers' workspace (issue 7): the unit's reports with the form
//! that drafts a new one (`GET /reports`, `POST /reports`), one report with its preview, its
//! editor and its buttons (`GET /reports/{id}`, `POST /reports/{id}`, `…/issue`, `…/delete`),
//! its exports (`GET /reports/{id}/export?format=docx|pdf|html`), and the flash report on one
//! case (`POST /cases/{id}/flash-report`).
//!
//! Drafting is `ykien_report::draft`, rendering `ykien_docs`, keeping and numbering the
//! store's: this module only turns forms into calls and documents into pages. The store
//! scopes every report to the actor's subtree (outside it: 404); the pages are for the roles
//! that handle (officers, leaders, admins): others get 403 for a report they could see.
//!
//! A draft is edited as text only (see [`edit`]); the figures, tables and charts stay as the
//! data gave them, so that a report's figures can always be checked against the dashboard of
//! the same period, which the page links to.

mod edit;
mod export;
mod flash;
mod list;
mod show;

pub use export::{document_css, export};
pub use flash::flash_report;
pub use list::{create, index};
pub use show::{delete, issue, save, show};

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use ykien_core::{Actor, Permission, can};
use ykien_docs::Document;
use ykien_report::{Period, ReportError};
use ykien_store::{Report, ReportKind, ReportStatus, UnitRow};

use crate::auth::{HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::state::AppState;

/// The type code of a report in the numbering register (Decree 30/2020/NĐ-CP, Phụ lục III).
pub const TYPE_CODE: &str = "BC";

/// The largest editor form accepted: a long report's text, URL-encoded (Vietnamese letters
/// take up to nine bytes each), with room to spare.
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Hà Nội's offset from UTC: report periods are Hà Nội days.
const HANOI_SECS: i64 = 7 * 3600;

fn handler(actor: &Actor) -> bool {
    can(actor, Permission::Handle, &actor.unit_path)
}

/// A report id from the path; anything else is the same 404 as a missing report.
fn report_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)
}

/// The report, if the actor may see it (else 404) and works on reports (else 403).
async fn load(state: &AppState, signed: &Signed, raw_id: &str) -> Result<Report, WebError> {
    let r = state
        .store
        .get_report(Some(&signed.actor), report_id(raw_id)?)
        .await?;
    if !handler(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    Ok(r)
}

/// A form's fields as sent (the editor's names are made at run time).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The fields by name (the first of a repeated name).
    fn map(&self) -> HashMap<String, String> {
        let mut m = HashMap::new();
        for (k, v) in &self.0 {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        m
    }
}

impl HasCsrf for Fields {
    fn csrf(&self) -> &str {
        self.get("csrf")
    }
}

/// The language a report is written in: Vietnamese unless the form asks for English (an
/// official report is Vietnamese whatever the officer's screen says).
fn report_lang(raw: &str) -> ykien_report::draft::Lang {
    ykien_report::draft::Lang::parse(raw).unwrap_or_default()
}

/// Drafts the periodic report of `unit` for `period`.
async fn draft_periodic(
    state: &AppState,
    actor: &Actor,
    unit: &UnitRow,
    period: &Period,
    lang: ykien_report::draft::Lang,
) -> Result<Document, ReportError> {
    let today = local_date(Utc::now());
    let req =
        ykien_report::draft::DraftRequest::new(unit.id.0.clone(), period.clone(), lang, today);
    ykien_report::draft::draft(&state.store, Some(actor), &req).await
}

/// A drafting failure as an HTTP answer (a bad period is said on the form, not here).
fn report_error(e: ReportError) -> WebError {
    match e {
        ReportError::Store(e) => e.into(),
        ReportError::Period(m) => WebError::BadRequest(m),
        #[allow(unreachable_patterns)]
        e => WebError::Internal(e.to_string()),
    }
}

/// The stored document of a report.
fn document(r: &Report) -> Result<Document, WebError> {
    serde_json::from_str(&r.body)
        .map_err(|e| WebError::Internal(format!("report {} holds no document: {e}", r.id)))
}

fn local_date(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::seconds(HANOI_SECS)).date_naive()
}

/// The first and last Hà Nội day of `[from, to)`.
fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    (local_date(from), local_date(to - Duration::seconds(1)))
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn kind_label(t: &Catalog, k: ReportKind) -> String {
    t.get(&format!("reports.kind_{}", k.as_str())).to_string()
}

fn status_label(t: &Catalog, s: ReportStatus) -> String {
    t.get(match s {
        ReportStatus::Draft => "reports.status_draft",
        ReportStatus::Issued => "reports.status_issued",
    })
    .to_string()
}

fn status_key(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Draft => "draft",
        ReportStatus::Issued => "issued",
    }
}

/// The period as people say it: "tháng 11/2026", "quý IV/2026", "tuần 48/2026",
/// "01/11/2026 – 15/11/2026".
fn period_label(t: &Catalog, r: &Report) -> String {
    use chrono::Datelike;
    let (first, last) = days(r.from, r.to);
    let whole_month = first.day() == 1 && last.succ_opt().is_some_and(|d| d.day() == 1);
    match r.kind {
        ReportKind::Month if whole_month && first.month() == last.month() => t
            .get("reports.period_month")
            .replace("{m}", &first.month().to_string())
            .replace("{y}", &first.year().to_string()),
        ReportKind::Quarter => {
            let q = ["I", "II", "III", "IV"][((first.month0()) / 3) as usize];
            t.get("reports.period_quarter")
                .replace("{q}", q)
                .replace("{y}", &first.year().to_string())
        }
        ReportKind::Week => {
            let w = first.iso_week();
            t.get("reports.period_week")
                .replace("{w}", &w.week().to_string())
                .replace("{y}", &w.year().to_string())
        }
        _ if first == last => dmy(first),
        _ => format!("{} – {}", dmy(first), dmy(last)),
    }
}

/// The dashboard of the report's unit for exactly the report's days.
fn dashboard_href(r: &Report) -> String {
    let (first, last) = days(r.from, r.to);
    format!(
        "/dashboard/{}?from={}&to={}",
        r.unit,
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    )
}

/// The symbol after the number: the one the draft prints ("Số:      /BC-MTTQ-BTT", which
/// drafting chooses per unit and the officer may change in the editor), so that the issued
/// report says what the draft said; for a document without one, [`unit_symbol_code`].
fn symbol_code(doc: &Document, u: &UnitRow) -> String {
    match edit::symbol_of(&doc.header.number) {
        "" => unit_symbol_code(u),
        s => s.to_string(),
    }
}

/// "BC-MTTQ-BTT" for the city's Standing Committee, and for a unit below it the initials of
/// its name ("BC-MTTQ-BĐ" for Phường Ba Đình).
fn unit_symbol_code(u: &UnitRow) -> String {
    if u.level == "province" || u.parent.is_none() {
        return format!("{TYPE_CODE}-MTTQ-BTT");
    }
    let name = if u.short.trim().is_empty() {
        u.name.strip_prefix(u.kind.as_str()).unwrap_or(&u.name)
    } else {
        u.short.as_str()
    };
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() {
        format!("{TYPE_CODE}-MTTQ")
    } else {
        format!("{TYPE_CODE}-MTTQ-{initials}")
    }
}

/// "05/BC-MTTQ-BTT": numbers below 10 are written with a leading zero.
fn symbol(number: i64, code: &str) -> String {
    format!("{number:02}/{code}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::TimeZone;
    use ykien_core::UnitId;

    fn unit(level: &str, name: &str, short: &str, parent: Option<&str>) -> UnitRow {
        UnitRow {
            id: UnitId("x".into()),
            code: "x".into(),
            name: name.into(),
            short: short.into(),
            kind: name.split(' ').next().unwrap_or("").into(),
            level: level.into(),
            generation: "current".into(),
            parent: parent.map(|p| UnitId(p.into())),
            path: "/x/".into(),
            valid_from: None,
            valid_to: None,
            lat: None,
            lon: None,
            area_km2: None,
        }
    }

    #[test]
    fn symbols_name_the_issuing_unit() {
        let city = unit("province", "Thành phố Hà Nội", "Hà Nội", None);
        assert_eq!(unit_symbol_code(&city), "BC-MTTQ-BTT");
        assert_eq!(symbol(5, &unit_symbol_code(&city)), "05/BC-MTTQ-BTT");
        assert_eq!(symbol(12, "BC-MTTQ-BTT"), "12/BC-MTTQ-BTT");
        let ward = unit("commune", "Phường Ba Đình", "Ba Đình", Some("01"));
        assert_eq!(unit_symbol_code(&ward), "BC-MTTQ-BĐ");
        let ward = unit("commune", "Phường Ô Chợ Dừa", "", Some("01"));
        assert_eq!(unit_symbol_code(&ward), "BC-MTTQ-ÔCD");
        // The draft's own symbol wins.
        let mut doc: Document = serde_json::from_value(serde_json::json!({
            "header": {"superior_body": "", "issuing_body": "", "national_title": "",
                "motto": "", "number": "Số:      /BC-MTTQ-BTT", "place_date": "", "draft_mark": ""},
            "kind_title": "", "summary": "", "preamble": [], "sections": [],
            "recipients": {"label": "", "entries": []},
            "signature": {"authority": "", "title": "", "name": ""}, "footnote": ""
        }))
        .unwrap();
        assert_eq!(symbol_code(&doc, &ward), "BC-MTTQ-BTT");
        doc.header.number = "Số:".into();
        assert_eq!(symbol_code(&doc, &ward), "BC-MTTQ-ÔCD");
    }

    fn report(kind: ReportKind, from: (i32, u32, u32), to: (i32, u32, u32)) -> Report {
        let at = |(y, m, d): (i32, u32, u32)| {
            Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap() - Duration::hours(7)
        };
        Report {
            id: 1,
            unit: UnitId("00004".into()),
            unit_name: "Phường Ba Đình".into(),
            kind,
            from: at(from),
            to: at(to),
            case_id: None,
            title: String::new(),
            body: String::new(),
            status: ReportStatus::Draft,
            number: None,
            symbol: None,
            issued_at: None,
            issued_by: None,
            created_by: None,
            created_by_name: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn periods_are_said_and_linked_in_hanoi_days() {
        let t = Lang::Vi.catalog();
        let m = report(ReportKind::Month, (2026, 11, 1), (2026, 12, 1));
        assert_eq!(
            dashboard_href(&m),
            "/dashboard/00004?from=2026-11-01&to=2026-11-30"
        );
        assert!(
            period_label(t, &m).contains("11/2026"),
            "{}",
            period_label(t, &m)
        );
        let q = report(ReportKind::Quarter, (2026, 10, 1), (2027, 1, 1));
        assert!(period_label(t, &q).contains("IV/2026"));
        let w = report(ReportKind::Week, (2026, 11, 23), (2026, 11, 30));
        assert!(period_label(t, &w).contains("48"));
        let c = report(ReportKind::Custom, (2026, 11, 1), (2026, 11, 16));
        assert_eq!(period_label(t, &c), "01/11/2026 – 15/11/2026");
    }

    #[test]
    fn every_kind_and_status_is_said_in_both_languages() {
        for lang in Lang::ALL {
            let t = lang.catalog();
            for k in ReportKind::ALL {
                let key = format!("reports.kind_{}", k.as_str());
                assert_ne!(t.get(&key), key);
            }
            for s in [ReportStatus::Draft, ReportStatus::Issued] {
                assert!(!status_label(t, s).starts_with("reports."));
            }
        }
    }
}
