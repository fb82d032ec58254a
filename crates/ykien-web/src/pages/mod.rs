//! Server-rendered pages.

pub mod login;
pub mod units;
