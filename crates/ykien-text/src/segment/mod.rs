//! Vietnamese word segmentation in the VLSP convention ("chủ_tịch xã Bùi_Văn_Luyến").
//!
//! Vietnamese writes spaces between syllables, not words, so finding words means deciding,
//! for every space, whether it sits inside a word. A linear model scores each space from
//! hashed syllable n-grams, token shapes and dictionary hits, and a two-tag Viterbi picks
//! the best sequence. Lookups use tone-placement-independent keys ("hoà" = "hòa") and also
//! folded keys, so unaccented text ("sinh vien vi pham") is segmented as well.
//!
//! The embedded model is trained on UD Vietnamese-VTB (CC BY-SA 4.0) with the underthesea
//! (Apache-2.0) and pyvi (MIT) word lists; see `models/README.md`.

mod decode;
mod dictionary;
mod eval;
mod features;
mod model;
mod pretoken;
mod syllable;
mod train;

use std::sync::{Arc, OnceLock};

pub use eval::{Score, conllu_sentences, score};
pub use model::{Model, ModelError};
pub use syllable::strip_marks;
pub use train::{TrainConfig, train};

use decode::viterbi;
use features::{Ctx, contexts, gap_features};
use pretoken::{Tok, pretokenize};

static EMBEDDED_BYTES: &[u8] = include_bytes!("../../models/segmenter.bin");
static EMBEDDED: OnceLock<Arc<Model>> = OnceLock::new();

/// A word: a byte span of the segmented text. Its syllables keep whatever whitespace
/// separated them in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

impl Word {
    /// The word's text as written in `text` (the string that was segmented).
    pub fn as_str<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Reusable scratch space, so that segmenting many lines does not allocate per line.
#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    ctx: Vec<Ctx>,
    tags: Vec<bool>,
    back: Vec<u8>,
}

/// A word segmenter. Cheap to clone; `Segmenter::default()` uses the embedded model,
/// parsed once per process.
#[derive(Clone)]
pub struct Segmenter {
    model: Arc<Model>,
}

impl Default for Segmenter {
    fn default() -> Self {
        let model = EMBEDDED.get_or_init(|| {
            // A test guards the embedded bytes; an unusable model degrades to "one syllable,
            // one word" rather than taking the process down.
            Arc::new(Model::from_bytes(EMBEDDED_BYTES).unwrap_or_else(|_| Model::empty()))
        });
        Segmenter {
            model: Arc::clone(model),
        }
    }
}

impl Segmenter {
    pub fn new(model: Model) -> Segmenter {
        Segmenter {
            model: Arc::new(model),
        }
    }

    /// Loads a model from its serialized bytes (see [`Model::to_bytes`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Segmenter, ModelError> {
        Model::from_bytes(bytes).map(Segmenter::new)
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Splits `text` into words, in order; punctuation marks are words of their own.
    pub fn segment(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        self.segment_into(text, &mut words);
        words
    }

    /// Like [`Segmenter::segment`], appending to `out` after clearing it.
    pub fn segment_into(&self, text: &str, out: &mut Vec<Word>) {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
        }
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.segment_with(text, &mut s, out),
            Err(_) => self.segment_with(text, &mut Scratch::default(), out),
        });
    }

    fn segment_with(&self, text: &str, s: &mut Scratch, out: &mut Vec<Word>) {
        out.clear();
        let m = &*self.model;
        pretokenize(text, &mut s.toks);
        contexts(text, &s.toks, &m.dict, &mut s.ctx);
        let (toks, ctx) = (&s.toks, &s.ctx);
        let emission = |i: usize| -> i32 {
            let mut sum = 0i32;
            gap_features(ctx, i, |h, _| sum += m.weights[m.slot(h)] as i32);
            sum
        };
        viterbi(
            toks.len(),
            |i| toks[i].joinable,
            emission,
            m.trans,
            &mut s.tags,
            &mut s.back,
        );
        for (t, &join) in toks.iter().zip(&s.tags) {
            match out.last_mut() {
                Some(w) if join => w.end = t.end,
                _ => out.push(Word {
                    start: t.start,
                    end: t.end,
                }),
            }
        }
    }

    /// The VLSP rendering: words separated by one space, syllables inside a word by "_".
    pub fn segment_line(&self, text: &str) -> String {
        let mut words = Vec::new();
        self.segment_into(text, &mut words);
        let mut out = String::with_capacity(text.len() + 8);
        for w in &words {
            if !out.is_empty() {
                out.push(' ');
            }
            let mut in_space = false;
            for c in w.as_str(text).chars() {
                if c.is_whitespace() {
                    if !in_space {
                        out.push('_');
                    }
                    in_space = true;
                } else {
                    out.push(c);
                    in_space = false;
                }
            }
        }
        out
    }
}

/// [`Segmenter::segment_line`] with the embedded model.
pub fn segment_line(text: &str) -> String {
    Segmenter::default().segment_line(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads() {
        let m = Model::from_bytes(EMBEDDED_BYTES).expect("embedded model must parse");
        assert!(m.nonzero() > 10_000);
        assert!(m.dictionary_len() > 50_000);
    }

    #[test]
    fn words_cover_all_non_space_text() {
        let text = "  Hà Nội, ngày 30/4 (TP.HCM)...\n sinh viên ";
        let words = Segmenter::default().segment(text);
        let joined: String = words
            .iter()
            .map(|w| w.as_str(text))
            .collect::<String>()
            .split_whitespace()
            .collect();
        let expected: String = text.split_whitespace().collect();
        assert_eq!(joined, expected);
        assert!(words.windows(2).all(|p| p[0].end <= p[1].start));
    }

    #[test]
    fn a_trained_model_round_trips_through_bytes() {
        let sentences: Vec<Vec<String>> = vec![
            vec!["sinh viên".into(), "đi".into(), "học".into()],
            vec!["học sinh".into(), "đi".into(), "chơi".into()],
        ];
        let cfg = TrainConfig {
            epochs: 3,
            table_bits: 12,
            ..TrainConfig::default()
        };
        let model = train(
            &sentences,
            [("sinh viên", 0), ("học sinh", 1)],
            &cfg,
            |_, _| {},
        );
        let seg = Segmenter::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(seg.segment_line("sinh viên đi học"), "sinh_viên đi học");
        assert_eq!(seg.segment_line("sinh vien di hoc"), "sinh_vien di hoc");
    }
}
