//! Brand tokens of gambling sites: short words mixing letters and digits ("fb88",
//! "98win", "v9bet").
//!
//! New brands appear every month, so a list cannot keep up; the shape can. Ordinary
//! tokens mix letters and digits too ("4G", "H5N1", "A320", "U23", "QL1A"), so a shape
//! alone is only a candidate: it needs betting words around it, unless it carries a
//! betting affix ("bet", "club", digits then "win").

/// How much a token looks like a gambling brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum BrandShape {
    /// Not a brand.
    No,
    /// Letters and "lucky" digits ("hi88", "mb66"): a brand only next to betting words.
    Lucky,
    /// A betting affix with digits ("33win", "v9bet", "789club"): a brand on its own shape.
    Affix,
}

/// Digits spam brands favour (8 sounds like "phát", prosperity).
fn lucky(d: &str) -> bool {
    (d.len() <= 3 && d.bytes().all(|b| matches!(b, b'6' | b'8' | b'9')))
        || matches!(
            d,
            "79" | "39" | "365" | "388" | "789" | "777" | "168" | "188" | "555" | "888" | "999"
        )
}

/// Shape of a folded token (lower-case ASCII letters and digits).
pub(crate) fn shape(tok: &str) -> BrandShape {
    let b = tok.as_bytes();
    if b.len() < 2 || b.len() > 12 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return BrandShape::No;
    }
    // maximal runs of letters or digits
    let mut runs: [(usize, usize); 4] = [(0, 0); 4];
    let mut n = 0;
    let mut start = 0;
    for i in 1..=b.len() {
        if i == b.len() || b[i].is_ascii_digit() != b[start].is_ascii_digit() {
            if n == 4 {
                return BrandShape::No;
            }
            runs[n] = (start, i);
            n += 1;
            start = i;
        }
    }
    if n < 2 {
        return BrandShape::No;
    }
    let run = |k: usize| &tok[runs[k].0..runs[k].1];
    let digits_first = b[0].is_ascii_digit();
    let last = run(n - 1);
    let affix_end = ["bet", "club", "clb", "casino", "slot", "vip", "win", "nohu"]
        .iter()
        .any(|a| last.ends_with(a) && last.len() <= a.len() + 2);
    let affix_start = matches!(run(0), "bet" | "nohu");
    // "win98", "win7" are Windows, so "win" counts only after the digits
    if affix_end && (n == 2 && digits_first || n == 3 && !digits_first) {
        return BrandShape::Affix;
    }
    if affix_start && n == 2 && !digits_first {
        return BrandShape::Affix;
    }
    // a betting word inside the letters, then lucky digits: "kingbet86", "sunclub68"
    if n == 2 && !digits_first {
        let letters = run(0);
        let inner = ["bet", "club", "casino", "slot", "nohu"]
            .iter()
            .any(|a| letters.contains(a))
            || (letters.ends_with("win") && letters.len() > 3);
        if inner && lucky(run(1)) {
            return BrandShape::Affix;
        }
    }
    if n == 2 {
        let (letters, digits) = if digits_first {
            (run(1), run(0))
        } else {
            (run(0), run(1))
        };
        // "win98", "xp86": software versions, not brands
        let letters_ok = if digits_first {
            letters.len() <= 4
        } else {
            letters.len() <= 6
        };
        if letters_ok && digits.len() >= 2 && lucky(digits) && !matches!(letters, "win" | "xp") {
            return BrandShape::Lucky;
        }
    }
    BrandShape::No
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_by_shape() {
        for t in [
            "98win", "33win", "v9bet", "f8bet", "8xbet", "188bet", "789club", "bet365",
        ] {
            assert_eq!(shape(t), BrandShape::Affix, "{t}");
        }
        for t in [
            "fb88", "go88", "hi88", "jun88", "new88", "mb66", "ok365", "sv388", "w88",
        ] {
            assert_eq!(shape(t), BrandShape::Lucky, "{t}");
        }
    }

    #[test]
    fn ordinary_alphanumerics_are_not_brands() {
        for t in [
            "covid",
            "19",
            "4g",
            "5g",
            "h5n1",
            "a320",
            "u23",
            "2024",
            "ql1a",
            "win98",
            "win7",
            "vn30",
            "g20",
            "iphone",
            "s500",
            "mp3",
            "h264",
            "b787",
            "9h",
            "6m",
            "u6",
            "6mu",
            "9saeco",
            "betterinet7",
            "cydoor6",
            "mm8",
        ] {
            assert_eq!(shape(t), BrandShape::No, "{t}");
        }
    }
}
