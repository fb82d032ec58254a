//! Pages of the officers' workspace (dashboard), over real sockets: every role sees the
//! dashboard of its own unit, a leader drills down from the city to a ward, units outside the
//! subtree are 404, the figures are the store's, in both languages and for each period.

use std::time::{Duration, Instant};

use chrono::Utc;
use ykien_core::Role;
use ykien_store::{AnalysisRecord, Channel, Confidentiality, NewItem, OpinionReport, Severity};

use crate::Backend;
use crate::harness::{App, get_text, sign_in, test_config};

const PW: &str = "a long enough password";

/// Files an item as the system, heard `days_ago` days ago.
async fn heard(app: &App, unit: &str, text: &str, days_ago: i64, c: Confidentiality) -> i64 {
    app.store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "dashboard-web-test".into(),
                channel: Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: Some(Utc::now() - chrono::Duration::days(days_ago)),
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: c,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

/// Runs the queued analyses as the pipeline would: rubbish is about the environment and
/// negative, anything else about traffic and neutral.
async fn analyse_all(app: &App) {
    while let Some(job) = app
        .store
        .claim_job("test", std::time::Duration::from_secs(60))
        .await
        .unwrap()
    {
        let rubbish = job.text.contains("Rác");
        let rec = AnalysisRecord {
            analysis: serde_json::json!({ "pii": [] }),
            language: Some("vi".into()),
            spam_label: Some("none".into()),
            spam_score: Some(0.01),
            is_hidden: false,
            sentiment: Some(if rubbish { "negative" } else { "neutral" }.into()),
            topic: Some(
                if rubbish {
                    "environment"
                } else {
                    "traffic_urban"
                }
                .into(),
            ),
            text_masked: job.text.clone(),
            search_text: String::new(),
            places: vec![],
        };
        assert!(app.store.complete_analysis(&job, &rec).await.unwrap());
    }
}

/// The headline figure `key` of a dashboard page, and the note under it.
fn figure(html: &str, key: &str) -> (String, String) {
    let at = html
        .find(&format!("data-figure=\"{key}\""))
        .unwrap_or_else(|| panic!("figure {key} in {html}"));
    let rest = &html[at..];
    let value = {
        let i = rest.find("class=\"value\"").unwrap();
        let s = &rest[i..];
        let open = s.find('>').unwrap() + 1;
        s[open..open + s[open..].find('<').unwrap()].to_string()
    };
    let end = rest.find("</li>").unwrap();
    let note = match rest[..end].find("class=\"note") {
        Some(i) => {
            let s = &rest[i..end];
            let open = s.find('>').unwrap() + 1;
            s[open..open + s[open..].find('<').unwrap()].to_string()
        }
        None => String::new(),
    };
    (value, note)
}

pub async fn every_role_sees_its_units_figures_and_drills_down(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    for (role, unit, login) in [
        (Role::Leader, "01", "lead@x.vn"),
        (Role::Officer, "00004", "o@x.vn"),
        (Role::Collaborator, "00004", "c@x.vn"),
        (Role::Viewer, "00004", "v@x.vn"),
        (Role::Editor, "00004", "e@x.vn"),
        (Role::Officer, "00008", "other@x.vn"),
    ] {
        app.user(role, unit, login, Some(PW)).await;
    }
    let n = Confidentiality::Normal;
    heard(&app, "00004", "Rác thải ùn ứ ở ngõ 12 phố Đội Cấn", 0, n).await;
    heard(&app, "00004", "Rác thải đổ trộm ven hồ Ngọc Khánh", 2, n).await;
    heard(&app, "00004", "Vỉa hè bị lấn chiếm ở phố Kim Mã", 10, n).await;
    let secret = Confidentiality::Restricted;
    heard(
        &app,
        "00004",
        "Rác thải ở khu tập thể, cần giữ kín",
        1,
        secret,
    )
    .await;
    heard(
        &app,
        "00008",
        "Ùn tắc giao thông giờ cao điểm ở Ngọc Hà",
        1,
        n,
    )
    .await;
    heard(&app, "01", "Ý kiến chung về giao thông của thành phố", 3, n).await;
    analyse_all(&app).await;
    app.store
        .create_case(
            None,
            ykien_store::NewCase {
                unit: "00004".into(),
                title: "Rác thải ùn ứ kéo dài ở ngõ 12".into(),
                severity: Severity::Urgent,
                item_ids: vec![],
                due_at: Some(Utc::now() - chrono::Duration::hours(2)),
            },
        )
        .await
        .unwrap();

    // The ward officer's home page is its dashboard: two plus the restricted item this week,
    // one the week before (10 days ago is outside both 7-day periods: nothing before).
    let officer = sign_in(&app, "o@x.vn", PW).await;
    let html = get_text(&officer, app.url("/")).await;
    assert!(html.contains("<h1>Phường Ba Đình</h1>"), "{html}");
    assert!(html.contains("data-days=\"7\""));
    assert!(
        html.contains("Vai trò: Cán bộ"),
        "the user's role on its own unit"
    );
    assert_eq!(figure(&html, "items").0, "3");
    assert_eq!(figure(&html, "open-cases").0, "1");
    assert_eq!(figure(&html, "overdue").0, "1");
    assert!(
        html.contains("Rác thải ùn ứ kéo dài ở ngõ 12"),
        "the case is listed"
    );
    assert!(html.contains("id=\"alerts\""), "an officer sees the alerts");
    assert!(html.contains("Môi trường"), "topic names from the taxonomy");
    // Every chart comes with its table.
    assert!(html.matches("<svg").count() >= 3);
    assert_eq!(
        html.matches("<svg").count(),
        html.matches("class=\"chart-table\"").count()
    );
    assert!(!html.contains("<script"), "no script on the dashboard");
    let same = get_text(&officer, app.url("/dashboard")).await;
    assert_eq!(figure(&same, "items").0, "3");

    // Period switch: 30 days take in the item of 10 days ago.
    let html = get_text(&officer, app.url("/dashboard?period=30")).await;
    assert!(html.contains("data-days=\"30\""));
    assert!(
        html.contains("href=\"/dashboard/00004?period=30\" class=\"on\" aria-current=\"page\"")
    );
    let (v, note) = figure(&html, "items");
    assert_eq!(v, "4");
    assert!(note.contains("+4"), "{note}");
    let html = get_text(&officer, app.url("/dashboard/00004?period=365")).await;
    assert!(html.contains("data-days=\"7\""), "only offered periods");

    // Compared with the previous 7 days, which hold the item of 10 days ago.
    let html = get_text(&officer, app.url("/dashboard?period=7")).await;
    let (_, note) = figure(&html, "items");
    assert!(note.starts_with("+2 (+200%)"), "{note}");

    // Out of scope, missing or above: 404 alike.
    for path in [
        "/dashboard/00008",
        "/dashboard/01",
        "/dashboard/99999",
        "/dashboard/00008/map",
        "/dashboard/01/map",
    ] {
        let res = officer.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }

    // A collaborator of the ward does not count the restricted item; no alerts section.
    let c = sign_in(&app, "c@x.vn", PW).await;
    let html = get_text(&c, app.url("/")).await;
    assert_eq!(figure(&html, "items").0, "2");
    assert!(!html.contains("id=\"alerts\""));
    for login in ["v@x.vn", "e@x.vn"] {
        let who = sign_in(&app, login, PW).await;
        let res = who.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(res.status(), 200, "{login}");
        assert_eq!(figure(&res.text().await.unwrap(), "items").0, "2");
    }
    let other = sign_in(&app, "other@x.vn", PW).await;
    let html = get_text(&other, app.url("/")).await;
    assert!(html.contains("<h1>Phường Ngọc Hà</h1>"));
    assert_eq!(figure(&html, "items").0, "1");
    assert_eq!(figure(&html, "open-cases").0, "0");

    // The city leader: the wards and the city itself; a link down to each ward.
    let leader = sign_in(&app, "lead@x.vn", PW).await;
    let html = get_text(&leader, app.url("/")).await;
    assert!(html.contains("<h1>Thành phố Hà Nội</h1>"));
    assert_eq!(figure(&html, "items").0, "5");
    assert!(
        html.contains("data-count=\"126\""),
        "every ward and commune"
    );
    assert_eq!(html.matches("<li data-unit=\"").count(), 126);
    assert!(html.contains("href=\"/dashboard/00004?period=7\">Phường Ba Đình</a>"));
    assert!(
        html.contains("126 xã, phường"),
        "the map says what it can draw"
    );
    let ward = get_text(&leader, app.url("/dashboard/00004")).await;
    assert!(ward.contains("<h1>Phường Ba Đình</h1>"));
    assert_eq!(figure(&ward, "items").0, "3");
    assert!(
        ward.contains("href=\"/dashboard/01?period=7\">Thành phố Hà Nội</a>"),
        "the way back up"
    );
    let map = get_text(&leader, app.url("/dashboard/01/map?period=30")).await;
    assert!(map.contains("data-chart=\"dash-map-full\""));
    assert!(map.contains("<table class=\"data\" data-count=\"126\""));
    let first = map.find("<tr data-unit=\"").unwrap();
    assert!(
        map[first..].starts_with("<tr data-unit=\"00004\""),
        "the busiest unit first"
    );

    // English: the same figures, English words.
    let en = get_text(&leader, app.url("/dashboard/00004?lang=en")).await;
    assert!(en.contains("Opinions per day") && en.contains("Environment"));
    assert_eq!(figure(&en, "items").0, "3");
    let en = get_text(&leader, app.url("/dashboard/01/map")).await;
    assert!(
        en.contains("No public boundary data"),
        "the cookie keeps English"
    );

    // Server time of the heaviest page (the city, 126 units, a 90-day period): printed for
    // the notes, not asserted (a loaded CI machine would make it flaky).
    for (path, label) in [
        ("/dashboard/01?period=90", "city 90 days"),
        ("/dashboard/00004?period=7", "ward 7 days"),
        ("/dashboard/01/map?period=30", "city map 30 days"),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let res = leader.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        eprintln!(
            "dashboard timing ({b:?}): {label}: median {:?}, max {:?}",
            times[2],
            times.last().copied().unwrap_or(Duration::ZERO)
        );
    }
    app.cleanup().await;
}
