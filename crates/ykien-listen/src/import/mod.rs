//! Reading bulk-import files (JSONL, CSV, spreadsheets) into items, shared by `ykien ingest`
//! and the web import runner ([`runner`]).
//!
//! Each row is one item. Columns / keys (all but the text optional): `text` (or `content`,
//! `message`), `id` (or `external_id`), `unit`, `source`, `channel`, `title`, `occurred_at`
//! (or `time`, `date`: RFC 3339, "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD", read as Hanoi
//! time when no offset is given), `author` (or `author_contact`), `topic_hint`, `locality`,
//! `population`, `intensity`, `trend`, `heard` (in_person | online), `quotes`,
//! `proposed_handling`, `confidentiality` (normal | restricted). A row's own `unit` and
//! `source` win over the defaults.
//!
//! A bad row (malformed JSON or CSV, invalid UTF-8, no text…) comes out as its line number
//! and a [`RowProblem`] (a code and a detail, printed in English), and reading goes on with
//! the next row.

mod problem;
pub mod runner;

pub use problem::{FailureCode, RowCode, RowProblem};
pub use runner::{ImportConfig, row_reason, run_importer, run_one};

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ykien_store::{Channel, Confidentiality, Heard, NewItem, OpinionReport};

/// The formats an import file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A spreadsheet (XLSX, XLS, ODS): the first sheet, with a header row.
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// "jsonl", "csv" or "xlsx" (and their usual file extensions).
    pub fn parse(s: &str) -> Option<Format> {
        match s
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The format a file name's extension suggests.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let (_, ext) = name.rsplit_once('.')?;
        Format::parse(ext)
    }
}

/// One row: lower-cased column names (or JSON keys) to cell text.
pub type Row = HashMap<String, String>;

/// The first non-empty value among a key and its aliases.
fn field(row: &Row, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|k| row.get(*k))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

fn hanoi() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// RFC 3339, or a local Hanoi date-time / date.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f)
            && let Some(d) = hanoi().from_local_datetime(&n).single()
        {
            return Ok(d.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%d", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f)
            && let Some(d) = d
                .and_hms_opt(0, 0, 0)
                .and_then(|n| hanoi().from_local_datetime(&n).single())
        {
            return Ok(d.with_timezone(&Utc));
        }
    }
    Err(format!(
        "cannot read the time {t:?} (expected RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD)"
    ))
}

/// What rows that name no unit, source or channel get.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub unit: Option<String>,
    pub source: String,
    pub channel: Channel,
}

/// The item a row describes, or why it describes none.
pub fn to_item(row: &Row, d: &Defaults) -> Result<NewItem, RowProblem> {
    let text = ["text", "content", "message", "noi_dung"]
        .iter()
        .filter_map(|k| row.get(*k))
        .find(|v| !v.trim().is_empty())
        .cloned()
        .ok_or(RowProblem::new(RowCode::NoText))?;
    RowProblem::check_length(&text)?;
    let unit = field(row, &["unit", "unit_id", "unit_code"])
        .or_else(|| d.unit.clone())
        .ok_or(RowProblem::new(RowCode::NoUnit))?;
    let channel = match field(row, &["channel"]) {
        Some(c) => Channel::parse(&c).map_err(|_| RowProblem::with(RowCode::BadChannel, c))?,
        None => d.channel,
    };
    let occurred_at = field(row, &["occurred_at", "time", "date", "created_at"])
        .map(|t| parse_time(&t).map_err(|_| RowProblem::with(RowCode::BadTime, t.trim())))
        .transpose()?;
    let heard = field(row, &["heard"])
        .map(|h| Heard::parse(&h).map_err(|_| RowProblem::with(RowCode::BadHeard, h)))
        .transpose()?;
    let confidentiality = match field(row, &["confidentiality"]) {
        Some(c) => Confidentiality::parse(&c)
            .map_err(|_| RowProblem::with(RowCode::BadConfidentiality, c))?,
        None => Confidentiality::Normal,
    };
    Ok(NewItem {
        unit,
        source: field(row, &["source"]).unwrap_or_else(|| d.source.clone()),
        channel,
        external_id: field(row, &["id", "external_id"]),
        author_user_id: None,
        author_contact: field(row, &["author", "author_contact"]),
        occurred_at,
        text,
        title: field(row, &["title"]),
        report: OpinionReport {
            topic_hint: field(row, &["topic_hint", "topic"]),
            locality: field(row, &["locality"]),
            population: field(row, &["population"]),
            intensity: field(row, &["intensity"]),
            trend: field(row, &["trend"]),
            heard,
            quotes: field(row, &["quotes"]),
            proposed_handling: field(row, &["proposed_handling"]),
        },
        confidentiality,
        dedup_text: String::new(),
    })
}

/// A JSON value as a cell: strings as they are, numbers and booleans printed, null empty.
fn cell(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses a file into (line, row or problem), keeping going after bad rows.
pub fn read_rows(bytes: &[u8], format: Format) -> Vec<(u64, Result<Row, RowProblem>)> {
    let mut out = Vec::new();
    match format {
        Format::Jsonl => {
            for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
                let n = i as u64 + 1;
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line = if n == 1 {
                    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
                } else {
                    line
                };
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let r = match std::str::from_utf8(line) {
                    Err(e) => Err(RowProblem::with(RowCode::BadUtf8, e)),
                    Ok(s) => match serde_json::from_str::<serde_json::Value>(s) {
                        Err(e) => Err(RowProblem::with(RowCode::BadJson, e)),
                        Ok(serde_json::Value::Object(m)) => Ok(m
                            .iter()
                            .filter_map(|(k, v)| cell(v).map(|c| (k.to_lowercase(), c)))
                            .collect()),
                        Ok(_) => Err(RowProblem::new(RowCode::NotObject)),
                    },
                };
                out.push((n, r));
            }
        }
        Format::Xlsx => read_sheet(bytes, &mut out),
        Format::Csv => {
            let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
            let headers: Vec<String> = match rdr.headers() {
                Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
                Err(e) => {
                    out.push((1, Err(RowProblem::with(RowCode::BadHeader, e))));
                    return out;
                }
            };
            let mut rec = csv::StringRecord::new();
            loop {
                match rdr.read_record(&mut rec) {
                    Ok(false) => break,
                    Ok(true) => {
                        let n = rec.position().map_or(0, |p| p.line());
                        let row = headers
                            .iter()
                            .cloned()
                            .zip(rec.iter().map(str::to_string))
                            .collect();
                        out.push((n, Ok(row)));
                    }
                    Err(e) => {
                        let n = e.position().map_or(0, |p| p.line());
                        let reason = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => RowProblem::with(
                                RowCode::WrongFieldCount,
                                format!("{len} fields where the header has {expected_len}"),
                            ),
                            csv::ErrorKind::Utf8 { .. } => RowProblem::new(RowCode::BadUtf8),
                            _ => RowProblem::with(RowCode::BadCsv, &e),
                        };
                        out.push((n, Err(reason)));
                        if !matches!(
                            e.kind(),
                            csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                        ) {
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

/// A spreadsheet cell as text: whole numbers without ".0" (ids, phone numbers), dates as
/// "YYYY-MM-DD HH:MM:SS" (read as Hanoi time), error cells empty.
fn sheet_cell(c: &calamine::Data) -> String {
    use calamine::{Data, DataType};
    match c {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) => c
            .as_datetime()
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The first sheet of a workbook; line numbers are the spreadsheet's row numbers.
fn read_sheet(bytes: &[u8], out: &mut Vec<(u64, Result<Row, RowProblem>)>) {
    use calamine::Reader;
    let mut wb = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            out.push((1, Err(RowProblem::with(RowCode::UnreadableSheet, e))));
            return;
        }
    };
    let range = match wb.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            out.push((1, Err(RowProblem::with(RowCode::BadSheet, e))));
            return;
        }
        None => {
            out.push((1, Err(RowProblem::new(RowCode::NoSheet))));
            return;
        }
    };
    let first = u64::from(range.start().map_or(0, |s| s.0));
    let mut rows = range.rows();
    let Some(head) = rows.next() else { return };
    let headers: Vec<String> = head
        .iter()
        .map(|c| sheet_cell(c).trim().to_lowercase())
        .collect();
    for (i, r) in rows.enumerate() {
        if r.iter().all(|c| matches!(c, calamine::Data::Empty)) {
            continue;
        }
        let row: Row = headers
            .iter()
            .cloned()
            .zip(r.iter().map(sheet_cell))
            .collect();
        out.push((first + i as u64 + 2, Ok(row)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_reported_and_the_rest_kept() {
        let jsonl = b"{\"text\": \"a\"}\n{broken\n\n[1]\n{\"text\": \"b\", \"id\": 7}\n\xff\n";
        let rows = read_rows(jsonl, Format::Jsonl);
        let lines: Vec<(u64, bool)> = rows.iter().map(|(n, r)| (*n, r.is_ok())).collect();
        assert_eq!(
            lines,
            vec![(1, true), (2, false), (4, false), (5, true), (6, false)]
        );
        assert_eq!(rows[3].1.as_ref().unwrap()["id"], "7");
        let codes: Vec<_> = rows
            .iter()
            .filter_map(|(_, r)| r.as_ref().err().map(|p| p.code))
            .collect();
        assert_eq!(
            codes,
            vec![RowCode::BadJson, RowCode::NotObject, RowCode::BadUtf8]
        );
        let csv = "text,unit\n\"một, hai\",00004\nba\n\"bốn\nnăm\",00004\n";
        let rows = read_rows(csv.as_bytes(), Format::Csv);
        let lines: Vec<(u64, bool)> = rows.iter().map(|(n, r)| (*n, r.is_ok())).collect();
        assert_eq!(lines, vec![(2, true), (3, false), (4, true)]);
        assert_eq!(
            rows[1].1.as_ref().unwrap_err().code,
            RowCode::WrongFieldCount
        );
        assert_eq!(rows[2].1.as_ref().unwrap()["text"], "bốn\nnăm");
    }

    #[test]
    fn spreadsheets_keep_row_numbers_ids_and_dates() {
        let rows = read_rows(
            include_bytes!("../../tests/fixtures/items.xlsx"),
            Format::Xlsx,
        );
        let lines: Vec<u64> = rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        let first = rows[0].1.as_ref().unwrap();
        assert_eq!(first["id"], "101");
        assert_eq!(first["date"], "2025-07-01 00:00:00");
        assert_eq!(first["text"], "Cầu Thụy Phương ùn tắc giờ cao điểm");
        let d = Defaults {
            unit: None,
            source: "s".into(),
            channel: Channel::Import,
        };
        assert!(to_item(rows[1].1.as_ref().unwrap(), &d).is_err());
        assert!(to_item(rows[2].1.as_ref().unwrap(), &d).is_err(), "no unit");
        let bad = read_rows(b"PK\x03\x04 not really a zip", Format::Xlsx);
        assert_eq!(bad.len(), 1);
        let problem = bad[0].1.as_ref().unwrap_err();
        assert_eq!(problem.code, RowCode::UnreadableSheet);
        assert!(problem.to_string().contains("spreadsheet"));
    }

    #[test]
    fn times_read_as_hanoi_unless_an_offset_is_given() {
        let a = parse_time("2025-07-01").unwrap();
        assert_eq!(a.to_rfc3339(), "2025-06-30T17:00:00+00:00");
        let b = parse_time("2025-07-01T08:00:00Z").unwrap();
        assert_eq!(b.to_rfc3339(), "2025-07-01T08:00:00+00:00");
        assert!(parse_time("yesterday").is_err());
    }
}
