//! Teencode and chat abbreviations expanded into ordinary Vietnamese, as an analysis view.
//!
//! Comments and Zalo messages write "ko bít j đâu, mik đi hc r" for "không biết gì đâu,
//! mình đi học rồi"; no segmenter or keyword list understands the short forms. The
//! expanded text is for analysis only, and maps back to the original like every derived
//! view.
//!
//! Forms that are never Vietnamese words ("ko", "đc", "mik") always expand and are the
//! evidence that a text is informal. Forms that are also real words or common
//! abbreviations ("r", "j", "vs", "bít", "a", "e", "kh" for khách hàng, "đk" for đăng ký)
//! expand only when the text is informal.

use crate::normalize::{MapBuilder, Normalized, finish_pass};
use crate::token::{Token, TokenKind, tokenize};

/// `(form, expansion, unambiguous)`; forms are matched case-insensitively.
const FORMS: &[(&str, &str, bool)] = &[
    ("ko", "không", true),
    ("k0", "không", true),
    ("kô", "không", true),
    ("hok", "không", true),
    ("khg", "không", true),
    ("khum", "không", true),
    ("kh", "không", false),
    ("k", "không", false),
    ("dc", "được", true),
    ("đc", "được", true),
    ("dk", "được", false),
    ("đk", "được", false),
    ("j", "gì", false),
    ("mik", "mình", true),
    ("mjk", "mình", true),
    ("mk", "mình", false),
    ("hc", "học", false),
    ("r", "rồi", false),
    ("rùi", "rồi", true),
    ("vs", "với", false),
    ("ns", "nói", false),
    ("bít", "biết", false),
    ("bik", "biết", true),
    ("bjk", "biết", true),
    ("bn", "bạn", false),
    ("ntn", "như thế nào", true),
    ("sp", "sản phẩm", false),
    ("e", "em", false),
    ("a", "anh", false),
    ("cj", "chị", true),
    ("thik", "thích", true),
    ("iu", "yêu", true),
    ("nhìu", "nhiều", true),
    ("mn", "mọi người", true),
    ("mng", "mọi người", true),
    ("hnay", "hôm nay", true),
    ("hqua", "hôm qua", true),
    ("ngta", "người ta", true),
    ("cx", "cũng", true),
    ("cg", "cũng", true),
    ("trc", "trước", true),
    ("chx", "chưa", true),
    ("lm", "làm", true),
    ("bgio", "bây giờ", true),
    ("bh", "bây giờ", false),
    ("vk", "vợ", true),
    ("ck", "chồng", false),
    ("ny", "người yêu", false),
    ("zậy", "vậy", true),
    ("zị", "vậy", true),
    ("dzậy", "vậy", true),
    ("z", "vậy", false),
    ("lun", "luôn", true),
    ("nma", "nhưng mà", true),
    ("nhma", "nhưng mà", true),
    ("ms", "mới", false),
    ("wa", "quá", false),
    ("ng", "người", false),
    ("sđt", "số điện thoại", true),
    ("đt", "điện thoại", false),
    ("kq", "kết quả", false),
    ("ak", "à", false),
    ("uk", "ừ", false),
];

fn lookup(word: &str) -> Option<(&'static str, bool)> {
    if word.len() > 5 {
        return None;
    }
    let lower = word.to_lowercase();
    FORMS
        .iter()
        .find(|(f, _, _)| *f == lower)
        .map(|&(_, e, strong)| (e, strong))
}

/// Writes `expansion` with the case of `original` ("Ko" → "Không", "KO" → "KHÔNG").
fn with_case(original: &str, expansion: &str) -> String {
    let mut chars = original.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let all_upper =
        first_upper && original.chars().count() > 1 && original.chars().all(|c| !c.is_lowercase());
    if all_upper {
        return expansion.to_uppercase();
    }
    if first_upper {
        let mut e = expansion.chars();
        let mut out: String = e
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        out.push_str(e.as_str());
        return out;
    }
    expansion.to_owned()
}

/// True when `text` reads as chat: unambiguous teencode, or emoticons, often enough.
pub fn is_informal(text: &str) -> bool {
    informal_tokens(text, &tokenize(text))
}

fn informal_tokens(text: &str, tokens: &[Token]) -> bool {
    let mut words = 0usize;
    let mut hits = 0usize;
    for t in tokens {
        match t.kind {
            TokenKind::Word => {
                words += 1;
                if lookup(t.text(text)).is_some_and(|(_, strong)| strong) {
                    hits += 1;
                }
            }
            TokenKind::Emoji => hits += 1,
            _ => {}
        }
    }
    // one sign in a short message, or one in every 40 words of a long one
    hits > 0 && hits * 40 >= words.clamp(40, 400)
}

/// Expands teencode; ambiguous forms only when the text [`is_informal`].
pub fn expand(text: &str) -> Normalized {
    expand_with(text, None)
}

/// Expands teencode. `informal`: `Some(true)` expands ambiguous forms too,
/// `Some(false)` only unambiguous ones, `None` decides from the text.
pub fn expand_with(text: &str, informal: Option<bool>) -> Normalized {
    let tokens = tokenize(text);
    let informal = informal.unwrap_or_else(|| informal_tokens(text, &tokens));
    let mut b = MapBuilder::new(text);
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Word {
            continue;
        }
        let w = t.text(text);
        let Some((expansion, strong)) = lookup(w) else {
            continue;
        };
        if !strong {
            if !informal {
                continue;
            }
            let single = w.chars().count() == 1;
            if single && !pronoun_like(text, &tokens, i) {
                continue;
            }
        }
        b.replace(t.span(), &with_case(w, expansion));
    }
    let (text, map) = finish_pass(text, b);
    Normalized {
        text,
        map,
        legacy: None,
    }
}

/// One-letter forms ("a", "e", "r", "j", "k") expand only in lower case, as a word of
/// their own: not initials ("Nguyễn A."), not "a!" or list items ("a)", "b, c").
fn pronoun_like(text: &str, tokens: &[Token], i: usize) -> bool {
    let t = tokens[i];
    let w = t.text(text);
    if w.chars().any(char::is_uppercase) {
        return false;
    }
    let next = tokens.get(i + 1);
    let glued_next = next.is_some_and(|n| n.start == t.end);
    if glued_next {
        return false;
    }
    let is_one_letter_word = |j: usize| {
        tokens
            .get(j)
            .is_some_and(|n| n.kind == TokenKind::Word && n.text(text).chars().count() == 1)
    };
    if matches!(w, "a" | "e") {
        let interjection =
            next.is_some_and(|n| n.kind == TokenKind::Punct && n.text(text).starts_with('!'));
        let listing = is_one_letter_word(i + 1) && (i == 0 || is_one_letter_word(i - 1));
        return !interjection && !listing;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_chat() {
        let s = "ko bít j đâu, mik đi hc r nha :))";
        let e = expand(s);
        assert_eq!(e.text, "không biết gì đâu, mình đi học rồi nha :))");
        let i = e.text.find("biết").unwrap();
        assert_eq!(&s[e.original_range(i..i + "biết".len())], "bít");
        assert_eq!(
            expand("Ko đc đâu a ơi, e cảm ơn a").text,
            "Không được đâu anh ơi, em cảm ơn anh"
        );
        assert_eq!(
            expand("sp này ntn vậy bn").text,
            "sản phẩm này như thế nào vậy bạn"
        );
    }

    #[test]
    fn leaves_formal_text_alone() {
        for s in [
            "Đội A thắng đội B với tỷ số 2-1, hạng A.",
            "Trận MU vs Chelsea diễn ra tối nay, HLV đánh giá cao vai trò của KH.",
            "Bịt kín, bít lỗ rò và đăng ký đk tại UBND.",
            "Phương án a, b, c được thảo luận.",
        ] {
            assert_eq!(expand(s).text, s);
        }
    }
}
