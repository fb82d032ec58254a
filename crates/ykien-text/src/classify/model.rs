//! A trained linear model: one weight per (bucket, label), one bias per label.

use super::features::{FeatureConfig, SparseVec};

/// The training objective; also decides how scores become probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Multinomial logistic regression: probabilities are the softmax of the scores.
    Logistic,
    /// Multi-class linear SVM (Crammer–Singer hinge): probabilities are the softmax of the
    /// scores times a temperature fitted after training.
    Hinge,
}

impl Loss {
    pub(crate) fn code(self) -> u8 {
        match self {
            Loss::Logistic => 0,
            Loss::Hinge => 1,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<Loss> {
        match c {
            0 => Some(Loss::Logistic),
            1 => Some(Loss::Hinge),
            _ => None,
        }
    }
}

/// Weights are kept dequantized from their stored `i16` grid (`q × 2^exponent`), so a
/// model behaves identically before and after a round trip through bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) task: String,
    pub(crate) labels: Vec<String>,
    pub(crate) features: FeatureConfig,
    pub(crate) loss: Loss,
    /// Bucket-major: `weights[bucket * labels.len() + label]`.
    pub(crate) weights: Vec<f32>,
    pub(crate) bias: Vec<f32>,
    /// Per bucket, when `features.idf`; buckets unseen in training hold `idf_unseen`.
    pub(crate) idf: Option<Vec<f32>>,
    /// Multiplies scores before the softmax.
    pub(crate) temperature: f32,
    /// Power-of-two step of the weight grid.
    pub(crate) exponent: i8,
}

impl Model {
    /// What the model was trained for ("topic", "sentiment", "spam", …).
    pub fn task(&self) -> &str {
        &self.task
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn features(&self) -> &FeatureConfig {
        &self.features
    }

    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// Buckets with at least one non-zero weight.
    pub fn nonzero_rows(&self) -> usize {
        let k = self.labels.len();
        self.weights
            .chunks_exact(k)
            .filter(|r| r.iter().any(|&w| w != 0.0))
            .count()
    }

    /// Raw linear scores, one per label.
    pub(crate) fn scores_into(&self, x: &SparseVec, out: &mut Vec<f32>) {
        let k = self.labels.len();
        out.clear();
        out.extend_from_slice(&self.bias);
        for (&i, &v) in x.indices.iter().zip(&x.values) {
            let row = &self.weights[i as usize * k..i as usize * k + k];
            for (o, &w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
    }

    /// Calibrated probabilities from raw scores.
    pub(crate) fn probabilities(&self, scores: &[f32]) -> Vec<f32> {
        softmax(scores, self.temperature)
    }
}

pub(crate) fn softmax(scores: &[f32], temperature: f32) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p: Vec<f32> = scores
        .iter()
        .map(|&s| ((s - max) * temperature).exp())
        .collect();
    let sum: f32 = p.iter().sum();
    if sum > 0.0 {
        p.iter_mut().for_each(|x| *x /= sum);
    }
    p
}

/// Index of the largest score; ties go to the first label, so results never depend on
/// anything but the scores.
pub(crate) fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best
}

/// Splitmix64: a tiny PRNG whose sequence is fixed by its seed on every platform.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_F42D_4C95_7F2D)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}
