//! The scratchpad panel in the running app: the keys while it has the keyboard, its
//! actions (show, copy, paste, search, size), the mouse over it, and where it shows.
//! The text and its file belong to [`crate::scratchpad::sync::Scratchpad`].

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::App;
use super::chrome::Mode;
use crate::host::clipboard::Copied;
use crate::input::action::Action;
use crate::input::keymap::{Chord, Mode as KeyMode};
use crate::scratchpad::panel::Changer;
use crate::ui::frame::ScratchView;

impl App {
    /// A key while the panel has the keyboard.
    pub(super) fn on_scratch_key(&mut self, key: KeyEvent) {
        if self.scratch.panel.searching() {
            match self.prefs.keymap.lookup(KeyMode::Scratchpad, &key) {
                Some(Action::ScratchSearch) => self.scratch.panel.search_start_or_next(),
                _ => self.scratch.panel.search_key(key),
            }
            return;
        }
        if Chord::from_event(&key) == self.prefs.keymap.prefix() {
            self.chrome.mode = Mode::Prefix;
            return;
        }
        match self.prefs.keymap.lookup(KeyMode::Scratchpad, &key) {
            Some(Action::Cancel) => self.focus_scratchpad(false),
            Some(action) => self.perform(action),
            None => {
                if self.scratch.panel.input(key) {
                    self.scratch_changed(Changer::Person);
                }
            }
        }
    }

    /// A bracketed paste while the panel has the keyboard.
    pub(super) fn scratch_insert(&mut self, text: &str) {
        self.scratch.insert(text);
        self.scratch_news();
    }

    /// The person changed the text.
    fn scratch_changed(&mut self, who: Changer) {
        self.scratch.changed(who);
        self.scratch_news();
    }

    /// The scratchpad's actions.
    pub(super) fn scratch_action(&mut self, action: Action) {
        let panel = &mut self.scratch.panel;
        match action {
            Action::ToggleScratchpad => {
                if !panel.visible {
                    panel.visible = true;
                    self.focus_scratchpad(true);
                    self.apply_layout();
                } else if self.focus.is_scratchpad() {
                    panel.visible = false;
                    self.focus_scratchpad(false);
                    self.apply_layout();
                } else {
                    self.focus_scratchpad(true);
                }
            }
            Action::ScratchCopy => self.scratch_copy(),
            Action::ScratchPaste => self.scratch_paste(),
            Action::ScratchSearch => {
                if !panel.visible {
                    panel.visible = true;
                    self.apply_layout();
                }
                self.scratch.panel.search_start_or_next();
                self.focus_scratchpad(true);
            }
            Action::ScratchGrow | Action::ScratchShrink => {
                panel.resize(action == Action::ScratchGrow);
                self.apply_layout();
            }
            Action::ScratchMove => {
                panel.toggle_placement();
                self.apply_layout();
            }
            other => unreachable!("{other:?} is not a scratchpad action"),
        }
    }

    fn scratch_copy(&mut self) {
        let text = self.scratch.panel.selection_or_all();
        if text.is_empty() {
            self.set_notice("the scratchpad is empty: nothing to copy");
            return;
        }
        let what = if self.scratch.panel.text().len() == text.len() {
            "the scratchpad"
        } else {
            "the selection"
        };
        match self.host.clipboard.copy(&text) {
            Copied::System => self.set_notice(format!("copied {what} to the clipboard")),
            Copied::Osc52(bytes) => {
                self.host.out.extend_from_slice(&bytes);
                self.set_notice(format!("copied {what} (through the terminal, OSC 52)"));
            }
            Copied::Nowhere(why) => self.set_notice(format!("not copied: {why}")),
        }
    }

    fn scratch_paste(&mut self) {
        match self.host.clipboard.paste() {
            Some(text) if !text.is_empty() => {
                if !self.scratch.panel.visible {
                    self.scratch.panel.visible = true;
                    self.apply_layout();
                }
                self.focus_scratchpad(true);
                self.scratch_insert(&text);
            }
            _ => self.set_notice(
                "no system clipboard to paste from; use your terminal's paste in the scratchpad",
            ),
        }
    }

    /// Clicks and the wheel over the panel; `true` when the mouse event was the panel's.
    /// A click anywhere else takes the keyboard from it.
    pub(super) fn scratch_mouse(&mut self, mouse: MouseEvent) -> bool {
        let rect = self.scratch_rect();
        if !rect.contains(Position::new(mouse.column, mouse.row)) {
            if let MouseEventKind::Down(_) = mouse.kind
                && self.focus.is_scratchpad()
            {
                self.focus_scratchpad(false);
            }
            return false;
        }
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => self.focus_scratchpad(true),
            MouseEventKind::ScrollUp => self.scratch.panel.scroll(-3),
            MouseEventKind::ScrollDown => self.scratch.panel.scroll(3),
            _ => {}
        }
        self.frames.dirty = true;
        true
    }

    /// A child's OSC 52 copies leave through the clipboard, like the person's. Never
    /// waits for the pane's reader: one holding the emulator is parsing, and raises the
    /// pane's output flag again when done, so the copies go at the next look.
    pub(super) fn forward_child_clipboard(&mut self, id: crate::pane::PaneId) {
        let Some(mut emulator) = self.pane(id).try_emulator() else {
            return;
        };
        let requests = std::mem::take(&mut emulator.requests_mut().clipboard);
        drop(emulator);
        for (selection, payload) in requests {
            match self.host.clipboard.forward(&selection, &payload) {
                Copied::Osc52(bytes) => {
                    self.host.out.extend_from_slice(&bytes);
                    self.frames.dirty = true;
                }
                Copied::System => {}
                Copied::Nowhere(why) => {
                    tracing::debug!(pane = id.index(), why, "child clipboard not forwarded");
                }
            }
        }
    }

    /// Where the panel is on screen (empty when hidden).
    pub(super) fn scratch_rect(&self) -> Rect {
        self.scratch.split(self.main_area()).1
    }

    /// The panel as the frame shows it, while it shows.
    pub(super) fn scratch_view(&self) -> Option<ScratchView<'_>> {
        let rect = self.scratch_rect();
        if rect.area() == 0 {
            return None;
        }
        let hint = match self
            .prefs
            .keymap
            .chord_for(KeyMode::Scratchpad, Action::Cancel)
        {
            Some(chord) => format!("{chord}: back to the panes"),
            None => String::new(),
        };
        Some(ScratchView {
            rect,
            panel: &self.scratch.panel,
            cap: self.scratch.settings.cap,
            hint,
        })
    }
}
