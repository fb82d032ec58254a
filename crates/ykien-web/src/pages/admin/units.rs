//! Units (`/admin/units`, admins only): the tree of the actor's subtree with how many items
//! and accounts each unit holds, and the form that adds a residential area (khu dân cư, thôn,
//! tổ dân phố…) under a commune or ward. The administrative units themselves are data
//! (`ykien-units`), never edited here.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use ykien_store::UnitCount;

use super::{Done, Notice, back, fixable, is_admin};
use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

const PAGE: &str = "/admin/units";

/// The usual names of residential areas, as the law and local practice write them. They are
/// names of things (data), shown as they are in either language.
const AREA_KINDS: &[&str] = &["Tổ dân phố", "Thôn", "Khu dân cư", "Khu phố", "Ấp", "Bản"];

/// One unit of the tree.
pub struct UnitLine {
    pub id: String,
    pub name: String,
    pub level: String,
    pub depth: usize,
    pub items: i64,
    pub users: i64,
}

/// A commune or ward areas may be added under.
pub struct CommuneOption {
    pub id: String,
    pub name: String,
}

/// What the area form holds.
#[derive(Debug, Clone, Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
}

impl HasCsrf for AreaForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    c: Chrome,
    csrf: String,
    notice: Option<Notice>,
    units: Vec<UnitLine>,
    communes: Vec<CommuneOption>,
    kinds: &'static [&'static str],
    form: AreaForm,
    total_items: i64,
    total_users: i64,
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    status: StatusCode,
    notice: Option<Notice>,
    form: AreaForm,
) -> Result<Response, WebError> {
    if !is_admin(signed) {
        return Err(WebError::Forbidden);
    }
    let tree: Vec<UnitCount> = state.store.unit_tree_counts(Some(&signed.actor)).await?;
    let root = signed.actor.unit_path.as_str();
    let communes = tree
        .iter()
        .filter(|u| u.level == "commune")
        .map(|u| CommuneOption {
            id: u.id.clone(),
            name: u.name.clone(),
        })
        .collect();
    let page = UnitsPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        notice,
        total_items: tree.iter().map(|u| u.items).sum(),
        total_users: tree.iter().map(|u| u.users).sum(),
        units: tree
            .iter()
            .map(|u| UnitLine {
                id: u.id.clone(),
                name: u.name.clone(),
                level: u.level.clone(),
                depth: u.depth_below(root),
                items: u.items,
                users: u.users,
            })
            .collect(),
        communes,
        kinds: AREA_KINDS,
        form,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/units`: the tree with its counts and the area form.
pub async fn index(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let notice = Notice::done(ui.t(), q.done.as_deref());
    let form = AreaForm {
        csrf: String::new(),
        unit: String::new(),
        name: String::new(),
        kind: AREA_KINDS[0].to_string(),
    };
    render(&state, &signed, &ui, StatusCode::OK, notice, form).await
}

/// `POST /admin/units`: adds a residential area under a commune or ward of the subtree.
pub async fn create_area(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<AreaForm>,
) -> Result<Response, WebError> {
    let kind = Some(form.kind.as_str()).filter(|k| !k.trim().is_empty());
    match state
        .store
        .create_area(Some(&signed.actor), &form.unit, &form.name, kind)
        .await
    {
        Ok(_) => Ok(back(PAGE, "area_created")),
        Err(e) => {
            let (status, notice) = fixable(ui.t(), e)?;
            render(&state, &signed, &ui, status, Some(notice), form.clone()).await
        }
    }
}
