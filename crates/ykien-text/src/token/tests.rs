use super::*;

fn toks(s: &str) -> Vec<(TokenKind, &str)> {
    tokenize(s)
        .into_iter()
        .map(|t| (t.kind, t.text(s)))
        .collect()
}

fn kinds_of(s: &str, kind: TokenKind) -> Vec<&str> {
    toks(s)
        .into_iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, t)| t)
        .collect()
}

use TokenKind::*;

#[test]
fn words_and_punctuation() {
    assert_eq!(
        toks("Hà Nội, ngày mai (thứ Hai)..."),
        vec![
            (Word, "Hà"),
            (Word, "Nội"),
            (Punct, ","),
            (Word, "ngày"),
            (Word, "mai"),
            (Punct, "("),
            (Word, "thứ"),
            (Word, "Hai"),
            (Punct, ")"),
            (Punct, "..."),
        ]
    );
    assert_eq!(
        kinds_of("Covid-19 và Wi-Fi, v.v. cùng 5G", Word),
        vec!["Covid-19", "và", "Wi-Fi", "v.v.", "cùng", "5G"]
    );
}

#[test]
fn numbers_dates_times() {
    let s = "Ngày 1/8/2014, 01-08-2014, 2014-08-01 lúc 7h30 và 07:30, sáng 1/8 có 1.000.000 người, tăng 3,5% so với 1/3 dân số";
    assert_eq!(
        kinds_of(s, Date),
        vec!["1/8/2014", "01-08-2014", "2014-08-01", "1/8"]
    );
    assert_eq!(kinds_of(s, Time), vec!["7h30", "07:30"]);
    assert_eq!(kinds_of(s, Number), vec!["1.000.000", "1", "3"]);
    assert_eq!(kinds_of(s, Percent), vec!["3,5%"]);
    assert_eq!(kinds_of("tháng 8/2014 và năm 2014.", Date), vec!["8/2014"]);
    assert_eq!(kinds_of("năm 2014.", Number), vec!["2014"]);
    assert_eq!(
        kinds_of("Chiều 6-4, hôm nay, 21-1, từ 2-3 ngày, tỷ số 2-1", Date),
        vec!["6-4", "21-1"]
    );
}

#[test]
fn money() {
    let s = "Giá 500.000đ, gói 500k, dự án 1,5 tỷ, lương 2 triệu đồng, 300 USD, $20, 8 tỷ người";
    assert_eq!(
        kinds_of(s, Money),
        vec![
            "500.000đ",
            "500k",
            "1,5 tỷ",
            "2 triệu đồng",
            "300 USD",
            "$20"
        ]
    );
}

#[test]
fn web_things() {
    let s = "Xem https://hanoi.gov.vn/tin-tuc?id=1. hoặc vnexpress.net, gửi nguyen.van.a@gmail.com, #MặtTrận @ubnd_hanoi :)) 👍🏽 👨\u{200D}👩\u{200D}👧 🇻🇳";
    assert_eq!(
        kinds_of(s, Url),
        vec!["https://hanoi.gov.vn/tin-tuc?id=1", "vnexpress.net"]
    );
    assert_eq!(kinds_of(s, Email), vec!["nguyen.van.a@gmail.com"]);
    let s2 = "Đọc 24h.com.vn, gửi 123abc@yahoo.com, năm 2014.Sau đó 3.5 điểm";
    assert_eq!(kinds_of(s2, Url), vec!["24h.com.vn"]);
    assert_eq!(kinds_of(s2, Email), vec!["123abc@yahoo.com"]);
    assert_eq!(kinds_of(s2, Number), vec!["2014", "3.5"]);
    assert_eq!(kinds_of(s, Hashtag), vec!["#MặtTrận"]);
    assert_eq!(kinds_of(s, Mention), vec!["@ubnd_hanoi"]);
    assert_eq!(
        kinds_of(s, Emoji),
        vec![":))", "👍🏽", "👨\u{200D}👩\u{200D}👧", "🇻🇳"]
    );
}

#[test]
fn phones() {
    let s = "Gọi 0912 345 678 hoặc 0912.345.678, +84 24 3825 1234, không phải 1.000.000";
    assert_eq!(
        kinds_of(s, Phone),
        vec!["0912 345 678", "0912.345.678", "+84 24 3825 1234"]
    );
}

#[test]
fn gaps_are_whitespace() {
    let s = "  a\u{A0}b\t\n c ";
    let t = tokenize(s);
    assert_eq!(t.len(), 3);
    assert_eq!(t[0].start, 2);
}
