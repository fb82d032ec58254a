//! The classifier learns a small synthetic, separable problem and can say why.
mod classify_common;

use classify_common::synthetic;
use ykien_text::classify::{Classifier, Example, FeatureKind, Loss, TrainConfig, train};

fn examples(rows: &[(String, String)]) -> Vec<Example<'_>> {
    rows.iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect()
}

fn check(loss: Loss, chars: Option<(u8, u8)>) {
    let tr = synthetic(600, 11);
    let te = synthetic(300, 99);
    let mut cfg = TrainConfig::for_task("topic");
    cfg.loss = loss;
    cfg.features.bits = 16;
    cfg.features.char_ngrams = chars;
    let model = train(&examples(&tr), &cfg).expect("train");
    assert_eq!(model.labels(), ["kinh te", "the thao", "y te"]);
    let clf = Classifier::new(model);
    let e = clf.evaluate(&examples(&te));
    assert!(
        e.accuracy() > 0.97,
        "{loss:?} {chars:?}: accuracy {}",
        e.accuracy()
    );

    // No features at all: the biases decide, nothing panics.
    for empty in ["", "   ", "!!! ... ???"] {
        let p = clf.predict(empty);
        assert_eq!(p.scores.len(), 3);
        assert!(clf.explain(empty, 5).for_label.is_empty());
    }

    let p = clf.predict("Cầu thủ ghi bàn trong trận đấu hôm nay");
    assert_eq!(p.label, "the thao");
    let total: f32 = p.scores.iter().map(|s| s.1).sum();
    assert!((total - 1.0).abs() < 1e-4);
    assert!(p.score > 0.5);

    let x = clf.explain("Bác sĩ của bệnh viện cho biết", 3);
    assert_eq!(x.prediction.label, "y te");
    let top: Vec<&str> = x.for_label.iter().map(|c| c.feature.as_str()).collect();
    assert!(
        top.iter().any(
            |f| ["bác", "sĩ", "bác sĩ", "bệnh", "viện", "bệnh viện"].contains(f) || f.contains('<')
        ),
        "{top:?}"
    );
    assert!(x.for_label.iter().all(|c| c.weight > 0.0));
    assert!(x.for_label.windows(2).all(|w| w[0].weight >= w[1].weight));
    assert!(x.against.iter().all(|c| c.weight < 0.0));
}

#[test]
fn learns_synthetic_topics_hinge() {
    check(Loss::Hinge, None);
}

#[test]
fn learns_synthetic_topics_logistic() {
    check(Loss::Logistic, None);
}

#[test]
fn learns_with_character_ngrams_and_unaccented_text() {
    let tr = synthetic(600, 5);
    let mut cfg = TrainConfig::for_task("sentiment");
    cfg.features.bits = 16;
    let model = train(&examples(&tr), &cfg).expect("train");
    let clf = Classifier::new(model);
    // Unaccented input still lands on the folded features.
    assert_eq!(clf.predict("benh vien va bac si dieu tri").label, "y te");
    let x = clf.explain("benh vien va bac si", 10);
    assert!(x.for_label.iter().any(|c| c.folded));
    assert!(
        x.for_label
            .iter()
            .any(|c| c.kind == FeatureKind::CharNgram || c.kind == FeatureKind::Word)
    );
}

#[test]
fn refuses_impossible_training() {
    let one = [Example {
        text: "a",
        label: "x",
    }];
    assert!(train(&one, &TrainConfig::default()).is_err());
    assert!(train(&[], &TrainConfig::default()).is_err());
    let two = [
        Example {
            text: "a",
            label: "x",
        },
        Example {
            text: "b",
            label: "y",
        },
    ];
    let mut cfg = TrainConfig::default();
    cfg.features.bits = 40;
    assert!(train(&two, &cfg).is_err());
}
