//! Lexicon scoring with negation, intensifiers and contrast.

use std::ops::Range;

use super::lexicon::{Lexicon, Role};
use crate::normalize::{Normalized, normalize};
use crate::teencode;
use crate::topics::matcher::{Tok, toks_in_words};

/// Negation reaches this many words ahead ("không thấy hài lòng").
const NEGATION_SCOPE: usize = 3;
/// Intensifiers reach this many words.
const INTENSIFIER_SCOPE: usize = 2;
/// A negated positive term turns almost as negative ("không hài lòng"); a negated negative
/// one only mildly positive ("không tệ" is faint praise).
const NEGATED_POSITIVE: f32 = -0.9;
const NEGATED_NEGATIVE: f32 = -0.5;
/// A negator that negates no lexicon term.
const BARE_NEGATION: f32 = -0.6;
/// Around "nhưng" the second clause carries the speaker's point.
const BEFORE_CONTRAST: f32 = 0.5;
const AFTER_CONTRAST: f32 = 1.5;
/// Evidence below this (in lexicon weight units) reads as neutral.
const THRESHOLD: f32 = 0.5;
/// `score = tanh(total / SCALE)`.
const SCALE: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SentimentLabel {
    Negative,
    Neutral,
    Positive,
}

impl SentimentLabel {
    pub const ALL: [SentimentLabel; 3] = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];

    /// "negative", "neutral", "positive": the labels stored and used for training.
    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "tiêu cực",
            SentimentLabel::Neutral => "trung lập",
            SentimentLabel::Positive => "tích cực",
        }
    }

    pub fn parse(s: &str) -> Option<SentimentLabel> {
        SentimentLabel::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// One term's share of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Byte range in the caller's original text.
    pub span: Range<usize>,
    /// The lexicon term (lower case).
    pub term: String,
    /// Its contribution after negation, intensifiers and contrast.
    pub weight: f32,
    pub negated: bool,
}

/// The sentiment of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// From -1 (very negative) to 1 (very positive).
    pub score: f32,
    /// How sure the method is of `label`, 0..=1.
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
}

/// Evidence before contrast is applied: span in the expanded text, term, weight, negated.
type Pending = (Range<usize>, String, f32, bool);

impl Lexicon {
    /// Sum of the weighted evidence (lexicon units) and the evidence itself.
    pub fn evidence(&self, original: &str) -> (f32, Vec<Evidence>) {
        let norm = normalize(original);
        let exp = teencode::expand(&norm.text);
        let ts = toks_in_words(&exp.text);
        self.evidence_in(&norm, &exp, &ts)
    }

    /// [`Lexicon::evidence`] for a caller that has already normalized the original
    /// (`norm`), expanded teencode (`exp`, from `norm.text`) and tokenized the expansion
    /// with its words (`ts`, see [`toks_in_words`]).
    pub(crate) fn evidence_in(
        &self,
        norm: &Normalized,
        exp: &Normalized,
        ts: &[Tok],
    ) -> (f32, Vec<Evidence>) {
        // Units: the greedy longest matches; unmatched tokens are plain words or stops.
        #[derive(Clone, Copy)]
        enum Unit {
            Role(Role, usize, usize),
            Word,
            /// Punctuation; `sentence` for ".", "!", "?", ";" (a "," ends only a clause).
            Stop {
                sentence: bool,
                question: bool,
            },
        }
        let mut units: Vec<Unit> = Vec::with_capacity(ts.len());
        let mut terms: Vec<String> = Vec::new();
        let hits = self.phrases.find(ts, true);
        let mut hi = hits.iter().peekable();
        let mut i = 0;
        while i < ts.len() {
            if let Some(h) = hi.peek()
                && h.tokens.start == i
            {
                units.push(Unit::Role(*h.value, h.tokens.start, terms.len()));
                terms.push(h.term.clone());
                i = h.tokens.end;
                hi.next();
                continue;
            }
            let t = &ts[i];
            let stop = !t.is_term && t.lower.chars().any(|c| ".!?;,:…()\"".contains(c));
            units.push(if stop {
                Unit::Stop {
                    sentence: t.lower.chars().any(|c| ".!?;…".contains(c)),
                    question: t.lower.contains('?'),
                }
            } else {
                Unit::Word
            });
            i += 1;
        }
        let end_of = |u: usize| match units[u] {
            Unit::Role(_, start, ti) => {
                let n = terms[ti].split(' ').count();
                ts[start + n - 1].span.end
            }
            _ => 0,
        };
        let sentence_stop = |u: usize| matches!(units[u], Unit::Stop { sentence: true, .. });
        // A negator that negates no lexicon term still complains ("đường chưa được sửa",
        // "không ai giải quyết"), unless the sentence is a question.
        let bare_negation = |k: usize| {
            if !matches!(units.get(k + 1), Some(Unit::Word)) {
                return false;
            }
            for v in units.iter().skip(k + 1).take(NEGATION_SCOPE) {
                match v {
                    Unit::Role(Role::Polar(_), ..) => return false,
                    Unit::Stop { .. } | Unit::Role(Role::Contrast, ..) => break,
                    _ => {}
                }
            }
            let question = units[k..]
                .iter()
                .find(|v| matches!(v, Unit::Stop { sentence: true, .. }))
                .is_some_and(|v| matches!(v, Unit::Stop { question: true, .. }));
            !question
        };

        let mut total = 0f32;
        // (unit, evidence); `None` marks a contrast word.
        let mut ev: Vec<(usize, Option<Pending>)> = Vec::new();
        let mut sentence_start_ev = 0;
        for u in 0..units.len() {
            if sentence_stop(u) {
                sentence_start_ev = ev.len();
                continue;
            }
            let Unit::Role(role, start, ti) = units[u] else {
                continue;
            };
            match role {
                Role::Contrast => {
                    for (_, e) in &mut ev[sentence_start_ev..] {
                        if let Some(e) = e {
                            e.2 *= BEFORE_CONTRAST;
                        }
                    }
                    // Mark where the stronger clause begins.
                    ev.push((u, None));
                }
                Role::Negator if bare_negation(u) => {
                    let span = ts[start].span.start..end_of(u);
                    ev.push((u, Some((span, terms[ti].clone(), BARE_NEGATION, true))));
                }
                Role::Polar(w) => {
                    let mut w = w;
                    let mut negated = false;
                    // Look back within the clause.
                    let mut k = u;
                    let mut words = 0;
                    while k > 0 && words < NEGATION_SCOPE.max(INTENSIFIER_SCOPE) {
                        k -= 1;
                        match units[k] {
                            Unit::Stop { .. } => break,
                            Unit::Role(Role::Negator, ..) if words < NEGATION_SCOPE => {
                                negated = !negated
                            }
                            Unit::Role(Role::Intensifier { before, .. }, ..)
                                if before > 0.0 && words < INTENSIFIER_SCOPE =>
                            {
                                w *= before
                            }
                            Unit::Role(Role::Polar(_) | Role::Contrast, ..) => break,
                            _ => {}
                        }
                        words += 1;
                    }
                    // Look ahead for "tốt lắm", "tệ quá".
                    for v in units.iter().skip(u + 1).take(INTENSIFIER_SCOPE) {
                        match *v {
                            Unit::Role(Role::Intensifier { after, .. }, ..) if after > 0.0 => {
                                w *= after;
                                break;
                            }
                            Unit::Word => {}
                            _ => break,
                        }
                    }
                    if negated {
                        w *= if w > 0.0 {
                            NEGATED_POSITIVE
                        } else {
                            NEGATED_NEGATIVE
                        };
                    }
                    let span = ts[start].span.start..end_of(u);
                    ev.push((u, Some((span, terms[ti].clone(), w, negated))));
                }
                _ => {}
            }
        }
        // Apply the contrast boost: evidence after a marker, up to the sentence end.
        let mut boosted = Vec::new();
        let mut boost = 1.0;
        let mut last_u = 0;
        for (u, e) in ev {
            if (last_u..u).any(sentence_stop) {
                boost = 1.0;
            }
            last_u = u;
            let Some((span, term, w, negated)) = e else {
                boost = AFTER_CONTRAST;
                continue;
            };
            let w = w * boost;
            total += w;
            let span = norm.original_range(exp.original_range(span));
            boosted.push(Evidence {
                span,
                term,
                weight: w,
                negated,
            });
        }
        (total, boosted)
    }

    /// The lexicon's reading of a text.
    pub fn sentiment(&self, text: &str) -> Sentiment {
        let (total, evidence) = self.evidence(text);
        from_total(total, evidence)
    }

    /// [`Lexicon::sentiment`] over prepared input (see [`Lexicon::evidence_in`]).
    pub(crate) fn sentiment_in(
        &self,
        norm: &Normalized,
        exp: &Normalized,
        ts: &[Tok],
    ) -> Sentiment {
        let (total, evidence) = self.evidence_in(norm, exp, ts);
        from_total(total, evidence)
    }

    /// Shares of negative, neutral and positive implied by the lexicon evidence, for
    /// blending with a trained model.
    pub fn distribution(&self, text: &str) -> [f32; 3] {
        distribution_of_total(self.evidence(text).0)
    }
}

pub(crate) fn distribution_of_total(total: f32) -> [f32; 3] {
    let l = [2.0 * (-total - THRESHOLD), 0.0, 2.0 * (total - THRESHOLD)];
    let m = l.iter().copied().fold(f32::MIN, f32::max);
    let e: Vec<f32> = l.iter().map(|x| (x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    [e[0] / s, e[1] / s, e[2] / s]
}

fn from_total(total: f32, evidence: Vec<Evidence>) -> Sentiment {
    let label = if total >= THRESHOLD {
        SentimentLabel::Positive
    } else if total <= -THRESHOLD {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    };
    let d = distribution_of_total(total);
    let confidence = d[label as usize];
    Sentiment {
        label,
        score: (total / SCALE).tanh(),
        confidence,
        evidence,
    }
}
