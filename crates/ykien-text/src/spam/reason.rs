//! Reasons in words an officer reads: Vietnamese first, English alongside.

use super::Reason;

/// What was seen, with up to a few examples quoted from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    Brand,
    BettingWords,
    Glued,
    Scrambled,
    CallToAction,
    Advertising,
    Phone,
    LinkFarm,
    Obfuscated,
    CrimeReport,
}

fn quote(examples: &[String]) -> String {
    examples
        .iter()
        .map(|e| format!("«{e}»"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn reason(seen: Seen, examples: &[String], count: usize) -> Reason {
    let q = quote(examples);
    let (code, vi, en) = match seen {
        Seen::Brand => (
            "gambling_brand",
            format!("Tên nhà cái/thương hiệu cờ bạc trộn chữ và số ({count} lần): {q}"),
            format!("Gambling brand tokens mixing letters and digits ({count}×): {q}"),
        ),
        Seen::BettingWords => (
            "betting_words",
            format!("Từ ngữ cá cược, lô đề, game bài ({count} lần): {q}"),
            format!("Betting, lottery and card-game vocabulary ({count}×): {q}"),
        ),
        Seen::Glued => (
            "glued_words",
            format!("Từ khóa cờ bạc viết dính liền để né bộ lọc: {q}"),
            format!("Gambling keywords glued together to dodge filters: {q}"),
        ),
        Seen::Scrambled => (
            "scrambled_tones",
            format!("Từ khóa cờ bạc bị xáo dấu thanh hoặc thay chữ giống hệt, không phải âm tiết tiếng Việt: {q}"),
            format!("Gambling keywords with scrambled tone marks or look-alike letters, not Vietnamese syllables: {q}"),
        ),
        Seen::CallToAction => (
            "call_to_action",
            format!("Lời mời gọi kiểu quảng cáo (đăng ký, nạp, rút, khuyến mãi): {q}"),
            format!("Promotional calls to action (sign up, deposit, withdraw, bonus): {q}"),
        ),
        Seen::Advertising => (
            "advertising",
            format!("Từ ngữ quảng cáo rác (vay tiền, bao đậu, thuốc gia truyền…): {q}"),
            format!("Junk advertising vocabulary (quick loans, guaranteed admission, miracle cures…): {q}"),
        ),
        Seen::Phone => (
            "contact_numbers",
            format!("Số điện thoại liên hệ đi kèm lời quảng cáo ({count})"),
            format!("Contact phone numbers next to advertising ({count})"),
        ),
        Seen::LinkFarm => (
            "link_farm",
            format!("Dày đặc đường dẫn, tên miền ({count}): trang trại liên kết SEO"),
            format!("Dense with links and domains ({count}): an SEO link farm"),
        ),
        Seen::Obfuscated => (
            "obfuscated_spelling",
            format!("Nhiều từ bị xáo dấu hoặc chèn ký tự lạ ({count}): {q}"),
            format!("Many words with scrambled marks or odd characters ({count}): {q}"),
        ),
        Seen::CrimeReport => (
            "crime_report",
            "Văn bản đưa tin về vụ án, tội phạm (bị cáo, khởi tố, triệt phá…): từ ngữ cờ bạc ở đây được giảm trọng số".to_string(),
            "Reads as news reporting on a crime (defendant, prosecution, police raid…): gambling words weigh less here".to_string(),
        ),
    };
    Reason { code, vi, en }
}

pub(crate) fn injected(spam_sentences: usize, sentences: usize) -> Reason {
    Reason {
        code: "injected",
        vi: format!(
            "Nội dung rác bị chèn vào bài viết bình thường: {spam_sentences}/{sentences} câu chứa nội dung rác"
        ),
        en: format!(
            "Spam injected into otherwise ordinary prose: {spam_sentences} of {sentences} sentences carry it"
        ),
    }
}

pub(crate) fn doorway(spam_sentences: usize, sentences: usize) -> Reason {
    Reason {
        code: "doorway",
        vi: format!("Trang rác: nội dung quảng cáo dày đặc ({spam_sentences}/{sentences} câu)"),
        en: format!("Doorway page: spam throughout ({spam_sentences} of {sentences} sentences)"),
    }
}
