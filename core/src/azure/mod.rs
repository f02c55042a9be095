//! Facts about Azure itself, at the bottom of the crate: what Azure offers and enforces,
//! independent of any design. Model, rules, trace, export and draw all read them from here,
//! and this module imports nothing else of the crate.

pub mod names;
pub mod offered;
