//! The person's terminal's size, as each frame needs it. The terminal can be resized
//! between the resize event we have handled and the frame we draw (the event is still
//! queued for us), and a frame drawn at the old size scrolls or leaves garbage. Asking the
//! tty costs a system call a frame; the kernel sends SIGWINCH when the size changes, so a
//! flag the signal raises says when to ask again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The size of the terminal on standard output, asked of the tty only after a SIGWINCH.
pub struct HostSize {
    /// Raised by SIGWINCH: the size must be asked again.
    resized: Arc<AtomicBool>,
    /// Whether SIGWINCH raises `resized`; if not, every frame asks.
    listening: bool,
    known: Option<(u16, u16)>,
}

impl HostSize {
    /// Starts listening for SIGWINCH.
    pub fn watch() -> HostSize {
        let resized = Arc::new(AtomicBool::new(false));
        let listening = signal_hook::flag::register(libc::SIGWINCH, resized.clone())
            .inspect_err(|err| tracing::warn!(%err, "no SIGWINCH flag; asking the size each frame"))
            .is_ok();
        HostSize {
            resized,
            listening,
            known: None,
        }
    }

    /// (columns, rows); `None` when standard output is not a terminal.
    pub fn now(&mut self) -> Option<(u16, u16)> {
        self.now_by(|| crate::sys::window_size(1))
    }

    /// [`HostSize::now`], asking `ask` when it must.
    fn now_by(&mut self, ask: impl FnOnce() -> Option<(u16, u16)>) -> Option<(u16, u16)> {
        // Lowered before asking: a resize during the question raises it again.
        if self.resized.swap(false, Ordering::SeqCst) || !self.listening || self.known.is_none() {
            self.known = ask();
        }
        self.known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_is_asked_again_only_after_a_sigwinch() {
        let mut size = HostSize::watch();
        assert!(size.listening);
        let mut asked = Vec::new();
        let mut ask = |answer| {
            asked.push(answer);
            Some(answer)
        };
        assert_eq!(size.now_by(|| ask((80, 24))), Some((80, 24)));
        assert_eq!(
            size.now_by(|| ask((100, 30))),
            Some((80, 24)),
            "no resize yet"
        );
        signal_hook::low_level::raise(libc::SIGWINCH).expect("a SIGWINCH to ourselves");
        assert_eq!(size.now_by(|| ask((100, 30))), Some((100, 30)));
        assert_eq!(size.now_by(|| ask((120, 40))), Some((100, 30)));
        assert_eq!(asked, [(80, 24), (100, 30)]);
    }
}
