//! Type words written before a unit's name ("phường", "P.", "TP", "thị xã"…).

use ykien_units::{Level, Unit};

use super::scan::Token;

/// The kind of unit a prefix announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    Phuong,
    Xa,
    ThiTran,
    DacKhu,
    Quan,
    Huyen,
    ThiXa,
    ThanhPho,
    Tinh,
}

/// Folded token sequences and, when the writer used diacritics, the exact lower-case form
/// required (so that "quân", "xa" or "tính" are not read as prefixes). Two-word prefixes
/// come first so that "thị xã" is never read as "xã".
const FORMS: &[(&[&str], &[&str], Prefix)] = &[
    (&["thi", "xa"], &["thị", "xã"], Prefix::ThiXa),
    (&["thi", "tran"], &["thị", "trấn"], Prefix::ThiTran),
    (&["thanh", "pho"], &["thành", "phố"], Prefix::ThanhPho),
    (&["dac", "khu"], &["đặc", "khu"], Prefix::DacKhu),
    (&["huyen", "dao"], &["huyện", "đảo"], Prefix::Huyen),
    (&["phuong"], &["phường"], Prefix::Phuong),
    (&["xa"], &["xã"], Prefix::Xa),
    (&["quan"], &["quận"], Prefix::Quan),
    (&["huyen"], &["huyện"], Prefix::Huyen),
    (&["tinh"], &["tỉnh"], Prefix::Tinh),
    (&["tx"], &["tx"], Prefix::ThiXa),
    (&["tt"], &["tt"], Prefix::ThiTran),
    (&["tp"], &["tp"], Prefix::ThanhPho),
    (&["p"], &["p"], Prefix::Phuong),
    (&["x"], &["x"], Prefix::Xa),
    (&["q"], &["q"], Prefix::Quan),
    (&["h"], &["h"], Prefix::Huyen),
];

/// The prefix ending right before token `at`, as (prefix, index of its first token).
pub(crate) fn prefix_before(tokens: &[Token<'_>], at: usize) -> Option<(Prefix, usize)> {
    if at == 0 || tokens[at].hard_before {
        return None;
    }
    'forms: for (folded, exact, prefix) in FORMS {
        let n = folded.len();
        if at < n {
            continue;
        }
        let first = at - n;
        for (k, (f, e)) in folded.iter().zip(exact.iter()).enumerate() {
            let t = &tokens[first + k];
            if k > 0 && t.hard_before {
                continue 'forms;
            }
            if t.folded != *f || (t.strict() && t.lower() != *e) {
                continue 'forms;
            }
        }
        return Some((*prefix, first));
    }
    None
}

impl Prefix {
    /// Whether a unit of this kind is what the prefix announces.
    pub fn fits(self, unit: &Unit) -> bool {
        match self {
            Prefix::Phuong => unit.kind == "Phường",
            Prefix::Xa => unit.kind == "Xã",
            Prefix::ThiTran => unit.kind == "Thị trấn",
            Prefix::DacKhu => unit.kind == "Đặc khu",
            Prefix::Quan => unit.kind == "Quận",
            Prefix::Huyen => unit.kind == "Huyện",
            Prefix::ThiXa => unit.kind == "Thị xã",
            Prefix::ThanhPho => unit.kind == "Thành phố",
            Prefix::Tinh => unit.kind == "Tỉnh",
        }
    }

    /// The tier the prefix belongs to; a wrong kind at the right tier (a "xã" that became a
    /// "phường") is a smaller mistake than a wrong tier.
    pub fn level(self) -> Level {
        match self {
            Prefix::Phuong | Prefix::Xa | Prefix::ThiTran | Prefix::DacKhu => Level::Commune,
            Prefix::Quan | Prefix::Huyen | Prefix::ThiXa => Level::District,
            Prefix::ThanhPho | Prefix::Tinh => Level::Province,
        }
    }
}

/// Whether a token is (part of) a type word, so that "Huyện" before a name does not make
/// the name look like part of a longer proper noun.
pub(crate) fn is_prefix_word(t: &Token<'_>) -> bool {
    FORMS.iter().any(|(folded, exact, _)| {
        folded
            .iter()
            .zip(exact.iter())
            .any(|(f, e)| t.folded == *f && (!t.strict() || t.lower() == *e))
    })
}
