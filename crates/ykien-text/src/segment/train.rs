//! Training: an averaged structured perceptron over the gap features.
//!
//! Pure functions over parsed sentences, so the crate stays free of I/O; the example
//! `train_segmenter` reads the files. Deterministic for a given seed.

use super::decode::viterbi;
use super::dictionary::{DictSet, MAX_SPAN, PREFIX, fingerprint, span_fold, span_norm};
use super::features::{Ctx, contexts, gap_features};
use super::model::{Model, slot};
use super::pretoken::pretokenize;
use super::syllable::{Keys, keys, strip_marks};

/// Knobs of a training run.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// The weight table has 2^bits slots.
    pub table_bits: u8,
    /// Also train on a copy of every sentence with its diacritics stripped, so that
    /// unaccented input is segmented too.
    pub unaccented_copy: bool,
    /// Also train on an upper-case copy of one sentence in four, so that ALL-CAPS headlines
    /// segment like running text. (A copy with every syllable capitalised was tried too: it
    /// cost 0.4 F1 points on dev, capitals being what marks names.)
    pub case_copy: bool,
    /// Probability of hiding each lexical feature from an update. With 1,400 sentences the
    /// syllable n-grams memorise the training set and starve the dictionary and shape
    /// features, which are what carries over to unseen text.
    pub lexical_dropout: f32,
    /// Number of perceptrons averaged (different shuffles and dropout draws).
    pub ensemble: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 15,
            seed: 0x5eed,
            table_bits: 18,
            unaccented_copy: true,
            case_copy: true,
            lexical_dropout: 0.4,
            ensemble: 3,
        }
    }
}

/// Builds the dictionary set from words written with spaces between syllables, each with
/// the index (0, 1 or 2) of the word list it comes from. Entries of one syllable, or longer than
/// the features look at, are skipped.
pub(crate) fn build_dictionary<'a>(words: impl IntoIterator<Item = (&'a str, u8)>) -> DictSet {
    let mut toks = Vec::new();
    let mut fps = Vec::new();
    let mut ks: Vec<Keys> = Vec::new();
    for (w, source) in words {
        let bit = 1u32 << source.min(2);
        pretokenize(w, &mut toks);
        if toks.len() < 2 || toks.len() > MAX_SPAN || !toks[1..].iter().all(|t| t.joinable) {
            continue;
        }
        ks.clear();
        ks.extend(toks.iter().map(|t| keys(&w[t.start..t.end])));
        fps.push(fingerprint(span_norm(&ks)) | bit);
        fps.push(fingerprint(span_fold(&ks)) | bit);
        for len in 2..ks.len() {
            fps.push(fingerprint(span_norm(&ks[..len])) | PREFIX as u32);
            fps.push(fingerprint(span_fold(&ks[..len])) | PREFIX as u32);
        }
    }
    DictSet::from_fingerprints(&fps)
}

/// One training sentence, with its features computed once.
struct Prepared {
    joinable: Vec<bool>,
    gold: Vec<bool>,
    /// Features of token i are `feats[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    feats: Vec<u32>,
}

fn prepare(text: &str, word_ends: &[usize], dict: &DictSet, bits: u8) -> Prepared {
    let mut toks = Vec::new();
    pretokenize(text, &mut toks);
    let mut ctx: Vec<Ctx> = Vec::new();
    contexts(text, &toks, dict, &mut ctx);
    let mut word = 0usize;
    let mut prev_word = usize::MAX;
    let mut gold = Vec::with_capacity(toks.len());
    let mut offsets = vec![0u32];
    let mut feats = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        while word < word_ends.len() && word_ends[word] <= t.start {
            word += 1;
        }
        gold.push(t.joinable && word == prev_word);
        prev_word = word;
        if t.joinable {
            gap_features(&ctx, i, |h, lexical| {
                feats.push(slot(h, bits) as u32 | (lexical as u32) << 31)
            });
        }
        offsets.push(feats.len() as u32);
    }
    Prepared {
        joinable: toks.iter().map(|t| t.joinable).collect(),
        gold,
        offsets,
        feats,
    }
}

/// How a training sentence is rewritten before use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    AsIs,
    Unaccented,
    Upper,
}

fn prepare_sentence(words: &[String], dict: &DictSet, bits: u8, variant: Variant) -> Prepared {
    let words: Vec<String> = match variant {
        Variant::AsIs => words.to_vec(),
        Variant::Unaccented => words.iter().map(|w| strip_marks(w)).collect(),
        Variant::Upper => words.iter().map(|w| w.to_uppercase()).collect(),
    };
    let text = words.join(" ");
    let mut ends = Vec::with_capacity(words.len());
    let mut pos = 0usize;
    for w in &words {
        pos += w.len();
        ends.push(pos);
        pos += 1;
    }
    prepare(&text, &ends, dict, bits)
}

/// xorshift64*: enough randomness for shuffling, and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// A mask of 32 bits, each set with probability `1 - p`.
fn dropout_mask(rng: &mut Rng, p: f32) -> u32 {
    let threshold = (p.clamp(0.0, 1.0) * 256.0) as u64;
    let bytes = rng
        .next()
        .to_le_bytes()
        .into_iter()
        .chain(rng.next().to_le_bytes())
        .chain(rng.next().to_le_bytes())
        .chain(rng.next().to_le_bytes());
    bytes
        .enumerate()
        .fold(0u32, |m, (j, x)| m | ((x as u64 >= threshold) as u32) << j)
}

/// Averaged perceptron state: `w` current weights, `u` time-weighted updates.
struct Weights {
    w: Vec<f32>,
    u: Vec<f32>,
    tw: [f32; 4],
    tu: [f32; 4],
    c: f32,
}

impl Weights {
    /// Adds the averaged weights, times `k`, to `acc` (weights then 4 transitions).
    fn add_averaged(&self, acc: &mut [f32], k: f32) {
        let n = self.w.len();
        for (i, a) in acc[..n].iter_mut().enumerate() {
            *a += k * (self.w[i] - self.u[i] / self.c);
        }
        for t in 0..4 {
            acc[n + t] += k * (self.tw[t] - self.tu[t] / self.c);
        }
    }
}

/// Rounds float weights (table then 4 transitions) to the i16 model.
fn quantize(acc: &[f32], bits: u8, dict: &DictSet) -> Model {
    let n = acc.len() - 4;
    let max = acc.iter().fold(0f32, |m, &w| m.max(w.abs())).max(1e-6);
    let scale = 32000.0 / max;
    let q = |w: f32| (w * scale).round().clamp(-32767.0, 32767.0);
    Model {
        bits,
        weights: acc[..n].iter().map(|&w| q(w) as i16).collect(),
        trans: [
            q(acc[n]) as i32,
            q(acc[n + 1]) as i32,
            q(acc[n + 2]) as i32,
            q(acc[n + 3]) as i32,
        ],
        scale,
        dict: dict.clone(),
    }
}

/// Trains a model on gold sentences (each a list of words, syllables separated by spaces)
/// and dictionary words, each tagged with the index (0, 1 or 2) of its word list so that the
/// model can learn how far to trust each list. With `ensemble` > 1, that many perceptrons
/// with different shuffles and dropout draws are averaged, which steadies the result.
/// `on_epoch(epoch, &model)` sees the model so far after each epoch of each member, for
/// progress reports and model selection.
pub fn train<'a>(
    sentences: &[Vec<String>],
    dictionary: impl IntoIterator<Item = (&'a str, u8)>,
    cfg: &TrainConfig,
    mut on_epoch: impl FnMut(usize, &Model),
) -> Model {
    let bits = cfg.table_bits.clamp(8, 26);
    let dict = build_dictionary(dictionary);
    let mut data: Vec<Prepared> = sentences
        .iter()
        .map(|s| prepare_sentence(s, &dict, bits, Variant::AsIs))
        .collect();
    if cfg.unaccented_copy {
        data.extend(
            sentences
                .iter()
                .map(|s| prepare_sentence(s, &dict, bits, Variant::Unaccented)),
        );
    }
    if cfg.case_copy {
        data.extend(
            sentences
                .iter()
                .step_by(4)
                .map(|s| prepare_sentence(s, &dict, bits, Variant::Upper)),
        );
    }
    let size = 1usize << bits;
    let members = cfg.ensemble.max(1);
    let mut done = vec![0f32; size + 4];
    let mut model = quantize(&done, bits, &dict);
    for member in 0..members {
        let mut st = Weights {
            w: vec![0.0; size],
            u: vec![0.0; size],
            tw: [0.0; 4],
            tu: [0.0; 4],
            c: 1.0,
        };
        let mut rng = Rng((cfg.seed ^ (member as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
        let mut order: Vec<usize> = (0..data.len()).collect();
        for epoch in 0..cfg.epochs {
            run_epoch(&data, &mut order, &mut st, &mut rng, cfg.lexical_dropout);
            let mut acc = done.clone();
            st.add_averaged(&mut acc, 1.0);
            let k = 1.0 / (member + 1) as f32;
            acc.iter_mut().for_each(|a| *a *= k);
            model = quantize(&acc, bits, &dict);
            on_epoch(member * cfg.epochs + epoch + 1, &model);
        }
        st.add_averaged(&mut done, 1.0);
    }
    model
}

fn run_epoch(
    data: &[Prepared],
    order: &mut [usize],
    st: &mut Weights,
    rng: &mut Rng,
    dropout: f32,
) {
    for i in (1..order.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let (mut tags, mut back) = (Vec::new(), Vec::new());
    let mut keep: Vec<u32> = Vec::new();
    for &k in order.iter() {
        let p = &data[k];
        let n = p.gold.len();
        // Dropout draws: one bit per lexical feature and token.
        keep.clear();
        for _ in 0..n {
            keep.push(if dropout > 0.0 {
                dropout_mask(rng, dropout)
            } else {
                u32::MAX
            });
        }
        let feats_of = |i: usize| {
            let fs = &p.feats[p.offsets[i] as usize..p.offsets[i + 1] as usize];
            let k = keep[i];
            fs.iter()
                .enumerate()
                .filter(move |&(j, &f)| f >> 31 == 0 || k >> (j % 32) & 1 == 1)
                .map(|(_, &f)| (f & !(1 << 31)) as usize)
        };
        let w = &st.w;
        let score = |i: usize| -> f32 { feats_of(i).map(|f| w[f]).sum() };
        viterbi(n, |i| p.joinable[i], score, st.tw, &mut tags, &mut back);
        if tags != p.gold {
            let c = st.c;
            for i in 1..n {
                if tags[i] != p.gold[i] {
                    let d = if p.gold[i] { 1.0 } else { -1.0 };
                    for f in feats_of(i) {
                        st.w[f] += d;
                        st.u[f] += c * d;
                    }
                }
                let g = p.gold[i - 1] as usize * 2 + p.gold[i] as usize;
                let q = tags[i - 1] as usize * 2 + tags[i] as usize;
                if g != q {
                    st.tw[g] += 1.0;
                    st.tu[g] += c;
                    st.tw[q] -= 1.0;
                    st.tu[q] -= c;
                }
            }
        }
        st.c += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Vec<String>> {
        let s = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        vec![
            s(&["Chủ tịch", "xã", "Bùi Văn Luyến", "nhắc", "lại", "."]),
            s(&["Hiện nay", "xã", "có", "68", "tổ", "nhân dân", ","]),
        ]
    }

    #[test]
    fn gold_tags_follow_words() {
        let dict = build_dictionary([("nhân dân", 0)]);
        let p = prepare_sentence(&corpus()[0], &dict, 12, Variant::AsIs);
        assert_eq!(
            p.gold,
            [false, true, false, false, true, true, false, false, false]
        );
        assert!(p.joinable[1] && !p.joinable[8]);
        let u = prepare_sentence(&corpus()[1], &dict, 12, Variant::Unaccented);
        assert_eq!(
            u.gold,
            [false, true, false, false, false, false, false, true, false]
        );
    }

    #[test]
    fn training_is_deterministic_and_seed_dependent() {
        let cfg = TrainConfig {
            epochs: 3,
            table_bits: 12,
            ..TrainConfig::default()
        };
        let dict = [("chủ tịch", 0u8), ("nhân dân", 2)];
        let a = train(&corpus(), dict, &cfg, |_, _| {}).to_bytes();
        let b = train(&corpus(), dict, &cfg, |_, _| {}).to_bytes();
        assert_eq!(a, b);
        let other = TrainConfig {
            seed: 7,
            lexical_dropout: 0.5,
            ..cfg
        };
        assert_ne!(a, train(&corpus(), dict, &other, |_, _| {}).to_bytes());
    }
}
