//! Properties of normalization: idempotent, one spelling for both tone styles, and every
//! derived range maps back inside the original on `char` boundaries.

use proptest::prelude::*;
use ykien_text::normalize::{Legacy, Options, ToneStyle, normalize, normalize_with};

/// Vietnamese-looking text with the things normalization touches: decomposed marks,
/// entities, odd spaces, zero-width characters, legacy bytes.
fn vietnamese_ish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(vec![
            "hoà", "hòa", "thuý", "thúy", "khoẻ", "khỏe", "Hoá", "Việt", "Nam", "quý", "già", "gìa",
            "ngoài", "rượu", "thuở", "khuỷu", "Thanh", "bình", "người", "HOÀ", "xoè", "tuỳ", "tùy",
        ]).prop_map(str::to_owned),
        2 => "[a-zA-Zàáảãạăắâấđèéêếìíòóôốơớùúưứýỳ]{1,6}",
        1 => prop::sample::select(vec![
            "&amp;", "&amp;amp;", "&#7879;", "&#x1EC7;", "&nbsp;", "&lt;", "&", "&#;", "&quot",
            "\u{A0}", "\u{200B}", "\u{FEFF}", "\u{2009}", "\u{3000}", "\u{200D}", "\u{300}", "\u{301}",
            "\u{323}", "a\u{306}\u{301}", "=\u{338}", "\u{AD}", "µ", "¸", "Ö", "Ñ", "ö", "ø", "ù", "ï",
            "👍", "👨\u{200D}👩", "\r\n", "\t",
        ]).prop_map(str::to_owned),
        2 => prop::sample::select(vec![" ", " ", ", ", ". ", "\n", "-", "/"]).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![vietnamese_ish(), any::<String>()]
}

fn check_map(original: &str, n: &ykien_text::normalize::Normalized) {
    let len = n.text.len();
    let boundaries: Vec<usize> = (0..=len).filter(|&i| n.text.is_char_boundary(i)).collect();
    for (k, &a) in boundaries.iter().enumerate() {
        for &b in boundaries[k..].iter().take(6) {
            let r = n.original_range(a..b);
            assert!(
                r.start <= r.end && r.end <= original.len(),
                "{a}..{b} -> {r:?}"
            );
            assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
            if a < b {
                assert!(r.start < r.end, "non-empty {a}..{b} mapped to empty {r:?}");
            }
        }
    }
    // the mapping is monotonic
    let starts: Vec<usize> = boundaries
        .iter()
        .map(|&i| n.map.offset_to_original(i))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn idempotent(s in any_text()) {
        let once = normalize(&s);
        let twice = normalize(&once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert!(twice.map.is_identity());
    }

    #[test]
    fn idempotent_old_style(s in vietnamese_ish()) {
        let old = Options { tone: Some(ToneStyle::Old), ..Options::default() };
        let once = normalize_with(&s, &old);
        prop_assert_eq!(normalize_with(&once.text, &old).text, once.text);
    }

    #[test]
    fn both_styles_meet(s in vietnamese_ish()) {
        let no_legacy = |tone| Options { tone: Some(tone), legacy: Legacy::Off, ..Options::default() };
        let new = normalize_with(&s, &no_legacy(ToneStyle::New)).text;
        let old = normalize_with(&s, &no_legacy(ToneStyle::Old)).text;
        prop_assert_eq!(&normalize_with(&old, &no_legacy(ToneStyle::New)).text, &new);
        prop_assert_eq!(&normalize_with(&new, &no_legacy(ToneStyle::Old)).text, &old);
    }

    #[test]
    fn maps_inside_original_on_boundaries(s in any_text()) {
        let n = normalize(&s);
        check_map(&s, &n);
    }

    #[test]
    fn output_is_nfc(s in any_text()) {
        use unicode_normalization::UnicodeNormalization;
        let n = normalize(&s);
        prop_assert_eq!(n.text.nfc().collect::<String>(), n.text);
    }
}
