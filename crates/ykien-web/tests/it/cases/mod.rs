pub mod auth;
pub mod ops;
pub mod pages;
pub mod scope;
