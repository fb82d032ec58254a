//! The route-table scope test. It enumerates `ykien_web::routes::table()` — the only source of
//! the router's routes — and checks every route for every role at city and ward level:
//! anonymous callers are turned away, in-scope records answer, out-of-scope and missing
//! records both answer 404, and forms refuse a missing CSRF token.
//!
//! A new route is covered as soon as it is in the table. A route that shows a new kind of
//! record needs a new `Access` variant; the `match` below has no wildcard, so the suite stops
//! compiling until this test learns how to reach an out-of-scope record of that kind.

use std::collections::HashMap;

use reqwest::{Client, Method, RequestBuilder};
use serde_json::json;
use ykien_core::{Actor, Permission, Role, can};
use ykien_store::Confidentiality;
use ykien_web::routes::{Access, Kind, RouteSpec, table};

use crate::Backend;
use crate::harness::{App, test_config};

/// Where each actor sits, and units that are out of its scope or do not exist.
struct Level {
    unit: &'static str,
    /// Current units outside the subtree: siblings, parent, another province.
    outside: &'static [&'static str],
}

const LEVELS: &[Level] = &[
    // Hà Nội: Hồ Chí Minh City (79) and one of its wards (26734: Phường Sài Gòn) are outside.
    Level {
        unit: "01",
        outside: &["79", "26734", "04"],
    },
    // Phường Ba Đình: its sibling Hoàn Kiếm, its city, another province.
    Level {
        unit: "00004",
        outside: &["00070", "01", "79"],
    },
];
const MISSING: &[&str] = &["99999", "00004.999", "old:c:99999"];
/// Item ids that exist nowhere (or do not parse).
const MISSING_ITEMS: &[&str] = &["999999999", "0", "-1", "abc"];

/// Items filed by the system before the callers are made: one ordinary item in every unit the
/// levels name, and one restricted item in each level's own unit.
struct Items {
    normal: HashMap<&'static str, i64>,
    restricted: HashMap<&'static str, i64>,
}

async fn seed_items(app: &App) -> Items {
    let mut normal = HashMap::new();
    let mut restricted = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if !normal.contains_key(unit) {
                // Units not in the database (other provinces' wards) hold no item.
                let text = format!("Ý kiến thử ở đơn vị {unit}");
                let c = Confidentiality::Normal;
                if let Some(id) = super::items::try_file_as_system(app, unit, &text, c).await {
                    normal.insert(*unit, id);
                }
            }
        }
        let text = format!("Ý kiến cần hạn chế ở đơn vị {}", level.unit);
        restricted.insert(
            level.unit,
            super::items::file_as_system(app, level.unit, &text, Confidentiality::Restricted).await,
        );
    }
    Items { normal, restricted }
}

/// One case opened by the system in every unit the levels name (units not in the database
/// hold none).
async fn seed_cases(app: &App) -> HashMap<&'static str, i64> {
    let mut cases = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if !cases.contains_key(unit)
                && let Some(id) = super::cases::try_open_as_system(app, unit).await
            {
                cases.insert(*unit, id);
            }
        }
    }
    cases
}

/// One feed source registered by the system in every unit the levels name (units not in the
/// database hold none).
async fn seed_sources(app: &App) -> HashMap<&'static str, i64> {
    let mut sources = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if sources.contains_key(unit) {
                continue;
            }
            let new = ykien_store::NewSource {
                unit: unit.to_string(),
                kind: ykien_store::SourceKind::Rss,
                url: format!("https://example.invalid/{unit}/rss.xml"),
                name: format!("Nguồn của đơn vị {unit}"),
                poll_interval: std::time::Duration::from_secs(3600),
            };
            if let Ok(s) = app.store.add_source(None, new).await {
                sources.insert(*unit, s.id);
            }
        }
    }
    sources
}

/// One open alert per unit (raised by the system, as the evaluator raises them); `tag` keeps
/// the dedup keys apart.
async fn seed_alert(app: &App, unit: &str, tag: &str) -> Option<i64> {
    let alert = ykien_store::NewAlert {
        unit_id: unit.to_string(),
        kind: ykien_store::AlertKind::Burst,
        severity: ykien_store::AlertSeverity::Normal,
        title: format!("Cảnh báo thử ở đơn vị {unit}"),
        details: json!({ "observed": 9, "expected": 1.0 }),
        item_ids: Vec::new(),
        dedup_key: format!("scope-test:{unit}:{tag}"),
    };
    app.store.raise_alert(&alert).await.ok().flatten()
}

async fn seed_alerts(app: &App) -> HashMap<&'static str, i64> {
    let mut alerts = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if !alerts.contains_key(unit)
                && let Some(id) = seed_alert(app, unit, "seed").await
            {
                alerts.insert(*unit, id);
            }
        }
    }
    alerts
}

// --- reports (issue 7) ---
/// One draft saved by the system in every unit the levels name (units not in the database
/// hold none).
async fn seed_reports(app: &App) -> HashMap<&'static str, i64> {
    let mut reports = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if !reports.contains_key(unit)
                && let Some(id) = super::reports_pages::try_draft_as_system(app, unit).await
            {
                reports.insert(*unit, id);
            }
        }
    }
    reports
}

/// The status a report route answers a handler with, for a fresh draft of its unit: pages
/// and exports 200, forms (save, issue, delete) a redirect.
fn report_ok(spec: &RouteSpec) -> u16 {
    if spec.kind == Kind::Form { 303 } else { 200 }
}
// --- end reports ---

/// Records a case route needs besides the case in its path.
struct CaseFixture {
    /// One of the two items of the case in the path.
    in_case: i64,
    /// An item in no case.
    free: i64,
    /// Another case of the same unit.
    other_case: i64,
}

/// A body each case route accepts from a handler of a fresh case, and the status it answers.
fn case_body(spec: &RouteSpec, f: &CaseFixture) -> (serde_json::Value, u16) {
    let suffix = spec.path.rsplit('/').next().unwrap_or("");
    match (spec.method, suffix) {
        ("GET", _) => (json!({}), 200),
        (_, "transition") => (json!({"action": "verify"}), 200),
        (_, "comments") => (json!({"body": "Ghi chú thử"}), 201),
        (_, "assign") => (json!({"assignee": null}), 200),
        (_, "items") => (json!({"items": [f.free]}), 200),
        (_, "merge") => (json!({"from": f.other_case}), 200),
        (_, "split") => (json!({"items": [f.in_case], "title": "Tách thử"}), 201),
        // --- reports (issue 7): a flash report on the case ---
        (_, "flash-report") => (json!({}), 201),
        _ => panic!("{spec:?}: the scope test needs a body for this case route"),
    }
}

/// Sends a case route as the caller: over the API with the bearer token and a JSON body for
/// posts; a page or form with the session cookie, a form's fields taken from the same body
/// (with the session's CSRF token unless `csrf` is false).
async fn send_case(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    id: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    send_case_with(app, who, spec, id, body, true).await
}

async fn send_case_with(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    id: &str,
    body: &serde_json::Value,
    csrf: bool,
) -> reqwest::Response {
    let c = app.bare();
    let mut req = request(&c, app, spec, &path_for(spec, id));
    if spec.kind == Kind::Api {
        req = req.bearer_auth(&who.token);
        if spec.method == "POST" {
            req = req.json(body);
        }
    } else {
        req = req.header("cookie", &who.cookie);
        if spec.method == "POST" {
            let mut fields = vec![(
                "csrf".to_string(),
                if csrf {
                    who.csrf.clone()
                } else {
                    String::new()
                },
            )];
            for (k, v) in body.as_object().into_iter().flatten() {
                let v = match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                fields.push((k.clone(), v));
            }
            req = req.form(&fields);
        }
    }
    req.send().await.unwrap()
}

fn path_for(spec: &RouteSpec, id: &str) -> String {
    spec.path
        .replace("{id}", id)
        .replace("{*path}", "style.css")
        .replace("{n}", "1")
}

fn request(c: &Client, app: &App, spec: &RouteSpec, path: &str) -> RequestBuilder {
    let method = Method::from_bytes(spec.method.as_bytes()).unwrap();
    c.request(method, app.url(path))
}

struct Caller {
    actor: Actor,
    role: Role,
    level: &'static Level,
    cookie: String,
    csrf: String,
    token: String,
}

async fn caller(app: &App, role: Role, level: &'static Level, n: usize) -> Caller {
    let id = app
        .user(role, level.unit, &format!("{role}.{n}@example.org"), None)
        .await;
    let session = app
        .store
        .session_create(id, std::time::Duration::from_secs(3600))
        .await
        .unwrap();
    let (token, _) = app
        .store
        .create_token(None, id, "scope test")
        .await
        .unwrap();
    let actor = app
        .store
        .actor(id)
        .await
        .unwrap()
        .expect("the caller's actor");
    Caller {
        actor,
        role,
        level,
        cookie: format!("ykien_session={}", session.id),
        csrf: session.csrf_token,
        token,
    }
}

/// Sends a request as the caller: the session cookie for pages and forms, the bearer token
/// for the API.
async fn send(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    path: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let c = app.bare();
    let mut req = request(&c, app, spec, path);
    req = match spec.kind {
        Kind::Api => req.bearer_auth(&who.token),
        _ => req.header("cookie", &who.cookie),
    };
    if spec.method == "POST" {
        req = req.form(&[("csrf", csrf.unwrap_or(""))]);
    }
    req.send().await.unwrap()
}

/// Sends a form with these fields as the caller (session cookie).
async fn send_form(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let c = app.bare();
    request(&c, app, spec, spec.path)
        .header("cookie", &who.cookie)
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// Sends a JSON body as the caller (bearer token).
async fn send_json(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    body: &serde_json::Value,
) -> reqwest::Response {
    let c = app.bare();
    request(&c, app, spec, spec.path)
        .bearer_auth(&who.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn may_report(who: &Caller) -> bool {
    can(&who.actor, Permission::Report, &who.actor.unit_path)
}

fn may_handle(who: &Caller) -> bool {
    can(&who.actor, Permission::Handle, &who.actor.unit_path)
}

pub async fn every_route_for_every_role(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let items = seed_items(&app).await;
    let cases = seed_cases(&app).await;
    let sources = seed_sources(&app).await;
    let alerts = seed_alerts(&app).await;
    let mut outside_alerts = 0;
    let reports = seed_reports(&app).await;
    let mut outside_reports = 0;
    let intake = seed_intake(&app, &items).await;
    let admin = seed_admin(&app, &sources).await;
    let mut outside_admin = 0;
    let mut outside_sources = 0;
    let routes = table();
    assert!(
        routes.iter().any(|r| r.access == Access::Unit),
        "the table has unit-scoped routes"
    );
    let mut checked = 0;
    let mut outside_items = 0;
    let mut outside_cases = 0;
    let mut n = 0;
    for level in LEVELS {
        for role in Role::ALL {
            n += 1;
            let who = caller(&app, role, level, n).await;
            for spec in &routes {
                let ctx = format!("{} at {} on {spec:?}", who.role, who.level.unit);
                match spec.access {
                    Access::Public => {
                        let res = send(&app, &who, spec, &path_for(spec, ""), None).await;
                        let s = res.status();
                        assert!(
                            s.is_success() || s.is_redirection() || s == 403,
                            "{ctx}: {s}"
                        );
                    }
                    Access::Actor => {
                        anonymous_is_turned_away(&app, spec, &path_for(spec, "")).await;
                        if spec.kind == Kind::Form {
                            // Refused without the token (and the session survives)…
                            let res = send(&app, &who, spec, spec.path, None).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                            // …accepted with it (a fresh session: the form may end it).
                            // (one account per form route and caller: e-mails are unique)
                            let route = routes.iter().position(|r| std::ptr::eq(r, spec));
                            let again =
                                caller(&app, role, level, 1000 * (1 + route.unwrap_or(0)) + n)
                                    .await;
                            let res = send(&app, &again, spec, spec.path, Some(&again.csrf)).await;
                            assert!(
                                res.status().is_redirection() || res.status().is_success(),
                                "{ctx}: {}",
                                res.status()
                            );
                        } else {
                            let res = send(&app, &who, spec, spec.path, None).await;
                            assert_eq!(res.status(), 200, "{ctx}");
                        }
                    }
                    Access::Unit => {
                        anonymous_is_turned_away(&app, spec, &path_for(spec, who.level.unit)).await;
                        let own = send(
                            &app,
                            &who,
                            spec,
                            &path_for(spec, who.level.unit),
                            Some(&who.csrf),
                        )
                        .await;
                        assert_eq!(own.status(), 200, "{ctx}: own unit");
                        let mut answers = Vec::new();
                        for id in who.level.outside.iter().chain(MISSING) {
                            let res =
                                send(&app, &who, spec, &path_for(spec, id), Some(&who.csrf)).await;
                            let status = res.status();
                            let body = res.text().await.unwrap();
                            assert_eq!(status, 404, "{ctx}: unit {id} must be invisible");
                            // Out of scope and missing look the same: nothing reveals existence.
                            answers.push(main_part(&body));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::Item => {
                        let own = items.normal[who.level.unit].to_string();
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        let res = send(&app, &who, spec, &path_for(spec, &own), None).await;
                        assert_eq!(res.status(), 200, "{ctx}: own unit's item");
                        let restricted = items.restricted[who.level.unit].to_string();
                        let need_to_know =
                            matches!(role, Role::Admin | Role::Leader | Role::Officer);
                        let res = send(&app, &who, spec, &path_for(spec, &restricted), None).await;
                        let status = res.status();
                        let restricted_body = main_part(&res.text().await.unwrap());
                        assert_eq!(
                            status,
                            if need_to_know { 200 } else { 404 },
                            "{ctx}: restricted item"
                        );
                        let mut answers = Vec::new();
                        if !need_to_know {
                            answers.push(restricted_body);
                        }
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| items.normal.get(u).map(i64::to_string))
                            .collect();
                        outside_items += outside.len();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send(&app, &who, spec, &path_for(spec, id), None).await;
                            let status = res.status();
                            assert_eq!(status, 404, "{ctx}: item {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::Reporter => {
                        anonymous_is_turned_away(&app, spec, spec.path).await;
                        let expected = if may_report(&who) { None } else { Some(403) };
                        if spec.kind == Kind::Form {
                            let res =
                                send_form(&app, &who, spec, &[("csrf", ""), ("text", "x")]).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                            let text = format!("Báo cáo thử của {ctx}");
                            let res = send_form(
                                &app,
                                &who,
                                spec,
                                &[("csrf", who.csrf.as_str()), ("text", text.as_str())],
                            )
                            .await;
                            let s = res.status();
                            match expected {
                                None => assert!(s.is_success() || s.is_redirection(), "{ctx}: {s}"),
                                Some(e) => assert_eq!(s, e, "{ctx}"),
                            }
                        } else {
                            let res = send(&app, &who, spec, spec.path, None).await;
                            assert_eq!(res.status(), expected.unwrap_or(200), "{ctx}");
                        }
                    }
                    Access::UnitInBody => {
                        anonymous_is_turned_away(&app, spec, spec.path).await;
                        let text = format!("Ý kiến gửi qua API của {ctx}");
                        let res = send_json(
                            &app,
                            &who,
                            spec,
                            &json!({"text": text, "unit": who.level.unit}),
                        )
                        .await;
                        let expected = if may_report(&who) { 201 } else { 403 };
                        assert_eq!(res.status(), expected, "{ctx}: own unit");
                        let text = format!("Ý kiến không nêu đơn vị của {ctx}");
                        let res = send_json(&app, &who, spec, &json!({"text": text})).await;
                        assert_eq!(res.status(), expected, "{ctx}: default unit");
                        let mut answers = Vec::new();
                        for id in who.level.outside.iter().chain(MISSING) {
                            let body = json!({"text": format!("Ý kiến gửi vào đơn vị khác {ctx}"), "unit": id});
                            let res = send_json(&app, &who, spec, &body).await;
                            assert_eq!(res.status(), 404, "{ctx}: unit {id} must be invisible");
                            answers.push(res.text().await.unwrap());
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::Case => {
                        // A fresh case of two items in the caller's own unit, another case
                        // and a free item there, so that every route's request is valid.
                        let unit = who.level.unit;
                        let normal = Confidentiality::Normal;
                        let mut seed = Vec::new();
                        for k in 0..3 {
                            let text = format!("Ý kiến {k} cho vụ việc của {ctx}");
                            seed.push(
                                super::items::file_as_system(&app, unit, &text, normal).await,
                            );
                        }
                        let own = super::cases::try_open_with(&app, unit, seed[..2].to_vec())
                            .await
                            .expect("a case in the caller's unit")
                            .to_string();
                        let fixture = CaseFixture {
                            in_case: seed[0],
                            free: seed[2],
                            other_case: super::cases::try_open_as_system(&app, unit)
                                .await
                                .expect("a second case"),
                        };
                        let (body, ok) = case_body(spec, &fixture);
                        // A form that worked redirects to the case (post/redirect/get).
                        let ok = if spec.kind == Kind::Form { 303 } else { ok };
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        let handler = may_handle(&who);
                        if spec.kind == Kind::Form {
                            let res = send_case_with(&app, &who, spec, &own, &body, false).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                        }
                        let res = send_case(&app, &who, spec, &own, &body).await;
                        let status = res.status();
                        assert_eq!(
                            status,
                            if handler { ok } else { 403 },
                            "{ctx}: own unit's case: {}",
                            res.text().await.unwrap()
                        );
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| cases.get(u).map(i64::to_string))
                            .collect();
                        outside_cases += outside.len();
                        let mut answers = Vec::new();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send_case(&app, &who, spec, id, &body).await;
                            assert_eq!(res.status(), 404, "{ctx}: case {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::Source => {
                        let own = sources[who.level.unit].to_string();
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        let res = send(&app, &who, spec, &path_for(spec, &own), None).await;
                        assert_eq!(res.status(), 200, "{ctx}: own unit's source");
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| sources.get(u).map(i64::to_string))
                            .collect();
                        outside_sources += outside.len();
                        let mut answers = Vec::new();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send(&app, &who, spec, &path_for(spec, id), None).await;
                            assert_eq!(res.status(), 404, "{ctx}: source {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::SourceUnitInBody => {
                        anonymous_is_turned_away(&app, spec, spec.path).await;
                        let expected = if may_handle(&who) { 201 } else { 403 };
                        let body = |unit: Option<&str>, tag: &str| {
                            let mut v = json!({
                                "name": format!("Nguồn {tag} của {ctx}"),
                                "url": format!("https://example.invalid/{n}/{tag}.xml"),
                                "kind": "rss",
                            });
                            if let Some(u) = unit {
                                v["unit"] = json!(u);
                            }
                            v
                        };
                        let res =
                            send_json(&app, &who, spec, &body(Some(who.level.unit), "own")).await;
                        assert_eq!(res.status(), expected, "{ctx}: own unit");
                        let res = send_json(&app, &who, spec, &body(None, "default")).await;
                        assert_eq!(res.status(), expected, "{ctx}: default unit");
                        let mut answers = Vec::new();
                        for id in who.level.outside.iter().chain(MISSING) {
                            let res = send_json(&app, &who, spec, &body(Some(id), id)).await;
                            assert_eq!(res.status(), 404, "{ctx}: unit {id} must be invisible");
                            answers.push(res.text().await.unwrap());
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::ItemToHandle => {
                        // A correction of the item in the path (learning from officers).
                        let body = json!({"field": "sentiment", "value": "negative"});
                        let own = items.normal[who.level.unit].to_string();
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        let handler = may_handle(&who);
                        // The items page's form redirects to the item (post/redirect/get).
                        let ok = if spec.kind == Kind::Form { 303 } else { 201 };
                        if spec.kind == Kind::Form {
                            let res = send_case_with(&app, &who, spec, &own, &body, false).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                        }
                        let res = send_case(&app, &who, spec, &own, &body).await;
                        assert_eq!(
                            res.status(),
                            if handler { ok } else { 403 },
                            "{ctx}: own unit's item"
                        );
                        let restricted = items.restricted[who.level.unit].to_string();
                        let need_to_know =
                            matches!(role, Role::Admin | Role::Leader | Role::Officer);
                        let res = send_case(&app, &who, spec, &restricted, &body).await;
                        let status = res.status();
                        let restricted_body = main_part(&res.text().await.unwrap());
                        assert_eq!(
                            status,
                            match (need_to_know, handler) {
                                (false, _) => 404,
                                (true, true) => ok,
                                (true, false) => 403,
                            },
                            "{ctx}: restricted item"
                        );
                        let mut answers = Vec::new();
                        if !need_to_know {
                            answers.push(restricted_body);
                        }
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| items.normal.get(u).map(i64::to_string))
                            .collect();
                        outside_items += outside.len();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send_case(&app, &who, spec, id, &body).await;
                            assert_eq!(res.status(), 404, "{ctx}: item {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::CaseUnitInBody => {
                        anonymous_is_turned_away(&app, spec, spec.path).await;
                        let expected = if may_handle(&who) { 201 } else { 403 };
                        let title = format!("Vụ việc thử của {ctx}");
                        let res = send_json(
                            &app,
                            &who,
                            spec,
                            &json!({"title": title, "unit": who.level.unit}),
                        )
                        .await;
                        assert_eq!(res.status(), expected, "{ctx}: own unit");
                        let res = send_json(&app, &who, spec, &json!({"title": title})).await;
                        assert_eq!(res.status(), expected, "{ctx}: default unit");
                        let mut answers = Vec::new();
                        for id in who.level.outside.iter().chain(MISSING) {
                            let body = json!({"title": title, "unit": id});
                            let res = send_json(&app, &who, spec, &body).await;
                            assert_eq!(res.status(), 404, "{ctx}: unit {id} must be invisible");
                            answers.push(res.text().await.unwrap());
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    Access::Alert => {
                        // A fresh open alert of the caller's unit, so that acknowledging and
                        // closing it are valid requests.
                        let own = seed_alert(&app, who.level.unit, &ctx)
                            .await
                            .expect("an alert in the caller's unit")
                            .to_string();
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        // Forms (the inbox's acknowledge and close) need the session's token
                        // and answer with a redirect back to the alert.
                        let form = spec.kind == Kind::Form;
                        let csrf = form.then_some(who.csrf.as_str());
                        if form {
                            let res = send(&app, &who, spec, &path_for(spec, &own), None).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                        }
                        let res = send(&app, &who, spec, &path_for(spec, &own), csrf).await;
                        assert_eq!(
                            res.status(),
                            match (may_handle(&who), form) {
                                (false, _) => 403,
                                (true, false) => 200,
                                (true, true) => 303,
                            },
                            "{ctx}: own unit's alert"
                        );
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| alerts.get(u).map(i64::to_string))
                            .collect();
                        outside_alerts += outside.len();
                        let mut answers = Vec::new();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send(&app, &who, spec, &path_for(spec, id), csrf).await;
                            assert_eq!(res.status(), 404, "{ctx}: alert {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    // --- reports (issue 7) ---
                    Access::Report => {
                        // A fresh draft of the caller's unit, so that saving, issuing and
                        // deleting it are valid requests.
                        let own = super::reports_pages::try_draft_as_system(&app, who.level.unit)
                            .await
                            .expect("a report in the caller's unit")
                            .to_string();
                        let form = spec.kind == Kind::Form;
                        let csrf = form.then_some(who.csrf.as_str());
                        anonymous_is_turned_away(&app, spec, &path_for(spec, &own)).await;
                        if form {
                            let res = send(&app, &who, spec, &path_for(spec, &own), None).await;
                            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                        }
                        let res = send(&app, &who, spec, &path_for(spec, &own), csrf).await;
                        let status = res.status();
                        assert_eq!(
                            status,
                            if may_handle(&who) {
                                report_ok(spec)
                            } else {
                                403
                            },
                            "{ctx}: own unit's report: {}",
                            main_part(&res.text().await.unwrap())
                        );
                        let outside: Vec<String> = who
                            .level
                            .outside
                            .iter()
                            .filter_map(|u| reports.get(u).map(i64::to_string))
                            .collect();
                        outside_reports += outside.len();
                        let mut answers = Vec::new();
                        for id in outside
                            .iter()
                            .map(String::as_str)
                            .chain(MISSING_ITEMS.iter().copied())
                        {
                            let res = send(&app, &who, spec, &path_for(spec, id), csrf).await;
                            assert_eq!(res.status(), 404, "{ctx}: report {id} must be invisible");
                            answers.push(main_part(&res.text().await.unwrap()));
                        }
                        assert!(
                            answers.windows(2).all(|w| w[0] == w[1]),
                            "{ctx}: 404 bodies differ: {answers:?}"
                        );
                    }
                    // --- end reports ---
                    Access::Handler
                    | Access::Admin
                    | Access::Rule
                    | Access::Channel
                    | Access::SourceToHandle
                    | Access::User => {
                        outside_admin += admin_route(&app, &who, spec, &admin, &ctx).await;
                    }
                    Access::Attachment | Access::Importer | Access::Import => {
                        intake_route(&app, &who, spec, &items, &intake, &ctx).await;
                    }
                    Access::UnitsInBatch => {
                        anonymous_is_turned_away(&app, spec, spec.path).await;
                        let units: Vec<&str> = std::iter::once(&who.level.unit)
                            .chain(who.level.outside)
                            .chain(MISSING)
                            .copied()
                            .collect();
                        let batch: Vec<serde_json::Value> = units
                            .iter()
                            .map(
                                |u| json!({"text": format!("Ý kiến theo lô {ctx} {u}"), "unit": u}),
                            )
                            .collect();
                        let res = send_json(&app, &who, spec, &json!(batch)).await;
                        if !may_report(&who) {
                            assert_eq!(res.status(), 403, "{ctx}");
                        } else {
                            assert_eq!(res.status(), 200, "{ctx}");
                            let v: serde_json::Value = res.json().await.unwrap();
                            let results = v["results"].as_array().unwrap();
                            assert_eq!(results.len(), units.len(), "{ctx}");
                            assert_eq!(results[0]["status"], "accepted", "{ctx}: {v}");
                            let reasons: Vec<&serde_json::Value> =
                                results[1..].iter().map(|r| &r["reason"]).collect();
                            assert!(
                                results[1..]
                                    .iter()
                                    .all(|r| r["status"] == "error" && r.get("id").is_none()),
                                "{ctx}: {v}"
                            );
                            assert!(
                                reasons.windows(2).all(|w| w[0] == w[1]),
                                "{ctx}: reasons differ: {reasons:?}"
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, routes.len() * LEVELS.len() * Role::ALL.len());
    assert!(
        outside_items >= Role::ALL.len() * LEVELS.len(),
        "items outside the scope were tried ({outside_items})"
    );
    if routes.iter().any(|r| r.access == Access::Source) {
        assert!(
            outside_sources >= Role::ALL.len() * LEVELS.len(),
            "sources outside the scope were tried ({outside_sources})"
        );
    }
    if routes.iter().any(|r| r.access == Access::Alert) {
        assert!(
            outside_alerts >= Role::ALL.len() * LEVELS.len(),
            "alerts outside the scope were tried ({outside_alerts})"
        );
    }
    if routes
        .iter()
        .any(|r| matches!(r.access, Access::Rule | Access::Channel | Access::User))
    {
        assert!(
            outside_admin >= Role::ALL.len() * LEVELS.len(),
            "admin records outside the scope were tried ({outside_admin})"
        );
    }
    // --- reports (issue 7) ---
    if routes.iter().any(|r| r.access == Access::Report) {
        assert!(
            outside_reports >= Role::ALL.len() * LEVELS.len(),
            "reports outside the scope were tried ({outside_reports})"
        );
    }
    // --- end reports ---
    if routes.iter().any(|r| r.access == Access::Case) {
        assert!(
            outside_cases >= Role::ALL.len() * LEVELS.len(),
            "cases outside the scope were tried ({outside_cases})"
        );
    }
    app.cleanup().await;
}

async fn anonymous_is_turned_away(app: &App, spec: &RouteSpec, path: &str) {
    let c = app.bare();
    let mut req = request(&c, app, spec, path);
    if spec.method == "POST" {
        req = req.form(&[("csrf", "")]);
    }
    let res = req.send().await.unwrap();
    match spec.kind {
        Kind::Page | Kind::Form => {
            assert_eq!(res.status(), 303, "anonymous {spec:?}");
            assert_eq!(res.headers()["location"], "/login");
        }
        Kind::Api => assert_eq!(res.status(), 401, "anonymous {spec:?}"),
        Kind::Ops => panic!("{spec:?}: an operations route should not need a signed-in actor"),
    }
}

/// The page's `<main>` (the header holds a language link back to the requested path), or the
/// whole JSON body.
fn main_part(body: &str) -> String {
    match (body.find("<main"), body.find("</main>")) {
        (Some(a), Some(b)) => body[a..b].to_string(),
        _ => body.to_string(),
    }
}

// --- intake: photos of items, and imports ---

/// Records the intake routes need: a photo on every seeded item, an import in every unit
/// the levels name (units not in the database hold none).
struct IntakeSeed {
    imports: HashMap<&'static str, i64>,
}

async fn seed_intake(app: &App, items: &Items) -> IntakeSeed {
    let files = app.web.data_dir.clone().expect("a data directory");
    let photo = super::intake::png(20);
    for id in items.normal.values().chain(items.restricted.values()) {
        app.store
            .attach(
                None,
                &files,
                ykien_store::NewAttachment {
                    item_id: *id,
                    bytes: &photo,
                    original_name: None,
                    max_bytes: 1 << 20,
                    max_per_item: 5,
                },
            )
            .await
            .expect("a photo on a seeded item");
    }
    let mut imports = HashMap::new();
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            if imports.contains_key(unit) {
                continue;
            }
            let new = ykien_store::NewImport {
                unit: unit.to_string(),
                source: "scope".into(),
                format: "jsonl".into(),
                bytes: b"{\"text\": \"x\"}\n",
                original_name: None,
            };
            if let Ok(i) = app.store.create_import(None, &files, new).await {
                imports.insert(*unit, i.id);
            }
        }
    }
    IntakeSeed { imports }
}

/// A one-row import file in a multipart form, with the unit (and the CSRF token) given.
fn import_form(csrf: Option<&str>, unit: &str, ctx: &str) -> reqwest::multipart::Form {
    let row = format!("{{\"text\": \"Ý kiến nhập thử {ctx}\"}}\n");
    let mut f = reqwest::multipart::Form::new()
        .text("format", "jsonl")
        .text("unit", unit.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(row.into_bytes()).file_name("thu.jsonl"),
        );
    if let Some(c) = csrf {
        f = f.text("csrf", c.to_string());
    }
    f
}

/// Sends a photo route as the caller (bearer token): a GET, or a POST of one photo.
async fn send_photo(app: &App, who: &Caller, spec: &RouteSpec, id: &str) -> reqwest::Response {
    let c = app.bare();
    let mut req = request(&c, app, spec, &path_for(spec, id)).bearer_auth(&who.token);
    if spec.method == "POST" {
        let part = reqwest::multipart::Part::bytes(super::intake::png(77)).file_name("a.png");
        req = req.multipart(reqwest::multipart::Form::new().part("file", part));
    }
    req.send().await.unwrap()
}

async fn intake_route(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    items: &Items,
    seed: &IntakeSeed,
    ctx: &str,
) {
    let importer = ykien_store::may_import(&who.actor);
    let mut answers = Vec::new();
    match spec.access {
        Access::Attachment => {
            let own = items.normal[who.level.unit].to_string();
            anonymous_is_turned_away(app, spec, &path_for(spec, &own)).await;
            let need_to_know = matches!(who.role, Role::Admin | Role::Leader | Role::Officer);
            let may_attach = need_to_know || who.role == Role::Editor;
            let allowed = |s: u16| {
                if spec.method == "GET" {
                    s == 200
                } else {
                    s == 200 || s == 201
                }
            };
            let s = send_photo(app, who, spec, &own).await.status().as_u16();
            let ok = if spec.method == "GET" || may_attach {
                allowed(s)
            } else {
                s == 403
            };
            assert!(ok, "{ctx}: own unit's item: {s}");
            let restricted = items.restricted[who.level.unit].to_string();
            let res = send_photo(app, who, spec, &restricted).await;
            let s = res.status().as_u16();
            if need_to_know {
                assert!(allowed(s), "{ctx}: restricted item: {s}");
            } else {
                assert_eq!(s, 404, "{ctx}: restricted item");
                answers.push(res.text().await.unwrap());
            }
            let outside = who
                .level
                .outside
                .iter()
                .filter_map(|u| items.normal.get(u).map(i64::to_string));
            for id in outside.chain(MISSING_ITEMS.iter().map(|s| s.to_string())) {
                let res = send_photo(app, who, spec, &id).await;
                assert_eq!(res.status(), 404, "{ctx}: item {id} must be invisible");
                answers.push(res.text().await.unwrap());
            }
        }
        Access::Importer => {
            anonymous_is_turned_away(app, spec, spec.path).await;
            let c = app.bare();
            let want = |ok: u16| if importer { ok } else { 403 };
            match spec.kind {
                Kind::Page => {
                    let res = send(app, who, spec, spec.path, None).await;
                    assert_eq!(res.status(), want(200), "{ctx}");
                }
                Kind::Form => {
                    let post = |csrf: Option<&str>| {
                        request(&c, app, spec, spec.path)
                            .header("cookie", &who.cookie)
                            .multipart(import_form(csrf, who.level.unit, ctx))
                    };
                    let res = post(Some("")).send().await.unwrap();
                    assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
                    let res = post(Some(&who.csrf)).send().await.unwrap();
                    assert_eq!(res.status(), want(303), "{ctx}");
                }
                _ => {
                    let post = |unit: &str| {
                        request(&c, app, spec, spec.path)
                            .bearer_auth(&who.token)
                            .multipart(import_form(None, unit, ctx))
                    };
                    let res = post(who.level.unit).send().await.unwrap();
                    assert_eq!(res.status(), want(201), "{ctx}: own unit");
                    for unit in who.level.outside.iter().chain(MISSING) {
                        let res = post(unit).send().await.unwrap();
                        assert_eq!(res.status(), 404, "{ctx}: unit {unit} must be invisible");
                        answers.push(res.text().await.unwrap());
                    }
                }
            }
        }
        Access::Import => {
            let own = seed.imports[who.level.unit].to_string();
            anonymous_is_turned_away(app, spec, &path_for(spec, &own)).await;
            let res = send(app, who, spec, &path_for(spec, &own), None).await;
            let want = if importer { 200 } else { 403 };
            assert_eq!(res.status(), want, "{ctx}: own unit's import");
            let outside = who
                .level
                .outside
                .iter()
                .filter_map(|u| seed.imports.get(u).map(i64::to_string));
            for id in outside.chain(MISSING_ITEMS.iter().map(|s| s.to_string())) {
                let res = send(app, who, spec, &path_for(spec, &id), None).await;
                assert_eq!(res.status(), 404, "{ctx}: import {id} must be invisible");
                answers.push(main_part(&res.text().await.unwrap()));
            }
        }
        other => panic!("{ctx}: not an intake route: {other:?}"),
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "{ctx}: 404 bodies differ: {answers:?}"
    );
}

// --- admin: the administration pages (rules, channels, sources, accounts, units) ---

/// Admin records in every unit the levels name (units not in the database hold none); the
/// sources are those of [`seed_sources`].
struct AdminSeed {
    rules: HashMap<&'static str, i64>,
    channels: HashMap<&'static str, i64>,
    users: HashMap<&'static str, i64>,
    sources: HashMap<&'static str, i64>,
}

/// A number no other admin record of this run has, for unique names and addresses.
fn admin_tag() -> usize {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A rule, a channel or an account made by the system in `unit` (None where the unit is not
/// in the database).
async fn admin_record(app: &App, access: Access, unit: &str) -> Option<i64> {
    let n = admin_tag();
    match access {
        Access::Rule => app
            .store
            .create_rule(
                None,
                &ykien_store::NewRule {
                    unit: unit.to_string(),
                    name: format!("Quy tắc thử {n}"),
                    kind: ykien_store::RuleKind::Keyword,
                    topic: None,
                    terms: vec!["ngập".into()],
                    threshold: 1,
                    window_secs: 3600,
                    negative_only: false,
                    severity: ykien_store::AlertSeverity::Normal,
                },
            )
            .await
            .ok()
            .map(|r| r.id),
        Access::Channel => app
            .store
            .create_channel(
                None,
                &ykien_store::NewAlertChannel {
                    unit: unit.to_string(),
                    rule_id: None,
                    kind: ykien_store::ChannelKind::Email,
                    target: format!("nhan-{n}@example.org"),
                    secret: None,
                    min_severity: ykien_store::AlertSeverity::Normal,
                },
            )
            .await
            .ok()
            .map(|c| c.id),
        Access::SourceToHandle => app
            .store
            .add_source(
                None,
                ykien_store::NewSource {
                    unit: unit.to_string(),
                    kind: ykien_store::SourceKind::Rss,
                    url: format!("https://example.invalid/admin/{n}.xml"),
                    name: format!("Nguồn quản trị {n}"),
                    poll_interval: std::time::Duration::from_secs(3600),
                },
            )
            .await
            .ok()
            .map(|s| s.id),
        Access::User => app
            .store
            .create_user(
                None,
                ykien_store::NewUser {
                    name: format!("Người dùng thử {n}"),
                    email: Some(format!("nguoi-{n}@example.org")),
                    phone: None,
                    password: None,
                    role: Role::Viewer,
                    unit: unit.to_string(),
                    member_org: None,
                },
            )
            .await
            .ok()
            .map(|u| u.id),
        other => panic!("{other:?} is not an admin record"),
    }
}

async fn seed_admin(app: &App, sources: &HashMap<&'static str, i64>) -> AdminSeed {
    let mut seed = AdminSeed {
        rules: HashMap::new(),
        channels: HashMap::new(),
        users: HashMap::new(),
        sources: sources.clone(),
    };
    for level in LEVELS {
        for unit in std::iter::once(&level.unit).chain(level.outside) {
            for (access, map) in [
                (Access::Rule, &mut seed.rules),
                (Access::Channel, &mut seed.channels),
                (Access::User, &mut seed.users),
            ] {
                if !map.contains_key(unit)
                    && let Some(id) = admin_record(app, access, unit).await
                {
                    map.insert(*unit, id);
                }
            }
        }
    }
    seed
}

/// A valid form for a handler's or admin's form route, naming `unit`.
fn admin_form(path: &str, unit: &str, csrf: &str) -> Vec<(&'static str, String)> {
    let n = admin_tag();
    let mut f = vec![("csrf", csrf.to_string()), ("unit", unit.to_string())];
    let more: Vec<(&'static str, String)> = match path {
        "/admin/rules" => vec![
            ("name", format!("Theo dõi thử {n}")),
            ("kind", "keyword".into()),
            ("terms", "ngập úng".into()),
            ("severity", "normal".into()),
        ],
        "/admin/channels" => vec![
            ("kind", "email".into()),
            ("target", format!("kenh-{n}@example.org")),
            ("min_severity", "normal".into()),
        ],
        "/admin/sources" => vec![
            ("name", format!("Nguồn thử {n}")),
            ("url", format!("https://example.invalid/form/{n}.xml")),
            ("kind", "rss".into()),
            ("every_minutes", "60".into()),
        ],
        "/admin/users" => vec![
            ("name", format!("Tài khoản thử {n}")),
            ("email", format!("tk-{n}@example.org")),
            ("role", "viewer".into()),
            ("password", "mat-khau-du-dai".into()),
        ],
        "/admin/units" => vec![("name", format!("Khu thử {n}")), ("kind", "Thôn".into())],
        // --- cases pages: opening a case ---
        "/cases" => vec![("title", format!("Vụ việc thử {n}"))],
        // --- reports (issue 7): drafting a report of the last few days ---
        "/reports" => {
            let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
            let first = today - chrono::Duration::days(6);
            vec![("period", format!("{first}..{today}"))]
        }
        // --- reporting cycles: "remind now" for the unit's collaborators (issue 7) ---
        "/reports/cycle/remind" => vec![],
        other => panic!("the scope test needs a form for {other}"),
    };
    f.extend(more);
    f
}

/// Checks one admin route for one caller; returns how many out-of-scope records it tried.
async fn admin_route(
    app: &App,
    who: &Caller,
    spec: &RouteSpec,
    seed: &AdminSeed,
    ctx: &str,
) -> usize {
    let allowed = match spec.access {
        Access::Admin | Access::User => who.role == Role::Admin,
        _ => may_handle(who),
    };
    let ok = |s: reqwest::StatusCode| s.is_success() || s.is_redirection();
    let c = app.bare();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        request(&c, app, spec, &path)
            .header("cookie", &who.cookie)
            .form(&fields)
            .send()
    };
    let mut answers = Vec::new();
    let mut tried = 0;
    match spec.access {
        Access::Handler | Access::Admin if spec.kind == Kind::Page => {
            anonymous_is_turned_away(app, spec, spec.path).await;
            let res = send(app, who, spec, spec.path, None).await;
            assert_eq!(res.status(), if allowed { 200 } else { 403 }, "{ctx}");
        }
        Access::Handler | Access::Admin => {
            anonymous_is_turned_away(app, spec, spec.path).await;
            // Areas go under a commune: Ba Đình is in both levels' subtrees.
            let own = if spec.path == "/admin/units" {
                "00004"
            } else {
                who.level.unit
            };
            let res = post(spec.path.to_string(), admin_form(spec.path, own, ""))
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
            let res = post(spec.path.to_string(), admin_form(spec.path, own, &who.csrf))
                .await
                .unwrap();
            let s = res.status();
            let body = res.text().await.unwrap();
            assert!(
                if allowed { ok(s) } else { s == 403 },
                "{ctx}: own unit: {s} {}",
                main_part(&body)
            );
            for unit in who.level.outside.iter().chain(MISSING) {
                let res = post(
                    spec.path.to_string(),
                    admin_form(spec.path, unit, &who.csrf),
                )
                .await
                .unwrap();
                assert_eq!(res.status(), 404, "{ctx}: unit {unit} must be invisible");
                answers.push(main_part(&res.text().await.unwrap()));
            }
        }
        _ => {
            let own = admin_record(app, spec.access, who.level.unit)
                .await
                .expect("a record in the caller's unit")
                .to_string();
            let fields = |csrf: &str| {
                vec![
                    ("csrf", csrf.to_string()),
                    ("enabled", "false".to_string()),
                    ("disabled", "true".to_string()),
                ]
            };
            anonymous_is_turned_away(app, spec, &path_for(spec, &own)).await;
            let res = post(path_for(spec, &own), fields("")).await.unwrap();
            assert_eq!(res.status(), 403, "{ctx}: no CSRF token");
            let res = post(path_for(spec, &own), fields(&who.csrf)).await.unwrap();
            let s = res.status();
            assert!(
                if allowed { ok(s) } else { s == 403 },
                "{ctx}: own unit's record: {s}"
            );
            let map = match spec.access {
                Access::Rule => &seed.rules,
                Access::Channel => &seed.channels,
                Access::User => &seed.users,
                _ => &seed.sources,
            };
            let outside: Vec<String> = who
                .level
                .outside
                .iter()
                .filter_map(|u| map.get(u).map(i64::to_string))
                .collect();
            tried = outside.len();
            for id in outside
                .iter()
                .map(String::as_str)
                .chain(MISSING_ITEMS.iter().copied())
            {
                let res = post(path_for(spec, id), fields(&who.csrf)).await.unwrap();
                assert_eq!(res.status(), 404, "{ctx}: record {id} must be invisible");
                answers.push(main_part(&res.text().await.unwrap()));
            }
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "{ctx}: 404 bodies differ: {answers:?}"
    );
    tried
}
