//! Pass that decodes HTML references, drops invisible characters and turns unusual
//! spaces into plain ones.

use super::chars::{is_emoji, is_invisible, plain_space};
use super::entities::parse_after_amp;
use super::offset_map::{MapBuilder, OffsetMap, finish_pass};

/// Whether a character from the text (or decoded from a reference) must change.
enum Action {
    Keep,
    Delete,
    Becomes(char),
}

#[inline]
fn action(c: char, prev: Option<char>, next: Option<char>) -> Action {
    if let Some(s) = plain_space(c) {
        return if s == c {
            Action::Keep
        } else {
            Action::Becomes(s)
        };
    }
    if c == '\u{200D}' {
        // keep the joiner inside emoji sequences (👨‍👩‍👧), drop it elsewhere
        let in_emoji = prev.is_some_and(is_emoji) && next.is_some_and(is_emoji);
        return if in_emoji {
            Action::Keep
        } else {
            Action::Delete
        };
    }
    if is_invisible(c) {
        Action::Delete
    } else {
        Action::Keep
    }
}

/// True when the character might need [`action`]: a cheap range test first.
#[inline]
fn suspicious(c: char) -> bool {
    matches!(
        c as u32,
        0x85 | 0xA0 | 0xAD | 0x1680 | 0x180E | 0x2000..=0x206F | 0x3000 | 0xFEFF
    )
}

pub(crate) fn clean(input: &str, entities: bool, spaces: bool) -> (String, OffsetMap) {
    let bytes = input.as_bytes();
    let mut b = MapBuilder::new(input);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte < 0x80 {
            if byte == b'&'
                && entities
                && let Some((c, end)) = decode_reference(input, i)
            {
                {
                    let prev = input[..i].chars().next_back();
                    let next = input[end..].chars().next();
                    match if spaces {
                        action(c, prev, next)
                    } else {
                        Action::Keep
                    } {
                        Action::Delete => b.replace(i..end, ""),
                        Action::Becomes(s) => b.replace_char(i..end, s),
                        Action::Keep => b.replace_char(i..end, c),
                    }
                    i = end;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        let c = input[i..].chars().next().unwrap_or('\u{FFFD}');
        let len = c.len_utf8();
        if spaces && suspicious(c) {
            let prev = input[..i].chars().next_back();
            let next = input[i + len..].chars().next();
            match action(c, prev, next) {
                Action::Delete => b.replace(i..i + len, ""),
                Action::Becomes(s) => b.replace_char(i..i + len, s),
                Action::Keep => {}
            }
        }
        i += len;
    }
    finish_pass(input, b)
}

/// Decodes the reference at `amp` (the index of '&'), following double escapes
/// ("&amp;quot;" is '"'), so that a second pass finds nothing left to decode.
fn decode_reference(input: &str, amp: usize) -> Option<(char, usize)> {
    let (mut c, used) = parse_after_amp(&input[amp + 1..])?;
    let mut end = amp + 1 + used;
    while c == '&' {
        match parse_after_amp(&input[end..]) {
            Some((c2, used2)) => {
                c = c2;
                end += used2;
            }
            None => break,
        }
    }
    Some((c, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_and_maps() {
        let input = "Vi&#7879;t\u{A0}Nam\u{200B}! AT&T &amp;quot;x&amp;quot;";
        let (out, map) = clean(input, true, true);
        assert_eq!(out, "Việt Nam! AT&T \"x\"");
        assert_eq!(&input[map.to_original(2..5)], "&#7879;");
        assert_eq!(&input[map.to_original(0..7)], "Vi&#7879;t\u{A0}");
        assert_eq!(&input[map.to_original(7..10)], "Nam");
    }

    #[test]
    fn keeps_joiner_in_emoji() {
        let family = "👨\u{200D}👩";
        assert_eq!(clean(family, true, true).0, family);
        assert_eq!(clean("a\u{200D}b", true, true).0, "ab");
    }
}
