pub mod auth;
pub mod items;
pub mod ops;
pub mod pages;
pub mod scope;
