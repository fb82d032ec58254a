//! The hashing vectorizer: text in, a sparse L2-normalized vector out.
//!
//! No vocabulary is stored: every feature (a word, a pair of adjacent words, a character
//! n-gram inside a word) is hashed straight to one of 2^bits buckets, and one more hash bit
//! picks a sign so that colliding features tend to cancel instead of piling up. That keeps
//! training one pass, models a fixed size, and lets unseen spellings ("kèọ") still land on
//! the character n-grams they share with known ones.

use crate::fold::fold_char;
use crate::segment::Segmenter;

/// Bumped whenever the same text would hash to different buckets; stored in model files so
/// that a model is never applied to features it was not trained on.
pub const FEATURE_VERSION: u32 = 1;

/// Which features to extract. Stored in the model, so prediction always matches training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureConfig {
    /// log2 of the number of hash buckets (12..=24).
    pub bits: u8,
    /// 0 = no word features, 1 = words, 2 = words and adjacent pairs.
    pub word_ngrams: u8,
    /// Character n-grams of lengths `min..=max` inside each word (with `<` `>` word
    /// boundaries), or `None`.
    pub char_ngrams: Option<(u8, u8)>,
    /// Features over the lower-cased text with its diacritics.
    pub accented: bool,
    /// Features over the folded text (no diacritics, đ→d), for unaccented writing.
    pub folded: bool,
    /// Group syllables into words with [`crate::segment`] first ("hà_nội" instead of "hà",
    /// "nội"). Slower; helps little on long texts.
    pub segment: bool,
    /// Weight buckets by inverse document frequency learnt at training time.
    pub idf: bool,
    /// Words of the first line (a title or subject) count again as title words.
    pub title: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bits: 18,
            word_ngrams: 2,
            char_ngrams: None,
            accented: true,
            folded: false,
            segment: false,
            idf: true,
            title: false,
        }
    }
}

/// A feature's text, built only when someone asks (explanations), never in the hot path.
#[derive(Clone, Copy)]
enum Name<'a> {
    Text(&'a str),
    Pair(&'a str, &'a str),
    Title(&'a Name<'a>),
    Hidden,
}

impl Name<'_> {
    fn render(self) -> String {
        match self {
            Name::Text(t) => t.to_string(),
            Name::Pair(a, b) => format!("{a} {b}"),
            Name::Title(n) => format!("title: {}", n.render()),
            Name::Hidden => String::new(),
        }
    }
}

/// What a feature was made from, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureKind {
    Word,
    WordPair,
    CharNgram,
}

// Namespaces keep "a word" and "the same letters as a character n-gram" apart.
const NS_WORD: u64 = 0x243F_6A88_85A3_08D3;
const NS_PAIR: u64 = 0x1319_8A2E_0370_7344;
const NS_CHAR: u64 = 0xA409_3822_299F_31D0;
const NS_FOLDED: u64 = 0x082E_FA98_EC4E_6C89;
const NS_TITLE: u64 = 0x4528_21E6_38D0_1377;

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^= h >> 33;
    h
}

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

/// A fast, platform-independent hash of a byte string (not for adversaries: a collision
/// only blurs two features).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(b));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(b));
    }
    fmix64(h)
}

/// One token of the lower-cased text: byte ranges into the accented and folded buffers.
#[derive(Clone, Copy, Debug)]
struct Tok {
    acc: (u32, u32),
    fold: (u32, u32),
    /// Punctuation (not just spaces) came before it, so no pair spans the gap.
    after_break: bool,
    /// On the first line.
    title: bool,
}

/// Reusable buffers; one per thread or per caller.
#[derive(Default)]
pub struct Scratch {
    acc: String,
    fold: String,
    toks: Vec<Tok>,
    keys: Vec<u64>,
    chars: Vec<u32>,
    segmented: String,
}

/// A sparse vector: sorted unique bucket indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl SparseVec {
    pub fn clear(&mut self) {
        self.indices.clear();
        self.values.clear();
    }
}

/// Lower-cases `c` onto `out`; Vietnamese letters take a shortcut (upper case is the even
/// code point of each pair in their blocks), everything else goes through Unicode tables.
#[inline]
fn push_lower(out: &mut String, c: char) {
    let u = c as u32;
    let l = match u {
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 | 0x1E00..=0x1E95 | 0x1EA0..=0x1EFF => u | 1,
        0x1A0 | 0x1AF => u + 1,
        0xDF..=0xFF | 0x1A1 | 0x1B0 => u,
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push(char::from_u32(l).unwrap_or(c));
}

#[inline]
fn is_word_char(c: char, underscore: bool) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || (underscore && c == '_')
    } else if matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF) {
        // Latin letters with diacritics (all of Vietnamese): skip the Unicode table walk.
        !matches!(c, '×' | '÷')
    } else {
        c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c)
    }
}

impl FeatureConfig {
    /// A fixed name for a set of options, so that error messages and reports can say which
    /// features a model uses.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.word_ngrams > 0 {
            parts.push(format!("words 1-{}", self.word_ngrams));
        }
        if let Some((a, b)) = self.char_ngrams {
            parts.push(format!("chars {a}-{b}"));
        }
        match (self.accented, self.folded) {
            (true, true) => parts.push("accented+folded".into()),
            (false, true) => parts.push("folded".into()),
            _ => parts.push("accented".into()),
        }
        if self.segment {
            parts.push("segmented".into());
        }
        if self.title {
            parts.push("title".into());
        }
        if self.idf {
            parts.push("idf".into());
        }
        parts.push(format!("2^{} buckets", self.bits));
        parts.join(", ")
    }

    pub(crate) fn buckets(&self) -> usize {
        1usize << self.bits
    }

    /// Splits `text` into lower-cased tokens (both spellings) in `s`.
    fn tokenize(&self, text: &str, s: &mut Scratch) {
        let Scratch {
            acc,
            fold,
            toks,
            segmented,
            ..
        } = s;
        acc.clear();
        fold.clear();
        toks.clear();
        let text = if self.segment {
            segmented.clear();
            segmented.push_str(&Segmenter::default().segment_line(text));
            segmented.as_str()
        } else {
            text
        };
        let want_acc = self.accented || !self.folded;
        let want_fold = self.folded;
        let mut start: Option<(usize, usize)> = None;
        let mut brk = true;
        let mut title = true;
        let close = |start: &mut Option<(usize, usize)>,
                     toks: &mut Vec<Tok>,
                     acc: &String,
                     fold: &String,
                     brk: &mut bool,
                     title: bool| {
            if let Some((a, f)) = start.take() {
                toks.push(Tok {
                    acc: (a as u32, acc.len() as u32),
                    fold: (f as u32, fold.len() as u32),
                    after_break: *brk,
                    title,
                });
                *brk = false;
            }
        };
        for c in text.chars() {
            if is_word_char(c, self.segment) {
                if start.is_none() {
                    start = Some((acc.len(), fold.len()));
                }
                if c.is_ascii() {
                    let l = c.to_ascii_lowercase();
                    if want_acc {
                        acc.push(l);
                    }
                    if want_fold {
                        fold.push(l);
                    }
                } else if ('\u{0300}'..='\u{036F}').contains(&c) {
                    if want_acc {
                        acc.push(c);
                    }
                } else {
                    if want_acc {
                        push_lower(acc, c);
                    }
                    if want_fold {
                        fold.push(fold_char(c));
                    }
                }
            } else {
                close(&mut start, toks, acc, fold, &mut brk, title);
                if c == '\n' && !toks.is_empty() {
                    title = false;
                }
                if !c.is_whitespace() {
                    brk = true;
                }
            }
        }
        close(&mut start, toks, acc, fold, &mut brk, title);
    }

    /// Calls `emit(key, kind, folded, text)` for every feature occurrence; `key` is the
    /// bucket shifted left by one with the sign in bit 0.
    fn features(
        &self,
        text: &str,
        s: &mut Scratch,
        mut emit: impl FnMut(u64, FeatureKind, bool, Name<'_>),
    ) {
        self.tokenize(text, s);
        let shift = 64 - self.bits as u32;
        let key = |h: u64| ((h >> shift) << 1) | (h & 1);
        let forms: &[bool] = match (self.accented, self.folded) {
            (true, true) => &[false, true],
            (false, true) => &[true],
            _ => &[false],
        };
        let Scratch {
            acc,
            fold,
            toks,
            chars,
            ..
        } = s;
        for &folded in forms {
            let (buf, ns) = if folded {
                (fold.as_str(), NS_FOLDED)
            } else {
                (acc.as_str(), 0)
            };
            let span = |t: &Tok| {
                let (a, b) = if folded { t.fold } else { t.acc };
                &buf[a as usize..b as usize]
            };
            let mut prev: Option<u64> = None;
            let mut prev_i = 0usize;
            for (i, t) in toks.iter().enumerate() {
                let w = span(t);
                if w.is_empty() {
                    prev = None;
                    continue;
                }
                let h = hash_bytes(NS_WORD ^ ns, w.as_bytes());
                let title = self.title && t.title;
                if self.word_ngrams >= 1 {
                    emit(key(h), FeatureKind::Word, folded, Name::Text(w));
                    if title {
                        let ht = fmix64(h ^ NS_TITLE);
                        emit(
                            key(ht),
                            FeatureKind::Word,
                            folded,
                            Name::Title(&Name::Text(w)),
                        );
                    }
                }
                if let (true, Some(p), false) = (self.word_ngrams >= 2, prev, t.after_break) {
                    let hp = fmix64(mix(p ^ NS_PAIR, h));
                    let name = Name::Pair(span(&toks[prev_i]), w);
                    emit(key(hp), FeatureKind::WordPair, folded, name);
                    if title {
                        emit(
                            key(fmix64(hp ^ NS_TITLE)),
                            FeatureKind::WordPair,
                            folded,
                            Name::Title(&name),
                        );
                    }
                }
                prev = Some(h);
                prev_i = i;
                if let Some((lo, hi)) = self.char_ngrams {
                    chars.clear();
                    chars.push('<' as u32);
                    chars.extend(w.chars().map(|c| c as u32));
                    chars.push('>' as u32);
                    let (lo, hi) = (lo.max(1) as usize, hi as usize);
                    for st in 0..chars.len() {
                        let mut hc = NS_CHAR ^ ns;
                        for (n, &c) in chars[st..].iter().take(hi).enumerate() {
                            hc = mix(hc, c as u64);
                            if n + 1 >= lo {
                                let hn = fmix64(hc ^ (n as u64 + 1));
                                emit(key(hn), FeatureKind::CharNgram, folded, Name::Hidden);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sublinear term frequencies (1 + ln count) with hash signs, unweighted and unnormalized.
    pub(crate) fn raw(&self, text: &str, s: &mut Scratch, out: &mut SparseVec) {
        out.clear();
        let mut keys = std::mem::take(&mut s.keys);
        keys.clear();
        self.features(text, s, |k, _, _, _| keys.push(k));
        keys.sort_unstable();
        let mut i = 0;
        while i < keys.len() {
            let k = keys[i];
            let mut j = i + 1;
            while j < keys.len() && keys[j] == k {
                j += 1;
            }
            let tf = 1.0 + ((j - i) as f32).ln();
            let v = if k & 1 == 1 { -tf } else { tf };
            let idx = (k >> 1) as u32;
            match out.indices.last() {
                Some(&last) if last == idx => {
                    if let Some(x) = out.values.last_mut() {
                        *x += v;
                    }
                }
                _ => {
                    out.indices.push(idx);
                    out.values.push(v);
                }
            }
            i = j;
        }
        s.keys = keys;
    }

    /// The model's input: [`Self::raw`], weighted by `idf` if given, L2-normalized.
    pub(crate) fn vector(
        &self,
        text: &str,
        idf: Option<&[f32]>,
        s: &mut Scratch,
        out: &mut SparseVec,
    ) {
        self.raw(text, s, out);
        weigh_and_normalize(out, idf);
    }

    /// Every feature occurrence with a readable name, for explanations (slow path).
    pub(crate) fn named(
        &self,
        text: &str,
        s: &mut Scratch,
    ) -> Vec<(u32, bool, FeatureKind, bool, String)> {
        let mut named = Vec::new();
        let char_ngrams = self.char_ngrams;
        let mut chars_seen: Vec<(u32, bool)> = Vec::new();
        self.features(text, s, |k, kind, folded, name| {
            if kind == FeatureKind::CharNgram {
                chars_seen.push(((k >> 1) as u32, folded));
                return;
            }
            named.push(((k >> 1) as u32, k & 1 == 1, kind, folded, name.render()));
        });
        if char_ngrams.is_some() {
            // Character n-grams carry no text in the hot path; name them by re-hashing the
            // words' n-grams here.
            let want: std::collections::BTreeSet<(u32, bool)> = chars_seen.into_iter().collect();
            let mut tmp = Scratch::default();
            self.tokenize(text, &mut tmp);
            let shift = 64 - self.bits as u32;
            let (lo, hi) = char_ngrams.unwrap_or((3, 5));
            for folded in [false, true] {
                let buf = if folded { &tmp.fold } else { &tmp.acc };
                let ns = if folded { NS_FOLDED } else { 0 };
                for t in &tmp.toks {
                    let (a, b) = if folded { t.fold } else { t.acc };
                    let w = &buf[a as usize..b as usize];
                    let cs: Vec<char> = std::iter::once('<')
                        .chain(w.chars())
                        .chain(std::iter::once('>'))
                        .collect();
                    for st in 0..cs.len() {
                        let mut hc = NS_CHAR ^ ns;
                        for (n, &c) in cs[st..].iter().take(hi as usize).enumerate() {
                            hc = mix(hc, c as u64);
                            if n + 1 >= lo.max(1) as usize {
                                let hn = fmix64(hc ^ (n as u64 + 1));
                                let idx = (hn >> shift) as u32;
                                if want.contains(&(idx, folded)) {
                                    let g: String = cs[st..st + n + 1].iter().collect();
                                    named.push((
                                        idx,
                                        hn & 1 == 1,
                                        FeatureKind::CharNgram,
                                        folded,
                                        g,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        named
    }
}

/// Multiplies by `idf` (buckets never seen in training get the largest weight) and scales
/// to unit length.
pub(crate) fn weigh_and_normalize(v: &mut SparseVec, idf: Option<&[f32]>) {
    if let Some(idf) = idf {
        for (x, &i) in v.values.iter_mut().zip(&v.indices) {
            *x *= idf.get(i as usize).copied().unwrap_or(1.0);
        }
    }
    let norm = v.values.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        let inv = 1.0 / norm;
        v.values.iter_mut().for_each(|x| *x *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercased_and_split_on_punctuation() {
        let cfg = FeatureConfig {
            word_ngrams: 2,
            ..FeatureConfig::default()
        };
        let mut s = Scratch::default();
        let names: Vec<String> = cfg
            .named("Hà Nội, mùa THU.", &mut s)
            .into_iter()
            .map(|n| n.4)
            .collect();
        assert_eq!(names, ["hà", "nội", "hà nội", "mùa", "thu", "mùa thu"]);
    }

    #[test]
    fn fast_lowercase_agrees_with_unicode() {
        let ranges = [0xC0u32..0x250, 0x1E00..0x1F00];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let mut fast = String::new();
            push_lower(&mut fast, c);
            let slow: String = c.to_lowercase().collect();
            assert_eq!(fast, slow, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn folded_form_ignores_diacritics() {
        let cfg = FeatureConfig {
            accented: false,
            folded: true,
            ..FeatureConfig::default()
        };
        let mut s = Scratch::default();
        let (mut a, mut b) = (SparseVec::default(), SparseVec::default());
        cfg.vector("Đà Nẵng", None, &mut s, &mut a);
        cfg.vector("da nang", None, &mut s, &mut b);
        assert_eq!(a, b);
        assert!(!a.indices.is_empty());
    }

    #[test]
    fn vectors_are_unit_length() {
        let cfg = FeatureConfig {
            char_ngrams: Some((2, 4)),
            folded: true,
            ..FeatureConfig::default()
        };
        let mut s = Scratch::default();
        let mut v = SparseVec::default();
        cfg.vector(
            "Giá xăng tăng mạnh, giá xăng lại tăng",
            None,
            &mut s,
            &mut v,
        );
        let n: f32 = v.values.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-4);
        assert!(v.indices.windows(2).all(|w| w[0] < w[1]));
    }
}
