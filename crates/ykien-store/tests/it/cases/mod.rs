//! The cases, each a function of a fresh [`TestDb`](crate::harness::TestDb).

mod accounts;
mod audit;
mod items;
mod lifecycle;
mod scope;
mod units;

pub use accounts::*;
pub use audit::*;
pub use items::*;
pub use lifecycle::*;
pub use scope::*;
pub use units::*;
