//! Measures two optional comment signals on research-only data: constructiveness and
//! toxicity (UIT-ViCTSD) and clean / offensive / hate (UIT-ViHSD).
//!
//! `cargo run --release -p ykien-text --example eval_comment_signals -- [DATA_DIR]`
//!
//! DATA_DIR defaults to `$YKIEN_DATA`, then `../shared/data`. Models are trained on each
//! corpus's train split and scored on its dev split (ViCTSD_valid, ViHSD dev.csv); they
//! live in memory only and are dropped at exit, because these corpora are licensed for
//! research and nothing trained on them may ship. The test splits are never read, so
//! they stay clean for an independent check. Each setting is trained with five seeds:
//! accuracy, macro-F1 and per-class F1 are means, training time is per model. Prints
//! one markdown table.

#[path = "common/cpu.rs"]
mod cpu;

use std::collections::BTreeMap;
use std::time::Instant;

use cpu::cpu_seconds;
use ykien_text::classify::{Classifier, Evaluation, Example, TrainConfig, train};

/// Training shuffles by seed; scores are averaged over these runs, and the macro-F1
/// range shows how much of a gap between settings is only the order of examples.
const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// (text, label) pairs.
type Rows = Vec<(String, String)>;

/// Reads `text_col` and maps `label_col` through `label` (rows it maps to `None` are
/// skipped). Columns are found by header name so a reordered copy still reads right.
fn read_csv(
    path: &str,
    text_col: &str,
    label_col: &str,
    label: impl Fn(&str) -> Option<&'static str>,
) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let headers = reader
        .headers()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{FEFF}') == name)
            .unwrap_or_else(|| panic!("{path}: no column {name}"))
    };
    let (t, l) = (col(text_col), col(label_col));
    reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{path}: {e}")))
        .filter_map(|r| {
            let lab = label(r.get(l)?.trim())?;
            Some((r.get(t)?.to_string(), lab.to_string()))
        })
        .collect()
}

fn examples(rows: &Rows) -> Vec<Example<'_>> {
    rows.iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect()
}

/// Per-label F1 in the task's own label order, so rows of one task line up.
fn class_f1(e: &Evaluation, order: &[&str]) -> Vec<f64> {
    let per = e.per_label();
    order
        .iter()
        .map(|l| per.iter().find(|s| s.label == *l).map_or(0.0, |s| s.f1))
        .collect()
}

fn per_class(e: &Evaluation, order: &[&str]) -> String {
    order
        .iter()
        .zip(class_f1(e, order))
        .map(|(l, f1)| format!("{l} {f1:.3}"))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The feature settings compared: each adds one thing to the one before.
fn settings() -> Vec<(&'static str, TrainConfig)> {
    let base = TrainConfig::for_task("sentiment");
    let mut words = base.clone();
    words.features.char_ngrams = None;
    words.features.folded = false;
    let mut chars = base.clone();
    chars.features.char_ngrams = Some((2, 4));
    chars.features.folded = false;
    let mut folded = chars.clone();
    folded.features.folded = true;
    vec![
        ("words 1-2", words),
        ("+ chars 2-4", chars),
        ("+ folded", folded),
    ]
}

struct Task {
    name: &'static str,
    labels: &'static [&'static str],
    train: Rows,
    dev: Rows,
}

fn main() {
    let data = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("YKIEN_DATA").ok())
        .unwrap_or_else(|| "../shared/data".to_string());
    let victsd = |split: &str, col: &str, yes: &'static str, no: &'static str| {
        read_csv(
            &format!("{data}/eval-only/uit-victsd/ViCTSD_{split}.csv"),
            "Comment",
            col,
            move |v| match v {
                "1" => Some(yes),
                "0" => Some(no),
                _ => None,
            },
        )
    };
    let vihsd = |split: &str| {
        read_csv(
            &format!("{data}/eval-only/uit-vihsd/{split}.csv"),
            "free_text",
            "label_id",
            |v| match v {
                "0" => Some("clean"),
                "1" => Some("offensive"),
                "2" => Some("hate"),
                _ => None,
            },
        )
    };
    let tasks = [
        Task {
            name: "ViCTSD constructive",
            labels: &["constructive", "other"],
            train: victsd("train", "Constructiveness", "constructive", "other"),
            dev: victsd("valid", "Constructiveness", "constructive", "other"),
        },
        Task {
            name: "ViCTSD toxic",
            labels: &["toxic", "clean"],
            train: victsd("train", "Toxicity", "toxic", "clean"),
            dev: victsd("valid", "Toxicity", "toxic", "clean"),
        },
        Task {
            name: "ViHSD",
            labels: &["clean", "offensive", "hate"],
            train: vihsd("train"),
            dev: vihsd("dev"),
        },
    ];

    println!(
        "| task (train → dev) | system | accuracy | macro-F1 (min–max) | per-class F1 | train s wall / CPU |"
    );
    println!("|---|---|---:|---:|---|---:|");
    for task in &tasks {
        let train_ex = examples(&task.train);
        let dev_ex = examples(&task.dev);
        let name = format!("{} ({} → {})", task.name, train_ex.len(), dev_ex.len());

        // Majority class of the training split, scored like any system.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &train_ex {
            *counts.entry(e.label).or_default() += 1;
        }
        let majority = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(l, _)| *l)
            .unwrap_or_default();
        let mut base = Evaluation::new(task.labels.iter().map(|l| l.to_string()).collect());
        for e in &dev_ex {
            base.add(e.label, majority);
        }
        println!(
            "| {name} | majority ({majority}) | {:.4} | {:.4} | {} | – |",
            base.accuracy(),
            base.macro_f1(),
            per_class(&base, task.labels)
        );

        for (setting, cfg) in settings() {
            let (mut acc, mut f1s, mut per) = (0.0, Vec::new(), vec![0.0; task.labels.len()]);
            let (mut wall, mut cpu) = (0.0, 0.0);
            for seed in SEEDS {
                let cfg = TrainConfig {
                    seed,
                    ..cfg.clone()
                };
                let (c0, t0) = (cpu_seconds(), Instant::now());
                let model = train(&train_ex, &cfg).expect("training failed");
                wall += t0.elapsed().as_secs_f64();
                cpu += cpu_seconds() - c0;
                let eval = Classifier::new(model).evaluate(&dev_ex);
                acc += eval.accuracy();
                f1s.push(eval.macro_f1());
                for (sum, f) in per.iter_mut().zip(class_f1(&eval, task.labels)) {
                    *sum += f;
                }
            }
            let n = SEEDS.len() as f64;
            let (lo, hi) = f1s
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            let per = task
                .labels
                .iter()
                .zip(&per)
                .map(|(l, f)| format!("{l} {:.3}", f / n))
                .collect::<Vec<_>>()
                .join(" / ");
            println!(
                "| {name} | {setting} | {:.4} | {:.4} ({lo:.4}–{hi:.4}) | {per} | {:.2} / {:.2} |",
                acc / n,
                f1s.iter().sum::<f64>() / n,
                wall / n,
                cpu / n
            );
        }
    }
}
