//! Character classes shared by the normalizer and the tokenizer.

/// Invisible characters that only get in the way of matching ("Hà\u{200B}Nội").
/// The zero-width joiner is handled apart because emoji sequences need it.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200E}' | '\u{200F}' | '\u{2060}' | '\u{FEFF}'
            | '\u{180E}' | '\u{2061}'..='\u{2064}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// What an unusual space should become: ' ' or '\n'.
#[inline]
pub(crate) fn plain_space(c: char) -> Option<char> {
    match c {
        '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
            Some(' ')
        }
        '\u{85}' | '\u{2028}' | '\u{2029}' => Some('\n'),
        _ => None,
    }
}

/// Pictographs, dingbats and the modifiers that glue emoji sequences together.
#[inline]
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x2190..=0x21FF | 0x2934 | 0x2935 | 0x25A0..=0x25FF | 0x2100..=0x214F)
}

/// Emoji that may start a cluster (modifiers and joiners may not).
#[inline]
pub(crate) fn is_emoji_start(c: char) -> bool {
    is_emoji(c) && !matches!(c as u32, 0xFE0F | 0x20E3 | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F)
}

/// Letters of words: alphabetic characters, digits and combining marks.
/// Vietnamese letters are answered from their ranges without a table lookup.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match c as u32 {
        0xC0..=0x24F => c != '×' && c != '÷',
        0x300..=0x36F | 0x1EA0..=0x1EFF => true,
        _ => c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c),
    }
}
