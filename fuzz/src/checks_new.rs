//! Checks for modules whose API is still settling (sentiment, topics). Kept apart from
//! `checks.rs` because the regression tests include that file: a renamed function here
//! breaks only the fuzz build, never `cargo test` of ykien-text.

use std::sync::LazyLock;

use ykien_text::sentiment::{self, Lexicon, SentimentLabel};
use ykien_text::topics::{SeedScorer, Taxonomy};

use crate::checks::{assert_span, input};

fn assert_unit(x: f32, what: &str) {
    assert!(
        x.is_finite() && (0.0..=1.0).contains(&x),
        "{what}: {x} not in 0..=1"
    );
}

pub fn check_sentiment(_opt: u8, text: &str) {
    let s = sentiment::sentiment(text);
    assert!(
        s.score.is_finite() && (-1.0..=1.0).contains(&s.score),
        "score {}",
        s.score
    );
    assert_unit(s.confidence, "sentiment confidence");
    for e in &s.evidence {
        assert_span(text, &e.span, "sentiment evidence");
        assert!(e.weight.is_finite());
    }
    let d = Lexicon::embedded().distribution(text);
    for x in d {
        assert_unit(x, "sentiment distribution");
    }
    assert!(
        (d.iter().sum::<f32>() - 1.0).abs() < 1e-3,
        "distribution {d:?}"
    );
    for l in SentimentLabel::ALL {
        assert_eq!(SentimentLabel::parse(l.as_str()), Some(l));
    }
    // the text as a lexicon file: a lexicon or an error
    let _ = Lexicon::parse(text).map(|l| l.sentiment("rất hài lòng"));
}

pub fn fuzz_sentiment(data: &[u8]) {
    let (opt, text) = input(data);
    check_sentiment(opt, &text);
}

static SCORER: LazyLock<SeedScorer> =
    LazyLock::new(|| SeedScorer::new(Taxonomy::embedded().clone()));

pub fn check_topics(opt: u8, text: &str) {
    let (norm, hits) = SCORER.hits(text);
    for h in &hits {
        assert_span(&norm, &h.span, "topic seed hit");
        assert!(h.topic < SCORER.taxonomy().len());
        assert!(h.weight.is_finite());
    }
    let d = SCORER.distribution(text);
    for &x in &d {
        assert_unit(x, "topic share");
    }
    if !d.is_empty() {
        assert!(
            (d.iter().sum::<f32>() - 1.0).abs() < 1e-3,
            "shares sum to {}",
            d.iter().sum::<f32>()
        );
    }
    let top = usize::from(opt % 6);
    let scores = SCORER.score(text, top, 0.0);
    for s in &scores {
        assert_unit(s.score, "topic score");
    }
    // the text as a taxonomy file: a taxonomy or an error
    if let Ok(t) = Taxonomy::parse(text) {
        let scorer = SeedScorer::new(t);
        let _ = scorer.score("Người dân phản ánh đường ngập nước", 3, 0.0);
    }
}

pub fn fuzz_topics(data: &[u8]) {
    let (opt, text) = input(data);
    check_topics(opt, &text);
}
