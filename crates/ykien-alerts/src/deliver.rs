//! Delivery of every raised alert (whoever raised it: the evaluator, the feeds' integrity
//! watch) to the channels that asked for it: webhooks and e-mail. In-app delivery needs no
//! work here: the alert is in the database and the web UI and API list it.
//!
//! Each (alert, channel) pair is a row in `deliveries`, claimed with a lease like the
//! analysis jobs (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so several processes share the
//! work and a process that dies mid-send leaves the delivery to be taken over. A failed
//! attempt is recorded (`delivery_attempts`) and retried after an exponential backoff
//! (base · 2^(attempt−1), capped); after `max_attempts`, or at once on a permanent refusal
//! (an SMTP 5xx, a webhook 4xx other than 408/429), the delivery is marked failed.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use ykien_store::{AlertItemSummary, AttemptOutcome, ChannelKind, DeliveryJob, Store};

use crate::AlertsError;
use crate::smtp::{Mail, SmtpConfig, send_mail};
use crate::webhook::{DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub max_attempts: i64,
    /// Wait after the first failed attempt; doubled after each further one.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Per request.
    pub timeout: Duration,
    pub lease: Duration,
    /// None: e-mail channels fail with a clear reason.
    pub smtp: Option<SmtpConfig>,
    /// The server's public address, for links to the alert ("https://ykien.example").
    pub public_url: Option<String>,
    /// Items listed in a webhook body or an e-mail.
    pub max_items: u32,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            max_attempts: 8,
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(120),
            smtp: None,
            public_url: None,
            max_items: 50,
        }
    }
}

/// The wait before attempt `attempt + 1`, after `attempt` failed ones.
pub fn backoff_after(attempt: i64, base: Duration, max: Duration) -> Duration {
    let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(1u32 << shift).min(max)
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliverReport {
    pub planned: u64,
    pub delivered: u64,
    pub retried: u64,
    pub failed: u64,
}

/// A client for webhooks: rustls with the ring provider, no redirects (a webhook that
/// redirects is misconfigured, and following it would send the signed body elsewhere).
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, AlertsError> {
    crate::install_crypto();
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("ykien-alerts/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AlertsError::Http(e.to_string()))
}

fn alert_url(cfg: &DeliveryConfig, id: i64) -> Option<String> {
    cfg.public_url
        .as_deref()
        .map(|u| format!("{}/alerts/{id}", u.trim_end_matches('/')))
}

/// The webhook body: the alert, its items (masked), and the delivery's identity and time.
pub fn payload(
    job: &DeliveryJob,
    items: &[AlertItemSummary],
    sent_at: i64,
    url: Option<String>,
) -> serde_json::Value {
    let a = &job.alert.alert;
    json!({
        "delivery_id": job.id,
        "attempt": job.attempt,
        "sent_at": sent_at,
        "alert": {
            "id": a.id, "kind": a.kind, "severity": a.severity, "status": a.status,
            "title": a.title, "unit": a.unit, "unit_name": a.unit_name,
            "raised_at": a.raised_at, "details": a.details, "item_count": a.item_count,
            "url": url,
        },
        "items": items,
    })
}

/// The e-mail text: the title, the facts, the items.
pub fn mail_body(job: &DeliveryJob, items: &[AlertItemSummary], url: Option<String>) -> String {
    let a = &job.alert.alert;
    let mut b = String::new();
    b.push_str(&a.title);
    b.push_str("\n\n");
    b.push_str(&format!("Đơn vị / Unit: {} ({})\n", a.unit_name, a.unit.0));
    b.push_str(&format!("Loại / Kind: {:?}\n", a.kind));
    b.push_str(&format!("Mức độ / Severity: {:?}\n", a.severity));
    b.push_str(&format!(
        "Thời điểm / Raised: {} (UTC)\n",
        a.raised_at.format("%Y-%m-%d %H:%M")
    ));
    if let Some(u) = &url {
        b.push_str(&format!("Xem / View: {u}\n"));
    }
    if let Some(obj) = a.details.as_object() {
        b.push_str("\nChi tiết / Details:\n");
        for (k, v) in obj {
            if k == "history" {
                continue;
            }
            b.push_str(&format!("  {k}: {v}\n"));
        }
    }
    b.push_str(&format!("\nÝ kiến / Items ({}):\n", a.item_count));
    for it in items {
        let text = it.text.as_deref().unwrap_or("(hạn chế / restricted)");
        let short: String = text.chars().take(300).collect();
        b.push_str(&format!(
            "- #{} {} [{}]: {}\n",
            it.id,
            it.at.format("%Y-%m-%d %H:%M"),
            it.topic.as_deref().unwrap_or("-"),
            short.replace('\n', " ")
        ));
    }
    b
}

/// Sends one delivery; the outcome says whether and when to retry.
async fn attempt(
    store: &Store,
    http: &reqwest::Client,
    cfg: &DeliveryConfig,
    job: &DeliveryJob,
) -> Result<AttemptOutcome, AlertsError> {
    let items = store
        .alert_item_summaries(job.alert.alert.id, cfg.max_items)
        .await?;
    let url = alert_url(cfg, job.alert.alert.id);
    let retry_at = || {
        (job.attempt < cfg.max_attempts).then(|| {
            Utc::now()
                + chrono::Duration::from_std(backoff_after(
                    job.attempt,
                    cfg.backoff,
                    cfg.max_backoff,
                ))
                .unwrap_or_else(|_| chrono::Duration::hours(1))
        })
    };
    let fail = |status: Option<i64>, error: String, permanent: bool| AttemptOutcome {
        ok: false,
        status,
        error: Some(error),
        retry_at: if permanent { None } else { retry_at() },
    };
    Ok(match job.channel.kind {
        ChannelKind::Webhook => {
            let sent_at = Utc::now().timestamp();
            let body = serde_json::to_vec(&payload(job, &items, sent_at, url))
                .map_err(|e| AlertsError::Http(e.to_string()))?;
            let secret = job.secret.clone().unwrap_or_default();
            let sig = sign(secret.as_bytes(), &body);
            let res = http
                .post(&job.channel.target)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, sig)
                .header(TIMESTAMP_HEADER, sent_at.to_string())
                .header(DELIVERY_HEADER, job.id.to_string())
                .body(body)
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => AttemptOutcome {
                    ok: true,
                    status: Some(i64::from(r.status().as_u16())),
                    error: None,
                    retry_at: None,
                },
                Ok(r) => {
                    let code = r.status().as_u16();
                    // 4xx means the request itself is refused; 408 and 429 are "later".
                    let permanent = (400..500).contains(&code) && code != 408 && code != 429;
                    fail(
                        Some(i64::from(code)),
                        format!("the endpoint answered {code}"),
                        permanent,
                    )
                }
                Err(e) => fail(None, format!("webhook: {e}"), false),
            }
        }
        ChannelKind::Email => match &cfg.smtp {
            None => fail(
                None,
                "no SMTP server is configured ([alerts.smtp] in the config file)".into(),
                true,
            ),
            Some(smtp) => {
                let mail = Mail {
                    to: job.channel.target.clone(),
                    subject: format!("[ykien] {}", job.alert.alert.title),
                    body: mail_body(job, &items, url),
                    id: format!(
                        "alert-{}-delivery-{}-{}",
                        job.alert.alert.id, job.id, job.attempt
                    ),
                };
                match send_mail(smtp, &mail).await {
                    Ok(code) => AttemptOutcome {
                        ok: true,
                        status: Some(i64::from(code)),
                        error: None,
                        retry_at: None,
                    },
                    Err(e) => fail(e.code.map(i64::from), e.message, e.permanent),
                }
            }
        },
    })
}

/// Fans out new alerts and sends every due delivery.
pub async fn deliver_once(
    store: &Store,
    http: &reqwest::Client,
    cfg: &DeliveryConfig,
) -> Result<DeliverReport, AlertsError> {
    let mut report = DeliverReport {
        planned: store.plan_deliveries(1000).await?,
        ..Default::default()
    };
    while let Some(job) = store.claim_delivery(cfg.lease).await? {
        let outcome = attempt(store, http, cfg, &job).await?;
        if !store.finish_delivery(job.id, job.attempt, &outcome).await? {
            continue;
        }
        if outcome.ok {
            report.delivered += 1;
        } else if outcome.retry_at.is_some() {
            report.retried += 1;
            tracing::warn!(delivery = job.id, error = ?outcome.error, "alert delivery failed; will retry");
        } else {
            report.failed += 1;
            tracing::warn!(delivery = job.id, error = ?outcome.error, "alert delivery failed for good");
        }
    }
    Ok(report)
}

/// Runs [`deliver_once`] every `every` until the task is dropped.
pub async fn run_delivery(store: Store, cfg: DeliveryConfig, every: Duration) {
    let http = match http_client(cfg.timeout) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "alert delivery cannot start");
            return;
        }
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = deliver_once(&store, &http, &cfg).await {
            tracing::warn!(error = %e, "alert delivery round failed; retrying next round");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_secs(30);
        let m = Duration::from_secs(3600);
        assert_eq!(backoff_after(1, b, m), Duration::from_secs(30));
        assert_eq!(backoff_after(2, b, m), Duration::from_secs(60));
        assert_eq!(backoff_after(4, b, m), Duration::from_secs(240));
        assert_eq!(backoff_after(50, b, m), m);
    }
}
