//! ykien's reporting: public-opinion reports drafted from the data ([`draft`]) in the
//! sections of the Front's practice, flash reports on one case, and the reporting cycles
//! of the collaborators' network ([`cycles`]).
//!
//! The documents themselves are `ykien_docs::Document`s; rendering them is ykien-docs'
//! job, so this crate never builds typst.

pub mod cycles;
pub mod draft;
mod error;
pub mod period;

pub use error::ReportError;
pub use period::Period;
// drafting's public API (drafting helper)
pub use draft::{DraftRequest, Lang, draft, draft_flash, finalize};
