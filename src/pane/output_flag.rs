//! How a pane's threads tell the app there is new output without waking it for every
//! piece. The flag is raised by whichever thread parsed the output and taken by the app;
//! only the raise that finds it down sends a signal, so a pane costs at most one wake-up
//! per look the app takes.
//!
//! The app may also hush a pane while a frame is already on its way that will look at
//! it anyway (a pane in the background, paced at a lower frame rate): its output then
//! raises the flag silently. Hushing and raising are ordered (sequentially consistent)
//! so that, whatever the interleaving, either the raise sees the hush lifted and signals,
//! or the app, lifting the hush and then taking the flag, sees the output.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

/// See the module docs.
#[derive(Debug, Default)]
pub struct OutputFlag {
    raised: AtomicBool,
    hushed: AtomicBool,
}

impl OutputFlag {
    /// New output was parsed. True when the app must be told.
    pub fn raise(&self) -> bool {
        !self.raised.swap(true, SeqCst) && !self.hushed.load(SeqCst)
    }

    /// Whether there was output since the app last took the flag; lowers it.
    pub fn take(&self) -> bool {
        self.raised.swap(false, SeqCst)
    }

    /// Whether a raise signals. After lifting a hush the app must take the flag, as
    /// output may have come while it was on.
    pub fn hush(&self, hushed: bool) {
        self.hushed.store(hushed, SeqCst);
    }

    pub fn hushed(&self) -> bool {
        self.hushed.load(SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_raise_since_the_last_look_signals() {
        let flag = OutputFlag::default();
        assert!(flag.raise());
        assert!(!flag.raise(), "the app has not looked yet");
        assert!(flag.take());
        assert!(!flag.take());
        assert!(flag.raise());
    }

    #[test]
    fn a_hushed_raise_is_silent_but_kept_for_the_next_look() {
        let flag = OutputFlag::default();
        flag.hush(true);
        assert!(!flag.raise());
        flag.hush(false);
        assert!(flag.take(), "the output is still there to be found");
        assert!(flag.raise(), "and the next one signals again");
    }

    #[test]
    fn a_raise_racing_the_lifted_hush_is_never_lost() {
        // Each round, a thread raises while the app lifts the hush and takes the flag:
        // either the raise signals, or the app's take finds it.
        for _ in 0..2_000 {
            let flag = std::sync::Arc::new(OutputFlag::default());
            flag.hush(true);
            let raiser = {
                let flag = flag.clone();
                std::thread::spawn(move || flag.raise())
            };
            flag.hush(false);
            let found = flag.take();
            let signalled = raiser.join().unwrap();
            assert!(signalled || found || flag.take(), "output lost");
        }
    }
}
