//! Report periods: what a report covers, read from the short forms officers type and the
//! CLI takes ("2026-11", "2026-W48", "2026-Q4", "2026-11-01..2026-11-15"), and named the way
//! the report prints them ("tháng 11 năm 2026", "quý IV năm 2026").
//!
//! Days are Hà Nội days (UTC+7, no daylight saving), so `from`/`to` are the UTC instants of
//! local midnights and a period is `[from, to)`: exactly what `Store::dashboard` is asked
//! for, so that a report and the dashboard of the same period count the same items.
//! A custom range includes both days it names. A period is at most
//! [`ykien_store::MAX_DASHBOARD_DAYS`] days: the longest the dashboard compares.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use ykien_store::ReportKind;

use crate::ReportError;
use crate::draft::words::{Lang, words};

/// Hà Nội's offset from UTC, in seconds.
pub const HANOI_OFFSET_SECS: i32 = 7 * 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: ReportKind,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The UTC instant of Hà Nội's midnight starting `d`.
pub fn local_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
        - Duration::seconds(i64::from(HANOI_OFFSET_SECS))
}

/// The Hà Nội day an instant falls on.
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::seconds(i64::from(HANOI_OFFSET_SECS))).date_naive()
}

fn bad(s: &str, why: &str) -> ReportError {
    ReportError::Period(format!(
        "cannot read the period {s:?}: {why} (expected 2026-11, 2026-W48, 2026-Q4 or \
         2026-11-01..2026-11-15)"
    ))
}

fn roman(q: u32) -> &'static str {
    match q {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

impl Period {
    /// Reads "2026-11" (a month), "2026-W48" (an ISO week, Monday to Sunday), "2026-Q4" (a
    /// quarter), "2026-11-01..2026-11-15" (a custom range, both days included) or a single
    /// day "2026-11-01" (a custom range of one day). Case and surrounding spaces do not
    /// matter.
    pub fn parse(s: &str) -> Result<Period, ReportError> {
        let t = s.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err(bad(s, "it is empty"));
        }
        if let Some((a, b)) = t.split_once("..") {
            let day = |x: &str| {
                NaiveDate::parse_from_str(x.trim(), "%Y-%m-%d")
                    .map_err(|_| bad(s, &format!("{:?} is not a day YYYY-MM-DD", x.trim())))
            };
            let (first, last) = (day(a)?, day(b)?);
            return Period::days(first, last).map_err(|e| match e {
                ReportError::Period(m) => bad(s, &m),
                e => e,
            });
        }
        let (year, rest) = t
            .split_once('-')
            .ok_or_else(|| bad(s, "no year before a '-'"))?;
        let year: i32 = year
            .parse()
            .ok()
            .filter(|y| (1900..=9999).contains(y))
            .ok_or_else(|| bad(s, "the year is not a number from 1900 to 9999"))?;
        if let Some(w) = rest.strip_prefix('W') {
            let week: u32 = w.parse().map_err(|_| bad(s, "the week is not a number"))?;
            let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
                .ok_or_else(|| bad(s, &format!("{year} has no ISO week {week}")))?;
            return Ok(Period::span(
                ReportKind::Week,
                monday,
                monday + Duration::days(7),
            ));
        }
        if let Some(q) = rest.strip_prefix('Q') {
            let q: u32 = q
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(|| bad(s, "the quarter is not 1, 2, 3 or 4"))?;
            let first = NaiveDate::from_ymd_opt(year, 3 * q - 2, 1).expect("a quarter's start");
            return Ok(Period::span(
                ReportKind::Quarter,
                first,
                add_months(first, 3),
            ));
        }
        if rest.len() > 2 {
            // A single day: "2026-11-01".
            let d = NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .map_err(|_| bad(s, "not a month, week, quarter or day"))?;
            return Period::days(d, d);
        }
        let month: u32 = rest
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| bad(s, "the month is not a number from 1 to 12"))?;
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a month's start");
        Ok(Period::span(ReportKind::Month, first, add_months(first, 1)))
    }

    /// The month of `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        let first = day.with_day(1).unwrap_or(day);
        Period::span(ReportKind::Month, first, add_months(first, 1))
    }

    /// A custom period from `first` to `last`, both included.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Result<Period, ReportError> {
        if last < first {
            return Err(ReportError::Period(format!(
                "the range ends ({last}) before it starts ({first})"
            )));
        }
        let n = (last - first).num_days() + 1;
        if n > ykien_store::MAX_DASHBOARD_DAYS {
            return Err(ReportError::Period(format!(
                "a period is at most {} days, this one has {n}",
                ykien_store::MAX_DASHBOARD_DAYS
            )));
        }
        Ok(Period::span(
            ReportKind::Custom,
            first,
            last + Duration::days(1),
        ))
    }

    fn span(kind: ReportKind, first: NaiveDate, end: NaiveDate) -> Period {
        Period {
            kind,
            from: local_midnight(first),
            to: local_midnight(end),
        }
    }

    /// The first Hà Nội day of the period.
    pub fn first_day(&self) -> NaiveDate {
        local_day(self.from)
    }

    /// The last Hà Nội day of the period (included).
    pub fn last_day(&self) -> NaiveDate {
        local_day(self.to - Duration::seconds(1))
    }

    /// How many days the period has.
    pub fn day_count(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// The short form [`Period::parse`] reads back: "2026-11", "2026-W48", "2026-Q4",
    /// "2026-11-01..2026-11-15" (a flash report's span is written as a range too).
    pub fn code(&self) -> String {
        let f = self.first_day();
        match self.kind {
            ReportKind::Month => format!("{:04}-{:02}", f.year(), f.month()),
            ReportKind::Week => {
                let w = f.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            ReportKind::Quarter => format!("{:04}-Q{}", f.year(), f.month().div_ceil(3)),
            ReportKind::Custom | ReportKind::Flash => {
                format!(
                    "{}..{}",
                    f.format("%Y-%m-%d"),
                    self.last_day().format("%Y-%m-%d")
                )
            }
        }
    }

    /// The period before this one: the previous month, week or quarter; for a custom range
    /// (or a flash report's span), the range of the same length just before it.
    ///
    /// Not the dashboard's comparison period, which always has the same length (30 days
    /// before a 30-day November is 2–31 October): the report's figures compare with the
    /// dashboard's, and say which days those are.
    pub fn previous(&self) -> Period {
        let f = self.first_day();
        match self.kind {
            ReportKind::Month => Period::span(ReportKind::Month, add_months(f, -1), f),
            ReportKind::Quarter => Period::span(ReportKind::Quarter, add_months(f, -3), f),
            ReportKind::Week | ReportKind::Custom | ReportKind::Flash => {
                let len = self.to - self.from;
                Period {
                    kind: self.kind,
                    from: self.from - len,
                    to: self.from,
                }
            }
        }
    }

    /// The period as the report prints it: "tháng 11 năm 2026", "quý IV năm 2026",
    /// "tuần 48 (23/11–29/11/2026)", "từ ngày 01/11 đến ngày 15/11/2026"; in English
    /// "November 2026", "Q4 2026", "week 48 (23/11–29/11/2026)",
    /// "from 01/11 to 15/11/2026".
    pub fn label(&self, lang: Lang) -> String {
        let w = words(lang);
        let f = self.first_day();
        let l = self.last_day();
        match self.kind {
            ReportKind::Month => w
                .period_month
                .replace("{month}", &f.month().to_string())
                .replace("{month_name}", w.month_names[f.month0() as usize])
                .replace("{year}", &f.year().to_string()),
            ReportKind::Quarter => w
                .period_quarter
                .replace("{q}", roman(f.month().div_ceil(3)))
                .replace("{n}", &f.month().div_ceil(3).to_string())
                .replace("{year}", &f.year().to_string()),
            ReportKind::Week => w
                .period_week
                .replace("{week}", &f.iso_week().week().to_string())
                .replace("{range}", &short_range(f, l)),
            ReportKind::Custom | ReportKind::Flash => {
                let (a, b) = if f.year() == l.year() {
                    (
                        f.format("%d/%m").to_string(),
                        l.format("%d/%m/%Y").to_string(),
                    )
                } else {
                    (
                        f.format("%d/%m/%Y").to_string(),
                        l.format("%d/%m/%Y").to_string(),
                    )
                };
                if f == l {
                    w.period_day.replace("{day}", &b)
                } else {
                    w.period_range.replace("{from}", &a).replace("{to}", &b)
                }
            }
        }
    }
}

/// "23/11–29/11/2026", or "28/12/2026–03/01/2027" across a new year.
fn short_range(f: NaiveDate, l: NaiveDate) -> String {
    if f.year() == l.year() {
        format!("{}–{}", f.format("%d/%m"), l.format("%d/%m/%Y"))
    } else {
        format!("{}–{}", f.format("%d/%m/%Y"), l.format("%d/%m/%Y"))
    }
}

/// The first day of the month `n` months after the month of `first` (a first of a month).
fn add_months(first: NaiveDate, n: i32) -> NaiveDate {
    let m0 = first.year() * 12 + first.month0() as i32 + n;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)
        .expect("a month's first day")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_is_hanoi_midnight_to_hanoi_midnight() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.kind, ReportKind::Month);
        assert_eq!(p.from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(p.to.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        assert_eq!(p.day_count(), 30);
        assert_eq!(p.first_day(), d(2026, 11, 1));
        assert_eq!(p.last_day(), d(2026, 11, 30));
        assert_eq!(p.label(Lang::Vi), "tháng 11 năm 2026");
        assert_eq!(p.label(Lang::En), "November 2026");
        let dec = Period::parse(" 2026-12 ").unwrap();
        assert_eq!(dec.to, local_midnight(d(2027, 1, 1)));
    }

    #[test]
    fn weeks_quarters_and_ranges() {
        let w = Period::parse("2026-w48").unwrap();
        assert_eq!(w.kind, ReportKind::Week);
        assert_eq!(w.first_day(), d(2026, 11, 23));
        assert_eq!(w.last_day(), d(2026, 11, 29));
        assert_eq!(w.label(Lang::Vi), "tuần 48 (23/11–29/11/2026)");
        // ISO week 1 of 2027 starts on Monday 4 January 2027; week 53 of 2026 exists.
        assert_eq!(
            Period::parse("2026-W53").unwrap().first_day(),
            d(2026, 12, 28)
        );
        assert_eq!(
            Period::parse("2026-W53").unwrap().label(Lang::Vi),
            "tuần 53 (28/12/2026–03/01/2027)"
        );

        let q = Period::parse("2026-Q4").unwrap();
        assert_eq!(
            (q.first_day(), q.last_day()),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(q.label(Lang::Vi), "quý IV năm 2026");
        assert_eq!(q.label(Lang::En), "Q4 2026");
        assert_eq!(q.day_count(), 92);

        let c = Period::parse("2026-11-01..2026-11-15").unwrap();
        assert_eq!(c.kind, ReportKind::Custom);
        assert_eq!(c.day_count(), 15);
        assert_eq!(c.label(Lang::Vi), "từ ngày 01/11 đến ngày 15/11/2026");
        assert_eq!(c.label(Lang::En), "from 01/11 to 15/11/2026");
        let one = Period::parse("2026-11-05").unwrap();
        assert_eq!(one.day_count(), 1);
        assert_eq!(one.label(Lang::Vi), "ngày 05/11/2026");
    }

    #[test]
    fn bad_periods_say_why() {
        for s in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "2026-W60",
            "2026-W0",
            "2026-Q5",
            "2026-Q0",
            "abcd-11",
            "2026-11-31",
            "2026-11-15..2026-11-01",
            "2026-01-01..2027-06-01",
            "2026-11-01..",
            "1800-01",
        ] {
            match Period::parse(s) {
                Err(ReportError::Period(m)) => assert!(m.contains("period"), "{s}: {m}"),
                other => panic!("{s:?} parsed as {other:?}"),
            }
        }
        let Err(ReportError::Period(m)) = Period::parse("2026-11-15..2026-11-01") else {
            panic!()
        };
        assert!(m.contains("before it starts"), "{m}");
    }

    #[test]
    fn the_previous_period() {
        let p = Period::parse("2026-01").unwrap().previous();
        assert_eq!(p.code(), "2025-12");
        assert_eq!(
            Period::parse("2026-Q1").unwrap().previous().code(),
            "2025-Q4"
        );
        assert_eq!(
            Period::parse("2026-W01").unwrap().previous().code(),
            "2025-W52"
        );
        let c = Period::parse("2026-11-01..2026-11-15").unwrap().previous();
        assert_eq!(c.code(), "2026-10-17..2026-10-31");
    }

    proptest! {
        #[test]
        fn codes_round_trip_and_periods_tile(y in 1990i32..2100, m in 1u32..=12, w in 1u32..=52,
                                             q in 1u32..=4, a in 0i64..700, len in 0i64..366) {
            let base = d(y, 1, 1);
            for s in [
                format!("{y:04}-{m:02}"),
                format!("{y:04}-W{w:02}"),
                format!("{y:04}-Q{q}"),
                format!("{}..{}", base + Duration::days(a), base + Duration::days(a + len)),
            ] {
                let p = Period::parse(&s).unwrap();
                prop_assert_eq!(p.code(), s.clone());
                prop_assert_eq!(Period::parse(&p.code()).unwrap(), p.clone());
                // Whole Hà Nội days, at most a year and a day.
                prop_assert_eq!(p.to - p.from, Duration::days(p.day_count()));
                prop_assert!(p.day_count() >= 1 && p.day_count() <= 366);
                prop_assert_eq!(local_midnight(p.first_day()), p.from);
                // The previous period ends where this one starts.
                let prev = p.previous();
                prop_assert_eq!(prev.to, p.from);
                prop_assert_eq!(prev.kind, p.kind);
                prop_assert!(!p.label(Lang::Vi).is_empty());
            }
        }
    }
}
