//! A compact set of multi-syllable dictionary words.
//!
//! Words are never stored as text: a word is the hash of its syllables' keys (canonical and
//! folded forms give two entries), reduced to a 32-bit fingerprint. A lookup costs one hash
//! and one or two probes; with ~200k entries a false hit has odds of about 1 in 10^5
//! per probe, and a false hit only nudges one feature.

use super::syllable::{Keys, mix};

/// Longest dictionary word, in syllables, the features look at.
pub(crate) const MAX_SPAN: usize = 4;

const SEED_SPAN_NORM: u64 = 0xa409_3822_299f_31d0;
const SEED_SPAN_FOLD: u64 = 0x082e_fa98_ec4e_6c89;

/// Hash of a span of syllables by their canonical keys.
#[inline]
pub(crate) fn span_norm(keys: &[Keys]) -> u64 {
    keys.iter().fold(SEED_SPAN_NORM, |h, k| mix(h, k.norm))
}

/// Hash of a span of syllables by their folded keys.
#[inline]
pub(crate) fn span_fold(keys: &[Keys]) -> u64 {
    keys.iter().fold(SEED_SPAN_FOLD, |h, k| mix(h, k.fold))
}

/// Low bits of a stored entry: which word lists hold the word (one bit per list, 3 lists),
/// and `PREFIX`.
pub(crate) const SOURCE_BITS: u32 = 4;
/// Set on a span that begins a longer entry, so that look-ups of longer spans are only
/// made when they can succeed.
pub(crate) const PREFIX: u8 = 8;
/// The bits that name word lists.
pub(crate) const LISTS: u8 = 7;
const SOURCE_MASK: u32 = (1 << SOURCE_BITS) - 1;

/// Fingerprint of a span hash, with the source bits clear and never 0 (0 marks an empty
/// slot).
#[inline]
pub(crate) fn fingerprint(h: u64) -> u32 {
    let mut x = h ^ (h >> 31);
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    (((x >> 32) as u32) & !SOURCE_MASK) | (1 << SOURCE_BITS)
}

/// Open-addressing set of fingerprints with source bits, rebuilt from the sorted list at
/// load time.
#[derive(Clone, Debug, Default)]
pub(crate) struct DictSet {
    slots: Vec<u32>,
    mask: usize,
    len: usize,
}

#[inline]
fn slot_of(fp: u32) -> usize {
    ((fp & !SOURCE_MASK).wrapping_mul(0x9e37_79b9) >> 1) as usize
}

impl DictSet {
    /// Builds the set from entries (fingerprint | source bits); entries with the same
    /// fingerprint merge their sources.
    pub(crate) fn from_fingerprints(fps: &[u32]) -> DictSet {
        // Load factor between 0.3 and 0.6: short probes, and a table small enough to stay
        // in cache (look-ups here are the segmenter's main memory traffic).
        let cap = (fps.len() * 5 / 3).max(16).next_power_of_two();
        let mut set = DictSet {
            slots: vec![0; cap],
            mask: cap - 1,
            len: 0,
        };
        for &fp in fps {
            set.insert(fp);
        }
        set
    }

    fn insert(&mut self, fp: u32) {
        let mut i = slot_of(fp) & self.mask;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = fp;
                    self.len += 1;
                    return;
                }
                x if x & !SOURCE_MASK == fp & !SOURCE_MASK => {
                    self.slots[i] |= fp;
                    return;
                }
                _ => i = (i + 1) & self.mask,
            }
        }
    }

    /// Source bits of the span with hash `h`; 0 if it is not a dictionary word.
    #[inline]
    pub(crate) fn get(&self, h: u64) -> u8 {
        let fp = fingerprint(h);
        let mut i = slot_of(fp) & self.mask;
        loop {
            match self.slots[i] {
                0 => return 0,
                x if x & !SOURCE_MASK == fp => return (x & SOURCE_MASK) as u8,
                _ => i = (i + 1) & self.mask,
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The fingerprints, sorted: the serialized form.
    pub(crate) fn sorted(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.slots.iter().copied().filter(|&x| x != 0).collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inserted_only() {
        let mut fps: Vec<u32> = (0..1000u64).map(|i| fingerprint(i * 7919) | 1).collect();
        fps.push(fingerprint(7919) | 4 | PREFIX as u32);
        let set = DictSet::from_fingerprints(&fps);
        assert_eq!(set.len(), 1000);
        assert!((0..1000u64).all(|i| set.get(i * 7919) & 1 == 1));
        assert_eq!(set.get(7919), 5 | PREFIX);
        assert!((0..1000u64).filter(|i| set.get(i * 7919 + 1) != 0).count() < 2);
        assert_eq!(
            DictSet::from_fingerprints(&set.sorted()).sorted(),
            set.sorted()
        );
    }
}
