//! Trains the word segmenter and writes `models/segmenter.bin`.
//!
//! cargo run --release -p ykien-text --example train_segmenter -- [--data DIR] [--out FILE]
//!     [--epochs N] [--seed N] [--bits N] [--dropout P] [--ensemble N] [--no-unaccented]
//!     [--no-case-copy] [--dev]
//!
//! DIR defaults to $YKIEN_DATA or ../shared/data. Training reads only the UD-VTB train split
//! and the underthesea and pyvi word lists. `--dev` prints dev F1 after each epoch (model
//! selection only: the number of epochs is the one knob chosen on it).

use std::path::PathBuf;

use ykien_text::segment::{Segmenter, TrainConfig, conllu_sentences, score, strip_marks, train};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data = std::env::var("YKIEN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("../shared/data"));
    let mut out = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/segmenter.bin"));
    let mut cfg = TrainConfig::default();
    let mut dev = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data" => data = PathBuf::from(val()?),
            "--out" => out = PathBuf::from(val()?),
            "--epochs" => cfg.epochs = val()?.parse()?,
            "--seed" => cfg.seed = val()?.parse()?,
            "--bits" => cfg.table_bits = val()?.parse()?,
            "--no-unaccented" => cfg.unaccented_copy = false,
            "--no-case-copy" => cfg.case_copy = false,
            "--dropout" => cfg.lexical_dropout = val()?.parse()?,
            "--ensemble" => cfg.ensemble = val()?.parse()?,
            "--dev" => dev = true,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let words = data.join("words");
    let train_set = conllu_sentences(&std::fs::read_to_string(
        words.join("ud-vi-vtb/vi_vtb-ud-train.conllu"),
    )?);
    // Word lists, each its own source so the model learns how far to trust it: the core
    // underthesea list, its broad list, and pyvi's.
    let mut lists = Vec::new();
    for f in [
        "underthesea-dictionary/dictionary/Viet22K.txt",
        "underthesea-dictionary/dictionary/Viet74K.txt",
        "pyvi/words.txt",
    ] {
        lists.push(std::fs::read_to_string(words.join(f))?);
    }
    let dictionary: Vec<(&str, u8)> = lists
        .iter()
        .enumerate()
        .flat_map(|(k, text)| text.lines().map(move |l| (l.trim(), k as u8)))
        .collect();
    let dev_set = if dev {
        conllu_sentences(&std::fs::read_to_string(
            words.join("ud-vi-vtb/vi_vtb-ud-dev.conllu"),
        )?)
    } else {
        Vec::new()
    };
    eprintln!(
        "train: {} sentences; dictionary: {} lines; {cfg:?}",
        train_set.len(),
        dictionary.len()
    );
    let t0 = std::time::Instant::now();
    let model = train(&train_set, dictionary.iter().copied(), &cfg, |epoch, m| {
        if dev_set.is_empty() {
            eprintln!("epoch {epoch} done ({:.1}s)", t0.elapsed().as_secs_f64());
            return;
        }
        let seg = Segmenter::new(m.clone());
        let (mut s, mut u) = (
            ykien_text::segment::Score::default(),
            ykien_text::segment::Score::default(),
        );
        for sent in &dev_set {
            let text = sent.join(" ");
            s.add(score(
                sent.iter().map(String::as_str),
                seg.segment(&text).iter().map(|w| w.as_str(&text)),
            ));
            let bare: Vec<String> = sent.iter().map(|w| strip_marks(w)).collect();
            let text = bare.join(" ");
            u.add(score(
                bare.iter().map(String::as_str),
                seg.segment(&text).iter().map(|w| w.as_str(&text)),
            ));
        }
        eprintln!(
            "epoch {epoch}: dev F1 {:.4} / unaccented {:.4} ({:.1}s)",
            s.f1(),
            u.f1(),
            t0.elapsed().as_secs_f64()
        );
    });
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes, {} weights, {} dictionary keys)",
        out.display(),
        bytes.len(),
        model.nonzero(),
        model.dictionary_len()
    );
    Ok(())
}
