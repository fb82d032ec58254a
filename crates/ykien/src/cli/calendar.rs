//! `ykien calendar`: the working calendar deadlines are counted in. Statutory holidays are
//! computed; the days the Government moves each year are entered here.

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use ykien_core::calendar::{Adjustment, DayKind};

use super::config::GlobalOpts;
use super::{logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// List the days off of a year (holidays, compensating days, announced changes)
    List {
        /// The year [default: this year]
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Record a day the Government moved: a day off, or a weekend day worked in exchange
    Set {
        /// The day, as YYYY-MM-DD
        day: NaiveDate,
        /// "off" for an extra day off, "work" for a weekend day worked
        #[arg(long, value_parser = ["off", "work"])]
        kind: String,
        /// What it is, e.g. "Nghỉ bù Quốc khánh (Thông báo …)"
        #[arg(long)]
        name: String,
    },
    /// Forget a recorded change, so that the rules decide the day again
    Remove {
        /// The day, as YYYY-MM-DD
        day: NaiveDate,
    },
}

pub async fn run(g: &GlobalOpts, cmd: CalendarCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    match cmd {
        CalendarCmd::List { year, json } => {
            let year = year.unwrap_or_else(|| chrono::Utc::now().year());
            let cal = store.work_calendar().await?;
            let off = cal.days_off(year);
            let worked: Vec<Adjustment> = store
                .calendar_adjustments()
                .await?
                .into_iter()
                .filter(|a| a.kind == DayKind::Work && a.day.year() == year)
                .collect();
            if json {
                let v = serde_json::json!({ "year": year, "days_off": off, "days_worked": worked });
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for d in &off {
                    let how = if d.statutory { "" } else { "  (announced)" };
                    outln!("{}  {:<3} off   {}{how}", d.day, weekday(d.day), d.name);
                }
                for a in &worked {
                    outln!("{}  {:<3} work  {}", a.day, weekday(a.day), a.name);
                }
            }
        }
        CalendarCmd::Set { day, kind, name } => {
            let kind = DayKind::parse(&kind).expect("clap checked the kind");
            store
                .set_calendar_day(None, &Adjustment { day, kind, name })
                .await?;
            outln!("{day}: {}", kind.as_str());
        }
        CalendarCmd::Remove { day } => {
            store.remove_calendar_day(None, day).await?;
            outln!("{day}: removed");
        }
    }
    store.close().await;
    Ok(())
}

/// Vietnamese weekday abbreviations (T2 = Monday … CN = Sunday).
fn weekday(d: NaiveDate) -> &'static str {
    ["T2", "T3", "T4", "T5", "T6", "T7", "CN"][d.weekday().num_days_from_monday() as usize]
}
