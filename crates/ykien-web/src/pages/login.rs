//! Sign-in and sign-out.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use askama::Template;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{CheckedForm, HasCsrf, MaybeSigned};
use crate::backend;
use crate::cookies::{self, Attrs};
use crate::csrf;
use crate::error::WebError;
use crate::pages::public_form::PreSession;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PRE_SESSION: PreSession = PreSession {
    cookie: csrf::LOGIN_COOKIE,
    path: "/login",
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    login: String,
    message: Option<String>,
}

/// Renders the form with a fresh pre-session CSRF pair (cookie + field).
fn form(
    state: &AppState,
    headers: &HeaderMap,
    ui: &Ui,
    status: StatusCode,
    login: &str,
    message: Option<&str>,
) -> Result<Response, WebError> {
    let (cookie, field) = state.login_csrf.issue();
    let page = LoginPage {
        c: ui.chrome(None),
        csrf: field,
        login: login.to_string(),
        message: message.map(|k| ui.t().get(k).to_string()),
    };
    PRE_SESSION.respond(state, headers, status, page.render()?, &cookie)
}

pub async fn show(
    State(state): State<AppState>,
    MaybeSigned(signed): MaybeSigned,
    ui: Ui,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if signed.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    form(&state, &headers, &ui, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ui: Ui,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !PRE_SESSION.verify(&state, &headers, &f.csrf) {
        return form(
            &state,
            &headers,
            &ui,
            StatusCode::FORBIDDEN,
            &f.login,
            Some("login.expired"),
        );
    }
    let ip = state.client_ip(&headers, Some(peer));
    let login = f.login.trim();
    if !state.limiter.allowed(&ip, login) {
        state.metrics.logins_limited.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%ip, "login rate-limited");
        return form(
            &state,
            &headers,
            &ui,
            StatusCode::TOO_MANY_REQUESTS,
            login,
            Some("login.rate_limited"),
        );
    }
    let actor = if login.is_empty() || f.password.is_empty() {
        None
    } else {
        backend::authenticate(&state, login, &f.password).await?
    };
    let Some(actor) = actor else {
        state.limiter.record_failure(&ip, login);
        state.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
        tracing::info!(%ip, "login failed");
        return form(
            &state,
            &headers,
            &ui,
            StatusCode::UNAUTHORIZED,
            login,
            Some("login.failed"),
        );
    };
    state.limiter.record_success(login);
    state.metrics.logins_ok.fetch_add(1, Ordering::Relaxed);
    let ttl = state.config.session_ttl;
    let session = backend::session_create(&state, actor.user_id, ttl).await?;
    tracing::info!(user_id = actor.user_id, "login");
    let secure = state.secure_cookies(&headers);
    let set = cookies::set(
        cookies::SESSION,
        &session.id,
        Attrs {
            path: "/",
            max_age: Some(ttl.as_secs() as i64),
            http_only: true,
            secure,
        },
    );
    let mut res = Redirect::to("/").into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&set).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    h.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookies::clear(
            PRE_SESSION.cookie,
            PRE_SESSION.path,
            secure,
        ))
        .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

impl HasCsrf for LogoutForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    f: CheckedForm<LogoutForm>,
) -> Result<Response, WebError> {
    backend::session_delete(&state, &f.signed.session.id).await?;
    tracing::info!(user_id = f.signed.actor.user_id, "logout");
    let mut res = Redirect::to("/login").into_response();
    let clear = cookies::clear(cookies::SESSION, "/", state.secure_cookies(&headers));
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&clear).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}
