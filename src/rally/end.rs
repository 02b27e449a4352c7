//! When a rally ends: a pure decision from the preset's budget and exit conditions, the
//! rally's progress and the time, which the caller passes in. No I/O, no clock.

use std::fmt;
use std::time::{Duration, Instant};

/// One entry of a preset's `exit_when`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitCondition {
    /// `"turns_exhausted"`: the holder of the last budgeted turn finished it.
    TurnsExhausted,
    /// `"deadline"`: the rally has run for `deadline_minutes`.
    Deadline,
    /// `{ note_contains = "APPROVED" }`: a handoff note contains this text.
    NoteContains(String),
    /// `{ command = "cargo test -q", after = "each_turn" }`: the command, run in the
    /// session's directory after each turn, exited 0.
    Command(String),
}

/// What happens when the baton holder ends its turn without passing the baton (its
/// agent said so: see [`crate::pane::activity::Signal::TurnEnded`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnTurnEnd {
    /// Tell the person; the turn goes on (and counts toward the turn timeout).
    #[default]
    Flag,
    /// Pass the baton on by itself, with the agent's last message as the note.
    Pass,
}

/// The budget and exit conditions of one rally.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub max_turns: Option<u32>,
    pub deadline: Option<Duration>,
    /// How long a turn may run before the person is told.
    pub turn_timeout: Option<Duration>,
    /// Pass on by itself when a turn runs over, instead of only telling the person.
    pub auto_pass_on_timeout: bool,
    pub exit_when: Vec<ExitCondition>,
    /// A turn that ends without a pass.
    pub on_turn_end: OnTurnEnd,
}

/// What the rally has done so far, as the exit conditions need it.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub started: Instant,
    /// Turns whose holder has finished them (by passing, or trying to).
    pub turns_done: u32,
    /// The pass being made: who passes, and the note.
    pub pass: Option<(&'a str, &'a str)>,
    /// An exit command that has just exited 0.
    pub command_succeeded: Option<&'a str>,
}

impl<'a> Progress<'a> {
    pub fn new(started: Instant, turns_done: u32) -> Progress<'a> {
        Progress {
            started,
            turns_done,
            pass: None,
            command_succeeded: None,
        }
    }
}

/// Why a rally ended, as its banner says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    TurnsExhausted { max_turns: u32 },
    Deadline { after: Duration },
    NoteContains { from: String, text: String },
    Command { command: String },
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndReason::TurnsExhausted { max_turns } => {
                write!(f, "all {max_turns} turns are used")
            }
            EndReason::Deadline { after } => {
                write!(
                    f,
                    "the deadline passed ({} after the start)",
                    minutes(*after)
                )
            }
            EndReason::NoteContains { from, text } => {
                write!(f, "{from}'s handoff note contains \"{text}\"")
            }
            EndReason::Command { command } => write!(f, "`{command}` succeeded"),
        }
    }
}

/// A duration the way a budget is written: whole minutes, else seconds.
pub fn minutes(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{:.0} s", d.as_secs_f64())
    }
}

/// The first exit condition, in the preset's order, that holds at `now`.
pub fn rally_end(rules: &Rules, progress: &Progress<'_>, now: Instant) -> Option<EndReason> {
    rules
        .exit_when
        .iter()
        .find_map(|condition| match condition {
            ExitCondition::TurnsExhausted => rules
                .max_turns
                .filter(|&max| progress.turns_done >= max)
                .map(|max_turns| EndReason::TurnsExhausted { max_turns }),
            ExitCondition::Deadline => {
                let after = rules.deadline?;
                (now >= progress.started + after).then_some(EndReason::Deadline { after })
            }
            ExitCondition::NoteContains(text) => {
                let (from, note) = progress.pass?;
                note.contains(text.as_str())
                    .then(|| EndReason::NoteContains {
                        from: from.to_string(),
                        text: text.clone(),
                    })
            }
            ExitCondition::Command(command) => {
                (progress.command_succeeded == Some(command)).then(|| EndReason::Command {
                    command: command.clone(),
                })
            }
        })
}

impl Rules {
    /// When the deadline condition fires, for a rally that started at `started`.
    pub fn deadline_at(&self, started: Instant) -> Option<Instant> {
        let deadline = self.deadline?;
        self.exit_when
            .contains(&ExitCondition::Deadline)
            .then(|| started + deadline)
    }

    /// When a turn that has run `in_turn` by `now` runs over its timeout.
    pub fn turn_timeout_at(&self, now: Instant, in_turn: Duration) -> Option<Instant> {
        let timeout = self.turn_timeout?;
        Some(now + timeout.saturating_sub(in_turn))
    }

    /// Whether a turn that has run `in_turn` is over its timeout.
    pub fn is_overdue(&self, in_turn: Duration) -> bool {
        self.turn_timeout.is_some_and(|t| in_turn >= t)
    }

    /// The commands to run after each turn.
    pub fn commands(&self) -> impl Iterator<Item = &str> {
        self.exit_when.iter().filter_map(|c| match c {
            ExitCondition::Command(command) => Some(command.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(exit_when: Vec<ExitCondition>) -> Rules {
        Rules {
            max_turns: Some(6),
            deadline: Some(Duration::from_secs(30 * 60)),
            turn_timeout: Some(Duration::from_secs(600)),
            auto_pass_on_timeout: false,
            exit_when,
            on_turn_end: OnTurnEnd::Flag,
        }
    }

    #[test]
    fn turns_exhausted_once_the_last_turn_is_done() {
        let t0 = Instant::now();
        let r = rules(vec![ExitCondition::TurnsExhausted]);
        assert_eq!(rally_end(&r, &Progress::new(t0, 5), t0), None);
        assert_eq!(
            rally_end(&r, &Progress::new(t0, 6), t0),
            Some(EndReason::TurnsExhausted { max_turns: 6 })
        );
        // Without the condition the budget is only a cap.
        assert_eq!(rally_end(&rules(vec![]), &Progress::new(t0, 9), t0), None);
    }

    #[test]
    fn deadline_with_an_injected_clock() {
        let t0 = Instant::now();
        let r = rules(vec![ExitCondition::Deadline]);
        let p = Progress::new(t0, 1);
        let minute = Duration::from_secs(60);
        assert_eq!(rally_end(&r, &p, t0 + 29 * minute), None);
        let end = rally_end(&r, &p, t0 + 30 * minute);
        assert_eq!(end, Some(EndReason::Deadline { after: 30 * minute }));
        assert_eq!(
            end.map(|e| e.to_string()).as_deref(),
            Some("the deadline passed (30 min after the start)")
        );
        assert_eq!(r.deadline_at(t0), Some(t0 + 30 * minute));
        // A deadline that is not an exit condition sets no timer.
        assert_eq!(rules(vec![]).deadline_at(t0), None);
    }

    #[test]
    fn note_contains_looks_at_the_pass_being_made() {
        let t0 = Instant::now();
        let r = rules(vec![ExitCondition::NoteContains("APPROVED".into())]);
        let mut p = Progress::new(t0, 2);
        assert_eq!(rally_end(&r, &p, t0), None);
        p.pass = Some(("reviewer", "looks good, not yet approved"));
        assert_eq!(rally_end(&r, &p, t0), None);
        p.pass = Some(("reviewer", "LGTM. APPROVED"));
        let end = rally_end(&r, &p, t0).map(|e| e.to_string());
        assert_eq!(
            end.as_deref(),
            Some("reviewer's handoff note contains \"APPROVED\"")
        );
    }

    #[test]
    fn a_command_ends_the_rally_when_it_succeeded() {
        let t0 = Instant::now();
        let r = rules(vec![ExitCondition::Command("cargo test -q".into())]);
        let mut p = Progress::new(t0, 2);
        assert_eq!(rally_end(&r, &p, t0), None);
        p.command_succeeded = Some("make check");
        assert_eq!(rally_end(&r, &p, t0), None);
        p.command_succeeded = Some("cargo test -q");
        assert_eq!(
            rally_end(&r, &p, t0),
            Some(EndReason::Command {
                command: "cargo test -q".into()
            })
        );
        assert_eq!(r.commands().collect::<Vec<_>>(), ["cargo test -q"]);
    }

    #[test]
    fn the_first_condition_in_order_wins() {
        let t0 = Instant::now();
        let r = rules(vec![
            ExitCondition::NoteContains("DONE".into()),
            ExitCondition::TurnsExhausted,
        ]);
        let mut p = Progress::new(t0, 6);
        p.pass = Some(("a", "DONE"));
        assert!(matches!(
            rally_end(&r, &p, t0),
            Some(EndReason::NoteContains { .. })
        ));
    }

    #[test]
    fn turn_timeout() {
        let t0 = Instant::now();
        let r = rules(vec![]);
        let ten = Duration::from_secs(600);
        assert!(!r.is_overdue(Duration::from_secs(599)));
        assert!(r.is_overdue(ten));
        assert_eq!(
            r.turn_timeout_at(t0, Duration::from_secs(60)),
            Some(t0 + Duration::from_secs(540))
        );
        assert_eq!(Rules::default().turn_timeout_at(t0, ten), None);
        assert_eq!(minutes(Duration::from_secs(3)), "3 s");
    }
}
