//! Turning host input into actions or bytes for the baton holder. Keys, pastes and mouse
//! input reach a child only while it holds the baton; focus, scrolling and app chords
//! work on every pane.

use std::time::Instant;

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::App;
use super::chrome::Mode;
use super::overlay::{Outcome, Overlay};
use crate::input::action::{Action, Group};
use crate::input::keymap::{Chord, Mode as KeyMode};
use crate::pane::PaneId;
use crate::pane::keys::{self, InputModes};
use crate::rally::baton::{Event as BatonEvent, PassedBy};
use crate::ui::layout;

/// Lines the mouse wheel scrolls a pane's history.
const WHEEL_LINES: usize = 3;

impl App {
    pub(super) fn on_terminal_event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Key(_) => {}
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Resize(cols, rows) => self.resize_to(cols, rows),
            Event::FocusGained | Event::FocusLost => {
                self.host.focused = matches!(event, Event::FocusGained);
                self.sync_focus();
            }
        }
    }

    /// A key goes to the top overlay, else after the prefix to the keymap, else to copy
    /// mode, the scratchpad or the holder's child, whichever has it.
    fn on_key(&mut self, key: KeyEvent) {
        self.frames.dirty = true;
        if let Some(overlay) = self.chrome.overlays.last_mut() {
            let outcome = overlay.on_key(key, &self.prefs.keymap);
            if outcome != Outcome::Stay {
                self.chrome.overlays.pop();
            }
            self.overlay_outcome(outcome);
            return;
        }
        match self.chrome.mode {
            Mode::Prefix => {
                self.chrome.mode = Mode::Normal;
                match self.prefs.keymap.lookup(KeyMode::Prefix, &key) {
                    Some(action) => self.perform(action),
                    None => self.set_notice(format!(
                        "{} is not bound after the prefix",
                        Chord::from_event(&key)
                    )),
                }
            }
            Mode::Copy(_) => self.on_copy_key(key),
            Mode::Normal if self.focus.is_scratchpad() => self.on_scratch_key(key),
            Mode::Normal => self.on_normal_key(key),
        }
    }

    /// Carries out what an overlay answered.
    fn overlay_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Stay | Outcome::Close => {}
            Outcome::Say(text) => self.set_notice(text),
            Outcome::Perform(action) => self.perform(action),
            Outcome::Quit => self.quitting = true,
            Outcome::SendNote { to, note } => {
                if !self.person_sends(to, &note) {
                    self.pass_by_key(Some(to), note);
                }
            }
            Outcome::DiscardNote => {
                if !self.person_cancelled() {
                    self.set_notice("note discarded");
                }
            }
        }
    }

    fn on_normal_key(&mut self, key: KeyEvent) {
        if Chord::from_event(&key) == self.prefs.keymap.prefix() {
            self.chrome.mode = Mode::Prefix;
            return;
        }
        if let Some(action) = self.prefs.keymap.lookup(KeyMode::Normal, &key) {
            self.perform(action);
            return;
        }
        if let Some(pane) = self.input_target() {
            let bytes = keys::encode_key(&key, self.input_modes(pane));
            self.send_to_child(pane, bytes.unwrap_or_default());
        }
    }

    fn on_paste(&mut self, text: &str) {
        self.frames.dirty = true;
        if let Some(overlay) = self.chrome.overlays.last_mut() {
            overlay.on_paste(text);
            return;
        }
        if self.focus.is_scratchpad() {
            self.scratch_insert(text);
            return;
        }
        // A paste is input: it ends copy mode, as typing would.
        self.leave_copy_mode();
        if let Some(pane) = self.input_target() {
            let bytes = keys::encode_paste(text, self.input_modes(pane));
            self.send_to_child(pane, bytes);
        }
    }

    fn on_mouse(&mut self, mouse: MouseEvent) {
        if self.scratch_mouse(mouse) || self.on_divider_mouse(mouse) {
            return;
        }
        let at = Position::new(mouse.column, mouse.row);
        let Some((id, rect)) = self
            .pane_rects()
            .into_iter()
            .enumerate()
            .map(|(index, rect)| (PaneId::new(index), rect))
            .find(|(_, r)| r.contains(at))
        else {
            return;
        };
        if let MouseEventKind::Down(MouseButton::Left) = mouse.kind
            && id != self.focus.pane()
        {
            self.leave_copy_mode();
            self.focus_pane(id);
            self.seen(id);
            self.frames.dirty = true;
            return;
        }
        let inner = layout::inner(rect);
        let (mode, encoding) = {
            let emulator = self.pane(id).emulator();
            (emulator.mouse_mode(), emulator.mouse_encoding())
        };
        let child_wants_mouse = mode != keys::MouseMode::None
            && !mouse
                .modifiers
                .contains(crossterm::event::KeyModifiers::SHIFT);
        if child_wants_mouse && inner.contains(at) && self.baton.holder() == Some(id) {
            let (col, row) = (at.x - inner.x, at.y - inner.y);
            if let Some(bytes) = keys::encode_mouse(&mouse, col, row, mode, encoding) {
                self.send_to_child(id, bytes);
            }
            return;
        }
        if self.on_selection_mouse(id, inner, mouse) {
            return;
        }
        let lines = match mouse.kind {
            MouseEventKind::ScrollUp => WHEEL_LINES as isize,
            MouseEventKind::ScrollDown => -(WHEEL_LINES as isize),
            _ => return,
        };
        self.scroll(id, lines);
    }

    /// Moves a pane's view into its history (positive = back in time).
    fn scroll(&mut self, id: PaneId, lines: isize) {
        let mut emulator = self.slots[id.index()].pane.emulator();
        let target = emulator.view_offset().saturating_add_signed(lines);
        emulator.set_view_offset(target);
        self.frames.dirty = true;
    }

    /// The pane typing goes to: the focused pane, if it holds the baton. Otherwise
    /// explains who does and how to take it.
    fn input_target(&mut self) -> Option<PaneId> {
        let focus = self.focus.pane();
        if self.baton.holder() == Some(focus) {
            return self.pane(focus).status().is_running().then_some(focus);
        }
        let take = self
            .prefs
            .prefix_keys(Action::TakeBaton)
            .map(|keys| format!("; {keys} takes it"))
            .unwrap_or_default();
        let notice = match self.baton.holder_name() {
            Some(holder) => format!(
                "{} is view-only: {holder} holds the baton{take}",
                self.pane(focus).name
            ),
            None if self.baton.is_ended() => format!(
                "{} is view-only: the rally has ended",
                self.pane(focus).name
            ),
            None => format!(
                "{} is view-only: the baton is parked{take}",
                self.pane(focus).name
            ),
        };
        self.set_notice(notice);
        None
    }

    fn input_modes(&self, pane: PaneId) -> InputModes {
        InputModes::from_emulator(&self.pane(pane).emulator())
    }

    /// Any input to a pane brings its view back to the live bottom, as in tmux.
    fn send_to_child(&mut self, pane: PaneId, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        {
            let mut emulator = self.slots[pane.index()].pane.emulator();
            if emulator.view_offset() > 0 {
                emulator.set_view_offset(0);
                self.frames.dirty = true;
            }
        }
        if self.recording.config.input
            && let Some(recorder) = self.recording.screen.current()
        {
            recorder.input(&bytes);
        }
        self.seen(pane);
        self.typed(pane, &bytes);
        self.pane(pane).write(bytes);
        let now = Instant::now();
        crate::pane::typing::typed_into(pane, now);
        self.frames.last_keystroke = Some((pane, now));
    }

    /// The host terminal changed size: record it, then give every pane its new area.
    /// Called from the resize event and from the renderer, whichever learns first, so
    /// no frame of the new size ever precedes its `r` event in a recording.
    pub(super) fn resize_to(&mut self, cols: u16, rows: u16) {
        if (cols, rows) == (self.host.size.width, self.host.size.height) {
            return;
        }
        self.host.size = Rect::new(0, 0, cols, rows);
        if let Some(recorder) = self.recording.screen.current() {
            recorder.resize(cols, rows);
        }
        self.apply_layout();
    }

    /// Carries out an action: each group goes to the part of the app that owns it.
    pub(super) fn perform(&mut self, action: Action) {
        self.frames.dirty = true;
        match action.group() {
            Group::Scratchpad => self.scratch_action(action),
            Group::Copy => self.copy_mode_action(action),
            Group::Panes => self.pane_action(action),
            Group::Baton => self.baton_action(action),
            // The note editor and the quit question read these keys themselves.
            Group::Note => {}
            Group::App => self.app_action(action),
        }
    }

    fn pane_action(&mut self, action: Action) {
        match action {
            Action::FocusPane(n) => {
                let id = PaneId::from_number(usize::from(n));
                if id.index() < self.slots.len() {
                    self.focus_pane(id);
                    self.seen(id);
                    if self.tiling.zoomed {
                        self.apply_layout();
                    }
                } else {
                    self.set_notice(format!("there is no pane {n}"));
                }
            }
            Action::FocusNext => {
                let next = PaneId::new((self.focus.pane().index() + 1) % self.slots.len().max(1));
                self.focus_pane(next);
                self.seen(next);
                if self.tiling.zoomed {
                    self.apply_layout();
                }
            }
            Action::ToggleZoom => {
                self.tiling.zoomed = !self.tiling.zoomed;
                self.apply_layout();
            }
            Action::CycleLayout => {
                self.tiling.kind = self.tiling.kind.next();
                self.tiling.splits = crate::ui::layout::Splits::default();
                self.tiling.zoomed = false;
                self.apply_layout();
                self.set_notice(format!("layout: {}", self.tiling.kind.name()));
            }
            Action::ResizeLeft | Action::ResizeRight | Action::ResizeUp | Action::ResizeDown => {
                self.resize_split(action);
            }
            Action::CopyMode => self.enter_copy_mode(),
            other => unreachable!("{other:?} is not a pane action"),
        }
    }

    fn baton_action(&mut self, action: Action) {
        match action {
            Action::PassNext => self.pass_by_key(None, String::new()),
            Action::PassTo(n) => {
                self.pass_by_key(Some(PaneId::from_number(usize::from(n))), String::new());
            }
            Action::PassToPrompt => self.chrome.overlays.push(Overlay::PassTo),
            Action::PassWithNote => self.open_note_editor(),
            Action::TakeBaton => {
                let pane = self.focus.pane();
                self.focus_pane(pane);
                let event = BatonEvent::Take {
                    pane,
                    by: PassedBy::Key,
                };
                let _ = self.apply_baton(event);
            }
            Action::TogglePause => {
                let event = if self.baton.is_paused() {
                    // Resuming during the person's turn gives the baton back without
                    // their note: that turn is over.
                    self.seat.turn = None;
                    BatonEvent::Resume
                } else {
                    BatonEvent::Pause
                };
                let _ = self.apply_baton(event);
            }
            other => unreachable!("{other:?} is not a baton action"),
        }
    }

    fn app_action(&mut self, action: Action) {
        match action {
            Action::Quit => {
                if self.slots.iter().any(|s| s.pane.status().is_running()) {
                    self.chrome.overlays.push(Overlay::ConfirmQuit);
                } else {
                    self.quitting = true;
                }
            }
            Action::SendPrefix => {
                if let Some(pane) = self.input_target() {
                    let prefix = self.prefs.keymap.prefix();
                    let key = KeyEvent::new(prefix.code, prefix.modifiers);
                    let bytes = keys::encode_key(&key, self.input_modes(pane)).unwrap_or_default();
                    self.send_to_child(pane, bytes);
                }
            }
            Action::Help => self.chrome.overlays.push(Overlay::Help),
            Action::ToggleRecording => self.toggle_recording(),
            // Outside the modes that read them, these mean nothing.
            Action::Cancel | Action::Confirm => {}
            other => unreachable!("{other:?} is not an app action"),
        }
    }
}
