//! Analyzes a whole file as one document and prints how fast: the number to compare with
//! `ykien analyze` (which adds only reading and printing).
//!
//! `cargo run --release -p ykien-text --example analyze_file -- news.txt [runs]`

use std::time::{Duration, Instant};
use ykien_text::analysis::Analyzer;
use ykien_text::keywords::Keywords;
use ykien_text::places::Gazetteer;
use ykien_text::segment::Segmenter;
use ykien_text::{lang, minhash, normalize, pii, teencode};

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
    for _ in 1..runs {
        let t = Instant::now();
        std::hint::black_box(analyzer.analyze(&text));
        best = best.min(t.elapsed());
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
        "best of {runs}: {:.3} s, {:.2} MB/s",
        best.as_secs_f64(),
        mb / best.as_secs_f64()
    );
    stages(&text);
}

/// The stages of `Analyzer::analyze` timed one by one (after a warm-up), to see where the
/// time goes.
fn stages(original: &str) {
    fn time<R>(name: &str, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        let d: Duration = t.elapsed();
        println!("  {name:<10} {:>8.1} ms", d.as_secs_f64() * 1e3);
        r
    }
    let (segmenter, gazetteer, keywords) = (
        Segmenter::default(),
        Gazetteer::default(),
        Keywords::default(),
    );
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
}
