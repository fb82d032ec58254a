//! Shared by the evaluations among the examples (each includes it with `#[path]`).

use ykien_text::fold::fold_char;

/// The text as people type it without an IME: every diacritic gone, but the case kept (unlike
/// `fold`), so that the detectors see the capitals they rely on.
pub fn strip_diacritics(s: &str) -> String {
    s.chars()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| {
            let f = fold_char(c);
            if c.is_uppercase() {
                f.to_uppercase().next().unwrap_or(f)
            } else {
                f
            }
        })
        .collect()
}
