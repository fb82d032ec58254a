//! The shipped news-topic model (models/vntc-topic.bin) loads and labels plain news
//! sentences written for this test (not taken from the corpus).
use ykien_text::classify::{Classifier, Loss};

static BYTES: &[u8] = include_bytes!("../models/vntc-topic.bin");

#[test]
fn shipped_topic_model_loads_and_labels() {
    let clf = Classifier::from_bytes(BYTES).expect("shipped model must parse");
    let m = clf.model();
    assert_eq!(m.task(), "topic");
    assert_eq!(m.loss(), Loss::Hinge);
    assert_eq!(m.labels().len(), 10);
    assert_eq!(m.to_bytes(), BYTES, "re-serializing gives the same bytes");
    let cases = [
        (
            "Tiền đạo ghi hai bàn giúp câu lạc bộ thắng trận và vào bán kết giải vô địch",
            "The thao",
        ),
        (
            "Bác sĩ khuyến cáo tiêm vắc xin cúm cho trẻ em và người cao tuổi để phòng bệnh",
            "Suc khoe",
        ),
        (
            "Hãng phần mềm tung bản cập nhật hệ điều hành vá lỗ hổng bảo mật cho máy tính",
            "Vi tinh",
        ),
        (
            "Công an bắt giữ nghi phạm trộm cắp tài sản, viện kiểm sát phê chuẩn lệnh tạm giam",
            "Phap luat",
        ),
    ];
    for (text, label) in cases {
        let p = clf.predict(text);
        assert_eq!(p.label, label, "{text}: {p:?}");
        assert!(p.score > 0.3, "{text}: {p:?}");
        let x = clf.explain(text, 5);
        assert!(!x.for_label.is_empty());
    }
}
