//! The collaborator's report form (mobile first: one text area, two optional fields and an
//! optional photo) and "my reports". A report is filed into the reporter's own unit, through
//! the same intake as the API; roles that may not report (viewers) get 403 from the page
//! itself.
//!
//! The form posts either URL-encoded (no photo) or multipart (with a photo). The page's
//! script (`static/report.js`) keeps drafts that could not be sent in the browser and sends
//! them later with the same `client_id`, which becomes the item's external id: a draft sent
//! twice is filed once. Asked for JSON (`Accept: application/json`), the post answers JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Form, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use std::sync::atomic::Ordering;
use ykien_core::{Actor, Permission, can};
use ykien_store::{Channel, Confidentiality, NewAttachment, NewItem, OpinionReport};
use ykien_text::topics::Taxonomy;

use crate::auth::{HasCsrf, Signed};
use crate::csrf::{constant_time_eq, random_token};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::intake::{self, Rejected};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};
use crate::uploads::{self, UploadedFile, human_size};

/// Longest report accepted from the form (characters); the API takes longer texts.
pub const MAX_REPORT_CHARS: usize = 10_000;

/// How many of the user's own items "my reports" lists.
const MY_REPORTS_SHOWN: u32 = 200;

/// Largest URL-encoded report form (the text, in the worst case of encoding, and the fields).
const MAX_URLENCODED: usize = 256 * 1024;

/// A choice of the topic select: the taxonomy is data, so its names come from there.
pub struct TopicOption {
    pub id: String,
    pub name: String,
}

/// The topics of the organization's active taxonomy (the shipped one until it edits its own).
async fn taxonomy(state: &AppState) -> Result<Taxonomy, WebError> {
    ykien_listen::learn::active_taxonomy(&state.store)
        .await
        .map(|(tx, _)| tx)
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn topics(tx: &Taxonomy, lang: Lang) -> Vec<TopicOption> {
    tx.topics
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
    client_id: String,
    max_chars: usize,
    max_photo: String,
    max_photo_bytes: usize,
    message: Option<String>,
    // --- reporting cycles (issue 7): the collaborator's banner ---
    cycle: Option<crate::pages::cycles::CycleBanner>,
    flash: bool,
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
    /// Chosen by the browser (or the page) for this draft: the item's external id.
    #[serde(default)]
    client_id: String,
    /// --- reporting cycles (issue 7): the "flash report" checkbox ("on" when ticked) ---
    #[serde(default)]
    flash: String,
}

impl HasCsrf for ReportForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A client id is what a browser's `crypto.randomUUID()` (or our own token) looks like.
fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// The reporting cycle's banner (issue 7) made it eight; a struct for them all would touch
// every caller for no clarity gained.
#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    tx: &Taxonomy,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    f: &ReportForm,
    message: Option<String>,
    cycle: Option<crate::pages::cycles::CycleBanner>, // reporting cycles (issue 7)
) -> Result<Response, WebError> {
    let limit = state.config.uploads.max_photo_bytes;
    let page = ReportPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        topics: topics(tx, ui.lang),
        text: f.text.clone(),
        topic: f.topic.clone(),
        place: f.place.clone(),
        client_id: if valid_client_id(&f.client_id) {
            f.client_id.clone()
        } else {
            random_token(16)
        },
        max_chars: MAX_REPORT_CHARS,
        max_photo: human_size(limit),
        max_photo_bytes: limit,
        message,
        cycle,
        flash: f.flash == "on",
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /report`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
) -> Result<Response, WebError> {
    if !may_report(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    let tx = taxonomy(&state).await?;
    // --- reporting cycles (issue 7) ---
    let cycle = crate::pages::cycles::banner(
        &state,
        &signed.actor,
        &ui,
        &signed.session.csrf_token,
        "report",
    )
    .await;
    form_page(
        &state,
        &tx,
        &signed,
        &ui,
        StatusCode::OK,
        &ReportForm::default(),
        None,
        cycle,
    )
}

#[derive(Template)]
#[template(path = "report_done.html")]
struct DonePage {
    c: Chrome,
    id: i64,
    duplicate: bool,
    photos: usize,
}

/// Whether the caller (the page's script) asked for JSON.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// The report form as posted, URL-encoded or multipart; `too_large` when the photo was
/// beyond the limit (and left out).
struct Posted {
    form: ReportForm,
    photo: Option<UploadedFile>,
    too_large: Option<usize>,
}

async fn read_posted(state: &AppState, req: Request) -> Result<Posted, Rejected> {
    if uploads::is_multipart(&req) {
        let up = uploads::read(req, state.config.uploads.max_photo_bytes, 1)
            .await
            .map_err(uploads::rejected)?;
        let field = |k: &str| up.field(k).to_string();
        let form = ReportForm {
            csrf: field("csrf"),
            text: field("text"),
            topic: field("topic"),
            place: field("place"),
            client_id: field("client_id"),
            flash: field("flash"), // reporting cycles (issue 7)
        };
        let too_large = up.too_large;
        let photo = up.files.into_iter().find(|f| f.field == "photo");
        return Ok(Posted {
            form,
            photo,
            too_large,
        });
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_URLENCODED)
        .await
        .map_err(|_| {
            Rejected::TooLarge(format!(
                "the form is larger than {}",
                human_size(MAX_URLENCODED)
            ))
        })?;
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let Form(form) = Form::<ReportForm>::from_request(req, state)
        .await
        .map_err(|e| Rejected::Web(WebError::BadRequest(e.body_text())))?;
    Ok(Posted {
        form,
        photo: None,
        too_large: None,
    })
}

/// `POST /report`: files the report (and its photo), then shows its number, or the form
/// again with what to fix and everything typed so far.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    signed: Signed,
    req: Request,
) -> Result<Response, Rejected> {
    let json = wants_json(req.headers());
    let Posted {
        form: f,
        photo,
        too_large,
    } = read_posted(&state, req).await?;
    if !constant_time_eq(f.csrf().as_bytes(), signed.session.csrf_token.as_bytes()) {
        state.metrics.csrf_rejected.fetch_add(1, Ordering::Relaxed);
        return Err(WebError::Csrf.into());
    }
    if !may_report(&signed.actor) {
        return Err(WebError::Forbidden.into());
    }
    let t = ui.t();
    let tx = taxonomy(&state).await?;
    let refuse = |status: StatusCode, message: String| {
        if json {
            return Err(if status == StatusCode::PAYLOAD_TOO_LARGE {
                Rejected::TooLarge(message)
            } else {
                Rejected::Invalid(message)
            });
        }
        form_page(&state, &tx, &signed, &ui, status, &f, Some(message), None)
            .map_err(Rejected::from)
    };
    let invalid = |key: &str| refuse(StatusCode::UNPROCESSABLE_ENTITY, t.get(key).to_string());
    if let Some(limit) = too_large {
        let msg = t
            .get("intake.photo_too_large")
            .replace("{limit}", &human_size(limit));
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, msg);
    }
    let text = f.text.trim();
    if text.is_empty() {
        return invalid("report.error_empty");
    }
    if text.chars().count() > MAX_REPORT_CHARS {
        return invalid("report.error_long");
    }
    let topic = f.topic.trim();
    if !topic.is_empty() && tx.get(topic).is_none() {
        return invalid("report.error_topic");
    }
    let client_id = f.client_id.trim();
    if !client_id.is_empty() && !valid_client_id(client_id) {
        return invalid("intake.bad_client_id");
    }
    // The photo is checked before anything is filed, so a refused photo files nothing.
    if let Some(p) = &photo
        && ykien_store::sniff_image(&p.bytes).is_none()
    {
        return invalid("intake.photo_not_image");
    }
    let files = match (&photo, &state.config.data_dir) {
        (Some(_), None) => {
            return Err(WebError::Unavailable("no data directory for uploads".into()).into());
        }
        (_, dir) => dir.clone(),
    };
    let actor = &signed.actor;
    let item = NewItem {
        unit: actor.unit.to_string(),
        // Each reporter is a source of its own: two collaborators who write the same words
        // file two reports.
        source: format!("form/user-{}", actor.user_id),
        channel: Channel::Form,
        external_id: Some(client_id.to_string()).filter(|s| !s.is_empty()),
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
    // --- reporting cycles (issue 7): a flash report (báo cáo nhanh), marked by its author ---
    if matches!(f.flash.as_str(), "on" | "1" | "true") {
        state.store.mark_flash(actor, filed.id).await?;
    }
    let mut photos = 0;
    if let (Some(p), Some(dir)) = (photo, files) {
        state
            .store
            .attach(
                Some(actor),
                &dir,
                NewAttachment {
                    item_id: filed.id,
                    bytes: &p.bytes,
                    original_name: p.name,
                    max_bytes: state.config.uploads.max_photo_bytes,
                    max_per_item: state.config.uploads.max_photos_per_item,
                },
            )
            .await?;
        photos = 1;
    }
    if json {
        let status = if filed.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let body = serde_json::json!({
            "id": filed.id, "duplicate": !filed.created, "photos": photos,
        });
        return Ok((status, Json(body)).into_response());
    }
    let page = DonePage {
        c: ui.chrome(Some(signed.bar())),
        id: filed.id,
        duplicate: !filed.created,
        photos,
    };
    Ok(Html(page.render().map_err(WebError::from)?).into_response())
}

/// `GET /api/v1/session/csrf`: the CSRF token of the caller's browser session, for the
/// report page's script, which sends drafts queued offline long after the page that held
/// the token was loaded (the session's token may have changed since, with a new sign-in).
/// Reading it cross-site is impossible (no CORS), so it is as safe as the form that shows
/// it. A bearer-token caller has no session, hence no token.
#[utoipa::path(
    get,
    path = "/api/v1/session/csrf",
    tag = "account",
    responses(
        (status = 200, description = "{\"csrf\": token} for a browser session; {\"csrf\": null} for a bearer token"),
        (status = 401, description = "No valid token or session", body = crate::api::schemas::ErrorBody),
    )
)]
pub async fn session_csrf(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, WebError> {
    use axum::extract::FromRequestParts;
    let (mut parts, _) = req.into_parts();
    let token = if parts.headers.contains_key(header::AUTHORIZATION) {
        crate::auth::ApiCaller::from_request_parts(&mut parts, &state).await?;
        None
    } else {
        let crate::auth::MaybeSigned(signed) =
            crate::auth::MaybeSigned::from_request_parts(&mut parts, &state).await?;
        Some(signed.ok_or(WebError::Unauthorized)?.session.csrf_token)
    };
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "csrf": token })),
    )
        .into_response())
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
    // --- reporting cycles (issue 7): the collaborator's banner ---
    cycle: Option<crate::pages::cycles::CycleBanner>,
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
    // --- reporting cycles (issue 7) ---
    let cycle = crate::pages::cycles::banner(
        &state,
        &signed.actor,
        &ui,
        &signed.session.csrf_token,
        "mine",
    )
    .await;
    let page = MinePage {
        c: ui.chrome(Some(signed.bar())),
        reports,
        may_report: may_report(&signed.actor),
        cycle,
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
        let vi = topics(Taxonomy::embedded(), Lang::Vi);
        let en = topics(Taxonomy::embedded(), Lang::En);
        assert!(!vi.is_empty());
        assert_eq!(vi.len(), en.len());
        assert!(vi.iter().chain(&en).all(|t| !t.name.trim().is_empty()));
    }
}
