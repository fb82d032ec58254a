//! Reports (reports-web helper).
