//! Recording a rally: the whole screen as the host terminal sees it (every byte the
//! host writer commits), and optionally each pane's raw output at its own size.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::host::terminal::Tap;
use crate::recorder::{CastFormat, CastMeta, Recorder};

/// What the person asked to record.
#[derive(Debug, Clone, Default)]
pub struct RecordConfig {
    /// The whole-screen cast to start with, if any.
    pub path: Option<PathBuf>,
    /// Record every rally from its start (config `recording.enabled`), into `dir`.
    pub in_session: bool,
    /// Where casts go when no path is given; the session directory when unset.
    pub dir: Option<PathBuf>,
    pub format: CastFormat,
    /// Also record keystrokes (`i` events); off by default: they can hold secrets.
    pub input: bool,
    /// A directory for one cast per pane.
    pub panes_dir: Option<PathBuf>,
    pub idle_time_limit: Option<f64>,
}

/// The screen recording, shared with the host writer's tap.
#[derive(Clone, Default)]
pub struct ScreenRecording {
    slot: Arc<Mutex<Option<Arc<Recorder>>>>,
}

impl ScreenRecording {
    /// The tap to install on the host writer: forwards committed bytes while recording.
    pub fn tap(&self) -> Tap {
        let slot = self.slot.clone();
        Box::new(move |bytes| {
            if let Some(recorder) = lock(&slot).as_ref() {
                recorder.output(bytes);
            }
        })
    }

    pub fn current(&self) -> Option<Arc<Recorder>> {
        lock(&self.slot).clone()
    }

    pub fn is_on(&self) -> bool {
        lock(&self.slot).is_some()
    }

    pub fn start(&self, recorder: Recorder) {
        *lock(&self.slot) = Some(Arc::new(recorder));
    }

    /// Stops recording and closes the file (in the background: draining may take a while).
    pub fn stop(&self, exit_status: Option<i32>) -> Option<PathBuf> {
        let recorder = lock(&self.slot).take()?;
        let path = recorder.path().to_path_buf();
        finish(recorder, exit_status);
        Some(path)
    }
}

/// Closes a recording: the exit event (v3), then everything queued is written.
pub fn finish(recorder: Arc<Recorder>, exit_status: Option<i32>) {
    if let Some(status) = exit_status {
        recorder.exit(status);
    }
    match Arc::try_unwrap(recorder) {
        Ok(recorder) => {
            if let Err(err) = recorder.finish() {
                tracing::error!(%err, "finishing a recording failed");
            }
        }
        // Someone else still holds it (a pane thread); its drop flushes and closes.
        Err(shared) => drop(shared),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens a cast of `cols` x `rows` at `path`.
pub fn open(
    path: &Path,
    config: &RecordConfig,
    cols: u16,
    rows: u16,
    title: String,
) -> std::io::Result<Recorder> {
    let meta = CastMeta {
        cols,
        rows,
        title: Some(title),
        idle_time_limit: config.idle_time_limit,
        term: std::env::var("TERM").unwrap_or_else(|_| "xterm-256color".into()),
        shell: std::env::var("SHELL").unwrap_or_default(),
        record_input: config.input,
        timestamp: crate::session::unix_now() as u64,
    };
    Recorder::create(path, config.format, meta)
}

/// What is being recorded, and how.
pub(super) struct Recording {
    /// What the person asked to record.
    pub(super) config: RecordConfig,
    /// A name for this rally in recordings (the preset, or "panes").
    pub(super) title: String,
    /// The whole screen's cast, while one runs.
    pub(super) screen: ScreenRecording,
    /// One cast per pane (`--record-panes`), in pane order.
    pub(super) panes: Vec<std::sync::Arc<Recorder>>,
    /// Recorder trouble already reported, so each problem is told once.
    pub(super) trouble: Option<String>,
}

impl super::App {
    /// Opens `DIR/<pane>.cast` when per-pane recording is on.
    pub(super) fn open_pane_recording(
        &mut self,
        name: &str,
        cols: u16,
        rows: u16,
    ) -> anyhow::Result<Option<Arc<Recorder>>> {
        let Some(dir) = self.recording.config.panes_dir.clone() else {
            return Ok(None);
        };
        std::fs::create_dir_all(&dir)?;
        let title = format!("{} · pane {name}", self.recording.title);
        let recorder = Arc::new(open(
            &dir.join(format!("{name}.cast")),
            &self.recording.config,
            cols,
            rows,
            title,
        )?);
        self.recording.panes.push(recorder.clone());
        Ok(Some(recorder))
    }

    pub(super) fn start_recording(&mut self, path: &Path) -> anyhow::Result<()> {
        let title = format!(
            "rallish-tui {} · {}",
            self.session.id(),
            self.recording.title
        );
        let recorder = open(
            path,
            &self.recording.config,
            self.host.size.width,
            self.host.size.height,
            title,
        )?;
        self.recording.screen.start(recorder);
        // The cast must open on a whole picture, not on the diff against what came before.
        self.frames.whole = true;
        self.frames.dirty = true;
        Ok(())
    }

    /// `ctrl-] r`: stop, or start a new cast in the session directory (or `--record`).
    pub(super) fn toggle_recording(&mut self) {
        if let Some(path) = self.recording.screen.stop(None) {
            self.set_notice(format!("recording saved: {}", path.display()));
            return;
        }
        let path = self
            .recording
            .config
            .path
            .clone()
            .unwrap_or_else(|| self.next_cast_path());
        match self.start_recording(&path) {
            Ok(()) => self.set_notice(format!("recording to {}", path.display())),
            Err(err) => self.set_notice(format!("cannot record: {err:#}")),
        }
    }

    /// A fresh cast file in the recording directory (or the session's).
    pub(super) fn next_cast_path(&self) -> PathBuf {
        let dir = self
            .recording
            .config
            .dir
            .clone()
            .unwrap_or_else(|| self.session.dir().to_path_buf());
        let n = std::fs::read_dir(&dir).map_or(0, std::iter::Iterator::count);
        dir.join(format!("{}-{n}.cast", self.session.id()))
    }

    /// A marker in every cast (whole screen and per pane).
    pub(super) fn mark(&self, label: &str) {
        if let Some(recorder) = self.recording.screen.current() {
            recorder.marker(label);
        }
        for recorder in &self.recording.panes {
            recorder.marker(label);
        }
    }

    /// Says once when a recording drops data or stops on an error.
    pub(super) fn check_recorders(&mut self) {
        let Some(recorder) = self.recording.screen.current() else {
            return;
        };
        let status = recorder.status();
        let trouble = status.error.clone().or_else(|| {
            (status.dropped_bytes > 0).then(|| {
                format!(
                    "recording fell behind: {} bytes dropped",
                    status.dropped_bytes
                )
            })
        });
        if trouble.is_some() && trouble != self.recording.trouble {
            self.recording.trouble.clone_from(&trouble);
            if let Some(text) = trouble {
                self.set_notice(text);
            }
        }
    }

    pub(super) fn stop_recordings(&mut self) {
        self.recording.screen.stop(Some(0));
        for recorder in std::mem::take(&mut self.recording.panes) {
            finish(recorder, Some(0));
        }
    }
}
