//! Alerts: what flared up, where, how far above normal, with the items that show it.
//!
//! Alerts are raised by the system (the evaluator in `ykien-alerts`, the own-site integrity
//! watch of the feeds), never by a person, and are filed under a unit: who may see one is
//! scoped by that unit's subtree, like every unit-bound record. One *open* alert per
//! `dedup_key` (a partial unique index enforces it), so a burst that goes on for hours stays
//! one alert; items seen later are attached to it instead.
//!
//! Officers (handlers) acknowledge and close alerts of their subtree and manage the rules,
//! keyword watches and delivery channels of their subtree (see `alert_rules.rs`-like sections
//! below). Every change writes its audit row in the same transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{now, ts};
use crate::{Store, StoreError};

/// Why an alert was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A threshold rule: enough items of a topic in a unit's subtree within a window.
    Rule,
    /// A keyword watch matched.
    Keyword,
    /// A series (topic × unit) rose far above its own baseline.
    Burst,
    /// A watched page of the organization's own site changed and brought in spam.
    Integrity,
}

impl AlertKind {
    pub const ALL: [AlertKind; 4] = [
        AlertKind::Rule,
        AlertKind::Keyword,
        AlertKind::Burst,
        AlertKind::Integrity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Rule => "rule",
            AlertKind::Keyword => "keyword",
            AlertKind::Burst => "burst",
            AlertKind::Integrity => "integrity",
        }
    }

    pub fn parse(s: &str) -> Result<AlertKind, StoreError> {
        let t = s.trim();
        AlertKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown alert kind {t:?} (expected rule, keyword, burst or integrity)"
                ))
            })
    }
}

/// How loudly an alert is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    Normal,
    Urgent,
}

impl AlertSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Normal => "normal",
            AlertSeverity::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Result<AlertSeverity, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "urgent" | "khan" | "khẩn" => Ok(AlertSeverity::Urgent),
            "normal" | "" | "thuong" | "thường" => Ok(AlertSeverity::Normal),
            other => Err(StoreError::invalid(format!(
                "unknown severity {other:?} (expected urgent or normal)"
            ))),
        }
    }
}

/// Where an alert stands. Only an open alert deduplicates: once acknowledged or closed, the
/// same key may raise a new alert (the evaluator adds its own cool-down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Closed,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 3] = [
        AlertStatus::Open,
        AlertStatus::Acknowledged,
        AlertStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<AlertStatus, StoreError> {
        let t = s.trim();
        AlertStatus::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "unknown alert status {t:?} (expected open, acknowledged or closed)"
                ))
            })
    }
}

/// Input of [`Store::raise_alert`].
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// The unit the alert is filed under: who may see it is scoped by this unit's subtree.
    pub unit_id: String,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    /// Plain one-line summary (Vietnamese), kept for e-mail and webhook bodies.
    pub title: String,
    /// Structured facts (what, where, how far above normal, url, matched terms...), JSON.
    pub details: serde_json::Value,
    pub item_ids: Vec<i64>,
    /// An open (not yet acknowledged/closed) alert with the same key is not raised again.
    pub dedup_key: String,
}

/// An alert as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    pub title: String,
    pub details: serde_json::Value,
    pub dedup_key: String,
    pub rule_id: Option<i64>,
    pub status: AlertStatus,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub item_count: i64,
}

/// One alert with the ids of its items (which the caller reads through the scoped item API).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: Alert,
    pub items: Vec<i64>,
}

/// Filter of [`Store::list_alerts`].
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub status: Option<AlertStatus>,
    pub kind: Option<AlertKind>,
    /// 0: the default (200).
    pub limit: u32,
}

const MAX_TITLE: usize = 500;

macro_rules! alert_select {
    () => {
        "SELECT a.id, a.unit_id, un.name AS unit_name, un.path AS unit_path, a.kind, a.severity, \
         a.title, a.details, a.dedup_key, a.rule_id, a.status, a.raised_at, a.acknowledged_by, \
         a.acknowledged_at, a.closed_by, a.closed_at, \
         (SELECT COUNT(*) FROM alert_items ai WHERE ai.alert_id = a.id) AS item_count \
         FROM alerts a JOIN units un ON un.id = a.unit_id"
    };
}

#[derive(sqlx::FromRow)]
struct AlertDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    kind: String,
    severity: String,
    title: String,
    details: String,
    dedup_key: String,
    rule_id: Option<i64>,
    status: String,
    raised_at: i64,
    acknowledged_by: Option<i64>,
    acknowledged_at: Option<i64>,
    closed_by: Option<i64>,
    closed_at: Option<i64>,
    item_count: i64,
}

impl AlertDb {
    fn into_alert(self) -> Result<Alert, StoreError> {
        let bad =
            |what: &str, v: &str| StoreError::Database(format!("alert {} has {what} {v}", self.id));
        let kind = AlertKind::parse(&self.kind).map_err(|_| bad("kind", &self.kind))?;
        let severity =
            AlertSeverity::parse(&self.severity).map_err(|_| bad("severity", &self.severity))?;
        let status = AlertStatus::parse(&self.status).map_err(|_| bad("status", &self.status))?;
        Ok(Alert {
            id: self.id,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            kind,
            severity,
            title: self.title,
            details: serde_json::from_str(&self.details)
                .unwrap_or(serde_json::Value::String(self.details)),
            dedup_key: self.dedup_key,
            rule_id: self.rule_id,
            status,
            raised_at: ts(self.raised_at),
            acknowledged_by: self.acknowledged_by,
            acknowledged_at: self.acknowledged_at.map(ts),
            closed_by: self.closed_by,
            closed_at: self.closed_at.map(ts),
            item_count: self.item_count,
        })
    }
}

/// Reading alerts is for handlers (admins, leaders, officers) of the subtree; outside it an
/// alert does not exist.
fn may_handle(actor: Option<&Actor>, unit_path: &str, what: &str) -> Result<(), StoreError> {
    match actor {
        Some(a) if !a.scope().contains(unit_path) => Err(StoreError::NotFound),
        Some(a) if !can(a, Permission::Handle, unit_path) => Err(StoreError::forbidden(what)),
        _ => Ok(()),
    }
}

impl Store {
    /// Raises an alert (by the system: no actor), audited in the same transaction. Returns
    /// `None` when an open alert with the same `dedup_key` exists; the new items are then
    /// attached to that alert. Item ids that do not exist are skipped.
    pub async fn raise_alert(&self, alert: &NewAlert) -> Result<Option<i64>, StoreError> {
        self.raise_alert_for_rule(alert, None).await
    }

    /// [`Store::raise_alert`] on behalf of a rule or watch, whose recipients then receive it.
    pub async fn raise_alert_for_rule(
        &self,
        alert: &NewAlert,
        rule_id: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        let title = alert.title.trim();
        if title.is_empty() {
            return Err(StoreError::invalid("an alert needs a title"));
        }
        let title: String = title.chars().take(MAX_TITLE).collect();
        let key = alert.dedup_key.trim();
        if key.is_empty() {
            return Err(StoreError::invalid("an alert needs a dedup key"));
        }
        let unit = self
            .unit_raw(alert.unit_id.trim())
            .await?
            .ok_or_else(|| StoreError::invalid(format!("unknown unit {:?}", alert.unit_id)))?;
        let at = now();
        let details = alert.details.to_string();
        let mut items = alert.item_ids.clone();
        items.sort_unstable();
        items.dedup();
        // Another process may raise the same key between our check and our insert: the
        // partial unique index refuses the second insert, and the retry then finds the open
        // alert and attaches the items to it.
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .insert_alert(alert, rule_id, &unit, &title, key, &details, &items, at)
                .await
            {
                Err(StoreError::Conflict { .. }) if tries < 3 => continue,
                Err(StoreError::Conflict { .. }) => return Ok(None),
                other => return other,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_alert(
        &self,
        alert: &NewAlert,
        rule_id: Option<i64>,
        unit: &crate::units::UnitDb,
        title: &str,
        key: &str,
        details: &str,
        items: &[i64],
        at: i64,
    ) -> Result<Option<i64>, StoreError> {
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM alerts WHERE dedup_key = $1 AND status = 'open'",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            let (id, fresh) = match existing {
                Some(id) => (id, false),
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO alerts (unit_id, kind, severity, title, details, dedup_key, \
                         rule_id, status, raised_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
                    )
                    .bind(&unit.id)
                    .bind(alert.kind.as_str())
                    .bind(alert.severity.as_str())
                    .bind(title)
                    .bind(details)
                    .bind(key)
                    .bind(rule_id)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, true)
                }
            };
            // A burst can bring tens of thousands of items at once: one statement per
            // chunk, not one per item, keeps this transaction (and the SQLite write lock
            // everyone else waits for) short.
            let mut added = 0u64;
            for chunk in items.chunks(500) {
                let mut qb =
                    sqlx::QueryBuilder::new("INSERT INTO alert_items (alert_id, item_id) SELECT ");
                qb.push_bind(id);
                qb.push(", id FROM items WHERE id IN (");
                let mut ids = qb.separated(", ");
                for &item in chunk {
                    ids.push_bind(item);
                }
                qb.push(") ON CONFLICT DO NOTHING");
                added += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            if fresh {
                audit!(
                    tx,
                    None::<i64>,
                    "alert.raise",
                    "alert",
                    id.to_string(),
                    Some(unit.path.clone()),
                    json!({ "kind": alert.kind.as_str(), "severity": alert.severity.as_str(),
                            "title": title, "dedup_key": key, "items": added, "rule_id": rule_id })
                )?;
            } else if added > 0 {
                audit!(
                    tx,
                    None::<i64>,
                    "alert.add_items",
                    "alert",
                    id.to_string(),
                    Some(unit.path.clone()),
                    json!({ "items": added })
                )?;
            }
            tx.commit().await?;
            Ok(fresh.then_some(id))
        })
    }

    async fn alert_raw(&self, id: i64) -> Result<Option<AlertDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(alert_select!(), " WHERE a.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// One alert with its item ids, for handlers of its subtree.
    pub async fn get_alert(
        &self,
        actor: Option<&Actor>,
        id: i64,
    ) -> Result<AlertDetail, StoreError> {
        let r = self.alert_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_handle(actor, &r.unit_path, "reading alerts")?;
        let items: Vec<i64> = db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT item_id FROM alert_items WHERE alert_id = $1 ORDER BY item_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(AlertDetail {
            alert: r.into_alert()?,
            items,
        })
    }

    /// Alerts filed in the actor's subtree, newest first.
    pub async fn list_alerts(
        &self,
        actor: Option<&Actor>,
        filter: &AlertFilter,
    ) -> Result<Vec<Alert>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => {
                if !can(a, Permission::Handle, &a.unit_path) {
                    return Err(StoreError::forbidden("reading alerts"));
                }
                a.scope().range()
            }
            None => ("/".to_string(), "0".to_string()),
        };
        let limit = i64::from(if filter.limit == 0 {
            200
        } else {
            filter.limit.min(10_000)
        });
        let status = filter.status.map(AlertStatus::as_str);
        let kind = filter.kind.map(AlertKind::as_str);
        let rows: Vec<AlertDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                alert_select!(),
                " WHERE un.path >= $1 AND un.path < $2 AND ($3 IS NULL OR a.status = $3) \
                 AND ($4 IS NULL OR a.kind = $4) ORDER BY a.id DESC LIMIT $5"
            ))
            .bind(&lo)
            .bind(&hi)
            .bind(status)
            .bind(kind)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(AlertDb::into_alert).collect()
    }

    /// Acknowledges (`open → acknowledged`) or closes (`open|acknowledged → closed`) an alert.
    pub async fn set_alert_status(
        &self,
        actor: Option<&Actor>,
        id: i64,
        to: AlertStatus,
    ) -> Result<Alert, StoreError> {
        let r = self.alert_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_handle(actor, &r.unit_path, "handling alerts")?;
        let from = AlertStatus::parse(&r.status)?;
        let allowed = match to {
            AlertStatus::Acknowledged => from == AlertStatus::Open,
            AlertStatus::Closed => from != AlertStatus::Closed,
            AlertStatus::Open => false,
        };
        if !allowed {
            return Err(StoreError::conflict(format!(
                "alert {id} is {}; it cannot become {}",
                from.as_str(),
                to.as_str()
            )));
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        let unit_path = r.unit_path.clone();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let sql = match to {
                AlertStatus::Acknowledged => {
                    "UPDATE alerts SET status = 'acknowledged', acknowledged_by = $1, \
                     acknowledged_at = $2 WHERE id = $3 AND status = $4"
                }
                _ => {
                    "UPDATE alerts SET status = 'closed', closed_by = $1, closed_at = $2 \
                     WHERE id = $3 AND status = $4"
                }
            };
            let n = sqlx::query(sql)
                .bind(actor_id)
                .bind(at)
                .bind(id)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::conflict(format!(
                    "alert {id} changed meanwhile; try again"
                )));
            }
            audit!(
                tx,
                actor_id,
                format!("alert.{}", to.as_str()),
                "alert",
                id.to_string(),
                Some(unit_path),
                json!({ "from": from.as_str(), "to": to.as_str() })
            )?;
            tx.commit().await?;
        });
        self.alert_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_alert()
    }
}

// ---------------------------------------------------------------------------------------------
// Rules and keyword watches

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// At least `threshold` items (of `topic`, if set; negative only, if set) in the unit's
    /// subtree within `window_secs`.
    Threshold,
    /// Any of `terms` appears in an item of the unit's subtree (matched on folded text).
    Keyword,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Threshold => "threshold",
            RuleKind::Keyword => "keyword",
        }
    }

    pub fn parse(s: &str) -> Result<RuleKind, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "threshold" => Ok(RuleKind::Threshold),
            "keyword" | "watch" => Ok(RuleKind::Keyword),
            other => Err(StoreError::invalid(format!(
                "unknown rule kind {other:?} (expected threshold or keyword)"
            ))),
        }
    }
}

/// Input of [`Store::create_rule`].
#[derive(Debug, Clone)]
pub struct NewRule {
    /// The unit (an id as typed) whose subtree the rule watches; in the actor's subtree.
    pub unit: String,
    pub name: String,
    pub kind: RuleKind,
    /// A topic id of the taxonomy; None: any topic.
    pub topic: Option<String>,
    /// Keyword watches: the terms, as typed (folded by the evaluator, so "thuy phuong"
    /// matches "Thụy Phương").
    pub terms: Vec<String>,
    /// Threshold rules: how many items within the window raise the alert (at least 1).
    pub threshold: u32,
    pub window_secs: i64,
    /// Count only items whose sentiment is negative.
    pub negative_only: bool,
    pub severity: AlertSeverity,
}

/// A rule or keyword watch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRule {
    pub id: i64,
    pub unit: UnitId,
    pub unit_name: String,
    /// The unit's materialized path: the subtree watched.
    pub unit_path: String,
    pub name: String,
    pub kind: RuleKind,
    pub topic: Option<String>,
    pub terms: Vec<String>,
    pub threshold: u32,
    pub window_secs: i64,
    pub negative_only: bool,
    pub severity: AlertSeverity,
    pub enabled: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RuleDb {
    id: i64,
    unit_id: String,
    unit_name: String,
    unit_path: String,
    name: String,
    kind: String,
    topic: Option<String>,
    terms: String,
    threshold: i64,
    window_secs: i64,
    negative_only: bool,
    severity: String,
    enabled: bool,
    created_by: Option<i64>,
    created_at: i64,
}

macro_rules! rule_select {
    () => {
        "SELECT r.id, r.unit_id, un.name AS unit_name, un.path AS unit_path, r.name, r.kind, \
         r.topic, r.terms, r.threshold, r.window_secs, r.negative_only, r.severity, r.enabled, \
         r.created_by, r.created_at FROM alert_rules r JOIN units un ON un.id = r.unit_id"
    };
}

impl RuleDb {
    fn into_rule(self) -> Result<AlertRule, StoreError> {
        Ok(AlertRule {
            id: self.id,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            name: self.name,
            kind: RuleKind::parse(&self.kind)?,
            topic: self.topic,
            terms: serde_json::from_str(&self.terms).unwrap_or_default(),
            threshold: u32::try_from(self.threshold).unwrap_or(1),
            window_secs: self.window_secs,
            negative_only: self.negative_only,
            severity: AlertSeverity::parse(&self.severity)?,
            enabled: self.enabled,
            created_by: self.created_by,
            created_at: ts(self.created_at),
        })
    }
}

/// Something that happened at `t` was received at `t` or later; series reads use the index on
/// `received_at` from `since` minus this slack (clocks of outside sources may run ahead).
const RECEIVED_SLACK: i64 = 86_400;

/// Longest window a rule may count over: a month.
const MAX_WINDOW_SECS: i64 = 31 * 86_400;

fn clean_terms(terms: &[String]) -> Result<Vec<String>, StoreError> {
    let mut out: Vec<String> = Vec::new();
    for t in terms {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 100 {
            return Err(StoreError::invalid(
                "a watched term has at most 100 characters",
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 50 {
        return Err(StoreError::invalid("a keyword watch has at most 50 terms"));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Delivery channels

/// How an alert leaves ykien.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// HTTP POST of a JSON body signed with HMAC-SHA256.
    Webhook,
    /// E-mail through the configured SMTP server.
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Result<ChannelKind, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "webhook" => Ok(ChannelKind::Webhook),
            "email" | "e-mail" | "smtp" => Ok(ChannelKind::Email),
            other => Err(StoreError::invalid(format!(
                "unknown channel kind {other:?} (expected webhook or email)"
            ))),
        }
    }
}

/// Input of [`Store::create_channel`].
#[derive(Debug, Clone)]
pub struct NewAlertChannel {
    /// Alerts filed in this unit's subtree are delivered (an id as typed).
    pub unit: String,
    /// Only the alerts of this rule (its recipients); None: every alert of the subtree.
    pub rule_id: Option<i64>,
    pub kind: ChannelKind,
    /// The webhook URL (http or https) or the e-mail address.
    pub target: String,
    /// Webhooks: the key the body is signed with.
    pub secret: Option<String>,
    /// Urgent: only urgent alerts.
    pub min_severity: AlertSeverity,
}

/// A recipient, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertChannel {
    pub id: i64,
    pub unit: UnitId,
    pub rule_id: Option<i64>,
    pub kind: ChannelKind,
    pub target: String,
    pub has_secret: bool,
    pub min_severity: AlertSeverity,
    pub enabled: bool,
}

type ChannelRow = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    bool,
);

fn channel_from(r: ChannelRow) -> Result<(AlertChannel, String, Option<String>), StoreError> {
    let (id, unit_id, path, rule_id, kind, target, secret, min, enabled) = r;
    Ok((
        AlertChannel {
            id,
            unit: UnitId(unit_id),
            rule_id,
            kind: ChannelKind::parse(&kind)?,
            target,
            has_secret: secret.as_deref().is_some_and(|s| !s.is_empty()),
            min_severity: AlertSeverity::parse(&min)?,
            enabled,
        },
        path,
        secret,
    ))
}

fn check_target(kind: ChannelKind, target: &str) -> Result<String, StoreError> {
    let t = target.trim();
    let ok = match kind {
        ChannelKind::Webhook => {
            (t.starts_with("https://") || t.starts_with("http://"))
                && t.len() <= 2000
                && !t.chars().any(char::is_whitespace)
        }
        ChannelKind::Email => {
            t.len() <= 254
                && t.split_once('@').is_some_and(|(l, d)| {
                    !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
                })
                && !t
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';'))
        }
    };
    if ok {
        Ok(t.to_string())
    } else {
        Err(StoreError::invalid(format!(
            "{t:?} is not a valid {} target",
            kind.as_str()
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// What the evaluator reads

/// A newly analysed item, as the evaluator needs it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EvalItem {
    pub id: i64,
    pub unit_id: String,
    pub unit_path: String,
    pub topic: Option<String>,
    pub sentiment: Option<String>,
    /// When it happened (`occurred_at`, else when it was received), Unix seconds.
    pub at: i64,
    pub analyzed_at: i64,
    /// Folded index text (see `ykien_listen::prepare`).
    pub search_text: String,
    /// Spam: never counted.
    pub is_hidden: bool,
}

/// Where a background loop stands, handed out with its lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub cursor_at: i64,
    pub cursor_id: i64,
}

// ---------------------------------------------------------------------------------------------
// Deliveries

/// A delivery leased to a sender, with everything it needs.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub id: i64,
    /// This claim's attempt number, from 1.
    pub attempt: i64,
    pub alert: AlertDetail,
    pub channel: AlertChannel,
    /// The webhook's signing key.
    pub secret: Option<String>,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub ok: bool,
    /// The HTTP status or SMTP reply code, when there was one.
    pub status: Option<i64>,
    pub error: Option<String>,
    /// For a failed attempt: when to try again; None gives up (the delivery fails).
    pub retry_at: Option<DateTime<Utc>>,
}

/// A delivery as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub alert_id: i64,
    pub channel_id: i64,
    pub kind: ChannelKind,
    pub target: String,
    /// "pending", "running", "done" or "failed".
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
}

/// An item of an alert as it may leave ykien (webhook, e-mail): personal data masked,
/// restricted items without their text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertItemSummary {
    pub id: i64,
    pub unit_id: String,
    pub at: DateTime<Utc>,
    pub topic: Option<String>,
    pub sentiment: Option<String>,
    pub text: Option<String>,
}

fn short(reason: &str) -> String {
    const MAX: usize = 1000;
    if reason.len() <= MAX {
        return reason.to_string();
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

impl Store {
    // --- rules ---------------------------------------------------------------------------

    async fn rule_raw(&self, id: i64) -> Result<Option<RuleDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(rule_select!(), " WHERE r.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Resolves a unit for a rule or channel: it must exist, be current and lie in the
    /// actor's subtree, and the actor must handle it.
    async fn handled_unit(
        &self,
        actor: Option<&Actor>,
        unit: &str,
    ) -> Result<crate::units::UnitDb, StoreError> {
        let id = unit.trim();
        let u = match (self.unit_raw(id).await?, actor) {
            (None, None) => return Err(StoreError::invalid(format!("unknown unit {id:?}"))),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(u), _) => u,
        };
        may_handle(actor, &u.path, "managing alert rules")?;
        if u.generation == "legacy" {
            return Err(StoreError::invalid(format!(
                "unit {id:?} was abolished on 1 July 2025; choose a current unit"
            )));
        }
        Ok(u)
    }

    /// Creates a threshold rule or keyword watch on a unit of the actor's subtree (handlers).
    pub async fn create_rule(
        &self,
        actor: Option<&Actor>,
        new: &NewRule,
    ) -> Result<AlertRule, StoreError> {
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid(
                "a rule name must have 1 to 200 characters",
            ));
        }
        let terms = clean_terms(&new.terms)?;
        if new.kind == RuleKind::Keyword && terms.is_empty() {
            return Err(StoreError::invalid(
                "a keyword watch needs at least one term",
            ));
        }
        if new.threshold == 0 {
            return Err(StoreError::invalid("a threshold must be at least 1"));
        }
        if !(60..=MAX_WINDOW_SECS).contains(&new.window_secs) {
            return Err(StoreError::invalid(
                "a window must last from one minute to 31 days",
            ));
        }
        let topic = new
            .topic
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let unit = self.handled_unit(actor, &new.unit).await?;
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        let terms_json = serde_json::to_string(&terms).unwrap_or_else(|_| "[]".into());
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alert_rules (unit_id, name, kind, topic, terms, threshold, \
                 window_secs, negative_only, severity, enabled, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11, $11) RETURNING id",
            )
            .bind(&unit.id)
            .bind(name)
            .bind(new.kind.as_str())
            .bind(&topic)
            .bind(&terms_json)
            .bind(i64::from(new.threshold))
            .bind(new.window_secs)
            .bind(new.negative_only)
            .bind(new.severity.as_str())
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "alert_rule.create",
                "alert_rule",
                id.to_string(),
                Some(unit.path.clone()),
                json!({ "name": name, "kind": new.kind.as_str(), "topic": topic, "terms": terms,
                        "threshold": new.threshold, "window_secs": new.window_secs,
                        "negative_only": new.negative_only, "severity": new.severity.as_str() })
            )?;
            tx.commit().await?;
            id
        });
        self.rule_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_rule()
    }

    /// The rules of the actor's subtree (handlers); the system sees all.
    pub async fn list_rules(&self, actor: Option<&Actor>) -> Result<Vec<AlertRule>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => {
                if !can(a, Permission::Handle, &a.unit_path) {
                    return Err(StoreError::forbidden("reading alert rules"));
                }
                a.scope().range()
            }
            None => ("/".to_string(), "0".to_string()),
        };
        let rows: Vec<RuleDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                rule_select!(),
                " WHERE un.path >= $1 AND un.path < $2 ORDER BY r.id"
            ))
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(RuleDb::into_rule).collect()
    }

    /// Every enabled rule, for the evaluator.
    pub async fn enabled_rules(&self) -> Result<Vec<AlertRule>, StoreError> {
        let rows: Vec<RuleDb> = db!(self, |pool| {
            sqlx::query_as(concat!(rule_select!(), " WHERE r.enabled ORDER BY r.id"))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(RuleDb::into_rule).collect()
    }

    /// Turns a rule on or off (handlers of its subtree).
    pub async fn set_rule_enabled(
        &self,
        actor: Option<&Actor>,
        id: i64,
        enabled: bool,
    ) -> Result<AlertRule, StoreError> {
        let r = self.rule_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_handle(actor, &r.unit_path, "managing alert rules")?;
        let actor_id = actor.map(|a| a.user_id);
        let path = r.unit_path.clone();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE alert_rules SET enabled = $1, updated_at = $2 WHERE id = $3")
                .bind(enabled)
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                if enabled {
                    "alert_rule.enable"
                } else {
                    "alert_rule.disable"
                },
                "alert_rule",
                id.to_string(),
                Some(path),
                json!({})
            )?;
            tx.commit().await?;
        });
        self.rule_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_rule()
    }

    /// Deletes a rule with its recipients (handlers of its subtree); its alerts stay.
    pub async fn delete_rule(&self, actor: Option<&Actor>, id: i64) -> Result<(), StoreError> {
        let r = self.rule_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_handle(actor, &r.unit_path, "managing alert rules")?;
        let actor_id = actor.map(|a| a.user_id);
        let path = r.unit_path.clone();
        let name = r.name.clone();
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM alert_rules WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "alert_rule.delete",
                "alert_rule",
                id.to_string(),
                Some(path),
                json!({ "name": name })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    // --- channels ------------------------------------------------------------------------

    /// Adds a recipient for the alerts of a unit of the actor's subtree (handlers).
    pub async fn create_channel(
        &self,
        actor: Option<&Actor>,
        new: &NewAlertChannel,
    ) -> Result<AlertChannel, StoreError> {
        let target = check_target(new.kind, &new.target)?;
        let secret = new
            .secret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if new.kind == ChannelKind::Webhook && secret.is_none() {
            return Err(StoreError::invalid(
                "a webhook needs a secret: its bodies are signed with it",
            ));
        }
        let unit = self.handled_unit(actor, &new.unit).await?;
        if let Some(rule) = new.rule_id {
            let r = self.rule_raw(rule).await?.ok_or(StoreError::NotFound)?;
            may_handle(actor, &r.unit_path, "managing alert rules")?;
        }
        let at = now();
        let actor_id = actor.map(|a| a.user_id);
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alert_channels (unit_id, rule_id, kind, target, secret, \
                 min_severity, enabled, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8) RETURNING id",
            )
            .bind(&unit.id)
            .bind(new.rule_id)
            .bind(new.kind.as_str())
            .bind(&target)
            .bind(&secret)
            .bind(new.min_severity.as_str())
            .bind(actor_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "alert_channel.create",
                "alert_channel",
                id.to_string(),
                Some(unit.path.clone()),
                json!({ "kind": new.kind.as_str(), "target": &target, "rule_id": new.rule_id })
            )?;
            tx.commit().await?;
            id
        });
        let (c, _, _) = self.channel_raw(id).await?.ok_or(StoreError::NotFound)?;
        Ok(c)
    }

    async fn channel_raw(
        &self,
        id: i64,
    ) -> Result<Option<(AlertChannel, String, Option<String>)>, StoreError> {
        let row: Option<ChannelRow> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT c.id, c.unit_id, un.path, c.rule_id, c.kind, c.target, c.secret, \
                 c.min_severity, c.enabled FROM alert_channels c JOIN units un ON un.id = c.unit_id \
                 WHERE c.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.map(channel_from).transpose()
    }

    /// The recipients of the actor's subtree (handlers), without secrets.
    pub async fn list_channels(
        &self,
        actor: Option<&Actor>,
    ) -> Result<Vec<AlertChannel>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => {
                if !can(a, Permission::Handle, &a.unit_path) {
                    return Err(StoreError::forbidden("reading alert recipients"));
                }
                a.scope().range()
            }
            None => ("/".to_string(), "0".to_string()),
        };
        let rows: Vec<ChannelRow> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT c.id, c.unit_id, un.path, c.rule_id, c.kind, c.target, c.secret, \
                 c.min_severity, c.enabled FROM alert_channels c JOIN units un ON un.id = c.unit_id \
                 WHERE un.path >= $1 AND un.path < $2 ORDER BY c.id",
            )
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| channel_from(r).map(|c| c.0))
            .collect()
    }

    /// Removes a recipient (handlers of its subtree).
    pub async fn delete_channel(&self, actor: Option<&Actor>, id: i64) -> Result<(), StoreError> {
        let (c, path, _) = self.channel_raw(id).await?.ok_or(StoreError::NotFound)?;
        may_handle(actor, &path, "managing alert recipients")?;
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM alert_channels WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "alert_channel.delete",
                "alert_channel",
                id.to_string(),
                Some(path.clone()),
                json!({ "kind": c.kind.as_str(), "target": &c.target })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    // --- leases and the evaluator's reads -------------------------------------------------

    /// Takes (or renews) the named lease for `holder` until `ttl` from now, unless another
    /// holder's lease is still running. Works alike on both backends (one conditional
    /// UPDATE), so several processes on PostgreSQL run each loop once at a time.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<Option<Lease>, StoreError> {
        let at = now();
        let until = at.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(3600).max(1));
        let row: Option<(i64, i64)> = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO alert_leases (name, holder, until, cursor_at, cursor_id) \
                 VALUES ($1, NULL, 0, 0, 0) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .execute(&mut *tx)
            .await?;
            let r = sqlx::query_as(
                "UPDATE alert_leases SET holder = $1, until = $2 \
                 WHERE name = $3 AND (until < $4 OR holder = $1 OR holder IS NULL) \
                 RETURNING cursor_at, cursor_id",
            )
            .bind(holder)
            .bind(until)
            .bind(name)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            r
        });
        Ok(row.map(|(cursor_at, cursor_id)| Lease {
            cursor_at,
            cursor_id,
        }))
    }

    /// Moves the named cursor forward, if `holder` still holds the lease. False: it lost it.
    pub async fn advance_cursor(
        &self,
        name: &str,
        holder: &str,
        to: Lease,
    ) -> Result<bool, StoreError> {
        let n = db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "UPDATE alert_leases SET cursor_at = $1, cursor_id = $2 \
                 WHERE name = $3 AND holder = $4",
            )
            .bind(to.cursor_at)
            .bind(to.cursor_id)
            .bind(name)
            .bind(holder)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Gives a lease back so another process may take it at once (on shutdown).
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        db!(self, |pool| {
            let _turn = pool.write_turn().await;
            sqlx::query(
                "UPDATE alert_leases SET holder = NULL, until = 0 WHERE name = $1 AND holder = $2",
            )
            .bind(name)
            .bind(holder)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Items analysed after the cursor `(analyzed_at, id)` and no later than `until`, in
    /// cursor order.
    pub async fn analyzed_after(
        &self,
        after: Lease,
        until: i64,
        limit: u32,
    ) -> Result<Vec<EvalItem>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(
                "SELECT i.id, i.unit_id, un.path AS unit_path, i.topic, i.sentiment, \
                 COALESCE(i.occurred_at, i.received_at) AS at, i.analyzed_at, i.search_text, \
                 i.is_hidden FROM items i JOIN units un ON un.id = i.unit_id \
                 WHERE i.analyzed_at IS NOT NULL \
                 AND (i.analyzed_at > $1 OR (i.analyzed_at = $1 AND i.id > $2)) \
                 AND i.analyzed_at <= $3 AND i.status = 'analyzed' \
                 ORDER BY i.analyzed_at, i.id LIMIT $4",
            )
            .bind(after.cursor_at)
            .bind(after.cursor_id)
            .bind(until)
            .bind(i64::from(limit.clamp(1, 100_000)))
            .fetch_all(pool)
            .await?
        }))
    }

    /// (item id, when it happened) of the counted items of one series — one unit exactly and
    /// one topic (None: items without a topic) — that happened in `[since, until)`.
    /// Spam is not counted. Nothing is received before it happens, so the read is also
    /// bounded by `received_at` (less a day for sources whose clocks run ahead), which lets it
    /// use the index `items(unit_id, received_at)`.
    pub async fn series_events(
        &self,
        unit_id: &str,
        topic: Option<&str>,
        since: i64,
        until: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, COALESCE(occurred_at, received_at) AS at FROM items \
                 WHERE unit_id = $1 AND received_at >= $5 AND status = 'analyzed' \
                 AND NOT is_hidden AND (topic = $2 OR ($2 IS NULL AND topic IS NULL)) \
                 AND COALESCE(occurred_at, received_at) >= $3 \
                 AND COALESCE(occurred_at, received_at) < $4 ORDER BY at, id",
            )
            .bind(unit_id)
            .bind(topic)
            .bind(since)
            .bind(until)
            .bind(since.saturating_sub(RECEIVED_SLACK))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Ids of the counted items in a unit's subtree (of `topic` if set, negative only if
    /// set) that happened in `[since, until)`, for a threshold rule. Spam is not counted.
    pub async fn subtree_events(
        &self,
        unit_path: &str,
        topic: Option<&str>,
        negative_only: bool,
        since: i64,
        until: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let (lo, hi) = ykien_core::Scope::at(unit_path).range();
        Ok(db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT i.id FROM items i JOIN units un ON un.id = i.unit_id \
                 WHERE un.path >= $1 AND un.path < $2 AND i.received_at >= $7 \
                 AND i.status = 'analyzed' \
                 AND NOT i.is_hidden AND ($3 IS NULL OR i.topic = $3) \
                 AND (NOT $4 OR i.sentiment = 'negative') \
                 AND COALESCE(i.occurred_at, i.received_at) >= $5 \
                 AND COALESCE(i.occurred_at, i.received_at) < $6 ORDER BY i.id",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(topic)
            .bind(negative_only)
            .bind(since)
            .bind(until)
            .bind(since.saturating_sub(RECEIVED_SLACK))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Whether an alert with this key was raised at or after `since` (any status): the
    /// evaluator's cool-down after an alert is acknowledged or closed.
    pub async fn alert_raised_since(&self, key: &str, since: i64) -> Result<bool, StoreError> {
        let n: i64 = db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM alerts WHERE dedup_key = $1 AND raised_at >= $2",
            )
            .bind(key)
            .bind(since)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }

    /// The open alert with this key, if any.
    pub async fn open_alert_id(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM alerts WHERE dedup_key = $1 AND status = 'open'")
                .bind(key)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// A unit's full name ("Phường Thụy Phương") for alert titles; None for an unknown id.
    pub async fn unit_name(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_scalar("SELECT name FROM units WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    // --- deliveries ----------------------------------------------------------------------

    /// Creates the deliveries of alerts not yet fanned out: one per enabled channel whose
    /// unit's subtree holds the alert's unit, whose rule (if any) raised it and whose
    /// minimum severity it reaches. Idempotent; returns how many deliveries were created.
    pub async fn plan_deliveries(&self, limit: u32) -> Result<u64, StoreError> {
        let ids: Vec<i64> = db!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM alerts WHERE NOT fanned_out ORDER BY id LIMIT $1")
                .bind(i64::from(limit.clamp(1, 10_000)))
                .fetch_all(pool)
                .await?
        });
        let mut created = 0;
        for id in ids {
            let at = now();
            created += db!(self, |pool| {
                let mut tx = pool.begin_write().await?;
                let n = sqlx::query(
                    "INSERT INTO deliveries (alert_id, channel_id, state, attempts, next_at, \
                     created_at, updated_at) \
                     SELECT a.id, c.id, 'pending', 0, $2, $2, $2 FROM alerts a \
                     JOIN units au ON au.id = a.unit_id \
                     JOIN alert_channels c ON c.enabled \
                     JOIN units cu ON cu.id = c.unit_id \
                     WHERE a.id = $1 AND substr(au.path, 1, length(cu.path)) = cu.path \
                     AND (c.rule_id IS NULL OR c.rule_id = a.rule_id) \
                     AND (c.min_severity = 'normal' OR a.severity = 'urgent') \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query("UPDATE alerts SET fanned_out = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                n
            });
        }
        Ok(created)
    }

    /// Leases the next due delivery (or one whose lease ran out) for `lease`.
    pub async fn claim_delivery(
        &self,
        lease: std::time::Duration,
    ) -> Result<Option<DeliveryJob>, StoreError> {
        let at = now();
        let until = at.saturating_add(i64::try_from(lease.as_secs()).unwrap_or(60).max(1));
        let row: Option<(i64, i64, i64, i64)> = match &self.db {
            crate::db::Db::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                let r = sqlx::query_as(
                    "UPDATE deliveries SET state = 'running', attempts = attempts + 1, \
                     locked_until = $1, updated_at = $2 WHERE id = (SELECT id FROM deliveries \
                     WHERE (state = 'pending' AND next_at <= $2) \
                     OR (state = 'running' AND locked_until < $2) ORDER BY next_at, id LIMIT 1) \
                     RETURNING id, alert_id, channel_id, attempts",
                )
                .bind(until)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                r
            }
            crate::db::Db::Postgres(pool) => {
                sqlx::query_as(
                    "UPDATE deliveries SET state = 'running', attempts = attempts + 1, \
                     locked_until = $1, updated_at = $2 WHERE id = (SELECT id FROM deliveries \
                     WHERE (state = 'pending' AND next_at <= $2) \
                     OR (state = 'running' AND locked_until < $2) ORDER BY next_at, id LIMIT 1 \
                     FOR UPDATE SKIP LOCKED) \
                     RETURNING id, alert_id, channel_id, attempts",
                )
                .bind(until)
                .bind(at)
                .fetch_optional(pool)
                .await?
            }
        };
        let Some((id, alert_id, channel_id, attempt)) = row else {
            return Ok(None);
        };
        let alert = self.get_alert(None, alert_id).await?;
        let (channel, _, secret) = self
            .channel_raw(channel_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Some(DeliveryJob {
            id,
            attempt,
            alert,
            channel,
            secret,
        }))
    }

    /// Records an attempt: done, queued again at `retry_at`, or failed for good. Guarded by
    /// the attempt number, so a sender whose lease ran out writes nothing (returns false).
    pub async fn finish_delivery(
        &self,
        id: i64,
        attempt: i64,
        outcome: &AttemptOutcome,
    ) -> Result<bool, StoreError> {
        let at = now();
        let (state, next_at, done_at) = if outcome.ok {
            ("done", at, Some(at))
        } else {
            match outcome.retry_at {
                Some(t) => ("pending", t.timestamp(), None),
                None => ("failed", at, Some(at)),
            }
        };
        let error = outcome.error.as_deref().map(short);
        let n = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE deliveries SET state = $1, next_at = $2, done_at = $3, locked_until = NULL, \
                 last_status = $4, last_error = $5, updated_at = $6 \
                 WHERE id = $7 AND state = 'running' AND attempts = $8",
            )
            .bind(state)
            .bind(next_at)
            .bind(done_at)
            .bind(outcome.status)
            .bind(&error)
            .bind(at)
            .bind(id)
            .bind(attempt)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query(
                    "INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status, error) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(attempt)
                .bind(at)
                .bind(outcome.ok)
                .bind(outcome.status)
                .bind(&error)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            n
        });
        Ok(n == 1)
    }

    /// The deliveries of an alert (handlers of its subtree).
    pub async fn alert_deliveries(
        &self,
        actor: Option<&Actor>,
        alert_id: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let r = self
            .alert_raw(alert_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        may_handle(actor, &r.unit_path, "reading alerts")?;
        type Row = (
            i64,
            i64,
            i64,
            String,
            String,
            String,
            i64,
            Option<i64>,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT d.id, d.alert_id, d.channel_id, c.kind, c.target, d.state, d.attempts, \
                 d.last_status, d.last_error, d.done_at FROM deliveries d \
                 JOIN alert_channels c ON c.id = d.channel_id WHERE d.alert_id = $1 ORDER BY d.id",
            )
            .bind(alert_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, alert_id, channel_id, kind, target, state, attempts, st, err, done)| {
                    Ok(Delivery {
                        id,
                        alert_id,
                        channel_id,
                        kind: ChannelKind::parse(&kind)?,
                        target,
                        state,
                        attempts,
                        last_status: st,
                        last_error: err,
                        done_at: done.map(ts),
                    })
                },
            )
            .collect()
    }

    /// The items of an alert as they may leave ykien: masked text, no text for restricted
    /// items (the system reads them; callers deliver them to configured recipients only).
    pub async fn alert_item_summaries(
        &self,
        alert_id: i64,
        limit: u32,
    ) -> Result<Vec<AlertItemSummary>, StoreError> {
        type Row = (
            i64,
            String,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT i.id, i.unit_id, COALESCE(i.occurred_at, i.received_at), i.topic, \
                 i.sentiment, i.text_masked, i.confidentiality FROM alert_items ai \
                 JOIN items i ON i.id = ai.item_id WHERE ai.alert_id = $1 \
                 ORDER BY i.id LIMIT $2",
            )
            .bind(alert_id)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, unit_id, at, topic, sentiment, masked, conf)| AlertItemSummary {
                    id,
                    unit_id,
                    at: ts(at),
                    topic,
                    sentiment,
                    text: if conf == "normal" { masked } else { None },
                },
            )
            .collect())
    }
}
