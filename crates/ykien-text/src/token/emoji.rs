//! Emoji sequences and text emoticons.

use super::char_at;
use crate::normalize::is_emoji;

/// One emoji cluster: base, variation selectors, skin tones, ZWJ sequences, flags.
pub(super) fn scan_cluster(text: &str, start: usize) -> usize {
    let Some(first) = char_at(text, start) else {
        return start;
    };
    let mut end = start + first.len_utf8();
    let regional = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    if regional(first) {
        if let Some(c) = char_at(text, end).filter(|&c| regional(c)) {
            end += c.len_utf8();
        }
        return end;
    }
    while let Some(c) = char_at(text, end) {
        match c {
            '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' => {
                end += c.len_utf8()
            }
            '\u{200D}' => match char_at(text, end + 3) {
                Some(n) if is_emoji(n) => end += 3 + n.len_utf8(),
                _ => break,
            },
            _ => break,
        }
    }
    end
}

/// Text emoticons common in Vietnamese comments: ":)", ":))", ":(", ":D", ":v", "=))",
/// ";)", "<3".
pub(super) fn emoticon(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let first = b[start];
    let next = *b.get(start + 1)?;
    let end = match (first, next) {
        (b'<', b'3') => start + 2,
        (b':' | b';' | b'=', b')' | b'(') => {
            let mut e = start + 2;
            while b.get(e) == Some(&next) {
                e += 1;
            }
            e
        }
        (b':', b'\'') if b.get(start + 2) == Some(&b'(') => start + 3,
        (b':' | b';', b'D' | b'P' | b'p' | b'v' | b'V' | b'3' | b'o' | b'O' | b'*') => start + 2,
        _ => return None,
    };
    // a letter right after (":Do") means no emoticon
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(end)
}
