//! The person in the rotation: a role whose command is `person` has no pane. A pass
//! whose route reaches it (by an agent, or by itself at a turn's end or timeout) pauses
//! the rally, tells the person, and opens the note editor; the note they send goes to the
//! role after them, and the rally goes on.

use std::time::Instant;

use super::App;
use super::overlay::{NoteEditor, Overlay};
use crate::pane::PaneId;
use crate::rally::baton::{Event as BatonEvent, PassedBy};
use crate::session::{LogLine, unix_now};

/// The person's seat, by pane index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The person role's name.
    pub name: String,
    /// A pass from the first pane that names no target goes to the person, and their
    /// note to the second.
    pub after: Vec<(PaneId, PaneId)>,
}

/// The person's seat in the rotation.
pub(super) struct PersonSeat {
    /// The person's role, when the rotation has one.
    pub(super) person: Option<Person>,
    /// The person's turn: the pane whose pass reached them, and the pane their note is for.
    pub(super) turn: Option<(PaneId, PaneId)>,
}

impl App {
    /// Where a pass from `from` that names no target goes to the person first: the pane
    /// the person's note will be for. A pass the person makes themselves goes straight on.
    pub(super) fn via_person(&self, from: PaneId, by: PassedBy) -> Option<PaneId> {
        if matches!(by, PassedBy::Key | PassedBy::Person) {
            return None;
        }
        let person = self.seat.person.as_ref()?;
        person
            .after
            .iter()
            .find(|(f, _)| *f == from)
            .map(|(_, to)| *to)
    }

    /// `from` passed with `note`, and the person comes next: the rally pauses until they
    /// send their note for `to`.
    pub(super) fn person_takes(&mut self, from: PaneId, to: PaneId, note: String, by: PassedBy) {
        let Some(person) = self.seat.person.as_ref().map(|p| p.name.clone()) else {
            return;
        };
        let from_name = self.pane(from).name.clone();
        let to_name = self.pane(to).name.clone();
        let note = crate::rally::note::sanitize(&note);
        self.mark(&format!(
            "turn {}: {from_name} -> {person}",
            self.baton.turn()
        ));
        let line = LogLine {
            ts: unix_now(),
            event: "person_turn",
            turn: self.baton.turn(),
            from: Some(&from_name),
            to: Some(&person),
            by: by.name(),
            automatic: by.is_automatic(),
            note: &note,
            activity: self.activity_report(Instant::now()),
            enters: None,
            after_ms: None,
        };
        if let Err(err) = self.session.log(&line) {
            tracing::error!(%err, "writing the handoff log failed");
        }
        if self.apply_baton(BatonEvent::Pause).is_err() {
            return;
        }
        self.seat.turn = Some((from, to));
        tracing::info!(from = %from_name, to = %to_name, "the person's turn");
        if self.host.notify.bell {
            self.host.out.push(0x07);
        }
        self.tell_person(
            &person,
            &format!("(you): your turn, {from_name} passed"),
            false,
        );
        self.set_notice(format!(
            "your turn, {person}: {from_name} passed; write the note for {to_name} (ctrl-s sends it)"
        ));
        self.open_person_editor(to, &note);
    }

    /// The note editor for the person's note to `to`, holding the note that reached them.
    fn open_person_editor(&mut self, to: PaneId, note: &str) {
        let editor = NoteEditor::new(to, note, "your note for the next agent");
        self.chrome.overlays.push(Overlay::NoteEditor(editor));
    }

    /// `ctrl-] n` during the person's turn: the editor again, for the note it waits on.
    pub(super) fn reopen_person_editor(&mut self) -> bool {
        let Some((_, to)) = self.seat.turn else {
            return false;
        };
        self.open_person_editor(to, "");
        true
    }

    /// The note editor was sent: during the person's turn it ends it.
    pub(super) fn person_sends(&mut self, to: PaneId, note: &str) -> bool {
        let Some((from, for_pane)) = self.seat.turn else {
            return false;
        };
        if for_pane != to {
            return false;
        }
        self.seat.turn = None;
        if self.apply_baton(BatonEvent::Resume).is_err() {
            return true;
        }
        // The pane that passed to the person holds the baton again (or the next live
        // one, if it exited meanwhile): the pass to `to` carries the person's note.
        let holder = self.baton.holder().unwrap_or(from);
        let _ = self.pass(holder, Some(to), note.to_string(), PassedBy::Person);
        true
    }

    /// The person closed the editor without sending: the rally keeps waiting.
    pub(super) fn person_cancelled(&mut self) -> bool {
        let Some((_, to)) = self.seat.turn else {
            return false;
        };
        let prefix = self.prefs.keymap.prefix();
        let to = self.pane(to).name.clone();
        self.set_notice(format!(
            "the rally waits for your note to {to}: {prefix} n writes it"
        ));
        true
    }

    /// "you hold the baton: write the note for b", for the status bar.
    pub(super) fn person_summary(&self) -> Option<String> {
        let (_, to) = self.seat.turn?;
        let person = &self.seat.person.as_ref()?.name;
        Some(format!(
            "{} {person} (you) holds the baton: write the note for {}",
            self.prefs.theme.baton_symbol,
            self.pane(to).name
        ))
    }
}
