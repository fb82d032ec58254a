use ykien_text::classify::Example;
use ykien_text::topics::{
    OTHER_ID, Taxonomy, TopicModel, TopicModelConfig, margin, select_diverse,
};

#[test]
fn selection_prefers_uncertain_items_and_is_deterministic() {
    let m = TopicModel::seed_only(Taxonomy::default());
    let candidates = [
        "Tiền đền bù giải phóng mặt bằng, sổ đỏ, thu hồi đất, tái định cư",
        // Two topics equally: the model cannot decide.
        "Bệnh viện xả nước thải ra môi trường",
        "Đền bù giải phóng mặt bằng, thu hồi đất và sổ đỏ cho dân",
        "Học phí và bảo hiểm y tế",
    ];
    let pick = m.suggest_for_labelling(&candidates, 2);
    assert_eq!(pick, m.suggest_for_labelling(&candidates, 2));
    let margins: Vec<f32> = candidates
        .iter()
        .map(|c| margin(&m.probabilities(c)))
        .collect();
    assert!(
        margins[1] < margins[0] && margins[3] < margins[2],
        "{margins:?}"
    );
    assert_eq!(pick.len(), 2);
    assert!(
        pick.contains(&1) && pick.contains(&3),
        "{pick:?} {margins:?}"
    );
}

#[test]
fn near_duplicates_are_not_chosen_twice() {
    let a = "Người dân phản ánh đường Nguyễn Trãi ngập sâu sau mưa lớn chiều qua";
    let b = "Người dân phản ánh đường Nguyễn Trãi ngập sâu sau mưa lớn chiều qua!";
    let c = "Trạm y tế phường thiếu thuốc điều trị huyết áp cho người cao tuổi";
    let picked = select_diverse(&[a, b, c], &[0.1, 0.1, 0.5], 2);
    assert_eq!(picked, vec![0, 2]);
}

#[test]
fn training_moves_the_model_toward_labels() {
    let tx = Taxonomy::default();
    // "phố đi bộ" means nothing to the seeds; officers file it under urban order.
    let texts = [
        ("Phố đi bộ cuối tuần đông quá", "traffic_urban"),
        ("Phố đi bộ Hồ Gươm ồn ào đến khuya", "traffic_urban"),
        ("Mở rộng phố đi bộ quanh hồ", "traffic_urban"),
        ("Tiền đền bù giải phóng mặt bằng quá thấp", "land"),
        ("Đòi sổ đỏ mãi chưa được cấp", "land"),
        ("Thu hồi đất làm dự án", "land"),
        ("Chuyện trò linh tinh", OTHER_ID),
    ];
    let ex: Vec<Example<'_>> = texts
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();
    let seed = TopicModel::seed_only(tx.clone());
    assert_eq!(seed.best("Phố đi bộ tối thứ bảy"), OTHER_ID);
    let cfg = TopicModelConfig {
        half_weight_labels: 3.0,
        ..TopicModelConfig::default()
    };
    let m = TopicModel::train(tx, &ex, cfg).unwrap();
    assert!(m.classifier_weight() > 0.1);
    assert_eq!(m.best("Phố đi bộ tối thứ bảy"), "traffic_urban");
    assert_eq!(m.best("đền bù giải phóng mặt bằng chậm"), "land");
    let bad = [Example {
        text: "x",
        label: "no_such_topic",
    }];
    assert!(TopicModel::train(Taxonomy::default(), &bad, TopicModelConfig::default()).is_err());
}

#[test]
fn a_trained_model_survives_a_round_trip_through_bytes() {
    use ykien_text::classify::Model;
    let data = [
        ("Tiền đền bù giải phóng mặt bằng quá thấp", "land"),
        ("Thu hồi đất làm dự án", "land"),
        ("Bãi rác bốc mùi hôi thối", "environment"),
        ("Nước thải chảy ra kênh", "environment"),
    ];
    let ex: Vec<Example<'_>> = data
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();
    let m = TopicModel::train(Taxonomy::default(), &ex, TopicModelConfig::default()).unwrap();
    let bytes = m.classifier_model().expect("trained").to_bytes();
    let back = TopicModel::from_model(
        Taxonomy::default(),
        Model::from_bytes(&bytes).unwrap(),
        m.labels_used(),
        TopicModelConfig::default(),
    )
    .unwrap();
    let text = "rác thải và đền bù";
    assert_eq!(m.probabilities(text), back.probabilities(text));
}
