//! Why a row (or a whole import) was refused, as a stable code plus an optional technical
//! detail. The code lets the web page say it in the reader's language (catalogue keys
//! `imports.reasons.<code>` and `imports.failures.<code>`); the English rendering
//! ([`std::fmt::Display`]) is what the CLI prints and the logs and the API's `reason` carry.

use std::fmt;

use ykien_store::{ImportFailure, ImportRowError, MAX_TEXT_BYTES, StoreError};

/// The kinds of problem a row can have; each has a catalogue key `imports.reasons.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowCode {
    /// No `text` / `content` / `message`.
    NoText,
    /// No `unit` and no default unit (CLI without `--unit`).
    NoUnit,
    /// Longer than the store accepts.
    TextTooLong,
    /// `occurred_at` / `time` / `date` unreadable.
    BadTime,
    BadChannel,
    BadHeard,
    BadConfidentiality,
    BadUtf8,
    BadJson,
    /// A JSONL line that is valid JSON but not an object.
    NotObject,
    /// The CSV header row cannot be read (the whole file is refused).
    BadHeader,
    /// A CSV record with more or fewer fields than the header.
    WrongFieldCount,
    BadCsv,
    /// Not a spreadsheet the reader knows.
    UnreadableSheet,
    /// The first sheet cannot be read.
    BadSheet,
    NoSheet,
    /// The unit does not exist or lies outside the importer's subtree (not told apart).
    UnknownUnit,
    /// The importer's role may not file there.
    NotAllowed,
    /// Any other refusal by the store (its English message is the detail).
    InvalidField,
}

impl RowCode {
    pub const ALL: [RowCode; 19] = [
        RowCode::NoText,
        RowCode::NoUnit,
        RowCode::TextTooLong,
        RowCode::BadTime,
        RowCode::BadChannel,
        RowCode::BadHeard,
        RowCode::BadConfidentiality,
        RowCode::BadUtf8,
        RowCode::BadJson,
        RowCode::NotObject,
        RowCode::BadHeader,
        RowCode::WrongFieldCount,
        RowCode::BadCsv,
        RowCode::UnreadableSheet,
        RowCode::BadSheet,
        RowCode::NoSheet,
        RowCode::UnknownUnit,
        RowCode::NotAllowed,
        RowCode::InvalidField,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowCode::NoText => "no_text",
            RowCode::NoUnit => "no_unit",
            RowCode::TextTooLong => "text_too_long",
            RowCode::BadTime => "bad_time",
            RowCode::BadChannel => "bad_channel",
            RowCode::BadHeard => "bad_heard",
            RowCode::BadConfidentiality => "bad_confidentiality",
            RowCode::BadUtf8 => "bad_utf8",
            RowCode::BadJson => "bad_json",
            RowCode::NotObject => "not_object",
            RowCode::BadHeader => "bad_header",
            RowCode::WrongFieldCount => "wrong_field_count",
            RowCode::BadCsv => "bad_csv",
            RowCode::UnreadableSheet => "unreadable_sheet",
            RowCode::BadSheet => "bad_sheet",
            RowCode::NoSheet => "no_sheet",
            RowCode::UnknownUnit => "unknown_unit",
            RowCode::NotAllowed => "not_allowed",
            RowCode::InvalidField => "invalid_field",
        }
    }
}

/// One refused row: what kind of problem, and the technical detail if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub code: RowCode,
    pub detail: Option<String>,
}

impl RowProblem {
    pub fn new(code: RowCode) -> RowProblem {
        RowProblem { code, detail: None }
    }

    pub fn with(code: RowCode, detail: impl fmt::Display) -> RowProblem {
        RowProblem {
            code,
            detail: Some(detail.to_string()),
        }
    }

    /// Why the store refused a row's item. "Not found" means the unit does not exist or lies
    /// outside the importer's subtree; the two are deliberately not told apart.
    pub fn from_store(e: &StoreError, unit: &str) -> RowProblem {
        match e {
            StoreError::NotFound => RowProblem::with(RowCode::UnknownUnit, unit),
            StoreError::Forbidden { .. } => RowProblem::with(RowCode::NotAllowed, e),
            other => RowProblem::with(RowCode::InvalidField, other),
        }
    }

    /// The record kept on the import (English reason, code and detail).
    pub fn into_row_error(self, row: u64) -> ImportRowError {
        ImportRowError {
            row,
            reason: self.to_string(),
            code: Some(self.code.as_str().to_string()),
            detail: self.detail,
        }
    }

    /// Too long for the store (checked here so the row gets its own code).
    pub(crate) fn check_length(text: &str) -> Result<(), RowProblem> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(RowProblem::with(
                RowCode::TextTooLong,
                format!("{} bytes; at most {MAX_TEXT_BYTES}", text.len()),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.detail.as_deref().unwrap_or("");
        match self.code {
            RowCode::NoText => f.write_str("the row has no text (column text, content or message)"),
            RowCode::NoUnit => {
                f.write_str("the row names no unit (column unit), and no --unit was given")
            }
            RowCode::TextTooLong => write!(f, "the text is too long ({d})"),
            RowCode::BadTime => write!(
                f,
                "cannot read the time {d:?} (expected RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD)"
            ),
            RowCode::BadChannel => write!(
                f,
                "unknown channel {d:?} (expected one of: form, citizen, api, import, feed, \
                 email, other)"
            ),
            RowCode::BadHeard => write!(
                f,
                "unknown value {d:?} for heard (expected in_person or online)"
            ),
            RowCode::BadConfidentiality => write!(
                f,
                "unknown confidentiality {d:?} (expected normal or restricted)"
            ),
            RowCode::BadUtf8 => match &self.detail {
                Some(d) => write!(f, "not valid UTF-8 ({d})"),
                None => f.write_str("not valid UTF-8"),
            },
            RowCode::BadJson => write!(f, "malformed JSON: {d}"),
            RowCode::NotObject => f.write_str("the line is not a JSON object"),
            RowCode::BadHeader => write!(f, "cannot read the header row: {d}"),
            RowCode::WrongFieldCount | RowCode::BadCsv => write!(f, "malformed CSV: {d}"),
            RowCode::UnreadableSheet => write!(f, "not a readable spreadsheet: {d}"),
            RowCode::BadSheet => write!(f, "cannot read the first sheet: {d}"),
            RowCode::NoSheet => f.write_str("the workbook has no sheet"),
            RowCode::UnknownUnit => write!(f, "unknown unit {d:?} (or outside your unit)"),
            RowCode::NotAllowed | RowCode::InvalidField => f.write_str(d),
        }
    }
}

/// Why a whole import failed; each has a catalogue key `imports.failures.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    /// The account that started the import is disabled or deleted.
    AccountGone,
    UnknownFormat,
    /// The uploaded file is missing or unreadable in the data directory.
    UnreadableFile,
}

impl FailureCode {
    pub const ALL: [FailureCode; 3] = [
        FailureCode::AccountGone,
        FailureCode::UnknownFormat,
        FailureCode::UnreadableFile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::AccountGone => "account_gone",
            FailureCode::UnknownFormat => "unknown_format",
            FailureCode::UnreadableFile => "unreadable_file",
        }
    }

    fn english(self) -> &'static str {
        match self {
            FailureCode::AccountGone => "the account that started the import is disabled or gone",
            FailureCode::UnknownFormat => "unknown file format",
            FailureCode::UnreadableFile => {
                "the uploaded file cannot be read from the data directory"
            }
        }
    }

    /// The record the store keeps: code, English reason (with the detail), detail.
    pub fn failure(self, detail: Option<String>) -> ImportFailure {
        ImportFailure {
            code: self.as_str().to_string(),
            reason: match &detail {
                Some(d) => format!("{}: {d}", self.english()),
                None => self.english().to_string(),
            },
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_rendered_in_english() {
        let mut codes: Vec<_> = RowCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RowCode::ALL.len());
        assert_eq!(
            RowProblem::with(RowCode::UnknownUnit, "00070").to_string(),
            "unknown unit \"00070\" (or outside your unit)"
        );
        let e = RowProblem::with(RowCode::BadJson, "EOF at line 1").into_row_error(4);
        assert_eq!(
            (e.row, e.code.as_deref(), e.reason.as_str()),
            (4, Some("bad_json"), "malformed JSON: EOF at line 1")
        );
        let f = FailureCode::UnreadableFile.failure(Some("gone".into()));
        assert_eq!(f.code, "unreadable_file");
        assert!(f.reason.ends_with(": gone"));
    }
}
