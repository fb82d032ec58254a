pub mod auth;
// Cases (vụ việc), the records, among the test cases.
#[allow(clippy::module_inception)]
pub mod cases;
pub mod feedback;
pub mod items;
pub mod labels;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod report;
pub mod scope;
// --- intake ---
pub mod intake;
// --- alerts ---
pub mod alerts;
// --- officers' workspace: one file per area ---
pub mod admin_pages;
pub mod cases_pages;
pub mod dashboard;
pub mod items_pages;
// --- reports (issue 7) ---
pub mod reports_pages;
// --- end reports ---
pub mod taxonomy_pages;
// --- reporting cycles (issue 7) ---
pub mod cycles_pages;
