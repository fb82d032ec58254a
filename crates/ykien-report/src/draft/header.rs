//! The parts of the document the decree fixes: the two-column header, the number, the place
//! and date, the recipients and the signature.
//!
//! Issuing body (Decree 30/2020/NĐ-CP, Phụ lục I; Hướng dẫn 91/HD-MTTW-BTT): the body that
//! manages the issuer on the first line (regular), the issuer under it (bold). The Front's
//! reports are issued by the standing board (Ban Thường trực) of a committee, hence:
//! - the city: "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI" over "BAN THƯỜNG TRỰC";
//! - a ward or commune: the city's committee over the ward's ("ỦY BAN MTTQ VIỆT NAM
//!   PHƯỜNG BA ĐÌNH"), its standing board signing ("TM. BAN THƯỜNG TRỰC");
//!
//! with the symbol "BC-MTTQ-BTT" (báo cáo of the Front's standing board), as the Front's own
//! documents are numbered (e.g. "91/HD-MTTW-BTT").
use chrono::{Datelike, NaiveDate};
use ykien_docs::{Header, Recipients, Signature};
use ykien_store::UnitRow;

use super::words::{Lang, Words, words};

/// Where the issuing unit sits: itself and the unit above it (None for the city).
pub struct Issuer {
    pub unit: UnitRow,
    pub parent: Option<UnitRow>,
}

/// "Hà Nội, ngày 05 tháng 12 năm 2026": a day below 10 and the months 1 and 2 take a leading
/// zero (Decree 30/2020/NĐ-CP, Phụ lục I, mục I.5), other months do not ("tháng 3").
pub fn place_date(day: NaiveDate, lang: Lang) -> String {
    let w = words(lang);
    let (d, m) = match lang {
        Lang::Vi => (
            format!("{:02}", day.day()),
            if day.month() <= 2 {
                format!("{:02}", day.month())
            } else {
                day.month().to_string()
            },
        ),
        Lang::En => (day.day().to_string(), day.month().to_string()),
    };
    w.place_date
        .replace("{d}", &d)
        .replace("{m}", &m)
        .replace("{month_name}", w.month_names[day.month0() as usize])
        .replace("{y}", &day.year().to_string())
}

/// "Số:      /BC-MTTQ-BTT": the number left blank for the register.
pub fn blank_number(lang: Lang) -> String {
    let w = words(lang);
    w.number.replace("{number}", &format!("     /{}", w.symbol))
}

fn committee(w: &Words, name: &str) -> String {
    w.committee.replace("{NAME}", &name.to_uppercase())
}

pub fn header(issuer: &Issuer, today: NaiveDate, lang: Lang) -> Header {
    let w = words(lang);
    let (superior_body, issuing_body) = match &issuer.parent {
        None => (
            committee(w, &issuer.unit.name),
            w.standing_board.to_string(),
        ),
        Some(p) => (committee(w, &p.name), committee(w, &issuer.unit.name)),
    };
    Header {
        superior_body,
        issuing_body,
        national_title: w.national_title.to_string(),
        motto: w.motto.to_string(),
        number: blank_number(lang),
        place_date: place_date(today, lang),
        draft_mark: w.draft_mark.to_string(),
    }
}

pub fn recipients(issuer: &Issuer, lang: Lang) -> Recipients {
    let w = words(lang);
    let mut entries: Vec<String> = match &issuer.parent {
        None => w.recipients_city.iter().map(|s| s.to_string()).collect(),
        Some(p) => w
            .recipients_lower
            .iter()
            .map(|s| {
                s.replace("{parent}", &p.name)
                    .replace("{unit}", &issuer.unit.name)
            })
            .collect(),
    };
    entries.push(w.archive.to_string());
    Recipients {
        label: w.recipients_label.to_string(),
        entries,
    }
}

pub fn signature(signer: &str, lang: Lang) -> Signature {
    let w = words(lang);
    Signature {
        authority: w.sign_authority.to_string(),
        title: w.sign_title.to_string(),
        name: signer.trim().to_string(),
    }
}

/// The language a header was written in (a finished document carries no other trace).
pub fn lang_of(h: &Header) -> Lang {
    if h.number
        .starts_with(words(Lang::En).number.split('{').next().unwrap_or("No."))
    {
        Lang::En
    } else {
        Lang::Vi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_take_leading_zeros_as_the_decree_says() {
        assert_eq!(
            place_date(d(2026, 12, 5), Lang::Vi),
            "Hà Nội, ngày 05 tháng 12 năm 2026"
        );
        assert_eq!(
            place_date(d(2026, 1, 5), Lang::Vi),
            "Hà Nội, ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            place_date(d(2026, 2, 15), Lang::Vi),
            "Hà Nội, ngày 15 tháng 02 năm 2026"
        );
        assert_eq!(
            place_date(d(2026, 3, 15), Lang::Vi),
            "Hà Nội, ngày 15 tháng 3 năm 2026"
        );
        assert_eq!(
            place_date(d(2026, 12, 5), Lang::En),
            "Hà Nội, 5 December 2026"
        );
        assert_eq!(blank_number(Lang::Vi), "Số:      /BC-MTTQ-BTT");
    }
}
