//! Seeds first, then officers' labels: a classifier that takes over as labels accumulate,
//! and the choice of which items to ask officers about next.

use std::collections::BTreeSet;

use super::seeds::{SeedScorer, TopicScore, distribution_of, ranked};
use super::taxonomy::{OTHER_ID, Taxonomy, TopicsError};
use crate::classify::{Classifier, Example, Loss, Model, TrainConfig, train};
use crate::minhash::{MinHasher, Signature};

/// How seeds and the trained classifier are combined.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicModelConfig {
    /// Number of labels at which the classifier weighs as much as the seeds; the
    /// classifier's share is `n / (n + half_weight_labels)`.
    pub half_weight_labels: f32,
    /// Append each seed-matched topic as a token to the classifier's input, so that the
    /// classifier learns how far to trust each topic's seeds.
    pub seed_features: bool,
    /// Repeat the examples of rarer labels (up to 8 times) so that each label weighs about
    /// the same: with a few hundred labels, one frequent label ("other", or the topic an
    /// officer files most) would otherwise win on its bias alone.
    pub balance: bool,
    /// Add a few short documents made of each topic's seed terms to the training set,
    /// labelled with their topic: the classifier then knows every topic's vocabulary from
    /// the first label on, and a label seen often ("other") cannot take over topics the
    /// officers have not labelled yet.
    pub seed_documents: bool,
    pub train: TrainConfig,
}

impl Default for TopicModelConfig {
    fn default() -> Self {
        let mut train = TrainConfig::for_task("topic");
        // Few labels: logistic loss gives usable probabilities without a held-out set to
        // calibrate on, and more passes are cheap.
        train.loss = Loss::Logistic;
        train.epochs = 12;
        train.learning_rate = 0.5;
        TopicModelConfig {
            half_weight_labels: 40.0,
            seed_features: true,
            balance: true,
            seed_documents: true,
            train,
        }
    }
}

/// Topic assignment over a taxonomy: seed terms alone until labels exist, then seeds
/// blended with a classifier trained on those labels.
#[derive(Debug, Clone)]
pub struct TopicModel {
    seeds: SeedScorer,
    classifier: Option<Classifier>,
    /// For each classifier label, its index in the taxonomy (`len()` for "other").
    label_map: Vec<usize>,
    labels_used: usize,
    config: TopicModelConfig,
}

impl TopicModel {
    /// A model that only has the seed terms.
    pub fn seed_only(taxonomy: Taxonomy) -> TopicModel {
        TopicModel {
            seeds: SeedScorer::new(taxonomy),
            classifier: None,
            label_map: Vec::new(),
            labels_used: 0,
            config: TopicModelConfig::default(),
        }
    }

    /// Trains on officers' labels (topic ids, or [`OTHER_ID`]). Without labels (or, when
    /// `seed_documents` is off, with fewer than two distinct ones) the model stays
    /// seed-only.
    pub fn train(
        taxonomy: Taxonomy,
        examples: &[Example<'_>],
        config: TopicModelConfig,
    ) -> Result<TopicModel, TopicsError> {
        let seeds = SeedScorer::new(taxonomy);
        let tx = seeds.taxonomy();
        for e in examples {
            if e.label != OTHER_ID && tx.index(e.label).is_none() {
                return Err(TopicsError::Training(format!(
                    "label \"{}\" is not a topic id",
                    e.label
                )));
            }
        }
        let mut model = TopicModel {
            seeds,
            classifier: None,
            label_map: Vec::new(),
            labels_used: examples.len(),
            config,
        };
        let distinct: BTreeSet<&str> = examples.iter().map(|e| e.label).collect();
        if distinct.is_empty() || (distinct.len() < 2 && !model.config.seed_documents) {
            return Ok(model);
        }
        let texts: Vec<String> = examples
            .iter()
            .map(|e| model.classifier_input(e.text))
            .collect();
        let mut ex: Vec<Example<'_>> = texts
            .iter()
            .zip(examples)
            .map(|(t, e)| Example {
                text: t,
                label: e.label,
            })
            .collect();
        // Short documents made of each topic's seed terms, so that the classifier knows
        // every topic's vocabulary before officers have labelled any of it.
        let mut seed_docs: Vec<(String, String)> = Vec::new();
        if model.config.seed_documents {
            for t in &model.seeds.taxonomy().topics {
                let terms: Vec<&String> = t.strong_seeds.iter().chain(&t.seeds).collect();
                for chunk in terms.chunks(6) {
                    let text = chunk
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    seed_docs.push((model.classifier_input(&text), t.id.clone()));
                }
            }
        }
        ex.extend(seed_docs.iter().map(|(t, l)| Example { text: t, label: l }));
        if model.config.balance {
            ex = balanced(&ex);
        }
        let m =
            train(&ex, &model.config.train).map_err(|e| TopicsError::Training(e.to_string()))?;
        let n = model.seeds.taxonomy().len();
        model.label_map = m
            .labels()
            .iter()
            .map(|l| model.seeds.taxonomy().index(l).unwrap_or(n))
            .collect();
        model.classifier = Some(Classifier::new(m));
        Ok(model)
    }

    /// Rebuilds a trained model from its classifier (read back with
    /// [`crate::classify::Model::from_bytes`]) and the number of labels it was trained on,
    /// so that a model trained yesterday need not be retrained at start-up.
    pub fn from_model(
        taxonomy: Taxonomy,
        model: Model,
        labels_used: usize,
        config: TopicModelConfig,
    ) -> Result<TopicModel, TopicsError> {
        let n = taxonomy.len();
        let mut label_map = Vec::with_capacity(model.labels().len());
        for l in model.labels() {
            match taxonomy.index(l) {
                Some(i) => label_map.push(i),
                None if l == OTHER_ID => label_map.push(n),
                None => {
                    return Err(TopicsError::Training(format!(
                        "model label \"{l}\" is not a topic id"
                    )));
                }
            }
        }
        Ok(TopicModel {
            seeds: SeedScorer::new(taxonomy),
            classifier: Some(Classifier::new(model)),
            label_map,
            labels_used,
            config,
        })
    }

    /// The trained classifier's model (to store with [`crate::classify::Model::to_bytes`]).
    pub fn classifier_model(&self) -> Option<&Model> {
        self.classifier.as_ref().map(Classifier::model)
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        self.seeds.taxonomy()
    }

    pub fn seeds(&self) -> &SeedScorer {
        &self.seeds
    }

    /// Labels the classifier was trained on (0 when seed-only).
    pub fn labels_used(&self) -> usize {
        self.labels_used
    }

    /// The classifier's share of the blend.
    pub fn classifier_weight(&self) -> f32 {
        match self.classifier {
            None => 0.0,
            Some(_) => {
                let n = self.labels_used as f32;
                n / (n + self.config.half_weight_labels.max(1e-3))
            }
        }
    }

    fn classifier_input(&self, text: &str) -> String {
        if !self.config.seed_features {
            return text.to_string();
        }
        let s = self.seeds.strengths(text);
        seed_augmented(text, self.taxonomy(), &s)
    }

    /// Shares over the taxonomy's topics and, last, "other"; they sum to 1.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        let strengths = self.seeds.strengths(text);
        let seed = distribution_of(&strengths);
        let Some(c) = &self.classifier else {
            return seed;
        };
        let input = if self.config.seed_features {
            seed_augmented(text, self.taxonomy(), &strengths)
        } else {
            text.to_string()
        };
        let pred = c.predict(&input);
        let mut clf = vec![0f32; seed.len()];
        for ((_, p), &i) in pred.scores.iter().zip(&self.label_map) {
            clf[i] += p;
        }
        // Seeds that found nothing only say "no evidence", which weighs less than a hit.
        let evidence: f32 = strengths.iter().sum();
        let a = self.classifier_weight();
        let ws = (1.0 - a) * (0.3 + 0.7 * evidence / (evidence + 1.0));
        let wc = a;
        seed.iter()
            .zip(&clf)
            .map(|(s, c)| (ws * s + wc * c) / (ws + wc))
            .collect()
    }

    /// The `top` best topics with a share of at least `min_score` (the best one always).
    pub fn predict(&self, text: &str, top: usize, min_score: f32) -> Vec<TopicScore> {
        let d = self.probabilities(text);
        let mut out = ranked(self.taxonomy(), &d, top, min_score);
        // Name the seed terms behind each topic, whatever weighed in the decision.
        let seeded = self.seeds.score(text, self.taxonomy().len(), 0.0);
        for t in &mut out {
            if let Some(s) = seeded.iter().find(|s| s.id == t.id) {
                t.terms = s.terms.clone();
            }
        }
        out
    }

    /// The best topic id (or [`OTHER_ID`]).
    pub fn best(&self, text: &str) -> String {
        let d = self.probabilities(text);
        let i = best_index(&d);
        self.taxonomy()
            .topics
            .get(i)
            .map_or(OTHER_ID.to_string(), |t| t.id.clone())
    }

    /// Which `k` candidates an officer should label next: those the model is least sure
    /// about (smallest gap between its two most likely topics), skipping near-duplicates
    /// of items already chosen, which would teach the same thing twice. Returns indices
    /// into `candidates`, most useful first; deterministic.
    ///
    /// Picks go round the predicted topics (the least certain item of each topic, then
    /// the next), so that a batch does not pile onto the one topic the seeds confuse most
    /// and every topic gets examples early.
    pub fn suggest_for_labelling(&self, candidates: &[&str], k: usize) -> Vec<usize> {
        let probs: Vec<Vec<f32>> = candidates.iter().map(|t| self.probabilities(t)).collect();
        let margins: Vec<f32> = probs.iter().map(|p| margin(p)).collect();
        let classes: Vec<usize> = probs.iter().map(|p| best_index(p)).collect();
        select_balanced(candidates, &margins, &classes, k)
    }
}

/// The examples, with those of each label repeated until every label has about as many as
/// the most frequent one (at most 8 copies of each).
fn balanced<'a>(ex: &[Example<'a>]) -> Vec<Example<'a>> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in ex {
        *counts.entry(e.label).or_default() += 1;
    }
    let max = counts.values().copied().max().unwrap_or(1);
    let mut out = Vec::with_capacity(ex.len() * 2);
    for e in ex {
        let copies = (max as f32 / counts[e.label] as f32)
            .round()
            .clamp(1.0, 8.0) as usize;
        out.extend(std::iter::repeat_n(*e, copies));
    }
    out
}

/// Gap between the two largest shares.
pub fn margin(d: &[f32]) -> f32 {
    let (mut a, mut b) = (f32::MIN, f32::MIN);
    for &x in d {
        if x > a {
            b = a;
            a = x;
        } else if x > b {
            b = x;
        }
    }
    if b == f32::MIN { 1.0 } else { a - b }
}

/// Index of the largest share; the first one on ties.
pub(crate) fn best_index(d: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in d.iter().enumerate() {
        if x > d[best] {
            best = i;
        }
    }
    best
}

/// Jaccard similarity above which two candidates count as the same text.
const NEAR_DUPLICATE: f64 = 0.5;

/// Smallest margin first, ties by index; near-duplicates of chosen items are skipped.
pub fn select_diverse(candidates: &[&str], margins: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len().min(margins.len())).collect();
    order.sort_by(|&a, &b| margins[a].total_cmp(&margins[b]).then(a.cmp(&b)));
    take_distinct(candidates, order, k)
}

/// Like [`select_diverse`], taking turns between `classes` (e.g. predicted labels): each
/// round takes the least certain remaining item of every class, rounds ordered by margin.
pub fn select_balanced(
    candidates: &[&str],
    margins: &[f32],
    classes: &[usize],
    k: usize,
) -> Vec<usize> {
    let n = candidates.len().min(margins.len()).min(classes.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| margins[a].total_cmp(&margins[b]).then(a.cmp(&b)));
    // Rank of each item within its class: 0 for the least certain of each class, 1 next…
    let mut seen: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut ranked: Vec<(usize, usize)> = order
        .into_iter()
        .map(|i| {
            let r = seen.entry(classes[i]).or_default();
            *r += 1;
            (*r - 1, i)
        })
        .collect();
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(margins[a.1].total_cmp(&margins[b.1]))
            .then(a.1.cmp(&b.1))
    });
    take_distinct(candidates, ranked.into_iter().map(|(_, i)| i), k)
}

/// Takes up to `k` candidates in `order`, skipping any near duplicate of one already taken:
/// a labelling batch teaches more spread over different texts than spent on one text posted
/// many times.
fn take_distinct(
    candidates: &[&str],
    order: impl IntoIterator<Item = usize>,
    k: usize,
) -> Vec<usize> {
    let hasher = MinHasher::default();
    let mut chosen: Vec<(usize, Signature)> = Vec::new();
    for i in order {
        if chosen.len() >= k {
            break;
        }
        let sig = hasher.signature(candidates[i]);
        if chosen
            .iter()
            .any(|(_, s)| s.jaccard(&sig) >= NEAR_DUPLICATE)
        {
            continue;
        }
        chosen.push((i, sig));
    }
    chosen.into_iter().map(|c| c.0).collect()
}

/// The text followed by one token per seed-matched topic, repeated with its strength, so
/// that hashed features can learn how reliable each topic's seeds are.
fn seed_augmented(text: &str, taxonomy: &Taxonomy, strengths: &[f32]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(text);
    out.push_str(" .");
    for (t, &s) in taxonomy.topics.iter().zip(strengths) {
        let reps = s.round().clamp(0.0, 4.0) as usize + usize::from(s > 0.0);
        for _ in 0..reps.min(4) {
            out.push_str(" zzseed");
            out.extend(t.id.chars().filter(char::is_ascii_alphanumeric));
        }
    }
    out
}
