//! Report periods (drafting helper: implement).
//!
//! CONTRACT: `Period::parse` reads "2026-11" (month), "2026-W48" (ISO week), "2026-Q4"
//! (quarter), "2026-11-01..2026-11-15" (custom, both days included); days are Hà Nội days
//! (UTC+7), so `from`/`to` are the UTC instants of local midnights, `[from, to)`.
use chrono::{DateTime, Utc};
use ykien_store::ReportKind;

use crate::ReportError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: ReportKind,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn parse(_s: &str) -> Result<Period, ReportError> {
        todo!("drafting helper")
    }
}
