//! ykien domain (placeholder; filled by the foundation work).
