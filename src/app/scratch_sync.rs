//! Keeping the scratchpad's text and its file in step: debounced saves on the store's
//! worker thread, compaction (with the optional summary), edits agents make to the file
//! directly, and the agents' `scratch read|append|write` requests.
//!
//! The text lives in the panel's editor. `saved` is what the file holds as far as we
//! know: the base every merge starts from. A change marks the text pending; it is saved
//! at most [`SAVE_MAX_DELAY`] after the first pending change and [`SAVE_QUIET`] after the
//! last, so saving never waits more than 500 ms behind the text.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::App;
use super::scratch_panel::ScratchEvent;
use crate::control::protocol::{ErrorCode, Response};
use crate::scratchpad::panel::Changer;
use crate::scratchpad::store::{self, Done, FileMeta, Job};
use crate::scratchpad::{self, compact, merge, summarize};

/// A save waits for this much quiet after the last change...
const SAVE_QUIET: Duration = Duration::from_millis(200);
/// ...but never longer than this after the first unsaved one.
const SAVE_MAX_DELAY: Duration = Duration::from_millis(500);
/// How often pane output may make us look for edits agents made to the file directly.
const DISK_CHECK_EVERY: Duration = Duration::from_millis(500);

impl App {
    /// Loads the session's scratchpad (when resuming there is one) and starts the saver.
    pub(super) fn open_scratchpad(&mut self, tx: UnboundedSender<ScratchEvent>) {
        store::remove_stale_temps(&self.session.dir.join(crate::resume::FILE_NAME));
        let scratch = &mut self.scratch;
        store::remove_stale_temps(&scratch.path);
        if let Ok(raw) = std::fs::read_to_string(&scratch.path) {
            let text = scratchpad::clean(&raw);
            scratch.saved_meta = FileMeta::of(&scratch.path);
            scratch.panel.load(&text);
            scratch.saved = text;
        }
        scratch.panel.style(&self.theme);
        let report = tx.clone();
        scratch.worker = Some(store::Worker::start(move |done| {
            let _ = report.send(ScratchEvent::Store(done));
        }));
        scratch.tx = Some(tx);
    }

    /// Saves what is pending, now and on this thread; the worker finishes first.
    pub(super) fn close_scratchpad(&mut self) {
        if let Some(mut worker) = self.scratch.worker.take() {
            worker.finish();
        }
        if self.scratch.pending.is_some() || self.scratch.in_flight.is_some() {
            let text = self.scratch.panel.text();
            if let Err(err) = store::write_atomic(&self.scratch.path, text.as_bytes()) {
                tracing::error!(%err, "saving the scratchpad at exit failed");
            }
        }
    }

    /// When the next save or look at the file is due, for [`App::next_wakeup`].
    pub(super) fn scratch_due(&self) -> Option<Instant> {
        // While a save is on its way nothing is due: its answer wakes the loop anyway.
        if self.scratch.in_flight.is_some() {
            return None;
        }
        let check = self.scratch.disk_check_due;
        let save = self
            .scratch
            .pending
            .map(|(first, last)| (last + SAVE_QUIET).min(first + SAVE_MAX_DELAY));
        match (save, check) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Looks at the file and starts the save once they are due.
    pub(super) fn scratch_tick(&mut self, now: Instant) {
        if self.scratch.disk_check_due.is_some_and(|at| at <= now) {
            self.scratch.disk_check_due = None;
            self.scratch_watch(now, true);
        }
        if self.scratch.in_flight.is_none()
            && self.scratch.pending.is_some()
            && self.scratch_due().is_some_and(|at| at <= now)
        {
            self.save_scratch();
        }
    }

    fn save_scratch(&mut self) {
        let scratch = &mut self.scratch;
        let text = scratch.panel.text();
        let tag = scratch.next_tag;
        scratch.next_tag += 1;
        scratch.pending = None;
        scratch.in_flight = Some((tag, text.clone()));
        let job = Job::Replace {
            path: scratch.path.clone(),
            text,
            expect: Some(scratch.saved_meta),
            tag,
        };
        self.submit(job);
    }

    /// Hands a job to the worker, or does it here if the worker is gone.
    fn submit(&mut self, job: Job) {
        let sent = self
            .scratch
            .worker
            .as_ref()
            .is_some_and(|w| w.send(job.clone()));
        if !sent {
            for done in store::run_batch(vec![job]) {
                self.on_scratch_event(ScratchEvent::Store(done));
            }
        }
    }

    pub(super) fn on_scratch_event(&mut self, event: ScratchEvent) {
        match event {
            ScratchEvent::Store(Done::Saved { tag, meta }) => {
                if let Some((_, text)) = self.scratch.in_flight.take_if(|(t, _)| *t == tag) {
                    self.scratch.saved = text;
                    self.scratch.saved_meta = meta;
                    self.scratch.told = None;
                }
            }
            ScratchEvent::Store(Done::Changed { tag }) => {
                if self.scratch.in_flight.take_if(|(t, _)| *t == tag).is_some() {
                    self.merge_from_disk();
                    self.mark_pending(Instant::now());
                }
            }
            ScratchEvent::Store(Done::Failed { tag, error }) => {
                tracing::error!(%error, "scratchpad write failed");
                if tag.is_some()
                    && self
                        .scratch
                        .in_flight
                        .take_if(|(t, _)| Some(*t) == tag)
                        .is_some()
                {
                    // Try again later: the text is still in the editor.
                    self.mark_pending(Instant::now());
                }
                if self.scratch.told.as_deref() != Some(error.as_str()) {
                    self.set_notice(format!("scratchpad not saved: {error}"));
                    self.scratch.told = Some(error);
                }
            }
            ScratchEvent::Summary { marker, result } => {
                self.scratch.summarizing = false;
                let text = self.scratch.panel.text();
                if let Some(new) = summarize::outcome(&text, &marker, &result) {
                    self.scratch.panel.set_text(&new);
                    self.scratch_changed(Changer::Summary);
                } else if let Err(err) = result {
                    tracing::warn!(%err, "summarize command failed");
                    self.set_notice(format!("{err}; the plain compaction line stays"));
                }
            }
        }
        // Changes and notices mark the frame dirty themselves; a hidden panel's save
        // state shows nowhere, and a needless frame would hold back the next one.
        if self.scratch.panel.visible {
            self.dirty = true;
        }
    }

    fn mark_pending(&mut self, now: Instant) {
        let first = self.scratch.pending.map_or(now, |(first, _)| first);
        self.scratch.pending = Some((first, now));
    }

    /// The text changed: note who did it, compact if it is over the cap, save soon.
    pub(super) fn scratch_changed(&mut self, who: Changer) {
        self.scratch.panel.changed_by(who, scratchpad::clock_now());
        self.mark_pending(Instant::now());
        self.compact_scratch();
        self.dirty = true;
    }

    /// Over the cap, the oldest entries go to the archive (appended before the shorter
    /// scratchpad is saved: a crash between the two duplicates text, never loses it).
    fn compact_scratch(&mut self) {
        if self.scratch.panel.len() <= self.scratch.settings.cap {
            return;
        }
        let text = self.scratch.panel.text();
        let Some(c) = compact::compact(&text, self.scratch.settings.cap) else {
            return;
        };
        tracing::info!(
            entries = c.entries,
            bytes = c.archived.len(),
            "scratchpad compacted"
        );
        self.submit(Job::Append {
            path: self.scratch.archive.clone(),
            text: c.archived.clone(),
        });
        self.scratch.panel.set_text(&c.text);
        self.scratch
            .panel
            .changed_by(Changer::Compaction, scratchpad::clock_now());
        self.mark_pending(Instant::now());
        if let (Some(command), false, Some(tx)) = (
            self.scratch.settings.summarize_command.clone(),
            self.scratch.summarizing,
            self.scratch.tx.clone(),
        ) {
            self.scratch.summarizing = true;
            let timeout = self.scratch.settings.summarize_timeout;
            let max = self.scratch.settings.cap / 4;
            let marker = c.marker;
            std::thread::spawn(move || {
                let result = summarize::summarize(&command, &c.archived, timeout, max);
                let _ = tx.send(ScratchEvent::Summary { marker, result });
            });
        }
    }

    /// Picks up an edit an agent made to the file directly (not through the socket):
    /// at most every [`DISK_CHECK_EVERY`] while panes are busy, and before every answer.
    pub(super) fn scratch_watch(&mut self, now: Instant, force: bool) {
        let recent = self
            .scratch
            .last_disk_check
            .is_some_and(|at| now.duration_since(at) < DISK_CHECK_EVERY);
        if (recent && !force) || self.scratch.in_flight.is_some() {
            // Look once more when it is time (or the save has landed): the output that
            // asked may have been the last for a while.
            let at = self
                .scratch
                .last_disk_check
                .map_or(now, |at| at + DISK_CHECK_EVERY);
            self.scratch.disk_check_due = Some(at.max(now + Duration::from_millis(1)));
            return;
        }
        self.scratch.last_disk_check = Some(now);
        self.scratch.disk_check_due = None;
        if FileMeta::of(&self.scratch.path) != self.scratch.saved_meta {
            self.merge_from_disk();
        }
    }

    /// Merges the file's text (theirs) with the editor's (ours) over what we last saved.
    fn merge_from_disk(&mut self) {
        let meta = FileMeta::of(&self.scratch.path);
        let Ok(raw) = std::fs::read_to_string(&self.scratch.path) else {
            // Gone or unreadable: the next save writes it again.
            self.scratch.saved_meta = meta;
            self.mark_pending(Instant::now());
            return;
        };
        let theirs = scratchpad::clean(&raw);
        let ours = self.scratch.panel.text();
        let merged = merge::merge3_text(&self.scratch.saved, &ours, &theirs);
        self.scratch.saved.clone_from(&theirs);
        self.scratch.saved_meta = meta;
        if merged != ours {
            self.scratch.panel.set_text(&merged);
            self.scratch
                .panel
                .changed_by(Changer::Disk, scratchpad::clock_now());
            self.compact_scratch();
        }
        if merged != raw {
            self.mark_pending(Instant::now());
        }
        self.dirty = true;
    }

    /// `scratch read`: the whole text.
    pub(super) fn scratch_read(&mut self, pane: &str) -> Response {
        self.scratch_watch(Instant::now(), true);
        let text = self.scratch.panel.text();
        self.scratch.reads.insert(pane.to_string(), text.clone());
        Response::ok(text)
    }

    /// `scratch append`: one entry tagged with the pane and the time.
    pub(super) fn scratch_append(&mut self, pane: &str, text: &str) -> Response {
        self.scratch_watch(Instant::now(), true);
        let body = scratchpad::clean(text);
        if body.trim().is_empty() {
            return Response::error(ErrorCode::BadRequest, "nothing to append");
        }
        let entry = scratchpad::entry(&scratchpad::clock_now(), pane, &body);
        if entry.len() > self.scratch.settings.cap {
            return Response::error(
                ErrorCode::Refused,
                format!(
                    "the entry is {} bytes, more than the scratchpad's cap of {}",
                    entry.len(),
                    scratchpad::kib(self.scratch.settings.cap)
                ),
            );
        }
        let new = scratchpad::appended(&self.scratch.panel.text(), &entry);
        self.scratch.panel.set_text(&new);
        self.scratch_changed(Changer::Pane {
            name: pane.to_string(),
            appended: true,
        });
        Response::ok(format!(
            "appended {} bytes to the scratchpad ({})",
            entry.len(),
            self.scratch_size()
        ))
    }

    /// `scratch write`: the holder replaces the text; typing the person has not saved
    /// (and appends since this pane last read) are merged in.
    pub(super) fn scratch_write(&mut self, pane: &str, text: &str) -> Response {
        if self.baton.holder_name() != Some(pane) {
            let holder = self.baton.holder_name().unwrap_or("nobody");
            return Response::error(
                ErrorCode::NotHolder,
                format!(
                    "only the baton holder may rewrite the scratchpad ({holder} holds it); appending is open to every pane"
                ),
            );
        }
        self.scratch_watch(Instant::now(), true);
        let theirs = scratchpad::clean(text);
        let base = self
            .scratch
            .reads
            .remove(pane)
            .unwrap_or_else(|| self.scratch.saved.clone());
        let ours = self.scratch.panel.text();
        let merged = merge::merge3_text(&base, &ours, &theirs);
        self.scratch.panel.set_text(&merged);
        self.scratch_changed(Changer::Pane {
            name: pane.to_string(),
            appended: false,
        });
        let kept = if merged == theirs {
            ""
        } else {
            ", merged with changes made since you read it"
        };
        Response::ok(format!(
            "wrote the scratchpad{kept} ({})",
            self.scratch_size()
        ))
    }

    fn scratch_size(&self) -> String {
        format!(
            "{} of {}",
            scratchpad::kib(self.scratch.panel.len()),
            scratchpad::kib(self.scratch.settings.cap)
        )
    }
    /// Queues a job on the scratchpad's writer; `false` when there is none.
    pub(super) fn scratch_worker_send(&self, job: Job) -> bool {
        self.scratch.worker.as_ref().is_some_and(|w| w.send(job))
    }
}
