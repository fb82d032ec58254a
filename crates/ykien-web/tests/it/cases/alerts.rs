//! Alerts in the app: the API lists, shows (with items), acknowledges and closes the alerts of
//! the caller's subtree; the page lists them; other roles and other subtrees see none.

use reqwest::Method;
use serde_json::Value;
use ykien_core::Role;
use ykien_store::{AlertKind, AlertSeverity, Confidentiality, NewAlert};

use crate::Backend;
use crate::harness::{App, sign_in, test_config};

const PW: &str = "a long enough password";

async fn token(app: &App, role: Role, unit: &str, email: &str) -> String {
    let id = app.user(role, unit, email, Some(PW)).await;
    app.store.create_token(None, id, "test").await.unwrap().0
}

async fn call(app: &App, token: &str, method: Method, path: &str) -> (u16, Value) {
    let res = app
        .bare()
        .request(method, app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn api_and_page_show_alerts_in_scope(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let item = super::items::file_as_system(
        &app,
        "00004",
        "Rác thải ùn ứ, bốc mùi hôi thối ở ngõ 12",
        Confidentiality::Normal,
    )
    .await;
    let id = app
        .store
        .raise_alert(&NewAlert {
            unit_id: "00004".into(),
            kind: AlertKind::Burst,
            severity: AlertSeverity::Normal,
            title: "Đột biến: 9 ý kiến về Môi trường tại Phường Ba Đình".into(),
            details: serde_json::json!({ "observed": 9, "expected": 0.8, "ratio": 11.25 }),
            item_ids: vec![item],
            dedup_key: "burst:00004:environment".into(),
        })
        .await
        .unwrap()
        .unwrap();
    let officer = token(&app, Role::Officer, "00004", "o@x.vn").await;
    let viewer = token(&app, Role::Viewer, "00004", "v@x.vn").await;
    let elsewhere = token(&app, Role::Officer, "00070", "h@x.vn").await;

    let (s, list) = call(&app, &officer, Method::GET, "/api/v1/alerts").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["kind"], "burst");
    assert_eq!(list[0]["details"]["ratio"], 11.25);
    let (s, list) = call(&app, &officer, Method::GET, "/api/v1/alerts?kind=keyword").await;
    assert_eq!((s, list.as_array().unwrap().len()), (200, 0));
    let (s, _) = call(&app, &officer, Method::GET, "/api/v1/alerts?kind=nonsense").await;
    assert_eq!(s, 400);
    let path = format!("/api/v1/alerts/{id}");
    let (s, one) = call(&app, &officer, Method::GET, &path).await;
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["items"][0]["id"], item);
    assert!(
        one["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Rác thải")
    );
    assert_eq!(one["deliveries"], Value::Array(vec![]));

    // Other roles: none listed, 403 on one; another subtree: none, 404.
    let (s, list) = call(&app, &viewer, Method::GET, "/api/v1/alerts").await;
    assert_eq!((s, list.as_array().unwrap().len()), (200, 0));
    assert_eq!(call(&app, &viewer, Method::GET, &path).await.0, 403);
    let (s, list) = call(&app, &elsewhere, Method::GET, "/api/v1/alerts").await;
    assert_eq!((s, list.as_array().unwrap().len()), (200, 0));
    assert_eq!(call(&app, &elsewhere, Method::GET, &path).await.0, 404);
    assert_eq!(
        call(&app, &elsewhere, Method::POST, &format!("{path}/close"))
            .await
            .0,
        404
    );

    // Acknowledge once; close; a closed alert stays closed.
    let (s, a) = call(&app, &officer, Method::POST, &format!("{path}/acknowledge")).await;
    assert_eq!((s, a["status"].as_str()), (200, Some("acknowledged")));
    let (s, _) = call(&app, &officer, Method::POST, &format!("{path}/acknowledge")).await;
    assert_eq!(s, 409);
    let (s, a) = call(&app, &officer, Method::POST, &format!("{path}/close")).await;
    assert_eq!((s, a["status"].as_str()), (200, Some("closed")));

    // The page: the officer sees the alert, a viewer a note.
    let c = sign_in(&app, "o@x.vn", PW).await;
    let html = c
        .get(app.url("/alerts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("data-alert-id=\"{id}\"")), "{html}");
    assert!(html.contains("Phường Ba Đình"));
    let v = sign_in(&app, "v@x.vn", PW).await;
    let html = v
        .get(app.url("/alerts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("data-alert-id"));
    assert!(html.contains("cán bộ xử lý"), "{html}");
    app.cleanup().await;
}
