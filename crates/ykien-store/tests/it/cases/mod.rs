//! The cases, each a function of a fresh [`TestDb`](crate::harness::TestDb).

mod accounts;
mod audit;
// Cases (vụ việc), the records, among the test cases.
#[allow(clippy::module_inception)]
mod cases;
mod items;
mod labels;
mod lifecycle;
mod scope;
mod units;

pub use accounts::*;
pub use audit::*;
pub use cases::*;
pub use items::*;
pub use labels::*;
pub use lifecycle::*;
pub use scope::*;
pub use units::*;
// --- intake ---
mod intake;
pub use intake::*;
// --- officers' workspace: one file per area ---
mod admin;
mod cases_board;
mod dashboard;
mod item_list;
pub use admin::*;
pub use cases_board::*;
pub use dashboard::*;
pub use item_list::*;
mod taxonomy;
pub use taxonomy::*;
// --- reports and reporting cycles (issue 7) ---
mod cycles;
mod reports;
pub use cycles::*;
pub use reports::*;
