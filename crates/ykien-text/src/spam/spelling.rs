//! How each token is spelled: a Vietnamese syllable, a misspelling, or a disguise.

use super::syllable::{SyllableIssue, check_syllable};
use super::view::{ALPHA, DIGIT, DISGUISED, FOREIGN, MARK, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    Valid,
    Invalid,
    /// Tone marks that cannot be, or look-alike letters: deliberate disguise.
    Scrambled,
    /// Digits or another script: not a word to judge.
    NotWord,
}

pub(crate) fn spelling(view: &View, text: &str, t: usize) -> Spelling {
    let flags = view.tokens[t].flags;
    if flags & DISGUISED != 0 {
        return Spelling::Scrambled;
    }
    if flags & (FOREIGN | DIGIT) != 0 || flags & ALPHA == 0 {
        return Spelling::NotWord;
    }
    let word = if flags & MARK != 0 {
        &text[view.token_original(t)]
    } else {
        view.token_folded(t)
    };
    match check_syllable(word) {
        Ok(()) => Spelling::Valid,
        Err(
            SyllableIssue::SeveralTones
            | SyllableIssue::MisplacedTone
            | SyllableIssue::ToneWithStopCoda,
        ) => Spelling::Scrambled,
        Err(_) => Spelling::Invalid,
    }
}
