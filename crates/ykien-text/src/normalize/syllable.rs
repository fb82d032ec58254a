//! Spelling structure of one Vietnamese syllable: onset, vowel cluster, coda, tone.
//!
//! We only need enough phonotactics to place a tone mark and to tell real syllables
//! from mojibake; this is a spelling check, not a dictionary.

use super::vowel::{Base, Vowel, consonant, vowel};

/// Longest Vietnamese syllable in letters ("nghiêng").
pub(crate) const MAX_LETTERS: usize = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Letter {
    V(Vowel),
    C(char),
}

/// A syllable's letters and where its parts are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Syllable {
    pub letters: [Letter; MAX_LETTERS],
    /// Index of the first vowel of the nucleus (after "qu"/"gi").
    pub nucleus: usize,
    /// Number of vowels in the nucleus (1..=3).
    pub nucleus_len: usize,
    pub has_coda: bool,
    /// Index of the one toned vowel, if any.
    pub toned: Option<usize>,
}

/// Onsets ("qu" and "gi" are handled apart, as they share a letter with the nucleus).
fn is_onset(o: &[char]) -> bool {
    matches!(
        o,
        ['b']
            | ['c']
            | ['c', 'h']
            | ['d']
            | ['đ']
            | ['g']
            | ['g', 'h']
            | ['g', 'i']
            | ['h']
            | ['k']
            | ['k', 'h']
            | ['l']
            | ['m']
            | ['n']
            | ['n', 'g']
            | ['n', 'g', 'h']
            | ['n', 'h']
            | ['p']
            | ['p', 'h']
            | ['r']
            | ['s']
            | ['t']
            | ['t', 'h']
            | ['t', 'r']
            | ['v']
            | ['x']
            | ['q', 'u']
    )
}

fn is_coda(c: &[char]) -> bool {
    matches!(
        c,
        ['c'] | ['c', 'h'] | ['m'] | ['n'] | ['n', 'g'] | ['n', 'h'] | ['p'] | ['t']
    )
}

/// Vowel clusters, written with the base letters of [`base_char`].
fn is_cluster(v: &[char]) -> bool {
    matches!(
        v,
        ['a']
            | ['ă']
            | ['â']
            | ['e']
            | ['ê']
            | ['i']
            | ['o']
            | ['ô']
            | ['ơ']
            | ['u']
            | ['ư']
            | ['y']
            | ['a', 'i']
            | ['a', 'o']
            | ['a', 'u']
            | ['a', 'y']
            | ['â', 'u']
            | ['â', 'y']
            | ['e', 'o']
            | ['ê', 'u']
            | ['i', 'a']
            | ['i', 'ê']
            | ['i', 'u']
            | ['o', 'a']
            | ['o', 'ă']
            | ['o', 'e']
            | ['o', 'i']
            | ['ô', 'i']
            | ['ơ', 'i']
            | ['o', 'o']
            | ['u', 'a']
            | ['u', 'â']
            | ['u', 'ê']
            | ['u', 'i']
            | ['u', 'ô']
            | ['u', 'ơ']
            | ['u', 'y']
            | ['ư', 'a']
            | ['ư', 'i']
            | ['ư', 'u']
            | ['ư', 'ơ']
            | ['y', 'ê']
            | ['i', 'ê', 'u']
            | ['o', 'a', 'i']
            | ['o', 'a', 'y']
            | ['o', 'e', 'o']
            | ['u', 'â', 'y']
            | ['u', 'ô', 'i']
            | ['u', 'y', 'a']
            | ['u', 'y', 'ê']
            | ['u', 'y', 'u']
            | ['ư', 'ơ', 'i']
            | ['ư', 'ơ', 'u']
            | ['y', 'ê', 'u']
    )
}

fn base_char(b: Base) -> char {
    match b {
        Base::A => 'a',
        Base::ABreve => 'ă',
        Base::ACirc => 'â',
        Base::E => 'e',
        Base::ECirc => 'ê',
        Base::I => 'i',
        Base::O => 'o',
        Base::OCirc => 'ô',
        Base::OHorn => 'ơ',
        Base::U => 'u',
        Base::UHorn => 'ư',
        Base::Y => 'y',
    }
}

/// Splits `word` into letters; `None` if it has a non-letter or is too long.
pub(crate) fn letters(word: &str) -> Option<([Letter; MAX_LETTERS], usize)> {
    let mut out = [Letter::C('b'); MAX_LETTERS];
    let mut n = 0;
    for c in word.chars() {
        if n == MAX_LETTERS {
            return None;
        }
        out[n] = match vowel(c) {
            Some(v) => Letter::V(v),
            None => Letter::C(consonant(c)?),
        };
        n += 1;
    }
    Some((out, n))
}

/// Parses a word as one Vietnamese syllable; `None` if its spelling is impossible
/// (two tones, unknown onset, cluster or coda, foreign letters).
pub(crate) fn parse(word: &str) -> Option<Syllable> {
    let (letters, len) = letters(word)?;
    if len == 0 {
        return None;
    }
    // onset
    let mut onset = [' '; 3];
    let mut i = 0;
    while i < len {
        match letters[i] {
            Letter::C(c) if i < 3 => onset[i] = c,
            Letter::C(_) => return None,
            Letter::V(_) => break,
        }
        i += 1;
    }
    let onset_len = i;
    let mut nucleus = i;
    let next_vowel_after = |j: usize| {
        matches!(
            letters.get(j + 1).filter(|_| j + 1 < len),
            Some(Letter::V(_))
        )
    };
    if onset_len == 1 && onset[0] == 'q' {
        // "qu" + vowel: the u belongs to the onset
        match letters.get(i) {
            Some(Letter::V(v)) if i < len && v.base == Base::U && next_vowel_after(i) => {
                nucleus = i + 1
            }
            _ => return None,
        }
    } else if onset_len == 1 && onset[0] == 'g' {
        if let Some(Letter::V(v)) = letters.get(i)
            && i < len
            && v.base == Base::I
            && next_vowel_after(i)
        {
            nucleus = i + 1;
        }
    } else if onset_len > 0 && !is_onset(&onset[..onset_len]) {
        return None;
    }
    // nucleus
    let mut cluster = [' '; 3];
    let mut j = nucleus;
    while j < len {
        match letters[j] {
            Letter::V(v) => {
                if j - nucleus == 3 {
                    return None;
                }
                cluster[j - nucleus] = base_char(v.base);
            }
            Letter::C(_) => break,
        }
        j += 1;
    }
    let nucleus_len = j - nucleus;
    if nucleus_len == 0 {
        return None;
    }
    let cl = &cluster[..nucleus_len];
    if !is_cluster(cl) {
        return None;
    }
    // coda
    let mut coda = [' '; 2];
    let coda_len = len - j;
    if coda_len > 2 {
        return None;
    }
    for (k, slot) in coda.iter_mut().enumerate().take(coda_len) {
        match letters[j + k] {
            Letter::C(c) => *slot = c,
            Letter::V(_) => return None,
        }
    }
    if coda_len > 0 && !is_coda(&coda[..coda_len]) {
        return None;
    }
    // tone: at most one, anywhere among the vowels (including a misplaced one on the
    // u of "qu" or the i of "gi")
    let mut toned = None;
    for (k, l) in letters[..len].iter().enumerate() {
        if let Letter::V(v) = l
            && v.tone != 0
        {
            if toned.is_some() {
                return None;
            }
            toned = Some(k);
        }
    }
    Some(Syllable {
        letters,
        nucleus,
        nucleus_len,
        has_coda: coda_len > 0,
        toned,
    })
}

/// True when `word` is spelled like a Vietnamese syllable.
pub(crate) fn is_syllable(word: &str) -> bool {
    parse(word).is_some()
}
