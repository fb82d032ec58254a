//! The officers' view of cases (`/cases` in the web UI): the board, one case with its history,
//! and recording an answer together with its text.
//!
//! The board groups the cases an actor may see by status, soonest due first, filtered by
//! assignee, unit and overdue; it sees exactly what [`Store::list_cases`] sees (a handler's
//! subtree; for other roles the cases holding items they filed). A case's timeline is read
//! from the audit log, which is its full history (every change writes its row in the same
//! transaction), so the page and the audit can never disagree.
//!
//! Due dates are shown in *working days*: the calendar of [`Store::work_calendar`] (weekends,
//! statutory holidays, announced changes) decides which days count.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use ykien_core::calendar::WorkCalendar;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::audit::audit;
use crate::cases::{CaseDb, case_select};
use crate::db::{BeginWrite, db};
use crate::model::{MemberOrg, now, ts};
use crate::{Case, CaseDetail, CaseStatus, Item, Severity, Store, StoreError};

/// Whose cases the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    /// Cases nobody has been given.
    Nobody,
    /// Cases given to this user.
    User(i64),
}

/// What [`Store::case_board`] shows.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub assignee: AssigneeFilter,
    /// A unit id: only cases of its subtree (it must lie in the actor's subtree).
    pub unit: Option<String>,
    /// Only cases past their due date and not yet answered.
    pub overdue: bool,
    /// Cases listed per column (0: the default, 100); the counts cover them all.
    pub per_column: u32,
}

/// When a case is due, as officers count: in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub at: DateTime<Utc>,
    /// Still waiting for an answer (new, verifying, forwarded): the due date matters.
    pub open: bool,
    /// Open and past its due date.
    pub overdue: bool,
    /// Working days from today to the due day (0: due today); when overdue, the working days
    /// since the due day (0: it fell due earlier today).
    pub working_days: i64,
}

/// A case on the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardCase {
    #[serde(flatten)]
    pub case: Case,
    pub due: Due,
}

/// One column of the board: the cases of one status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardColumn {
    pub status: CaseStatus,
    /// All the cases of this status that pass the filter (more than `cases` holds if cut).
    pub count: i64,
    pub overdue: i64,
    /// Open columns soonest due first; answered and closed ones latest change first.
    pub cases: Vec<BoardCase>,
}

/// Someone a case can be given to, or is given to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignee {
    pub user_id: i64,
    pub name: String,
    pub unit_name: String,
}

/// The board: one column per status in workflow order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
    pub total: i64,
    pub overdue: i64,
    /// Everyone holding a case the actor handles (a handler's assignee filter); empty for
    /// other roles.
    pub assignees: Vec<Assignee>,
}

/// Where a case was forwarded, with the names to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forwarded {
    /// "unit", "member_org" or "outside".
    pub kind: String,
    /// As recorded: a unit id, a member organization id, or the outside body's name.
    pub to: String,
    pub reference: Option<String>,
    /// The unit's name (kind "unit").
    pub unit_name: Option<String>,
    /// The organization (kind "member_org").
    pub member_org: Option<MemberOrg>,
}

/// What happened at one step of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TimelineEvent {
    Opened {
        title: String,
        severity: Option<Severity>,
        due_at: Option<DateTime<Utc>>,
        items: Vec<i64>,
        /// Opened by splitting items off this case.
        split_from: Option<i64>,
    },
    /// A workflow step (verify, forward, answer, close, reopen).
    Step {
        step: String,
        from: Option<CaseStatus>,
        to: Option<CaseStatus>,
        forwarded: Option<Forwarded>,
    },
    Assigned {
        to: Option<String>,
    },
    /// An officer's note, or (`reply`) the answer received, recorded with the answer step.
    Comment {
        body: String,
        reply: bool,
    },
    ItemsAdded {
        items: Vec<i64>,
    },
    /// Another case was merged into this one.
    MergedIn {
        from: i64,
        items: Vec<i64>,
    },
    /// This case was merged into another (and closed).
    MergedInto {
        into: i64,
    },
    /// Items were split off into a new case.
    SplitOff {
        into: i64,
        items: Vec<i64>,
    },
    /// An action this build does not describe (from a newer build).
    Other {
        action: String,
    },
}

/// One step of a case's history: when, who (None: the system), what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    #[serde(flatten)]
    pub event: TimelineEvent,
}

/// One case as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub detail: CaseDetail,
    pub due: Due,
    /// The case's items the actor may see, in the case's order.
    pub items: Vec<Item>,
    pub forwarded: Option<Forwarded>,
    /// Oldest first. A reporter (not a handler) sees the workflow steps only, without names.
    pub timeline: Vec<TimelineEntry>,
    /// Handlers who may be given the case (empty outside a handler's view).
    pub assignable: Vec<Assignee>,
    /// Where a handler may forward it: the units above the case's unit (nearest first)…
    pub forward_units: Vec<(UnitId, String)>,
    /// …and the member organizations.
    pub member_orgs: Vec<MemberOrg>,
}

/// Working days between today and a due date, counted on a calendar that caches each
/// year's days off (the board computes this for every card).
pub struct WorkingDays<'a> {
    calendar: &'a WorkCalendar,
    off: HashMap<i32, HashSet<NaiveDate>>,
}

/// Hanoi's offset from UTC (no daylight saving).
const LOCAL_OFFSET_HOURS: i64 = 7;
/// Beyond this many days a count stops: enough for any case, bounded for a broken date.
const MAX_SPAN_DAYS: i64 = 3 * 366;

fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(LOCAL_OFFSET_HOURS)).date_naive()
}

impl<'a> WorkingDays<'a> {
    pub fn new(calendar: &'a WorkCalendar) -> Self {
        WorkingDays {
            calendar,
            off: HashMap::new(),
        }
    }

    fn is_working(&mut self, d: NaiveDate) -> bool {
        if matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            // Cheap for weekends: only an announced working day makes one count.
            return self.calendar.is_working_day(d);
        }
        let cal = self.calendar;
        let off = self
            .off
            .entry(d.year())
            .or_insert_with(|| cal.days_off(d.year()).into_iter().map(|o| o.day).collect());
        !off.contains(&d)
    }

    /// Working days in `(from, to]` (local dates), at most [`MAX_SPAN_DAYS`] apart.
    fn between(&mut self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        let mut steps = 0;
        while d < to && steps < MAX_SPAN_DAYS {
            d += Duration::days(1);
            steps += 1;
            if self.is_working(d) {
                n += 1;
            }
        }
        n
    }

    /// The due date of a case in `status` as of `at`.
    pub fn due(&mut self, due_at: DateTime<Utc>, status: CaseStatus, at: DateTime<Utc>) -> Due {
        let open = status.is_open();
        let overdue = open && due_at < at;
        let (today, day) = (local_day(at), local_day(due_at));
        let working_days = if overdue {
            self.between(day, today)
        } else {
            self.between(today, day)
        };
        Due {
            at: due_at,
            open,
            overdue,
            working_days,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows

/// Which cases the board sees and keeps. Parameters: $1 handler, $2..$3 the actor's range,
/// $4 the actor's user id, $5..$6 the unit filter's range ('' and '': none), $7 assignee mode
/// (0 anyone, 1 nobody, 2 the user $8), $9 overdue only, $10 now.
macro_rules! board_where {
    () => {
        " WHERE (($1 AND un.path >= $2 AND un.path < $3) OR EXISTS (\
           SELECT 1 FROM case_items ci JOIN items i ON i.id = ci.item_id \
           JOIN units iu ON iu.id = i.unit_id WHERE ci.case_id = c.id \
           AND i.author_user_id = $4 AND iu.path >= $2 AND iu.path < $3)) \
         AND ($5 = '' OR (un.path >= $5 AND un.path < $6)) \
         AND ($7 = 0 OR ($7 = 1 AND c.assignee_user_id IS NULL) \
              OR ($7 = 2 AND c.assignee_user_id = $8)) \
         AND (NOT $9 OR (c.due_at < $10 AND c.status NOT IN ('answered', 'closed')))"
    };
}

/// Binds the ten parameters of [`board_where`] in order.
macro_rules! bind_board {
    ($q:expr, $p:expr) => {
        $q.bind($p.handler)
            .bind(&$p.lo)
            .bind(&$p.hi)
            .bind($p.user_id)
            .bind(&$p.unit_lo)
            .bind(&$p.unit_hi)
            .bind($p.assignee_mode)
            .bind($p.assignee_id)
            .bind($p.overdue)
            .bind($p.at)
    };
}

struct BoardParams {
    handler: bool,
    lo: String,
    hi: String,
    user_id: Option<i64>,
    unit_lo: String,
    unit_hi: String,
    assignee_mode: i64,
    assignee_id: i64,
    overdue: bool,
    at: i64,
}

/// (id, at, actor name, action, details)
type AuditRow = (i64, i64, Option<String>, String, String);

const DEFAULT_PER_COLUMN: u32 = 100;
const MAX_REPLY: usize = 10_000;
/// Items shown on a case's page.
const MAX_ITEMS_SHOWN: usize = 200;

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

fn status_of(v: &Value) -> Option<CaseStatus> {
    v.as_str().and_then(|s| CaseStatus::parse(s).ok())
}

fn text_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

impl Store {
    fn board_params(
        &self,
        actor: Option<&Actor>,
        unit_path: Option<&str>,
        f: &BoardFilter,
    ) -> BoardParams {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let (unit_lo, unit_hi) = match unit_path {
            Some(p) => ykien_core::Scope::at(p).range(),
            None => (String::new(), String::new()),
        };
        let (assignee_mode, assignee_id) = match f.assignee {
            AssigneeFilter::Anyone => (0, 0),
            AssigneeFilter::Nobody => (1, 0),
            AssigneeFilter::User(u) => (2, u),
        };
        BoardParams {
            handler: actor.is_none_or(|a| can(a, Permission::Handle, &a.unit_path)),
            lo,
            hi,
            user_id: actor.map(|a| a.user_id),
            unit_lo,
            unit_hi,
            assignee_mode,
            assignee_id,
            overdue: f.overdue,
            at: now(),
        }
    }

    /// The path of a unit named by a filter: it must lie in the actor's subtree (else, like a
    /// unit that does not exist, not found).
    async fn filter_unit_path(
        &self,
        actor: Option<&Actor>,
        id: &str,
    ) -> Result<String, StoreError> {
        let path = match actor {
            Some(a) => {
                let id = UnitId::parse(id).map_err(|_| StoreError::NotFound)?;
                self.unit(a, &id).await?.path
            }
            None => self.unit_raw(id).await?.ok_or(StoreError::NotFound)?.path,
        };
        if actor.is_some_and(|a| !a.scope().contains(&path)) {
            return Err(StoreError::NotFound);
        }
        Ok(path)
    }

    /// The board: every status a column, with counts, filtered as asked. A unit filter outside
    /// the actor's subtree is not found.
    pub async fn case_board(
        &self,
        actor: Option<&Actor>,
        filter: &BoardFilter,
    ) -> Result<Board, StoreError> {
        let unit_path = match filter.unit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(self.filter_unit_path(actor, id).await?),
        };
        let p = self.board_params(actor, unit_path.as_deref(), filter);
        let per_column = i64::from(if filter.per_column == 0 {
            DEFAULT_PER_COLUMN
        } else {
            filter.per_column.min(1000)
        });
        let counts: Vec<(String, i64, i64)> = db!(self, |pool| {
            let q = sqlx::query_as(concat!(
                "SELECT c.status, COUNT(*) AS n, \
                 SUM(CASE WHEN c.due_at < $10 AND c.status NOT IN ('answered', 'closed') \
                 THEN 1 ELSE 0 END) AS late \
                 FROM cases c JOIN units un ON un.id = c.unit_id",
                board_where!(),
                " GROUP BY c.status"
            ));
            bind_board!(q, p).fetch_all(pool).await?
        });
        let calendar = self.work_calendar().await?;
        let mut days = WorkingDays::new(&calendar);
        let at = ts(p.at);
        let mut columns = Vec::with_capacity(CaseStatus::ALL.len());
        for status in CaseStatus::ALL {
            let (count, overdue) = counts
                .iter()
                .find(|(s, _, _)| s == status.as_str())
                .map(|(_, n, late)| (*n, *late))
                .unwrap_or((0, 0));
            let rows: Vec<CaseDb> = if count == 0 {
                Vec::new()
            } else if status.is_open() {
                db!(self, |pool| {
                    let q = sqlx::query_as(concat!(
                        case_select!(),
                        board_where!(),
                        " AND c.status = $11 ORDER BY c.due_at, c.id LIMIT $12"
                    ));
                    bind_board!(q, p)
                        .bind(status.as_str())
                        .bind(per_column)
                        .fetch_all(pool)
                        .await?
                })
            } else {
                db!(self, |pool| {
                    let q = sqlx::query_as(concat!(
                        case_select!(),
                        board_where!(),
                        " AND c.status = $11 ORDER BY c.updated_at DESC, c.id DESC LIMIT $12"
                    ));
                    bind_board!(q, p)
                        .bind(status.as_str())
                        .bind(per_column)
                        .fetch_all(pool)
                        .await?
                })
            };
            let mut cases = Vec::with_capacity(rows.len());
            for r in rows {
                let own = p.handler && r.unit_path >= p.lo && r.unit_path < p.hi;
                let mut case = r.into_case(p.at)?;
                if !own {
                    // Someone following a case they reported does not see who handles it.
                    case.assignee_user_id = None;
                    case.assignee_name = None;
                }
                let due = days.due(case.due_at, case.status, at);
                cases.push(BoardCase { case, due });
            }
            columns.push(BoardColumn {
                status,
                count,
                overdue,
                cases,
            });
        }
        let assignees = if p.handler {
            let rows: Vec<(i64, String, String)> = db!(self, |pool| {
                sqlx::query_as(
                    "SELECT DISTINCT u.id, u.name, uu.name FROM cases c \
                     JOIN units un ON un.id = c.unit_id \
                     JOIN users u ON u.id = c.assignee_user_id \
                     JOIN units uu ON uu.id = u.unit_id \
                     WHERE un.path >= $1 AND un.path < $2 ORDER BY u.name, u.id",
                )
                .bind(&p.lo)
                .bind(&p.hi)
                .fetch_all(pool)
                .await?
            });
            rows.into_iter()
                .map(|(user_id, name, unit_name)| Assignee {
                    user_id,
                    name,
                    unit_name,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Board {
            total: columns.iter().map(|c| c.count).sum(),
            overdue: columns.iter().map(|c| c.overdue).sum(),
            columns,
            assignees,
        })
    }

    /// (unit path, status) of a case, unscoped: callers check scope first.
    async fn case_path_status(&self, case_id: i64) -> Result<(String, String), StoreError> {
        let row: Option<(String, String)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT un.path, c.status FROM cases c JOIN units un ON un.id = c.unit_id \
                 WHERE c.id = $1",
            )
            .bind(case_id)
            .fetch_optional(pool)
            .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Active handlers the actor may give this case to: admins, leaders and officers inside the
    /// actor's subtree whose own subtree holds the case (as [`Store::assign`] requires),
    /// nearest unit first.
    pub async fn assignable_users(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
    ) -> Result<Vec<Assignee>, StoreError> {
        let detail = self.get_case(actor, case_id).await?;
        if !detail.handler_view {
            return Err(StoreError::forbidden("handling cases"));
        }
        let (path, _) = self.case_path_status(case_id).await?;
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let rows: Vec<(i64, String, String)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, un.name FROM users u JOIN units un ON un.id = u.unit_id \
                 WHERE NOT u.disabled AND u.role IN ('admin', 'leader', 'officer') \
                 AND un.path >= $1 AND un.path < $2 \
                 AND substr($3, 1, length(un.path)) = un.path \
                 ORDER BY length(un.path) DESC, u.name, u.id LIMIT 500",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(&path)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(user_id, name, unit_name)| Assignee {
                user_id,
                name,
                unit_name,
            })
            .collect())
    }

    /// Records the answer to a forwarded case: the step to "answered" and the answer's text
    /// (kept as a reply among the case's notes), in one transaction, both audited.
    pub async fn answer_case(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        reply: &str,
    ) -> Result<CaseDetail, StoreError> {
        let detail = self.get_case(actor, case_id).await?;
        let (path, status) = self.case_path_status(case_id).await?;
        if !detail.handler_view {
            return Err(match actor {
                Some(a) if !a.scope().contains(&path) => StoreError::NotFound,
                _ => StoreError::forbidden("handling cases"),
            });
        }
        let reply = reply.trim();
        if reply.is_empty() || reply.chars().count() > MAX_REPLY {
            return Err(StoreError::invalid(format!(
                "the answer must have 1 to {MAX_REPLY} characters"
            )));
        }
        if status != CaseStatus::Forwarded.as_str() {
            return Err(StoreError::invalid(format!(
                "cannot answer a case that is {status}: only a case that is forwarded can be"
            )));
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE cases SET status = 'answered', updated_at = $1 \
                 WHERE id = $2 AND status = 'forwarded'",
            )
            .bind(at)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::conflict(
                    "the case was changed meanwhile; reload it and try again",
                ));
            }
            let comment: i64 = sqlx::query_scalar(
                "INSERT INTO case_comments (case_id, author_user_id, body, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(case_id)
            .bind(actor_id)
            .bind(reply)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "case.transition",
                "case",
                case_id.to_string(),
                Some(path.clone()),
                json!({ "step": "answer", "from": "forwarded", "to": "answered", "reply": comment })
            )?;
            audit!(
                tx,
                actor_id,
                "case.comment",
                "case",
                case_id.to_string(),
                Some(path.clone()),
                json!({ "comment": comment, "body": reply, "reply": true })
            )?;
            tx.commit().await?;
        });
        self.get_case(actor, case_id).await
    }

    /// Where a case went, with names: a unit's, or a member organization's.
    async fn forwarded(
        &self,
        kind: Option<&str>,
        to: Option<&str>,
        reference: Option<&str>,
        orgs: &[MemberOrg],
    ) -> Result<Option<Forwarded>, StoreError> {
        let (Some(kind), Some(to)) = (kind, to) else {
            return Ok(None);
        };
        let unit_name = if kind == "unit" {
            self.unit_raw(to)
                .await?
                .map(|u| crate::UnitRow::from(u).name)
        } else {
            None
        };
        Ok(Some(Forwarded {
            kind: kind.to_string(),
            to: to.to_string(),
            reference: reference.map(str::to_string),
            unit_name,
            member_org: orgs.iter().find(|m| m.id == to).cloned(),
        }))
    }

    /// The case's history from its audit rows, oldest first (see [`TimelineEvent`]).
    async fn timeline(
        &self,
        case_id: i64,
        unit_path: &str,
        handler: bool,
        orgs: &[MemberOrg],
    ) -> Result<Vec<TimelineEntry>, StoreError> {
        // Every audit row of a case carries its unit's path (a case never changes unit): the
        // index on unit_path finds them.
        let rows: Vec<AuditRow> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.at, u.name, a.action, a.details FROM audit_log a \
                 LEFT JOIN users u ON u.id = a.actor_user_id \
                 WHERE a.unit_path = $1 AND a.entity = 'case' AND a.entity_id = $2 \
                 ORDER BY a.id",
            )
            .bind(unit_path)
            .bind(case_id.to_string())
            .fetch_all(pool)
            .await?
        });
        let mut names: HashMap<i64, Option<String>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (_, at, actor_name, action, details) in rows {
            let d: Value = serde_json::from_str(&details).unwrap_or(Value::Null);
            let event = match action.as_str() {
                "case.create" => TimelineEvent::Opened {
                    title: text_of(&d["title"]).unwrap_or_default(),
                    severity: d["severity"].as_str().and_then(|s| Severity::parse(s).ok()),
                    due_at: d["due_at"]
                        .as_str()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .map(|t| t.with_timezone(&Utc)),
                    items: ids(&d["items"]),
                    split_from: d["split_from"].as_i64(),
                },
                "case.transition" => {
                    let forwarded = self
                        .forwarded(
                            d["forwarded_kind"].as_str(),
                            d["forwarded_to"].as_str(),
                            d["forward_ref"].as_str(),
                            orgs,
                        )
                        .await?;
                    TimelineEvent::Step {
                        step: text_of(&d["step"]).unwrap_or_default(),
                        from: status_of(&d["from"]),
                        to: status_of(&d["to"]),
                        forwarded,
                    }
                }
                "case.assign" => {
                    let to = match d["to"].as_i64() {
                        None => None,
                        Some(uid) => match names.get(&uid) {
                            Some(n) => n.clone(),
                            None => {
                                let n: Option<String> = db!(self, |pool| {
                                    sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
                                        .bind(uid)
                                        .fetch_optional(pool)
                                        .await?
                                });
                                names.insert(uid, n.clone());
                                n
                            }
                        },
                    };
                    TimelineEvent::Assigned { to }
                }
                "case.comment" => TimelineEvent::Comment {
                    body: text_of(&d["body"]).unwrap_or_default(),
                    reply: d["reply"].as_bool().unwrap_or(false),
                },
                "case.add_items" => TimelineEvent::ItemsAdded {
                    items: ids(&d["items"]),
                },
                "case.merge" => TimelineEvent::MergedIn {
                    from: d["from"].as_i64().unwrap_or_default(),
                    items: ids(&d["items"]),
                },
                "case.merged" => TimelineEvent::MergedInto {
                    into: d["into"].as_i64().unwrap_or_default(),
                },
                "case.split" => TimelineEvent::SplitOff {
                    into: d["into"].as_i64().unwrap_or_default(),
                    items: ids(&d["items"]),
                },
                other => TimelineEvent::Other {
                    action: other.to_string(),
                },
            };
            if handler {
                out.push(TimelineEntry {
                    at: ts(at),
                    actor_name,
                    event,
                });
            } else if matches!(event, TimelineEvent::Step { .. }) {
                // Someone following a case they reported sees how far it got and where it
                // went, not who did what nor the officers' notes.
                out.push(TimelineEntry {
                    at: ts(at),
                    actor_name: None,
                    event,
                });
            }
        }
        Ok(out)
    }

    /// One case as its page shows it: the case as the actor may see it (a handler's full view,
    /// or a reporter's), its visible items, its due date in working days, where it went, its
    /// history, and for handlers whom it may be given to and where it may be forwarded.
    pub async fn case_view(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
    ) -> Result<CaseView, StoreError> {
        let detail = self.get_case(actor, case_id).await?;
        let (path, _) = self.case_path_status(case_id).await?;
        let handler = detail.handler_view;
        let orgs = self.member_orgs().await?;
        let calendar = self.work_calendar().await?;
        let due =
            WorkingDays::new(&calendar).due(detail.case.due_at, detail.case.status, Utc::now());
        let mut items = Vec::new();
        for &id in detail.items.iter().take(MAX_ITEMS_SHOWN) {
            match self.item(actor, id).await {
                Ok(i) => items.push(i),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let forwarded = self
            .forwarded(
                detail.case.forwarded_kind.as_deref(),
                detail.case.forwarded_to.as_deref(),
                detail.case.forward_ref.as_deref(),
                &orgs,
            )
            .await?;
        let timeline = self.timeline(case_id, &path, handler, &orgs).await?;
        let (assignable, forward_units, member_orgs) = if handler {
            let mut ancestors = Vec::new();
            let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
            for id in segments.iter().rev().skip(1) {
                if let Some(u) = self.unit_raw(id).await? {
                    let u = crate::UnitRow::from(u);
                    ancestors.push((u.id, u.name));
                }
            }
            (
                self.assignable_users(actor, case_id).await?,
                ancestors,
                orgs,
            )
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Ok(CaseView {
            detail,
            due,
            items,
            forwarded,
            timeline,
            assignable,
            forward_units,
            member_orgs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        // Hanoi wall-clock hour as UTC.
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
            - Duration::hours(LOCAL_OFFSET_HOURS)
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = WorkCalendar::default();
        let mut w = WorkingDays::new(&cal);
        let open = CaseStatus::Verifying;
        // Friday 27 November 2026 at 9:00, due Monday 30 November: one working day away.
        let d = w.due(at(2026, 11, 30, 10), open, at(2026, 11, 27, 9));
        assert_eq!((d.overdue, d.working_days), (false, 1));
        // Due later the same day.
        let d = w.due(at(2026, 11, 27, 16), open, at(2026, 11, 27, 9));
        assert_eq!((d.overdue, d.working_days), (false, 0));
        // Due on Friday, now Tuesday 1 December: Monday and Tuesday have passed.
        let d = w.due(at(2026, 11, 27, 16), open, at(2026, 12, 1, 9));
        assert_eq!((d.overdue, d.working_days), (true, 2));
        // Earlier today.
        let d = w.due(at(2026, 12, 1, 8), open, at(2026, 12, 1, 9));
        assert_eq!((d.overdue, d.working_days), (true, 0));
        // Answered cases are never overdue.
        let d = w.due(
            at(2026, 11, 27, 16),
            CaseStatus::Answered,
            at(2026, 12, 1, 9),
        );
        assert!(!d.overdue && !d.open);
        // 30 April and 1 May 2026 (Thursday, Friday) are holidays: from Wednesday 29 April,
        // Monday 4 May is one working day away.
        let d = w.due(at(2026, 5, 4, 10), open, at(2026, 4, 29, 9));
        assert_eq!(d.working_days, 1);
    }
}
