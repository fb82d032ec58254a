//! The own-site integrity watch: what a change to a watched page brought in, and whether that
//! is spam.
//!
//! Only the *added* text is judged. A defaced article is mostly the old article, so judging
//! the whole page would dilute the injection in honest prose, and a page that legitimately
//! reports on gambling crime would alarm on every fetch; the added words are what the
//! attacker wrote.

use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use similar::{ChangeTag, TextDiff};
use ykien_text::spam;

/// Longest excerpt kept in an alert (characters).
const EXCERPT_CHARS: usize = 400;

/// A diff of a large page gives up refining after this; the answer is then coarser (more
/// text counted as added), never wrong in the other direction.
const DIFF_TIMEOUT: Duration = Duration::from_secs(1);

/// SHA-256 (hex) of a page's text: equal hashes, unchanged page.
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The runs of words that `new` has and `old` has not, one run a line. Words that only moved
/// or whitespace that changed do not count.
pub fn added_text(old: &str, new: &str) -> String {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_words(old, new);
    let mut runs: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut gap = String::new();
    for change in diff.iter_all_changes() {
        let v = change.value();
        match change.tag() {
            ChangeTag::Insert => {
                if !run.is_empty() {
                    run.push_str(&gap);
                }
                gap.clear();
                run.push_str(v);
            }
            // Whitespace in common between two inserted words does not split the insertion,
            // and neither does a word it replaced.
            ChangeTag::Equal if v.trim().is_empty() => {
                if !run.is_empty() {
                    gap.push_str(v);
                }
            }
            ChangeTag::Delete => {}
            ChangeTag::Equal => {
                let r = std::mem::take(&mut run);
                gap.clear();
                if !r.trim().is_empty() {
                    runs.push(r.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        }
    }
    if !run.trim().is_empty() {
        runs.push(run.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    runs.join("\n")
}

/// Spam that a change brought in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Injection {
    /// "gambling", "advertising" or "other".
    pub label: &'static str,
    pub score: f32,
    /// The words the detector matched, in order, each once.
    pub terms: Vec<String>,
    /// The added text around the first match.
    pub excerpt: String,
    /// The detector's reasons, in Vietnamese.
    pub reasons: Vec<String>,
}

/// Judges the added text; None when it is not spam (or empty).
pub fn judge(added: &str) -> Option<Injection> {
    if added.trim().is_empty() {
        return None;
    }
    let v = spam::detect(added);
    if !v.is_spam() {
        return None;
    }
    let mut terms: Vec<String> = Vec::new();
    for s in &v.spans {
        if let Some(t) = added.get(s.range.clone()) {
            let t = t.trim().to_string();
            if !t.is_empty() && !terms.contains(&t) {
                terms.push(t);
            }
        }
    }
    let start = v.spans.first().map_or(0, |s| s.range.start);
    Some(Injection {
        label: v.label.code(),
        score: v.score,
        terms,
        excerpt: excerpt(added, start),
        reasons: v.reasons.iter().map(|r| r.vi.clone()).collect(),
    })
}

/// Up to [`EXCERPT_CHARS`] characters of `text`, starting a little before byte `at`.
fn excerpt(text: &str, at: usize) -> String {
    let mut from = at.min(text.len());
    let mut back = 0;
    while from > 0 && back < 80 {
        from -= 1;
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        back += 1;
    }
    let tail = &text[from..];
    let mut out: String = tail.chars().take(EXCERPT_CHARS).collect();
    if out.len() < tail.len() {
        out.push('…');
    }
    if from > 0 {
        out.insert(0, '…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "UBND phường tổ chức hội nghị tiếp xúc cử tri.\n\
        Người dân kiến nghị sửa chữa đường ngõ 12 và lắp thêm đèn chiếu sáng.";

    #[test]
    fn added_text_is_only_what_is_new() {
        let new = format!("{CLEAN}\nXem ngay nhà cái fb88 uy tín, soi cầu lô đề hôm nay.");
        assert_eq!(
            added_text(CLEAN, &new),
            "Xem ngay nhà cái fb88 uy tín, soi cầu lô đề hôm nay."
        );
        assert_eq!(added_text(CLEAN, CLEAN), "");
        // Words deleted are not added; a replaced word is.
        let edited = CLEAN.replace("ngõ 12", "ngõ 14");
        assert_eq!(added_text(CLEAN, &edited), "14");
        assert_eq!(added_text("", "a b  c"), "a b c");
    }

    #[test]
    fn injected_gambling_is_judged_spam_and_a_harmless_edit_is_not() {
        let new = format!(
            "{CLEAN}\nNhà cái fb88 uy tín số 1, soi cầu lô đề miễn phí, nạp đầu tặng 100%."
        );
        let inj = judge(&added_text(CLEAN, &new)).expect("spam");
        assert_eq!(inj.label, "gambling");
        assert!(inj.score >= 0.5);
        assert!(
            inj.terms.iter().any(|t| t.to_lowercase().contains("fb88")),
            "{inj:?}"
        );
        assert!(inj.excerpt.contains("fb88"), "{inj:?}");
        let edited = format!("{CLEAN}\nHội nghị kết thúc lúc 11 giờ cùng ngày.");
        assert_eq!(judge(&added_text(CLEAN, &edited)), None);
        assert_eq!(judge(""), None);
    }

    #[test]
    fn excerpt_is_bounded_and_on_char_boundaries() {
        let long = "ằ".repeat(2000);
        let e = excerpt(&long, 3000);
        assert!(e.chars().count() <= EXCERPT_CHARS + 2);
        assert!(e.starts_with('…') && e.ends_with('…'));
    }
}
