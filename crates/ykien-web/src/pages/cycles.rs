//! Reporting cycles (cycles helper).
