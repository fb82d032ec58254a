//! Weak supervision: a topic's seed terms vote for it before anyone has labelled anything.

use std::ops::Range;

use super::fast_hash::FxHashMap;
use super::matcher::{PhraseSet, Tok, toks_in_words};
use super::taxonomy::{OTHER_ID, OTHER_NAME_EN, OTHER_NAME_VI, Taxonomy};
use crate::normalize::normalize;

/// Evidence mass given to "no topic": one ordinary seed hit makes a topic as likely as
/// "other", two make it twice as likely.
const OTHER_MASS: f32 = 1.0;

/// A topic and how strongly the text belongs to it.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicScore {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// Probability-like share in 0..=1 (the shares of all topics and "other" sum to 1).
    pub score: f32,
    /// Seed terms found, as written in the taxonomy (lower case), most frequent first.
    pub terms: Vec<String>,
}

/// A seed term found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedHit {
    /// Index of the topic in the taxonomy.
    pub topic: usize,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
    pub term: String,
    pub weight: f32,
}

/// Scores texts against a taxonomy's seed terms.
#[derive(Debug, Clone)]
pub struct SeedScorer {
    taxonomy: Taxonomy,
    phrases: PhraseSet<(usize, f32)>,
}

impl SeedScorer {
    pub fn new(taxonomy: Taxonomy) -> SeedScorer {
        let mut phrases = PhraseSet::default();
        for (i, t) in taxonomy.topics.iter().enumerate() {
            for (terms, w) in [(&t.seeds, 1.0f32), (&t.strong_seeds, 2.0)] {
                for s in terms {
                    phrases.insert(s, (i, w));
                }
            }
        }
        SeedScorer { taxonomy, phrases }
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Every seed term in the text (normalized here), overlapping terms included: "giải
    /// phóng mặt bằng" also contains "mặt bằng".
    pub fn hits(&self, text: &str) -> (String, Vec<SeedHit>) {
        let norm = normalize(text).text;
        let ts = toks_in_words(&norm);
        let hits = self.hits_in(&ts);
        (norm, hits)
    }

    /// The seed hits among tokens of normalized text (see [`toks_in_words`]); spans are
    /// in that text.
    pub(crate) fn hits_in(&self, ts: &[Tok]) -> Vec<SeedHit> {
        self.phrases
            .find(ts, false)
            .into_iter()
            .map(|h| {
                let (topic, w) = *h.value;
                let n = h.tokens.len() as f32;
                SeedHit {
                    topic,
                    span: ts[h.tokens.start].span.start..ts[h.tokens.end - 1].span.end,
                    term: h.term,
                    // Longer terms are more specific than single syllables.
                    weight: w * (0.5 + 0.5 * n.min(4.0)),
                }
            })
            .collect()
    }

    /// Evidence per topic: for each term, its weight × (1 + ln count).
    pub fn strengths(&self, text: &str) -> Vec<f32> {
        let (_, hits) = self.hits(text);
        self.strengths_of(&hits)
    }

    fn strengths_of(&self, hits: &[SeedHit]) -> Vec<f32> {
        // In order of first occurrence; a long text has thousands of hits, so the terms
        // are found through a map rather than by scanning.
        let mut terms: Vec<(usize, &str, f32, u32)> = Vec::new();
        let mut seen: FxHashMap<(usize, &str), usize> = FxHashMap::default();
        for h in hits {
            match seen.get(&(h.topic, h.term.as_str())) {
                Some(&i) => terms[i].3 += 1,
                None => {
                    seen.insert((h.topic, &h.term), terms.len());
                    terms.push((h.topic, &h.term, h.weight, 1));
                }
            }
        }
        let mut s = vec![0f32; self.taxonomy.len()];
        for (topic, _, w, c) in terms {
            s[topic] += w * (1.0 + (c as f32).ln());
        }
        s
    }

    /// Shares over the topics and, last, "other".
    pub fn distribution(&self, text: &str) -> Vec<f32> {
        distribution_of(&self.strengths(text))
    }

    /// The `top` best topics with a share of at least `min_score`; "other" when no seed
    /// term is found.
    pub fn score(&self, text: &str, top: usize, min_score: f32) -> Vec<TopicScore> {
        let (_, hits) = self.hits(text);
        self.score_hits(&hits, top, min_score)
    }

    /// [`SeedScorer::score`] over tokens of the normalized text, for a caller that has
    /// tokenized and segmented it already.
    pub(crate) fn score_toks(&self, ts: &[Tok], top: usize, min_score: f32) -> Vec<TopicScore> {
        self.score_hits(&self.hits_in(ts), top, min_score)
    }

    fn score_hits(&self, hits: &[SeedHit], top: usize, min_score: f32) -> Vec<TopicScore> {
        let d = distribution_of(&self.strengths_of(hits));
        let mut out = ranked(&self.taxonomy, &d, top, min_score);
        for t in &mut out {
            let Some(ti) = self.taxonomy.index(&t.id) else {
                continue;
            };
            let mut terms: Vec<(&str, usize)> = Vec::new();
            let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
            for h in hits.iter().filter(|h| h.topic == ti) {
                match seen.get(h.term.as_str()) {
                    Some(&i) => terms[i].1 += 1,
                    None => {
                        seen.insert(&h.term, terms.len());
                        terms.push((&h.term, 1));
                    }
                }
            }
            terms.sort_by_key(|t| std::cmp::Reverse(t.1));
            t.terms = terms.into_iter().map(|x| x.0.to_string()).collect();
        }
        out
    }
}

/// Strengths to shares, "other" last.
pub(crate) fn distribution_of(strengths: &[f32]) -> Vec<f32> {
    let total: f32 = strengths.iter().sum::<f32>() + OTHER_MASS;
    strengths
        .iter()
        .map(|s| s / total)
        .chain(std::iter::once(OTHER_MASS / total))
        .collect()
}

/// Topics by share, best first; "other" only when it is the best.
pub(crate) fn ranked(
    taxonomy: &Taxonomy,
    d: &[f32],
    top: usize,
    min_score: f32,
) -> Vec<TopicScore> {
    let n = taxonomy.len();
    let mut order: Vec<usize> = (0..d.len()).collect();
    order.sort_by(|&a, &b| d[b].total_cmp(&d[a]).then(a.cmp(&b)));
    if order.first() == Some(&n) {
        return vec![TopicScore {
            id: OTHER_ID.into(),
            name_vi: OTHER_NAME_VI.into(),
            name_en: OTHER_NAME_EN.into(),
            score: d[n],
            terms: Vec::new(),
        }];
    }
    order
        .into_iter()
        .enumerate()
        .filter(|&(rank, i)| i < n && (rank == 0 || (d[i] >= min_score && d[i] > 0.0)))
        .take(top.max(1))
        .map(|(_, i)| {
            let t = &taxonomy.topics[i];
            TopicScore {
                id: t.id.clone(),
                name_vi: t.name_vi.clone(),
                name_en: t.name_en.clone(),
                score: d[i],
                terms: Vec::new(),
            }
        })
        .collect()
}
