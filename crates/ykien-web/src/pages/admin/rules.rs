//! The alert-rule editor (`/admin/rules`): threshold rules and keyword watches of the actor's
//! subtree, turned on and off or deleted, and the channels alerts are delivered by (webhook,
//! e-mail). Handlers only (officers, leaders, admins); the store checks scope and role on
//! every call. A webhook's secret is written once and never shown back: the store does not
//! even return it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use ykien_store::{
    AlertChannel, AlertRule, AlertSeverity, ChannelKind, NewAlertChannel, NewRule, RuleKind,
};

use super::{Done, Notice, TokenOnly, back, fixable, is_handler, path_id};
use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PAGE: &str = "/admin/rules";

/// One rule as the list shows it.
pub struct RuleLine {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub unit_name: String,
    /// What it watches, in words: the terms, or "≥ N items of topic T in H hours".
    pub watches: String,
    pub severity: &'static str,
    pub severity_label: String,
    pub enabled: bool,
}

/// One channel as the list shows it (never its secret).
pub struct ChannelLine {
    pub id: i64,
    pub kind_label: String,
    pub target: String,
    pub unit: String,
    pub rule_name: String,
    pub min_severity_label: String,
    pub has_secret: bool,
}

/// A topic of the taxonomy for the select.
pub struct TopicOption {
    pub id: String,
    pub name: String,
}

/// What the rule form holds (typed values come back when the store refuses them).
#[derive(Debug, Clone, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub terms: String,
    #[serde(default)]
    pub threshold: String,
    #[serde(default)]
    pub window_hours: String,
    #[serde(default)]
    pub negative_only: Option<String>,
    #[serde(default)]
    pub severity: String,
}

impl HasCsrf for RuleForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl RuleForm {
    fn blank(unit: &str) -> RuleForm {
        RuleForm {
            csrf: String::new(),
            unit: unit.to_string(),
            name: String::new(),
            kind: "keyword".into(),
            topic: String::new(),
            terms: String::new(),
            threshold: "10".into(),
            window_hours: "24".into(),
            negative_only: None,
            severity: "normal".into(),
        }
    }
}

/// What the channel form holds; the secret is never sent back to the page.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub min_severity: String,
}

impl HasCsrf for ChannelForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl ChannelForm {
    fn blank(unit: &str) -> ChannelForm {
        ChannelForm {
            csrf: String::new(),
            unit: unit.to_string(),
            kind: "email".into(),
            target: String::new(),
            secret: String::new(),
            rule: String::new(),
            min_severity: "normal".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/rules.html")]
struct RulesPage {
    c: Chrome,
    csrf: String,
    notice: Option<Notice>,
    rules: Vec<RuleLine>,
    channels: Vec<ChannelLine>,
    topics: Vec<TopicOption>,
    rule: RuleForm,
    channel: ChannelForm,
}

/// The topics officers may pick: those of the taxonomy in use (the active version, else the
/// shipped one).
async fn topics(state: &AppState, ui: &Ui) -> Vec<TopicOption> {
    let tax = super::taxonomy_in_use(state).await;
    tax.topics
        .iter()
        .map(|t| TopicOption {
            id: t.id.clone(),
            name: if ui.lang.code() == "vi" {
                t.name_vi.clone()
            } else {
                t.name_en.clone()
            },
        })
        .collect()
}

fn hours(secs: i64) -> String {
    if secs % 3600 == 0 {
        (secs / 3600).to_string()
    } else {
        format!("{:.1}", secs as f64 / 3600.0)
    }
}

fn rule_line(r: &AlertRule, t: &Catalog, topics: &[TopicOption]) -> RuleLine {
    let topic = r
        .topic
        .as_deref()
        .map(|id| {
            topics
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
        .unwrap_or_else(|| t.get("admin.rules.any_topic").to_string());
    let watches = match r.kind {
        RuleKind::Keyword => r.terms.join(", "),
        RuleKind::Threshold => t
            .get("admin.rules.threshold_said")
            .replace("{n}", &r.threshold.to_string())
            .replace("{topic}", &topic)
            .replace("{hours}", &hours(r.window_secs)),
    };
    let watches = if r.negative_only {
        format!("{watches} ({})", t.get("admin.rules.negative_only"))
    } else {
        watches
    };
    RuleLine {
        id: r.id,
        name: r.name.clone(),
        kind: r.kind.as_str(),
        kind_label: t
            .get(&format!("admin.rules.kind_{}", r.kind.as_str()))
            .to_string(),
        unit_name: r.unit_name.clone(),
        watches,
        severity: r.severity.as_str(),
        severity_label: t
            .get(&format!("alerts.severity_{}", r.severity.as_str()))
            .to_string(),
        enabled: r.enabled,
    }
}

fn channel_line(c: &AlertChannel, t: &Catalog, rules: &[AlertRule]) -> ChannelLine {
    ChannelLine {
        id: c.id,
        kind_label: t
            .get(&format!("admin.channels.kind_{}", c.kind.as_str()))
            .to_string(),
        target: c.target.clone(),
        unit: c.unit.to_string(),
        rule_name: match c.rule_id {
            Some(id) => rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| format!("#{id}")),
            None => t.get("admin.channels.every_alert").to_string(),
        },
        min_severity_label: t
            .get(&format!("alerts.severity_{}", c.min_severity.as_str()))
            .to_string(),
        has_secret: c.has_secret,
    }
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    notice: Option<Notice>,
    rule: RuleForm,
    channel: ChannelForm,
) -> Result<Response, WebError> {
    if !is_handler(signed) {
        return Err(WebError::Forbidden);
    }
    let t = ui.t();
    let rules = state.store.list_rules(Some(&signed.actor)).await?;
    let channels = state.store.list_channels(Some(&signed.actor)).await?;
    let topics = topics(state, ui).await;
    let page = RulesPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        notice,
        rules: rules.iter().map(|r| rule_line(r, t, &topics)).collect(),
        channels: channels
            .iter()
            .map(|c| channel_line(c, t, &rules))
            .collect(),
        topics,
        rule,
        channel,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/rules`: the rules and channels of the subtree, and the forms to add them.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let notice = Notice::done(ui.t(), q.done.as_deref());
    let unit = signed.actor.unit.to_string();
    render(
        &state,
        &signed,
        &ui,
        StatusCode::OK,
        notice,
        RuleForm::blank(&unit),
        ChannelForm::blank(&unit),
    )
    .await
}

/// Reads the rule form into the store's terms; `Err` is the catalogue key of what to fix.
fn new_rule(f: &RuleForm) -> Result<NewRule, &'static str> {
    let kind = RuleKind::parse(&f.kind).map_err(|_| "admin.rules.error_kind")?;
    let threshold = match f.threshold.trim() {
        "" if kind == RuleKind::Keyword => 1,
        s => s
            .parse::<u32>()
            .map_err(|_| "admin.rules.error_threshold")?,
    };
    let window_hours = match f.window_hours.trim() {
        "" if kind == RuleKind::Keyword => 24.0,
        s => s
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h > 0.0)
            .ok_or("admin.rules.error_window")?,
    };
    let terms = if kind == RuleKind::Keyword {
        f.terms
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    Ok(NewRule {
        unit: f.unit.trim().to_string(),
        name: f.name.clone(),
        kind,
        topic: Some(f.topic.clone()).filter(|t| !t.trim().is_empty()),
        terms,
        threshold,
        window_secs: (window_hours * 3600.0).round() as i64,
        negative_only: f.negative_only.is_some(),
        severity: AlertSeverity::parse(&f.severity).map_err(|_| "admin.rules.error_severity")?,
    })
}

/// `POST /admin/rules`: adds a threshold rule or keyword watch.
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<RuleForm>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let unit = signed.actor.unit.to_string();
    let again = |status, notice| {
        render(
            &state,
            &signed,
            &ui,
            status,
            Some(notice),
            form.clone(),
            ChannelForm::blank(&unit),
        )
    };
    let new = match new_rule(&form) {
        Ok(n) => n,
        Err(key) => {
            if !is_handler(&signed) {
                return Err(WebError::Forbidden);
            }
            let notice = Notice::error(t.get(key).to_string());
            return again(StatusCode::UNPROCESSABLE_ENTITY, notice).await;
        }
    };
    match state.store.create_rule(Some(&signed.actor), &new).await {
        Ok(_) => Ok(back(PAGE, "rule_created")),
        Err(e) => {
            let (status, notice) = fixable(t, e)?;
            again(status, notice).await
        }
    }
}

/// The enable/disable form.
#[derive(Debug, Deserialize)]
pub struct EnabledForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub enabled: String,
}

impl HasCsrf for EnabledForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /admin/rules/{id}/enabled`: turns a rule on (`enabled=true`) or off.
pub async fn set_enabled(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<EnabledForm>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let on = matches!(form.enabled.as_str(), "true" | "1" | "on");
    state
        .store
        .set_rule_enabled(Some(&signed.actor), id, on)
        .await?;
    Ok(back(
        PAGE,
        if on { "rule_enabled" } else { "rule_disabled" },
    ))
}

/// `POST /admin/rules/{id}/delete`: removes a rule and its recipients; its alerts stay.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    state.store.delete_rule(Some(&signed.actor), id).await?;
    Ok(back(PAGE, "rule_deleted"))
}

/// `POST /admin/channels`: adds a recipient (webhook or e-mail) for the subtree's alerts.
pub async fn create_channel(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<ChannelForm>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let unit = signed.actor.unit.to_string();
    // The secret never goes back to the page, even when the form is shown again.
    let typed = ChannelForm {
        secret: String::new(),
        ..form.clone()
    };
    let again = |status, notice| {
        render(
            &state,
            &signed,
            &ui,
            status,
            Some(notice),
            RuleForm::blank(&unit),
            typed.clone(),
        )
    };
    let parsed = (|| {
        let kind = ChannelKind::parse(&form.kind).map_err(|_| "admin.channels.error_kind")?;
        let rule_id = match form.rule.trim() {
            "" => None,
            r => Some(r.parse::<i64>().map_err(|_| "admin.channels.error_rule")?),
        };
        let min_severity =
            AlertSeverity::parse(&form.min_severity).map_err(|_| "admin.rules.error_severity")?;
        Ok::<_, &'static str>(NewAlertChannel {
            unit: form.unit.trim().to_string(),
            rule_id,
            kind,
            target: form.target.clone(),
            secret: Some(form.secret.clone()).filter(|s| !s.trim().is_empty()),
            min_severity,
        })
    })();
    let new = match parsed {
        Ok(n) => n,
        Err(key) => {
            if !is_handler(&signed) {
                return Err(WebError::Forbidden);
            }
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                Notice::error(t.get(key).to_string()),
            )
            .await;
        }
    };
    match state.store.create_channel(Some(&signed.actor), &new).await {
        Ok(_) => Ok(back(PAGE, "channel_created")),
        Err(e) => {
            let (status, notice) = fixable(t, e)?;
            again(status, notice).await
        }
    }
}

/// `POST /admin/channels/{id}/delete`: removes a recipient.
pub async fn delete_channel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    state.store.delete_channel(Some(&signed.actor), id).await?;
    Ok(back(PAGE, "channel_deleted"))
}
