//! Server-rendered pages.

pub mod feedback;
pub mod login;
pub mod report;
pub mod units;
