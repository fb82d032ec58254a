//! Items through the JSON API: filing one and many, reading one back with the store's
//! scoping and masking, and the errors a client can make.

use serde_json::{Value, json};
use ykien_core::Role;
use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport};

use crate::Backend;
use crate::harness::{App, page_csrf, sign_in, test_config};

const PW: &str = "a long enough password";

/// Files an item as the system (as an import would), returns its id.
pub async fn file_as_system(app: &App, unit: &str, text: &str, c: Confidentiality) -> i64 {
    try_file_as_system(app, unit, text, c)
        .await
        .expect("seed item")
}

/// Like [`file_as_system`], None when the unit is not in the database.
pub async fn try_file_as_system(
    app: &App,
    unit: &str,
    text: &str,
    c: Confidentiality,
) -> Option<i64> {
    let res = app
        .store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "test-seed".into(),
                channel: Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: Some("0912 345 678".into()),
                occurred_at: None,
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: c,
                dedup_text: String::new(),
            },
        )
        .await;
    match res {
        Ok(s) => Some(s.id),
        Err(ykien_store::StoreError::Invalid { what }) if what.starts_with("unknown unit") => None,
        Err(e) => panic!("seed item in {unit}: {e}"),
    }
}

async fn token(app: &App, role: Role, unit: &str, email: &str) -> String {
    let id = app.user(role, unit, email, Some(PW)).await;
    app.store.create_token(None, id, "test").await.unwrap().0
}

async fn post(app: &App, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let res = app
        .bare()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get(app: &App, token: &str, path: &str) -> (u16, Value) {
    let res = app
        .bare()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn api_files_and_reads_items_in_scope(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let collab = token(&app, Role::Collaborator, "00004", "ctv@example.org").await;
    let officer = token(&app, Role::Officer, "00004", "cb@example.org").await;
    let other_ward = token(&app, Role::Officer, "00070", "hk@example.org").await;
    let viewer = token(&app, Role::Viewer, "00004", "xem@example.org").await;

    // A full item: 201, its id and status, a Location to read it back.
    let body = json!({
        "text": "Người dân tổ 7 phản ánh đường ngập sau mưa, gọi 0912 345 678.",
        "external_id": "r-1",
        "source": "zalo-group-to7",
        "channel": "form",
        "occurred_at": "2026-11-28T08:30:00+07:00",
        "topic_hint": "Môi trường",
        "locality": "Tổ dân phố số 7",
        "heard": "in_person",
        "confidentiality": "normal",
    });
    let res = app
        .bare()
        .post(app.url("/api/v1/items"))
        .bearer_auth(&collab)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "accepted");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(loc, format!("/api/v1/items/{id}"));

    // The same item again (same source and external id): nothing new.
    let (s, v) = post(&app, &collab, "/api/v1/items", &body).await;
    assert_eq!(
        (s, v["id"].as_i64(), v["status"].as_str()),
        (200, Some(id), Some("duplicate"))
    );

    // Read back by its author: unmasked, all fields as sent.
    let (s, item) = get(&app, &collab, &loc).await;
    assert_eq!(s, 200, "{item}");
    assert_eq!(item["unit"], "00004");
    assert_eq!(item["unit_name"], "Phường Ba Đình");
    assert_eq!(item["channel"], "form");
    assert_eq!(item["source"], "zalo-group-to7");
    assert_eq!(item["status"], "pending");
    assert_eq!(item["report"]["locality"], "Tổ dân phố số 7");
    assert_eq!(item["report"]["heard"], "in_person");
    assert_eq!(item["occurred_at"], "2026-11-28T01:30:00Z");
    assert!(item["text"].as_str().unwrap().contains("0912 345 678"));
    assert_eq!(item["masked"], false);
    // The officer of the ward sees it; the viewer sees it masked (withheld until analyzed).
    let (s, item) = get(&app, &officer, &loc).await;
    assert_eq!((s, item["masked"].as_bool()), (200, Some(false)));
    let (s, item) = get(&app, &viewer, &loc).await;
    assert_eq!((s, item["masked"].as_bool()), (200, Some(true)));
    assert!(!item["text"].as_str().unwrap().contains("0912"));
    // Another ward's officer: not found, like an id that does not exist.
    let (s, hidden) = get(&app, &other_ward, &loc).await;
    let (s2, missing) = get(&app, &other_ward, "/api/v1/items/987654321").await;
    assert_eq!((s, s2), (404, 404));
    assert_eq!(hidden, missing);

    // Defaults: the caller's unit, channel api, a source of its own.
    let (s, v) = post(
        &app,
        &officer,
        "/api/v1/items",
        &json!({"text": "Ý kiến về trường học."}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, item) = get(&app, &officer, &format!("/api/v1/items/{}", v["id"])).await;
    assert_eq!(
        (item["unit"].as_str(), item["channel"].as_str()),
        (Some("00004"), Some("api"))
    );
    // The same words from another person are another item.
    let (s, v2) = post(
        &app,
        &collab,
        "/api/v1/items",
        &json!({"text": "Ý kiến về trường học."}),
    )
    .await;
    assert_eq!(s, 201);
    assert_ne!(v2["id"], v["id"]);
    // A unit below the caller's (an area of the ward) is in scope; another ward is not.
    let area = app
        .store
        .create_area(None, "00004", "Tổ dân phố số 7", None)
        .await
        .unwrap();
    let (s, _) = post(
        &app,
        &collab,
        "/api/v1/items",
        &json!({"text": "Ở tổ 7.", "unit": area.id.0}),
    )
    .await;
    assert_eq!(s, 201);
    let (s, out) = post(
        &app,
        &collab,
        "/api/v1/items",
        &json!({"text": "Ở Hoàn Kiếm.", "unit": "00070"}),
    )
    .await;
    let (s2, nowhere) = post(
        &app,
        &collab,
        "/api/v1/items",
        &json!({"text": "Ở Hoàn Kiếm.", "unit": "99999"}),
    )
    .await;
    assert_eq!((s, s2), (404, 404));
    assert_eq!(out, nowhere);
    // A viewer may read but not file.
    let (s, _) = post(
        &app,
        &viewer,
        "/api/v1/items",
        &json!({"text": "Ý kiến của người xem."}),
    )
    .await;
    assert_eq!(s, 403);
    // The browser session may file too, with its CSRF token in a header.
    let br = sign_in(&app, "cb@example.org", PW).await;
    let csrf = page_csrf(&app, &br, "/").await;
    let res = br
        .post(app.url("/api/v1/items"))
        .json(&json!({"text": "Gửi từ trình duyệt."}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        403,
        "a session without its CSRF token may not write"
    );
    let res = br
        .post(app.url("/api/v1/items"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"text": "Gửi từ trình duyệt."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    app.cleanup().await;
}

pub async fn api_explains_bad_items(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let t = token(&app, Role::Officer, "00004", "cb@example.org").await;
    let message = |v: &Value| v["error"]["message"].as_str().unwrap_or("").to_string();
    for (body, needle) in [
        (json!({}), "missing field `text`"),
        (json!({"text": "   "}), "needs a text"),
        (
            json!({"text": "x", "chanel": "api"}),
            "unknown field `chanel`",
        ),
        (json!({"text": "x", "channel": "fax"}), "unknown channel"),
        (
            json!({"text": "x", "occurred_at": "hôm qua"}),
            "occurred_at",
        ),
        (json!({"text": "x", "occurred_at": "2099-01-01"}), "future"),
        (
            json!({"text": "x", "confidentiality": "secret"}),
            "confidentiality",
        ),
        (json!({"text": "x", "heard": "rumour"}), "heard"),
        (json!({"text": 5}), "invalid type"),
        (json!(["not", "an", "object"]), "JSON object"),
    ] {
        let (s, v) = post(&app, &t, "/api/v1/items", &body).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert_eq!(v["error"]["code"], "invalid", "{v}");
        assert!(message(&v).contains(needle), "{body}: {v}");
    }
    // Not JSON at all: 400 with a message, never a bare text.
    let res = app
        .bare()
        .post(app.url("/api/v1/items"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{\"text\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert!(!message(&v).is_empty());
    // A text beyond the store's limit, and a body beyond the route's: 413.
    let big = "a".repeat(ykien_store::MAX_TEXT_BYTES + 1);
    let (s, v) = post(&app, &t, "/api/v1/items", &json!({ "text": big })).await;
    assert_eq!(s, 413, "{v}");
    assert_eq!(v["error"]["code"], "too_large");
    let huge = "a".repeat(ykien_web::api::items::MAX_ITEM_BODY + 10);
    let (s, v) = post(&app, &t, "/api/v1/items", &json!({ "text": huge })).await;
    assert_eq!(s, 413, "{v}");
    // Nothing of that was stored.
    assert!(app.stored_items().await.is_empty());
    app.cleanup().await;
}

pub async fn api_batch_answers_per_item(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let t = token(&app, Role::Collaborator, "00004", "ctv@example.org").await;
    let batch = json!([
        {"text": "Phản ánh một", "external_id": "b-1", "source": "import-1"},
        {"text": "Phản ánh một", "external_id": "b-1", "source": "import-1"},
        {"text": "Phản ánh hai", "unit": "00070"},
        {"text": ""},
        {"txt": "sai tên trường"},
        "not an object",
        {"text": "Phản ánh ba", "unit": "99999"},
        {"text": "Phản ánh bốn", "occurred_at": "2026-11-01"},
    ]);
    let (s, v) = post(&app, &t, "/api/v1/items/batch", &batch).await;
    assert_eq!(s, 200, "{v}");
    let r = v["results"].as_array().unwrap();
    let statuses: Vec<&str> = r.iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            "accepted",
            "duplicate",
            "error",
            "error",
            "error",
            "error",
            "error",
            "accepted"
        ]
    );
    for (i, x) in r.iter().enumerate() {
        assert_eq!(x["index"], i);
    }
    assert_eq!(r[0]["id"], r[1]["id"]);
    assert_eq!(
        (
            v["accepted"].as_u64(),
            v["duplicates"].as_u64(),
            v["errors"].as_u64()
        ),
        (Some(2), Some(1), Some(5))
    );
    assert_eq!(
        r[2]["reason"], r[6]["reason"],
        "out of scope reads like missing"
    );
    assert!(r[3]["reason"].as_str().unwrap().contains("needs a text"));
    assert!(r[4]["reason"].as_str().unwrap().contains("txt"));
    // What was accepted is stored; the errors cost only themselves.
    let stored = app.stored_items().await;
    assert_eq!(stored.len(), 2);
    // Too many items: 413 before anything is stored; not an array: 422.
    let many: Vec<Value> = (0..=ykien_web::api::items::MAX_BATCH)
        .map(|i| json!({"text": format!("ý kiến {i}")}))
        .collect();
    let (s, _) = post(&app, &t, "/api/v1/items/batch", &json!(many)).await;
    assert_eq!(s, 413);
    let (s, _) = post(&app, &t, "/api/v1/items/batch", &json!({"text": "x"})).await;
    assert_eq!(s, 422);
    let (s, _) = post(&app, &t, "/api/v1/items/batch", &json!([])).await;
    assert_eq!(s, 422);
    assert_eq!(app.stored_items().await.len(), 2);
    // A full batch of the largest size goes through.
    let full: Vec<Value> = (0..ykien_web::api::items::MAX_BATCH)
        .map(|i| json!({"text": format!("ý kiến số {i}"), "external_id": format!("n{i}"), "source": "bulk"}))
        .collect();
    let (s, v) = post(&app, &t, "/api/v1/items/batch", &json!(full)).await;
    assert_eq!(
        (s, v["accepted"].as_u64()),
        (200, Some(ykien_web::api::items::MAX_BATCH as u64))
    );
    app.cleanup().await;
}
