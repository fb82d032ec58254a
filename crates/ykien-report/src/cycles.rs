//! Reporting cycles (cycles helper: implement).
