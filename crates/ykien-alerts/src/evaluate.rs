//! The evaluator: reads the items analysed since its cursor, matches keyword watches,
//! checks the threshold rules and the burst detector on the series those items touched, and
//! raises alerts.
//!
//! It is cheap when nothing happens: one indexed read past the cursor (`items(analyzed_at,
//! id)`). Only series and rules that new items touched are counted again. The cursor lives in
//! the database with a lease (`alert_leases`), so on PostgreSQL several `ykien serve`
//! processes run one evaluator at a time and a restarted process goes on where the last left
//! off. The analysis worker is not touched: the evaluator only reads what it wrote.
//!
//! One burst is one alert: the dedup key names the series (`burst:<unit>:<topic>`), an open
//! alert with that key takes the items seen later, and after an alert is acknowledged or
//! closed the same key waits a cool-down before it may raise again.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::json;
use ykien_listen::learn::TopicNames;
use ykien_store::{
    AlertKind, AlertRule, AlertSeverity, EvalItem, Lease, NewAlert, RuleKind, Store,
};
use ykien_text::topics::Taxonomy;

use crate::AlertsError;
use crate::burst::{BurstParams, assess, window_counts};
use crate::keyword::{Term, matching};

/// The lease and cursor name of the evaluator.
pub const EVALUATOR: &str = "evaluator";

/// How the evaluator runs.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// Shown as the lease holder.
    pub holder: String,
    pub burst: BurstParams,
    /// Items analysed in the last seconds are left for the next round, so that a transaction
    /// committed a moment late (with an earlier `analyzed_at`) is not skipped.
    pub settle_secs: i64,
    /// Items read per batch.
    pub batch: u32,
    /// After a burst alert was raised, the same series raises no new one for this long
    /// (items still join it while it is open).
    pub burst_cooldown_secs: i64,
    /// How long the lease lasts; renewed every round.
    pub lease: Duration,
    /// On its very first round (no cursor yet) the evaluator reads the items analysed in the
    /// last this many seconds, not a whole history imported before alerts existed.
    pub first_lookback_secs: i64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            holder: format!("evaluator-{}", std::process::id()),
            burst: BurstParams::default(),
            settle_secs: 5,
            batch: 5000,
            burst_cooldown_secs: 86_400,
            lease: Duration::from_secs(120),
            first_lookback_secs: 86_400,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EvalReport {
    /// Another process holds the evaluator's lease: nothing was done.
    pub not_leader: bool,
    pub items: u64,
    pub series_checked: u64,
    pub rules_checked: u64,
    pub keyword_alerts: u64,
    pub rule_alerts: u64,
    pub burst_alerts: u64,
}

/// A topic's Vietnamese name for an alert's title: the organization's name for it (retired
/// topics keep theirs), the shipped taxonomy's when its versions cannot be read.
fn topic_name(names: Option<&TopicNames>, id: Option<&str>) -> String {
    match (id, names) {
        (Some(t), Some(n)) => n.name(t, false),
        (Some(t), None) => Taxonomy::embedded()
            .name_vi(t)
            .map_or_else(|| t.to_string(), str::to_string),
        (None, _) => "chưa phân loại".to_string(),
    }
}

fn in_subtree(rule: &AlertRule, item: &EvalItem) -> bool {
    let root = if rule.unit_path.ends_with('/') {
        rule.unit_path.clone()
    } else {
        format!("{}/", rule.unit_path)
    };
    item.unit_path.starts_with(&root)
}

fn rule_counts(rule: &AlertRule, item: &EvalItem) -> bool {
    in_subtree(rule, item)
        && rule
            .topic
            .as_deref()
            .is_none_or(|t| item.topic.as_deref() == Some(t))
        && (!rule.negative_only || item.sentiment.as_deref() == Some("negative"))
}

fn fmt_num(x: f64) -> String {
    // Vietnamese decimal comma.
    format!("{x:.1}").replace('.', ",")
}

fn hours(secs: i64) -> String {
    if secs % 3600 == 0 {
        format!("{} giờ", secs / 3600)
    } else {
        format!("{} phút", secs / 60)
    }
}

/// Raises `alert` unless the key is cooling down (raised since `cooldown_from` and no longer
/// open). Returns whether a new alert was raised.
async fn raise_unless_cooling(
    store: &Store,
    alert: &NewAlert,
    rule_id: Option<i64>,
    cooldown_from: i64,
) -> Result<bool, AlertsError> {
    if store.open_alert_id(&alert.dedup_key).await?.is_none()
        && store
            .alert_raised_since(&alert.dedup_key, cooldown_from)
            .await?
    {
        return Ok(false);
    }
    Ok(store.raise_alert_for_rule(alert, rule_id).await?.is_some())
}

/// One round at time `now` (Unix seconds).
pub async fn evaluate_once(
    store: &Store,
    cfg: &EvalConfig,
    now: i64,
) -> Result<EvalReport, AlertsError> {
    let mut report = EvalReport::default();
    let Some(mut cursor) = store.take_lease(EVALUATOR, &cfg.holder, cfg.lease).await? else {
        report.not_leader = true;
        return Ok(report);
    };
    let names = ykien_listen::learn::topic_names(store).await.ok();
    if cursor.cursor_at == 0 && cursor.cursor_id == 0 {
        cursor.cursor_at = now - cfg.first_lookback_secs;
    }
    let rules = store.enabled_rules().await?;
    let watches: Vec<(AlertRule, Vec<Term>)> = rules
        .iter()
        .filter(|r| r.kind == RuleKind::Keyword)
        .map(|r| {
            (
                r.clone(),
                r.terms.iter().filter_map(|t| Term::new(t)).collect(),
            )
        })
        .collect();
    let until = now - cfg.settle_secs;
    let w = cfg.burst.window_secs;
    loop {
        let items = store.analyzed_after(cursor, until, cfg.batch).await?;
        let Some(last) = items.last() else { break };
        let next = Lease {
            cursor_at: last.analyzed_at,
            cursor_id: last.id,
        };
        report.items += items.len() as u64;
        // rule id → matched item ids and terms
        let mut keyword_hits: BTreeMap<i64, (Vec<i64>, BTreeSet<String>)> = BTreeMap::new();
        let mut touched_rules: BTreeSet<i64> = BTreeSet::new();
        let mut touched_series: BTreeSet<(String, Option<String>)> = BTreeSet::new();
        for item in items.iter().filter(|i| !i.is_hidden) {
            for (rule, terms) in &watches {
                if !rule_counts(rule, item) {
                    continue;
                }
                let hit = matching(terms, &item.search_text);
                if !hit.is_empty() {
                    let e = keyword_hits.entry(rule.id).or_default();
                    e.0.push(item.id);
                    e.1.extend(hit.iter().map(|t| t.typed.clone()));
                }
            }
            for rule in rules.iter().filter(|r| r.kind == RuleKind::Threshold) {
                if rule_counts(rule, item) && item.at >= now - rule.window_secs && item.at < now {
                    touched_rules.insert(rule.id);
                }
            }
            if item.at >= now - w && item.at < now {
                touched_series.insert((item.unit_id.clone(), item.topic.clone()));
            }
        }
        for (rule_id, (ids, terms)) in keyword_hits {
            let Some((rule, _)) = watches.iter().find(|(r, _)| r.id == rule_id) else {
                continue;
            };
            let terms: Vec<String> = terms.into_iter().collect();
            let alert = NewAlert {
                unit_id: rule.unit.0.clone(),
                kind: AlertKind::Keyword,
                severity: rule.severity,
                title: format!(
                    "Từ khóa theo dõi «{}»: {} ý kiến mới nhắc tới {} ({})",
                    rule.name,
                    ids.len(),
                    terms.join(", "),
                    rule.unit_name
                ),
                details: json!({
                    "rule_id": rule.id, "rule": rule.name, "terms": terms,
                    "unit": rule.unit.0, "unit_name": rule.unit_name, "matched": ids.len(),
                }),
                item_ids: ids,
                dedup_key: format!("keyword:{}", rule.id),
            };
            if store
                .raise_alert_for_rule(&alert, Some(rule.id))
                .await?
                .is_some()
            {
                report.keyword_alerts += 1;
            }
        }
        for rule in rules.iter().filter(|r| touched_rules.contains(&r.id)) {
            report.rules_checked += 1;
            let ids = store
                .subtree_events(
                    &rule.unit_path,
                    rule.topic.as_deref(),
                    rule.negative_only,
                    now - rule.window_secs,
                    now,
                )
                .await?;
            if ids.len() < rule.threshold as usize {
                continue;
            }
            let alert = NewAlert {
                unit_id: rule.unit.0.clone(),
                kind: AlertKind::Rule,
                severity: rule.severity,
                title: format!(
                    "Quy tắc «{}»: {} ý kiến{} về {} tại {} trong {} qua (ngưỡng {})",
                    rule.name,
                    ids.len(),
                    if rule.negative_only {
                        " tiêu cực"
                    } else {
                        ""
                    },
                    rule.topic
                        .as_deref()
                        .map_or("mọi lĩnh vực".to_string(), |t| {
                            topic_name(names.as_ref(), Some(t))
                        }),
                    rule.unit_name,
                    hours(rule.window_secs),
                    rule.threshold
                ),
                details: json!({
                    "rule_id": rule.id, "rule": rule.name, "topic": rule.topic,
                    "unit": rule.unit.0, "unit_name": rule.unit_name, "observed": ids.len(),
                    "threshold": rule.threshold, "window_secs": rule.window_secs,
                    "negative_only": rule.negative_only,
                }),
                item_ids: ids,
                dedup_key: format!("rule:{}", rule.id),
            };
            if raise_unless_cooling(store, &alert, Some(rule.id), now - rule.window_secs).await? {
                report.rule_alerts += 1;
            }
        }
        for (unit, topic) in &touched_series {
            report.series_checked += 1;
            let days = cfg.burst.history_days;
            let events = store
                .series_events(
                    unit,
                    topic.as_deref(),
                    now - i64::from(days) * 86_400 - w,
                    now,
                )
                .await?;
            let times: Vec<i64> = events.iter().map(|e| e.1).collect();
            let (observed, history) = window_counts(&times, now, w, days);
            let v = assess(observed, &history, &cfg.burst);
            if !v.fires {
                continue;
            }
            let ids: Vec<i64> = events
                .iter()
                .filter(|(_, t)| *t >= now - w && *t < now)
                .map(|e| e.0)
                .collect();
            let unit_name = store.unit_name(unit).await?.unwrap_or_else(|| unit.clone());
            let tname = topic_name(names.as_ref(), topic.as_deref());
            let alert = NewAlert {
                unit_id: unit.clone(),
                kind: AlertKind::Burst,
                severity: if v.ratio >= 10.0 && v.p_value <= 1e-9 {
                    AlertSeverity::Urgent
                } else {
                    AlertSeverity::Normal
                },
                title: format!(
                    "Đột biến: {} ý kiến về {} tại {} trong {} qua — bình thường khoảng {}, gấp {} lần",
                    v.observed,
                    tname,
                    unit_name,
                    hours(w),
                    fmt_num(v.expected),
                    fmt_num(v.ratio)
                ),
                details: json!({
                    "topic": topic, "topic_name": tname, "unit": unit, "unit_name": unit_name,
                    "observed": v.observed, "expected": v.expected, "ratio": v.ratio,
                    "p_value": v.p_value, "z": v.z, "model": v.model, "variance": v.variance,
                    "window_secs": w, "history_days": days, "history": history,
                    "window_start": now - w, "window_end": now,
                }),
                item_ids: ids,
                dedup_key: format!("burst:{}:{}", unit, topic.as_deref().unwrap_or("-")),
            };
            if raise_unless_cooling(store, &alert, None, now - cfg.burst_cooldown_secs).await? {
                report.burst_alerts += 1;
            }
        }
        if !store.advance_cursor(EVALUATOR, &cfg.holder, next).await? {
            break;
        }
        cursor = next;
        if items.len() < cfg.batch as usize {
            break;
        }
    }
    Ok(report)
}

/// Runs [`evaluate_once`] every `every` until the task is dropped. Errors are logged and the
/// loop goes on (the database may be briefly away).
pub async fn run_evaluator(store: Store, cfg: EvalConfig, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = chrono::Utc::now().timestamp();
        match evaluate_once(&store, &cfg, now).await {
            Ok(r) if r.keyword_alerts + r.rule_alerts + r.burst_alerts > 0 => {
                tracing::info!(?r, "alerts raised");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "alert evaluation failed; retrying next round"),
        }
    }
}
