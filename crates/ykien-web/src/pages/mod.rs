//! Server-rendered pages.

pub mod feedback;
pub mod login;
mod public_form;
pub mod report;
pub mod units;
// --- intake ---
pub mod imports;
pub mod pwa;
// --- alerts ---
pub mod alerts;
// --- officers' workspace (one module per area) ---
pub mod admin;
pub mod cases;
pub mod dashboard;
pub mod items;
// --- reports and reporting cycles (issue 7) ---
pub mod cycles;
pub mod reports;
