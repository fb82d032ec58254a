//! Spelling comparison that ignores where the tone mark sits ("Thuỵ" = "Thụy") but not
//! which tone it is ("Làng" ≠ "Láng").

use unicode_normalization::UnicodeNormalization;

const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// Lower-case letters with vowel marks (â, ơ, đ…) kept, each syllable followed by its tone.
pub(crate) fn tone_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for word in s.split(|c: char| !c.is_alphanumeric() && !TONES.contains(&c) && !is_mark(c)) {
        if word.is_empty() {
            continue;
        }
        let mut tone = '0';
        for c in word.nfd() {
            if let Some(i) = TONES.iter().position(|&t| t == c) {
                tone = char::from(b'1' + i as u8);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out.push(tone);
        out.push(' ');
    }
    out.nfc().collect()
}

fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_position_does_not_matter_but_the_tone_does() {
        assert_eq!(tone_key("Thuỵ Phương"), tone_key("thụy phương"));
        assert_eq!(tone_key("Hoà Bình"), tone_key("Hòa Bình"));
        assert_ne!(tone_key("Làng"), tone_key("Láng"));
        assert_ne!(tone_key("An Vĩnh"), tone_key("An Vinh"));
    }
}
