use ykien_text::keywords::{
    DfModel, Keywords, is_edge_stopword, is_stopword, keyphrases, syllables,
};

const REPORT: &str = "Cử tri phường Thụy Phương phản ánh tình trạng ngập úng kéo dài tại tổ dân phố số 5 \
mỗi khi mưa lớn. Hệ thống thoát nước của khu dân cư đã xuống cấp, cống thoát nước bị tắc. \
Cử tri đề nghị thành phố sớm đầu tư cải tạo hệ thống thoát nước và nâng cấp mặt đường.";

#[test]
fn the_embedded_model_is_loaded() {
    let m = DfModel::embedded();
    assert!(m.docs > 30_000, "{}", m.docs);
    assert!(m.len() > 10_000);
    assert!(m.df("thoat nuoc") > 0);
    assert!(m.cohesion("thoat", "nuoc") > m.cohesion("nuoc", "cua"));
}

#[test]
fn finds_multi_syllable_phrases_with_spans() {
    let found = keyphrases(REPORT, 5);
    assert!(!found.is_empty());
    let texts: Vec<&str> = found.iter().map(|k| k.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("thoát nước")), "{texts:?}");
    assert!(
        found.iter().filter(|k| k.len >= 2).count() >= 3,
        "{texts:?}"
    );
    for k in &found {
        for s in &k.spans {
            assert_eq!(REPORT[s.clone()].to_lowercase(), k.text);
        }
        let words: Vec<&str> = k.text.split(' ').collect();
        assert!(
            !is_edge_stopword(words[0]) && !is_edge_stopword(words[words.len() - 1]),
            "{}",
            k.text
        );
        assert!(!is_stopword(&k.text), "{}", k.text);
    }
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn diacritics_do_not_change_the_phrases() {
    let plain: String = ykien_text::fold::fold(REPORT);
    let a: Vec<String> = keyphrases(REPORT, 5).into_iter().map(|k| k.key).collect();
    let b: Vec<String> = keyphrases(&plain, 5).into_iter().map(|k| k.key).collect();
    // Stop words are looked up folded in plain text, which may drop a different unigram.
    let common = a.iter().filter(|k| b.contains(k)).count();
    assert!(common >= 3, "{a:?} {b:?}");
    assert_eq!(a[0], b[0]);
}

#[test]
fn accepts_pre_segmented_words() {
    // Words as a segmenter would give them: "thoát nước" is one word.
    let text = "hệ thống thoát nước bị tắc, thoát nước kém";
    let syl = syllables(text);
    let mut words = Vec::new();
    let mut i = 0;
    while i < syl.len() {
        let join = matches!(syl[i].folded.as_str(), "he" | "thoat") && i + 1 < syl.len();
        let n = if join { 2 } else { 1 };
        let part = &syl[i..i + n];
        words.push(ykien_text::keywords::Unit::new(
            text,
            part[0].span.start..part[n - 1].span.end,
            part[0].boundary_before,
        ));
        i += n;
    }
    let found = Keywords::default().extract_words(text, &words, 3);
    assert!(
        found.iter().any(|k| k.key.contains("thoat nuoc")),
        "{found:?}"
    );
    // Words stay whole: no phrase starts inside "hệ thống" or ends inside "thoát nước".
    assert!(
        found
            .iter()
            .all(|k| !k.key.starts_with("thong") && !k.key.ends_with("thoat"))
    );
    assert!(found.iter().all(|k| {
        k.spans
            .iter()
            .all(|s| text[s.clone()].to_lowercase() == k.text)
    }));
}

#[test]
fn stopword_only_text_has_no_phrases() {
    assert!(keyphrases("và của thì là mà", 5).is_empty());
}
