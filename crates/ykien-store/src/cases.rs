//! Cases (vụ việc): items about one matter, grouped so that officers handle the matter once.
//!
//! Workflow, enforced here and nowhere else:
//! `new → verifying → forwarded → answered → closed`, and `reopen` from `answered` or
//! `closed` back to `verifying`. Forwarding names where the matter went (one of our units, a
//! member organization, or an outside body such as iHanoi) and that body's reference.
//!
//! Cases are opened by hand or from suggestions (`ykien_listen::suggest_cases`); officers
//! add items, merge two cases (the merged one is closed, its items move) and split items off
//! into a new case. An item belongs to at most one case.
//!
//! Each case has a due date. By default it is set from the severity in *working* hours, after
//! the rule for iHanoi named in the issue "Listen and act": urgent within 4 working hours,
//! normal within 8 (see [`due_after`] for the working week). Reopening starts the clock again.
//!
//! Who may do what:
//! - handlers (admins, leaders, officers) whose subtree holds the case's unit read and change
//!   it; a case outside the actor's subtree does not exist for it (not found), and other roles
//!   inside the subtree are refused (forbidden);
//! - whoever filed one of the case's items may follow it (status, due date, where it was
//!   forwarded), even when the case sits at a higher unit, but sees only its own items and
//!   none of the officers' comments.
//!
//! Every change writes its audit row in the same transaction: the audit log is the case's
//! full history.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ykien_core::calendar::WorkCalendar;
use ykien_core::{Actor, Permission, Scope, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::items::View;
use crate::model::{now, ts};
use crate::users::{UserDb, user_select};
use crate::{Store, StoreError};

/// How fast a case must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Urgent,
    Normal,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Urgent => "urgent",
            Severity::Normal => "normal",
        }
    }

    pub fn parse(s: &str) -> Result<Severity, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "urgent" | "khan" | "khẩn" => Ok(Severity::Urgent),
            "normal" | "" | "thuong" | "thường" => Ok(Severity::Normal),
            other => Err(StoreError::invalid(format!(
                "unknown severity {other:?} (expected urgent or normal)"
            ))),
        }
    }

    /// Working hours allowed by default: iHanoi's rule as the issue states it (urgent
    /// within 4 working hours, normal within 8).
    pub fn working_hours(self) -> i64 {
        match self {
            Severity::Urgent => 4,
            Severity::Normal => 8,
        }
    }

    /// The default due date of a case of this severity opened (or reopened) at `from`,
    /// counted in the working hours of `calendar` (office hours, weekends and holidays).
    pub fn due_from(self, calendar: &WorkCalendar, from: DateTime<Utc>) -> DateTime<Utc> {
        calendar.due_after(from, Duration::hours(self.working_hours()))
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    New,
    Verifying,
    Forwarded,
    Answered,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::New,
        CaseStatus::Verifying,
        CaseStatus::Forwarded,
        CaseStatus::Answered,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Verifying => "verifying",
            CaseStatus::Forwarded => "forwarded",
            CaseStatus::Answered => "answered",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<CaseStatus, StoreError> {
        let t = s.trim();
        CaseStatus::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown case status {t:?} (expected one of: new, verifying, forwarded, \
                     answered, closed)"
                ))
            })
    }

    /// Still waiting for an answer: the due date matters.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Answered | CaseStatus::Closed)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// new → verifying
    Verify,
    /// verifying → forwarded: `to` is a unit id, a member organization id, or the name of an
    /// outside body ("iHanoi"); `reference` is that body's own reference, when it gave one.
    Forward {
        to: String,
        reference: Option<String>,
    },
    /// forwarded → answered
    Answer,
    /// answered → closed
    Close,
    /// answered or closed → verifying (the clock starts again)
    Reopen,
}

impl Transition {
    pub fn name(&self) -> &'static str {
        match self {
            Transition::Verify => "verify",
            Transition::Forward { .. } => "forward",
            Transition::Answer => "answer",
            Transition::Close => "close",
            Transition::Reopen => "reopen",
        }
    }

    fn allowed_from(&self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Transition::Verify => &[New],
            Transition::Forward { .. } => &[Verifying],
            Transition::Answer => &[Forwarded],
            Transition::Close => &[Answered],
            Transition::Reopen => &[Answered, Closed],
        }
    }

    fn target(&self) -> CaseStatus {
        match self {
            Transition::Verify | Transition::Reopen => CaseStatus::Verifying,
            Transition::Forward { .. } => CaseStatus::Forwarded,
            Transition::Answer => CaseStatus::Answered,
            Transition::Close => CaseStatus::Closed,
        }
    }
}

/// Input for [`Store::create_case`].
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The unit that handles the case (an id as typed); its subtree must hold every item.
    pub unit: String,
    pub title: String,
    pub severity: Severity,
    pub item_ids: Vec<i64>,
    /// None: the default from the severity, in working hours.
    pub due_at: Option<DateTime<Utc>>,
}

/// A case as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub title: String,
    pub status: CaseStatus,
    pub severity: Severity,
    pub assignee_user_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub due_at: DateTime<Utc>,
    /// Past its due date and not yet answered.
    pub overdue: bool,
    /// "unit", "member_org" or "outside".
    pub forwarded_kind: Option<String>,
    pub forwarded_to: Option<String>,
    pub forward_ref: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub item_count: i64,
}

/// An officer's note on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseComment {
    pub id: i64,
    pub author_user_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// One case with its items and comments, as the actor may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    /// Item ids; for a reporter's view only its own items.
    pub items: Vec<i64>,
    /// Empty in a reporter's view.
    pub comments: Vec<CaseComment>,
    /// False: the view of someone who filed one of the items, not of a handler.
    pub handler_view: bool,
}

/// What [`Store::list_cases`] returns.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// Only cases past their due date and not yet answered.
    pub overdue: bool,
    /// 0: the default (200).
    pub limit: u32,
}

// ---------------------------------------------------------------------------------------------
// Rows

macro_rules! case_select {
    () => {
        "SELECT c.id, c.unit_id, un.name AS unit_name, un.path AS unit_path, c.title, c.status, \
         c.severity, c.assignee_user_id, au.name AS assignee_name, c.due_at, c.forwarded_kind, \
         c.forwarded_to, c.forward_ref, c.created_by, c.created_at, c.updated_at, c.closed_at, \
         (SELECT COUNT(*) FROM case_items ci WHERE ci.case_id = c.id) AS item_count \
         FROM cases c JOIN units un ON un.id = c.unit_id \
         LEFT JOIN users au ON au.id = c.assignee_user_id"
    };
}
pub(crate) use case_select;

#[derive(sqlx::FromRow)]
pub(crate) struct CaseDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    pub(crate) unit_path: String,
    title: String,
    status: String,
    severity: String,
    assignee_user_id: Option<i64>,
    assignee_name: Option<String>,
    due_at: i64,
    forwarded_kind: Option<String>,
    forwarded_to: Option<String>,
    forward_ref: Option<String>,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
    item_count: i64,
}

impl CaseDb {
    fn status(&self) -> Result<CaseStatus, StoreError> {
        CaseStatus::parse(&self.status).map_err(|_| {
            StoreError::Database(format!("case {} has status {}", self.id, self.status))
        })
    }

    pub(crate) fn into_case(self, at: i64) -> Result<Case, StoreError> {
        let status = self.status()?;
        let severity = Severity::parse(&self.severity).map_err(|_| {
            StoreError::Database(format!("case {} has severity {}", self.id, self.severity))
        })?;
        Ok(Case {
            id: self.id,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            title: self.title,
            status,
            severity,
            assignee_user_id: self.assignee_user_id,
            assignee_name: self.assignee_name,
            due_at: ts(self.due_at),
            overdue: status.is_open() && self.due_at < at,
            forwarded_kind: self.forwarded_kind,
            forwarded_to: self.forwarded_to,
            forward_ref: self.forward_ref,
            created_by: self.created_by,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
            closed_at: self.closed_at.map(ts),
            item_count: self.item_count,
        })
    }
}

/// How an actor stands towards one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Handler,
    /// Filed one of its items.
    Reporter,
}

fn clean(s: &str, what: &str, max: usize) -> Result<String, StoreError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(StoreError::invalid(format!(
            "{what} must have 1 to {max} characters"
        )));
    }
    Ok(t.to_string())
}

fn is_handler(actor: Option<&Actor>, unit_path: &str) -> bool {
    actor.is_none_or(|a| can(a, Permission::Handle, unit_path))
}

/// Changes are for handlers of the case's subtree: outside it the case does not exist.
fn may_change(actor: Option<&Actor>, unit_path: &str) -> Result<(), StoreError> {
    match actor {
        Some(a) if !a.scope().contains(unit_path) => Err(StoreError::NotFound),
        Some(a) if !can(a, Permission::Handle, unit_path) => {
            Err(StoreError::forbidden("handling cases"))
        }
        _ => Ok(()),
    }
}

/// Refuses an item that already belongs to a case, naming the case (inside a transaction:
/// `taken!(tx, item_id)`).
macro_rules! taken {
    ($tx:expr, $item:expr) => {{
        let item: i64 = $item;
        let other: Option<i64> =
            sqlx::query_scalar("SELECT case_id FROM case_items WHERE item_id = $1")
                .bind(item)
                .fetch_optional(&mut *$tx)
                .await?;
        if let Some(c) = other {
            return Err(StoreError::conflict(format!(
                "item {item} already belongs to case {c}"
            )));
        }
    }};
}

/// (id, author_user_id, author_name, body, created_at)
type CommentRow = (i64, Option<i64>, Option<String>, String, i64);

const MAX_TITLE: usize = 300;
const MAX_COMMENT: usize = 10_000;
const MAX_FORWARD: usize = 200;

impl Store {
    async fn case_raw(&self, id: i64) -> Result<Option<CaseDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(case_select!(), " WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The case's items the actor filed itself, inside its own subtree.
    async fn own_case_items(&self, actor: &Actor, case_id: i64) -> Result<Vec<i64>, StoreError> {
        let (lo, hi) = actor.scope().range();
        Ok(db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT ci.item_id FROM case_items ci JOIN items i ON i.id = ci.item_id \
                 JOIN units iu ON iu.id = i.unit_id WHERE ci.case_id = $1 \
                 AND i.author_user_id = $2 AND iu.path >= $3 AND iu.path < $4 ORDER BY ci.item_id",
            )
            .bind(case_id)
            .bind(actor.user_id)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?
        }))
    }

    async fn standing(&self, actor: Option<&Actor>, r: &CaseDb) -> Result<Standing, StoreError> {
        let Some(a) = actor else {
            return Ok(Standing::Handler);
        };
        let in_scope = a.scope().contains(&r.unit_path);
        if in_scope && can(a, Permission::Handle, &r.unit_path) {
            return Ok(Standing::Handler);
        }
        if !self.own_case_items(a, r.id).await?.is_empty() {
            return Ok(Standing::Reporter);
        }
        if in_scope {
            Err(StoreError::forbidden("reading cases"))
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Checks that the actor may put these items into a case of the unit at `unit_path`:
    /// each must be visible to it (else not found) and lie in that unit's subtree.
    async fn check_case_items(
        &self,
        actor: Option<&Actor>,
        unit_path: &str,
        ids: &[i64],
    ) -> Result<Vec<i64>, StoreError> {
        let view = View::of(actor);
        let case_scope = Scope::at(unit_path);
        let mut out: Vec<i64> = Vec::with_capacity(ids.len());
        for &id in ids {
            if out.contains(&id) {
                continue;
            }
            let r = self.item_raw(id).await?.ok_or(StoreError::NotFound)?;
            if actor.is_some_and(|a| !a.scope().contains(&r.unit_path)) || !view.visible(&r) {
                return Err(StoreError::NotFound);
            }
            if !case_scope.contains(&r.unit_path) {
                return Err(StoreError::invalid(format!(
                    "item {id} lies outside the case's unit; open the case at a unit that \
                     holds all its items"
                )));
            }
            out.push(id);
        }
        Ok(out)
    }

    /// Opens a case in `new.unit` (the actor's subtree; handlers only) over items the actor
    /// can see, each of which may belong to no other case.
    pub async fn create_case(
        &self,
        actor: Option<&Actor>,
        new: NewCase,
    ) -> Result<CaseDetail, StoreError> {
        let title = clean(&new.title, "a case title", MAX_TITLE)?;
        let unit_id = new.unit.trim();
        let unit = match (self.unit_raw(unit_id).await?, actor) {
            (None, None) => return Err(StoreError::invalid(format!("unknown unit {unit_id:?}"))),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(u), _) => u,
        };
        may_change(actor, &unit.path)?;
        if unit.generation == "legacy" {
            return Err(StoreError::invalid(format!(
                "unit {unit_id:?} was abolished on 1 July 2025; open cases under a current unit"
            )));
        }
        let items = self
            .check_case_items(actor, &unit.path, &new.item_ids)
            .await?;
        let at = now();
        let due = match new.due_at {
            Some(due) => due,
            None => new.severity.due_from(&self.work_calendar().await?, ts(at)),
        }
        .timestamp();
        let actor_id = actor.map(|a| a.user_id);
        let severity = new.severity.as_str();
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for &item in &items {
                taken!(tx, item);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (unit_id, title, status, severity, due_at, created_by, \
                 created_at, updated_at) VALUES ($1, $2, 'new', $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(&unit.id)
            .bind(&title)
            .bind(severity)
            .bind(due)
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for &item in &items {
                sqlx::query(
                    "INSERT INTO case_items (case_id, item_id, added_at) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(item)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            audit!(
                tx,
                actor_id,
                "case.create",
                "case",
                id.to_string(),
                Some(unit.path.clone()),
                json!({
                    "unit": unit.id, "title": title, "severity": severity,
                    "due_at": ts(due).to_rfc3339(), "items": items,
                })
            )?;
            tx.commit().await?;
            id
        });
        self.get_case(actor, id).await
    }

    /// Adds items to an open case (not a closed one: reopen it first).
    pub async fn add_items(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        item_ids: &[i64],
    ) -> Result<CaseDetail, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &r.unit_path)?;
        if r.status()? == CaseStatus::Closed {
            return Err(StoreError::invalid(
                "the case is closed; reopen it before adding items",
            ));
        }
        let items = self.check_case_items(actor, &r.unit_path, item_ids).await?;
        if items.is_empty() {
            return Err(StoreError::invalid("name at least one item to add"));
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for &item in &items {
                taken!(tx, item);
                sqlx::query(
                    "INSERT INTO case_items (case_id, item_id, added_at) VALUES ($1, $2, $3)",
                )
                .bind(case_id)
                .bind(item)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "case.add_items",
                "case",
                case_id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "items": items })
            )?;
            tx.commit().await?;
        });
        self.get_case(actor, case_id).await
    }

    /// Takes one step of the workflow; a step the case's status does not allow is refused
    /// with a message naming both.
    pub async fn transition(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        step: Transition,
    ) -> Result<CaseDetail, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &r.unit_path)?;
        let from = r.status()?;
        check_step(&step, from)?;
        let forward = match &step {
            Transition::Forward { to, reference } => {
                let to = clean(to, "the body the case is forwarded to", MAX_FORWARD)?;
                let reference = match reference.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(s) => Some(clean(s, "the forwarding reference", MAX_FORWARD)?),
                };
                let kind = self.forward_kind(&to).await?;
                Some((kind, to, reference))
            }
            _ => None,
        };
        let severity = Severity::parse(&r.severity)?;
        let target = step.target();
        // Only a reopening sets a new due date; the calendar is read for it alone.
        let calendar = match step {
            Transition::Reopen => self.work_calendar().await?,
            _ => WorkCalendar::default(),
        };
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let changed = match (&step, &forward) {
                (Transition::Forward { .. }, Some((kind, to, reference))) => {
                    sqlx::query(
                        "UPDATE cases SET status = $1, forwarded_kind = $2, forwarded_to = $3, \
                         forward_ref = $4, updated_at = $5 WHERE id = $6 AND status = $7",
                    )
                    .bind(target.as_str())
                    .bind(*kind)
                    .bind(to)
                    .bind(reference)
                    .bind(at)
                    .bind(case_id)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                }
                (Transition::Close, _) => {
                    sqlx::query(
                        "UPDATE cases SET status = $1, closed_at = $2, updated_at = $2 \
                         WHERE id = $3 AND status = $4",
                    )
                    .bind(target.as_str())
                    .bind(at)
                    .bind(case_id)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                }
                (Transition::Reopen, _) => {
                    sqlx::query(
                        "UPDATE cases SET status = $1, closed_at = NULL, due_at = $2, \
                         updated_at = $3 WHERE id = $4 AND status = $5",
                    )
                    .bind(target.as_str())
                    .bind(severity.due_from(&calendar, ts(at)).timestamp())
                    .bind(at)
                    .bind(case_id)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                }
                _ => sqlx::query(
                    "UPDATE cases SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                )
                .bind(target.as_str())
                .bind(at)
                .bind(case_id)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?,
            };
            if changed.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::conflict(
                    "the case was changed meanwhile; reload it and try again",
                ));
            }
            let mut details =
                json!({ "step": step.name(), "from": from.as_str(), "to": target.as_str() });
            if let Some((kind, to, reference)) = &forward {
                details["forwarded_kind"] = json!(kind);
                details["forwarded_to"] = json!(to);
                details["forward_ref"] = json!(reference);
            }
            audit!(
                tx,
                actor_id,
                "case.transition",
                "case",
                case_id.to_string(),
                Some(r.unit_path.clone()),
                details
            )?;
            tx.commit().await?;
        });
        self.get_case(actor, case_id).await
    }

    /// "unit", "member_org" or "outside" for a forwarding target as typed.
    async fn forward_kind(&self, to: &str) -> Result<&'static str, StoreError> {
        if let Some(u) = self.unit_raw(to).await? {
            if u.generation == "legacy" {
                return Err(StoreError::invalid(format!(
                    "unit {to:?} was abolished on 1 July 2025; forward to a current unit"
                )));
            }
            return Ok("unit");
        }
        if self.member_orgs().await?.iter().any(|m| m.id == to) {
            return Ok("member_org");
        }
        Ok("outside")
    }

    /// Gives the case to a handler who can see it (None: nobody). The assignee must be an
    /// active admin, leader or officer whose subtree holds the case, inside the actor's.
    pub async fn assign(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        assignee: Option<i64>,
    ) -> Result<CaseDetail, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &r.unit_path)?;
        if let Some(uid) = assignee {
            let u: Option<UserDb> = db!(self, |pool| {
                sqlx::query_as(concat!(user_select!(), " WHERE u.id = $1"))
                    .bind(uid)
                    .fetch_optional(pool)
                    .await?
            });
            let refuse = || {
                StoreError::invalid(format!(
                    "user {uid} is not an active officer who can handle this case"
                ))
            };
            let u = u.ok_or_else(refuse)?;
            if u.disabled || actor.is_some_and(|a| !a.scope().contains(&u.unit_path)) {
                return Err(refuse());
            }
            let them = u.into_actor()?;
            if !can(&them, Permission::Handle, &r.unit_path) {
                return Err(refuse());
            }
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE cases SET assignee_user_id = $1, updated_at = $2 WHERE id = $3")
                .bind(assignee)
                .bind(at)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "case.assign",
                "case",
                case_id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "from": r.assignee_user_id, "to": assignee })
            )?;
            tx.commit().await?;
        });
        self.get_case(actor, case_id).await
    }

    /// Adds a handler's note; the note itself goes into the audit log too.
    pub async fn comment(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        body: &str,
    ) -> Result<CaseComment, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &r.unit_path)?;
        let body = clean(body, "a comment", MAX_COMMENT)?;
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO case_comments (case_id, author_user_id, body, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(case_id)
            .bind(actor_id)
            .bind(&body)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "case.comment",
                "case",
                case_id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "comment": id, "body": body })
            )?;
            tx.commit().await?;
            id
        });
        Ok(CaseComment {
            id,
            author_user_id: actor_id,
            author_name: actor.map(|a| a.name.clone()),
            body,
            created_at: ts(at),
        })
    }

    /// One case: a handler's full view, or the view of someone who filed one of its items.
    pub async fn get_case(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
    ) -> Result<CaseDetail, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        let standing = self.standing(actor, &r).await?;
        let at = now();
        match standing {
            Standing::Handler => {
                let (items, comments): (Vec<i64>, Vec<CommentRow>) = db!(self, |pool| {
                    let items = sqlx::query_scalar(
                        "SELECT item_id FROM case_items WHERE case_id = $1 ORDER BY item_id",
                    )
                    .bind(case_id)
                    .fetch_all(pool)
                    .await?;
                    let comments = sqlx::query_as(
                        "SELECT cc.id, cc.author_user_id, u.name, cc.body, cc.created_at \
                             FROM case_comments cc LEFT JOIN users u ON u.id = cc.author_user_id \
                             WHERE cc.case_id = $1 ORDER BY cc.id",
                    )
                    .bind(case_id)
                    .fetch_all(pool)
                    .await?;
                    (items, comments)
                });
                Ok(CaseDetail {
                    case: r.into_case(at)?,
                    items,
                    comments: comments
                        .into_iter()
                        .map(
                            |(id, author_user_id, author_name, body, created_at)| CaseComment {
                                id,
                                author_user_id,
                                author_name,
                                body,
                                created_at: ts(created_at),
                            },
                        )
                        .collect(),
                    handler_view: true,
                })
            }
            Standing::Reporter => {
                let items = match actor {
                    Some(a) => self.own_case_items(a, case_id).await?,
                    None => Vec::new(),
                };
                let mut case = r.into_case(at)?;
                case.assignee_user_id = None;
                case.assignee_name = None;
                case.item_count = items.len() as i64;
                Ok(CaseDetail {
                    case,
                    items,
                    comments: Vec::new(),
                    handler_view: false,
                })
            }
        }
    }

    /// Merges case `from` into case `into`: its items move over and it is closed, the merge
    /// recorded on both in the audit log. `into` must be open to changes (not closed) and its
    /// unit's subtree must hold `from`'s unit.
    pub async fn merge_cases(
        &self,
        actor: Option<&Actor>,
        into: i64,
        from: i64,
    ) -> Result<CaseDetail, StoreError> {
        let a = self.case_raw(into).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &a.unit_path)?;
        let b = self.case_raw(from).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &b.unit_path)?;
        if into == from {
            return Err(StoreError::invalid("a case cannot be merged into itself"));
        }
        if a.status()? == CaseStatus::Closed {
            return Err(StoreError::invalid(format!(
                "case {into} is closed; reopen it before merging into it"
            )));
        }
        let b_status = b.status()?;
        if b_status == CaseStatus::Closed {
            return Err(StoreError::invalid(format!(
                "case {from} is closed already; reopen it to merge it"
            )));
        }
        if !Scope::at(&a.unit_path).contains(&b.unit_path) {
            return Err(StoreError::invalid(format!(
                "case {from} belongs to a unit outside the unit of case {into}; merge the other \
                 way round, into the case of the higher unit"
            )));
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let moved: Vec<i64> = sqlx::query_scalar(
                "UPDATE case_items SET case_id = $1 WHERE case_id = $2 RETURNING item_id",
            )
            .bind(into)
            .bind(from)
            .fetch_all(&mut *tx)
            .await?;
            let closed = sqlx::query(
                "UPDATE cases SET status = 'closed', closed_at = $1, updated_at = $1 \
                 WHERE id = $2 AND status = $3",
            )
            .bind(at)
            .bind(from)
            .bind(b_status.as_str())
            .execute(&mut *tx)
            .await?;
            if closed.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::conflict(
                    "the case was changed meanwhile; reload it and try again",
                ));
            }
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(into)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "case.merge",
                "case",
                into.to_string(),
                Some(a.unit_path.clone()),
                json!({ "from": from, "items": moved })
            )?;
            audit!(
                tx,
                actor_id,
                "case.merged",
                "case",
                from.to_string(),
                Some(b.unit_path.clone()),
                json!({ "into": into, "from_status": b_status.as_str(), "items": moved })
            )?;
            tx.commit().await?;
        });
        self.get_case(actor, into).await
    }

    /// Splits some items off a case into a new case of the same unit and severity, opened
    /// now (status new, a fresh due date). At least one item must stay behind.
    pub async fn split_case(
        &self,
        actor: Option<&Actor>,
        case_id: i64,
        item_ids: &[i64],
        title: &str,
    ) -> Result<CaseDetail, StoreError> {
        let r = self.case_raw(case_id).await?.ok_or(StoreError::NotFound)?;
        may_change(actor, &r.unit_path)?;
        if r.status()? == CaseStatus::Closed {
            return Err(StoreError::invalid(
                "the case is closed; reopen it before splitting it",
            ));
        }
        let title = clean(title, "a case title", MAX_TITLE)?;
        let mut items: Vec<i64> = Vec::new();
        for &i in item_ids {
            if !items.contains(&i) {
                items.push(i);
            }
        }
        if items.is_empty() {
            return Err(StoreError::invalid("name the items to split off"));
        }
        let severity = Severity::parse(&r.severity)?;
        let at = now();
        let due = severity
            .due_from(&self.work_calendar().await?, ts(at))
            .timestamp();
        let actor_id = actor.map(|a| a.user_id);
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let held: Vec<i64> =
                sqlx::query_scalar("SELECT item_id FROM case_items WHERE case_id = $1")
                    .bind(case_id)
                    .fetch_all(&mut *tx)
                    .await?;
            if let Some(stray) = items.iter().find(|i| !held.contains(i)) {
                return Err(StoreError::invalid(format!(
                    "item {stray} is not in case {case_id}"
                )));
            }
            if items.len() == held.len() {
                return Err(StoreError::invalid(
                    "a split must leave at least one item in the case",
                ));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (unit_id, title, status, severity, due_at, created_by, \
                 created_at, updated_at) VALUES ($1, $2, 'new', $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(&r.unit_id)
            .bind(&title)
            .bind(severity.as_str())
            .bind(due)
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for &item in &items {
                sqlx::query(
                    "UPDATE case_items SET case_id = $1 WHERE case_id = $2 AND item_id = $3",
                )
                .bind(id)
                .bind(case_id)
                .bind(item)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "case.split",
                "case",
                case_id.to_string(),
                Some(r.unit_path.clone()),
                json!({ "items": items, "into": id })
            )?;
            audit!(
                tx,
                actor_id,
                "case.create",
                "case",
                id.to_string(),
                Some(r.unit_path.clone()),
                json!({
                    "unit": r.unit_id, "title": title, "severity": severity.as_str(),
                    "due_at": ts(due).to_rfc3339(), "items": items, "split_from": case_id,
                })
            )?;
            tx.commit().await?;
            id
        });
        self.get_case(actor, id).await
    }

    /// Items of the actor's subtree received since `since` that already belong to a case:
    /// case suggestions leave them out.
    pub async fn cased_items_since(
        &self,
        actor: Option<&Actor>,
        since: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        Ok(db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT ci.item_id FROM case_items ci JOIN items i ON i.id = ci.item_id \
                 JOIN units un ON un.id = i.unit_id \
                 WHERE un.path >= $1 AND un.path < $2 AND i.received_at >= $3 ORDER BY ci.item_id",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(since.timestamp())
            .fetch_all(pool)
            .await?
        }))
    }

    /// Cases the actor may see, soonest due first: a handler's whole subtree; for other roles
    /// the cases holding items they filed.
    pub async fn list_cases(
        &self,
        actor: Option<&Actor>,
        filter: &CaseFilter,
    ) -> Result<Vec<Case>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => a.scope().range(),
            None => ("/".to_string(), "0".to_string()),
        };
        let handler = match actor {
            Some(a) => is_handler(Some(a), &a.unit_path),
            None => true,
        };
        let user_id = actor.map(|a| a.user_id);
        let at = now();
        let limit = i64::from(if filter.limit == 0 {
            200
        } else {
            filter.limit.min(10_000)
        });
        let status = filter.status.map(CaseStatus::as_str);
        let rows: Vec<CaseDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                case_select!(),
                " WHERE (($1 AND un.path >= $2 AND un.path < $3) OR EXISTS (\
                   SELECT 1 FROM case_items ci JOIN items i ON i.id = ci.item_id \
                   JOIN units iu ON iu.id = i.unit_id WHERE ci.case_id = c.id \
                   AND i.author_user_id = $4 AND iu.path >= $2 AND iu.path < $3)) \
                 AND ($5 = '' OR c.status = $5) \
                 AND (NOT $6 OR (c.due_at < $7 AND c.status NOT IN ('answered', 'closed'))) \
                 ORDER BY c.due_at, c.id LIMIT $8"
            ))
            .bind(handler)
            .bind(&lo)
            .bind(&hi)
            .bind(user_id)
            .bind(status.unwrap_or(""))
            .bind(filter.overdue)
            .bind(at)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let own = handler && r.unit_path.starts_with(&lo) && r.unit_path < hi;
            let mut c = r.into_case(at)?;
            if !own {
                c.assignee_user_id = None;
                c.assignee_name = None;
            }
            out.push(c);
        }
        Ok(out)
    }
}

fn check_step(step: &Transition, from: CaseStatus) -> Result<(), StoreError> {
    if step.allowed_from().contains(&from) {
        return Ok(());
    }
    let allowed: Vec<&str> = step.allowed_from().iter().map(|s| s.as_str()).collect();
    Err(StoreError::invalid(format!(
        "cannot {} a case that is {}: only a case that is {} can be",
        step.name(),
        from.as_str(),
        allowed.join(" or "),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};

    /// A moment given in Hanoi time.
    fn hn(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        chrono::FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn working_hours_skip_nights_lunch_and_weekends() {
        let cal = WorkCalendar::default();
        // 2026-11-27 is a Friday.
        assert_eq!(
            hn(2026, 11, 27, 0, 0)
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
                .weekday(),
            chrono::Weekday::Fri
        );
        let urgent = Severity::Urgent;
        let normal = Severity::Normal;
        // Friday 16:00 + 4 h: 1 h 30 on Friday, 2 h 30 on Monday from 8:00.
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 27, 16, 0)),
            hn(2026, 11, 30, 10, 30)
        );
        // Monday 8:00 + 4 h: the morning exactly.
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 30, 8, 0)),
            hn(2026, 11, 30, 12, 0)
        );
        // Monday 10:00 + 4 h: 2 h before lunch, 2 h after 13:30.
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 30, 10, 0)),
            hn(2026, 11, 30, 15, 30)
        );
        // During lunch the clock waits for 13:30.
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 30, 12, 45)),
            hn(2026, 11, 30, 17, 30)
        );
        // Before opening: the day starts at 8:00.
        assert_eq!(
            normal.due_from(&cal, hn(2026, 12, 1, 6, 0)),
            hn(2026, 12, 1, 17, 30)
        );
        // Normal from Tuesday 9:15: 2 h 45 + 4 h on Tuesday, 1 h 15 on Wednesday.
        assert_eq!(
            normal.due_from(&cal, hn(2026, 12, 1, 9, 15)),
            hn(2026, 12, 2, 9, 15)
        );
        // Saturday and Sunday do not count; after closing counts from the next morning.
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 28, 11, 0)),
            hn(2026, 11, 30, 12, 0)
        );
        assert_eq!(
            urgent.due_from(&cal, hn(2026, 11, 27, 18, 0)),
            hn(2026, 11, 30, 12, 0)
        );
        // Normal on Friday afternoon spans the weekend.
        assert_eq!(
            normal.due_from(&cal, hn(2026, 11, 27, 15, 0)),
            hn(2026, 11, 30, 15, 0)
        );
        // Seconds are kept.
        let start = hn(2026, 11, 30, 9, 0) + Duration::seconds(17);
        assert_eq!(
            urgent.due_from(&cal, start),
            hn(2026, 11, 30, 14, 30) + Duration::seconds(17)
        );
    }

    #[test]
    fn workflow_steps() {
        use CaseStatus::*;
        assert!(check_step(&Transition::Verify, New).is_ok());
        assert!(check_step(&Transition::Reopen, Closed).is_ok());
        assert!(check_step(&Transition::Reopen, Answered).is_ok());
        let e = check_step(&Transition::Close, Verifying).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot close a case that is verifying: only a case that is answered can be"
        );
        let e = check_step(&Transition::Reopen, New).unwrap_err();
        assert!(e.to_string().contains("answered or closed"), "{e}");
    }
}
