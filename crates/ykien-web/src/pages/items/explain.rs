//! The analysis of one item, explained: what the pipeline stored in `items.analysis` (see
//! `ykien_listen::analyze`) read back into plain values an officer can follow — the
//! language, the spam verdict with its score and the reasons the detector gave, the
//! sentiment, the topic with the terms that suggested it, the places and key phrases found,
//! the personal data masked — every word from the catalogue. The JSON is read leniently:
//! a field an older pipeline did not write is simply not shown.

use crate::topics::Topics;
use serde::Deserialize;

use crate::i18n::{Catalog, Lang};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Recorded {
    pub language: Option<RLang>,
    pub legacy_encoding: Option<String>,
    pub places: Vec<RPlace>,
    pub pii: Vec<RPii>,
    pub keywords: Vec<RKeyword>,
    pub spam: Option<RSpam>,
    pub sentiment: Option<RSentiment>,
    pub topic: Option<RTopic>,
    pub models: Option<RModels>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RLang {
    pub code: String,
    pub confidence: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RPlace {
    pub start: usize,
    pub end: usize,
    pub unit: String,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RPii {
    pub kind: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RKeyword {
    pub text: String,
    pub score: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RSpam {
    pub label: String,
    pub score: f64,
    pub injected: bool,
    pub reasons: Vec<String>,
    pub spans: Vec<RSpamSpan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RSpamSpan {
    pub start: usize,
    pub end: usize,
    pub kind: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RSentiment {
    pub label: String,
    pub score: f64,
    pub confidence: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RTopic {
    pub id: String,
    pub score: f64,
    pub terms: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RModels {
    pub topic: Option<i64>,
    pub sentiment: Option<i64>,
}

impl Recorded {
    pub fn read(v: &serde_json::Value) -> Recorded {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }
}

/// `t.get(prefix.code)`, or the code itself when the catalogue has no such entry (a value
/// from a newer pipeline or an edited taxonomy).
pub fn said(t: &Catalog, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}.{code}");
    match t.get(&key) {
        s if s == key => code.to_string(),
        s => s.to_string(),
    }
}

/// A score in −1..=1 with its sign, two decimals, in the page's way of writing numbers
/// (a decimal comma in Vietnamese) and a true minus sign.
pub fn signed_number(lang: Lang, x: f64) -> String {
    let s = format!("{x:+.2}").replace('-', "\u{2212}");
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A share in 0..=1 as a whole percentage.
pub fn percent(x: f64) -> String {
    format!("{:.0} %", (x * 100.0).clamp(0.0, 100.0))
}

/// The explanation as the page shows it.
#[derive(Debug, Default)]
pub struct Explained {
    pub language: Option<String>,
    pub language_confidence: Option<String>,
    pub legacy_encoding: Option<String>,
    pub spam: Option<SpamView>,
    pub sentiment: Option<ScoreView>,
    pub topic: Option<TopicView>,
    /// Key phrases, best first, with their score.
    pub keywords: Vec<(String, String)>,
    /// Personal data found (and masked for those who need not see it): kind, how many.
    pub pii: Vec<(String, usize)>,
    pub models: Option<String>,
}

#[derive(Debug)]
pub struct SpamView {
    pub code: String,
    pub label: String,
    pub is_spam: bool,
    pub score: String,
    pub injected: bool,
    pub reasons: Vec<String>,
    /// Evidence kinds found, with how many spans of each.
    pub evidence: Vec<(String, usize)>,
}

#[derive(Debug)]
pub struct ScoreView {
    pub code: String,
    pub label: String,
    pub score: String,
    pub confidence: String,
}

#[derive(Debug)]
pub struct TopicView {
    pub id: String,
    pub name: String,
    pub score: String,
    pub terms: String,
}

fn counted(kinds: impl Iterator<Item = String>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for k in kinds {
        match out.iter_mut().find(|(x, _)| *x == k) {
            Some((_, n)) => *n += 1,
            None => out.push((k, 1)),
        }
    }
    out
}

pub fn explain(r: &Recorded, topics: &Topics, lang: Lang, t: &Catalog) -> Explained {
    Explained {
        language: r
            .language
            .as_ref()
            .map(|l| said(t, "items.lang_value", &l.code)),
        language_confidence: r.language.as_ref().map(|l| percent(l.confidence)),
        legacy_encoding: r
            .legacy_encoding
            .as_deref()
            .map(|e| said(t, "items.encoding_value", e)),
        spam: r.spam.as_ref().map(|s| SpamView {
            code: s.label.clone(),
            label: said(t, "items.spam_value", &s.label),
            is_spam: s.label != "none",
            score: percent(s.score),
            injected: s.injected,
            reasons: s
                .reasons
                .iter()
                .map(|c| said(t, "items.spam_reason", c))
                .collect(),
            evidence: counted(s.spans.iter().map(|x| said(t, "items.spam_kind", &x.kind))),
        }),
        sentiment: r.sentiment.as_ref().map(|s| ScoreView {
            code: s.label.clone(),
            label: said(t, "items.sentiment_value", &s.label),
            score: signed_number(lang, s.score),
            confidence: percent(s.confidence),
        }),
        topic: r.topic.as_ref().map(|x| TopicView {
            id: x.id.clone(),
            name: topics.name(lang, &x.id),
            score: percent(x.score),
            terms: x.terms.join(", "),
        }),
        keywords: r
            .keywords
            .iter()
            .take(12)
            .map(|k| (k.text.clone(), format!("{:.2}", k.score)))
            .collect(),
        pii: counted(r.pii.iter().map(|p| said(t, "items.pii_kind", &p.kind))),
        models: r.models.as_ref().and_then(|m| {
            let v = |x: Option<i64>| {
                x.map_or_else(
                    || t.get("items.model_shipped").to_string(),
                    |n| format!("v{n}"),
                )
            };
            (m.topic.is_some() || m.sentiment.is_some()).then(|| {
                format!(
                    "{} {} · {} {}",
                    t.get("items.topic"),
                    v(m.topic),
                    t.get("items.sentiment"),
                    v(m.sentiment)
                )
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_the_pipeline_writes_and_says_it_in_words() {
        let v = json!({
            "language": {"code": "vi", "confidence": 0.97},
            "spam": {"label": "gambling", "score": 0.91, "injected": true,
                     "reasons": ["gambling_brand", "injected", "from_the_future"],
                     "spans": [{"start": 0, "end": 4, "kind": "brand"}, {"start": 5, "end": 8, "kind": "brand"}]},
            "sentiment": {"label": "negative", "score": -0.4, "confidence": 0.8},
            "topic": {"id": "environment", "score": 0.6, "terms": ["rác", "ô nhiễm"]},
            "pii": [{"kind": "phone", "start": 0, "end": 3}],
            "keywords": [{"text": "rác thải", "score": 0.5}],
        });
        let t = Lang::Vi.catalog();
        let e = explain(&Recorded::read(&v), &Topics::shipped(), Lang::Vi, t);
        assert_eq!(e.language.as_deref(), Some("Tiếng Việt"));
        assert_eq!(e.language_confidence.as_deref(), Some("97 %"));
        let s = e.spam.unwrap();
        assert!(s.is_spam && s.injected);
        assert_eq!(s.score, "91 %");
        assert_eq!(s.reasons.len(), 3);
        assert_ne!(
            s.reasons[0], "gambling_brand",
            "a known reason is said in words"
        );
        assert_eq!(
            s.reasons[2], "from_the_future",
            "an unknown one is shown as it is"
        );
        assert_eq!(s.evidence[0].1, 2);
        assert_eq!(e.sentiment.unwrap().score, "\u{2212}0,40");
        assert_eq!(signed_number(Lang::En, 0.5), "+0.50");
        let topic = e.topic.unwrap();
        assert_eq!(topic.terms, "rác, ô nhiễm");
        assert_ne!(topic.name, "environment");
        assert_eq!(e.pii[0].1, 1);
        // Nothing recorded: nothing explained, no failure.
        let e = explain(
            &Recorded::read(&json!("not an object")),
            &Topics::shipped(),
            Lang::En,
            t,
        );
        assert!(e.spam.is_none() && e.topic.is_none() && e.keywords.is_empty());
    }
}
