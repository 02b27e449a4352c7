//! Telling each child the truth about focus, as tmux does with `focus-events on`: a pane
//! is focused while it has the keyboard ([`super::focus`]) and the host terminal has the
//! focus. Only a
//! child that asked for focus reports (DEC mode 1004) gets them, and only when what it
//! was last told is wrong. A program that switches reporting on takes itself as focused
//! until told otherwise (codex does), so an unfocused pane tells it at once; codex, for
//! one, sends its notifications only while unfocused unless told to always.

use super::App;
use super::focus::Focus;
use crate::pane::PaneId;

impl App {
    /// Brings every pane's child up to date (the keyboard or the host's focus moved).
    pub(super) fn sync_focus(&mut self) {
        for id in (0..self.slots.len()).map(PaneId::new) {
            self.sync_focus_of(id);
        }
    }

    /// Tells `id`'s child whether it is focused, if it asks and believes otherwise.
    /// Asked at each of its outputs too, so one that just switched reporting on hears.
    pub(super) fn sync_focus_of(&mut self, id: PaneId) {
        let focused = self.host.focused && self.focus == Focus::Pane(id);
        let Some(slot) = self.slots.get_mut(id.index()) else {
            return;
        };
        let pane = &slot.pane;
        // A reader busy with a flood holds the emulator: the next output asks again.
        let Some(reporting) = pane.try_emulator().map(|e| e.focus_events()) else {
            return;
        };
        let told = &mut slot.focus_told;
        if !reporting {
            // The next program to ask starts out believing it is focused.
            *told = true;
            return;
        }
        if *told != focused {
            *told = focused;
            pane.write(if focused { b"\x1b[I" } else { b"\x1b[O" }.to_vec());
        }
    }
}
