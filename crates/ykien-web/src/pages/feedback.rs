//! The public feedback form: a citizen, without an account, sends an opinion to the Front
//! committee of a Hanoi ward or commune and gets a receipt code with which to follow it.
//!
//! Defences, in the order they apply: the pre-session CSRF token (as on the login page); a
//! per-address rate limit; a honeypot field that people never see and bots fill in (a bot is
//! answered exactly like a person, with a receipt code that leads nowhere, so it learns
//! nothing); the body size limit of the whole application. The item is filed by the system in
//! the chosen unit with channel "citizen"; the receipt code is its external id, and the
//! status page reads nothing of the item but its status.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use serde::Deserialize;
use ykien_store::{
    CITIZEN_SOURCE, Channel, Confidentiality, NewItem, OpinionReport, ReceiptStatus,
};

use crate::error::WebError;
use crate::intake::{self, Rejected};
use crate::pages::public_form::PreSession;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// Cookie holding the feedback form's pre-session CSRF nonce.
pub const CSRF_COOKIE: &str = "ykien_feedback_csrf";

const PRE_SESSION: PreSession = PreSession {
    cookie: CSRF_COOKIE,
    path: "/feedback",
};

/// Longest opinion accepted (characters).
pub const MAX_FEEDBACK_CHARS: usize = 5_000;

/// Longest contact line (characters).
const MAX_CONTACT_CHARS: usize = 200;

/// Receipt codes: no 0/O, 1/I/L, so a code read aloud or copied by hand survives.
const RECEIPT_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 31^10 ≈ 2^49.5 codes: guessing one is hopeless, and lookups read only a status anyway.
pub const RECEIPT_LEN: usize = 10;

/// A fresh receipt code from the operating system's CSPRNG (via `rand`'s thread RNG).
pub fn receipt_code() -> String {
    let mut rng = rand::rng();
    (0..RECEIPT_LEN)
        .map(|_| RECEIPT_ALPHABET[rng.random_range(0..RECEIPT_ALPHABET.len())] as char)
        .collect()
}

/// A code as a person may type it ("abcde-fghjk ") in its stored form, or None when it
/// cannot be one.
pub fn normalize_code(s: &str) -> Option<String> {
    let code: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == RECEIPT_LEN && code.bytes().all(|b| RECEIPT_ALPHABET.contains(&b)))
        .then_some(code)
}

/// The code in two groups of five, easier to copy.
pub fn display_code(code: &str) -> String {
    if code.len() == RECEIPT_LEN && code.is_ascii() {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

/// Submissions allowed per client address in one window.
pub const PER_IP: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(10 * 60);

/// Per-address limit on feedback submissions: fixed-window counters in memory, like the
/// login limiter (one process enforces its own window; several behind a balancer still bound
/// a flood). Every submission counts, stored or caught by the honeypot.
#[derive(Debug)]
pub struct Limiter {
    per_ip: u32,
    window: Duration,
    state: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    pub fn new(per_ip: u32, window: Duration) -> Limiter {
        Limiter {
            per_ip,
            window,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// The limiter the router installs (as an extension; one per router).
    pub fn shared() -> Arc<Limiter> {
        Arc::new(Limiter::new(PER_IP, WINDOW))
    }

    pub fn allowed(&self, ip: &str) -> bool {
        let now = Instant::now();
        let map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(ip) {
            Some((start, n)) if now.duration_since(*start) < self.window => *n < self.per_ip,
            _ => true,
        }
    }

    pub fn record(&self, ip: &str) {
        let now = Instant::now();
        let mut map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(ip.to_string()).or_insert((now, 0));
        if now.duration_since(e.0) >= self.window {
            *e = (now, 0);
        }
        e.1 += 1;
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
    }
}

/// A ward or commune of Hanoi, as the select shows it.
pub struct UnitOption {
    pub id: String,
    pub name: String,
}

/// Hanoi's current communes and wards, in alphabetical order of their folded names. Unit
/// names are public reference data, read unscoped.
async fn hanoi_units(state: &AppState) -> Result<Vec<UnitOption>, WebError> {
    let mut units: Vec<(String, UnitOption)> = state
        .store
        .list_units(Some("01"), false)
        .await?
        .into_iter()
        .filter(|u| u.level == "commune")
        .map(|u| {
            (
                ykien_text::fold::fold(&u.name),
                UnitOption {
                    id: u.id.0,
                    name: u.name,
                },
            )
        })
        .collect();
    units.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(units.into_iter().map(|(_, u)| u).collect())
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    c: Chrome,
    csrf: String,
    units: Vec<UnitOption>,
    text: String,
    unit: String,
    contact: String,
    max_chars: usize,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    consent: String,
    /// The honeypot: hidden from people (CSS, aria-hidden, no tab stop), tempting to bots.
    #[serde(default)]
    website: String,
}

/// The form with a fresh pre-session CSRF pair (cookie + field).
async fn form(
    state: &AppState,
    headers: &HeaderMap,
    ui: &Ui,
    status: StatusCode,
    f: &FeedbackForm,
    message: Option<&str>,
) -> Result<Response, WebError> {
    let (cookie, field) = state.login_csrf.issue();
    let page = FeedbackPage {
        c: ui.chrome(None),
        csrf: field,
        units: hanoi_units(state).await?,
        text: f.text.clone(),
        unit: f.unit.clone(),
        contact: f.contact.clone(),
        max_chars: MAX_FEEDBACK_CHARS,
        message: message.map(|k| ui.t().get(k).to_string()),
    };
    PRE_SESSION.respond(state, headers, status, page.render()?, &cookie)
}

/// `GET /feedback`.
pub async fn show(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    form(
        &state,
        &headers,
        &ui,
        StatusCode::OK,
        &FeedbackForm::default(),
        None,
    )
    .await
}

#[derive(Template)]
#[template(path = "feedback_done.html")]
struct DonePage {
    c: Chrome,
    code: String,
    shown: String,
}

fn done(ui: &Ui, code: &str) -> Result<Response, WebError> {
    let page = DonePage {
        c: ui.chrome(None),
        code: code.to_string(),
        shown: display_code(code),
    };
    let mut res = Html(page.render()?).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// What is wrong with a submission, as a catalogue key; None when it may be filed.
async fn problem(state: &AppState, f: &FeedbackForm) -> Result<Option<&'static str>, WebError> {
    let text = f.text.trim();
    if text.is_empty() {
        return Ok(Some("feedback.error_empty"));
    }
    if text.chars().count() > MAX_FEEDBACK_CHARS || f.contact.chars().count() > MAX_CONTACT_CHARS {
        return Ok(Some("feedback.error_long"));
    }
    let unit = f.unit.trim();
    if unit.is_empty() || !hanoi_units(state).await?.iter().any(|u| u.id == unit) {
        return Ok(Some("feedback.error_unit"));
    }
    if f.consent != "yes" {
        return Ok(Some("feedback.error_consent"));
    }
    Ok(None)
}

/// `POST /feedback`.
pub async fn submit(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<Limiter>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ui: Ui,
    headers: HeaderMap,
    Form(f): Form<FeedbackForm>,
) -> Result<Response, Rejected> {
    if !PRE_SESSION.verify(&state, &headers, &f.csrf) {
        let status = StatusCode::FORBIDDEN;
        return Ok(form(&state, &headers, &ui, status, &f, Some("feedback.expired")).await?);
    }
    let ip = state.client_ip(&headers, Some(peer));
    if !limiter.allowed(&ip) {
        tracing::warn!(%ip, "feedback rate-limited");
        let status = StatusCode::TOO_MANY_REQUESTS;
        return Ok(form(
            &state,
            &headers,
            &ui,
            status,
            &f,
            Some("feedback.rate_limited"),
        )
        .await?);
    }
    if !f.website.trim().is_empty() {
        // A bot: the same answer a person gets, nothing stored.
        limiter.record(&ip);
        tracing::info!(%ip, "feedback honeypot filled; discarded");
        return Ok(done(&ui, &receipt_code())?);
    }
    if let Some(key) = problem(&state, &f).await? {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(form(&state, &headers, &ui, status, &f, Some(key)).await?);
    }
    let unit = f.unit.trim();
    let code = receipt_code();
    let item = NewItem {
        unit: unit.to_string(),
        source: CITIZEN_SOURCE.to_string(),
        channel: Channel::Citizen,
        external_id: Some(code.clone()),
        author_user_id: None,
        author_contact: Some(f.contact.trim().to_string()).filter(|c| !c.is_empty()),
        occurred_at: None,
        text: f.text.clone(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        // Keyed by the receipt too: two citizens who write the same words send two opinions,
        // each with its own receipt.
        dedup_text: format!("{code}\n{}", ykien_listen::dedup_text(&f.text)),
    };
    limiter.record(&ip);
    let filed = intake::file(&state, None, item).await?;
    tracing::info!(item = filed.id, unit, "citizen feedback received");
    Ok(done(&ui, &code)?)
}

#[derive(Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "feedback_status.html")]
struct StatusPage {
    c: Chrome,
    code: String,
    status: Option<String>,
    unknown: bool,
}

/// `GET /feedback/status?code=…`: the status of the opinion with this receipt code, nothing
/// else; without a code, the form to type one.
pub async fn status(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<StatusQuery>,
) -> Result<Response, WebError> {
    let typed = q.code.trim();
    let t = ui.t();
    let (http, status, unknown) = if typed.is_empty() {
        (StatusCode::OK, None, false)
    } else {
        let found = match normalize_code(typed) {
            Some(code) => state.store.receipt_status(&code).await?,
            None => None,
        };
        match found {
            Some(ReceiptStatus::Received) => (
                StatusCode::OK,
                Some(t.get("feedback.status_received").to_string()),
                false,
            ),
            Some(ReceiptStatus::Processed) => (
                StatusCode::OK,
                Some(t.get("feedback.status_processed").to_string()),
                false,
            ),
            None => (StatusCode::NOT_FOUND, None, true),
        }
    };
    let page = StatusPage {
        c: ui.chrome(None),
        code: typed.chars().take(32).collect(),
        status,
        unknown,
    };
    let mut res = (http, Html(page.render()?)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_random_and_round_trip() {
        let a = receipt_code();
        let b = receipt_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), RECEIPT_LEN);
        assert!(a.bytes().all(|c| RECEIPT_ALPHABET.contains(&c)));
        let shown = display_code(&a);
        assert_eq!(shown.len(), RECEIPT_LEN + 1);
        assert_eq!(
            normalize_code(&shown.to_lowercase()).as_deref(),
            Some(a.as_str())
        );
        assert_eq!(
            normalize_code(&format!(" {a} ")).as_deref(),
            Some(a.as_str())
        );
        // Confusable characters are never in a code, so a code holding one is no code.
        assert_eq!(normalize_code("ABCDE-FGHJ0"), None);
        assert_eq!(normalize_code("ABCDEFGHJ"), None);
    }

    #[test]
    fn the_alphabet_has_no_confusables() {
        for c in b"01ILO" {
            assert!(!RECEIPT_ALPHABET.contains(c), "{}", *c as char);
        }
        assert_eq!(RECEIPT_ALPHABET.len(), 31);
    }

    #[test]
    fn limiter_counts_per_address_within_its_window() {
        let l = Limiter::new(2, Duration::from_millis(40));
        assert!(l.allowed("a"));
        l.record("a");
        l.record("a");
        assert!(!l.allowed("a"));
        assert!(l.allowed("b"));
        std::thread::sleep(Duration::from_millis(50));
        assert!(l.allowed("a"));
    }
}
