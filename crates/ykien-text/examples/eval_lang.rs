//! Accuracy of `ykien_text::lang` per class, per sentence and per small document.
//!
//! Samples (nothing here ships; all read at run time):
//! - Vietnamese: the `# text =` sentences of UD Vietnamese-VTB dev;
//! - Vietnamese without diacritics: the same sentences with their diacritics stripped
//!   (case kept);
//! - English: prose sentences of `/work/shared/research/*.md` (lines inside code fences and
//!   tables skipped, sentences with Vietnamese letters dropped) and licence texts;
//! - other: GnuPG's translated help files, the ICU normalizer's "Alice" samples and
//!   charset_normalizer's samples (French, Indonesian, German, Spanish, Italian,
//!   Portuguese, Polish, Turkish, Russian, Chinese, Japanese, Thai…), labelled by file.
//!
//! ```sh
//! cargo run -p ykien-text --example eval_lang -- [--data /work/shared/data]
//! ```

#[path = "common/unaccent.rs"]
mod unaccent;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use unaccent::strip_diacritics;
use ykien_text::lang::{Lang, detect, sentence_spans};

const MAX_PER_CLASS: usize = 1200;

fn read(path: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

fn sentences(text: &str, min_words: usize) -> Vec<String> {
    sentence_spans(text)
        .into_iter()
        .map(|r| text[r].trim().to_string())
        .filter(|s| s.split_whitespace().count() >= min_words)
        .collect()
}

fn english(research: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(research)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let Some(text) = read(f) else { continue };
        let mut fenced = false;
        let mut prose = String::new();
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            let t = line.trim();
            if fenced || t.starts_with('|') || t.starts_with('#') || t.is_empty() {
                prose.push('\n');
                continue;
            }
            let t = t.trim_start_matches(['-', '*', ' ', '>']);
            prose.push_str(&t.replace(['*', '`', '_'], ""));
            prose.push(' ');
        }
        for s in sentences(&prose, 6) {
            // Notes quote Vietnamese; those sentences are not English samples.
            if s.chars().all(|c| c.is_ascii() || "–—’“”…→×≈".contains(c)) {
                out.push(s);
            }
        }
    }
    for licence in [
        "crates/ykien-units/data/LICENSE-dvhcvn",
        "crates/ykien-units/data/LICENSE-vietnamadminunits",
    ] {
        if let Some(t) = read(Path::new(licence)) {
            out.extend(sentences(&t.replace('\n', " "), 6));
        }
    }
    out
}

fn other_sources() -> Vec<(&'static str, &'static str)> {
    let gnupg = "/usr/share/gnupg/help.";
    let icu = "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/icu_normalizer-2.4.0/benches/data/Carroll-11-";
    let cn =
        "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/charset_normalizer/data/sample-";
    let mut v = Vec::new();
    for (lang, file) in [
        ("fr", "fr.txt"),
        ("id", "id.txt"),
        ("de", "de.txt"),
        ("es", "es.txt"),
        ("it", "it.txt"),
        ("pt", "pt.txt"),
        ("pl", "pl.txt"),
        ("tr", "tr.txt"),
        ("ru", "ru.txt"),
        ("zh", "zh_CN.txt"),
        ("ja", "ja.txt"),
    ] {
        v.push((
            lang,
            Box::leak(format!("{gnupg}{file}").into_boxed_str()) as &str,
        ));
    }
    for (lang, file) in [
        ("fr", "fr.txt"),
        ("de", "de.txt"),
        ("es", "es.txt"),
        ("tr", "tr.txt"),
        ("th", "th.txt"),
        ("pl", "pl.txt"),
    ] {
        v.push((
            lang,
            Box::leak(format!("{icu}{file}").into_boxed_str()) as &str,
        ));
    }
    for (lang, file) in [
        ("fr", "french.txt"),
        ("es", "spanish.txt"),
        ("pl", "polish.txt"),
        ("ru", "russian-2.txt"),
    ] {
        v.push((
            lang,
            Box::leak(format!("{cn}{file}").into_boxed_str()) as &str,
        ));
    }
    v
}

fn others() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    // Translations leave some entries in English: drop sentences found in the English file.
    let english: HashSet<String> = read(Path::new("/usr/share/gnupg/help.txt"))
        .map(|t| {
            let body: String = t
                .lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with('.'))
                .collect::<Vec<_>>()
                .join(" ");
            sentences(&body, 1).into_iter().collect()
        })
        .unwrap_or_default();
    for (lang, path) in other_sources() {
        let Some(text) = read(Path::new(path)) else {
            continue;
        };
        // GnuPG help files start with an English licence header in comments and use
        // `.key` lines as record separators.
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('.'))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("\n\n", "\u{2029}")
            .replace('\n', " ")
            .replace('\u{2029}', "\n");
        let min = if matches!(lang, "zh" | "ja" | "th") {
            1
        } else {
            4
        };
        for s in sentences(&body, min) {
            if s.chars().filter(|c| c.is_alphabetic()).count() >= 15 && !english.contains(&s) {
                out.push((s, lang));
            }
        }
    }
    out
}

fn name(l: Lang) -> &'static str {
    match l {
        Lang::Vietnamese => "vi",
        Lang::VietnameseNoDiacritics => "vi-nodiac",
        Lang::English => "en",
        Lang::Other => "other",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = args
        .iter()
        .position(|a| a == "--data")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var("YKIEN_DATA").ok())
        .unwrap_or_else(|| "/work/shared/data".into());
    let conllu = read(&Path::new(&data).join("words/ud-vi-vtb/vi_vtb-ud-dev.conllu"))
        .expect("UD-VTB dev not found: pass --data");
    let vi: Vec<String> = conllu
        .lines()
        .filter_map(|l| l.strip_prefix("# text = "))
        .map(str::to_string)
        .take(MAX_PER_CLASS)
        .collect();
    let plain: Vec<String> = vi.iter().map(|s| strip_diacritics(s)).collect();
    let mut seen = HashSet::new();
    let en: Vec<String> = english(&Path::new(&data).join("../research"))
        .into_iter()
        .filter(|s| seen.insert(s.clone()))
        .take(MAX_PER_CLASS)
        .collect();
    let other = others();
    let mut samples: Vec<(String, Lang, &'static str)> = Vec::new();
    samples.extend(vi.iter().map(|s| (s.clone(), Lang::Vietnamese, "vi")));
    samples.extend(
        plain
            .iter()
            .map(|s| (s.clone(), Lang::VietnameseNoDiacritics, "vi")),
    );
    samples.extend(en.iter().map(|s| (s.clone(), Lang::English, "en")));
    samples.extend(other.iter().map(|(s, l)| (s.clone(), Lang::Other, *l)));

    let verbose = args.iter().any(|a| a == "-v");
    let mut confusion: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut by_source: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for (s, gold, src) in &samples {
        let g = detect(s);
        *confusion.entry((name(*gold), name(g.lang))).or_default() += 1;
        let e = by_source.entry((name(*gold), src)).or_default();
        e.0 += 1;
        if g.lang == *gold {
            e.1 += 1;
        } else if verbose {
            println!(
                "{} -> {} ({:.2}) {s}",
                name(*gold),
                name(g.lang),
                g.confidence
            );
        }
    }
    println!("sentence level:");
    for class in ["vi", "vi-nodiac", "en", "other"] {
        let total: usize = confusion
            .iter()
            .filter(|((g, _), _)| *g == class)
            .map(|(_, n)| n)
            .sum();
        let right = confusion.get(&(class, class)).copied().unwrap_or(0);
        let row: Vec<String> = ["vi", "vi-nodiac", "en", "other"]
            .iter()
            .map(|p| format!("{p}={}", confusion.get(&(class, *p)).copied().unwrap_or(0)))
            .collect();
        println!(
            "  {class:<10} n={total:>5} accuracy {:.3}   [{}]",
            right as f64 / total.max(1) as f64,
            row.join(" ")
        );
    }
    println!("other, per language:");
    for ((class, src), (n, ok)) in &by_source {
        if *class == "other" {
            println!(
                "  {src:<4} n={n:>4} accuracy {:.3}",
                *ok as f64 / (*n).max(1) as f64
            );
        }
    }
    // Documents: five consecutive sentences of one class.
    println!("document level (5 sentences each):");
    for (class, gold, texts) in [
        ("vi", Lang::Vietnamese, vi.clone()),
        ("vi-nodiac", Lang::VietnameseNoDiacritics, plain.clone()),
        ("en", Lang::English, en.clone()),
        (
            "other",
            Lang::Other,
            other.iter().map(|(s, _)| s.clone()).collect(),
        ),
    ] {
        let docs: Vec<String> = texts.chunks(5).map(|c| c.join(" ")).collect();
        let ok = docs.iter().filter(|d| detect(d).lang == gold).count();
        println!(
            "  {class:<10} n={:>5} accuracy {:.3}",
            docs.len(),
            ok as f64 / docs.len().max(1) as f64
        );
    }
}
