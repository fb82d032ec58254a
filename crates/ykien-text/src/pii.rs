//! Personal data in Vietnamese text: phone numbers, citizen identity numbers (CCCD, 12
//! digits), old identity-card numbers (CMND, 9 digits), e-mail addresses and bank
//! account numbers.
//!
//! Citizens write their phone number or ID into feedback forms and comments; before such
//! text is shown to more people, stored in reports or exported, these spans must be
//! found and masked. Bare digit runs are ambiguous, so IDs and account numbers need
//! evidence: a CCCD must start with a real province code, a CMND or account number must
//! stand near a word that names it ("CMND", "STK", "Vietcombank", …).

use crate::fold::fold;
use crate::token::{Token, TokenKind, tokenize};

/// Kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiKind {
    Phone,
    /// Căn cước công dân / định danh cá nhân: 12 digits.
    CitizenId,
    /// Chứng minh nhân dân: 9 digits.
    OldId,
    Email,
    BankAccount,
}

impl PiiKind {
    /// Placeholder used by [`MaskStyle::Label`].
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Phone => "[SĐT]",
            PiiKind::CitizenId => "[CCCD]",
            PiiKind::OldId => "[CMND]",
            PiiKind::Email => "[EMAIL]",
            PiiKind::BankAccount => "[STK]",
        }
    }
}

/// A span of personal data: byte offsets into the text given to [`detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiiSpan {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

/// Province codes that open a CCCD number (the 63 pre-2025 provinces; numbers issued
/// before the 2025 merger keep them).
const PROVINCE_CODES: [u8; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A 12-digit number that can be a CCCD: province code, then a gender/century digit
/// (0–3 for people born 1900–2099).
pub fn plausible_citizen_id(digits: &[u8]) -> bool {
    if digits.len() != 12 || !digits.iter().all(u8::is_ascii_digit) || digits[0] != b'0' {
        return false;
    }
    let province = (digits[1] - b'0') * 10 + (digits[2] - b'0');
    PROVINCE_CODES.contains(&province) && digits[3] <= b'3'
}

const ID_WORDS: &[&str] = &[
    "cccd",
    "can cuoc",
    "cmnd",
    "cmt",
    "chung minh",
    "dinh danh",
    "so cm",
    "cmtnd",
];
const BANK_WORDS: &[&str] = &[
    "stk",
    "so tk",
    "tk",
    "tai khoan",
    "ngan hang",
    "nh",
    "chuyen khoan",
    "ck",
    "vietcombank",
    "vcb",
    "techcombank",
    "tcb",
    "bidv",
    "agribank",
    "vietinbank",
    "mbbank",
    "mb",
    "acb",
    "vpbank",
    "tpbank",
    "sacombank",
    "shb",
    "hdbank",
    "vib",
    "ocb",
    "msb",
    "seabank",
    "eximbank",
    "lienvietpostbank",
    "lpbank",
    "nam a bank",
    "bac a bank",
    "abbank",
    "scb",
    "bvbank",
    "pvcombank",
    "oceanbank",
    "kienlongbank",
    "vietabank",
    "baovietbank",
    "momo",
    "zalopay",
    "viettelpay",
];

/// True when `needle` occurs in `hay` as whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    let hb = hay.as_bytes();
    let mut from = 0;
    while let Some(p) = hay[from..].find(needle) {
        let s = from + p;
        let e = s + needle.len();
        let before_ok = s == 0 || !hb[s - 1].is_ascii_alphanumeric();
        let after_ok = e >= hb.len() || !hb[e].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return true;
        }
        from = s + 1;
    }
    false
}

/// Folded text around `start..end`: a few words before and a few after.
fn context(text: &str, start: usize, end: usize) -> String {
    let mut s = start.saturating_sub(48);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    let mut e = (end + 24).min(text.len());
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    // stay inside the sentence: "… Vietcombank. Mã 123456789" is not an account
    let is_stop = |c: char| matches!(c, '.' | '!' | '?' | ';' | '\n');
    let before = &text[s..start];
    let before = match before
        .char_indices()
        .rev()
        .find(|&(k, c)| is_stop(c) && before[k + 1..].starts_with(' '))
    {
        Some((k, _)) => &before[k + 1..],
        None => before,
    };
    let after = &text[end..e];
    let after = match after
        .char_indices()
        .find(|&(k, c)| is_stop(c) && after[k + 1..].starts_with(' '))
    {
        Some((k, _)) => &after[..k],
        None => after,
    };
    let mut out = fold(before);
    out.push(' ');
    out.push_str(&fold(after));
    out
}

/// Finds personal data in `text`. Spans are sorted and do not overlap.
pub fn detect(text: &str) -> Vec<PiiSpan> {
    detect_in_tokens(text, &tokenize(text))
}

/// Like [`detect`], reusing tokens already computed for `text`.
pub fn detect_in_tokens(text: &str, tokens: &[Token]) -> Vec<PiiSpan> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        match t.kind {
            TokenKind::Phone => out.push(PiiSpan {
                kind: PiiKind::Phone,
                start: t.start,
                end: t.end,
            }),
            TokenKind::Email => out.push(PiiSpan {
                kind: PiiKind::Email,
                start: t.start,
                end: t.end,
            }),
            TokenKind::Number => {
                let (last, digits) = digit_run(text, tokens, i);
                if let Some(kind) = classify(text, t.start, tokens[last].end, &digits) {
                    out.push(PiiSpan {
                        kind,
                        start: t.start,
                        end: tokens[last].end,
                    });
                }
                i = last;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Digits of a number written as one token or in groups ("0011 0023 4567",
/// "1903-1234-5678"): returns the index of the last token and the digits.
fn digit_run(text: &str, tokens: &[Token], first: usize) -> (usize, Vec<u8>) {
    let mut digits = Vec::new();
    let grouped_thousands = |s: &str| {
        // "1.000.000" / "1,5": an amount, not an identifier
        s.contains(',') || (s.contains('.') && s.split('.').skip(1).all(|g| g.len() == 3))
    };
    let mut last = first;
    let s = tokens[first].text(text);
    if grouped_thousands(s) {
        return (first, digits);
    }
    digits.extend(s.bytes().filter(u8::is_ascii_digit));
    let mut j = first + 1;
    while j < tokens.len() && digits.len() <= 19 {
        let gap = &text[tokens[j - 1].end..tokens[j].start];
        let t = tokens[j];
        if gap == " " && t.kind == TokenKind::Number && !grouped_thousands(t.text(text)) {
            digits.extend(t.text(text).bytes().filter(u8::is_ascii_digit));
            last = j;
            j += 1;
        } else if gap.is_empty()
            && t.kind == TokenKind::Punct
            && t.text(text) == "-"
            && tokens
                .get(j + 1)
                .is_some_and(|n| n.kind == TokenKind::Number && n.start == t.end)
        {
            let n = tokens[j + 1];
            digits.extend(n.text(text).bytes().filter(u8::is_ascii_digit));
            last = j + 1;
            j += 2;
        } else {
            break;
        }
    }
    (last, digits)
}

fn classify(text: &str, start: usize, end: usize, digits: &[u8]) -> Option<PiiKind> {
    let n = digits.len();
    if !(8..=19).contains(&n) {
        return None;
    }
    let ctx = context(text, start, end);
    let id_ctx = ID_WORDS.iter().any(|w| contains_words(&ctx, w));
    let bank_ctx = BANK_WORDS.iter().any(|w| contains_words(&ctx, w));
    if id_ctx && n == 12 {
        return Some(PiiKind::CitizenId);
    }
    if id_ctx && n == 9 {
        return Some(PiiKind::OldId);
    }
    if bank_ctx {
        return Some(PiiKind::BankAccount);
    }
    if plausible_citizen_id(digits) {
        return Some(PiiKind::CitizenId);
    }
    None
}

/// How [`mask`] hides a span.
///
/// Whatever the style, at least half of a span's digits are always hidden: a short
/// number never comes out whole because `keep_first + keep_last` covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskStyle {
    /// Same shape, digits replaced by 'x' except the first `keep_first` and the last
    /// `keep_last`: "0912 345 678" → "09xx xxx 678" with (2, 3). Separators stay.
    /// E-mail: the local part becomes 'x' except its first character when
    /// `keep_first > 0`; the domain stays.
    Partial { keep_first: usize, keep_last: usize },
    /// "***" and the last `keep_last` digits: "0912 345 678" → "***678". E-mail:
    /// "***@gmail.com".
    Stars { keep_last: usize },
    /// A placeholder naming the kind: "[SĐT]", "[CCCD]", …
    Label,
}

impl Default for MaskStyle {
    fn default() -> Self {
        MaskStyle::Partial {
            keep_first: 2,
            keep_last: 3,
        }
    }
}

/// How many leading and trailing digits of `n` may show.
fn revealed(n: usize, keep_first: usize, keep_last: usize) -> (usize, usize) {
    let allowed = n / 2;
    let last = keep_last.min(allowed);
    let first = keep_first.min(allowed - last);
    (first, last)
}

/// Returns `text` with every span masked. Spans may come in any order; overlapping
/// spans are merged, and spans outside `text` or not on `char` boundaries are ignored.
pub fn mask(text: &str, spans: &[PiiSpan], style: MaskStyle) -> String {
    let mut spans: Vec<PiiSpan> = spans
        .iter()
        .copied()
        .filter(|s| {
            s.start < s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        })
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<PiiSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(m) if s.start < m.end => m.end = m.end.max(s.end),
            _ => merged.push(s),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for s in merged {
        out.push_str(&text[pos..s.start]);
        mask_one(&text[s.start..s.end], s.kind, style, &mut out);
        pos = s.end;
    }
    out.push_str(&text[pos..]);
    out
}

fn mask_one(span: &str, kind: PiiKind, style: MaskStyle, out: &mut String) {
    if let MaskStyle::Label = style {
        out.push_str(kind.label());
        return;
    }
    if kind == PiiKind::Email
        && let Some(at) = span.rfind('@')
    {
        let (local, domain) = span.split_at(at);
        match style {
            MaskStyle::Partial { keep_first, .. } => {
                for (k, c) in local.chars().enumerate() {
                    out.push(if k == 0 && keep_first > 0 && local.chars().count() > 2 {
                        c
                    } else {
                        'x'
                    });
                }
            }
            _ => out.push_str("***"),
        }
        out.push_str(domain);
        return;
    }
    let n = span.bytes().filter(u8::is_ascii_digit).count();
    match style {
        MaskStyle::Partial {
            keep_first,
            keep_last,
        } => {
            let (first, last) = revealed(n, keep_first, keep_last);
            let mut k = 0;
            for c in span.chars() {
                if c.is_ascii_digit() {
                    out.push(if k < first || k >= n - last { c } else { 'x' });
                    k += 1;
                } else if c.is_alphanumeric() {
                    out.push('x');
                } else {
                    out.push(c);
                }
            }
        }
        MaskStyle::Stars { keep_last } => {
            let (_, last) = revealed(n, 0, keep_last);
            out.push_str("***");
            let tail: Vec<char> = span.chars().filter(char::is_ascii_digit).collect();
            out.extend(&tail[n - last..]);
        }
        MaskStyle::Label => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<(PiiKind, &str)> {
        detect(s)
            .into_iter()
            .map(|p| (p.kind, &s[p.start..p.end]))
            .collect()
    }

    #[test]
    fn finds_personal_data() {
        let s = "Liên hệ chị Lan 0912 345 678 hoặc lan.nguyen@gmail.com, CCCD 001203004567, \
                 số CMND: 012345678, STK 0011 0023 45678 Vietcombank. Dân số 8.000.000 người, mã 123456789.";
        assert_eq!(
            found(s),
            vec![
                (PiiKind::Phone, "0912 345 678"),
                (PiiKind::Email, "lan.nguyen@gmail.com"),
                (PiiKind::CitizenId, "001203004567"),
                (PiiKind::OldId, "012345678"),
                (PiiKind::BankAccount, "0011 0023 45678"),
            ]
        );
        // a CCCD needs no keyword, but a real province code
        assert_eq!(
            found("Số 079088001234 của anh"),
            vec![(PiiKind::CitizenId, "079088001234")]
        );
        assert_eq!(found("Số 099088001234 của anh"), vec![]);
        // amounts near bank words are not accounts
        assert_eq!(found("vay ngân hàng 15.000.000.000 đồng"), vec![]);
    }

    #[test]
    fn masks() {
        let s = "Gọi 0912 345 678 nhé, mail lan.nguyen@gmail.com";
        let spans = detect(s);
        assert_eq!(
            mask(s, &spans, MaskStyle::default()),
            "Gọi 09xx xxx 678 nhé, mail lxxxxxxxxx@gmail.com"
        );
        assert_eq!(
            mask(s, &spans, MaskStyle::Stars { keep_last: 3 }),
            "Gọi ***678 nhé, mail ***@gmail.com"
        );
        assert_eq!(
            mask(s, &spans, MaskStyle::Label),
            "Gọi [SĐT] nhé, mail [EMAIL]"
        );
        // never more than half the digits
        let short = [PiiSpan {
            kind: PiiKind::Phone,
            start: 0,
            end: 4,
        }];
        assert_eq!(
            mask(
                "1234",
                &short,
                MaskStyle::Partial {
                    keep_first: 3,
                    keep_last: 3
                }
            ),
            "xx34"
        );
    }
}
