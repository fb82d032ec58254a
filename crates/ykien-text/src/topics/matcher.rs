//! Phrase lookup over syllable tokens, shared by the topic seeds and the sentiment lexicon.
//!
//! Terms are matched token by token, so "đền bù" never matches inside "đền bùa" and no
//! term crosses a full stop. Every term is keyed by its folded form so that text written
//! without diacritics still matches; where the text does carry diacritics they must agree,
//! so the seed "thuế" (tax) does not fire on "thuê" (rent).

use std::ops::Range;

use crate::fold::fold;
use crate::normalize::normalize;
use crate::segment::{Segmenter, Word};
use crate::token::{TokenKind, tokenize};
use crate::topics::fast_hash::FxHashMap;

/// A token of the text being matched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tok {
    /// Byte range in the text that was tokenized.
    pub span: Range<usize>,
    /// Lower case, with diacritics.
    pub lower: String,
    pub folded: String,
    /// A word or emoji (terms are made of these); otherwise punctuation or a symbol.
    pub is_term: bool,
    /// The token has no diacritics and its line is written without them, so only the
    /// folded form can be compared.
    pub ascii: bool,
    /// No word of the segmenter runs across the token's start (end): a term may begin
    /// (end) here. "giá" must not match inside "đánh giá", nor "tốt" inside "tốt nghiệp".
    pub word_start: bool,
    pub word_end: bool,
}

/// Tokens of `text` (already normalized by the caller).
pub(crate) fn toks(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = tokenize(text)
        .into_iter()
        .map(|t| {
            let s = t.text(text);
            let lower = s.to_lowercase();
            let folded = fold(&lower);
            let is_term = !matches!(t.kind, TokenKind::Punct | TokenKind::Symbol);
            Tok {
                span: t.span(),
                ascii: lower.is_ascii(),
                lower,
                folded,
                is_term,
                word_start: true,
                word_end: true,
            }
        })
        .collect();
    // "cho" in a text written with diacritics is the word "cho", not an unaccented "chợ":
    // only lines written (almost) without diacritics may match on the folded form.
    let mut start = 0;
    while start < out.len() {
        let line_end = text[out[start].span.start..]
            .find('\n')
            .map(|i| out[start].span.start + i);
        let end = match line_end {
            Some(e) => out[start..]
                .iter()
                .position(|t| t.span.start > e)
                .map_or(out.len(), |p| start + p),
            None => out.len(),
        };
        let words = out[start..end]
            .iter()
            .filter(|t| t.is_term && t.lower.chars().any(char::is_alphabetic));
        let (mut n, mut accented) = (0usize, 0usize);
        for t in words {
            n += 1;
            accented += usize::from(!t.ascii);
        }
        // Vietnamese written with diacritics has them on most syllables.
        let unaccented = accented * 8 < n.max(1);
        if !unaccented {
            for t in &mut out[start..end] {
                t.ascii = false;
            }
        }
        start = end.max(start + 1);
    }
    out
}

/// Tokens of `text` with word boundaries from the word segmenter.
pub(crate) fn toks_in_words(text: &str) -> Vec<Tok> {
    toks_with_words(text, &Segmenter::default().segment(text))
}

/// Like [`toks_in_words`], with `words` the embedded segmenter's words of `text`, for a
/// caller that has segmented the text already.
pub(crate) fn toks_with_words(text: &str, words: &[Word]) -> Vec<Tok> {
    let mut ts = toks(text);
    let mut w = 0;
    for t in &mut ts {
        while w < words.len() && words[w].end <= t.span.start {
            w += 1;
        }
        // Words are ordered and do not overlap: only `words[w]` can contain the token.
        if let Some(word) = words.get(w) {
            t.word_start = !(word.start < t.span.start && t.span.start < word.end);
            t.word_end = !(word.start < t.span.end && t.span.end < word.end);
        }
    }
    ts
}

/// The tokens of a term as written in a data file: normalized like any text, lower-cased.
pub(crate) fn term_tokens(term: &str) -> Vec<(String, String)> {
    let n = normalize(term);
    toks(&n.text)
        .into_iter()
        .map(|t| (t.lower, t.folded))
        .collect()
}

#[derive(Debug, Clone)]
struct Entry<V> {
    lower: Vec<String>,
    value: V,
    /// Also matches text written without diacritics.
    folded_ok: bool,
}

/// A set of multi-token terms with a value each.
#[derive(Debug, Clone)]
pub(crate) struct PhraseSet<V> {
    by_folded: FxHashMap<String, Vec<Entry<V>>>,
    /// The folded first token of every term, with the longest such term's length in
    /// tokens: most positions of a text start no term and are passed over at once.
    by_first: FxHashMap<String, usize>,
    /// A term token holds a space, so a term's tokens need not be the text's: no skipping
    /// (likewise at a text token with a space).
    spaced: bool,
    max_len: usize,
}

impl<V> Default for PhraseSet<V> {
    fn default() -> Self {
        PhraseSet {
            by_folded: FxHashMap::default(),
            by_first: FxHashMap::default(),
            spaced: false,
            max_len: 0,
        }
    }
}

/// One term found in a text: token range, the term's index of entry and its value.
#[derive(Debug)]
pub(crate) struct Hit<'a, V> {
    pub tokens: Range<usize>,
    pub value: &'a V,
    /// The term as stored (lower case, diacritics).
    pub term: String,
}

impl<V> PhraseSet<V> {
    /// Adds a term; returns false for a term without tokens.
    pub fn insert(&mut self, term: &str, value: V) -> bool {
        self.insert_with(term, value, true)
    }

    /// Adds a term; with `folded_ok` false it matches only text that carries diacritics
    /// where the term does (for terms whose folded form is another common word).
    pub fn insert_with(&mut self, term: &str, value: V, folded_ok: bool) -> bool {
        let t = term_tokens(term);
        if t.is_empty() {
            return false;
        }
        let key = t.iter().map(|x| x.1.as_str()).collect::<Vec<_>>().join(" ");
        self.max_len = self.max_len.max(t.len());
        self.spaced |= t.iter().any(|x| x.1.contains(' '));
        let first = self.by_first.entry(t[0].1.clone()).or_default();
        *first = (*first).max(t.len());
        self.by_folded.entry(key).or_default().push(Entry {
            lower: t.into_iter().map(|x| x.0).collect(),
            value,
            folded_ok,
        });
        true
    }

    /// The entries matching `toks[i..i + len]`, if that run is made of term tokens.
    fn at(&self, toks: &[Tok], i: usize, len: usize, key: &mut String) -> Vec<&Entry<V>> {
        let run = &toks[i..i + len];
        if !run.iter().all(|t| t.is_term) || !run[0].word_start || !run[len - 1].word_end {
            return Vec::new();
        }
        key.clear();
        for (n, t) in run.iter().enumerate() {
            if n > 0 {
                key.push(' ');
            }
            key.push_str(&t.folded);
        }
        let Some(entries) = self.by_folded.get(key.as_str()) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| {
                run.iter()
                    .zip(&e.lower)
                    .all(|(t, l)| t.lower == *l || (t.ascii && e.folded_ok))
            })
            .collect()
    }

    /// Every match, longest first at each position; when `greedy`, a match consumes its
    /// tokens (left to right, longest match), otherwise overlapping matches are all kept.
    pub fn find<'a>(&'a self, toks: &[Tok], greedy: bool) -> Vec<Hit<'a, V>> {
        let mut out = Vec::new();
        let mut key = String::new();
        let mut i = 0;
        while i < toks.len() {
            let mut advance = 1;
            let longest = if self.spaced || toks[i].folded.contains(' ') {
                self.max_len
            } else if let Some(&n) = self.by_first.get(toks[i].folded.as_str()) {
                n
            } else {
                i += 1;
                continue;
            };
            for len in (1..=longest.min(self.max_len).min(toks.len() - i)).rev() {
                let found = self.at(toks, i, len, &mut key);
                if found.is_empty() {
                    continue;
                }
                for e in found {
                    out.push(Hit {
                        tokens: i..i + len,
                        value: &e.value,
                        term: e.lower.join(" "),
                    });
                    if greedy {
                        break;
                    }
                }
                if greedy {
                    advance = len;
                    break;
                }
            }
            i += advance;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_must_agree_unless_absent() {
        let mut p = PhraseSet::default();
        p.insert("thuế", 1);
        p.insert("đền bù", 2);
        let hits = |t: &str| {
            p.find(&toks(t), true)
                .into_iter()
                .map(|h| *h.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("thuê nhà"), Vec::<i32>::new());
        assert_eq!(hits("nộp thuế"), vec![1]);
        assert_eq!(hits("nop thue, den bu"), vec![1, 2]);
        // An ASCII word in accented text is itself, not an unaccented spelling.
        assert_eq!(hits("Nhà nước thu thue của dân"), Vec::<i32>::new());
        assert_eq!(hits("Nhà nước thu thuế.\nnop thue"), vec![1, 1]);
        assert_eq!(hits("đền bùa"), Vec::<i32>::new());
        assert_eq!(hits("đền. bù"), Vec::<i32>::new());
    }

    #[test]
    fn terms_respect_word_boundaries() {
        let mut p = PhraseSet::default();
        p.insert("giá", 1);
        p.insert("tốt", 2);
        let hits = |t: &str| {
            p.find(&toks_in_words(t), true)
                .into_iter()
                .map(|h| *h.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("Giá xăng tăng"), vec![1]);
        assert_eq!(hits("Chúng tôi đánh giá cao"), Vec::<i32>::new());
        assert_eq!(hits("Em vừa tốt nghiệp đại học"), Vec::<i32>::new());
        assert_eq!(hits("Dịch vụ tốt"), vec![2]);
    }
}
