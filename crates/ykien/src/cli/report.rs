//! `ykien report`: a public-opinion report of a unit for a period (or a flash report on one
//! case), drafted from the data as the system sees it and written as DOCX, PDF or HTML in
//! the official layout:
//!
//! ```text
//! ykien report --unit 01 --period 2026-11 -o bao-cao-thang-11.docx
//! ykien report --unit 00004 --period 2026-Q4 --format pdf -o quy-iv.pdf
//! ykien report --case 12 -o bao-cao-nhanh.pdf
//! ```
//!
//! The figures are the dashboard's for the same unit and period. With `--issue` the report
//! is stored, takes the next number of the unit's register ("05/BC-MTTQ-BTT") and is
//! written in its issued form; without it the file is a numbered-later draft ("DỰ THẢO").

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use clap::Args;
use ykien_docs::{Document, Format, RenderOptions};
use ykien_report::period::{Period, local_day};
use ykien_report::{DraftRequest, Lang, ReportError};
use ykien_store::{NewReport, StoreError};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    ykien report --unit 01 --period 2026-11 -o bao-cao.docx\n  \
    ykien report --unit 00004 --period 2026-W48 --format pdf -o tuan-48.pdf\n  \
    ykien report --case 12 --lang en -o flash.html")]
pub struct ReportArgs {
    /// The unit the report covers and is issued by (its whole subtree), e.g. 01 or 00004
    #[arg(long, value_name = "CODE", required_unless_present = "case")]
    pub unit: Option<String>,
    /// The period: 2026-11 (month), 2026-W48 (ISO week), 2026-Q4 (quarter) or
    /// 2026-11-01..2026-11-15 (days, both included); Hà Nội days
    #[arg(long, value_name = "PERIOD", required_unless_present = "case")]
    pub period: Option<String>,
    /// A flash report (báo cáo nhanh) on this case instead of a periodic report
    #[arg(long, value_name = "ID", conflicts_with_all = ["unit", "period"])]
    pub case: Option<i64>,
    /// docx, pdf or html; by default from the output file's extension
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Where to write the report
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Language of the report: vi (default) or en
    #[arg(long, default_value = "vi")]
    pub lang: String,
    /// The date printed on the report (YYYY-MM-DD); today in Hà Nội by default
    #[arg(long, value_name = "DAY")]
    pub date: Option<String>,
    /// The signer's name under the signature block
    #[arg(long, value_name = "NAME", default_value = "")]
    pub signer: String,
    /// Makes figure links absolute in DOCX and PDF (e.g. https://ykien.example.vn)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Store the report and issue it: take the next number from the unit's register (for the
    /// year of --date) and write the issued report, numbered and without the draft mark
    #[arg(long)]
    pub issue: bool,
}

/// The format asked for, or the one the file's extension names.
fn format_of(explicit: Option<&str>, output: &Path) -> Result<Format, UsageError> {
    let by_ext = output
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::parse);
    match explicit {
        Some(f) => Format::parse(f).ok_or_else(|| {
            UsageError(format!("unknown format {f:?} (expected docx, pdf or html)"))
        }),
        None => by_ext.ok_or_else(|| {
            UsageError(format!(
                "cannot tell the format from {}: give --format docx, pdf or html",
                output.display()
            ))
        }),
    }
}

/// The store's "not found" is the user's mistake here: say which.
fn not_found(e: ReportError, what: String) -> anyhow::Error {
    match e {
        ReportError::Store(StoreError::NotFound) => UsageError(what).into(),
        ReportError::Period(m) => UsageError(m).into(),
        ReportError::Store(s) => s.into(),
    }
}

pub async fn run(g: &GlobalOpts, a: ReportArgs) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let format = format_of(a.format.as_deref(), &a.output)?;
    let lang = Lang::parse(&a.lang)
        .ok_or_else(|| UsageError(format!("unknown language {:?} (expected vi or en)", a.lang)))?;
    let today = match &a.date {
        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| UsageError(format!("--date {d:?} is not a day YYYY-MM-DD")))?,
        None => local_day(Utc::now()),
    };
    // Read the period before opening the database: a typo costs nothing.
    let period = match &a.period {
        Some(p) => Some(Period::parse(p).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let store = open_store(&s).await?;

    let (doc, unit, period) = match (a.case, &a.unit, period) {
        (Some(id), _, _) => {
            eprintln!("drafting the flash report on case #{id}…");
            let (doc, period) = ykien_report::draft::draft_flash_on(&store, None, id, lang, today)
                .await
                .map_err(|e| not_found(e, format!("no case #{id}")))?;
            let case = store.get_case(None, id).await?;
            (doc, case.case.unit.as_str().to_string(), period)
        }
        (None, Some(unit), Some(period)) => {
            eprintln!(
                "drafting the report of unit {unit} for {}…",
                period.label(Lang::Vi)
            );
            let mut req = DraftRequest::new(unit.trim(), period.clone(), lang, today);
            req.signer = a.signer.clone();
            let doc = ykien_report::draft(&store, None, &req)
                .await
                .map_err(|e| not_found(e, format!("unknown unit {unit:?}")))?;
            (doc, unit.trim().to_string(), period)
        }
        _ => return Err(UsageError("give --unit and --period, or --case".into()).into()),
    };

    let doc = if a.issue {
        issue(&store, doc, &unit, &period, a.case, today).await?
    } else {
        doc
    };

    eprintln!("rendering {}…", format.as_str());
    let opts = RenderOptions {
        base_url: a.base_url.clone(),
        standalone: true,
    };
    let bytes = ykien_docs::render(&doc, format, &opts)
        .map_err(|e| anyhow::anyhow!("cannot render the report as {}: {e}", format.as_str()))?;
    write_atomically(&a.output, &bytes)?;
    eprintln!("wrote {} ({} bytes)", a.output.display(), bytes.len());
    store.close().await;
    Ok(())
}

/// Stores the draft, issues it under the register's next number, and returns the issued
/// document (number, date, no draft mark).
async fn issue(
    store: &ykien_store::Store,
    doc: Document,
    unit: &str,
    period: &Period,
    case_id: Option<i64>,
    today: chrono::NaiveDate,
) -> anyhow::Result<Document> {
    let body = serde_json::to_string(&doc)?;
    let report = store
        .create_report(
            None,
            &NewReport {
                unit: unit.to_string(),
                kind: period.kind,
                from: period.from,
                to: period.to,
                case_id,
                title: doc.summary.clone(),
                body,
            },
        )
        .await
        .context("cannot store the report")?;
    // The register's year is the year printed on the report.
    let issued_at = if local_day(Utc::now()) == today {
        Utc::now()
    } else {
        ykien_report::period::local_midnight(today) + chrono::Duration::hours(9)
    };
    let symbol_of = |n: i64| format!("{n:02}/BC-MTTQ-BTT");
    let body_of = |_n: i64, symbol: &str| {
        serde_json::to_string(&ykien_report::finalize(&doc, symbol, today)).unwrap_or_default()
    };
    let issued = store
        .issue_report(None, report.id, "BC", issued_at, &symbol_of, &body_of)
        .await
        .context("cannot issue the report")?;
    let symbol = issued.symbol.clone().unwrap_or_default();
    eprintln!("issued report #{} as {symbol}", issued.id);
    serde_json::from_str(&issued.body).context("the issued report's body")
}

/// Writes next to the target and renames, so that a failed run never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.part",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("report")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_comes_from_the_flag_or_the_extension() {
        assert_eq!(
            format_of(None, Path::new("a/b.DOCX")).unwrap(),
            Format::Docx
        );
        assert_eq!(
            format_of(Some("pdf"), Path::new("x.bin")).unwrap(),
            Format::Pdf
        );
        assert!(format_of(None, Path::new("report")).is_err());
        assert!(format_of(Some("odt"), Path::new("x.odt")).is_err());
    }
}
