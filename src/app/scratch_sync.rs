//! The app's side of [`Scratchpad`]: it hands the scratchpad time, its threads' news and
//! the agents' requests, and passes on what it has to tell the person.

use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::App;
use crate::control::protocol::Response;
use crate::scratchpad::sync::ScratchEvent;

impl App {
    /// Loads the session's scratchpad (when resuming there is one) and starts the saver.
    pub(super) fn open_scratchpad(&mut self, tx: UnboundedSender<ScratchEvent>) {
        self.scratch.open(tx, &self.prefs.theme);
    }

    /// Saves what is pending, now and on this thread.
    pub(super) fn close_scratchpad(&mut self) {
        self.scratch.close();
    }

    /// Notices the scratchpad has for the person, and whether it must be drawn again.
    pub(super) fn scratch_news(&mut self) {
        for notice in self.scratch.take_notices() {
            self.set_notice(notice);
        }
        if self.scratch.take_redraw() {
            self.frames.dirty = true;
        }
    }

    pub(super) fn scratch_due(&self) -> Option<Instant> {
        self.scratch.due()
    }

    pub(super) fn scratch_tick(&mut self, now: Instant) {
        self.scratch.tick(now);
        self.scratch_news();
    }

    pub(super) fn on_scratch_event(&mut self, event: ScratchEvent) {
        self.scratch.on_event(event);
        self.scratch_news();
    }

    /// Pane output may be an agent editing the file directly.
    pub(super) fn scratch_watch(&mut self, now: Instant, force: bool) {
        self.scratch.watch(now, force);
        self.scratch_news();
    }

    pub(super) fn scratch_read(&mut self, pane: &str) -> Response {
        let response = self.scratch.read(pane);
        self.scratch_news();
        response
    }

    pub(super) fn scratch_append(&mut self, pane: &str, text: &str) -> Response {
        let response = self.scratch.append(pane, text);
        self.scratch_news();
        response
    }

    /// Only the baton holder may rewrite the text.
    pub(super) fn scratch_write(&mut self, pane: &str, text: &str) -> Response {
        let holder = self.baton.holder_name().map(str::to_string);
        let response = self.scratch.write(pane, text, holder.as_deref());
        self.scratch_news();
        response
    }
}
