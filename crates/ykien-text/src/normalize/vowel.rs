//! Vietnamese vowels split into base (with its shape mark), tone and case, and back.
//!
//! Tone placement and legacy decoding both need to move a tone from one vowel to another
//! without touching the shape marks (ă â ê ô ơ ư); a table is faster and clearer than
//! going through NFD.

use std::sync::OnceLock;

/// Lower-case vowels, one row per base, columns in tone order.
pub(crate) const ROWS: [&str; 12] = [
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

/// Base vowels in row order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Base {
    A,
    ABreve,
    ACirc,
    E,
    ECirc,
    I,
    O,
    OCirc,
    OHorn,
    U,
    UHorn,
    Y,
}

const BASES: [Base; 12] = [
    Base::A,
    Base::ABreve,
    Base::ACirc,
    Base::E,
    Base::ECirc,
    Base::I,
    Base::O,
    Base::OCirc,
    Base::OHorn,
    Base::U,
    Base::UHorn,
    Base::Y,
];

impl Base {
    /// Vowels with a shape mark attract the tone.
    pub(crate) fn has_shape_mark(self) -> bool {
        matches!(
            self,
            Base::ABreve | Base::ACirc | Base::ECirc | Base::OCirc | Base::OHorn | Base::UHorn
        )
    }

    /// The letter without shape mark, for spelling rules ("qu", "gi", "oa", …).
    pub(crate) fn plain(self) -> char {
        match self {
            Base::A | Base::ABreve | Base::ACirc => 'a',
            Base::E | Base::ECirc => 'e',
            Base::I => 'i',
            Base::O | Base::OCirc | Base::OHorn => 'o',
            Base::U | Base::UHorn => 'u',
            Base::Y => 'y',
        }
    }
}

/// A vowel taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Vowel {
    pub base: Base,
    /// 0 = no tone, then huyền, sắc, hỏi, ngã, nặng.
    pub tone: u8,
    pub upper: bool,
}

impl Vowel {
    pub(crate) fn to_char(self) -> char {
        let c = ROWS[self.base as usize]
            .chars()
            .nth(self.tone as usize)
            .unwrap_or('?');
        if self.upper {
            c.to_uppercase().next().unwrap_or(c)
        } else {
            c
        }
    }
}

struct Tables {
    /// U+00C0..=U+01B0
    latin: Vec<Option<Vowel>>,
    /// U+1EA0..=U+1EF9
    extended: Vec<Option<Vowel>>,
}

const LATIN_START: u32 = 0xC0;
const LATIN_END: u32 = 0x1B0;
const EXT_START: u32 = 0x1EA0;
const EXT_END: u32 = 0x1EF9;

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut latin = vec![None; (LATIN_END - LATIN_START + 1) as usize];
        let mut extended = vec![None; (EXT_END - EXT_START + 1) as usize];
        for (row, s) in ROWS.iter().enumerate() {
            for (tone, lower) in s.chars().enumerate() {
                let upper = lower.to_uppercase().next().unwrap_or(lower);
                for (c, is_upper) in [(lower, false), (upper, true)] {
                    let v = Vowel {
                        base: BASES[row],
                        tone: tone as u8,
                        upper: is_upper,
                    };
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

/// Takes a vowel apart; `None` for anything that is not a precomposed Vietnamese vowel.
#[inline]
pub(crate) fn vowel(c: char) -> Option<Vowel> {
    let cp = c as u32;
    if cp < 0x80 {
        let lower = c.to_ascii_lowercase();
        let base = match lower {
            'a' => Base::A,
            'e' => Base::E,
            'i' => Base::I,
            'o' => Base::O,
            'u' => Base::U,
            'y' => Base::Y,
            _ => return None,
        };
        return Some(Vowel {
            base,
            tone: 0,
            upper: c.is_ascii_uppercase(),
        });
    }
    if (LATIN_START..=LATIN_END).contains(&cp) {
        return tables().latin[(cp - LATIN_START) as usize];
    }
    if (EXT_START..=EXT_END).contains(&cp) {
        return tables().extended[(cp - EXT_START) as usize];
    }
    None
}

/// Vietnamese consonant letters (lower-cased), `đ` included.
#[inline]
pub(crate) fn consonant(c: char) -> Option<char> {
    match c {
        'b' | 'c' | 'd' | 'g' | 'h' | 'k' | 'l' | 'm' | 'n' | 'p' | 'q' | 'r' | 's' | 't' | 'v'
        | 'x' => Some(c),
        'B' | 'C' | 'D' | 'G' | 'H' | 'K' | 'L' | 'M' | 'N' | 'P' | 'Q' | 'R' | 'S' | 'T' | 'V'
        | 'X' => Some(c.to_ascii_lowercase()),
        'đ' | 'Đ' => Some('đ'),
        // f, j, w, z appear in loanwords and teencode; they are letters but never Vietnamese
        'f' | 'j' | 'w' | 'z' | 'F' | 'J' | 'W' | 'Z' => Some(c.to_ascii_lowercase()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_vowel() {
        for row in ROWS {
            for c in row.chars() {
                for c in [c, c.to_uppercase().next().unwrap()] {
                    let v = vowel(c).unwrap();
                    assert_eq!(v.to_char(), c);
                }
            }
        }
        assert_eq!(vowel('ệ').map(|v| (v.base, v.tone)), Some((Base::ECirc, 5)));
        assert_eq!(vowel('b'), None);
        assert_eq!(vowel('×'), None);
    }
}
