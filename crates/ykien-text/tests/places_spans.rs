use proptest::prelude::*;
use ykien_text::places::Gazetteer;

const NAMES: &[(&str, &str)] = &[
    ("phường Thụy Phương", "Phường Thụy Phương"),
    ("quận Bắc Từ Liêm", "Quận Bắc Từ Liêm"),
    ("tỉnh Nghệ An", "Tỉnh Nghệ An"),
    ("TP.HCM", "Thành phố Hồ Chí Minh"),
    ("huyện Gio Linh", "Huyện Gio Linh"),
    ("xã Thượng Cát", "Phường Thượng Cát"),
];

const FILLERS: &[&str] = &[
    "Cử tri",
    "phản ánh tình trạng ngập úng",
    "đề nghị sớm khắc phục",
    "ngày 12/3/2025",
    "ông Nguyễn Văn A cho biết",
    "🙂 rất bức xúc!!!",
    "trên địa bàn",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever surrounds them, the names are found and their spans cut the original text
    /// exactly, multi-byte characters and emoji included.
    #[test]
    fn spans_cut_the_original_text(
        picks in prop::collection::vec((0..NAMES.len(), 0..FILLERS.len()), 1..5),
        lead in 0..FILLERS.len(),
    ) {
        let mut text = FILLERS[lead].to_string();
        let mut expected = Vec::new();
        for (n, f) in &picks {
            text.push_str(if text.is_empty() { "" } else { ", " });
            text.push_str(NAMES[*n].0);
            expected.push(NAMES[*n].1);
            text.push_str(", ");
            text.push_str(FILLERS[*f]);
        }
        let found = Gazetteer::default().find_places(&text);
        for m in &found {
            prop_assert_eq!(&text[m.span.clone()], m.text.as_str());
        }
        let got: Vec<&str> = found.iter().map(|m| m.unit.name).collect();
        prop_assert_eq!(got, expected, "{}", text);
    }
}
