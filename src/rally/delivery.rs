//! Getting a handoff note into an agent, and knowing that it took it. Pure, with time
//! passed in: the app reports what it sees (the pane's output, its input modes, the
//! person's unsent draft, an agent's own signal) and carries out the [`Step`]s it gets
//! back.
//!
//! Why not paste and hope: an agent that is still starting up takes a paste but drops an
//! Enter right behind it (claude does for its first second or so), and the note then sits
//! in its input box until a person notices. So a note goes in only once the program is
//! ready: it has asked for bracketed paste and its output has been quiet for a moment.
//! After the Enter we wait for a sign that the note was taken: the agent's own hook saying
//! a prompt was submitted, or a request from the pane; for an agent without such a hook,
//! also output that goes on well after the Enter (an agent at work animates). Without a sign, Enter is pressed again, a bounded
//! number of times with growing pauses; then the person is told.
//!
//! A person's draft: text the person typed into the agent's input box and did not send
//! would be merged with the note into one prompt. So a note for a pane with a draft waits
//! (the app says so) until the person sends or clears it: Enter, ctrl-c or ctrl-u.

use std::time::{Duration, Instant};

/// Output must have paused this long before a note goes in: the program has settled.
pub const QUIET: Duration = Duration::from_millis(300);
/// A program that never asks for bracketed paste is taken as ready after this long.
pub const NO_PASTE_GRACE: Duration = Duration::from_secs(3);
/// Longest wait for readiness before the note goes in anyway (a program that never
/// stops drawing, say); a draft still holds it.
pub const READY_WAIT: Duration = Duration::from_secs(10);
/// The pause between a bracketed paste and its Enter. Agents ignore an Enter that
/// arrives inside what they take for the paste.
pub const PASTE_ENTER_DELAY: Duration = Duration::from_millis(120);
/// The pause between typed text and its Enter: codex reads fast typing as a paste burst
/// and takes an Enter within it as a newline.
pub const TYPED_ENTER_DELAY: Duration = Duration::from_millis(300);
/// Output this long after the Enter means the agent is working on the note.
pub const WORKING_SPAN: Duration = Duration::from_millis(400);
/// How long the first Enter gets to show a sign; each retry waits twice as long.
pub const FIRST_CHECK: Duration = Duration::from_millis(1500);
/// Enters pressed in all, the first included, before the person is told (after 1.5 +
/// 3 + 6 s without a sign).
pub const MAX_ENTERS: u32 = 3;

/// What the app sees of a pane when it asks what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// The child has switched bracketed paste on.
    pub bracketed_paste: bool,
    /// When the child was started.
    pub started: Instant,
    /// The person typed into this pane and has not sent or cleared it.
    pub draft: bool,
}

/// What the app must do for a pane's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write the note (as a bracketed paste, or typed), then Enter `enter_after` later.
    Paste {
        text: String,
        bracketed: bool,
        enter_after: Duration,
    },
    /// Press Enter again.
    Enter,
    /// The note waits for the person's draft; said once per note.
    HeldForDraft,
    /// The agent took the note, `after` the first Enter, with `enters` Enters.
    Taken { after: Duration, enters: u32 },
    /// No sign after every retry: the note is probably still in the input box.
    NotTaken { enters: u32 },
}

/// The note on its way into one pane.
#[derive(Debug, Default)]
pub struct Delivery {
    pending: Option<Pending>,
    last_output: Option<Instant>,
    /// The agent reports each prompt it takes through a hook, so only that (or a request
    /// from it) confirms a note: output is no sign then. claude redraws as it starts up,
    /// and under load that drawing came after an Enter it had dropped.
    hook_confirms: bool,
}

#[derive(Debug)]
struct Pending {
    text: String,
    queued: Instant,
    phase: Phase,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Waiting {
        told_draft: bool,
    },
    Sent {
        first_enter: Instant,
        last_enter: Instant,
        enters: u32,
        check_at: Instant,
    },
}

impl Delivery {
    /// A delivery for an agent whose hook says when it took a prompt.
    pub fn confirmed_by_hook() -> Delivery {
        Delivery {
            hook_confirms: true,
            ..Delivery::default()
        }
    }

    /// A note for this pane. It replaces one that has not gone in yet, or stops waiting
    /// for a sign about one that has (the newer note is the turn that counts).
    pub fn queue(&mut self, text: String, now: Instant) {
        self.pending = Some(Pending {
            text,
            queued: now,
            phase: Phase::Waiting { told_draft: false },
        });
    }

    /// Whether a note is waiting to go in or waiting for a sign.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The pane wrote output at `now`; output well after an Enter means it was taken.
    pub fn output(&mut self, now: Instant) -> Option<Step> {
        self.last_output = Some(now);
        match self.pending.as_ref()?.phase {
            Phase::Sent { last_enter, .. }
                if !self.hook_confirms && now >= last_enter + WORKING_SPAN =>
            {
                self.taken(now)
            }
            _ => None,
        }
    }

    /// The agent itself said it took a prompt (a hook), or it spoke to the app.
    pub fn taken(&mut self, now: Instant) -> Option<Step> {
        match self.pending.as_ref()?.phase {
            Phase::Sent {
                first_enter,
                enters,
                ..
            } => {
                self.pending = None;
                Some(Step::Taken {
                    after: now.saturating_duration_since(first_enter),
                    enters,
                })
            }
            Phase::Waiting { .. } => None,
        }
    }

    /// What to do now.
    pub fn tick(&mut self, now: Instant, ready: Readiness) -> Option<Step> {
        let last_output = self.last_output;
        let pending = self.pending.as_mut()?;
        match &mut pending.phase {
            Phase::Waiting { told_draft } => {
                if ready.draft {
                    return (!std::mem::replace(told_draft, true)).then_some(Step::HeldForDraft);
                }
                if !is_ready(pending.queued, last_output, now, ready) {
                    return None;
                }
                let enter_after = if ready.bracketed_paste {
                    PASTE_ENTER_DELAY
                } else {
                    TYPED_ENTER_DELAY
                };
                let enter = now + enter_after;
                pending.phase = Phase::Sent {
                    first_enter: enter,
                    last_enter: enter,
                    enters: 1,
                    check_at: enter + FIRST_CHECK,
                };
                Some(Step::Paste {
                    text: pending.text.clone(),
                    bracketed: ready.bracketed_paste,
                    enter_after,
                })
            }
            Phase::Sent {
                last_enter,
                enters,
                check_at,
                ..
            } => {
                if now < *check_at {
                    return None;
                }
                if *enters >= MAX_ENTERS {
                    let enters = *enters;
                    self.pending = None;
                    return Some(Step::NotTaken { enters });
                }
                *enters += 1;
                *last_enter = now;
                *check_at = now + FIRST_CHECK * 2u32.pow(*enters - 1);
                Some(Step::Enter)
            }
        }
    }

    /// When [`Delivery::tick`] may have something to do without new input; `None` when
    /// nothing is pending or only output (or the person) can move it on.
    pub fn next_wake(&self, ready: Readiness) -> Option<Instant> {
        let pending = self.pending.as_ref()?;
        match pending.phase {
            Phase::Waiting { .. } if ready.draft => None,
            Phase::Waiting { .. } => Some(ready_at(pending.queued, self.last_output, ready)),
            Phase::Sent { check_at, .. } => Some(check_at),
        }
    }
}

fn is_ready(queued: Instant, last_output: Option<Instant>, now: Instant, ready: Readiness) -> bool {
    now >= ready_at(queued, last_output, ready)
}

/// The earliest moment the note may go in, given what is known now.
fn ready_at(queued: Instant, last_output: Option<Instant>, ready: Readiness) -> Instant {
    let quiet = last_output.map_or(queued, |at| (at + QUIET).max(queued));
    let asked = if ready.bracketed_paste {
        quiet
    } else {
        quiet.max(ready.started + NO_PASTE_GRACE)
    };
    asked.min(queued + READY_WAIT)
}

/// Whether the person leaves an unsent draft in a child's input box after writing
/// `bytes` to it, given whether one was there before. Printable text starts a draft;
/// Enter, ctrl-c and ctrl-u end it; escape sequences (arrows, function keys) and other
/// controls change nothing, and backspace is assumed to leave something behind.
pub fn draft_after(bytes: &[u8], mut draft: bool) -> bool {
    let mut in_escape = false;
    let mut in_paste = false;
    for window in bytes.iter().enumerate() {
        let (i, &b) = window;
        if in_escape {
            // CSI and SS3 end on a final byte in 0x40..=0x7E; a paste's end is CSI 201 ~.
            if (0x40..=0x7e).contains(&b) && b != b'[' && b != b'O' {
                in_escape = false;
            }
            continue;
        }
        match b {
            0x1b => {
                in_escape = true;
                let rest = &bytes[i..];
                if rest.starts_with(b"\x1b[200~") {
                    in_paste = true;
                } else if rest.starts_with(b"\x1b[201~") {
                    in_paste = false;
                }
            }
            b'\r' | b'\n' if !in_paste => draft = false,
            0x03 | 0x15 => draft = false,
            0x20..=0x7e | 0x80..=0xff => draft = true,
            _ => {}
        }
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(start: Instant) -> Readiness {
        Readiness {
            bracketed_paste: true,
            started: start,
            draft: false,
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_note_waits_for_quiet_output_then_goes_in_with_a_delayed_enter() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.output(t0);
        d.queue("note".into(), t0 + ms(100));
        assert_eq!(
            d.tick(t0 + ms(200), ready(t0)),
            None,
            "output is not quiet yet"
        );
        assert_eq!(d.next_wake(ready(t0)), Some(t0 + QUIET));
        assert_eq!(
            d.tick(t0 + QUIET, ready(t0)),
            Some(Step::Paste {
                text: "note".into(),
                bracketed: true,
                enter_after: PASTE_ENTER_DELAY
            })
        );
        assert!(d.is_pending(), "it waits for a sign");
    }

    #[test]
    fn a_program_without_bracketed_paste_gets_a_grace_period_and_a_slower_enter() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        let typed = Readiness {
            bracketed_paste: false,
            ..ready(t0)
        };
        assert_eq!(d.tick(t0 + ms(500), typed), None);
        assert_eq!(
            d.tick(t0 + NO_PASTE_GRACE, typed),
            Some(Step::Paste {
                text: "n".into(),
                bracketed: false,
                enter_after: TYPED_ENTER_DELAY
            })
        );
    }

    #[test]
    fn a_program_that_never_settles_gets_the_note_after_the_ready_wait() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        let mut now = t0;
        while now < t0 + READY_WAIT {
            d.output(now);
            assert_eq!(d.tick(now, ready(t0)), None);
            now += ms(100);
        }
        d.output(now);
        assert!(matches!(d.tick(now, ready(t0)), Some(Step::Paste { .. })));
    }

    #[test]
    fn output_well_after_the_enter_confirms_but_the_echo_does_not() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        d.tick(t0, ready(t0));
        let enter = t0 + PASTE_ENTER_DELAY;
        assert_eq!(d.output(enter + ms(50)), None, "the paste's echo");
        assert_eq!(
            d.output(enter + WORKING_SPAN),
            Some(Step::Taken {
                after: WORKING_SPAN,
                enters: 1
            })
        );
        assert!(!d.is_pending());
    }

    #[test]
    fn without_a_sign_enter_is_pressed_again_with_growing_pauses_then_the_person_is_told() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        d.tick(t0, ready(t0));
        let mut now = t0 + PASTE_ENTER_DELAY + FIRST_CHECK;
        assert_eq!(d.tick(now.checked_sub(ms(1)).unwrap(), ready(t0)), None);
        let mut pauses = Vec::new();
        for _ in 1..MAX_ENTERS {
            assert_eq!(d.tick(now, ready(t0)), Some(Step::Enter));
            let next = d.next_wake(ready(t0)).unwrap();
            pauses.push(next - now);
            now = next;
        }
        assert_eq!(pauses, [ms(3000), ms(6000)]);
        assert_eq!(
            d.tick(now, ready(t0)),
            Some(Step::NotTaken { enters: MAX_ENTERS })
        );
        assert_eq!(d.next_wake(ready(t0)), None, "nothing left to wake for");
    }

    #[test]
    fn with_a_hook_only_the_hook_confirms() {
        let t0 = Instant::now();
        let mut d = Delivery::confirmed_by_hook();
        d.queue("n".into(), t0);
        d.tick(t0, ready(t0));
        let enter = t0 + PASTE_ENTER_DELAY;
        assert_eq!(d.output(enter + WORKING_SPAN * 2), None, "start-up drawing");
        assert_eq!(
            d.tick(enter + FIRST_CHECK, ready(t0)),
            Some(Step::Enter),
            "no hook: Enter again"
        );
        assert!(matches!(
            d.taken(enter + FIRST_CHECK + ms(10)),
            Some(Step::Taken { enters: 2, .. })
        ));
    }

    #[test]
    fn a_retried_enter_that_works_counts_its_enters() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        d.tick(t0, ready(t0));
        let retry = t0 + PASTE_ENTER_DELAY + FIRST_CHECK;
        assert_eq!(d.tick(retry, ready(t0)), Some(Step::Enter));
        assert_eq!(d.output(retry + ms(100)), None);
        assert_eq!(
            d.taken(retry + ms(200)),
            Some(Step::Taken {
                after: FIRST_CHECK + ms(200),
                enters: 2
            })
        );
    }

    #[test]
    fn a_hook_before_the_note_went_in_confirms_nothing() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        assert_eq!(d.taken(t0), None);
        assert!(d.is_pending());
    }

    #[test]
    fn a_draft_holds_the_note_until_it_is_gone_and_is_reported_once() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("n".into(), t0);
        let drafted = Readiness {
            draft: true,
            ..ready(t0)
        };
        assert_eq!(d.tick(t0 + ms(500), drafted), Some(Step::HeldForDraft));
        assert_eq!(d.tick(t0 + READY_WAIT * 2, drafted), None);
        assert_eq!(d.next_wake(drafted), None, "only the person can move it on");
        assert!(matches!(
            d.tick(t0 + READY_WAIT * 2, ready(t0)),
            Some(Step::Paste { .. })
        ));
    }

    #[test]
    fn a_newer_note_replaces_one_that_waits() {
        let t0 = Instant::now();
        let mut d = Delivery::default();
        d.queue("old".into(), t0);
        d.queue("new".into(), t0);
        assert_eq!(
            d.tick(t0, ready(t0)),
            Some(Step::Paste {
                text: "new".into(),
                bracketed: true,
                enter_after: PASTE_ENTER_DELAY
            })
        );
    }

    #[test]
    fn drafts_start_with_text_and_end_with_enter_ctrl_c_or_ctrl_u() {
        assert!(draft_after(b"hel", false));
        assert!(!draft_after(b"hello\r", false));
        assert!(!draft_after(b"x\x03", false));
        assert!(!draft_after(b"\x15", true));
        assert!(draft_after(b"\x1b[A", true), "an arrow keeps it");
        assert!(!draft_after(b"\x1b[A", false), "an arrow starts none");
        assert!(draft_after(b"\x7f", true), "backspace may leave some");
        assert!(draft_after("é".as_bytes(), false));
        assert!(
            draft_after(b"\x1b[200~a\nb\x1b[201~", false),
            "a newline inside a paste does not send"
        );
        assert!(!draft_after(b"\x1b[200~a\x1b[201~\r", false));
    }
}
