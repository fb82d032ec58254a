//! Which language a text is in: Vietnamese, Vietnamese typed without diacritics, English,
//! or something else.
//!
//! Feedback reaches ykien from social media and e-mail; routing, search and analytics need
//! to know whether a text is Vietnamese at all and whether its diacritics can be trusted.
//! The method is small and explainable rather than a statistical model:
//!
//! 1. the script of the letters (Han, Hangul, Kana, Thai, Cyrillic, Arabic… are "other");
//! 2. for Latin text, the share of words that carry a mark only Vietnamese uses (ă, ơ, ư,
//!    đ, a dot below, a hook above…);
//! 3. the share of words that are well-formed Vietnamese syllables once folded (onset +
//!    rhyme; "and", "of", "with" are not);
//! 4. the share of words among the most frequent Vietnamese syllables (counted on the VNTC
//!    news corpus), among the most frequent English words, and among a few French and
//!    Indonesian function words.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use crate::fold::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Vietnamese written with its diacritics.
    Vietnamese,
    /// Vietnamese typed without diacritics ("cam on ban").
    VietnameseNoDiacritics,
    English,
    /// Any other language, or no language (numbers, codes, too little text).
    Other,
}

impl Lang {
    /// Short code: "vi", "vi-x-nodiac", "en", "und".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vietnamese => "vi",
            Lang::VietnameseNoDiacritics => "vi-x-nodiac",
            Lang::English => "en",
            Lang::Other => "und",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LangGuess {
    pub lang: Lang,
    /// 0..1.
    pub confidence: f32,
    /// For [`Lang::Other`], a best guess when there is one: "fr", "id", "zh", "ja", "ko",
    /// "th", "ru", "ar", "he", "el".
    pub other: Option<&'static str>,
}

/// Most frequent folded Vietnamese syllables in the VNTC news corpus (first 8,000 articles).
const VI_FREQUENT: &str = "co va cua la khong nhung cho mot nguoi trong do da toi cac chi ban duoc \
anh de voi thi tu dong cung con cong nay the nam dung lam den van noi gia ve so tai tinh moi quan \
bo hoc o dau nhu khi du truong nhan dan dinh su phai vi se doi qua thu dang thanh lai ra minh nha \
ngay an nhieu hoi nuoc ca bao ho vao ong di biet day ma hon chung viec thuc theo hien bi sinh tien \
can yeu tren chuyen dai hai duong tam chinh thuong chu nen song thoi sau vien thong cam hoa dat \
cau mat ay hang thay ky nhat hay rat to ly cu hanh nghi em dien trung vo phan nguyen dieu chua phu \
phong hop trinh chong ba neu tuong lan nang cao giao luc dao ngoai xe nao thang san tham loi khac \
ta khach xa bang chuc viet gio trang truoc y may gian tro pho diem cap phat le len cach cai dua \
xay quoc kien ha vu binh ke te tri rang roi phuong danh nghe bat vay canh kho giai luong gi khu \
tang bien hieu mua tra than doc kinh sang nhau phuc nho tao tay don tin toan nghiep that tiep muon \
cuoc long me lo huong he ty quyet ben tuyen chat lon trai tuoi mo pham duc quy tre hinh no tim \
dam gan vua ket dia tuc tan tac loai doan gioi mon muc giam tich tot tieu bac bay kiem cuoi be \
lien mang nua han hoac lang chan mau tap lich chuong nhien mai deu khoang hoan chang phap thiet \
tat che lap het thuoc them gai nhiem nganh dich ai tong phi sao tuy sach khoi khoa tung trien \
xuat tran nu ngan boi vuc tieng bai lay thieu kha vung dac sat chon manh chay gap cang trieu vai \
khai tho nong cay lanh quyen doanh benh luon xu quang goi thai dem hoat chieu cham my chau lao \
mac thich choi ngu dep huyen giay truc tranh lieu vat vong bong si rieng xem nghiem thao cuu";

/// Most frequent English words (function words and a few very common verbs and nouns).
const EN_FREQUENT: &str = "the of and to in is was that for it with as his on be at by this had \
not are but from or have an they which one you were her all she there would their we him been \
has when who will more no if out so said what up its about into than them can only other new \
some could time these two may then do first any my now such like our over man me even most made \
after also did many before must through back years where much your way well down should because \
each just those people how too little state good very make world still own see men work long get \
here between both life being under never day same another know while last might us great old \
year off come since against go came right used take three does without again place few case \
however part during number found public read use using used based within each per via why \
until upon across among around below above every own same next open first see such yes";

const FR_FREQUENT: &str = "le la les de des du et est un une que qui pour dans pas sur au aux \
avec ce cette il elle ne se sont nous vous ils leur par plus mais ou son sa ses été être fait \
comme tout bien aussi très sans peut deux";

const ID_FREQUENT: &str = "yang dan di ke dari ini itu untuk dengan tidak ada akan pada adalah \
dalam saya kami kita mereka juga atau oleh sudah bisa karena telah harus tersebut secara lebih \
seperti hanya antara bahwa jika anda";

const DE_FREQUENT: &str = "der die das und ist nicht ein eine zu den von mit sich des auf für \
dem im auch es an als wird werden oder bei nach wenn sie ich aus noch wie einen einer kann nur";

const ES_FREQUENT: &str = "el la los las de del y en que es por con para una un se no su al \
como más pero sus le ya o este esta sí porque cuando muy sin sobre también hay puede ser";

const IT_FREQUENT: &str = "il lo la gli le di che e è un una per non con si da del della al \
sono come anche ma più questo questa nel alla dei delle essere solo può se";

const PT_FREQUENT: &str = "o a os as de do da dos das e é um uma que em no na não com por para \
se mais como mas ao foi ser são também pode você isso este esta";

fn set(words: &'static str) -> HashSet<&'static str> {
    words.split_whitespace().collect()
}

struct Lists {
    vi: HashSet<&'static str>,
    en: HashSet<&'static str>,
    fr: HashSet<&'static str>,
    id: HashSet<&'static str>,
    /// German, Spanish, Italian, Portuguese: only to tell "other" from English.
    others: [(&'static str, HashSet<&'static str>); 4],
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| Lists {
        vi: set(VI_FREQUENT),
        en: set(EN_FREQUENT),
        fr: set(FR_FREQUENT),
        id: set(ID_FREQUENT),
        others: [
            ("de", set(DE_FREQUENT)),
            ("es", set(ES_FREQUENT)),
            ("it", set(IT_FREQUENT)),
            ("pt", set(PT_FREQUENT)),
        ],
    })
}

const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// Folded rhymes (vowel nucleus + coda) that Vietnamese spelling allows.
const RHYMES: &str = "a ac ach ai am an ang anh ao ap at au ay e ec em en eng eo ep et ech enh eu \
i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu o oa oac oach oai oam oan oang oanh oao \
oap oat oay oc oe oen oeo oet oi om on ong ooc oong op ot u ua uan uang uat uac uay uc ue uech \
uenh ui um un ung uo uoc uoi uom uon uong uop uot up ut uu uy uya uych uyen uyet uynh uyt uyu uou \
y yem yen yet yeu oo";

fn rhymes() -> &'static HashSet<&'static str> {
    static R: OnceLock<HashSet<&'static str>> = OnceLock::new();
    R.get_or_init(|| set(RHYMES))
}

/// Whether a folded word is a well-formed Vietnamese syllable.
pub fn is_vietnamese_syllable(folded: &str) -> bool {
    if folded.is_empty() || folded.len() > 7 || !folded.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    ONSETS.iter().any(|o| {
        folded.strip_prefix(o).is_some_and(|rest| {
            // "gi" and "qu" may stand alone as onset plus vowel ("gì", "quỷ" → "qu"+"y").
            (rest.is_empty() && (*o == "gi")) || rhymes().contains(rest)
        })
    })
}

/// Letters that only Vietnamese uses among Latin-script languages.
fn vietnamese_only(c: char) -> bool {
    matches!(
        c,
        'ă' | 'ằ'
            | 'ắ'
            | 'ẳ'
            | 'ẵ'
            | 'ặ'
            | 'ơ'
            | 'ờ'
            | 'ớ'
            | 'ở'
            | 'ỡ'
            | 'ợ'
            | 'ư'
            | 'ừ'
            | 'ứ'
            | 'ử'
            | 'ữ'
            | 'ự'
            | 'đ'
            | 'ạ'
            | 'ả'
            | 'ậ'
            | 'ẩ'
            | 'ẫ'
            | 'ầ'
            | 'ấ'
            | 'ẹ'
            | 'ẻ'
            | 'ẽ'
            | 'ệ'
            | 'ể'
            | 'ễ'
            | 'ề'
            | 'ế'
            | 'ị'
            | 'ỉ'
            | 'ĩ'
            | 'ọ'
            | 'ỏ'
            | 'ộ'
            | 'ổ'
            | 'ỗ'
            | 'ồ'
            | 'ố'
            | 'ụ'
            | 'ủ'
            | 'ũ'
            | 'ỳ'
            | 'ỵ'
            | 'ỷ'
            | 'ỹ'
            | 'ý'
            | 'ò'
            | 'ì'
    ) || ('\u{0323}' == c || '\u{0309}' == c || '\u{031B}' == c || '\u{0306}' == c)
}

fn script_of(c: char) -> Option<&'static str> {
    let u = c as u32;
    Some(match u {
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF => "zh",
        0x3040..=0x30FF => "ja",
        0xAC00..=0xD7AF | 0x1100..=0x11FF => "ko",
        0x0E00..=0x0E7F => "th",
        0x0400..=0x04FF => "ru",
        0x0600..=0x06FF => "ar",
        0x0590..=0x05FF => "he",
        0x0370..=0x03FF => "el",
        _ => return None,
    })
}

/// Features of a piece of text.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    letters: usize,
    foreign_script: [usize; 8],
    words: usize,
    vi_marked: usize,
    vi_syllable: usize,
    vi_frequent: usize,
    en_frequent: usize,
    fr_frequent: usize,
    id_frequent: usize,
    others_frequent: [usize; 4],
    /// ASCII-only words that are not Vietnamese syllables ("with", "street").
    ascii_non_vi: usize,
    /// Latin words with letters outside Vietnamese (f, j, w, z) or marks Vietnamese lacks.
    non_vi_letters: usize,
}

const SCRIPTS: [&str; 8] = ["zh", "ja", "ko", "th", "ru", "ar", "he", "el"];

fn count(text: &str) -> Counts {
    let text = &without_links(text);
    let l = lists();
    let mut c = Counts::default();
    for ch in text.chars().filter(|ch| ch.is_alphabetic()) {
        c.letters += 1;
        if let Some(s) = script_of(ch) {
            let i = SCRIPTS.iter().position(|x| *x == s).unwrap_or(0);
            c.foreign_script[i] += 1;
        }
    }
    for word in
        text.split(|ch: char| !ch.is_alphabetic() && !('\u{0300}'..='\u{036F}').contains(&ch))
    {
        if word.is_empty() || word.chars().any(|ch| script_of(ch).is_some()) {
            continue;
        }
        c.words += 1;
        let lower = word.to_lowercase();
        let folded = fold(&lower);
        if lower.chars().any(vietnamese_only) {
            c.vi_marked += 1;
        }
        if is_vietnamese_syllable(&folded) {
            c.vi_syllable += 1;
        }
        if l.vi.contains(folded.as_str()) {
            c.vi_frequent += 1;
        }
        if l.en.contains(lower.as_str()) {
            c.en_frequent += 1;
        }
        if l.fr.contains(lower.as_str()) {
            c.fr_frequent += 1;
        }
        if l.id.contains(lower.as_str()) {
            c.id_frequent += 1;
        }
        for (i, (_, words)) in l.others.iter().enumerate() {
            if words.contains(lower.as_str()) {
                c.others_frequent[i] += 1;
            }
        }
        if lower.is_ascii() && !is_vietnamese_syllable(&folded) {
            c.ascii_non_vi += 1;
        }
        if folded.chars().any(|ch| matches!(ch, 'f' | 'j' | 'w' | 'z'))
            || lower.chars().any(|ch| {
                matches!(
                    ch,
                    'ç' | 'ë' | 'ï' | 'î' | 'û' | 'ü' | 'ö' | 'ä' | 'ß' | 'ñ' | 'œ' | 'æ'
                )
            })
        {
            c.non_vi_letters += 1;
        }
    }
    c
}

/// Drops URLs, e-mail addresses and handles, whose pieces are no words of any language.
fn without_links(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| {
            !(w.contains("://") || w.starts_with("www.") || w.contains('@') || w.contains('/'))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn decide(c: &Counts) -> LangGuess {
    let other = |conf: f32, code: Option<&'static str>| LangGuess {
        lang: Lang::Other,
        confidence: conf.clamp(0.0, 1.0),
        other: code,
    };
    let foreign: usize = c.foreign_script.iter().sum();
    if c.letters == 0 {
        return other(0.5, None);
    }
    if foreign * 2 > c.letters {
        let (i, _) = c
            .foreign_script
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .unwrap_or((0, &0));
        return other(
            0.5 + 0.5 * foreign as f32 / c.letters as f32,
            Some(SCRIPTS[i]),
        );
    }
    let w = c.words.max(1) as f32;
    let marked = c.vi_marked as f32 / w;
    let syllable = c.vi_syllable as f32 / w;
    let vi_freq = c.vi_frequent as f32 / w;
    let en = c.en_frequent as f32 / w;
    let fr = c.fr_frequent as f32 / w;
    let id = c.id_frequent as f32 / w;
    let non_vi = c.non_vi_letters as f32 / w;
    // Evidence for Vietnamese as a whole; diacritics then split the two spellings.
    let vi_score = 0.6 * syllable + 0.4 * vi_freq + 1.5 * marked - 1.0 * non_vi;
    let best_foreign = en.max(fr).max(id);
    if marked >= 0.15 && syllable >= 0.7 {
        let conf = 0.6 + 0.4 * ((marked - 0.15) / 0.25).min(1.0) * syllable;
        return LangGuess {
            lang: Lang::Vietnamese,
            confidence: conf.min(1.0),
            other: None,
        };
    }
    if syllable >= 0.8 && vi_freq >= 0.25 && vi_freq > best_foreign && non_vi < 0.1 {
        let lang = if marked >= 0.05 {
            Lang::Vietnamese
        } else {
            Lang::VietnameseNoDiacritics
        };
        let conf = 0.5
            + 0.5 * ((syllable - 0.8) / 0.2).min(1.0) * ((vi_freq - best_foreign) / 0.4).min(1.0);
        return LangGuess {
            lang,
            confidence: conf.clamp(0.3, 1.0),
            other: None,
        };
    }
    if en >= 0.15 && en >= fr && en >= id {
        let conf = 0.5 + 0.5 * ((en - best_foreign.min(fr.max(id))) / 0.3).min(1.0);
        return LangGuess {
            lang: Lang::English,
            confidence: conf.clamp(0.3, 1.0),
            other: None,
        };
    }
    if fr >= 0.12 && fr > id {
        return other(0.5 + fr, Some("fr"));
    }
    if id >= 0.12 {
        return other(0.5 + id, Some("id"));
    }
    let (best_other, other_share) = lists()
        .others
        .iter()
        .zip(c.others_frequent)
        .map(|((code, _), n)| (*code, n as f32 / w))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("", 0.0));
    if other_share >= 0.15 && other_share > en {
        return other(0.5 + other_share, Some(best_other));
    }
    // Plain ASCII words that are no Vietnamese syllables, with at least a trace of English
    // function words and nothing pointing elsewhere: technical English, mostly names.
    let ascii_non_vi = c.ascii_non_vi as f32 / w;
    if en >= 0.05 && ascii_non_vi >= 0.3 && syllable < 0.7 && other_share < 0.1 {
        return LangGuess {
            lang: Lang::English,
            confidence: 0.4,
            other: None,
        };
    }
    if vi_score >= 0.75 && c.words >= 2 {
        let lang = if marked > 0.0 {
            Lang::Vietnamese
        } else {
            Lang::VietnameseNoDiacritics
        };
        return LangGuess {
            lang,
            confidence: 0.4,
            other: None,
        };
    }
    other(0.4, None)
}

/// The language of a whole text.
pub fn detect(text: &str) -> LangGuess {
    decide(&count(text))
}

/// Sentence spans (byte ranges) of a text: split after `.`, `!`, `?`, `…` followed by
/// white space, and at line breaks.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end_here = c == '\n'
            || (matches!(c, '.' | '!' | '?' | '…')
                && chars.peek().is_none_or(|(_, n)| n.is_whitespace()));
        if end_here {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push(start..end);
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The language of each sentence, with its byte range.
pub fn detect_sentences(text: &str) -> Vec<(Range<usize>, LangGuess)> {
    sentence_spans(text)
        .into_iter()
        .map(|r| (r.clone(), detect(&text[r])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllable_structure() {
        for s in [
            "nghieng", "quyen", "gi", "khuya", "thuong", "a", "oanh", "truong",
        ] {
            assert!(is_vietnamese_syllable(s), "{s}");
        }
        for s in ["and", "of", "with", "street", "yang", "ward", "bfs"] {
            assert!(!is_vietnamese_syllable(s), "{s}");
        }
    }
}
