//! Vietnam's administrative units, embedded in the binary as data.
//!
//! Two generations live side by side: the units in force since 1 July 2025 (34 provinces,
//! 3,321 communes, wards and special zones, two tiers) and the units before the reform
//! (63 provinces, 696 districts, ~10,040 communes, three tiers), joined by a crosswalk in
//! which one old commune may have several successors. The hierarchy is data, never code:
//! everything here is parsed from the TSV files in `data/`, derived by `data/extract.py`
//! from the MIT-licensed sources credited in ATTRIBUTION.md.
//!
//! This crate is pure: no I/O, no allocation until first use, and the same tables feed the
//! database loader (ykien-store) and the place gazetteer (ykien-text).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Which administrative generation a unit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Generation {
    /// In force since 1 July 2025 (two tiers: province, commune).
    Current,
    /// Abolished on 1 July 2025 (three tiers: province, district, commune).
    Legacy,
}

/// The tier of a unit in its generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    District,
    Commune,
}

/// One administrative unit. `code` is the GSO code; codes are unique only within one
/// generation and level (new communes reuse old commune codes), so identify a unit by
/// [`Unit::key`].
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub code: &'static str,
    /// Full official name with its prefix: "Phường Thụy Phương".
    pub name: &'static str,
    /// Name without the prefix: "Thụy Phương".
    pub short: &'static str,
    /// Type word as written in Vietnamese: "Phường", "Xã", "Quận", "Tỉnh", "Thành phố"…
    pub kind: &'static str,
    pub level: Level,
    pub generation: Generation,
    /// Key of the parent unit, if any.
    pub parent: Option<UnitKey>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub area_km2: Option<f64>,
    /// Folded spellings from the source (no diacritics, no spaces), including known variants.
    pub keys: Vec<&'static str>,
}

/// A unit's identity across generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitKey {
    pub generation: Generation,
    pub level: Level,
    pub code: &'static str,
}

impl UnitKey {
    /// A stable textual id: the code for current units, `old:<level>:<code>` for legacy ones
    /// (legacy codes collide with current ones).
    pub fn id(&self) -> String {
        match self.generation {
            Generation::Current => self.code.to_string(),
            Generation::Legacy => {
                let l = match self.level {
                    Level::Province => "p",
                    Level::District => "d",
                    Level::Commune => "c",
                };
                format!("old:{l}:{}", self.code)
            }
        }
    }
}

impl Unit {
    pub fn key(&self) -> UnitKey {
        UnitKey {
            generation: self.generation,
            level: self.level,
            code: self.code,
        }
    }
}

/// How much of an old commune went into one successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    Full,
    Partial,
}

/// A link from an old unit to one of its successors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Succession {
    pub old: UnitKey,
    pub new: UnitKey,
    pub share: Share,
}

/// All units of both generations, with indexes.
#[derive(Debug)]
pub struct Units {
    pub units: Vec<Unit>,
    pub successions: Vec<Succession>,
    by_key: HashMap<UnitKey, usize>,
    successors: HashMap<UnitKey, Vec<usize>>,
}

const PROVINCES_2025: &str = include_str!("../data/provinces_2025.tsv");
const COMMUNES_2025: &str = include_str!("../data/communes_2025.tsv");
const LEGACY_PROVINCES: &str = include_str!("../data/legacy_provinces.tsv");
const LEGACY_DISTRICTS: &str = include_str!("../data/legacy_districts.tsv");
const LEGACY_COMMUNES: &str = include_str!("../data/legacy_communes.tsv");
const COMMUNE_CROSSWALK: &str = include_str!("../data/commune_crosswalk.tsv");
const PROVINCE_CROSSWALK: &str = include_str!("../data/province_crosswalk.tsv");

/// The embedded tables, parsed once.
pub fn units() -> &'static Units {
    static UNITS: OnceLock<Units> = OnceLock::new();
    UNITS.get_or_init(Units::parse_embedded)
}

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').collect())
}

fn num(s: &str) -> Option<f64> {
    s.parse().ok()
}

fn keys(s: &'static str) -> Vec<&'static str> {
    s.split('|').filter(|k| !k.is_empty()).collect()
}

impl Units {
    fn parse_embedded() -> Units {
        use Generation::*;
        use Level::*;
        let key = |generation, level, code| UnitKey {
            generation,
            level,
            code,
        };
        let mut units = Vec::with_capacity(14_200);
        for r in rows(PROVINCES_2025) {
            units.push(Unit {
                code: r[0],
                name: r[1],
                short: r[2],
                kind: province_kind(r[1]),
                level: Province,
                generation: Current,
                parent: None,
                lat: num(r[3]),
                lon: num(r[4]),
                area_km2: None,
                keys: keys(r[5]),
            });
        }
        for r in rows(COMMUNES_2025) {
            units.push(Unit {
                code: r[0],
                name: r[1],
                short: r[2],
                kind: r[3],
                level: Commune,
                generation: Current,
                parent: Some(key(Current, Province, r[4])),
                lat: num(r[5]),
                lon: num(r[6]),
                area_km2: num(r[7]),
                keys: keys(r[8]),
            });
        }
        for r in rows(LEGACY_PROVINCES) {
            units.push(Unit {
                code: r[0],
                name: r[1],
                short: r[2],
                kind: province_kind(r[1]),
                level: Province,
                generation: Legacy,
                parent: None,
                lat: num(r[3]),
                lon: num(r[4]),
                area_km2: None,
                keys: keys(r[5]),
            });
        }
        for r in rows(LEGACY_DISTRICTS) {
            units.push(Unit {
                code: r[0],
                name: r[1],
                short: r[2],
                kind: r[3],
                level: District,
                generation: Legacy,
                parent: Some(key(Legacy, Province, r[4])),
                lat: num(r[5]),
                lon: num(r[6]),
                area_km2: None,
                keys: keys(r[7]),
            });
        }
        for r in rows(LEGACY_COMMUNES) {
            units.push(Unit {
                code: r[0],
                name: r[1],
                short: r[2],
                kind: r[3],
                level: Commune,
                generation: Legacy,
                parent: Some(key(Legacy, District, r[4])),
                lat: num(r[6]),
                lon: num(r[7]),
                area_km2: None,
                keys: keys(r[8]),
            });
        }
        let mut successions = Vec::with_capacity(10_700);
        for r in rows(COMMUNE_CROSSWALK) {
            successions.push(Succession {
                old: key(Legacy, Commune, r[0]),
                new: key(Current, Commune, r[1]),
                share: if r[2] == "full" {
                    Share::Full
                } else {
                    Share::Partial
                },
            });
        }
        for r in rows(PROVINCE_CROSSWALK) {
            successions.push(Succession {
                old: key(Legacy, Province, r[0]),
                new: key(Current, Province, r[1]),
                share: Share::Full,
            });
        }
        let by_key: HashMap<UnitKey, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.key(), i))
            .collect();
        let mut successors: HashMap<UnitKey, Vec<usize>> = HashMap::new();
        for s in &successions {
            if let Some(&i) = by_key.get(&s.new) {
                successors.entry(s.old).or_default().push(i);
            }
        }
        // A legacy district's successors are the successors of its communes.
        let mut district_succ: HashMap<UnitKey, Vec<usize>> = HashMap::new();
        for u in units
            .iter()
            .filter(|u| u.generation == Legacy && u.level == Commune)
        {
            if let (Some(parent), Some(succ)) = (u.parent, successors.get(&u.key())) {
                let e = district_succ.entry(parent).or_default();
                for &i in succ {
                    if !e.contains(&i) {
                        e.push(i);
                    }
                }
            }
        }
        successors.extend(district_succ);
        Units {
            units,
            successions,
            by_key,
            successors,
        }
    }

    pub fn get(&self, key: &UnitKey) -> Option<&Unit> {
        self.by_key.get(key).map(|&i| &self.units[i])
    }

    /// The current unit with this code (province code of 2 digits, commune code of 5).
    pub fn current(&self, code: &str) -> Option<&Unit> {
        let level = if code.len() <= 2 {
            Level::Province
        } else {
            Level::Commune
        };
        self.units
            .iter()
            .find(|u| u.generation == Generation::Current && u.level == level && u.code == code)
    }

    /// Units of one generation.
    pub fn of(&self, generation: Generation) -> impl Iterator<Item = &Unit> {
        self.units
            .iter()
            .filter(move |u| u.generation == generation)
    }

    /// Direct children of a unit.
    pub fn children(&self, parent: &UnitKey) -> impl Iterator<Item = &Unit> {
        let parent = *parent;
        self.units.iter().filter(move |u| u.parent == Some(parent))
    }

    /// Current units that took over (part of) a legacy unit; empty for current units.
    pub fn successors(&self, key: &UnitKey) -> Vec<&Unit> {
        self.successors
            .get(key)
            .map(|v| v.iter().map(|&i| &self.units[i]).collect())
            .unwrap_or_default()
    }
}

fn province_kind(name: &'static str) -> &'static str {
    if name.starts_with("Thành phố") {
        "Thành phố"
    } else {
        "Tỉnh"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_reform() {
        let u = units();
        let cur: Vec<_> = u.of(Generation::Current).collect();
        assert_eq!(
            cur.iter().filter(|u| u.level == Level::Province).count(),
            34
        );
        assert_eq!(
            cur.iter().filter(|u| u.level == Level::Commune).count(),
            3321
        );
        let old: Vec<_> = u.of(Generation::Legacy).collect();
        assert_eq!(
            old.iter().filter(|u| u.level == Level::Province).count(),
            63
        );
        assert_eq!(
            old.iter().filter(|u| u.level == Level::District).count(),
            696
        );
        assert!(old.iter().filter(|u| u.level == Level::Commune).count() > 10_000);
    }

    #[test]
    fn hanoi_has_126_communes_and_wards() {
        let u = units();
        let hanoi = u.current("01").expect("Hà Nội");
        assert_eq!(hanoi.name, "Thành phố Hà Nội");
        assert_eq!(u.children(&hanoi.key()).count(), 126);
    }

    #[test]
    fn thuy_phuong_has_a_successor() {
        let u = units();
        let old = u
            .of(Generation::Legacy)
            .find(|x| x.name == "Phường Thụy Phương")
            .expect("legacy ward");
        let succ = u.successors(&old.key());
        assert!(!succ.is_empty());
        assert!(succ.iter().all(|s| s.generation == Generation::Current));
        let district = u.get(&old.parent.unwrap()).unwrap();
        assert_eq!(district.name, "Quận Bắc Từ Liêm");
        assert!(!u.successors(&district.key()).is_empty());
    }

    #[test]
    fn every_legacy_commune_has_a_successor() {
        let u = units();
        for c in u
            .of(Generation::Legacy)
            .filter(|x| x.level == Level::Commune)
        {
            assert!(!u.successors(&c.key()).is_empty(), "{} {}", c.code, c.name);
        }
    }
}
