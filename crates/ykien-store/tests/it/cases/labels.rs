//! Officers' labels and stored models. The analysis records are written by hand (the store
//! does not read Vietnamese); ykien-listen's and ykien-web's tests run the real pipeline.

use std::time::Duration;

use ykien_core::Role;
use ykien_store::{
    AnalysisRecord, Channel, Confidentiality, LabelField, LabelValue, NewItem, NewModel,
    OpinionReport, StoreError,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

fn new_item(unit: &str, text: &str, c: Confidentiality) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "label-test".into(),
        channel: Channel::Import,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: c,
        dedup_text: String::new(),
    }
}

/// What the pipeline would have read: always "other", neutral, not spam, in the ward.
fn reading() -> AnalysisRecord {
    AnalysisRecord {
        analysis: serde_json::json!({ "pii": [] }),
        language: Some("vi".into()),
        spam_label: Some("none".into()),
        spam_score: Some(0.0),
        is_hidden: false,
        sentiment: Some("neutral".into()),
        topic: Some("other".into()),
        text_masked: "x".into(),
        search_text: "x".into(),
        places: vec![(WARD.into(), 0..4)],
    }
}

async fn analyze_all(t: &TestDb) -> usize {
    let mut n = 0;
    while let Some(job) = t
        .store
        .claim_job("test", Duration::from_secs(60))
        .await
        .unwrap()
    {
        assert!(t.store.complete_analysis(&job, &reading()).await.unwrap());
        n += 1;
    }
    n
}

fn code(s: &str) -> LabelValue {
    LabelValue::Code(s.into())
}

pub async fn labels_are_scoped_applied_audited_and_outlast_reanalysis(t: &TestDb) {
    let store = t.with_units().await;
    let item = store
        .submit_item(
            None,
            new_item(WARD, "Cống thoát nước bốc mùi", Confidentiality::Normal),
        )
        .await
        .unwrap()
        .id;
    let secret = store
        .submit_item(
            None,
            new_item(WARD, "Tin cần hạn chế", Confidentiality::Restricted),
        )
        .await
        .unwrap()
        .id;
    assert_eq!(analyze_all(t).await, 2);

    let officer = t.actor(Role::Officer, WARD, "o@x.test").await;
    let other_ward = t.actor(Role::Officer, SIBLING, "o2@x.test").await;
    let viewer = t.actor(Role::Viewer, WARD, "v@x.test").await;
    let collaborator = t.actor(Role::Collaborator, WARD, "c@x.test").await;
    let city_leader = t.actor(Role::Leader, "01", "l@x.test").await;

    // Out of scope: not found; in scope but not a handler: forbidden; nothing written.
    let e = store
        .add_label(
            Some(&other_ward),
            item,
            LabelField::Topic,
            code("environment"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    for a in [&viewer, &collaborator] {
        let e = store
            .add_label(Some(a), item, LabelField::Topic, code("environment"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
        // A restricted item does not exist for them at all.
        let e = store
            .add_label(Some(a), secret, LabelField::Topic, code("environment"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    }
    let e = store
        .add_label(
            Some(&officer),
            999_999,
            LabelField::Topic,
            code("environment"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound));
    // Malformed values.
    for (f, v) in [
        (LabelField::Topic, code("Môi trường")),
        (LabelField::Sentiment, code("angry")),
        (LabelField::Spam, code("yes")),
        (LabelField::Places, code("00004")),
        (LabelField::Places, LabelValue::Units(vec!["99999".into()])),
        (LabelField::Topic, LabelValue::Units(vec![WARD.into()])),
    ] {
        let e = store
            .add_label(Some(&officer), item, f, v)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM labels").await, 0);

    // The officer's corrections: stored with the old value, applied at once, audited.
    let l = store
        .add_label(Some(&officer), item, LabelField::Topic, code("environment"))
        .await
        .unwrap();
    assert_eq!(l.old_value.as_deref(), Some("other"));
    assert_eq!(l.new_value, "environment");
    assert_eq!(l.actor_user_id, Some(officer.user_id));
    assert_eq!(l.actor_name.as_deref(), Some(officer.name.as_str()));
    store
        .add_label(
            Some(&officer),
            item,
            LabelField::Sentiment,
            code("negative"),
        )
        .await
        .unwrap();
    store
        .add_label(Some(&officer), item, LabelField::Spam, code("advertising"))
        .await
        .unwrap();
    let places = store
        .add_label(
            Some(&city_leader),
            item,
            LabelField::Places,
            LabelValue::Units(vec![SIBLING.into(), WARD.into(), SIBLING.into()]),
        )
        .await
        .unwrap();
    assert_eq!(places.old_value.as_deref(), Some(r#"["00004"]"#));
    assert_eq!(places.new_value, r#"["00004","00008"]"#);
    let it = store.item(None, item).await.unwrap();
    assert_eq!(it.topic.as_deref(), Some("environment"));
    assert_eq!(it.sentiment.as_deref(), Some("negative"));
    assert_eq!(it.spam_label.as_deref(), Some("advertising"));
    assert!(it.is_hidden);
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM item_places WHERE item_id = {item}"
        ))
        .await,
        2
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.label'")
            .await,
        4
    );
    // The officer who may see the restricted item may correct it.
    store
        .add_label(Some(&officer), secret, LabelField::Spam, code("none"))
        .await
        .unwrap();

    // A re-analysis writes the pipeline's reading, then the labels go back on top.
    store
        .add_label(Some(&officer), item, LabelField::Spam, code("none"))
        .await
        .unwrap();
    store.requeue_analysis(item).await.unwrap();
    assert_eq!(analyze_all(t).await, 1);
    let it = store.item(None, item).await.unwrap();
    assert_eq!(it.topic.as_deref(), Some("environment"));
    assert_eq!(it.sentiment.as_deref(), Some("negative"));
    assert_eq!(
        it.spam_label.as_deref(),
        Some("none"),
        "the newest label wins"
    );
    assert!(!it.is_hidden);
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM item_places WHERE item_id = {item}"
        ))
        .await,
        2,
        "the officer's places survive the re-analysis"
    );
    // An item without labels takes the new reading as it is.
    assert_eq!(
        store.item(None, secret).await.unwrap().topic.as_deref(),
        Some("other")
    );

    // Reading the labels: whoever may see the item; the export is scoped.
    assert_eq!(
        store.item_labels(Some(&viewer), item).await.unwrap().len(),
        5
    );
    assert!(matches!(
        store.item_labels(Some(&other_ward), item).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.labels_after(None, 0, 100).await.unwrap().len(), 6);
    assert_eq!(
        store
            .labels_after(Some(&viewer), 0, 100)
            .await
            .unwrap()
            .len(),
        5,
        "the restricted item's label is not the viewer's to see"
    );
    assert!(
        store
            .labels_after(Some(&other_ward), 0, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // Training data: the newest label of each item.
    let topics = store.labelled_texts(LabelField::Topic).await.unwrap();
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0].value, "environment");
    assert_eq!(topics[0].text, "Cống thoát nước bốc mùi");
    let spam = store.labelled_texts(LabelField::Spam).await.unwrap();
    assert_eq!(spam.len(), 2);
    assert!(spam.iter().all(|s| s.value == "none"));
    let last = store.last_label_id(LabelField::Spam).await.unwrap();
    assert_eq!(store.labels_since(LabelField::Spam, 0).await.unwrap(), 3);
    assert_eq!(store.labels_since(LabelField::Spam, last).await.unwrap(), 0);
}

pub async fn models_are_versioned_with_one_active(t: &TestDb) {
    let store = &t.store;
    assert!(store.active_model_versions().await.unwrap().is_empty());
    assert!(store.active_model("topic").await.unwrap().is_none());
    let m = |bytes: &[u8], activate| NewModel {
        name: "topic".into(),
        bytes: bytes.to_vec(),
        label_count: 10,
        last_label: 3,
        metrics: serde_json::json!({"after_macro_f1": 0.5}),
        activate,
    };
    let v1 = store.save_model(m(b"one", true)).await.unwrap();
    assert_eq!((v1.version, v1.active, v1.size), (1, true, 3));
    let v2 = store.save_model(m(b"two!", false)).await.unwrap();
    assert_eq!((v2.version, v2.active), (2, false));
    assert_eq!(
        store.active_model_versions().await.unwrap(),
        vec![("topic".to_string(), 1)]
    );
    assert_eq!(
        store.active_model("topic").await.unwrap().unwrap().bytes,
        b"one"
    );
    let v3 = store.save_model(m(&[0, 255, 7], true)).await.unwrap();
    assert_eq!(v3.version, 3);
    let active = store.active_model("topic").await.unwrap().unwrap();
    assert_eq!(active.bytes, vec![0, 255, 7], "bytes round-trip exactly");
    assert_eq!(active.info.metrics["after_macro_f1"], 0.5);
    // Roll back to version 1: exactly one active.
    store.activate_model("topic", 1).await.unwrap();
    assert_eq!(t.count("SELECT COUNT(*) FROM models WHERE active").await, 1);
    assert_eq!(
        store
            .active_model("topic")
            .await
            .unwrap()
            .unwrap()
            .info
            .version,
        1
    );
    assert!(matches!(
        store.activate_model("topic", 9).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.activate_model("spam", 1).await,
        Err(StoreError::Invalid { .. })
    ));
    // The database itself refuses two active versions of one model.
    assert!(
        t.exec("UPDATE models SET active = TRUE WHERE name = 'topic'")
            .await
            .is_err()
    );
    let list = store.list_models().await.unwrap();
    assert_eq!(
        list.iter().map(|m| m.version).collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'model'")
            .await,
        4
    );
}
