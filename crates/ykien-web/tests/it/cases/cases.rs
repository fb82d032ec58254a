//! Cases through the JSON API: opening one over items, the workflow and its refusals,
//! comments, the lists (by status, overdue), scope, and what a reporter may follow.

use reqwest::Method;
use serde_json::{Value, json};
use ykien_core::Role;
use ykien_store::{Confidentiality, NewCase, Severity};

use crate::Backend;
use crate::harness::{App, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const OTHER_WARD: &str = "00070"; // Phường Hoàn Kiếm

/// Opens an empty case as the system; None when the unit is not in the database.
pub async fn try_open_as_system(app: &App, unit: &str) -> Option<i64> {
    try_open_with(app, unit, vec![]).await
}

/// Opens a case over these items as the system; None when the unit is not in the database.
pub async fn try_open_with(app: &App, unit: &str, items: Vec<i64>) -> Option<i64> {
    let res = app
        .store
        .create_case(
            None,
            NewCase {
                unit: unit.into(),
                title: format!("Vụ việc ở đơn vị {unit}"),
                severity: Severity::Normal,
                item_ids: items,
                due_at: None,
            },
        )
        .await;
    match res {
        Ok(c) => Some(c.case.id),
        Err(ykien_store::StoreError::Invalid { what }) if what.starts_with("unknown unit") => None,
        Err(e) => panic!("seed case in {unit}: {e}"),
    }
}

async fn token(app: &App, role: Role, unit: &str, email: &str) -> String {
    let id = app.user(role, unit, email, Some(PW)).await;
    app.store.create_token(None, id, "test").await.unwrap().0
}

async fn call(
    app: &App,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.bare().request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post(app: &App, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(app, token, Method::POST, path, Some(body)).await
}

async fn get(app: &App, token: &str, path: &str) -> (u16, Value) {
    call(app, token, Method::GET, path, None).await
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

pub async fn api_runs_a_case_through_the_workflow(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let officer = token(&app, Role::Officer, WARD, "cb@example.org").await;
    let collab = token(&app, Role::Collaborator, WARD, "ctv@example.org").await;

    // Two reports of the same rumour, one filed by the collaborator over the API.
    let (s, v) = post(
        &app,
        &collab,
        "/api/v1/items",
        json!({"text": "Có tin đồn sẽ cắt nước cả tuần ở tổ 7"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let mine = v["id"].as_i64().unwrap();
    let other = super::items::file_as_system(
        &app,
        WARD,
        "Nhiều người hỏi chuyện cắt nước cả tuần",
        Confidentiality::Normal,
    )
    .await;

    // Opened by the officer: 201, Location, status new, a due date.
    let res = app
        .bare()
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&officer)
        .json(&json!({"title": "Tin đồn cắt nước", "severity": "urgent", "items": [mine, other]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let c: Value = res.json().await.unwrap();
    let id = c["id"].as_i64().unwrap();
    assert_eq!(loc, format!("/api/v1/cases/{id}"));
    assert_eq!(c["status"], "new");
    assert_eq!(c["severity"], "urgent");
    assert_eq!(c["unit"], WARD);
    assert_eq!(c["items"], json!([mine, other]));
    assert_eq!(c["overdue"], false);
    assert!(c["due_at"].as_str().is_some(), "{c}");

    // Steps out of order: 422 with the reason; unknown actions and stray fields too.
    let step = |action: &str| json!({ "action": action });
    let path = format!("{loc}/transition");
    let (s, v) = post(&app, &officer, &path, step("close")).await;
    assert_eq!(s, 422, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("cannot close a case that is new"), "{msg}");
    assert_eq!(v["error"]["code"], "invalid");
    let (s, _) = post(&app, &officer, &path, step("archive")).await;
    assert_eq!(s, 422);
    let (s, _) = post(
        &app,
        &officer,
        &path,
        json!({"action": "verify", "to": "iHanoi"}),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = post(
        &app,
        &officer,
        &path,
        json!({"action": "verify", "note": 1}),
    )
    .await;
    assert_eq!(s, 422);

    // The happy path.
    let (s, v) = post(&app, &officer, &path, step("verify")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("verifying")), "{v}");
    let (s, v) = post(&app, &officer, &path, json!({"action": "forward"})).await;
    assert_eq!(s, 422, "forward needs a target: {v}");
    let (s, v) = post(
        &app,
        &officer,
        &path,
        json!({"action": "forward", "to": "iHanoi", "reference": "IH-2026-0042"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "forwarded");
    assert_eq!(v["forwarded_kind"], "outside");
    assert_eq!(v["forwarded_to"], "iHanoi");
    assert_eq!(v["forward_ref"], "IH-2026-0042");
    let (s, v) = post(&app, &officer, &path, step("answer")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("answered")));
    let (s, v) = post(
        &app,
        &officer,
        &format!("{loc}/comments"),
        json!({"body": "Công ty nước sạch đã cải chính trên iHanoi."}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert!(v["id"].as_i64().is_some());
    let (s, _) = post(
        &app,
        &officer,
        &format!("{loc}/comments"),
        json!({"body": "  "}),
    )
    .await;
    assert_eq!(s, 422);
    let (s, v) = post(&app, &officer, &path, step("close")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")));
    assert!(v["closed_at"].as_str().is_some());
    let (s, v) = post(&app, &officer, &path, step("reopen")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("verifying")));
    assert_eq!(v["closed_at"], Value::Null);

    // The officer's view has the comment; the audit log has every step.
    let (s, v) = get(&app, &officer, &loc).await;
    assert_eq!(s, 200);
    assert_eq!(v["handler_view"], true);
    assert_eq!(v["comments"].as_array().unwrap().len(), 1);
    let history = app.store.audit_tail(None, 1000).await.unwrap();
    let steps: Vec<&str> = history
        .iter()
        .filter(|e| e.entity == "case" && e.entity_id == id.to_string())
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "case.create",
            "case.transition",
            "case.transition",
            "case.transition",
            "case.comment",
            "case.transition",
            "case.transition"
        ]
    );

    // The collaborator follows the case of its report: status, its own item, no comments.
    let (s, v) = get(&app, &collab, &loc).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["handler_view"], false);
    assert_eq!(v["status"], "verifying");
    assert_eq!(v["items"], json!([mine]));
    assert_eq!(v["comments"], json!([]));
    let (s, v) = get(&app, &collab, "/api/v1/cases").await;
    assert_eq!((s, ids(&v)), (200, vec![id]));
    // …but cannot move it or open one.
    let (s, _) = post(&app, &collab, &path, step("answer")).await;
    assert_eq!(s, 403);
    let (s, _) = post(&app, &collab, "/api/v1/cases", json!({"title": "x"})).await;
    assert_eq!(s, 403);
    app.cleanup().await;
}

pub async fn api_lists_cases_by_status_and_overdue_in_scope(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let officer = token(&app, Role::Officer, WARD, "cb@example.org").await;
    let elsewhere = token(&app, Role::Officer, OTHER_WARD, "hk@example.org").await;
    let city = token(&app, Role::Leader, "01", "tp@example.org").await;

    let open = |title: &str, due: Option<&str>| {
        let mut b = json!({"title": title});
        if let Some(d) = due {
            b["due_at"] = json!(d);
        }
        b
    };
    let (s, late) = post(
        &app,
        &officer,
        "/api/v1/cases",
        open("Trễ hạn", Some("2026-01-05T09:00:00+07:00")),
    )
    .await;
    assert_eq!(s, 201, "{late}");
    assert_eq!(late["overdue"], true);
    assert_eq!(late["due_at"], "2026-01-05T02:00:00Z");
    let (s, fresh) = post(&app, &officer, "/api/v1/cases", open("Còn hạn", None)).await;
    assert_eq!(s, 201);
    let (s, v) = post(
        &app,
        &officer,
        "/api/v1/cases",
        open("x", Some("next week")),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let (s, _) = post(
        &app,
        &officer,
        "/api/v1/cases",
        json!({"title": "x", "severity": "high"}),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = post(
        &app,
        &officer,
        "/api/v1/cases",
        json!({"title": "x", "unit": OTHER_WARD}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, theirs) = post(&app, &elsewhere, "/api/v1/cases", open("Hoàn Kiếm", None)).await;
    assert_eq!(s, 201);
    let (late, fresh, theirs) = (
        late["id"].as_i64().unwrap(),
        fresh["id"].as_i64().unwrap(),
        theirs["id"].as_i64().unwrap(),
    );
    let path = format!("/api/v1/cases/{fresh}/transition");
    let (s, _) = post(&app, &officer, &path, json!({"action": "verify"})).await;
    assert_eq!(s, 200);

    let (s, v) = get(&app, &officer, "/api/v1/cases?overdue=true").await;
    assert_eq!((s, ids(&v)), (200, vec![late]));
    let (s, v) = get(&app, &officer, "/api/v1/cases?status=verifying").await;
    assert_eq!((s, ids(&v)), (200, vec![fresh]));
    let (s, v) = get(&app, &officer, "/api/v1/cases").await;
    assert_eq!((s, ids(&v)), (200, vec![late, fresh]));
    let (s, _) = get(&app, &officer, "/api/v1/cases?status=lost").await;
    assert_eq!(s, 422);
    let (s, _) = get(&app, &officer, "/api/v1/cases?overdue=maybe").await;
    assert_eq!(s, 422);
    let (s, mut v) = get(&app, &city, "/api/v1/cases").await;
    assert_eq!(s, 200);
    let mut all = ids(&v);
    all.sort();
    assert_eq!(all, vec![late, fresh, theirs]);
    v = get(&app, &elsewhere, "/api/v1/cases").await.1;
    assert_eq!(ids(&v), vec![theirs]);

    // Another ward's case is not there, for reading or changing, exactly like a missing one.
    let mut answers = Vec::new();
    for id in [late.to_string(), "999999".into(), "abc".into()] {
        let (s, v) = get(&app, &elsewhere, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(s, 404);
        answers.push(v);
        let (s, v) = post(
            &app,
            &elsewhere,
            &format!("/api/v1/cases/{id}/transition"),
            json!({"action": "verify"}),
        )
        .await;
        assert_eq!(s, 404);
        answers.push(v);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // From the browser, writes need the session's CSRF header as well as its cookie.
    app.user(Role::Officer, WARD, "web@example.org", Some(PW))
        .await;
    let browser = sign_in(&app, "web@example.org", PW).await;
    let res = browser
        .post(app.url(&format!("/api/v1/cases/{late}/comments")))
        .json(&json!({"body": "Không có CSRF"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = browser.get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    app.cleanup().await;
}

pub async fn api_merges_splits_assigns_and_suggests(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let officer = token(&app, Role::Officer, WARD, "cb@example.org").await;
    let colleague = app.user(Role::Officer, WARD, "cb2@example.org", None).await;
    let city = token(&app, Role::Leader, "01", "tp@example.org").await;
    let viewer = token(&app, Role::Viewer, "01", "xem@example.org").await;

    // The same rumour heard in two wards (from two sources), and one unrelated report.
    let rumour = "Người dân truyền tai nhau tin đồn sẽ cắt nước sinh hoạt toàn khu vực trong \
                  cả tuần tới, đề nghị chính quyền xác minh và thông báo sớm.";
    let n = Confidentiality::Normal;
    let a = super::items::file_as_system(&app, WARD, rumour, n).await;
    let res = app
        .store
        .submit_item(
            None,
            ykien_store::NewItem {
                unit: OTHER_WARD.into(),
                source: "another-source".into(),
                channel: ykien_store::Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: rumour.into(),
                title: None,
                report: ykien_store::OpinionReport::default(),
                confidentiality: n,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap();
    let b2 = res.id;
    let c = super::items::file_as_system(
        &app,
        WARD,
        "Đèn đường ngõ 5 hỏng nhiều ngày, buổi tối đi lại rất nguy hiểm.",
        n,
    )
    .await;
    let done = ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(done.analyzed, 3);

    // The city sees one suggestion across both wards; the ward officer sees no group (one
    // item of it is in its ward); a viewer gets none.
    let (s, v) = get(&app, &city, "/api/v1/cases/suggestions").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["unit"], "01");
    assert_eq!(v[0]["items"], json!([a, b2]));
    let (s, v) = get(&app, &officer, "/api/v1/cases/suggestions").await;
    assert_eq!((s, v), (200, json!([])));
    let (s, v) = get(&app, &viewer, "/api/v1/cases/suggestions").await;
    assert_eq!((s, v), (200, json!([])));

    // The city confirms it as a case; the ward opens another, adds an item, is merged in.
    let (s, main) = post(
        &app,
        &city,
        "/api/v1/cases",
        json!({"unit": "01", "title": "Tin đồn cắt nước", "items": [a, b2], "severity": "urgent"}),
    )
    .await;
    assert_eq!(s, 201, "{main}");
    let main = main["id"].as_i64().unwrap();
    let (s, v) = get(&app, &city, "/api/v1/cases/suggestions").await;
    assert_eq!(
        (s, v),
        (200, json!([])),
        "cased items are not suggested again"
    );
    let (s, ward_case) = post(
        &app,
        &officer,
        "/api/v1/cases",
        json!({"title": "Đèn đường"}),
    )
    .await;
    assert_eq!(s, 201);
    let ward_case = ward_case["id"].as_i64().unwrap();
    let (s, v) = post(
        &app,
        &officer,
        &format!("/api/v1/cases/{ward_case}/items"),
        json!({"items": [c]}),
    )
    .await;
    assert_eq!((s, v["items"].clone()), (200, json!([c])));
    let (s, v) = post(
        &app,
        &officer,
        &format!("/api/v1/cases/{ward_case}/items"),
        json!({"items": [a]}),
    )
    .await;
    assert_eq!(s, 409, "an item belongs to one case: {v}");
    let (s, v) = post(
        &app,
        &officer,
        &format!("/api/v1/cases/{ward_case}/assign"),
        json!({"assignee": colleague}),
    )
    .await;
    assert_eq!(
        (s, v["assignee_user_id"].as_i64()),
        (200, Some(colleague)),
        "{v}"
    );
    let (s, _) = post(
        &app,
        &officer,
        &format!("/api/v1/cases/{ward_case}/assign"),
        json!({"assignee": 999999}),
    )
    .await;
    assert_eq!(s, 422);
    // The ward officer cannot merge into the city's case (not found); the city can.
    let (s, _) = post(
        &app,
        &officer,
        &format!("/api/v1/cases/{main}/merge"),
        json!({"from": ward_case}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, v) = post(
        &app,
        &city,
        &format!("/api/v1/cases/{main}/merge"),
        json!({"from": ward_case}),
    )
    .await;
    assert_eq!((s, v["items"].clone()), (200, json!([a, b2, c])), "{v}");
    let (s, v) = get(&app, &officer, &format!("/api/v1/cases/{ward_case}")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")));
    // …and splits the street-light item off again.
    let res = app
        .bare()
        .post(app.url(&format!("/api/v1/cases/{main}/split")))
        .bearer_auth(&city)
        .json(&json!({"items": [c], "title": "Đèn đường ngõ 5"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let v: Value = res.json().await.unwrap();
    assert_eq!(loc, format!("/api/v1/cases/{}", v["id"]));
    assert_eq!(
        (v["items"].clone(), v["status"].clone()),
        (json!([c]), json!("new"))
    );
    let (s, v) = post(
        &app,
        &city,
        &format!("/api/v1/cases/{main}/split"),
        json!({"items": [a, b2], "title": "Tất cả"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    app.cleanup().await;
}
