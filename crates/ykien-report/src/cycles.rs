//! The monthly reporting cycle of the collaborators' network: when the month's report is due,
//! who is reminded and when, and the reminder run that books each reminder once (in the app)
//! and sends it by e-mail through ykien-alerts' SMTP client.
//!
//! Rules (the coordinator may revisit them):
//! - The report of a month is due on [`CycleSettings::due_day`] of that month (the 25th by
//!   default, the month's last day when it is shorter), moved back to the previous working
//!   day of ykien_core's calendar (weekends, holidays, Tết and announced changes): the
//!   monthly briefing needs the reports before the month ends, never after a day off.
//! - A collaborator who has not reported (no item, no "nothing notable") is reminded
//!   [`CycleSettings::remind_before`] working days before the due date ("before"), and on
//!   the day after the due date ("after") if still silent. A missed run catches up: "before"
//!   applies from its day up to the due date, "after" from the day after the due date to the
//!   end of the month; the store books each (user, month, stage, channel) once, so a run
//!   repeated every hour, or by several `ykien serve` processes, reminds nobody twice.
//! - An officer's "remind now" ([`remind_now`]) books a "manual-YYYY-MM-DD" reminder: at most
//!   one a day per collaborator.
//! - Every reminder is shown in the app (the collaborator's banner says when they were
//!   reminded) and, when the account has an e-mail address, e-mailed by the delivery step
//!   ([`deliver_email`]), which only `ykien serve` runs since only it has the `[alerts.smtp]`
//!   relay. The web's "remind now" therefore books; the e-mail leaves with the next delivery
//!   round (every [`CycleSettings::every_secs`]).
//!
//! Why here and why depend on ykien-alerts: the cycle is reporting's business and the rules
//! above are what this module is about; the SMTP client is ykien-alerts' and is reused as it
//! is (`ykien_alerts::smtp::send_mail`), not copied. The web, which already depends on this
//! crate, needs no SMTP configuration of its own.

use std::sync::OnceLock;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use ykien_alerts::smtp::{Mail, SmtpConfig, send_mail};
use ykien_core::Actor;
use ykien_core::calendar::WorkCalendar;
use ykien_store::{APP_CHANNEL, CyclePeriod, EMAIL_CHANNEL, Store};

use crate::ReportError;

/// The default day of the month the report is due.
pub const DEFAULT_DUE_DAY: u32 = 25;
/// The default number of working days before the due date the first reminder goes.
pub const DEFAULT_REMIND_BEFORE: u32 = 3;

/// How the cycle runs: the `[cycles]` section of the configuration file, then the
/// `YKIEN_CYCLE*` environment variables on top ([`CycleSettings::with_env`]); the binary
/// resolves both, so this crate never reads the environment by itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CycleSettings {
    /// Run the reminder loop in `ykien serve`.
    pub enabled: bool,
    /// Day of the month the report is due (1..=31; a shorter month uses its last day).
    pub due_day: u32,
    /// Working days before the due date for the first reminder (0: none).
    pub remind_before: u32,
    /// Remind again on the day after the due date.
    pub remind_after: bool,
    /// Seconds between rounds of the loop (booking is idempotent, so often is harmless).
    pub every_secs: u64,
    /// For the link in e-mails ("https://ykien.example.vn"); `[alerts] public_url` when unset.
    pub public_url: Option<String>,
}

impl Default for CycleSettings {
    fn default() -> Self {
        CycleSettings {
            enabled: true,
            due_day: DEFAULT_DUE_DAY,
            remind_before: DEFAULT_REMIND_BEFORE,
            remind_after: true,
            every_secs: 3600,
            public_url: None,
        }
    }
}

impl CycleSettings {
    /// Checks the ranges a file may get wrong (the environment's bad values are ignored
    /// instead, see [`CycleSettings::with_env`]).
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=31).contains(&self.due_day) {
            return Err(format!(
                "[cycles] due_day = {}: use a day of the month, 1 to 31",
                self.due_day
            ));
        }
        if self.remind_before > 20 {
            return Err(format!(
                "[cycles] remind_before = {}: at most 20 working days",
                self.remind_before
            ));
        }
        if !(10..=86_400).contains(&self.every_secs) {
            return Err(format!(
                "[cycles] every_secs = {}: between 10 and 86400 seconds",
                self.every_secs
            ));
        }
        Ok(())
    }

    /// These settings with `YKIEN_CYCLES` ("off" disables the loop), `YKIEN_CYCLE_DUE_DAY`,
    /// `YKIEN_CYCLE_REMIND_BEFORE`, `YKIEN_CYCLE_REMIND_AFTER` ("off"),
    /// `YKIEN_CYCLE_EVERY_SECS` laid on top, as `var` gives them; a missing or unreadable
    /// value keeps the file's (or the default).
    pub fn with_env(self, var: impl Fn(&str) -> Option<String>) -> CycleSettings {
        let var = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let flag = |k: &str, d: bool| match var(k).as_deref().map(str::trim) {
            Some("off" | "0" | "false" | "no") => false,
            Some("on" | "1" | "true" | "yes") => true,
            _ => d,
        };
        CycleSettings {
            enabled: flag("YKIEN_CYCLES", self.enabled),
            due_day: var("YKIEN_CYCLE_DUE_DAY")
                .and_then(|v| v.trim().parse().ok())
                .filter(|n| (1..=31).contains(n))
                .unwrap_or(self.due_day),
            remind_before: var("YKIEN_CYCLE_REMIND_BEFORE")
                .and_then(|v| v.trim().parse().ok())
                .filter(|n| *n <= 20)
                .unwrap_or(self.remind_before),
            remind_after: flag("YKIEN_CYCLE_REMIND_AFTER", self.remind_after),
            every_secs: var("YKIEN_CYCLE_EVERY_SECS")
                .and_then(|v| v.trim().parse().ok())
                .map(|n: u64| n.clamp(10, 86_400))
                .unwrap_or(self.every_secs),
            public_url: self.public_url,
        }
    }
}

/// The due day the process was configured with (set once by `ykien serve` through
/// [`spawn`]), so that the web's banners show the same due date the reminders use.
static DUE_DAY: OnceLock<u32> = OnceLock::new();

/// The configured due day ([`DEFAULT_DUE_DAY`] until `ykien serve` sets another).
pub fn configured_due_day() -> u32 {
    DUE_DAY.get().copied().unwrap_or(DEFAULT_DUE_DAY)
}

/// The Hà Nội day an instant falls on.
fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(ykien_core::calendar::LOCAL_OFFSET_HOURS)).date_naive()
}

/// The last day of a period's month.
fn last_day(period: &CyclePeriod) -> NaiveDate {
    local_day(period.to) - Duration::days(1)
}

/// The due date of a month's report: `due_day` (or the month's last day), moved back to the
/// previous working day; when the month has no working day up to then (a due day of 1 or 2
/// in a month starting with holidays), moved forward to the next one instead.
pub fn due_date(calendar: &WorkCalendar, period: &CyclePeriod, due_day: u32) -> NaiveDate {
    let last = last_day(period);
    let day = due_day.clamp(1, last.day());
    let nominal = NaiveDate::from_ymd_opt(period.year, period.month, day).unwrap_or(last);
    let mut d = nominal;
    while !calendar.is_working_day(d) {
        let prev = d - Duration::days(1);
        if prev.month() != period.month {
            let mut f = nominal;
            while !calendar.is_working_day(f) && f < last {
                f += Duration::days(1);
            }
            return f;
        }
        d = prev;
    }
    d
}

/// The working day `n` working days before `day` (`day` itself for 0).
pub fn working_days_before(calendar: &WorkCalendar, day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d -= Duration::days(1);
        if calendar.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// A reminder's stage, as booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Ahead of the due date.
    Before,
    /// The day after the due date and later in the month.
    After,
    /// An officer's "remind now", on that Hà Nội day.
    Manual(NaiveDate),
}

impl Stage {
    pub fn key(&self) -> String {
        match self {
            Stage::Before => "before".into(),
            Stage::After => "after".into(),
            Stage::Manual(d) => format!("manual-{}", d.format("%Y-%m-%d")),
        }
    }

    /// Reads a stored key back.
    pub fn parse(key: &str) -> Option<Stage> {
        match key {
            "before" => Some(Stage::Before),
            "after" => Some(Stage::After),
            k => k
                .strip_prefix("manual-")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(Stage::Manual),
        }
    }
}

/// Which reminder is due on `today` (Hà Nội) for the month holding it, if any.
pub fn stage_on(
    calendar: &WorkCalendar,
    settings: &CycleSettings,
    period: &CyclePeriod,
    today: NaiveDate,
) -> Option<Stage> {
    let due = due_date(calendar, period, settings.due_day);
    if today > due {
        return (settings.remind_after && today <= last_day(period)).then_some(Stage::After);
    }
    if settings.remind_before == 0 {
        return None;
    }
    let first = working_days_before(calendar, due, settings.remind_before);
    (today >= first && today < due).then_some(Stage::Before)
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// The month looked at ("2026-11").
    pub period: String,
    /// The stage booked this round, if any.
    pub stage: Option<String>,
    /// Collaborators newly reminded (in the app; those with an address by e-mail too).
    pub booked: usize,
    /// E-mails sent and failed in the delivery step.
    pub sent: usize,
    pub failed: usize,
}

/// Books the reminders due at `now` for every collaborator of the organization who has not
/// reported in the month (the system's view: every top-level current unit).
pub async fn book_due(
    store: &Store,
    settings: &CycleSettings,
    now: DateTime<Utc>,
) -> Result<RoundReport, ReportError> {
    let period = CyclePeriod::containing(now);
    let calendar = store.work_calendar().await?;
    let mut report = RoundReport {
        period: period.key.clone(),
        ..Default::default()
    };
    let Some(stage) = stage_on(&calendar, settings, &period, local_day(now)) else {
        return Ok(report);
    };
    report.stage = Some(stage.key());
    for root in store.list_units(None, false).await? {
        let pending = store.cycle_pending(None, root.id.as_str(), &period).await?;
        report.booked += book(store, &pending, &period, &stage, None).await?;
    }
    Ok(report)
}

/// Books one stage for each collaborator: in the app always, by e-mail when they have an
/// address. Counts those newly reminded.
async fn book(
    store: &Store,
    who: &[ykien_store::RosterEntry],
    period: &CyclePeriod,
    stage: &Stage,
    by: Option<i64>,
) -> Result<usize, ReportError> {
    let key = stage.key();
    let mut n = 0;
    for e in who {
        let new = store
            .book_reminder(e.user_id, &period.key, &key, APP_CHANNEL, by)
            .await?;
        // The store books the e-mail only for an account with an address, whether or not the
        // actor may see it, and reads the address again when a sender claims the reminder.
        store
            .book_reminder(e.user_id, &period.key, &key, EMAIL_CHANNEL, by)
            .await?;
        n += usize::from(new);
    }
    Ok(n)
}

/// An officer's "remind now": books a reminder for today for each collaborator of `unit`
/// (in the actor's subtree; the roster's access rules) who has not reported in `period`.
/// Returns how many were newly reminded (0 when pressed twice the same day).
pub async fn remind_now(
    store: &Store,
    actor: &Actor,
    unit: &str,
    period: &CyclePeriod,
    now: DateTime<Utc>,
) -> Result<usize, ReportError> {
    let pending = store.cycle_pending(Some(actor), unit, period).await?;
    book(
        store,
        &pending,
        period,
        &Stage::Manual(local_day(now)),
        Some(actor.user_id),
    )
    .await
}

/// "11/2026".
fn month_vi(period: &CyclePeriod) -> String {
    format!("{}/{}", period.month, period.year)
}

/// The e-mail for one reminder, in Vietnamese (the collaborators' language).
pub fn reminder_mail(
    name: &str,
    period: &CyclePeriod,
    due: NaiveDate,
    stage: &Stage,
    public_url: Option<&str>,
) -> (String, String) {
    let month = month_vi(period);
    let due_s = due.format("%d/%m/%Y").to_string();
    let subject = match stage {
        Stage::After => format!("[ykien] Quá hạn báo cáo tháng {month} (hạn {due_s})"),
        _ => format!("[ykien] Nhắc báo cáo tháng {month} — hạn {due_s}"),
    };
    let lead = match stage {
        Stage::After => format!(
            "Đã quá hạn {due_s} nhưng ykien chưa nhận được báo cáo tình hình dư luận xã hội \
             tháng {month} của đồng chí."
        ),
        _ => format!(
            "ykien chưa nhận được báo cáo tình hình dư luận xã hội tháng {month} của đồng chí. \
             Hạn gửi: {due_s}."
        ),
    };
    let link = public_url
        .map(|u| format!("\n\nGửi báo cáo: {}/report", u.trim_end_matches('/')))
        .unwrap_or_default();
    let body = format!(
        "Kính gửi đồng chí {name},\n\n{lead}\n\nNếu trong kỳ không có gì đáng chú ý, xin bấm \
         \"Không có gì đáng chú ý trong kỳ này\" trên trang báo cáo.{link}\n\n\
         (Thư tự động của ykien; xin đừng trả lời thư này.)\n"
    );
    (subject, body)
}

/// Sends the booked e-mail reminders (up to `limit`) through the relay, recording each
/// outcome. A reminder for someone without an address, or who has reported since it was
/// booked, is closed without a message.
pub async fn deliver_email(
    store: &Store,
    smtp: &SmtpConfig,
    settings: &CycleSettings,
    limit: u32,
) -> Result<(usize, usize), ReportError> {
    let calendar = store.work_calendar().await?;
    let (mut sent, mut failed) = (0, 0);
    for c in store.claim_reminders(EMAIL_CHANNEL, limit).await? {
        let period = CyclePeriod::parse(&c.period)?;
        let stage = Stage::parse(&c.stage).unwrap_or(Stage::Before);
        let Some(to) = c.email.clone() else {
            store
                .finish_reminder(c.id, Err("no e-mail address".into()), true)
                .await?;
            continue;
        };
        if let Some(actor) = store.actor(c.user_id).await?
            && store.my_cycle(&actor, &period).await?.status.is_done()
        {
            store
                .finish_reminder(c.id, Err("reported before the e-mail left".into()), true)
                .await?;
            continue;
        }
        let due = due_date(&calendar, &period, settings.due_day);
        let (subject, body) = reminder_mail(
            &c.name,
            &period,
            due,
            &stage,
            settings.public_url.as_deref(),
        );
        let mail = Mail {
            to,
            subject,
            body,
            id: format!("cycle-{}-{}-{}", c.id, c.period, c.attempt),
        };
        match send_mail(smtp, &mail).await {
            Ok(_) => {
                store.finish_reminder(c.id, Ok(()), false).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(reminder = c.id, error = %e, "a reminder e-mail failed");
                store
                    .finish_reminder(c.id, Err(e.message.clone()), e.permanent)
                    .await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// One round: book what is due now, then send the e-mails booked (when a relay is set).
pub async fn run_round(
    store: &Store,
    settings: &CycleSettings,
    smtp: Option<&SmtpConfig>,
    now: DateTime<Utc>,
) -> Result<RoundReport, ReportError> {
    let mut report = book_due(store, settings, now).await?;
    if let Some(smtp) = smtp {
        loop {
            let (s, f) = deliver_email(store, smtp, settings, 100).await?;
            report.sent += s;
            report.failed += f;
            if s + f < 100 {
                break;
            }
        }
    }
    Ok(report)
}

/// Runs rounds every `settings.every_secs` until the task is aborted.
pub async fn run_reminders(store: Store, settings: CycleSettings, smtp: Option<SmtpConfig>) {
    let every = StdDuration::from_secs(settings.every_secs.max(10));
    loop {
        match run_round(&store, &settings, smtp.as_ref(), Utc::now()).await {
            Ok(r) if r.booked + r.sent + r.failed > 0 => tracing::info!(
                period = %r.period,
                stage = r.stage.as_deref().unwrap_or("-"),
                booked = r.booked,
                sent = r.sent,
                failed = r.failed,
                "reporting cycle: reminders"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reporting cycle: the reminder round failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Starts the reminder loop of `ykien serve` (None when disabled) and makes `settings`'s due
/// day the one the web shows. E-mail goes through `smtp` (the `[alerts.smtp]` relay) when set.
pub fn spawn(
    store: &Store,
    settings: CycleSettings,
    smtp: Option<SmtpConfig>,
) -> Option<tokio::task::JoinHandle<()>> {
    let _ = DUE_DAY.set(settings.due_day);
    if !settings.enabled {
        return None;
    }
    tracing::info!(
        due_day = settings.due_day,
        remind_before = settings.remind_before,
        email = smtp.is_some(),
        "reporting cycle: reminder loop started"
    );
    Some(tokio::spawn(run_reminders(store.clone(), settings, smtp)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(key: &str) -> CyclePeriod {
        CyclePeriod::parse(key).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_move_back_to_a_working_day() {
        let cal = WorkCalendar::default();
        // 25 November 2026 is a Wednesday.
        assert_eq!(due_date(&cal, &p("2026-11"), 25), d(2026, 11, 25));
        // 25 October 2026 is a Sunday: Friday the 23rd.
        assert_eq!(due_date(&cal, &p("2026-10"), 25), d(2026, 10, 23));
        // The day is configurable, and a short month uses its last day (28 Feb 2027 is a
        // Sunday: Friday the 26th).
        assert_eq!(due_date(&cal, &p("2026-11"), 20), d(2026, 11, 20));
        assert_eq!(due_date(&cal, &p("2027-02"), 31), d(2027, 2, 26));
        // 1 and 2 September 2026 are the National Day holidays: no working day before them
        // in the month, so forward to Thursday the 3rd.
        assert_eq!(due_date(&cal, &p("2026-09"), 2), d(2026, 9, 3));
        assert_eq!(due_date(&cal, &p("2026-09"), 4), d(2026, 9, 4));
        // 30 April 2026 (Reunification Day) is a Thursday: back to Wednesday the 29th.
        assert_eq!(due_date(&cal, &p("2026-04"), 30), d(2026, 4, 29));
    }

    #[test]
    fn reminders_before_and_after_the_due_date() {
        let cal = WorkCalendar::default();
        let s = CycleSettings::default();
        let nov = p("2026-11");
        // Due Wednesday 25 November; three working days before is Friday the 20th.
        assert_eq!(
            working_days_before(&cal, d(2026, 11, 25), 3),
            d(2026, 11, 20)
        );
        assert_eq!(stage_on(&cal, &s, &nov, d(2026, 11, 19)), None);
        assert_eq!(
            stage_on(&cal, &s, &nov, d(2026, 11, 20)),
            Some(Stage::Before)
        );
        assert_eq!(
            stage_on(&cal, &s, &nov, d(2026, 11, 22)),
            Some(Stage::Before)
        );
        assert_eq!(stage_on(&cal, &s, &nov, d(2026, 11, 25)), None, "due today");
        assert_eq!(
            stage_on(&cal, &s, &nov, d(2026, 11, 26)),
            Some(Stage::After)
        );
        assert_eq!(
            stage_on(&cal, &s, &nov, d(2026, 11, 30)),
            Some(Stage::After)
        );
        let quiet = CycleSettings {
            remind_before: 0,
            remind_after: false,
            ..s.clone()
        };
        assert_eq!(stage_on(&cal, &quiet, &nov, d(2026, 11, 20)), None);
        assert_eq!(stage_on(&cal, &quiet, &nov, d(2026, 11, 26)), None);
        for st in [Stage::Before, Stage::After, Stage::Manual(d(2026, 11, 3))] {
            assert_eq!(Stage::parse(&st.key()), Some(st));
        }
        assert_eq!(Stage::parse("manual-2026-13-01"), None);
    }

    #[test]
    fn the_mail_names_the_month_and_due_date() {
        let (subject, body) = reminder_mail(
            "Nguyễn Văn An",
            &p("2026-11"),
            d(2026, 11, 25),
            &Stage::Before,
            Some("https://ykien.example.vn/"),
        );
        assert_eq!(
            subject,
            "[ykien] Nhắc báo cáo tháng 11/2026 — hạn 25/11/2026"
        );
        assert!(body.contains("Kính gửi đồng chí Nguyễn Văn An"), "{body}");
        assert!(body.contains("https://ykien.example.vn/report"), "{body}");
        let (subject, _) = reminder_mail("An", &p("2026-11"), d(2026, 11, 25), &Stage::After, None);
        assert!(subject.contains("Quá hạn"), "{subject}");
    }
}
