//! The administration pages of the officers' workspace: the index of sections (`/admin`), the
//! alert-rule editor, the source manager, accounts and units. Each section is a submodule so
//! helpers working in parallel touch separate files; the taxonomy editor is its own module.
//!
//! Every read and write goes through the store with the actor: the store scopes (a record
//! outside the actor's subtree is not found) and checks the role (forbidden). Forms are posted
//! with the session's CSRF token ([`CheckedForm`]) and answer with a redirect back to their
//! page (post/redirect/get), carrying a short outcome code in the query (`?done=`) that the
//! page says in the reader's language. Input the store refuses as invalid shows the form
//! again with what was typed and the reason (422).

pub mod rules;
pub mod sources;
pub mod taxonomy;
pub mod units;
pub mod users;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use ykien_core::{Permission, Role, can};
use ykien_store::{StoreError, may_import};

use crate::auth::{HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::ui::{Chrome, Ui};

/// A message at the top of a page: the outcome of the last form, or what to fix.
pub struct Notice {
    /// "ok" or "error": the style, and `role="status"` or `role="alert"`.
    pub kind: &'static str,
    pub text: String,
}

impl Notice {
    fn ok(text: String) -> Notice {
        Notice { kind: "ok", text }
    }

    fn error(text: String) -> Notice {
        Notice {
            kind: "error",
            text,
        }
    }

    /// The outcome named by `?done=<code>` (a catalogue key `admin.done.<code>`); unknown
    /// codes say nothing, so a crafted link cannot put words on the page.
    pub fn done(t: &Catalog, code: Option<&str>) -> Option<Notice> {
        let code = code?;
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return None;
        }
        let key = format!("admin.done.{code}");
        let said = t.get(&key);
        (said != key).then(|| Notice::ok(said.to_string()))
    }
}

/// The `?done=` of a page after a form.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

/// A form that carries nothing but the CSRF token (delete, acknowledge…).
#[derive(Debug, Deserialize)]
pub struct TokenOnly {
    #[serde(default)]
    pub csrf: String,
}

impl HasCsrf for TokenOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Back to `page` with the outcome `code` (see [`Notice::done`]).
pub fn back(page: &str, code: &str) -> Response {
    Redirect::to(&format!("{page}?done={code}")).into_response()
}

/// A path id that does not parse is a record that does not exist.
pub fn path_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)
}

/// Splits a store refusal: what the person can fix (invalid input, a conflict) becomes a
/// notice with a status for the form shown again; anything else stays an error page.
pub fn fixable(t: &Catalog, e: StoreError) -> Result<(StatusCode, Notice), WebError> {
    match e {
        StoreError::Invalid { what } => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Notice::error(format!("{} {what}", t.get("error.invalid"))),
        )),
        StoreError::Conflict { what } => Ok((
            StatusCode::CONFLICT,
            Notice::error(format!("{} {what}", t.get("error.conflict"))),
        )),
        other => Err(other.into()),
    }
}

/// Whether the actor handles what people say (officers, leaders, admins): rules, sources.
pub fn is_handler(signed: &Signed) -> bool {
    can(&signed.actor, Permission::Handle, &signed.actor.unit_path)
}

/// Whether the actor administers accounts and units.
pub fn is_admin(signed: &Signed) -> bool {
    signed.actor.role == Role::Admin
}

/// The taxonomy in use: the active version, else the shipped one (also when the stored
/// version cannot be read: a topic list is better than an error page).
pub async fn taxonomy_in_use(state: &crate::state::AppState) -> ykien_text::topics::Taxonomy {
    match ykien_listen::learn::active_taxonomy(&state.store).await {
        Ok((t, _)) => t,
        Err(_) => ykien_text::topics::Taxonomy::embedded().clone(),
    }
}

/// One entry of the index.
pub struct Section {
    pub href: &'static str,
    pub title: &'static str,
    pub about: &'static str,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    c: Chrome,
    sections: Vec<Section>,
    role_label: String,
}

/// The sections the actor may use, in the order of daily work.
fn sections(signed: &Signed, t: &'static Catalog) -> Vec<Section> {
    let s = |href: &'static str, key: &'static str| Section {
        href,
        title: t.get(match key {
            "alerts" => "admin.index.alerts",
            "rules" => "admin.index.rules",
            "sources" => "admin.index.sources",
            "imports" => "admin.index.imports",
            "taxonomy" => "admin.index.taxonomy",
            "users" => "admin.index.users",
            _ => "admin.index.units",
        }),
        about: t.get(match key {
            "alerts" => "admin.index.alerts_about",
            "rules" => "admin.index.rules_about",
            "sources" => "admin.index.sources_about",
            "imports" => "admin.index.imports_about",
            "taxonomy" => "admin.index.taxonomy_about",
            "users" => "admin.index.users_about",
            _ => "admin.index.units_about",
        }),
    };
    let mut out = Vec::new();
    if is_handler(signed) {
        out.push(s("/alerts", "alerts"));
        out.push(s("/admin/rules", "rules"));
    }
    out.push(s("/admin/sources", "sources"));
    if may_import(&signed.actor) {
        out.push(s("/imports", "imports"));
    }
    if is_handler(signed) {
        out.push(s("/admin/taxonomy", "taxonomy"));
    }
    if is_admin(signed) {
        out.push(s("/admin/users", "users"));
        out.push(s("/admin/units", "units"));
    }
    out
}

/// `GET /admin`: what the actor may administer. Every signed-in role gets the page; it lists
/// only the sections its role may use (a viewer sees the sources it may read).
pub async fn index(signed: Signed, ui: Ui) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let page = IndexPage {
        c: ui.chrome(Some(signed.bar())),
        sections: sections(&signed, t),
        role_label: t.get(&format!("role.{}", signed.actor.role)).to_string(),
    };
    Ok(Html(page.render()?))
}
