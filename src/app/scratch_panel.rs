//! The scratchpad panel in the running app: its state, the keys while it has the
//! keyboard, its actions (show, copy, paste, search, size), the mouse over it, and
//! where it is drawn. Saving and the agents' requests are in `scratch_sync`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use tokio::sync::mpsc::UnboundedSender;

use super::{App, Mode};
use crate::action::Action;
use crate::clipboard::Copied;
use crate::keymap::{Chord, Mode as KeyMode};
use crate::scratchpad::panel::{Changer, Panel};
use crate::scratchpad::store::{self, Done, FileMeta};
use crate::scratchpad::summarize::SummaryError;
use crate::scratchpad::{self, ARCHIVE_NAME, FILE_NAME, Settings};

/// News for the app from the scratchpad's threads.
#[derive(Debug)]
pub enum ScratchEvent {
    Store(Done),
    Summary {
        marker: String,
        result: Result<String, SummaryError>,
    },
}

pub(super) struct Scratch {
    pub(super) panel: Panel,
    pub(super) settings: Settings,
    pub(super) path: PathBuf,
    pub(super) archive: PathBuf,
    pub(super) tx: Option<UnboundedSender<ScratchEvent>>,
    pub(super) worker: Option<store::Worker>,
    /// The text the file holds, as far as we know: the base of every merge.
    pub(super) saved: String,
    pub(super) saved_meta: Option<FileMeta>,
    /// The save on its way to the disk: its tag and text.
    pub(super) in_flight: Option<(u64, String)>,
    pub(super) next_tag: u64,
    /// First and last unsaved change.
    pub(super) pending: Option<(Instant, Instant)>,
    pub(super) last_disk_check: Option<Instant>,
    /// A look at the file that output asked for while it was too soon after the last.
    pub(super) disk_check_due: Option<Instant>,
    pub(super) summarizing: bool,
    /// What each pane last read through the socket: the base of its next write.
    pub(super) reads: HashMap<String, String>,
    /// The last save error told to the person, so each is told once.
    pub(super) told: Option<String>,
}

impl Scratch {
    pub(super) fn new(settings: Settings, session_dir: &std::path::Path) -> Scratch {
        Scratch {
            panel: Panel::new(),
            settings,
            path: session_dir.join(FILE_NAME),
            archive: session_dir.join(ARCHIVE_NAME),
            tx: None,
            worker: None,
            saved: String::new(),
            saved_meta: None,
            in_flight: None,
            next_tag: 1,
            pending: None,
            last_disk_check: None,
            disk_check_due: None,
            summarizing: false,
            reads: HashMap::new(),
            told: None,
        }
    }

    pub(super) fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The panes' share of `area`, and the panel's.
    pub(super) fn split(&self, area: Rect) -> (Rect, Rect) {
        self.panel.split(area)
    }
}

impl App {
    /// A key while the panel has the keyboard.
    pub(super) fn on_scratch_key(&mut self, key: KeyEvent) {
        if self.scratch.panel.searching() {
            match self.keymap.lookup(KeyMode::Scratchpad, &key) {
                Some(Action::ScratchSearch) => self.scratch.panel.search_start_or_next(),
                _ => self.scratch.panel.search_key(key),
            }
            return;
        }
        if Chord::from_event(&key) == self.keymap.prefix() {
            self.mode = Mode::Prefix;
            return;
        }
        match self.keymap.lookup(KeyMode::Scratchpad, &key) {
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
        if self.scratch.panel.insert(&scratchpad::clean(text)) {
            self.scratch_changed(Changer::Person);
        }
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
        match self.clipboard.copy(&text) {
            Copied::System => self.set_notice(format!("copied {what} to the clipboard")),
            Copied::Osc52(bytes) => {
                self.host_out.extend_from_slice(&bytes);
                self.set_notice(format!("copied {what} (through the terminal, OSC 52)"));
            }
            Copied::Nowhere(why) => self.set_notice(format!("not copied: {why}")),
        }
    }

    fn scratch_paste(&mut self) {
        match self.clipboard.paste() {
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
        self.dirty = true;
        true
    }

    /// A child's OSC 52 copies leave through the clipboard, like the person's.
    pub(super) fn forward_child_clipboard(&mut self, id: crate::pane::PaneId) {
        let requests = std::mem::take(&mut self.panes[id].emulator().requests_mut().clipboard);
        for (selection, payload) in requests {
            match self.clipboard.forward(&selection, &payload) {
                Copied::Osc52(bytes) => {
                    self.host_out.extend_from_slice(&bytes);
                    self.dirty = true;
                }
                Copied::System => {}
                Copied::Nowhere(why) => {
                    tracing::debug!(pane = id, why, "child clipboard not forwarded")
                }
            }
        }
    }

    /// Where the panel is on screen (empty when hidden).
    pub(super) fn scratch_rect(&self) -> Rect {
        self.scratch.split(self.main_area()).1
    }

    pub(super) fn draw_scratch(&self, buf: &mut Buffer) {
        let rect = self.scratch_rect();
        let hint = match self.keymap.chord_for(KeyMode::Scratchpad, Action::Cancel) {
            Some(chord) => format!("{chord}: back to the panes"),
            None => String::new(),
        };
        self.scratch
            .panel
            .render(buf, rect, self.scratch.settings.cap, &self.theme, &hint);
    }
}
