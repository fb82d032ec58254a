//! Personal-data spans and masking on arbitrary input.

use proptest::prelude::*;
use ykien_text::pii::{MaskStyle, PiiKind, PiiSpan, detect, mask};

fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zA-Zàáạăâđêếìòôơùưý]{1,7}",
        3 => "[0-9]{1,13}",
        2 => prop::sample::select(vec![
            " ", " ", ".", "-", "@", "gmail.com", "STK ", "CCCD ", "CMND: ", "Vietcombank ", "+84 ",
            "09", "001", "\n", "Hà Nội", "👍",
        ]).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn styles() -> impl Strategy<Value = MaskStyle> {
    prop_oneof![
        (0usize..6, 0usize..8).prop_map(|(keep_first, keep_last)| MaskStyle::Partial {
            keep_first,
            keep_last
        }),
        (0usize..8).prop_map(|keep_last| MaskStyle::Stars { keep_last }),
        Just(MaskStyle::Label),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn spans_are_sorted_on_boundaries(s in prop_oneof![texty(), any::<String>()]) {
        let mut pos = 0;
        for p in detect(&s) {
            prop_assert!(p.start >= pos && p.start < p.end && p.end <= s.len());
            prop_assert!(s.is_char_boundary(p.start) && s.is_char_boundary(p.end));
            pos = p.end;
        }
    }

    /// Masking a digit string shows at most the digits the style allows, never more than
    /// half, and leaves the text around it untouched.
    #[test]
    fn mask_reveals_no_more_than_intended(
        digits in "[0-9]{1,20}",
        sep in prop::sample::select(vec!["", " ", ".", "-"]),
        style in styles(),
        kind in prop::sample::select(vec![PiiKind::Phone, PiiKind::CitizenId, PiiKind::OldId, PiiKind::BankAccount]),
    ) {
        let body: String = digits.chars().enumerate()
            .flat_map(|(i, c)| (i > 0 && i % 3 == 0).then_some(sep).into_iter().flat_map(str::chars).chain([c]))
            .collect();
        let text = format!("số {body} nhé");
        let start = "số ".len();
        let span = PiiSpan { kind, start, end: start + body.len() };
        let out = mask(&text, &[span], style);
        prop_assert!(out.starts_with("số ") && out.ends_with(" nhé"));
        let masked = &out["số ".len()..out.len() - " nhé".len()];
        let shown = masked.chars().filter(char::is_ascii_digit).count();
        let n = digits.len();
        let allowed = match style {
            MaskStyle::Partial { keep_first, keep_last } => keep_first + keep_last,
            MaskStyle::Stars { keep_last } => keep_last,
            MaskStyle::Label => 0,
        };
        prop_assert!(shown <= allowed.min(n / 2), "{body} -> {masked} ({style:?})");
        // shown digits are the original digits at the edges, in order
        if let MaskStyle::Stars { .. } = style {
            prop_assert!(digits.ends_with(&masked.chars().filter(char::is_ascii_digit).collect::<String>()));
        }
    }

    /// Masking what detect found leaves no detected number readable in full.
    #[test]
    fn detected_numbers_do_not_survive_masking(s in texty()) {
        let spans = detect(&s);
        let out = mask(&s, &spans, MaskStyle::default());
        for p in &spans {
            let digits: String = s[p.start..p.end].chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 4 {
                let out_digits: String = out.chars().filter(char::is_ascii_digit).collect();
                let masked_here = mask(&s[p.start..p.end], &[PiiSpan { start: 0, end: p.end - p.start, ..*p }], MaskStyle::default());
                prop_assert!(!masked_here.contains(&digits), "{digits} in {masked_here}");
                let _ = out_digits;
            }
        }
    }

    #[test]
    fn mask_survives_bad_spans(s in any::<String>(), a in 0usize..64, b in 0usize..64) {
        let spans = [PiiSpan { kind: PiiKind::Phone, start: a, end: b }, PiiSpan { kind: PiiKind::Email, start: b / 2, end: a + 3 }];
        let _ = mask(&s, &spans, MaskStyle::default());
    }
}
