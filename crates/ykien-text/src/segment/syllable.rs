//! Per-token lookup keys.
//!
//! A token is hashed twice in one pass over its characters: once in a canonical form that
//! keeps every diacritic but not *where* the tone mark sits ("hoà" and "hòa" get the same
//! key, and so do NFC and NFD input), and once folded to bare ASCII-like letters so that
//! text typed without diacritics still meets the dictionary and the learned n-grams.

/// FxHash-style step: cheap, and good enough because indices are taken from the high bits.
#[inline(always)]
pub(crate) fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
}

const SEED_NORM: u64 = 0x243f_6a88_85a3_08d3;
const SEED_FOLD: u64 = 0x1319_8a2e_0370_7344;

/// Coarse shape of a token; capitalisation and digits say a lot about names and numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Shape {
    Lower = 0,
    Title = 1,
    Upper = 2,
    Digits = 3,
    Number = 4,
    Mixed = 5,
    Punct = 6,
    Other = 7,
    /// Padding before the first and after the last token.
    Edge = 8,
}

/// The keys of one token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keys {
    pub norm: u64,
    pub fold: u64,
    pub shape: Shape,
    /// The token carries at least one Vietnamese diacritic (tone or vowel mark, or đ).
    pub marked: bool,
}

impl Keys {
    pub(crate) const EDGE: Keys = Keys {
        norm: 0x9e37_79b9_7f4a_7c15,
        fold: 0x9e37_79b9_7f4a_7c15,
        shape: Shape::Edge,
        marked: false,
    };
}

/// Splits a precomposed Vietnamese letter that carries a mark into (lower-case letter with
/// its vowel marks, tone, upper case). Tones: 0 none, 1 grave, 2 acute, 3 hook, 4 tilde,
/// 5 dot below. The Icelandic eth stands in for đ in some Vietnamese text ("Ðặng").
#[inline]
fn split_tone(c: char) -> Option<(char, u8, bool)> {
    Some(match c {
        'à' => ('a', 1, false),
        'À' => ('a', 1, true),
        'á' => ('a', 2, false),
        'Á' => ('a', 2, true),
        'ả' => ('a', 3, false),
        'Ả' => ('a', 3, true),
        'ã' => ('a', 4, false),
        'Ã' => ('a', 4, true),
        'ạ' => ('a', 5, false),
        'Ạ' => ('a', 5, true),
        'è' => ('e', 1, false),
        'È' => ('e', 1, true),
        'é' => ('e', 2, false),
        'É' => ('e', 2, true),
        'ẻ' => ('e', 3, false),
        'Ẻ' => ('e', 3, true),
        'ẽ' => ('e', 4, false),
        'Ẽ' => ('e', 4, true),
        'ẹ' => ('e', 5, false),
        'Ẹ' => ('e', 5, true),
        'ì' => ('i', 1, false),
        'Ì' => ('i', 1, true),
        'í' => ('i', 2, false),
        'Í' => ('i', 2, true),
        'ỉ' => ('i', 3, false),
        'Ỉ' => ('i', 3, true),
        'ĩ' => ('i', 4, false),
        'Ĩ' => ('i', 4, true),
        'ị' => ('i', 5, false),
        'Ị' => ('i', 5, true),
        'ò' => ('o', 1, false),
        'Ò' => ('o', 1, true),
        'ó' => ('o', 2, false),
        'Ó' => ('o', 2, true),
        'ỏ' => ('o', 3, false),
        'Ỏ' => ('o', 3, true),
        'õ' => ('o', 4, false),
        'Õ' => ('o', 4, true),
        'ọ' => ('o', 5, false),
        'Ọ' => ('o', 5, true),
        'ù' => ('u', 1, false),
        'Ù' => ('u', 1, true),
        'ú' => ('u', 2, false),
        'Ú' => ('u', 2, true),
        'ủ' => ('u', 3, false),
        'Ủ' => ('u', 3, true),
        'ũ' => ('u', 4, false),
        'Ũ' => ('u', 4, true),
        'ụ' => ('u', 5, false),
        'Ụ' => ('u', 5, true),
        'ỳ' => ('y', 1, false),
        'Ỳ' => ('y', 1, true),
        'ý' => ('y', 2, false),
        'Ý' => ('y', 2, true),
        'ỷ' => ('y', 3, false),
        'Ỷ' => ('y', 3, true),
        'ỹ' => ('y', 4, false),
        'Ỹ' => ('y', 4, true),
        'ỵ' => ('y', 5, false),
        'Ỵ' => ('y', 5, true),
        'â' => ('â', 0, false),
        'Â' => ('â', 0, true),
        'ầ' => ('â', 1, false),
        'Ầ' => ('â', 1, true),
        'ấ' => ('â', 2, false),
        'Ấ' => ('â', 2, true),
        'ẩ' => ('â', 3, false),
        'Ẩ' => ('â', 3, true),
        'ẫ' => ('â', 4, false),
        'Ẫ' => ('â', 4, true),
        'ậ' => ('â', 5, false),
        'Ậ' => ('â', 5, true),
        'ê' => ('ê', 0, false),
        'Ê' => ('ê', 0, true),
        'ề' => ('ê', 1, false),
        'Ề' => ('ê', 1, true),
        'ế' => ('ê', 2, false),
        'Ế' => ('ê', 2, true),
        'ể' => ('ê', 3, false),
        'Ể' => ('ê', 3, true),
        'ễ' => ('ê', 4, false),
        'Ễ' => ('ê', 4, true),
        'ệ' => ('ê', 5, false),
        'Ệ' => ('ê', 5, true),
        'ô' => ('ô', 0, false),
        'Ô' => ('ô', 0, true),
        'ồ' => ('ô', 1, false),
        'Ồ' => ('ô', 1, true),
        'ố' => ('ô', 2, false),
        'Ố' => ('ô', 2, true),
        'ổ' => ('ô', 3, false),
        'Ổ' => ('ô', 3, true),
        'ỗ' => ('ô', 4, false),
        'Ỗ' => ('ô', 4, true),
        'ộ' => ('ô', 5, false),
        'Ộ' => ('ô', 5, true),
        'ă' => ('ă', 0, false),
        'Ă' => ('ă', 0, true),
        'ằ' => ('ă', 1, false),
        'Ằ' => ('ă', 1, true),
        'ắ' => ('ă', 2, false),
        'Ắ' => ('ă', 2, true),
        'ẳ' => ('ă', 3, false),
        'Ẳ' => ('ă', 3, true),
        'ẵ' => ('ă', 4, false),
        'Ẵ' => ('ă', 4, true),
        'ặ' => ('ă', 5, false),
        'Ặ' => ('ă', 5, true),
        'đ' | 'ð' => ('đ', 0, false),
        'Đ' | 'Ð' => ('đ', 0, true),
        'ơ' => ('ơ', 0, false),
        'Ơ' => ('ơ', 0, true),
        'ờ' => ('ơ', 1, false),
        'Ờ' => ('ơ', 1, true),
        'ớ' => ('ơ', 2, false),
        'Ớ' => ('ơ', 2, true),
        'ở' => ('ơ', 3, false),
        'Ở' => ('ơ', 3, true),
        'ỡ' => ('ơ', 4, false),
        'Ỡ' => ('ơ', 4, true),
        'ợ' => ('ơ', 5, false),
        'Ợ' => ('ơ', 5, true),
        'ư' => ('ư', 0, false),
        'Ư' => ('ư', 0, true),
        'ừ' => ('ư', 1, false),
        'Ừ' => ('ư', 1, true),
        'ứ' => ('ư', 2, false),
        'Ứ' => ('ư', 2, true),
        'ử' => ('ư', 3, false),
        'Ử' => ('ư', 3, true),
        'ữ' => ('ư', 4, false),
        'Ữ' => ('ư', 4, true),
        'ự' => ('ư', 5, false),
        'Ự' => ('ư', 5, true),
        _ => return None,
    })
}

/// Tone of a combining mark (input in NFD), if it is one.
#[inline]
fn combining_tone(c: char) -> Option<u8> {
    match c {
        '\u{0300}' => Some(1),
        '\u{0301}' => Some(2),
        '\u{0309}' => Some(3),
        '\u{0303}' => Some(4),
        '\u{0323}' => Some(5),
        _ => None,
    }
}

/// Applies a combining vowel mark (circumflex, breve, horn) to a bare letter.
#[inline]
fn compose_mark(base: char, mark: char) -> char {
    match (base, mark) {
        ('a', '\u{0302}') => 'â',
        ('e', '\u{0302}') => 'ê',
        ('o', '\u{0302}') => 'ô',
        ('a', '\u{0306}') => 'ă',
        ('o', '\u{031B}') => 'ơ',
        ('u', '\u{031B}') => 'ư',
        _ => base,
    }
}

/// The letter without vowel marks (đ→d).
#[inline]
pub(crate) fn fold_letter(c: char) -> char {
    match c {
        'ă' | 'â' => 'a',
        'ê' => 'e',
        'ô' | 'ơ' => 'o',
        'ư' => 'u',
        'đ' => 'd',
        _ => c,
    }
}

/// The lower-case letter stripped of every mark ("Ộ" → 'o').
#[inline]
pub(crate) fn bare_letter(c: char) -> char {
    fold_letter(analyse(c).base)
}

/// What hashing needs to know about one character.
#[derive(Clone, Copy)]
struct CharInfo {
    /// Lower case, vowel marks kept, tone removed.
    base: char,
    tone: u8,
    upper: bool,
    /// Carries a Vietnamese mark (tone, vowel mark, or đ).
    marked: bool,
    letter: bool,
}

/// Letters of the Latin blocks Vietnamese uses, without Unicode table look-ups; anything
/// else falls back to the standard library.
#[inline]
pub(crate) fn is_latin_letter(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF) && c != '×' && c != '÷'
}

#[inline]
fn analyse(c: char) -> CharInfo {
    if c.is_ascii() {
        return CharInfo {
            base: c.to_ascii_lowercase(),
            tone: 0,
            upper: c.is_ascii_uppercase(),
            marked: false,
            letter: c.is_ascii_alphabetic(),
        };
    }
    if let Some((base, tone, upper)) = split_tone(c) {
        return CharInfo {
            base,
            tone,
            upper,
            marked: true,
            letter: true,
        };
    }
    let upper = c.is_uppercase();
    let base = if upper {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    CharInfo {
        base,
        tone: 0,
        upper,
        marked: false,
        letter: is_latin_letter(c) || c.is_alphabetic(),
    }
}

/// Computes the keys of one token's text.
pub(crate) fn keys(text: &str) -> Keys {
    let mut norm = SEED_NORM;
    let mut fold = SEED_FOLD;
    let mut tone = 0u8;
    let mut marked = false;
    let mut pending: Option<char> = None;
    let (mut upper, mut lower, mut digit, mut other, mut first_upper, mut n) =
        (0u32, 0u32, 0u32, 0u32, false, 0u32);
    for c in text.chars() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            marked = true;
            if let Some(t) = combining_tone(c) {
                tone = t;
            } else if let Some(p) = pending {
                pending = Some(compose_mark(p, c));
            }
            continue;
        }
        if let Some(p) = pending.take() {
            norm = mix(norm, p as u64);
            fold = mix(fold, fold_letter(p) as u64);
        }
        let info = analyse(c);
        if info.tone != 0 {
            tone = info.tone;
        }
        marked |= info.marked;
        pending = Some(info.base);
        if n == 0 {
            first_upper = info.upper;
        }
        n += 1;
        if info.upper {
            upper += 1;
        } else if c.is_ascii_digit() {
            digit += 1;
        } else if info.letter {
            lower += 1;
        } else {
            other += 1;
        }
    }
    if let Some(p) = pending {
        norm = mix(norm, p as u64);
        fold = mix(fold, fold_letter(p) as u64);
    }
    norm = mix(norm, 0x100 + tone as u64);
    let letters = upper + lower;
    let shape = if letters == 0 && digit == 0 {
        Shape::Punct
    } else if other > 0 {
        if letters == 0 {
            Shape::Number
        } else {
            Shape::Other
        }
    } else if letters == 0 {
        Shape::Digits
    } else if digit > 0 {
        Shape::Mixed
    } else if lower == 0 {
        if upper == 1 {
            Shape::Title
        } else {
            Shape::Upper
        }
    } else if first_upper {
        Shape::Title
    } else {
        Shape::Lower
    };
    Keys {
        norm,
        fold,
        shape,
        marked,
    }
}

/// Removes Vietnamese diacritics but keeps letter case ("Hà Nội" → "Ha Noi"); used to make
/// the unaccented copy of the training data and unaccented evaluation text.
pub fn strip_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        let info = analyse(c);
        let bare = fold_letter(info.base);
        if !info.marked {
            out.push(c);
        } else if info.upper {
            out.push(bare.to_ascii_uppercase());
        } else {
            out.push(bare);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_and_nfd_share_a_key() {
        assert_eq!(keys("hoà").norm, keys("hòa").norm);
        assert_eq!(keys("thuỷ").norm, keys("thủy").norm);
        assert_eq!(keys("Thu\u{0323}y").norm, keys("thụy").norm);
        assert_eq!(keys("thu\u{031B}\u{0300}").norm, keys("thừ").norm);
        assert_ne!(keys("hoà").norm, keys("hoa").norm);
        assert_ne!(keys("hóa").norm, keys("hòa").norm);
    }

    #[test]
    fn fold_key_ignores_marks_and_case() {
        assert_eq!(keys("Việt").fold, keys("viet").fold);
        assert_eq!(keys("đường").fold, keys("duong").fold);
        assert!(keys("đường").marked);
        assert!(!keys("duong").marked);
    }

    #[test]
    fn shapes() {
        assert_eq!(keys("hà").shape, Shape::Lower);
        assert_eq!(keys("Hà").shape, Shape::Title);
        assert_eq!(keys("HCM").shape, Shape::Upper);
        assert_eq!(keys("2004").shape, Shape::Digits);
        assert_eq!(keys("2.000").shape, Shape::Number);
        assert_eq!(keys("U23").shape, Shape::Mixed);
        assert_eq!(keys(",").shape, Shape::Punct);
        assert_eq!(keys("TP.HCM").shape, Shape::Other);
    }

    #[test]
    fn strips_marks_keeping_case() {
        assert_eq!(
            strip_marks("Sinh viên vi phạm ở Hà Nội, ĐƯỜNG"),
            "Sinh vien vi pham o Ha Noi, DUONG"
        );
        assert_eq!(strip_marks("Thu\u{0323}y"), "Thuy");
    }
}
