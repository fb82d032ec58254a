//! Numbers and dates as a Vietnamese (1.234,5; dd/mm) or English (1,234.5; 3 Nov) reader
//! expects them. Kept here, not in the web layer, so a chart and its table never disagree.

use crate::Lang;
use chrono::{Datelike, NaiveDate};

fn seps(lang: Lang) -> (char, char) {
    match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    }
}

fn group(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A count with thousands separators: `1.234.567` (vi), `1,234,567` (en).
pub fn int(n: u128, lang: Lang) -> String {
    group(&n.to_string(), seps(lang).0)
}

/// A change against the previous period: `+1.234`, `−56` (a true minus sign), `±0`.
pub fn signed(d: i128, lang: Lang) -> String {
    match d {
        0 => "±0".to_string(),
        d if d > 0 => format!("+{}", int(d.unsigned_abs(), lang)),
        d => format!("\u{2212}{}", int(d.unsigned_abs(), lang)),
    }
}

/// A decimal with `places` digits: `12,5` (vi), `12.5` (en); `—` when not finite.
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.*}", places, x.abs());
    let (ip, fp) = s.split_once('.').unwrap_or((&s, ""));
    let (t, d) = seps(lang);
    let mut out = String::new();
    if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('\u{2212}');
    }
    out.push_str(&group(ip, t));
    if !fp.is_empty() {
        out.push(d);
        out.push_str(fp);
    }
    out
}

/// A percentage given in percent (45.3 → `45,3%`).
pub fn percent(p: f64, places: usize, lang: Lang) -> String {
    format!("{}%", decimal(p, places, lang))
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A short axis date: `03/11` (vi), `3 Nov` (en).
pub fn day_month(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{:02}/{:02}", d.day(), d.month()),
        Lang::En => format!("{} {}", d.day(), MONTHS_EN[d.month0() as usize]),
    }
}

/// A full date: `03/11/2026` (vi), `3 Nov 2026` (en).
pub fn date(d: NaiveDate, lang: Lang) -> String {
    format!(
        "{}{}{}",
        day_month(d, lang),
        if lang == Lang::Vi { "/" } else { " " },
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_numbers() {
        assert_eq!(int(0, Lang::Vi), "0");
        assert_eq!(int(999, Lang::Vi), "999");
        assert_eq!(int(1234, Lang::Vi), "1.234");
        assert_eq!(int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(signed(-1234, Lang::Vi), "\u{2212}1.234");
        assert_eq!(signed(5, Lang::En), "+5");
        assert_eq!(signed(0, Lang::En), "±0");
        assert_eq!(decimal(1234.5, 1, Lang::Vi), "1.234,5");
        assert_eq!(decimal(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(decimal(-0.04, 1, Lang::En), "0.0");
        assert_eq!(decimal(-2.5, 1, Lang::Vi), "\u{2212}2,5");
        assert_eq!(percent(45.26, 1, Lang::Vi), "45,3%");
        assert_eq!(decimal(f64::NAN, 1, Lang::Vi), "—");
        let d = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(day_month(d, Lang::Vi), "03/11");
        assert_eq!(date(d, Lang::Vi), "03/11/2026");
        assert_eq!(date(d, Lang::En), "3 Nov 2026");
    }
}
