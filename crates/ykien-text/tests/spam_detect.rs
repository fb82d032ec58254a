//! Verdicts of the spam detector on texts written for these tests.

use ykien_text::spam::{SpamLabel, SpanKind, detect};

const COURT_STORY: &str = "Ngày 12/3, Tòa án nhân dân TP Hà Nội mở phiên tòa xét xử sơ thẩm \
bị cáo Lê Văn T. (38 tuổi) về tội tổ chức đánh bạc. Theo cáo trạng, trong mùa giải Ngoại hạng \
Anh, T. đã nhận cá độ bóng đá của nhiều người với tổng số tiền hơn 3 tỷ đồng, ăn thua theo tỷ \
lệ cược của nhà cái nước ngoài. Ngoài ra T. còn tổ chức ghi lô đề, số đề cho người dân trong \
xóm. Cơ quan công an đã thu giữ tang vật gồm sổ ghi đề và nhiều điện thoại. Hội đồng xét xử \
tuyên phạt bị cáo 6 năm tù về tội tổ chức đánh bạc và đánh bạc.";

const POLICE_RAID: &str = "Công an huyện Đông Anh vừa bắt quả tang nhóm 9 đối tượng đang \
đánh bạc dưới hình thức xóc đĩa và đá gà ăn tiền. Cơ quan điều tra đã khởi tố vụ án, tạm giữ \
các đối tượng và thu giữ hơn 60 triệu đồng cùng nhiều tang vật.";

const DOORWAY: &str = "FB88 - Link vào nhà cái FB88 mới nhất. FB88 là nhà cái uy tín hàng \
đầu với game bài đổi thưởng, nổ hũ, bắn cá đổi thưởng, casino trực tuyến. Đăng ký ngay nhận \
code 100K, nạp rút nhanh trong 3 phút. Truy cập fb88.vip để trải nghiệm ngay.";

const ARTICLE: [&str; 6] = [
    "Sáng nay, Ủy ban Mặt trận Tổ quốc thành phố Hà Nội tổ chức hội nghị tổng kết công tác năm.",
    "Hội nghị có sự tham dự của đại diện các tổ chức thành viên và Mặt trận các phường, xã.",
    "Báo cáo cho biết công tác nắm tình hình Nhân dân đã có nhiều chuyển biến tích cực.",
    "Nhiều mô hình hay ở cơ sở được nhân rộng, góp phần xây dựng khối đại đoàn kết toàn dân tộc.",
    "Năm tới, Mặt trận sẽ tiếp tục đẩy mạnh chuyển đổi số trong công tác tuyên truyền, vận động.",
    "Phát biểu tại hội nghị, lãnh đạo thành phố ghi nhận những kết quả mà Mặt trận đã đạt được.",
];

/// The article with a few ordinary words replaced, as injected pages are; returns the text
/// and where the injected words are.
fn injected_article() -> (String, Vec<std::ops::Range<usize>>) {
    let replace = [
        (1, "tham dự", "Fv88"),
        (3, "mô hình", "cổng game bài đổi thưởng"),
        (4, "tiếp tục", "soi kèo"),
    ];
    let mut text = String::new();
    let mut planted = Vec::new();
    for (i, s) in ARTICLE.iter().enumerate() {
        let mut s = s.to_string();
        let mut at = None;
        for (k, from, to) in replace {
            if k == i {
                let p = s.find(from).expect("word to replace");
                s.replace_range(p..p + from.len(), to);
                at = Some(p..p + to.len());
            }
        }
        if let Some(r) = at {
            planted.push(text.len() + r.start..text.len() + r.end);
        }
        text.push_str(&s);
        text.push(' ');
    }
    (text, planted)
}

#[test]
fn court_story_about_gambling_is_not_spam() {
    for text in [COURT_STORY, POLICE_RAID] {
        let v = detect(text);
        assert_eq!(v.label, SpamLabel::None, "{text}\n{v:?}");
        assert!(v.score < 0.5);
        assert!(v.spans.is_empty());
    }
    let v = detect(COURT_STORY);
    assert!(v.reasons.iter().any(|r| r.code == "crime_report"), "{v:?}");
}

#[test]
fn doorway_page_is_gambling_and_not_injected() {
    let v = detect(DOORWAY);
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    assert!(v.score >= 0.5);
    assert!(!v.injected);
    assert!(v.spans.iter().any(|s| s.kind == SpanKind::Brand));
    assert!(v.reasons.iter().any(|r| r.code == "doorway"));
    assert!(
        v.reasons
            .iter()
            .all(|r| !r.vi.is_empty() && !r.en.is_empty())
    );
}

#[test]
fn same_doorway_without_diacritics_or_glued_is_caught() {
    let stripped = "fb88 - link vao nha cai fb88 moi nhat. fb88 la nha cai uy tin hang dau voi \
game bai doi thuong, no hu, ban ca doi thuong. Dang ky ngay nhan code 100K.";
    assert_eq!(detect(stripped).label, SpamLabel::Gambling);
    let glued = "Truy cap nhacaiuytin.com, keonhacai.tv hoac gamebaidoithuong.vip de nhan thuong";
    let v = detect(glued);
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    assert!(v.spans.iter().any(|s| s.kind == SpanKind::Glued));
}

#[test]
fn injected_article_is_flagged_with_spans_on_the_injected_words() {
    let clean: String = ARTICLE.join(" ");
    assert_eq!(detect(&clean).label, SpamLabel::None);
    let (text, planted) = injected_article();
    let v = detect(&text);
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    assert!(v.injected, "{v:?}");
    for p in &planted {
        assert!(
            v.spans
                .iter()
                .any(|s| s.range.start <= p.start && p.end <= s.range.end
                    || s.range.start >= p.start && s.range.end <= p.end),
            "no span on {:?} in {:?}",
            &text[p.clone()],
            v.spans
        );
    }
    // every span lands inside an injected phrase: nothing of the real prose is blamed
    for s in &v.spans {
        assert!(
            planted
                .iter()
                .any(|p| p.start <= s.range.start && s.range.end <= p.end),
            "span {:?} outside the injected words",
            &text[s.range.clone()]
        );
    }
}

#[test]
fn tone_scrambled_betting_words_are_caught() {
    let v = detect("kèọ nhà cáỉ");
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    assert_eq!(v.spans.len(), 1);
    assert_eq!(v.spans[0].kind, SpanKind::Scrambled);
    assert_eq!(v.spans[0].range, 0.."kèọ nhà cáỉ".len());
    assert!(v.reasons.iter().any(|r| r.code == "scrambled_tones"));
    // the same words spelled right, alone, are only a topic
    assert_eq!(detect("Kèo nhà cái").label, SpamLabel::None);
}

#[test]
fn folding_does_not_confuse_ordinary_words_with_betting_words() {
    // kéo/kèo, cuộc/cược, sống thử/song thủ, đổi thường/đổi thưởng fold alike
    let text = "Cuộc sống thử thách người trẻ: họ kéo dài giờ làm, đổi thường lệ sinh hoạt \
và cuộc thi cuối năm đã kéo theo nhiều thay đổi trong cuộc sống.";
    let v = detect(text);
    assert_eq!(v.label, SpamLabel::None, "{v:?}");
    assert!(v.score < 0.2, "{v:?}");
}

#[test]
fn ordinary_letter_digit_tokens_are_not_brands() {
    let text = "Đội tuyển U23 sẽ bay bằng máy bay A320 đến dự Euro 2024; dịch COVID-19 và cúm \
H5N1 đã lắng xuống. Nhà mạng phủ sóng 4G, 5G trên QL1A; iPhone 15 và Galaxy S24 giảm giá; \
máy tính cài Win98 và Windows 7, chip i7, TV 4K, xe CR-V 1.5L.";
    let v = detect(text);
    assert_eq!(v.label, SpamLabel::None, "{v:?}");
    assert!(
        v.reasons.iter().all(|r| r.code != "gambling_brand"),
        "{v:?}"
    );
}

#[test]
fn brand_tokens_next_to_betting_words_are_caught_even_unlisted() {
    // "zq88" and "77bet" are on no list; their shape and the betting words give them away
    let v = detect("Nhà cái zq88 tặng 100K, soi kèo cùng 77bet mỗi ngày, link vào zq88 mới nhất");
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    let brands = v.spans.iter().filter(|s| s.kind == SpanKind::Brand).count();
    assert_eq!(brands, 3, "{v:?}");
}

#[test]
fn advertising_is_its_own_label() {
    let v = detect(
        "Vay tiền nhanh online, giải ngân trong ngày, không cần thế chấp. Hỗ trợ nợ xấu. \
Liên hệ Zalo 0987.654.321 để được tư vấn miễn phí.",
    );
    assert_eq!(v.label, SpamLabel::Advertising, "{v:?}");
}

#[test]
fn clean_text_has_no_reasons_to_show() {
    let v = detect("Hôm nay trời đẹp, người dân phường Thụy Phương đi lễ hội đình Chèm.");
    assert_eq!(v.label, SpamLabel::None);
    assert!(v.reasons.is_empty() && v.spans.is_empty() && !v.injected);
    assert_eq!(detect("").label, SpamLabel::None);
}

#[test]
fn look_alike_letters_count_as_disguise() {
    // Cyrillic "а" in "nhа" and "cái"
    let v = detect("Chơi tại nh\u{0430} c\u{0430}́i uy tín số 1, đăng ký ngay");
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    assert!(
        v.spans.iter().any(|s| s.kind == SpanKind::Scrambled),
        "{v:?}"
    );
}

#[test]
fn scrambled_spelling_without_other_signs_is_other() {
    let v = detect("Chàò bạn, hôm nảy trờì đẹp quá, mình đì chơí vớì nhàù nhé");
    assert_eq!(v.label, SpamLabel::Other, "{v:?}");
    assert!(v.reasons.iter().any(|r| r.code == "obfuscated_spelling"));
}

#[test]
fn unlisted_brand_the_page_keeps_naming_with_deposit_talk_is_caught() {
    let text = "Hướng dẫn cho người mới ở qz88. Tài khoản qz88 mở trong một phút. \
Muốn rút tiền thì vào mục ví. Thưởng nạp đầu 100%. Hỗ trợ qz88 suốt ngày đêm.";
    let v = detect(text);
    assert_eq!(v.label, SpamLabel::Gambling, "{v:?}");
    // the same words once, without the brand coming back, are not enough
    let once = "Hướng dẫn cho người mới ở qz88. Muốn rút tiền thì vào mục ví.";
    assert_eq!(detect(once).label, SpamLabel::None);
}
