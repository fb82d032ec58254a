//! Trains a classifier on one JSONL file and measures it on another.
//!
//! `cargo run --release -p ykien-text --example classify_bench -- --train TRAIN.jsonl
//! --dev DEV.jsonl [--bits 20] [--words 2] [--chars 2-4] [--folded] [--no-accented]
//! [--segment] [--no-idf] [--loss logistic|hinge] [--epochs 8] [--lr 2] [--l2 1e-6]
//! [--seed 1] [--holdout 0] [--min-weight 0] [--save MODEL.bin]`
//!
//! Each line is an object with `text` and `label`. Prints one JSON line of figures.

#[path = "common/cpu.rs"]
mod cpu;

use std::time::Instant;

use cpu::cpu_seconds;
use ykien_text::classify::{Classifier, Example, Loss, Progress, TrainConfig, train_with_progress};

fn read_jsonl(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1));
            let get = |k: &str| {
                v.get(k)
                    .and_then(|x| x.as_str())
                    .unwrap_or_else(|| panic!("{path}:{}: no string `{k}`", i + 1))
                    .to_string()
            };
            (get("text"), get("label"))
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut cfg = TrainConfig::for_task("topic");
    let (mut train_path, mut dev_path, mut save) = (None, None, None);
    let mut i = 0;
    let val = |i: usize| {
        args.get(i + 1)
            .cloned()
            .unwrap_or_else(|| panic!("{} needs a value", args[i]))
    };
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--train" => train_path = Some(val(i)),
            "--dev" => dev_path = Some(val(i)),
            "--save" => save = Some(val(i)),
            "--task" => {
                let seed = cfg.seed;
                cfg = TrainConfig::for_task(&val(i));
                cfg.seed = seed;
            }
            "--bits" => cfg.features.bits = val(i).parse().expect("bits"),
            "--words" => cfg.features.word_ngrams = val(i).parse().expect("words"),
            "--chars" => {
                let v = val(i);
                cfg.features.char_ngrams = if v == "none" {
                    None
                } else {
                    let (lo, hi) = v.split_once('-').expect("chars like 2-4");
                    Some((lo.parse().expect("min"), hi.parse().expect("max")))
                };
            }
            "--calibrate" => cfg.calibrate = val(i).parse().expect("calibrate"),
            "--ensemble" => cfg.ensemble = val(i).parse().expect("ensemble"),
            "--epochs" => cfg.epochs = val(i).parse().expect("epochs"),
            "--lr" => cfg.learning_rate = val(i).parse().expect("lr"),
            "--l2" => cfg.l2 = val(i).parse().expect("l2"),
            "--seed" => cfg.seed = val(i).parse().expect("seed"),
            "--holdout" => cfg.holdout = val(i).parse().expect("holdout"),
            "--min-weight" => cfg.min_weight = val(i).parse().expect("min-weight"),
            "--loss" => {
                cfg.loss = match val(i).as_str() {
                    "hinge" | "svm" => Loss::Hinge,
                    _ => Loss::Logistic,
                }
            }
            "--folded" => {
                cfg.features.folded = true;
                i -= 1;
            }
            "--no-accented" => {
                cfg.features.accented = false;
                cfg.features.folded = true;
                i -= 1;
            }
            "--segment" => {
                cfg.features.segment = true;
                i -= 1;
            }
            "--title" => {
                cfg.features.title = true;
                i -= 1;
            }
            "--no-idf" => {
                cfg.features.idf = false;
                i -= 1;
            }
            _ => panic!("unknown argument {a}"),
        }
        i += 2;
    }
    let train_rows = read_jsonl(&train_path.expect("--train"));
    let dev_rows = read_jsonl(&dev_path.expect("--dev"));
    let train_ex: Vec<Example> = train_rows
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();
    let dev_ex: Vec<Example> = dev_rows
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();

    let c0 = cpu_seconds();
    let t0 = Instant::now();
    let mut stages = Vec::new();
    let model = train_with_progress(&train_ex, &cfg, &mut |p| match p {
        Progress::Featurized { done, total } if done == total => {
            stages.push(format!("features {:.2}s", t0.elapsed().as_secs_f64()))
        }
        Progress::Epoch {
            epoch,
            holdout_accuracy,
            ..
        } => stages.push(format!(
            "epoch {epoch} {:.2}s {holdout_accuracy:?}",
            t0.elapsed().as_secs_f64()
        )),
        _ => {}
    })
    .expect("training failed");
    eprintln!("{}", stages.join("; "));
    let train_s = t0.elapsed().as_secs_f64();
    let train_cpu = cpu_seconds() - c0;
    let bytes = model.to_bytes();
    let clf = Classifier::new(model);
    let c1 = cpu_seconds();
    let t1 = Instant::now();
    let eval = clf.evaluate(&dev_ex);
    let predict_s = t1.elapsed().as_secs_f64();
    let predict_cpu = (cpu_seconds() - c1).max(0.01);
    // Calibration check: mean probability of the predicted label (should be near accuracy).
    let confidence = dev_ex
        .iter()
        .map(|e| clf.predict_index(e.text).1 as f64)
        .sum::<f64>()
        / dev_ex.len() as f64;
    eprintln!(
        "mean confidence {confidence:.4} (accuracy {:.4})",
        eval.accuracy()
    );
    if let Some(p) = save {
        std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{p}: {e}"));
    }
    eprintln!("{eval}");
    println!(
        "{{\"system\":\"ykien {} {:?} e{}x{} lr{} l2{}\",\"accuracy\":{:.4},\"macro_f1\":{:.4},\"train_s\":{:.3},\"predict_s\":{:.3},\"predict_docs_per_s\":{:.0},\"model_bytes\":{},\"nonzero_rows\":{},\"train_cpu_s\":{:.3},\"predict_cpu_docs_per_s\":{:.0}}}",
        clf.model().features().describe(),
        cfg.loss,
        cfg.epochs,
        cfg.ensemble,
        cfg.learning_rate,
        cfg.l2,
        eval.accuracy(),
        eval.macro_f1(),
        train_s,
        predict_s,
        dev_ex.len() as f64 / predict_s,
        bytes.len(),
        clf.model().nonzero_rows(),
        train_cpu,
        dev_ex.len() as f64 / predict_cpu
    );
}
