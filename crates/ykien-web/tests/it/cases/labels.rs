//! Officers' corrections over the JSON API: a ward officer corrects an item's topic,
//! sentiment, spam verdict and places; the item reflects them at once and keeps them through
//! a re-analysis; another ward's officer cannot see the item (404), a viewer may not correct
//! it (403), and a value outside the taxonomy is explained (422).

use serde_json::{Value, json};
use ykien_core::Role;
use ykien_store::Confidentiality;

use crate::Backend;
use crate::harness::{App, test_config};

async fn token(app: &App, role: Role, unit: &str, email: &str) -> String {
    let id = app.user(role, unit, email, None).await;
    app.store.create_token(None, id, "test").await.unwrap().0
}

async fn call(
    app: &App,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let c = app.bare();
    let mut req = match method {
        "POST" => c.post(app.url(path)),
        _ => c.get(app.url(path)),
    }
    .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn officers_correct_items_and_the_corrections_stick(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let text = "Người dân tổ dân phố số 3 phản ánh có mùi hôi bốc lên từ cống thoát nước.";
    let item = super::items::file_as_system(&app, "00004", text, Confidentiality::Normal).await;
    let done = ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
    assert!(done.analyzed >= 1);
    let before = app.store.item(None, item).await.unwrap();
    assert_eq!(before.status, "analyzed");

    let officer = token(&app, Role::Officer, "00004", "canbo@badinh.test").await;
    let other_ward = token(&app, Role::Officer, "00070", "canbo@hoankiem.test").await;
    let viewer = token(&app, Role::Viewer, "00004", "xem@badinh.test").await;
    let path = format!("/api/v1/items/{item}/labels");

    // Another ward's officer: the item does not exist for them, whatever the body.
    let (s, _) = call(
        &app,
        &other_ward,
        "POST",
        &path,
        Some(json!({"field": "topic", "value": "health"})),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = call(&app, &other_ward, "GET", &path, None).await;
    assert_eq!(s, 404);
    // A viewer sees the item but may not correct it.
    let (s, _) = call(
        &app,
        &viewer,
        "POST",
        &path,
        Some(json!({"field": "topic", "value": "health"})),
    )
    .await;
    assert_eq!(s, 403);
    // Values outside the taxonomy and malformed values are explained.
    let (s, v) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "topic", "value": "weather"})),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(
        v.to_string().contains("environment"),
        "the message lists the topics: {v}"
    );
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "mood", "value": "x"})),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "places", "value": "00004"})),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "places", "value": ["nowhere"]})),
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        app.store.item_labels(None, item).await.unwrap().is_empty(),
        "refusals store nothing"
    );

    // The officer's corrections: stored with the old value, applied to the item.
    let (s, v) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "topic", "value": "health"})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["new_value"], "health");
    assert_eq!(v["old_value"], json!(before.topic));
    assert_eq!(v["field"], "topic");
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "sentiment", "value": "negative"})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "spam", "value": true})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, v) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "places", "value": ["00004", "00070"]})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["new_value"], r#"["00004","00070"]"#);

    let now = app.store.item(None, item).await.unwrap();
    assert_eq!(now.topic.as_deref(), Some("health"));
    assert_eq!(now.sentiment.as_deref(), Some("negative"));
    assert_eq!(now.spam_label.as_deref(), Some("other"));
    assert!(now.is_hidden, "marked as spam: hidden");

    // Not spam after all: shown again; the latest label wins.
    let (s, _) = call(
        &app,
        &officer,
        "POST",
        &path,
        Some(json!({"field": "spam", "value": "none"})),
    )
    .await;
    assert_eq!(s, 201);
    assert!(!app.store.item(None, item).await.unwrap().is_hidden);

    // Everyone who may see the item may read its corrections; each one is audited.
    let (s, v) = call(&app, &viewer, "GET", &path, None).await;
    assert_eq!(s, 200);
    assert_eq!(v.as_array().unwrap().len(), 5, "{v}");
    assert_eq!(v[0]["actor_name"], "officer 00004");
    let audits = app.store.audit_tail(None, 200).await.unwrap();
    assert_eq!(
        audits.iter().filter(|e| e.action == "item.label").count(),
        5
    );

    // A re-analysis does not overwrite the officer's word.
    app.store.requeue_analysis(item).await.unwrap();
    let done = ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(done.analyzed, 1, "the item was analyzed again");
    let after = app.store.item(None, item).await.unwrap();
    assert_eq!(after.topic.as_deref(), Some("health"));
    assert_eq!(after.sentiment.as_deref(), Some("negative"));
    assert_eq!(after.spam_label.as_deref(), Some("none"));
    assert!(!after.is_hidden);
    app.cleanup().await;
}

/// A topic the organization added to its taxonomy can be taught at once: the label API and the
/// report form check topics against the active taxonomy, not the shipped one.
pub async fn a_topic_the_organization_added_is_accepted(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let text = "Người dân phản ánh chợ tạm lấn chiếm vỉa hè trước cổng trường.";
    let item = super::items::file_as_system(&app, "00004", text, Confidentiality::Normal).await;
    let officer = token(&app, Role::Officer, "00004", "canbo@badinh.test").await;
    let path = format!("/api/v1/items/{item}/labels");
    let label = json!({ "field": "topic", "value": "cho_tam" });
    let (status, body) = call(&app, &officer, "POST", &path, Some(label.clone())).await;
    assert_eq!(status, 422, "not in the shipped taxonomy yet: {body}");

    let mut source = ykien_text::topics::DEFAULT_TAXONOMY.to_string();
    source.push_str(
        "\n[[topic]]\nid = \"cho_tam\"\nname_vi = \"Chợ tạm, chợ cóc\"\nname_en = \
         \"Makeshift markets\"\ndescription = \"Chợ tạm lấn chiếm lòng đường, vỉa hè.\"\n\
         seeds = [\"chợ tạm\", \"chợ cóc\"]\n",
    );
    ykien_listen::learn::save_taxonomy(&app.store, None, &source, "test", true)
        .await
        .unwrap();
    let (status, body) = call(&app, &officer, "POST", &path, Some(label)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        app.store.item(None, item).await.unwrap().topic.as_deref(),
        Some("cho_tam")
    );
}
