//! Analyzes a whole file as one document and prints how fast: the number to compare with
//! `ykien analyze` (which adds only reading and printing).
//!
//! `cargo run --release -p ykien-text --example analyze_file -- news.txt [runs]`

use std::time::{Duration, Instant};
use ykien_text::analysis::Analyzer;
use ykien_text::keywords::Keywords;
use ykien_text::places::Gazetteer;
use ykien_text::segment::Segmenter;
use ykien_text::topics::{SeedScorer, Taxonomy};
use ykien_text::{lang, minhash, normalize, pii, sentiment, spam, teencode};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: analyze_file <file.txt> [runs]");
        std::process::exit(2);
    };
    let runs: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "{path}: not valid UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            );
            std::process::exit(1);
        }
    };

    let start = Instant::now();
    let analyzer = Analyzer::default();
    let first = analyzer.analyze(&text);
    let cold = start.elapsed();
    let mut best = cold;
    let mut total = Duration::ZERO;
    let mut cpu_total = Some(0.0);
    for _ in 1..runs {
        let t = Instant::now();
        let c = cpu_seconds();
        std::hint::black_box(analyzer.analyze(&text));
        let d = t.elapsed();
        cpu_total = cpu_total
            .zip(c.zip(cpu_seconds()))
            .map(|(sum, (a, b))| sum + b - a);
        best = best.min(d);
        total += d;
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "{path}: {} bytes, {} words, {} places, {} personal data, {} key phrases",
        text.len(),
        first.words.len(),
        first.places.len(),
        first.pii.len(),
        first.keywords.len()
    );
    println!(
        "first run (models load): {:.3} s, {:.2} MB/s",
        cold.as_secs_f64(),
        mb / cold.as_secs_f64()
    );
    println!(
        "best of {runs}: {:.6} s, {:.2} MB/s",
        best.as_secs_f64(),
        mb / best.as_secs_f64()
    );
    if runs > 1 {
        let mean = total.as_secs_f64() / f64::from(runs - 1);
        println!(
            "mean of the {} warm runs: {:.6} s, {:.2} MB/s",
            runs - 1,
            mean,
            mb / mean
        );
        // On a loaded machine wall time says little; time on the CPU is what the code costs.
        if let Some(cpu) = cpu_total {
            let cpu = cpu / f64::from(runs - 1);
            println!(
                "mean CPU time per run: {cpu:.6} s, {:.2} MB per CPU-second",
                mb / cpu
            );
        }
    }
    stages(&text);
}

/// Time this thread has spent on a CPU (Linux `schedstat`), if the system says.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// The stages of `Analyzer::analyze` timed one by one (after a warm-up), to see where the
/// time goes.
fn stages(original: &str) {
    fn time<R>(name: &str, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let c = cpu_seconds();
        let r = std::hint::black_box(f());
        let d = t.elapsed();
        let cpu = c
            .zip(cpu_seconds())
            .map_or(f64::NAN, |(a, b)| (b - a) * 1e3);
        println!(
            "  {name:<11} {:>9.3} ms wall {cpu:>9.3} ms CPU",
            d.as_secs_f64() * 1e3
        );
        r
    }
    let (segmenter, gazetteer, keywords) = (
        Segmenter::default(),
        Gazetteer::default(),
        Keywords::default(),
    );
    let topics = SeedScorer::new(Taxonomy::embedded().clone());
    Gazetteer::warm_up();
    println!("stages:");
    let norm = time("normalize", || normalize::normalize(original));
    let text = norm.text.as_str();
    time("language", || lang::detect(text));
    let view = time("teencode", || teencode::expand(text));
    time("segment", || segmenter.segment(&view.text));
    time("places", || gazetteer.find_places(text));
    time("pii", || pii::detect(text));
    time("keywords", || keywords.extract(text, 8));
    time("fingerprint", || minhash::fingerprint(text));
    time("topics", || topics.score(text, 3, 0.15));
    time("sentiment", || sentiment::sentiment(original));
    time("spam", || spam::detect(original));
}
