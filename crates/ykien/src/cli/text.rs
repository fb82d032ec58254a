//! The text commands: `segment`, `normalize`, `fold` and `analyze`. They call ykien-text
//! directly and need no database, so they work on any machine with just the binary.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use serde_json::{Value, json};
use ykien_text::analysis::{Analysis, AnalyzeOptions, Analyzer};
use ykien_text::places::UnitRef;
use ykien_text::sentiment::{Lexicon, SentimentModel, SentimentModelConfig};
use ykien_text::topics::{Taxonomy, TopicModel, TopicModelConfig};

use super::UsageError;

/// Where the text comes from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A UTF-8 text file; `-` or nothing reads standard input
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Treat each line as a document (default: the whole input is one document)
    #[arg(long)]
    pub lines: bool,
    /// Print one JSON object per document, one per line (JSON Lines)
    #[arg(long)]
    pub json: bool,
    /// How many key phrases to report per document
    #[arg(long, default_value_t = 8)]
    pub keywords: usize,
    /// Province preferred for ambiguous place names (GSO code; Hà Nội = 01; `none` for no preference)
    #[arg(long, default_value = "01")]
    pub default_province: String,
    /// Topic model trained with `ykien model train --task topic` (labels = taxonomy topic ids);
    /// without it, topics come from the taxonomy's seed terms
    #[arg(long, value_name = "MODEL")]
    pub topic_model: Option<PathBuf>,
    /// Sentiment model trained with `ykien model train --task sentiment` (labels negative,
    /// neutral, positive); without it, the built-in lexicon decides
    #[arg(long, value_name = "MODEL")]
    pub sentiment_model: Option<PathBuf>,
    /// How many officers' labels the models were trained on: the more, the more the models
    /// outweigh the seed terms and the lexicon
    #[arg(long, default_value_t = 1000)]
    pub model_labels: usize,
}

/// Reads the whole input and rejects invalid UTF-8 with its position, never guessing.
fn read_input(args: &InputArgs) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    match args.input.as_deref() {
        None => std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?,
        Some(p) if p.as_os_str() == "-" => std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?,
        Some(p) => {
            bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            bytes.len()
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        UsageError(format!(
            "the input is not valid UTF-8 (byte {at}, line {line}); convert it first, \
             e.g. `iconv -f WINDOWS-1258 -t UTF-8` (TCVN3 and VNI text already in UTF-8 is repaired automatically)"
        ))
        .into()
    })
}

/// Applies `f` to each line and writes the results, one per line.
fn per_line(args: &InputArgs, mut f: impl FnMut(&str) -> String) -> anyhow::Result<()> {
    let text = read_input(args)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in text.lines() {
        if let Err(e) = writeln!(out, "{}", f(line)) {
            return quiet_broken_pipe(e);
        }
    }
    out.flush().or_else(quiet_broken_pipe)
}

fn quiet_broken_pipe(e: std::io::Error) -> anyhow::Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    Err(e).context("cannot write to standard output")
}

pub fn segment(args: InputArgs) -> anyhow::Result<()> {
    let seg = ykien_text::segment::Segmenter::default();
    per_line(&args, |line| seg.segment_line(line))
}

pub fn normalize(args: InputArgs) -> anyhow::Result<()> {
    per_line(&args, |line| ykien_text::normalize::normalize(line).text)
}

pub fn fold(args: InputArgs) -> anyhow::Result<()> {
    per_line(&args, |line| {
        ykien_text::fold::fold(&ykien_text::normalize::normalize(line).text)
    })
}

pub fn analyze(args: AnalyzeArgs) -> anyhow::Result<()> {
    let text = read_input(&args.input)?;
    let province = match args.default_province.as_str() {
        "none" | "" => None,
        code => {
            if ykien_units::units().current(code).is_none() {
                return Err(UsageError(format!("unknown province code {code:?}")).into());
            }
            Some(code.to_string())
        }
    };
    let topic_model = match &args.topic_model {
        None => None,
        Some(p) => {
            let m = read_model(p)?;
            let t = TopicModel::from_model(
                Taxonomy::embedded().clone(),
                m,
                args.model_labels,
                TopicModelConfig::default(),
            )
            .map_err(|e| UsageError(format!("{}: {e}", p.display())))?;
            Some(Arc::new(t))
        }
    };
    let sentiment_model = match &args.sentiment_model {
        None => None,
        Some(p) => {
            let m = read_model(p)?;
            let s = SentimentModel::from_model(
                Lexicon::embedded().clone(),
                m,
                args.model_labels,
                SentimentModelConfig::default(),
            )
            .map_err(|e| UsageError(format!("{}: {e}", p.display())))?;
            Some(Arc::new(s))
        }
    };
    let analyzer = Analyzer::new(AnalyzeOptions {
        keywords: args.keywords,
        default_province: province,
        topic_model,
        sentiment_model,
        ..AnalyzeOptions::default()
    });
    let docs: Vec<&str> = if args.lines {
        text.lines().collect()
    } else {
        vec![text.as_str()]
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for doc in docs {
        let a = analyzer.analyze(doc);
        let res = if args.json {
            serde_json::to_writer(&mut out, &to_json(&a))
                .map_err(std::io::Error::other)
                .and_then(|_| writeln!(out))
        } else {
            write_human(&mut out, &a)
        };
        if let Err(e) = res {
            return quiet_broken_pipe(e);
        }
    }
    out.flush().or_else(quiet_broken_pipe)
}

/// Reads a classifier file; a file that is not one is the user's mistake.
fn read_model(path: &std::path::Path) -> anyhow::Result<ykien_text::classify::Model> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    ykien_text::classify::Model::from_bytes(&bytes)
        .map_err(|e| UsageError(format!("{}: not a usable model: {e}", path.display())).into())
}

fn unit_json(u: &UnitRef) -> Value {
    json!({ "id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "legacy": u.legacy })
}

/// The JSON object documented in the README ("`ykien analyze --json`").
pub fn to_json(a: &Analysis) -> Value {
    json!({
        "language": a.language.lang.code(),
        "language_confidence": a.language.confidence,
        "normalized": a.normalized,
        "legacy_encoding": a.legacy_encoding.map(|e| format!("{e:?}").to_lowercase()),
        "words": a.words,
        "places": a.places.iter().map(|p| json!({
            "code": p.found.unit.code,
            "id": p.found.unit.id,
            "name": p.found.unit.name,
            "kind": p.found.unit.kind,
            "legacy": p.found.unit.legacy,
            "successors": p.found.successors.iter().map(|s| json!({"code": s.code, "name": s.name})).collect::<Vec<_>>(),
            "parents": p.found.parents.iter().map(unit_json).collect::<Vec<_>>(),
            "span": [p.span.start, p.span.end],
            "text": p.found.text,
            "confidence": p.found.confidence,
        })).collect::<Vec<_>>(),
        "pii": a.pii.iter().map(|p| json!({
            "kind": format!("{:?}", p.kind).to_lowercase(),
            "span": [p.span.start, p.span.end],
        })).collect::<Vec<_>>(),
        "keywords": a.keywords.iter().map(|k| json!({
            "text": k.text,
            "score": k.score,
            "spans": k.spans.iter().map(|s| [s.start, s.end]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "topics": a.topics.iter().map(|t| json!({
            "id": t.id,
            "label": t.label,
            "score": t.score,
        })).collect::<Vec<_>>(),
        "sentiment": {
            "label": a.sentiment.label.as_str(),
            "score": a.sentiment.score,
            "evidence": a.sentiment.evidence.iter().map(|e| json!({
                "term": e.term,
                "weight": e.weight,
                "negated": e.negated,
                "span": [e.span.start, e.span.end],
            })).collect::<Vec<_>>(),
        },
        "spam": {
            "label": a.spam.label.code(),
            "score": a.spam.score,
            "injected": a.spam.injected,
            "reasons": a.spam.reasons.iter().map(|r| json!({
                "code": r.code, "vi": r.vi, "en": r.en,
            })).collect::<Vec<_>>(),
            "spans": a.spam.spans.iter().map(|s| json!({
                "kind": format!("{:?}", s.kind).to_lowercase(),
                "span": [s.range.start, s.range.end],
            })).collect::<Vec<_>>(),
        },
        "fingerprint": a.fingerprint,
    })
}

fn write_human(out: &mut impl Write, a: &Analysis) -> std::io::Result<()> {
    writeln!(
        out,
        "language:    {} ({:.2})",
        a.language.lang.code(),
        a.language.confidence
    )?;
    writeln!(out, "fingerprint: {}", a.fingerprint)?;
    writeln!(out, "words:       {}", a.words.join(" "))?;
    for p in &a.places {
        let succ: Vec<String> = p
            .found
            .successors
            .iter()
            .map(|s| format!("{} {}", s.code, s.name))
            .collect();
        let tail = if succ.is_empty() {
            String::new()
        } else {
            format!(" → {}", succ.join(", "))
        };
        let old = if p.found.unit.legacy { " (legacy)" } else { "" };
        writeln!(
            out,
            "place:       {:?} = {} {}{old}{tail}",
            p.found.text, p.found.unit.code, p.found.unit.name
        )?;
    }
    for p in &a.pii {
        writeln!(
            out,
            "pii:         {:?} at {}..{}",
            p.kind, p.span.start, p.span.end
        )?;
    }
    let kw: Vec<&str> = a.keywords.iter().map(|k| k.text.as_str()).collect();
    writeln!(out, "keywords:    {}", kw.join("; "))?;
    let topics: Vec<String> = a
        .topics
        .iter()
        .map(|t| format!("{} ({:.2})", t.label, t.score))
        .collect();
    writeln!(out, "topics:      {}", topics.join("; "))?;
    writeln!(
        out,
        "sentiment:   {} ({:+.2})",
        a.sentiment.label.as_str(),
        a.sentiment.score
    )?;
    let injected = if a.spam.injected { ", injected" } else { "" };
    writeln!(
        out,
        "spam:        {} ({:.2}{injected})",
        a.spam.label.code(),
        a.spam.score
    )?;
    for r in &a.spam.reasons {
        writeln!(out, "             {} / {}", r.vi, r.en)?;
    }
    writeln!(out)
}
