//! Reporting cycles (kỳ báo cáo): who of the public-opinion collaborators (cộng tác viên dư
//! luận xã hội) has reported this month, who said there was nothing notable, who must be
//! reminded; flash reports (báo cáo nhanh) filed at any time.
//!
//! Decisions (the coordinator may revisit them):
//! - A period is a calendar month in Hà Nội time (UTC+7), keyed "2026-11" ([`CyclePeriod`]).
//! - A collaborator's items count for the period in which they were **received** (filed),
//!   not when the opinion was heard (`occurred_at`): the cycle asks "did you report this
//!   month?", and a report filed on 2 December about something heard on 28 November is late
//!   for November, not missing. Hidden (spam-flagged) items still count: the collaborator did
//!   report, and the pipeline's verdict is not theirs.
//! - The roster is every active (not disabled) account with role Collaborator in the unit's
//!   subtree, grouped by unit and member organization.
//! - Status precedence: items filed > "nothing notable" declared > not yet. A declaration is
//!   refused (Conflict) once the collaborator has filed an item in the period; a declaration
//!   made before filing stays on record (audited) but the status shows "reported". The
//!   collaborator may withdraw their own declaration.
//! - A flash report is an item marked so by its author (a row keyed by the item id), at
//!   submission or right after it; it counts as a report of the period as well.
//! - Reminders are booked in `cycle_reminders`, unique per (user, period, stage, channel),
//!   so each goes once: booking is the outbox ([`Store::book_reminder`]); an "app" reminder
//!   is delivered by being booked, an e-mail one is *claimed* by a sender, sent, and its
//!   outcome recorded ([`Store::claim_reminders`], [`Store::finish_reminder`]), so two
//!   `serve` processes never send the same reminder twice; a failed send is claimed again
//!   later (at most [`MAX_REMINDER_ATTEMPTS`] tries).
//! - Who may read the roster and completion: `Handle` or `ReadUsers` on the unit (officers,
//!   leaders, admins); outside the actor's subtree: not found; other roles: forbidden.
//!   Contact data (e-mail, phone) of collaborators only for `ReadUsers` (admins, leaders),
//!   the roles that may list accounts; officers see names and status only.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use serde_json::json;
use ykien_core::{Actor, Permission, Role, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// Hà Nội's offset from UTC, in seconds; cycles are counted in its calendar months.
const HANOI_OFFSET_SECS: i64 = 7 * 3600;

/// How often a failed reminder may be claimed again.
pub const MAX_REMINDER_ATTEMPTS: i64 = 5;

/// A claimed reminder that was never finished (the sender died) may be claimed again after
/// this many seconds.
pub const STALE_CLAIM_SECS: i64 = 3600;

/// A failed reminder is tried again after this many seconds.
pub const RETRY_AFTER_SECS: i64 = 600;

/// The channel of reminders shown in the app (the collaborator's banner): delivered when
/// booked.
pub const APP_CHANNEL: &str = "app";

/// The e-mail channel, sent by `ykien_report::cycles`.
pub const EMAIL_CHANNEL: &str = "email";

/// One monthly reporting period, `[from, to)` in UTC, from midnight of the 1st in Hà Nội.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CyclePeriod {
    /// "2026-11".
    pub key: String,
    pub year: i32,
    pub month: u32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl CyclePeriod {
    /// The month `year-month`; None for a month outside 1..=12 or an absurd year.
    pub fn month(year: i32, month: u32) -> Option<CyclePeriod> {
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let at = |d: NaiveDate| {
            Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
                - chrono::Duration::seconds(HANOI_OFFSET_SECS)
        };
        Some(CyclePeriod {
            key: format!("{year:04}-{month:02}"),
            year,
            month,
            from: at(first),
            to: at(next),
        })
    }

    /// Parses "2026-11" (also "2026-1"). Anything else is `Invalid`.
    pub fn parse(key: &str) -> Result<CyclePeriod, StoreError> {
        let bad = || StoreError::invalid(format!("{key:?} is not a month such as 2026-11"));
        let (y, m) = key.trim().split_once('-').ok_or_else(bad)?;
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        CyclePeriod::month(y, m).ok_or_else(bad)
    }

    /// The month that holds `at`, in Hà Nội time.
    pub fn containing(at: DateTime<Utc>) -> CyclePeriod {
        let local = (at + chrono::Duration::seconds(HANOI_OFFSET_SECS)).date_naive();
        CyclePeriod::month(local.year(), local.month()).expect("a valid month")
    }

    /// The month before this one.
    pub fn previous(&self) -> CyclePeriod {
        if self.month == 1 {
            CyclePeriod::month(self.year - 1, 12)
        } else {
            CyclePeriod::month(self.year, self.month - 1)
        }
        .expect("a valid month")
    }

    /// The first day of the month (a Hà Nội calendar date).
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }
}

/// Where a collaborator stands in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    /// Filed at least one item in the period.
    Reported,
    /// Declared "nothing notable this period" and filed nothing.
    NothingNotable,
    /// Neither.
    NotYet,
}

impl CycleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CycleStatus::Reported => "reported",
            CycleStatus::NothingNotable => "nothing_notable",
            CycleStatus::NotYet => "not_yet",
        }
    }

    /// Reported or declared nothing notable: done for the period.
    pub fn is_done(self) -> bool {
        self != CycleStatus::NotYet
    }
}

/// One collaborator of the roster with their status in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterEntry {
    pub user_id: i64,
    pub name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub member_org: Option<String>,
    /// The member organization's Vietnamese name.
    pub member_org_name: Option<String>,
    /// Only for actors who may read accounts (admins, leaders) and for the system.
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Items the collaborator filed in the period (flash reports included).
    pub items: i64,
    /// Of which flash reports.
    pub flash: i64,
    /// When they declared "nothing notable" for the period, if they did.
    pub nothing_notable_at: Option<DateTime<Utc>>,
    /// The last reminder sent to them for the period, whatever the stage or channel.
    pub last_reminded_at: Option<DateTime<Utc>>,
    pub status: CycleStatus,
}

/// The roster's collaborators of one unit and one member organization (None: none named).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterGroup {
    pub unit: UnitId,
    pub unit_name: String,
    pub member_org: Option<String>,
    pub member_org_name: Option<String>,
    pub members: Vec<RosterEntry>,
}

/// The roster of a unit's subtree for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Roster {
    pub unit: UnitId,
    pub unit_name: String,
    pub period: CyclePeriod,
    /// Whether e-mail and phone were filled in (the actor may see them).
    pub contacts_shown: bool,
    /// By unit path, then member organization (none last), then name.
    pub groups: Vec<RosterGroup>,
}

impl Roster {
    pub fn entries(&self) -> impl Iterator<Item = &RosterEntry> {
        self.groups.iter().flat_map(|g| g.members.iter())
    }
}

/// How far one unit's subtree is through a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitCompletion {
    pub unit: UnitId,
    pub unit_name: String,
    /// Active collaborators in the unit's subtree.
    pub collaborators: i64,
    /// Of which done (reported or nothing notable).
    pub done: i64,
    /// Of which filed at least one item.
    pub reported: i64,
    pub nothing_notable: i64,
    /// Flash reports filed in the period in the subtree.
    pub flash: i64,
}

impl UnitCompletion {
    /// Done ÷ collaborators, 0..=1; None when the unit has no collaborators.
    pub fn rate(&self) -> Option<f64> {
        (self.collaborators > 0).then(|| self.done as f64 / self.collaborators as f64)
    }
}

/// Completion for a unit and each of its direct (current) children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    pub period: CyclePeriod,
    pub unit: UnitCompletion,
    pub children: Vec<UnitCompletion>,
}

/// A collaborator's own view of the period (the banner on their pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyCycle {
    pub period: CyclePeriod,
    pub items: i64,
    pub flash: i64,
    pub nothing_notable_at: Option<DateTime<Utc>>,
    pub last_reminded_at: Option<DateTime<Utc>>,
    pub status: CycleStatus,
}

/// A reminder claimed for sending ([`Store::claim_reminders`]), with the recipient's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderClaim {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub period: String,
    pub stage: String,
    pub channel: String,
    /// 1 for the first try.
    pub attempt: i64,
}

/// A reminder as booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub id: i64,
    pub user_id: i64,
    pub period: String,
    /// "before" (ahead of the due date), "after" (the day after it), "manual-YYYY-MM-DD"
    /// (an officer's "remind now", at most once a day).
    pub stage: String,
    /// "email" or "app" (shown in the collaborator's banner).
    pub channel: String,
    pub booked_at: DateTime<Utc>,
    /// When a sender last took it; None: not tried yet.
    pub claimed_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub attempts: i64,
    /// The officer who asked ("remind now"); None: the daily run.
    pub requested_by: Option<i64>,
}

/// One roster row as read.
#[derive(sqlx::FromRow)]
struct RosterDb {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    member_org_id: Option<String>,
    member_org_name: Option<String>,
    items: i64,
    flash: i64,
    nothing_notable_at: Option<i64>,
    last_reminded_at: Option<i64>,
}

fn status_of(items: i64, nothing_notable: bool) -> CycleStatus {
    if items > 0 {
        CycleStatus::Reported
    } else if nothing_notable {
        CycleStatus::NothingNotable
    } else {
        CycleStatus::NotYet
    }
}

/// The per-collaborator figures of a period: $3, $4 the period `[from, to)`, $5 its key,
/// $1, $2 the subtree the items must lie in. `u` is the collaborator.
macro_rules! figures {
    () => {
        "(SELECT COUNT(*) FROM items i JOIN units iu ON iu.id = i.unit_id \
          WHERE i.author_user_id = u.id AND i.received_at >= $3 AND i.received_at < $4 \
          AND iu.path >= $1 AND iu.path < $2) AS items, \
         (SELECT COUNT(*) FROM flash_reports f JOIN items i ON i.id = f.item_id \
          JOIN units iu ON iu.id = i.unit_id \
          WHERE i.author_user_id = u.id AND i.received_at >= $3 AND i.received_at < $4 \
          AND iu.path >= $1 AND iu.path < $2) AS flash, \
         (SELECT d.declared_at FROM cycle_declarations d \
          WHERE d.user_id = u.id AND d.period = $5) AS nothing_notable_at, \
         (SELECT MAX(r.sent_at) FROM cycle_reminders r \
          WHERE r.user_id = u.id AND r.period = $5) AS last_reminded_at"
    };
}

/// (id, user_id, period, stage, channel, claimed_at, sent_at, error, attempts, requested_by)
#[derive(sqlx::FromRow)]
struct ReminderDb {
    id: i64,
    user_id: i64,
    period: String,
    stage: String,
    channel: String,
    booked_at: i64,
    claimed_at: Option<i64>,
    sent_at: Option<i64>,
    error: Option<String>,
    attempts: i64,
    requested_by: Option<i64>,
}

fn clean_word(s: &str, what: &str) -> Result<String, StoreError> {
    let t = s.trim();
    if t.is_empty()
        || t.len() > 40
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
    {
        return Err(StoreError::invalid(format!("{s:?} is not a valid {what}")));
    }
    Ok(t.to_string())
}

/// Whether an actor may read the roster of a unit at `unit_path` (in its subtree), and
/// whether it sees contacts.
fn roster_access(actor: Option<&Actor>, unit_path: &str) -> Result<bool, StoreError> {
    match actor {
        None => Ok(true),
        Some(a) if !a.scope().contains(unit_path) => Err(StoreError::NotFound),
        Some(a) => {
            let users = can(a, Permission::ReadUsers, unit_path);
            if users || can(a, Permission::Handle, unit_path) {
                Ok(users)
            } else {
                Err(StoreError::forbidden("reading the collaborators' roster"))
            }
        }
    }
}

impl Store {
    /// The unit a roster is read for, checked: (id, name, path, contacts shown).
    async fn roster_unit(
        &self,
        actor: Option<&Actor>,
        unit: &str,
    ) -> Result<(String, String, String, bool), StoreError> {
        let unit = unit.trim();
        let u = match (self.unit_raw(unit).await?, actor) {
            (None, None) => return Err(StoreError::invalid(format!("unknown unit {unit:?}"))),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(u), _) => u,
        };
        let contacts = roster_access(actor, &u.path)?;
        if u.generation == "legacy" {
            return Err(StoreError::invalid(format!(
                "unit {unit:?} was abolished on 1 July 2025; it has no collaborators"
            )));
        }
        let name: String = db!(self, |pool| {
            sqlx::query_scalar("SELECT name FROM units WHERE id = $1")
                .bind(&u.id)
                .fetch_one(pool)
                .await?
        });
        Ok((u.id, name, u.path, contacts))
    }

    async fn roster_rows(
        &self,
        unit_path: &str,
        period: &CyclePeriod,
    ) -> Result<Vec<RosterDb>, StoreError> {
        let (lo, hi) = ykien_core::Scope::at(unit_path).range();
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT u.id, u.name, u.email, u.phone, u.unit_id, un.name AS unit_name, \
                 un.path AS unit_path, u.member_org_id, mo.name_vi AS member_org_name, ",
                figures!(),
                " FROM users u JOIN units un ON un.id = u.unit_id \
                 LEFT JOIN member_organizations mo ON mo.id = u.member_org_id \
                 WHERE u.role = 'collaborator' AND NOT u.disabled \
                 AND un.path >= $1 AND un.path < $2 \
                 ORDER BY un.path, CASE WHEN mo.position IS NULL THEN 1 ELSE 0 END, \
                 mo.position, u.name, u.id"
            ))
            .bind(&lo)
            .bind(&hi)
            .bind(period.from.timestamp())
            .bind(period.to.timestamp())
            .bind(&period.key)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The roster of `unit`'s subtree (the actor's subtree) for a period, with each
    /// collaborator's status. Needs `Handle` or `ReadUsers` on the unit.
    pub async fn cycle_roster(
        &self,
        actor: Option<&Actor>,
        unit: &str,
        period: &CyclePeriod,
    ) -> Result<Roster, StoreError> {
        let (id, name, path, contacts) = self.roster_unit(actor, unit).await?;
        let rows = self.roster_rows(&path, period).await?;
        let mut groups: Vec<RosterGroup> = Vec::new();
        for r in rows {
            let entry = RosterEntry {
                user_id: r.id,
                name: r.name,
                unit: UnitId(r.unit_id.clone()),
                unit_name: r.unit_name.clone(),
                member_org: r.member_org_id.clone(),
                member_org_name: r.member_org_name.clone(),
                email: r.email.filter(|_| contacts),
                phone: r.phone.filter(|_| contacts),
                items: r.items,
                flash: r.flash,
                nothing_notable_at: r.nothing_notable_at.map(ts),
                last_reminded_at: r.last_reminded_at.map(ts),
                status: status_of(r.items, r.nothing_notable_at.is_some()),
            };
            match groups.last_mut() {
                Some(g) if g.unit.0 == r.unit_id && g.member_org == r.member_org_id => {
                    g.members.push(entry)
                }
                _ => groups.push(RosterGroup {
                    unit: UnitId(r.unit_id),
                    unit_name: r.unit_name,
                    member_org: r.member_org_id,
                    member_org_name: r.member_org_name,
                    members: vec![entry],
                }),
            }
        }
        Ok(Roster {
            unit: UnitId(id),
            unit_name: name,
            period: period.clone(),
            contacts_shown: contacts,
            groups,
        })
    }

    /// Completion of `unit` and each of its direct children for a period. Same access as
    /// [`Store::cycle_roster`].
    pub async fn cycle_completion(
        &self,
        actor: Option<&Actor>,
        unit: &str,
        period: &CyclePeriod,
    ) -> Result<Completion, StoreError> {
        let (id, name, path, _) = self.roster_unit(actor, unit).await?;
        let rows = self.roster_rows(&path, period).await?;
        let children: Vec<(String, String, String)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, path FROM units WHERE parent_id = $1 \
                 AND generation = 'current' ORDER BY code, id",
            )
            .bind(&id)
            .fetch_all(pool)
            .await?
        });
        let tally = |unit: UnitId, unit_name: String, under: &str| {
            let mut c = UnitCompletion {
                unit,
                unit_name,
                collaborators: 0,
                done: 0,
                reported: 0,
                nothing_notable: 0,
                flash: 0,
            };
            for r in rows.iter().filter(|r| r.unit_path.starts_with(under)) {
                let st = status_of(r.items, r.nothing_notable_at.is_some());
                c.collaborators += 1;
                c.done += i64::from(st.is_done());
                c.reported += i64::from(st == CycleStatus::Reported);
                c.nothing_notable += i64::from(st == CycleStatus::NothingNotable);
                c.flash += r.flash;
            }
            c
        };
        let total = tally(UnitId(id), name, &path);
        let children = children
            .into_iter()
            .map(|(cid, cname, cpath)| tally(UnitId(cid), cname, &cpath))
            .collect();
        Ok(Completion {
            period: period.clone(),
            unit: total,
            children,
        })
    }

    /// The actor's own status in a period (any role; meaningful for collaborators). Only
    /// items filed within the actor's subtree count, like every read.
    pub async fn my_cycle(
        &self,
        actor: &Actor,
        period: &CyclePeriod,
    ) -> Result<MyCycle, StoreError> {
        let (lo, hi) = actor.scope().range();
        let row: (i64, i64, Option<i64>, Option<i64>) = db!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                figures!(),
                " FROM users u WHERE u.id = $6"
            ))
            .bind(&lo)
            .bind(&hi)
            .bind(period.from.timestamp())
            .bind(period.to.timestamp())
            .bind(&period.key)
            .bind(actor.user_id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound)?
        });
        let (items, flash, nn, reminded) = row;
        Ok(MyCycle {
            period: period.clone(),
            items,
            flash,
            nothing_notable_at: nn.map(ts),
            last_reminded_at: reminded.map(ts),
            status: status_of(items, nn.is_some()),
        })
    }

    /// Records the actor's "nothing notable this period" (collaborators only, else Forbidden).
    /// Idempotent: true when newly recorded, false when it already was. Conflict when the
    /// actor already filed an item in the period; Invalid for a period not yet begun. Audited.
    pub async fn declare_nothing_notable(
        &self,
        actor: &Actor,
        period: &CyclePeriod,
    ) -> Result<bool, StoreError> {
        if actor.role != Role::Collaborator {
            return Err(StoreError::forbidden(
                "only collaborators declare their reporting periods",
            ));
        }
        let at = now();
        if period.from.timestamp() > at {
            return Err(StoreError::invalid(format!(
                "the period {} has not begun",
                period.key
            )));
        }
        let mine = self.my_cycle(actor, period).await?;
        if mine.items > 0 {
            return Err(StoreError::conflict(format!(
                "you already reported {} item(s) in {}",
                mine.items, period.key
            )));
        }
        let added = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "INSERT INTO cycle_declarations (user_id, period, declared_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (user_id, period) DO NOTHING",
            )
            .bind(actor.user_id)
            .bind(&period.key)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                audit!(
                    tx,
                    Some(actor.user_id),
                    "cycle.nothing_notable",
                    "user",
                    actor.user_id.to_string(),
                    Some(actor.unit_path.clone()),
                    json!({ "period": period.key })
                )?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(added)
    }

    /// Withdraws the actor's own declaration; true when there was one. Audited.
    pub async fn withdraw_nothing_notable(
        &self,
        actor: &Actor,
        period: &CyclePeriod,
    ) -> Result<bool, StoreError> {
        let gone = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n =
                sqlx::query("DELETE FROM cycle_declarations WHERE user_id = $1 AND period = $2")
                    .bind(actor.user_id)
                    .bind(&period.key)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if n > 0 {
                audit!(
                    tx,
                    Some(actor.user_id),
                    "cycle.nothing_notable.withdraw",
                    "user",
                    actor.user_id.to_string(),
                    Some(actor.unit_path.clone()),
                    json!({ "period": period.key })
                )?;
            }
            tx.commit().await?;
            n > 0
        });
        Ok(gone)
    }

    /// Marks an item as a flash report (báo cáo nhanh). Only its author may, within their
    /// subtree (anyone else: not found). Idempotent; audited once.
    pub async fn mark_flash(&self, actor: &Actor, item_id: i64) -> Result<(), StoreError> {
        let r = self.item_raw(item_id).await?.ok_or(StoreError::NotFound)?;
        if r.author_user_id != Some(actor.user_id) || !actor.scope().contains(&r.unit_path) {
            return Err(StoreError::NotFound);
        }
        let at = now();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "INSERT INTO flash_reports (item_id, user_id, marked_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (item_id) DO NOTHING",
            )
            .bind(item_id)
            .bind(actor.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                audit!(
                    tx,
                    Some(actor.user_id),
                    "item.flash",
                    "item",
                    item_id.to_string(),
                    Some(r.unit_path.clone()),
                    json!({ "flash": true })
                )?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Which of `item_ids` are flash reports (for lists); no scoping needed since it reveals
    /// nothing but a flag on ids the caller already holds.
    pub async fn flash_items(&self, item_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut out = Vec::new();
        for chunk in item_ids.chunks(500) {
            let mut found: Vec<i64> = db!(self, |pool| {
                let mut qb =
                    sqlx::QueryBuilder::new("SELECT item_id FROM flash_reports WHERE item_id IN (");
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_scalar().fetch_all(pool).await?
            });
            out.append(&mut found);
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The collaborators of `unit`'s subtree who have not reported in the period, with their
    /// contacts, for the reminder run. Same access as the roster; `None` (the system) sees
    /// every contact.
    pub async fn cycle_pending(
        &self,
        actor: Option<&Actor>,
        unit: &str,
        period: &CyclePeriod,
    ) -> Result<Vec<RosterEntry>, StoreError> {
        let roster = self.cycle_roster(actor, unit, period).await?;
        Ok(roster
            .groups
            .into_iter()
            .flat_map(|g| g.members)
            .filter(|e| e.status == CycleStatus::NotYet)
            .collect())
    }

    /// Books a reminder for one collaborator: true when newly booked, false when this
    /// (user, period, stage, channel) was booked before, so that each reminder goes once.
    /// An "app" reminder is delivered by being booked (the collaborator's banner shows it);
    /// any other channel waits for a sender ([`Store::claim_reminders`]). An e-mail reminder
    /// for an account without an address is not booked (false); an unknown user is NotFound.
    /// `requested_by`: the officer who pressed "remind now"; None: the daily run.
    pub async fn book_reminder(
        &self,
        user_id: i64,
        period: &str,
        stage: &str,
        channel: &str,
        requested_by: Option<i64>,
    ) -> Result<bool, StoreError> {
        let period = CyclePeriod::parse(period)?.key;
        let stage = clean_word(stage, "reminder stage")?;
        let channel = clean_word(channel, "reminder channel")?;
        let email: Option<Option<String>> = db!(self, |pool| {
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        });
        match email {
            None => return Err(StoreError::NotFound),
            // Nobody to write to: nothing to book (the app's reminder still goes).
            Some(None) if channel == EMAIL_CHANNEL => return Ok(false),
            Some(_) => {}
        }
        let at = now();
        let sent = (channel == APP_CHANNEL).then_some(at);
        let n = db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "INSERT INTO cycle_reminders (user_id, period, stage, channel, booked_at, \
                 sent_at, attempts, requested_by) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) \
                 ON CONFLICT (user_id, period, stage, channel) DO NOTHING",
            )
            .bind(user_id)
            .bind(&period)
            .bind(&stage)
            .bind(&channel)
            .bind(at)
            .bind(sent)
            .bind(requested_by)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Claims up to `limit` booked reminders of `channel` for sending: never sent, under
    /// [`MAX_REMINDER_ATTEMPTS`], and either never tried, failed more than
    /// [`RETRY_AFTER_SECS`] ago, or claimed by a sender that died ([`STALE_CLAIM_SECS`]).
    /// Several senders (`ykien serve` processes) never claim the same row (SKIP LOCKED on
    /// PostgreSQL, the write lock on SQLite). Each claim carries the recipient's contact.
    pub async fn claim_reminders(
        &self,
        channel: &str,
        limit: u32,
    ) -> Result<Vec<ReminderClaim>, StoreError> {
        let at = now();
        let lock = match self.backend_name() {
            "postgres" => " FOR UPDATE SKIP LOCKED",
            _ => "",
        };
        let sql = format!(
            "UPDATE cycle_reminders SET claimed_at = $1, attempts = attempts + 1, error = NULL \
             WHERE id IN (SELECT id FROM cycle_reminders WHERE channel = $2 \
             AND sent_at IS NULL AND attempts < $3 \
             AND (claimed_at IS NULL OR (error IS NOT NULL AND claimed_at < $4) \
             OR (error IS NULL AND claimed_at < $5)) ORDER BY id LIMIT $6{lock}) \
             RETURNING id, user_id, period, stage, channel, attempts"
        );
        let limit = i64::from(limit.clamp(1, 1000));
        let claimed: Vec<(i64, i64, String, String, String, i64)> = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(at)
                .bind(channel)
                .bind(MAX_REMINDER_ATTEMPTS)
                .bind(at - RETRY_AFTER_SECS)
                .bind(at - STALE_CLAIM_SECS)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        });
        let mut out = Vec::with_capacity(claimed.len());
        for (id, user_id, period, stage, channel, attempt) in claimed {
            let who: Option<(String, Option<String>, Option<String>)> = db!(self, |pool| {
                sqlx::query_as("SELECT name, email, phone FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(pool)
                    .await?
            });
            let (name, email, phone) = who.unwrap_or_default();
            out.push(ReminderClaim {
                id,
                user_id,
                name,
                email,
                phone,
                period,
                stage,
                channel,
                attempt,
            });
        }
        out.sort_by_key(|c| c.id);
        Ok(out)
    }

    /// Records the outcome of a claimed reminder: `Ok` sent, `Err(reason)` failed (tried again
    /// after [`RETRY_AFTER_SECS`]; `permanent` failures are not: attempts are used up).
    pub async fn finish_reminder(
        &self,
        claim_id: i64,
        outcome: Result<(), String>,
        permanent: bool,
    ) -> Result<(), StoreError> {
        let at = now();
        let (sent, error) = match outcome {
            Ok(()) => (Some(at), None),
            Err(e) => (None, Some(e.chars().take(500).collect::<String>())),
        };
        let attempts_floor = if permanent { MAX_REMINDER_ATTEMPTS } else { 0 };
        let n = db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "UPDATE cycle_reminders SET sent_at = $1, error = $2, \
                 attempts = CASE WHEN attempts > $4 THEN attempts ELSE $4 END \
                 WHERE id = $3 AND sent_at IS NULL",
            )
            .bind(sent)
            .bind(error)
            .bind(claim_id)
            .bind(attempts_floor)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The reminders booked for one user in a period, oldest first (the system, the user
    /// itself, or someone who may read the roster of the user's unit).
    pub async fn reminders(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        period: &str,
    ) -> Result<Vec<Reminder>, StoreError> {
        if let Some(a) = actor
            && a.user_id != user_id
        {
            let path: Option<String> = db!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT un.path FROM users u JOIN units un ON un.id = u.unit_id \
                     WHERE u.id = $1",
                )
                .bind(user_id)
                .fetch_optional(pool)
                .await?
            });
            roster_access(actor, &path.ok_or(StoreError::NotFound)?)?;
        }
        let rows: Vec<ReminderDb> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, period, stage, channel, booked_at, claimed_at, sent_at, \
                 error, attempts, requested_by FROM cycle_reminders \
                 WHERE user_id = $1 AND period = $2 ORDER BY booked_at, id",
            )
            .bind(user_id)
            .bind(period.trim())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| Reminder {
                id: r.id,
                user_id: r.user_id,
                period: r.period,
                stage: r.stage,
                channel: r.channel,
                booked_at: ts(r.booked_at),
                claimed_at: r.claimed_at.map(ts),
                sent_at: r.sent_at.map(ts),
                error: r.error,
                attempts: r.attempts,
                requested_by: r.requested_by,
            })
            .collect())
    }
}
