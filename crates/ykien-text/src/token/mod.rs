//! Tokenizer: typed tokens with byte spans, written as a hand-made scanner.
//!
//! It sits in front of the word segmenter, so it must be much faster than it (tens of
//! MB/s): one pass over the bytes, ASCII fast paths, no regex, no allocation per token.
//! Tokens are syllables (not words: joining syllables into words is the segmenter's
//! job) and the things a segmenter must not cut: dates, times, amounts, URLs, e-mail
//! addresses, phone numbers, hashtags, mentions, emoji.
//!
//! Guarantees: tokens come in order, never overlap, start and end on `char` boundaries,
//! and the bytes between them are whitespace only.

mod emoji;
mod number;
pub(crate) mod phone;
mod web;

use crate::normalize::{is_emoji_start, is_word_char};
use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A syllable or other run of letters and digits ("Hà", "COVID-19", "5G").
    Word,
    /// "1.000.000", "3,5", "2014".
    Number,
    /// "50%", "3,5%".
    Percent,
    /// "1/8/2014", "01-08-2014", "2014-08-01", "ngày 1/8".
    Date,
    /// "7h30", "07:30", "19h".
    Time,
    /// "500.000đ", "500k", "1,5 tỷ", "2 triệu đồng", "$20".
    Money,
    Url,
    Email,
    /// A Vietnamese phone number ("0912 345 678", "+84 24 3825 1234").
    Phone,
    Hashtag,
    Mention,
    /// An emoji sequence or an emoticon (":))", "<3").
    Emoji,
    /// Punctuation; runs such as "..." or "?!" are one token.
    Punct,
    /// Any other symbol.
    Symbol,
}

/// A token: its kind and its byte span in the tokenized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The token's text in `source` (the text it was produced from).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Tokenizes `text` into a vector.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    out.extend(tokens(text));
    out
}

/// Tokenizes lazily.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        prev_word: None,
    }
}

/// Iterator over the tokens of a text.
pub struct Tokens<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Span of the last word token, for context ("ngày 1/8" is a date, "1/8" alone is not).
    prev_word: Option<(usize, usize)>,
}

#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

impl<'a> Tokens<'a> {
    fn prev_word_text(&self) -> &'a str {
        self.prev_word.map_or("", |(s, e)| &self.text[s..e])
    }

    /// Skips whitespace; returns false at the end.
    #[inline]
    fn skip_space(&mut self) -> bool {
        let b = self.bytes;
        while self.pos < b.len() {
            let c = b[self.pos];
            if c < 0x80 {
                if c == b' ' || (b'\t'..=b'\r').contains(&c) {
                    self.pos += 1;
                    continue;
                }
                return true;
            }
            match char_at(self.text, self.pos) {
                Some(ch) if ch.is_whitespace() => self.pos += ch.len_utf8(),
                _ => return true,
            }
        }
        false
    }

    fn next_token(&mut self) -> Option<Token> {
        if !self.skip_space() {
            return None;
        }
        let start = self.pos;
        let b = self.bytes[start];
        let (kind, end) = if b.is_ascii_digit() {
            self.digit_web(start)
                .unwrap_or_else(|| number::scan(self.text, start, self.prev_word_text()))
        } else if b.is_ascii_alphabetic() {
            self.word_like(start)
        } else if b < 0x80 {
            self.ascii_symbol(start, b)
        } else {
            let c = char_at(self.text, start).unwrap_or('\u{FFFD}');
            if is_word_char(c) {
                (TokenKind::Word, scan_word(self.text, start))
            } else if is_emoji_start(c) {
                (TokenKind::Emoji, emoji::scan_cluster(self.text, start))
            } else if c == '₫' || c == '€' || c == '£' || c == '¥' {
                number::scan_currency_prefix(self.text, start, c.len_utf8())
                    .map_or((TokenKind::Symbol, start + c.len_utf8()), |e| {
                        (TokenKind::Money, e)
                    })
            } else if is_punct(c) {
                (TokenKind::Punct, punct_run(self.text, start, c))
            } else {
                (TokenKind::Symbol, start + c.len_utf8())
            }
        };
        debug_assert!(end > start && self.text.is_char_boundary(end));
        self.pos = end;
        if kind == TokenKind::Word {
            self.prev_word = Some((start, end));
        } else if kind != TokenKind::Punct {
            self.prev_word = None;
        }
        Some(Token { kind, start, end })
    }

    /// A token starting with an ASCII letter: a word, or a URL/e-mail/domain that
    /// happens to start like one.
    fn word_like(&self, start: usize) -> (TokenKind, usize) {
        let end = scan_word(self.text, start);
        match self.bytes.get(end) {
            Some(b'@' | b'.' | b'_' | b'%' | b'+' | b'-' | b':') => {
                if let Some(e) = web::url(self.text, start) {
                    return (TokenKind::Url, e);
                }
                if let Some(e) = web::email(self.text, start) {
                    return (TokenKind::Email, e);
                }
                if let Some(e) = web::domain(self.text, start) {
                    return (TokenKind::Url, e);
                }
                if let Some(e) = abbreviation_with_dots(self.text, start, end) {
                    return (TokenKind::Word, e);
                }
                (TokenKind::Word, end)
            }
            _ => (TokenKind::Word, end),
        }
    }

    /// "24h.com.vn", "123abc@gmail.com": web names may start with a digit.
    fn digit_web(&self, start: usize) -> Option<(TokenKind, usize)> {
        let b = self.bytes;
        let mut r = start;
        while r < b.len()
            && (b[r].is_ascii_alphanumeric() || matches!(b[r], b'_' | b'-' | b'+' | b'%'))
        {
            r += 1;
        }
        let next_is_letter = b.get(r + 1).is_some_and(u8::is_ascii_alphabetic);
        match b.get(r) {
            Some(b'@') => web::email(self.text, start).map(|e| (TokenKind::Email, e)),
            Some(b'.') if next_is_letter => web::email(self.text, start)
                .map(|e| (TokenKind::Email, e))
                .or_else(|| web::domain(self.text, start).map(|e| (TokenKind::Url, e))),
            _ => None,
        }
    }

    fn ascii_symbol(&self, start: usize, b: u8) -> (TokenKind, usize) {
        let text = self.text;
        match b {
            b'#' => {
                if let Some(e) = web::hashtag(text, start) {
                    return (TokenKind::Hashtag, e);
                }
            }
            b'@' => {
                if let Some(e) = web::mention(text, start) {
                    return (TokenKind::Mention, e);
                }
            }
            b'+' | b'(' => {
                if let Some(e) = phone::scan(text, start) {
                    return (TokenKind::Phone, e);
                }
            }
            b'$' => {
                if let Some(e) = number::scan_currency_prefix(text, start, 1) {
                    return (TokenKind::Money, e);
                }
            }
            b':' | b';' | b'=' | b'<' => {
                if let Some(e) = emoji::emoticon(text, start) {
                    return (TokenKind::Emoji, e);
                }
            }
            _ => {}
        }
        if b.is_ascii_punctuation() {
            let is_p = !matches!(
                b,
                b'$' | b'+'
                    | b'<'
                    | b'='
                    | b'>'
                    | b'^'
                    | b'`'
                    | b'|'
                    | b'~'
                    | b'%'
                    | b'&'
                    | b'*'
                    | b'\\'
            );
            if is_p {
                return (TokenKind::Punct, punct_run(text, start, b as char));
            }
        }
        (TokenKind::Symbol, start + 1)
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

/// End of the run of word characters starting at `start`; '_' and '-' stay inside a
/// word when letters follow ("Hà_Nội" from a segmenter, "COVID-19", "Wi-Fi").
#[inline]
pub(crate) fn scan_word(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    loop {
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return i;
        }
        let c = b[i];
        if c >= 0x80 {
            match char_at(text, i) {
                Some(ch) if is_word_char(ch) => {
                    i += ch.len_utf8();
                    continue;
                }
                _ => return i,
            }
        }
        if (c == b'_' || c == b'-') && i > start && char_at(text, i + 1).is_some_and(is_word_char) {
            i += 1;
            continue;
        }
        return i;
    }
}

/// "v.v." and "TP.HCM"-like abbreviations are kept whole only for the well-known
/// "v.v." (sentence splitting handles the others).
fn abbreviation_with_dots(text: &str, start: usize, end: usize) -> Option<usize> {
    let rest = &text[start..];
    if end - start == 1
        && (rest.starts_with("v.v.") || rest.starts_with("V.v.") || rest.starts_with("V.V."))
    {
        return Some(start + 4);
    }
    None
}

/// Non-ASCII punctuation we see in Vietnamese text.
#[inline]
fn is_punct(c: char) -> bool {
    matches!(c,
        '«' | '»' | '¡' | '¿' | '·' | '§' | '¶'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{FF01}'..='\u{FF0F}')
}

/// A run of the same punctuation ("...", "!!!", "--"), or of '!' and '?' mixed.
fn punct_run(text: &str, start: usize, c: char) -> usize {
    let mut end = start + c.len_utf8();
    let repeatable = matches!(c, '.' | '!' | '?' | '-' | '…' | '=' | '*' | '~');
    if !repeatable {
        return end;
    }
    while let Some(n) = char_at(text, end) {
        let same = n == c || (matches!(c, '!' | '?') && matches!(n, '!' | '?'));
        if !same {
            break;
        }
        end += n.len_utf8();
    }
    end
}

#[cfg(test)]
mod tests;
