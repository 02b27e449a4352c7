//! Is a pane working, waiting, or done? Derived from when it last wrote output; pure,
//! with time passed in. The app asks [`Activity::next_change`] when to look again, so a
//! quiet rally schedules nothing and idles at 0% CPU.

use std::time::{Duration, Instant};

/// Output within this window counts as busy, and the spinner turns.
pub const BUSY_WINDOW: Duration = Duration::from_secs(1);
/// One spinner frame.
const SPIN_FRAME_MS: u128 = 100;
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Wrote output within the idle threshold.
    Busy,
    /// Silent for at least the idle threshold (or never wrote anything).
    Idle,
    Exited,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Busy => "busy",
            State::Idle => "idle",
            State::Exited => "exited",
        }
    }
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
}

impl Attention {
    pub fn reason(self) -> &'static str {
        match self {
            Attention::Bell => "rang the bell",
            Attention::WaitingForInput => "is waiting for input",
            Attention::TurnTimeout => "is over its turn time",
        }
    }
}

/// One pane's activity.
#[derive(Debug, Clone)]
pub struct Activity {
    last_output: Option<Instant>,
    exited: bool,
    /// The state last reported by [`Activity::update`], to notice transitions.
    reported: State,
    attention: Option<Attention>,
    idle_after: Duration,
}

/// What changed in an update, for the app to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
}

impl Activity {
    pub fn new(idle_after: Duration) -> Activity {
        Activity {
            last_output: None,
            exited: false,
            reported: State::Idle,
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

    pub fn state(&self, now: Instant) -> State {
        if self.exited {
            return State::Exited;
        }
        match self.last_output {
            Some(at) if now.saturating_duration_since(at) < self.idle_after => State::Busy,
            _ => State::Idle,
        }
    }

    /// Re-reads the state; returns the transition since the last call, if any.
    pub fn update(&mut self, now: Instant) -> Option<Transition> {
        let state = self.state(now);
        (state != self.reported).then(|| {
            let transition = Transition {
                from: self.reported,
                to: state,
            };
            self.reported = state;
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
                to: State::Busy
            })
        );
        assert_eq!(activity.state(at(base, 4_999)), State::Busy);
        assert_eq!(activity.update(at(base, 4_999)), None);
        assert_eq!(
            activity.update(at(base, 5_000)),
            Some(Transition {
                from: State::Busy,
                to: State::Idle
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
    fn idle_threshold_is_never_shorter_than_the_busy_window() {
        let base = Instant::now();
        let mut activity = Activity::new(Duration::from_millis(10));
        activity.output(base);
        assert_eq!(activity.state(at(base, 500)), State::Busy);
    }
}
