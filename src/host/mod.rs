//! The person's terminal: entering and leaving full-screen mode ([`terminal`]), where
//! frames go ([`backend`]) and at what size ([`size`]), its input ([`input`]), the
//! colours it shows ([`colours`], [`palette`]) and its clipboard ([`clipboard`]).

pub mod backend;
pub mod clipboard;
pub mod colours;
pub mod input;
pub mod palette;
pub mod size;
pub mod terminal;
