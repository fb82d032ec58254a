//! Reporting cycles in the web UI: the collaborator's banner with "nothing notable" and the
//! flash-report checkbox; the officers' page with completion, the roster and "remind now";
//! scope (another ward's officer gets 404) and roles (a collaborator gets 403).

use ykien_core::Role;
use ykien_store::{CyclePeriod, CycleStatus};

use crate::Backend;
use crate::harness::{csrf_field, expect_page, post_form, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The `data-status` of the roster row of user `id`.
fn row_status(html: &str, id: i64) -> String {
    let at = html
        .find(&format!("data-user-id=\"{id}\" data-status=\""))
        .unwrap_or_else(|| panic!("no roster row for {id}"));
    let rest = &html[at..];
    let start = rest.find("data-status=\"").unwrap() + "data-status=\"".len();
    rest[start..start + rest[start..].find('"').unwrap()].to_string()
}

pub async fn cycles_are_declared_by_collaborators_and_followed_by_officers(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let an = app
        .user(Role::Collaborator, WARD, "an.cycle@example.org", Some(PW))
        .await;
    let binh = app
        .user(Role::Collaborator, WARD, "binh.cycle@example.org", Some(PW))
        .await;
    app.user(Role::Officer, WARD, "canbo.cycle@example.org", Some(PW))
        .await;
    app.user(Role::Leader, WARD, "lanhdao.cycle@example.org", Some(PW))
        .await;
    app.user(Role::Officer, SIBLING, "ngocha.cycle@example.org", Some(PW))
        .await;
    let period = CyclePeriod::containing(chrono::Utc::now());
    let month = format!("{:02}/{}", period.month, period.year);

    // Bình: the banner says "not yet" and offers "nothing notable".
    let br = sign_in(&app, "binh.cycle@example.org", PW).await;
    let res = br.get(app.url("/reports/mine")).send().await.unwrap();
    let html = expect_page(res, 200, "data-cycle-status=\"not_yet\"").await;
    assert!(
        html.contains(&format!("Báo cáo tháng {month} — hạn ")),
        "{html}"
    );
    assert!(html.contains("chưa báo cáo"));
    assert!(html.contains("Không có gì đáng chú ý trong kỳ này"));
    let csrf = csrf_field(&html);
    // Without the token: refused, nothing recorded.
    let res = post_form(
        &br,
        app.url("/reports/cycle/nothing-notable"),
        &[("csrf", "forged"), ("back", "mine")],
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = post_form(
        &br,
        app.url("/reports/cycle/nothing-notable"),
        &[("csrf", csrf.as_str()), ("back", "mine")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/reports/mine?cycle=declared");
    let res = br
        .get(app.url("/reports/mine?cycle=declared"))
        .send()
        .await
        .unwrap();
    let html = expect_page(res, 200, "data-cycle-status=\"nothing_notable\"").await;
    assert!(html.contains("Đã ghi nhận: không có gì đáng chú ý trong kỳ này."));
    assert!(html.contains("Rút lại"));
    let binh_actor = app.store.actor(binh).await.unwrap().unwrap();
    assert_eq!(
        app.store
            .my_cycle(&binh_actor, &period)
            .await
            .unwrap()
            .status,
        CycleStatus::NothingNotable
    );

    // An: files a flash report through the form; the banner then counts it.
    let ba = sign_in(&app, "an.cycle@example.org", PW).await;
    let res = ba.get(app.url("/report")).send().await.unwrap();
    let html = expect_page(res, 200, "name=\"flash\" type=\"checkbox\"").await;
    assert!(html.contains("data-cycle-status=\"not_yet\""));
    let csrf = csrf_field(&html);
    let res = post_form(
        &ba,
        app.url("/report"),
        &[
            ("csrf", csrf.as_str()),
            ("text", "Cháy kho hàng ở ngõ 12, người dân rất lo lắng"),
            ("flash", "on"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = post_form(
        &ba,
        app.url("/report"),
        &[
            ("csrf", csrf.as_str()),
            ("text", "Bà con hỏi về lịch thu gom rác mới"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let an_actor = app.store.actor(an).await.unwrap().unwrap();
    let mine = app.store.my_cycle(&an_actor, &period).await.unwrap();
    assert_eq!(
        (mine.items, mine.flash),
        (2, 1),
        "one of the two is a flash report"
    );
    let res = ba.get(app.url("/report")).send().await.unwrap();
    let html = expect_page(res, 200, "bạn đã gửi 2 ý kiến").await;
    assert!(!html.contains("Không có gì đáng chú ý trong kỳ này"));
    // Declaring now is refused with a word, not an error page.
    let res = post_form(
        &ba,
        app.url("/reports/cycle/nothing-notable"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(location(&res), "/report?cycle=already_reported");
    // A collaborator may not see the officers' page.
    let res = ba.get(app.url("/reports/cycle")).send().await.unwrap();
    assert_eq!(res.status(), 403);

    // The officer: completion, the roster without contacts, "remind now".
    let bo = sign_in(&app, "canbo.cycle@example.org", PW).await;
    let res = bo.get(app.url("/reports/cycle")).send().await.unwrap();
    let html = expect_page(res, 200, "data-cycle-unit=\"00004\"").await;
    assert!(html.contains(&format!("data-cycle-period=\"{}\"", period.key)));
    assert_eq!(row_status(&html, an), "reported");
    assert_eq!(row_status(&html, binh), "nothing_notable");
    assert!(html.contains("data-pending=\"0\""));
    assert!(html.contains("100 %"), "both are done");
    assert!(
        !html.contains("an.cycle@example.org"),
        "no contacts for officers"
    );
    // Bình withdraws: pending again, and reminded once a day.
    let res = post_form(
        &br,
        app.url("/reports/cycle/nothing-notable"),
        &[
            (
                "csrf",
                csrf_field(
                    &expect_page(
                        br.get(app.url("/report")).send().await.unwrap(),
                        200,
                        "csrf",
                    )
                    .await,
                )
                .as_str(),
            ),
            ("withdraw", "1"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/report?cycle=withdrawn");
    let res = bo
        .get(app.url(&format!("/reports/cycle?unit={WARD}&period={}", period.key)))
        .send()
        .await
        .unwrap();
    let html = expect_page(res, 200, "data-pending=\"1\"").await;
    assert_eq!(row_status(&html, binh), "not_yet");
    assert!(html.contains("50 %"));
    let csrf = csrf_field(&html);
    let res = post_form(
        &bo,
        app.url("/reports/cycle/remind"),
        &[
            ("csrf", csrf.as_str()),
            ("unit", WARD),
            ("period", period.key.as_str()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let back = location(&res);
    assert!(back.ends_with("&reminded=1"), "{back}");
    let res = bo.get(app.url(&back)).send().await.unwrap();
    expect_page(res, 200, "Đã nhắc 1 cộng tác viên.").await;
    let res = post_form(
        &bo,
        app.url("/reports/cycle/remind"),
        &[("csrf", csrf.as_str()), ("unit", WARD)],
    )
    .await;
    assert!(location(&res).ends_with("&reminded=0"), "once a day");
    // Bình's banner shows the reminder.
    let res = br.get(app.url("/report")).send().await.unwrap();
    expect_page(res, 200, "Đã được nhắc lúc").await;

    // The leader sees contacts; in English too.
    let bl = sign_in(&app, "lanhdao.cycle@example.org", PW).await;
    let res = bl
        .get(app.url("/reports/cycle?lang=en"))
        .send()
        .await
        .unwrap();
    let html = expect_page(res, 200, "an.cycle@example.org").await;
    assert!(
        html.contains("Collaborators&#39; reporting cycle")
            || html.contains("Collaborators' reporting cycle")
    );

    // Another ward's officer: the ward does not exist for them, neither page nor form.
    let bs = sign_in(&app, "ngocha.cycle@example.org", PW).await;
    let res = bs
        .get(app.url(&format!("/reports/cycle?unit={WARD}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = bs.get(app.url("/reports/cycle")).send().await.unwrap();
    let html = expect_page(res, 200, "data-cycle-unit=\"00008\"").await;
    assert!(!html.contains(&format!("data-user-id=\"{an}\"")));
    let res = post_form(
        &bs,
        app.url("/reports/cycle/remind"),
        &[("csrf", csrf_field(&html).as_str()), ("unit", WARD)],
    )
    .await;
    assert_eq!(res.status(), 404);
    // A bad period is a bad request, not a server error.
    let res = bo
        .get(app.url("/reports/cycle?period=2026-13"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    app.cleanup().await;
}
