//! Weighs the hits into a verdict.
//!
//! Every hit carries evidence in one unit; 3.0 makes a label. Topic words alone can never
//! get there (their sum is capped), so a story about gambling is not spam; what news does
//! not write — brands, promotion, glued or scrambled spellings — gets there fast. A phrase
//! repeated n times counts √n times, so keyword stuffing does not run away with the score
//! and one brand repeated is not worth ten different signs.

use std::collections::{BTreeMap, HashMap};

use super::brand::BrandShape;
use super::explain::Explain;
use super::lexicon::Class;
use super::matcher::{Hit, Kind, find};
use super::placement::{Placement, SENTENCE_EVIDENCE, place};
use super::reason::Seen;
use super::signals::{links, phones};
use super::spelling::{Spelling, spelling};
use super::view::{DISGUISED, MARK, View};
use super::{SpamLabel, SpamSpan, SpamVerdict, SpanKind};

/// Evidence that makes a label; `score` is evidence / (evidence + THRESHOLD).
const THRESHOLD: f32 = 3.0;
/// The most that topic words alone ("đánh bạc", "xổ số") can add up to.
const TOPIC_CAP: f32 = 1.0;
/// Topic words at least this share (%) of the tokens make a text dense with them.
const DENSE_TOPIC_PERCENT: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Gambling,
    GamblingTopic,
    Advert,
    None,
}

/// A hit with its weight in this text.
pub(crate) struct Weighed {
    pub weight: f32,
    pub family: Family,
    pub span: SpanKind,
    pub seen: Seen,
}

/// Per-sentence flags the weights depend on.
#[derive(Default, Clone, Copy)]
struct SentenceFlags {
    betting: bool,
    /// A token shaped like a brand, not yet known to be one.
    brand_like: bool,
    strong: bool,
    call: bool,
    crime: bool,
    advert: bool,
}

pub fn detect(text: &str) -> SpamVerdict {
    let view = View::new(text);
    let hits = find(&view, text);
    let n_sent = view.sentences.len();
    // the spelling of every token matters only for spam (where it sits) and for marked
    // words (scrambled tones); plain words are checked only when needed
    let mut spell: Vec<Spelling> = view
        .tokens
        .iter()
        .enumerate()
        .map(|(t, tok)| {
            if tok.flags & (MARK | DISGUISED) != 0 {
                spelling(&view, text, t)
            } else {
                Spelling::NotWord
            }
        })
        .collect();
    let scrambled_hit = |h: &Hit| h.disguised;

    // sentence flags and document context
    let mut flags = vec![SentenceFlags::default(); n_sent];
    let mut crime_hits = 0usize;
    let mut doc_strong = false;
    let mut betting_calls = 0usize;
    let sentence_of = |h: &Hit| view.sentence_of(h.tokens.start);
    for h in &hits {
        let f = &mut flags[sentence_of(h)];
        match h.kind {
            Kind::Phrase(Class::BettingTopic) => {
                f.betting = true;
                if scrambled_hit(h) {
                    f.strong = true;
                    doc_strong = true;
                }
            }
            Kind::Phrase(Class::BettingPromo | Class::BettingSpam)
            | Kind::Glued
            | Kind::KnownBrand => {
                f.betting = true;
                f.strong = true;
                doc_strong = true;
            }
            Kind::BrandShape(BrandShape::Affix) => {
                f.betting = true;
                doc_strong = true;
            }
            Kind::BrandShape(_) => f.brand_like = true,
            Kind::Phrase(Class::CallToAction) => f.call = true,
            Kind::Phrase(Class::BettingCall) => {
                f.call = true;
                betting_calls += 1;
            }
            Kind::Phrase(Class::CrimeReport) => {
                f.crime = true;
                crime_hits += 1;
            }
            Kind::Phrase(Class::Advert) => f.advert = true,
            Kind::Phrase(Class::AdvertCall) => {}
        }
    }
    let crime_doc = crime_hits >= 2;
    // several different gambling words outside a crime report make the whole text a
    // betting context, in which a brand-shaped token is a brand
    let mut topic_terms: Vec<u32> = hits
        .iter()
        .filter(|h| matches!(h.kind, Kind::Phrase(Class::BettingTopic)))
        .map(|h| h.key)
        .collect();
    topic_terms.sort_unstable();
    topic_terms.dedup();
    let doc_context = doc_strong || (!crime_doc && topic_terms.len() >= 2);
    // a brand-shaped token the text keeps coming back to, in a text that talks betting or
    // deposits anywhere, is the site the page is about ("Câu hỏi thường gặp về kd88 … rút
    // tiền … nạp đầu"), or the one an injection repeats
    let betting_words = betting_calls > 0 || !topic_terms.is_empty() || doc_strong;
    let page_brand = if betting_words && !crime_doc {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for h in &hits {
            if matches!(h.kind, Kind::BrandShape(_)) {
                *counts.entry(h.key).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|&(_, n)| n >= 2)
            .map(|(k, _)| k)
            .max()
    } else {
        None
    };
    let near = |s: usize, pred: &dyn Fn(&SentenceFlags) -> bool| {
        (s.saturating_sub(1)..(s + 2).min(n_sent)).any(|k| pred(&flags[k]))
    };
    let advertising = hits
        .iter()
        .any(|h| matches!(h.kind, Kind::Phrase(Class::Advert | Class::AdvertCall)));
    let phone_count = if advertising { phones(&view, text) } else { 0 };

    // weigh each hit
    let weighed: Vec<Weighed> = hits
        .iter()
        .map(|h| {
            let s = sentence_of(h);
            let f = flags[s];
            let scrambled = scrambled_hit(h);
            let (weight, family, span, seen) = match h.kind {
                Kind::Phrase(Class::BettingTopic) => {
                    if scrambled {
                        let w = if h.tokens.len() > 1 { 3.2 } else { 1.3 };
                        (w, Family::Gambling, SpanKind::Scrambled, Seen::Scrambled)
                    } else {
                        let w = if crime_doc { 0.05 } else { 0.3 };
                        (
                            w,
                            Family::GamblingTopic,
                            SpanKind::Betting,
                            Seen::BettingWords,
                        )
                    }
                }
                Kind::Phrase(class @ (Class::BettingPromo | Class::BettingSpam)) => {
                    if scrambled {
                        (3.2, Family::Gambling, SpanKind::Scrambled, Seen::Scrambled)
                    } else {
                        let full = if class == Class::BettingSpam {
                            2.0
                        } else {
                            1.2
                        };
                        let w = if f.crime {
                            full * 0.25
                        } else if crime_doc {
                            full * 0.5
                        } else {
                            full
                        };
                        (w, Family::Gambling, SpanKind::Betting, Seen::BettingWords)
                    }
                }
                Kind::Phrase(Class::CallToAction | Class::BettingCall) => {
                    let mut w = if near(s, &|f| f.betting || f.brand_like) || page_brand.is_some() {
                        0.8
                    } else {
                        0.1
                    };
                    if crime_doc {
                        w *= 0.5;
                    }
                    if scrambled {
                        w += 1.0;
                    }
                    (
                        w,
                        Family::Gambling,
                        SpanKind::CallToAction,
                        Seen::CallToAction,
                    )
                }
                Kind::Phrase(Class::CrimeReport) => {
                    (0.0, Family::None, SpanKind::Betting, Seen::CrimeReport)
                }
                Kind::Phrase(Class::Advert) => {
                    let w = if crime_doc { 0.5 } else { 1.2 };
                    (w, Family::Advert, SpanKind::Advertising, Seen::Advertising)
                }
                Kind::Phrase(Class::AdvertCall) => {
                    let w = if near(s, &|f| f.advert) || phone_count > 0 {
                        0.6
                    } else {
                        0.2
                    };
                    (
                        w,
                        Family::Advert,
                        SpanKind::CallToAction,
                        Seen::CallToAction,
                    )
                }
                Kind::Glued => (2.0, Family::Gambling, SpanKind::Glued, Seen::Glued),
                Kind::KnownBrand => {
                    // news on gambling crime names the sites it reports on
                    let w = if f.call {
                        3.0
                    } else if f.crime {
                        1.0
                    } else if crime_doc {
                        2.0
                    } else {
                        3.0
                    };
                    (w, Family::Gambling, SpanKind::Brand, Seen::Brand)
                }
                Kind::BrandShape(BrandShape::Affix) => {
                    let mut w = if f.strong || f.call || doc_context {
                        2.0
                    } else {
                        1.0
                    };
                    if f.crime {
                        w *= 0.5;
                    }
                    (w, Family::Gambling, SpanKind::Brand, Seen::Brand)
                }
                Kind::BrandShape(_) => {
                    let w = if f.betting || (f.call && doc_context) || page_brand == Some(h.key) {
                        1.5
                    } else if doc_context || f.call {
                        1.0
                    } else {
                        0.0
                    };
                    (w, Family::Gambling, SpanKind::Brand, Seen::Brand)
                }
            };
            Weighed {
                weight,
                family,
                span,
                seen,
            }
        })
        .collect();

    // repeats count √n times
    // ordered, so that the float sums below do not depend on hash order (same text, same score)
    let mut per_key: BTreeMap<(u32, bool), (f32, u32, Family)> = BTreeMap::new();
    for (h, w) in hits.iter().zip(&weighed) {
        if w.weight > 0.0 {
            let e = per_key
                .entry((h.key, w.span == SpanKind::Scrambled))
                .or_insert((0.0, 0, w.family));
            e.0 += w.weight;
            e.1 += 1;
        }
    }
    let (mut gambling, mut topic, mut advert) = (0.0f32, 0.0f32, 0.0f32);
    for (sum, n, family) in per_key.values() {
        let c = sum / (*n as f32).sqrt();
        match family {
            Family::Gambling => gambling += c,
            Family::GamblingTopic => topic += c,
            Family::Advert => advert += c,
            Family::None => {}
        }
    }
    // many different gambling words packed in a short text, outside a crime report, are a
    // page about betting rather than news mentioning it
    let topic_hits = hits
        .iter()
        .filter(|h| matches!(h.kind, Kind::Phrase(Class::BettingTopic)))
        .count();
    let dense = !crime_doc
        && topic_terms.len() >= 4
        && topic_hits * 100 >= view.tokens.len() * DENSE_TOPIC_PERCENT;
    gambling += topic.min(if dense { 2.0 * TOPIC_CAP } else { TOPIC_CAP });
    let advert_words = weighed
        .iter()
        .any(|w| w.family == Family::Advert && w.weight > 0.0);
    if advert_words && phone_count > 0 {
        advert += (0.5 * phone_count as f32).min(1.5);
    }
    let link_tokens = links(&view, text);
    let link_farm = link_tokens.len() >= 5 && link_tokens.len() * 10 >= view.tokens.len();
    if link_farm {
        advert += THRESHOLD;
    }
    let scrambled_tokens: Vec<usize> = (0..view.tokens.len())
        .filter(|&t| spell[t] == Spelling::Scrambled)
        .collect();
    let marked = view.tokens.iter().filter(|t| t.flags & MARK != 0).count();
    let other = if scrambled_tokens.len() >= 4 && scrambled_tokens.len() * 10 >= marked {
        0.75 * scrambled_tokens.len() as f32
    } else {
        0.0
    };

    // scrambled spelling in a text that already talks betting is part of the same disguise
    if other > 0.0 && gambling >= 1.0 {
        gambling += other;
    }
    let (label, evidence, family) = if gambling >= THRESHOLD {
        (SpamLabel::Gambling, gambling, Some(Family::Gambling))
    } else if advert >= THRESHOLD {
        (SpamLabel::Advertising, advert, Some(Family::Advert))
    } else if other >= THRESHOLD {
        (SpamLabel::Other, other, None)
    } else {
        (SpamLabel::None, gambling.max(advert).max(other), None)
    };
    let score = evidence / (evidence + THRESHOLD);
    let in_family = |w: &Weighed| match family {
        Some(Family::Gambling) => {
            matches!(w.family, Family::Gambling | Family::GamblingTopic) && w.weight > 0.0
        }
        Some(Family::Advert) => w.family == Family::Advert && w.weight > 0.0,
        _ => false,
    };

    // spans
    let mut spans: Vec<SpamSpan> = Vec::new();
    if label != SpamLabel::None {
        for (h, w) in hits.iter().zip(&weighed) {
            if in_family(w) {
                spans.push(SpamSpan {
                    range: view.original(h.folded.clone()),
                    kind: w.span,
                });
            }
        }
        if label == SpamLabel::Advertising && link_farm {
            for &t in &link_tokens {
                spans.push(SpamSpan {
                    range: view.token_original(t - 1).start..view.token_original(t).end,
                    kind: SpanKind::Link,
                });
            }
        }
        if label == SpamLabel::Other {
            for &t in &scrambled_tokens {
                spans.push(SpamSpan {
                    range: view.token_original(t),
                    kind: SpanKind::Scrambled,
                });
            }
        }
        spans.sort_by_key(|s| (s.range.start, s.range.end));
    }

    // injected or doorway: where do the spam sentences sit?
    let mut placement = Placement::default();
    if label != SpamLabel::None {
        for (t, tok) in view.tokens.iter().enumerate() {
            if tok.flags & (MARK | DISGUISED) == 0 {
                spell[t] = spelling(&view, text, t);
            }
        }
        let mut evidence: Vec<(std::ops::Range<usize>, f32)> = hits
            .iter()
            .zip(&weighed)
            .filter(|(_, w)| in_family(w) || (label == SpamLabel::Other && w.weight > 0.0))
            .map(|(h, w)| (h.tokens.clone(), w.weight))
            .collect();
        if label == SpamLabel::Other {
            evidence.extend(
                scrambled_tokens
                    .iter()
                    .map(|&t| (t..t + 1, SENTENCE_EVIDENCE)),
            );
        }
        placement = place(&view, &spell, &evidence);
    }

    let reasons = Explain {
        text,
        view: &view,
        hits: &hits,
        weighed: &weighed,
        in_family: &in_family,
        label,
        phone_count,
        links: if link_farm { link_tokens.len() } else { 0 },
        scrambled_tokens: &scrambled_tokens,
        crime_hits: if crime_doc { crime_hits } else { 0 },
        placement,
    }
    .reasons();

    SpamVerdict {
        label,
        score,
        injected: placement.injected,
        reasons,
        spans,
    }
}
