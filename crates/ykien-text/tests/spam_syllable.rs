//! The syllable check on words of real text and on the disguises spam uses.

use ykien_text::spam::{SyllableIssue, check_syllable, is_valid_syllable};

#[test]
fn every_word_of_ordinary_prose_is_a_syllable() {
    let text = "Sáng nay Ủy ban Mặt trận Tổ quốc thành phố Hà Nội tổ chức hội nghị tổng kết \
công tác năm với sự tham dự của nghiêng ngoằn ngoèo khuya khuỷu quyển huỳnh thuở giường \
rượu người được Thụy Phương Bắc Từ Liêm đình Chèm hoà hòa thuý thúy khoẻ khỏe";
    for w in text.split_whitespace() {
        assert!(is_valid_syllable(w), "{w}: {:?}", check_syllable(w));
    }
}

#[test]
fn scrambled_tones_are_not_syllables() {
    for w in ["kèọ", "cáỉ", "cườị", "đổĩ", "thừởng", "baì", "keó", "xỉú"] {
        let e = check_syllable(w);
        assert!(
            matches!(
                e,
                Err(SyllableIssue::SeveralTones | SyllableIssue::MisplacedTone)
            ),
            "{w}: {e:?}"
        );
    }
}

#[test]
fn impossible_spellings_are_named() {
    assert_eq!(check_syllable("càt"), Err(SyllableIssue::ToneWithStopCoda));
    assert_eq!(check_syllable("ca"), Ok(()));
    assert_eq!(check_syllable("ke"), Ok(()));
    assert_eq!(check_syllable("ka"), Err(SyllableIssue::SpellingRule));
    assert_eq!(check_syllable("nghà"), Err(SyllableIssue::SpellingRule));
    assert_eq!(check_syllable("fb88"), Err(SyllableIssue::ForeignLetter));
    assert_eq!(check_syllable("tiê"), Err(SyllableIssue::MissingCoda));
    assert_eq!(check_syllable("school"), Err(SyllableIssue::BadOnset));
}
