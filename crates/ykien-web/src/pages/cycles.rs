//! Reporting cycles (kỳ báo cáo) in the web UI:
//! - `GET /reports/cycle?unit=&period=` (officers, leaders, admins): how far each unit is
//!   through the month (a bar chart of completion against last month, and the table), the
//!   roster by unit and member organization with each collaborator's status, and a button
//!   that reminds now those who have not reported (`POST /reports/cycle/remind`);
//! - the collaborator's banner on the report form and "my reports" ([`banner`]): the month,
//!   its due date and where they stand, with "nothing notable this period"
//!   (`POST /reports/cycle/nothing-notable`, also used to withdraw it).
//!
//! Scoping is the store's: a unit outside the actor's subtree is 404, a role that may not
//! read the roster 403. Contacts appear only when the store hands them over (admins and
//! leaders).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use ykien_charts::{BarRow, Bars, Chart, Lang as ChartLang, Meta};
use ykien_core::{Actor, Role};
use ykien_report::ReportError;
use ykien_report::cycles::{configured_due_day, due_date, remind_now};
use ykien_store::{CyclePeriod, CycleStatus, RosterEntry, StoreError, UnitCompletion};

use crate::auth::{CheckedForm, HasCsrf, Signed};
use crate::error::WebError;
use crate::i18n::{Catalog, Lang};
use crate::pages::report::local_time;
use crate::state::AppState;
use crate::ui::{Chrome, Ui};

fn report_err(e: ReportError) -> WebError {
    match e {
        ReportError::Store(e) => e.into(),
        other => WebError::BadRequest(other.to_string()),
    }
}

/// The month asked for ("2026-11"), or the current one in Hà Nội.
fn period_of(raw: Option<&str>) -> Result<CyclePeriod, WebError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(CyclePeriod::containing(Utc::now())),
        Some(p) => CyclePeriod::parse(p).map_err(WebError::from),
    }
}

/// "25/11/2026".
fn date_vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "11/2026".
fn month_label(p: &CyclePeriod) -> String {
    format!("{:02}/{}", p.month, p.year)
}

fn percent(rate: Option<f64>) -> Option<u64> {
    rate.map(|r| (r * 100.0).round() as u64)
}

/// One collaborator as the roster shows them.
pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub status: &'static str,
    pub status_label: String,
    pub items: i64,
    pub flash: i64,
    pub reminded: String,
}

/// One group of the roster: a unit and a member organization.
pub struct GroupView {
    pub heading: String,
    pub members: Vec<MemberView>,
}

/// One line of the completion table.
pub struct CompletionLine {
    pub unit: String,
    pub name: String,
    pub collaborators: i64,
    pub done: i64,
    pub reported: i64,
    pub nothing_notable: i64,
    pub flash: i64,
    pub rate: String,
    pub own: bool,
}

/// A unit of the selector.
pub struct UnitChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The chart as the template shows it.
pub struct ChartView {
    pub svg: String,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "cycles/show.html")]
struct CyclePage {
    c: Chrome,
    csrf: String,
    unit: String,
    unit_name: String,
    period: String,
    period_label: String,
    due: String,
    units: Vec<UnitChoice>,
    lines: Vec<CompletionLine>,
    chart: Option<ChartView>,
    groups: Vec<GroupView>,
    contacts: bool,
    pending: usize,
    pending_text: String,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CycleQuery {
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    /// How many were reminded by the last "remind now".
    #[serde(default)]
    pub reminded: Option<usize>,
}

fn line(c: &UnitCompletion, own: bool) -> CompletionLine {
    CompletionLine {
        unit: c.unit.as_str().to_string(),
        name: c.unit_name.clone(),
        collaborators: c.collaborators,
        done: c.done,
        reported: c.reported,
        nothing_notable: c.nothing_notable,
        flash: c.flash,
        rate: percent(c.rate())
            .map(|p| format!("{p} %"))
            .unwrap_or_else(|| "—".into()),
        own,
    }
}

fn status_label(t: &Catalog, s: CycleStatus) -> String {
    t.get(&format!("cycles.status_{}", s.as_str())).to_string()
}

fn member(t: &Catalog, e: &RosterEntry) -> MemberView {
    MemberView {
        id: e.user_id,
        name: e.name.clone(),
        email: e.email.clone().unwrap_or_default(),
        phone: e.phone.clone().unwrap_or_default(),
        status: e.status.as_str(),
        status_label: status_label(t, e.status),
        items: e.items,
        flash: e.flash,
        reminded: e.last_reminded_at.map(local_time).unwrap_or_default(),
    }
}

/// Completion of each unit with collaborators (the unit itself when none of its children
/// has any), as bars against last month.
fn chart(
    t: &Catalog,
    lang: Lang,
    now: &[UnitCompletion],
    before: &[UnitCompletion],
    period: &CyclePeriod,
) -> Option<ChartView> {
    let rows: Vec<BarRow> = now
        .iter()
        .filter(|c| c.collaborators > 0)
        .map(|c| BarRow {
            label: c.unit_name.clone(),
            value: percent(c.rate()).unwrap_or(0),
            previous: before
                .iter()
                .find(|b| b.unit == c.unit)
                .and_then(|b| percent(b.rate())),
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let bars = Bars {
        meta: Meta {
            id: "cycle-completion".into(),
            title: t
                .get("cycles.chart_title")
                .replace("{month}", &month_label(period)),
            desc: t.get("cycles.chart_desc").to_string(),
            no_data: t.get("cycles.no_collaborators").to_string(),
            lang: match lang {
                Lang::Vi => ChartLang::Vi,
                Lang::En => ChartLang::En,
            },
        },
        rows,
        label_header: t.get("cycles.unit").to_string(),
        value_header: t.get("cycles.rate_percent").to_string(),
        change_header: t.get("cycles.change").to_string(),
    };
    let table = bars.table();
    Some(ChartView {
        svg: bars.svg(),
        caption: table.caption,
        columns: table.columns.into_iter().map(|c| c.header).collect(),
        rows: table.rows,
    })
}

/// `GET /reports/cycle`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    ui: Ui,
    Query(q): Query<CycleQuery>,
) -> Result<Html<String>, WebError> {
    let t = ui.t();
    let actor = &signed.actor;
    let unit = q
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(actor.unit.as_str())
        .to_string();
    let period = period_of(q.period.as_deref())?;
    let store = &state.store;
    let roster = store.cycle_roster(Some(actor), &unit, &period).await?;
    let completion = store.cycle_completion(Some(actor), &unit, &period).await?;
    let before = store
        .cycle_completion(Some(actor), &unit, &period.previous())
        .await?;
    let calendar = store.work_calendar().await?;
    let due = due_date(&calendar, &period, configured_due_day());

    let mut now_rows: Vec<UnitCompletion> = completion
        .children
        .iter()
        .filter(|c| c.collaborators > 0)
        .cloned()
        .collect();
    let mut before_rows: Vec<UnitCompletion> = before.children.clone();
    if now_rows.is_empty() {
        now_rows.push(completion.unit.clone());
        before_rows.push(before.unit.clone());
    }
    let chart = chart(t, ui.lang, &now_rows, &before_rows, &period);
    let mut lines = vec![line(&completion.unit, true)];
    lines.extend(
        completion
            .children
            .iter()
            .filter(|c| c.collaborators > 0)
            .map(|c| line(c, false)),
    );
    let no_org = t.get("cycles.no_member_org");
    let groups = roster
        .groups
        .iter()
        .map(|g| GroupView {
            heading: format!(
                "{} — {}",
                g.unit_name,
                g.member_org_name.as_deref().unwrap_or(no_org)
            ),
            members: g.members.iter().map(|e| member(t, e)).collect(),
        })
        .collect();
    let pending = roster
        .entries()
        .filter(|e| e.status == CycleStatus::NotYet)
        .count();
    // The selector: the actor's unit, its children, and the unit shown if deeper.
    let mut units = vec![UnitChoice {
        id: actor.unit.as_str().to_string(),
        name: t.get("cycles.own_unit").to_string(),
        selected: unit == actor.unit.as_str(),
    }];
    for c in store.unit_children(actor, &actor.unit).await? {
        units.push(UnitChoice {
            selected: unit == c.id.as_str(),
            id: c.id.as_str().to_string(),
            name: c.name,
        });
    }
    if !units.iter().any(|u| u.selected) {
        units.push(UnitChoice {
            id: unit.clone(),
            name: roster.unit_name.clone(),
            selected: true,
        });
    }
    let notice = q.reminded.map(|n| {
        if n == 0 {
            t.get("cycles.reminded_none").to_string()
        } else {
            t.get("cycles.reminded").replace("{n}", &n.to_string())
        }
    });
    let page = CyclePage {
        c: ui.chrome(Some(signed.bar())),
        csrf: signed.session.csrf_token.clone(),
        unit: unit.clone(),
        unit_name: roster.unit_name.clone(),
        period: period.key.clone(),
        period_label: month_label(&period),
        due: date_vi(due),
        units,
        lines,
        chart,
        groups,
        contacts: roster.contacts_shown,
        pending,
        pending_text: t.get("cycles.pending").replace("{n}", &pending.to_string()),
        notice,
    };
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
}

impl HasCsrf for RemindForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Query-string safe: unit ids and month keys are ASCII letters, digits, '.', ':' and '-'.
fn q_safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-'))
        .collect()
}

/// `POST /reports/cycle/remind`: books a reminder for today for everyone of the unit who
/// has not reported (in the app now; by e-mail with the next round of `ykien serve`).
pub async fn remind(
    State(state): State<AppState>,
    CheckedForm { signed, form }: CheckedForm<RemindForm>,
) -> Result<Response, WebError> {
    let actor = &signed.actor;
    let unit = match form.unit.trim() {
        "" => actor.unit.as_str().to_string(),
        u => u.to_string(),
    };
    let period = period_of(Some(&form.period))?;
    let n = remind_now(&state.store, actor, &unit, &period, Utc::now())
        .await
        .map_err(report_err)?;
    Ok(Redirect::to(&format!(
        "/reports/cycle?unit={}&period={}&reminded={n}",
        q_safe(&unit),
        q_safe(&period.key)
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeclareForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
    /// "1": withdraw the declaration instead.
    #[serde(default)]
    withdraw: String,
    /// Where to go back: "mine" (my reports) or the report form.
    #[serde(default)]
    back: String,
}

impl HasCsrf for DeclareForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /reports/cycle/nothing-notable`: the collaborator's "nothing notable this period"
/// (or its withdrawal). Every outcome goes back to the page the banner was on, with a word
/// about it; a role that does not report in cycles is told so there rather than refused.
pub async fn nothing_notable(
    State(state): State<AppState>,
    CheckedForm { signed, form }: CheckedForm<DeclareForm>,
) -> Result<Response, WebError> {
    let back = if form.back == "mine" {
        "/reports/mine"
    } else {
        "/report"
    };
    let period = period_of(Some(&form.period))?;
    let store = &state.store;
    let code = if form.withdraw == "1" {
        match store
            .withdraw_nothing_notable(&signed.actor, &period)
            .await?
        {
            true => "withdrawn",
            false => "nothing_to_withdraw",
        }
    } else {
        match store.declare_nothing_notable(&signed.actor, &period).await {
            Ok(_) => "declared",
            Err(StoreError::Forbidden { .. }) => "not_collaborator",
            Err(StoreError::Conflict { .. }) => "already_reported",
            Err(StoreError::Invalid { .. }) => "bad_period",
            Err(e) => return Err(e.into()),
        }
    };
    Ok(Redirect::to(&format!("{back}?cycle={code}")).into_response())
}

/// The collaborator's banner on the report form and "my reports".
pub struct CycleBanner {
    pub period: String,
    pub headline: String,
    pub status: &'static str,
    pub status_text: String,
    pub reminded: Option<String>,
    pub notice: Option<String>,
    /// Offer "nothing notable" (nothing filed, nothing declared).
    pub may_declare: bool,
    /// Offer to withdraw the declaration.
    pub may_withdraw: bool,
    pub csrf: String,
    pub back: &'static str,
}

/// The banner for `actor` (None for roles outside the cycle, or when the figures cannot be
/// read: a banner never breaks the page it sits on). `back` is "report" or "mine"; a
/// `cycle=<code>` in `ui.query` (after the banner's form) becomes its notice.
pub async fn banner(
    state: &AppState,
    actor: &Actor,
    ui: &Ui,
    csrf: &str,
    back: &'static str,
) -> Option<CycleBanner> {
    if actor.role != Role::Collaborator {
        return None;
    }
    let t = ui.t();
    let period = CyclePeriod::containing(Utc::now());
    let mine = state.store.my_cycle(actor, &period).await.ok()?;
    let calendar = state.store.work_calendar().await.ok()?;
    let due = due_date(&calendar, &period, configured_due_day());
    let headline = t
        .get("cycles.banner_headline")
        .replace("{month}", &month_label(&period))
        .replace("{due}", &due.format("%d/%m").to_string());
    let status_text = match mine.status {
        CycleStatus::Reported => t
            .get("cycles.banner_reported")
            .replace("{n}", &mine.items.to_string()),
        CycleStatus::NothingNotable => t.get("cycles.banner_nothing_notable").to_string(),
        CycleStatus::NotYet => t.get("cycles.banner_not_yet").to_string(),
    };
    let notice = ui
        .query
        .split('&')
        .find_map(|kv| kv.strip_prefix("cycle="))
        .filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
        .map(|c| format!("cycles.done_{c}"))
        .and_then(|key| {
            let said = t.get(&key);
            (said != key).then(|| said.to_string())
        });
    Some(CycleBanner {
        period: period.key.clone(),
        headline,
        status: mine.status.as_str(),
        status_text,
        reminded: mine.last_reminded_at.map(|at| {
            t.get("cycles.banner_reminded")
                .replace("{at}", &local_time(at))
        }),
        notice,
        may_declare: mine.status == CycleStatus::NotYet,
        may_withdraw: mine.status == CycleStatus::NothingNotable,
        csrf: csrf.to_string(),
        back,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_query_values() {
        let p = CyclePeriod::parse("2026-01").unwrap();
        assert_eq!(month_label(&p), "01/2026");
        assert_eq!(q_safe("00004&x=<1>"), "00004x1");
        assert_eq!(percent(Some(2.0 / 3.0)), Some(67));
        assert_eq!(percent(None), None);
        assert!(period_of(Some("2026-13")).is_err());
        assert_eq!(period_of(Some(" 2026-11 ")).unwrap().key, "2026-11");
    }

    #[test]
    fn every_status_has_words_in_both_languages() {
        for lang in [Lang::Vi, Lang::En] {
            let t = lang.catalog();
            for s in [
                CycleStatus::Reported,
                CycleStatus::NothingNotable,
                CycleStatus::NotYet,
            ] {
                let key = format!("cycles.status_{}", s.as_str());
                assert_ne!(t.get(&key), key, "{lang:?}");
            }
            for code in [
                "declared",
                "withdrawn",
                "nothing_to_withdraw",
                "not_collaborator",
                "already_reported",
                "bad_period",
            ] {
                let key = format!("cycles.done_{code}");
                assert_ne!(t.get(&key), key, "{lang:?}");
            }
        }
    }
}
