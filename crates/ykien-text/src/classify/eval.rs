//! Accuracy, per-label precision/recall/F1, macro-F1 and the confusion table.
//!
//! Macro-F1 follows scikit-learn: the mean over every label that occurs in the gold or the
//! predicted labels, with F1 = 0 where precision or recall is undefined, so the figures can
//! be compared side by side.

use std::fmt;

/// Counts of (gold, predicted) pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    labels: Vec<String>,
    /// `confusion[gold][predicted]`.
    confusion: Vec<Vec<u64>>,
}

/// Scores of one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelScores {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold examples of this label.
    pub support: u64,
}

impl Evaluation {
    /// An empty table over `labels` (more are added as they are met).
    pub fn new(labels: Vec<String>) -> Evaluation {
        let n = labels.len();
        Evaluation {
            labels,
            confusion: vec![vec![0; n]; n],
        }
    }

    fn index(&mut self, label: &str) -> usize {
        if let Some(i) = self.labels.iter().position(|l| l == label) {
            return i;
        }
        self.labels.push(label.to_string());
        for row in &mut self.confusion {
            row.push(0);
        }
        self.confusion.push(vec![0; self.labels.len()]);
        self.labels.len() - 1
    }

    pub fn add(&mut self, gold: &str, predicted: &str) {
        let g = self.index(gold);
        let p = self.index(predicted);
        self.confusion[g][p] += 1;
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// `confusion()[gold][predicted]`, in the order of [`Self::labels`].
    pub fn confusion(&self) -> &[Vec<u64>] {
        &self.confusion
    }

    pub fn total(&self) -> u64 {
        self.confusion.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let correct: u64 = (0..self.labels.len()).map(|i| self.confusion[i][i]).sum();
        ratio(correct, self.total())
    }

    /// Scores of every label that occurs in the gold or predicted labels.
    pub fn per_label(&self) -> Vec<LabelScores> {
        let n = self.labels.len();
        (0..n)
            .filter_map(|i| {
                let tp = self.confusion[i][i];
                let gold: u64 = self.confusion[i].iter().sum();
                let pred: u64 = (0..n).map(|g| self.confusion[g][i]).sum();
                if gold == 0 && pred == 0 {
                    return None;
                }
                let precision = ratio(tp, pred);
                let recall = ratio(tp, gold);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                Some(LabelScores {
                    label: self.labels[i].clone(),
                    precision,
                    recall,
                    f1,
                    support: gold,
                })
            })
            .collect()
    }

    pub fn macro_f1(&self) -> f64 {
        let per = self.per_label();
        if per.is_empty() {
            return 0.0;
        }
        per.iter().map(|s| s.f1).sum::<f64>() / per.len() as f64
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The summary line, per-label scores and the confusion table (rows gold, columns
/// predicted, headed by the labels' first letters' index numbers to stay narrow).
impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "examples {}  accuracy {:.4}  macro-F1 {:.4}",
            self.total(),
            self.accuracy(),
            self.macro_f1()
        )?;
        let width = self
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(f)?;
        writeln!(
            f,
            "{:>3}  {:<width$}  precision  recall      f1  support",
            "#", "label"
        )?;
        let per = self.per_label();
        for (i, l) in self.labels.iter().enumerate() {
            if let Some(s) = per.iter().find(|s| &s.label == l) {
                writeln!(
                    f,
                    "{:>3}  {:<width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}",
                    i + 1,
                    l,
                    s.precision,
                    s.recall,
                    s.f1,
                    s.support
                )?;
            }
        }
        let cell = self
            .confusion
            .iter()
            .flatten()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1)
            .max(self.labels.len().to_string().len())
            + 1;
        writeln!(f)?;
        writeln!(f, "confusion (rows gold, columns predicted, by #):")?;
        write!(f, "{:>3} ", "")?;
        for j in 0..self.labels.len() {
            write!(f, "{:>cell$}", j + 1)?;
        }
        writeln!(f)?;
        for (i, row) in self.confusion.iter().enumerate() {
            write!(f, "{:>3} ", i + 1)?;
            for c in row {
                write!(f, "{c:>cell$}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
