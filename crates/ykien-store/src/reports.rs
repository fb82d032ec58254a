//! Reports (báo cáo): drafts built from the data, edited by officers, then issued under a
//! number taken from the issuing unit's numbering register (sổ đăng ký văn bản), which
//! restarts at 1 on 1 January for each type code (Decree 30/2020/NĐ-CP).
//!
//! The store keeps the draft's body as opaque JSON text (the ykien-docs `Document`): it
//! never parses it, so the document model can evolve without migrations. An issued report
//! is frozen: its body no longer changes, and its number is never reused.
//!
//! Who may: drafting, editing and issuing need `Handle` on the report's unit (officers,
//! leaders, admins); reading needs `Read`. Outside the actor's subtree: not found.
//!
//! CONTRACT (written before the implementation; the store helper fills the bodies and may
//! add fields, but keeps these names and meanings, which the web and CLI code against).

use chrono::{DateTime, Utc};
use serde::Serialize;
use ykien_core::{Actor, UnitId};

use crate::{Store, StoreError};

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Week,
    Month,
    Quarter,
    /// Any range of days.
    Custom,
    /// A flash report (báo cáo nhanh) on one case.
    Flash,
}

impl ReportKind {
    pub const ALL: [ReportKind; 5] = [
        ReportKind::Week,
        ReportKind::Month,
        ReportKind::Quarter,
        ReportKind::Custom,
        ReportKind::Flash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Week => "week",
            ReportKind::Month => "month",
            ReportKind::Quarter => "quarter",
            ReportKind::Custom => "custom",
            ReportKind::Flash => "flash",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Issued,
}

/// Input for [`Store::create_report`].
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The unit the report is about and issued by (its subtree's data).
    pub unit: String,
    pub kind: ReportKind,
    /// The period, `[from, to)`. For a flash report: the case's span, or the day it is made.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The case a flash report is about (must be visible to the actor).
    pub case_id: Option<i64>,
    /// The summary line, for lists ("Tình hình dư luận xã hội tháng 11/2026").
    pub title: String,
    /// The document as JSON text (ykien-docs `Document`), opaque to the store.
    pub body: String,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub kind: ReportKind,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub case_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub status: ReportStatus,
    /// From the register once issued: 5 in "Số: 05/BC-MTTQ-BTT".
    pub number: Option<i64>,
    /// The whole number and symbol as printed once issued: "05/BC-MTTQ-BTT".
    pub symbol: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
    pub issued_by: Option<i64>,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What [`Store::list_reports`] lists; newest first.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Narrow to reports of this unit's subtree (within the actor's).
    pub unit: Option<String>,
    pub status: Option<ReportStatus>,
    pub kind: Option<ReportKind>,
    /// At most this many (0: a default of 100).
    pub limit: u32,
}

/// One line of the numbering register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterEntry {
    pub unit: UnitId,
    pub year: i32,
    /// "BC" (báo cáo).
    pub type_code: String,
    pub number: i64,
    /// "05/BC-MTTQ-BTT".
    pub symbol: String,
    pub report_id: Option<i64>,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<i64>,
}

impl Store {
    /// Saves a new draft. Needs `Handle` on the unit; audited.
    pub async fn create_report(
        &self,
        _actor: Option<&Actor>,
        _new: &NewReport,
    ) -> Result<Report, StoreError> {
        todo!("store helper")
    }

    /// One report, if the actor may read its unit.
    pub async fn get_report(&self, _actor: Option<&Actor>, _id: i64) -> Result<Report, StoreError> {
        todo!("store helper")
    }

    /// Reports of the actor's subtree (or the filter's unit within it), newest first.
    pub async fn list_reports(
        &self,
        _actor: Option<&Actor>,
        _filter: &ReportFilter,
    ) -> Result<Vec<Report>, StoreError> {
        todo!("store helper")
    }

    /// Replaces a draft's title and body. `Conflict` when it is issued, or when
    /// `expected_updated_at` is given and the draft changed since (two officers editing).
    /// Audited.
    pub async fn update_report(
        &self,
        _actor: Option<&Actor>,
        _id: i64,
        _title: &str,
        _body: &str,
        _expected_updated_at: Option<DateTime<Utc>>,
    ) -> Result<Report, StoreError> {
        todo!("store helper")
    }

    /// Issues a draft: takes the next number of the unit's register for `type_code` and the
    /// year of `issued_at` (in Hà Nội time), in the same transaction as the report's change,
    /// and stores `body` (the document with its number and date filled in) as final.
    /// `symbol_of(number)` builds the printed "05/BC-MTTQ-BTT". `Conflict` when already
    /// issued. Audited.
    pub async fn issue_report(
        &self,
        _actor: Option<&Actor>,
        _id: i64,
        _type_code: &str,
        _issued_at: DateTime<Utc>,
        _symbol_of: &(dyn Fn(i64) -> String + Sync),
        _body_of: &(dyn Fn(i64, &str) -> String + Sync),
    ) -> Result<Report, StoreError> {
        todo!("store helper")
    }

    /// Deletes a draft (never an issued report: `Conflict`). Audited.
    pub async fn delete_report(&self, _actor: Option<&Actor>, _id: i64) -> Result<(), StoreError> {
        todo!("store helper")
    }

    /// The numbering register of one unit for one year, in number order.
    pub async fn register(
        &self,
        _actor: Option<&Actor>,
        _unit: &str,
        _year: i32,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        todo!("store helper")
    }
}
