//! One pass over the input: a folded, space-separated copy for matching, its way back to
//! the original bytes, the tokens and the sentences.
//!
//! Matching runs on folded text so that "kèo nhà cái", "keo nha cai" and "kèọ nhà cáỉ"
//! meet the same pattern. Separators collapse to one space and the copy is padded with a
//! space at both ends, so a pattern written " nha cai " matches whole words only.

use std::ops::Range;

use crate::fold::fold_char;

/// Token flags.
pub(crate) const MARK: u8 = 1; // a letter with a Vietnamese diacritic (or đ)
pub(crate) const DIGIT: u8 = 2;
pub(crate) const ALPHA: u8 = 4; // an ASCII letter in the folded form
pub(crate) const FOREIGN: u8 = 8; // a letter of another script
pub(crate) const DISGUISED: u8 = 16; // a look-alike letter or an invisible character inside

#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Range in [`View::folded`].
    pub folded: Range<usize>,
    pub flags: u8,
}

#[derive(Debug)]
pub(crate) struct View {
    pub folded: String,
    /// Original byte offset of each byte of `folded`, plus one past the end.
    offsets: Vec<u32>,
    pub tokens: Vec<Token>,
    /// Token index ranges.
    pub sentences: Vec<Range<usize>>,
}

enum Unit {
    Letter(char, u8),
    Skip(u8),
    Sep { sentence_end: bool },
}

/// Cyrillic and full-width letters that spammers put in place of Latin ones.
fn look_alike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' => 'a',
        'е' | 'Е' => 'e',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'с' | 'С' => 'c',
        'х' | 'Х' => 'x',
        'у' | 'У' => 'y',
        'і' | 'І' => 'i',
        'ѕ' | 'Ѕ' => 's',
        'ј' | 'Ј' => 'j',
        'В' => 'b',
        'К' | 'к' => 'k',
        'М' | 'м' => 'm',
        'Н' | 'н' => 'h',
        'Т' | 'т' => 't',
        '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
        '\u{FF21}'..='\u{FF3A}' => char::from(b'a' + (c as u32 - 0xFF21) as u8),
        '\u{FF41}'..='\u{FF5A}' => char::from(b'a' + (c as u32 - 0xFF41) as u8),
        _ => return None,
    })
}

#[inline]
fn unit(c: char, next: Option<char>) -> Unit {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            let flag = if c.is_ascii_digit() { DIGIT } else { ALPHA };
            return Unit::Letter(c.to_ascii_lowercase(), flag);
        }
        let sentence_end = match c {
            '\n' | '!' | '?' => true,
            '.' => next.is_none_or(|n| n.is_whitespace() || n.is_uppercase()),
            _ => false,
        };
        return Unit::Sep { sentence_end };
    }
    match c {
        '\u{0300}'..='\u{036F}' => return Unit::Skip(MARK),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {
            return Unit::Skip(DISGUISED);
        }
        '…' | '\u{2029}' | '\u{2028}' => return Unit::Sep { sentence_end: true },
        _ => {}
    }
    let f = fold_char(c);
    if f.is_ascii_alphanumeric() {
        return Unit::Letter(f, MARK | ALPHA);
    }
    if let Some(l) = look_alike(c) {
        let flag = if l.is_ascii_digit() { DIGIT } else { ALPHA };
        return Unit::Letter(l, flag | DISGUISED);
    }
    if c.is_alphanumeric() {
        return Unit::Letter(f, FOREIGN);
    }
    Unit::Sep {
        sentence_end: false,
    }
}

impl View {
    pub(crate) fn new(text: &str) -> View {
        let mut folded = String::with_capacity(text.len() + 2);
        let mut offsets: Vec<u32> = Vec::with_capacity(text.len() + 2);
        let mut tokens: Vec<Token> = Vec::new();
        let mut sentences = Vec::new();
        folded.push(' ');
        offsets.push(0);
        let mut in_token = false;
        let mut flags = 0u8;
        let mut start = 0usize;
        let mut sentence_start = 0usize;
        let mut pending_break = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            match unit(c, next) {
                Unit::Letter(f, flag) => {
                    if !in_token {
                        if pending_break && tokens.len() > sentence_start {
                            sentences.push(sentence_start..tokens.len());
                            sentence_start = tokens.len();
                        }
                        pending_break = false;
                        in_token = true;
                        flags = 0;
                        start = folded.len();
                    }
                    flags |= flag;
                    let before = folded.len();
                    folded.push(f);
                    offsets.extend(std::iter::repeat_n(i as u32, folded.len() - before));
                }
                Unit::Skip(flag) => {
                    if in_token {
                        flags |= flag;
                    }
                }
                Unit::Sep { sentence_end } => {
                    if in_token {
                        tokens.push(Token {
                            folded: start..folded.len(),
                            flags,
                        });
                        in_token = false;
                        folded.push(' ');
                        offsets.push(i as u32);
                    }
                    pending_break |= sentence_end;
                }
            }
        }
        if in_token {
            tokens.push(Token {
                folded: start..folded.len(),
                flags,
            });
            folded.push(' ');
            offsets.push(text.len() as u32);
        }
        if tokens.len() > sentence_start {
            sentences.push(sentence_start..tokens.len());
        }
        offsets.push(text.len() as u32);
        View {
            folded,
            offsets,
            tokens,
            sentences,
        }
    }

    /// The original byte range behind a folded range that starts and ends on token edges.
    pub(crate) fn original(&self, folded: Range<usize>) -> Range<usize> {
        self.offsets[folded.start] as usize..self.offsets[folded.end] as usize
    }

    pub(crate) fn token_original(&self, t: usize) -> Range<usize> {
        self.original(self.tokens[t].folded.clone())
    }

    pub(crate) fn token_folded(&self, t: usize) -> &str {
        &self.folded[self.tokens[t].folded.clone()]
    }

    /// Index of the token that contains (or starts after) folded byte `pos`.
    pub(crate) fn token_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.folded.end <= pos)
    }

    /// Index of the sentence holding token `t`.
    pub(crate) fn sentence_of(&self, t: usize) -> usize {
        self.sentences
            .partition_point(|s| s.end <= t)
            .min(self.sentences.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_maps_back() {
        let text = "Kèo nhà cái FB88.com! Đăng ký ngay";
        let v = View::new(text);
        assert_eq!(v.folded, " keo nha cai fb88 com dang ky ngay ");
        let words: Vec<&str> = (0..v.tokens.len())
            .map(|t| &text[v.token_original(t)])
            .collect();
        assert_eq!(
            words,
            ["Kèo", "nhà", "cái", "FB88", "com", "Đăng", "ký", "ngay"]
        );
        assert_eq!(v.sentences, vec![0..5, 5..8]);
        let m = v.folded.find("nha cai").unwrap();
        assert_eq!(&text[v.original(m..m + 7)], "nhà cái");
    }

    #[test]
    fn nfd_and_look_alikes_fold_too() {
        let v = View::new("nha\u{0300} cа\u{0301}i");
        assert_eq!(v.folded, " nha cai ");
        assert!(v.tokens[1].flags & DISGUISED != 0);
    }
}
