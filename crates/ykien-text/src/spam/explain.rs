//! The reasons of a verdict, with examples quoted from the text.

use super::detect::Weighed;
use super::lexicon::Class;
use super::matcher::{Hit, Kind};
use super::placement::Placement;
use super::reason::{self, Seen};
use super::view::View;
use super::{Reason, SpamLabel};

pub(crate) struct Explain<'a> {
    pub text: &'a str,
    pub view: &'a View,
    pub hits: &'a [Hit],
    pub weighed: &'a [Weighed],
    /// Whether a hit is evidence for the label given.
    pub in_family: &'a dyn Fn(&Weighed) -> bool,
    pub label: SpamLabel,
    pub phone_count: usize,
    /// Links of a link farm; 0 when there is none.
    pub links: usize,
    pub scrambled_tokens: &'a [usize],
    /// Crime-report words, when there are enough to make the text a crime report.
    pub crime_hits: usize,
    pub placement: Placement,
}

impl Explain<'_> {
    pub(crate) fn reasons(&self) -> Vec<Reason> {
        let flagged = self.label != SpamLabel::None;
        let mut reasons = Vec::new();
        let order = [
            Seen::Brand,
            Seen::BettingWords,
            Seen::Glued,
            Seen::Scrambled,
            Seen::CallToAction,
            Seen::Advertising,
        ];
        for seen in order {
            let mut examples: Vec<String> = Vec::new();
            let mut count = 0;
            for (h, w) in self.hits.iter().zip(self.weighed) {
                if w.seen != seen || w.weight <= 0.0 || (flagged && !(self.in_family)(w)) {
                    continue;
                }
                count += 1;
                let e = self.quote(h.folded.clone());
                if examples.len() < 4
                    && !examples
                        .iter()
                        .any(|x| x.to_lowercase() == e.to_lowercase())
                {
                    examples.push(e);
                }
            }
            // a lone weak word is no reason worth showing for a clean text
            if count > 0 && (flagged || seen != Seen::CallToAction) {
                reasons.push(reason::reason(seen, &examples, count));
            }
        }
        if self.label == SpamLabel::Advertising && self.phone_count > 0 {
            reasons.push(reason::reason(Seen::Phone, &[], self.phone_count));
        }
        if self.links > 0 {
            reasons.push(reason::reason(Seen::LinkFarm, &[], self.links));
        }
        if self.label == SpamLabel::Other {
            let examples: Vec<String> = self
                .scrambled_tokens
                .iter()
                .take(4)
                .map(|&t| self.text[self.view.token_original(t)].to_string())
                .collect();
            reasons.push(reason::reason(
                Seen::Obfuscated,
                &examples,
                self.scrambled_tokens.len(),
            ));
        }
        let gambling_words = self.hits.iter().any(|h| {
            matches!(
                h.kind,
                Kind::Phrase(Class::BettingTopic | Class::BettingPromo | Class::BettingSpam)
            )
        });
        if self.crime_hits > 0 && gambling_words {
            reasons.push(reason::reason(Seen::CrimeReport, &[], self.crime_hits));
        }
        if flagged {
            let n = self.view.sentences.len();
            let spam = self.placement.spam_sentences;
            reasons.push(if self.placement.injected {
                reason::injected(spam, n)
            } else {
                reason::doorway(spam, n)
            });
        }
        reasons
    }

    fn quote(&self, folded: std::ops::Range<usize>) -> String {
        self.text[self.view.original(folded)].to_string()
    }
}
