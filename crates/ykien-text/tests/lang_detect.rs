use ykien_text::lang::{Lang, detect, detect_sentences};

#[test]
fn tells_the_four_classes_apart() {
    let vi = detect("Cử tri phản ánh tình trạng ngập úng kéo dài tại tổ dân phố số 5.");
    assert_eq!(vi.lang, Lang::Vietnamese);
    assert!(vi.confidence > 0.6);
    let plain = detect("cu tri phan anh tinh trang ngap ung keo dai tai to dan pho so 5");
    assert_eq!(plain.lang, Lang::VietnameseNoDiacritics);
    let en = detect("The residents asked the city to repair the road before the rainy season.");
    assert_eq!(en.lang, Lang::English);
    let fr = detect(
        "Les habitants demandent à la ville de réparer la route avant la saison des pluies.",
    );
    assert_eq!((fr.lang, fr.other), (Lang::Other, Some("fr")));
    let id = detect("Warga meminta kota untuk memperbaiki jalan yang rusak sebelum musim hujan.");
    assert_eq!((id.lang, id.other), (Lang::Other, Some("id")));
    let zh = detect("居民要求市政府在雨季之前修好道路。");
    assert_eq!((zh.lang, zh.other), (Lang::Other, Some("zh")));
    assert_eq!(detect("12345 !!!").lang, Lang::Other);
}

#[test]
fn labels_each_sentence() {
    let text = "Xin chào các bạn. This road is broken! Đường này hỏng rồi.";
    let got: Vec<_> = detect_sentences(text)
        .into_iter()
        .map(|(r, g)| (&text[r], g.lang))
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].1, Lang::Vietnamese);
    assert_eq!(got[1].1, Lang::English);
    assert_eq!(got[2].1, Lang::Vietnamese);
    assert_eq!(got[1].0.trim(), "This road is broken!");
}
