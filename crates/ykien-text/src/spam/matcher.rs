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
    ADVERT, ADVERT_CALL, BETTING_PROMO, BETTING_TOPIC, CALL_TO_ACTION, CRIME_REPORT, Class,
    GLUED_EXTRA, KNOWN_BRANDS,
};
use super::view::{ALPHA, DIGIT, FOREIGN, View};
use crate::fold::fold;

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
}

struct Lexicon {
    spaced: AhoCorasick,
    spaced_class: Vec<Class>,
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
        let lists: [(&[&str], Class); 6] = [
            (BETTING_TOPIC, Class::BettingTopic),
            (BETTING_PROMO, Class::BettingPromo),
            (CALL_TO_ACTION, Class::CallToAction),
            (CRIME_REPORT, Class::CrimeReport),
            (ADVERT, Class::Advert),
            (ADVERT_CALL, Class::AdvertCall),
        ];
        let mut seen = HashSet::new();
        let mut patterns = Vec::new();
        let mut spaced_class = Vec::new();
        for (list, class) in lists {
            for p in list {
                let f = folded_phrase(p);
                if seen.insert(f.clone()) {
                    patterns.push(format!(" {f} "));
                    spaced_class.push(class);
                }
            }
        }
        let mut glued_set = HashSet::new();
        let mut glued = Vec::new();
        let betting = BETTING_TOPIC.iter().chain(BETTING_PROMO);
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
            spaced_class,
            glued: build(&glued),
            brands: KNOWN_BRANDS.iter().map(|b| b.to_string()).collect(),
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
pub(crate) fn find(view: &View) -> Vec<Hit> {
    let lex = lexicon();
    let mut hits = Vec::new();
    let hay = view.folded.as_bytes();
    for m in lex.spaced.find_overlapping_iter(hay) {
        let folded = m.start() + 1..m.end() - 1;
        let first = view.token_at(folded.start);
        let last = view.token_at(folded.end - 1);
        hits.push(Hit {
            kind: Kind::Phrase(lex.spaced_class[m.pattern().as_usize()]),
            key: m.pattern().as_u32(),
            folded,
            tokens: first..last + 1,
        });
    }
    for m in lex.glued.find_overlapping_iter(hay) {
        let t = view.token_at(m.start());
        hits.push(Hit {
            kind: Kind::Glued,
            key: GLUED_KEY_BASE | m.pattern().as_u32(),
            folded: view.tokens[t].folded.clone(),
            tokens: t..t + 1,
        });
    }
    for (t, tok) in view.tokens.iter().enumerate() {
        if tok.flags & FOREIGN != 0 || tok.flags & ALPHA == 0 {
            continue;
        }
        let s = view.token_folded(t);
        let kind = if lex.brands.contains(s) {
            Some(Kind::KnownBrand)
        } else if tok.flags & DIGIT == 0 {
            None
        } else if lex
            .long_brands
            .iter()
            .any(|b| s.len() > b.len() && (s.starts_with(b) || s.ends_with(b)))
        {
            Some(Kind::KnownBrand)
        } else {
            match shape(s) {
                BrandShape::No => None,
                sh => Some(Kind::BrandShape(sh)),
            }
        };
        if let Some(kind) = kind {
            hits.push(Hit {
                kind,
                key: brand_key(s),
                folded: tok.folded.clone(),
                tokens: t..t + 1,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        let v = View::new(text);
        find(&v)
            .into_iter()
            .map(|h| (h.kind, text[v.original(h.folded)].to_string()))
            .collect()
    }

    #[test]
    fn nested_phrases_keep_the_longest() {
        let k = kinds("Kèo nhà cái hôm nay");
        assert_eq!(
            k,
            vec![(Kind::Phrase(Class::BettingPromo), "Kèo nhà cái".to_string())]
        );
        let k = kinds("tội tổ chức đánh bạc");
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].0, Kind::Phrase(Class::CrimeReport));
    }

    #[test]
    fn glued_and_brands() {
        let k = kinds("vào nhacaiuytin.com hoặc FB88 ngay, 98win");
        assert!(k.contains(&(Kind::Glued, "nhacaiuytin".to_string())));
        assert!(k.contains(&(Kind::KnownBrand, "FB88".to_string())));
        assert!(k.contains(&(Kind::KnownBrand, "98win".to_string())));
    }
}
