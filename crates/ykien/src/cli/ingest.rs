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
//! its line number and reason, and skipped; every other row is imported. The file formats
//! are read by `ykien_listen::import`, which the web UI's imports use too. Importing the
//! same file twice adds nothing: a row is recognised by its id, or else by its content, in
//! its source. Afterwards the analysis queue is run until it is empty, so the items are
//! analyzed and searchable when the command returns.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use ykien_listen::import::{self, Defaults, read_rows, row_reason, to_item};
use ykien_store::{Channel, Store, StoreError};

/// Times in files and on the command line are read the same way (`ykien search --since`).
pub use ykien_listen::import::parse_time;

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

impl From<Format> for import::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Jsonl => import::Format::Jsonl,
            Format::Csv => import::Format::Csv,
            Format::Xlsx => import::Format::Xlsx,
        }
    }
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

fn format_of(path: &Path, given: Option<Format>) -> anyhow::Result<Format> {
    if let Some(f) = given {
        return Ok(f);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match import::Format::parse(ext).filter(|_| !ext.eq_ignore_ascii_case("json")) {
        Some(import::Format::Jsonl) => Ok(Format::Jsonl),
        Some(import::Format::Csv) => Ok(Format::Csv),
        Some(import::Format::Xlsx) => Ok(Format::Xlsx),
        None => Err(UsageError(format!(
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
    let rows = read_rows(&bytes, format.into());
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
            Err(problem) => {
                sum.errors.push(RowError {
                    line,
                    reason: problem.to_string(),
                });
                continue;
            }
        };
        let unit = item.unit.clone();
        match ykien_listen::submit(&store, None, item).await {
            Ok(r) if r.created => sum.added += 1,
            Ok(_) => sum.duplicates += 1,
            Err(ykien_listen::ListenError::Store(e)) if e.is_user_error() => {
                sum.errors.push(RowError {
                    line,
                    reason: row_reason(&e, &unit),
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
    // The officers' retrained models, when there are any, as `serve` would use them.
    let cfg = ykien_listen::WorkerConfig {
        name: format!("ingest-{}", std::process::id()),
        ..ykien_listen::learn::worker_config_with_active_models(store).await
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
    fn the_format_comes_from_the_flag_or_the_extension() {
        assert_eq!(format_of(Path::new("a.CSV"), None).unwrap(), Format::Csv);
        assert_eq!(
            format_of(Path::new("a.ndjson"), None).unwrap(),
            Format::Jsonl
        );
        assert_eq!(format_of(Path::new("a.ods"), None).unwrap(), Format::Xlsx);
        assert_eq!(
            format_of(Path::new("a.txt"), Some(Format::Jsonl)).unwrap(),
            Format::Jsonl
        );
        assert!(format_of(Path::new("a.json"), None).is_err());
        assert!(format_of(Path::new("noext"), None).is_err());
    }
}
