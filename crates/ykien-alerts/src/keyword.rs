//! Keyword watches: a term matches an item when its folded syllables appear, in order and
//! next to each other, in the item's folded index text. Terms are folded with ykien-text
//! exactly as search folds text (`ykien_text::normalize` then `minhash::words`, the same steps
//! as `ykien_listen::prepare`), so "thuy phuong", "Thụy Phương" and "THUỴ PHƯƠNG" are one
//! term, and a watch never disagrees with search.

use ykien_text::minhash::words;
use ykien_text::normalize::normalize;

/// A watched term, folded into syllables ("Thụy Phương" → ["thuy", "phuong"]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// As the officer typed it (shown in the alert).
    pub typed: String,
    pub syllables: Vec<String>,
}

impl Term {
    /// None when the term has no letters or digits.
    pub fn new(typed: &str) -> Option<Term> {
        let syllables = words(&normalize(typed).text);
        (!syllables.is_empty()).then(|| Term {
            typed: typed.trim().to_string(),
            syllables,
        })
    }

    /// Whether the term occurs in `tokens`, the space-separated tokens of an index text.
    pub fn occurs_in(&self, tokens: &[&str]) -> bool {
        let n = self.syllables.len();
        n > 0
            && tokens.len() >= n
            && tokens
                .windows(n)
                .any(|w| w.iter().zip(&self.syllables).all(|(a, b)| *a == b))
    }
}

/// The terms of `terms` that occur in an item's folded index text.
pub fn matching<'a>(terms: &'a [Term], index_text: &str) -> Vec<&'a Term> {
    let tokens: Vec<&str> = index_text.split(' ').filter(|t| !t.is_empty()).collect();
    terms.iter().filter(|t| t.occurs_in(&tokens)).collect()
}

/// The index text of a raw text, for tests and for items not yet indexed: the folded
/// syllables in reading order (part 1 of `ykien_listen::prepare::index_text`).
pub fn fold_text(text: &str) -> String {
    words(&normalize(text).text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_terms_match_across_diacritics_and_case() {
        let t = Term::new("thuy phuong").unwrap();
        assert_eq!(t.syllables, ["thuy", "phuong"]);
        let text = fold_text("Ngập nặng ở phường THỤY PHƯƠNG sau mưa");
        assert_eq!(matching(std::slice::from_ref(&t), &text).len(), 1);
        let t2 = Term::new("Thụy Phương").unwrap();
        assert_eq!(t2.syllables, t.syllables);
        // Old and new tone placement fold alike.
        let hoa = Term::new("hoà").unwrap();
        assert!(hoa.occurs_in(&fold_text("phường Hòa Bình").split(' ').collect::<Vec<_>>()));
    }

    #[test]
    fn syllables_must_be_adjacent_and_whole() {
        let t = Term::new("thuy phuong").unwrap();
        for miss in [
            "Thụy ở phường Phương",
            "Phương Thụy",
            "thuyphuong",
            "thuy phuongx",
        ] {
            assert!(
                matching(std::slice::from_ref(&t), &fold_text(miss)).is_empty(),
                "{miss}"
            );
        }
        assert!(Term::new("  !! ").is_none());
    }

    #[test]
    fn segmented_words_in_the_index_do_not_confuse_matching() {
        // Part 2 of the index text holds words joined by "_"; syllables still match in part 1.
        let t = Term::new("ngập úng").unwrap();
        assert!(t.occurs_in(&["mua", "ngap", "ung", "ngap_ung"]));
        assert!(!t.occurs_in(&["ngap_ung"]));
    }
}
