//! The detector never panics and its spans always quote the input.

use proptest::prelude::*;
use ykien_text::spam::{SpamLabel, check_syllable, detect};

fn vietnamese_ish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "kèo",
        "kèọ",
        "nhà",
        "cáỉ",
        "cái",
        "fb88",
        "98win",
        " ",
        " ",
        ". ",
        "\n",
        "đổi thưởng",
        "game bài",
        "bị cáo",
        "đánh bạc",
        "a\u{0300}",
        "\u{0301}",
        "\u{200B}",
        "nhacai",
        "x",
        "Ðặng",
        "😀",
        "casino",
        "link vào",
        "0987.654.321",
        "https://",
        ".com",
        "ⅷ",
        "ǅ",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn spans_are_in_bounds_and_on_char_boundaries(text in vietnamese_ish()) {
        let v = detect(&text);
        prop_assert!((0.0..=1.0).contains(&v.score));
        prop_assert_eq!(v.label == SpamLabel::None, v.score < 0.5);
        for s in &v.spans {
            prop_assert!(s.range.start < s.range.end && s.range.end <= text.len());
            prop_assert!(text.is_char_boundary(s.range.start));
            prop_assert!(text.is_char_boundary(s.range.end));
        }
        if v.label == SpamLabel::None {
            prop_assert!(v.spans.is_empty() && !v.injected);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let v = detect(&text);
        for s in &v.spans {
            prop_assert!(text.get(s.range.clone()).is_some());
        }
    }

    #[test]
    fn syllable_check_never_panics(word in "\\PC{0,12}") {
        let _ = check_syllable(&word);
    }
}
