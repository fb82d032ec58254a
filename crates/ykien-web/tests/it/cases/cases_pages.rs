//! Pages of the officers' workspace (cases_pages), over real sockets: the board by status and
//! its filters, opening a case from items, every step of the workflow through the case page's
//! forms (with their refusals shown on the page, what was typed kept), CSRF, both languages,
//! and scope for every kind of caller.

use chrono::{Duration, Utc};
use ykien_core::Role;
use ykien_store::{Channel, Confidentiality, NewCase, NewItem, OpinionReport, Severity};

use crate::Backend;
use crate::harness::{App, csrf_field, expect_page, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const OTHER_WARD: &str = "00008"; // Phường Ngọc Hà

async fn person(app: &App, role: Role, unit: &str, email: &str) -> (i64, reqwest::Client) {
    let id = app.user(role, unit, email, Some(PW)).await;
    (id, sign_in(app, email, PW).await)
}

/// Files an item as this user (None: the system) and returns its id.
async fn file(app: &App, by: Option<i64>, unit: &str, text: &str) -> i64 {
    let actor = match by {
        Some(id) => Some(app.store.actor(id).await.unwrap().unwrap()),
        None => None,
    };
    app.store
        .submit_item(
            actor.as_ref(),
            NewItem {
                unit: unit.into(),
                source: "test".into(),
                channel: Channel::Form,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

async fn get(app: &App, b: &reqwest::Client, path: &str) -> reqwest::Response {
    b.get(app.url(path)).send().await.unwrap()
}

async fn body(app: &App, b: &reqwest::Client, path: &str) -> String {
    let res = get(app, b, path).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    text
}

/// Posts a form with the CSRF token of the page at `page`.
async fn post(
    app: &App,
    b: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_field(&body(app, b, page).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(app.url(path)).form(&all).send().await.unwrap()
}

/// Posts a step of the case's workflow and follows the redirect; returns the case page.
async fn step(app: &App, b: &reqwest::Client, id: i64, fields: &[(&str, &str)]) -> String {
    let page = format!("/cases/{id}");
    let res = post(app, b, &page, &format!("{page}/transition"), fields).await;
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let text = res.text().await.unwrap();
    assert_eq!(status, 303, "{fields:?}: {text}");
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("/cases/{id}?done=")),
        "{location}"
    );
    body(app, b, &location).await
}

/// The cards of one column of the board, as case ids.
fn column(html: &str, status: &str) -> Vec<i64> {
    let start = html
        .find(&format!("data-status=\"{status}\""))
        .unwrap_or_else(|| panic!("no column {status}"));
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap();
    rest[..end]
        .match_indices("data-case-id=\"")
        .map(|(i, m)| {
            let s = &rest[i + m.len()..];
            s[..s.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

pub async fn cases_pages_run_a_case_through_its_workflow(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (officer_id, officer) = person(&app, Role::Officer, WARD, "cb@badinh.vn").await;
    let (colleague_id, _) = person(&app, Role::Officer, WARD, "cb2@badinh.vn").await;
    let (collab_id, _) = person(&app, Role::Collaborator, WARD, "ctv@badinh.vn").await;
    let first = file(
        &app,
        Some(collab_id),
        WARD,
        "Đèn đường ngõ 12 Đội Cấn hỏng nhiều ngày",
    )
    .await;
    let second = file(&app, None, WARD, "Ngõ 12 Đội Cấn tối om vì đèn hỏng").await;

    // The form opened from an item: the item offered and ticked, its text as a title.
    let form = body(&app, &officer, &format!("/cases/new?item={first}")).await;
    assert!(
        form.contains(&format!("name=\"item\" value=\"{first}\" checked")),
        "{form}"
    );
    assert!(form.contains("value=\"Đèn đường ngõ 12 Đội Cấn hỏng nhiều ngày\""));
    assert!(
        form.contains("<option value=\"00004\" selected"),
        "the item's unit is chosen"
    );

    // Refused without the token, without a title, with a bad item number: what was typed stays.
    let res = officer
        .post(app.url("/cases"))
        .form(&[("title", "x"), ("unit", WARD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no CSRF token");
    let second_s = second.to_string();
    let first_s = first.to_string();
    let res = post(
        &app,
        &officer,
        "/cases/new",
        "/cases",
        &[
            ("title", " "),
            ("unit", WARD),
            ("offered", &first_s),
            ("item", &first_s),
            ("more_items", &second_s),
        ],
    )
    .await;
    let page = expect_page(res, 422, "Vui lòng nhập tên vụ việc").await;
    assert!(
        page.contains(&format!("value=\"{second}\"")),
        "more items kept: {page}"
    );
    assert!(page.contains(&format!("name=\"item\" value=\"{first}\" checked")));
    let res = post(
        &app,
        &officer,
        "/cases/new",
        "/cases",
        &[("title", "Đèn đường hỏng"), ("more_items", "12, mười")],
    )
    .await;
    let page = expect_page(res, 422, "«mười»").await;
    assert!(page.contains("value=\"Đèn đường hỏng\""), "title kept");

    // Opened over both items, urgent.
    let res = post(
        &app,
        &officer,
        "/cases/new",
        "/cases",
        &[
            ("title", "Đèn đường ngõ 12 hỏng"),
            ("severity", "urgent"),
            ("unit", WARD),
            ("offered", &first_s),
            ("item", &first_s),
            ("more_items", &second_s),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(location, format!("/cases/{id}?done=created"));
    let page = body(&app, &officer, &location).await;
    for needle in [
        "Đã tạo vụ việc.",
        "Mới tiếp nhận",
        "Khẩn",
        "Hạn xử lý",
        &format!("href=\"/items/{first}\""),
        &format!("href=\"/items/{second}\""),
        "Tạo vụ việc «Đèn đường ngõ 12 hỏng»",
        "Bắt đầu xác minh",
    ] {
        assert!(page.contains(needle), "{needle:?} not in {page}");
    }
    // Due in 4 working hours: today, or a working day or more away (after hours, weekends).
    assert!(page.contains("đến hạn trong hôm nay") || page.contains("ngày làm việc"));
    // An item already in a case cannot open another: the conflict is said on the form.
    let res = post(
        &app,
        &officer,
        "/cases/new",
        "/cases",
        &[("title", "Lần hai"), ("item", &first_s)],
    )
    .await;
    expect_page(res, 409, "trùng lặp").await;

    // The board: the case in the "new" column, on top of an older one due later.
    let board = body(&app, &officer, "/cases").await;
    assert_eq!(column(&board, "new"), vec![id]);
    assert!(board.contains("data-total=\"1\""));

    // Verify; a step the status does not allow is refused on the page.
    let page = step(&app, &officer, id, &[("action", "verify")]).await;
    assert!(
        page.contains("Vụ việc đang được xác minh.") && page.contains("data-status=\"verifying\"")
    );
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/transition"),
        &[("action", "close")],
    )
    .await;
    expect_page(res, 422, "cannot close a case that is verifying").await;

    // Forward: nowhere named is refused (the reference typed stays); then to a member
    // organization with its reference.
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/transition"),
        &[("action", "forward"), ("reference", "CV-15/2026")],
    )
    .await;
    let page = expect_page(res, 422, "Vui lòng chọn nơi chuyển đến").await;
    assert!(page.contains("value=\"CV-15/2026\""));
    let orgs = app.store.member_orgs().await.unwrap();
    let org = orgs.last().unwrap();
    assert!(
        page.contains(&format!("<option value=\"{}\"", org.id)),
        "orgs offered"
    );
    assert!(page.contains("<option value=\"01\""), "the city offered");
    let page = step(
        &app,
        &officer,
        id,
        &[
            ("action", "forward"),
            ("to", &org.id),
            ("reference", "CV-15/2026"),
        ],
    )
    .await;
    assert!(page.contains("Đã chuyển xử lý vụ việc."));
    assert!(
        page.contains(&org.name_vi) && page.contains("CV-15/2026"),
        "{page}"
    );
    let board = body(&app, &officer, "/cases").await;
    assert_eq!(column(&board, "forwarded"), vec![id]);

    // Answer: the text is needed; then recorded and shown in the history.
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/transition"),
        &[("action", "answer"), ("reply", "  ")],
    )
    .await;
    expect_page(res, 422, "Vui lòng nhập nội dung trả lời").await;
    let reply = "Hội Cựu chiến binh phường đã phối hợp thay bóng đèn ngày 28/11";
    let page = step(
        &app,
        &officer,
        id,
        &[("action", "answer"), ("reply", reply)],
    )
    .await;
    assert!(page.contains("Đã ghi nhận nội dung trả lời.") && page.contains(reply));
    assert!(page.contains("data-status=\"answered\""));

    // Assign: to a colleague, then to someone who may not take it (refused on the page).
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/assign"),
        &[("assignee", &colleague_id.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = body(&app, &officer, &format!("/cases/{id}?done=assign")).await;
    assert!(
        page.contains("Đã cập nhật người phụ trách.") && page.contains("Giao cho officer 00004")
    );
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/assign"),
        &[("assignee", &collab_id.to_string())],
    )
    .await;
    expect_page(res, 422, "is not an active officer").await;
    let mine = body(&app, &officer, &format!("/cases?assignee={colleague_id}")).await;
    assert_eq!(column(&mine, "answered"), vec![id]);
    let mine = body(&app, &officer, "/cases?assignee=me").await;
    assert!(column(&mine, "answered").is_empty());
    assert!(mine.contains("data-total=\"0\""));
    let _ = officer_id;

    // A note: empty refused, then kept in the history.
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/comments"),
        &[("body", "")],
    )
    .await;
    expect_page(res, 422, "Vui lòng nhập nội dung ghi chú").await;
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/comments"),
        &[("body", "Đã kiểm tra thực tế, đèn sáng bình thường")],
    )
    .await;
    assert_eq!(res.status(), 303);

    // Close and reopen.
    let page = step(&app, &officer, id, &[("action", "close")]).await;
    assert!(page.contains("Đã kết thúc vụ việc.") && page.contains("data-status=\"closed\""));
    let page = step(&app, &officer, id, &[("action", "reopen")]).await;
    assert!(page.contains("data-status=\"verifying\""));
    // The whole history, oldest first.
    let history = &page[page.find("class=\"timeline\"").unwrap()..];
    let order = [
        "Tạo vụ việc",
        "Bắt đầu xác minh",
        "Chuyển xử lý",
        "Ghi nhận trả lời",
        reply,
        "Giao cho",
        "Đã kiểm tra thực tế",
        "Kết thúc vụ việc",
        "Mở lại vụ việc",
    ];
    let mut at = 0;
    for needle in order {
        let found = history[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not after {at} in {history}"));
        at += found;
    }

    // English: the same page and board in the other language.
    let page = body(&app, &officer, &format!("/cases/{id}?lang=en")).await;
    for needle in [
        "<html lang=\"en\"",
        "History",
        "Forwarded to",
        "Reopened the case",
        "Verifying",
    ] {
        assert!(page.contains(needle), "{needle:?} not in {page}");
    }
    let board = body(&app, &officer, "/cases?lang=en").await;
    assert!(board.contains("Overdue cases only") && board.contains("Answered"));
    let board = body(&app, &officer, "/cases?lang=vi").await;
    assert!(board.contains("Chỉ vụ việc quá hạn") && board.contains("Đã có trả lời"));

    // Overdue: highlighted, counted, and the filter keeps only them.
    let late = app
        .store
        .create_case(
            None,
            NewCase {
                unit: WARD.into(),
                title: "Vụ việc quá hạn".into(),
                severity: Severity::Normal,
                item_ids: vec![],
                due_at: Some(Utc::now() - Duration::days(9)),
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let board = body(&app, &officer, "/cases?overdue=1").await;
    assert_eq!(column(&board, "new"), vec![late]);
    assert!(column(&board, "verifying").is_empty());
    assert!(board.contains("is-overdue") && board.contains("quá hạn"));
    assert!(board.contains("data-overdue=\"1\""));
    let page = body(&app, &officer, &format!("/cases/{late}")).await;
    assert!(
        page.contains("data-overdue=\"true\"") && page.contains("quá hạn"),
        "{page}"
    );
    let board = body(&app, &officer, "/cases").await;
    assert_eq!(column(&board, "new"), vec![late]);
    assert_eq!(column(&board, "verifying"), vec![id]);
    app.cleanup().await;
}

pub async fn cases_pages_are_scoped_for_every_role(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (_, officer) = person(&app, Role::Officer, WARD, "cb@badinh.vn").await;
    let (_, other) = person(&app, Role::Officer, OTHER_WARD, "cb@ngocha.vn").await;
    let (_, leader) = person(&app, Role::Leader, "01", "ld@hanoi.vn").await;
    let (collab_id, collab) = person(&app, Role::Collaborator, WARD, "ctv@badinh.vn").await;
    let (_, editor) = person(&app, Role::Editor, WARD, "bt@badinh.vn").await;
    let mine = file(&app, Some(collab_id), WARD, "Cống thoát nước ngõ 3 bị tắc").await;
    let res = post(
        &app,
        &officer,
        "/cases/new",
        "/cases",
        &[("title", "Cống ngõ 3 tắc"), ("item", &mine.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let id = app
        .store
        .list_cases(None, &Default::default())
        .await
        .unwrap()[0]
        .id;
    step(&app, &officer, id, &[("action", "verify")]).await;
    let res = post(
        &app,
        &officer,
        &format!("/cases/{id}"),
        &format!("/cases/{id}/comments"),
        &[("body", "Ghi chú nội bộ của cán bộ")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let path = format!("/cases/{id}");

    // The city leader sees it on the board and opens it.
    let board = body(&app, &leader, "/cases").await;
    assert_eq!(column(&board, "verifying"), vec![id]);
    let page = body(&app, &leader, &path).await;
    assert!(page.contains("Ghi chú nội bộ của cán bộ"));
    let board = body(&app, &leader, &format!("/cases?unit={OTHER_WARD}")).await;
    assert!(column(&board, "verifying").is_empty());

    // Another ward's officer: not on its board, and not found by address or by form.
    let board = body(&app, &other, "/cases").await;
    assert!(column(&board, "verifying").is_empty() && board.contains("data-total=\"0\""));
    let missing = get(&app, &other, "/cases/999999").await;
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.unwrap();
    let main = |s: &str| s[s.find("<main").unwrap()..s.find("</main>").unwrap()].to_string();
    let res = get(&app, &other, &path).await;
    assert_eq!(res.status(), 404);
    assert_eq!(main(&res.text().await.unwrap()), main(&missing));
    for (suffix, fields) in [
        ("transition", vec![("action", "verify")]),
        ("assign", vec![("assignee", "")]),
        ("comments", vec![("body", "x")]),
    ] {
        let res = post(&app, &other, "/cases", &format!("{path}/{suffix}"), &fields).await;
        assert_eq!(res.status(), 404, "{suffix}");
    }
    assert_eq!(
        get(&app, &other, &format!("/cases?unit={WARD}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        get(&app, &other, &format!("/cases/new?item={mine}"))
            .await
            .status(),
        404
    );
    let res = post(
        &app,
        &other,
        "/cases",
        "/cases",
        &[("title", "Vụ việc ở phường khác"), ("unit", WARD)],
    )
    .await;
    assert_eq!(res.status(), 404);

    // The collaborator who filed the item follows the case: steps, no notes, no forms.
    let board = body(&app, &collab, "/cases").await;
    assert_eq!(column(&board, "verifying"), vec![id]);
    assert!(!board.contains("href=\"/cases/new\""));
    let page = body(&app, &collab, &path).await;
    assert!(page.contains("Đang xác minh") && page.contains(&format!("/items/{mine}")));
    assert!(!page.contains("Ghi chú nội bộ"), "no officers' notes");
    assert!(
        !page.contains("officer 00004"),
        "nobody's name in a reporter's view"
    );
    assert!(page.contains("Bắt đầu xác minh"), "the steps are shown");
    assert!(
        !page.contains("/transition") && !page.contains("/assign"),
        "no forms"
    );
    assert_eq!(get(&app, &collab, "/cases/new").await.status(), 403);
    let res = post(&app, &collab, "/cases", "/cases", &[("title", "x")]).await;
    assert_eq!(res.status(), 403);
    let res = post(
        &app,
        &collab,
        &path,
        &format!("{path}/transition"),
        &[("action", "close")],
    )
    .await;
    assert_eq!(res.status(), 403);

    // An editor of the ward who filed nothing in it: refused, not hidden.
    assert_eq!(get(&app, &editor, &path).await.status(), 403);
    let board = body(&app, &editor, "/cases").await;
    assert!(board.contains("data-total=\"0\""));
    app.cleanup().await;
}
