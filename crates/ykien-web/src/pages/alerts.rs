//! The alert inbox: `GET /alerts` lists the alerts of the signed-in officer's subtree, newest
//! first, filtered by status; `GET /alerts/{id}` shows one with its items (masked text, as it
//! may leave ykien) and its deliveries; acknowledging and closing are forms (POST with the
//! session's CSRF token) that come back to the alert. Roles that do not handle alerts see a
//! note on the list and 403 on an alert (the store decides).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use ykien_core::{Permission, can};
use ykien_store::{Alert, AlertFilter, AlertStatus, StoreError};

use crate::auth::{CheckedForm, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::pages::admin::{Notice, TokenOnly, path_id};
use crate::pages::report::{excerpt, local_time};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// How many alerts the page lists.
const SHOWN: u32 = 200;
/// How many items an alert's page shows.
const ITEMS_SHOWN: u32 = 100;

/// One line of the list.
pub struct AlertLine {
    pub id: i64,
    pub raised: String,
    pub kind: String,
    pub kind_label: String,
    pub severity: String,
    pub severity_label: String,
    pub status: String,
    pub status_label: String,
    pub unit_name: String,
    pub title: String,
    pub items: i64,
}

fn alert_line(a: &Alert, t: &Catalog, chars: usize) -> AlertLine {
    AlertLine {
        id: a.id,
        raised: local_time(a.raised_at),
        kind: a.kind.as_str().to_string(),
        kind_label: t
            .get(&format!("alerts.kind_{}", a.kind.as_str()))
            .to_string(),
        severity: a.severity.as_str().to_string(),
        severity_label: t
            .get(&format!("alerts.severity_{}", a.severity.as_str()))
            .to_string(),
        status: a.status.as_str().to_string(),
        status_label: t
            .get(&format!("alerts.status_{}", a.status.as_str()))
            .to_string(),
        unit_name: a.unit_name.clone(),
        title: excerpt(&a.title, chars),
        items: a.item_count,
    }
}

/// A status tab of the list.
pub struct Tab {
    pub value: &'static str,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    c: Chrome,
    alerts: Vec<AlertLine>,
    handler: bool,
    tabs: Vec<Tab>,
    csrf: String,
}

/// `?status=open|acknowledged|closed`; anything else (or nothing): every status.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let status = q.status.as_deref().and_then(|s| AlertStatus::parse(s).ok());
    let filter = AlertFilter {
        limit: SHOWN,
        status,
        ..AlertFilter::default()
    };
    let handler = can(&signed.actor, Permission::Handle, &signed.actor.unit_path);
    let list = match state.store.list_alerts(Some(&signed.actor), &filter).await {
        Ok(l) => l,
        Err(StoreError::Forbidden { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let current = status.map(AlertStatus::as_str).unwrap_or("");
    let mut tabs = vec![Tab {
        value: "",
        label: t.get("admin.alerts.all").to_string(),
        current: current.is_empty(),
    }];
    tabs.extend(AlertStatus::ALL.iter().map(|s| Tab {
        value: s.as_str(),
        label: t.get(&format!("alerts.status_{}", s.as_str())).to_string(),
        current: current == s.as_str(),
    }));
    let page = AlertsPage {
        c: ui.chrome(Some(signed.bar())),
        alerts: list.iter().map(|a| alert_line(a, t, 300)).collect(),
        handler,
        tabs,
        csrf: signed.session.csrf_token.clone(),
    };
    Ok(Html(page.render()?))
}

/// An item of the alert as the page shows it.
pub struct ItemLine {
    pub id: i64,
    pub at: String,
    pub topic: String,
    pub sentiment: String,
    /// Masked text; None for a restricted item.
    pub text: Option<String>,
}

/// A delivery of the alert.
pub struct DeliveryLine {
    pub kind_label: String,
    pub target: String,
    pub state: String,
    pub state_label: String,
    pub attempts: i64,
    pub last_status: String,
    pub last_error: String,
    pub done: String,
}

/// A fact of the alert's details (what was observed, expected, matched…).
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    c: Chrome,
    a: AlertLine,
    full_title: String,
    facts: Vec<Fact>,
    items: Vec<ItemLine>,
    deliveries: Vec<DeliveryLine>,
    csrf: String,
    notice: Option<Notice>,
    can_ack: bool,
    can_close: bool,
    acknowledged: String,
    closed: String,
}

/// The facts of the alert's details that the catalogue has words for (what was observed,
/// expected, matched…), in a fixed order; other keys are technical and stay in the API.
const FACTS: &[&str] = &[
    "rule",
    "topic_name",
    "terms",
    "matched",
    "observed",
    "threshold",
    "expected",
    "ratio",
    "p_value",
    "window_secs",
    "source",
    "url",
    "spam_score",
    "excerpt",
];

fn facts(details: &serde_json::Value, t: &Catalog) -> Vec<Fact> {
    FACTS
        .iter()
        .filter_map(|k| {
            let v = details.get(*k)?;
            let value = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
                    .collect::<Vec<_>>()
                    .join(", "),
                serde_json::Value::Number(n) if *k == "window_secs" => {
                    let h = n.as_f64().unwrap_or(0.0) / 3600.0;
                    t.get("admin.alerts.hours")
                        .replace("{n}", &format!("{h:.0}"))
                }
                serde_json::Value::Number(n) if n.is_f64() => {
                    format!("{:.2}", n.as_f64().unwrap_or(0.0))
                }
                other => other.to_string(),
            };
            Some(Fact {
                label: t.get(&format!("admin.alerts.fact_{k}")).to_string(),
                value,
            })
        })
        .collect()
}

/// A topic's name in the page's language (the taxonomy in use); an unknown id as it is.
fn topic_name(id: &str, tax: &ykien_text::topics::Taxonomy, ui: &Ui) -> String {
    match tax.get(id) {
        Some(tp) if ui.lang.code() == "vi" => tp.name_vi.clone(),
        Some(tp) => tp.name_en.clone(),
        None => id.to_string(),
    }
}

/// `?done=` after a form.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    pub done: Option<String>,
}

/// `GET /alerts/{id}`: one alert with its items and deliveries.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let id = path_id(&id)?;
    let detail = state.store.get_alert(Some(&signed.actor), id).await?;
    let deliveries = state
        .store
        .alert_deliveries(Some(&signed.actor), id)
        .await?;
    // The alert is in the actor's scope and the actor handles it (both checked above); its
    // items are read as they may leave ykien: masked, restricted ones without text.
    let items = state.store.alert_item_summaries(id, ITEMS_SHOWN).await?;
    let tax = crate::pages::admin::taxonomy_in_use(&state).await;
    let a = &detail.alert;
    let page = AlertPage {
        c: ui.chrome(Some(signed.bar())),
        a: alert_line(a, t, 2000),
        full_title: a.title.clone(),
        facts: facts(&a.details, t),
        items: items
            .into_iter()
            .map(|i| ItemLine {
                id: i.id,
                at: local_time(i.at),
                topic: i
                    .topic
                    .map(|x| topic_name(&x, &tax, &ui))
                    .unwrap_or_default(),
                sentiment: i
                    .sentiment
                    .map(|s| {
                        let key = format!("admin.alerts.sentiment_{s}");
                        let said = t.get(&key);
                        if said == key { s } else { said.to_string() }
                    })
                    .unwrap_or_default(),
                text: i.text.map(|x| excerpt(&x, 600)),
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryLine {
                kind_label: t
                    .get(&format!("admin.channels.kind_{}", d.kind.as_str()))
                    .to_string(),
                target: d.target,
                state_label: t
                    .get(&format!("admin.alerts.delivery_{}", d.state))
                    .to_string(),
                state: d.state,
                attempts: d.attempts,
                last_status: d.last_status.map(|s| s.to_string()).unwrap_or_default(),
                last_error: d.last_error.unwrap_or_default(),
                done: d.done_at.map(local_time).unwrap_or_default(),
            })
            .collect(),
        csrf: signed.session.csrf_token.clone(),
        notice: crate::pages::admin::Notice::done(t, q.done.as_deref()),
        can_ack: a.status == AlertStatus::Open,
        can_close: a.status != AlertStatus::Closed,
        acknowledged: a.acknowledged_at.map(local_time).unwrap_or_default(),
        closed: a.closed_at.map(local_time).unwrap_or_default(),
    };
    Ok(Html(page.render()?).into_response())
}

async fn set_status(
    state: &AppState,
    signed: &Signed,
    id: &str,
    to: AlertStatus,
) -> Result<Response, WebError> {
    let id = path_id(id)?;
    state
        .store
        .set_alert_status(Some(&signed.actor), id, to)
        .await?;
    let done = match to {
        AlertStatus::Acknowledged => "alert_acknowledged",
        _ => "alert_closed",
    };
    Ok(Redirect::to(&format!("/alerts/{id}?done={done}")).into_response())
}

/// `POST /alerts/{id}/acknowledge`: someone is on it (open → acknowledged).
pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    set_status(&state, &signed, &id, AlertStatus::Acknowledged).await
}

/// `POST /alerts/{id}/close`: dealt with (open or acknowledged → closed).
pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    set_status(&state, &signed, &id, AlertStatus::Closed).await
}
