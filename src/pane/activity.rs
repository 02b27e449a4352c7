//! Is a pane working, waiting, or done? Pure, with time passed in. The agent's own word
//! comes first: an agent CLI whose hooks rallish-tui wires in ([`crate::agents`]) says
//! when it took a prompt, ended its turn, or waits on a permission prompt or for input
//! ([`Signal`]). Until it has said anything (and after the person typed into it, which
//! may have answered what it waited on) the state is guessed from output silence. A
//! program that never speaks through hooks may still say something in its output: a
//! progress report (OSC 9;4) or a desktop notification (OSC 9, 777) is a [`Hint`],
//! weaker than the agent's word and stronger than silence. The app asks
//! [`Activity::next_change`] when to look again, so a quiet rally schedules nothing and
//! idles at 0% CPU.

use std::time::{Duration, Instant};

/// Output within this window counts as busy, and the spinner turns.
pub const BUSY_WINDOW: Duration = Duration::from_secs(1);
/// One spinner frame. Five a second reads as turning; each turn repaints the pane's top
/// edge, and with dozens of busy panes a faster spinner is most of what the app draws.
const SPIN_FRAME_MS: u128 = 200;
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No word from the agent: it wrote output within the idle threshold.
    Busy,
    /// No word from the agent: silent for at least the idle threshold (or never wrote
    /// anything).
    Idle,
    /// The agent said it took a prompt (or a note it took started its turn).
    Working,
    /// The agent said its turn is over.
    TurnEnded,
    /// The agent said it waits on a permission prompt.
    NeedsPermission,
    /// The agent said it has waited for input for a while (or a program without hooks
    /// sent a desktop notification).
    WaitingForInput,
    Exited,
}

/// Where a state comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The agent's own word: its hooks, its `notify` program, its own notifications.
    Agent,
    /// A progress report or notification in a program's output ([`Hint`]).
    Terminal,
    /// Output, or the lack of it.
    Silence,
    Exit,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Agent => "agent",
            Source::Terminal => "terminal",
            Source::Silence => "silence",
            Source::Exit => "exit",
        }
    }
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Busy => "busy",
            State::Idle => "idle",
            State::Working => "working",
            State::TurnEnded => "turn ended",
            State::NeedsPermission => "needs permission",
            State::WaitingForInput => "waiting for input",
            State::Exited => "exited",
        }
    }
}

/// What an agent says about itself (see [`crate::control::protocol::HookEvent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// It took a prompt and is at work on it.
    PromptSubmitted,
    /// It finished answering.
    TurnEnded,
    /// It shows a permission prompt and waits for the person's answer.
    NeedsPermission,
    /// It has been waiting for input for a while (claude says so after a minute).
    WaitingForInput,
}

/// What a program's output says about it without hooks (see [`crate::pane::osc_scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// It shows a progress bar (OSC 9;4, state 1 or 3): it is at work.
    Progress,
    /// It sent a desktop notification: something is done or wants the person.
    Notified,
}

/// Why a pane wants the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    /// Its child rang the bell.
    Bell,
    /// It holds the baton and went quiet: its turn probably waits for input.
    WaitingForInput,
    /// Its turn ran past the preset's turn timeout.
    TurnTimeout,
    /// It said it waits on a permission prompt.
    NeedsPermission,
    /// It holds the baton and said its turn ended, without passing.
    TurnEndedWithoutPass,
    /// Its program (one without hooks) sent a desktop notification.
    Notification,
}

impl Attention {
    pub fn reason(self) -> &'static str {
        match self {
            Attention::Bell => "rang the bell",
            Attention::WaitingForInput => "is waiting for input",
            Attention::TurnTimeout => "is over its turn time",
            Attention::NeedsPermission => "is asking for permission",
            Attention::TurnEndedWithoutPass => "ended its turn without passing",
            Attention::Notification => "sent a notification",
        }
    }

    /// Raised from what the agent said about itself; a newer word from it outdates it.
    fn is_agents_word(self) -> bool {
        matches!(
            self,
            Attention::NeedsPermission | Attention::TurnEndedWithoutPass
        )
    }
}

/// One pane's activity.
#[derive(Debug, Clone)]
pub struct Activity {
    last_output: Option<Instant>,
    exited: bool,
    /// What the agent last said about itself; `None`: nothing yet, or outdated.
    said: Option<Signal>,
    /// The agent has said something at least once: it reports its own state.
    reports: bool,
    /// What the program's output last said about it; heard only until it reports.
    hint: Option<Hint>,
    /// The state last reported by [`Activity::update`], to notice transitions.
    reported: (State, Source),
    attention: Option<Attention>,
    idle_after: Duration,
}

/// What changed in an update, for the app to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    /// Where the new state comes from.
    pub source: Source,
}

impl Activity {
    pub fn new(idle_after: Duration) -> Activity {
        Activity {
            last_output: None,
            exited: false,
            said: None,
            reports: false,
            hint: None,
            reported: (State::Idle, Source::Silence),
            attention: None,
            idle_after: idle_after.max(BUSY_WINDOW),
        }
    }

    pub fn output(&mut self, now: Instant) {
        self.last_output = Some(now);
    }

    pub fn exited(&mut self) {
        self.exited = true;
    }

    /// The agent said something about itself.
    pub fn signal(&mut self, signal: Signal) {
        self.said = Some(signal);
        self.reports = true;
        // Whatever it asked for before is outdated by what it says now.
        if self.attention.is_some_and(Attention::is_agents_word) {
            self.attention = None;
        }
    }

    /// What the program's output says about it (`None`: its progress bar went away).
    pub fn hint(&mut self, hint: Option<Hint>) {
        self.hint = hint;
    }

    /// Whether the agent reports its own state (so hints from its output are not needed).
    pub fn reports(&self) -> bool {
        self.reports
    }

    /// A note went into the agent and it took it: an agent that reports its state is
    /// at work now, even before (or without) a hook saying so.
    pub fn note_taken(&mut self) {
        if self.reports {
            self.said = Some(Signal::PromptSubmitted);
        }
        self.hint = self.hint.filter(|h| *h != Hint::Notified);
    }

    /// The person typed into the pane: that may have answered a permission prompt or
    /// started a turn the agent does not report, so its last word no longer holds and
    /// silence decides until it says something again.
    pub fn typed(&mut self) {
        if self.said != Some(Signal::PromptSubmitted) {
            self.said = None;
        }
        self.hint = self.hint.filter(|h| *h != Hint::Notified);
    }

    pub fn state(&self, now: Instant) -> State {
        self.read(now).0
    }

    /// Where [`Activity::state`] comes from.
    pub fn source(&self, now: Instant) -> Source {
        self.read(now).1
    }

    fn read(&self, now: Instant) -> (State, Source) {
        if self.exited {
            return (State::Exited, Source::Exit);
        }
        let silent = match self.last_output {
            Some(at) => now.saturating_duration_since(at) >= self.idle_after,
            None => true,
        };
        let said = match self.said {
            // An agent CLI at work animates (a spinner, a timer): one that has been
            // silent this long waits on something it did not report, such as a dialog
            // without a hook, so silence decides.
            Some(Signal::PromptSubmitted) if silent => None,
            Some(Signal::PromptSubmitted) => Some(State::Working),
            Some(Signal::TurnEnded) => Some(State::TurnEnded),
            Some(Signal::NeedsPermission) => Some(State::NeedsPermission),
            Some(Signal::WaitingForInput) => Some(State::WaitingForInput),
            None => None,
        };
        if let Some(state) = said {
            return (state, Source::Agent);
        }
        // Hints stand in for hooks: an agent that reports has said better.
        match self.hint.filter(|_| !self.reports) {
            Some(Hint::Progress) => return (State::Working, Source::Terminal),
            Some(Hint::Notified) => return (State::WaitingForInput, Source::Terminal),
            None => {}
        }
        let state = if silent { State::Idle } else { State::Busy };
        (state, Source::Silence)
    }

    /// Re-reads the state; returns the transition since the last call, if any (a new
    /// source for the same state is one too: the log says where each state came from).
    pub fn update(&mut self, now: Instant) -> Option<Transition> {
        let (state, source) = self.read(now);
        ((state, source) != self.reported).then(|| {
            let transition = Transition {
                from: self.reported.0,
                to: state,
                source,
            };
            self.reported = (state, source);
            transition
        })
    }

    /// The spinner glyph while output is fresh; `None` once it has stopped.
    pub fn spinner(&self, now: Instant) -> Option<&'static str> {
        let since = now.saturating_duration_since(self.last_output?);
        if self.exited || since >= BUSY_WINDOW {
            return None;
        }
        // Time, not a frame counter: the glyph moves only when something redraws, and
        // output is what redraws a busy pane, so no timer ever ticks for it.
        let frame = now.elapsed_millis_hint() / SPIN_FRAME_MS;
        Some(SPINNER[(frame % SPINNER.len() as u128) as usize])
    }

    /// When the state or spinner will next change without new output.
    pub fn next_change(&self, now: Instant) -> Option<Instant> {
        let last = self.last_output?;
        if self.exited {
            return None;
        }
        [last + BUSY_WINDOW, last + self.idle_after]
            .into_iter()
            .find(|at| *at > now)
    }

    pub fn time_since_output(&self, now: Instant) -> Option<Duration> {
        self.last_output.map(|at| now.saturating_duration_since(at))
    }

    pub fn attention(&self) -> Option<Attention> {
        self.attention
    }

    pub fn raise(&mut self, attention: Attention) {
        self.attention = Some(attention);
    }

    /// The person looked at the pane.
    pub fn clear_attention(&mut self) {
        self.attention = None;
    }
}

/// Milliseconds of an `Instant` on some fixed scale, for animation phases only.
trait MillisHint {
    fn elapsed_millis_hint(&self) -> u128;
}

impl MillisHint for Instant {
    fn elapsed_millis_hint(&self) -> u128 {
        use std::sync::OnceLock;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(Instant::now);
        self.saturating_duration_since(origin).as_millis()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn output_makes_busy_then_idle_after_the_threshold() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        assert_eq!(activity.state(base), State::Idle, "nothing written yet");
        activity.output(at(base, 0));
        assert_eq!(
            activity.update(at(base, 10)),
            Some(Transition {
                from: State::Idle,
                to: State::Busy,
                source: Source::Silence,
            })
        );
        assert_eq!(activity.state(at(base, 4_999)), State::Busy);
        assert_eq!(activity.update(at(base, 4_999)), None);
        assert_eq!(
            activity.update(at(base, 5_000)),
            Some(Transition {
                from: State::Busy,
                to: State::Idle,
                source: Source::Silence,
            })
        );
        assert_eq!(activity.update(at(base, 9_000)), None);
    }

    #[test]
    fn the_spinner_turns_only_while_output_is_fresh() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        assert_eq!(activity.spinner(base), None);
        activity.output(base);
        assert!(activity.spinner(at(base, 500)).is_some());
        assert_eq!(activity.spinner(at(base, 1_000)), None);
    }

    #[test]
    fn next_change_is_the_spinner_stop_then_idle_then_nothing() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        assert_eq!(activity.next_change(base), None, "idle schedules nothing");
        activity.output(base);
        assert_eq!(activity.next_change(at(base, 10)), Some(at(base, 1_000)));
        assert_eq!(activity.next_change(at(base, 1_000)), Some(at(base, 5_000)));
        assert_eq!(activity.next_change(at(base, 5_000)), None);
    }

    #[test]
    fn exit_is_final() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.output(base);
        activity.exited();
        assert_eq!(activity.state(at(base, 1)), State::Exited);
        assert_eq!(activity.next_change(at(base, 1)), None);
        assert_eq!(activity.spinner(at(base, 1)), None);
    }

    #[test]
    fn attention_is_raised_and_cleared() {
        let mut activity = Activity::new(Duration::from_secs(5));
        assert_eq!(activity.attention(), None);
        activity.raise(Attention::Bell);
        assert_eq!(activity.attention(), Some(Attention::Bell));
        activity.raise(Attention::WaitingForInput);
        assert_eq!(
            activity.attention().map(Attention::reason),
            Some("is waiting for input")
        );
        activity.clear_attention();
        assert_eq!(activity.attention(), None);
    }

    #[test]
    fn the_agents_word_wins_over_silence_until_the_person_types() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.output(base);
        activity.signal(Signal::PromptSubmitted);
        assert_eq!(activity.state(at(base, 10)), State::Working);
        assert_eq!(
            activity.state(at(base, 60_000)),
            State::Idle,
            "a working agent CLI animates: long silence means it waits on something"
        );
        activity.signal(Signal::NeedsPermission);
        assert_eq!(activity.state(at(base, 60_000)), State::NeedsPermission);
        assert_eq!(activity.source(at(base, 60_000)), Source::Agent);
        activity.typed();
        assert_eq!(
            activity.state(at(base, 60_000)),
            State::Idle,
            "the person answered: silence decides until the agent speaks again"
        );
        activity.signal(Signal::TurnEnded);
        activity.output(at(base, 60_000));
        assert_eq!(activity.state(at(base, 60_001)), State::TurnEnded);
        activity.signal(Signal::WaitingForInput);
        assert_eq!(activity.state(at(base, 60_001)), State::WaitingForInput);
        activity.exited();
        assert_eq!(activity.state(at(base, 60_001)), State::Exited);
    }

    #[test]
    fn typing_into_a_working_agent_keeps_it_working() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.output(base);
        activity.signal(Signal::PromptSubmitted);
        activity.typed();
        assert_eq!(activity.state(base), State::Working);
    }

    #[test]
    fn a_taken_note_means_working_only_for_an_agent_that_reports() {
        let base = Instant::now();
        let mut silent = Activity::new(Duration::from_secs(5));
        silent.note_taken();
        assert_eq!(
            silent.state(base),
            State::Idle,
            "no signals: silence decides"
        );
        let mut codex = Activity::new(Duration::from_secs(5));
        codex.output(base);
        codex.signal(Signal::TurnEnded);
        codex.note_taken();
        assert_eq!(codex.state(base), State::Working);
    }

    #[test]
    fn transitions_between_signalled_states_are_reported_once() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.output(base);
        activity.signal(Signal::PromptSubmitted);
        assert_eq!(
            activity.update(base),
            Some(Transition {
                from: State::Idle,
                to: State::Working,
                source: Source::Agent,
            })
        );
        activity.signal(Signal::PromptSubmitted);
        assert_eq!(activity.update(base), None);
        activity.signal(Signal::TurnEnded);
        assert_eq!(
            activity.update(base),
            Some(Transition {
                from: State::Working,
                to: State::TurnEnded,
                source: Source::Agent,
            })
        );
    }

    #[test]
    fn a_new_word_from_the_agent_outdates_what_it_asked_for() {
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.signal(Signal::NeedsPermission);
        activity.raise(Attention::NeedsPermission);
        activity.signal(Signal::PromptSubmitted);
        assert_eq!(activity.attention(), None);
        activity.raise(Attention::Bell);
        activity.signal(Signal::TurnEnded);
        assert_eq!(
            activity.attention(),
            Some(Attention::Bell),
            "the bell is the person's to clear"
        );
    }

    #[test]
    fn idle_threshold_is_never_shorter_than_the_busy_window() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_millis(10));
        activity.output(base);
        assert_eq!(activity.state(at(base, 500)), State::Busy);
    }

    #[test]
    fn hints_stand_in_for_hooks_below_the_agents_word() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_secs(5));
        activity.output(base);
        activity.hint(Some(Hint::Progress));
        assert_eq!(
            activity.update(at(base, 60_000)),
            Some(Transition {
                from: State::Idle,
                to: State::Working,
                source: Source::Terminal,
            }),
            "a progress bar says it works, however quiet"
        );
        activity.hint(Some(Hint::Notified));
        assert_eq!(activity.state(base), State::WaitingForInput);
        activity.typed();
        assert_eq!(
            (activity.state(base), activity.source(base)),
            (State::Busy, Source::Silence),
            "the person answered the notification"
        );
        activity.hint(Some(Hint::Progress));
        activity.signal(Signal::TurnEnded);
        assert_eq!(
            (activity.state(base), activity.source(base)),
            (State::TurnEnded, Source::Agent)
        );
        activity.typed();
        assert_eq!(
            activity.source(base),
            Source::Silence,
            "an agent that reports is not read from its progress bar"
        );
    }
}
