//! Weighs the hits into a verdict.
//!
//! Every hit carries evidence in one unit; 3.0 makes a label. Topic words alone can never
//! get there (their sum is capped), so a story about gambling is not spam; what news does
//! not write — brands, promotion, glued or scrambled spellings — gets there fast. A phrase
//! repeated n times counts √n times, so keyword stuffing does not run away with the score
//! and one brand repeated is not worth ten different signs.

use std::collections::HashMap;

use super::brand::BrandShape;
use super::lexicon::{Class, TLDS};
use super::matcher::{Hit, Kind, find};
use super::reason::{self, Seen};
use super::syllable::{SyllableIssue, check_syllable};
use super::view::{ALPHA, DIGIT, DISGUISED, FOREIGN, MARK, View};
use super::{SpamLabel, SpamSpan, SpamVerdict, SpanKind};

/// Evidence that makes a label; `score` is evidence / (evidence + THRESHOLD).
const THRESHOLD: f32 = 3.0;
/// The most that topic words alone ("đánh bạc", "xổ số") can add up to.
const TOPIC_CAP: f32 = 1.0;
/// Topic words at least this share (%) of the tokens make a text dense with them.
const DENSE_TOPIC_PERCENT: usize = 4;
/// Spam words at most this share (%) of an article's tokens: injected, not a doorway.
const SPARSE_PERCENT: usize = 12;
/// Hits at least this heavy make their sentence a spam sentence.
const SENTENCE_EVIDENCE: f32 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Valid,
    Invalid,
    /// Tone marks that cannot be, or look-alike letters: deliberate disguise.
    Scrambled,
    /// Digits or another script: not a word to judge.
    NotWord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Gambling,
    GamblingTopic,
    Advert,
    None,
}

struct Weighed {
    weight: f32,
    family: Family,
    span: SpanKind,
    seen: Seen,
}

fn spelling(view: &View, text: &str, t: usize) -> Spelling {
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

/// Domains (a top-level domain token right after "word.") and "http"/"www" tokens.
fn links(view: &View, text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for t in 1..view.tokens.len() {
        let s = view.token_folded(t);
        if !TLDS.contains(&s) {
            continue;
        }
        let r = view.token_original(t);
        let prev = view.token_original(t - 1);
        let dotted = r.start > 0 && bytes[r.start - 1] == b'.' && prev.end + 1 == r.start;
        let next_is_tld = t + 1 < view.tokens.len() && {
            let n = view.token_original(t + 1);
            n.start == r.end + 1 && bytes[r.end] == b'.' && TLDS.contains(&view.token_folded(t + 1))
        };
        if dotted && TLDS.contains(&s) && !next_is_tld {
            out.push(t);
        }
    }
    out
}

/// Phone numbers: digit groups joined by at most one separator, 10–11 digits starting with
/// 0 or 84, or 1800/1900 hotlines.
fn phones(view: &View, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut t = 0;
    while t < view.tokens.len() {
        if view.tokens[t].flags & (ALPHA | FOREIGN) != 0 {
            t += 1;
            continue;
        }
        let mut digits = String::from(view.token_folded(t));
        let mut end = view.token_original(t).end;
        let mut u = t + 1;
        while u < view.tokens.len() && view.tokens[u].flags & (ALPHA | FOREIGN) == 0 {
            let r = view.token_original(u);
            if r.start > end + 1 || !matches!(bytes[end], b' ' | b'.' | b'-') {
                break;
            }
            digits.push_str(view.token_folded(u));
            end = r.end;
            u += 1;
        }
        let n = digits.len();
        let mobile =
            (10..=11).contains(&n) && (digits.starts_with('0') || digits.starts_with("84"));
        let hotline =
            (8..=10).contains(&n) && (digits.starts_with("1800") || digits.starts_with("1900"));
        if mobile || hotline {
            count += 1;
        }
        t = u;
    }
    count
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
    let mut per_key: HashMap<(u32, bool), (f32, u32, Family)> = HashMap::new();
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
    let mut injected = false;
    let mut spam_sentences = 0;
    let mut clean_sentences = 0;
    let mut clean_tokens = 0;
    if label != SpamLabel::None {
        for (t, tok) in view.tokens.iter().enumerate() {
            if tok.flags & (MARK | DISGUISED) == 0 {
                spell[t] = spelling(&view, text, t);
            }
        }
        let mut spam_sentence = vec![false; n_sent];
        for (h, w) in hits.iter().zip(&weighed) {
            if (in_family(w) || label == SpamLabel::Other) && w.weight >= SENTENCE_EVIDENCE {
                spam_sentence[sentence_of(h)] = true;
            }
        }
        if label == SpamLabel::Other {
            for &t in &scrambled_tokens {
                spam_sentence[view.sentence_of(t)] = true;
            }
        }
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
        let mut covered = vec![false; view.tokens.len()];
        for (h, w) in hits.iter().zip(&weighed) {
            if in_family(w) {
                covered[h.tokens.clone()].iter_mut().for_each(|c| *c = true);
            }
        }
        let spam_tokens = covered.iter().filter(|c| **c).count();
        let n = view.tokens.len();
        injected = (clean_sentences >= 2 && clean_tokens * 2 >= n)
            || (n >= 50 && spam_tokens * 100 <= n * SPARSE_PERCENT);
    }

    // reasons
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
        for (h, w) in hits.iter().zip(&weighed) {
            if w.seen != seen || w.weight <= 0.0 {
                continue;
            }
            if label != SpamLabel::None && !in_family(w) {
                continue;
            }
            count += 1;
            let e = text[view.original(h.folded.clone())].to_string();
            if examples.len() < 4
                && !examples
                    .iter()
                    .any(|x| x.to_lowercase() == e.to_lowercase())
            {
                examples.push(e);
            }
        }
        // a lone weak word is no reason worth showing for a clean text
        if count > 0 && (label != SpamLabel::None || seen != Seen::CallToAction) {
            reasons.push(reason::reason(seen, &examples, count));
        }
    }
    if label == SpamLabel::Advertising && phone_count > 0 {
        reasons.push(reason::reason(Seen::Phone, &[], phone_count));
    }
    if link_farm {
        reasons.push(reason::reason(Seen::LinkFarm, &[], link_tokens.len()));
    }
    if label == SpamLabel::Other {
        let examples: Vec<String> = scrambled_tokens
            .iter()
            .take(4)
            .map(|&t| text[view.token_original(t)].to_string())
            .collect();
        reasons.push(reason::reason(
            Seen::Obfuscated,
            &examples,
            scrambled_tokens.len(),
        ));
    }
    if crime_doc
        && hits.iter().any(|h| {
            matches!(
                h.kind,
                Kind::Phrase(Class::BettingTopic | Class::BettingPromo)
            )
        })
    {
        reasons.push(reason::reason(Seen::CrimeReport, &[], crime_hits));
    }
    if label != SpamLabel::None {
        reasons.push(if injected {
            reason::injected(spam_sentences, n_sent)
        } else {
            reason::doorway(spam_sentences, n_sent)
        });
    }

    SpamVerdict {
        label,
        score,
        injected,
        reasons,
        spans,
    }
}
