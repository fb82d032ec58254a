//! Text out of HTML.
//!
//! - [`main_text`]: the article of a page, without menus, footers, sidebars, scripts and
//!   styles. This is Mozilla's Readability algorithm (blocks scored by their text, commas and
//!   link density; unlikely candidates such as nav, footer and aside dropped), as ported by the
//!   maintained `dom_smoothie` crate, rather than a scorer of our own.
//! - [`page_text`]: every text of a page except scripts and styles, hidden elements
//!   included. The integrity watch uses it because injected gambling spam hides exactly where
//!   Readability looks away: in `display:none` blocks, link farms and footers.
//! - [`fragment_text`]: an HTML fragment (a feed entry's summary or content) as plain text.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};

/// Elements whose content is never text a reader sees.
const NOT_TEXT: &str = "script, style, noscript, template, svg, iframe, object, embed";

/// Pages with more elements are not scored (their text falls back to [`page_text`]): the
/// scorer's cost grows with the page, and article pages are far smaller.
const MAX_ELEMENTS: usize = 50_000;

/// A page's article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: Option<String>,
    /// Paragraphs separated by blank lines.
    pub text: String,
}

/// Collapses runs of blank lines and trims every line, so that the same page always gives the
/// same text (snapshots and content hashes compare equal).
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// The main text of an article page; falls back to the whole page's text when the scorer
/// finds no article (a short page, a list page).
pub fn main_text(html: &str, url: Option<&str>) -> Article {
    let cfg = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    // A relative or odd URL only serves to resolve links, which we do not keep.
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let parsed = Readability::new(html, url, Some(cfg.clone()))
        .or_else(|_| Readability::new(html, None, Some(cfg)))
        .and_then(|mut r| r.parse());
    match parsed {
        Ok(a) if !a.text_content.trim().is_empty() => Article {
            title: Some(a.title.trim().to_string()).filter(|t| !t.is_empty()),
            text: tidy(&a.text_content),
        },
        _ => {
            let doc = Document::from(html);
            let title = doc.select("title").text().trim().to_string();
            Article {
                title: Some(title).filter(|t| !t.is_empty()),
                text: page_text(html),
            }
        }
    }
}

/// All the text of a page but scripts and styles, hidden elements included.
pub fn page_text(html: &str) -> String {
    let doc = Document::from(html);
    doc.select(NOT_TEXT).remove();
    let body = doc.select("body");
    let text = if body.exists() {
        body.formatted_text()
    } else {
        doc.formatted_text()
    };
    tidy(&text)
}

/// An HTML fragment as plain text (a feed entry's summary). Plain text passes unchanged but
/// for whitespace, and entities are decoded.
pub fn fragment_text(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return tidy(fragment);
    }
    let doc = Document::fragment(fragment);
    doc.select(NOT_TEXT).remove();
    tidy(&doc.formatted_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_lose_tags_keep_words_and_decode_entities() {
        let t = fragment_text(
            "<p>Người dân phường <b>Ba Đình</b> phản ánh &amp; kiến nghị.</p>\
             <script>alert(1)</script><p>Đoạn hai.</p>",
        );
        assert!(
            t.contains("Người dân phường Ba Đình phản ánh & kiến nghị."),
            "{t}"
        );
        assert!(t.contains("Đoạn hai."), "{t}");
        assert!(!t.contains("alert"), "{t}");
        assert_eq!(fragment_text("  chữ   thường \n"), "chữ thường");
    }

    #[test]
    fn page_text_keeps_hidden_blocks_and_drops_scripts() {
        let t = page_text(
            "<html><head><style>p{}</style></head><body><p>Bài viết.</p>\
             <div style=\"display:none\">nhà cái uy tín</div><script>var x;</script></body></html>",
        );
        assert!(t.contains("Bài viết."), "{t}");
        assert!(t.contains("nhà cái uy tín"), "{t}");
        assert!(!t.contains("var x"), "{t}");
    }

    #[test]
    fn tidy_is_idempotent() {
        let a = tidy("  a  b \n\n\n c\nd  ");
        assert_eq!(a, "a b\n\nc\nd");
        assert_eq!(tidy(&a), a);
    }
}
