//! Text cut into pieces for highlighting: the original text with the spans the analysis
//! found (places, spam evidence, search words) marked, so that a template can wrap each
//! marked piece in `<mark>` (and a place in a link to its unit) while askama escapes every
//! piece of the text itself. Spans come from stored JSON, so each is checked: one that is
//! out of range, not on character boundaries, empty, or overlapping an earlier one is left
//! out rather than trusted.

use std::ops::Range;

/// What a marked piece is evidence of (also its CSS class: `mark-<kind>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    Place,
    Spam,
    Hit,
}

impl MarkKind {
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Place => "mark-place",
            MarkKind::Spam => "mark-spam",
            MarkKind::Hit => "mark-hit",
        }
    }
}

/// A span to mark: its kind, an optional link (a place's unit page) and a title (what it
/// is, in the page's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub kind: MarkKind,
    pub href: Option<String>,
    pub title: String,
}

/// One piece of text, marked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub mark: Option<Span>,
}

impl Piece {
    pub fn class(&self) -> &'static str {
        self.mark.as_ref().map_or("", |m| m.kind.class())
    }
}

/// Cuts `text` at the valid spans; earlier spans in `spans` win over later ones they
/// overlap (callers list the most telling kind first).
pub fn pieces(text: &str, spans: Vec<Span>) -> Vec<Piece> {
    let mut kept: Vec<Span> = Vec::new();
    for s in spans {
        let r = &s.range;
        let valid = r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end);
        let overlaps = kept
            .iter()
            .any(|k| k.range.start < r.end && r.start < k.range.end);
        if valid && !overlaps {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| s.range.start);
    let mut out = Vec::with_capacity(kept.len() * 2 + 1);
    let mut pos = 0;
    for s in kept {
        if s.range.start > pos {
            out.push(Piece {
                text: text[pos..s.range.start].to_string(),
                mark: None,
            });
        }
        pos = s.range.end;
        out.push(Piece {
            text: text[s.range.clone()].to_string(),
            mark: Some(s),
        });
    }
    if pos < text.len() || out.is_empty() {
        out.push(Piece {
            text: text[pos..].to_string(),
            mark: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(r: Range<usize>, kind: MarkKind) -> Span {
        Span {
            range: r,
            kind,
            href: None,
            title: String::new(),
        }
    }

    #[test]
    fn marks_valid_spans_and_drops_the_rest() {
        let text = "Ngập ở Thụy Phương";
        let start = text.find("Thụy").unwrap();
        let p = pieces(
            text,
            vec![
                span(start..text.len(), MarkKind::Place),
                // overlaps the place: dropped
                span(start..start + 3, MarkKind::Spam),
                // not on a character boundary ("ậ" is 3 bytes): dropped
                span(2..4, MarkKind::Hit),
                // out of range, empty: dropped
                span(0..999, MarkKind::Hit),
                span(1..1, MarkKind::Hit),
                span(0..1, MarkKind::Hit),
            ],
        );
        let texts: Vec<&str> = p.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, ["N", "gập ở ", "Thụy Phương"]);
        assert_eq!(p[0].class(), "mark-hit");
        assert_eq!(p[1].class(), "");
        assert_eq!(p[2].class(), "mark-place");
        assert_eq!(texts.concat(), text, "nothing lost or repeated");
    }

    #[test]
    fn no_spans_is_the_whole_text() {
        assert_eq!(pieces("abc", vec![]).len(), 1);
        assert_eq!(pieces("", vec![])[0].text, "");
    }
}
