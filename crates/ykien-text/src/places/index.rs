//! The pattern automaton over every unit name of both generations, built once.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use ykien_units::{Generation, Level, UnitKey, Units, units};

use crate::fold::fold;

/// One unit a pattern may stand for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// Index into `Units::units`.
    pub unit: usize,
    /// The pattern is the folded official short name (not a source variant).
    pub primary: bool,
    /// The name carries its own type word ("Phường 1", "Quận 3", "p1").
    pub self_prefixed: bool,
    /// An informal name of a big unit ("Sài Gòn", "TPHCM").
    pub alias: bool,
}

/// Where a unit sits, precomputed for context scoring.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// Code of the current province the unit lies in (for legacy units: the province that
    /// took over its legacy province).
    pub current_province: Option<&'static str>,
    /// Code of the legacy province, for legacy units.
    pub legacy_province: Option<&'static str>,
    /// Legacy district containing a legacy commune, or the district itself.
    pub district: Option<UnitKey>,
}

pub(crate) struct Index {
    pub automaton: AhoCorasick,
    pub entries: Vec<Vec<Entry>>,
    pub places: Vec<Place>,
    /// [`super::tones::tone_key`] of each unit's plain short name.
    pub spelling: Vec<String>,
}

/// Informal names the source tables lack.
const ALIASES: &[(&str, &str)] = &[("tphcm", "79"), ("saigon", "79"), ("thudo", "01")];

/// The short name without the "(Huyện)"-style note the source adds to tell apart two
/// units of the same name in one province.
pub(crate) fn plain_short(u: &ykien_units::Unit) -> &'static str {
    u.short.split(" (").next().unwrap_or(u.short)
}

pub(crate) fn compact(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

pub(crate) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| build(units()))
}

fn build(all: &'static Units) -> Index {
    let mut by_pattern: HashMap<String, Vec<Entry>> = HashMap::new();
    for (i, u) in all.units.iter().enumerate() {
        let kind = compact(u.kind);
        // "Phường 1", "Quận 3" carry their type word; "Phương Đông" merely folds like one.
        let self_prefixed = plain_short(u).starts_with(&format!("{} ", u.kind));
        let primary = compact(plain_short(u));
        let mut names: HashSet<String> = u.keys.iter().map(|k| k.to_string()).collect();
        names.insert(primary.clone());
        let mut add = |pattern: &str, is_primary: bool| {
            let list = by_pattern.entry(pattern.to_string()).or_default();
            if let Some(e) = list.iter_mut().find(|e| e.unit == i) {
                e.primary |= is_primary;
            } else {
                list.push(Entry {
                    unit: i,
                    primary: is_primary,
                    self_prefixed,
                    alias: false,
                });
            }
        };
        add(&primary, true);
        for key in &u.keys {
            // Keys that spell the type word before the name are found through the prefix
            // logic instead, which also knows "P.", "TP" and the like.
            let redundant = !self_prefixed
                && key
                    .strip_prefix(kind.as_str())
                    .is_some_and(|rest| names.contains(rest));
            if !redundant {
                add(key, false);
            }
        }
    }
    for (alias, code) in ALIASES {
        for (i, u) in all.units.iter().enumerate() {
            if u.level == Level::Province && u.code == *code {
                by_pattern
                    .entry(alias.to_string())
                    .or_default()
                    .push(Entry {
                        unit: i,
                        primary: false,
                        self_prefixed: false,
                        alias: true,
                    });
            }
        }
    }
    let mut patterns: Vec<String> = by_pattern.keys().cloned().collect();
    patterns.sort();
    let entries = patterns
        .iter()
        .map(|p| by_pattern.remove(p).unwrap_or_default())
        .collect();
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .expect("unit names form a valid automaton");
    let places = all.units.iter().map(|u| place_of(all, u)).collect();
    let spelling = all
        .units
        .iter()
        .map(|u| super::tones::tone_key(plain_short(u)))
        .collect();
    Index {
        automaton,
        entries,
        places,
        spelling,
    }
}

fn place_of(all: &Units, u: &ykien_units::Unit) -> Place {
    let mut chain = Vec::new();
    let mut cur = u.parent;
    while let Some(k) = cur {
        chain.push(k);
        cur = all.get(&k).and_then(|p| p.parent);
    }
    let province = if u.level == Level::Province {
        Some(u.key())
    } else {
        chain.iter().copied().find(|k| k.level == Level::Province)
    };
    let district = if u.level == Level::District {
        Some(u.key())
    } else {
        chain.iter().copied().find(|k| k.level == Level::District)
    };
    match u.generation {
        Generation::Current => Place {
            current_province: province.map(|p| p.code),
            legacy_province: None,
            district: None,
        },
        Generation::Legacy => Place {
            current_province: province.and_then(|p| all.successors(&p).first().map(|s| s.code)),
            legacy_province: province.map(|p| p.code),
            district,
        },
    }
}
