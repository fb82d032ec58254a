//! Maps byte offsets of a derived text back to the original.
//!
//! Every view ykien derives from a text (normalized, legacy-decoded, teencode-expanded) is
//! only good for analysis: what we show, cite or mask is always a range of the original
//! bytes. A map is a stack of layers, one per rewriting pass, so passes stay independent
//! and a lookup walks the layers from the last pass back to the original.

use std::ops::Range;

/// One piece of output and the input it came from.
///
/// `linear` pieces are byte-for-byte copies (so every inner offset maps exactly); other
/// pieces were rewritten as a whole and any inner offset snaps to the piece's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    out_start: usize,
    out_end: usize,
    in_start: usize,
    in_end: usize,
    linear: bool,
}

/// The pieces of one pass. Pieces are sorted, never empty on either side, and cover the
/// whole output; input not covered by any piece was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layer {
    pieces: Vec<Piece>,
    out_len: usize,
    in_len: usize,
}

impl Layer {
    fn piece_at(&self, out: usize) -> &Piece {
        let i = self.pieces.partition_point(|p| p.out_end <= out);
        &self.pieces[i]
    }

    /// Input offset where the output byte at `out` comes from (start side).
    fn start(&self, out: usize) -> usize {
        if out >= self.out_len {
            return self.in_len;
        }
        let p = self.piece_at(out);
        if p.linear {
            p.in_start + (out - p.out_start)
        } else {
            p.in_start
        }
    }

    /// Input offset just after the source of the output byte before `out` (end side).
    fn end(&self, out: usize) -> usize {
        let out = out.min(self.out_len);
        if out == 0 {
            return self.start(0);
        }
        let p = self.piece_at(out - 1);
        if p.linear {
            p.in_start + (out - p.out_start)
        } else {
            p.in_end
        }
    }
}

/// Maps byte offsets in a derived text to byte ranges of the original text.
///
/// Results always lie on `char` boundaries of the original and inside it. An empty map
/// is the identity (the derived text *is* the original).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    layers: Vec<Layer>,
    original_len: Option<usize>,
}

impl OffsetMap {
    /// The identity map for a text of `len` bytes.
    pub fn identity(len: usize) -> Self {
        OffsetMap {
            layers: Vec::new(),
            original_len: Some(len),
        }
    }

    /// True when the derived text is byte-for-byte the original.
    pub fn is_identity(&self) -> bool {
        self.layers.is_empty()
    }

    /// Length of the original text in bytes, when known.
    pub fn original_len(&self) -> Option<usize> {
        self.original_len
            .or_else(|| self.layers.first().map(|l| l.in_len))
    }

    /// Range of original bytes that produced the derived bytes `range`.
    ///
    /// A rewritten piece maps as a whole: asking for part of "hòa" (rewritten from
    /// "hoà") gives all of "hoà". An empty range maps to an empty range at the position
    /// the derived offset came from. Offsets past the end are clamped.
    pub fn to_original(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end {
            let p = self.offset_to_original(range.start);
            return p..p;
        }
        let (mut s, mut e) = (range.start, range.end);
        for layer in self.layers.iter().rev() {
            let ns = layer.start(s);
            let ne = layer.end(e);
            s = ns;
            e = ne.max(ns);
        }
        if let Some(len) = self.original_len {
            s = s.min(len);
            e = e.min(len);
        }
        s..e
    }

    /// Original offset that the derived offset `offset` comes from.
    pub fn offset_to_original(&self, offset: usize) -> usize {
        let mut o = offset;
        for layer in self.layers.iter().rev() {
            o = layer.start(o);
        }
        match self.original_len {
            Some(len) => o.min(len),
            None => o,
        }
    }

    /// Stacks `next` (a map from a text derived from our derived text) on top of `self`.
    pub fn then(mut self, next: OffsetMap) -> OffsetMap {
        self.layers.extend(next.layers);
        self
    }

    pub(crate) fn from_layer(layer: Layer, original_len: usize) -> Self {
        OffsetMap {
            layers: vec![layer],
            original_len: Some(original_len),
        }
    }
}

/// Builds one layer while a pass writes its output.
///
/// Passes copy lazily: they only tell the builder where a change happens, and the
/// unchanged bytes in between are copied in one go.
pub(crate) struct MapBuilder<'a> {
    input: &'a str,
    out: String,
    pieces: Vec<Piece>,
    copied_to: usize,
    changed: bool,
}

impl<'a> MapBuilder<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        MapBuilder {
            input,
            out: String::new(),
            pieces: Vec::new(),
            copied_to: 0,
            changed: false,
        }
    }

    fn ensure_capacity(&mut self) {
        if !self.changed {
            self.out.reserve(self.input.len() + self.input.len() / 8);
            self.changed = true;
        }
    }

    /// Copies the input from where we stopped up to `to`.
    fn copy_to(&mut self, to: usize) {
        if to <= self.copied_to {
            return;
        }
        let from = self.copied_to;
        let out_start = self.out.len();
        self.out.push_str(&self.input[from..to]);
        let out_end = self.out.len();
        match self.pieces.last_mut() {
            Some(last) if last.linear && last.in_end == from && last.out_end == out_start => {
                last.in_end = to;
                last.out_end = out_end;
            }
            _ => self.pieces.push(Piece {
                out_start,
                out_end,
                in_start: from,
                in_end: to,
                linear: true,
            }),
        }
        self.copied_to = to;
    }

    /// Replaces input `range` (which must start at or after everything handled so far)
    /// by `text`. An empty `text` deletes.
    pub(crate) fn replace(&mut self, range: Range<usize>, text: &str) {
        debug_assert!(range.start >= self.copied_to && range.end >= range.start);
        if &self.input[range.clone()] == text {
            return; // copied lazily later
        }
        self.ensure_capacity();
        self.copy_to(range.start);
        if !text.is_empty() {
            let out_start = self.out.len();
            self.out.push_str(text);
            self.pieces.push(Piece {
                out_start,
                out_end: self.out.len(),
                in_start: range.start,
                in_end: range.end,
                linear: false,
            });
        }
        self.copied_to = range.end;
    }

    /// Like [`Self::replace`] with a single character.
    pub(crate) fn replace_char(&mut self, range: Range<usize>, c: char) {
        let mut buf = [0u8; 4];
        self.replace(range, c.encode_utf8(&mut buf));
    }

    /// Finishes the pass: `None` when nothing changed (the output is the input).
    pub(crate) fn finish(mut self) -> Option<(String, Layer)> {
        if !self.changed {
            return None;
        }
        let len = self.input.len();
        self.copy_to(len);
        let out_len = self.out.len();
        Some((
            self.out,
            Layer {
                pieces: self.pieces,
                out_len,
                in_len: len,
            },
        ))
    }
}

/// Result of a pass over `input`: the derived text and its map back to `input`.
pub(crate) fn finish_pass(input: &str, b: MapBuilder<'_>) -> (String, OffsetMap) {
    match b.finish() {
        None => (input.to_owned(), OffsetMap::identity(input.len())),
        Some((text, layer)) => (text, OffsetMap::from_layer(layer, input.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_and_delete_map_back() {
        let input = "a\u{200B}hoà b";
        let mut b = MapBuilder::new(input);
        b.replace(1..4, ""); // zero-width space
        b.replace(4..8, "hòa");
        let (text, map) = finish_pass(input, b);
        assert_eq!(text, "ahòa b");
        assert_eq!(&input[map.to_original(1..5)], "hoà");
        assert_eq!(&input[map.to_original(2..3)], "hoà"); // inside a rewritten piece
        assert_eq!(&input[map.to_original(0..1)], "a");
        assert_eq!(&input[map.to_original(6..7)], "b");
        assert_eq!(map.to_original(7..7), 10..10);
    }

    #[test]
    fn layers_compose() {
        let input = "x&amp;y";
        let mut b = MapBuilder::new(input);
        b.replace(1..6, "&");
        let (mid, m1) = finish_pass(input, b);
        assert_eq!(mid, "x&y");
        let mut b = MapBuilder::new(&mid);
        b.replace(1..2, " and ");
        let (out, m2) = finish_pass(&mid, b);
        let map = m1.then(m2);
        assert_eq!(out, "x and y");
        assert_eq!(&input[map.to_original(2..5)], "&amp;");
        assert_eq!(&input[map.to_original(6..7)], "y");
    }
}
