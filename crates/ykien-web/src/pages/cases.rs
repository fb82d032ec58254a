//! The cases pages of the officers' workspace: the board (`GET /cases`, one column per status,
//! filtered by assignee, unit and overdue, soonest due first), the form that opens a case over
//! items (`GET /cases/new?item=…`, `POST /cases`), and one case (`GET /cases/{id}`) with its
//! items, its due date in working days, where it was forwarded and its whole history, and the
//! forms that move it on (`POST /cases/{id}/transition`, `…/assign`, `…/comments`).
//!
//! The store decides everything (scope, roles, the workflow): a case outside the actor's
//! subtree, a missing one and a malformed id are one 404. Forms carry the session's CSRF token;
//! a refused form shows the page again with what was typed and what to fix, and a form that
//! worked redirects (post/redirect/get) to the case with a short confirmation.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use ykien_core::{Actor, Permission, can};
use ykien_store::{
    AssigneeFilter, BoardCase, BoardFilter, CaseStatus, CaseView, Due, Forwarded, MemberOrg,
    NewCase, Severity, StoreError, TimelineEvent, Transition,
};

use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::{Catalog, Lang};
use crate::pages::report::{excerpt, local_time};
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

/// Cases listed per column of the board (the counts cover them all).
const PER_COLUMN: u32 = 100;
/// Items a new case may be opened over from the form.
const MAX_FORM_ITEMS: usize = 200;

fn handler(actor: &Actor) -> bool {
    can(actor, Permission::Handle, &actor.unit_path)
}

/// A case id from the path; anything else is the same 404 as a missing case.
fn case_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)
}

fn iso(t: DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("a valid offset"))
        .to_rfc3339()
}

fn status_label(t: &Catalog, s: CaseStatus) -> String {
    t.get(&format!("cases.status_{}", s.as_str())).to_string()
}

fn severity_label(t: &Catalog, s: Severity) -> String {
    t.get(&format!("cases.severity_{}", s.as_str())).to_string()
}

/// "còn 2 ngày làm việc", "quá hạn 1 ngày làm việc"…; None once answered or closed.
fn due_phrase(t: &Catalog, d: &Due) -> Option<String> {
    if !d.open {
        return None;
    }
    let n = d.working_days.to_string();
    Some(match (d.overdue, d.working_days) {
        (true, 0) => t.get("cases.overdue_today").to_string(),
        (true, _) => t.get("cases.overdue_by").replace("{n}", &n),
        (false, 0) => t.get("cases.due_today").to_string(),
        (false, _) => t.get("cases.due_in").replace("{n}", &n),
    })
}

/// Where a case went, as people read it.
fn forwarded_label(t: &Catalog, lang: Lang, f: &Forwarded) -> String {
    match (f.kind.as_str(), &f.member_org, &f.unit_name) {
        ("member_org", Some(m), _) => match lang {
            Lang::Vi => m.name_vi.clone(),
            Lang::En => m.name_en.clone(),
        },
        ("unit", _, Some(name)) => format!("{name} ({})", f.to),
        ("outside", _, _) => format!("{} ({})", f.to, t.get("cases.outside_body")),
        _ => f.to.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The board

/// `GET /cases` filters: `assignee` ("me", "none" or a user id), `unit`, `overdue`.
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    assignee: Option<String>,
    unit: Option<String>,
    overdue: Option<String>,
}

/// One card of the board.
pub struct Card {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub urgent: bool,
    pub severity_label: String,
    pub due_at: String,
    pub due_iso: String,
    pub due_phrase: Option<String>,
    pub overdue: bool,
    pub assignee: Option<String>,
    pub items: i64,
    pub forwarded_to: Option<String>,
}

pub struct Column {
    pub status: &'static str,
    pub label: String,
    pub count: i64,
    pub overdue: i64,
    pub cards: Vec<Card>,
    /// Cases of this column not listed (beyond the per-column limit).
    pub more: i64,
}

/// One option of a filter's select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "cases/board.html")]
struct BoardPage {
    c: Chrome,
    handler: bool,
    total: i64,
    overdue: i64,
    columns: Vec<Column>,
    assignees: Vec<Choice>,
    units: Vec<Choice>,
    overdue_only: bool,
    filtered: bool,
    summary: String,
}

fn card(t: &Catalog, lang: Lang, orgs: &[MemberOrg], b: &BoardCase) -> Card {
    let c = &b.case;
    let forwarded_to = match (&c.forwarded_kind, &c.forwarded_to) {
        (Some(kind), Some(to)) if c.status == CaseStatus::Forwarded => {
            // A unit is named by its id here (the case page gives its name too).
            let f = Forwarded {
                kind: kind.clone(),
                to: to.clone(),
                reference: None,
                unit_name: None,
                member_org: orgs.iter().find(|m| m.id == *to).cloned(),
            };
            Some(forwarded_label(t, lang, &f))
        }
        _ => None,
    };
    Card {
        id: c.id,
        title: excerpt(&c.title, 160),
        unit_name: c.unit_name.clone(),
        urgent: c.severity == Severity::Urgent,
        severity_label: severity_label(t, c.severity),
        due_at: local_time(c.due_at),
        due_iso: iso(c.due_at),
        due_phrase: due_phrase(t, &b.due),
        overdue: b.due.overdue,
        assignee: c.assignee_name.clone(),
        items: c.item_count,
        forwarded_to,
    }
}

pub async fn board(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<BoardQuery>,
) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let actor = &signed.actor;
    let assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => AssigneeFilter::Anyone,
        Some("me") => AssigneeFilter::User(actor.user_id),
        Some("none") => AssigneeFilter::Nobody,
        Some(id) => AssigneeFilter::User(id.parse().map_err(|_| WebError::NotFound)?),
    };
    let unit = q
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    let overdue_only = q.overdue.as_deref().is_some_and(|v| !v.is_empty());
    let filter = BoardFilter {
        assignee,
        unit: unit.clone(),
        overdue: overdue_only,
        per_column: PER_COLUMN,
    };
    let b = state.store.case_board(Some(actor), &filter).await?;
    let orgs = state.store.member_orgs().await?;
    let columns = b
        .columns
        .iter()
        .map(|col| Column {
            status: col.status.as_str(),
            label: status_label(t, col.status),
            count: col.count,
            overdue: col.overdue,
            cards: col
                .cases
                .iter()
                .map(|c| card(t, ui.lang, &orgs, c))
                .collect(),
            more: col.count - col.cases.len() as i64,
        })
        .collect();
    let is_handler = handler(actor);
    let chosen = q.assignee.as_deref().unwrap_or("").trim().to_string();
    let mut assignees = vec![
        Choice {
            value: String::new(),
            label: t.get("cases.filter_anyone").to_string(),
            selected: chosen.is_empty(),
        },
        Choice {
            value: "me".into(),
            label: t.get("cases.filter_me").to_string(),
            selected: chosen == "me",
        },
        Choice {
            value: "none".into(),
            label: t.get("cases.filter_nobody").to_string(),
            selected: chosen == "none",
        },
    ];
    for a in b.assignees.iter().filter(|a| a.user_id != actor.user_id) {
        let value = a.user_id.to_string();
        assignees.push(Choice {
            selected: chosen == value,
            label: format!("{} ({})", a.name, a.unit_name),
            value,
        });
    }
    let mut units = vec![Choice {
        value: String::new(),
        label: t.get("cases.filter_all_units").to_string(),
        selected: unit.is_none(),
    }];
    if is_handler {
        let own = state.store.unit(actor, &actor.unit).await?;
        let children = state.store.unit_children(actor, &actor.unit).await?;
        for u in std::iter::once(own).chain(children.into_iter().filter(|u| !u.is_legacy())) {
            let value = u.id.0.clone();
            units.push(Choice {
                selected: unit.as_deref() == Some(value.as_str()),
                label: u.name,
                value,
            });
        }
    }
    let summary = t
        .get("cases.summary")
        .replace("{total}", &b.total.to_string())
        .replace("{overdue}", &b.overdue.to_string());
    let page = BoardPage {
        c: ui.chrome(Some(signed.bar())),
        handler: is_handler,
        total: b.total,
        overdue: b.overdue,
        columns,
        assignees,
        units,
        overdue_only,
        filtered: unit.is_some() || !chosen.is_empty() || overdue_only,
        summary,
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------------------------------------
// A new case

/// A form's fields as sent, repeated names (`item`) kept.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl HasCsrf for Fields {
    fn csrf(&self) -> &str {
        self.get("csrf")
    }
}

/// An item offered in the new-case form.
pub struct ItemChoice {
    pub id: i64,
    pub excerpt: String,
    pub unit_name: String,
    pub received: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewPage {
    c: Chrome,
    csrf: String,
    title: String,
    urgent: bool,
    units: Vec<Choice>,
    items: Vec<ItemChoice>,
    more_items: String,
    error: Option<String>,
}

/// What the new-case form holds (as typed, when shown again).
struct NewForm {
    title: String,
    urgent: bool,
    unit: Option<String>,
    items: Vec<i64>,
    checked: Vec<i64>,
    more_items: String,
}

/// Item numbers typed in one box ("12, 15 17"); Err with the first word that is not one.
fn item_numbers(s: &str) -> Result<Vec<i64>, String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| w.to_string())
        })
        .collect()
}

async fn new_page(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    form: NewForm,
    error: Option<String>,
) -> Result<String, WebError> {
    let actor = &signed.actor;
    let mut items = Vec::new();
    for &id in form.items.iter().take(MAX_FORM_ITEMS) {
        let i = state.store.item(Some(actor), id).await?;
        items.push(i);
    }
    // The units a case may be opened in: the actor's own, those directly below it, and the
    // units of the items (a case's unit must hold all its items).
    let own = state.store.unit(actor, &actor.unit).await?;
    let mut units: Vec<(String, String)> = vec![(own.id.0.clone(), own.name.clone())];
    for u in state.store.unit_children(actor, &actor.unit).await? {
        if !u.is_legacy() {
            units.push((u.id.0, u.name));
        }
    }
    for i in &items {
        if !units.iter().any(|(id, _)| *id == i.unit.0) {
            units.insert(1, (i.unit.0.clone(), i.unit_name.clone()));
        }
    }
    let selected = form.unit.clone().unwrap_or_else(|| {
        let first = items.first().map(|i| i.unit.0.clone());
        match first {
            Some(u) if items.iter().all(|i| i.unit.0 == u) => u,
            _ => actor.unit.0.clone(),
        }
    });
    let title = if form.title.is_empty() && error.is_none() {
        items
            .first()
            .map(|i| excerpt(i.title.as_deref().unwrap_or(&i.text), 120))
            .unwrap_or_default()
    } else {
        form.title.clone()
    };
    let page = NewPage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        title,
        urgent: form.urgent,
        units: units
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == selected,
                label: format!("{label} ({value})"),
                value,
            })
            .collect(),
        items: items
            .iter()
            .map(|i| ItemChoice {
                id: i.id,
                excerpt: excerpt(&i.text, 200),
                unit_name: i.unit_name.clone(),
                received: local_time(i.received_at),
                checked: form.checked.contains(&i.id),
            })
            .collect(),
        more_items: form.more_items,
        error,
    };
    Ok(page.render()?)
}

/// `GET /cases/new?item=…`: the form to open a case, over the items named (each in the
/// actor's scope, else not found).
pub async fn new_form(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Html<String>, WebError> {
    if !handler(&signed.actor) {
        return Err(WebError::Forbidden);
    }
    let mut items = Vec::new();
    for (k, v) in &q {
        if k == "item" {
            let id = v.trim().parse::<i64>().map_err(|_| WebError::NotFound)?;
            if !items.contains(&id) {
                items.push(id);
            }
        }
    }
    let form = NewForm {
        title: String::new(),
        urgent: false,
        unit: None,
        checked: items.clone(),
        items,
        more_items: String::new(),
    };
    Ok(Html(new_page(&state, &signed, &ui, form, None).await?))
}

/// `POST /cases`: opens the case and goes to it; a refusal shows the form again.
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    CheckedForm { signed, form }: CheckedForm<Fields>,
) -> Result<Response, WebError> {
    let t = ui.t();
    let actor = &signed.actor;
    let mut offered: Vec<i64> = Vec::new();
    let mut checked: Vec<i64> = Vec::new();
    for v in form.all("offered") {
        if let Ok(id) = v.trim().parse::<i64>()
            && !offered.contains(&id)
        {
            offered.push(id);
        }
    }
    for v in form.all("item") {
        if let Ok(id) = v.trim().parse::<i64>()
            && !checked.contains(&id)
        {
            checked.push(id);
            if !offered.contains(&id) {
                offered.push(id);
            }
        }
    }
    let unit = match form.get("unit").trim() {
        "" => actor.unit.0.clone(),
        u => u.to_string(),
    };
    let typed = NewForm {
        title: form.get("title").trim().to_string(),
        urgent: form.get("severity") == "urgent",
        unit: Some(unit.clone()),
        items: offered.clone(),
        checked: checked.clone(),
        more_items: form.get("more_items").trim().to_string(),
    };
    let again = |typed: NewForm, status: StatusCode, message: String| {
        let state = state.clone();
        let ui = ui.clone();
        let signed = signed.clone();
        async move {
            let html = new_page(&state, &signed, &ui, typed, Some(message)).await?;
            Ok::<Response, WebError>((status, Html(html)).into_response())
        }
    };
    let more = match item_numbers(&typed.more_items) {
        Ok(v) => v,
        Err(word) => {
            let msg = t.get("cases.error_item_numbers").replace("{word}", &word);
            return again(typed, StatusCode::UNPROCESSABLE_ENTITY, msg).await;
        }
    };
    if typed.title.is_empty() {
        if !handler(actor) {
            return Err(WebError::Forbidden);
        }
        let msg = t.get("cases.error_title").to_string();
        return again(typed, StatusCode::UNPROCESSABLE_ENTITY, msg).await;
    }
    let mut item_ids = checked;
    for id in more {
        if !item_ids.contains(&id) {
            item_ids.push(id);
        }
    }
    let new = NewCase {
        unit,
        title: typed.title.clone(),
        severity: if typed.urgent {
            Severity::Urgent
        } else {
            Severity::Normal
        },
        item_ids,
        due_at: None,
    };
    match state.store.create_case(Some(actor), new).await {
        Ok(d) => Ok(Redirect::to(&format!("/cases/{}?done=created", d.case.id)).into_response()),
        Err(StoreError::Invalid { what }) => {
            let msg = format!("{} {what}", t.get("error.invalid"));
            again(typed, StatusCode::UNPROCESSABLE_ENTITY, msg).await
        }
        Err(StoreError::Conflict { what }) => {
            let msg = format!("{} {what}", t.get("cases.error_conflict"));
            again(typed, StatusCode::CONFLICT, msg).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// One case

/// One line of the history.
pub struct Step {
    pub at: String,
    pub iso: String,
    /// Who took the step; None in the view of someone following a case they reported.
    pub who: Option<String>,
    pub kind: &'static str,
    pub what: String,
    pub body: Option<String>,
    /// Item numbers named by the step (links to the items).
    pub items: Vec<i64>,
    /// Another case named by the step (a link).
    pub case: Option<i64>,
}

pub struct ItemLine {
    pub id: i64,
    pub excerpt: String,
    pub unit_name: String,
    pub received: String,
    pub masked: bool,
}

/// A workflow step a handler may take now.
pub struct Action {
    pub action: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct CasePage {
    c: Chrome,
    csrf: String,
    id: i64,
    title: String,
    status: &'static str,
    status_label: String,
    urgent: bool,
    severity_label: String,
    unit_name: String,
    unit_id: String,
    opened: String,
    due_at: String,
    due_iso: String,
    due_phrase: Option<String>,
    overdue: bool,
    assignee: Option<String>,
    forwarded: Option<String>,
    forward_ref: Option<String>,
    items: Vec<ItemLine>,
    item_count: i64,
    steps: Vec<Step>,
    handler: bool,
    /// Buttons of simple steps (verify, close, reopen).
    buttons: Vec<Action>,
    can_forward: bool,
    can_answer: bool,
    forward_units: Vec<Choice>,
    member_orgs: Vec<Choice>,
    assignees: Vec<Choice>,
    typed: Typed,
    done: Option<String>,
    error: Option<String>,
    /// Which form the error is about ("transition", "assign", "comment").
    error_in: &'static str,
}

/// What was typed in the case's forms, kept when one is refused.
#[derive(Default)]
pub struct Typed {
    pub to: String,
    pub to_other: String,
    pub reference: String,
    pub reply: String,
    pub comment: String,
}

fn step_line(t: &Catalog, lang: Lang, handler: bool, e: &ykien_store::TimelineEntry) -> Step {
    // A handler's view names everyone (no one: the system); a reporter's names no one.
    let who = match &e.actor_name {
        Some(name) => Some(name.clone()),
        None if handler => Some(t.get("cases.by_system").to_string()),
        None => None,
    };
    let (kind, what, body, items, case) = match &e.event {
        TimelineEvent::Opened {
            title,
            severity,
            items,
            split_from,
            ..
        } => {
            let mut what = t.get("cases.ev_opened").replace("{title}", title);
            if let Some(s) = severity {
                what = format!("{what} · {}", severity_label(t, *s));
            }
            if split_from.is_some() {
                what = format!("{what} · {}", t.get("cases.ev_split_from"));
            }
            ("opened", what, None, items.clone(), *split_from)
        }
        TimelineEvent::Step {
            step,
            from,
            to,
            forwarded,
        } => {
            let key = format!("cases.ev_{step}");
            let mut what = match t.get(&key) {
                k if k == key => t.get("cases.ev_step").replace("{step}", step),
                said => said.to_string(),
            };
            if let Some(f) = forwarded {
                what = format!("{what}: {}", forwarded_label(t, lang, f));
                if let Some(r) = &f.reference {
                    what = format!("{what} · {} {r}", t.get("cases.reference"));
                }
            }
            if let (Some(a), Some(b)) = (from, to) {
                what = format!("{what} ({} → {})", status_label(t, *a), status_label(t, *b));
            }
            ("step", what, None, Vec::new(), None)
        }
        TimelineEvent::Assigned { to } => {
            let what = match to {
                Some(name) => t.get("cases.ev_assigned").replace("{name}", name),
                None => t.get("cases.ev_unassigned").to_string(),
            };
            ("assigned", what, None, Vec::new(), None)
        }
        TimelineEvent::Comment { body, reply } => {
            let (kind, key) = if *reply {
                ("reply", "cases.ev_reply")
            } else {
                ("comment", "cases.ev_comment")
            };
            (
                kind,
                t.get(key).to_string(),
                Some(body.clone()),
                Vec::new(),
                None,
            )
        }
        TimelineEvent::ItemsAdded { items } => (
            "items",
            t.get("cases.ev_items_added").to_string(),
            None,
            items.clone(),
            None,
        ),
        TimelineEvent::MergedIn { from, items } => (
            "merge",
            t.get("cases.ev_merged_in").to_string(),
            None,
            items.clone(),
            Some(*from),
        ),
        TimelineEvent::MergedInto { into } => (
            "merge",
            t.get("cases.ev_merged_into").to_string(),
            None,
            Vec::new(),
            Some(*into),
        ),
        TimelineEvent::SplitOff { into, items } => (
            "split",
            t.get("cases.ev_split").to_string(),
            None,
            items.clone(),
            Some(*into),
        ),
        TimelineEvent::Other { action } => ("other", action.clone(), None, Vec::new(), None),
    };
    Step {
        at: local_time(e.at),
        iso: iso(e.at),
        who,
        kind,
        what,
        body,
        items,
        case,
    }
}

struct Outcome {
    done: Option<String>,
    error: Option<String>,
    error_in: &'static str,
    typed: Typed,
}

fn case_page(
    signed: &Signed,
    ui: &Ui,
    v: CaseView,
    assignee_typed: Option<i64>,
    o: Outcome,
) -> CasePage {
    let t = ui.t();
    let c = &v.detail.case;
    let handler = v.detail.handler_view;
    let mut buttons = Vec::new();
    if handler {
        let steps: &[&'static str] = match c.status {
            CaseStatus::New => &["verify"],
            CaseStatus::Answered => &["close", "reopen"],
            CaseStatus::Closed => &["reopen"],
            _ => &[],
        };
        for s in steps {
            buttons.push(Action {
                action: s,
                label: t.get(&format!("cases.do_{s}")).to_string(),
            });
        }
    }
    let to = o.typed.to.clone();
    let forward_units = v
        .forward_units
        .iter()
        .map(|(id, name)| Choice {
            selected: to == id.0,
            label: format!("{name} ({})", id.0),
            value: id.0.clone(),
        })
        .collect();
    let member_orgs = v
        .member_orgs
        .iter()
        .map(|m| Choice {
            selected: to == m.id,
            label: match ui.lang {
                Lang::Vi => m.name_vi.clone(),
                Lang::En => m.name_en.clone(),
            },
            value: m.id.clone(),
        })
        .collect();
    let current = assignee_typed.or(c.assignee_user_id);
    let mut assignees = vec![Choice {
        value: String::new(),
        label: t.get("cases.nobody").to_string(),
        selected: current.is_none(),
    }];
    for a in &v.assignable {
        assignees.push(Choice {
            value: a.user_id.to_string(),
            label: format!("{} ({})", a.name, a.unit_name),
            selected: current == Some(a.user_id),
        });
    }
    CasePage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        id: c.id,
        title: c.title.clone(),
        status: c.status.as_str(),
        status_label: status_label(t, c.status),
        urgent: c.severity == Severity::Urgent,
        severity_label: severity_label(t, c.severity),
        unit_name: c.unit_name.clone(),
        unit_id: c.unit.0.clone(),
        opened: local_time(c.created_at),
        due_at: local_time(v.due.at),
        due_iso: iso(v.due.at),
        due_phrase: due_phrase(t, &v.due),
        overdue: v.due.overdue,
        assignee: c.assignee_name.clone(),
        forwarded: v.forwarded.as_ref().map(|f| forwarded_label(t, ui.lang, f)),
        forward_ref: v.forwarded.as_ref().and_then(|f| f.reference.clone()),
        item_count: c.item_count,
        items: v
            .items
            .iter()
            .map(|i| ItemLine {
                id: i.id,
                excerpt: excerpt(&i.text, 300),
                unit_name: i.unit_name.clone(),
                received: local_time(i.received_at),
                masked: i.masked,
            })
            .collect(),
        steps: v
            .timeline
            .iter()
            .map(|e| step_line(t, ui.lang, handler, e))
            .collect(),
        handler,
        buttons,
        can_forward: handler && c.status == CaseStatus::Verifying,
        can_answer: handler && c.status == CaseStatus::Forwarded,
        forward_units,
        member_orgs,
        assignees,
        typed: o.typed,
        done: o.done,
        error: o.error,
        error_in: o.error_in,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// The confirmations a redirect may ask for (anything else shows none).
const DONE: &[&str] = &[
    "created", "verify", "forward", "answer", "close", "reopen", "assign", "comment",
];

/// `GET /cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, WebError> {
    let v = state
        .store
        .case_view(Some(&signed.actor), case_id(&id)?)
        .await?;
    let done = q
        .done
        .as_deref()
        .filter(|d| DONE.contains(d))
        .map(|d| ui.t().get(&format!("cases.done_{d}")).to_string());
    let o = Outcome {
        done,
        error: None,
        error_in: "",
        typed: Typed::default(),
    };
    Ok(Html(case_page(&signed, &ui, v, None, o).render()?))
}

/// Why a form on the case page was refused, and what it held.
struct Refusal {
    status: StatusCode,
    error: String,
    /// Which form: "transition", "assign" or "comment".
    error_in: &'static str,
    typed: Typed,
    assignee: Option<i64>,
}

impl Refusal {
    fn new(status: StatusCode, error: String, error_in: &'static str, typed: Typed) -> Self {
        Refusal {
            status,
            error,
            error_in,
            typed,
            assignee: None,
        }
    }
}

/// The case page again after a refused form: what was typed, and why.
async fn refused(
    state: &AppState,
    signed: &Signed,
    ui: &Ui,
    id: i64,
    r: Refusal,
) -> Result<Response, WebError> {
    let v = state.store.case_view(Some(&signed.actor), id).await?;
    let o = Outcome {
        done: None,
        error: Some(r.error),
        error_in: r.error_in,
        typed: r.typed,
    };
    let html = case_page(signed, ui, v, r.assignee, o).render()?;
    Ok((r.status, Html(html)).into_response())
}

/// A store refusal said on the page (422 or 409), or the error answer (404, 403…).
fn said(t: &Catalog, e: StoreError) -> Result<(StatusCode, String), WebError> {
    match e {
        StoreError::Invalid { what } => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{} {what}", t.get("error.invalid")),
        )),
        StoreError::Conflict { what } => Ok((
            StatusCode::CONFLICT,
            format!("{} {what}", t.get("cases.error_conflict")),
        )),
        e => Err(e.into()),
    }
}

fn done(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/cases/{id}?done={what}")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    /// A unit or member organization chosen from the list ("other": see `to_other`).
    #[serde(default)]
    to: String,
    /// An outside body's name (iHanoi, a department…).
    #[serde(default)]
    to_other: String,
    #[serde(default)]
    reference: String,
    /// The answer received (answer only).
    #[serde(default)]
    reply: String,
}

impl HasCsrf for TransitionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /cases/{id}/transition`: verify, forward (to a unit, a member organization or an
/// outside body, with its reference), answer (with the answer's text), close, reopen.
pub async fn transition(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<TransitionForm>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let t = ui.t();
    let actor = Some(&signed.actor);
    let typed = Typed {
        to: form.to.trim().to_string(),
        to_other: form.to_other.trim().to_string(),
        reference: form.reference.trim().to_string(),
        reply: form.reply.trim().to_string(),
        comment: String::new(),
    };
    let action = form.action.trim().to_ascii_lowercase();
    let result = match action.as_str() {
        "verify" => state.store.transition(actor, id, Transition::Verify).await,
        "close" => state.store.transition(actor, id, Transition::Close).await,
        "reopen" => state.store.transition(actor, id, Transition::Reopen).await,
        "forward" => {
            // A name typed for another body wins over the list.
            let to = if typed.to_other.is_empty() {
                typed.to.clone()
            } else {
                typed.to_other.clone()
            };
            if to.is_empty() {
                // Scope and role first: only a handler of the case is told what is missing.
                state.store.assignable_users(actor, id).await?;
                let msg = t.get("cases.error_forward_to").to_string();
                let r = Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, msg, "transition", typed);
                return refused(&state, &signed, &ui, id, r).await;
            }
            let reference = Some(typed.reference.clone()).filter(|r| !r.is_empty());
            let step = Transition::Forward { to, reference };
            state.store.transition(actor, id, step).await
        }
        "answer" => {
            if typed.reply.is_empty() {
                state.store.assignable_users(actor, id).await?;
                let msg = t.get("cases.error_reply").to_string();
                let r = Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, msg, "transition", typed);
                return refused(&state, &signed, &ui, id, r).await;
            }
            state.store.answer_case(actor, id, &typed.reply).await
        }
        _ => {
            // An unknown step: the case must still be one the actor handles.
            state.store.assignable_users(actor, id).await?;
            return Err(WebError::BadRequest(format!(
                "unknown action {action:?} (expected verify, forward, answer, close or reopen)"
            )));
        }
    };
    match result {
        Ok(_) => Ok(done(id, &action)),
        Err(e) => {
            let (status, msg) = said(t, e)?;
            let r = Refusal::new(status, msg, "transition", typed);
            refused(&state, &signed, &ui, id, r).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf: String,
    /// A user id; empty: nobody.
    #[serde(default)]
    assignee: String,
}

impl HasCsrf for AssignForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /cases/{id}/assign`.
pub async fn assign(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<AssignForm>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let who = match form.assignee.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| WebError::BadRequest(format!("{s:?} is not a user id")))?,
        ),
    };
    match state.store.assign(Some(&signed.actor), id, who).await {
        Ok(_) => Ok(done(id, "assign")),
        Err(e) => {
            let (status, msg) = said(ui.t(), e)?;
            let r = Refusal {
                assignee: who,
                ..Refusal::new(status, msg, "assign", Typed::default())
            };
            refused(&state, &signed, &ui, id, r).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

impl HasCsrf for CommentForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /cases/{id}/comments`: an officer's note.
pub async fn comment(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm<CommentForm>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let body = form.body.trim().to_string();
    let typed = Typed {
        comment: body.clone(),
        ..Typed::default()
    };
    if body.is_empty() {
        state
            .store
            .assignable_users(Some(&signed.actor), id)
            .await?;
        let msg = ui.t().get("cases.error_comment").to_string();
        let r = Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, msg, "comment", typed);
        return refused(&state, &signed, &ui, id, r).await;
    }
    match state.store.comment(Some(&signed.actor), id, &body).await {
        Ok(_) => Ok(done(id, "comment")),
        Err(e) => {
            let (status, msg) = said(ui.t(), e)?;
            let r = Refusal::new(status, msg, "comment", typed);
            refused(&state, &signed, &ui, id, r).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_numbers_are_read_from_one_box() {
        assert_eq!(item_numbers("12, 15 #17;18"), Ok(vec![12, 15, 17, 18]));
        assert_eq!(item_numbers("  "), Ok(vec![]));
        assert_eq!(item_numbers("12, mười"), Err("mười".to_string()));
        assert_eq!(item_numbers("0"), Err("0".to_string()));
    }

    #[test]
    fn every_status_severity_step_and_confirmation_is_said_in_both_languages() {
        for lang in Lang::ALL {
            let t = lang.catalog();
            let mut keys: Vec<String> = CaseStatus::ALL
                .iter()
                .map(|s| format!("cases.status_{}", s.as_str()))
                .collect();
            for s in ["urgent", "normal"] {
                keys.push(format!("cases.severity_{s}"));
            }
            for s in ["verify", "forward", "answer", "close", "reopen"] {
                keys.push(format!("cases.ev_{s}"));
            }
            for s in ["verify", "close", "reopen"] {
                keys.push(format!("cases.do_{s}"));
            }
            for d in DONE {
                keys.push(format!("cases.done_{d}"));
            }
            for key in keys {
                assert_ne!(t.get(&key), key, "{}: no {key}", lang.code());
            }
        }
    }

    #[test]
    fn due_dates_are_said_in_working_days() {
        let t = Lang::Vi.catalog();
        let at = Utc::now();
        let due = |overdue, n| Due {
            at,
            open: true,
            overdue,
            working_days: n,
        };
        assert_eq!(
            due_phrase(t, &due(false, 2)).unwrap(),
            t.get("cases.due_in").replace("{n}", "2")
        );
        assert!(due_phrase(t, &due(true, 3)).unwrap().contains('3'));
        assert_eq!(
            due_phrase(t, &due(true, 0)).unwrap(),
            t.get("cases.overdue_today")
        );
        let closed = Due {
            open: false,
            ..due(false, 0)
        };
        assert_eq!(due_phrase(t, &closed), None);
    }
}
