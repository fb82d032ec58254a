pub mod auth;
pub mod feedback;
pub mod items;
pub mod ops;
pub mod pages;
pub mod report;
pub mod scope;
