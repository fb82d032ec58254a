//! `ykien ingest FILE --format jsonl|csv|xlsx [--unit CODE] [--source NAME]`: bulk import of
//! items (fanpage or Zalo comment exports, spreadsheets of reports), then their analysis.
//!
//! Each row is one item. Columns / keys (all but the text optional): `text` (or `content`,
//! `message`), `id` (or `external_id`), `unit`, `source`, `channel`, `title`, `occurred_at`
//! (or `time`, `date`: RFC 3339, "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD", read as Hanoi
//! time when no offset is given), `author` (or `author_contact`), `topic_hint`, `locality`,
//! `population`, `intensity`, `trend`, `heard` (in_person | online), `quotes`,
//! `proposed_handling`, `confidentiality` (normal | restricted). A row's own `unit` and
//! `source` win over `--unit` and `--source`; the source defaults to the file name.
//!
//! A bad row (malformed JSON or CSV, invalid UTF-8, no text, unknown unit…) is reported with
//! its line number and reason, and skipped; every other row is imported. Importing the
//! same file twice adds nothing: a row is recognised by its id, or else by its content, in
//! its source. Afterwards the analysis queue is run until it is empty, so the items are
//! analyzed and searchable when the command returns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use ykien_store::{Channel, Confidentiality, Heard, NewItem, OpinionReport, Store, StoreError};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line
    Jsonl,
    /// Comma-separated values with a header row
    Csv,
    /// A spreadsheet (XLSX, XLS, ODS): the first sheet, with a header row
    Xlsx,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The file to import
    pub file: PathBuf,
    /// The file's format (default: from its extension)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Unit of rows that name none, e.g. 00004 (Phường Ba Đình)
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// Source of rows that name none (default: the file name)
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Channel of rows that name none: form, citizen, api, import, feed, email, other
    #[arg(long, default_value = "import")]
    pub channel: String,
    /// Only store the items; leave the analysis to `ykien serve`'s worker
    #[arg(long)]
    pub no_analyze: bool,
    /// Print the summary and the row errors as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

/// A row that was not imported.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// Line in the file (1-based; for CSV the line where the record starts).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    file: String,
    rows: u64,
    added: u64,
    duplicates: u64,
    errors: Vec<RowError>,
    analyzed: u64,
    analysis_failed: u64,
    analysis_retrying: u64,
}

type Row = HashMap<String, String>;

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

struct Defaults {
    unit: Option<String>,
    source: String,
    channel: Channel,
}

fn to_item(row: &Row, d: &Defaults) -> Result<NewItem, String> {
    let text = ["text", "content", "message", "noi_dung"]
        .iter()
        .filter_map(|k| row.get(*k))
        .find(|v| !v.trim().is_empty())
        .cloned()
        .ok_or("the row has no text (column text, content or message)")?;
    let unit = field(row, &["unit", "unit_id", "unit_code"])
        .or_else(|| d.unit.clone())
        .ok_or("the row names no unit (column unit), and no --unit was given")?;
    let channel = match field(row, &["channel"]) {
        Some(c) => Channel::parse(&c).map_err(|e| e.to_string())?,
        None => d.channel,
    };
    let occurred_at = field(row, &["occurred_at", "time", "date", "created_at"])
        .map(|t| parse_time(&t))
        .transpose()?;
    let heard = field(row, &["heard"])
        .map(|h| Heard::parse(&h).map_err(|e| e.to_string()))
        .transpose()?;
    let confidentiality = match field(row, &["confidentiality"]) {
        Some(c) => Confidentiality::parse(&c).map_err(|e| e.to_string())?,
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

/// Parses the file into (line, row or reason), keeping going after bad rows.
fn read_rows(bytes: &[u8], format: Format) -> Vec<(u64, Result<Row, String>)> {
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
                    Err(e) => Err(format!("not valid UTF-8 ({e})")),
                    Ok(s) => match serde_json::from_str::<serde_json::Value>(s) {
                        Err(e) => Err(format!("malformed JSON: {e}")),
                        Ok(serde_json::Value::Object(m)) => Ok(m
                            .iter()
                            .filter_map(|(k, v)| cell(v).map(|c| (k.to_lowercase(), c)))
                            .collect()),
                        Ok(_) => Err("the line is not a JSON object".to_string()),
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
                    out.push((1, Err(format!("cannot read the header row: {e}"))));
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
                            } => format!(
                                "malformed CSV: {len} fields where the header has {expected_len}"
                            ),
                            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
                            _ => format!("malformed CSV: {e}"),
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
fn read_sheet(bytes: &[u8], out: &mut Vec<(u64, Result<Row, String>)>) {
    use calamine::Reader;
    let mut wb = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            out.push((1, Err(format!("not a readable spreadsheet: {e}"))));
            return;
        }
    };
    let range = match wb.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            out.push((1, Err(format!("cannot read the first sheet: {e}"))));
            return;
        }
        None => {
            out.push((1, Err("the workbook has no sheet".to_string())));
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

fn format_of(path: &Path, given: Option<Format>) -> anyhow::Result<Format> {
    if let Some(f) = given {
        return Ok(f);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" => Ok(Format::Jsonl),
        "csv" => Ok(Format::Csv),
        "xlsx" | "xlsm" | "xls" | "ods" => Ok(Format::Xlsx),
        _ => Err(UsageError(format!(
            "cannot tell the format of {} from its extension; give --format jsonl, csv or xlsx",
            path.display()
        ))
        .into()),
    }
}

fn bar(len: u64, msg: &'static str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:10} [{bar:30}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(msg);
    pb
}

pub async fn run(g: &GlobalOpts, a: IngestArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let format = format_of(&a.file, a.format)?;
    let channel = Channel::parse(&a.channel).map_err(|e| UsageError(e.to_string()))?;
    let bytes = std::fs::read(&a.file)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", a.file.display())))?;
    let source = a.source.clone().unwrap_or_else(|| {
        a.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into())
    });
    let store = open_store(&s).await?;
    if let Some(u) = &a.unit
        && matches!(
            store.list_units(Some(u), false).await,
            Err(StoreError::NotFound)
        )
    {
        return Err(UsageError(format!("unknown unit {u:?} (see `ykien units list`)")).into());
    }
    let defaults = Defaults {
        unit: a.unit.clone(),
        source,
        channel,
    };
    let rows = read_rows(&bytes, format);
    let mut sum = Summary {
        file: a.file.display().to_string(),
        rows: rows.len() as u64,
        ..Summary::default()
    };
    let pb = bar(rows.len() as u64, "importing");
    for (line, row) in rows {
        pb.inc(1);
        let item = match row.and_then(|r| to_item(&r, &defaults)) {
            Ok(i) => i,
            Err(reason) => {
                sum.errors.push(RowError { line, reason });
                continue;
            }
        };
        match ykien_listen::submit(&store, None, item).await {
            Ok(r) if r.created => sum.added += 1,
            Ok(_) => sum.duplicates += 1,
            Err(ykien_listen::ListenError::Store(e)) if e.is_user_error() => {
                sum.errors.push(RowError {
                    line,
                    reason: e.to_string(),
                });
            }
            Err(e) => {
                pb.abandon();
                return Err(anyhow::Error::new(e).context(format!(
                    "import stopped at line {line}; the rows before it are stored"
                )));
            }
        }
    }
    pb.finish_and_clear();
    if !a.no_analyze {
        analyze_queue(&store, &mut sum).await?;
    }
    report(&sum, a.json)?;
    store.close().await;
    Ok(())
}

/// Runs the analysis queue until it is empty, with a progress bar.
async fn analyze_queue(store: &Store, sum: &mut Summary) -> anyhow::Result<()> {
    let q = store.queue_stats().await?;
    if q.queued == 0 {
        return Ok(());
    }
    let pb = bar(q.queued as u64, "analyzing");
    let cfg = ykien_listen::WorkerConfig {
        name: format!("ingest-{}", std::process::id()),
        ..ykien_listen::WorkerConfig::default()
    };
    let r = ykien_listen::drain(store, &cfg, |r| {
        pb.set_position(r.analyzed + r.failed);
    })
    .await
    .context(
        "the analysis stopped; the imported items are stored and will be analyzed by `ykien serve`",
    )?;
    pb.finish_and_clear();
    sum.analyzed = r.analyzed;
    sum.analysis_failed = r.failed;
    sum.analysis_retrying = store.queue_stats().await?.queued as u64;
    Ok(())
}

fn report(sum: &Summary, json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(sum)?);
        return Ok(());
    }
    for e in &sum.errors {
        eprintln!("{}:{}: {}", sum.file, e.line, e.reason);
    }
    eprintln!(
        "{} rows: {} added, {} already there, {} with errors; {} analyzed{}{}",
        sum.rows,
        sum.added,
        sum.duplicates,
        sum.errors.len(),
        sum.analyzed,
        if sum.analysis_failed > 0 {
            format!(", {} failed analysis", sum.analysis_failed)
        } else {
            String::new()
        },
        if sum.analysis_retrying > 0 {
            format!(
                ", {} waiting for a retry (run `ykien serve`)",
                sum.analysis_retrying
            )
        } else {
            String::new()
        }
    );
    Ok(())
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
        let csv = "text,unit\n\"một, hai\",00004\nba\n\"bốn\nnăm\",00004\n";
        let rows = read_rows(csv.as_bytes(), Format::Csv);
        let lines: Vec<(u64, bool)> = rows.iter().map(|(n, r)| (*n, r.is_ok())).collect();
        assert_eq!(lines, vec![(2, true), (3, false), (4, true)]);
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
        assert!(bad[0].1.as_ref().unwrap_err().contains("spreadsheet"));
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
