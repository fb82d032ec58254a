//! `GET /alerts`: the alerts of the signed-in officer's subtree, newest first — in-app
//! delivery. Roles that do not handle alerts see a note instead (the store decides).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use ykien_core::{Permission, can};
use ykien_store::{AlertFilter, StoreError};

use crate::auth::Signed;
use crate::error::WebError;
use crate::pages::report::{excerpt, local_time};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// How many alerts the page lists.
const SHOWN: u32 = 200;

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

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    c: Chrome,
    alerts: Vec<AlertLine>,
    handler: bool,
}

pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let filter = AlertFilter {
        limit: SHOWN,
        ..AlertFilter::default()
    };
    let handler = can(&signed.actor, Permission::Handle, &signed.actor.unit_path);
    let list = match state.store.list_alerts(Some(&signed.actor), &filter).await {
        Ok(l) => l,
        Err(StoreError::Forbidden { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let alerts = list
        .into_iter()
        .map(|a| AlertLine {
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
            unit_name: a.unit_name,
            title: excerpt(&a.title, 300),
            items: a.item_count,
        })
        .collect();
    let page = AlertsPage {
        c: ui.chrome(Some(signed.bar())),
        alerts,
        handler,
    };
    Ok(Html(page.render()?))
}
