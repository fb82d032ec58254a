//! Spam and injection detection: gambling SEO spam, advertising, junk.
//!
//! Vietnamese public websites are defaced every week with online-gambling spam, either as
//! whole doorway pages or injected into real articles by replacing ordinary words
//! ("Fv88", "cổng game bài đổi thưởng"). The detector reads the signs a person sees —
//! brand tokens mixing letters and digits, betting and lottery vocabulary with or without
//! diacritics, words glued together, tone marks scrambled into impossible syllables,
//! calls to action — and explains itself in Vietnamese and English.
//!
//! News that *reports* on gambling crime ("bị cáo … tổ chức đánh bạc", "triệt phá đường
//! dây cá độ bóng đá") uses the same topic words; in that context they weigh little, and
//! only what news never writes (brands, promotion, glued or scrambled spellings) counts.

mod brand;
mod detect;
mod explain;
mod lexicon;
mod matcher;
mod placement;
mod reason;
mod signals;
mod spelling;
pub mod syllable;
mod view;
mod vowels;

use std::ops::Range;

pub use detect::detect;
pub use syllable::{SyllableIssue, check_syllable, is_valid_syllable};

/// What kind of spam a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpamLabel {
    None,
    Gambling,
    Advertising,
    /// Junk that disguises its spelling (scrambled tones, look-alike letters) without a
    /// clearer label.
    Other,
}

impl SpamLabel {
    /// Stable lower-case code: "none", "gambling", "advertising", "other".
    pub fn code(self) -> &'static str {
        match self {
            SpamLabel::None => "none",
            SpamLabel::Gambling => "gambling",
            SpamLabel::Advertising => "advertising",
            SpamLabel::Other => "other",
        }
    }
}

/// One reason for the verdict, readable by an officer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// Stable code ("gambling_brand", "betting_words", "crime_report", …).
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

/// What a span is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// A gambling brand token ("fb88", "98win").
    Brand,
    /// Betting or lottery vocabulary.
    Betting,
    /// Words glued together ("nhacaiuytin").
    Glued,
    /// Betting vocabulary spelled with scrambled tone marks or look-alike letters.
    Scrambled,
    /// A call to action ("link vào", "nạp đầu", "hotline").
    CallToAction,
    /// Advertising vocabulary.
    Advertising,
    /// A link in a link farm.
    Link,
}

/// A piece of evidence in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamSpan {
    /// Byte range into the text given to [`detect`], on character boundaries.
    pub range: Range<usize>,
    pub kind: SpanKind,
}

/// The detector's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamVerdict {
    pub label: SpamLabel,
    /// 0..1; 0.5 and above is spam.
    pub score: f32,
    /// Spam sits inside otherwise ordinary prose (an injected article), rather than
    /// filling the whole text (a doorway page).
    pub injected: bool,
    pub reasons: Vec<Reason>,
    /// Evidence, in order; empty when the label is `None`.
    pub spans: Vec<SpamSpan>,
}

impl SpamVerdict {
    pub fn is_spam(&self) -> bool {
        self.label != SpamLabel::None
    }
}
