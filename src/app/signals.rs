//! What agents say about themselves, in the running app: a hook's word moves the pane's
//! [`crate::pane::activity`] state, every state change goes to `log.jsonl`, a permission prompt
//! asks for the person, and a turn that ends without a pass is flagged or passed on
//! (`on_turn_end`).

use std::time::Instant;

use serde::Serialize;

use super::App;
use crate::control::protocol::HookEvent;
use crate::pane::PaneId;
use crate::pane::activity::{Attention, Hint, Signal, Transition};
use crate::pane::osc_scan::{Notice, Progress};
use crate::rally::baton::PassedBy;
use crate::rally::end::OnTurnEnd;
use crate::session::unix_now;

/// A `log.jsonl` line for one pane's state change.
#[derive(Debug, Serialize)]
struct StateLine<'a> {
    ts: f64,
    event: &'static str,
    turn: u32,
    pane: &'a str,
    state: &'static str,
    was: &'static str,
    /// `agent` (its own signal), `silence` or `exit`.
    source: &'static str,
}

impl App {
    /// An agent's hook said what it is doing; `input` is what a turn that ended answered,
    /// when the agent says.
    pub(super) fn on_hook(
        &mut self,
        id: PaneId,
        event: HookEvent,
        message: Option<String>,
        input: Option<String>,
    ) {
        let now = Instant::now();
        let note = self.last_note(id);
        if let (Some(input), Some(note)) = (&input, note)
            && crate::rally::note::embeds(input, note)
        {
            // A turn around the note, not the note's own: codex makes the thread's
            // title from the first prompt in a hidden turn, and says when that ends.
            tracing::debug!(pane = %self.pane(id).name, "an agent's hidden turn ended");
            return;
        }
        let answered_note = match (&input, note) {
            (Some(input), Some(note)) => crate::rally::note::same_text(input, note),
            _ => true,
        };
        if event == HookEvent::TurnEnded && input.is_some() && answered_note {
            // The agent's own record that its turn answered the note: the note was
            // taken, however fast the turn went (before its word that the turn ended).
            self.delivery_confirmed(id);
        }
        let signal = match event {
            HookEvent::PromptSubmitted => Signal::PromptSubmitted,
            HookEvent::TurnEnded => Signal::TurnEnded,
            HookEvent::NeedsPermission => Signal::NeedsPermission,
            HookEvent::WaitingForInput => Signal::WaitingForInput,
        };
        self.agent_said(id, signal, now);
        if event == HookEvent::TurnEnded && self.baton.holder() == Some(id) && answered_note {
            self.turn_ended(id, message);
        }
    }

    /// The agent said what it is doing (by a hook, or a notification of its own): the
    /// pane's state follows, and one that waits on the person asks for them.
    fn agent_said(&mut self, id: PaneId, signal: Signal, now: Instant) {
        if signal == Signal::NeedsPermission {
            // It is past its input box, so a note on its way in was taken: no Enter may
            // follow it, which would answer the prompt. (Before the word itself, which
            // the note's "taken" would outdate.)
            self.delivery_confirmed(id);
        }
        self.slots[id.index()].activity.signal(signal);
        self.frames.dirty = true;
        self.update_activity(now);
        match signal {
            Signal::NeedsPermission => self.raise_attention(id, Attention::NeedsPermission),
            Signal::WaitingForInput if self.baton.holder() == Some(id) => {
                self.raise_attention(id, Attention::WaitingForInput);
            }
            _ => {}
        }
    }

    /// A notification or progress report in a pane's output (see
    /// [`crate::pane::osc_scan`]): the agent's own word when it is one that says
    /// something this way (codex's approval prompts), else a hint that stands in for
    /// hooks the program does not have.
    pub(super) fn on_notice(&mut self, id: PaneId, notice: Notice) {
        let now = Instant::now();
        let agent = self.slots.get(id.index()).and_then(|s| s.agent);
        if let Some(signal) = agent.and_then(|agent| crate::agents::notice_signal(agent, &notice)) {
            let name = &self.pane(id).name;
            tracing::debug!(pane = %name, ?signal, "the agent's notification");
            // Whatever it asks (an approval, a question), it asks past its input box.
            self.delivery_confirmed(id);
            self.agent_said(id, signal, now);
            return;
        }
        if agent.is_some_and(crate::agents::is_wired) {
            // It reports through hooks; its other notifications (codex's turn-end
            // preview) repeat what those say.
            return;
        }
        let hint = match notice {
            Notice::Progress(Progress::Working) => Some(Hint::Progress),
            Notice::Progress(_) => None,
            Notice::Notify { .. } => Some(Hint::Notified),
        };
        self.slots[id.index()].activity.hint(hint);
        self.frames.dirty = true;
        self.update_activity(now);
        if hint == Some(Hint::Notified) && !self.slots[id.index()].activity.reports() {
            self.raise_attention(id, Attention::Notification);
        }
    }

    /// The holder's agent ended its turn and still holds the baton: it did not pass.
    /// Only a turn that answered the note of this baton turn counts; a turn the person
    /// started by typing, or an old turn's end arriving late, is not the rally's.
    fn turn_ended(&mut self, id: PaneId, message: Option<String>) {
        if !self.took_note_this_turn(id) {
            return;
        }
        let name = self.pane(id).name.clone();
        tracing::info!(pane = %name, how = ?self.end.rules.on_turn_end, "turn ended without a pass");
        match self.end.rules.on_turn_end {
            OnTurnEnd::Flag => {
                self.raise_attention(id, Attention::TurnEndedWithoutPass);
            }
            OnTurnEnd::Pass => {
                let note = message
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| format!("{name} ended its turn without a message."));
                let _ = self.pass(id, None, note, PassedBy::TurnEnd);
            }
        }
    }

    /// Writes one pane's state change to `log.jsonl`.
    pub(super) fn log_state(&mut self, id: PaneId, change: Transition) {
        let line = StateLine {
            ts: unix_now(),
            event: "state",
            turn: self.baton.turn(),
            pane: &self.slots[id.index()].pane.name,
            state: change.to.name(),
            was: change.from.name(),
            source: change.source.name(),
        };
        if let Err(err) = self.session.log(&line) {
            tracing::error!(%err, "writing a state change to the log failed");
        }
    }
}
