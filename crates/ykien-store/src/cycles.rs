//! Reporting cycles (store helper: write the contract here first, then implement).
