use proptest::prelude::*;
use ykien_text::sentiment::sentiment;
use ykien_text::topics::{SeedScorer, Taxonomy};

fn texty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "không",
        "ko",
        "hài lòng",
        "rất",
        "tệ",
        "lắm",
        "nhưng",
        ", ",
        ". ",
        "\n",
        "đền bù",
        "hoà",
        "khong hai long",
        ":)",
        "😡",
        "&amp;",
        "\u{200B}",
        "M\u{AD}êng",
        "a\u{300}",
        "!",
        "thuế",
        " ",
    ]);
    (prop::collection::vec(pieces, 0..20), ".{0,12}").prop_map(|(v, tail)| v.concat() + &tail)
}

proptest! {
    #[test]
    fn sentiment_never_panics_and_spans_are_valid(text in texty()) {
        let s = sentiment(&text);
        prop_assert!((-1.0..=1.0).contains(&s.score));
        prop_assert!((0.0..=1.0).contains(&s.confidence));
        for e in &s.evidence {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
    }

    #[test]
    fn topic_shares_are_a_distribution(text in texty()) {
        let s = SeedScorer::new(Taxonomy::default());
        let d = s.distribution(&text);
        prop_assert!((d.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        prop_assert!(!s.score(&text, 3, 0.1).is_empty());
    }
}
