//! Tokens of the original text, folded, with their byte offsets kept.
//!
//! Folding changes byte lengths ("Thụy" is 6 bytes, "thuy" 4), so matching happens on a
//! compact folded string while every token remembers where it lives in the original.
//! Tokens joined by a "soft" separator (spaces, a hyphen, an apostrophe, the dot after an
//! abbreviation such as "P." or "TP.") are concatenated without a gap, which lets a
//! space-less key such as `thuyphuong` match "Thụy Phương", "Thuy Phuong" and "ThuyPhuong"
//! alike; a "hard" separator (comma, bracket, line break…) inserts a `|` that no pattern
//! contains, so no name can span it.

use crate::fold::fold;
use crate::topics::fast_hash::is_alphanumeric;

/// Abbreviated prefixes after which a dot does not end anything ("P.Thụy Phương", "TP.HCM").
const DOTTED_ABBREVIATIONS: &[&str] = &["p", "q", "h", "x", "tp", "tx", "tt", "f"];

#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub folded: String,
    /// A hard separator (or the text start) precedes this token.
    pub hard_before: bool,
    /// Only white space separates this token from the previous one (no hyphen or dot).
    pub spaced_before: bool,
    /// Byte range of this token in [`Scan::compact`].
    pub cstart: usize,
    pub cend: usize,
    /// The text around is written with diacritics, so a bare "quan" is not "quận".
    pub accented_text: bool,
}

impl Token<'_> {
    /// Starts with an upper-case letter or a digit, as proper names do.
    pub fn capitalized(&self) -> bool {
        self.text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    }

    pub fn all_upper(&self) -> bool {
        self.text.chars().all(|c| !c.is_lowercase())
    }

    /// The token lower-cased but with its diacritics, to tell "xã" from "xa" when the
    /// writer used diacritics.
    pub fn lower(&self) -> String {
        self.text.to_lowercase()
    }

    /// Whether this token must carry its exact diacritics to count as a given word.
    pub fn strict(&self) -> bool {
        self.accented_text || !self.text.is_ascii()
    }
}

#[derive(Debug)]
pub(crate) struct Scan<'a> {
    pub tokens: Vec<Token<'a>>,
    pub compact: String,
    /// Bit sets over [`Scan::compact`] offsets where some token starts (ends): most
    /// pattern hits fall inside words and are turned down without a binary search.
    starts: Vec<u64>,
    ends: Vec<u64>,
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn has_bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn is_token_char(c: char) -> bool {
    is_alphanumeric(c) || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn soft(separator: &str, previous_folded: &str) -> bool {
    let trimmed = separator.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{a0}');
    match trimmed {
        "" => !separator.contains('\n'),
        "-" | "–" | "'" | "’" => true,
        "." => DOTTED_ABBREVIATIONS.contains(&previous_folded),
        _ => false,
    }
}

pub(crate) fn scan(text: &str) -> Scan<'_> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_token_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            spans.push((s, i));
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    let mut tokens: Vec<Token<'_>> = Vec::with_capacity(spans.len());
    let mut compact = String::with_capacity(text.len());
    for (s, e) in spans {
        let hard_before = match tokens.last() {
            None => true,
            Some(p) => !soft(&text[p.end..s], &p.folded),
        };
        let spaced_before = tokens
            .last()
            .is_some_and(|p| text[p.end..s].trim().is_empty())
            && !hard_before;
        let folded = fold(&text[s..e]);
        if hard_before && !tokens.is_empty() {
            compact.push('|');
        }
        let cstart = compact.len();
        compact.push_str(&folded);
        let cend = compact.len();
        tokens.push(Token {
            start: s,
            end: e,
            text: &text[s..e],
            folded,
            hard_before,
            spaced_before,
            cstart,
            cend,
            accented_text: false,
        });
    }
    // A text is taken as accented when a fifth of its words carry diacritics.
    let accented = tokens.len() >= 3
        && tokens.iter().filter(|t| !t.text.is_ascii()).count() * 5 >= tokens.len();
    for t in &mut tokens {
        t.accented_text = accented;
    }
    let mut starts = vec![0u64; compact.len() / 64 + 1];
    let mut ends = vec![0u64; compact.len() / 64 + 1];
    for t in &tokens {
        set_bit(&mut starts, t.cstart);
        set_bit(&mut ends, t.cend);
    }
    Scan {
        tokens,
        compact,
        starts,
        ends,
    }
}

impl Scan<'_> {
    /// The token starting exactly at this compact offset.
    pub fn token_starting(&self, cpos: usize) -> Option<usize> {
        if !has_bit(&self.starts, cpos) {
            return None;
        }
        self.tokens.binary_search_by_key(&cpos, |t| t.cstart).ok()
    }

    /// The token ending exactly at this compact offset.
    pub fn token_ending(&self, cpos: usize) -> Option<usize> {
        if !has_bit(&self.ends, cpos) {
            return None;
        }
        self.tokens.binary_search_by_key(&cpos, |t| t.cend).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_point_into_the_original() {
        let text = "P.Thụy Phương, Q. Bắc Từ Liêm";
        let s = scan(text);
        let words: Vec<_> = s.tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(words, ["P", "Thụy", "Phương", "Q", "Bắc", "Từ", "Liêm"]);
        assert_eq!(s.compact, "pthuyphuong|qbactuliem");
        assert!(s.tokens[3].hard_before && !s.tokens[4].hard_before);
    }
}
