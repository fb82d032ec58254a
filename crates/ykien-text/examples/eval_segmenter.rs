//! Word precision/recall/F1 of the segmenter on a CoNLL-U file, with and without diacritics.
//!
//! cargo run --release -p ykien-text --example eval_segmenter -- [CONLLU] [--model FILE]
//!
//! CONLLU defaults to $YKIEN_DATA/words/ud-vi-vtb/vi_vtb-ud-dev.conllu. Each sentence's
//! words are joined with spaces into raw text, segmented, and compared as character spans.

use std::path::PathBuf;

use ykien_text::segment::{Score, Segmenter, conllu_sentences, score, strip_marks};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::var("YKIEN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("../shared/data"));
    let mut path = data.join("words/ud-vi-vtb/vi_vtb-ud-dev.conllu");
    let mut seg = Segmenter::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => {
                let file = args.next().ok_or("--model needs a file")?;
                seg = Segmenter::from_bytes(&std::fs::read(file)?)?;
            }
            _ => path = PathBuf::from(a),
        }
    }
    let sentences = conllu_sentences(&std::fs::read_to_string(&path)?);
    for (label, strip) in [("with diacritics", false), ("without diacritics", true)] {
        let mut total = Score::default();
        for sent in &sentences {
            let gold: Vec<String> = if strip {
                sent.iter().map(|w| strip_marks(w)).collect()
            } else {
                sent.clone()
            };
            let text = gold.join(" ");
            let words = seg.segment(&text);
            total.add(score(
                gold.iter().map(String::as_str),
                words.iter().map(|w| w.as_str(&text)),
            ));
        }
        println!(
            "{label:<20} sentences {} gold words {} predicted {} P {:.4} R {:.4} F1 {:.4}",
            sentences.len(),
            total.gold,
            total.predicted,
            total.precision(),
            total.recall(),
            total.f1()
        );
    }
    Ok(())
}
