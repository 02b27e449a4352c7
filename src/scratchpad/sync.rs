//! The scratchpad as one owner: the panel's text and the file kept in step with it.
//! Debounced saves on a [`durable::Worker`] thread, compaction (with the optional summary),
//! edits agents make to the file directly, and the agents' `scratch read|append|write`
//! requests. The app hands it time, events and requests and reads back what to tell the
//! person ([`Scratchpad::take_notices`]) and whether to draw ([`Scratchpad::take_redraw`]).
//!
//! The text lives in the panel's editor. `saved` is what the file holds as far as we
//! know: the base every merge starts from. A change marks the text pending; it is saved
//! at most [`SAVE_MAX_DELAY`] after the first pending change and [`SAVE_QUIET`] after the
//! last, so saving never waits more than 500 ms behind the text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedSender;

use super::panel::{Changer, Panel};
use super::summarize::{self, SummaryError};
use super::{ARCHIVE_NAME, FILE_NAME, Settings, compact, merge};
use crate::control::protocol::{ErrorCode, Response};
use crate::durable::{self, Done, FileMeta, Job};
use crate::ui::theme::Theme;

/// A save waits for this much quiet after the last change...
const SAVE_QUIET: Duration = Duration::from_millis(200);
/// ...but never longer than this after the first unsaved one.
const SAVE_MAX_DELAY: Duration = Duration::from_millis(500);
/// How often pane output may make us look for edits agents made to the file directly.
const DISK_CHECK_EVERY: Duration = Duration::from_millis(500);

/// News for the app from the scratchpad's threads.
#[derive(Debug)]
pub enum ScratchEvent {
    Store(Done),
    Summary {
        marker: String,
        result: Result<String, SummaryError>,
    },
}

/// The panel and the sync of its text with the session's file.
pub struct Scratchpad {
    pub panel: Panel,
    pub settings: Settings,
    path: PathBuf,
    archive: PathBuf,
    tx: Option<UnboundedSender<ScratchEvent>>,
    worker: Option<durable::Worker>,
    /// The text the file holds, as far as we know: the base of every merge.
    saved: String,
    saved_meta: Option<FileMeta>,
    /// The save on its way to the disk: its tag and text.
    in_flight: Option<(u64, String)>,
    next_tag: u64,
    /// First and last unsaved change.
    pending: Option<(Instant, Instant)>,
    last_disk_check: Option<Instant>,
    /// A look at the file that output asked for while it was too soon after the last.
    disk_check_due: Option<Instant>,
    summarizing: bool,
    /// What each pane last read through the socket: the base of its next write.
    reads: HashMap<String, String>,
    /// The last save error told to the person, so each is told once.
    told: Option<String>,
    /// What to tell the person, for the app to take.
    notices: Vec<String>,
    /// The text or its state changed on screen since the app last drew.
    redraw: bool,
}

impl Scratchpad {
    pub fn new(settings: Settings, session_dir: &Path) -> Scratchpad {
        Scratchpad {
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
            notices: Vec::new(),
            redraw: false,
        }
    }

    /// The file, which agents may also edit directly.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The panes' share of `area`, and the panel's.
    pub fn split(&self, area: Rect) -> (Rect, Rect) {
        self.panel.split(area)
    }

    /// Loads the session's scratchpad (when resuming there is one) and starts the saver.
    pub fn open(&mut self, tx: UnboundedSender<ScratchEvent>, theme: &Theme) {
        durable::remove_stale_temps(&self.path);
        if let Ok(raw) = std::fs::read_to_string(&self.path) {
            let text = super::clean(&raw);
            self.saved_meta = FileMeta::of(&self.path);
            self.panel.load(&text);
            self.saved = text;
        }
        self.panel.style(theme);
        let report = tx.clone();
        self.worker = Some(durable::Worker::start("scratchpad-save", move |done| {
            let _ = report.send(ScratchEvent::Store(done));
        }));
        self.tx = Some(tx);
    }

    /// Saves what is pending, now and on this thread; the worker finishes first.
    pub fn close(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.finish();
        }
        if self.pending.is_some() || self.in_flight.is_some() {
            let text = self.panel.text();
            if let Err(err) = durable::write_atomic(&self.path, text.as_bytes()) {
                tracing::error!(%err, "saving the scratchpad at exit failed");
            }
        }
    }

    /// When the next save or look at the file is due: the app wakes then.
    pub fn due(&self) -> Option<Instant> {
        // While a save is on its way nothing is due: its answer wakes the loop anyway.
        if self.in_flight.is_some() {
            return None;
        }
        let check = self.disk_check_due;
        let save = self
            .pending
            .map(|(first, last)| (last + SAVE_QUIET).min(first + SAVE_MAX_DELAY));
        match (save, check) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Looks at the file and starts the save once they are due.
    pub fn tick(&mut self, now: Instant) {
        if self.disk_check_due.is_some_and(|at| at <= now) {
            self.disk_check_due = None;
            self.watch(now, true);
        }
        if self.in_flight.is_none()
            && self.pending.is_some()
            && self.due().is_some_and(|at| at <= now)
        {
            self.save();
        }
    }

    fn save(&mut self) {
        let text = self.panel.text();
        let tag = self.next_tag;
        self.next_tag += 1;
        self.pending = None;
        self.in_flight = Some((tag, text.clone()));
        let job = Job::Replace {
            path: self.path.clone(),
            text,
            expect: Some(self.saved_meta),
            tag,
        };
        self.submit(job);
    }

    /// Hands a job to the worker, or does it here if the worker is gone.
    fn submit(&mut self, job: Job) {
        let sent = self.worker.as_ref().is_some_and(|w| w.send(job.clone()));
        if !sent {
            for done in durable::run_batch(vec![job]) {
                self.on_event(ScratchEvent::Store(done));
            }
        }
    }

    pub fn on_event(&mut self, event: ScratchEvent) {
        match event {
            ScratchEvent::Store(Done::Saved { tag, meta }) => {
                if let Some((_, text)) = self.in_flight.take_if(|(t, _)| *t == tag) {
                    self.saved = text;
                    self.saved_meta = meta;
                    self.told = None;
                }
            }
            ScratchEvent::Store(Done::Changed { tag }) => {
                if self.in_flight.take_if(|(t, _)| *t == tag).is_some() {
                    self.merge_from_disk();
                    self.mark_pending(Instant::now());
                }
            }
            ScratchEvent::Store(Done::Failed { tag, error }) => {
                tracing::error!(%error, "scratchpad write failed");
                if tag.is_some() && self.in_flight.take_if(|(t, _)| Some(*t) == tag).is_some() {
                    // Try again later: the text is still in the editor.
                    self.mark_pending(Instant::now());
                }
                if self.told.as_deref() != Some(error.as_str()) {
                    self.say(format!("scratchpad not saved: {error}"));
                    self.told = Some(error);
                }
            }
            ScratchEvent::Summary { marker, result } => {
                self.summarizing = false;
                let text = self.panel.text();
                if let Some(new) = summarize::outcome(&text, &marker, &result) {
                    self.panel.set_text(&new);
                    self.changed(Changer::Summary);
                } else if let Err(err) = result {
                    tracing::warn!(%err, "summarize command failed");
                    self.say(format!("{err}; the plain compaction line stays"));
                }
            }
        }
        // Changes and notices mark the frame dirty themselves; a hidden panel's save
        // state shows nowhere, and a needless frame would hold back the next one.
        if self.panel.visible {
            self.redraw = true;
        }
    }

    fn mark_pending(&mut self, now: Instant) {
        let first = self.pending.map_or(now, |(first, _)| first);
        self.pending = Some((first, now));
    }

    /// The text changed: note who did it, compact if it is over the cap, save soon.
    pub fn changed(&mut self, who: Changer) {
        self.panel.changed_by(who, super::clock_now());
        self.mark_pending(Instant::now());
        self.compact();
        self.redraw = true;
    }

    /// Over the cap, the oldest entries go to the archive (appended before the shorter
    /// scratchpad is saved: a crash between the two duplicates text, never loses it).
    fn compact(&mut self) {
        if self.panel.len() <= self.settings.cap {
            return;
        }
        let text = self.panel.text();
        let Some(c) = compact::compact(&text, self.settings.cap) else {
            return;
        };
        tracing::info!(
            entries = c.entries,
            bytes = c.archived.len(),
            "scratchpad compacted"
        );
        self.submit(Job::Append {
            path: self.archive.clone(),
            text: c.archived.clone(),
        });
        self.panel.set_text(&c.text);
        self.panel
            .changed_by(Changer::Compaction, super::clock_now());
        self.mark_pending(Instant::now());
        if let (Some(command), false, Some(tx)) = (
            self.settings.summarize_command.clone(),
            self.summarizing,
            self.tx.clone(),
        ) {
            self.summarizing = true;
            let timeout = self.settings.summarize_timeout;
            let max = self.settings.cap / 4;
            let marker = c.marker;
            std::thread::spawn(move || {
                let result = summarize::summarize(&command, &c.archived, timeout, max);
                let _ = tx.send(ScratchEvent::Summary { marker, result });
            });
        }
    }

    /// Picks up an edit an agent made to the file directly (not through the socket):
    /// at most every [`DISK_CHECK_EVERY`] while panes are busy, and before every answer.
    pub fn watch(&mut self, now: Instant, force: bool) {
        let recent = self
            .last_disk_check
            .is_some_and(|at| now.duration_since(at) < DISK_CHECK_EVERY);
        if (recent && !force) || self.in_flight.is_some() {
            // Look once more a while after the output that asked: it may have been the
            // last for a while. Each output moves that look on, so while output keeps
            // coming only the looks it makes itself happen, and the loop never wakes
            // just to look. (Nothing is due while a save is on its way.)
            self.disk_check_due = Some(now + DISK_CHECK_EVERY);
            return;
        }
        self.last_disk_check = Some(now);
        self.disk_check_due = None;
        if FileMeta::of(&self.path) != self.saved_meta {
            self.merge_from_disk();
        }
    }

    /// Merges the file's text (theirs) with the editor's (ours) over what we last saved.
    fn merge_from_disk(&mut self) {
        let meta = FileMeta::of(&self.path);
        let Ok(raw) = std::fs::read_to_string(&self.path) else {
            // Gone or unreadable: the next save writes it again.
            self.saved_meta = meta;
            self.mark_pending(Instant::now());
            return;
        };
        let theirs = super::clean(&raw);
        let ours = self.panel.text();
        let merged = merge::merge3_text(&self.saved, &ours, &theirs);
        self.saved.clone_from(&theirs);
        self.saved_meta = meta;
        if merged != ours {
            self.panel.set_text(&merged);
            self.panel.changed_by(Changer::Disk, super::clock_now());
            self.compact();
        }
        if merged != raw {
            self.mark_pending(Instant::now());
        }
        self.redraw = true;
    }

    /// `scratch read`: the whole text.
    pub fn read(&mut self, pane: &str) -> Response {
        self.watch(Instant::now(), true);
        let text = self.panel.text();
        self.reads.insert(pane.to_string(), text.clone());
        Response::ok(text)
    }

    /// `scratch append`: one entry tagged with the pane and the time.
    pub fn append(&mut self, pane: &str, text: &str) -> Response {
        self.watch(Instant::now(), true);
        let body = super::clean(text);
        if body.trim().is_empty() {
            return Response::error(ErrorCode::BadRequest, "nothing to append");
        }
        let entry = super::entry(&super::clock_now(), pane, &body);
        if entry.len() > self.settings.cap {
            return Response::error(
                ErrorCode::Refused,
                format!(
                    "the entry is {} bytes, more than the scratchpad's cap of {}",
                    entry.len(),
                    super::kib(self.settings.cap)
                ),
            );
        }
        let new = super::appended(&self.panel.text(), &entry);
        self.panel.set_text(&new);
        self.changed(Changer::Pane {
            name: pane.to_string(),
            appended: true,
        });
        Response::ok(format!(
            "appended {} bytes to the scratchpad ({})",
            entry.len(),
            self.size()
        ))
    }

    /// `scratch write`: the holder replaces the text; typing the person has not saved
    /// (and appends since this pane last read) are merged in.
    pub fn write(&mut self, pane: &str, text: &str, holder: Option<&str>) -> Response {
        if holder != Some(pane) {
            let holder = holder.unwrap_or("nobody");
            return Response::error(
                ErrorCode::NotHolder,
                format!(
                    "only the baton holder may rewrite the scratchpad ({holder} holds it); appending is open to every pane"
                ),
            );
        }
        self.watch(Instant::now(), true);
        let theirs = super::clean(text);
        let base = self
            .reads
            .remove(pane)
            .unwrap_or_else(|| self.saved.clone());
        let ours = self.panel.text();
        let merged = merge::merge3_text(&base, &ours, &theirs);
        self.panel.set_text(&merged);
        self.changed(Changer::Pane {
            name: pane.to_string(),
            appended: false,
        });
        let kept = if merged == theirs {
            ""
        } else {
            ", merged with changes made since you read it"
        };
        Response::ok(format!("wrote the scratchpad{kept} ({})", self.size()))
    }

    /// Something for the person to read in the status line.
    fn say(&mut self, text: impl Into<String>) {
        self.notices.push(text.into());
        self.redraw = true;
    }

    /// What to tell the person since the last call.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Whether the panel must be drawn again since the last call.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    /// A bracketed paste (or the clipboard) into the panel, cleaned.
    pub fn insert(&mut self, text: &str) {
        if self.panel.insert(&super::clean(text)) {
            self.changed(Changer::Person);
        }
    }

    fn size(&self) -> String {
        format!(
            "{} of {}",
            super::kib(self.panel.len()),
            super::kib(self.settings.cap)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_output_looks_at_the_file_itself_and_never_sets_a_timer_that_comes_first() {
        let dir = crate::durable::tests::temp_dir("scratch-watch");
        let mut pad = Scratchpad::new(Settings::default(), &dir);
        let start = Instant::now();
        let mut looked = 0;
        // Output every 80 ms for 3 s, as an agent's spinner: each look happens as output
        // arrives, and the look still owed is always further off than the next output.
        for step in 0..38 {
            let now = start + Duration::from_millis(80 * step);
            let before = pad.last_disk_check;
            pad.watch(now, false);
            if pad.last_disk_check != before {
                looked += 1;
            }
            if let Some(due) = pad.due() {
                assert!(
                    due > now + Duration::from_millis(80),
                    "a wake-up just to look"
                );
            }
        }
        assert!(
            (6..=7).contains(&looked),
            "one look per {DISK_CHECK_EVERY:?}: {looked}"
        );
        // Once output stops, the last look comes a while after the last output.
        let last = start + Duration::from_millis(80 * 37);
        assert_eq!(pad.due(), Some(last + DISK_CHECK_EVERY));
        pad.tick(last + DISK_CHECK_EVERY);
        assert_eq!(pad.last_disk_check, Some(last + DISK_CHECK_EVERY));
        assert_eq!(pad.due(), None);
    }
}
