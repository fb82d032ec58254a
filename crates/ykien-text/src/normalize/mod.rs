//! Normalization: one spelling for one text, without ever losing the original.
//!
//! Passes, in order: legacy-encoding repair (TCVN3/VNI mojibake), HTML references,
//! invisible characters and unusual spaces, then NFC and canonical tone placement. The
//! original is never modified; [`Normalized::map`] takes any range of the normalized text
//! back to the original bytes, so what is found in the normalized view can be quoted,
//! highlighted or masked in the original.

mod chars;
mod clean;
mod compose;
mod entities;
mod legacy;
mod offset_map;
mod syllable;
mod tone;
pub(crate) mod vowel;

pub use legacy::{Encoding, detect_legacy_encoding};
pub use offset_map::OffsetMap;
pub use tone::ToneStyle;

pub(crate) use chars::{is_emoji, is_emoji_start, is_word_char};
pub(crate) use offset_map::{MapBuilder, finish_pass};

use std::ops::Range;

/// What to do about legacy encodings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Legacy {
    /// Never convert.
    Off,
    /// Convert when [`detect_legacy_encoding`] is at least this confident.
    Detect { min_confidence: f32 },
    /// Convert from this encoding, detection or not.
    From(Encoding),
    /// `Detect { min_confidence: 0.7 }`.
    #[default]
    Auto,
}

/// Normalization options. The defaults suit every analysis in ykien.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Canonical tone placement, or `None` to leave tone marks where they are.
    pub tone: Option<ToneStyle>,
    /// Decode `&amp;`, `&#7879;`, … .
    pub html_entities: bool,
    /// Drop zero-width characters and turn unusual spaces into ' ' (or '\n').
    pub spaces: bool,
    /// Repair TCVN3 / VNI mojibake.
    pub legacy: Legacy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tone: Some(ToneStyle::New),
            html_entities: true,
            spaces: true,
            legacy: Legacy::Auto,
        }
    }
}

/// A normalized view of a text and the way back to the original.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The derived text.
    pub text: String,
    /// Derived byte offsets to original byte ranges.
    pub map: OffsetMap,
    /// The legacy encoding that was repaired, if any.
    pub legacy: Option<Encoding>,
}

impl Normalized {
    /// The original byte range behind `range` of [`Self::text`].
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        self.map.to_original(range)
    }
}

/// Normalizes with the default [`Options`].
pub fn normalize(text: &str) -> Normalized {
    normalize_with(text, &Options::default())
}

/// Normalizes `text`. Idempotent: normalizing the result again changes nothing.
pub fn normalize_with(text: &str, options: &Options) -> Normalized {
    let mut map = OffsetMap::identity(text.len());
    let mut legacy = None;
    let detect = |text: &str| -> Option<Encoding> {
        let min = match options.legacy {
            Legacy::Detect { min_confidence } => min_confidence,
            Legacy::Auto => 0.7,
            Legacy::Off | Legacy::From(_) => return None,
        };
        if text.is_ascii() {
            None
        } else {
            detect_legacy_encoding(text)
                .filter(|&(_, c)| c >= min)
                .map(|(e, _)| e)
        }
    };
    let encoding = match options.legacy {
        Legacy::From(e) => Some(e),
        _ => detect(text),
    };
    // Legacy text comes first: TCVN3 writes "ư" as U+00AD, which the cleaner would drop.
    let mut current: Option<String> = None;
    if let Some(e) = encoding {
        let (out, m) = legacy::convert(text, e);
        if !m.is_identity() {
            legacy = Some(e);
            map = map.then(m);
            current = Some(out);
        }
    }
    if options.html_entities || options.spaces {
        // a decoded reference can complete another one ("&amp;&#108;t;"): repeat
        for _ in 0..4 {
            let src = current.as_deref().unwrap_or(text);
            if !src.bytes().any(|b| b == b'&') && (!options.spaces || src.is_ascii()) {
                break;
            }
            let (out, m) = clean::clean(src, options.html_entities, options.spaces);
            if m.is_identity() {
                break;
            }
            map = map.then(m);
            current = Some(out);
            if !options.html_entities {
                break;
            }
        }
    }
    let src = current.as_deref().unwrap_or(text);
    let (out, m) = compose::compose(src, options.tone);
    if !m.is_identity() {
        map = map.then(m);
        current = Some(out);
    }
    // Cleaning and tone placement can reveal a legacy word that an invisible character, an
    // entity or a tone position hid from detection ("µ\u{200B}", "µ&nbsp;thúy"). Judge the
    // result too, or a second normalization would convert what the first left alone and
    // normalizing would not be idempotent.
    if legacy.is_none()
        && let Some(done) = current.as_deref()
        && let Some(e) = detect(done)
    {
        let (out, m) = legacy::convert(done, e);
        if !m.is_identity() {
            legacy = Some(e);
            map = map.then(m);
            let (out, m) = compose::compose(&out, options.tone);
            map = map.then(m);
            current = Some(out);
        }
    }
    let text = current.unwrap_or_else(|| text.to_owned());
    Normalized { text, map, legacy }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_meet() {
        assert_eq!(
            normalize("Hoà bình, thuỷ sản, Thanh Hoá, khoẻ").text,
            "Hòa bình, thủy sản, Thanh Hóa, khỏe"
        );
        assert_eq!(
            normalize("Hòa bình, thủy sản, Thanh Hóa, khỏe").text,
            "Hòa bình, thủy sản, Thanh Hóa, khỏe"
        );
        let old = Options {
            tone: Some(ToneStyle::Old),
            ..Options::default()
        };
        assert_eq!(
            normalize_with("Hòa bình, thủy sản", &old).text,
            "Hoà bình, thuỷ sản"
        );
    }

    #[test]
    fn everything_at_once_maps_back() {
        let input = "\u{FEFF}Vi&#7879;t\u{A0}Nam hoa\u{300}  &amp;amp; \u{200B}thuý";
        let n = normalize(input);
        assert_eq!(n.text, "Việt Nam hòa  & thúy");
        let at = |w: &str| {
            let i = n.text.find(w).unwrap();
            &input[n.original_range(i..i + w.len())]
        };
        assert_eq!(at("Việt"), "Vi&#7879;t");
        assert_eq!(at("hòa"), "hoa\u{300}");
        assert_eq!(at("&"), "&amp;amp;");
        assert_eq!(at("thúy"), "thuý");
        assert_eq!(n.original_range(0..0), 3..3);
        assert_eq!(normalize(&n.text).text, n.text);
    }

    #[test]
    fn repairs_legacy_text() {
        let n = normalize("M\u{AD}êng Kh\u{AD}\u{AC}ng, Lµo Cai");
        assert_eq!(n.legacy, Some(Encoding::Tcvn3));
        assert_eq!(n.text, "Mường Khương, Lào Cai");
        let n = normalize("UÛy ban Maët traän Toå quoác");
        assert_eq!(n.legacy, Some(Encoding::Vni));
        assert_eq!(n.text, "Ủy ban Mặt trận Tổ quốc");
    }
}
