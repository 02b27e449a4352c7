//! The baton in the running app: applying its events, carrying out its effects (inject
//! the note, log the handoff, tell the person), and answering agents over the socket.

use std::time::Instant;

use super::App;
use super::overlay::{NoteEditor, Overlay};
use super::slots::PaneSlot;
use crate::control::protocol::{ErrorCode, HookEvent, Op, PaneInfo, Response, StatusInfo};
use crate::control::server::ControlRequest;
use crate::pane::PaneId;
use crate::rally::baton::{Effect, Event as BatonEvent, LogEntry, PassedBy, Refusal};
use crate::session::{LogLine, unix_now};

impl App {
    /// Environment each child gets so it can talk back to the app.
    pub(super) fn rally_env(&mut self, name: &str) -> Vec<(String, String)> {
        let mut env = self.link.control.env_for(name);
        env.extend([
            ("RALLISH_SESSION".into(), self.session.id().to_string()),
            (
                crate::scratchpad::ENV_SCRATCHPAD.into(),
                self.scratch.path().display().to_string(),
            ),
        ]);
        env
    }

    /// Applies a baton event; refusals become a notice and change nothing.
    pub(super) fn apply_baton(&mut self, event: BatonEvent) -> Result<(), Refusal> {
        let result = self.baton.apply(event, Instant::now());
        match &result {
            Ok(effects) => {
                for effect in effects.clone() {
                    self.carry_out(effect);
                }
            }
            Err(refusal) => self.set_notice(refusal.to_string()),
        }
        self.frames.dirty = true;
        result.map(drop)
    }

    pub(super) fn pass_by_key(&mut self, to: Option<PaneId>, note: String) {
        let Some(from) = self.baton.holder() else {
            self.set_notice(self.parked_why());
            return;
        };
        let _ = self.pass(from, to, note, PassedBy::Key);
    }

    pub(super) fn on_pane_exited(&mut self, id: PaneId) {
        let _ = self.apply_baton(BatonEvent::PaneExited { pane: id });
    }

    fn carry_out(&mut self, effect: Effect) {
        match effect {
            Effect::Inject {
                pane,
                from,
                to,
                turn,
                note,
            } => self.inject_note(pane, from, to, turn, note),
            Effect::Log(entry) => {
                self.review_turn_started(entry.turn);
                let from = entry.from.as_deref().unwrap_or("-");
                let automatic = match entry.by {
                    PassedBy::TurnEnd => " (automatic: the turn ended without a pass)",
                    PassedBy::Timeout => " (automatic: the turn ran over its time)",
                    PassedBy::Exit => " (automatic: the holder exited)",
                    PassedBy::Key | PassedBy::Agent | PassedBy::Person => "",
                };
                self.mark(&format!(
                    "turn {}: {from} -> {}{automatic}",
                    entry.turn, entry.to
                ));
                self.log_handoff(&entry);
            }
            Effect::Notice(text) => self.set_notice(text),
        }
    }

    /// The note for `to` as the template words it.
    pub(super) fn render_note(
        &self,
        from: &str,
        to: &str,
        turn: u32,
        note: &str,
        changes: &crate::rally::review::Changes,
    ) -> String {
        let turn = turn.to_string();
        let vars = [
            ("from", from),
            ("to", to),
            ("turn", &turn),
            ("note", note),
            ("diff_stat", &changes.stat),
            ("diff", &changes.diff),
        ];
        self.link.notes.render(&vars, self.scratch.path())
    }

    fn log_handoff(&mut self, entry: &LogEntry) {
        let line = LogLine {
            ts: unix_now(),
            event: "pass",
            turn: entry.turn,
            from: entry.from.as_deref(),
            to: Some(&entry.to),
            by: entry.by.name(),
            automatic: entry.by.is_automatic(),
            note: &entry.note,
            activity: self.activity_report(Instant::now()),
            enters: None,
            after_ms: None,
        };
        if let Err(err) = self.session.log(&line) {
            tracing::error!(%err, "writing the handoff log failed");
            self.set_notice(format!("handoff log not written: {err}"));
        }
    }

    /// Opens the note editor for a pass to the next pane, prefilled from the template.
    pub(super) fn open_note_editor(&mut self) {
        if self.reopen_person_editor() {
            return;
        }
        let Some(from) = self.baton.holder() else {
            self.set_notice(self.parked_why());
            return;
        };
        let Some(to) = self.baton.next_after(from) else {
            self.set_notice("there is no other live pane to pass to");
            return;
        };
        let editor = NoteEditor::new(to, "", "what should the next agent do?");
        self.chrome.overlays.push(Overlay::NoteEditor(editor));
    }

    /// The opening note of a rally goes to the first holder; it goes in once that
    /// agent is ready for it (see [`crate::rally::delivery`]).
    pub(super) fn kickoff(&mut self) {
        let Some(pane) = self.baton.holder() else {
            return;
        };
        if let Some(text) = self.link.notes.kickoff.take() {
            let name = self.pane(pane).name.clone();
            let changes = crate::rally::review::Changes::default();
            let text = self.render_note("rallish", &name, self.baton.turn(), &text, &changes);
            self.inject(pane, &text);
        }
    }

    pub(super) fn on_control(&mut self, request: ControlRequest) {
        let ControlRequest {
            request,
            peer_pid,
            reply,
        } = request;
        let authentic = crate::control::token::authenticate(
            &self.link.control.tokens,
            &request.pane,
            &request.token,
        )
        .and_then(|()| self.check_provenance(&request.pane, peer_pid));
        // An agent that speaks to us is at work: whatever note went in was taken. Not
        // the end of a turn, though: that may be the end of the turn before the note.
        let ends_turn = matches!(
            request.op,
            Op::Hook {
                event: HookEvent::TurnEnded,
                ..
            }
        );
        let id = self.baton.pane_index(&request.pane);
        if authentic.is_ok()
            && !ends_turn
            && let Some(id) = id
        {
            self.delivery_confirmed(id);
        }
        let response = match authentic {
            Err(response) => response,
            Ok(()) => match request.op {
                Op::Hook {
                    event,
                    message,
                    input,
                } => {
                    tracing::debug!(pane = %request.pane, ?event, "agent hook");
                    if let Some(id) = id {
                        self.on_hook(id, event, message, input);
                    }
                    Response::ok("noted")
                }
                Op::Pass { to, note } => self.pass_by_agent(&request.pane, to, note),
                Op::Status {} => self.status_response(),
                Op::ScratchRead {} => self.scratch_read(&request.pane),
                Op::ScratchAppend { text } => self.scratch_append(&request.pane, &text),
                Op::ScratchWrite { text } => self.scratch_write(&request.pane, &text),
            },
        };
        let _ = reply.send(response);
    }

    /// A request must come from inside the pane it names: its child or a descendant.
    /// Every child runs as the same user and can read the others' environments, so the
    /// token alone would let one pane act as another.
    fn check_provenance(&self, pane: &str, peer_pid: Option<i32>) -> Result<(), Response> {
        let root = self
            .baton
            .pane_index(pane)
            .and_then(|id| self.pane(id).pid());
        match (root, peer_pid) {
            (Some(root), Some(peer)) if crate::pane::process_tree::descends_from(peer, root) => {
                Ok(())
            }
            _ => Err(Response::error(
                ErrorCode::BadToken,
                format!("this request does not come from a process running inside pane {pane:?}"),
            )),
        }
    }

    fn pass_by_agent(&mut self, pane: &str, to: Option<String>, note: String) -> Response {
        let Some(from) = self.baton.pane_index(pane) else {
            return Response::error(ErrorCode::UnknownPane, format!("there is no pane {pane:?}"));
        };
        let to = match to {
            None => None,
            Some(name) => match self.baton.pane_index(&name) {
                Some(id) => Some(id),
                None => {
                    return Response::error(
                        ErrorCode::UnknownPane,
                        format!("there is no pane {name:?} to pass to"),
                    );
                }
            },
        };
        match self.pass(from, to, note, PassedBy::Agent) {
            Ok(()) if self.baton.is_ended() => {
                let reason = self.end.reason.as_ref().map(ToString::to_string);
                Response::ok(format!("the rally ended: {}", reason.unwrap_or_default()))
            }
            Ok(()) => {
                let holder = self.baton.holder_name().unwrap_or("nobody").to_string();
                Response::ok(format!(
                    "passed the baton to {holder} (turn {})",
                    self.baton.turn()
                ))
            }
            Err(refusal @ Refusal::NotHolder { .. }) => {
                Response::error(ErrorCode::NotHolder, refusal.to_string())
            }
            Err(refusal @ Refusal::UnknownPane { .. }) => {
                Response::error(ErrorCode::UnknownPane, refusal.to_string())
            }
            Err(refusal) => Response::error(ErrorCode::Refused, refusal.to_string()),
        }
    }

    fn status_response(&self) -> Response {
        let status = StatusInfo {
            holder: self.baton.holder_name().map(str::to_string),
            turn: u64::from(self.baton.turn()),
            paused: self.baton.is_paused(),
            panes: self
                .slots
                .iter()
                .map(|PaneSlot { pane, .. }| PaneInfo {
                    id: pane.name.clone(),
                    title: pane.command.clone(),
                    running: pane.status().is_running(),
                })
                .collect(),
        };
        let value = serde_json::to_value(&status).map(|mut value| {
            value["activity"] = self.activity_report(Instant::now());
            value
        });
        match value {
            Ok(value) => Response::ok_with_status(self.baton_summary(), value),
            Err(err) => Response::error(ErrorCode::Refused, err.to_string()),
        }
    }

    /// Why nobody can pass.
    pub(super) fn parked_why(&self) -> &'static str {
        if self.baton.is_ended() {
            "the rally has ended: nobody can pass the baton"
        } else {
            "the baton is parked: nobody can pass it"
        }
    }

    /// "a holds the baton (turn 3)" or why nobody does.
    pub(super) fn baton_summary(&self) -> String {
        let turn = match self.baton.max_turns() {
            Some(max) => format!("turn {}/{max}", self.baton.turn()),
            None => format!("turn {}", self.baton.turn()),
        };
        if let Some(person) = self.person_summary() {
            return format!("{person} · {turn}");
        }
        match self.baton.holder_name() {
            Some(holder) => format!(
                "{} {holder} holds the baton · {turn}",
                self.prefs.theme.baton_symbol
            ),
            None if self.baton.is_ended() => format!("rally ended · {turn}"),
            None if self.baton.is_paused() => format!("paused · {turn}"),
            None => format!("baton parked · {turn}"),
        }
    }
}
