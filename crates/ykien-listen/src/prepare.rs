//! The text the full-text index holds, and queries prepared the same way.
//!
//! The index text of an item is two parts, separated by a space:
//!
//! 1. every syllable of the normalized text, folded, in reading order
//!    ("dinh chem o phuong thuy phuong"), so that a query typed without diacritics, with
//!    old tone placement ("hoà") or new ("hòa"), matches, and syllables that stand next to
//!    each other in the text stand next to each other in the index;
//! 2. then each multi-syllable word found by the segmenter, folded, its syllables joined by
//!    "_" ("dinh_chem thuy_phuong").
//!
//! A query is segmented and folded the same way ([`search_key`]), and the store matches a
//! one-syllable word against part 1 and a segmented word either as a token of part 2 or as
//! its syllables in a row in part 1. So "thuy phuong" and "thuy_phuong" both find
//! "Thụy Phương" whether or not the segmenter joined the words of the query or of the text
//! the same way, and PostgreSQL (whose parser splits at "_") and FTS5 (told to keep "_")
//! answer alike. Putting the words after all syllables, rather than after each word, keeps
//! the syllables of part 1 adjacent across word boundaries, which a phrase needs.

use std::sync::OnceLock;

use ykien_text::analysis::Analysis;
// Folded syllables (runs of letters and digits) in order: the tokens the near-duplicate
// fingerprint hashes too.
use ykien_text::minhash::words;
use ykien_text::normalize::normalize;
use ykien_text::segment::Segmenter;

fn segmenter() -> &'static Segmenter {
    static S: OnceLock<Segmenter> = OnceLock::new();
    S.get_or_init(Segmenter::default)
}

/// A word's folded form for the index: syllables joined by "_", or None when the word has
/// a single syllable (part 1 holds it already) or no letters at all.
fn folded_word(word: &str) -> Option<String> {
    let syl = words(word);
    (syl.len() > 1).then(|| syl.join("_"))
}

/// The index text of an analyzed item (see the module documentation).
pub fn index_text(analysis: &Analysis) -> String {
    let mut out = words(&analysis.normalized).join(" ");
    for w in &analysis.words {
        if let Some(f) = folded_word(w) {
            out.push(' ');
            out.push_str(&f);
        }
    }
    out
}

/// A query prepared like the index: normalized, segmented, folded, one word per space,
/// the syllables of a word joined by "_" ("Thụy Phương ngập" → "thuy_phuong ngap").
pub fn search_key(query: &str) -> String {
    let norm = normalize(query);
    let text = norm.text.as_str();
    let mut out: Vec<String> = Vec::new();
    for w in segmenter().segment(text) {
        let syl = words(w.as_str(text));
        if !syl.is_empty() {
            out.push(syl.join("_"));
        }
    }
    out.join(" ")
}

/// The text an item's idempotency key is computed from: normalized (NFC, one tone
/// placement, legacy encodings repaired), lower-cased, whitespace collapsed. Diacritics are
/// kept: "má" and "mà" are different messages.
pub fn dedup_text(text: &str) -> String {
    let norm = normalize(text);
    norm.text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ykien_text::analysis::Analyzer;

    #[test]
    fn index_holds_syllables_then_words() {
        let a = Analyzer::default().analyze("Đình Chèm ở phường Thụy Phương, hoà bình.");
        let t = index_text(&a);
        assert!(
            t.starts_with("dinh chem o phuong thuy phuong hoa binh"),
            "{t}"
        );
        let words: Vec<&str> = t.split(' ').skip(8).collect();
        assert!(words.iter().all(|w| w.contains('_')), "{t}");
        assert!(words.contains(&"hoa_binh"), "{t}");
    }

    #[test]
    fn queries_fold_and_segment() {
        assert_eq!(search_key("hoà"), "hoa");
        assert_eq!(search_key("HÒA"), "hoa");
        let k = search_key("Thụy Phương");
        assert!(k == "thuy_phuong" || k == "thuy phuong", "{k}");
        assert_eq!(search_key("  ,; "), "");
        // NFD input folds like NFC
        assert_eq!(words("Thu\u{0323}y"), vec!["thuy"]);
    }

    #[test]
    fn dedup_ignores_form_not_content() {
        assert_eq!(dedup_text("Hoà  bình\n"), dedup_text("hòa bình"));
        assert_ne!(dedup_text("má"), dedup_text("mà"));
    }
}
