//! ykien's domain: who acts ([`Actor`]), with which [`Role`], over which part of the unit
//! tree ([`Scope`]), and what a role may do there ([`can`]). No I/O, no HTTP, no SQL: the store
//! enforces these rules on every unit-bound read and write, and the web layer only renders
//! their outcome.

mod access;
pub mod calendar;
mod error;
mod ids;
mod role;

pub use access::{Actor, Permission, Scope, can};
pub use error::CoreError;
pub use ids::{UnitId, UserId, path_of};
pub use role::Role;
