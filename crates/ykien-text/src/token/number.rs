//! Numbers and the things made of them: dates, times, percentages, amounts of money.
//!
//! Vietnamese writes "1.000.000" and "3,5"; English-style "1,000,000" and "3.5" also
//! occur, so a separator followed by a digit continues the number either way. A
//! separator not followed by a digit ends it ("năm 2014." keeps its full stop).

use super::{TokenKind, char_at, phone, scan_word};
use crate::fold::fold;
use crate::normalize::is_word_char;

#[inline]
fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn value(b: &[u8], r: std::ops::Range<usize>) -> u32 {
    b[r].iter()
        .take(9)
        .fold(0u32, |v, &d| v * 10 + (d - b'0') as u32)
}

/// True when nothing glued after `end` would make the match a different thing.
#[inline]
fn clean_end(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    match b.get(end) {
        None => true,
        Some(c) if c.is_ascii_digit() => false,
        Some(b'/' | b'-' | b'.' | b',' | b':') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        _ => !char_at(text, end).is_some_and(is_word_char),
    }
}

/// Scans a token that starts with a digit.
pub(super) fn scan(text: &str, start: usize, prev_word: &str) -> (TokenKind, usize) {
    let b = text.as_bytes();
    let d_end = digits_end(b, start);
    if b[start] == b'0'
        && let Some(e) = phone::scan(text, start)
    {
        return (TokenKind::Phone, e);
    }
    match b.get(d_end) {
        Some(&sep @ (b'/' | b'-' | b'.')) => {
            if let Some(e) = date(text, start, d_end, sep, prev_word) {
                return (TokenKind::Date, e);
            }
        }
        Some(b':') => {
            if let Some(e) = time_colon(text, start, d_end) {
                return (TokenKind::Time, e);
            }
        }
        Some(b'h' | b'H' | b'g') => {
            if let Some(e) = time_h(text, start, d_end) {
                return (TokenKind::Time, e);
            }
        }
        _ => {}
    }
    let end = number_end(b, d_end);
    if b.get(end) == Some(&b'%') {
        return (TokenKind::Percent, end + 1);
    }
    if char_at(text, end).is_some_and(is_word_char) {
        let w_end = scan_word(text, end);
        if is_money_suffix(&text[end..w_end]) {
            return (TokenKind::Money, w_end);
        }
        return (TokenKind::Word, scan_word(text, start));
    }
    if let Some(e) = money_words(text, end) {
        return (TokenKind::Money, e);
    }
    (TokenKind::Number, end)
}

/// End of "1.000.000" / "3,5" whose first digit run ends at `d_end`.
#[inline]
fn number_end(b: &[u8], d_end: usize) -> usize {
    let mut end = d_end;
    while end + 1 < b.len() && matches!(b[end], b'.' | b',') && b[end + 1].is_ascii_digit() {
        end = digits_end(b, end + 1);
    }
    end
}

/// "$20", "€5": the currency sign is `prefix_len` bytes at `start`.
pub(super) fn scan_currency_prefix(text: &str, start: usize, prefix_len: usize) -> Option<usize> {
    let b = text.as_bytes();
    let s = start + prefix_len;
    if !b.get(s).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let end = number_end(b, digits_end(b, s));
    // "$2 triệu", "$20k"
    let glued = scan_word(text, end);
    if glued > end && matches!(&text[end..glued], "k" | "K" | "tr") {
        return Some(glued);
    }
    Some(end)
}

fn is_money_suffix(s: &str) -> bool {
    matches!(
        s,
        "đ" | "₫"
            | "đồng"
            | "k"
            | "K"
            | "tr"
            | "vnd"
            | "vnđ"
            | "VND"
            | "VNĐ"
            | "Vnd"
            | "Vnđ"
            | "usd"
            | "USD"
            | "ty"
            | "tỷ"
            | "tỉ"
            | "triệu"
    )
}

fn is_currency_word(s: &str) -> bool {
    matches!(
        s,
        "đồng"
            | "đ"
            | "VND"
            | "VNĐ"
            | "vnd"
            | "vnđ"
            | "USD"
            | "usd"
            | "đô"
            | "euro"
            | "EUR"
            | "yên"
            | "₫"
    )
}

/// "1,5 tỷ", "2 triệu đồng", "500 nghìn đồng", "300 USD": the number ends at `end`.
fn money_words(text: &str, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(end) != Some(&b' ') {
        return None;
    }
    let w1_start = end + 1;
    let w1_end = scan_word(text, w1_start);
    if w1_end == w1_start {
        // "500 ₫"
        return (char_at(text, w1_start) == Some('₫')).then_some(w1_start + '₫'.len_utf8());
    }
    let w1 = &text[w1_start..w1_end];
    if is_currency_word(w1) {
        return Some(w1_end);
    }
    let scale = matches!(w1, "tỷ" | "tỉ" | "triệu" | "nghìn" | "ngàn" | "trăm");
    if !scale {
        return None;
    }
    let currency_after = (b.get(w1_end) == Some(&b' '))
        .then(|| {
            let e = scan_word(text, w1_end + 1);
            is_currency_word(&text[w1_end + 1..e]).then_some(e)
        })
        .flatten();
    if let Some(e) = currency_after {
        return Some(e);
    }
    // "1,5 tỷ" alone is money in news text, unless people or visits are counted
    if matches!(w1, "tỷ" | "tỉ") {
        let next = if b.get(w1_end) == Some(&b' ') {
            &text[w1_end + 1..scan_word(text, w1_end + 1)]
        } else {
            ""
        };
        if !matches!(next, "người" | "lượt" | "năm" | "dân" | "USD" | "người.") {
            return Some(w1_end);
        }
    }
    None
}

fn day_month_ok(d: u32, m: u32) -> bool {
    (1..=31).contains(&d) && (1..=12).contains(&m)
}

/// Words after which "1/8" is a date rather than a fraction.
fn day_context(prev: &str) -> bool {
    !prev.is_empty()
        && matches!(
            fold(prev).as_str(),
            "ngay" | "hom" | "sang" | "chieu" | "toi" | "dem" | "trua" | "nay" | "mung" | "mong"
        )
}

fn date_context(prev: &str) -> bool {
    !prev.is_empty()
        && matches!(
            fold(prev).as_str(),
            "ngay"
                | "hom"
                | "sang"
                | "chieu"
                | "toi"
                | "dem"
                | "trua"
                | "tu"
                | "den"
                | "truoc"
                | "sau"
                | "han"
                | "mung"
                | "mong"
                | "thu"
        )
}

fn date(text: &str, start: usize, d1_end: usize, sep: u8, prev_word: &str) -> Option<usize> {
    let b = text.as_bytes();
    let p2s = d1_end + 1;
    let p2e = digits_end(b, p2s);
    if p2e == p2s {
        return None;
    }
    let (l1, l2) = (d1_end - start, p2e - p2s);
    let (v1, v2) = (value(b, start..d1_end), value(b, p2s..p2e));
    if b.get(p2e) == Some(&sep) && b.get(p2e + 1).is_some_and(u8::is_ascii_digit) {
        let p3s = p2e + 1;
        let p3e = digits_end(b, p3s);
        let (l3, v3) = (p3e - p3s, value(b, p3s..p3e));
        let dmy = l1 <= 2 && l2 <= 2 && (l3 == 2 || l3 == 4) && day_month_ok(v1, v2);
        let ymd = sep != b'.' && l1 == 4 && l2 <= 2 && l3 <= 2 && day_month_ok(v3, v2);
        return ((dmy || ymd) && clean_end(text, p3e)).then_some(p3e);
    }
    if sep == b'.' || !clean_end(text, p2e) {
        return None;
    }
    // "8/2014": month and year
    if sep == b'/' && l1 <= 2 && (1..=12).contains(&v1) && l2 == 4 && (1900..=2100).contains(&v2) {
        return Some(p2e);
    }
    // "1/8" after "ngày", "từ", "sáng", …; "6-4" only after a time-of-day word, since
    // "từ 2-3 ngày" is a range
    let context = if sep == b'/' {
        date_context(prev_word)
    } else {
        day_context(prev_word)
    };
    if l1 <= 2 && l2 <= 2 && day_month_ok(v1, v2) && context {
        return Some(p2e);
    }
    None
}

/// "07:30", "7:30:15".
fn time_colon(text: &str, start: usize, h_end: usize) -> Option<usize> {
    let b = text.as_bytes();
    if h_end - start > 2 || value(b, start..h_end) > 24 {
        return None;
    }
    let ms = h_end + 1;
    let me = digits_end(b, ms);
    if me - ms != 2 || value(b, ms..me) > 59 {
        return None;
    }
    let mut end = me;
    if b.get(me) == Some(&b':') {
        let se = digits_end(b, me + 1);
        if se - (me + 1) == 2 && value(b, me + 1..se) <= 59 {
            end = se;
        }
    }
    clean_end(text, end).then_some(end)
}

/// "7h30", "19h", "7g30".
fn time_h(text: &str, start: usize, h_end: usize) -> Option<usize> {
    let b = text.as_bytes();
    if h_end - start > 2 || value(b, start..h_end) > 24 {
        return None;
    }
    let ms = h_end + 1;
    let me = digits_end(b, ms);
    let end = match me - ms {
        0 => ms,
        2 if value(b, ms..me) <= 59 => me,
        _ => return None,
    };
    // "7h30p", "7h30'"
    let end = match b.get(end) {
        Some(b'p' | b'\'') if me > ms && !char_at(text, end + 1).is_some_and(is_word_char) => {
            end + 1
        }
        _ => end,
    };
    clean_end(text, end).then_some(end)
}
