//! Injected or doorway? Where the spam sits in the text.
//!
//! An injected article is real prose with a few words replaced: most of its sentences
//! carry no spam and read as Vietnamese, and the spam words are a small share of it. A
//! doorway page is spam from top to bottom.

use std::ops::Range;

use super::spelling::Spelling;
use super::view::View;

/// Hits at least this heavy make their sentence a spam sentence.
pub(crate) const SENTENCE_EVIDENCE: f32 = 0.8;
/// Spam words at most this share (%) of an article's tokens: injected, not a doorway.
const SPARSE_PERCENT: usize = 12;

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Placement {
    pub injected: bool,
    pub spam_sentences: usize,
}

/// `evidence`: the token range and weight of each hit behind the label.
pub(crate) fn place(
    view: &View,
    spell: &[Spelling],
    evidence: &[(Range<usize>, f32)],
) -> Placement {
    let n_sent = view.sentences.len();
    let mut spam_sentence = vec![false; n_sent];
    let mut covered = vec![false; view.tokens.len()];
    for (tokens, weight) in evidence {
        if *weight >= SENTENCE_EVIDENCE {
            spam_sentence[view.sentence_of(tokens.start)] = true;
        }
        covered[tokens.clone()].iter_mut().for_each(|c| *c = true);
    }
    let mut spam_sentences = 0;
    let mut clean_sentences = 0;
    let mut clean_tokens = 0;
    for (s, range) in view.sentences.iter().enumerate() {
        if spam_sentence[s] {
            spam_sentences += 1;
            continue;
        }
        let words = range
            .clone()
            .filter(|&t| spell[t] != Spelling::NotWord)
            .count();
        let valid = range
            .clone()
            .filter(|&t| spell[t] == Spelling::Valid)
            .count();
        if words >= 5 && valid * 10 >= words * 7 {
            clean_sentences += 1;
            clean_tokens += range.len();
        }
    }
    // or: the spam words are a small share of a text long enough to be an article
    let spam_tokens = covered.iter().filter(|c| **c).count();
    let n = view.tokens.len();
    Placement {
        injected: (clean_sentences >= 2 && clean_tokens * 2 >= n)
            || (n >= 50 && spam_tokens * 100 <= n * SPARSE_PERCENT),
        spam_sentences,
    }
}
