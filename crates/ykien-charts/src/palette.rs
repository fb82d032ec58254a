//! Colours: a CSS class for each role, with the fallback written inline as a presentation
//! attribute. A stylesheet rule on the class (`.yk-cur { stroke: … }`) overrides the
//! fallback, so the web UI themes the charts and a print stylesheet can make them
//! black-and-white; without any stylesheet (a report, typst) the fallbacks apply. Every
//! fallback meets WCAG 2.1 AA on white: 4.5:1 for text, 3:1 for graphics (checked in tests).

/// A colour role: the class the UI styles and the fallback colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swatch {
    pub class: &'static str,
    pub fallback: &'static str,
    /// Whether it colours text (AA 4.5:1) or only graphics (3:1).
    pub text: bool,
}

const fn sw(class: &'static str, fallback: &'static str, text: bool) -> Swatch {
    Swatch {
        class,
        fallback,
        text,
    }
}

pub const TEXT: Swatch = sw("yk-text", "#1f2937", true);
pub const MUTED_TEXT: Swatch = sw("yk-muted", "#4b5563", true);
pub const AXIS: Swatch = sw("yk-axis", "#6b7280", false);
/// Grid lines are decoration (WCAG does not require contrast); kept light on purpose.
pub const GRID: Swatch = sw("yk-grid", "#e5e7eb", false);
pub const EMPTY_FRAME: Swatch = sw("yk-empty", "#6b7280", false);
pub const CURRENT: Swatch = sw("yk-cur", "#1d4ed8", false);
pub const PREVIOUS: Swatch = sw("yk-prev", "#6b7280", false);
pub const BAR: Swatch = sw("yk-bar", "#1d4ed8", false);
pub const UP: Swatch = sw("yk-up", "#b91c1c", true);
pub const DOWN: Swatch = sw("yk-down", "#15803d", true);
pub const SAME: Swatch = sw("yk-same", "#4b5563", true);
pub const NEGATIVE: Swatch = sw("yk-neg", "#b91c1c", false);
pub const NEUTRAL: Swatch = sw("yk-neu", "#6b7280", false);
pub const POSITIVE: Swatch = sw("yk-pos", "#15803d", false);
/// Proportional circles: translucent fill, so overlaps show, and a dark outline that
/// carries the 3:1 contrast.
pub const SYMBOL: Swatch = sw("yk-sym", "#2563eb", false);
pub const SYMBOL_EDGE: Swatch = sw("yk-sym-edge", "#1e3a8a", false);
pub const MAP_BG: Swatch = sw("yk-map-bg", "#f8fafc", false);

/// Every swatch that must meet contrast on white (grid and map background excluded).
pub const CHECKED: &[Swatch] = &[
    TEXT,
    MUTED_TEXT,
    AXIS,
    EMPTY_FRAME,
    CURRENT,
    PREVIOUS,
    BAR,
    UP,
    DOWN,
    SAME,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SYMBOL_EDGE,
];

/// Segment labels are white text on the sentiment colours: each must reach 4.5:1.
pub const ON_DARK: &str = "#ffffff";

/// WCAG relative luminance of `#rrggbb`.
pub fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let ch = |i: usize| {
        let v = u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4)
}

/// WCAG contrast ratio between two colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_meet_wcag_aa_on_white() {
        for s in CHECKED {
            let need = if s.text { 4.5 } else { 3.0 };
            let c = contrast(s.fallback, "#ffffff");
            assert!(c >= need, "{} {} has {c:.2}:1", s.class, s.fallback);
        }
        for s in [NEGATIVE, NEUTRAL, POSITIVE] {
            let c = contrast(s.fallback, ON_DARK);
            assert!(c >= 4.5, "white on {} has {c:.2}:1", s.class);
        }
        // and the check itself can fail: light grey on white does not pass
        assert!(contrast(GRID.fallback, "#ffffff") < 3.0);
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    }
}
