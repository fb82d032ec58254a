//! The whole reading of one document in one call: what `ykien analyze` prints and what the
//! intake pipeline stores.
//!
//! Every stage works on the normalized text (so legacy encodings, old tone placement and
//! odd spaces are already repaired), and every span it reports is mapped back to byte
//! offsets in the caller's original text, which is never altered.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use crate::keywords::Keywords;
use crate::lang::{self, LangGuess};
use crate::minhash;
use crate::normalize::{self, Encoding};
use crate::pii::{self, PiiKind};
use crate::places::{Gazetteer, GazetteerOptions, PlaceMatch};
use crate::segment::Segmenter;
use crate::sentiment::{Lexicon, Sentiment, SentimentModel};
use crate::spam::{self, SpamVerdict};
use crate::teencode;
use crate::topics::matcher::{Tok, toks_in_words, toks_with_words};
use crate::topics::{SeedScorer, Taxonomy, TopicModel};

/// What to compute and how.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// How many key phrases to report.
    pub keywords: usize,
    /// Expand teencode ("ko", "dc", "mik") before segmenting informal text.
    pub expand_teencode: bool,
    /// Province preferred when a place name is ambiguous (GSO code; Hà Nội is "01").
    pub default_province: Option<String>,
    /// A topic model trained on officers' labels; `None` scores the taxonomy's seed terms.
    pub topic_model: Option<Arc<TopicModel>>,
    /// A sentiment model trained on officers' labels; `None` uses the lexicon alone.
    pub sentiment_model: Option<Arc<SentimentModel>>,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            keywords: 8,
            expand_teencode: true,
            default_province: Some("01".into()),
            topic_model: None,
            sentiment_model: None,
        }
    }
}

/// A place found in the document; the span is in the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub span: Range<usize>,
    pub found: PlaceMatch,
}

/// Personal data found in the document; the span is in the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct Pii {
    pub kind: PiiKind,
    pub span: Range<usize>,
}

/// A key phrase; spans are in the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    pub text: String,
    pub score: f32,
    pub spans: Vec<Range<usize>>,
}

/// A topic of the default taxonomy (or "other", Khác, when no seed term is found).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicTag {
    /// Taxonomy id ("land", "environment", …, or "other").
    pub id: String,
    /// Vietnamese name ("Đất đai, xây dựng").
    pub label: String,
    /// Share in 0..=1.
    pub score: f32,
}

/// Everything ykien-text knows about one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub language: LangGuess,
    /// The normalized text (NFC, canonical tone placement, repaired encoding).
    pub normalized: String,
    /// The legacy encoding that was repaired, if any.
    pub legacy_encoding: Option<Encoding>,
    /// Words in the VLSP convention (syllables of a word joined by "_"), from the
    /// analysis view (teencode expanded when the text reads as chat).
    pub words: Vec<String>,
    pub places: Vec<Place>,
    pub pii: Vec<Pii>,
    pub keywords: Vec<Keyword>,
    /// SimHash of the folded text (16 hex digits): equal for texts that differ only in
    /// case, diacritics, punctuation and spacing.
    pub fingerprint: String,
    /// Up to three topics of the default taxonomy from its seed terms, best first.
    pub topics: Vec<TopicTag>,
    /// The shipped lexicon's reading; evidence spans are in the original text.
    pub sentiment: Sentiment,
    /// Gambling or advertising spam, and whether it was injected into ordinary prose.
    /// Its spans are in the original text.
    pub spam: SpamVerdict,
}

/// Reusable analyzer: models are loaded once and shared.
#[derive(Clone)]
pub struct Analyzer {
    options: AnalyzeOptions,
    segmenter: Segmenter,
    gazetteer: Gazetteer,
    keywords: Keywords,
    topics: &'static SeedScorer,
    lexicon: &'static Lexicon,
}

/// Seed scorer of the shipped taxonomy, built once.
fn default_topics() -> &'static SeedScorer {
    static S: std::sync::OnceLock<SeedScorer> = std::sync::OnceLock::new();
    S.get_or_init(|| SeedScorer::new(Taxonomy::embedded().clone()))
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(AnalyzeOptions::default())
    }
}

impl Analyzer {
    pub fn new(options: AnalyzeOptions) -> Analyzer {
        let gazetteer = Gazetteer::new(GazetteerOptions {
            default_province: options.default_province.clone(),
            ..GazetteerOptions::default()
        });
        Analyzer {
            options,
            segmenter: Segmenter::default(),
            gazetteer,
            keywords: Keywords::default(),
            topics: default_topics(),
            lexicon: Lexicon::embedded(),
        }
    }

    pub fn analyze(&self, original: &str) -> Analysis {
        let norm = normalize::normalize(original);
        let back = |r: Range<usize>| norm.original_range(r);
        let text = norm.text.as_str();

        let language = lang::detect(text);
        // The analysis view (teencode expanded) is segmented once; the topic seeds and the
        // lexicon read the same tokens whenever they would have computed the same text.
        let view = self.options.expand_teencode.then(|| teencode::expand(text));
        let view_text = view.as_ref().map_or(text, |v| v.text.as_str());
        let segmented = self.segmenter.segment(view_text);
        let words = segmented
            .iter()
            .map(|w| join_syllables(w.as_str(view_text)))
            .collect();
        let view_toks: OnceCell<Vec<Tok>> = OnceCell::new();
        let view_toks = || view_toks.get_or_init(|| toks_with_words(view_text, &segmented));
        let places = self
            .gazetteer
            .find_places(text)
            .into_iter()
            .map(|found| Place {
                span: back(found.span.clone()),
                found,
            })
            .collect();
        let pii = pii::detect(text)
            .into_iter()
            .map(|p| Pii {
                kind: p.kind,
                span: back(p.start..p.end),
            })
            .collect();
        let keywords = self
            .keywords
            .extract(text, self.options.keywords)
            .into_iter()
            .map(|k| Keyword {
                text: k.text,
                score: k.score,
                spans: k.spans.into_iter().map(back).collect(),
            })
            .collect();
        let topics = match &self.options.topic_model {
            Some(m) => m.predict(text, 3, 0.15),
            None => {
                // What `SeedScorer::score` reads: the text normalized (again).
                let seen = normalize::normalize(text).text;
                if seen == view_text {
                    self.topics.score_toks(view_toks(), 3, 0.15)
                } else {
                    self.topics.score_toks(&toks_in_words(&seen), 3, 0.15)
                }
            }
        };
        let sentiment = match &self.options.sentiment_model {
            Some(m) => m.sentiment(original),
            // What `Lexicon::sentiment` reads: the original normalized, teencode expanded.
            None => match &view {
                Some(exp) => self.lexicon.sentiment_in(&norm, exp, view_toks()),
                None => {
                    let exp = teencode::expand(text);
                    let ts = toks_in_words(&exp.text);
                    self.lexicon.sentiment_in(&norm, &exp, &ts)
                }
            },
        };
        // The detector reads the original: scrambled tone marks and look-alike letters are
        // evidence that normalization would blur.
        let spam = spam::detect(original);
        let topics = topics
            .into_iter()
            .map(|t| TopicTag {
                id: t.id,
                label: t.name_vi,
                score: t.score,
            })
            .collect();
        Analysis {
            topics,
            sentiment,
            spam,
            language,
            fingerprint: minhash::fingerprint(text),
            legacy_encoding: norm.legacy,
            words,
            places,
            pii,
            keywords,
            normalized: norm.text.clone(),
        }
    }
}

/// "chuyển  đổi số" → "chuyển_đổi_số".
fn join_syllables(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut gap = false;
    for c in word.chars() {
        if c.is_whitespace() {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_into_the_original() {
        // Old tone placement and a zero-width space: the normalized text differs in length.
        let original = "Người dân phường Thụy Phương (quận Bắc Từ Liêm) phản ánh:\u{200B} \
                        hoà bình, gọi 0912 345 678 hoặc email an@example.vn.";
        let a = Analyzer::default().analyze(original);
        assert_eq!(a.language.lang, lang::Lang::Vietnamese);
        let ward = a
            .places
            .iter()
            .find(|p| p.found.unit.name == "Phường Thụy Phương")
            .expect("the legacy ward is found");
        assert!(ward.found.unit.legacy);
        assert!(!ward.found.successors.is_empty());
        assert!(original[ward.span.clone()].contains("Thụy Phương"));
        let phone = a
            .pii
            .iter()
            .find(|p| p.kind == PiiKind::Phone)
            .expect("phone");
        assert_eq!(&original[phone.span.clone()], "0912 345 678");
        let mail = a
            .pii
            .iter()
            .find(|p| p.kind == PiiKind::Email)
            .expect("email");
        assert_eq!(&original[mail.span.clone()], "an@example.vn");
        assert!(a.normalized.contains("hòa bình"));
        assert!(a.words.iter().any(|w| w == "người_dân" || w == "phản_ánh"));
        assert_eq!(a.fingerprint.len(), 16);
        assert!(!a.topics.is_empty());
        for k in &a.keywords {
            for s in &k.spans {
                assert!(original.is_char_boundary(s.start) && original.is_char_boundary(s.end));
            }
        }
    }

    #[test]
    fn topics_and_sentiment() {
        let original = "Người dân rất bức xúc vì tiền đền bù giải phóng mặt bằng quá thấp";
        let a = Analyzer::default().analyze(original);
        assert_eq!(a.topics[0].id, "land");
        assert_eq!(a.topics[0].label, "Đất đai, xây dựng");
        assert_eq!(
            a.sentiment.label,
            crate::sentiment::SentimentLabel::Negative
        );
        let e = &a.sentiment.evidence[0];
        assert_eq!(&original[e.span.clone()], "bức xúc");
    }

    #[test]
    fn joins_syllables_vlsp_style() {
        assert_eq!(join_syllables("chuyển  đổi số"), "chuyển_đổi_số");
        assert_eq!(join_syllables("a"), "a");
    }

    #[test]
    fn spam_spans_point_into_the_original() {
        let original = "Nhà cái uy tín fb88 – link vào fb88 mới nhất, nạp đầu tặng 100%, \
                        soi kèo nhà cái, tài xỉu, nổ hũ đổi thưởng.";
        let a = Analyzer::default().analyze(original);
        assert_eq!(a.spam.label, crate::spam::SpamLabel::Gambling);
        assert!(!a.spam.spans.is_empty());
        for s in &a.spam.spans {
            assert!(original.get(s.range.clone()).is_some());
        }
        let news = "Tòa án xét xử bị cáo về tội tổ chức đánh bạc và cá độ bóng đá qua mạng.";
        assert_eq!(
            Analyzer::default().analyze(news).spam.label,
            crate::spam::SpamLabel::None
        );
    }
}
