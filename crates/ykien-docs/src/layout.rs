//! The page, fonts and sizes every format shares, in one place, so that the HTML, DOCX and
//! PDF of one document agree. The values follow Decree 30/2020/NĐ-CP, Phụ lục I, Phần I
//! (checked against the decree's text; see the crate doc): where the decree gives a range,
//! the comment says which end we took and why.

/// A4 portrait (Phụ lục I, I.1–2).
pub const PAGE_W_MM: f64 = 210.0;
pub const PAGE_H_MM: f64 = 297.0;
/// Margins (I.3: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm). The smallest of
/// each range, so the most text fits a page, as most offices' templates do.
pub const MARGIN_TOP_MM: f64 = 20.0;
pub const MARGIN_BOTTOM_MM: f64 = 20.0;
pub const MARGIN_LEFT_MM: f64 = 30.0;
pub const MARGIN_RIGHT_MM: f64 = 15.0;
/// Width of the text area.
pub const TEXT_W_MM: f64 = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM;
/// Where the page number sits: centred in the top margin (I.7), this far below the edge.
pub const PAGE_NUMBER_FROM_TOP_MM: f64 = 10.0;

/// The two header columns (Mục IV's diagram: issuing body left, national title right).
/// The national title in 13 pt bold needs about 89 mm, so the right column gets 60 %.
pub const HEADER_LEFT_MM: f64 = 66.0;
pub const HEADER_RIGHT_MM: f64 = TEXT_W_MM - HEADER_LEFT_MM;
/// The closing block: recipients left, signature right (Mục IV: ô 9b and ô 7).
pub const CLOSING_LEFT_MM: f64 = 75.0;
pub const CLOSING_RIGHT_MM: f64 = TEXT_W_MM - CLOSING_LEFT_MM;

/// Sizes in points (II.1–9). Ranges: the body and the title block take 14 pt (the decree's
/// own example), the header's names 13 pt.
pub const PT_BODY: f64 = 14.0;
pub const PT_SUPERIOR: f64 = 13.0;
pub const PT_ISSUER: f64 = 13.0;
pub const PT_NUMBER: f64 = 13.0;
pub const PT_NATIONAL: f64 = 13.0;
pub const PT_MOTTO: f64 = 14.0;
pub const PT_PLACE_DATE: f64 = 14.0;
pub const PT_TITLE: f64 = 14.0;
pub const PT_SIGNATURE: f64 = 14.0;
pub const PT_RECIPIENTS_LABEL: f64 = 12.0;
pub const PT_RECIPIENTS: f64 = 11.0;
pub const PT_PAGE_NUMBER: f64 = 13.0;
/// Tables are not fixed by the decree; 12 pt keeps a 4–5 column table on the page width.
pub const PT_TABLE: f64 = 12.0;
pub const PT_CAPTION: f64 = 13.0;
pub const PT_FOOTNOTE: f64 = 10.0;
pub const PT_DRAFT: f64 = 13.0;

/// First-line indent (II.6.e: 1 cm or 1.27 cm).
pub const INDENT_CM: f64 = 1.27;
/// Space after each paragraph (II.6.e: at least 6 pt).
pub const PARA_AFTER_PT: f64 = 6.0;
/// Baseline to baseline, in em. The decree allows single to 1.5 lines; Word's "single"
/// for Times is 1.15 em, and 1.1 × single (≈ 1.26 em) reads well at 14 pt.
pub const LINE_EM: f64 = 1.26;
/// The space kept for the hand signature and the seal (ô 7c, 8) between title and name.
pub const SIGNATURE_SPACE_MM: f64 = 25.0;
/// The short rule under the issuing body and under the summary: 1/3 to 1/2 of the line
/// (II.2.b, II.5.b); we draw 40 %.
pub const SHORT_RULE_RATIO: f64 = 0.4;
/// Rules are thin: 0.5 pt.
pub const RULE_PT: f64 = 0.5;

/// The font family every format asks for. DOCX and HTML name it so the reader's Times New
/// Roman is used; the PDF embeds Liberation Serif, which has the same metrics.
pub const FONT_FAMILY: &str = "Times New Roman";

/// Millimetres to twentieths of a point (DOCX "twips").
pub fn mm_to_twip(mm: f64) -> i32 {
    (mm / 25.4 * 1440.0).round() as i32
}

/// Points to DOCX half-points (run sizes).
pub fn pt_to_half(pt: f64) -> usize {
    (pt * 2.0).round() as usize
}

/// Drops characters XML 1.0 forbids (C0 controls but tab/newline/carriage return, the
/// non-characters U+FFFE/U+FFFF): one stray control character from a pasted text would make
/// Word refuse the whole DOCX file, and typst and browsers are not better served by them.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{FFFE}'
            || c == '\u{FFFF}'
    };
    if s.chars().any(bad) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Text the decree prints in capitals (names of bodies, the national title, the document
/// type, the signer's authority), upper-cased here so every format agrees even when a
/// caller typed it in lower case.
pub fn caps(s: &str) -> String {
    clean(s).to_uppercase()
}

/// Whether `href` may become a link at all: a path of our own web UI (`/items?…`, not the
/// protocol-relative `//host`) or an `http(s)` URL. Anything else (`javascript:`, `data:`,
/// a bare word) stays plain text in every format, so no stored string can become a script.
pub fn safe_href(href: &str) -> bool {
    let h = href.trim();
    if h.is_empty() || h.chars().any(|c| c.is_control() || c == ' ') {
        return false;
    }
    if h.starts_with('/') {
        return !h.starts_with("//") && !h.starts_with("/\\");
    }
    let lower = h.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The link for formats that live outside the web UI (DOCX, PDF): absolute URLs stay, a
/// path is joined to `base_url`, and without a base a path gives no link (plain text).
pub fn absolute_href(href: Option<&str>, base_url: Option<&str>) -> Option<String> {
    let h = href?.trim();
    if !safe_href(h) {
        return None;
    }
    if !h.starts_with('/') {
        return Some(h.to_string());
    }
    let base = base_url?.trim().trim_end_matches('/');
    if !safe_href(base) || base.starts_with('/') {
        return None;
    }
    Some(format!("{base}{h}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs() {
        assert!(safe_href("/items?unit=01"));
        assert!(safe_href("https://x.vn/a"));
        assert!(!safe_href("//evil.example/x"));
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href(" JavaScript:alert(1)"));
        assert!(!safe_href("data:text/html,x"));
        assert_eq!(
            absolute_href(Some("/items?a=1"), Some("https://y.vn/")),
            Some("https://y.vn/items?a=1".into())
        );
        assert_eq!(absolute_href(Some("/items"), None), None);
        assert_eq!(
            absolute_href(Some("http://a.vn"), None),
            Some("http://a.vn".into())
        );
        assert_eq!(absolute_href(Some("/x"), Some("javascript:x")), None);
    }

    #[test]
    fn cleans_controls() {
        assert_eq!(clean("a\u{1}b\u{FFFF}\tc"), "ab\tc");
        assert!(matches!(clean("Độc lập"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn units() {
        assert_eq!(mm_to_twip(210.0), 11906);
        assert_eq!(mm_to_twip(297.0), 16838);
        assert_eq!(pt_to_half(13.0), 26);
    }
}
