//! The collaborator's report form and "my reports".

use ykien_core::Role;

use crate::Backend;
use crate::harness::{
    csrf_field, expect_page, get_text, page_csrf, post_form, sign_in, test_config,
};

const PW: &str = "a long enough password";

fn item_id(html: &str) -> i64 {
    let start = html.find("data-item-id=\"").expect("an item id") + "data-item-id=\"".len();
    html[start..start + html[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

pub async fn collaborator_files_a_report_and_sees_it(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Collaborator, "00004", "ctv@example.org", Some(PW))
        .await;
    app.user(Role::Collaborator, "00004", "ctv2@example.org", Some(PW))
        .await;
    app.user(Role::Viewer, "00004", "xem@example.org", Some(PW))
        .await;
    let br = sign_in(&app, "ctv@example.org", PW).await;
    let page = br.get(app.url("/report")).send().await.unwrap();
    let html = expect_page(page, 200, "<label for=\"text\">").await;
    // Labelled fields, the taxonomy's topics in Vietnamese.
    for id in ["text", "topic", "place"] {
        assert!(html.contains(&format!("<label for=\"{id}\">")), "{id}");
    }
    assert!(html.contains("<option value=\"land\">Đất đai, xây dựng</option>"));
    let csrf = csrf_field(&html);

    // Nothing to report: the form again, 422, what was typed kept.
    let res = post_form(
        &br,
        app.url("/report"),
        &[
            ("csrf", csrf.as_str()),
            ("text", "  "),
            ("place", "Chợ Ngọc Hà"),
        ],
    )
    .await;
    let html = expect_page(res, 422, "Vui lòng nhập nội dung báo cáo.").await;
    assert!(html.contains("Chợ Ngọc Hà"));
    // An unknown topic is refused too.
    let res = post_form(
        &br,
        app.url("/report"),
        &[("csrf", csrf.as_str()), ("text", "x"), ("topic", "nope")],
    )
    .await;
    assert_eq!(res.status(), 422);

    let text = "Bà con chợ Ngọc Hà phàn nàn về giá điện tăng, nhiều hộ kinh doanh lo lắng.";
    let res = post_form(
        &br,
        app.url("/report"),
        &[
            ("csrf", csrf.as_str()),
            ("text", text),
            ("topic", "livelihood"),
            ("place", "Chợ Ngọc Hà"),
        ],
    )
    .await;
    let html = expect_page(res, 200, "href=\"/reports/mine\"").await;
    let id = item_id(&html);
    assert!(html.contains(&format!("#{id}")));
    let item = app.store.item(None, id).await.unwrap();
    assert_eq!(item.text, text);
    assert_eq!(item.unit.as_str(), "00004");
    assert_eq!(item.channel, "form");
    assert_eq!(item.report.locality.as_deref(), Some("Chợ Ngọc Hà"));
    assert_eq!(item.report.topic_hint.as_deref(), Some("livelihood"));
    assert!(item.author_user_id.is_some());
    // Sent twice (a double tap): the same report, said so.
    let res = post_form(
        &br,
        app.url("/report"),
        &[
            ("csrf", csrf.as_str()),
            ("text", text),
            ("topic", "livelihood"),
        ],
    )
    .await;
    let html = res.text().await.unwrap();
    assert_eq!(item_id(&html), id);
    assert!(html.contains("đã được gửi trước đó"));

    // My reports lists it with its status; another collaborator's list does not.
    let html = get_text(&br, app.url("/reports/mine")).await;
    assert!(html.contains("data-count=\"1\""), "{html}");
    assert!(html.contains("Bà con chợ Ngọc Hà") && html.contains("Đã tiếp nhận, đang xử lý"));
    let other = sign_in(&app, "ctv2@example.org", PW).await;
    let html = get_text(&other, app.url("/reports/mine")).await;
    assert!(!html.contains("Bà con chợ Ngọc Hà"));
    assert!(html.contains("Bạn chưa gửi báo cáo nào."));
    // The same words from another collaborator are a report of their own.
    let csrf2 = page_csrf(&app, &other, "/report").await;
    let html = post_form(
        &other,
        app.url("/report"),
        &[("csrf", csrf2.as_str()), ("text", text)],
    )
    .await
    .text()
    .await
    .unwrap();
    assert_ne!(item_id(&html), id);

    // English labels.
    let html = get_text(&br, app.url("/report?lang=en")).await;
    assert!(html.contains("Send report") && html.contains("Land and construction"));

    // A viewer may not report: 403, and nothing stored.
    let viewer = sign_in(&app, "xem@example.org", PW).await;
    assert_eq!(
        viewer
            .get(app.url("/report"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let home_csrf = page_csrf(&app, &viewer, "/").await;
    let res = post_form(
        &viewer,
        app.url("/report"),
        &[
            ("csrf", home_csrf.as_str()),
            ("text", "Ý kiến của người xem"),
        ],
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.stored_items().await.len(), 2);
    app.cleanup().await;
}
