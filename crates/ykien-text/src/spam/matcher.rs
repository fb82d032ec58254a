//! Finds lexicon phrases, glued spellings and brand tokens in a [`View`].
//!
//! Two multi-pattern automata run over the folded copy: one for phrases written with
//! spaces (padded with a space each side, so only whole words match), one for glued
//! spellings ("nhacaiuytin"), which can only occur inside a single token.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::brand::{BrandShape, shape};
use super::lexicon::{
    ADVERT, ADVERT_CALL, BETTING_CALL, BETTING_PROMO, BETTING_SPAM, BETTING_TOPIC, CALL_TO_ACTION,
    CRIME_REPORT, Class, GLUED_EXTRA, KNOWN_BRANDS, TLDS,
};
use super::syllable::{SyllableIssue, check_syllable};
use super::view::{ALPHA, DIGIT, DISGUISED, FOREIGN, MARK, View};
use super::vowels::vowel;
use crate::fold::fold;
use unicode_normalization::UnicodeNormalization;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Phrase(Class),
    /// A betting phrase written without spaces inside one token.
    Glued,
    /// A listed brand.
    KnownBrand,
    /// A token shaped like a brand.
    BrandShape(BrandShape),
}

#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub kind: Kind,
    /// Identifies the phrase or brand, so that repeats can be counted.
    pub key: u32,
    /// Range in the folded copy.
    pub folded: Range<usize>,
    /// Token indices covered.
    pub tokens: Range<usize>,
    /// Some word of the phrase is spelled as no Vietnamese syllable (scrambled tones) or
    /// with look-alike letters.
    pub disguised: bool,
}

struct Lexicon {
    spaced: AhoCorasick,
    /// Phrases, and listed brands written with letters only ("kuwin").
    spaced_kind: Vec<Kind>,
    /// The words of each spaced pattern as written, with diacritics, lower case.
    spaced_words: Vec<Vec<String>>,
    glued: AhoCorasick,
    brands: HashSet<String>,
    /// Listed brands of four characters or more, to find them glued to other words.
    long_brands: Vec<&'static str>,
}

/// Hit keys: phrase and glued pattern ids, then brands hashed above this.
const BRAND_KEY_BASE: u32 = 1 << 20;
const GLUED_KEY_BASE: u32 = 1 << 16;

fn folded_phrase(p: &str) -> String {
    fold(p).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let lists: [(&[&str], Class); 8] = [
            (BETTING_TOPIC, Class::BettingTopic),
            (BETTING_PROMO, Class::BettingPromo),
            (BETTING_SPAM, Class::BettingSpam),
            (CALL_TO_ACTION, Class::CallToAction),
            (BETTING_CALL, Class::BettingCall),
            (CRIME_REPORT, Class::CrimeReport),
            (ADVERT, Class::Advert),
            (ADVERT_CALL, Class::AdvertCall),
        ];
        let mut seen = HashSet::new();
        let mut patterns = Vec::new();
        let mut spaced_kind = Vec::new();
        let mut spaced_words = Vec::new();
        for (list, class) in lists {
            for p in list {
                let f = folded_phrase(p);
                if seen.insert(f.clone()) {
                    patterns.push(format!(" {f} "));
                    spaced_kind.push(Kind::Phrase(class));
                    spaced_words.push(p.split_whitespace().map(str::to_lowercase).collect());
                }
            }
        }
        for b in KNOWN_BRANDS
            .iter()
            .filter(|b| !b.bytes().any(|c| c.is_ascii_digit()))
        {
            if seen.insert(b.to_string()) {
                patterns.push(format!(" {b} "));
                spaced_kind.push(Kind::KnownBrand);
                spaced_words.push(vec![b.to_string()]);
            }
        }
        let mut glued_set = HashSet::new();
        let mut glued = Vec::new();
        let betting = BETTING_TOPIC
            .iter()
            .chain(BETTING_PROMO)
            .chain(BETTING_SPAM);
        for p in betting {
            let f = folded_phrase(p);
            let g: String = f.chars().filter(|c| *c != ' ').collect();
            if f.contains(' ') && g.len() >= 6 && glued_set.insert(g.clone()) {
                glued.push(g);
            }
        }
        for g in GLUED_EXTRA {
            if glued_set.insert(g.to_string()) {
                glued.push(g.to_string());
            }
        }
        let build = |pats: &[String]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(pats)
                .expect("lexicon patterns build")
        };
        Lexicon {
            spaced: build(&patterns),
            spaced_kind,
            spaced_words,
            glued: build(&glued),
            brands: KNOWN_BRANDS
                .iter()
                .filter(|b| b.bytes().any(|c| c.is_ascii_digit()))
                .map(|b| b.to_string())
                .collect(),
            long_brands: KNOWN_BRANDS
                .iter()
                .copied()
                .filter(|b| b.len() >= 4 && b.bytes().any(|c| c.is_ascii_digit()))
                .collect(),
        }
    })
}

fn brand_key(tok: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in tok.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    BRAND_KEY_BASE | (h >> 12)
}

/// All hits, longest first where phrases nest ("kèo nhà cái" hides "nhà cái"; "tổ chức
/// đánh bạc" hides "đánh bạc").
pub(crate) fn find(view: &View, text: &str) -> Vec<Hit> {
    let lex = lexicon();
    let mut hits = Vec::new();
    let hay = view.folded.as_bytes();
    let alpha = view.tokens.iter().filter(|t| t.flags & ALPHA != 0).count();
    let marked = view.tokens.iter().filter(|t| t.flags & MARK != 0).count();
    let accented = marked * 100 >= alpha * 35;
    for m in lex.spaced.find_overlapping_iter(hay) {
        let folded = m.start() + 1..m.end() - 1;
        let first = view.token_at(folded.start);
        let last = view.token_at(folded.end - 1);
        let tokens = first..last + 1;
        let words = &lex.spaced_words[m.pattern().as_usize()];
        let Some(disguised) = same_phrase(view, text, tokens.clone(), words, accented) else {
            continue;
        };
        hits.push(Hit {
            kind: lex.spaced_kind[m.pattern().as_usize()],
            key: m.pattern().as_u32(),
            folded,
            tokens,
            disguised,
        });
    }
    for m in lex.glued.find_overlapping_iter(hay) {
        let t = view.token_at(m.start());
        hits.push(Hit {
            kind: Kind::Glued,
            key: GLUED_KEY_BASE | m.pattern().as_u32(),
            folded: view.tokens[t].folded.clone(),
            tokens: t..t + 1,
            disguised: false,
        });
    }
    for (t, tok) in view.tokens.iter().enumerate() {
        // a word with Vietnamese marks is no brand ("66Một" is a number glued to a word)
        if tok.flags & (FOREIGN | MARK) != 0 || tok.flags & (ALPHA | DIGIT) != ALPHA | DIGIT {
            continue;
        }
        let s = view.token_folded(t);
        // listed, or a listed brand glued to other letters ("linkvaofb88")
        let known = lex.brands.contains(s)
            || lex
                .long_brands
                .iter()
                .any(|b| s.len() > b.len() && (s.starts_with(b) || s.ends_with(b)));
        let kind = if known {
            Some(Kind::KnownBrand)
        } else {
            match shape(s) {
                BrandShape::No => None,
                // the name of a site: "kd88.net"
                BrandShape::Lucky if is_domain_name(view, text, t) => {
                    Some(Kind::BrandShape(BrandShape::Affix))
                }
                sh => Some(Kind::BrandShape(sh)),
            }
        };
        if let Some(kind) = kind {
            hits.push(Hit {
                kind,
                key: brand_key(s),
                folded: tok.folded.clone(),
                tokens: t..t + 1,
                disguised: false,
            });
        }
    }
    hits.sort_by(|a, b| {
        (a.folded.start, std::cmp::Reverse(a.folded.end))
            .cmp(&(b.folded.start, std::cmp::Reverse(b.folded.end)))
    });
    // drop phrases nested inside a longer phrase; glued and brand hits stay, they are
    // about the token itself
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    let mut reach = 0usize;
    for h in hits {
        let phrase = matches!(h.kind, Kind::Phrase(_));
        if phrase && h.folded.end <= reach {
            continue;
        }
        if phrase {
            reach = reach.max(h.folded.end);
        }
        out.push(h);
    }
    // one hit per token for glued patterns: the token is the evidence
    out.dedup_by(|b, a| a.kind == Kind::Glued && b.kind == Kind::Glued && a.tokens == b.tokens);
    out
}

/// Token `t` is followed by ".tld".
fn is_domain_name(view: &View, text: &str, t: usize) -> bool {
    if t + 1 >= view.tokens.len() {
        return false;
    }
    let end = view.token_original(t).end;
    view.token_original(t + 1).start == end + 1
        && text.as_bytes()[end] == b'.'
        && TLDS.contains(&view.token_folded(t + 1))
}

/// Folding loses meaning: "kéo" (pull) and "kèo" (odds), "cuộc" and "cược", "sống thử"
/// and "song thủ" fold alike. A phrase matched on folded text therefore stands only if
/// each word is written as in the lexicon, or without any mark, or as no Vietnamese
/// syllable at all (disguised when the tone marks are impossible, a typo otherwise).
/// `Some(disguised)` when it stands.
///
/// In a text written with diacritics, a word without marks where the phrase has them is
/// another word ("Bạch Thu" is a name, not "bạch thủ") — unless the whole phrase was
/// stripped of its marks, which spam does and names seldom do (no Title-case word).
fn same_phrase(
    view: &View,
    text: &str,
    tokens: Range<usize>,
    words: &[String],
    accented: bool,
) -> Option<bool> {
    if tokens.len() != words.len() {
        return Some(false);
    }
    let mut disguised = false;
    let mut stripped = false;
    let mut exact_marked = false;
    let mut title = false;
    for (t, w) in tokens.zip(words) {
        let flags = view.tokens[t].flags;
        if flags & DISGUISED != 0 {
            disguised = true;
            continue;
        }
        if flags & MARK == 0 {
            if !w.is_ascii() {
                stripped = true;
                let mut cs = text[view.token_original(t)].chars();
                title |= cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_lowercase);
            }
            continue;
        }
        let original = &text[view.token_original(t)];
        if same_word(original, w) {
            exact_marked = true;
            continue;
        }
        match check_syllable(original) {
            // two tones, or a tone where none can sit: written so on purpose
            Err(
                SyllableIssue::SeveralTones
                | SyllableIssue::MisplacedTone
                | SyllableIssue::ToneWithStopCoda,
            ) => {
                disguised = true;
                continue;
            }
            // another misspelling ("cuợc" for "cược"): a typo of the word, nothing more
            Err(_) => continue,
            Ok(()) => return None,
        }
    }
    if stripped && accented && !disguised && (exact_marked || title) {
        return None;
    }
    Some(disguised)
}

/// Same letters, same marks and same tone, wherever the tone sits ("hoà" = "hòa").
fn same_word(a: &str, b: &str) -> bool {
    fn key(w: &str) -> Option<([char; 12], usize, u8)> {
        let composed: String;
        let w = if w.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c)) {
            composed = w.nfc().collect();
            &composed
        } else {
            w
        };
        let mut letters = ['\0'; 12];
        let mut n = 0;
        let mut tone = 0u8;
        for c in w.chars() {
            if n == letters.len() {
                return None;
            }
            letters[n] = match vowel(c) {
                Some(v) => {
                    tone = tone.max(v.tone);
                    v.base
                }
                None => c.to_lowercase().next().unwrap_or(c),
            };
            n += 1;
        }
        Some((letters, n, tone))
    }
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        let v = View::new(text);
        find(&v, text)
            .into_iter()
            .map(|h| (h.kind, text[v.original(h.folded)].to_string()))
            .collect()
    }

    #[test]
    fn nested_phrases_keep_the_longest() {
        let k = kinds("Kèo nhà cái hôm nay");
        assert_eq!(
            k,
            vec![(Kind::Phrase(Class::BettingSpam), "Kèo nhà cái".to_string())]
        );
        let k = kinds("tội tổ chức đánh bạc");
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].0, Kind::Phrase(Class::CrimeReport));
    }

    #[test]
    fn folding_collisions_do_not_match() {
        assert!(kinds("kéo dài cuộc sống thử thách").is_empty());
        assert_eq!(kinds("kèọ nhà cáỉ").len(), 1);
        assert_eq!(kinds("keo nha cai").len(), 1);
        assert_eq!(kinds("Kèo Nhà Cái").len(), 1);
        // a name in accented prose is not "bạch thủ"
        assert!(kinds("Ông Bạch Thu đã đến dự buổi lễ tại nhà văn hóa").is_empty());
    }

    #[test]
    fn glued_and_brands() {
        let k = kinds("vào nhacaiuytin.com hoặc FB88 ngay, 98win");
        assert!(k.contains(&(Kind::Glued, "nhacaiuytin".to_string())));
        assert!(k.contains(&(Kind::KnownBrand, "FB88".to_string())));
        assert!(k.contains(&(Kind::KnownBrand, "98win".to_string())));
    }
}
