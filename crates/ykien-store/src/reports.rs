//! Reports (báo cáo): drafts built from the data, edited by officers, then issued under a
//! number taken from the issuing unit's numbering register (sổ đăng ký văn bản), which
//! restarts at 1 on 1 January for each type code (Decree 30/2020/NĐ-CP).
//!
//! The store keeps the draft's body as opaque JSON text (the ykien-docs `Document`): it
//! never parses it, so the document model can evolve without migrations. An issued report
//! is frozen: its body no longer changes, and its number is never reused.
//!
//! Who may: drafting, editing and issuing need `Handle` on the report's unit (officers,
//! leaders, admins); reading needs `Read` and a need-to-know role (the same three: a report
//! quotes restricted items), others in scope are refused. Outside the actor's subtree: not found.
//!
//! CONTRACT (written before the implementation; the store helper fills the bodies and may
//! add fields, but keeps these names and meanings, which the web and CLI code against).

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use serde_json::json;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{now, ts};
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

/// The longest title kept.
const MAX_TITLE: usize = 500;
/// The largest document body accepted (JSON text).
pub const MAX_REPORT_BYTES: usize = 4 * 1024 * 1024;
/// Hà Nội's offset from UTC: the register's year is the year in Hà Nội.
const HANOI_OFFSET_SECS: i64 = 7 * 3600;

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        match s {
            "draft" => Some(ReportStatus::Draft),
            "issued" => Some(ReportStatus::Issued),
            _ => None,
        }
    }
}

/// The year of the register an issue at `at` is numbered in: the calendar year in Hà Nội
/// (a report issued at 23:30 UTC on 31 December is already numbered in the new year).
pub fn register_year(at: DateTime<Utc>) -> i32 {
    (at + chrono::Duration::seconds(HANOI_OFFSET_SECS)).year()
}

macro_rules! report_select {
    () => {
        "SELECT r.id, r.unit_id, un.name AS unit_name, un.path AS unit_path, r.kind, r.from_at, \
         r.to_at, r.case_id, r.title, r.body, r.status, r.number, r.symbol, r.issued_at, \
         r.issued_by, r.created_by, cu.name AS created_by_name, r.created_at, r.updated_at \
         FROM reports r JOIN units un ON un.id = r.unit_id \
         LEFT JOIN users cu ON cu.id = r.created_by"
    };
}

#[derive(sqlx::FromRow)]
struct ReportDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    kind: String,
    from_at: i64,
    to_at: i64,
    case_id: Option<i64>,
    title: String,
    body: String,
    status: String,
    number: Option<i64>,
    symbol: Option<String>,
    issued_at: Option<i64>,
    issued_by: Option<i64>,
    created_by: Option<i64>,
    created_by_name: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl ReportDb {
    fn into_report(self) -> Result<Report, StoreError> {
        let kind = ReportKind::parse(&self.kind).ok_or_else(|| {
            StoreError::Database(format!("report {} has kind {}", self.id, self.kind))
        })?;
        let status = ReportStatus::parse(&self.status).ok_or_else(|| {
            StoreError::Database(format!("report {} has status {}", self.id, self.status))
        })?;
        Ok(Report {
            id: self.id,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            kind,
            from: ts(self.from_at),
            to: ts(self.to_at),
            case_id: self.case_id,
            title: self.title,
            body: self.body,
            status,
            number: self.number,
            symbol: self.symbol,
            issued_at: self.issued_at.map(ts),
            issued_by: self.issued_by,
            created_by: self.created_by,
            created_by_name: self.created_by_name,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
        })
    }
}

#[derive(sqlx::FromRow)]
struct RegisterDb {
    unit_id: String,
    year: i32,
    type_code: String,
    number: i64,
    symbol: String,
    report_id: Option<i64>,
    issued_at: i64,
    issued_by: Option<i64>,
}

fn clean_title(title: &str) -> Result<String, StoreError> {
    let t = title.trim();
    if t.is_empty() || t.chars().count() > MAX_TITLE {
        return Err(StoreError::invalid(format!(
            "a report title must have 1 to {MAX_TITLE} characters"
        )));
    }
    Ok(t.to_string())
}

fn check_body(body: &str) -> Result<(), StoreError> {
    if body.len() > MAX_REPORT_BYTES {
        return Err(StoreError::invalid(format!(
            "the report is larger than {} MiB",
            MAX_REPORT_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// "BC", "TB"…: 1 to 10 ASCII letters or digits, upper-cased.
fn clean_type_code(code: &str) -> Result<String, StoreError> {
    let c = code.trim().to_ascii_uppercase();
    if c.is_empty() || c.len() > 10 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        return Err(StoreError::invalid(format!(
            "{code:?} is not a document type code such as BC"
        )));
    }
    Ok(c)
}

/// Drafting and issuing: handlers of the unit's subtree. Outside it: not found.
fn may_write(actor: Option<&Actor>, unit_path: &str) -> Result<(), StoreError> {
    match actor {
        Some(a) if !a.scope().contains(unit_path) => Err(StoreError::NotFound),
        Some(a) if !can(a, Permission::Handle, unit_path) => {
            Err(StoreError::forbidden("drafting and issuing reports"))
        }
        _ => Ok(()),
    }
}

/// Reading: the need-to-know roles of the unit's subtree (admins, leaders, officers). A
/// report quotes items, restricted ones too, that collaborators, editors and viewers may not
/// open in the item list, so they are refused (forbidden); outside the subtree: not found.
fn may_read(actor: Option<&Actor>, unit_path: &str) -> Result<(), StoreError> {
    match actor {
        Some(a) if !can(a, Permission::Read, unit_path) => Err(StoreError::NotFound),
        Some(a) if !can(a, Permission::Handle, unit_path) => {
            Err(StoreError::forbidden("reading reports"))
        }
        _ => Ok(()),
    }
}

impl Store {
    async fn report_raw(&self, id: i64) -> Result<Option<ReportDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(report_select!(), " WHERE r.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Saves a new draft. Needs `Handle` on the unit; audited.
    pub async fn create_report(
        &self,
        actor: Option<&Actor>,
        new: &NewReport,
    ) -> Result<Report, StoreError> {
        let unit_id = new.unit.trim();
        let unit = match (self.unit_raw(unit_id).await?, actor) {
            (None, None) => return Err(StoreError::invalid(format!("unknown unit {unit_id:?}"))),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(u), _) => u,
        };
        may_write(actor, &unit.path)?;
        if unit.generation == "legacy" {
            return Err(StoreError::invalid(format!(
                "unit {unit_id:?} was abolished on 1 July 2025; report under a current unit"
            )));
        }
        let title = clean_title(&new.title)?;
        check_body(&new.body)?;
        if new.to <= new.from {
            return Err(StoreError::invalid(
                "a report's period must end after it starts",
            ));
        }
        match (new.kind, new.case_id) {
            (ReportKind::Flash, None) => {
                return Err(StoreError::invalid("a flash report is about one case"));
            }
            (ReportKind::Flash, Some(case)) => {
                // The case must be one the actor can see; its absence and its being out of
                // reach answer alike.
                self.get_case(actor, case).await.map_err(|e| match e {
                    StoreError::Forbidden { .. } => StoreError::NotFound,
                    other => other,
                })?;
            }
            (_, Some(_)) => {
                return Err(StoreError::invalid("only a flash report is about one case"));
            }
            (_, None) => {}
        }
        let by = actor.map(|a| a.user_id);
        let at = now();
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reports (unit_id, kind, from_at, to_at, case_id, title, body, \
                 status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $9) RETURNING id",
            )
            .bind(&unit.id)
            .bind(new.kind.as_str())
            .bind(new.from.timestamp())
            .bind(new.to.timestamp())
            .bind(new.case_id)
            .bind(&title)
            .bind(&new.body)
            .bind(by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                by,
                "report.create",
                "report",
                id.to_string(),
                Some(unit.path.clone()),
                json!({ "kind": new.kind.as_str(), "title": title, "case_id": new.case_id,
                        "from": new.from.timestamp(), "to": new.to.timestamp() })
            )?;
            tx.commit().await?;
            id
        });
        self.report_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_report()
    }

    /// One report, if the actor may read its unit.
    pub async fn get_report(&self, actor: Option<&Actor>, id: i64) -> Result<Report, StoreError> {
        let r = self.report_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_read(actor, &r.unit_path)?;
        r.into_report()
    }

    /// Reports of the actor's subtree (or the filter's unit within it), newest first.
    pub async fn list_reports(
        &self,
        actor: Option<&Actor>,
        filter: &ReportFilter,
    ) -> Result<Vec<Report>, StoreError> {
        let root = match &filter.unit {
            Some(u) => {
                let u = u.trim();
                let unit = self.unit_raw(u).await?.ok_or(StoreError::NotFound)?;
                if actor.is_some_and(|a| !a.scope().contains(&unit.path)) {
                    return Err(StoreError::NotFound);
                }
                unit.path
            }
            None => match actor {
                Some(a) => a.unit_path.clone(),
                None => "/".to_string(),
            },
        };
        may_read(actor, &root)?;
        let (lo, hi) = if root == "/" {
            ("/".to_string(), "0".to_string())
        } else {
            ykien_core::Scope::at(&root).range()
        };
        let limit = i64::from(if filter.limit == 0 {
            100
        } else {
            filter.limit.min(10_000)
        });
        let status = filter.status.map(ReportStatus::as_str);
        let kind = filter.kind.map(ReportKind::as_str);
        let rows: Vec<ReportDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                report_select!(),
                " WHERE un.path >= $1 AND un.path < $2 \
                 AND ($3 IS NULL OR r.status = $3) AND ($4 IS NULL OR r.kind = $4) \
                 ORDER BY r.created_at DESC, r.id DESC LIMIT $5"
            ))
            .bind(&lo)
            .bind(&hi)
            .bind(status)
            .bind(kind)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(ReportDb::into_report).collect()
    }

    /// Replaces a draft's title and body. `Conflict` when it is issued, or when
    /// `expected_updated_at` is given and the draft changed since (two officers editing).
    /// Audited.
    ///
    /// `updated_at` strictly increases with every change (by a second when two changes fall
    /// in the same second), so comparing it at the second's precision never misses one.
    pub async fn update_report(
        &self,
        actor: Option<&Actor>,
        id: i64,
        title: &str,
        body: &str,
        expected_updated_at: Option<DateTime<Utc>>,
    ) -> Result<Report, StoreError> {
        let r = self.report_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_write(actor, &r.unit_path)?;
        let title = clean_title(title)?;
        check_body(body)?;
        let by = actor.map(|a| a.user_id);
        let expected = expected_updated_at.map(|t| t.timestamp());
        let at = now();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE reports SET title = $1, body = $2, \
                 updated_at = CASE WHEN $3 > updated_at THEN $3 ELSE updated_at + 1 END \
                 WHERE id = $4 AND status = 'draft' AND ($5 IS NULL OR updated_at = $5)",
            )
            .bind(&title)
            .bind(body)
            .bind(at)
            .bind(id)
            .bind(expected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                let status: Option<String> =
                    sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                tx.rollback().await?;
                return Err(match status.as_deref() {
                    None => StoreError::NotFound,
                    Some("issued") => {
                        StoreError::conflict("the report is issued and can no longer change")
                    }
                    Some(_) => StoreError::conflict(
                        "the draft was changed by someone else since it was opened; reload it",
                    ),
                });
            }
            audit!(
                tx,
                by,
                "report.update",
                "report",
                id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "title": title, "bytes": body.len() })
            )?;
            tx.commit().await?;
        });
        self.report_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_report()
    }

    /// Issues a draft: takes the next number of the unit's register for `type_code` and the
    /// year of `issued_at` (in Hà Nội time), in the same transaction as the report's change,
    /// and stores `body` (the document with its number and date filled in) as final.
    /// `symbol_of(number)` builds the printed "05/BC-MTTQ-BTT". `Conflict` when already
    /// issued. Audited.
    ///
    /// `body_of(number, symbol)` gives the final body. The number comes from a counter row
    /// per (unit, year, type code) bumped by one upsert, which locks the row on PostgreSQL (a
    /// concurrent issue waits and takes the next number) and runs under the write lock on
    /// SQLite; the register's primary key refuses a duplicate number whatever happens.
    pub async fn issue_report(
        &self,
        actor: Option<&Actor>,
        id: i64,
        type_code: &str,
        issued_at: DateTime<Utc>,
        symbol_of: &(dyn Fn(i64) -> String + Sync),
        body_of: &(dyn Fn(i64, &str) -> String + Sync),
    ) -> Result<Report, StoreError> {
        let r = self.report_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_write(actor, &r.unit_path)?;
        let code = clean_type_code(type_code)?;
        let year = register_year(issued_at);
        let by = actor.map(|a| a.user_id);
        let at = now();
        let when = issued_at.timestamp();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // Claim the draft first: of two concurrent issues of one report, one finds it no
            // longer a draft (the row lock makes the second wait for the first's commit).
            let claimed = sqlx::query(
                "UPDATE reports SET status = 'issued', updated_at = \
                 CASE WHEN $1 > updated_at THEN $1 ELSE updated_at + 1 END \
                 WHERE id = $2 AND status = 'draft'",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                tx.rollback().await?;
                return Err(StoreError::conflict("the report is already issued"));
            }
            let number: i64 = sqlx::query_scalar(
                "INSERT INTO report_counters (unit_id, year, type_code, last) \
                 VALUES ($1, $2, $3, 1) ON CONFLICT (unit_id, year, type_code) \
                 DO UPDATE SET last = report_counters.last + 1 RETURNING last",
            )
            .bind(&r.unit_id)
            .bind(year)
            .bind(&code)
            .fetch_one(&mut *tx)
            .await?;
            let symbol = symbol_of(number);
            let body = body_of(number, &symbol);
            if let Err(e) = check_body(&body) {
                tx.rollback().await?;
                return Err(e);
            }
            sqlx::query(
                "INSERT INTO report_numbers (unit_id, year, type_code, number, symbol, \
                 report_id, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&r.unit_id)
            .bind(year)
            .bind(&code)
            .bind(number)
            .bind(&symbol)
            .bind(id)
            .bind(when)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE reports SET body = $1, type_code = $2, number = $3, symbol = $4, \
                 issued_at = $5, issued_by = $6 WHERE id = $7",
            )
            .bind(&body)
            .bind(&code)
            .bind(number)
            .bind(&symbol)
            .bind(when)
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                by,
                "report.issue",
                "report",
                id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "year": year, "type_code": code, "number": number, "symbol": symbol })
            )?;
            tx.commit().await?;
        });
        self.report_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_report()
    }

    /// Deletes a draft (never an issued report: `Conflict`). Audited.
    pub async fn delete_report(&self, actor: Option<&Actor>, id: i64) -> Result<(), StoreError> {
        let r = self.report_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_write(actor, &r.unit_path)?;
        let by = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let gone = sqlx::query("DELETE FROM reports WHERE id = $1 AND status = 'draft'")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if gone == 0 {
                tx.rollback().await?;
                return Err(StoreError::conflict(
                    "an issued report is kept for good and cannot be deleted",
                ));
            }
            audit!(
                tx,
                by,
                "report.delete",
                "report",
                id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "title": r.title, "kind": r.kind })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The numbering register of one unit for one year, in number order (type code, then
    /// number). Needs the same access as reading the unit's reports.
    pub async fn register(
        &self,
        actor: Option<&Actor>,
        unit: &str,
        year: i32,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        let u = self
            .unit_raw(unit.trim())
            .await?
            .ok_or(StoreError::NotFound)?;
        may_read(actor, &u.path)?;
        let rows: Vec<RegisterDb> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT unit_id, year, type_code, number, symbol, report_id, issued_at, issued_by \
                 FROM report_numbers WHERE unit_id = $1 AND year = $2 \
                 ORDER BY type_code, number",
            )
            .bind(&u.id)
            .bind(year)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| RegisterEntry {
                unit: UnitId(r.unit_id),
                year: r.year,
                type_code: r.type_code,
                number: r.number,
                symbol: r.symbol,
                report_id: r.report_id,
                issued_at: ts(r.issued_at),
                issued_by: r.issued_by,
            })
            .collect())
    }
}
