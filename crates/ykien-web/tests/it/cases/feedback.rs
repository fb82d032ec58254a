//! The public feedback form: consent, receipt codes and their status page, the honeypot,
//! the per-address limit, CSRF and size limits.

use ykien_web::pages::feedback::{PER_IP, RECEIPT_LEN};

use crate::Backend;
use crate::harness::{App, csrf_field, expect_page, get_text, post_form, set_cookies, test_config};

fn receipt(html: &str) -> String {
    let start = html.find("data-receipt=\"").expect("a receipt code") + "data-receipt=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// The public status page for a receipt code, as anyone (no cookies) sees it.
async fn status_page(app: &App, code: &str) -> reqwest::Response {
    let url = app.url(&format!("/feedback/status?code={code}"));
    app.bare().get(url).send().await.unwrap()
}

async fn open_form(app: &App, b: &reqwest::Client) -> String {
    let res = b.get(app.url("/feedback")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("ykien_feedback_csrf="))
        .expect("a pre-session CSRF cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/feedback"));
    csrf_field(&res.text().await.unwrap())
}

pub async fn citizen_sends_feedback_and_follows_it(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let br = app.browser();
    let page = get_text(&br, app.url("/feedback")).await;
    // Hanoi's 126 communes and wards to choose from, the notice, a required consent box.
    assert!(page.contains("data-count=\"126\""));
    assert_eq!(
        page.matches("<option value=\"").count(),
        127,
        "the wards and the empty choice"
    );
    assert!(page.contains("Nghị định số 13/2023/NĐ-CP"));
    assert!(page.contains("name=\"consent\" type=\"checkbox\" value=\"yes\" required"));
    assert!(page.contains("<label for=\"unit\">") && page.contains("<label for=\"text\">"));
    let csrf = open_form(&app, &br).await;
    let text = "Đề nghị sửa đèn đường ngõ 12 phố Đội Cấn, tối quá, gọi tôi 0912 345 678.";
    let fields = |csrf: &str, unit: &str, consent: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("text", text.to_string()),
            ("unit", unit.to_string()),
            ("contact", "Nguyễn Văn A".to_string()),
            ("consent", consent.to_string()),
            ("website", String::new()),
        ]
    };
    // No consent, a unit outside Hanoi: the form again with what to fix, nothing stored.
    let res = post_form(&br, app.url("/feedback"), &fields(&csrf, "00004", "")).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("cần đồng ý") && html.contains("ngõ 12 phố Đội Cấn"));
    // Each answer with a form carries a fresh token (and cookie); the next post uses it.
    let mut csrf = csrf_field(&html);
    for unit in ["79", "01", "99999", ""] {
        let f = fields(&csrf, unit, "yes");
        let res = post_form(&br, app.url("/feedback"), &f).await;
        assert_eq!(res.status(), 422, "{unit}");
        csrf = csrf_field(&res.text().await.unwrap());
    }
    assert!(app.stored_items().await.is_empty());

    let res = post_form(&br, app.url("/feedback"), &fields(&csrf, "00004", "yes")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let code = receipt(&html);
    assert_eq!(code.len(), RECEIPT_LEN);
    assert!(html.contains(&format!("{}-{}", &code[..5], &code[5..])));
    let items = app.stored_items().await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.text, text);
    assert_eq!(
        (item.unit.as_str(), item.channel.as_str()),
        ("00004", "citizen")
    );
    assert_eq!(item.external_id.as_deref(), Some(code.as_str()));
    assert_eq!(item.author_user_id, None);
    assert_eq!(item.author_contact.as_deref(), Some("Nguyễn Văn A"));

    // The status page, with the code as a person might type it: the status and nothing else.
    let typed = format!("{}-{}", code[..5].to_lowercase(), &code[5..]);
    let res = status_page(&app, &typed).await;
    let html = expect_page(res, 200, "Đã tiếp nhận, đang xử lý").await;
    for secret in ["Đội Cấn", "0912", "Nguyễn Văn A", "Ba Đình"] {
        assert!(!html.contains(secret), "the status page shows {secret}");
    }
    // Analyzed: the status moves on.
    ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
    let html = status_page(&app, &code).await.text().await.unwrap();
    assert!(html.contains("Đã tiếp nhận và chuyển đến cán bộ phụ trách"));
    // Unknown and malformed codes: 404, the same page.
    for q in ["ABCDEFGHJK", "0000000000", "x", "%3Cscript%3E"] {
        let res = status_page(&app, q).await;
        let html = expect_page(res, 404, "Không tìm thấy ý kiến nào với mã này.").await;
        assert!(!html.contains("<script>"));
    }
    // Without a code: the lookup form.
    let res = app
        .bare()
        .get(app.url("/feedback/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The same words again: a second opinion with its own receipt.
    let html = post_form(&br, app.url("/feedback"), &fields(&csrf, "00070", "yes"))
        .await
        .text()
        .await
        .unwrap();
    assert_ne!(receipt(&html), code);
    assert_eq!(app.stored_items().await.len(), 2);

    // English, with the same notice in English.
    let html = get_text(&app.bare(), app.url("/feedback?lang=en")).await;
    assert!(html.contains("Decree No. 13/2023/NĐ-CP") && html.contains("Send opinion"));
    app.cleanup().await;
}

pub async fn feedback_form_resists_bots_and_floods(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let br = app.browser();
    open_form(&app, &br).await; // sets the cookie; the first post below ignores it
    let post = |csrf: String, website: &'static str, text: String| {
        let br = br.clone();
        let url = app.url("/feedback");
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("text", text.as_str()),
                ("unit", "00004"),
                ("consent", "yes"),
                ("website", website),
            ];
            post_form(&br, url, &form).await
        }
    };
    // Without the pre-session token (or with another's): refused, nothing stored.
    let res = post("forged.00".into(), "", "ý kiến".into()).await;
    assert_eq!(res.status(), 403);
    // The refusal came with a fresh form, whose cookie replaced ours.
    let csrf = csrf_field(&res.text().await.unwrap());
    let form = [
        ("csrf", csrf.as_str()),
        ("text", "x"),
        ("unit", "00004"),
        ("consent", "yes"),
    ];
    let res = post_form(&app.bare(), app.url("/feedback"), &form).await;
    assert_eq!(res.status(), 403, "the token without its cookie");
    // A bot fills the honeypot: a normal-looking receipt, nothing stored, the code leads nowhere.
    let res = post(
        csrf.clone(),
        "http://spam.example",
        "Mua ngay giá rẻ".into(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let code = receipt(&res.text().await.unwrap());
    assert_eq!(code.len(), RECEIPT_LEN);
    assert!(app.stored_items().await.is_empty());
    let res = status_page(&app, &code).await;
    assert_eq!(res.status(), 404);
    // Too large a body: 413 with a page.
    let res = post(csrf.clone(), "", "a".repeat(70 * 1024)).await;
    assert_eq!(res.status(), 413);
    // The per-address limit: the honeypot hit counted; fill the window, then 429.
    for i in 1..PER_IP {
        let res = post(csrf.clone(), "", format!("Ý kiến số {i}")).await;
        assert_eq!(res.status(), 200, "submission {i}");
    }
    let res = post(csrf.clone(), "", "Một ý kiến quá nhiều".into()).await;
    expect_page(res, 429, "quá nhiều ý kiến").await;
    let stored = app.stored_items().await;
    assert_eq!(stored.len(), PER_IP as usize - 1);
    assert!(stored.iter().all(|i| i.channel == "citizen"));
    app.cleanup().await;
}
