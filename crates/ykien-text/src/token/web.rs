//! URLs, e-mail addresses, bare domains, hashtags and mentions.

use super::char_at;
use crate::normalize::is_word_char;

/// Top-level domains that make "word.tld" a domain rather than a missing space.
const TLDS: [&str; 22] = [
    "vn", "com", "net", "org", "gov", "edu", "info", "io", "biz", "co", "me", "tv", "app", "dev",
    "xyz", "online", "site", "asia", "int", "news", "store", "link",
];

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Characters that end a URL when they are its last character.
fn trailing(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '”' | '’' | '»' | '…' | ']' | '}' | '>'
    )
}

/// Extends a URL to the next space and trims trailing punctuation (and a ')' that
/// closes a parenthesis opened before the URL).
fn url_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if c.is_ascii_whitespace()
                || matches!(c, b'<' | b'>' | b'"' | b'`' | b'{' | b'}' | b'|' | b'\\')
            {
                break;
            }
            i += 1;
        } else {
            match char_at(text, i) {
                Some(ch) if ch.is_whitespace() || matches!(ch, '“' | '”' | '«' | '»') => {
                    break;
                }
                Some(ch) => i += ch.len_utf8(),
                None => break,
            }
        }
    }
    loop {
        let s = &text[from..i];
        let Some(last) = s.chars().next_back() else {
            break;
        };
        let unbalanced_paren = last == ')' && s.matches('(').count() < s.matches(')').count();
        if trailing(last) || unbalanced_paren {
            i -= last.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// "http://…", "https://…", "www.…".
pub(super) fn url(text: &str, start: usize) -> Option<usize> {
    let b = &text.as_bytes()[start..];
    let skip = if starts_with_ci(b, b"https://") {
        8
    } else if starts_with_ci(b, b"http://") {
        7
    } else if starts_with_ci(b, b"ftp://") {
        6
    } else if starts_with_ci(b, b"www.") {
        4
    } else {
        return None;
    };
    if !b.get(skip).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let end = url_end(text, start + skip);
    (end > start + skip).then_some(end)
}

/// End of a domain name ("mail.vnu.edu.vn") starting at `start`, if it has a dot and
/// ends in a letter label of 2+ letters.
fn domain_end(b: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut i = start;
    let mut last_label_start;
    let mut dots = 0;
    loop {
        let label_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        if i == label_start || b[label_start] == b'-' || b[i - 1] == b'-' {
            return None;
        }
        last_label_start = label_start;
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_alphanumeric() {
            i += 1;
            dots += 1;
            continue;
        }
        break;
    }
    let tld = &b[last_label_start..i];
    if dots == 0 || tld.len() < 2 || !tld.iter().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((i, last_label_start))
}

/// local@domain.tld
pub(super) fn email(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len()
        && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_' | b'%' | b'+' | b'-'))
    {
        i += 1;
    }
    if i == start || b.get(i) != Some(&b'@') || b[i - 1] == b'.' {
        return None;
    }
    let (end, _) = domain_end(b, i + 1)?;
    if char_at(text, end).is_some_and(is_word_char) {
        return None;
    }
    Some(end)
}

/// "vnexpress.net", "hanoi.gov.vn/tin-tuc": a domain with a known TLD, and its path.
pub(super) fn domain(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (end, tld_start) = domain_end(b, start)?;
    let tld = &text[tld_start..end];
    if !TLDS.contains(&tld) {
        return None;
    }
    match b.get(end) {
        Some(b'/') => Some(url_end(text, end)),
        _ if char_at(text, end).is_some_and(is_word_char) => None,
        _ => Some(end),
    }
}

fn tag_end(text: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(c) = char_at(text, i) {
        if is_word_char(c) || c == '_' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// "#MặtTrậnTổQuốc": needs at least one letter.
pub(super) fn hashtag(text: &str, start: usize) -> Option<usize> {
    let end = tag_end(text, start + 1);
    text[start + 1..end]
        .chars()
        .any(char::is_alphabetic)
        .then_some(end)
}

/// "@nguyenvana": not after a word character (that would be an e-mail).
pub(super) fn mention(text: &str, start: usize) -> Option<usize> {
    if text[..start].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let mut end = tag_end(text, start + 1);
    // dots inside handles ("@nguyen.van.a"), not at the end
    while text.as_bytes().get(end) == Some(&b'.')
        && char_at(text, end + 1).is_some_and(is_word_char)
    {
        end = tag_end(text, end + 1);
    }
    (end > start + 1).then_some(end)
}
