//! Where the keyboard is: one value, set in one place ([`App::set_focus`]).

use super::App;
use crate::pane::PaneId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Focus {
    /// A pane: its border is highlighted, its child gets the keys if it holds the baton.
    Pane(PaneId),
    /// The scratchpad panel; `pane` stays the current one, which pane commands (zoom,
    /// copy mode, take) act on and the keyboard goes back to.
    Scratchpad { pane: PaneId },
}

impl Focus {
    /// The current pane, whether or not it has the keyboard.
    pub(super) fn pane(self) -> PaneId {
        match self {
            Focus::Pane(pane) | Focus::Scratchpad { pane } => pane,
        }
    }

    pub(super) fn is_scratchpad(self) -> bool {
        matches!(self, Focus::Scratchpad { .. })
    }
}

impl App {
    /// Moves the keyboard; the panel's look (cursor, border) follows.
    pub(super) fn set_focus(&mut self, focus: Focus) {
        let focus = match focus {
            Focus::Scratchpad { pane } if !self.scratch.panel.visible => Focus::Pane(pane),
            focus => focus,
        };
        if focus.is_scratchpad() != self.focus.is_scratchpad() {
            self.scratch.panel.set_focus(focus.is_scratchpad());
        }
        self.focus = focus;
        self.frames.dirty = true;
        self.sync_focus();
    }

    /// The keyboard to pane `id`, which becomes the current one.
    pub(super) fn focus_pane(&mut self, id: PaneId) {
        self.set_focus(Focus::Pane(id));
    }

    /// The keyboard to the scratchpad (`true`) or back to the current pane.
    pub(super) fn focus_scratchpad(&mut self, on: bool) {
        let pane = self.focus.pane();
        self.set_focus(if on {
            Focus::Scratchpad { pane }
        } else {
            Focus::Pane(pane)
        });
    }
}
