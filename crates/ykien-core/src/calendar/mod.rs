//! The working calendar that deadlines are counted in: office hours in Hanoi, weekends, the
//! public holidays of the Labour Code (2019, art. 112) and the days the Government moves each
//! year.
//!
//! The statutory holidays are computed, lunar ones included ([`lunar`]), so that deadlines
//! are right over Tết with no set-up. What no rule can know — the bridging days and the
//! weekend days worked in exchange that the Government announces each year — comes in as
//! [`Adjustment`]s, kept by the store and entered by an administrator.

pub mod lunar;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Hanoi's offset from UTC (Asia/Ho_Chi_Minh has had no daylight saving since 1975).
pub const LOCAL_OFFSET_HOURS: i64 = 7;

/// Office hours, minutes after local midnight: 8:00–12:00 and 13:30–17:30 (the working day
/// used for iHanoi's deadlines).
const WORKING_WINDOWS: [(i64, i64); 2] = [(8 * 60, 12 * 60), (13 * 60 + 30, 17 * 60 + 30)];

/// What an announced adjustment does to a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// A day off that no rule predicts (a bridging day, an extra day of Tết).
    Off,
    /// A weekend day worked in exchange for a bridging day.
    Work,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "off" => Some(DayKind::Off),
            "work" => Some(DayKind::Work),
            _ => None,
        }
    }
}

/// One day the Government moved, as announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// A day off and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayOff {
    pub day: NaiveDate,
    pub name: String,
    /// True when the day comes from the law's rules rather than an announced adjustment.
    pub statutory: bool,
}

/// The public holidays the Labour Code gives every year, before compensation for those that
/// fall on a weekend: 1 January; Tết, the last day of the lunar year and the first four of the
/// new one (the Code gives five days and leaves the exact ones to the Prime Minister: these
/// are the customary ones); the Hùng Kings' Commemoration; 30 April; 1 May; 2 September and
/// the day next to it (1 September, or 3 September when the 2nd is a Monday, as announced in
/// 2022–2025).
pub fn statutory_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let mut out = Vec::new();
    let mut push = |d: Option<NaiveDate>, name| {
        if let Some(d) = d {
            out.push((d, name));
        }
    };
    push(ymd(1, 1), "Tết Dương lịch");
    // Tết of this year, and the eve of next year's Tết when it falls in this year.
    for tet in [lunar::tet(year), lunar::tet(year + 1)]
        .into_iter()
        .flatten()
    {
        for offset in -1..=3 {
            let d = tet + Duration::days(offset);
            if d.year() == year {
                push(Some(d), "Tết Âm lịch");
            }
        }
    }
    push(lunar::hung_kings(year), "Giỗ Tổ Hùng Vương");
    push(ymd(4, 30), "Ngày Chiến thắng");
    push(ymd(5, 1), "Ngày Quốc tế Lao động");
    push(ymd(9, 2), "Quốc khánh");
    let second_is_monday = ymd(9, 2).is_some_and(|d| d.weekday() == Weekday::Mon);
    push(
        if second_is_monday {
            ymd(9, 3)
        } else {
            ymd(9, 1)
        },
        "Quốc khánh",
    );
    out.sort();
    out.dedup_by_key(|(d, _)| *d);
    out
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working days and hours, with the statutory holidays and the announced adjustments.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    adjustments: BTreeMap<NaiveDate, Adjustment>,
}

impl WorkCalendar {
    pub fn new(adjustments: impl IntoIterator<Item = Adjustment>) -> Self {
        WorkCalendar {
            adjustments: adjustments.into_iter().map(|a| (a.day, a)).collect(),
        }
    }

    /// Every day off in `year` other than ordinary weekends, in date order: the statutory
    /// holidays, a compensating day off for each that falls on a weekend (art. 112(3): the next
    /// working day), and the announced adjustments, which win over the rules.
    pub fn days_off(&self, year: i32) -> Vec<DayOff> {
        let mut off: BTreeMap<NaiveDate, DayOff> = BTreeMap::new();
        // Holidays of the last days of the previous year can push compensation into this one.
        let mut holidays = statutory_holidays(year - 1);
        holidays.extend(statutory_holidays(year));
        for (d, name) in &holidays {
            off.insert(
                *d,
                DayOff {
                    day: *d,
                    name: (*name).to_string(),
                    statutory: true,
                },
            );
        }
        for (d, name) in &holidays {
            if is_weekend(*d) {
                let mut c = *d + Duration::days(1);
                while is_weekend(c) || off.contains_key(&c) {
                    c += Duration::days(1);
                }
                off.insert(
                    c,
                    DayOff {
                        day: c,
                        name: format!("Nghỉ bù {name}"),
                        statutory: true,
                    },
                );
            }
        }
        for a in self.adjustments.values() {
            match a.kind {
                DayKind::Off => {
                    off.insert(
                        a.day,
                        DayOff {
                            day: a.day,
                            name: a.name.clone(),
                            statutory: false,
                        },
                    );
                }
                DayKind::Work => {
                    off.remove(&a.day);
                }
            }
        }
        off.into_values()
            .filter(|d| d.day.year() == year && !is_weekend(d.day))
            .collect()
    }

    /// Whether offices work on `day` (local date).
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if let Some(a) = self.adjustments.get(&day) {
            return a.kind == DayKind::Work;
        }
        !is_weekend(day) && !self.days_off(day.year()).iter().any(|d| d.day == day)
    }

    /// The moment `work` of working time has passed since `start`, counting only office hours
    /// (8:00–12:00 and 13:30–17:30, Hanoi time) on working days: a case opened on Friday at
    /// 16:00 with 4 working hours is due on Monday at 10:30, unless that Monday is a holiday.
    pub fn due_after(&self, start: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        let offset = Duration::hours(LOCAL_OFFSET_HOURS);
        let mut t: NaiveDateTime = start.naive_utc() + offset;
        let mut left = work.max(Duration::zero());
        // Days off of the years the count passes through, computed once per year.
        let mut year_off: Option<(i32, Vec<NaiveDate>)> = None;
        loop {
            let day = t.date();
            let midnight = day.and_time(NaiveTime::MIN);
            if year_off.as_ref().is_none_or(|(y, _)| *y != day.year()) {
                let days = self.days_off(day.year()).into_iter().map(|d| d.day);
                year_off = Some((day.year(), days.collect()));
            }
            let listed_off = year_off.as_ref().is_some_and(|(_, v)| v.contains(&day));
            let working = match self.adjustments.get(&day) {
                Some(a) => a.kind == DayKind::Work,
                None => !is_weekend(day) && !listed_off,
            };
            if working {
                for (a, b) in WORKING_WINDOWS {
                    let (open, close) = (
                        midnight + Duration::minutes(a),
                        midnight + Duration::minutes(b),
                    );
                    if t >= close {
                        continue;
                    }
                    let from = t.max(open);
                    let available = close - from;
                    if left <= available {
                        return (from + left - offset).and_utc();
                    }
                    left -= available;
                    t = close;
                }
            }
            t = midnight + Duration::days(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A Hanoi wall-clock time as UTC.
    fn hn(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        (d(y, m, day).and_hms_opt(h, min, 0).unwrap() - Duration::hours(7)).and_utc()
    }

    #[test]
    fn tet_2026_days_off_with_compensation() {
        let cal = WorkCalendar::default();
        let off: Vec<NaiveDate> = cal.days_off(2026).into_iter().map(|o| o.day).collect();
        // Tết Bính Ngọ is 17 February 2026 (Tuesday): 16–20 February off.
        for day in 16..=20 {
            assert!(off.contains(&d(2026, 2, day)), "16–20 Feb: {off:?}");
        }
        // Giỗ Tổ falls on Sunday 26 April 2026: compensated on Monday 27 April.
        assert!(off.contains(&d(2026, 4, 27)));
        assert!(!cal.is_working_day(d(2026, 4, 27)));
        // 30 April and 1 May 2026 are Thursday and Friday.
        assert!(off.contains(&d(2026, 4, 30)) && off.contains(&d(2026, 5, 1)));
        assert!(cal.is_working_day(d(2026, 11, 30)));
    }

    #[test]
    fn compensation_skips_other_holidays() {
        // 2023: Giỗ Tổ on Saturday 29 April, 30 April a Sunday, 1 May a Monday: the two
        // weekend holidays are compensated on Tuesday 2 and Wednesday 3 May (offices were
        // indeed closed 29 April – 3 May 2023).
        let off: Vec<NaiveDate> = WorkCalendar::default()
            .days_off(2023)
            .into_iter()
            .map(|o| o.day)
            .collect();
        for day in 1..=3 {
            assert!(off.contains(&d(2023, 5, day)), "{day} May: {off:?}");
        }
        assert!(!off.contains(&d(2023, 5, 4)));
    }

    #[test]
    fn announced_adjustments_win() {
        // In 2025 the Government gave 2 May off in exchange for Saturday 26 April.
        let cal = WorkCalendar::new([
            Adjustment {
                day: d(2025, 5, 2),
                kind: DayKind::Off,
                name: "Nghỉ bù".into(),
            },
            Adjustment {
                day: d(2025, 4, 26),
                kind: DayKind::Work,
                name: "Làm bù".into(),
            },
        ]);
        assert!(!cal.is_working_day(d(2025, 5, 2)));
        assert!(cal.is_working_day(d(2025, 4, 26)));
        // Friday 25 April 2025 at 16:00 + 4 working hours: 1.5 h on Friday, then the Saturday
        // worked in exchange from 8:00, due at 10:30 that Saturday.
        assert_eq!(
            cal.due_after(hn(2025, 4, 25, 16, 0), Duration::hours(4)),
            hn(2025, 4, 26, 10, 30)
        );
    }

    #[test]
    fn deadlines_skip_nights_lunch_weekends_and_holidays() {
        let cal = WorkCalendar::default();
        let h4 = Duration::hours(4);
        assert_eq!(
            cal.due_after(hn(2026, 11, 27, 16, 0), h4),
            hn(2026, 11, 30, 10, 30)
        );
        assert_eq!(
            cal.due_after(hn(2026, 11, 30, 10, 0), h4),
            hn(2026, 11, 30, 15, 30)
        );
        // Friday 13 February 2026 at 16:00: Tết from Monday 16th to Friday 20th, so the
        // remaining 2.5 h run from Monday 23 February.
        assert_eq!(
            cal.due_after(hn(2026, 2, 13, 16, 0), h4),
            hn(2026, 2, 23, 10, 30)
        );
    }
}
