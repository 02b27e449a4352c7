//! The session's files in the running app. Handoffs are appended to its log as they
//! happen, and `session.toml` is kept current: after every loop turn the few facts
//! `--resume` needs (holder, turn, layout, the scratchpad panel) are compared with what
//! was last written, and a change is saved atomically on a [`durable::Worker`] thread of
//! its own.

use std::borrow::Cow;
use std::path::Path;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::App;
use crate::durable::{self, Done, Job};
use crate::scratchpad::panel::Placement;
use crate::session::resume::{self, SessionRecord};
use crate::session::{Session, unix_now};

/// What `session.toml` says that changes while the rally runs. Borrowed from the app
/// to be compared after every loop turn (it rarely changed), owned once written.
#[derive(Debug, Clone, PartialEq)]
struct Moving<'a> {
    holder: Option<Cow<'a, str>>,
    turn: u32,
    paused: bool,
    ended: bool,
    layout: &'static str,
    visible: bool,
    placement: Placement,
    percent: u16,
}

/// The rally's session on disk: its directory with the handoff log in it ([`Session`]),
/// and `session.toml` beside the log, kept current as the rally moves. One owner, so that
/// what is written there goes through one place; the app hands over what moved and
/// tells the person what failed.
pub(super) struct SessionFiles {
    /// The directory and the handoff log.
    session: Session,
    record: SessionRecord,
    written: Option<Moving<'static>>,
    /// Seconds earlier runs of this session used.
    earlier_seconds: f64,
    started: Instant,
    /// Saves off the loop's thread, from [`App::open_session_record`] to
    /// [`App::close_session_record`]; without it saves are made in place.
    worker: Option<durable::Worker>,
    /// The last failed save told to the person.
    told: Option<String>,
}

impl SessionFiles {
    /// `session`'s files, and `record` as the rally starts: fresh, or read back from the
    /// session being resumed.
    pub(super) fn new(
        session: Session,
        mut record: SessionRecord,
        started: Instant,
    ) -> SessionFiles {
        let now = unix_now();
        if record.id.is_empty() {
            record.started = now;
        }
        record.id.clone_from(&session.id);
        SessionFiles {
            session,
            earlier_seconds: record.budget.seconds,
            record,
            written: None,
            started,
            worker: None,
            told: None,
        }
    }

    pub(super) fn id(&self) -> &str {
        &self.session.id
    }

    /// The session's directory: the log, the record, the scratchpad and recordings.
    pub(super) fn dir(&self) -> &Path {
        &self.session.dir
    }

    /// Appends one line to the handoff log.
    pub(super) fn log(&mut self, line: &impl serde::Serialize) -> std::io::Result<()> {
        self.session.log(line)
    }

    /// Clears what a killed save left behind and starts the saver, which sends the
    /// error of every save that fails to `failed`: the loop wakes to tell the person.
    fn open(&mut self, failed: UnboundedSender<String>) {
        durable::remove_stale_temps(&self.session.dir.join(resume::FILE_NAME));
        self.worker = Some(durable::Worker::start("session-save", move |done| {
            if let Done::Failed { error, .. } = done {
                tracing::error!(%error, "writing the session record failed");
                let _ = failed.send(error);
            }
        }));
    }

    /// Waits until every save is on disk.
    fn close(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.finish();
        }
    }

    /// Whether a failed save's `error` is news: each different error is told once.
    fn is_news(&mut self, error: &str) -> bool {
        if self.told.as_deref() == Some(error) {
            return false;
        }
        self.told = Some(error.to_string());
        true
    }

    /// Writes `session.toml` when what it records has changed (or `force`).
    fn save(&mut self, moving: Moving<'_>, force: bool) {
        if !force && self.written.as_ref() == Some(&moving) {
            return;
        }
        let r = &mut self.record;
        r.updated = unix_now();
        r.holder = moving.holder.as_deref().map(str::to_string);
        r.turn = moving.turn;
        r.paused = moving.paused;
        r.ended = moving.ended;
        moving.layout.clone_into(&mut r.layout);
        r.budget.turns = moving.turn;
        r.budget.seconds = self.earlier_seconds + self.started.elapsed().as_secs_f64();
        r.scratchpad.visible = moving.visible;
        r.scratchpad.placement = moving.placement;
        r.scratchpad.percent = moving.percent;
        self.written = Some(Moving {
            holder: moving.holder.map(|holder| Cow::Owned(holder.into_owned())),
            ..moving
        });
        let path = self.session.dir.join(resume::FILE_NAME);
        let text = self.record.to_toml();
        let queued = self.worker.as_ref().is_some_and(|w| {
            w.send(Job::Replace {
                path: path.clone(),
                text: text.clone(),
                expect: None,
                tag: 0,
            })
        });
        if !queued && let Err(err) = durable::write_atomic(&path, text.as_bytes()) {
            tracing::error!(%err, "writing the session record failed");
        }
    }
}

impl App {
    /// Clears what a killed save left behind, starts the saver and writes the record.
    /// Saves that fail come back through `failed` (see [`App::on_session_save_failed`]).
    pub(super) fn open_session_record(&mut self, failed: UnboundedSender<String>) {
        self.session.open(failed);
        self.persist_session(true);
    }

    /// Writes the record as the rally ends and waits until it is on disk.
    pub(super) fn close_session_record(&mut self) {
        self.persist_session(true);
        self.session.close();
    }

    /// A save that failed on the worker is told once (each different error again).
    /// A save of the record failed: the person is told, once per different error.
    pub(super) fn on_session_save_failed(&mut self, error: &str) {
        if self.session.is_news(error) {
            self.set_notice(format!("session not saved: {error}"));
        }
    }

    /// Writes `session.toml` when what it records has changed (or `force`).
    pub(super) fn persist_session(&mut self, force: bool) {
        let baton = &self.baton;
        let holder = (baton.holder().or_else(|| baton.parked()))
            .and_then(|id| baton.name(id))
            .map(Cow::Borrowed);
        let panel = &self.scratch.panel;
        let moving = Moving {
            holder,
            turn: baton.turn(),
            paused: baton.is_paused(),
            ended: baton.is_ended(),
            layout: self.tiling.kind.name(),
            visible: panel.visible,
            placement: panel.placement,
            percent: panel.percent,
        };
        self.session.save(moving, force);
    }
}
