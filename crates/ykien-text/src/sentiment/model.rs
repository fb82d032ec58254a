//! Officers' corrections, learnt: a classifier blended with the lexicon, its weight
//! growing with the number of corrections.

use super::lexicon::Lexicon;
use super::score::{Sentiment, SentimentLabel, distribution_of_total};
use crate::classify::{Classifier, ClassifyError, Example, Model, TrainConfig, train};

#[derive(Debug, Clone, PartialEq)]
pub struct SentimentModelConfig {
    /// Corrections at which the classifier weighs as much as the lexicon.
    pub half_weight_labels: f32,
    /// Give the classifier the lexicon's verdict as extra tokens, so it learns when to
    /// trust it.
    pub lexicon_features: bool,
    pub train: TrainConfig,
}

impl Default for SentimentModelConfig {
    fn default() -> Self {
        SentimentModelConfig {
            half_weight_labels: 100.0,
            lexicon_features: true,
            train: TrainConfig::for_task("sentiment"),
        }
    }
}

/// The lexicon plus a classifier trained on (text, label) pairs.
#[derive(Debug, Clone)]
pub struct SentimentModel {
    lexicon: Lexicon,
    classifier: Option<Classifier>,
    /// Classifier label index → [`SentimentLabel`] index.
    label_map: Vec<usize>,
    labels_used: usize,
    config: SentimentModelConfig,
}

impl SentimentModel {
    pub fn lexicon_only(lexicon: Lexicon) -> SentimentModel {
        SentimentModel {
            lexicon,
            classifier: None,
            label_map: Vec::new(),
            labels_used: 0,
            config: SentimentModelConfig::default(),
        }
    }

    /// Trains on labelled texts; labels are "negative", "neutral" or "positive". With a
    /// single distinct label the model stays lexicon-only.
    pub fn train(
        lexicon: Lexicon,
        examples: &[Example<'_>],
        config: SentimentModelConfig,
    ) -> Result<SentimentModel, ClassifyError> {
        if examples
            .iter()
            .any(|e| SentimentLabel::parse(e.label).is_none())
        {
            return Err(ClassifyError::Training(
                "sentiment labels are negative, neutral or positive",
            ));
        }
        let mut m = SentimentModel {
            lexicon,
            classifier: None,
            label_map: Vec::new(),
            labels_used: examples.len(),
            config,
        };
        let distinct: std::collections::BTreeSet<&str> = examples.iter().map(|e| e.label).collect();
        if distinct.len() < 2 {
            return Ok(m);
        }
        let texts: Vec<String> = examples.iter().map(|e| m.input(e.text).0).collect();
        let ex: Vec<Example<'_>> = texts
            .iter()
            .zip(examples)
            .map(|(t, e)| Example {
                text: t,
                label: e.label,
            })
            .collect();
        let model = train(&ex, &m.config.train)?;
        m.label_map = model
            .labels()
            .iter()
            .map(|l| SentimentLabel::parse(l).map_or(1, |x| x as usize))
            .collect();
        m.classifier = Some(Classifier::new(model));
        Ok(m)
    }

    /// Rebuilds a trained model from its stored classifier (see
    /// [`crate::classify::Model::from_bytes`]) and the number of labels behind it.
    pub fn from_model(
        lexicon: Lexicon,
        model: Model,
        labels_used: usize,
        config: SentimentModelConfig,
    ) -> Result<SentimentModel, ClassifyError> {
        let mut label_map = Vec::with_capacity(model.labels().len());
        for l in model.labels() {
            let Some(x) = SentimentLabel::parse(l) else {
                return Err(ClassifyError::Invalid("sentiment label"));
            };
            label_map.push(x as usize);
        }
        Ok(SentimentModel {
            lexicon,
            classifier: Some(Classifier::new(model)),
            label_map,
            labels_used,
            config,
        })
    }

    /// The trained classifier's model, to store with [`crate::classify::Model::to_bytes`].
    pub fn classifier_model(&self) -> Option<&Model> {
        self.classifier.as_ref().map(Classifier::model)
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn classifier_weight(&self) -> f32 {
        match self.classifier {
            None => 0.0,
            Some(_) => {
                let n = self.labels_used as f32;
                n / (n + self.config.half_weight_labels.max(1e-3))
            }
        }
    }

    /// The classifier's input and the lexicon total.
    fn input(&self, text: &str) -> (String, f32) {
        let total = self.lexicon.evidence(text).0;
        if !self.config.lexicon_features {
            return (text.to_string(), total);
        }
        let tag = if total >= 0.5 {
            "zzlexpos"
        } else if total <= -0.5 {
            "zzlexneg"
        } else {
            "zzlexneu"
        };
        let reps = 1 + (total.abs().min(6.0) / 2.0) as usize;
        let mut s = String::with_capacity(text.len() + 40);
        s.push_str(text);
        s.push_str(" .");
        for _ in 0..reps {
            s.push(' ');
            s.push_str(tag);
        }
        (s, total)
    }

    /// Shares of negative, neutral, positive.
    pub fn probabilities(&self, text: &str) -> [f32; 3] {
        let (input, total) = self.input(text);
        let lex = distribution_of_total(total);
        let Some(c) = &self.classifier else {
            return lex;
        };
        let pred = c.predict(&input);
        let mut clf = [0f32; 3];
        for ((_, p), &i) in pred.scores.iter().zip(&self.label_map) {
            clf[i] += p;
        }
        let a = self.classifier_weight();
        [0, 1, 2].map(|i| (1.0 - a) * lex[i] + a * clf[i])
    }

    /// The blended reading; evidence and score come from the lexicon when the classifier
    /// has not been trained, and the score is P(positive) − P(negative) when it has.
    pub fn sentiment(&self, text: &str) -> Sentiment {
        let lex = self.lexicon.sentiment(text);
        if self.classifier.is_none() {
            return lex;
        }
        let p = self.probabilities(text);
        let mut best = 0;
        for i in 1..3 {
            if p[i] > p[best] {
                best = i;
            }
        }
        Sentiment {
            label: SentimentLabel::ALL[best],
            score: p[2] - p[0],
            confidence: p[best],
            evidence: lex.evidence,
        }
    }
}
