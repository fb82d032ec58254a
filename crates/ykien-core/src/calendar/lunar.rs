//! The Vietnamese lunisolar calendar, enough to place the two lunar public holidays (Tết and
//! the Hùng Kings' Commemoration) on the solar calendar for any year.
//!
//! This is the well-known astronomical method published by Hồ Ngọc Đức: new moons and the
//! sun's longitude after Jean Meeus' *Astronomical Algorithms*, reckoned at UTC+7, which is how
//! Vietnam's calendar differs from China's (UTC+8) in some years. Written here rather than taken
//! from a crate because no maintained Rust crate computes the Vietnamese (not Chinese) calendar.

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// Vietnam's time zone, in hours east of UTC: the calendar is reckoned at Hanoi's meridian.
const TZ: f64 = 7.0;

/// Julian day number of 0001-01-01 minus one, so that `jd = days_from_ce + JD_CE`.
const JD_CE: i64 = 1_721_425;

fn jd(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JD_CE
}

fn date(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - JD_CE).ok()?)
}

/// Julian date (UT) of the `k`-th new moon after 1900-01-01.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin()
        - 0.4068 * (mpr * dr).sin()
        + 0.0161 * (dr * 2.0 * mpr).sin()
        - 0.0004 * (dr * 3.0 * mpr).sin()
        + 0.0104 * (dr * 2.0 * f).sin()
        - 0.0051 * (dr * (m + mpr)).sin()
        - 0.0074 * (dr * (m - mpr)).sin()
        + 0.0004 * (dr * (2.0 * f + m)).sin()
        - 0.0004 * (dr * (2.0 * f - m)).sin()
        - 0.0006 * (dr * (2.0 * f + mpr)).sin()
        + 0.0010 * (dr * (2.0 * f - mpr)).sin()
        + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - delta_t
}

/// The local day (Julian day number) on which the `k`-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TZ / 24.0).floor() as i64
}

/// The sun's apparent longitude in radians, normalized to [0, 2π), at Julian date `jdn`.
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin()
        + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin()
        + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which of the twelve 30° sectors of the ecliptic the sun is in at the start of a local day.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - TZ / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of the 11th lunar month of `year` (the month holding the winter solstice).
fn month_11(year: i32) -> Option<i64> {
    let off = jd(NaiveDate::from_ymd_opt(year, 12, 31)?) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    Some(if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    })
}

/// In a 13-month year starting at the 11th month beginning on `a11`, the offset of the leap
/// month: the first month in which the sun enters no new sector.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The solar date of a day of the lunar calendar (not a leap month), or `None` when out of
/// chrono's range.
pub fn lunar_to_solar(day: u32, month: u32, year: i32) -> Option<NaiveDate> {
    let (a11, b11) = if month < 11 {
        (month_11(year - 1)?, month_11(year)?)
    } else {
        (month_11(year)?, month_11(year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    date(new_moon_day(k + off) + i64::from(day) - 1)
}

/// The first day of the lunar new year (Tết Nguyên Đán) that falls in solar `year`.
pub fn tet(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(1, 1, year)
}

/// The Hùng Kings' Commemoration (Giỗ Tổ Hùng Vương), the 10th day of the 3rd lunar month.
pub fn hung_kings(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(10, 3, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn lunar_new_years_match_published_calendars() {
        // As printed on Vietnamese calendars; 1985 and 2007 are years where Vietnam's Tết falls a
        // day (1985: a month) apart from China's because of the UTC+7 meridian.
        for (y, m, day) in [
            (1985, 1, 21),
            (2007, 2, 17),
            (2020, 1, 25),
            (2023, 1, 22),
            (2024, 2, 10),
            (2025, 1, 29),
            (2026, 2, 17),
            (2027, 2, 6),
        ] {
            assert_eq!(tet(y), Some(d(y, m, day)), "Tết {y}");
        }
    }

    #[test]
    fn hung_kings_day_matches_published_calendars() {
        // 2023 has a leap 2nd month, so the 3rd month comes a month later than usual.
        for (y, m, day) in [(2023, 4, 29), (2024, 4, 18), (2025, 4, 7)] {
            assert_eq!(hung_kings(y), Some(d(y, m, day)), "Giỗ Tổ {y}");
        }
    }
}
