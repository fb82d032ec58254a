//! Links and phone numbers: what advertising and link farms leave behind.

use super::lexicon::TLDS;
use super::view::{ALPHA, FOREIGN, View};

/// Domains (a top-level domain token right after "word.") and "http"/"www" tokens.
pub(crate) fn links(view: &View, text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for t in 1..view.tokens.len() {
        let r = view.token_original(t);
        if r.start == 0 || bytes[r.start - 1] != b'.' {
            continue;
        }
        let s = view.token_folded(t);
        if !TLDS.contains(&s) {
            continue;
        }
        let prev = view.token_original(t - 1);
        let dotted = r.start > 0 && bytes[r.start - 1] == b'.' && prev.end + 1 == r.start;
        let next_is_tld = t + 1 < view.tokens.len() && {
            let n = view.token_original(t + 1);
            n.start == r.end + 1 && bytes[r.end] == b'.' && TLDS.contains(&view.token_folded(t + 1))
        };
        if dotted && TLDS.contains(&s) && !next_is_tld {
            out.push(t);
        }
    }
    out
}

/// Phone numbers: digit groups joined by at most one separator, 10–11 digits starting with
/// 0 or 84, or 1800/1900 hotlines.
pub(crate) fn phones(view: &View, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut t = 0;
    while t < view.tokens.len() {
        if view.tokens[t].flags & (ALPHA | FOREIGN) != 0 {
            t += 1;
            continue;
        }
        let mut digits = String::from(view.token_folded(t));
        let mut end = view.token_original(t).end;
        let mut u = t + 1;
        while u < view.tokens.len() && view.tokens[u].flags & (ALPHA | FOREIGN) == 0 {
            let r = view.token_original(u);
            if r.start > end + 1 || !matches!(bytes[end], b' ' | b'.' | b'-') {
                break;
            }
            digits.push_str(view.token_folded(u));
            end = r.end;
            u += 1;
        }
        let n = digits.len();
        let mobile =
            (10..=11).contains(&n) && (digits.starts_with('0') || digits.starts_with("84"));
        let hotline =
            (8..=10).contains(&n) && (digits.starts_with("1800") || digits.starts_with("1900"));
        if mobile || hotline {
            count += 1;
        }
        t = u;
    }
    count
}
