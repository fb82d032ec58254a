//! `ykien alerts list|show|rules|add-rule|watch|channels|add-channel|evaluate`: alerts from the
//! server's own command line, as the system sees them (every unit): the duty officer's check,
//! and the setting up of rules, keyword watches and recipients in scripts.
//!
//! `ykien alerts watch --unit 01 "thuy phuong" "sạt lở"` watches the folded terms in every
//! item of Hà Nội; `ykien alerts add-rule --unit 00004 --topic environment --threshold 5
//! --window-hours 3` alerts on five environment items in Ba Đình within three hours;
//! `ykien alerts add-channel --unit 01 --webhook https://… --secret …` delivers them.

use clap::Subcommand;
use ykien_store::{
    AlertFilter, AlertKind, AlertSeverity, AlertStatus, ChannelKind, NewAlertChannel, NewRule,
    RuleKind, Store,
};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    /// List alerts, newest first
    List {
        /// Only alerts in this state: open, acknowledged, closed
        #[arg(long)]
        status: Option<String>,
        /// Only alerts of this kind: rule, keyword, burst, integrity
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// One alert with its item ids and deliveries
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Threshold rules and keyword watches
    Rules {
        #[arg(long)]
        json: bool,
    },
    /// Add a threshold rule: at least N items (of a topic) in a unit's subtree within a window
    AddRule {
        /// The unit whose subtree is watched, e.g. 01 or 00004
        #[arg(long, value_name = "CODE")]
        unit: String,
        #[arg(long)]
        name: Option<String>,
        /// A topic id (environment, traffic_urban, health, …); any topic if left out
        #[arg(long)]
        topic: Option<String>,
        #[arg(long)]
        threshold: u32,
        #[arg(long, default_value_t = 1)]
        window_hours: u32,
        /// Count only items whose sentiment is negative
        #[arg(long)]
        negative_only: bool,
        /// normal or urgent
        #[arg(long, default_value = "normal")]
        severity: String,
    },
    /// Add a keyword watch: an alert when any term appears ("thuy phuong" finds "Thụy Phương")
    Watch {
        #[arg(long, value_name = "CODE")]
        unit: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "urgent")]
        severity: String,
        #[arg(required = true)]
        terms: Vec<String>,
    },
    /// Recipients of alerts (webhooks, e-mail addresses)
    Channels {
        #[arg(long)]
        json: bool,
    },
    /// Deliver the alerts of a unit's subtree to a webhook or an e-mail address
    AddChannel {
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// Only the alerts of this rule
        #[arg(long)]
        rule: Option<i64>,
        #[arg(long, conflicts_with = "email", required_unless_present = "email")]
        webhook: Option<String>,
        /// The webhook's signing key (X-Ykien-Signature: sha256=HMAC of the body)
        #[arg(long, env = "YKIEN_WEBHOOK_SECRET", requires = "webhook")]
        secret: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Deliver only urgent alerts
        #[arg(long)]
        urgent_only: bool,
    },
    /// Run one evaluation round and one delivery round now
    Evaluate {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(g: &GlobalOpts, cmd: AlertsCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    let r = run_with(&store, &s.alerts(), cmd).await;
    store.close().await;
    r
}

fn usage<T>(r: Result<T, ykien_store::StoreError>) -> anyhow::Result<T> {
    r.map_err(|e| {
        if e.is_user_error() {
            UsageError(e.to_string()).into()
        } else {
            e.into()
        }
    })
}

async fn run_with(
    store: &Store,
    settings: &ykien_alerts::AlertsSettings,
    cmd: AlertsCmd,
) -> anyhow::Result<()> {
    match cmd {
        AlertsCmd::List {
            status,
            kind,
            limit,
            json,
        } => {
            let filter = AlertFilter {
                status: status
                    .as_deref()
                    .map(AlertStatus::parse)
                    .transpose()
                    .map_err(|e| UsageError(e.to_string()))?,
                kind: kind
                    .as_deref()
                    .map(AlertKind::parse)
                    .transpose()
                    .map_err(|e| UsageError(e.to_string()))?,
                limit,
            };
            let alerts = store.list_alerts(None, &filter).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&alerts)?);
            } else {
                for a in &alerts {
                    outln!(
                        "#{:<5} {:<12} {:<9} {:<7} {:<6} {}  {}",
                        a.id,
                        a.status.as_str(),
                        a.kind.as_str(),
                        a.severity.as_str(),
                        a.item_count,
                        a.raised_at.format("%Y-%m-%d %H:%M"),
                        a.title
                    );
                }
                if alerts.is_empty() {
                    eprintln!("no alerts");
                }
            }
        }
        AlertsCmd::Show { id, json } => {
            let a = usage(store.get_alert(None, id).await)?;
            let d = store.alert_deliveries(None, id).await?;
            if json {
                let v = serde_json::json!({ "alert": a, "deliveries": d });
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                outln!("#{} {}", a.alert.id, a.alert.title);
                outln!("{}", serde_json::to_string_pretty(&a.alert.details)?);
                outln!("items: {:?}", a.items);
                for x in d {
                    outln!(
                        "delivery #{} {} {} {} attempts={} {}",
                        x.id,
                        x.kind.as_str(),
                        x.target,
                        x.state,
                        x.attempts,
                        x.last_error.unwrap_or_default()
                    );
                }
            }
        }
        AlertsCmd::Rules { json } => {
            let rules = store.list_rules(None).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&rules)?);
            } else {
                for r in &rules {
                    outln!(
                        "#{:<4} {:<9} {:<8} {} {} ({}): {}",
                        r.id,
                        r.kind.as_str(),
                        if r.enabled { "on" } else { "off" },
                        r.unit.0,
                        r.name,
                        r.severity.as_str(),
                        match r.kind {
                            RuleKind::Keyword => r.terms.join(", "),
                            RuleKind::Threshold => format!(
                                "≥{} {} in {} min",
                                r.threshold,
                                r.topic.as_deref().unwrap_or("any topic"),
                                r.window_secs / 60
                            ),
                        }
                    );
                }
            }
        }
        AlertsCmd::AddRule {
            unit,
            name,
            topic,
            threshold,
            window_hours,
            negative_only,
            severity,
        } => {
            let rule = NewRule {
                name: name.unwrap_or_else(|| {
                    format!(
                        "{} ≥{threshold} / {window_hours} h",
                        topic.as_deref().unwrap_or("mọi lĩnh vực")
                    )
                }),
                unit,
                kind: RuleKind::Threshold,
                topic,
                terms: Vec::new(),
                threshold,
                window_secs: i64::from(window_hours) * 3600,
                negative_only,
                severity: usage(AlertSeverity::parse(&severity))?,
            };
            let r = usage(store.create_rule(None, &rule).await)?;
            outln!("rule #{} added", r.id);
        }
        AlertsCmd::Watch {
            unit,
            name,
            severity,
            terms,
        } => {
            let rule = NewRule {
                name: name.unwrap_or_else(|| format!("Theo dõi: {}", terms.join(", "))),
                unit,
                kind: RuleKind::Keyword,
                topic: None,
                terms,
                threshold: 1,
                window_secs: 3600,
                negative_only: false,
                severity: usage(AlertSeverity::parse(&severity))?,
            };
            let r = usage(store.create_rule(None, &rule).await)?;
            outln!("watch #{} added", r.id);
        }
        AlertsCmd::Channels { json } => {
            let list = store.list_channels(None).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for c in list {
                    outln!(
                        "#{:<4} {:<7} {} rule={:?} min={} {}",
                        c.id,
                        c.kind.as_str(),
                        c.unit.0,
                        c.rule_id,
                        c.min_severity.as_str(),
                        c.target
                    );
                }
            }
        }
        AlertsCmd::AddChannel {
            unit,
            rule,
            webhook,
            secret,
            email,
            urgent_only,
        } => {
            let (kind, target) = match (webhook, email) {
                (Some(w), _) => (ChannelKind::Webhook, w),
                (None, Some(e)) => (ChannelKind::Email, e),
                (None, None) => {
                    return Err(UsageError("give --webhook URL or --email ADDRESS".into()).into());
                }
            };
            let c = usage(
                store
                    .create_channel(
                        None,
                        &NewAlertChannel {
                            unit,
                            rule_id: rule,
                            kind,
                            target,
                            secret,
                            min_severity: if urgent_only {
                                AlertSeverity::Urgent
                            } else {
                                AlertSeverity::Normal
                            },
                        },
                    )
                    .await,
            )?;
            outln!("channel #{} added", c.id);
        }
        AlertsCmd::Evaluate { json } => {
            let now = chrono::Utc::now().timestamp();
            let e = ykien_alerts::evaluate_once(store, &settings.eval_config(), now).await?;
            let cfg = settings.delivery_config();
            let http = ykien_alerts::http_client(cfg.timeout)?;
            let d = ykien_alerts::deliver_once(store, &http, &cfg).await?;
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "evaluation": e, "delivery": d })
                    )?
                );
            } else {
                outln!("evaluation: {e:?}");
                outln!("delivery: {d:?}");
            }
        }
    }
    Ok(())
}
