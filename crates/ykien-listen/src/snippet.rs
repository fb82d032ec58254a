//! Highlighted snippets on the text a reader sees (the original, or its masked copy).
//!
//! The index holds folded text, but a snippet must show the text as written: the text is
//! cut into syllables, each folded on its own, and a query word matches where its folded
//! syllables follow each other; the highlight is the byte range from the first syllable's
//! start to the last one's end in the text itself. Old and new tone placement, NFD marks,
//! capitals and missing diacritics therefore all highlight correctly.

use std::ops::Range;

use serde::Serialize;
use ykien_text::fold::fold_char;

/// A piece of text with the byte ranges to highlight in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text`, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The snippet with each highlight wrapped in `open` … `close` (for a terminal).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut pos = 0;
        for h in &self.highlights {
            out.push_str(&self.text[pos..h.start]);
            out.push_str(open);
            out.push_str(&self.text[h.clone()]);
            out.push_str(close);
            pos = h.end;
        }
        out.push_str(&self.text[pos..]);
        out
    }
}

fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Syllables as (byte range in `text`, folded form).
fn syllables(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, String)> = None;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_alphanumeric() {
            match &mut cur {
                Some((_, e, f)) => {
                    *e = end;
                    f.push(fold_char(c));
                }
                None => cur = Some((i, end, fold_char(c).to_string())),
            }
        } else if is_mark(c) {
            if let Some((_, e, _)) = &mut cur {
                *e = end;
            }
        } else if let Some((s, e, f)) = cur.take() {
            out.push((s..e, f));
        }
    }
    if let Some((s, e, f)) = cur {
        out.push((s..e, f));
    }
    out
}

/// Where the query words (folded syllables per word, as the store's `query_words` gives
/// them) occur in `text`, as merged byte ranges.
pub fn highlights(text: &str, words: &[Vec<String>]) -> Vec<Range<usize>> {
    let syl = syllables(text);
    let mut found: Vec<Range<usize>> = Vec::new();
    for w in words.iter().filter(|w| !w.is_empty()) {
        for i in 0..syl.len() {
            if i + w.len() <= syl.len() && w.iter().zip(&syl[i..]).all(|(q, s)| *q == s.1) {
                found.push(syl[i].0.start..syl[i + w.len() - 1].0.end);
            }
        }
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// About `width` bytes of `text` around the first match, "…" where it was cut, with the
/// matches inside highlighted. Without a match: the beginning of the text.
pub fn snippet(text: &str, words: &[Vec<String>], width: usize) -> Snippet {
    let all = highlights(text, words);
    let width = width.max(40);
    let (mut start, mut end) = match all.first() {
        Some(h) => {
            let before = width / 3;
            let s = h.start.saturating_sub(before);
            (s, (s + width).min(text.len()))
        }
        None => (0, width.min(text.len())),
    };
    start = floor_boundary(text, start);
    end = ceil_boundary(text, end);
    // do not cut a word in two: move to the nearest space inside the window
    if start > 0
        && let Some(sp) = text[start..end].find(char::is_whitespace)
        && all.first().is_none_or(|h| start + sp < h.start)
    {
        start += sp + 1;
    }
    if end < text.len()
        && let Some(sp) = text[start..end].rfind(char::is_whitespace)
        && all.first().is_none_or(|h| start + sp >= h.end)
    {
        end = start + sp;
    }
    let lead = if start > 0 { "…" } else { "" };
    let mut out = String::from(lead);
    out.push_str(text[start..end].trim_end());
    let kept_end = start + text[start..end].trim_end().len();
    let highlights = all
        .into_iter()
        .filter(|h| h.start >= start && h.end <= kept_end)
        .map(|h| (h.start - start + lead.len())..(h.end - start + lead.len()))
        .collect();
    if end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<Vec<String>> {
        ykien_store::query_words(s)
    }

    #[test]
    fn highlights_vietnamese_as_written() {
        let t = "Đình Chèm ở P. THỤY PHƯƠNG; hoà bình và Thu\u{0323}y Phương.";
        let s = snippet(t, &w("thuy_phuong hoa"), 200);
        let marked = s.marked("[", "]");
        assert_eq!(
            marked,
            "Đình Chèm ở P. [THỤY PHƯƠNG]; [hoà] bình và [Thu\u{0323}y Phương]."
        );
        // "hòa" (new placement) folds to the same key
        assert_eq!(highlights("hòa", &w("hoa")), vec![0..4]);
        // a segmented word needs its syllables in a row
        assert!(highlights("phương án thụy sĩ", &w("thuy_phuong")).is_empty());
    }

    #[test]
    fn long_texts_are_cut_around_the_match() {
        let t = format!(
            "{} Thụy Phương {}",
            "trước ".repeat(100),
            "sau ".repeat(100)
        );
        let s = snippet(&t, &w("thuy"), 80);
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert_eq!(s.highlights.len(), 1);
        assert_eq!(&s.text[s.highlights[0].clone()], "Thụy");
        let none = snippet(&t, &w("xyz"), 80);
        assert!(none.highlights.is_empty() && none.text.starts_with("trước"));
    }
}
