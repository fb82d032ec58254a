use ykien_text::classify::Example;
use ykien_text::sentiment::{
    Lexicon, SentimentLabel, SentimentModel, SentimentModelConfig, sentiment,
};

use SentimentLabel::{Negative, Neutral, Positive};

#[test]
fn lexicon_loads() {
    assert!(
        Lexicon::embedded().len() >= 300,
        "{}",
        Lexicon::embedded().len()
    );
    let e = Lexicon::parse("tốt\t2\nxấu\tbad\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.to_string().contains("line 2"), "{e}");
    assert!(Lexicon::parse("tốt\t5\n").is_err());
    assert!(Lexicon::parse("tốt\t2\ntốt\t1\n").is_err());
}

#[test]
fn plain_polarity() {
    assert_eq!(
        sentiment("Cán bộ phường rất tận tình, cảm ơn các anh").label,
        Positive
    );
    assert_eq!(
        sentiment("Đường xuống cấp, ngập úng, người dân bức xúc").label,
        Negative
    );
    assert_eq!(
        sentiment("Cuộc họp diễn ra lúc 8 giờ sáng thứ hai").label,
        Neutral
    );
    assert_eq!(sentiment("Hôm nay trời mưa").evidence.len(), 0);
}

#[test]
fn negation_flips() {
    assert_eq!(sentiment("hài lòng").label, Positive);
    assert_eq!(sentiment("không hài lòng").label, Negative);
    assert_eq!(
        sentiment("Tôi không hề hài lòng với cách giải quyết").label,
        Negative
    );
    assert_eq!(sentiment("ko hài lòng").label, Negative, "teencode");
    assert_eq!(
        sentiment("khong hai long").label,
        Negative,
        "without diacritics"
    );
    assert_ne!(sentiment("không tệ").label, Negative);
    assert!(sentiment("không tệ").score > 0.0);
    // A complaint made of a negated plain verb.
    assert_eq!(
        sentiment("Đường hỏng ba tháng rồi mà chưa được sửa").label,
        Negative
    );
    assert_eq!(sentiment("Chưa ai đến giải quyết").label, Negative);
    // … but not a question, nor "không chỉ … mà còn".
    assert_eq!(sentiment("Phường có tổ chức họp không?").label, Neutral);
    assert_eq!(sentiment("Ai biết chưa có lịch họp không?").label, Neutral);
    assert_eq!(sentiment("Phố không chỉ sạch mà còn đẹp").label, Positive);
    assert_ne!(sentiment("không quá tệ").label, Negative);
    // Negation does not cross a clause.
    assert_eq!(sentiment("Không, thầy dạy rất tận tình").label, Positive);
}

#[test]
fn intensifiers_scale() {
    let plain = sentiment("tốt").score;
    let very = sentiment("rất tốt").score;
    let after = sentiment("tốt lắm").score;
    let slightly = sentiment("hơi tốt").score;
    assert!(
        very > plain && after > plain && slightly < plain,
        "{slightly} {plain} {very} {after}"
    );
    assert!(sentiment("cực kỳ tệ").score < sentiment("tệ").score);
}

#[test]
fn contrast_weighs_the_second_clause() {
    assert_eq!(
        sentiment("Thủ tục nhanh chóng nhưng cán bộ hách dịch").label,
        Negative
    );
    assert_eq!(
        sentiment("Hơi chậm trễ nhưng cán bộ rất tận tình, chu đáo").label,
        Positive
    );
}

#[test]
fn evidence_points_into_the_original() {
    let text = "Cán bộ  hoà nhã nhưng thủ tục RƯỜM RÀ quá";
    let s = sentiment(text);
    assert_eq!(s.label, Negative);
    let e = s
        .evidence
        .iter()
        .find(|e| e.term == "rườm rà")
        .expect("evidence");
    assert_eq!(&text[e.span.clone()], "RƯỜM RÀ");
    assert!(e.weight < -2.0, "{e:?}");
    assert!((-1.0..=1.0).contains(&s.score) && (0.0..=1.0).contains(&s.confidence));
}

#[test]
fn model_learns_from_corrections() {
    // Officers' vocabulary the lexicon does not know.
    let data = [
        ("đường lại đào lên lần thứ ba", "negative"),
        ("lại đào đường, lại đào lên", "negative"),
        ("đào lên lấp xuống mãi", "negative"),
        ("phường vừa trồng thêm hoa", "positive"),
        ("trồng thêm hoa ven hồ", "positive"),
        ("hoa ven hồ nở đẹp", "positive"),
        ("lịch họp tổ dân phố", "neutral"),
        ("thông báo lịch họp", "neutral"),
    ];
    let ex: Vec<Example<'_>> = data
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();
    let base = SentimentModel::lexicon_only(Lexicon::default());
    assert_eq!(base.sentiment("Đường lại bị đào lên").label, Neutral);
    let m = SentimentModel::train(Lexicon::default(), &ex, cfg_again()).unwrap();
    assert_eq!(m.sentiment("Đường lại bị đào lên").label, Negative);
    let p = m.probabilities("trồng hoa");
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    let bytes = m.classifier_model().expect("trained").to_bytes();
    let model = ykien_text::classify::Model::from_bytes(&bytes).unwrap();
    let back =
        SentimentModel::from_model(Lexicon::default(), model, data.len(), cfg_again()).unwrap();
    assert_eq!(back.probabilities("trồng hoa"), p);
}

fn cfg_again() -> SentimentModelConfig {
    SentimentModelConfig {
        half_weight_labels: 2.0,
        ..SentimentModelConfig::default()
    }
}
