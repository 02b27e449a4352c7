//! Owns the panes, the baton and the screen; runs the one `select!` loop. Input becomes
//! an `Action` or bytes for the holder's child; pane output marks the screen dirty; a
//! dirty screen is drawn at most once per frame, and an idle app never wakes.

mod activity;
mod baton;
mod chrome;
mod copy_mode;
mod delivery;
mod draw;
mod end;
mod event_loop;
mod focus;
mod focus_reports;
mod frame;
mod input;
mod link;
mod overlay;
mod pacing;
mod person;
mod prefs;
mod recording;
mod resize;
mod review;
mod scratch_panel;
mod scratch_sync;
mod session;
mod signals;
mod slots;
mod start;
mod status;
#[cfg(test)]
mod tests;
mod wake_timer;

use chrome::Chrome;
use event_loop::Input;
pub use event_loop::run;
use focus::Focus;
use prefs::Prefs;

pub use crate::scratchpad::sync::ScratchEvent;
pub use activity::NotifyConfig;
pub use person::Person;
pub use recording::RecordConfig;
pub use review::{DIFF_PANE_COMMAND, ReviewConfig};

use std::time::{Duration, Instant};

use ratatui::layout::Rect;

use crate::input::keymap::Keymap;
use crate::pane::{Pane, PaneId, PaneSignal, PaneSpec};
use crate::rally::baton::{Baton, Routing};
use crate::rally::end::Rules;
use crate::ui::layout::{self, LayoutKind};
use crate::ui::theme::Theme;

/// Everything the app needs to start a rally.
pub struct AppConfig {
    pub panes: Vec<PaneSpec>,
    pub layout: Option<LayoutKind>,
    pub scrollback: usize,
    pub keymap: Keymap,
    pub theme: Theme,
    pub routing: Routing,
    /// Where a pass that names no target goes, by pane.
    pub next: Vec<(PaneId, PaneId)>,
    pub first: PaneId,
    /// The person's seat in the rotation, when a role is the person.
    pub person: Option<Person>,
    /// Budget and exit conditions.
    pub rules: Rules,
    pub note_template: String,
    /// The preset's task: handed to the first holder once it is ready (the opening
    /// serve), and offered to the note template as `{task}`.
    pub task: Option<String>,
    pub record: RecordConfig,
    /// A name for this rally in recordings (the preset, or "panes").
    pub title: String,
    /// Silence after which a pane counts as idle.
    pub idle_after: Duration,
    pub notify: NotifyConfig,
    pub session: SessionStart,
    pub scratchpad: crate::scratchpad::Settings,
    pub clipboard: crate::config::ClipboardMode,
    /// A pair review: notes carry each turn's diff.
    pub review: Option<ReviewConfig>,
    /// What a note tells an agent to run to pass the baton, `{pass_command}`: this
    /// binary by its absolute path, so that any shell's PATH finds it.
    pub pass_command: String,
}

/// The session a rally starts: a new one, or one being resumed from its record.
pub struct SessionStart {
    pub resuming: bool,
    /// For a new session, its static part (panes, rules); resuming, all of it.
    pub record: crate::session::resume::SessionRecord,
}

pub struct App {
    /// Each pane and what is known of it, in pane order.
    slots: Vec<slots::PaneSlot>,
    focus: Focus,
    baton: Baton,
    /// The keyboard's mode, the overlays and the notice: the app's layer over the panes.
    chrome: Chrome,
    /// The person's keys and colours.
    prefs: Prefs,
    /// The session's directory, handoff log and record.
    session: session::SessionFiles,
    quitting: bool,
    scratch: crate::scratchpad::sync::Scratchpad,
    /// Whether a frame is wanted, and what the last ones left behind, so the next one
    /// paints only what changed.
    frames: draw::Frames,
    /// What is being recorded, and how.
    recording: recording::Recording,
    /// The notes that go to agents and the socket they answer on.
    link: link::AgentLink,
    /// How the panes share the screen.
    tiling: resize::Tiling,
    /// When the rally ends, and how it is watched.
    end: end::EndWatch,
    /// The person's seat in the rotation.
    seat: person::PersonSeat,
    /// What the app knows of and owes the host terminal outside frames.
    host: activity::HostState,
}

/// What decides whether a frame can keep the last one's picture: where the panes are,
/// and whether something covers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Layers {
    rects: Vec<Rect>,
    covered: bool,
    size: Rect,
}

impl App {
    /// One input, routed to whoever it is for.
    fn handle(&mut self, input: Input) {
        match input {
            Input::Terminal(event) => self.on_terminal_event(event),
            Input::Pane(signal) => self.on_pane_signal(signal),
            Input::Control(request) => self.on_control(request),
            Input::CheckDone(done) => self.on_check_done(done),
            Input::DiffDone(done) => self.on_diff_done(done),
            Input::Scratch(event) => self.on_scratch_event(event),
            Input::SessionSaveFailed(error) => self.on_session_save_failed(&error),
            Input::Timer => self.on_timer(),
            Input::Readable(ready) => self.read_panes(&ready),
        }
    }

    /// The watch reported output on these panes' PTYs: the UI thread reads it, and looks
    /// at what it read (a read on this thread raises the panes' flags without a signal,
    /// which would only wake the loop again).
    fn read_panes(&mut self, ready: &[PaneId]) {
        self.hear(ready);
        self.collect_output();
    }

    /// Reads the output the watch reported on these panes' PTYs, without looking at it.
    fn hear(&self, ready: &[PaneId]) {
        for id in ready {
            if let Some(slot) = self.slots.get(id.index()) {
                slot.pane.heard();
            }
        }
    }

    /// What follows any input once the queue is empty: the panes' activity states and
    /// the session's record.
    pub(super) fn settle(&mut self, now: Instant) {
        self.update_activity(now);
        self.persist_session(false);
    }

    /// The pane `id`, one of the rally's.
    fn pane(&self, id: PaneId) -> &Pane {
        &self.slots[id.index()].pane
    }

    /// Everything but the status line, and the banner once the rally has ended.
    fn main_area(&self) -> Rect {
        let banner = u16::from(self.end.reason.is_some());
        Rect {
            y: self.host.size.y + banner,
            height: self.host.size.height.saturating_sub(1 + banner),
            ..self.host.size
        }
    }

    /// What the panes tile: the main area less the scratchpad panel's share.
    fn pane_area(&self) -> Rect {
        self.scratch.split(self.main_area()).0
    }

    /// The rectangles panes occupy, in pane order; a zoomed-away pane gets an empty one.
    fn pane_rects(&self) -> Vec<Rect> {
        self.tile(self.slots.len())
    }

    /// The rectangles `count` panes would occupy: [`Self::pane_rects`], and before the
    /// panes are spawned, where their sizes come from.
    fn tile(&self, count: usize) -> Vec<Rect> {
        let area = self.pane_area();
        if self.tiling.zoomed {
            return (0..count)
                .map(PaneId::new)
                .map(|id| {
                    if id == self.focus.pane() {
                        area
                    } else {
                        Rect::default()
                    }
                })
                .collect();
        }
        layout::tile_split(area, count, self.tiling.kind, &self.tiling.splits)
    }

    /// Gives every PTY the size of its pane's inner area.
    fn apply_layout(&mut self) {
        let rects = self.pane_rects();
        for (slot, rect) in self.slots.iter_mut().zip(rects) {
            let inner = layout::inner(rect);
            // A hidden (zoomed-away) pane keeps its size rather than shrinking to nothing.
            if inner.area() > 0 {
                slot.pane.resize(inner.height, inner.width);
            }
        }
        self.frames.dirty = true;
    }

    fn on_pane_signal(&mut self, signal: PaneSignal) {
        match signal {
            // Whichever pane signalled, every pane with new output is looked at.
            PaneSignal::Output(_) => self.collect_output(),
            PaneSignal::Exited(id, state) => {
                tracing::info!(pane = id.index(), state = %state.label(), "child exited");
                if let Some(slot) = self.slots.get_mut(id.index()) {
                    slot.pane.set_status(state);
                }
                self.slots[id.index()].activity.exited();
                self.on_pane_exited(id);
                self.frames.dirty = true;
            }
        }
    }

    fn on_timer(&mut self) {
        let now = Instant::now();
        self.chrome.expire_notice(now);
        self.check_clock(now);
        self.scratch_tick(now);
        self.delivery_tick(now);
        // Background panes may have had output while hushed (see `background_look`).
        for slot in &self.slots {
            slot.pane.read_waiting();
        }
        self.collect_output();
        self.frames.dirty = true;
    }

    fn set_notice(&mut self, text: impl Into<String>) {
        self.chrome.say(text.into(), Instant::now());
        self.frames.dirty = true;
    }
}
