//! The rally's rules, pure: who holds the baton and how it passes ([`baton`]), when the
//! rally ends ([`end`]), the handoff note ([`note`]) and how it is delivered
//! ([`delivery`]), and the author's diff a pair review carries ([`review`]).

pub mod baton;
pub mod delivery;
pub mod end;
pub mod note;
pub mod review;
