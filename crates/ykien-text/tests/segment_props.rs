//! Properties of the word segmenter with the embedded model: it never panics, its words
//! tile the input, and the spelling variants it promises to ignore change nothing.

use proptest::prelude::*;
use ykien_text::segment::{Segmenter, Word, segment_line, strip_marks};

fn non_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn check_tiling(text: &str, words: &[Word]) {
    let mut prev_end = 0;
    for w in words {
        assert!(w.start < w.end, "empty word {w:?} in {text:?}");
        assert!(w.start >= prev_end, "overlap at {w:?} in {text:?}");
        assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
        let s = w.as_str(text);
        assert!(!s.starts_with(char::is_whitespace) && !s.ends_with(char::is_whitespace));
        prev_end = w.end;
    }
    let joined: String = words.iter().map(|w| non_space(w.as_str(text))).collect();
    assert_eq!(joined, non_space(text));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_tiled(text in any::<String>()) {
        let words = Segmenter::default().segment(&text);
        check_tiling(&text, &words);
    }

    #[test]
    fn vietnamese_like_text_is_tiled(text in "[a-zA-ZàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐ0-9 ,.;:!?()\"'%/\\-\u{0300}\u{0301}\u{0323}\n\t]{0,200}") {
        let seg = Segmenter::default();
        let words = seg.segment(&text);
        check_tiling(&text, &words);
        let line = seg.segment_line(&text);
        prop_assert_eq!(line.split(' ').filter(|w| !w.is_empty()).count(), words.len());
    }
}

#[test]
fn joins_common_words() {
    let seg = Segmenter::default();
    assert_eq!(
        seg.segment_line("Hiện nay xã có 68 tổ nhân dân."),
        "Hiện_nay xã có 68 tổ nhân_dân ."
    );
}

#[test]
fn unaccented_text_is_segmented() {
    let line = segment_line("sinh vien vi pham quy che thi cu tai Ha Noi");
    assert_eq!(line, "sinh_vien vi_pham quy_che thi_cu tai Ha_Noi");
}

#[test]
fn tone_placement_and_normal_form_do_not_matter() {
    let seg = Segmenter::default();
    let pairs = [
        (
            "hoà bình và thuỷ sản ở Thanh Hoá",
            "hòa bình và thủy sản ở Thanh Hóa",
        ),
        ("Hoà Bình có khí hậu", "Hòa Bình có khí hậu"),
    ];
    for (old, new) in pairs {
        let spans = |s: &str| -> Vec<(usize, usize)> {
            let words = seg.segment(s);
            words
                .iter()
                .map(|w| (s[..w.start].chars().count(), s[..w.end].chars().count()))
                .collect()
        };
        assert_eq!(spans(old), spans(new), "{old} / {new}");
        assert!(
            seg.segment_line(new).to_lowercase().contains("hòa_bình"),
            "{}",
            seg.segment_line(new)
        );
    }
    // Decomposed input (NFD) segments like precomposed input.
    let nfc = "sinh viên vi phạm quy chế";
    let nfd = "sinh vie\u{0302}n vi pha\u{0323}m quy che\u{0302}\u{0301}";
    assert_eq!(
        seg.segment_line(nfd).matches('_').count(),
        seg.segment_line(nfc).matches('_').count()
    );
}

#[test]
fn stripped_text_keeps_its_shape() {
    let text = "Sinh viên Trường Đại học Bách khoa Hà Nội";
    let bare = strip_marks(text);
    assert_eq!(bare, "Sinh vien Truong Dai hoc Bach khoa Ha Noi");
    let line = segment_line(&bare);
    for word in ["Dai_hoc", "Bach_khoa", "Ha_Noi"] {
        assert!(line.contains(word), "{line}");
    }
}

#[test]
fn headlines_in_capitals_are_segmented() {
    let line = segment_line("SINH VIÊN VI PHẠM QUY CHẾ THI CỬ TẠI HÀ NỘI");
    assert_eq!(line, "SINH_VIÊN VI_PHẠM QUY_CHẾ THI_CỬ TẠI HÀ_NỘI");
}
