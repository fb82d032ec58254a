//! Accounts (`/admin/users`, admins only): the accounts of the actor's subtree, a new account
//! (role, unit in scope, name, e-mail or phone, and a password: typed, or generated and shown
//! once, as `ykien user add` does), disabling and enabling, and a password reset that shows
//! the new password once. The store checks scope and role on every call.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use ykien_core::Role;
use ykien_store::{NewUser, User};

use super::{Done, Notice, TokenOnly, back, fixable, is_admin, path_id};
use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PAGE: &str = "/admin/users";

/// A random password that is easy to read aloud and type on a phone (the same alphabet and
/// shape as the command line's): 16 characters in groups of four.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let mut s = String::new();
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    s
}

/// One account as the list shows it.
pub struct UserLine {
    pub id: i64,
    pub name: String,
    pub login: String,
    pub role_label: String,
    pub unit_name: String,
    pub created: String,
    pub disabled: bool,
    pub has_password: bool,
    pub is_me: bool,
}

/// A role for the select.
pub struct RoleOption {
    pub value: &'static str,
    pub label: String,
}

/// What the new-account form holds (never the password).
#[derive(Debug, Clone, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub password: String,
}

impl HasCsrf for UserForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl UserForm {
    fn blank(unit: &str) -> UserForm {
        UserForm {
            csrf: String::new(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            role: "officer".into(),
            unit: unit.to_string(),
            password: String::new(),
        }
    }
}

/// A password shown once, to pass on to its owner.
pub struct NewPassword {
    pub who: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    csrf: String,
    notice: Option<Notice>,
    password: Option<NewPassword>,
    users: Vec<UserLine>,
    roles: Vec<RoleOption>,
    form: UserForm,
}

fn user_line(u: &User, t: &Catalog, me: i64) -> UserLine {
    let login = [u.email.as_deref(), u.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    UserLine {
        id: u.id,
        name: u.name.clone(),
        login,
        role_label: t.get(&format!("role.{}", u.role)).to_string(),
        unit_name: u.unit_name.clone(),
        created: local_time(u.created_at),
        disabled: u.disabled,
        has_password: u.has_password,
        is_me: u.id == me,
    }
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    notice: Option<Notice>,
    password: Option<NewPassword>,
    form: UserForm,
) -> Result<Response, WebError> {
    if !is_admin(signed) {
        return Err(WebError::Forbidden);
    }
    let t = ui.t();
    let users = state.store.list_users(Some(&signed.actor)).await?;
    let page = UsersPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        notice,
        password,
        users: users
            .iter()
            .map(|u| user_line(u, t, signed.actor.user_id))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| RoleOption {
                value: r.as_str(),
                label: t.get(&format!("role.{r}")).to_string(),
            })
            .collect(),
        form,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/users`: the accounts of the subtree and the form for a new one.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let notice = Notice::done(ui.t(), q.done.as_deref());
    let form = UserForm::blank(signed.actor.unit.as_str());
    render(&state, &signed, &ui, StatusCode::OK, notice, None, form).await
}

/// `POST /admin/users`: creates an account. A password left blank is generated and shown
/// once on the answer page; a typed one follows the store's rules (at least 8 characters).
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<UserForm>,
) -> Result<Response, WebError> {
    let t = ui.t();
    // What was typed comes back on a refusal, except the password.
    let typed = UserForm {
        password: String::new(),
        ..form.clone()
    };
    let Ok(role) = form.role.trim().parse::<Role>() else {
        if !is_admin(&signed) {
            return Err(WebError::Forbidden);
        }
        let notice = Notice::error(t.get("admin.users.error_role").to_string());
        return render(
            &state,
            &signed,
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(notice),
            None,
            typed,
        )
        .await;
    };
    let typed_password = !form.password.is_empty();
    let password = if typed_password {
        form.password.clone()
    } else {
        generate_password()
    };
    let new = NewUser {
        name: form.name.clone(),
        email: Some(form.email.clone()),
        phone: Some(form.phone.clone()),
        password: Some(password.clone()),
        role,
        unit: form.unit.trim().to_string(),
        member_org: None,
    };
    match state.store.create_user(Some(&signed.actor), new).await {
        Ok(_) if typed_password => Ok(back(PAGE, "user_created")),
        Ok(u) => {
            let notice = Notice::done(t, Some("user_created"));
            let shown = NewPassword {
                who: u.name,
                password,
            };
            let blank = UserForm::blank(signed.actor.unit.as_str());
            render(
                &state,
                &signed,
                &ui,
                StatusCode::OK,
                notice,
                Some(shown),
                blank,
            )
            .await
        }
        Err(e) => {
            let (status, notice) = fixable(t, e)?;
            if !is_admin(&signed) {
                return Err(WebError::Forbidden);
            }
            render(&state, &signed, &ui, status, Some(notice), None, typed).await
        }
    }
}

/// The disable/enable form.
#[derive(Debug, Deserialize)]
pub struct DisabledForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub disabled: String,
}

impl HasCsrf for DisabledForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /admin/users/{id}/disabled`: disables (`disabled=true`: its sessions end) or enables
/// an account. An admin cannot disable their own account here (they would lock themselves
/// out mid-task); another admin, or the command line, can.
pub async fn set_disabled(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<DisabledForm>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let off = matches!(form.disabled.as_str(), "true" | "1" | "on");
    if off && id == signed.actor.user_id && is_admin(&signed) {
        return Err(WebError::Conflict(
            "you cannot disable your own account".into(),
        ));
    }
    state
        .store
        .set_disabled(Some(&signed.actor), id, off)
        .await?;
    Ok(back(
        PAGE,
        if off { "user_disabled" } else { "user_enabled" },
    ))
}

/// `POST /admin/users/{id}/password`: sets a new generated password and shows it once.
pub async fn reset_password(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm<TokenOnly>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    // Scope first (another subtree's account is not found), then the role: the store lets
    // anyone change their own password, which is not what this admin form is for.
    let who = state.store.user(Some(&signed.actor), id).await?.name;
    if !is_admin(&signed) {
        return Err(WebError::Forbidden);
    }
    let password = generate_password();
    state
        .store
        .set_password(Some(&signed.actor), id, &password)
        .await?;
    let notice = Notice::done(ui.t(), Some("password_reset"));
    let form = UserForm::blank(signed.actor.unit.as_str());
    render(
        &state,
        &signed,
        &ui,
        StatusCode::OK,
        notice,
        Some(NewPassword { who, password }),
        form,
    )
    .await
}
