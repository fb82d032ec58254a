//! The home page (the user's own unit) and unit pages. Both ask the store with the actor:
//! a unit outside the actor's subtree comes back as not found.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use crate::auth::Signed;
use crate::backend;
use crate::error::WebError;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};
use crate::wire::UnitView;

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    unit: UnitView,
    children: Vec<UnitView>,
    heading_is_home: bool,
    role_label: Option<String>,
}

async fn render(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    id: &str,
    home: bool,
) -> Result<Html<String>, WebError> {
    let unit = backend::unit(state, &signed.actor, id).await?;
    let children = backend::children(state, &signed.actor, id).await?;
    let role_label = home.then(|| {
        ui.t()
            .get(&format!("role.{}", signed.actor.role))
            .to_string()
    });
    let page = UnitPage {
        c: ui.chrome(Some(signed.bar())),
        unit,
        children,
        heading_is_home: home,
        role_label,
    };
    Ok(Html(page.render()?))
}

pub async fn home(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
) -> Result<Html<String>, WebError> {
    let id = signed.actor.unit.to_string();
    render(&state, &signed, &ui, &id, true).await
}

pub async fn unit(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    render(&state, &signed, &ui, &id, false).await
}
