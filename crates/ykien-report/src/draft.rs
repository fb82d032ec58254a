//! Drafting (drafting helper: implement).
//!
//! CONTRACT:
//! - `draft(store, actor, &DraftRequest) -> Result<Document, ReportError>`: the periodic
//!   report of a unit for a period, figures from `Store::dashboard` for that period.
//! - `draft_flash(store, actor, case_id, lang) -> Result<(Document, Period), ReportError>`.
//! - `finalize(&Document, symbol, issued_on) -> Document`: the number and date filled in,
//!   the draft mark removed (used when a report is issued).
