//! Vietnamese text in, facts out.
//!
//! Everything ykien hears passes through this crate. It is pure on purpose — no I/O, no
//! async, no database; dictionaries and models are embedded as bytes — so that it can be
//! benchmarked alone, fuzzed, and reused outside ykien.

pub mod analysis;
pub mod classify;
pub mod fold;
pub mod keywords;
pub mod lang;
pub mod minhash;
pub mod normalize;
pub mod pii;
pub mod places;
pub mod segment;
pub mod sentence;
pub mod sentiment;
pub mod spam;
pub mod teencode;
pub mod token;
pub mod topics;
