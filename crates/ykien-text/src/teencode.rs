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
use std::sync::OnceLock;

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

/// A form packed into an integer (its lower-case UTF-8 bytes), for a cheap lookup that
/// runs on every short word of every text.
fn key(bytes: impl Iterator<Item = u8>) -> Option<u64> {
    let mut k = 0u64;
    for (n, b) in bytes.enumerate() {
        if n == MAX_FORM {
            return None;
        }
        k = (k << 8) | b as u64;
    }
    Some(k)
}

fn sorted_forms() -> &'static [(u64, &'static str, bool)] {
    static SORTED: OnceLock<Vec<(u64, &str, bool)>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<_> = FORMS
            .iter()
            .filter_map(|&(f, e, strong)| Some((key(f.bytes())?, e, strong)))
            .collect();
        v.sort_unstable_by_key(|&(k, _, _)| k);
        v
    })
}

/// Longest form in bytes ("dzậy").
const MAX_FORM: usize = 6;

fn lookup(word: &str) -> Option<(&'static str, bool)> {
    if word.len() > MAX_FORM {
        return None;
    }
    let sorted = sorted_forms();
    let find = |k: u64| {
        let i = sorted.binary_search_by_key(&k, |&(k, _, _)| k).ok()?;
        Some((sorted[i].1, sorted[i].2))
    };
    if let Some(hit) = find(key(word.bytes())?) {
        return Some(hit);
    }
    // capitals are rare: lower-case only then ("Ko", "ĐC")
    let has_upper = word.bytes().any(|b| b.is_ascii_uppercase())
        || word.chars().next().is_some_and(char::is_uppercase);
    if has_upper {
        find(key(word.to_lowercase().bytes())?)
    } else {
        None
    }
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
/// Long texts are judged line by line (see [`expand`]); this judges the text as one.
pub fn is_informal(text: &str) -> bool {
    let tokens = tokenize(text);
    let found = candidates(text, &tokens);
    let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
    let emoji = tokens.iter().filter(|t| t.kind == TokenKind::Emoji).count();
    informal(words, found.iter().filter(|c| c.strong).count() + emoji)
}

/// A word token that is a known form.
struct Candidate {
    token: usize,
    expansion: &'static str,
    strong: bool,
}

fn candidates(text: &str, tokens: &[Token]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Word
            && let Some((expansion, strong)) = lookup(t.text(text))
        {
            out.push(Candidate {
                token: i,
                expansion,
                strong,
            });
        }
    }
    out
}

/// One sign in a short message, or one in every 40 words of a long one.
fn informal(words: usize, hits: usize) -> bool {
    hits > 0 && hits * 40 >= words.clamp(40, 400)
}

/// Whether each line of the text is informal: comments and messages arrive one per
/// line, and one chatty comment must not make a whole news article "informal".
fn informal_lines(text: &str, tokens: &[Token], found: &[Candidate]) -> (Vec<usize>, Vec<bool>) {
    let mut line_of = Vec::with_capacity(tokens.len());
    let mut words = vec![0usize];
    let mut hits = vec![0usize];
    let mut prev_end = 0;
    let mut strong = found
        .iter()
        .filter(|c| c.strong)
        .map(|c| c.token)
        .peekable();
    for (i, t) in tokens.iter().enumerate() {
        if text.as_bytes()[prev_end..t.start].contains(&b'\n') {
            words.push(0);
            hits.push(0);
        }
        let line = words.len() - 1;
        line_of.push(line);
        match t.kind {
            TokenKind::Word => words[line] += 1,
            TokenKind::Emoji => hits[line] += 1,
            _ => {}
        }
        if strong.peek() == Some(&i) {
            strong.next();
            hits[line] += 1;
        }
        prev_end = t.end;
    }
    let informal = words
        .iter()
        .zip(&hits)
        .map(|(&w, &h)| informal(w, h))
        .collect();
    (line_of, informal)
}

/// Expands teencode; ambiguous forms only on lines that read as chat.
pub fn expand(text: &str) -> Normalized {
    expand_with(text, None)
}

/// Expands teencode. `informal_text`: `Some(true)` expands ambiguous forms everywhere,
/// `Some(false)` only unambiguous ones, `None` decides line by line.
pub fn expand_with(text: &str, informal_text: Option<bool>) -> Normalized {
    let tokens = tokenize(text);
    let found = candidates(text, &tokens);
    let (line_of, informal_line) = match informal_text {
        None => informal_lines(text, &tokens, &found),
        Some(f) => (vec![0; tokens.len()], vec![f]),
    };
    let mut b = MapBuilder::new(text);
    for c in &found {
        let t = tokens[c.token];
        let w = t.text(text);
        let informal = informal_line[line_of[c.token]];
        if part_of_abbreviation(text, &tokens, c.token) {
            continue;
        }
        // "ĐT", "SP", "MNG" in capitals are acronyms unless the line is chat
        let all_caps = w.chars().count() > 1 && !w.chars().any(char::is_lowercase);
        if all_caps && (!c.strong || !informal) {
            continue;
        }
        if !c.strong {
            if !informal {
                continue;
            }
            let single = w.chars().count() == 1;
            if single && !pronoun_like(text, &tokens, c.token) {
                continue;
            }
        }
        b.replace(t.span(), &with_case(w, c.expansion));
    }
    let (text, map) = finish_pass(text, b);
    Normalized {
        text,
        map,
        legacy: None,
    }
}

/// "GD&ĐT", "M.Kh", "T.V.Ng", "GD-ĐT": a form glued to another piece is an abbreviation.
fn part_of_abbreviation(text: &str, tokens: &[Token], i: usize) -> bool {
    let t = tokens[i];
    let glue = |j: usize| {
        tokens[j].kind != TokenKind::Word
            && matches!(tokens[j].text(text), "." | "&" | "-" | "/" | "_")
    };
    let before = i > 0 && tokens[i - 1].end == t.start && glue(i - 1);
    let after = tokens.get(i + 1).is_some_and(|n| {
        n.start == t.end
            && glue(i + 1)
            && tokens
                .get(i + 2)
                .is_some_and(|m| m.start == n.end && m.kind == TokenKind::Word)
    });
    before || after
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
    // "50 k" is fifty thousand
    let after_number = i > 0 && matches!(tokens[i - 1].kind, TokenKind::Number | TokenKind::Money);
    if w == "k" && after_number {
        return false;
    }
    if matches!(w, "a" | "e") {
        // "e ngại", "e dè", "a dua" are words, not pronouns
        let fixed = next.is_some_and(|n| {
            matches!(
                n.text(text),
                "ngại" | "dè" | "thẹn" | "sợ" | "lệ" | "ấp" | "dua" | "ha" | "lô" | "men"
            )
        });
        if fixed {
            return false;
        }
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
        assert_eq!(expand("Dzậy hả, KO sao").text, "Vậy hả, KHÔNG sao");
        assert_eq!(
            expand("ko mua đc, giá 50 k thôi").text,
            "không mua được, giá 50 k thôi"
        );
        // judged line by line: a chat line next to a news line
        let mixed = "Sở GD&ĐT cho biết điểm sàn e ngại.\nko bít j đâu e ơi, SP này tốt ko";
        assert_eq!(
            expand(mixed).text,
            "Sở GD&ĐT cho biết điểm sàn e ngại.\nkhông biết gì đâu em ơi, SP này tốt không"
        );
    }

    #[test]
    fn leaves_formal_text_alone() {
        for s in [
            "Đội A thắng đội B với tỷ số 2-1, hạng A.",
            "Trận MU vs Chelsea diễn ra tối nay, HLV đánh giá cao vai trò của KH.",
            "Bịt kín, bít lỗ rò và đăng ký đk tại UBND.",
            "Phương án a, b, c được thảo luận.",
            "Sở GD&ĐT và Bộ GD- ĐT, ngành SP, bạn M.Kh và T.V.Ng, nhưng e ngại.",
        ] {
            assert_eq!(expand(s).text, s);
        }
    }
}
