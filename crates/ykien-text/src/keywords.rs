//! Key phrases for case titles and report summaries.
//!
//! TF-IDF over syllable n-grams with a small background model: document frequencies of
//! folded syllable unigrams and bigrams counted on the VNTC news corpus
//! (`models/keywords-df.tsv`, built by `examples/build_keyword_model.rs`; counts only, no
//! article text). Vietnamese words span several syllables ("chuyển đổi số"), so candidate
//! phrases are runs of syllables whose neighbouring pairs stick together in the background
//! corpus (a bigram frequent relative to its parts), never starting or ending with a stop
//! word; longer phrases get a bonus. When the word segmenter is available, callers pass
//! its words to [`Keywords::extract_words`] instead and phrases are built from whole words.
//!
//! Statistics are looked up by folded form, so text typed without diacritics gets the same
//! phrases; the phrase shown is the first spelling met in the text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::fold::fold;
use crate::topics::fast_hash::{FxHashMap, FxHashSet, is_alphanumeric};

const MODEL: &str = include_str!("../models/keywords-df.tsv");
const STOPWORDS: &str = include_str!("../data/vietnamese-stopwords.txt");

/// Longest phrase considered, in syllables (or words for pre-segmented input).
pub const MAX_PHRASE: usize = 4;
/// Grammatical words that may not open or close a phrase: the most frequent function words
/// of the stop-word list. The full list (1,942 entries, many of them content words such as
/// "nước" or "cấp") only rules out phrases that are stop words as a whole.
const EDGE_STOPWORDS: &str = "và của là thì mà những các một có được bị cho với trong tại để \
đã đang sẽ này đó khi nếu nhưng cũng rất như theo về từ ra vào lên không chưa vẫn còn nên vì do \
bởi hay hoặc thế vậy ở nhiều mỗi lại đến cùng đều chỉ nữa hơn nhất qua sau trước trên dưới giữa \
cả ai gì nào đây ấy thôi chứ nhé ạ rồi luôn vừa mới";

/// Background document frequencies.
#[derive(Debug)]
pub struct DfModel {
    pub docs: u32,
    df: FxHashMap<String, u32>,
}

impl DfModel {
    /// Parses the TSV format written by `build_keyword_model`: a `#docs<TAB>N` line, then
    /// `term<TAB>df` lines, terms folded with syllables separated by one space.
    pub fn parse(tsv: &str) -> DfModel {
        let mut docs = 1;
        let mut df = FxHashMap::default();
        for line in tsv.lines() {
            let mut parts = line.split('\t');
            let (Some(term), Some(n)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u32>() else { continue };
            if term == "#docs" {
                docs = n.max(1);
            } else {
                df.insert(term.to_string(), n);
            }
        }
        DfModel { docs, df }
    }

    /// The model shipped in the crate.
    pub fn embedded() -> &'static DfModel {
        static M: OnceLock<DfModel> = OnceLock::new();
        M.get_or_init(|| DfModel::parse(MODEL))
    }

    pub fn df(&self, folded_term: &str) -> u32 {
        self.df.get(folded_term).copied().unwrap_or(0)
    }

    /// The frequency of the bigram "a b", spelled into `buf` (reused across calls: this
    /// lookup runs for every pair of neighbouring syllables).
    fn df_pair(&self, a: &str, b: &str, buf: &mut String) -> u32 {
        buf.clear();
        buf.push_str(a);
        buf.push(' ');
        buf.push_str(b);
        self.df(buf)
    }

    pub fn len(&self) -> usize {
        self.df.len()
    }

    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }

    /// Smoothed inverse document frequency. For phrases longer than two syllables the
    /// rarest of their bigrams stands in for the phrase (a phrase is never more frequent).
    pub fn idf(&self, folded_syllables: &[&str]) -> f32 {
        let mut buf = String::new();
        let df = match folded_syllables {
            [] => self.df(""),
            [a] => self.df(a),
            [a, b] => self.df_pair(a, b, &mut buf),
            _ => folded_syllables
                .windows(2)
                .map(|w| self.df_pair(w[0], w[1], &mut buf))
                .min()
                .unwrap_or(0),
        };
        self.idf_of(df)
    }

    /// Smoothed inverse of a document frequency.
    fn idf_of(&self, df: u32) -> f32 {
        ((self.docs as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
    }

    /// How strongly two syllables form one unit: df(ab) / min(df(a), df(b)).
    pub fn cohesion(&self, a: &str, b: &str) -> f32 {
        let ab = self.df_pair(a, b, &mut String::new());
        let min = self.df(a).min(self.df(b));
        if min == 0 {
            0.0
        } else {
            ab as f32 / min as f32
        }
    }
}

fn stopwords() -> &'static FxHashSet<String> {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        STOPWORDS
            .lines()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect()
    })
}

fn stopwords_folded() -> &'static FxHashSet<String> {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    S.get_or_init(|| stopwords().iter().map(|w| fold(w)).collect())
}

type EdgeStopwords = (FxHashSet<&'static str>, FxHashSet<String>);

fn edge_stopwords() -> &'static EdgeStopwords {
    static S: OnceLock<EdgeStopwords> = OnceLock::new();
    S.get_or_init(|| {
        let exact: FxHashSet<&'static str> = EDGE_STOPWORDS.split_whitespace().collect();
        let folded = exact.iter().map(|w| fold(w)).collect();
        (exact, folded)
    })
}

/// Whether a lower-case syllable is a grammatical word that cannot start or end a phrase.
pub fn is_edge_stopword(lower: &str) -> bool {
    let (exact, folded) = edge_stopwords();
    if lower.is_ascii() {
        folded.contains(lower)
    } else {
        exact.contains(lower)
    }
}

/// Whether a (lower-case) word or phrase is a stop word. Text without diacritics is looked
/// up folded.
pub fn is_stopword(lower: &str) -> bool {
    if lower.is_ascii() {
        stopwords_folded().contains(lower)
    } else {
        stopwords().contains(lower)
    }
}

/// A unit of input: a syllable, or a word from the segmenter.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Byte range in the original text.
    pub span: Range<usize>,
    pub lower: String,
    /// Folded syllables of the unit, space-separated.
    pub folded: String,
    /// A punctuation mark or line break precedes this unit: phrases do not cross it.
    pub boundary_before: bool,
}

impl Unit {
    /// A unit covering `span` of `text`, e.g. one word from the segmenter.
    pub fn new(text: &str, span: Range<usize>, boundary_before: bool) -> Unit {
        let lower = text[span.clone()].to_lowercase();
        let folded = fold(&lower)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Unit {
            span,
            lower,
            folded,
            boundary_before,
        }
    }
}

/// Syllables of a text (runs of letters and digits) with their spans.
pub fn syllables(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let push = |s: usize, e: usize, out: &mut Vec<Unit>, last_end: &mut usize| {
        let gap = &text[*last_end..s];
        let boundary_before =
            out.is_empty() || gap.chars().any(|c| !c.is_whitespace()) || gap.contains('\n');
        let lower = text[s..e].to_lowercase();
        let folded = fold(&lower);
        out.push(Unit {
            span: s..e,
            lower,
            folded,
            boundary_before,
        });
        *last_end = e;
    };
    for (i, c) in text.char_indices() {
        let inside = is_alphanumeric(c) || ('\u{0300}'..='\u{036F}').contains(&c);
        if inside {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push(s, i, &mut out, &mut last_end);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out, &mut last_end);
    }
    out
}

/// One key phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyphrase {
    /// As first written in the text, lower-cased.
    pub text: String,
    /// Folded form, the key for counting and comparing.
    pub key: String,
    pub score: f32,
    /// Every occurrence, in text order.
    pub spans: Vec<Range<usize>>,
    /// Syllables (or words) in the phrase.
    pub len: usize,
}

/// Key phrase extractor over a background model.
#[derive(Debug, Clone, Copy)]
pub struct Keywords {
    model: &'static DfModel,
}

impl Default for Keywords {
    fn default() -> Self {
        Keywords {
            model: DfModel::embedded(),
        }
    }
}

struct Candidate {
    first: usize,
    len: usize,
}

impl Keywords {
    pub fn with_model(model: &'static DfModel) -> Keywords {
        Keywords { model }
    }

    /// Top `k` key phrases of a text, syllable-based.
    pub fn extract(&self, text: &str, k: usize) -> Vec<Keyphrase> {
        self.rank(text, &syllables(text), k, true)
    }

    /// Top `k` key phrases over words the caller already segmented (each unit one word,
    /// its `folded` the folded syllables joined by spaces). No cohesion test: words are
    /// words; phrases of up to [`MAX_PHRASE`] words.
    pub fn extract_words(&self, text: &str, words: &[Unit], k: usize) -> Vec<Keyphrase> {
        self.rank(text, words, k, false)
    }

    /// Background frequency of each syllable with the next one: every phrase spanning the
    /// pair tests it, and the phrase's score uses it again. Zero where a boundary splits
    /// the pair (no phrase reaches across it).
    fn pair_df(&self, units: &[Unit]) -> Vec<u32> {
        let mut buf = String::new();
        units
            .windows(2)
            .map(|w| {
                if w[1].boundary_before {
                    0
                } else {
                    self.model.df_pair(&w[0].folded, &w[1].folded, &mut buf)
                }
            })
            .collect()
    }

    fn candidates(&self, units: &[Unit], by_syllable: bool, pair_df: &[u32]) -> Vec<Candidate> {
        let mut out = Vec::new();
        // Facts about each unit, computed once rather than for every phrase it is part of.
        let edge: Vec<bool> = units.iter().map(|u| is_edge_stopword(&u.lower)).collect();
        let stop: Vec<bool> = units.iter().map(|u| is_stopword(&u.lower)).collect();
        let numeric: Vec<bool> = units
            .iter()
            .map(|u| u.folded.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let short: Vec<bool> = units.iter().map(|u| u.lower.chars().count() < 2).collect();
        let mut buf = String::new();
        for first in 0..units.len() {
            for len in 1..=MAX_PHRASE.min(units.len() - first) {
                let last = first + len - 1;
                if len > 1 && units[last].boundary_before {
                    break;
                }
                // Grammatical words end a syllable phrase ("vui và ngon miệng" is two).
                if by_syllable && len > 2 && edge[last - 1] {
                    break;
                }
                if by_syllable && len > 1 && pair_df[last - 1] == 0 {
                    break;
                }
                // A pre-segmented word is checked whole, a syllable against the
                // grammatical words.
                let loose_end = |i: usize| edge[i] || (len == 1 && stop[i]);
                if loose_end(first)
                    || loose_end(last)
                    || numeric[first..=last].iter().any(|&n| n)
                    || short[first..=last].iter().all(|&s| s)
                {
                    continue;
                }
                // A single unit that is a stop word was ruled out as a loose end above.
                if len > 1 {
                    buf.clear();
                    for (n, u) in units[first..=last].iter().enumerate() {
                        if n > 0 {
                            buf.push(' ');
                        }
                        buf.push_str(&u.lower);
                    }
                    if is_stopword(&buf) {
                        continue;
                    }
                }
                out.push(Candidate { first, len });
            }
        }
        out
    }

    fn rank(&self, text: &str, units: &[Unit], k: usize, by_syllable: bool) -> Vec<Keyphrase> {
        if k == 0 {
            return Vec::new();
        }
        struct Acc {
            spans: Vec<Range<usize>>,
            len: usize,
            /// The first unit of the first occurrence.
            first: usize,
        }
        // Phrases in order of first occurrence; the map is filled from the text, so it
        // keeps std's collision-resistant hasher.
        let mut accs: Vec<Acc> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut key = String::new();
        let pair_df = if by_syllable {
            self.pair_df(units)
        } else {
            Vec::new()
        };
        for c in self.candidates(units, by_syllable, &pair_df) {
            let phrase = &units[c.first..c.first + c.len];
            key.clear();
            for (n, u) in phrase.iter().enumerate() {
                if n > 0 {
                    key.push(' ');
                }
                key.push_str(&u.folded);
            }
            let span = phrase[0].span.start..phrase[c.len - 1].span.end;
            let i = match index.get(key.as_str()) {
                Some(&i) => i,
                None => {
                    index.insert(key.clone(), accs.len());
                    accs.push(Acc {
                        spans: Vec::new(),
                        len: c.len,
                        first: c.first,
                    });
                    accs.len() - 1
                }
            };
            let acc = &mut accs[i];
            // A run of one repeated word yields the phrase at every offset: count only
            // occurrences that do not overlap the previous one, so that stuffing does not
            // inflate the score and a highlighter marks each word once.
            if acc.spans.last().is_none_or(|prev| prev.end <= span.start) {
                acc.spans.push(span);
            }
        }
        let mut keys = vec![String::new(); accs.len()];
        for (key, i) in index {
            keys[i] = key;
        }
        let mut scored: Vec<Option<Keyphrase>> = accs
            .into_iter()
            .zip(keys)
            .map(|(acc, key)| {
                let syllables = key.split(' ').count();
                let tf = acc.spans.len() as f32;
                // Longer phrases name things more precisely; single syllables are rarely
                // meaningful alone in Vietnamese.
                let length_bonus = match syllables {
                    1 => 0.5,
                    2 => 1.0,
                    3 => 1.2,
                    _ => 1.3,
                };
                // A syllable phrase's units are its syllables: its bigrams' frequencies are
                // known already (see `DfModel::idf`).
                let idf = if by_syllable && syllables == acc.len && acc.len >= 2 {
                    let pairs = &pair_df[acc.first..acc.first + acc.len - 1];
                    self.model.idf_of(pairs.iter().copied().min().unwrap_or(0))
                } else {
                    self.model.idf(&key.split(' ').collect::<Vec<_>>())
                };
                let score = (1.0 + tf.ln()) * idf * length_bonus;
                Some(Keyphrase {
                    // Spelled out only for the phrases kept.
                    text: String::new(),
                    key,
                    score,
                    spans: acc.spans,
                    len: acc.len,
                })
            })
            .collect();
        // Sorting indices moves less than sorting phrases; the index as the last key
        // keeps the order of a stable sort.
        let mut ranked: Vec<(f32, usize, usize)> = scored
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().map(|p| (p.score, p.spans[0].start, i)))
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        // Keep a phrase only if it is not part of a better one ("thoát nước" inside "hệ
        // thống thoát nước") and occurs at least once apart from the better ones.
        let mut kept: Vec<Keyphrase> = Vec::new();
        let mut kept_padded: Vec<String> = Vec::new();
        for (_, _, i) in ranked {
            let Some(p) = scored[i].take() else { continue };
            let b = format!(" {} ", p.key);
            let contained = kept_padded
                .iter()
                .any(|a| a.contains(&b) || b.contains(a.as_str()));
            let always_overlapping = p.spans.iter().all(|s| {
                kept.iter()
                    .any(|q| q.spans.iter().any(|t| s.start < t.end && t.start < s.end))
            });
            if !contained && !always_overlapping {
                let mut p = p;
                // As first written in the text.
                p.text = text[p.spans[0].clone()].to_lowercase();
                kept.push(p);
                kept_padded.push(b);
            }
            if kept.len() == k {
                break;
            }
        }
        kept
    }
}

/// Top `k` key phrases of a text with the embedded model.
pub fn keyphrases(text: &str, k: usize) -> Vec<Keyphrase> {
    Keywords::default().extract(text, k)
}
