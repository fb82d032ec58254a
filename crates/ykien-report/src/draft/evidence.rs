//! What the figures cannot say: the items behind them, read to pick representative quotes,
//! to find false information and rumours, and to gather the collaborators' proposals.
//!
//! Every text taken from the data passes [`clean`] (personal data masked with labels such
//! as "[SĐT]") whatever the actor may see: the document leaves the system.
//!
//! # How rumours are found
//!
//! An item is taken for false information or a rumour when its text, the field its reporter
//! named (`topic_hint`), its quotes or its proposed handling contain one of
//! [`RUMOUR_MARKERS`] as whole words: the words collaborators and residents use for it ("tin
//! đồn", "tin giả", "sai sự thật", "truyền tai nhau", "cải chính"…). The comparison is on the
//! normalized, lower-cased text with its diacritics, because folded "tin gia" would also
//! match "thông tin giá cả"; a text written without any diacritics is compared folded
//! (`ykien_text::fold`), since that is all it has. Items repeating the same message (the
//! same first words once folded, whatever the punctuation) form one matter. It is a recall
//! aid for the officer, said so in the footnote, not a verdict.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ykien_core::Actor;
use ykien_store::{Item, ItemFilter, MAX_BARE_PAGE, Store};
use ykien_text::fold::fold;
use ykien_text::pii::{MaskStyle, detect, mask};

use super::words::Words;
use crate::ReportError;
use crate::period::{Period, local_day};

/// At most this many items of a period are read for quotes, rumours and proposals (the
/// newest first); the figures themselves always cover every item.
pub const SCAN_CAP: u32 = 5_000;

/// Phrases that mark false information or a rumour (see the module documentation).
pub const RUMOUR_MARKERS: &[&str] = &[
    "tin đồn",
    "đồn thổi",
    "tin giả",
    "tin vịt",
    "sai sự thật",
    "thông tin sai",
    "bịa đặt",
    "xuyên tạc",
    "truyền tai nhau",
    "tung tin",
    "cải chính",
    "được chia sẻ nhiều",
    "lan truyền trên mạng",
];

/// Longest quote printed, in characters (a quote is a voice, not the whole report).
const QUOTE_CHARS: usize = 320;

/// `text` with personal data masked by labels ("[SĐT]", "[CCCD]", "[EMAIL]"…).
pub fn clean(text: &str) -> String {
    let t = text.trim();
    mask(t, &detect(t), MaskStyle::Label)
}

/// At most `max` characters, cut at a space, with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        return t.to_string();
    }
    let cut: String = t.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// A key under which repeats of one message meet: the first twelve folded words.
pub fn repeat_key(text: &str) -> String {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .collect::<Vec<_>>()
        .join(" ")
}

/// When an item was heard: as the dashboard counts it.
pub fn heard_at(i: &Item) -> DateTime<Utc> {
    i.occurred_at.unwrap_or(i.received_at)
}

fn has_diacritics(lower: &str) -> bool {
    fold(lower) != lower
}

fn contains_words(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(pos) = hay[start..].find(needle) {
        let a = start + pos;
        let b = a + needle.len();
        let before = hay[..a].chars().next_back();
        let after = hay[b..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        start = a + needle.len().max(1);
    }
    false
}

/// The marker a text contains, if any (see the module documentation).
pub fn rumour_marker(text: &str) -> Option<&'static str> {
    let lower = ykien_text::normalize::normalize(text).text.to_lowercase();
    if has_diacritics(&lower) {
        RUMOUR_MARKERS
            .iter()
            .copied()
            .find(|m| contains_words(&lower, m))
    } else {
        let folded = fold(&lower);
        RUMOUR_MARKERS
            .iter()
            .copied()
            .find(|m| contains_words(&folded, &fold(m)))
    }
}

/// The marker an item speaks of, in any of its fields.
pub fn item_rumour_marker(i: &Item) -> Option<&'static str> {
    let r = &i.report;
    std::iter::once(i.text.as_str())
        .chain(r.topic_hint.as_deref())
        .chain(r.quotes.as_deref())
        .chain(r.proposed_handling.as_deref())
        .find_map(rumour_marker)
}

/// The items of a period the actor may see (spam hidden), newest first, at most
/// [`SCAN_CAP`]; true when there were more.
pub async fn scan(
    store: &Store,
    actor: Option<&Actor>,
    unit: &str,
    period: &Period,
) -> Result<(Vec<Item>, bool), ReportError> {
    let mut out = Vec::new();
    let mut offset = 0u32;
    loop {
        let page = store
            .list_item_page(
                actor,
                &ItemFilter {
                    unit: Some(unit.to_string()),
                    from: Some(period.from),
                    to: Some(period.to),
                    limit: SCAN_CAP.min(MAX_BARE_PAGE),
                    offset,
                    page_only: true,
                    ..ItemFilter::default()
                },
            )
            .await?;
        let n = page.items.len() as u32;
        out.extend(page.items);
        offset += n;
        if !page.has_more || n == 0 {
            return Ok((out, false));
        }
        if offset >= SCAN_CAP.min(ykien_store::MAX_OFFSET) {
            return Ok((out, true));
        }
    }
}

/// The words of an item a quote prints: the reporter's quotes when given, else its text.
fn said(i: &Item) -> &str {
    i.report
        .quotes
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .unwrap_or(&i.text)
}

/// A quote ready for the document.
pub struct Quote {
    pub text: String,
    pub attribution: String,
    pub href: String,
}

/// The people's own words of an item: the reporter's quotes when given, else its text;
/// masked, then cut (masking first, so that a cut never leaves half a phone number).
pub fn quote(i: &Item, w: &Words) -> Quote {
    Quote {
        text: excerpt(&clean(said(i)), QUOTE_CHARS),
        attribution: w
            .quote_attribution
            .replace("{unit}", &i.unit_name)
            .replace(
                "{date}",
                &local_day(heard_at(i)).format("%d/%m/%Y").to_string(),
            )
            .replace("{channel}", &w.channel(&i.channel)),
        href: format!("/items/{}", i.id),
    }
}

/// Up to `n` items to quote among `items`: one message once, different units first,
/// reports with the reporter's quotes first, then the newest.
pub fn representative<'a>(items: impl Iterator<Item = &'a Item>, n: usize) -> Vec<&'a Item> {
    let mut pool: Vec<&Item> = items.collect();
    pool.sort_by_key(|i| {
        (
            i.report
                .quotes
                .as_deref()
                .is_none_or(|q| q.trim().is_empty()),
            std::cmp::Reverse(heard_at(i)),
            i.id,
        )
    });
    let mut keys = Vec::new();
    let mut units = Vec::new();
    let mut chosen: Vec<&Item> = Vec::new();
    // First pass: a new unit each; second: anything not repeated.
    for pass in 0..2 {
        for i in &pool {
            if chosen.len() >= n {
                return chosen;
            }
            // What would be printed: two reports quoting the same words are one voice.
            let key = repeat_key(said(i));
            if keys.contains(&key) || (pass == 0 && units.contains(&i.unit)) {
                continue;
            }
            keys.push(key);
            units.push(i.unit.clone());
            chosen.push(i);
        }
    }
    chosen
}

/// One matter of false information or rumour: its items, oldest first.
pub struct Rumour<'a> {
    pub items: Vec<&'a Item>,
    pub marker: &'static str,
}

/// The rumours among `items`, the most repeated first.
pub fn rumours(items: &[Item]) -> Vec<Rumour<'_>> {
    let mut groups: Vec<Rumour<'_>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for i in items {
        let Some(marker) = item_rumour_marker(i) else {
            continue;
        };
        let key = repeat_key(&i.text);
        match at.get(&key) {
            Some(&g) => groups[g].items.push(i),
            None => {
                at.insert(key, groups.len());
                groups.push(Rumour {
                    items: vec![i],
                    marker,
                });
            }
        }
    }
    for g in &mut groups {
        g.items.sort_by_key(|i| (heard_at(i), i.id));
    }
    groups.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(heard_at(a.items[0]).cmp(&heard_at(b.items[0])))
    });
    groups
}

/// A proposal as collaborators wrote it (masked), how many times, and an item that has it.
pub struct Proposal {
    pub text: String,
    pub count: usize,
    pub item: i64,
}

/// The collaborators' proposed handling, the same wording counted once, the most frequent
/// first.
pub fn proposals(items: &[Item], max: usize) -> Vec<Proposal> {
    let mut out: Vec<Proposal> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for i in items {
        let Some(p) = i
            .report
            .proposed_handling
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        else {
            continue;
        };
        let key = fold(p)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        match at.get(&key) {
            Some(&k) => out[k].count += 1,
            None => {
                at.insert(key, out.len());
                out.push(Proposal {
                    text: excerpt(&clean(p), 400),
                    count: 1,
                    item: i.id,
                });
            }
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.item.cmp(&b.item)));
    out.truncate(max);
    out
}

/// Places collaborators named (`locality`), the most frequent first, masked.
pub fn localities<'a>(items: impl Iterator<Item = &'a Item>, max: usize) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for i in items {
        let Some(l) = i
            .report
            .locality
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        let key = fold(l);
        match at.get(&key) {
            Some(&k) => out[k].1 += 1,
            None => {
                at.insert(key, out.len());
                out.push((excerpt(&clean(l), 80), 1));
            }
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(max);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_match_whole_words_with_diacritics_or_folded_without() {
        assert_eq!(
            rumour_marker("Tin đồn lan truyền trong các nhóm Zalo"),
            Some("tin đồn")
        );
        assert_eq!(
            rumour_marker("Phụ huynh truyền tai nhau rằng năm nay..."),
            Some("truyền tai nhau")
        );
        assert_eq!(
            rumour_marker("Đề nghị cải chính thông tin."),
            Some("cải chính")
        );
        // Written without diacritics: compared folded.
        assert_eq!(
            rumour_marker("nghe noi co tin don thu hoi dat"),
            Some("tin đồn")
        );
        // Folded "tin gia" is also "thông tin giá": with diacritics, no match.
        assert_eq!(rumour_marker("Thông tin giá cả hàng hóa ổn định"), None);
        assert_eq!(rumour_marker("Đây là tin giả!"), Some("tin giả"));
        // Whole words only.
        assert_eq!(rumour_marker("xtin đồnx"), None);
    }

    #[test]
    fn quotes_are_masked_before_they_are_cut() {
        // Cut first, the number would be cut to "0912 3" and no longer look like one.
        let said = "Liên hệ số điện thoại 0912 345 678 ngay";
        let c = excerpt(&clean(said), 28);
        assert!(!c.contains("0912"), "{c}");
        let m = clean("Liên hệ chị Lan 0912 345 678, email lan@example.com");
        assert!(!m.contains("345 678") && !m.contains("lan@"), "{m}");
        assert!(m.contains("[SĐT]"), "{m}");
        assert_eq!(excerpt("ngắn", 10), "ngắn");
        assert!(excerpt("một hai ba bốn năm sáu bảy", 12).ends_with('…'));
    }

    #[test]
    fn repeats_meet_whatever_the_punctuation() {
        assert_eq!(
            repeat_key("Tin đồn: thu hồi đất, mỗi m2 năm triệu..."),
            repeat_key("Tin đồn thu hồi đất mỗi m2 năm triệu !!")
        );
    }
}
