//! While the person types into one pane, every other pane's reader pauses between
//! chunks. A child flooding output (`yes`, a build log) then blocks on its full PTY
//! buffer instead of keeping both cores busy, and the keystroke's echo gets the CPU: the
//! backpressure tmux applies by not reading a pane its client cannot keep up with.
//! Nobody typing means no pause, so output throughput is untouched.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::PaneId;

/// How long after a keystroke the typing pane has priority.
const PRIORITY_WINDOW: Duration = Duration::from_millis(250);
/// The pause another pane's reader takes after each chunk meanwhile.
const PAUSE: Duration = Duration::from_millis(2);

/// (pane id + 1) << 40 | expiry in ms since start; 0 = nobody typing.
static TYPING: AtomicU64 = AtomicU64::new(0);

fn millis_since_start(at: Instant) -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    at.saturating_duration_since(start).as_millis() as u64 & ((1 << 40) - 1)
}

/// The person just typed into `pane`.
pub fn typed_into(pane: PaneId, now: Instant) {
    let until = millis_since_start(now + PRIORITY_WINDOW);
    TYPING.store(((pane.index() as u64 + 1) << 40) | until, Ordering::Relaxed);
}

/// How long the reader of `pane` should pause now, if at all.
pub fn pause_for(pane: PaneId, now: Instant) -> Option<Duration> {
    let typing = TYPING.load(Ordering::Relaxed);
    let (typist, until) = ((typing >> 40) as usize, typing & ((1 << 40) - 1));
    (typing != 0 && typist != pane.index() + 1 && millis_since_start(now) < until).then_some(PAUSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_other_panes_pause_and_only_while_typing_is_recent() {
        let now = Instant::now();
        let (typist, other) = (PaneId::new(0), PaneId::new(1));
        typed_into(typist, now);
        assert_eq!(pause_for(typist, now), None, "the typing pane never waits");
        assert_eq!(pause_for(other, now), Some(PAUSE));
        assert_eq!(
            pause_for(other, now + PRIORITY_WINDOW + Duration::from_millis(5)),
            None
        );
    }
}
