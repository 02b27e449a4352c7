//! Who reads a pane's output: the UI thread itself, or the pane's reader thread.
//!
//! An agent's usual output is small and comes a few times a second: a spinner frame, a
//! line. Read by a thread of its own, each piece costs two wake-ups, the reader's and
//! then the app's, and on a small machine the wake-ups are most of what a busy pane
//! costs. On Linux the UI thread reads such output itself. The [`Watch`] wakes it only
//! for panes it draws at once; a background pane is read when its frame may go out, so
//! its output costs no wake-up of its own (see [`crate::app`]'s pacing).
//!
//! A flood (more than [`LOOK_LIMIT`] in one look) goes to the reader thread, which reads
//! and parses below the UI's priority so the person's keys still echo at once. The
//! thread gives reading back once the child has been quiet for [`QUIET`]. On macOS the
//! reader thread always reads.
//!
//! [`Watch`]: super::watch::Watch

use std::fs::File;
use std::io::Read as _;
use std::os::fd::AsRawFd as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::watch::Watch;
use super::{Inbox, Output, PaneId};
use crate::recorder::Recorder;

/// Output the UI thread reads from one pane in one look before it leaves the rest (and
/// what follows) to the pane's reader thread. A spinner frame or a few lines fit many
/// times over; what does not fit is parsed off the UI thread, so the person's keys do
/// not wait behind it. (At 64 KiB, 16 flooding panes each handed to the UI thread now
/// and then put keystroke echo p99 at 50-130 ms; at 16 KiB it was 10-22 ms.)
const LOOK_LIMIT: usize = 16 * 1024;

/// A read shorter than this took what the PTY held. A flood fills every read (Linux's
/// line discipline hands over up to 4095 bytes at a time), so it still reaches
/// [`LOOK_LIMIT`] and goes to the reader thread.
const DRAINED: usize = 1024;

/// How long the PTY stays empty before the reader thread hands reading back. A flood
/// keeps it full, but a flooding child that the scheduler sets aside among many leaves
/// it empty for a while: 10 ms handed floods back and forth.
pub(super) const QUIET: Duration = Duration::from_millis(50);

/// Which thread reads; the reader thread waits while the UI thread does.
pub(super) struct Reading {
    by_ui: Mutex<bool>,
    changed: Condvar,
}

impl Reading {
    pub(super) fn new(by_ui: bool) -> Reading {
        Reading {
            by_ui: Mutex::new(by_ui),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.by_ui
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn by_ui(&self) -> bool {
        *self.lock()
    }

    fn to_thread(&self) {
        *self.lock() = false;
        self.changed.notify_one();
    }

    /// The reader thread is done with a flood: the UI thread reads from now on.
    pub(super) fn to_ui(&self) {
        *self.lock() = true;
    }

    /// Blocks the reader thread while the UI thread reads.
    pub(super) fn wait_for_thread(&self) {
        let mut by_ui = self.lock();
        while *by_ui {
            by_ui = self
                .changed
                .wait(by_ui)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// What the UI thread needs to read a pane itself.
pub(super) struct ReadHere {
    pub(super) id: PaneId,
    /// The watch `fd` is in, until this is dropped.
    pub(super) watch: Arc<Watch>,
    /// The PTY, a descriptor of our own.
    pub(super) fd: File,
    pub(super) reading: Arc<Reading>,
    /// In the watch: its next input wakes the app.
    pub(super) listening: AtomicBool,
    pub(super) inbox: Arc<Inbox>,
    pub(super) output: Arc<Output>,
    pub(super) cast: Option<Arc<Recorder>>,
}

impl Drop for ReadHere {
    /// The watch lets go of the PTY before its descriptor closes.
    fn drop(&mut self) {
        self.watch.remove(self.fd.as_raw_fd());
    }
}

impl ReadHere {
    /// The watch reported input (and let go of the PTY): reads it, and asks to hear of
    /// more unless the pane is hushed.
    pub(super) fn heard(&self, hushed: bool) {
        self.listening.store(false, Ordering::Relaxed);
        // A PTY whose child's side has closed reads as an error, and the thread reads
        // that end as it always has.
        self.read(Waiting::Reported);
        if !hushed {
            self.ask();
        }
    }

    /// The pane is hushed: its output waits in the PTY, unread, until the hush lifts.
    pub(super) fn hush(&self) {
        if self.listening.swap(false, Ordering::Relaxed)
            && let Err(err) = self.watch.ignore(self.fd.as_raw_fd(), self.id)
        {
            tracing::warn!(pane = self.id.index(), %err, "hushing the PTY");
        }
    }

    /// Reads what waits in the PTY because nobody listened (the pane was hushed).
    pub(super) fn read_waiting(&self) {
        if !self.listening.load(Ordering::Relaxed) {
            self.read(Waiting::Unknown);
        }
    }

    /// Makes sure the next input wakes the app: reads what came while nobody listened,
    /// then asks the watch.
    pub(super) fn listen(&self) {
        if !self.listening.load(Ordering::Relaxed) {
            self.read(Waiting::Unknown);
            self.ask();
        }
    }

    /// Asks the watch to report the next input (input already there is reported at
    /// once), if the UI thread still reads.
    fn ask(&self) {
        if !self.reading.by_ui() {
            return;
        }
        match self.watch.listen(self.fd.as_raw_fd(), self.id) {
            Ok(()) => self.listening.store(true, Ordering::Relaxed),
            Err(err) => {
                tracing::warn!(pane = self.id.index(), %err, "watching the PTY; its thread reads");
                self.reading.to_thread();
            }
        }
    }

    /// Reads and parses what the child has written, without waiting: how much, or
    /// `None` when the reader thread reads (it is handed a flood, a parser that fell
    /// behind, or the end of the output). The pane's output flag is raised, not
    /// signalled: the app looks at it after reading.
    fn read(&self, waiting: Waiting) -> Option<usize> {
        if !self.reading.by_ui() {
            return None;
        }
        let fd = self.fd.as_raw_fd();
        // The line discipline hands over at most 4 KiB a read, so a bigger buffer would
        // only cost its clearing.
        let mut buf = [0u8; 4 * 1024];
        let mut total = 0;
        let mut known = waiting == Waiting::Reported;
        loop {
            // Read only what is there: the PTY may block (where it could not be made
            // non-blocking: see `pane::write_here`). The watch's report says there is
            // something.
            if !std::mem::take(&mut known) {
                match crate::sys::bytes_waiting(fd) {
                    Ok(0) => return Some(total),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            if total >= LOOK_LIMIT || self.inbox.backlog() >= LOOK_LIMIT {
                break;
            }
            let n = match (&self.fd).read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // Nothing after all (the PTY does not block: see `pane::write_here`).
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return Some(total),
                Err(_) => break,
            };
            self.output
                .take(&buf[..n], &self.inbox, self.cast.as_deref());
            total += n;
            if n < DRAINED {
                // Most likely all there was (an agent's spinner frame is a few hundred
                // bytes): no system call to make sure. Anything more is reported again
                // as soon as the watch is asked.
                return Some(total);
            }
        }
        self.reading.to_thread();
        None
    }
}

/// What the UI thread knows of a PTY it is about to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// The watch reported it readable (or closed): a read does not block.
    Reported,
    /// It may be empty: ask first.
    Unknown,
}
