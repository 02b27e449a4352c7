//! What the person's keys mean: the actions ([`action`]) and the keymaps that bind
//! chords to them ([`keymap`]).

pub mod action;
pub mod keymap;
