//! Splits text into the units the segmenter joins: syllables, numbers and punctuation.
//!
//! Deliberately small and fast; the full tokenizer lives elsewhere. Rules that matter for
//! the VLSP convention: numbers keep their inner separators ("2.000", "30/4", "7,5%"),
//! hyphenated and dotted forms stay whole ("GD-ĐT", "TP.HCM"), short abbreviations keep
//! their final dot ("TP.", "H."), and any other punctuation is its own token.

use super::syllable::{bare_letter, is_latin_letter};

/// One token: a byte span of the input plus what separates it from the previous token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    /// Whitespace (not a line break) separates this token from the previous one, and both
    /// contain a letter or digit: only then may the two belong to one word.
    pub joinable: bool,
}

#[inline]
fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

#[inline]
fn is_wordish(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    is_latin_letter(c) || is_mark(c) || c.is_alphanumeric()
}

/// Whether a separator between two word characters keeps them in one token.
#[inline]
fn keeps_inside(sep: char, before: char, after: char) -> bool {
    match sep {
        '-' | '.' | '\'' | '’' | '&' | '_' => true,
        ',' | '/' | ':' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

/// A short run of letters that is an abbreviation rather than a word ending a sentence:
/// Vietnamese syllables always have a vowel, so "tp", "q", "h" are safe; one or two letters
/// starting with a capital ("H.", "TP.") are initials.
fn is_abbreviation(run: &str) -> bool {
    let n = run.chars().count();
    if n == 0 || n > 3 || !run.chars().all(char::is_alphabetic) {
        return false;
    }
    let first_upper = run.chars().next().is_some_and(char::is_uppercase);
    let has_vowel = run
        .chars()
        .any(|c| matches!(bare_letter(c), 'a' | 'e' | 'i' | 'o' | 'u' | 'y'));
    (first_upper && n <= 2) || !has_vowel
}

/// Appends the tokens of `text` to `out` (cleared first).
pub(crate) fn pretokenize(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    // What lies between the previous token and the next one.
    let mut saw_space = false;
    let mut saw_newline = false;
    let mut prev_wordish = false;
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            saw_space = true;
            saw_newline |= c == '\n' || c == '\r';
            chars.next();
            continue;
        }
        let start = i;
        let mut end;
        let wordish;
        if is_wordish(c) {
            wordish = true;
            chars.next();
            end = start + c.len_utf8();
            let mut last = c;
            while let Some(&(j, d)) = chars.peek() {
                if is_wordish(d) {
                    chars.next();
                    end = j + d.len_utf8();
                    if !is_mark(d) {
                        last = d;
                    }
                    continue;
                }
                if d.is_whitespace() {
                    break;
                }
                // A separator: look one character past it.
                let after = text[j + d.len_utf8()..].chars().next();
                match after {
                    Some(a) if is_wordish(a) && keeps_inside(d, last, a) => {
                        chars.next();
                        end = j + d.len_utf8();
                    }
                    _ => {
                        let trailing_ok = match d {
                            '%' => last.is_ascii_digit(),
                            // Only mid-text: at the end of a line the dot ends a sentence.
                            '.' => {
                                let rest = text[j + 1..].trim_start_matches([' ', '\t', '\u{a0}']);
                                after.is_some_and(char::is_whitespace)
                                    && rest.chars().next().is_some_and(|c| c != '\n' && c != '\r')
                                    && is_abbreviation(&text[start..j])
                            }
                            _ => false,
                        };
                        if trailing_ok {
                            chars.next();
                            end = j + d.len_utf8();
                        }
                        break;
                    }
                }
            }
        } else {
            // Punctuation: a run of the same character is one token ("...", "--").
            wordish = false;
            chars.next();
            end = start + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d == c {
                    chars.next();
                    end = j + d.len_utf8();
                } else if is_mark(d) {
                    // A stray combining mark stays with what it follows.
                    chars.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
        }
        let joinable = wordish && prev_wordish && saw_space && !saw_newline && !out.is_empty();
        debug_assert!(end <= bytes.len());
        out.push(Tok {
            start,
            end,
            joinable,
        });
        prev_wordish = wordish;
        saw_space = false;
        saw_newline = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        pretokenize(s, &mut v);
        v.iter().map(|t| &s[t.start..t.end]).collect()
    }

    #[test]
    fn splits_punctuation_keeps_numbers() {
        assert_eq!(
            toks("Hà Nội, ngày 30/4/2004."),
            ["Hà", "Nội", ",", "ngày", "30/4/2004", "."]
        );
        assert_eq!(
            toks("giá 2.000 đồng (7,5%)..."),
            ["giá", "2.000", "đồng", "(", "7,5%", ")", "..."]
        );
        assert_eq!(
            toks("TP.HCM và TP. Huế, GD-ĐT"),
            ["TP.HCM", "và", "TP.", "Huế", ",", "GD-ĐT"]
        );
        assert_eq!(toks("đi học."), ["đi", "học", "."]);
        assert_eq!(toks("ngành GD."), ["ngành", "GD", "."]);
        assert_eq!(
            toks("ngành GD. \nTP. HCM"),
            ["ngành", "GD", ".", "TP.", "HCM"]
        );
        assert_eq!(toks("a,b"), ["a", ",", "b"]);
    }

    #[test]
    fn joinable_needs_space_and_words() {
        let s = "Hà Nội, Việt\nNam";
        let mut v = Vec::new();
        pretokenize(s, &mut v);
        let j: Vec<bool> = v.iter().map(|t| t.joinable).collect();
        assert_eq!(j, [false, true, false, false, false]);
    }
}
