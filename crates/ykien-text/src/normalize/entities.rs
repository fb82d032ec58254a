//! HTML character references: the common named ones and all numeric ones.
//!
//! Scraped pages and feed exports are full of "Vi&#7879;t", "&nbsp;" and double-escaped
//! "&amp;quot;". We decode what a browser would show; anything we do not recognise stays
//! as written.

/// Named references worth knowing in Vietnamese web text.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwsp", '\u{200B}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("shy", '\u{AD}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("euro", '€'),
    ("cent", '¢'),
    ("pound", '£'),
    ("yen", '¥'),
    ("sect", '§'),
    ("para", '¶'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("atilde", 'ã'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("igrave", 'ì'),
    ("iacute", 'í'),
    ("ograve", 'ò'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("otilde", 'õ'),
    ("ugrave", 'ù'),
    ("uacute", 'ú'),
    ("yacute", 'ý'),
    ("Agrave", 'À'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Atilde", 'Ã'),
    ("Egrave", 'È'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Igrave", 'Ì'),
    ("Iacute", 'Í'),
    ("Ograve", 'Ò'),
    ("Oacute", 'Ó'),
    ("Ocirc", 'Ô'),
    ("Otilde", 'Õ'),
    ("Ugrave", 'Ù'),
    ("Uacute", 'Ú'),
    ("Yacute", 'Ý'),
];

/// Longest name in [`NAMED`], to bound the scan.
const MAX_NAME: usize = 6;

/// Parses a character reference whose '&' is just before `rest`. Returns the character
/// and how many bytes of `rest` the reference uses (up to and including ';').
///
/// The ';' is required: "AT&T" and "a&b" are common and must stay.
pub(crate) fn parse_after_amp(rest: &str) -> Option<(char, usize)> {
    let b = rest.as_bytes();
    if b.first() == Some(&b'#') {
        let (radix, start) = match b.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let mut end = start;
        while end < b.len() && end - start < 8 && (b[end] as char).is_digit(radix) {
            end += 1;
        }
        if end == start || b.get(end) != Some(&b';') {
            return None;
        }
        let n = u32::from_str_radix(&rest[start..end], radix).ok()?;
        let c = char::from_u32(n).filter(|&c| c != '\0')?;
        return Some((c, end + 1));
    }
    let mut end = 0;
    while end < b.len() && end <= MAX_NAME && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end == 0 || b.get(end) != Some(&b';') {
        return None;
    }
    let name = &rest[..end];
    NAMED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| (c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(parse_after_amp("amp;x"), Some(('&', 4)));
        assert_eq!(parse_after_amp("#7879;t"), Some(('ệ', 6)));
        assert_eq!(parse_after_amp("#x1EC7;"), Some(('ệ', 7)));
        assert_eq!(parse_after_amp("nbsp;"), Some(('\u{A0}', 5)));
        assert_eq!(parse_after_amp("T"), None);
        assert_eq!(parse_after_amp("#0;"), None);
        assert_eq!(parse_after_amp("#xD800;"), None);
        assert_eq!(parse_after_amp("unknown;"), None);
    }
}
