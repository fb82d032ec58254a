//! Vietnamese vowels taken apart into base letter and tone.
//!
//! The syllable check needs to know which vowel carries the tone and which shape mark
//! (ă â ê ô ơ ư) each vowel has. The lookup itself is the normaliser's table, so that the
//! crate has one answer to "is this a vowel, and which"; this view drops the case and names
//! the base by its letter, which is what the spelling rules here compare against.

use crate::normalize::vowel as table;

/// Base vowel letters, in the order of the normaliser's rows (and of its `Base`).
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

/// The vowel behind `c`, upper or lower case; `None` for anything else.
#[inline]
pub(crate) fn vowel(c: char) -> Option<Vowel> {
    table::vowel(c).map(|v| Vowel {
        base: BASES[v.base as usize],
        tone: v.tone,
    })
}

/// The composed vowel for `base` and `tone`, lower case.
#[cfg(test)]
pub(crate) fn compose(base: char, tone: u8) -> Option<char> {
    let row = BASES.iter().position(|&b| b == base)?;
    table::ROWS[row].chars().nth(tone as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vowel_round_trips() {
        for (row, s) in table::ROWS.iter().enumerate() {
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

    #[test]
    fn bases_follow_the_table_rows() {
        for (row, s) in table::ROWS.iter().enumerate() {
            assert_eq!(s.chars().next(), Some(BASES[row]));
        }
    }
}
