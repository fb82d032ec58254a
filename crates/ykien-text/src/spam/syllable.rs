//! Is this word a possible Vietnamese syllable?
//!
//! Spam that wants to slip past keyword filters scrambles tone marks ("kèọ nhà cáỉ"):
//! the text still reads as Vietnamese to a person but no longer spells a real
//! syllable. Checking the spelling rules — onset, optional medial, nucleus, coda and
//! exactly one tone on the right vowel — finds those words without a dictionary.
//!
//! Text typed without any diacritics is common; a word with no mark at all is accepted
//! when *some* placement of marks would make it a syllable ("nguoi", "tuan").

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::vowels::{HOI, HUYEN, NGA, Vowel, vowel};

/// Why a word cannot be a Vietnamese syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyllableIssue {
    /// Nothing to check.
    Empty,
    /// A digit, punctuation or a letter of another script.
    NotALetter,
    /// f, j, w or z: Latin letters Vietnamese spelling does not use.
    ForeignLetter,
    /// More letters than any syllable has ("nghiêng" has seven).
    TooLong,
    /// The leading consonants are no Vietnamese onset ("str", "bl", a lone "q").
    BadOnset,
    /// No vowel at all.
    NoVowel,
    /// The vowels do not form a Vietnamese nucleus ("eu", "aoi"), or a vowel follows
    /// the final consonant.
    BadVowelCluster,
    /// The final consonants are no Vietnamese coda ("nk", "l", "s").
    BadCoda,
    /// This nucleus cannot take this coda ("aim", "enh").
    CodaNotAllowed,
    /// This nucleus needs a final consonant ("ă", "iê" alone).
    MissingCoda,
    /// c/k, g/gh, ng/ngh used before the wrong vowel ("ce", "ka", "ghe" is right, "ge" is not).
    SpellingRule,
    /// More than one tone mark ("kèọ").
    SeveralTones,
    /// The tone mark sits on a vowel that never carries it ("caí", "qúa").
    MisplacedTone,
    /// A syllable ending in p, t, c or ch takes only the sắc or nặng tone ("càt").
    ToneWithStopCoda,
}

/// True when `word` spells a possible Vietnamese syllable (see [`check_syllable`]).
pub fn is_valid_syllable(word: &str) -> bool {
    check_syllable(word).is_ok()
}

/// Checks the spelling of one word, upper or lower case, NFC or NFD.
pub fn check_syllable(word: &str) -> Result<(), SyllableIssue> {
    if word.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c)) {
        let composed: String = word.nfc().collect();
        if composed
            .chars()
            .any(|c| ('\u{0300}'..='\u{036F}').contains(&c))
        {
            return Err(SyllableIssue::NotALetter);
        }
        return check_letters(&composed);
    }
    check_letters(word)
}

const MAX_LETTERS: usize = 7;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Letter {
    V(Vowel),
    C(char),
}

/// Whether a nucleus takes a final consonant.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Coda {
    Optional,
    Required,
    Forbidden,
}

/// A nucleus and where its tone may go: bit i set = the i-th vowel may carry the tone,
/// in an open syllable (`open`) or before a final consonant (`closed`). Both the old
/// ("hòa", "thúy") and the new ("hoà", "thuý") placements are accepted.
struct Nucleus {
    vowels: &'static str,
    coda: Coda,
    open: u8,
    closed: u8,
}

const fn n(vowels: &'static str, coda: Coda, open: u8, closed: u8) -> Nucleus {
    Nucleus {
        vowels,
        coda,
        open,
        closed,
    }
}

use Coda::{Forbidden as F, Optional as O, Required as R};

const NUCLEI: &[Nucleus] = &[
    n("a", O, 1, 1),
    n("ă", R, 1, 1),
    n("â", R, 1, 1),
    n("e", O, 1, 1),
    n("ê", O, 1, 1),
    n("i", O, 1, 1),
    n("o", O, 1, 1),
    n("ô", O, 1, 1),
    n("ơ", O, 1, 1),
    n("u", O, 1, 1),
    n("ư", O, 1, 1),
    n("y", O, 1, 1),
    // main vowel + glide: tone on the first
    n("ai", F, 1, 0),
    n("ao", F, 1, 0),
    n("au", F, 1, 0),
    n("ay", F, 1, 0),
    n("âu", F, 1, 0),
    n("ây", F, 1, 0),
    n("eo", F, 1, 0),
    n("êu", F, 1, 0),
    n("iu", F, 1, 0),
    n("oi", F, 1, 0),
    n("ôi", F, 1, 0),
    n("ơi", F, 1, 0),
    n("ui", F, 1, 0),
    n("ưi", F, 1, 0),
    n("ưu", F, 1, 0),
    n("ia", F, 1, 0),
    n("ua", F, 1, 0),
    n("ưa", F, 1, 0),
    // medial + main vowel
    n("oa", O, 0b11, 0b10),
    n("oe", O, 0b11, 0b10),
    n("uy", O, 0b11, 0b10),
    n("uê", O, 0b10, 0b10),
    n("uơ", F, 0b10, 0),
    n("oă", R, 0, 0b10),
    n("uâ", R, 0, 0b10),
    n("iê", R, 0, 0b10),
    n("yê", R, 0, 0b10),
    n("uô", R, 0, 0b10),
    n("ươ", R, 0, 0b10),
    n("oo", R, 0, 0b11),
    // three vowels
    n("iêu", F, 0b010, 0),
    n("yêu", F, 0b010, 0),
    n("oai", F, 0b010, 0),
    n("oay", F, 0b010, 0),
    n("oeo", F, 0b010, 0),
    n("uây", F, 0b010, 0),
    n("uôi", F, 0b010, 0),
    n("ươi", F, 0b010, 0),
    n("ươu", F, 0b010, 0),
    n("uya", F, 0b010, 0),
    n("uyu", F, 0b010, 0),
    n("uyê", R, 0, 0b100),
];

fn is_onset(o: &[char]) -> bool {
    matches!(
        o,
        ['b' | 'c'
            | 'd'
            | 'đ'
            | 'g'
            | 'h'
            | 'k'
            | 'l'
            | 'm'
            | 'n'
            | 'p'
            | 'r'
            | 's'
            | 't'
            | 'v'
            | 'x']
            | ['c' | 'k' | 'n' | 'p' | 't', 'h']
            | ['g', 'h' | 'i']
            | ['n', 'g']
            | ['t', 'r']
            | ['n', 'g', 'h']
    )
}

fn is_coda(c: &[char]) -> bool {
    matches!(
        c,
        ['c' | 'm' | 'n' | 'p' | 't'] | ['c', 'h'] | ['n', 'g' | 'h']
    )
}

/// Nuclei as fixed-size keys, compared without decoding strings on every call.
fn nucleus_keys() -> &'static [([char; 3], usize, &'static Nucleus)] {
    static K: OnceLock<Vec<([char; 3], usize, &'static Nucleus)>> = OnceLock::new();
    K.get_or_init(|| {
        NUCLEI
            .iter()
            .map(|n| {
                let mut k = ['\0'; 3];
                let mut len = 0;
                for (i, c) in n.vowels.chars().enumerate() {
                    k[i] = c;
                    len += 1;
                }
                (k, len, n)
            })
            .collect()
    })
}

/// Index of a base vowel, 1..=12; 0 for "none".
fn base_index(c: char) -> usize {
    match c {
        'a' => 1,
        'ă' => 2,
        'â' => 3,
        'e' => 4,
        'ê' => 5,
        'i' => 6,
        'o' => 7,
        'ô' => 8,
        'ơ' => 9,
        'u' => 10,
        'ư' => 11,
        'y' => 12,
        _ => 0,
    }
}

/// The nucleus spelled by up to three base vowels, in one table lookup: every word of
/// every text is checked, so this is the hot path.
fn nucleus_of(bases: &[char]) -> Option<&'static Nucleus> {
    static T: OnceLock<Vec<Option<&'static Nucleus>>> = OnceLock::new();
    let table = T.get_or_init(|| {
        let mut t = vec![None; 13 * 13 * 13];
        for (k, _, n) in nucleus_keys() {
            t[slot(k)] = Some(*n);
        }
        t
    });
    table[slot(&key3(bases))]
}

fn slot(k: &[char; 3]) -> usize {
    (base_index(k[0]) * 13 + base_index(k[1])) * 13 + base_index(k[2])
}

fn key3(bases: &[char]) -> [char; 3] {
    let mut k = ['\0'; 3];
    k[..bases.len()].copy_from_slice(bases);
    k
}

fn plain(base: char) -> char {
    match base {
        'ă' | 'â' => 'a',
        'ê' => 'e',
        'ô' | 'ơ' => 'o',
        'ư' => 'u',
        b => b,
    }
}

fn letter(c: char) -> Result<Letter, SyllableIssue> {
    if let Some(v) = vowel(c) {
        return Ok(Letter::V(v));
    }
    match c {
        'b' | 'c' | 'd' | 'g' | 'h' | 'k' | 'l' | 'm' | 'n' | 'p' | 'q' | 'r' | 's' | 't' | 'v'
        | 'x' => Ok(Letter::C(c)),
        'B' | 'C' | 'D' | 'G' | 'H' | 'K' | 'L' | 'M' | 'N' | 'P' | 'Q' | 'R' | 'S' | 'T' | 'V'
        | 'X' => Ok(Letter::C(c.to_ascii_lowercase())),
        'đ' | 'Đ' => Ok(Letter::C('đ')),
        'f' | 'j' | 'w' | 'z' | 'F' | 'J' | 'W' | 'Z' => Err(SyllableIssue::ForeignLetter),
        _ => Err(SyllableIssue::NotALetter),
    }
}

fn eq_chars(a: &[char], s: &str) -> bool {
    a.iter().copied().eq(s.chars())
}

fn check_letters(word: &str) -> Result<(), SyllableIssue> {
    let mut letters = [Letter::C('b'); MAX_LETTERS];
    let mut len = 0;
    let mut marked = false;
    for c in word.chars() {
        let l = letter(c)?;
        if len == MAX_LETTERS {
            return Err(SyllableIssue::TooLong);
        }
        marked |= !c.is_ascii();
        letters[len] = l;
        len += 1;
    }
    if len == 0 {
        return Err(SyllableIssue::Empty);
    }
    let letters = &letters[..len];

    // onset
    let mut onset = ['\0'; 3];
    let mut i = 0;
    while i < len {
        match letters[i] {
            Letter::C(c) => {
                if i == 3 {
                    return Err(SyllableIssue::BadOnset);
                }
                onset[i] = c;
            }
            Letter::V(_) => break,
        }
        i += 1;
    }
    if i == len {
        return Err(SyllableIssue::NoVowel);
    }
    let onset = &onset[..i];
    let vowel_at = |j: usize| match letters.get(j) {
        Some(Letter::V(v)) => Some(*v),
        _ => None,
    };
    // "qu" and "gi" take the u or i into the onset when another vowel follows
    let mut nucleus_start = i;
    let mut glide_in_onset: Option<Vowel> = None;
    if eq_chars(onset, "q") {
        match (vowel_at(i), vowel_at(i + 1)) {
            (Some(u), Some(_)) if u.base == 'u' => {
                glide_in_onset = Some(u);
                nucleus_start = i + 1;
            }
            _ => return Err(SyllableIssue::BadOnset),
        }
    } else if eq_chars(onset, "g") {
        if let (Some(v), Some(_)) = (vowel_at(i), vowel_at(i + 1))
            && v.base == 'i'
        {
            glide_in_onset = Some(v);
            nucleus_start = i + 1;
        }
    } else if !onset.is_empty() && !is_onset(onset) {
        return Err(SyllableIssue::BadOnset);
    }

    // nucleus
    let mut bases = ['\0'; 3];
    let mut tones = [0u8; 3];
    let mut j = nucleus_start;
    while let Some(v) = vowel_at(j) {
        let k = j - nucleus_start;
        if k == 3 {
            return Err(SyllableIssue::BadVowelCluster);
        }
        bases[k] = v.base;
        tones[k] = v.tone;
        j += 1;
    }
    let nlen = j - nucleus_start;
    let bases = &bases[..nlen];

    // coda
    let mut coda = ['\0'; 2];
    for (k, l) in letters[j..].iter().enumerate() {
        match l {
            Letter::C(c) if k < 2 => coda[k] = *c,
            Letter::C(_) => return Err(SyllableIssue::BadCoda),
            Letter::V(_) => return Err(SyllableIssue::BadVowelCluster),
        }
    }
    let coda = &coda[..len - j];
    if !coda.is_empty() && !is_coda(coda) {
        return Err(SyllableIssue::BadCoda);
    }

    // spelling of the onset before its vowel
    let first = plain(bases[0]);
    let first_marked = bases[0];
    let front = matches!(first_marked, 'e' | 'ê' | 'i' | 'y');
    let spelling_ok = match onset {
        ['c'] => !front,
        ['k'] => front,
        ['g', 'h'] | ['n', 'g', 'h'] => matches!(first_marked, 'e' | 'ê' | 'i'),
        ['n', 'g'] => !matches!(first_marked, 'e' | 'ê' | 'i'),
        ['g'] if glide_in_onset.is_none() => !matches!(first, 'e'),
        _ => true,
    };
    if !spelling_ok {
        return Err(SyllableIssue::SpellingRule);
    }

    // nucleus and coda together
    let tone_mask = if marked {
        let nucleus = nucleus_of(bases).ok_or(SyllableIssue::BadVowelCluster)?;
        check_coda(nucleus.coda, bases, coda)?;
        if coda.is_empty() {
            nucleus.open
        } else {
            nucleus.closed
        }
    } else {
        lenient_nucleus(bases, coda)?;
        0
    };
    if !marked {
        return Ok(());
    }

    // tone
    let glide_tone = glide_in_onset.map_or(0, |v| v.tone);
    let mut toned = None;
    let mut count = usize::from(glide_tone != 0);
    for (k, &tone) in tones[..nlen].iter().enumerate() {
        if tone != 0 {
            count += 1;
            toned = Some(k);
        }
    }
    if count > 1 {
        return Err(SyllableIssue::SeveralTones);
    }
    if glide_tone != 0 {
        return Err(SyllableIssue::MisplacedTone);
    }
    if let Some(k) = toned {
        if tone_mask & (1 << k) == 0 {
            return Err(SyllableIssue::MisplacedTone);
        }
        let stop = matches!(coda, ['p'] | ['t'] | ['c'] | ['c', 'h']);
        if stop && matches!(tones[k], HUYEN | HOI | NGA) {
            return Err(SyllableIssue::ToneWithStopCoda);
        }
    }
    Ok(())
}

fn check_coda(rule: Coda, bases: &[char], coda: &[char]) -> Result<(), SyllableIssue> {
    match (rule, coda.is_empty()) {
        (Coda::Required, true) => return Err(SyllableIssue::MissingCoda),
        (Coda::Forbidden, false) => return Err(SyllableIssue::CodaNotAllowed),
        _ => {}
    }
    if matches!(coda, ['c', 'h'] | ['n', 'h'])
        && !matches!(bases.last(), Some('a' | 'ê' | 'i' | 'y'))
    {
        return Err(SyllableIssue::CodaNotAllowed);
    }
    Ok(())
}

/// Without any mark, the nucleus is accepted when one of the marked nuclei it could stand
/// for accepts this coda.
fn lenient_nucleus(bases: &[char], coda: &[char]) -> Result<(), SyllableIssue> {
    let mut found = false;
    let key = key3(bases);
    for (k, len, nucleus) in nucleus_keys() {
        if *len != bases.len() || k.map(plain) != key {
            continue;
        }
        found = true;
        if check_coda(nucleus.coda, &k[..*len], coda).is_ok() {
            return Ok(());
        }
    }
    if found {
        Err(SyllableIssue::CodaNotAllowed)
    } else {
        Err(SyllableIssue::BadVowelCluster)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_syllables_pass() {
        for w in [
            "kèo", "nhà", "cái", "người", "nghiêng", "quốc", "giữ", "gì", "hoà", "hòa", "thuý",
            "thúy", "khuyến", "huỳnh", "rượu", "khuỷu", "ngoằn", "Việt", "NAM", "đánh", "bạc",
            "độ", "xóc", "đĩa", "boong", "quỳnh", "giếng", "tuần", "oanh", "ếch", "ích",
        ] {
            assert_eq!(check_syllable(w), Ok(()), "{w}");
        }
    }

    #[test]
    fn unmarked_syllables_pass_when_some_marking_exists() {
        for w in [
            "nguoi", "tuan", "viet", "khuyen", "keo", "nha", "cai", "quoc",
        ] {
            assert_eq!(check_syllable(w), Ok(()), "{w}");
        }
    }

    #[test]
    fn impossible_syllables_are_named() {
        use SyllableIssue::*;
        for (w, issue) in [
            ("kèọ", SeveralTones),
            ("cáỉ", SeveralTones),
            ("caí", MisplacedTone),
            ("qúa", MisplacedTone),
            ("gìa", MisplacedTone),
            ("nguòi", BadVowelCluster),
            ("càt", ToneWithStopCoda),
            ("kao", SpellingRule),
            ("ce", SpellingRule),
            ("nge", SpellingRule),
            ("ghà", SpellingRule),
            ("ăă", BadVowelCluster),
            ("tiê", MissingCoda),
            ("aim", CodaNotAllowed),
            ("ẹnh", CodaNotAllowed),
            ("street", BadOnset),
            ("fb", ForeignLetter),
            ("fb88", ForeignLetter),
            ("88", NotALetter),
            ("", Empty),
            ("nghiênggg", TooLong),
            ("bank", BadCoda),
        ] {
            assert_eq!(check_syllable(w), Err(issue), "{w}");
        }
    }

    #[test]
    fn nfd_input_is_composed_first() {
        let nfd: String = "người".nfd().collect();
        assert!(is_valid_syllable(&nfd));
        let scrambled: String = "kèọ".nfd().collect();
        assert_eq!(check_syllable(&scrambled), Err(SyllableIssue::SeveralTones));
    }
}
