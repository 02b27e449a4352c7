//! Handoff notes on their way into panes: the app side of [`crate::rally::delivery`]. Notes are
//! queued here, go in when their pane is ready, and what became of each is told to the
//! person and written to `log.jsonl`.

use std::time::Instant;

use super::App;
use crate::pane::PaneId;
use crate::rally::delivery::{Delivery, Readiness, Step};
use crate::session::{LogLine, unix_now};

/// One pane's inbox: the note on its way in, and what decides when it may go.
#[derive(Debug)]
pub(super) struct Inbox {
    delivery: Delivery,
    /// The person typed into the child and has not sent or cleared it.
    draft: bool,
    spawned: Instant,
    /// The baton turn in which the pane last took a note.
    took_note_in: Option<u32>,
    /// The last note that went in, to tell the turn that answered it.
    note: Option<String>,
}

impl Inbox {
    pub(super) fn new(spawned: Instant, reports_prompts: bool) -> Inbox {
        Inbox {
            delivery: if reports_prompts {
                Delivery::confirmed_by_hook()
            } else {
                Delivery::default()
            },
            draft: false,
            spawned,
            took_note_in: None,
            note: None,
        }
    }
}

impl App {
    /// Types `text` into a pane as soon as it is ready for it, and watches that it is taken.
    pub(super) fn inject(&mut self, pane: PaneId, text: &str) {
        let now = Instant::now();
        let inbox = &mut self.slots[pane.index()].inbox;
        inbox.note = Some(text.to_string());
        inbox.delivery.queue(text.to_string(), now);
        self.drive_delivery(pane, now);
    }

    /// The person wrote `bytes` to a pane's child: does an unsent draft remain?
    pub(super) fn typed(&mut self, pane: PaneId, bytes: &[u8]) {
        self.slots[pane.index()].activity.typed();
        let inbox = &mut self.slots[pane.index()].inbox;
        let had = inbox.draft;
        inbox.draft = crate::rally::delivery::draft_after(bytes, had);
        if had && !inbox.draft {
            self.drive_delivery(pane, Instant::now());
        }
    }

    /// The pane printed something.
    pub(super) fn delivery_output(&mut self, pane: PaneId, now: Instant) {
        if let Some(step) = self.slots[pane.index()].inbox.delivery.output(now) {
            self.carry_out_delivery(pane, step);
        }
        self.drive_delivery(pane, now);
    }

    /// The agent in `pane` showed that it took its input: its hook said so, or it
    /// spoke to the app.
    pub(super) fn delivery_confirmed(&mut self, pane: PaneId) {
        if let Some(step) = self.slots[pane.index()]
            .inbox
            .delivery
            .taken(Instant::now())
        {
            self.carry_out_delivery(pane, step);
        }
    }

    /// The pane took the note of the baton's current turn.
    pub(super) fn took_note_this_turn(&self, pane: PaneId) -> bool {
        self.slots[pane.index()].inbox.took_note_in == Some(self.baton.turn())
    }

    /// The last note that went into the pane.
    pub(super) fn last_note(&self, pane: PaneId) -> Option<&str> {
        self.slots[pane.index()].inbox.note.as_deref()
    }

    /// Runs every pane's delivery that may have something to do by now.
    pub(super) fn delivery_tick(&mut self, now: Instant) {
        for pane in (0..self.slots.len()).map(PaneId::new) {
            self.drive_delivery(pane, now);
        }
    }

    /// The earliest moment a delivery needs looking at.
    pub(super) fn delivery_wakeup(&self) -> Option<Instant> {
        (0..self.slots.len())
            .map(PaneId::new)
            .filter(|&pane| self.slots[pane.index()].inbox.delivery.is_pending())
            .filter_map(|pane| {
                self.slots[pane.index()]
                    .inbox
                    .delivery
                    .next_wake(self.readiness(pane))
            })
            .min()
    }

    fn drive_delivery(&mut self, pane: PaneId, now: Instant) {
        if !self.slots[pane.index()].inbox.delivery.is_pending() {
            return;
        }
        let ready = self.readiness(pane);
        if let Some(step) = self.slots[pane.index()].inbox.delivery.tick(now, ready) {
            self.carry_out_delivery(pane, step);
        }
    }

    /// Asked only while a note is pending; waits out a parse in progress, as input does.
    fn readiness(&self, pane: PaneId) -> Readiness {
        let inbox = &self.slots[pane.index()].inbox;
        Readiness {
            bracketed_paste: self.pane(pane).emulator().bracketed_paste(),
            started: inbox.spawned,
            draft: inbox.draft,
        }
    }

    fn carry_out_delivery(&mut self, pane: PaneId, step: Step) {
        let name = self.pane(pane).name.clone();
        match step {
            Step::Paste {
                text,
                bracketed,
                enter_after,
            } => {
                // The mode the delay was chosen for, not a second reading of it.
                let injection = crate::rally::note::injection(&text, bracketed);
                if injection.body.is_empty() {
                    self.pane(pane).write(injection.enter);
                } else {
                    self.pane(pane).write_in_two(
                        injection.body,
                        enter_after,
                        injection.enter,
                    );
                }
            }
            Step::Enter => {
                tracing::info!(pane = %name, "no sign the note was taken: pressing Enter again");
                self.pane(pane).write(b"\r".to_vec());
            }
            Step::HeldForDraft => self.set_notice(format!(
                "the note for {name} waits for your unsent text in it: send it (Enter) or clear it (ctrl-u)"
            )),
            Step::Taken { after, enters } => {
                tracing::info!(pane = %name, ?after, enters, "note taken");
                self.slots[pane.index()].inbox.took_note_in = Some(self.baton.turn());
                self.slots[pane.index()].activity.note_taken();
                self.update_activity(Instant::now());
                let after_ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
                self.log_delivery("note_taken", &name, enters, Some(after_ms));
            }
            Step::NotTaken { enters } => {
                tracing::warn!(pane = %name, enters, "note not taken");
                self.set_notice(format!(
                    "note not taken by {name}: no sign of it after {enters} Enters; it may still sit in {name}'s input box"
                ));
                self.log_delivery("note_not_taken", &name, enters, None);
            }
        }
    }

    fn log_delivery(
        &mut self,
        event: &'static str,
        pane: &str,
        enters: u32,
        after_ms: Option<u64>,
    ) {
        let line = LogLine {
            ts: unix_now(),
            event,
            turn: self.baton.turn(),
            from: None,
            to: Some(pane),
            by: "delivery",
            automatic: false,
            note: "",
            activity: self.activity_report(Instant::now()),
            enters: Some(enters),
            after_ms,
        };
        if let Err(err) = self.session.log(&line) {
            tracing::error!(%err, "writing the handoff log failed");
        }
    }
}
