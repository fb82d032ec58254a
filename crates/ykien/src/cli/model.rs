//! `ykien model`: train, evaluate and try the text classifiers (topic, sentiment, spam) on
//! JSONL files, one `{"text": …, "label": …}` object per line (no database); and, on the
//! database, retrain the topic and sentiment models from officers' labels (`retrain`), list
//! and activate stored versions, and export the labels (`labels`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use ykien_listen::learn::{ModelKind, Outcome, RetrainOptions};
use ykien_text::classify::{
    Classifier, Example, Loss, Model, Progress, TrainConfig, train_with_progress,
};

use crate::cli::UsageError;
use crate::cli::config::GlobalOpts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Task {
    /// News or petition topics: long texts; words and word pairs
    Topic,
    /// Sentiment of comments: short texts; adds character n-grams and unaccented spellings
    Sentiment,
    /// Spam: like sentiment
    Spam,
}

impl Task {
    fn name(self) -> &'static str {
        match self {
            Task::Topic => "topic",
            Task::Sentiment => "sentiment",
            Task::Spam => "spam",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LossArg {
    /// Linear SVM (multi-class hinge), probabilities by a fitted temperature
    Hinge,
    /// Multinomial logistic regression
    Logistic,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Train a classifier from labelled texts and write the model file
    Train {
        /// What the labels are; picks the default features
        #[arg(long, value_enum)]
        task: Task,
        /// JSONL, one {"text": "...", "label": "..."} object per line
        #[arg(long, value_name = "FILE.jsonl")]
        data: PathBuf,
        /// Where to write the model
        #[arg(short, long, value_name = "MODEL")]
        output: PathBuf,
        /// Seed of the shuffling; the same data, options and seed give the same file
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Passes over the data (default: the task's)
        #[arg(long)]
        epochs: Option<u32>,
        /// Training objective (default: the task's)
        #[arg(long, value_enum)]
        loss: Option<LossArg>,
        /// log2 of the number of hash buckets, 12..=24 (default: the task's)
        #[arg(long)]
        bits: Option<u8>,
        /// Character n-grams inside words, "MIN-MAX" (e.g. "2-4") or "none"
        #[arg(long, value_name = "MIN-MAX")]
        chars: Option<String>,
        /// Also match words without their diacritics
        #[arg(long)]
        folded: bool,
        /// Group syllables into words with the word segmenter first (slower; no gain
        /// measured on news topics)
        #[arg(long)]
        segment: bool,
        /// Learning rate (default: the task's)
        #[arg(long)]
        learning_rate: Option<f32>,
        /// L2 penalty (default: the task's)
        #[arg(long)]
        l2: Option<f32>,
        /// Fraction held out to choose the best epoch and calibrate probabilities (default 0:
        /// train on everything; SVM probabilities are then overconfident)
        #[arg(long)]
        holdout: Option<f32>,
        /// Calibrate SVM probabilities on this fraction held out in an extra training run
        /// (e.g. 0.1; about twice the training time)
        #[arg(long)]
        calibrate: Option<f32>,
        /// Drop weights below this fraction of the largest, for smaller files (default:
        /// the task's)
        #[arg(long)]
        min_weight: Option<f32>,
    },
    /// Measure a model on labelled texts: accuracy, macro-F1, per-label scores, confusion
    Eval {
        #[arg(long, value_name = "MODEL")]
        model: PathBuf,
        /// JSONL, one {"text": "...", "label": "..."} object per line
        #[arg(long, value_name = "FILE.jsonl")]
        data: PathBuf,
        /// Print one JSON object instead of tables
        #[arg(long)]
        json: bool,
    },
    /// Retrain the topic and sentiment models from officers' labels in the database; measure
    /// old and new on held-out labels; activate the new one unless it is worse
    Retrain {
        /// Only this model
        #[arg(long, value_enum)]
        only: Option<StoredKind>,
        /// Activate even when the new model is worse or cannot be measured
        #[arg(long)]
        force: bool,
        /// Percentage of labelled items held out for measuring (fixed by item id)
        #[arg(long, default_value_t = 20)]
        holdout: u64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// List the models stored in the database, newest first
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Make a stored version the active one (e.g. roll back); workers load it within 30 s
    Activate {
        #[arg(value_enum)]
        model: StoredKind,
        /// The stored version (see `ykien model list`)
        #[arg(value_name = "VERSION")]
        number: i64,
    },
    /// Export officers' labels as JSONL (one label a line), oldest first
    Labels {
        /// Only labels with an id above this
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// At most this many
        #[arg(long, default_value_t = 100_000)]
        limit: u32,
    },
    /// Label one text and show which words decided it
    Predict {
        #[arg(long, value_name = "MODEL")]
        model: PathBuf,
        /// The text
        text: String,
        /// How many features for and against to show
        #[arg(long, default_value_t = 8)]
        top: usize,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

/// A model kept in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoredKind {
    Topic,
    Sentiment,
}

impl StoredKind {
    fn kind(self) -> ModelKind {
        match self {
            StoredKind::Topic => ModelKind::Topic,
            StoredKind::Sentiment => ModelKind::Sentiment,
        }
    }
}

pub fn run(g: &GlobalOpts, cmd: ModelCommand) -> anyhow::Result<()> {
    match cmd {
        ModelCommand::Retrain {
            only,
            force,
            holdout,
            json,
        } => {
            if holdout > 90 {
                return Err(
                    UsageError(format!("--holdout {holdout}: at most 90 (percent)")).into(),
                );
            }
            let opts = RetrainOptions {
                holdout_percent: holdout,
                force,
                only: only.map(|k| vec![k.kind()]).unwrap_or_default(),
                ..RetrainOptions::default()
            };
            crate::cli::runtime()?.block_on(retrain_cmd(g, opts, json))
        }
        ModelCommand::List { json } => crate::cli::runtime()?.block_on(list_cmd(g, json)),
        ModelCommand::Activate { model, number } => {
            crate::cli::runtime()?.block_on(activate_cmd(g, model.kind(), number))
        }
        ModelCommand::Labels { after, limit } => {
            crate::cli::runtime()?.block_on(labels_cmd(g, after, limit))
        }
        ModelCommand::Train {
            task,
            data,
            output,
            seed,
            epochs,
            loss,
            bits,
            chars,
            folded,
            segment,
            learning_rate,
            l2,
            holdout,
            calibrate,
            min_weight,
        } => {
            let mut cfg = TrainConfig::for_task(task.name());
            cfg.seed = seed;
            if let Some(h) = holdout {
                cfg.holdout = h;
            }
            if let Some(c) = calibrate {
                cfg.calibrate = c;
            }
            if let Some(m) = min_weight {
                cfg.min_weight = m;
            }
            if let Some(e) = epochs {
                cfg.epochs = e;
            }
            if let Some(l) = loss {
                cfg.loss = match l {
                    LossArg::Hinge => Loss::Hinge,
                    LossArg::Logistic => Loss::Logistic,
                };
            }
            if let Some(b) = bits {
                cfg.features.bits = b;
            }
            if let Some(c) = chars {
                cfg.features.char_ngrams = parse_chars(&c)?;
            }
            if folded {
                cfg.features.folded = true;
            }
            if segment {
                cfg.features.segment = true;
            }
            if let Some(lr) = learning_rate {
                cfg.learning_rate = lr;
            }
            if let Some(l2) = l2 {
                cfg.l2 = l2;
            }
            train_cmd(&data, &output, &cfg)
        }
        ModelCommand::Eval { model, data, json } => eval_cmd(&model, &data, json),
        ModelCommand::Predict {
            model,
            text,
            top,
            json,
        } => predict_cmd(&model, &text, top, json),
    }
}

async fn retrain_cmd(g: &GlobalOpts, opts: RetrainOptions, json: bool) -> anyhow::Result<()> {
    let s = crate::cli::settings(g)?;
    crate::cli::logging::init(&s, "warn");
    let store = crate::cli::open_store(&s).await?;
    let reports = ykien_listen::learn::retrain(&store, &opts).await?;
    store.close().await;
    if json {
        outln!("{}", serde_json::to_string_pretty(&reports)?);
        return Ok(());
    }
    let f1 = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
    for r in &reports {
        outln!(
            "{}: {} labels ({} trained on, {} held out); macro-F1 before {} after {}; {}{}",
            r.model.name(),
            r.labels,
            r.trained_on,
            r.held_out,
            f1(r.before_macro_f1),
            f1(r.after_macro_f1),
            match r.outcome {
                Outcome::Activated => "ACTIVATED",
                Outcome::Kept => "NOT ACTIVATED",
                Outcome::Skipped => "skipped",
            },
            r.version
                .map_or(String::new(), |v| format!(" (version {v})")),
        );
        outln!("  {} ({:.1} s)", r.reason, r.seconds);
    }
    Ok(())
}

async fn list_cmd(g: &GlobalOpts, json: bool) -> anyhow::Result<()> {
    let s = crate::cli::settings(g)?;
    crate::cli::logging::init(&s, "warn");
    let store = crate::cli::open_store(&s).await?;
    let models = store.list_models().await?;
    store.close().await;
    if json {
        outln!("{}", serde_json::to_string_pretty(&models)?);
        return Ok(());
    }
    if models.is_empty() {
        outln!(
            "no models stored: the shipped seeds and lexicon are in use (`ykien model retrain`)"
        );
    }
    for m in &models {
        outln!(
            "{:<10} v{:<4} {} {:>8} bytes  {:>5} labels  before {}  after {}  {}",
            m.name,
            m.version,
            m.trained_at.format("%Y-%m-%d %H:%M"),
            m.size,
            m.label_count,
            m.metrics["before_macro_f1"],
            m.metrics["after_macro_f1"],
            if m.active { "ACTIVE" } else { "" }
        );
    }
    Ok(())
}

async fn activate_cmd(g: &GlobalOpts, kind: ModelKind, version: i64) -> anyhow::Result<()> {
    let s = crate::cli::settings(g)?;
    crate::cli::logging::init(&s, "warn");
    let store = crate::cli::open_store(&s).await?;
    store
        .activate_model(kind.name(), version)
        .await
        .with_context(|| format!("cannot activate {} version {version}", kind.name()))?;
    store.close().await;
    eprintln!(
        "{} version {version} is active; workers load it within {} s",
        kind.name(),
        ykien_listen::learn::MODEL_CHECK_EVERY.as_secs()
    );
    Ok(())
}

async fn labels_cmd(g: &GlobalOpts, after: i64, limit: u32) -> anyhow::Result<()> {
    let s = crate::cli::settings(g)?;
    crate::cli::logging::init(&s, "warn");
    let store = crate::cli::open_store(&s).await?;
    let labels = store.labels_after(None, after, limit).await?;
    store.close().await;
    for l in &labels {
        outln!("{}", serde_json::to_string(l)?);
    }
    eprintln!("{} labels", labels.len());
    Ok(())
}

fn parse_chars(s: &str) -> anyhow::Result<Option<(u8, u8)>> {
    if s == "none" {
        return Ok(None);
    }
    let parsed = s
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?)));
    match parsed {
        Some((a, b)) if a >= 1 && a <= b && b <= 8 => Ok(Some((a, b))),
        _ => Err(UsageError(format!(
            "--chars wants MIN-MAX with 1 <= MIN <= MAX <= 8, or none; got {s:?}"
        ))
        .into()),
    }
}

/// Labelled texts of a JSONL file.
struct Rows(Vec<(String, String)>);

impl Rows {
    fn examples(&self) -> Vec<Example<'_>> {
        self.0
            .iter()
            .map(|(t, l)| Example { text: t, label: l })
            .collect()
    }
}

fn read_jsonl(path: &Path) -> anyhow::Result<Rows> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| UsageError(format!("{}:{}: {why}", path.display(), i + 1));
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not JSON ({e})")))?;
        let text = match v.get("text") {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => return Err(bad("no string field \"text\"".into()).into()),
        };
        let label = match v.get("label") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::Bool(b)) => b.to_string(),
            _ => {
                return Err(
                    bad("no non-empty field \"label\" (string, number or boolean)".into()).into(),
                );
            }
        };
        rows.push((text, label));
    }
    if rows.is_empty() {
        return Err(UsageError(format!("{}: no examples", path.display())).into());
    }
    Ok(Rows(rows))
}

fn load_model(path: &Path) -> anyhow::Result<Classifier> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let model =
        Model::from_bytes(&bytes).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    Ok(Classifier::new(model))
}

fn train_cmd(data: &Path, output: &Path, cfg: &TrainConfig) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let rows = read_jsonl(data)?;
    let examples = rows.examples();
    eprintln!(
        "read {} examples in {:.1}s; training {} ({}, {:?}, {} epochs, seed {})",
        examples.len(),
        t0.elapsed().as_secs_f64(),
        cfg.task,
        cfg.features.describe(),
        cfg.loss,
        cfg.epochs,
        cfg.seed
    );
    let t1 = Instant::now();
    let mut err = std::io::stderr();
    let mut report = |p: &Progress| {
        let line = match p {
            Progress::Featurized { done, total } => format!("features {done}/{total}"),
            Progress::Epoch {
                epoch,
                epochs,
                holdout_accuracy: Some(a),
            } => format!("epoch {epoch}/{epochs}  held-out accuracy {a:.4}"),
            Progress::Epoch { epoch, epochs, .. } => format!("epoch {epoch}/{epochs}"),
        };
        let _ = writeln!(err, "  {:>6.1}s  {line}", t1.elapsed().as_secs_f64());
    };
    let model =
        train_with_progress(&examples, cfg, &mut report).map_err(|e| UsageError(e.to_string()))?;
    let bytes = model.to_bytes();
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "trained in {:.1}s: {} labels, {} non-zero rows; wrote {} ({} bytes)",
        t1.elapsed().as_secs_f64(),
        model.labels().len(),
        model.nonzero_rows(),
        output.display(),
        bytes.len()
    );
    Ok(())
}

#[derive(Serialize)]
struct EvalOut {
    examples: u64,
    accuracy: f64,
    macro_f1: f64,
    labels: Vec<LabelOut>,
    /// `confusion[gold][predicted]`, in the order of `labels`.
    confusion: Vec<Vec<u64>>,
    predict_docs_per_s: f64,
}

#[derive(Serialize)]
struct LabelOut {
    label: String,
    precision: f64,
    recall: f64,
    f1: f64,
    support: u64,
}

fn eval_cmd(model: &Path, data: &Path, json: bool) -> anyhow::Result<()> {
    let clf = load_model(model)?;
    let rows = read_jsonl(data)?;
    let t = Instant::now();
    let e = clf.evaluate(&rows.examples());
    let rate = rows.0.len() as f64 / t.elapsed().as_secs_f64().max(1e-9);
    if json {
        let per = e.per_label();
        let out = EvalOut {
            examples: e.total(),
            accuracy: e.accuracy(),
            macro_f1: e.macro_f1(),
            labels: e
                .labels()
                .iter()
                .map(|l| {
                    let s = per.iter().find(|s| &s.label == l);
                    LabelOut {
                        label: l.clone(),
                        precision: s.map_or(0.0, |s| s.precision),
                        recall: s.map_or(0.0, |s| s.recall),
                        f1: s.map_or(0.0, |s| s.f1),
                        support: s.map_or(0, |s| s.support),
                    }
                })
                .collect(),
            confusion: e.confusion().to_vec(),
            predict_docs_per_s: rate,
        };
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{e}");
        eprintln!("{:.0} texts/s", rate);
    }
    Ok(())
}

#[derive(Serialize)]
struct FeatureOut {
    feature: String,
    kind: String,
    folded: bool,
    weight: f32,
}

fn predict_cmd(model: &Path, text: &str, top: usize, json: bool) -> anyhow::Result<()> {
    let clf = load_model(model)?;
    let x = clf.explain(text, top);
    let feats = |cs: &[ykien_text::classify::Contribution]| -> Vec<FeatureOut> {
        cs.iter()
            .map(|c| FeatureOut {
                feature: c.feature.clone(),
                kind: format!("{:?}", c.kind).to_lowercase(),
                folded: c.folded,
                weight: c.weight,
            })
            .collect()
    };
    if json {
        let out = serde_json::json!({
            "label": x.prediction.label,
            "probability": x.prediction.score,
            "scores": x.prediction.scores.iter().map(|(l, p)| serde_json::json!({"label": l, "probability": p})).collect::<Vec<_>>(),
            "for": feats(&x.for_label),
            "against": feats(&x.against),
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    outln!("{}  (p = {:.3})", x.prediction.label, x.prediction.score);
    let mut others = x.prediction.scores.clone();
    others.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (l, p) in others.iter().skip(1).take(3) {
        outln!("  then {l} ({p:.3})");
    }
    outln!("for:");
    for c in &x.for_label {
        outln!(
            "  {:+.3}  {}{}",
            c.weight,
            c.feature,
            if c.folded { "  (unaccented)" } else { "" }
        );
    }
    outln!("against:");
    for c in &x.against {
        outln!(
            "  {:+.3}  {}{}",
            c.weight,
            c.feature,
            if c.folded { "  (unaccented)" } else { "" }
        );
    }
    Ok(())
}
