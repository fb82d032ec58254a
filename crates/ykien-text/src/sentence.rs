//! Sentence splitting that survives Vietnamese abbreviations.
//!
//! A full stop ends a sentence unless it follows an abbreviation ("TP.", "Q.", "PGS.",
//! "v.v." before a lower-case word) or a single letter (initials, "Q. Ba Đình"). Decimal
//! numbers never split because the tokenizer keeps "3,5" and "1.000" whole. "!", "?" and
//! "…" end a sentence only before something that can start one (not a lower-case word).
//! Closing quotes and brackets stay with the sentence they close. A line break always
//! ends a sentence: headlines and list items have no final punctuation.

use crate::token::{Token, TokenKind, tokenize};
use std::ops::Range;

/// Abbreviations that take a full stop in Vietnamese news and administrative text.
const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "tp", "Q", "P", "TX", "TT", "H", "X", "ThS", "Th", "TS", "PGS", "GS", "BS", "KS",
    "CN", "NXB", "tr", "Tr", "St", "Mr", "Prof", "prof", "Mrs", "Ms", "Dr", "ông", "bà", "Cty",
    "cty", "UBND", "HĐND", "TW", "Th.S", "ths", "ts", "pgs", "gs", "bs", "Ths", "Ts", "Pgs", "Gs",
    "Bs", "v.v", "vs", "No", "Vol", "tel", "Tel", "ĐT", "đt", "Đ", "đ",
];

fn is_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(&word)
        || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
}

fn is_closing(s: &str) -> bool {
    matches!(s, "\"" | "'" | "”" | "’" | "»" | ")" | "]" | "}")
}

/// True when the token can begin a new sentence.
fn can_start(text: &str, t: &Token) -> bool {
    let first = t.text(text).chars().next().unwrap_or(' ');
    match t.kind {
        TokenKind::Word => !first.is_lowercase(),
        TokenKind::Punct => matches!(
            first,
            '"' | '“' | '‘' | '\'' | '«' | '(' | '[' | '-' | '–' | '—' | '•' | '*'
        ),
        _ => true,
    }
}

/// Sentence spans of `text`, trimmed of surrounding whitespace.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    sentences_from_tokens(text, &tokenize(text))
}

/// Like [`sentences`], reusing tokens already computed for `text`.
pub fn sentences_from_tokens(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let s = *start.get_or_insert(t.start);
        // a line break before the next token ends the sentence
        let next = tokens.get(i + 1);
        let gap_end = next.map_or(text.len(), |n| n.start);
        let newline = text.as_bytes()[t.end..gap_end].contains(&b'\n');
        let mut end_here = newline;
        let mut last = i;
        if t.kind == TokenKind::Punct && !newline {
            let p = t.text(text);
            let terminal = p.starts_with(['.', '!', '?', '…']);
            if terminal {
                // closing quotes/brackets belong to this sentence
                while let Some(n) = tokens.get(last + 1) {
                    let gap = &text.as_bytes()[tokens[last].end..n.start];
                    if n.kind == TokenKind::Punct && is_closing(n.text(text)) && gap.is_empty() {
                        last += 1;
                    } else {
                        break;
                    }
                }
                let after = tokens.get(last + 1);
                let prev_word = (i > 0
                    && tokens[i - 1].kind == TokenKind::Word
                    && tokens[i - 1].end == t.start)
                    .then(|| tokens[i - 1].text(text));
                let abbreviated = p == "." && last == i && prev_word.is_some_and(is_abbreviation);
                end_here = match after {
                    None => true,
                    Some(n) => {
                        let line_break =
                            text.as_bytes()[tokens[last].end..n.start].contains(&b'\n');
                        line_break || (!abbreviated && can_start(text, n))
                    }
                };
            }
        } else if t.kind == TokenKind::Word && t.text(text).ends_with("v.v.") && !newline {
            // "v.v." ends a sentence only before a capital
            end_here = next.is_none_or(|n| can_start(text, n) && n.kind == TokenKind::Word);
        }
        if end_here || last + 1 >= tokens.len() {
            out.push(s..tokens[last].end);
            start = None;
        }
        i = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn abbreviations_and_numbers() {
        let s = "PGS.TS. Nguyễn Văn A làm việc tại Q. Ba Đình, TP. Hà Nội. Giá tăng 3,5% lên 1.000 đồng. Xong!";
        assert_eq!(
            split(s),
            vec![
                "PGS.TS. Nguyễn Văn A làm việc tại Q. Ba Đình, TP. Hà Nội.",
                "Giá tăng 3,5% lên 1.000 đồng.",
                "Xong!"
            ]
        );
    }

    #[test]
    fn quotes_ellipses_and_lines() {
        let s = "Anh nói: “Tôi đồng ý.” Sau đó… mọi người về. Hết?\nTiêu đề không dấu chấm\nCó cam, táo, v.v. Ngoài ra còn lê.";
        assert_eq!(
            split(s),
            vec![
                "Anh nói: “Tôi đồng ý.”",
                "Sau đó… mọi người về.",
                "Hết?",
                "Tiêu đề không dấu chấm",
                "Có cam, táo, v.v.",
                "Ngoài ra còn lê."
            ]
        );
        assert!(sentences("").is_empty());
        assert_eq!(split("  một câu  "), vec!["một câu"]);
    }
}
