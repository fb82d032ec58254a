//! Vietnamese vowels taken apart into base letter and tone.
//!
//! The syllable check needs to know which vowel carries the tone and which shape mark
//! (ă â ê ô ơ ư) each vowel has; a table answers that in one lookup per character.

use std::sync::OnceLock;

/// Lower-case vowels, one row per base, columns in tone order: none, huyền, sắc, hỏi,
/// ngã, nặng.
const ROWS: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];

/// Base vowel letters, in the order of [`ROWS`].
pub(crate) const BASES: [char; 12] = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];

pub(crate) const HUYEN: u8 = 1;
pub(crate) const HOI: u8 = 3;
pub(crate) const NGA: u8 = 4;

/// A vowel: its base letter (with shape mark) and its tone (0 = none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Vowel {
    pub base: char,
    pub tone: u8,
}

const LATIN_START: u32 = 0xC0;
const LATIN_END: u32 = 0x1B0;
const EXT_START: u32 = 0x1EA0;
const EXT_END: u32 = 0x1EF9;

struct Tables {
    latin: Vec<Option<Vowel>>,
    extended: Vec<Option<Vowel>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut latin = vec![None; (LATIN_END - LATIN_START + 1) as usize];
        let mut extended = vec![None; (EXT_END - EXT_START + 1) as usize];
        for (row, s) in ROWS.iter().enumerate() {
            for (tone, lower) in s.chars().enumerate() {
                let v = Vowel {
                    base: BASES[row],
                    tone: tone as u8,
                };
                for c in [lower, lower.to_uppercase().next().unwrap_or(lower)] {
                    let cp = c as u32;
                    if (LATIN_START..=LATIN_END).contains(&cp) {
                        latin[(cp - LATIN_START) as usize] = Some(v);
                    } else if (EXT_START..=EXT_END).contains(&cp) {
                        extended[(cp - EXT_START) as usize] = Some(v);
                    }
                }
            }
        }
        Tables { latin, extended }
    })
}

/// The vowel behind `c`, upper or lower case; `None` for anything else.
#[inline]
pub(crate) fn vowel(c: char) -> Option<Vowel> {
    let cp = c as u32;
    if cp < 0x80 {
        let base = match c.to_ascii_lowercase() {
            b @ ('a' | 'e' | 'i' | 'o' | 'u' | 'y') => b,
            _ => return None,
        };
        return Some(Vowel { base, tone: 0 });
    }
    if (LATIN_START..=LATIN_END).contains(&cp) {
        return tables().latin[(cp - LATIN_START) as usize];
    }
    if (EXT_START..=EXT_END).contains(&cp) {
        return tables().extended[(cp - EXT_START) as usize];
    }
    None
}

/// The composed vowel for `base` and `tone`, lower case.
#[cfg(test)]
pub(crate) fn compose(base: char, tone: u8) -> Option<char> {
    let row = BASES.iter().position(|&b| b == base)?;
    ROWS[row].chars().nth(tone as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vowel_round_trips() {
        for (row, s) in ROWS.iter().enumerate() {
            for (tone, c) in s.chars().enumerate() {
                let v = vowel(c).unwrap();
                assert_eq!((v.base, v.tone as usize), (BASES[row], tone));
                assert_eq!(vowel(c.to_uppercase().next().unwrap()), Some(v));
                assert_eq!(compose(v.base, v.tone), Some(c));
            }
        }
        assert_eq!(vowel('b'), None);
        assert_eq!(vowel('đ'), None);
    }
}
