//! Builds `models/keywords-df.tsv`: document frequencies of folded syllable unigrams and
//! bigrams over the VNTC train split, read as JSON lines on stdin.
//!
//! ```sh
//! zcat $YKIEN_DATA/topics/vntc/train_full.jsonl.gz | \
//!   cargo run --release -p ykien-text --example build_keyword_model -- \
//!   crates/ykien-text/models/keywords-df.tsv [MAX_TERMS]
//! ```
//!
//! Only counts are written (terms with df ≥ 3, the `MAX_TERMS` most frequent, 30,000 by
//! default), never article text. Bigrams do not cross punctuation; terms with digits are
//! skipped.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use serde_json::Value;
use ykien_text::keywords::syllables;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out_path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "crates/ykien-text/models/keywords-df.tsv".into());
    let max_terms: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30_000);
    let mut df: HashMap<String, u32> = HashMap::new();
    let mut docs: u32 = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("read stdin");
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(text) = v["text"].as_str() else {
            continue;
        };
        docs += 1;
        let units = syllables(text);
        let mut terms: HashSet<String> = HashSet::new();
        for (i, u) in units.iter().enumerate() {
            if u.folded.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            terms.insert(u.folded.clone());
            if let Some(next) = units.get(i + 1)
                && !next.boundary_before
                && !next.folded.chars().any(|c| c.is_ascii_digit())
            {
                terms.insert(format!("{} {}", u.folded, next.folded));
            }
        }
        for t in terms {
            *df.entry(t).or_default() += 1;
        }
    }
    let mut terms: Vec<(String, u32)> = df.into_iter().filter(|(_, n)| *n >= 3).collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    terms.truncate(max_terms);
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out_path).expect("create output"));
    writeln!(f, "#docs\t{docs}").unwrap();
    for (t, n) in &terms {
        writeln!(f, "{t}\t{n}").unwrap();
    }
    eprintln!(
        "{docs} documents, {} terms written to {out_path}",
        terms.len()
    );
}
