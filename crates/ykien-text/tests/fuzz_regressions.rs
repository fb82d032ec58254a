//! Robustness: the fuzz targets' invariants on every `cargo test`, and one test per input
//! the fuzzers found to break them.
//!
//! The checks are the very ones the fuzz targets run (`fuzz/src/checks.rs`, included by
//! path), so a finding is replayed exactly, without libFuzzer or a nightly toolchain.
//! Test names start with the fuzz target's name. Tests of open findings are ignored with
//! the finding's number (see /work/notes/fuzz-findings.md); run them with
//! `cargo test -p ykien-text --test fuzz_regressions -- --include-ignored`.

#[path = "../../../fuzz/src/checks.rs"]
mod checks;

use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// findings

#[test]
fn keywords_k_zero_gives_nothing() {
    checks::check_keywords_k(
        0,
        "Người dân phản ánh đường ngập nước. Đường ngập nước lâu.",
    );
}

#[test]
fn analysis_zero_keywords() {
    use ykien_text::analysis::{AnalyzeOptions, Analyzer};
    let a = Analyzer::new(AnalyzeOptions {
        keywords: 0,
        ..AnalyzeOptions::default()
    })
    .analyze("Người dân phản ánh đường ngập nước. Đường ngập nước lâu.");
    assert!(a.keywords.is_empty(), "{:?}", a.keywords);
}

#[test]
fn keywords_occurrences_do_not_overlap() {
    use ykien_text::keywords::{Keywords, syllables};
    let text = "Tôi ở phường phường phường phường phường phường phường phường.";
    for p in Keywords::default().extract_words(text, &syllables(text), 5) {
        checks::assert_ordered(text, &p.spans, &p.text);
    }
    let text = "Xã Đông Anh Đông Anh Đông Anh Đông Anh Đông Anh Đông Anh, Hà Nội.";
    for p in Keywords::default().extract(text, 5) {
        checks::assert_ordered(text, &p.spans, &p.text);
    }
}

/// F3 (fixed): a range past the end of a text that normalization emptied ("\u{FEFF}" with
/// spaces cleaned) underflowed in `Layer::end` instead of being clamped.
#[test]
fn normalize_range_past_the_end_of_an_emptied_text() {
    use ykien_text::normalize::normalize;
    let n = normalize("\u{FEFF}");
    assert_eq!(n.text, "");
    assert_eq!(n.original_range(0..1), 3..3);
    assert_eq!(n.original_range(0..0), 3..3);
    checks::fuzz_normalize(&[0x12, 0x78, 0x75]);
    checks::check_normalize(28, "\u{200B}\u{FEFF}");
}

/// F4 (fixed): the spam score summed evidence in hash-map order, so the same text got
/// scores one ulp apart from call to call (a label could flip right at the threshold).
#[test]
fn spam_same_text_same_verdict() {
    let text = "xã fb88 phường phường phường huyện tỉnh Đông Anh j hok an@example.vn \
                001203004567 j CCCD Ba Đình uy tín fb88 https://vi.wikipedia.org/wiki/H%C3%A0_N%E1%BB%99i";
    let first = ykien_text::spam::detect(text);
    for _ in 0..64 {
        assert_eq!(ykien_text::spam::detect(text), first);
    }
    checks::check_analysis(0, text);
}

// ---------------------------------------------------------------------------------------
// the seeds of the fuzz corpus: every check passes on them

const SEEDS: &[&str] = &[
    "Người dân phường Thụy Phương (quận Bắc Từ Liêm) phản ánh: hoà bình, gọi 0912 345 678 \
     hoặc email an@example.vn.",
    "M\u{AD}êng Kh\u{AD}\u{AC}ng, Lµo Cai",
    "UÛy ban Maët traän Toå quoác",
    "ko bít j lun, mik dc r nha :)) 👍 hok bik",
    "CCCD 001203004567, CMND: 012345678, STK 0011 0023 45678 Vietcombank, +84 24 3825 1234",
    "Nhà cái uy tín fb88, nạp đầu tặng 100%, link vào https://fb88.vip, hotline 0912345678",
    "Ha\u{300} No\u{323}\u{302}i thu\u{309}y sa\u{309}n",
    "Vi&#7879;t&nbsp;Nam &amp;amp; &lt;b&gt; &#x1EC7;",
    "\u{202E}مرحبا שלום 中文 ไทย \u{200B}\u{FEFF}x\u{E000}\u{10FFFF}",
    "🇻🇳👨‍👩‍👧❤️ ngày 1/8/2024 lúc 7h30, giá 500k, 2 triệu đồng, 50%",
    "P. Thụy Phương, Q. Bắc Từ Liêm, TP Hà Nội",
    "",
    " \n\t ",
];

#[test]
fn every_check_passes_on_the_seeds() {
    for (i, s) in SEEDS.iter().enumerate() {
        let opt = (i * 37 + 5) as u8;
        for opt in [opt, 28, 0, 255] {
            checks::check_normalize(opt, s);
            checks::check_fold(opt, s);
            checks::check_token(opt, s);
            checks::check_segment(opt, s);
            checks::check_pii(opt, s);
            checks::check_teencode(opt, s);
            checks::check_places(opt, s);
            checks::check_lang(opt, s);
            checks::check_minhash(opt, s);
            checks::check_keywords(opt, s);
            checks::check_analysis(opt, s);
            checks::check_spam(opt, s);
            checks::check_classify(opt, s);
        }
    }
}

#[test]
fn model_bytes_never_panic() {
    checks::fuzz_model_bytes(&[]);
    checks::fuzz_model_bytes(&[0]);
    checks::fuzz_model_bytes(&[1, 0, 1, 2, 3]);
    for cut in [0u8, 1, 100, 200, 254, 255] {
        checks::fuzz_model_bytes(&[2, cut]);
        checks::fuzz_model_bytes(&[3, cut]);
        checks::fuzz_model_bytes(&[2, 9, 0, 0x40, cut]);
    }
}

// ---------------------------------------------------------------------------------------
// properties: the fuzzers' input builder over small random byte strings

fn fuzz_input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..96)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn normalize_properties(data in fuzz_input()) {
        checks::fuzz_normalize(&data);
    }

    #[test]
    fn fold_properties(data in fuzz_input()) {
        checks::fuzz_fold(&data);
    }

    #[test]
    fn token_properties(data in fuzz_input()) {
        checks::fuzz_token(&data);
    }

    #[test]
    fn segment_properties(data in fuzz_input()) {
        checks::fuzz_segment(&data);
    }

    #[test]
    fn pii_properties(data in fuzz_input()) {
        checks::fuzz_pii(&data);
    }

    #[test]
    fn teencode_properties(data in fuzz_input()) {
        checks::fuzz_teencode(&data);
    }

    #[test]
    fn lang_properties(data in fuzz_input()) {
        checks::fuzz_lang(&data);
    }

    #[test]
    fn minhash_properties(data in fuzz_input()) {
        checks::fuzz_minhash(&data);
    }

    #[test]
    fn keywords_properties(data in fuzz_input()) {
        checks::fuzz_keywords(&data);
    }

    #[test]
    fn spam_properties(data in fuzz_input()) {
        checks::fuzz_spam(&data);
    }

    #[test]
    fn classify_properties(data in fuzz_input()) {
        checks::fuzz_classify(&data);
    }

    #[test]
    fn model_bytes_properties(data in fuzz_input()) {
        checks::fuzz_model_bytes(&data);
    }
}

proptest! {
    // the whole pipeline and the gazetteer are slower in a debug build
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn places_properties(data in fuzz_input()) {
        checks::fuzz_places(&data);
    }

    #[test]
    fn analysis_properties(data in fuzz_input()) {
        checks::fuzz_analysis(&data);
    }
}
