//! Sentiment: negative, neutral or positive, with a score and the words behind it.
//!
//! What ships is a lexicon written by the team ([`DEFAULT_LEXICON`]) read with negation
//! ("không hài lòng"), intensifiers ("rất", "lắm", "hơi") and contrast ("… nhưng …"),
//! after teencode is expanded; and [`SentimentModel`], which learns from officers'
//! corrections and blends with the lexicon. No model trained on research-only data ships.

mod lexicon;
mod model;
mod score;

pub use lexicon::{DEFAULT_LEXICON, Lexicon, LexiconError};
pub use model::{SentimentModel, SentimentModelConfig};
pub use score::{Evidence, Sentiment, SentimentLabel};

/// The shipped lexicon's reading of a text.
pub fn sentiment(text: &str) -> Sentiment {
    Lexicon::embedded().sentiment(text)
}
