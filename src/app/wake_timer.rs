//! The loop's one timer, set to the moment [`super::App::next_wakeup`] asks for.
//!
//! tokio's timer wheel wakes the thread more often than asked: a time more than 64 ms
//! away first wakes it to move the timer down a level of the wheel, and a timer reset to a
//! later time wakes it at the old time. Each such wake-up is a context switch for nothing,
//! and an app with background panes sets a timer a frame or two ahead ten times a second.
//! On Linux a timerfd wakes the thread once, at the time; elsewhere tokio's timer serves.

use std::pin::Pin;
use std::time::{Duration, Instant};

/// A wait that ends later than any rally: tokio's timer while none is set.
const NEVER: Duration = Duration::from_secs(365 * 24 * 60 * 60);

pub(super) struct WakeTimer {
    /// The kernel's timer, where there is one.
    #[cfg(target_os = "linux")]
    kernel: Option<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>>,
    tokio: Pin<Box<tokio::time::Sleep>>,
    /// When it goes off; `None` while unset (and once it went off).
    at: Option<Instant>,
}

impl WakeTimer {
    /// A timer, not set. Inside a tokio runtime, which drives it.
    pub(super) fn new() -> WakeTimer {
        WakeTimer {
            #[cfg(target_os = "linux")]
            kernel: crate::sys::timerfd::create()
                .inspect_err(|err| tracing::warn!(%err, "no timerfd; tokio's timer wakes the app"))
                .ok(),
            tokio: Box::pin(tokio::time::sleep(NEVER)),
            at: None,
        }
    }

    /// Goes off at `at` (at once if that has passed), or never.
    pub(super) fn set(&mut self, at: Option<Instant>) {
        if at == self.at {
            return;
        }
        self.at = at;
        #[cfg(target_os = "linux")]
        if let Some(kernel) = &self.kernel {
            use std::os::fd::AsRawFd as _;
            let after = at.map(|at| at.saturating_duration_since(Instant::now()));
            match crate::sys::timerfd::set(kernel.as_raw_fd(), after) {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(%err, "setting the timerfd; tokio's timer wakes the app");
                    self.kernel = None;
                }
            }
        }
        // Replaced, not reset: a reset to a later time leaves the timer where it was.
        let at = at.unwrap_or_else(|| Instant::now() + NEVER);
        self.tokio.set(tokio::time::sleep_until(at.into()));
    }

    /// Resolves when the time set has come, and unsets the timer; never while unset.
    /// Cancel-safe: dropped before then, it keeps the time.
    pub(super) async fn fired(&mut self) {
        if self.at.is_none() {
            return std::future::pending().await;
        }
        #[cfg(target_os = "linux")]
        if let Some(kernel) = &self.kernel {
            use std::os::fd::AsRawFd as _;
            loop {
                let Ok(mut ready) = kernel.readable().await else {
                    return std::future::pending().await;
                };
                // A timer set again after it went off is no longer readable: the read
                // says so, and the wait goes on.
                if let Ok(taken) =
                    ready.try_io(|kernel| crate::sys::timerfd::take(kernel.as_raw_fd()))
                {
                    if let Err(err) = taken {
                        tracing::warn!(%err, "reading the timerfd");
                    }
                    // Went off once and read: not readable until it goes off again, so
                    // the next wait need not find that out with a read of its own.
                    ready.clear_ready();
                    break;
                }
            }
            self.at = None;
            return;
        }
        self.tokio.as_mut().await;
        self.at = None;
    }
}
