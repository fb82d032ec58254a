//! The organization's own taxonomy, end to end on a real SQLite file and, when
//! `YKIEN_TEST_PG_URL` is set, on PostgreSQL: a city administrator adds a topic → activating
//! the version stores and activates a topic model built on it → a worker following the
//! active models files a matching new item under the new topic; items keep their topics when
//! a topic is retired, and the retired topic keeps its name.

use std::sync::Arc;

use ykien_core::Role;
use ykien_listen::learn::{
    RetrainOptions, TAXONOMY_VERSION_KEY, activate_taxonomy, active_taxonomy, rebuild_topic_model,
    refresh_models, save_taxonomy, topic_model_behind_taxonomy, topic_names,
};
use ykien_listen::{Analyze, TextAnalyzer, WorkerConfig, drain, submit};
use ykien_store::{LabelField, LabelValue, StoreError};
use ykien_text::topics::DEFAULT_TAXONOMY;

mod common;

use common::{SIBLING, TestDb, WARD, item};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = crate::TestDb::sqlite().await;
                    crate::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = crate::TestDb::postgres().await else { return };
                    crate::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
    };
}

on_both_backends!(a_new_topic_is_used_by_workers_once_activated,);

/// A topic the shipped taxonomy does not have.
const PETS: &str = r#"
[[topic]]
id = "pets"
name_vi = "Vật nuôi, chó thả rông"
name_en = "Pets and stray dogs"
description = "Dogs without muzzles or leashes, dog bites, pets in public places."
strong_seeds = ["chó thả rông", "rọ mõm", "chó cắn"]
seeds = ["chó", "vật nuôi", "xích chó"]
"#;

const PROBE: &str = "Người dân phản ánh chó thả rông không rọ mõm chạy khắp ngõ, trẻ con rất sợ.";

async fn a_new_topic_is_used_by_workers_once_activated(t: &TestDb) {
    let s = &t.store;
    let admin = t.actor(Role::Admin, "01", "admin@hn.vn").await;
    let ward_admin = t.actor(Role::Admin, WARD, "admin@badinh.vn").await;
    let officer = t.actor(Role::Officer, WARD, "officer@badinh.vn").await;

    // A worker as `ykien serve` runs it: the active models, reloaded when they change.
    let analyzer = Arc::new(TextAnalyzer::default());
    refresh_models(s, &analyzer).await.unwrap();
    let cfg = WorkerConfig {
        analyzer: analyzer.clone(),
        ..WorkerConfig::default()
    };
    let before = submit(s, None, item(WARD, PROBE)).await.unwrap().id;
    drain(s, &cfg, |_| {}).await.unwrap();
    let old_topic = s.item(None, before).await.unwrap().topic.unwrap();
    assert_ne!(old_topic, "pets");

    // Refused: not a city admin or leader; a text that does not parse names its line.
    let with_pets = format!("{DEFAULT_TAXONOMY}\n{PETS}");
    for a in [&ward_admin, &officer] {
        let e = save_taxonomy(s, Some(a), &with_pets, "", true)
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ykien_listen::ListenError::Store(StoreError::Forbidden { .. })
            ),
            "{e:?}"
        );
    }
    let broken = format!("{DEFAULT_TAXONOMY}\n[[topic]]\nid = \"pets\"\nname_vi = \"Vật nuôi\n");
    let e = save_taxonomy(s, Some(&admin), &broken, "", true)
        .await
        .unwrap_err();
    let line = DEFAULT_TAXONOMY.lines().count() + 4;
    assert!(
        e.to_string().contains(&format!("line {line}")),
        "{e} (line {line})"
    );
    assert!(
        s.taxonomy_versions().await.unwrap().is_empty(),
        "nothing saved"
    );
    assert!(s.active_model_versions().await.unwrap().is_empty());

    // Saved without activating: nothing changes for the workers.
    let saved = save_taxonomy(s, Some(&admin), &with_pets, "Thêm chủ đề vật nuôi", false)
        .await
        .unwrap();
    assert_eq!((saved.version.version, saved.version.active), (1, false));
    assert!(saved.model.is_none());
    assert!(!refresh_models(s, &analyzer).await.unwrap());
    assert_eq!(active_taxonomy(s).await.unwrap().1, None);

    // Activated: a topic model on the new taxonomy is stored and activated (no labels yet:
    // the seed terms alone), and the worker picks it up.
    let report = activate_taxonomy(s, Some(&admin), 1).await.unwrap();
    assert_eq!(report.version, Some(1), "{report:?}");
    let (tx, v) = active_taxonomy(s).await.unwrap();
    assert_eq!(v, Some(1));
    assert!(tx.get("pets").is_some());
    let model = s.active_model("topic").await.unwrap().unwrap();
    assert_eq!(model.info.metrics[TAXONOMY_VERSION_KEY], 1);
    assert!(model.bytes.is_empty(), "seed terms only");
    assert!(!topic_model_behind_taxonomy(s).await.unwrap());
    assert!(
        refresh_models(s, &analyzer).await.unwrap(),
        "the worker follows"
    );
    assert_eq!(
        analyzer.analyze(PROBE).unwrap().topic.as_deref(),
        Some("pets")
    );
    let after = submit(s, None, item(SIBLING, &format!("{PROBE} Lần hai.")))
        .await
        .unwrap()
        .id;
    drain(s, &cfg, |_| {}).await.unwrap();
    assert_eq!(
        s.item(None, after).await.unwrap().topic.as_deref(),
        Some("pets")
    );
    assert_eq!(
        s.item(None, before).await.unwrap().topic.as_deref(),
        Some(old_topic.as_str()),
        "items keep their topics"
    );

    // Officers' labels on the new topic: the next taxonomy's model is trained on them; a
    // label of a topic the taxonomy no longer has is left out.
    for i in 0..6 {
        let id = submit(
            s,
            None,
            item(WARD, &format!("Chó nhà bên cạnh sủa suốt đêm, lần {i}")),
        )
        .await
        .unwrap()
        .id;
        drain(s, &cfg, |_| {}).await.unwrap();
        let topic = if i % 2 == 0 { "pets" } else { "environment" };
        s.add_label(
            Some(&officer),
            id,
            LabelField::Topic,
            LabelValue::Code(topic.into()),
        )
        .await
        .unwrap();
    }
    // Version 2 retires "pets" (renamed to nothing: removed) and renames "land".
    let without_pets = DEFAULT_TAXONOMY.replace(
        "name_vi = \"Đất đai, xây dựng\"",
        "name_vi = \"Đất đai và xây dựng\"",
    );
    let saved = save_taxonomy(s, None, &without_pets, "Bỏ chủ đề vật nuôi", true)
        .await
        .unwrap();
    assert!(saved.version.active);
    let m = saved.model.unwrap();
    assert_eq!(m.labels, 3, "only the labels of topics still there: {m:?}");
    let model = s.active_model("topic").await.unwrap().unwrap();
    assert_eq!(model.info.metrics[TAXONOMY_VERSION_KEY], 2);
    assert!(refresh_models(s, &analyzer).await.unwrap());
    assert_ne!(
        analyzer.analyze(PROBE).unwrap().topic.as_deref(),
        Some("pets")
    );
    assert_eq!(
        s.item(None, after).await.unwrap().topic.as_deref(),
        Some("pets"),
        "a retired topic stays on its items"
    );
    let names = topic_names(s).await.unwrap();
    assert_eq!(names.name("pets", false), "Vật nuôi, chó thả rông");
    assert_eq!(names.name("pets", true), "Pets and stray dogs");
    assert!(!names.is_current("pets"));
    assert_eq!(names.name("land", false), "Đất đai và xây dựng");
    assert!(names.is_current("land") && names.is_current("other"));

    // Activated behind the pipeline's back (the store alone): the model is found behind and
    // rebuilt, as `ykien serve`'s periodic check does.
    s.activate_taxonomy(None, 1).await.unwrap();
    assert!(topic_model_behind_taxonomy(s).await.unwrap());
    rebuild_topic_model(s, &RetrainOptions::default())
        .await
        .unwrap();
    assert!(!topic_model_behind_taxonomy(s).await.unwrap());
    assert!(refresh_models(s, &analyzer).await.unwrap());
    assert_eq!(
        analyzer.analyze(PROBE).unwrap().topic.as_deref(),
        Some("pets")
    );
}
