//! One check per public entry point of ykien-text: call it and assert what its
//! documentation promises (spans inside the input and on `char` boundaries, offset maps
//! that lead back into the original, idempotent normalization, masks that hide digits).
//! A panic anywhere, in the library or in an assertion here, is a finding.
//!
//! `fuzz_*` take raw fuzzer bytes; `check_*` take an option byte and a text, so a
//! regression test can replay a finding with a readable string.

use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use ykien_text::analysis::{AnalyzeOptions, Analyzer};
use ykien_text::classify::{self, Classifier, Example, TrainConfig};
use ykien_text::fold::{fold, fold_char, fold_into};
use ykien_text::keywords::{self, Keywords};
use ykien_text::lang::{self, Lang};
use ykien_text::minhash::{self, LshIndex, MinHasher};
use ykien_text::normalize::{self, Encoding, Legacy, OffsetMap, Options, ToneStyle};
use ykien_text::pii::{self, MaskStyle, PiiKind, PiiSpan};
use ykien_text::places::{Gazetteer, GazetteerOptions};
use ykien_text::segment::{self, Segmenter};
use ykien_text::sentence;
use ykien_text::spam::{self, SpamLabel};
use ykien_text::teencode;
use ykien_text::token::{self, Token};

/// Pieces of Vietnamese writing and of what surrounds it in the wild; mode 2 of
/// [`input`] spells a text with them, one piece per byte, so that the fuzzer reaches
/// syllables, tone marks and legacy encodings far more often than with raw bytes.
const PIECES: &[&str] = &[
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "đ",
    "b",
    "c",
    "d",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "q",
    "r",
    "s",
    "t",
    "v",
    "x",
    "ch",
    "gh",
    "kh",
    "ng",
    "ngh",
    "nh",
    "ph",
    "th",
    "tr",
    "qu",
    "gi",
    "à",
    "á",
    "ả",
    "ã",
    "ạ",
    "ằ",
    "ắ",
    "ặ",
    "ầ",
    "ấ",
    "ậ",
    "è",
    "é",
    "ẻ",
    "ẽ",
    "ẹ",
    "ề",
    "ế",
    "ệ",
    "ì",
    "í",
    "ỉ",
    "ĩ",
    "ị",
    "ò",
    "ó",
    "ỏ",
    "õ",
    "ọ",
    "ồ",
    "ố",
    "ổ",
    "ộ",
    "ờ",
    "ớ",
    "ở",
    "ợ",
    "ù",
    "ú",
    "ủ",
    "ũ",
    "ụ",
    "ừ",
    "ứ",
    "ử",
    "ự",
    "ỳ",
    "ý",
    "ỷ",
    "ỹ",
    "ỵ",
    "A",
    "Ơ",
    "Đ",
    "Ư",
    "Ệ",
    "Ủ",
    "H",
    "N",
    "T",
    "Q",
    "\u{300}",
    "\u{301}",
    "\u{303}",
    "\u{309}",
    "\u{323}",
    "\u{302}",
    "\u{306}",
    "\u{31B}",
    " ",
    " ",
    " ",
    "\n",
    "\t",
    "\r\n",
    "\u{A0}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{3000}",
    "\u{2028}",
    ".",
    ",",
    "!",
    "?",
    "...",
    "…",
    ":",
    ";",
    "-",
    "/",
    "(",
    ")",
    "\"",
    "“",
    "”",
    "'",
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "+84",
    "@",
    "&",
    "#",
    "amp;",
    "&#7879;",
    "&#x1EC7;",
    "http://",
    ".vn",
    ".com",
    "%",
    "k",
    "$",
    "_",
    "👍",
    "😀",
    "❤️",
    "🇻🇳",
    "👨‍👩‍👧",
    ":))",
    "<3",
    "\u{AD}",
    "\u{AC}",
    "µ",
    "¸",
    "¹",
    "Û",
    "ö",
    "ä",
    "ï",
    "å",
    "Ø",
    "Ñ",
    "¨",
    "©",
    "\u{202E}",
    "\u{5D0}",
    "\u{627}",
    "中",
    "ไ",
    "\u{FFFD}",
    "\u{10FFFF}",
    "\u{E000}",
    "\u{0}",
    "\u{1F}",
    "\u{7F}",
    "\u{85}",
    "İ",
    "ß",
    "ﬁ",
    "Ǆ",
    "ᾼ",
    "\u{212A}",
    "١",
    "²",
    "０",
];

/// Words and phrases the entry points look for; mode 3 of [`input`] strings them together.
const WORDS: &[&str] = &[
    "phường",
    "Thụy Phương",
    "quận",
    "Bắc Từ Liêm",
    "Hà Nội",
    "thành phố",
    "P.",
    "Q.",
    "TP",
    "xã",
    "huyện",
    "tỉnh",
    "Đông Anh",
    "Ba Đình",
    "Hoàn Kiếm",
    "Lào Cai",
    "Sài Gòn",
    "Hồ Chí Minh",
    "0912 345 678",
    "0912345678",
    "+84 24 3825 1234",
    "001203004567",
    "012345678",
    "CCCD",
    "CMND",
    "STK",
    "Vietcombank",
    "an@example.vn",
    "lan.nguyen@gmail.com",
    "ko",
    "dc",
    "mik",
    "j",
    "ak",
    "hok",
    "bít",
    "nhà cái",
    "uy tín",
    "fb88",
    "link vào",
    "nạp đầu",
    "hotline",
    "khuyến mãi",
    "&amp;",
    "&#7879;",
    "hoà",
    "thuỷ",
    "khoẻ",
    "Lµo Cai",
    "M\u{AD}êng Kh\u{AD}\u{AC}ng",
    "UÛy ban Maët traän",
    "👍",
    ":))",
    "https://vi.wikipedia.org/wiki/H%C3%A0_N%E1%BB%99i",
    "ngày",
    "1/8/2024",
    "7h30",
    "500k",
    "2 triệu đồng",
    "người dân",
    "phản ánh",
    "chuyển đổi số",
    "Mặt trận Tổ quốc",
    ",",
    ".",
    "\n",
    "!",
    "?",
    "(",
    ")",
    "số",
    "1",
    "Phường 1",
    "xa",
    "nha cai",
    "the thao",
];

/// Splits fuzzer bytes into (mode, option byte, text).
///
/// Mode 0–1: the rest as UTF-8 (lossy); 2: one [`PIECES`] entry per byte; 3: one
/// [`WORDS`] entry per byte, followed by a space unless the byte's high bit is set.
pub fn input(data: &[u8]) -> (u8, String) {
    let (mode, opt, rest) = match data {
        [m, o, rest @ ..] => (*m, *o, rest),
        _ => return (0, String::new()),
    };
    let text = match mode % 4 {
        0 | 1 => String::from_utf8_lossy(rest).into_owned(),
        2 => rest
            .iter()
            .map(|&b| PIECES[usize::from(b) % PIECES.len()])
            .collect(),
        _ => {
            let mut s = String::new();
            for &b in rest {
                s.push_str(WORDS[usize::from(b & 0x7f) % WORDS.len()]);
                if b & 0x80 == 0 {
                    s.push(' ');
                }
            }
            s
        }
    };
    (opt, text)
}

// ---------------------------------------------------------------------------------------
// shared assertions

/// `r` is a non-inverted range of `text` on `char` boundaries.
pub fn assert_span(text: &str, r: &Range<usize>, what: &str) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what}: span {r:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what}: span {r:?} not on char boundaries"
    );
}

/// Spans are valid, non-empty, in order and do not overlap.
pub fn assert_ordered(text: &str, spans: &[Range<usize>], what: &str) {
    let mut last = 0;
    for r in spans {
        assert_span(text, r, what);
        assert!(r.start < r.end, "{what}: empty span {r:?}");
        assert!(
            r.start >= last,
            "{what}: span {r:?} overlaps or precedes the one before"
        );
        last = r.end;
    }
}

fn assert_unit(x: f32, what: &str) {
    assert!(
        x.is_finite() && (0.0..=1.0).contains(&x),
        "{what}: {x} not in 0..=1"
    );
}

/// Every range of `derived` maps to a range of `original` on char boundaries, and the
/// mapping never goes backwards.
pub fn assert_map(original: &str, derived: &str, map: &OffsetMap, what: &str) {
    if let Some(len) = map.original_len() {
        assert_eq!(
            len,
            original.len(),
            "{what}: map built for another original"
        );
    }
    let whole = map.to_original(0..derived.len());
    assert_span(original, &whole, what);
    let mut last_start = 0;
    for (i, c) in derived.char_indices() {
        let r = map.to_original(i..i + c.len_utf8());
        assert_span(original, &r, what);
        assert!(
            r.start >= last_start,
            "{what}: derived char {c:?} at {i} maps to {r:?}, before {last_start}"
        );
        last_start = r.start;
        let p = map.offset_to_original(i);
        assert!(p <= original.len(), "{what}: offset {i} maps past the end");
        let empty = map.to_original(i..i);
        assert!(empty.is_empty(), "{what}: empty range maps to {empty:?}");
    }
    assert!(map.offset_to_original(derived.len()) <= original.len());
    // offsets past the end are clamped, not a panic
    let _ = map.to_original(derived.len()..derived.len() + 7);
}

// ---------------------------------------------------------------------------------------
// normalize

pub fn normalize_options(opt: u8) -> Options {
    Options {
        tone: match opt % 3 {
            0 => None,
            1 => Some(ToneStyle::New),
            _ => Some(ToneStyle::Old),
        },
        html_entities: opt & 4 != 0,
        spaces: opt & 8 != 0,
        legacy: match (opt >> 4) % 5 {
            0 => Legacy::Off,
            1 => Legacy::Auto,
            2 => Legacy::From(Encoding::Tcvn3),
            3 => Legacy::From(Encoding::Vni),
            _ => Legacy::Detect {
                min_confidence: f32::from(opt >> 6) / 4.0,
            },
        },
    }
}

pub fn check_normalize(opt: u8, text: &str) {
    let options = normalize_options(opt);
    let n = normalize::normalize_with(text, &options);
    assert_map(text, &n.text, &n.map, "normalize");
    if n.legacy.is_some() {
        assert_ne!(options.legacy, Legacy::Off, "converted with legacy off");
    }
    // Normalizing again changes nothing. A forced or low-threshold legacy conversion is
    // a one-shot repair, so the second pass only repeats automatic detection.
    let again_options = Options {
        legacy: match options.legacy {
            Legacy::Auto => Legacy::Auto,
            _ => Legacy::Off,
        },
        ..options.clone()
    };
    let again = normalize::normalize_with(&n.text, &again_options);
    assert_eq!(
        again.text, n.text,
        "normalize not idempotent with {options:?} on {text:?}"
    );
    if options == Options::default() {
        assert_eq!(normalize::normalize(text).text, n.text);
    }
    let _ = normalize::detect_legacy_encoding(text);
}

pub fn fuzz_normalize(data: &[u8]) {
    let (opt, text) = input(data);
    check_normalize(opt, &text);
}

// ---------------------------------------------------------------------------------------
// fold

pub fn check_fold(_opt: u8, text: &str) {
    let f = fold(text);
    assert_eq!(fold(&f), f, "fold not idempotent on {text:?}");
    let mut buf = String::from("x");
    fold_into(text, &mut buf);
    assert_eq!(&buf[1..], f, "fold_into differs from fold");
    if text.is_ascii() {
        assert_eq!(f, text.to_ascii_lowercase());
    }
    assert!(
        !f.chars().any(|c| c.is_ascii_uppercase()),
        "upper case in {f:?}"
    );
    // Vietnamese text folds the same whatever its normalization form.
    let nfc: String = text.nfc().collect();
    if nfc.chars().all(|c| c.is_ascii() || fold_char(c).is_ascii()) {
        let nfd: String = text.nfd().collect();
        assert_eq!(
            fold(&nfc),
            fold(&nfd),
            "fold depends on the form of {text:?}"
        );
    }
    for c in text.chars().take(64) {
        if !('\u{300}'..='\u{36F}').contains(&c) {
            assert_eq!(fold(c.encode_utf8(&mut [0; 4])), fold_char(c).to_string());
        }
    }
}

pub fn fuzz_fold(data: &[u8]) {
    let (opt, text) = input(data);
    check_fold(opt, &text);
}

// ---------------------------------------------------------------------------------------
// token + sentence

fn token_spans(tokens: &[Token]) -> Vec<Range<usize>> {
    tokens.iter().map(Token::span).collect()
}

pub fn check_token(_opt: u8, text: &str) {
    let tokens = token::tokenize(text);
    assert_eq!(tokens, token::tokens(text).collect::<Vec<_>>());
    let spans = token_spans(&tokens);
    assert_ordered(text, &spans, "tokenize");
    // the bytes between tokens are whitespace only
    let mut last = 0;
    for t in &tokens {
        let gap = &text[last..t.start];
        assert!(
            gap.chars().all(char::is_whitespace),
            "non-space {gap:?} between tokens in {text:?}"
        );
        assert!(!t.text(text).is_empty());
        last = t.end;
    }
    assert!(
        text[last..].chars().all(char::is_whitespace),
        "untokenized tail"
    );

    let sents = sentence::sentences(text);
    assert_eq!(sents, sentence::sentences_from_tokens(text, &tokens));
    assert_ordered(text, &sents, "sentences");
    for s in &sents {
        let body = &text[s.clone()];
        assert_eq!(body.trim(), body, "sentence {s:?} not trimmed");
    }
    // every token lies in exactly one sentence
    let mut k = 0;
    for t in &spans {
        while k < sents.len() && sents[k].end <= t.start {
            k += 1;
        }
        assert!(
            k < sents.len() && sents[k].start <= t.start && t.end <= sents[k].end,
            "token {t:?} outside every sentence of {text:?}"
        );
    }
}

pub fn fuzz_token(data: &[u8]) {
    let (opt, text) = input(data);
    check_token(opt, &text);
}

// ---------------------------------------------------------------------------------------
// segment

pub fn check_segment(_opt: u8, text: &str) {
    let seg = Segmenter::default();
    let words = seg.segment(text);
    let spans: Vec<Range<usize>> = words.iter().map(|w| w.start..w.end).collect();
    assert_ordered(text, &spans, "segment");
    let mut last = 0;
    for w in &words {
        let s = w.as_str(text);
        assert_eq!(s.trim(), s, "word {s:?} has outer whitespace");
        assert!(
            text[last..w.start].chars().all(char::is_whitespace),
            "{:?} left out of every word in {text:?}",
            &text[last..w.start]
        );
        last = w.end;
    }
    assert!(
        text[last..].chars().all(char::is_whitespace),
        "unsegmented tail"
    );
    let mut again = vec![segment::Word { start: 1, end: 0 }];
    seg.segment_into(text, &mut again);
    assert_eq!(again, words, "segment_into differs from segment");
    let line = seg.segment_line(text);
    assert_eq!(line, segment::segment_line(text));
    let _ = segment::strip_marks(text);
}

pub fn fuzz_segment(data: &[u8]) {
    let (opt, text) = input(data);
    check_segment(opt, &text);
}

// ---------------------------------------------------------------------------------------
// pii

fn mask_styles(opt: u8) -> [MaskStyle; 4] {
    [
        MaskStyle::default(),
        MaskStyle::Partial {
            keep_first: usize::from(opt & 0x0f),
            keep_last: usize::from(opt >> 4),
        },
        MaskStyle::Stars {
            keep_last: usize::from(opt % 9),
        },
        MaskStyle::Label,
    ]
}

/// Checks one masked span: nothing beyond what the style reveals survives.
fn check_masked(span: &str, masked: &str, kind: PiiKind, style: MaskStyle) {
    if style == MaskStyle::Label {
        assert_eq!(masked, kind.label());
        return;
    }
    if kind == PiiKind::Email
        && let Some(at) = span.rfind('@')
    {
        let (local, domain) = span.split_at(at);
        assert!(
            masked.ends_with(domain),
            "e-mail domain changed: {masked:?}"
        );
        let shown = &masked[..masked.len() - domain.len()];
        let hidden = local.chars().skip(1).filter(|&c| c != 'x').count();
        if hidden > 0 {
            assert!(
                !shown.contains(local),
                "e-mail {span:?} masked as {masked:?}"
            );
        }
        assert!(
            shown.chars().skip(1).all(|c| c == 'x' || c == '*'),
            "e-mail {span:?} masked as {masked:?}"
        );
        return;
    }
    let digits: Vec<char> = span.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    let shown: Vec<char> = masked.chars().filter(|c| c.is_numeric()).collect();
    assert!(
        shown.len() <= n / 2,
        "{kind:?} {span:?} masked as {masked:?} with {style:?}: {} of {n} digits show",
        shown.len()
    );
    let (first, last) = match style {
        MaskStyle::Partial {
            keep_first,
            keep_last,
        } => {
            let last = keep_last.min(n / 2);
            (keep_first.min(n / 2 - last), last)
        }
        MaskStyle::Stars { keep_last } => (0, keep_last.min(n / 2)),
        MaskStyle::Label => unreachable!(),
    };
    let expected: Vec<char> = digits[..first]
        .iter()
        .chain(&digits[n - last..])
        .copied()
        .collect();
    assert_eq!(
        shown, expected,
        "{span:?} masked as {masked:?} with {style:?}"
    );
    if n >= 4 {
        let whole: String = digits.iter().collect();
        assert!(!masked.contains(&whole));
    }
}

pub fn check_pii(opt: u8, text: &str) {
    let found = pii::detect(text);
    let spans: Vec<Range<usize>> = found.iter().map(|p| p.start..p.end).collect();
    assert_ordered(text, &spans, "pii::detect");
    assert_eq!(found, pii::detect_in_tokens(text, &token::tokenize(text)));
    for style in mask_styles(opt) {
        let mut expected = String::new();
        let mut pos = 0;
        for p in &found {
            let one = pii::mask(text, std::slice::from_ref(p), style);
            let (before, after) = (&text[..p.start], &text[p.end..]);
            assert!(
                one.len() >= before.len() + after.len()
                    && one.starts_with(before)
                    && one.ends_with(after),
                "mask touched text outside {p:?}: {one:?}"
            );
            let masked = &one[before.len()..one.len() - after.len()];
            check_masked(&text[p.start..p.end], masked, p.kind, style);
            expected.push_str(&text[pos..p.start]);
            expected.push_str(masked);
            pos = p.end;
        }
        expected.push_str(&text[pos..]);
        assert_eq!(
            pii::mask(text, &found, style),
            expected,
            "mask of all spans"
        );
        // Spans from elsewhere (wrong text, reversed, past the end) are ignored, not a panic.
        let len = text.len();
        let odd = [
            PiiSpan {
                kind: PiiKind::Phone,
                start: usize::from(opt) % (len + 1),
                end: len + usize::from(opt % 3),
            },
            PiiSpan {
                kind: PiiKind::Email,
                start: len / 2 + 1,
                end: len / 3,
            },
            PiiSpan {
                kind: PiiKind::CitizenId,
                start: 1,
                end: len.saturating_sub(1),
            },
        ];
        let _ = pii::mask(text, &odd, style);
    }
    let _ = pii::plausible_citizen_id(text.as_bytes());
}

pub fn fuzz_pii(data: &[u8]) {
    let (opt, text) = input(data);
    check_pii(opt, &text);
}

// ---------------------------------------------------------------------------------------
// teencode

pub fn check_teencode(opt: u8, text: &str) {
    let _ = teencode::is_informal(text);
    let informal = match opt % 3 {
        0 => None,
        1 => Some(true),
        _ => Some(false),
    };
    let e = teencode::expand_with(text, informal);
    assert_map(text, &e.text, &e.map, "teencode::expand_with");
    if informal.is_none() {
        assert_eq!(teencode::expand(text), e);
    }
}

pub fn fuzz_teencode(data: &[u8]) {
    let (opt, text) = input(data);
    check_teencode(opt, &text);
}

// ---------------------------------------------------------------------------------------
// places

pub fn check_places(opt: u8, text: &str) {
    let g = Gazetteer::new(GazetteerOptions {
        default_province: match opt % 3 {
            0 => Some("01".into()),
            1 => Some("79".into()),
            _ => None,
        },
        ..GazetteerOptions::default()
    });
    let found = g.find_places(text);
    let spans: Vec<Range<usize>> = found.iter().map(|m| m.span.clone()).collect();
    assert_ordered(text, &spans, "find_places");
    for m in &found {
        assert_eq!(m.text, text[m.span.clone()]);
        assert_unit(m.confidence, "place confidence");
        assert!(m.confidence >= g.options.min_confidence);
        assert!(m.candidates >= 1);
        if !m.unit.legacy {
            assert!(m.successors.is_empty(), "current unit with successors");
        }
    }
    let all = g.find_all(text);
    let all_spans: Vec<Range<usize>> = all.iter().map(|m| m.span.clone()).collect();
    assert_ordered(text, &all_spans, "find_all");
    for m in &found {
        assert!(all.contains(m), "find_places found what find_all did not");
    }
    for e in g.explain(text) {
        assert_span(text, &e.span, "explain");
        for (_, prior, context, share) in &e.candidates {
            assert!(
                prior.is_finite() && context.is_finite(),
                "explain: non-finite score"
            );
            assert_unit(*share, "explain share");
        }
    }
    // The same text as a place query.
    let query: String = text.chars().take(200).collect();
    let cands = g.resolve(&query);
    for c in &cands {
        assert_unit(c.score, "resolve score");
    }
    assert!(
        cands.windows(2).all(|w| w[0].score >= w[1].score),
        "resolve not ranked"
    );
}

pub fn fuzz_places(data: &[u8]) {
    let (opt, text) = input(data);
    check_places(opt, &text);
}

// ---------------------------------------------------------------------------------------
// lang

pub fn check_lang(_opt: u8, text: &str) {
    let g = lang::detect(text);
    assert_unit(g.confidence, "language confidence");
    if g.lang != Lang::Other {
        assert!(g.other.is_none(), "{g:?}");
    }
    let spans = lang::sentence_spans(text);
    assert_ordered(text, &spans, "sentence_spans");
    let each = lang::detect_sentences(text);
    assert_eq!(
        each.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
        spans
    );
    for (_, g) in &each {
        assert_unit(g.confidence, "sentence language confidence");
    }
    for w in text.split_whitespace().take(32) {
        let _ = lang::is_vietnamese_syllable(&fold(w));
    }
}

pub fn fuzz_lang(data: &[u8]) {
    let (opt, text) = input(data);
    check_lang(opt, &text);
}

// ---------------------------------------------------------------------------------------
// minhash

pub fn check_minhash(opt: u8, text: &str) {
    let fp = minhash::fingerprint(text);
    assert_eq!(fp.len(), 16);
    assert!(
        fp.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    // case, diacritics, punctuation and spacing do not matter
    assert_eq!(
        minhash::fingerprint(&fold(text)),
        fp,
        "fold changes the fingerprint"
    );
    let spaced: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || ('\u{300}'..='\u{36F}').contains(&c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    assert_eq!(
        minhash::fingerprint(&spaced),
        fp,
        "punctuation changes the fingerprint"
    );

    let k = usize::from(opt % 160);
    let hasher = MinHasher::new(k, usize::from(opt >> 5));
    let sig = hasher.signature(text);
    assert_eq!(sig.0.len(), k);
    assert_eq!(hasher.signature(&fold(text)), sig);
    let j = sig.jaccard(&hasher.signature(&spaced));
    assert!((0.0..=1.0).contains(&j));

    let hasher = MinHasher::default();
    let sig = hasher.signature(text);
    let words = minhash::words(text);
    assert_eq!(
        sig.is_empty(),
        words.is_empty(),
        "empty signature iff no words"
    );
    let mut index = LshIndex::default();
    index.insert(7, sig.clone());
    index.insert(8, hasher.signature("hà nội mùa thu"));
    if !sig.is_empty() {
        assert_eq!(sig.jaccard(&sig), 1.0);
        assert!(index.candidates(&sig).contains(&7));
        assert!(index.similar(&sig, 0.99).iter().any(|&(id, _)| id == 7));
    }
    assert_eq!(index.remove(7), Some(sig.clone()));
    assert_eq!(index.len(), 1);
    // an index whose bands do not fit the signature is a caller's mistake, not a panic
    let mut odd = LshIndex::new(usize::from(opt % 7), usize::from(opt % 5));
    odd.insert(1, sig.clone());
    let _ = odd.similar(&sig, 0.5);
}

pub fn fuzz_minhash(data: &[u8]) {
    let (opt, text) = input(data);
    check_minhash(opt, &text);
}

// ---------------------------------------------------------------------------------------
// keywords

fn check_phrases(text: &str, k: usize, phrases: &[keywords::Keyphrase], what: &str) {
    assert!(
        phrases.len() <= k,
        "{what}: {} phrases for k = {k}",
        phrases.len()
    );
    for p in phrases {
        assert!(!p.spans.is_empty(), "{what}: phrase without occurrence");
        // occurrences never overlap (finding F2)
        assert_ordered(text, &p.spans, what);
        assert!(p.score.is_finite(), "{what}: score {}", p.score);
        assert!(p.len >= 1);
    }
    assert!(
        phrases.windows(2).all(|w| w[0].score >= w[1].score),
        "{what}: not ranked"
    );
}

pub fn check_keywords(opt: u8, text: &str) {
    check_keywords_k(usize::from(opt % 20), text);
}

pub fn check_keywords_k(k: usize, text: &str) {
    let kw = Keywords::default();
    let phrases = kw.extract(text, k);
    check_phrases(text, k, &phrases, "keywords::extract");
    for p in &phrases {
        assert!(p.len <= keywords::MAX_PHRASE);
    }
    let units = keywords::syllables(text);
    let spans: Vec<Range<usize>> = units.iter().map(|u| u.span.clone()).collect();
    assert_ordered(text, &spans, "keywords::syllables");
    let words = kw.extract_words(text, &units, k);
    check_phrases(text, k, &words, "keywords::extract_words");
    assert_eq!(keywords::keyphrases(text, k), phrases);
}

pub fn fuzz_keywords(data: &[u8]) {
    let (opt, text) = input(data);
    check_keywords(opt, &text);
}

// ---------------------------------------------------------------------------------------
// analysis

pub fn check_analysis(opt: u8, text: &str) {
    let options = AnalyzeOptions {
        keywords: usize::from(opt % 12),
        expand_teencode: opt & 0x10 == 0,
        default_province: if opt & 0x20 == 0 {
            Some("01".into())
        } else {
            None
        },
        ..AnalyzeOptions::default()
    };
    let keywords = options.keywords;
    let analyzer = Analyzer::new(options);
    let a = analyzer.analyze(text);
    // same text, same answer: no hash-order or other hidden state (finding F4)
    assert_eq!(
        analyzer.analyze(text),
        a,
        "analysis differs between two calls"
    );
    assert_eq!(a.normalized, normalize::normalize(text).text);
    assert_unit(a.language.confidence, "analysis language");
    assert_eq!(a.fingerprint, minhash::fingerprint(&a.normalized));
    for w in &a.words {
        assert!(
            !w.is_empty() && !w.chars().any(char::is_whitespace),
            "word {w:?}"
        );
    }
    for p in &a.places {
        assert_span(text, &p.span, "analysis place");
        assert!(p.span.start < p.span.end, "empty place span");
    }
    for p in &a.pii {
        assert_span(text, &p.span, "analysis pii");
        assert!(p.span.start < p.span.end, "empty pii span");
    }
    assert!(a.keywords.len() <= keywords);
    for k in &a.keywords {
        for s in &k.spans {
            assert_span(text, s, "analysis keyword");
        }
    }
    assert!(a.topics.len() <= 3, "{} topics", a.topics.len());
    for t in &a.topics {
        assert_unit(t.score, "analysis topic");
    }
    let s = &a.sentiment;
    assert!(
        s.score.is_finite() && (-1.0..=1.0).contains(&s.score),
        "sentiment score {}",
        s.score
    );
    assert_unit(s.confidence, "sentiment confidence");
    for e in &s.evidence {
        assert_span(text, &e.span, "analysis sentiment evidence");
    }
    assert_eq!(
        a.spam,
        spam::detect(text),
        "analysis spam differs from spam::detect"
    );
}

pub fn fuzz_analysis(data: &[u8]) {
    let (opt, text) = input(data);
    check_analysis(opt, &text);
}

// ---------------------------------------------------------------------------------------
// spam

pub fn check_spam(_opt: u8, text: &str) {
    let v = spam::detect(text);
    assert_unit(v.score, "spam score");
    if v.label == SpamLabel::None {
        assert!(v.score <= 0.5, "not spam with score {}", v.score);
        assert!(v.spans.is_empty(), "evidence spans without a label");
    } else {
        assert!(
            v.score >= 0.5 - 1e-6,
            "{:?} with score {}",
            v.label,
            v.score
        );
        assert!(!v.reasons.is_empty(), "spam without a reason");
    }
    let mut last = 0;
    for s in &v.spans {
        assert_span(text, &s.range, "spam span");
        assert!(s.range.start < s.range.end, "empty spam span");
        assert!(s.range.start >= last, "spam spans out of order");
        last = s.range.start;
    }
    assert_eq!(v.is_spam(), v.label != SpamLabel::None);
    for w in text.split_whitespace().take(32) {
        let _ = spam::check_syllable(w);
        let _ = spam::is_valid_syllable(w);
    }
}

pub fn fuzz_spam(data: &[u8]) {
    let (opt, text) = input(data);
    check_spam(opt, &text);
}

// ---------------------------------------------------------------------------------------
// classify

const TRAINING: &[(&str, &str)] = &[
    ("Nhà cái uy tín, nạp đầu tặng 100%, link vào fb88", "spam"),
    (
        "Kèo nhà cái hôm nay, soi kèo bóng đá, nhận thưởng ngay",
        "spam",
    ),
    (
        "Khuyến mãi lớn, liên hệ hotline 0912 345 678 để nhận quà",
        "spam",
    ),
    ("nha cai uy tin nap dau tang thuong", "spam"),
    (
        "Người dân phường Thụy Phương phản ánh đường ngập nước",
        "ham",
    ),
    ("Đề nghị sửa đèn chiếu sáng ở ngõ 12, xin cảm ơn", "ham"),
    (
        "Mặt trận Tổ quốc thành phố tổ chức hội nghị lấy ý kiến",
        "ham",
    ),
    ("rac thai o cho khong duoc thu gom may ngay nay", "ham"),
];

/// A small model trained in memory on the texts above, once per process.
pub static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(|| {
    let examples: Vec<Example<'_>> = TRAINING
        .iter()
        .map(|&(text, label)| Example { text, label })
        .collect();
    let mut config = TrainConfig::for_task("spam");
    config.features.bits = 14;
    let model = classify::train(&examples, &config).expect("the tiny model trains");
    Classifier::new(model)
});

fn check_classifier(c: &Classifier, text: &str) {
    let p = c.predict(text);
    let labels = c.model().labels();
    assert!(
        labels.contains(&p.label),
        "label {:?} not in the model",
        p.label
    );
    assert_unit(p.score, "prediction score");
    assert_eq!(p.scores.len(), labels.len());
    let sum: f32 = p.scores.iter().map(|(_, s)| *s).sum();
    assert!((sum - 1.0).abs() < 1e-3, "probabilities sum to {sum}");
    for (_, s) in &p.scores {
        assert_unit(*s, "label probability");
        assert!(
            *s <= p.score + 1e-6,
            "predicted label is not the most likely"
        );
    }
    let (i, score) = c.predict_index(text);
    assert_eq!(labels[i], p.label);
    assert!((score - p.score).abs() < 1e-5);
    let e = c.explain(text, 5);
    assert_eq!(e.prediction, p);
    assert!(e.for_label.len() <= 5 && e.against.len() <= 5);
    for f in e.for_label.iter().chain(&e.against) {
        assert!(f.weight.is_finite());
    }
}

pub fn check_classify(_opt: u8, text: &str) {
    check_classifier(&CLASSIFIER, text);
}

pub fn fuzz_classify(data: &[u8]) {
    let (opt, text) = input(data);
    check_classify(opt, &text);
}

/// Model files from disk: any bytes give a model or an error. Mode byte: 0 raw bytes as a
/// classifier, 1 raw bytes as a segmenter, 2–3 a valid model of each kind with bytes
/// flipped (pairs of position, xor) and cut short.
pub fn fuzz_model_bytes(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let damaged = |mut bytes: Vec<u8>| {
        let mut pairs = rest.chunks_exact(3);
        for p in &mut pairs {
            let at = usize::from(u16::from_le_bytes([p[0], p[1]]));
            let len = bytes.len().max(1);
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= p[2];
            }
        }
        if let [cut, ..] = pairs.remainder() {
            let keep = bytes.len() * usize::from(*cut) / 255;
            bytes.truncate(keep);
        }
        bytes
    };
    let sample = "Người dân phường Thụy Phương phản ánh: nhà cái uy tín 0912 345 678";
    match mode % 4 {
        0 => check_model(rest, sample),
        1 => check_segmenter_model(rest, sample),
        2 => check_model(&damaged(CLASSIFIER.model().to_bytes()), sample),
        _ => check_segmenter_model(&damaged(segment::Model::empty().to_bytes()), sample),
    }
}

pub fn check_model(bytes: &[u8], sample: &str) {
    if let Ok(c) = Classifier::from_bytes(bytes) {
        // Whatever passed validation must be usable.
        let _ = c.predict(sample);
        let _ = c.explain(sample, 3);
        let again = Classifier::from_bytes(&c.model().to_bytes()).expect("round trip");
        assert_eq!(again, c);
    }
}

pub fn check_segmenter_model(bytes: &[u8], sample: &str) {
    if let Ok(s) = Segmenter::from_bytes(bytes) {
        let words = s.segment(sample);
        let spans: Vec<Range<usize>> = words.iter().map(|w| w.start..w.end).collect();
        assert_ordered(sample, &spans, "segment with a loaded model");
    }
}
