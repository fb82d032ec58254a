//! From raw automaton hits to ranked units: prefix, neighbours, default province.

use std::collections::{BTreeMap, HashMap};

use ykien_units::{Generation, Level, UnitKey, units};

use super::index::{Entry, Index, index};
use super::prefix::{Prefix, is_prefix_word, prefix_before};
use super::scan::{Scan, Token, scan};
use super::tones::tone_key;
use super::words::{NAMED_THINGS, SURNAMES, is_common};
use super::{Candidate, Gazetteer, PlaceMatch, UnitRef, successor_refs, unit_ref_chain};

/// How much a mention itself can be trusted, before choosing among same-named units.
const RELIABLE_PREFIXED: f32 = 1.0;
const RELIABLE_BARE: f32 = 0.85;
const RELIABLE_WEAK: f32 = 0.3;
const RELIABLE_WEAK_IN_CONTEXT: f32 = 0.7;

/// Relations at least this strong name an ancestor (see [`relation`]).
const STRONG_RELATION: f32 = 1.5;
const STRONG_CAP: f32 = 3.5;
const WEAK_CAP: f32 = 2.0;

/// Nearest other mentions consulted as context.
const CONTEXT_NEIGHBOURS: usize = 12;

#[derive(Debug)]
struct Cand {
    unit: usize,
    prior: f32,
    context: f32,
    p: f32,
}

#[derive(Debug)]
struct Mention {
    /// Name tokens, end exclusive.
    first: usize,
    last: usize,
    prefix: Option<(Prefix, usize)>,
    self_prefixed: bool,
    weak: bool,
    cands: Vec<Cand>,
}

impl Mention {
    fn span_start(&self) -> usize {
        self.prefix.map_or(self.first, |(_, i)| i)
    }

    fn prefixed(&self) -> bool {
        self.prefix.is_some() || self.self_prefixed
    }

    fn best(&self) -> &Cand {
        self.cands
            .iter()
            .max_by(|a, b| a.p.total_cmp(&b.p).then(b.unit.cmp(&a.unit)))
            .expect("a mention has candidates")
    }
}

/// Raw hits grouped by the token range they cover.
fn hits(idx: &Index, s: &Scan<'_>) -> BTreeMap<(usize, usize), Vec<(Entry, usize)>> {
    let mut out: BTreeMap<(usize, usize), Vec<(Entry, usize)>> = BTreeMap::new();
    for m in idx.automaton.find_overlapping_iter(&s.compact) {
        let (Some(first), Some(last)) = (s.token_starting(m.start()), s.token_ending(m.end()))
        else {
            continue;
        };
        let list = out.entry((first, last + 1)).or_default();
        for e in &idx.entries[m.pattern().as_usize()] {
            list.push((*e, m.end() - m.start()));
        }
    }
    out
}

fn matches_named_thing(t: &Token<'_>) -> bool {
    NAMED_THINGS
        .iter()
        .any(|(f, exact)| t.folded == *f && (!t.strict() || t.lower() == *exact))
}

/// Whether the tokens before `first` make the name part of something else: a street, a
/// school, a person ("Nguyễn Văn Tân").
fn named_otherwise(tokens: &[Token<'_>], first: usize) -> bool {
    if first == 0 || tokens[first].hard_before {
        return false;
    }
    let prev = &tokens[first - 1];
    if matches_named_thing(prev) {
        return true;
    }
    let person_part = |t: &Token<'_>| {
        t.capitalized()
            && !t.all_upper()
            && (SURNAMES.contains(&t.folded.as_str()) || t.folded == "van" || t.folded == "thi")
    };
    if person_part(prev) {
        return true;
    }
    first >= 2 && !prev.hard_before && prev.capitalized() && person_part(&tokens[first - 2])
}

/// A bare name glued to other capitalised words belongs to a longer proper noun: a person
/// ("Lâm Thanh Phong"), a newspaper ("Báo Thanh Niên"), a company ("Sài Gòn Ship").
/// Acronyms around it ("Sở TDTT TPHCM") do not count.
fn inside_longer_name(tokens: &[Token<'_>], first: usize, last: usize) -> bool {
    let proper = |t: &Token<'_>| t.capitalized() && !t.all_upper() && !is_prefix_word(t);
    let before = first > 0 && tokens[first].spaced_before && proper(&tokens[first - 1]);
    let after = last < tokens.len() && tokens[last].spaced_before && proper(&tokens[last]);
    before || after
}

fn mentions(g: &Gazetteer, s: &Scan<'_>, query: bool) -> Vec<Mention> {
    let idx = index();
    let tokens = &s.tokens;
    let mut raw: Vec<Mention> = Vec::new();
    for ((first, last), entries) in hits(idx, s) {
        let written = prefix_before(tokens, first);
        let variants: &[Option<(Prefix, usize)>] = if written.is_some() {
            &[written, None]
        } else {
            &[None]
        };
        for &prefix in variants {
            // A written type word before the name is either the name's prefix or a sign that
            // the name is something else ("tỉnh Quảng Đông" is no ward).
            if prefix.is_none() && written.is_some() && !query {
                continue;
            }
            if let Some(m) = mention(g, tokens, first, last, &entries, prefix, query) {
                raw.push(m);
            }
        }
    }
    select(raw)
}

#[allow(clippy::too_many_arguments)]
fn mention(
    g: &Gazetteer,
    tokens: &[Token<'_>],
    first: usize,
    last: usize,
    entries: &[(Entry, usize)],
    prefix: Option<(Prefix, usize)>,
    query: bool,
) -> Option<Mention> {
    let idx = index();
    let all = units();
    let self_prefixed = entries.iter().all(|(e, _)| e.self_prefixed);
    let capitalized = tokens[first..last].iter().all(|t| t.capitalized());
    let all_upper = tokens[first..last].iter().all(|t| t.all_upper());
    let full_prefix = prefix.is_some_and(|(_, i)| tokens[i].folded.len() > 2);
    if !query {
        if !(capitalized || full_prefix || self_prefixed) {
            return None;
        }
        if prefix.is_none()
            && !self_prefixed
            && (named_otherwise(tokens, first)
                || (!all_upper && inside_longer_name(tokens, first, last)))
        {
            return None;
        }
    }
    // Most raw hits are common words in lower case, turned down above before anything
    // is allocated for them.
    let name_folded: Vec<&str> = tokens[first..last]
        .iter()
        .map(|t| t.folded.as_str())
        .collect();
    let name_folded = name_folded.join(" ");
    // What the writer spelled, tones included, when they wrote diacritics at all.
    let written = tokens[first..last]
        .iter()
        .any(|t| !t.text.is_ascii())
        .then(|| {
            let words: Vec<&str> = tokens[first..last].iter().map(|t| t.text).collect();
            tone_key(&words.join(" "))
        });
    let mut level_fits = false;
    let mut cands: Vec<Cand> = Vec::new();
    let mut entries = entries.to_vec();
    entries.sort_by_key(|(e, _)| !e.primary);
    for (e, len) in &entries {
        // Short source variants ("hn", "hcm", "q9") only count in capitals or after a prefix.
        if !query && !e.primary && *len <= 3 && !all_upper && prefix.is_none() {
            continue;
        }
        if cands.iter().any(|c| c.unit == e.unit) {
            continue;
        }
        let u = &all.units[e.unit];
        let mut prior = 0.0;
        match prefix {
            Some((p, _)) if !e.self_prefixed => {
                let fits_level =
                    p.level() == u.level || (p == Prefix::ThanhPho && u.level == Level::District);
                level_fits |= fits_level;
                prior += if p.fits(u) {
                    3.0
                } else if fits_level {
                    1.0
                } else {
                    -1.0
                };
            }
            _ => {
                prior += match u.level {
                    Level::Province => 1.2,
                    // Bare district names are common in writing ("Bình Chánh, TP HCM");
                    // bare commune names less so.
                    Level::District => 0.8,
                    Level::Commune => 0.0,
                };
            }
        }
        if u.generation == Generation::Current {
            prior += 0.3;
        }
        if e.primary {
            prior += 0.2;
        }
        if e.alias {
            prior += 1.5;
        }
        if let Some(w) = &written {
            prior += if idx.spelling[e.unit] == *w {
                1.0
            } else {
                -0.7
            };
        }
        if let Some(d) = &g.options.default_province
            && idx.places[e.unit].current_province == Some(d.as_str())
        {
            prior += 0.8;
        }
        cands.push(Cand {
            unit: e.unit,
            prior,
            context: 0.0,
            p: 0.0,
        });
    }
    // Written with other diacritics ("Hoàng Quý" for Hoằng Quỳ) and no prefix: a name
    // that merely folds like a unit's.
    if !query
        && prefix.is_none()
        && !self_prefixed
        && written
            .as_ref()
            .is_some_and(|w| cands.iter().all(|c| idx.spelling[c.unit] != *w))
    {
        return None;
    }
    // "huyện Đào Viên" is no commune: a type word of the wrong tier means the name is
    // something else (here in Taiwan).
    if cands.is_empty() || (prefix.is_some() && !self_prefixed && !level_fits) {
        return None;
    }
    let single = last - first == 1;
    // One syllable alone is rarely a place, except the few cities and districts called
    // so ("Huế", "Vinh").
    let big_unit = cands
        .iter()
        .any(|c| all.units[c.unit].level != Level::Commune);
    let weak = prefix.is_none()
        && !self_prefixed
        && ((single
            && !(all_upper && name_folded.len() >= 2)
            && !(big_unit && name_folded.len() >= 3))
            || is_common(&name_folded));
    Some(Mention {
        first,
        last,
        prefix,
        self_prefixed,
        weak,
        cands,
    })
}

/// Keeps the set of non-overlapping mentions (prefix included) with the best total
/// quality — weighted interval scheduling — so that in "thuy phuong bac tu liem" the
/// "phuong" is read as the end of one name rather than the prefix of the next. Each mention
/// costs a little, so that one long name beats two short ones of the same total length
/// ("Văn Miếu - Quốc Tử Giám" is one ward, not "Văn Miếu" and "Quốc Tử Giám").
fn select(mut raw: Vec<Mention>) -> Vec<Mention> {
    let quality = |m: &Mention| {
        (m.last - m.first) as f32 + if m.prefixed() { 1.5 } else { 0.0 }
            - if m.weak { 0.5 } else { 0.0 }
            - 0.25
    };
    raw.sort_by(|a, b| {
        a.last
            .cmp(&b.last)
            .then(a.span_start().cmp(&b.span_start()))
    });
    let n = raw.len();
    // best[i]: best total over the first i mentions (by end); take[i]: whether mention
    // i-1 is in that best set.
    let mut best = vec![0.0f32; n + 1];
    let mut take = vec![false; n + 1];
    let mut prev = vec![0usize; n + 1];
    for i in 1..=n {
        let m = &raw[i - 1];
        // Number of mentions ending at or before this one's start.
        let p = raw[..i - 1].partition_point(|o| o.last <= m.span_start());
        prev[i] = p;
        let with = best[p] + quality(m);
        if with > best[i - 1] {
            best[i] = with;
            take[i] = true;
        } else {
            best[i] = best[i - 1];
        }
    }
    let mut keep = vec![false; n];
    let mut i = n;
    while i > 0 {
        if take[i] {
            keep[i - 1] = true;
            i = prev[i];
        } else {
            i -= 1;
        }
    }
    let mut chosen: Vec<Mention> = raw
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(m, _)| m)
        .collect();
    chosen.sort_by_key(|m| m.first);
    chosen
}

/// How much mentioning `v` supports reading another mention as `u`.
fn relation(
    u_i: usize,
    v_i: usize,
    district_succ: &mut HashMap<UnitKey, Vec<&'static str>>,
) -> f32 {
    if u_i == v_i {
        return 0.0;
    }
    let all = units();
    let places = &index().places;
    let (u, v) = (&all.units[u_i], &all.units[v_i]);
    let (pu, pv) = (&places[u_i], &places[v_i]);
    let same_current_province =
        pu.current_province.is_some() && pu.current_province == pv.current_province;
    match (v.level, u.level) {
        (Level::Province, Level::Province) => 0.0,
        (Level::Province, _) => match v.generation {
            Generation::Current if pu.current_province == Some(v.code) => {
                if u.generation == Generation::Current {
                    2.0
                } else {
                    1.5
                }
            }
            Generation::Legacy if pu.legacy_province == Some(v.code) => 2.0,
            Generation::Legacy if u.generation == Generation::Current && same_current_province => {
                1.0
            }
            _ => 0.0,
        },
        (Level::District, Level::Commune) => {
            if u.generation == Generation::Legacy {
                if pu.district == Some(v.key()) {
                    2.5
                } else {
                    0.0
                }
            } else {
                let succ = district_succ
                    .entry(v.key())
                    .or_insert_with(|| all.successors(&v.key()).iter().map(|s| s.code).collect());
                if succ.contains(&u.code) { 1.5 } else { 0.0 }
            }
        }
        (Level::District, Level::Province) | (Level::Commune, Level::Province) => {
            let inside = match u.generation {
                Generation::Legacy => pv.legacy_province == Some(u.code),
                Generation::Current => pv.current_province == Some(u.code),
            };
            if inside { 1.0 } else { 0.0 }
        }
        (Level::District, Level::District) => {
            if pu.legacy_province.is_some() && pu.legacy_province == pv.legacy_province {
                0.4
            } else {
                0.0
            }
        }
        (Level::Commune, Level::District) => {
            if pv.district == Some(u.key()) {
                1.0
            } else {
                0.0
            }
        }
        (Level::Commune, Level::Commune) => {
            if pu.district.is_some() && pu.district == pv.district {
                0.6
            } else if same_current_province {
                0.3
            } else {
                0.0
            }
        }
    }
}

fn softmax(m: &mut Mention) {
    let max = m
        .cands
        .iter()
        .map(|c| c.prior + c.context)
        .fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for c in &mut m.cands {
        c.p = (1.5 * (c.prior + c.context - max)).exp();
        sum += c.p;
    }
    for c in &mut m.cands {
        c.p /= sum;
    }
}

fn distance_weight(a: &Mention, b: &Mention, tokens: &[Token<'_>]) -> f32 {
    let (a0, a1) = (tokens[a.span_start()].start, tokens[a.last - 1].end);
    let (b0, b1) = (tokens[b.span_start()].start, tokens[b.last - 1].end);
    let d = if a1 <= b0 {
        b0 - a1
    } else {
        a0.saturating_sub(b1)
    };
    if d <= 150 {
        1.0
    } else if d <= 600 {
        0.6
    } else {
        0.3
    }
}

/// Ranks each mention's candidates using the others, twice so that a settled mention can
/// in turn settle its neighbours.
fn disambiguate(ms: &mut [Mention], tokens: &[Token<'_>]) {
    for m in ms.iter_mut() {
        softmax(m);
    }
    let mut district_succ = HashMap::new();
    // Each mention ends before the next one starts, so distance grows with the index gap.
    let in_text_order = ms.windows(2).all(|w| {
        let (a, b) = (&w[0], &w[1]);
        a.span_start() < a.last && tokens[a.last - 1].end <= tokens[b.span_start()].start
    }) && ms.iter().all(|m| m.span_start() < m.last);
    for _round in 0..2 {
        let mut contexts: Vec<Vec<f32>> = Vec::with_capacity(ms.len());
        for (i, m) in ms.iter().enumerate() {
            // With mentions in text order, the nearest CONTEXT_NEIGHBOURS on each side are
            // the only ones that can rank among the nearest overall: a farther mention on
            // the same side is neither closer nor weighted higher. Long texts have
            // thousands of mentions, so this keeps the step linear.
            let others = if in_text_order {
                i.saturating_sub(CONTEXT_NEIGHBOURS)..(i + 1 + CONTEXT_NEIGHBOURS).min(ms.len())
            } else {
                0..ms.len()
            };
            let mut near: Vec<(usize, f32)> = others
                .filter(|&j| j != i)
                .map(|j| (j, distance_weight(m, &ms[j], tokens)))
                .collect();
            near.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then(a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
            });
            near.truncate(CONTEXT_NEIGHBOURS);
            let ctx = m
                .cands
                .iter()
                .map(|c| {
                    // Strong evidence (a parent district or province named nearby) adds up
                    // to a cap; weak evidence (siblings, children) saturates lower, so that
                    // a dozen sibling wards cannot outvote a written prefix.
                    let (mut strong, mut weak) = (0.0f32, 0.0f32);
                    for &(j, w) in &near {
                        let other = &ms[j];
                        let trust = if other.weak { 0.5 } else { 1.0 };
                        for o in &other.cands {
                            let r = relation(c.unit, o.unit, &mut district_succ);
                            let x = w * trust * o.p * r;
                            if r >= STRONG_RELATION {
                                strong += x
                            } else {
                                weak += x
                            }
                        }
                    }
                    strong.min(STRONG_CAP) + WEAK_CAP * (1.0 - (-weak / WEAK_CAP).exp())
                })
                .collect::<Vec<f32>>();
            contexts.push(ctx);
        }
        for (m, ctx) in ms.iter_mut().zip(contexts) {
            for (c, x) in m.cands.iter_mut().zip(ctx) {
                c.context = x;
            }
            softmax(m);
        }
    }
}

/// Words announcing several units of one kind: "các xã", "những phường", "năm xã".
const PLURAL: &[&str] = &[
    "cac", "nhung", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin", "muoi", "2", "3", "4",
    "5", "6", "7", "8", "9", "10",
];

/// In "các xã Đồng Tháp, Song Phượng và Đan Phượng" the type word covers the whole list:
/// a bare name right after a comma or "và" that follows a plural prefixed mention leans the
/// same way. Without the plural ("xã Vĩnh Lộc A, Bình Chánh, TP HCM") the names that follow
/// are usually the levels above.
fn inherit_list_prefix(ms: &mut [Mention], tokens: &[Token<'_>]) {
    let all = units();
    let mut carried: Option<(Prefix, usize)> = None;
    for m in ms.iter_mut() {
        let own = m.prefix.map(|(p, _)| p);
        if let (None, false, Some((p, last))) = (own, m.self_prefixed, carried) {
            let gap = &tokens[last..m.first];
            let joined = m.first == last && tokens[m.first].hard_before
                || gap.len() == 1 && gap[0].folded == "va";
            if joined {
                for c in &mut m.cands {
                    let u = &all.units[c.unit];
                    c.prior += if p.fits(u) {
                        1.5
                    } else if p.level() == u.level {
                        0.5
                    } else {
                        -0.5
                    };
                }
                carried = Some((p, m.last));
                continue;
            }
        }
        let plural = m
            .prefix
            .is_some_and(|(_, i)| i > 0 && PLURAL.contains(&tokens[i - 1].folded.as_str()));
        carried = own.filter(|_| plural).map(|p| (p, m.last));
    }
}

fn analyse<'a>(g: &Gazetteer, s: &Scan<'a>, query: bool) -> Vec<Mention> {
    let mut ms = mentions(g, s, query);
    inherit_list_prefix(&mut ms, &s.tokens);
    disambiguate(&mut ms, &s.tokens);
    ms
}

fn confidence(m: &Mention) -> f32 {
    let best = m.best();
    let reliability = if m.prefixed() {
        RELIABLE_PREFIXED
    } else if m.weak {
        if best.context >= 1.0 {
            RELIABLE_WEAK_IN_CONTEXT
        } else {
            RELIABLE_WEAK
        }
    } else {
        RELIABLE_BARE
    };
    reliability * (0.5 + 0.5 * best.p)
}

pub(super) fn find(g: &Gazetteer, text: &str) -> Vec<PlaceMatch> {
    let s = scan(text);
    let ms = analyse(g, &s, false);
    let all = units();
    ms.iter()
        .map(|m| {
            let best = m.best();
            let u = &all.units[best.unit];
            let start = s.tokens[m.span_start()].start;
            let end = s.tokens[m.last - 1].end;
            PlaceMatch {
                span: start..end,
                text: text[start..end].to_string(),
                unit: UnitRef::of(u),
                successors: successor_refs(u),
                parents: unit_ref_chain(u),
                confidence: confidence(m),
                prefixed: m.prefixed(),
                candidates: m.cands.len(),
            }
        })
        .collect()
}

/// Candidates for the most specific place a query names, the others serving as context.
pub fn resolve_primary(g: &Gazetteer, query: &str) -> Vec<Candidate> {
    let s = scan(query);
    let ms = analyse(g, &s, true);
    let all = units();
    let depth = |m: &Mention| match all.units[m.best().unit].level {
        Level::Commune => 2,
        Level::District => 1,
        Level::Province => 0,
    };
    let Some(primary) = ms
        .iter()
        .max_by(|a, b| depth(a).cmp(&depth(b)).then(b.first.cmp(&a.first)))
    else {
        return Vec::new();
    };
    let matched = {
        let start = s.tokens[primary.span_start()].start;
        query[start..s.tokens[primary.last - 1].end].to_string()
    };
    let mut out: Vec<Candidate> = primary
        .cands
        .iter()
        .map(|c| {
            let u = &all.units[c.unit];
            Candidate {
                unit: UnitRef::of(u),
                successors: successor_refs(u),
                parents: unit_ref_chain(u),
                score: c.p,
                matched: matched.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.unit.id.cmp(&b.unit.id)));
    out
}

/// Every mention with all its candidates and their prior, context and final share, for
/// debugging and for showing why a unit was chosen.
pub(super) fn explain(g: &Gazetteer, text: &str) -> Vec<super::Explained> {
    let s = scan(text);
    let ms = analyse(g, &s, false);
    let all = units();
    ms.iter()
        .map(|m| {
            let start = s.tokens[m.span_start()].start;
            let end = s.tokens[m.last - 1].end;
            let mut cands: Vec<(UnitRef, f32, f32, f32)> = m
                .cands
                .iter()
                .map(|c| (UnitRef::of(&all.units[c.unit]), c.prior, c.context, c.p))
                .collect();
            cands.sort_by(|a, b| b.3.total_cmp(&a.3));
            super::Explained {
                span: start..end,
                weak: m.weak,
                candidates: cands,
            }
        })
        .collect()
}
