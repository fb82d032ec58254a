//! Invariants checked by the fuzz targets. They live in a library so that the regression
//! tests in `crates/ykien-text/tests/fuzz_regressions.rs` replay a crashing input through
//! exactly the same checks (that file includes `checks.rs` by path).

pub mod checks;
pub mod checks_new;
