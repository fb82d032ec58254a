//! Measures sentiment on research-only data: the shipped lexicon method, and models
//! trained on the research sets' train splits (measured here, never saved, never shipped).
//!
//! `cargo run --release -p ykien-text --example eval_sentiment -- [--data DIR]`
//!
//! - UIT-VSFC (student feedback; negative / neutral / positive): dev split, 3-class
//!   macro-F1. The corpus replaced emoticons by tokens ("colonsmile"); they are turned
//!   back into the emoticons real input carries before scoring.
//! - UIT-ViCTSD (comments on news) has no sentiment labels, only constructiveness and
//!   toxicity. Toxicity stands in as a proxy: a toxic comment should read as negative.
//!   The task is binary (toxic vs not; a method is right on a toxic comment when it says
//!   negative, on a clean one when it says neutral or positive), macro-F1 over the two
//!   classes on the valid split. This measures only one side of sentiment: many clean
//!   comments are negative in tone, so the figures are a lower bound for the lexicon.

use std::collections::BTreeMap;

use ykien_text::classify::{Classifier, Evaluation, Example, TrainConfig, train};
use ykien_text::sentiment::{Lexicon, SentimentLabel, SentimentModel, SentimentModelConfig};

const EMOTICONS: &[(&str, &str)] = &[
    ("colonsmilesmile", ":D"),
    ("colonsmile", ":)"),
    ("colonsad", ":("),
    ("colonsurprise", "@@"),
    ("colonlove", "<3"),
    ("coloncontemn", ":3"),
    ("colonbigsmile", ":v"),
    ("coloncc", ":_"),
    ("colonsmallsmile", ":p"),
    ("coloncolon", ">>"),
    ("doubledot", ":"),
];

fn vsfc(dir: &str) -> Vec<(String, String)> {
    let read = |f: &str| {
        std::fs::read_to_string(format!("{dir}/{f}")).unwrap_or_else(|e| panic!("{dir}/{f}: {e}"))
    };
    let sents = read("sents.txt");
    let labels = read("sentiments.txt");
    sents
        .lines()
        .zip(labels.lines())
        .map(|(s, l)| {
            let mut s = s.to_string();
            for (tok, emo) in EMOTICONS {
                s = s.replace(tok, emo);
            }
            let label = match l.trim() {
                "0" => "negative",
                "1" => "neutral",
                "2" => "positive",
                other => panic!("label {other}"),
            };
            (s, label.to_string())
        })
        .collect()
}

/// Rows of a CSV file (quotes, doubled quotes, newlines inside quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_q = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_q) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => in_q = false,
            ('"', false) if field.is_empty() => in_q = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// (comment, "toxic" | "clean").
fn victsd(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows = csv_rows(&text);
    let head = &rows[0];
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (c, t) = (col("Comment"), col("Toxicity"));
    rows[1..]
        .iter()
        .filter(|r| r.len() == head.len())
        .map(|r| {
            let label = if r[t].trim() == "1" { "toxic" } else { "clean" };
            (r[c].clone(), label.to_string())
        })
        .collect()
}

fn examples(data: &[(String, String)]) -> Vec<Example<'_>> {
    data.iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect()
}

fn report(name: &str, e: &Evaluation) -> String {
    format!("{name} | {:.4} | {:.4}", e.macro_f1(), e.accuracy())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = args
        .iter()
        .position(|a| a == "--data")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var("YKIEN_DATA").ok())
        .unwrap_or_else(|| "../shared/data".into());
    let lex = Lexicon::default();
    let mut rows = Vec::new();

    // UIT-VSFC.
    let train_set = vsfc(&format!("{data}/eval-only/uit-vsfc/train"));
    let dev = vsfc(&format!("{data}/eval-only/uit-vsfc/dev"));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    dev.iter()
        .for_each(|d| *counts.entry(&d.1).or_default() += 1);
    eprintln!(
        "UIT-VSFC: train {}, dev {} {counts:?}",
        train_set.len(),
        dev.len()
    );
    let mut e = Evaluation::new(vec!["negative".into(), "neutral".into(), "positive".into()]);
    for (t, l) in &dev {
        e.add(l, lex.sentiment(t).label.as_str());
    }
    eprintln!("lexicon on UIT-VSFC dev:\n{e}");
    rows.push(report(
        "UIT-VSFC dev (neg/neu/pos) | lexicon + rules (shipped)",
        &e,
    ));
    let cfg = TrainConfig::for_task("sentiment");
    let clf = Classifier::new(train(&examples(&train_set), &cfg).expect("train"));
    rows.push(report(
        "UIT-VSFC dev | classifier trained on UIT-VSFC train (not shipped)",
        &clf.evaluate(&examples(&dev)),
    ));
    for n in [200usize, 1000, train_set.len()] {
        // The first n of a fixed shuffle: what officers' corrections could give.
        let mut idx: Vec<usize> = (0..train_set.len()).collect();
        let mut s: u64 = 7;
        for i in (1..idx.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            idx.swap(i, (s >> 33) as usize % (i + 1));
        }
        let sub: Vec<(String, String)> = idx[..n].iter().map(|&i| train_set[i].clone()).collect();
        let m = SentimentModel::train(
            lex.clone(),
            &examples(&sub),
            SentimentModelConfig::default(),
        )
        .expect("train");
        let mut e = Evaluation::new(vec!["negative".into(), "neutral".into(), "positive".into()]);
        for (t, l) in &dev {
            e.add(l, m.sentiment(t).label.as_str());
        }
        rows.push(report(
            &format!(
                "UIT-VSFC dev | SentimentModel: lexicon + {n} UIT-VSFC train labels (not shipped)"
            ),
            &e,
        ));
    }

    // UIT-ViCTSD, toxicity as a negative proxy.
    let vt = victsd(&format!("{data}/eval-only/uit-victsd/ViCTSD_train.csv"));
    let vv = victsd(&format!("{data}/eval-only/uit-victsd/ViCTSD_valid.csv"));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    vv.iter()
        .for_each(|d| *counts.entry(&d.1).or_default() += 1);
    eprintln!(
        "UIT-ViCTSD: train {}, valid {} {counts:?}",
        vt.len(),
        vv.len()
    );
    let binary = |label: SentimentLabel| {
        if label == SentimentLabel::Negative {
            "toxic"
        } else {
            "clean"
        }
    };
    let mut e = Evaluation::new(vec!["clean".into(), "toxic".into()]);
    for (t, l) in &vv {
        e.add(l, binary(lex.sentiment(t).label));
    }
    eprintln!("lexicon on UIT-ViCTSD valid (toxic = negative):\n{e}");
    rows.push(report(
        "UIT-ViCTSD valid (toxic vs clean) | lexicon: negative ⇒ toxic (shipped)",
        &e,
    ));
    let clf = Classifier::new(train(&examples(&vt), &cfg).expect("train"));
    rows.push(report(
        "UIT-ViCTSD valid | classifier trained on UIT-ViCTSD train toxicity (not shipped)",
        &clf.evaluate(&examples(&vv)),
    ));
    // The same labels through SentimentModel: toxic → negative, clean → neutral.
    let as_sent: Vec<(String, String)> = vt
        .iter()
        .map(|(t, l)| {
            (
                t.clone(),
                if l == "toxic" { "negative" } else { "neutral" }.to_string(),
            )
        })
        .collect();
    let m = SentimentModel::train(
        lex.clone(),
        &examples(&as_sent),
        SentimentModelConfig::default(),
    )
    .expect("train");
    let mut e = Evaluation::new(vec!["clean".into(), "toxic".into()]);
    for (t, l) in &vv {
        e.add(l, binary(m.sentiment(t).label));
    }
    rows.push(report(
        "UIT-ViCTSD valid | SentimentModel: lexicon + UIT-ViCTSD train toxic→negative (not shipped)",
        &e,
    ));

    println!("| data | method | macro-F1 | accuracy |");
    println!("|---|---|---:|---:|");
    for r in rows {
        println!("| {r} |");
    }
}
