//! Vietnamese text in, facts out.
//!
//! Everything ykien hears passes through this crate. It is pure on purpose — no I/O, no
//! async, no database; dictionaries and models are embedded as bytes — so that it can be
//! benchmarked alone, fuzzed, and reused outside ykien.

pub mod fold;
pub mod places;
pub mod normalize;
pub mod token;
pub mod sentence;
pub mod segment;
pub mod pii;
pub mod teencode;
pub mod minhash;
pub mod lang;
pub mod classify;
pub mod keywords;
pub mod spam;
pub mod topics;
pub mod sentiment;
pub mod analysis;
