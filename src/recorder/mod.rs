//! Records a terminal byte stream as an asciicast (v2 or v3) file that real
//! asciinema tools play.
//!
//! One [`Recorder`] is one file: the app records the whole screen as the host
//! terminal sees it, and may run one more per pane for the raw PTY output at
//! the pane's size. The handle never blocks: it stamps each event with the
//! time of the call and queues it for a background writer thread, which
//! encodes it (see [`CastWriter`]) and flushes at least every 100 ms and at
//! every marker. A full queue drops data but says so in the cast and in
//! [`Recorder::status`]; a write error stops the recording, not the app.

mod asciicast;
mod utf8;
mod writer;

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use asciicast::{CastWriter, EventClock, header_line};
pub use utf8::Utf8Decoder;
use writer::{Event, Job, Push, Queue, Stamped, StatusCell};

/// Which asciicast version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CastFormat {
    /// Absolute event times; played by asciinema 2.x and 3.x.
    #[default]
    V2,
    /// Interval event times and an exit event; asciinema 3.x only.
    V3,
}

/// What goes into the header. `term` and `shell` are the only environment
/// recorded; empty strings are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct CastMeta {
    pub cols: u16,
    pub rows: u16,
    pub title: Option<String>,
    /// Written only when finite and positive.
    pub idle_time_limit: Option<f64>,
    pub term: String,
    pub shell: String,
    pub record_input: bool,
    /// Unix seconds at the start of the recording.
    pub timestamp: u64,
}

/// What the app polls to show a notice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecorderStatus {
    /// Terminal data lost so far, to a full queue or after a write error.
    pub dropped_bytes: u64,
    /// The write error that stopped the recording, naming the file.
    pub error: Option<String>,
}

/// Tuning knobs; the defaults suit the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecorderOptions {
    /// Most bytes of events waiting for the writer before data is dropped.
    pub queue_limit: usize,
    /// Longest time written data may wait before it is flushed to the file.
    pub flush_interval: Duration,
}

impl Default for RecorderOptions {
    fn default() -> Self {
        Self {
            queue_limit: 8 << 20,
            flush_interval: Duration::from_millis(100),
        }
    }
}

/// A handle to one recording. All methods take `&self`, never block and
/// never fail; problems show up in [`Recorder::status`]. Dropping it without
/// [`Recorder::finish`] still drains, flushes and closes the file.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    format: CastFormat,
    record_input: bool,
    queue: Arc<Queue>,
    status: Arc<StatusCell>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Recorder {
    /// Creates (or truncates) `path` with mode 0600 and writes the header
    /// before returning, so a cast exists even if the app dies at once.
    pub fn create(path: &Path, format: CastFormat, meta: CastMeta) -> io::Result<Recorder> {
        Self::create_with(path, format, meta, RecorderOptions::default())
    }

    pub fn create_with(
        path: &Path,
        format: CastFormat,
        meta: CastMeta,
        options: RecorderOptions,
    ) -> io::Result<Recorder> {
        let with_path = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let file = open_private(path).map_err(with_path)?;
        // Straight to the file, one write(2) per event line: a buffer would hand the
        // kernel many lines in one write, which a kill -9 can cut in the middle of a line.
        Self::spawn(file, path, format, meta, options).map_err(with_path)
    }

    /// Writes and flushes the header into `out`, then starts the writer thread.
    fn spawn<W: io::Write + Send + 'static>(
        out: W,
        path: &Path,
        format: CastFormat,
        meta: CastMeta,
        options: RecorderOptions,
    ) -> io::Result<Recorder> {
        let mut cast = CastWriter::new(out, format, &meta)?;
        cast.flush()?;
        let start = Instant::now();
        let queue = Arc::new(Queue::new(options.queue_limit));
        let status = Arc::new(StatusCell::default());
        let job = Job {
            cast,
            start,
            queue: Arc::clone(&queue),
            status: Arc::clone(&status),
            flush_interval: options.flush_interval,
            name: path.display().to_string(),
        };
        let thread = std::thread::Builder::new()
            .name("cast-writer".into())
            .spawn(move || writer::run(job))?;
        Ok(Recorder {
            path: path.to_path_buf(),
            format,
            record_input: meta.record_input,
            queue,
            status,
            thread: Some(thread),
        })
    }

    /// Bytes the app wrote to the terminal (or a pane's PTY produced).
    pub fn output(&self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.send(Event::Output(bytes.to_vec()));
        }
    }

    /// Bytes typed by the user; a no-op unless the meta enabled `record_input`.
    pub fn input(&self, bytes: &[u8]) {
        if self.record_input && !bytes.is_empty() {
            self.send(Event::Input(bytes.to_vec()));
        }
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.send(Event::Resize(cols, rows));
    }

    /// A named point in the recording; flushed to the file promptly.
    pub fn marker(&self, label: &str) {
        self.send(Event::Marker(label.to_owned()));
    }

    /// The recorded program's exit status (v3 only; ignored in v2).
    pub fn exit(&self, status: i32) {
        if self.format == CastFormat::V3 {
            self.send(Event::Exit(status));
        }
    }

    pub fn status(&self) -> RecorderStatus {
        self.status.snapshot()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes everything queued, flushes, and waits for the writer thread.
    /// Returns the error that stopped the recording, if any.
    pub fn finish(mut self) -> io::Result<()> {
        self.close_and_join()
    }

    fn send(&self, event: Event) {
        let pushed = self.queue.push(Stamped {
            at: Instant::now(),
            event,
        });
        if let Push::Dropped(n) = pushed {
            self.status.add_dropped(n);
        }
    }

    fn close_and_join(&mut self) -> io::Result<()> {
        self.queue.close(Instant::now());
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("recorder writer thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.thread.is_some()
            && let Err(e) = self.close_and_join()
        {
            tracing::debug!(recording = %self.path.display(), error = %e, "recording ended with an error");
        }
    }
}

/// Opens `path` for writing, owner read/write only: casts hold whatever the
/// agents printed.
fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // `mode` only applies to new files; an old file keeps its bits otherwise.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

#[cfg(test)]
mod tests;
