//! Placeholder for the text-analysis commands (`segment`, `normalize`, `fold`, `analyze`),
//! which will call ykien-text directly; they need no database.
