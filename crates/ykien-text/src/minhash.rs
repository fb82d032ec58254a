//! Near-duplicate detection: MinHash signatures over word shingles, LSH banding, SimHash.
//!
//! Petitions and reports are often copied, forwarded and re-sent with small edits; the
//! signature of a document lets ykien group them without comparing every pair. Everything
//! here is deterministic and versioned by [`SCHEME`]: the hash functions are written out
//! (FNV-1a and the SplitMix64 finalizer), never `std`'s `DefaultHasher`, whose output may
//! change between Rust releases, so that signatures and fingerprints stored in a database
//! stay comparable with the ones computed by the next build.

use std::collections::{HashMap, HashSet};

use crate::fold::fold;

/// Identifies the hashing scheme; change it whenever a change would alter signatures.
pub const SCHEME: &str = "minhash-v1:fnv1a64+splitmix64,k=128,shingle=3";

/// Number of hash functions (signature length).
pub const DEFAULT_K: usize = 128;
/// Words per shingle.
pub const DEFAULT_SHINGLE: usize = 3;
/// LSH bands × rows = K. With 32 × 4 a pair of Jaccard 0.5 becomes a candidate with
/// probability 1 − (1 − 0.5⁴)³² ≈ 0.87, one of 0.8 with ≈ 1.0, one of 0.2 with ≈ 0.05.
pub const DEFAULT_BANDS: usize = 32;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// SplitMix64's finalizer: a bijection that spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Words of the folded text: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Stable 64-bit hashes of the distinct `n`-word shingles. A text shorter than `n` words
/// yields one shingle of all its words; an empty text none.
pub fn shingle_hashes<S: AsRef<str>>(words: &[S], n: usize) -> Vec<u64> {
    let n = n.max(1);
    let hash = |ws: &[S]| {
        let mut h = FNV_OFFSET;
        for (i, w) in ws.iter().enumerate() {
            if i > 0 {
                h = fnv1a(&[0x1f], h);
            }
            h = fnv1a(w.as_ref().as_bytes(), h);
        }
        h
    };
    let mut out: Vec<u64> = if words.is_empty() {
        Vec::new()
    } else if words.len() < n {
        vec![hash(words)]
    } else {
        words.windows(n).map(hash).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// A MinHash signature: for each of K hash functions, the minimum over the shingles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(pub Vec<u64>);

impl Signature {
    /// Estimated Jaccard similarity of the two shingle sets: the share of equal minima.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let n = self.0.len().min(other.0.len());
        if n == 0 {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / n as f64
    }

    /// True for the signature of a text without words (all minima at `u64::MAX`).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u64::MAX)
    }
}

/// Computes signatures with K fixed seeds.
#[derive(Debug, Clone)]
pub struct MinHasher {
    seeds: Vec<u64>,
    shingle: usize,
}

impl Default for MinHasher {
    fn default() -> Self {
        MinHasher::new(DEFAULT_K, DEFAULT_SHINGLE)
    }
}

impl MinHasher {
    /// `k` hash functions over `shingle`-word shingles. Seed `i` is the `i`-th output of
    /// SplitMix64 started at a fixed constant, so the same `k` always gives the same seeds.
    pub fn new(k: usize, shingle: usize) -> MinHasher {
        let mut state: u64 = 0x5ee0_1d5e_ed00_0001;
        let seeds = (0..k)
            .map(|_| {
                state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                mix(state)
            })
            .collect();
        MinHasher { seeds, shingle }
    }

    pub fn k(&self) -> usize {
        self.seeds.len()
    }

    /// Signature of a text, over the folded words (case and diacritics do not matter).
    pub fn signature(&self, text: &str) -> Signature {
        self.signature_of_words(&words(text))
    }

    /// Signature over words the caller already has, e.g. from the word segmenter.
    pub fn signature_of_words<S: AsRef<str>>(&self, words: &[S]) -> Signature {
        self.signature_of_hashes(&shingle_hashes(words, self.shingle))
    }

    /// Signature of a set of 64-bit element hashes.
    pub fn signature_of_hashes(&self, hashes: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.seeds.len()];
        for &h in hashes {
            for (m, &seed) in mins.iter_mut().zip(&self.seeds) {
                let v = mix(h ^ seed);
                if v < *m {
                    *m = v;
                }
            }
        }
        Signature(mins)
    }
}

/// SimHash of the shingle set: a 64-bit fingerprint whose Hamming distance grows with the
/// difference between documents. Each distinct shingle votes once (no weights), so the
/// value depends only on the set of shingles, and it is stable across runs and builds.
pub fn simhash_of_hashes(hashes: &[u64]) -> u64 {
    let mut votes = [0i64; 64];
    for &h in hashes {
        let h = mix(h);
        for (bit, v) in votes.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *v += 1;
            } else {
                *v -= 1;
            }
        }
    }
    votes
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

/// The document fingerprint stored next to each document: SimHash over 3-word shingles of
/// the folded text, as 16 lower-case hex digits. Equal texts up to case, diacritics,
/// punctuation and spacing get equal fingerprints; near-duplicates get close ones (compare
/// with [`hamming`]).
pub fn fingerprint(text: &str) -> String {
    format!(
        "{:016x}",
        simhash_of_hashes(&shingle_hashes(&words(text), DEFAULT_SHINGLE))
    )
}

pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// In-memory LSH index: documents whose signatures agree on all rows of at least one band
/// become candidates of each other.
#[derive(Debug, Clone)]
pub struct LshIndex {
    bands: usize,
    rows: usize,
    buckets: Vec<HashMap<u64, Vec<u64>>>,
    signatures: HashMap<u64, Signature>,
}

impl Default for LshIndex {
    fn default() -> Self {
        LshIndex::new(DEFAULT_BANDS, DEFAULT_K / DEFAULT_BANDS)
    }
}

impl LshIndex {
    pub fn new(bands: usize, rows: usize) -> LshIndex {
        LshIndex {
            bands,
            rows,
            buckets: vec![HashMap::new(); bands],
            signatures: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    fn band_keys<'a>(&'a self, sig: &'a Signature) -> impl Iterator<Item = u64> + 'a {
        (0..self.bands).map(move |b| {
            let rows = sig.0.get(b * self.rows..(b + 1) * self.rows).unwrap_or(&[]);
            rows.iter().fold(mix(b as u64), |h, &v| mix(h ^ v))
        })
    }

    /// Adds (or replaces) a document. Empty signatures are kept but never bucketed: texts
    /// without words are not duplicates of each other.
    pub fn insert(&mut self, id: u64, sig: Signature) {
        self.remove(id);
        if !sig.is_empty() {
            let keys: Vec<u64> = self.band_keys(&sig).collect();
            for (band, key) in keys.into_iter().enumerate() {
                self.buckets[band].entry(key).or_default().push(id);
            }
        }
        self.signatures.insert(id, sig);
    }

    pub fn remove(&mut self, id: u64) -> Option<Signature> {
        let sig = self.signatures.remove(&id)?;
        let keys: Vec<u64> = self.band_keys(&sig).collect();
        for (band, key) in keys.into_iter().enumerate() {
            if let Some(ids) = self.buckets[band].get_mut(&key) {
                ids.retain(|&x| x != id);
                if ids.is_empty() {
                    self.buckets[band].remove(&key);
                }
            }
        }
        Some(sig)
    }

    /// Ids sharing at least one band with `sig`, sorted.
    pub fn candidates(&self, sig: &Signature) -> Vec<u64> {
        if sig.is_empty() {
            return Vec::new();
        }
        let mut seen = HashSet::new();
        for (band, key) in self.band_keys(sig).enumerate() {
            if let Some(ids) = self.buckets[band].get(&key) {
                seen.extend(ids.iter().copied());
            }
        }
        let mut out: Vec<u64> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Candidates whose estimated Jaccard similarity reaches `threshold`, most similar first.
    pub fn similar(&self, sig: &Signature, threshold: f64) -> Vec<(u64, f64)> {
        let mut out: Vec<(u64, f64)> = self
            .candidates(sig)
            .into_iter()
            .filter_map(|id| {
                let j = self.signatures.get(&id)?.jaccard(sig);
                (j >= threshold).then_some((id, j))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    pub fn signature(&self, id: u64) -> Option<&Signature> {
        self.signatures.get(&id)
    }
}
