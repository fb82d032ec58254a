//! The collaborator's report form (mobile first: one text area, two optional fields) and
//! "my reports". A report is filed into the reporter's own unit, through the same intake as
//! the API; roles that may not report (viewers) get 403 from the page itself.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use ykien_core::{Actor, Permission, can};
use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport};
use ykien_text::topics::Taxonomy;

use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::intake::{self, Rejected};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// Longest report accepted from the form (characters); the API takes longer texts.
pub const MAX_REPORT_CHARS: usize = 10_000;

/// How many of the user's own items "my reports" lists.
const MY_REPORTS_SHOWN: u32 = 200;

/// A choice of the topic select: the taxonomy is data, so its names come from there.
pub struct TopicOption {
    pub id: String,
    pub name: String,
}

fn topics(lang: Lang) -> Vec<TopicOption> {
    Taxonomy::embedded()
        .topics
        .iter()
        .map(|t| TopicOption {
            id: t.id.clone(),
            name: match lang {
                Lang::Vi => t.name_vi.clone(),
                Lang::En => t.name_en.clone(),
            },
        })
        .collect()
}

fn may_report(actor: &Actor) -> bool {
    can(actor, Permission::Report, &actor.unit_path)
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    csrf: String,
    topics: Vec<TopicOption>,
    text: String,
    topic: String,
    place: String,
    max_chars: usize,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    place: String,
}

impl HasCsrf for ReportForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn form_page(
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    f: &ReportForm,
    message: Option<String>,
) -> Result<Response, WebError> {
    let page = ReportPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        topics: topics(ui.lang),
        text: f.text.clone(),
        topic: f.topic.clone(),
        place: f.place.clone(),
        max_chars: MAX_REPORT_CHARS,
        message,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /report`.
pub async fn show(signed: Signed, ui: Ui) -> Result<Response, WebError> {
    if !may_report(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    form_page(&signed, &ui, StatusCode::OK, &ReportForm::default(), None)
}

#[derive(Template)]
#[template(path = "report_done.html")]
struct DonePage {
    c: Chrome,
    id: i64,
    duplicate: bool,
}

/// `POST /report`: files the report, then shows its number (or the form again, with what
/// to fix and everything typed so far).
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form: f }: CheckedForm<ReportForm>,
) -> Result<Response, Rejected> {
    if !may_report(&signed.actor) {
        return Err(WebError::Forbidden.into());
    }
    let t = ui.t();
    let invalid = |key: &str| {
        form_page(
            &signed,
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            Some(t.get(key).to_string()),
        )
        .map_err(Rejected::from)
    };
    let text = f.text.trim();
    if text.is_empty() {
        return invalid("report.error_empty");
    }
    if text.chars().count() > MAX_REPORT_CHARS {
        return invalid("report.error_long");
    }
    let topic = f.topic.trim();
    if !topic.is_empty() && Taxonomy::embedded().get(topic).is_none() {
        return invalid("report.error_topic");
    }
    let actor = &signed.actor;
    let item = NewItem {
        unit: actor.unit.to_string(),
        // Each reporter is a source of its own: two collaborators who write the same words
        // file two reports.
        source: format!("form/user-{}", actor.user_id),
        channel: Channel::Form,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: f.text.clone(),
        title: None,
        report: OpinionReport {
            topic_hint: Some(topic.to_string()).filter(|s| !s.is_empty()),
            locality: Some(f.place.trim().to_string()).filter(|s| !s.is_empty()),
            ..OpinionReport::default()
        },
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    };
    let filed = intake::file(&state, Some(actor), item).await?;
    let page = DonePage {
        c: ui.chrome(Some(signed.bar())),
        id: filed.id,
        duplicate: !filed.created,
    };
    Ok(Html(page.render().map_err(WebError::from)?).into_response())
}

/// One line of "my reports".
pub struct MyReport {
    pub id: i64,
    pub received: String,
    pub unit_name: String,
    pub excerpt: String,
    pub status_label: String,
    pub status: String,
}

/// Vietnam's time (UTC+7, no daylight saving), which is what its users read.
pub fn local_time(t: DateTime<Utc>) -> String {
    let vn = FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    t.with_timezone(&vn).format("%d/%m/%Y %H:%M").to_string()
}

/// The first characters of a text, cut at a character boundary.
pub fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}

#[derive(Template)]
#[template(path = "reports_mine.html")]
struct MinePage {
    c: Chrome,
    reports: Vec<MyReport>,
    may_report: bool,
}

/// `GET /reports/mine`: what the user filed and how far each has got.
pub async fn mine(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let reports = state
        .store
        .my_items(&signed.actor, MY_REPORTS_SHOWN)
        .await?
        .into_iter()
        .map(|i| MyReport {
            id: i.id,
            received: local_time(i.received_at),
            unit_name: i.unit_name,
            excerpt: excerpt(&i.text, 160),
            status_label: t.get(&format!("item_status.{}", i.status)).to_string(),
            status: i.status,
        })
        .collect();
    let page = MinePage {
        c: ui.chrome(Some(signed.bar())),
        reports,
        may_report: may_report(&signed.actor),
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_at_characters() {
        assert_eq!(excerpt("Đình Chèm", 4), "Đình…");
        assert_eq!(excerpt("Đình", 4), "Đình");
    }

    #[test]
    fn local_time_is_vietnam_time() {
        let t = DateTime::parse_from_rfc3339("2026-11-29T18:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_time(t), "30/11/2026 01:30");
    }

    #[test]
    fn every_topic_has_names_in_both_languages() {
        let vi = topics(Lang::Vi);
        let en = topics(Lang::En);
        assert!(!vi.is_empty());
        assert_eq!(vi.len(), en.len());
        assert!(vi.iter().chain(&en).all(|t| !t.name.trim().is_empty()));
    }
}
