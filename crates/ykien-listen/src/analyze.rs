//! What the pipeline reads in an item: ykien-text's analysis, spam verdict, sentiment and
//! topic, the masked copy of the text and the index text, as one storable record.
//!
//! The topic and sentiment models can be replaced while workers run: officers' labels are
//! learnt by `ykien model retrain` (see [`crate::learn`]), which stores the new model in the
//! database; each worker notices the new active version and [`TextAnalyzer::install`]s it,
//! so that jobs already running finish with the model they started with.

use std::sync::{Arc, RwLock};

use serde::Serialize;
use serde_json::{Value, json};
use ykien_store::AnalysisRecord;
use ykien_text::analysis::{Analysis, AnalyzeOptions, Analyzer};
use ykien_text::pii::{MaskStyle, PiiSpan, mask};
use ykien_text::sentiment::SentimentModel;
use ykien_text::topics::{OTHER_ID, Taxonomy, TopicModel};

use crate::prepare::index_text;

/// Reads one item's text. Pure and synchronous: the worker runs it on a blocking thread.
/// An `Err` is a failed attempt (retried, then recorded on the item); so is a panic.
/// Implemented by [`TextAnalyzer`]; tests inject failing ones.
pub trait Analyze: Send + Sync + 'static {
    fn analyze(&self, text: &str) -> Result<AnalysisRecord, String>;
}

/// Which stored model versions a reader uses (None: the shipped seeds or lexicon).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ModelVersions {
    pub topic: Option<i64>,
    pub sentiment: Option<i64>,
}

/// One set of models, swapped as a whole.
struct Reader {
    analyzer: Analyzer,
    topics: Arc<TopicModel>,
    versions: ModelVersions,
}

impl Reader {
    fn new(
        topics: Option<TopicModel>,
        sentiment: Option<SentimentModel>,
        versions: ModelVersions,
    ) -> Reader {
        let topics =
            Arc::new(topics.unwrap_or_else(|| TopicModel::seed_only(Taxonomy::embedded().clone())));
        // The topic is predicted here, from the normalized text; the analyzer's own seed
        // topics are not used, so the trained model is not handed to it (no double work).
        let analyzer = Analyzer::new(AnalyzeOptions {
            sentiment_model: sentiment.map(Arc::new),
            ..AnalyzeOptions::default()
        });
        Reader {
            analyzer,
            topics,
            versions,
        }
    }
}

/// The shipped reading: ykien-text's models, loaded once and shared by every job, and
/// replaced when a retrained model is activated.
pub struct TextAnalyzer {
    current: RwLock<Arc<Reader>>,
}

impl Default for TextAnalyzer {
    fn default() -> Self {
        TextAnalyzer::with_models(None, None, ModelVersions::default())
    }
}

impl TextAnalyzer {
    /// An analyzer with trained models (None: the shipped seeds, the lexicon).
    pub fn with_models(
        topics: Option<TopicModel>,
        sentiment: Option<SentimentModel>,
        versions: ModelVersions,
    ) -> TextAnalyzer {
        TextAnalyzer {
            current: RwLock::new(Arc::new(Reader::new(topics, sentiment, versions))),
        }
    }

    /// Replaces the models; jobs in progress finish with the old ones.
    pub fn install(
        &self,
        topics: Option<TopicModel>,
        sentiment: Option<SentimentModel>,
        versions: ModelVersions,
    ) {
        let reader = Arc::new(Reader::new(topics, sentiment, versions));
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = reader;
    }

    fn reader(&self) -> Arc<Reader> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The stored versions in use.
    pub fn versions(&self) -> ModelVersions {
        self.reader().versions
    }

    /// The topic model in use.
    pub fn topic_model(&self) -> Arc<TopicModel> {
        self.reader().topics.clone()
    }
}

/// A stable lower-case code for a Rust enum variant name ("CitizenId" → "citizen_id").
fn snake(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

impl Analyze for TextAnalyzer {
    fn analyze(&self, text: &str) -> Result<AnalysisRecord, String> {
        let reader = self.reader();
        let a: Analysis = reader.analyzer.analyze(text);
        // The analysis already holds the spam verdict and the sentiment of `text`.
        let (spam, sentiment) = (&a.spam, &a.sentiment);
        let topic = reader
            .topics
            .predict(&a.normalized, 1, 0.0)
            .into_iter()
            .next();
        let pii: Vec<PiiSpan> = a
            .pii
            .iter()
            .map(|p| PiiSpan {
                kind: p.kind,
                start: p.span.start,
                end: p.span.end,
            })
            .collect();
        let analysis = json!({
            "language": { "code": a.language.lang.code(), "confidence": round3(a.language.confidence) },
            "legacy_encoding": a.legacy_encoding.map(|e| snake(&format!("{e:?}"))),
            "fingerprint": a.fingerprint,
            "places": a.places.iter().map(|p| json!({
                "start": p.span.start, "end": p.span.end, "unit": p.found.unit.id,
                "name": p.found.unit.name, "legacy": p.found.unit.legacy,
                "successors": p.found.successors.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<Value>>(),
            "pii": a.pii.iter().map(|p| json!({
                "kind": snake(&format!("{:?}", p.kind)), "start": p.span.start, "end": p.span.end,
            })).collect::<Vec<Value>>(),
            "keywords": a.keywords.iter().map(|k| json!({
                "text": k.text, "score": round3(k.score),
                "spans": k.spans.iter().map(|s| [s.start, s.end]).collect::<Vec<_>>(),
            })).collect::<Vec<Value>>(),
            "spam": {
                "label": spam.label.code(), "score": round3(spam.score), "injected": spam.injected,
                "reasons": spam.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
                "spans": spam.spans.iter().map(|s| json!({
                    "start": s.range.start, "end": s.range.end, "kind": snake(&format!("{:?}", s.kind)),
                })).collect::<Vec<Value>>(),
            },
            "sentiment": {
                "label": sentiment.label.as_str(), "score": round3(sentiment.score),
                "confidence": round3(sentiment.confidence),
            },
            "topic": topic.as_ref().map(|t| json!({ "id": t.id, "score": round3(t.score), "terms": t.terms })),
            "models": reader.versions,
        });
        Ok(AnalysisRecord {
            analysis,
            language: Some(a.language.lang.code().to_string()),
            spam_label: Some(spam.label.code().to_string()),
            spam_score: Some(round3(spam.score)),
            is_hidden: spam.is_spam(),
            sentiment: Some(sentiment.label.as_str().to_string()),
            topic: Some(topic.map_or_else(|| OTHER_ID.to_string(), |t| t.id)),
            text_masked: mask(text, &pii, MaskStyle::default()),
            search_text: index_text(&a),
            places: a
                .places
                .iter()
                .map(|p| (p.found.unit.id.clone(), p.span.clone()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_masks_and_indexes() {
        let text = "Người dân phường Thụy Phương phản ánh ngập úng, gọi 0912 345 678.";
        let r = TextAnalyzer::default().analyze(text).unwrap();
        assert_eq!(r.language.as_deref(), Some("vi"));
        assert!(!r.text_masked.contains("345"), "{}", r.text_masked);
        assert!(r.text_masked.starts_with("Người dân phường Thụy Phương"));
        assert!(r.search_text.contains("thuy phuong"), "{}", r.search_text);
        assert!(!r.is_hidden);
        assert!(
            r.places
                .iter()
                .any(|(_, s)| text[s.clone()].contains("Thụy Phương"))
        );
        assert_eq!(r.analysis["pii"][0]["kind"], "phone");
        assert_eq!(snake("CitizenId"), "citizen_id");
    }
}
