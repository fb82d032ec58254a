//! Pages of the officers' workspace (admin_pages), over real sockets: the administration
//! index, the alert inbox, the alert-rule editor, the source manager, accounts and units.
//! Each form is posted as a browser posts it (with the session's CSRF token, and without it),
//! by the roles that may and may not, inside and outside their subtree, in both languages.

use std::time::Duration;

use reqwest::Client;
use ykien_core::Role;
use ykien_store::{
    AlertKind, AlertSeverity, Confidentiality, FetchOutcome, FetchResult, NewAlert, NewSource,
    SourceKind,
};

use crate::Backend;
use crate::harness::{
    App, csrf_field, expect_page, get_text, post_form, post_login, sign_in, test_config,
};

const PW: &str = "a long enough password";

/// A signed-in browser of a new account, with its session's CSRF token.
async fn browser(app: &App, role: Role, unit: &str, email: &str) -> (Client, String) {
    app.user(role, unit, email, Some(PW)).await;
    let b = sign_in(app, email, PW).await;
    let csrf = csrf_field(&get_text(&b, app.url("/")).await);
    (b, csrf)
}

async fn get(b: &Client, app: &App, path: &str) -> (u16, String) {
    let res = b.get(app.url(path)).send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.text().await.unwrap())
}

async fn post(b: &Client, app: &App, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = post_form(b, app.url(path), form).await;
    let s = res.status().as_u16();
    let loc = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (s, loc, res.text().await.unwrap())
}

/// The id in `data-<what>-id="…"` of the row that holds `needle`.
fn row_id(html: &str, what: &str, needle: &str) -> i64 {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {html}"));
    let attr = format!("data-{what}-id=\"");
    let start = html[..at].rfind(&attr).expect("a row id before the text") + attr.len();
    html[start..start + html[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

pub async fn index_lists_the_sections_of_each_role(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let cases = [
        (Role::Admin, true, true),
        (Role::Leader, true, false),
        (Role::Officer, true, false),
        (Role::Editor, false, false),
        (Role::Collaborator, false, false),
        (Role::Viewer, false, false),
    ];
    for (role, handler, admin) in cases {
        let (br, _) = browser(&app, role, "00004", &format!("{role}@x.vn")).await;
        let (s, html) = get(&br, &app, "/admin").await;
        assert_eq!(s, 200, "{role}: {html}");
        assert!(html.contains("<h1>Quản trị</h1>"), "{role}: {html}");
        assert_eq!(html.contains("href=\"/admin/rules\""), handler, "{role}");
        assert_eq!(html.contains("href=\"/admin/taxonomy\""), handler, "{role}");
        assert_eq!(html.contains("href=\"/admin/users\""), admin, "{role}");
        assert_eq!(html.contains("href=\"/admin/units\""), admin, "{role}");
        assert!(html.contains("href=\"/admin/sources\""), "{role}");
        // Pages a role may not use answer 403, whatever the section list says.
        for (path, allowed) in [
            ("/admin/rules", handler),
            ("/admin/users", admin),
            ("/admin/units", admin),
        ] {
            let (s, _) = get(&br, &app, path).await;
            assert_eq!(s, if allowed { 200 } else { 403 }, "{role} {path}");
        }
        let (s, html) = get(&br, &app, "/admin?lang=en").await;
        assert_eq!(s, 200);
        assert!(html.contains("<h1>Administration</h1>"), "{role}: {html}");
    }
    app.cleanup().await;
}

pub async fn officer_edits_alert_rules_and_recipients(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (br, csrf) = browser(&app, Role::Officer, "00004", "officer@x.vn").await;
    let rule = [
        ("csrf", csrf.as_str()),
        ("name", "Theo dõi ngập úng"),
        ("kind", "keyword"),
        ("terms", "ngập úng\ntriều cường, ngap lut"),
        ("unit", "00004"),
        ("threshold", ""),
        ("window_hours", ""),
        ("topic", ""),
        ("severity", "urgent"),
    ];
    // Without the token nothing is created.
    let mut forged = rule.to_vec();
    forged[0] = ("csrf", "forged");
    let (s, _, _) = post(&br, &app, "/admin/rules", &forged).await;
    assert_eq!(s, 403);
    assert!(app.store.list_rules(None).await.unwrap().is_empty());
    let (s, loc, _) = post(&br, &app, "/admin/rules", &rule).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/rules?done=rule_created"));
    let (s, html) = get(&br, &app, &loc).await;
    assert_eq!(s, 200);
    assert!(html.contains("Đã tạo quy tắc cảnh báo."), "{html}");
    assert!(html.contains("ngập úng, triều cường, ngap lut"), "{html}");
    let id = row_id(&html, "rule", "Theo dõi ngập úng");
    let stored = app.store.list_rules(None).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].severity, AlertSeverity::Urgent);
    assert_eq!(stored[0].terms.len(), 3);

    // A threshold rule on a topic; a window in hours.
    let threshold = [
        ("csrf", csrf.as_str()),
        ("name", "Môi trường tăng"),
        ("kind", "threshold"),
        ("topic", "environment"),
        ("threshold", "5"),
        ("window_hours", "6"),
        ("negative_only", "on"),
        ("severity", "normal"),
        ("unit", "00004"),
    ];
    let (s, _, _) = post(&br, &app, "/admin/rules", &threshold).await;
    assert_eq!(s, 303);
    let t = app
        .store
        .list_rules(None)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Môi trường tăng")
        .unwrap();
    assert_eq!(
        (t.threshold, t.window_secs, t.negative_only),
        (5, 6 * 3600, true)
    );
    assert_eq!(t.topic.as_deref(), Some("environment"));

    // What the store refuses comes back with the reason and what was typed.
    let bad = [
        ("csrf", csrf.as_str()),
        ("name", "Không có từ khóa"),
        ("kind", "keyword"),
        ("terms", "  "),
        ("unit", "00004"),
        ("severity", "normal"),
    ];
    let (s, _, html) = post(&br, &app, "/admin/rules", &bad).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("Dữ liệu không hợp lệ."), "{html}");
    assert!(html.contains("value=\"Không có từ khóa\""), "{html}");
    let bad_window = [
        ("csrf", csrf.as_str()),
        ("name", "Sai khoảng"),
        ("kind", "threshold"),
        ("threshold", "3"),
        ("window_hours", "abc"),
        ("severity", "normal"),
    ];
    let (s, _, html) = post(&br, &app, "/admin/rules", &bad_window).await;
    assert_eq!(s, 422);
    assert!(html.contains("Khoảng thời gian phải là"), "{html}");
    // A unit outside the subtree is not found.
    let mut outside = rule.to_vec();
    outside[4] = ("unit", "00070");
    let (s, _, _) = post(&br, &app, "/admin/rules", &outside).await;
    assert_eq!(s, 404);

    // Turn off, on, and the state shows.
    let path = format!("/admin/rules/{id}/enabled");
    let (s, loc, _) = post(&br, &app, &path, &[("csrf", &csrf), ("enabled", "false")]).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/rules?done=rule_disabled"));
    let (_, html) = get(&br, &app, "/admin/rules").await;
    assert!(
        html.contains(&format!("data-rule-id=\"{id}\" data-enabled=\"false\"")),
        "{html}"
    );
    let (s, _, _) = post(&br, &app, &path, &[("csrf", &csrf), ("enabled", "true")]).await;
    assert_eq!(s, 303);
    assert!(
        app.store
            .list_rules(None)
            .await
            .unwrap()
            .iter()
            .all(|r| r.enabled)
    );

    // A webhook needs a secret, which is never shown back.
    let hook = [
        ("csrf", csrf.as_str()),
        ("kind", "webhook"),
        ("target", "https://hooks.example.org/ykien"),
        ("secret", "sieu-bi-mat-123"),
        ("rule", ""),
        ("unit", "00004"),
        ("min_severity", "urgent"),
    ];
    let mut no_secret = hook.to_vec();
    no_secret[3] = ("secret", "");
    let (s, _, html) = post(&br, &app, "/admin/channels", &no_secret).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("value=\"https://hooks.example.org/ykien\""));
    let (s, loc, _) = post(&br, &app, "/admin/channels", &hook).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/rules?done=channel_created")
    );
    let mail = [
        ("csrf", csrf.as_str()),
        ("kind", "email"),
        ("target", "truc-ban@phuong.vn"),
        ("secret", ""),
        ("rule", &id.to_string()),
        ("unit", "00004"),
        ("min_severity", "normal"),
    ];
    let (s, _, _) = post(&br, &app, "/admin/channels", &mail).await;
    assert_eq!(s, 303);
    let (_, html) = get(&br, &app, "/admin/rules").await;
    assert!(html.contains("https://hooks.example.org/ykien"));
    assert!(html.contains("truc-ban@phuong.vn"));
    assert!(
        !html.contains("sieu-bi-mat-123"),
        "the secret is never shown"
    );
    let (_, en) = get(&br, &app, "/admin/rules?lang=en").await;
    assert!(en.contains("<h1>Alert rules"), "{en}");
    assert!(en.contains("Keyword watch"));
    assert!(!en.contains("sieu-bi-mat-123"));

    // The topics offered are those of the taxonomy in use: an activated version's new topic.
    assert!(
        html.contains("<option value=\"environment\""),
        "the shipped topics"
    );
    let src = "[[topic]]\nid = \"bridges\"\nname_vi = \"Cầu cống\"\nname_en = \"Bridges\"\nseeds = [\"cầu\"]\n";
    let v = app.store.save_taxonomy(None, src, "thử").await.unwrap();
    app.store.activate_taxonomy(None, v.version).await.unwrap();
    let (_, html) = get(&br, &app, "/admin/rules?lang=vi").await;
    assert!(
        html.contains("<option value=\"bridges\">Cầu cống</option>"),
        "{html}"
    );
    assert!(!html.contains("<option value=\"environment\""));
    assert!(
        html.contains("về environment trong 6 giờ"),
        "an old rule keeps its topic id"
    );

    // Another ward's officer and a viewer of this ward.
    let (other, other_csrf) = browser(&app, Role::Officer, "00070", "hk@x.vn").await;
    let (viewer, viewer_csrf) = browser(&app, Role::Viewer, "00004", "v@x.vn").await;
    let (_, html) = get(&other, &app, "/admin/rules").await;
    assert!(
        !html.contains("Theo dõi ngập úng"),
        "another subtree's rules stay hidden"
    );
    let del = format!("/admin/rules/{id}/delete");
    let (s, _, _) = post(&other, &app, &del, &[("csrf", &other_csrf)]).await;
    assert_eq!(s, 404);
    let (s, _, _) = post(&viewer, &app, &del, &[("csrf", &viewer_csrf)]).await;
    assert_eq!(s, 403);
    let (s, _, _) = post(&viewer, &app, "/admin/rules", &{
        let mut r = rule.to_vec();
        r[0] = ("csrf", viewer_csrf.as_str());
        r
    })
    .await;
    assert_eq!(s, 403);
    let channel = app.store.list_channels(None).await.unwrap()[0].id;
    let cdel = format!("/admin/channels/{channel}/delete");
    let (s, _, _) = post(&other, &app, &cdel, &[("csrf", &other_csrf)]).await;
    assert_eq!(s, 404);
    let (s, _, _) = post(&br, &app, &cdel, &[("csrf", "")]).await;
    assert_eq!(s, 403);
    let (s, loc, _) = post(&br, &app, &cdel, &[("csrf", &csrf)]).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/rules?done=channel_deleted")
    );
    let (s, loc, _) = post(&br, &app, &del, &[("csrf", &csrf)]).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/rules?done=rule_deleted"));
    let left = app.store.list_rules(None).await.unwrap();
    assert!(left.iter().all(|r| r.id != id));
    app.cleanup().await;
}

pub async fn alert_inbox_filters_acknowledges_and_closes(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let item = super::items::file_as_system(
        &app,
        "00004",
        "Nước ngập sâu ở phố Đội Cấn sau mưa, gọi 0912345678",
        Confidentiality::Normal,
    )
    .await;
    let secret = super::items::file_as_system(
        &app,
        "00004",
        "Thông tin tố cáo cần giữ kín",
        Confidentiality::Restricted,
    )
    .await;
    let id = app
        .store
        .raise_alert(&NewAlert {
            unit_id: "00004".into(),
            kind: AlertKind::Keyword,
            severity: AlertSeverity::Urgent,
            title: "Từ khóa \"ngập\": 2 ý kiến tại Phường Ba Đình".into(),
            details: serde_json::json!({ "terms": ["ngập"], "matched": 2, "rule": "Ngập úng" }),
            item_ids: vec![item, secret],
            dedup_key: "keyword:test".into(),
        })
        .await
        .unwrap()
        .unwrap();
    let (br, csrf) = browser(&app, Role::Officer, "00004", "o@x.vn").await;
    let (s, html) = get(&br, &app, "/alerts?status=open").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("data-alert-id=\"{id}\" data-status=\"open\"")),
        "{html}"
    );
    assert!(html.contains("aria-current=\"page\""));
    let (_, html) = get(&br, &app, "/alerts?status=closed").await;
    assert!(!html.contains("data-alert-id"), "{html}");

    let page = format!("/alerts/{id}");
    let (s, html) = get(&br, &app, &page).await;
    assert_eq!(s, 200, "{html}");
    // Items show their masked text only: a restricted item (or one not analysed yet, as
    // here) shows none, so neither personal data nor a restricted text leaves the store.
    assert!(html.contains(&format!("data-item-id=\"{item}\"")), "{html}");
    assert!(
        html.contains(&format!("data-item-id=\"{secret}\"")),
        "{html}"
    );
    assert!(
        !html.contains("0912345678"),
        "personal data is never shown: {html}"
    );
    assert!(!html.contains("tố cáo"), "a restricted item shows no text");
    assert!(html.contains("Nội dung không hiển thị"));
    assert!(
        html.contains("Số ý kiến khớp"),
        "details are said in words: {html}"
    );
    assert!(html.contains("action=\"/alerts/") && html.contains("/acknowledge\""));

    let ack = format!("/alerts/{id}/acknowledge");
    let (s, _, _) = post(&br, &app, &ack, &[("csrf", "")]).await;
    assert_eq!(s, 403);
    let (s, loc, _) = post(&br, &app, &ack, &[("csrf", &csrf)]).await;
    assert_eq!(
        (s, loc.clone()),
        (303, format!("/alerts/{id}?done=alert_acknowledged"))
    );
    let (_, html) = get(&br, &app, &loc).await;
    assert!(html.contains("Đã tiếp nhận cảnh báo."), "{html}");
    assert!(html.contains("data-status=\"acknowledged\""));
    assert!(
        !html.contains("/acknowledge\""),
        "no second acknowledgement offered"
    );
    // Acknowledging twice is a conflict, not a silent success.
    let (s, _, _) = post(&br, &app, &ack, &[("csrf", &csrf)]).await;
    assert_eq!(s, 409);
    let (_, html) = get(&br, &app, "/alerts?status=open").await;
    assert!(!html.contains("data-alert-id"));

    // Another ward: not found; a viewer: forbidden.
    let (other, other_csrf) = browser(&app, Role::Officer, "00070", "hk@x.vn").await;
    let (s, _) = get(&other, &app, &page).await;
    assert_eq!(s, 404);
    let close = format!("/alerts/{id}/close");
    let (s, _, _) = post(&other, &app, &close, &[("csrf", &other_csrf)]).await;
    assert_eq!(s, 404);
    let (viewer, viewer_csrf) = browser(&app, Role::Viewer, "00004", "v@x.vn").await;
    let (s, _) = get(&viewer, &app, &page).await;
    assert_eq!(s, 403);
    let (s, _, _) = post(&viewer, &app, &close, &[("csrf", &viewer_csrf)]).await;
    assert_eq!(s, 403);

    let (s, loc, _) = post(&br, &app, &close, &[("csrf", &csrf)]).await;
    assert_eq!((s, loc), (303, format!("/alerts/{id}?done=alert_closed")));
    let (_, html) = get(&br, &app, "/alerts?status=closed&lang=en").await;
    assert!(html.contains(&format!("data-alert-id=\"{id}\" data-status=\"closed\"")));
    let (_, html) = get(&br, &app, &format!("{page}?lang=en")).await;
    assert!(html.contains("Items behind the alert"), "{html}");
    assert!(html.contains("Keywords"));
    app.cleanup().await;
}

pub async fn sources_show_their_fetches_and_handlers_manage_them(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (br, csrf) = browser(&app, Role::Officer, "00004", "o@x.vn").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Báo Hà Nội mới"),
        ("url", "https://example.invalid/rss.xml"),
        ("kind", "rss"),
        ("unit", "00004"),
        ("every_minutes", "45"),
    ];
    let (s, _, _) = post(&br, &app, "/admin/sources", &[("csrf", "x")]).await;
    assert_eq!(s, 403);
    let (s, loc, _) = post(&br, &app, "/admin/sources", &form).await;
    assert_eq!(s, 303);
    assert!(
        loc.starts_with("/admin/sources/") && loc.ends_with("?done=source_created"),
        "{loc}"
    );
    let id: i64 = loc["/admin/sources/".len()..loc.find('?').unwrap()]
        .parse()
        .unwrap();
    let (s, html) = get(&br, &app, &loc).await;
    assert_eq!(s, 200);
    assert!(html.contains("Chưa thu"), "{html}");
    assert!(html.contains("mỗi 45 phút"), "{html}");
    // The same name twice is a conflict, said on the form.
    let (s, _, html) = post(&br, &app, "/admin/sources", &form).await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("value=\"Báo Hà Nội mới\""));
    let mut bad = form.to_vec();
    bad[1] = ("name", "Nguồn khác");
    bad[2] = ("url", "ftp://example.invalid/");
    let (s, _, _) = post(&br, &app, "/admin/sources", &bad).await;
    assert_eq!(s, 422);

    // Two fetches, as the poller records them.
    for (outcome, kind) in [
        (FetchOutcome::Ok, None),
        (FetchOutcome::Error, Some("timeout")),
    ] {
        let claimed = app
            .store
            .claim_source(id, Duration::from_secs(60))
            .await
            .unwrap()
            .expect("the source is free");
        let r = FetchResult {
            started_at: chrono::Utc::now(),
            duration_ms: 120,
            http_status: (outcome == FetchOutcome::Ok).then_some(200),
            bytes: 2048,
            outcome,
            error_kind: kind.map(str::to_string),
            error_message: kind.map(|_| "operation timed out".to_string()),
            items_found: 7,
            items_added: 3,
            etag: None,
            last_modified: None,
            next_fetch_at: chrono::Utc::now() + chrono::Duration::minutes(45),
            consecutive_failures: i64::from(outcome == FetchOutcome::Error),
            snapshot: None,
        };
        assert!(app.store.finish_fetch(&claimed, &r).await.unwrap());
    }
    let (_, html) = get(&br, &app, &format!("/admin/sources/{id}")).await;
    assert!(html.contains("Quá thời gian chờ"), "{html}");
    assert!(html.contains("operation timed out"));
    assert!(html.contains("Thành công"));
    let (_, list) = get(&br, &app, "/admin/sources").await;
    assert!(list.contains(&format!("data-source-id=\"{id}\"")));
    assert!(
        list.contains("Quá thời gian chờ"),
        "the list shows the last outcome: {list}"
    );
    let (_, en) = get(&br, &app, &format!("/admin/sources/{id}?lang=en")).await;
    assert!(
        en.contains("Timed out") && en.contains("Fetch history"),
        "{en}"
    );

    // A viewer reads, without the forms; another ward does not see it.
    let (viewer, viewer_csrf) = browser(&app, Role::Viewer, "00004", "v@x.vn").await;
    let (s, html) = get(&viewer, &app, &format!("/admin/sources/{id}")).await;
    assert_eq!(s, 200);
    assert!(!html.contains("/delete\""), "{html}");
    let (_, html) = get(&viewer, &app, "/admin/sources").await;
    assert!(!html.contains("action=\"/admin/sources\""));
    let del = format!("/admin/sources/{id}/delete");
    let (s, _, _) = post(&viewer, &app, &del, &[("csrf", &viewer_csrf)]).await;
    assert_eq!(s, 403);
    let (other, other_csrf) = browser(&app, Role::Officer, "00070", "hk@x.vn").await;
    let (s, _) = get(&other, &app, &format!("/admin/sources/{id}")).await;
    assert_eq!(s, 404);
    let (s, _, _) = post(&other, &app, &del, &[("csrf", &other_csrf)]).await;
    assert_eq!(s, 404);
    let (s, loc, _) = post(&br, &app, &del, &[("csrf", &csrf)]).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/sources?done=source_deleted")
    );
    let (s, _) = get(&br, &app, &format!("/admin/sources/{id}")).await;
    assert_eq!(s, 404);

    // Imports are linked from the source manager for those who may import.
    let (_, html) = get(&br, &app, "/admin/sources").await;
    assert!(html.contains("href=\"/imports\""));
    app.store
        .add_source(
            None,
            NewSource {
                unit: "00070".into(),
                kind: SourceKind::Page,
                url: "https://example.invalid/hk".into(),
                name: "Nguồn Hoàn Kiếm".into(),
                poll_interval: Duration::from_secs(3600),
            },
        )
        .await
        .unwrap();
    let (_, html) = get(&br, &app, "/admin/sources").await;
    assert!(!html.contains("Nguồn Hoàn Kiếm"));
    app.cleanup().await;
}

pub async fn admin_manages_accounts_and_areas(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (br, csrf) = browser(&app, Role::Admin, "00004", "admin@x.vn").await;
    let (s, html) = get(&br, &app, "/admin/users").await;
    assert_eq!(s, 200);
    assert!(html.contains("admin@x.vn"));
    // A blank password is generated and shown once.
    let new = [
        ("csrf", csrf.as_str()),
        ("name", "Nguyễn Thị Lan"),
        ("email", "lan@phuong.vn"),
        ("phone", ""),
        ("role", "officer"),
        ("unit", "00004"),
        ("password", ""),
    ];
    let (s, _, _) = post(&br, &app, "/admin/users", &[("csrf", "")]).await;
    assert_eq!(s, 403);
    let (s, _, html) = post(&br, &app, "/admin/users", &new).await;
    assert_eq!(s, 200, "{html}");
    let marker = "data-new-password>";
    let at = html.find(marker).expect("the new password is shown") + marker.len();
    let password = html[at..at + html[at..].find('<').unwrap()].to_string();
    assert_eq!(password.len(), 19, "{password}");
    sign_in(&app, "lan@phuong.vn", &password).await;
    let lan = app.store.find_user(None, "lan@phuong.vn").await.unwrap();
    assert_eq!((lan.role, lan.unit.as_str()), (Role::Officer, "00004"));

    // A typed password follows the rules; the page says what is wrong and keeps the rest.
    let mut short = new.to_vec();
    short[2] = ("email", "minh@phuong.vn");
    short[1] = ("name", "Trần Văn Minh");
    short[6] = ("password", "ngắn");
    let (s, _, html) = post(&br, &app, "/admin/users", &short).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("value=\"Trần Văn Minh\""));
    assert!(!html.contains("ngắn\""), "a password is never sent back");
    let mut good = short.clone();
    good[6] = ("password", "mat-khau-du-dai");
    good[4] = ("role", "collaborator");
    let (s, loc, _) = post(&br, &app, "/admin/users", &good).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/users?done=user_created"));
    sign_in(&app, "minh@phuong.vn", "mat-khau-du-dai").await;
    let (s, _, _) = post(&br, &app, "/admin/users", &good).await;
    assert_eq!(s, 409, "the same e-mail twice");
    let mut nobody = new.to_vec();
    nobody[2] = ("email", "");
    let (s, _, _) = post(&br, &app, "/admin/users", &nobody).await;
    assert_eq!(s, 422, "an account needs an e-mail or a phone");
    let mut outside = new.to_vec();
    outside[2] = ("email", "ngoai@phuong.vn");
    outside[5] = ("unit", "00070");
    let (s, _, _) = post(&br, &app, "/admin/users", &outside).await;
    assert_eq!(s, 404);

    // Disable: the account cannot sign in; enable again; reset shows a new password.
    let path = format!("/admin/users/{}/disabled", lan.id);
    let (s, loc, _) = post(&br, &app, &path, &[("csrf", &csrf), ("disabled", "true")]).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/users?done=user_disabled"));
    let res = post_login(&app, &app.browser(), "lan@phuong.vn", &password).await;
    assert_ne!(res.status(), 303, "a disabled account cannot sign in");
    let (s, _, _) = post(&br, &app, &path, &[("csrf", &csrf), ("disabled", "false")]).await;
    assert_eq!(s, 303);
    let reset = format!("/admin/users/{}/password", lan.id);
    let (s, _, html) = post(&br, &app, &reset, &[("csrf", &csrf)]).await;
    assert_eq!(s, 200);
    let at = html.find(marker).unwrap() + marker.len();
    let fresh = html[at..at + html[at..].find('<').unwrap()].to_string();
    assert_ne!(fresh, password);
    sign_in(&app, "lan@phuong.vn", &fresh).await;
    // An admin does not lock themselves out.
    let me = app.store.find_user(None, "admin@x.vn").await.unwrap().id;
    let (s, _, _) = post(
        &br,
        &app,
        &format!("/admin/users/{me}/disabled"),
        &[("csrf", &csrf), ("disabled", "true")],
    )
    .await;
    assert_eq!(s, 409);

    // Others: a leader and an officer may not; another ward's admin does not find them.
    let (leader, leader_csrf) = browser(&app, Role::Leader, "00004", "leader@x.vn").await;
    let (s, _) = get(&leader, &app, "/admin/users").await;
    assert_eq!(s, 403);
    let (s, _, _) = post(&leader, &app, &reset, &[("csrf", &leader_csrf)]).await;
    assert_eq!(s, 403);
    let officer_id = app.store.find_user(None, "leader@x.vn").await.unwrap().id;
    let (s, _, _) = post(
        &leader,
        &app,
        &format!("/admin/users/{officer_id}/password"),
        &[("csrf", &leader_csrf)],
    )
    .await;
    assert_eq!(s, 403, "not even one's own password through the admin form");
    let (other, other_csrf) = browser(&app, Role::Admin, "00070", "hkadmin@x.vn").await;
    let (s, _, _) = post(&other, &app, &reset, &[("csrf", &other_csrf)]).await;
    assert_eq!(s, 404);
    let (_, html) = get(&other, &app, "/admin/users").await;
    assert!(!html.contains("lan@phuong.vn"));

    // Units: the tree with counts, and a new residential area.
    super::items::file_as_system(&app, "00004", "Ý kiến đếm thử", Confidentiality::Normal).await;
    let (s, html) = get(&br, &app, "/admin/units").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("data-unit-id=\"00004\""), "{html}");
    let area = [
        ("csrf", csrf.as_str()),
        ("unit", "00004"),
        ("kind", "Tổ dân phố"),
        ("name", "số 5"),
    ];
    let (s, loc, _) = post(&br, &app, "/admin/units", &area).await;
    assert_eq!((s, loc.as_str()), (303, "/admin/units?done=area_created"));
    let (_, html) = get(&br, &app, &loc).await;
    assert!(html.contains("Tổ dân phố số 5"), "{html}");
    assert!(html.contains("Đã thêm khu dân cư."));
    let mut outside = area.to_vec();
    outside[1] = ("unit", "00070");
    let (s, _, _) = post(&br, &app, "/admin/units", &outside).await;
    assert_eq!(s, 404);
    let mut empty = area.to_vec();
    empty[3] = ("name", " ");
    let (s, _, _) = post(&br, &app, "/admin/units", &empty).await;
    assert_eq!(s, 422);
    let (s, _, _) = post(&leader, &app, "/admin/units", &{
        let mut a = area.to_vec();
        a[0] = ("csrf", leader_csrf.as_str());
        a
    })
    .await;
    assert_eq!(s, 403);
    let (_, en) = get(&br, &app, "/admin/units?lang=en").await;
    assert!(
        en.contains("Administrative units") && en.contains("Add the area"),
        "{en}"
    );
    let (_, en) = get(&br, &app, "/admin/users?lang=en").await;
    assert!(en.contains("Create the account"));
    let _ = expect_page;
    app.cleanup().await;
}
