//! Tokenizer and sentence-splitter invariants on arbitrary input.

use proptest::prelude::*;
use ykien_text::sentence::sentences;
use ykien_text::token::{TokenKind, tokenize};

fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Zàáạăâđêếìòôơùưý]{1,7}",
        3 => "[0-9]{1,12}",
        3 => prop::sample::select(vec![
            " ", " ", ".", ",", "/", "-", ":", "h", "%", "đ", "k", "@", "#", "+84", "http://", "www.",
            ".vn", ".com", "\n", "...", "…", "“", "”", ":)", "<3", "👍", "🏽", "\u{200D}", "\u{FE0F}",
            "🇻", "🇳", "\u{A0}", "\u{300}", "tỷ", " triệu", " đồng", "$", "₫", "_", "v.v.", "TP.", "?!",
        ]).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..50).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![texty(), any::<String>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn tokens_cover_everything_but_whitespace(s in any_text()) {
        let tokens = tokenize(&s);
        let mut pos = 0;
        for t in &tokens {
            prop_assert!(t.start >= pos && t.start < t.end && t.end <= s.len(), "{t:?} after {pos}");
            prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            prop_assert!(s[pos..t.start].chars().all(char::is_whitespace), "gap {:?}", &s[pos..t.start]);
            pos = t.end;
        }
        prop_assert!(s[pos..].chars().all(char::is_whitespace));
        // no token starts or ends with whitespace
        for t in &tokens {
            let text = t.text(&s);
            prop_assert!(!text.starts_with(char::is_whitespace), "{t:?} {text:?}");
            if !matches!(t.kind, TokenKind::Money | TokenKind::Phone) {
                prop_assert!(!text.contains(char::is_whitespace), "{t:?} {text:?}");
            }
        }
    }

    #[test]
    fn sentences_are_ordered_and_trimmed(s in any_text()) {
        let mut pos = 0;
        for r in sentences(&s) {
            prop_assert!(r.start >= pos && r.start < r.end && r.end <= s.len());
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            let t = &s[r.clone()];
            prop_assert_eq!(t.trim(), t);
            pos = r.end;
        }
    }
}
