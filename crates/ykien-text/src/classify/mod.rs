//! Text classification: topic, sentiment, spam.
//!
//! Small, fast and explainable on purpose: a linear model over hashed word, word-pair and
//! character n-gram features. It trains in seconds on one core, so it can be retrained
//! from officers' corrections the same day; its files are a few megabytes; and every
//! decision can be taken apart into the words that pushed it ([`Classifier::explain`]),
//! because an officer who files a citizen's message under a topic needs to say why.

mod eval;
mod features;
mod model;
mod serialize;
mod train;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

pub use eval::{Evaluation, LabelScores};
pub use features::{FEATURE_VERSION, FeatureConfig, FeatureKind};
pub use model::{Loss, Model};
pub use train::{Progress, TrainConfig, train, train_with_progress};

use features::{Scratch, SparseVec};
use model::argmax;

/// One labelled text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example<'a> {
    pub text: &'a str,
    pub label: &'a str,
}

/// Why a model could not be trained or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassifyError {
    /// Not a classifier model file.
    BadMagic,
    /// Written by another version of the format or of the feature extraction.
    Version { format: u32, features: u32 },
    /// Ends early.
    Truncated,
    /// Damaged: content does not match its checksum (also what a cut-short file gives).
    Checksum,
    /// A field is out of range.
    Invalid(&'static str),
    /// The examples or options cannot give a model.
    Training(&'static str),
}

impl fmt::Display for ClassifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassifyError::BadMagic => write!(f, "not a ykien classifier model"),
            ClassifyError::Version { format, features } => write!(
                f,
                "classifier model of format {format}/features {features}, this build reads 1/{FEATURE_VERSION}; retrain it"
            ),
            ClassifyError::Truncated => write!(f, "classifier model file is truncated"),
            ClassifyError::Checksum => {
                write!(
                    f,
                    "classifier model file is damaged or truncated (checksum mismatch)"
                )
            }
            ClassifyError::Invalid(what) => write!(f, "invalid classifier model: bad {what}"),
            ClassifyError::Training(why) => write!(f, "cannot train: {why}"),
        }
    }
}

impl std::error::Error for ClassifyError {}

/// A label and its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: String,
    /// Probability of `label`.
    pub score: f32,
    /// Every label with its probability, in the model's label order.
    pub scores: Vec<(String, f32)>,
}

/// One feature's share of a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The word, the word pair ("giá xăng") or the character n-gram ("<xă"); features that
    /// share a hash bucket are joined with " | ".
    pub feature: String,
    pub kind: FeatureKind,
    /// Matched on the text without diacritics.
    pub folded: bool,
    /// How much it raised (positive) or lowered the label's score against the average
    /// of all labels.
    pub weight: f32,
}

/// A prediction and the features behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub prediction: Prediction,
    /// Strongest evidence for the predicted label, strongest first.
    pub for_label: Vec<Contribution>,
    /// Strongest evidence against it, strongest first.
    pub against: Vec<Contribution>,
}

thread_local! {
    static SCRATCH: RefCell<(Scratch, SparseVec, Vec<f32>)> = RefCell::new(Default::default());
}

/// A model ready to label texts. Thread-safe; scratch buffers are per thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    model: Model,
}

impl Classifier {
    pub fn new(model: Model) -> Classifier {
        Classifier { model }
    }

    /// Reads a model file's bytes (see [`Model::to_bytes`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Classifier, ClassifyError> {
        Model::from_bytes(bytes).map(Classifier::new)
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn into_model(self) -> Model {
        self.model
    }

    fn with_scores<R>(&self, text: &str, f: impl FnOnce(&[f32]) -> R) -> R {
        let run = |(s, v, out): &mut (Scratch, SparseVec, Vec<f32>)| {
            let m = &self.model;
            m.features.vector(text, m.idf.as_deref(), s, v);
            m.scores_into(v, out);
            f(out)
        };
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut b) => run(&mut b),
            Err(_) => run(&mut Default::default()),
        })
    }

    /// The most likely label's index in [`Model::labels`] and its probability, without
    /// allocating; for bulk labelling.
    pub fn predict_index(&self, text: &str) -> (usize, f32) {
        self.with_scores(text, |scores| {
            let best = argmax(scores);
            let p = self.model.probabilities(scores);
            (best, p[best])
        })
    }

    pub fn predict(&self, text: &str) -> Prediction {
        let probs = self.with_scores(text, |scores| self.model.probabilities(scores));
        let best = argmax(&probs);
        Prediction {
            label: self.model.labels[best].clone(),
            score: probs[best],
            scores: self.model.labels.iter().cloned().zip(probs).collect(),
        }
    }

    /// The prediction and the `top` features that most raised and most lowered the
    /// predicted label's score.
    pub fn explain(&self, text: &str, top: usize) -> Explanation {
        let prediction = self.predict(text);
        let m = &self.model;
        let k = m.labels.len();
        let label = m
            .labels
            .iter()
            .position(|l| *l == prediction.label)
            .unwrap_or(0);
        let mut s = Scratch::default();
        let mut v = SparseVec::default();
        m.features.vector(text, m.idf.as_deref(), &mut s, &mut v);
        // Names grouped per bucket: a bucket's value is the net of every feature in it.
        let mut names: BTreeMap<(u32, FeatureKind, bool), Vec<String>> = BTreeMap::new();
        for (idx, _neg, kind, folded, name) in m.features.named(text, &mut s) {
            let e = names.entry((idx, kind, folded)).or_default();
            if !e.contains(&name) {
                e.push(name);
            }
        }
        let mut per_bucket: BTreeMap<u32, Vec<(FeatureKind, bool, String)>> = BTreeMap::new();
        for ((idx, kind, folded), ns) in names {
            per_bucket
                .entry(idx)
                .or_default()
                .push((kind, folded, ns.join(" | ")));
        }
        let mut contributions = Vec::new();
        for (&i, &x) in v.indices.iter().zip(&v.values) {
            let row = &m.weights[i as usize * k..i as usize * k + k];
            let mean = row.iter().sum::<f32>() / k as f32;
            let w = x * (row[label] - mean);
            if w == 0.0 {
                continue;
            }
            let Some(ns) = per_bucket.get(&i) else {
                continue;
            };
            let (kind, folded) = (ns[0].0, ns[0].1);
            let feature = ns
                .iter()
                .map(|n| n.2.as_str())
                .collect::<Vec<_>>()
                .join(" | ");
            contributions.push(Contribution {
                feature,
                kind,
                folded,
                weight: w,
            });
        }
        contributions.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.feature.cmp(&b.feature))
        });
        let for_label: Vec<Contribution> = contributions
            .iter()
            .filter(|c| c.weight > 0.0)
            .take(top)
            .cloned()
            .collect();
        let against: Vec<Contribution> = contributions
            .iter()
            .rev()
            .filter(|c| c.weight < 0.0)
            .take(top)
            .cloned()
            .collect();
        Explanation {
            prediction,
            for_label,
            against,
        }
    }

    /// Labels every example and tallies the results.
    pub fn evaluate(&self, examples: &[Example<'_>]) -> Evaluation {
        let mut e = Evaluation::new(self.model.labels.clone());
        for ex in examples {
            let (i, _) = self.predict_index(ex.text);
            e.add(ex.label, &self.model.labels[i]);
        }
        e
    }
}
