//! Place names in free text: which administrative units a text talks about.
//!
//! The gazetteer knows every unit of both generations (the 34 provinces and 3,321 communes
//! in force since 1 July 2025, and the 63 provinces, 696 districts and ~10,000 communes
//! before), so that a 2019 report about "phường Thụy Phương (quận Bắc Từ Liêm)" lands on the
//! legacy ward and, through the crosswalk, on the current ward that took it over.
//!
//! Matching runs one Aho–Corasick automaton over the folded text (no case, no diacritics,
//! so "Thuy Phuong" and old tone placement match too); names repeat across the country, so
//! each mention's candidates are ranked by the prefix written before it ("phường", "P.",
//! "huyện"…), by the other places named nearby (a district or province around it), and last
//! by a default province (Hà Nội, since ykien serves Hanoi first).

mod index;
mod prefix;
mod scan;
mod score;
mod tones;
mod words;

use std::ops::Range;

use ykien_units::{Generation, Level, Unit, UnitKey, units};

pub use score::resolve_primary;

/// A unit as reported to callers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRef {
    /// Stable id: the GSO code for current units, `old:<level>:<code>` for legacy ones.
    pub id: String,
    pub code: &'static str,
    /// Official name with its type word: "Phường Thụy Phương".
    pub name: &'static str,
    /// Type word: "Phường", "Xã", "Quận", "Tỉnh", "Thành phố"…
    pub kind: &'static str,
    pub level: Level,
    /// Abolished on 1 July 2025.
    pub legacy: bool,
}

impl UnitRef {
    pub fn of(unit: &Unit) -> UnitRef {
        UnitRef {
            id: unit.key().id(),
            code: unit.code,
            name: unit.name,
            kind: unit.kind,
            level: unit.level,
            legacy: unit.generation == Generation::Legacy,
        }
    }

    pub fn key(&self) -> UnitKey {
        UnitKey {
            generation: if self.legacy {
                Generation::Legacy
            } else {
                Generation::Current
            },
            level: self.level,
            code: self.code,
        }
    }
}

/// A place named in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMatch {
    /// Byte range in the original text, the written prefix included ("phường Thụy Phương").
    pub span: Range<usize>,
    pub text: String,
    pub unit: UnitRef,
    /// For legacy units, the current units that took them over (one old commune may have
    /// been split between several new ones); empty for current units.
    pub successors: Vec<UnitRef>,
    /// Parent, grandparent… of the unit in its own generation.
    pub parents: Vec<UnitRef>,
    /// 0..1: how sure both the mention and the choice among same-named units are.
    pub confidence: f32,
    /// A type word was written before the name (or is part of it, as in "Phường 1").
    pub prefixed: bool,
    /// How many units bear this name (1 = unambiguous).
    pub candidates: usize,
}

/// One answer to a free-text place query.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub unit: UnitRef,
    pub successors: Vec<UnitRef>,
    pub parents: Vec<UnitRef>,
    /// 0..1, comparable within one query.
    pub score: f32,
    /// The part of the query that named it.
    pub matched: String,
}

/// One mention with every candidate unit as (unit, prior, context, share): the prior
/// comes from the written prefix, the tier, the generation, the spelling and the default
/// province; the context from other places named nearby; the share is the softmax of both.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    pub span: Range<usize>,
    /// A bare short or common name, trusted only with context.
    pub weak: bool,
    pub candidates: Vec<(UnitRef, f32, f32, f32)>,
}

/// Tuning knobs; the defaults serve Hanoi.
#[derive(Debug, Clone)]
pub struct GazetteerOptions {
    /// Current province code preferred when nothing in the text says otherwise.
    pub default_province: Option<String>,
    /// Matches below this confidence are dropped by [`Gazetteer::find_places`].
    pub min_confidence: f32,
}

impl Default for GazetteerOptions {
    fn default() -> Self {
        GazetteerOptions {
            default_province: Some("01".into()),
            min_confidence: 0.35,
        }
    }
}

/// Finds administrative units in text. Cheap to create: the automaton behind it is built
/// once per process on first use and shared.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    pub options: GazetteerOptions,
}

impl Gazetteer {
    pub fn new(options: GazetteerOptions) -> Gazetteer {
        Gazetteer { options }
    }

    /// A gazetteer that prefers another province (current code, e.g. "79") over Hà Nội.
    pub fn with_default_province(code: &str) -> Gazetteer {
        Gazetteer::new(GazetteerOptions {
            default_province: Some(code.to_string()),
            ..GazetteerOptions::default()
        })
    }

    /// Builds the shared automaton now rather than on the first call.
    pub fn warm_up() {
        let _ = index::index();
    }

    /// Every place mention in `text`, in text order, without overlaps.
    pub fn find_places(&self, text: &str) -> Vec<PlaceMatch> {
        score::find(self, text)
            .into_iter()
            .filter(|m| m.confidence >= self.options.min_confidence)
            .collect()
    }

    /// Every mention, weak ones included, each with its confidence (for evaluation and
    /// callers who set their own threshold).
    pub fn find_all(&self, text: &str) -> Vec<PlaceMatch> {
        score::find(self, text)
    }

    /// Why each mention got its unit: all candidates with their scores.
    pub fn explain(&self, text: &str) -> Vec<Explained> {
        score::explain(self, text)
    }

    /// Ranked candidates for a place query such as "P. Thụy Phương, Q. Bắc Từ Liêm" or
    /// "thuy phuong bac tu liem": the most specific place named, qualified by the others.
    pub fn resolve(&self, query: &str) -> Vec<Candidate> {
        resolve_primary(self, query)
    }
}

pub(crate) fn unit_ref_chain(unit: &Unit) -> Vec<UnitRef> {
    let all = units();
    let mut out = Vec::new();
    let mut cur = unit.parent;
    while let Some(k) = cur {
        match all.get(&k) {
            Some(p) => {
                out.push(UnitRef::of(p));
                cur = p.parent;
            }
            None => break,
        }
    }
    out
}

pub(crate) fn successor_refs(unit: &Unit) -> Vec<UnitRef> {
    units()
        .successors(&unit.key())
        .into_iter()
        .map(UnitRef::of)
        .collect()
}
