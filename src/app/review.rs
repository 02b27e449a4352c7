//! The pair review in the running app: each turn's start is recorded, and a handoff note
//! waits for the turn's diff (computed on [`crate::rally::review`]'s worker) before it is typed
//! into the next holder. The diff pane, if any, is shown the same diff.

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;

use super::App;
use crate::pane::PaneId;
use crate::rally::review::{Changes, DiffDone, Reviewer};

/// What the rally's review needs from the preset.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    /// Where the changes are looked for: the session's working directory.
    pub dir: std::path::PathBuf,
    pub max_diff_lines: usize,
    /// The pane that shows each turn's diff; it never takes a turn.
    pub diff_pane: Option<PaneId>,
}

/// The shell loop the diff pane runs: it reads "BEFORE AFTER" tree pairs from its input
/// and shows their diff ("- -" when there is none to show).
pub const DIFF_PANE_COMMAND: &str = "stty -echo 2>/dev/null; \
printf 'Each turn'\\''s changes show here when the baton moves.\\n'; \
while read -r a b; do printf '\\033[H\\033[2J\\033[3J'; \
if [ \"$a\" = - ]; then echo 'no diff: not a git repository'; else \
git --no-pager diff --stat \"$a\" \"$b\"; echo; git --no-pager diff --color=always \"$a\" \"$b\"; \
fi; done";

/// A handoff note waiting for its diff.
struct Waiting {
    pane: PaneId,
    from: String,
    to: String,
    turn: u32,
    note: String,
}

pub(super) struct Review {
    reviewer: Reviewer,
    waiting: HashMap<u64, Waiting>,
    /// The last turn whose start was asked to be recorded.
    recorded: u32,
    diff_pane: Option<PaneId>,
}

impl Review {
    /// Starts the git worker; `None` (logged) if its thread cannot start.
    pub(super) fn start(config: ReviewConfig, done: UnboundedSender<DiffDone>) -> Option<Review> {
        let reviewer = Reviewer::start(config.dir, config.max_diff_lines, move |diff| {
            let _ = done.send(diff);
        });
        match reviewer {
            Ok(reviewer) => {
                reviewer.turn_started(1);
                Some(Review {
                    reviewer,
                    waiting: HashMap::new(),
                    recorded: 1,
                    diff_pane: config.diff_pane,
                })
            }
            Err(err) => {
                tracing::error!(%err, "the review worker did not start; notes carry no diff");
                None
            }
        }
    }
}

impl App {
    /// A note for `pane` at the start of `turn`: in a review it waits for the diff of the
    /// turn that just ended; otherwise it goes at once.
    pub(super) fn inject_note(
        &mut self,
        pane: PaneId,
        from: String,
        to: String,
        turn: u32,
        note: String,
    ) {
        if let Some(review) = &mut self.link.review {
            let ticket = review.reviewer.turn_ended(turn.saturating_sub(1), turn);
            review.recorded = review.recorded.max(turn);
            let waiting = Waiting {
                pane,
                from,
                to,
                turn,
                note,
            };
            review.waiting.insert(ticket, waiting);
        } else {
            let text = self.render_note(&from, &to, turn, &note, &Changes::default());
            self.inject(pane, &text);
        }
    }

    /// A turn began without a note (the baton was taken, or moved on from an exited
    /// pane): record where it starts.
    pub(super) fn review_turn_started(&mut self, turn: u32) {
        if let Some(review) = &mut self.link.review
            && review.recorded < turn
        {
            review.reviewer.turn_started(turn);
            review.recorded = turn;
        }
    }

    /// A diff is ready: its note goes out, and the diff pane shows it.
    pub(super) fn on_diff_done(&mut self, done: DiffDone) {
        let Some(review) = &mut self.link.review else {
            return;
        };
        let Some(waiting) = review.waiting.remove(&done.ticket) else {
            return;
        };
        if let Some(pane) = review
            .diff_pane
            .and_then(|p| self.slots.get(p.index()).map(|s| &s.pane))
        {
            let line = match &done.changes.trees {
                Some((before, after)) => format!("{before} {after}\n"),
                None => "- -\n".to_string(),
            };
            pane.write(line.into_bytes());
        }
        let Waiting {
            pane,
            from,
            to,
            turn,
            note,
        } = waiting;
        let text = self.render_note(&from, &to, turn, &note, &done.changes);
        self.inject(pane, &text);
        self.frames.dirty = true;
    }
}
