//! Learning from officers, end to end on a real SQLite file and, when `YKIEN_TEST_PG_URL` is
//! set, on PostgreSQL: officers correct topics → `retrain` measures old and new models on
//! held-out labels, stores the new one and activates it → workers load it and file similar
//! new items under the corrected topic; a worse model is stored but not activated.

use ykien_core::{Actor, Role};
use ykien_listen::learn::{
    ModelKind, Outcome, PeriodicRetrain, RetrainOptions, refresh_models, retrain, retrain_due,
    worker_config_with_active_models,
};
use ykien_listen::{Analyze, TextAnalyzer, WorkerConfig, drain, submit};
use ykien_store::{LabelField, LabelValue};
use ykien_text::topics::{Taxonomy, TopicModel, TopicModelConfig};

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

on_both_backends!(officers_labels_retrain_the_topic_model_and_workers_follow,);

/// A matter the taxonomy's seed terms do not file where officers want it: stray dogs
/// without muzzles, which officers file under public order (security).
const DOG_OPEN: [&str; 6] = [
    "Người dân phản ánh",
    "Bà con trong ngõ bức xúc vì",
    "Cộng tác viên ghi nhận",
    "Nhiều phụ huynh lo lắng vì",
    "Tổ dân phố báo cáo",
    "Hội người cao tuổi kiến nghị về việc",
];
const DOG_WHAT: [&str; 6] = [
    "chó thả rông không đeo rọ mõm chạy khắp ngõ",
    "mấy con chó to không xích, không rọ mõm đuổi theo người đi bộ",
    "chó nhà hàng xóm thả rông ra đường, đã cắn một cháu bé",
    "đàn chó thả rông sủa và lao vào người đi xe đạp",
    "chủ nuôi chó dắt chó đi dạo không rọ mõm, không dây xích",
    "chó dữ thả rông ở khu tập thể, người già không dám ra ngoài",
];
const DOG_END: [&str; 4] = [
    "đề nghị xử phạt chủ nuôi.",
    "mong phường sớm ra quân bắt chó thả rông.",
    "trẻ con đi học rất nguy hiểm.",
    "nhiều lần nhắc nhở nhưng không thay đổi.",
];

/// Other matters, labelled with the topics their seeds already find, so the classifier
/// learns to tell them apart.
const OTHERS: [(&str, &str); 8] = [
    (
        "Rác thải ùn ứ ở điểm tập kết nhiều ngày không thu gom, bốc mùi hôi",
        "environment",
    ),
    (
        "Mưa lớn làm ngập sâu nhiều tuyến phố, xe chết máy",
        "traffic_urban",
    ),
    (
        "Trạm y tế thiếu thuốc điều trị huyết áp cho người có bảo hiểm y tế",
        "health",
    ),
    (
        "Nhà trường thu nhiều khoản ngoài quy định đầu năm học",
        "education",
    ),
    (
        "Giá thực phẩm tăng cao, thu nhập công nhân giảm",
        "livelihood",
    ),
    ("Trộm cắp xe máy liên tiếp xảy ra vào ban đêm", "security"),
    ("Đền bù giải phóng mặt bằng thấp hơn giá thị trường", "land"),
    (
        "Thủ tục cấp căn cước ở bộ phận một cửa phải chờ lâu",
        "admin_procedures",
    ),
];

fn dog_text(i: usize) -> String {
    format!(
        "{} {} ở tổ {}, {}",
        DOG_OPEN[i % DOG_OPEN.len()],
        DOG_WHAT[(i / DOG_OPEN.len() + i) % DOG_WHAT.len()],
        i + 1,
        DOG_END[i % DOG_END.len()]
    )
}

async fn officers_labels_retrain_the_topic_model_and_workers_follow(t: &TestDb) {
    let s = &t.store;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let leader = t.actor(Role::Leader, "01", "l@x.vn").await;
    let probe = "Chó thả rông không rọ mõm ngoài ngõ làm trẻ con sợ hãi, đề nghị xử lý chủ nuôi.";
    let seeds = TopicModel::seed_only(Taxonomy::embedded().clone());
    let seed_says = seeds.best(&ykien_text::normalize::normalize(probe).text);
    assert_ne!(
        seed_says, "security",
        "the seeds alone must not know this yet"
    );

    // Officers' corrections: 48 stray-dog items → security, 32 others with their topics.
    let mut ids = Vec::new();
    for i in 0..48 {
        let unit = if i % 2 == 0 { WARD } else { SIBLING };
        let id = submit(s, None, item(unit, &dog_text(i))).await.unwrap().id;
        ids.push((id, "security"));
    }
    for i in 0..32 {
        let (text, topic) = OTHERS[i % OTHERS.len()];
        let id = submit(s, None, item(WARD, &format!("{text} (lần {i})")))
            .await
            .unwrap()
            .id;
        ids.push((id, topic));
    }
    drain(s, &WorkerConfig::default(), |_| {}).await.unwrap();
    let p = PeriodicRetrain::default();
    assert!(
        !retrain_due(s, ModelKind::Topic, &p).await.unwrap(),
        "no labels yet"
    );
    for (id, topic) in &ids {
        // The ward officer labels the ward's items, the city leader the sibling ward's.
        let who: &Actor = if s.item(Some(&officer), *id).await.is_ok() {
            &officer
        } else {
            &leader
        };
        s.add_label(
            Some(who),
            *id,
            LabelField::Topic,
            LabelValue::Code((*topic).into()),
        )
        .await
        .unwrap();
    }
    assert!(
        retrain_due(s, ModelKind::Topic, &p).await.unwrap(),
        "labels and no model: due"
    );

    // Retrain: measured on held-out labels, better than the seeds, activated.
    let reports = retrain(s, &RetrainOptions::default()).await.unwrap();
    let topic = reports
        .iter()
        .find(|r| r.model == ModelKind::Topic)
        .unwrap();
    assert_eq!(topic.labels, 80);
    assert_eq!(topic.trained_on + topic.held_out, 80);
    assert!(topic.held_out >= 5, "{topic:?}");
    assert_eq!(topic.outcome, Outcome::Activated, "{topic:?}");
    let (before, after) = (
        topic.before_macro_f1.unwrap(),
        topic.after_macro_f1.unwrap(),
    );
    assert!(
        after > before,
        "the labels teach something: {before} -> {after}"
    );
    assert_eq!(topic.version, Some(1));
    let sentiment = reports
        .iter()
        .find(|r| r.model == ModelKind::Sentiment)
        .unwrap();
    assert_eq!(
        sentiment.outcome,
        Outcome::Skipped,
        "no sentiment labels: {sentiment:?}"
    );
    assert_eq!(
        s.active_model_versions().await.unwrap(),
        vec![("topic".to_string(), 1)]
    );
    assert!(
        !retrain_due(s, ModelKind::Topic, &p).await.unwrap(),
        "nothing new since"
    );

    // A running worker's analyzer notices the new version (the check workers make every
    // 30 s) and files similar text under the corrected topic.
    let analyzer = TextAnalyzer::default();
    assert_eq!(
        analyzer.analyze(probe).unwrap().topic.as_deref(),
        Some(seed_says.as_str())
    );
    assert!(
        refresh_models(s, &analyzer).await.unwrap(),
        "a new model was loaded"
    );
    assert_eq!(analyzer.versions().topic, Some(1));
    assert!(
        !refresh_models(s, &analyzer).await.unwrap(),
        "same version: nothing to load"
    );
    let rec = analyzer.analyze(probe).unwrap();
    assert_eq!(rec.topic.as_deref(), Some("security"), "{}", rec.analysis);
    assert_eq!(rec.analysis["models"]["topic"], 1);
    // So does a new item through the queue.
    let new = submit(s, None, item(WARD, probe)).await.unwrap().id;
    let cfg = worker_config_with_active_models(s).await;
    drain(s, &cfg, |_| {}).await.unwrap();
    assert_eq!(
        s.item(None, new).await.unwrap().topic.as_deref(),
        Some("security")
    );

    // A worse model (the classifier given almost no weight: about the seeds alone) is
    // stored, measured, and not activated; the current one stays.
    let worse = RetrainOptions {
        only: vec![ModelKind::Topic],
        topic: TopicModelConfig {
            half_weight_labels: 1.0e9,
            ..TopicModelConfig::default()
        },
        ..RetrainOptions::default()
    };
    let r = retrain(s, &worse).await.unwrap().remove(0);
    assert_eq!(r.outcome, Outcome::Kept, "{r:?}");
    assert!(
        r.after_macro_f1.unwrap() < r.before_macro_f1.unwrap(),
        "{r:?}"
    );
    assert!(r.reason.contains("worse"), "{}", r.reason);
    assert_eq!(r.version, Some(2));
    assert_eq!(r.previous_version, Some(1));
    assert_eq!(
        s.active_model_versions().await.unwrap(),
        vec![("topic".to_string(), 1)]
    );
    let models = s.list_models().await.unwrap();
    assert_eq!(models.len(), 2);
    assert!(models.iter().any(|m| m.version == 2 && !m.active));
    assert!(
        !refresh_models(s, &analyzer).await.unwrap(),
        "workers keep version 1"
    );
    // Forced, it is activated, and workers follow.
    let forced = RetrainOptions {
        force: true,
        ..worse
    };
    let r = retrain(s, &forced).await.unwrap().remove(0);
    assert_eq!(r.outcome, Outcome::Activated);
    assert!(refresh_models(s, &analyzer).await.unwrap());
    assert_eq!(analyzer.versions().topic, Some(3));
}
