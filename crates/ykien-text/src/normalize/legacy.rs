//! Pre-Unicode Vietnamese encodings that reach us as mojibake.
//!
//! Old .doc files, forwarded e-mails and some provincial sites still carry text typed in
//! TCVN3 (ABC, ".VnTime" fonts) or VNI-Windows. Once such bytes have been decoded as
//! Windows-1252/Latin-1 they look like "ViÖt Nam" (TCVN3) or "Vieät Nam" (VNI). We
//! detect that shape from whole words and map it back.

use super::offset_map::{MapBuilder, OffsetMap, finish_pass};
use super::syllable::is_syllable;
use super::vowel::{Base, Vowel};

/// A legacy Vietnamese encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// TCVN 5712:1993 "VN3", the ABC fonts: one byte per letter.
    Tcvn3,
    /// VNI-Windows: a base letter followed by a byte for its marks.
    Vni,
}

/// TCVN3 bytes (as Latin-1 characters) and the letters they stand for. Toned capitals
/// lived in separate fonts that reuse the lower-case bytes, so they decode to lower case.
const TCVN3: &[(char, char)] = &[
    ('\u{A1}', 'Ă'),
    ('\u{A2}', 'Â'),
    ('\u{A3}', 'Ê'),
    ('\u{A4}', 'Ô'),
    ('\u{A5}', 'Ơ'),
    ('\u{A6}', 'Ư'),
    ('\u{A7}', 'Đ'),
    ('\u{A8}', 'ă'),
    ('\u{A9}', 'â'),
    ('\u{AA}', 'ê'),
    ('\u{AB}', 'ô'),
    ('\u{AC}', 'ơ'),
    ('\u{AD}', 'ư'),
    ('\u{AE}', 'đ'),
    ('\u{B5}', 'à'),
    ('\u{B6}', 'ả'),
    ('\u{B7}', 'ã'),
    ('\u{B8}', 'á'),
    ('\u{B9}', 'ạ'),
    ('\u{BB}', 'ằ'),
    ('\u{BC}', 'ẳ'),
    ('\u{BD}', 'ẵ'),
    ('\u{BE}', 'ắ'),
    ('\u{C6}', 'ặ'),
    ('\u{C7}', 'ầ'),
    ('\u{C8}', 'ẩ'),
    ('\u{C9}', 'ẫ'),
    ('\u{CA}', 'ấ'),
    ('\u{CB}', 'ậ'),
    ('\u{CC}', 'è'),
    ('\u{CE}', 'ẻ'),
    ('\u{CF}', 'ẽ'),
    ('\u{D0}', 'é'),
    ('\u{D1}', 'ẹ'),
    ('\u{D2}', 'ề'),
    ('\u{D3}', 'ể'),
    ('\u{D4}', 'ễ'),
    ('\u{D5}', 'ế'),
    ('\u{D6}', 'ệ'),
    ('\u{D7}', 'ì'),
    ('\u{D8}', 'ỉ'),
    ('\u{DC}', 'ĩ'),
    ('\u{DD}', 'í'),
    ('\u{DE}', 'ị'),
    ('\u{DF}', 'ò'),
    ('\u{E1}', 'ỏ'),
    ('\u{E2}', 'õ'),
    ('\u{E3}', 'ó'),
    ('\u{E4}', 'ọ'),
    ('\u{E5}', 'ồ'),
    ('\u{E6}', 'ổ'),
    ('\u{E7}', 'ỗ'),
    ('\u{E8}', 'ố'),
    ('\u{E9}', 'ộ'),
    ('\u{EA}', 'ờ'),
    ('\u{EB}', 'ở'),
    ('\u{EC}', 'ỡ'),
    ('\u{ED}', 'ớ'),
    ('\u{EE}', 'ợ'),
    ('\u{EF}', 'ù'),
    ('\u{F1}', 'ủ'),
    ('\u{F2}', 'ũ'),
    ('\u{F3}', 'ú'),
    ('\u{F4}', 'ụ'),
    ('\u{F5}', 'ừ'),
    ('\u{F6}', 'ử'),
    ('\u{F7}', 'ữ'),
    ('\u{F8}', 'ứ'),
    ('\u{F9}', 'ự'),
    ('\u{FA}', 'ỳ'),
    ('\u{FB}', 'ỷ'),
    ('\u{FC}', 'ỹ'),
    ('\u{FD}', 'ý'),
    ('\u{FE}', 'ỵ'),
];

fn tcvn3_char(c: char) -> Option<char> {
    if !('\u{A1}'..='\u{FE}').contains(&c) {
        return None;
    }
    TCVN3
        .binary_search_by(|(k, _)| k.cmp(&c))
        .ok()
        .map(|i| TCVN3[i].1)
}

/// VNI tone bytes after a vowel: ù sắc, ø huyền, û hỏi, õ ngã, ï nặng (and capitals).
fn vni_tone(c: char) -> Option<u8> {
    match c {
        'ø' | 'Ø' => Some(1),
        'ù' | 'Ù' => Some(2),
        'û' | 'Û' => Some(3),
        'õ' | 'Õ' => Some(4),
        'ï' | 'Ï' => Some(5),
        _ => None,
    }
}

/// VNI circumflex bytes (â and the â+tone bytes) after a, e, o.
fn vni_circumflex(c: char) -> Option<u8> {
    match c {
        'â' | 'Â' => Some(0),
        'à' | 'À' => Some(1),
        'á' | 'Á' => Some(2),
        'å' | 'Å' => Some(3),
        'ã' | 'Ã' => Some(4),
        'ä' | 'Ä' => Some(5),
        _ => None,
    }
}

/// VNI breve bytes after a.
fn vni_breve(c: char) -> Option<u8> {
    match c {
        'ê' | 'Ê' => Some(0),
        'è' | 'È' => Some(1),
        'é' | 'É' => Some(2),
        'ú' | 'Ú' => Some(3),
        'ü' | 'Ü' => Some(4),
        'ë' | 'Ë' => Some(5),
        _ => None,
    }
}

/// Decodes one VNI unit starting with `c` (followed by `next`). Returns the letter and
/// whether `next` was consumed; `None` when `c` is not VNI-specific.
fn vni_unit(c: char, next: Option<char>) -> Option<(char, bool)> {
    let upper = c.is_uppercase();
    let v = |base, tone| Vowel { base, tone, upper }.to_char();
    let base = match c.to_ascii_lowercase() {
        'a' => Some(Base::A),
        'e' => Some(Base::E),
        'o' => Some(Base::O),
        'u' => Some(Base::U),
        'y' => Some(Base::Y),
        'i' => Some(Base::I),
        _ => None,
    };
    if let Some(base) = base {
        let n = next?;
        if let Some(t) = vni_tone(n) {
            return Some((v(base, t), true));
        }
        let circ = match base {
            Base::A => Some(Base::ACirc),
            Base::E => Some(Base::ECirc),
            Base::O => Some(Base::OCirc),
            _ => None,
        };
        if let (Some(b), Some(t)) = (circ, vni_circumflex(n)) {
            return Some((v(b, t), true));
        }
        if let (Base::A, Some(t)) = (base, vni_breve(n)) {
            return Some((v(Base::ABreve, t), true));
        }
        return None;
    }
    let (base, tone) = match c {
        'ô' | 'Ô' => (Base::OHorn, None),
        'ö' | 'Ö' => (Base::UHorn, None),
        'ì' | 'Ì' => (Base::I, Some(1)),
        'í' | 'Í' => (Base::I, Some(2)),
        'æ' | 'Æ' => (Base::I, Some(3)),
        'ó' | 'Ó' => (Base::I, Some(4)),
        'ò' | 'Ò' => (Base::I, Some(5)),
        'î' | 'Î' => (Base::Y, Some(5)),
        'ñ' => return Some(('đ', false)),
        'Ñ' => return Some(('Đ', false)),
        _ => return None,
    };
    match tone {
        Some(t) => Some((v(base, t), false)),
        None => match next.and_then(vni_tone) {
            Some(t) => Some((v(base, t), true)),
            None => Some((v(base, 0), false)),
        },
    }
}

/// Decodes `word`; `None` if it has a Latin-1 letter that the encoding cannot explain.
fn decode_word(word: &str, enc: Encoding) -> Option<String> {
    let mut out = String::with_capacity(word.len() + 4);
    let mut it = word.chars().peekable();
    while let Some(c) = it.next() {
        match enc {
            Encoding::Tcvn3 => match tcvn3_char(c) {
                Some(d) => out.push(d),
                None if c.is_ascii() => out.push(c),
                None => return None,
            },
            Encoding::Vni => match vni_unit(c, it.peek().copied()) {
                Some((d, used_next)) => {
                    out.push(d);
                    if used_next {
                        it.next();
                    }
                }
                None if c.is_ascii() => out.push(c),
                None => return None,
            },
        }
    }
    Some(out)
}

/// Characters that Windows-1252 puts in 0x80..=0x9F; they can appear in mojibake.
fn is_cp1252_extra(c: char) -> bool {
    matches!(
        c,
        '€' | '‚'
            | 'ƒ'
            | '„'
            | '…'
            | '†'
            | '‡'
            | 'ˆ'
            | '‰'
            | 'Š'
            | '‹'
            | 'Œ'
            | 'Ž'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '•'
            | '–'
            | '—'
            | '˜'
            | '™'
            | 'š'
            | '›'
            | 'œ'
            | 'ž'
            | 'Ÿ'
    )
}

fn is_word_sep(c: char) -> bool {
    (c.is_ascii() && !c.is_ascii_alphanumeric()) || c.is_whitespace()
}

#[derive(Default)]
struct Votes {
    good: u32,
    bad: u32,
}

/// Guesses whether `text` is TCVN3 or VNI mojibake, with a confidence in 0..=1.
///
/// Each word with Latin-1 letters votes: for an encoding if decoding turns a non-word
/// into a Vietnamese syllable, against it if decoding fails or gives nonsense. Letters
/// beyond Latin-1 (real Unicode Vietnamese such as "ệ") vote against both. Returns
/// `None` when no word speaks for either encoding. Only the first few hundred words
/// with non-ASCII letters are read.
pub fn detect_legacy_encoding(text: &str) -> Option<(Encoding, f32)> {
    let mut tcvn = Votes::default();
    let mut vni = Votes::default();
    let mut unicode = 0u32;
    let mut seen = 0u32;
    for word in text.split(is_word_sep) {
        if word.is_ascii() {
            continue;
        }
        // a sample decides: Unicode text is recognised within its first words, and a
        // legacy document is legacy throughout
        seen += 1;
        if seen > 512 || (seen > 64 && tcvn.good == 0 && vni.good == 0) {
            break;
        }
        if word.chars().any(|c| c as u32 > 0xFF && !is_cp1252_extra(c)) {
            unicode += 1;
            continue;
        }
        let plain_ok = is_syllable(word);
        for (enc, votes) in [(Encoding::Tcvn3, &mut tcvn), (Encoding::Vni, &mut vni)] {
            match decode_word(word, enc) {
                Some(d) if is_syllable(&d) => {
                    if !plain_ok && d != word {
                        votes.good += 1;
                    }
                }
                _ => votes.bad += 1,
            }
        }
    }
    let score = |v: &Votes| {
        if v.good == 0 {
            return 0.0;
        }
        v.good as f32 / (v.good + v.bad + unicode) as f32
    };
    let (st, sv) = (score(&tcvn), score(&vni));
    if st == 0.0 && sv == 0.0 {
        return None;
    }
    if st >= sv {
        Some((Encoding::Tcvn3, st))
    } else {
        Some((Encoding::Vni, sv))
    }
}

/// Converts the whole text from `enc` mojibake to Unicode, mapping back.
pub(crate) fn convert(input: &str, enc: Encoding) -> (String, OffsetMap) {
    let mut b = MapBuilder::new(input);
    let mut it = input.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_ascii()
            && (enc == Encoding::Tcvn3
                || !matches!(
                    c,
                    'a' | 'e' | 'o' | 'u' | 'y' | 'i' | 'A' | 'E' | 'O' | 'U' | 'Y' | 'I'
                ))
        {
            continue;
        }
        match enc {
            Encoding::Tcvn3 => {
                if let Some(d) = tcvn3_char(c) {
                    b.replace_char(i..i + c.len_utf8(), d);
                }
            }
            Encoding::Vni => {
                let next = it.peek().map(|&(_, n)| n);
                if let Some((d, used_next)) = vni_unit(c, next) {
                    let mut end = i + c.len_utf8();
                    if used_next && let Some((j, n)) = it.next() {
                        end = j + n.len_utf8();
                    }
                    b.replace_char(i..end, d);
                }
            }
        }
    }
    finish_pass(input, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_converts_tcvn3() {
        let text = "Hµ Néi lµ thñ ®« cña ViÖt Nam";
        let (enc, conf) = detect_legacy_encoding(text).unwrap();
        assert_eq!(enc, Encoding::Tcvn3);
        assert!(conf > 0.8, "{conf}");
        let (out, map) = convert(text, enc);
        assert_eq!(out, "Hà Nội là thủ đô của Việt Nam");
        let i = out.find("Việt").unwrap();
        assert_eq!(&text[map.to_original(i..i + "Việt".len())], "ViÖt");
    }

    #[test]
    fn detects_and_converts_vni() {
        let text = "Tieáng Vieät laø ngoân ngöõ chính thöùc cuûa Vieät Nam";
        let (enc, conf) = detect_legacy_encoding(text).unwrap();
        assert_eq!(enc, Encoding::Vni);
        assert!(conf > 0.8, "{conf}");
        let (out, _) = convert(text, enc);
        assert_eq!(out, "Tiếng Việt là ngôn ngữ chính thức của Việt Nam");
        assert_eq!(
            convert("Xin chaøo caùc baïn, ñoàng baøo", Encoding::Vni).0,
            "Xin chào các bạn, đồng bào"
        );
    }

    #[test]
    fn unicode_is_not_legacy() {
        for text in [
            "Hà Nội là thủ đô của Việt Nam",
            "Xin chào các bạn",
            "Café à la crème",
            "hello",
        ] {
            let d = detect_legacy_encoding(text);
            assert!(d.is_none_or(|(_, c)| c < 0.5), "{text}: {d:?}");
        }
    }
}
