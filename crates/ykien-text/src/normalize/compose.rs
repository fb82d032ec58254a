//! Pass that puts every word in NFC and its tone mark in the canonical place.

use super::offset_map::{MapBuilder, OffsetMap, finish_pass};
use super::tone::{ToneStyle, place_tone};
use super::vowel::{consonant, vowel};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Characters that are NFC whatever surrounds them and that no later mark can compose
/// with in Vietnamese text… almost: a combining mark after them is caught by the
/// library check, which runs as soon as one character is not in these ranges.
#[inline]
fn trivially_nfc(c: char) -> bool {
    matches!(c as u32, 0..=0x2FF | 0x1EA0..=0x1EF9 | 0x2010..=0x2027 | 0x2030..=0x205E | 0x1F300..=0x1FAFF)
}

/// Chunks are runs of non-separators (separators: ASCII punctuation and spaces). A
/// combining mark always joins the chunk of the character before it, so NFC per chunk
/// gives the same result as NFC of the whole text ("=\u{338}" becomes "≠").
pub(crate) fn compose(input: &str, tone: Option<ToneStyle>) -> (String, OffsetMap) {
    if input.is_ascii() {
        return (input.to_owned(), OffsetMap::identity(input.len()));
    }
    let need_nfc =
        !input.chars().all(trivially_nfc) && is_nfc_quick(input.chars()) != IsNormalized::Yes;
    let mut b = MapBuilder::new(input);
    let mut scratch = String::new();
    let mut chunk_start: Option<usize> = None;
    let mut chunk_ascii = true;
    let mut prev_start = 0;
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let (c, len) = if byte < 0x80 {
            (byte as char, 1)
        } else {
            let c = input[i..].chars().next().unwrap_or('\u{FFFD}');
            (c, c.len_utf8())
        };
        let separator = if byte < 0x80 {
            !c.is_ascii_alphanumeric()
        } else {
            c.is_whitespace()
        };
        if separator {
            if let Some(s) = chunk_start.take()
                && !chunk_ascii
            {
                fix_chunk(&mut b, input, s, i, need_nfc, tone, &mut scratch);
            }
        } else if chunk_start.is_none() {
            // a mark after a separator joins it: NFC may compose them
            let s = if byte >= 0x80 && is_combining_mark(c) {
                prev_start
            } else {
                i
            };
            chunk_start = Some(s);
            chunk_ascii = byte < 0x80;
        } else if byte >= 0x80 {
            chunk_ascii = false;
        }
        prev_start = i;
        i += len;
    }
    if let Some(s) = chunk_start
        && !chunk_ascii
    {
        fix_chunk(&mut b, input, s, input.len(), need_nfc, tone, &mut scratch);
    }
    finish_pass(input, b)
}

fn fix_chunk(
    b: &mut MapBuilder<'_>,
    input: &str,
    start: usize,
    end: usize,
    need_nfc: bool,
    tone: Option<ToneStyle>,
    scratch: &mut String,
) {
    let chunk = &input[start..end];
    let nfc_owned;
    let nfc: &str = if need_nfc && is_nfc_quick(chunk.chars()) != IsNormalized::Yes {
        nfc_owned = chunk.nfc().collect::<String>();
        &nfc_owned
    } else {
        chunk
    };
    let Some(style) = tone else {
        if nfc != chunk {
            b.replace(start..end, nfc);
        }
        return;
    };
    scratch.clear();
    let mut changed = false;
    let mut copied = 0;
    // letter runs inside the chunk; a run followed by a leftover combining mark is left
    // alone (moving its tone could change how the mark composes)
    let mut run: Option<usize> = None;
    let handle_run =
        |rs: usize, re: usize, next: Option<char>, scratch: &mut String, copied: &mut usize| {
            if re - rs < 2 || next.is_some_and(is_combining_mark) {
                return false;
            }
            let word = &nfc[rs..re];
            let mark = scratch.len();
            scratch.push_str(&nfc[*copied..rs]);
            if place_tone(word, style, scratch) {
                *copied = re;
                true
            } else {
                scratch.truncate(mark);
                false
            }
        };
    // Only runs with two vowels or more and a tone can have a misplaced tone, and not
    // when the tone already sits on the last vowel with a shape mark ("người",
    // "được"): that vowel always wins.
    let (mut vowels, mut toned, mut settled) = (0u8, false, false);
    for (k, c) in nfc.char_indices() {
        let letter = match vowel(c) {
            Some(v) => {
                vowels = vowels.saturating_add(1);
                toned |= v.tone != 0;
                if v.base.has_shape_mark() {
                    settled = v.tone != 0;
                }
                true
            }
            None => consonant(c).is_some(),
        };
        if letter {
            if run.is_none() {
                run = Some(k);
            }
        } else if let Some(rs) = run.take() {
            if vowels >= 2 && toned && !settled {
                changed |= handle_run(rs, k, Some(c), scratch, &mut copied);
            }
            (vowels, toned, settled) = (0, false, false);
        }
    }
    if let Some(rs) = run
        && vowels >= 2
        && toned
        && !settled
    {
        changed |= handle_run(rs, nfc.len(), None, scratch, &mut copied);
    }
    if changed {
        scratch.push_str(&nfc[copied..]);
        b.replace(start..end, scratch);
    } else if nfc != chunk {
        b.replace(start..end, nfc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_and_places_tones() {
        let input = "Hoa\u{300} bi\u{300}nh, thuỷ sản; «hoà»";
        let (out, map) = compose(input, Some(ToneStyle::New));
        assert_eq!(out, "Hòa bình, thủy sản; «hòa»");
        assert_eq!(&input[map.to_original(0..4)], "Hoa\u{300}");
        let (out, _) = compose(input, Some(ToneStyle::Old));
        assert_eq!(out, "Hoà bình, thuỷ sản; «hoà»");
        assert_eq!(compose("=\u{338}", None).0, "≠");
    }
}
