//! The sentiment lexicon: terms with a polarity from -3 to +3, kept as a TSV file.

use std::fmt;
use std::sync::OnceLock;

use crate::topics::matcher::PhraseSet;

/// The shipped lexicon, written by the ykien team for public-feedback language.
pub const DEFAULT_LEXICON: &str = include_str!("../../data/sentiment-lexicon.tsv");

/// A line of the lexicon that cannot be read; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sentiment lexicon, line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LexiconError {}

/// What a matched phrase does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    /// A polar term and its weight.
    Polar(f32),
    /// Negates the next few words ("không", "chưa hề").
    Negator,
    /// Multiplies a nearby term: `before` applies to a term that follows ("rất tốt"),
    /// `after` to one that precedes ("tốt lắm"); 0 where it does not apply.
    Intensifier { before: f32, after: f32 },
    /// "nhưng": what follows outweighs what came before.
    Contrast,
    /// A phrase that starts like a negator but is not one ("không chỉ", "không sao").
    Inert,
}

/// Grammar words; fixed here because they are the language, not the vocabulary.
const NEGATORS: &[&str] = &[
    "không",
    "chẳng",
    "chả",
    "chưa",
    "không hề",
    "chẳng hề",
    "chưa hề",
    "chưa từng",
    "chẳng bao giờ",
    "không bao giờ",
    "đâu có",
    "không có",
    "chẳng có",
    "chưa có",
    "không được",
    "chưa được",
    "không phải",
    "chẳng phải",
    "đâu phải",
    "không còn",
    "chẳng còn",
    "thiếu",
];

/// `(term, before, after)`.
const INTENSIFIERS: &[(&str, f32, f32)] = &[
    ("rất", 1.5, 0.0),
    ("rất là", 1.5, 0.0),
    ("quá", 1.5, 1.4),
    ("quá là", 1.6, 0.0),
    ("lắm", 0.0, 1.4),
    ("cực kỳ", 1.8, 1.7),
    ("cực kì", 1.8, 1.7),
    ("cực", 1.6, 0.0),
    ("vô cùng", 1.8, 1.7),
    ("hết sức", 1.7, 0.0),
    ("thật", 1.3, 1.2),
    ("thật sự", 1.3, 0.0),
    ("thực sự", 1.3, 0.0),
    ("siêu", 1.5, 0.0),
    ("đặc biệt", 1.4, 0.0),
    ("quá trời", 1.6, 1.6),
    ("ghê", 0.0, 1.4),
    ("dã man", 0.0, 1.6),
    ("nhất", 0.0, 1.5),
    ("hẳn", 0.0, 1.2),
    ("khá", 1.2, 0.0),
    ("khá là", 1.2, 0.0),
    ("hơi", 0.6, 0.0),
    ("hơi bị", 1.3, 0.0),
    ("tương đối", 0.8, 0.0),
    ("một chút", 0.0, 0.6),
    ("chút", 0.0, 0.7),
    ("càng", 1.2, 0.0),
];

/// Phrases that begin with a negator without negating anything.
const INERT: &[&str] = &[
    "không chỉ",
    "không những",
    "chẳng những",
    "không sao",
    "không có gì",
    "không ngừng",
    "không thể thiếu",
    "chẳng mấy chốc",
    "không lâu",
    "chưa đầy",
];

const CONTRASTS: &[&str] = &["nhưng", "nhưng mà", "tuy nhiên", "song le", "thế nhưng"];

/// Terms and grammar words, ready to match.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub(crate) phrases: PhraseSet<Role>,
    terms: usize,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::embedded().clone()
    }
}

impl Lexicon {
    /// The shipped lexicon, parsed once.
    pub fn embedded() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::parse(DEFAULT_LEXICON).expect("the shipped lexicon parses"))
    }

    /// Number of polar terms.
    pub fn len(&self) -> usize {
        self.terms
    }

    pub fn is_empty(&self) -> bool {
        self.terms == 0
    }

    /// Reads `term<TAB>weight[<TAB>accented]` lines; `#` starts a comment line. Weights run
    /// from -3 to 3. The flag `accented` keeps a term from matching text written without
    /// diacritics, for terms whose folded form is another common word ("chán" / "chân").
    pub fn parse(tsv: &str) -> Result<Lexicon, LexiconError> {
        let mut phrases = PhraseSet::default();
        for &n in NEGATORS {
            phrases.insert(n, Role::Negator);
        }
        for &(t, before, after) in INTENSIFIERS {
            phrases.insert(t, Role::Intensifier { before, after });
        }
        for &c in CONTRASTS {
            phrases.insert(c, Role::Contrast);
        }
        for &c in INERT {
            phrases.insert(c, Role::Inert);
        }
        let mut terms = 0;
        let mut seen = std::collections::HashSet::new();
        for (i, raw) in tsv.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| LexiconError { line, message };
            if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = raw.split('\t').collect();
            if cols.len() < 2 || cols.len() > 3 {
                return Err(err(format!(
                    "expected `term<TAB>weight` or `term<TAB>weight<TAB>accented`, found {} column(s)",
                    cols.len()
                )));
            }
            let term = cols[0].trim();
            if term.is_empty() {
                return Err(err("empty term".into()));
            }
            let w: f32 = cols[1]
                .trim()
                .parse()
                .map_err(|_| err(format!("weight `{}` is not a number", cols[1].trim())))?;
            if !(-3.0..=3.0).contains(&w) || w == 0.0 {
                return Err(err(format!("weight {w} is outside -3..=3 or zero")));
            }
            let folded_ok = match cols.get(2).map(|s| s.trim()) {
                None | Some("") => true,
                Some("accented") => false,
                Some(other) => {
                    return Err(err(format!("unknown flag `{other}` (expected `accented`)")));
                }
            };
            let key = crate::normalize::normalize(term).text.to_lowercase();
            if !seen.insert(key) {
                return Err(err(format!("term \"{term}\" listed twice")));
            }
            if !phrases.insert_with(term, Role::Polar(w), folded_ok) {
                return Err(err(format!("term \"{term}\" has no words")));
            }
            terms += 1;
        }
        Ok(Lexicon { phrases, terms })
    }
}
