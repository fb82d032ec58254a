//! Pages of the officers' workspace (items_pages), over real sockets: the items list with
//! its search, filters, facets and pages; one item with its analysis explained; the label
//! form (CSRF, audited, applied at once); scoping for every role that may sign in; both
//! languages. The items are read by the real pipeline (`ykien_listen::drain`).

use ykien_core::Role;
use ykien_store::Confidentiality;

use crate::Backend;
use crate::harness::{App, csrf_field, get_text, post_form, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

/// Synthetic texts written for these tests.
const FLOOD: &str = "Người dân phường Ba Đình phản ánh mưa lớn gây ngập úng sâu trên phố, \
                     nước tràn vào nhà, đề nghị khơi thông cống thoát nước.";
const WASTE: &str = "Bà con tổ dân phố phản ánh rác thải sinh hoạt tồn đọng nhiều ngày ở đầu \
                     ngõ, bốc mùi hôi thối, ô nhiễm môi trường.";
const SPAM: &str = "Nhà cái uy tín fb88 tặng 100k khi đăng ký, nạp đầu x2, link vào fb88 \
                    mới nhất, cá cược bóng đá, lô đề, nổ hũ đổi thưởng, rút tiền nhanh.";

async fn signed(app: &App, role: Role, unit: &str, email: &str) -> reqwest::Client {
    app.user(role, unit, email, Some(PW)).await;
    sign_in(app, email, PW).await
}

async fn analyze(app: &App) {
    ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
}

async fn get(c: &reqwest::Client, app: &App, path: &str) -> (u16, String) {
    let res = c.get(app.url(path)).send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.text().await.unwrap())
}

/// The ids in `data-item-id="…"` attributes, in order.
fn listed(html: &str) -> Vec<i64> {
    html.match_indices("data-item-id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The `href` of the first link inside the facet section `key`.
fn first_facet_link(html: &str, key: &str) -> String {
    let start = html
        .find(&format!("data-facet=\"{key}\""))
        .expect("facet section");
    let rest = &html[start..];
    let h = rest.find("href=\"").unwrap() + 6;
    rest[h..h + rest[h..].find('"').unwrap()].replace("&amp;", "&")
}

fn attr(html: &str, name: &str) -> String {
    let k = format!("{name}=\"");
    let i = html.find(&k).unwrap_or_else(|| panic!("{name} in page")) + k.len();
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

pub async fn items_list_filters_facets_and_pages(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let normal = Confidentiality::Normal;
    let mut ward = Vec::new();
    for k in 0..15 {
        let flood = format!("{FLOOD} Lần {k}.");
        let waste = format!("{WASTE} Lần {k}.");
        ward.push(super::items::file_as_system(&app, WARD, &flood, normal).await);
        ward.push(super::items::file_as_system(&app, WARD, &waste, normal).await);
    }
    let spam = super::items::file_as_system(&app, WARD, SPAM, normal).await;
    let other = super::items::file_as_system(&app, SIBLING, FLOOD, normal).await;
    analyze(&app).await;
    let officer = signed(&app, Role::Officer, WARD, "canbo@badinh.test").await;

    // The first page: 25 of 30 (the spam hidden), newest first, nothing from the sibling.
    let (s, html) = get(&officer, &app, "/items").await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(attr(&html, "data-total"), "30");
    assert_eq!(attr(&html, "html lang"), "vi");
    let first = listed(&html);
    assert_eq!(first.len(), 25);
    assert_eq!(first[0], *ward.last().unwrap(), "newest first");
    assert!(!first.contains(&other) && !first.contains(&spam));
    assert!(
        html.contains("Đã ẩn tin rác (1)"),
        "the hidden spam is counted"
    );
    // The second page: the other 5.
    let next = attr(
        &html[html.find("rel=\"next\"").map_or(0, |i| i - 80)..],
        "href",
    );
    let next = next.replace("&amp;", "&");
    assert_eq!(next, "/items?page=2");
    let (_, html2) = get(&officer, &app, &next).await;
    let second = listed(&html2);
    assert_eq!(second.len(), 5);
    assert!(second.iter().all(|id| !first.contains(id)));
    assert!(html2.contains("rel=\"prev\""));

    // A facet is a link that adds its filter; the counts follow the filter.
    let topic_link = first_facet_link(&html, "topic");
    assert!(topic_link.starts_with("/items?topic="), "{topic_link}");
    let (_, by_topic) = get(&officer, &app, &topic_link).await;
    let topic = topic_link.trim_start_matches("/items?topic=");
    let n: usize = attr(&by_topic, "data-total").parse().unwrap();
    assert!((1..=30).contains(&n), "{n}");
    assert_eq!(listed(&by_topic).len(), n.min(25));
    for id in listed(&by_topic) {
        let item = app.store.item(None, id).await.unwrap();
        assert_eq!(item.topic.as_deref(), Some(topic));
    }
    assert!(by_topic.contains("class=\"chips\""), "the filter is shown");
    assert!(by_topic.contains("aria-current=\"true\""));

    // Full-text, typed without diacritics, highlighted where it matched.
    let (_, found) = get(&officer, &app, "/items?q=ngap+ung").await;
    assert_eq!(attr(&found, "data-total"), "15");
    assert!(
        found.contains("<mark class=\"mark-hit\">ngập úng</mark>"),
        "{found}"
    );
    // With a facet on top of the words.
    let (_, none) = get(
        &officer,
        &app,
        &format!("/items?q=ngap+ung&channel=citizen&topic={topic}"),
    )
    .await;
    assert_eq!(attr(&none, "data-total"), "0");
    assert!(none.contains("Không có ý kiến nào khớp"));
    // Spam, when asked for.
    let (_, with_spam) = get(&officer, &app, "/items?spam=1").await;
    assert_eq!(attr(&with_spam, "data-total"), "31");
    assert!(listed(&with_spam).contains(&spam));
    // Status and period.
    let (_, pending) = get(&officer, &app, "/items?status=pending").await;
    assert_eq!(attr(&pending, "data-total"), "0");
    let (_, old) = get(&officer, &app, "/items?to=2020-01-01").await;
    assert_eq!(attr(&old, "data-total"), "0");
    let (_, bad) = get(&officer, &app, "/items?from=hôm+qua").await;
    assert!(bad.contains("role=\"alert\""));
    assert_eq!(attr(&bad, "data-total"), "30");

    // An item in a case links to it from the list (for those who handle cases).
    let case = app
        .store
        .create_case(
            None,
            ykien_store::NewCase {
                unit: WARD.into(),
                title: "Ngập úng phố Đội Cấn".into(),
                severity: ykien_store::Severity::Normal,
                item_ids: vec![first[0]],
                due_at: None,
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let (_, html) = get(&officer, &app, "/items").await;
    assert!(html.contains(&format!("class=\"badge case\" href=\"/cases/{case}\"")));

    // Another unit: inside the subtree narrows, outside is not found.
    let (s, _) = get(&officer, &app, &format!("/items?unit={SIBLING}")).await;
    assert_eq!(s, 404);
    let leader = signed(&app, Role::Leader, "01", "lanhdao@hanoi.test").await;
    let (s, html) = get(&leader, &app, &format!("/items?unit={SIBLING}")).await;
    assert_eq!(s, 200);
    assert_eq!(listed(&html), [other]);
    let (_, all) = get(&leader, &app, "/items").await;
    assert_eq!(attr(&all, "data-total"), "31");

    // English.
    let (_, en) = get(&officer, &app, "/items?lang=en&q=ngap").await;
    assert_eq!(attr(&en, "html lang"), "en");
    assert!(en.contains("Items heard") && en.contains("Counts under the filter"));
    // Anonymous: to the login page.
    let res = app.bare().get(app.url("/items")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    app.cleanup().await;
}

pub async fn item_page_explains_and_labels_are_audited(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let normal = Confidentiality::Normal;
    let item = super::items::file_as_system(&app, WARD, FLOOD, normal).await;
    let spam = super::items::file_as_system(&app, WARD, SPAM, normal).await;
    let restricted =
        super::items::file_as_system(&app, WARD, WASTE, Confidentiality::Restricted).await;
    analyze(&app).await;
    let officer = signed(&app, Role::Officer, WARD, "canbo@badinh.test").await;
    let path = format!("/items/{item}");

    // The explanation: language, sentiment, topic, places marked and linked, the contact.
    let (s, html) = get(&officer, &app, &path).await;
    assert_eq!(s, 200, "{html}");
    let stored = app.store.item(None, item).await.unwrap();
    assert!(html.contains("Tiếng Việt"), "language said in words");
    assert!(html.contains(&format!(
        "data-sentiment=\"{}\"",
        stored.sentiment.as_deref().unwrap()
    )));
    assert!(html.contains(&format!(
        "data-topic=\"{}\"",
        stored.analysis.as_ref().unwrap()["topic"]["id"].as_str().unwrap()
    )));
    assert!(html.contains("data-spam=\"none\""));
    assert!(
        html.contains(
            "<a href=\"/units/00004\" title=\"Phường Ba Đình\"><mark class=\"mark-place\">"
        ),
        "the place is marked in the text and linked to its unit: {html}"
    );
    assert!(html.contains("0912 345 678"), "an officer sees the contact");
    assert!(
        html.contains("/cases/new?item="),
        "a case can be opened from it"
    );
    // The spam item says why.
    let (_, sp) = get(&officer, &app, &format!("/items/{spam}")).await;
    assert!(sp.contains("data-spam=\"gambling\""), "{sp}");
    assert!(sp.contains("class=\"reasons\""));
    assert!(sp.contains("mark-spam"));
    assert!(sp.contains("Có tên nhà cái") || sp.contains("Có từ ngữ cá cược"));

    // A correction: without the token, refused and nothing changes.
    let before = app.store.item(None, item).await.unwrap().topic;
    let new_topic = if before.as_deref() == Some("health") {
        "environment"
    } else {
        "health"
    };
    let post_path = app.url(&format!("/items/{item}/labels"));
    let res = post_form(
        &officer,
        post_path.clone(),
        &[("csrf", "forged"), ("field", "topic"), ("value", new_topic)],
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.store.item(None, item).await.unwrap().topic, before);
    // With it: applied at once, audited, shown in the history.
    let csrf = csrf_field(&html);
    let res = post_form(
        &officer,
        post_path.clone(),
        &[
            ("csrf", csrf.as_str()),
            ("field", "topic"),
            ("value", new_topic),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/items/{item}?saved=topic#labels"));
    assert_eq!(
        app.store.item(None, item).await.unwrap().topic.as_deref(),
        Some(new_topic)
    );
    let audits = app.store.audit_tail(None, 100).await.unwrap();
    assert!(
        audits
            .iter()
            .any(|e| e.action == "item.label" && e.entity_id == item.to_string()),
        "{audits:?}"
    );
    let (_, after) = get(&officer, &app, to.trim_end_matches("#labels")).await;
    assert!(after.contains("role=\"status\""), "saved is said");
    assert!(
        after.contains("Cán bộ đã hiệu chỉnh kết quả này"),
        "the analysis says the officer's value overrides it"
    );
    assert!(after.contains("<table class=\"history\">"));
    assert!(
        after.contains("Cán bộ") || after.contains("officer"),
        "who is named"
    );
    // The list reads the officer's value.
    let (_, list) = get(&officer, &app, &format!("/items?topic={new_topic}")).await;
    assert!(listed(&list).contains(&item));
    // Spam verdict corrected: the item is hidden from the list.
    let res = post_form(
        &officer,
        post_path.clone(),
        &[
            ("csrf", csrf.as_str()),
            ("field", "spam"),
            ("value", "advertising"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(app.store.item(None, item).await.unwrap().is_hidden);
    // A value outside the taxonomy, or a field the form does not correct: 400, nothing stored.
    for (field, value) in [("topic", "no_such_topic"), ("places", "00004")] {
        let res = post_form(
            &officer,
            post_path.clone(),
            &[("csrf", csrf.as_str()), ("field", field), ("value", value)],
        )
        .await;
        assert_eq!(res.status(), 400, "{field}={value}");
    }
    assert_eq!(app.store.item_labels(None, item).await.unwrap().len(), 2);

    // A viewer sees the item (masked, no analysis details, no form) but may not correct it.
    let viewer = signed(&app, Role::Viewer, WARD, "xem@badinh.test").await;
    let (s, v) = get(&viewer, &app, &path).await;
    assert_eq!(s, 200);
    assert!(!v.contains("0912 345 678") && !v.contains("label-form"));
    assert!(v.contains("Chi tiết phân tích chỉ hiển thị"));
    let vcsrf = csrf_field(&v);
    let res = post_form(
        &viewer,
        post_path.clone(),
        &[
            ("csrf", vcsrf.as_str()),
            ("field", "topic"),
            ("value", "land"),
        ],
    )
    .await;
    assert_eq!(res.status(), 403);
    // A restricted item does not exist for the viewer; the officer sees it.
    let (s, _) = get(&viewer, &app, &format!("/items/{restricted}")).await;
    assert_eq!(s, 404);
    let (s, _) = get(&officer, &app, &format!("/items/{restricted}")).await;
    assert_eq!(s, 200);
    // Another ward's officer: not found, for reading and correcting alike.
    let other = signed(&app, Role::Officer, SIBLING, "canbo@ngocha.test").await;
    let (s, o) = get(&other, &app, &path).await;
    assert_eq!(s, 404);
    let ocsrf = csrf_field(&get_text(&other, app.url("/items")).await);
    let res = post_form(
        &other,
        post_path.clone(),
        &[
            ("csrf", ocsrf.as_str()),
            ("field", "topic"),
            ("value", "land"),
        ],
    )
    .await;
    assert_eq!(res.status(), 404);
    let (s, missing) = get(&other, &app, "/items/999999999").await;
    assert_eq!(s, 404);
    let main = |h: &str| h[h.find("<main").unwrap()..h.find("</main>").unwrap()].to_string();
    assert_eq!(main(&o), main(&missing), "out of scope looks like missing");

    // English.
    let (_, en) = get(&officer, &app, &format!("/items/{spam}?lang=en")).await;
    assert!(en.contains("What the analysis found") && en.contains("Gambling spam"));
    app.cleanup().await;
}
