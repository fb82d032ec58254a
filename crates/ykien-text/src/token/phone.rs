//! Vietnamese phone numbers, shared by the tokenizer and personal-data detection.
//!
//! Since the 2018 renumbering, mobile numbers have 10 digits (03x, 05x, 07x, 08x, 09x)
//! and landlines 11 (02 + area code + subscriber). Old 11-digit mobiles (01xx) still
//! appear in old documents. "+84" replaces the leading 0. Groups may be separated by
//! one space, dot or dash: "0912 345 678", "0912.345.678", "+84 24 3825 1234", and the
//! area code may stand in brackets: "(024) 3825 1234".

/// True for a national number (leading 0, digits only) that can be a Vietnamese phone.
pub(crate) fn valid_national(d: &[u8]) -> bool {
    if d.first() != Some(&b'0') || d.len() < 2 {
        return false;
    }
    let (a, b) = (d[1], d.get(2).copied().unwrap_or(b'x'));
    match d.len() {
        10 => match a {
            b'3' => (b'2'..=b'9').contains(&b),
            b'5' => matches!(b, b'2' | b'5' | b'6' | b'8' | b'9'),
            b'7' => matches!(b, b'0' | b'6' | b'7' | b'8' | b'9'),
            b'8' => (b'1'..=b'9').contains(&b),
            b'9' => b.is_ascii_digit(),
            _ => false,
        },
        11 => match a {
            b'2' => b.is_ascii_digit(),
            b'1' => (b'2'..=b'9').contains(&b),
            _ => false,
        },
        _ => false,
    }
}

/// Scans a phone number at `start` (a '0' or "+84"); returns its end.
pub(crate) fn scan(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut digits = [0u8; 12];
    let mut n = 0;
    let mut i = start;
    if b.get(i) == Some(&b'+') {
        if b.get(i + 1..i + 3) != Some(b"84") {
            return None;
        }
        digits[0] = b'0';
        n = 1;
        i += 3;
        // "+84 912…", "+84-912…", "+84 (0) 912…" is too rare to bother
        if matches!(b.get(i), Some(b' ' | b'.' | b'-'))
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        }
        if b.get(i) == Some(&b'0') {
            return None;
        }
    } else if b.get(i) == Some(&b'(') {
        // "(024) 3825 1234": an area code in brackets
        let close = (i + 2..(i + 6).min(b.len())).find(|&j| b[j] == b')')?;
        let area = &b[i + 1..close];
        if area.len() < 3 || area[0] != b'0' || !area.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits[..area.len()].copy_from_slice(area);
        n = area.len();
        i = close + 1;
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
    } else if b.get(i) != Some(&b'0') {
        return None;
    }
    let mut best = None;
    let mut groups = 0;
    loop {
        let g = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if n == digits.len() {
                return best;
            }
            digits[n] = b[i];
            n += 1;
            i += 1;
        }
        groups += 1;
        if i == g || (groups > 1 && i - g < 2) {
            return best;
        }
        let next_is_digit = b.get(i).is_some_and(u8::is_ascii_digit);
        if !next_is_digit && valid_national(&digits[..n]) {
            // a word character glued to the end ("0912345678abc") is not a phone
            if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                best = Some(i);
            }
        }
        if groups == 6 || n >= 11 {
            return best;
        }
        match (b.get(i), b.get(i + 1)) {
            (Some(b' ' | b'.' | b'-'), Some(d)) if d.is_ascii_digit() => i += 1,
            _ => return best,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(s: &str) -> Option<&str> {
        scan(s, 0).map(|e| &s[..e])
    }

    #[test]
    fn finds_phones() {
        assert_eq!(phone("0912345678"), Some("0912345678"));
        assert_eq!(phone("0912 345 678 nhé"), Some("0912 345 678"));
        assert_eq!(phone("0912.345.678."), Some("0912.345.678"));
        assert_eq!(phone("+84 912 345 678"), Some("+84 912 345 678"));
        assert_eq!(phone("+84912345678"), Some("+84912345678"));
        assert_eq!(phone("024 3825 1234"), Some("024 3825 1234"));
        assert_eq!(phone("0203 123 4567"), Some("0203 123 4567"));
        assert_eq!(phone("0912345678 12 lần"), Some("0912345678"));
        assert_eq!(phone("(024) 3825 1234."), Some("(024) 3825 1234"));
        assert_eq!(phone("(0203)1234567"), Some("(0203)1234567"));
        assert_eq!(phone("(2014)"), None);
        assert_eq!(phone("0112345678"), None);
        assert_eq!(phone("01-08-2014"), None);
        assert_eq!(phone("0,5"), None);
        assert_eq!(phone("091234567"), None);
        assert_eq!(phone("001234567890"), None);
    }
}
