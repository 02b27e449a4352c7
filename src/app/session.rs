//! Keeps `session.toml` current: after every loop turn the few facts `--resume` needs
//! (holder, turn, layout, the scratchpad panel) are compared with what was last written,
//! and a change is saved atomically on a [`durable::Worker`] thread of its own.

use std::sync::mpsc;
use std::time::Instant;

use super::App;
use crate::durable::{self, Done, Job};
use crate::scratchpad::panel::Placement;
use crate::session::resume::{self, SessionRecord};
use crate::session::unix_now;

/// What `session.toml` says that changes while the rally runs.
#[derive(Debug, Clone, PartialEq)]
struct Moving {
    holder: Option<String>,
    turn: u32,
    paused: bool,
    ended: bool,
    layout: String,
    visible: bool,
    placement: Placement,
    percent: u16,
}

pub(super) struct Persist {
    record: SessionRecord,
    written: Option<Moving>,
    /// Seconds earlier runs of this session used.
    earlier_seconds: f64,
    started: Instant,
    /// Saves off the loop's thread, from [`App::open_session_record`] to
    /// [`App::close_session_record`]; without it saves are made in place.
    worker: Option<durable::Worker>,
    /// Errors of the worker's saves, and the last one told to the person.
    failures: Option<mpsc::Receiver<String>>,
    told: Option<String>,
}

impl Persist {
    /// `record` as the rally starts: fresh, or read back from the session being resumed.
    pub(super) fn new(mut record: SessionRecord, id: &str, started: Instant) -> Persist {
        let now = unix_now();
        if record.id.is_empty() {
            record.started = now;
        }
        record.id = id.to_string();
        Persist {
            earlier_seconds: record.budget.seconds,
            record,
            written: None,
            started,
            worker: None,
            failures: None,
            told: None,
        }
    }
}

impl App {
    /// Clears what a killed save left behind, starts the saver and writes the record.
    pub(super) fn open_session_record(&mut self) {
        durable::remove_stale_temps(&self.session.dir.join(resume::FILE_NAME));
        let (tx, rx) = mpsc::channel();
        self.persist.worker = Some(durable::Worker::start("session-save", move |done| {
            if let Done::Failed { error, .. } = done {
                tracing::error!(%error, "writing the session record failed");
                let _ = tx.send(error);
            }
        }));
        self.persist.failures = Some(rx);
        self.persist_session(true);
    }

    /// Writes the record as the rally ends and waits until it is on disk.
    pub(super) fn close_session_record(&mut self) {
        self.persist_session(true);
        if let Some(mut worker) = self.persist.worker.take() {
            worker.finish();
        }
        self.tell_session_failures();
    }

    /// A save that failed on the worker is told once (each different error again).
    fn tell_session_failures(&mut self) {
        let Some(error) = self
            .persist
            .failures
            .as_ref()
            .and_then(|rx| rx.try_iter().last())
        else {
            return;
        };
        if self.persist.told.as_ref() != Some(&error) {
            self.set_notice(format!("session not saved: {error}"));
            self.persist.told = Some(error);
        }
    }

    fn moving(&self) -> Moving {
        let holder = self
            .baton
            .holder()
            .or_else(|| self.baton.parked())
            .and_then(|id| self.baton.name(id))
            .map(str::to_string);
        let panel = &self.scratch.panel;
        Moving {
            holder,
            turn: self.baton.turn(),
            paused: self.baton.is_paused(),
            ended: self.baton.is_ended(),
            layout: self.tiling.kind.name().to_string(),
            visible: panel.visible,
            placement: panel.placement,
            percent: panel.percent,
        }
    }

    /// Writes `session.toml` when what it records has changed (or `force`).
    pub(super) fn persist_session(&mut self, force: bool) {
        self.tell_session_failures();
        let moving = self.moving();
        if !force && self.persist.written.as_ref() == Some(&moving) {
            return;
        }
        let p = &mut self.persist;
        let r = &mut p.record;
        r.updated = unix_now();
        r.holder.clone_from(&moving.holder);
        r.turn = moving.turn;
        r.paused = moving.paused;
        r.ended = moving.ended;
        r.layout.clone_from(&moving.layout);
        r.budget.turns = moving.turn;
        r.budget.seconds = p.earlier_seconds + p.started.elapsed().as_secs_f64();
        r.scratchpad.visible = moving.visible;
        r.scratchpad.placement = moving.placement;
        r.scratchpad.percent = moving.percent;
        p.written = Some(moving);
        let path = self.session.dir.join(resume::FILE_NAME);
        let text = p.record.to_toml();
        let queued = p.worker.as_ref().is_some_and(|w| {
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
