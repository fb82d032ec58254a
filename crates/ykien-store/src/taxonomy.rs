//! The topic taxonomy an organization edits (names, seed terms), versioned like models.
