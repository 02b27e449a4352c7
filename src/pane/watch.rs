//! The panes whose output the UI thread waits for itself (see [`super::reading`]).
//!
//! On Linux this is an epoll set of its own, which tokio watches as one file. Each
//! pane's PTY is in it one-shot: input wakes the app once, and the PTY stays out of the
//! set until the app has read it and asks again. The app does not ask again for a pane
//! it will look at anyway (a background pane, until its next frame), so that pane's
//! output costs no wake-up at all.
//!
//! macOS's kqueue (and poll) do not report terminal devices reliably (tmux turns both
//! off there), so there is no watch on macOS and each pane's reader thread reads.

use super::PaneId;

#[cfg(target_os = "linux")]
pub use linux::Watch;
#[cfg(not(target_os = "linux"))]
pub use other::Watch;

#[cfg(target_os = "linux")]
mod linux {
    use std::io;
    use std::os::fd::{AsRawFd as _, OwnedFd, RawFd};

    use tokio::io::unix::AsyncFd;

    use super::PaneId;
    use crate::sys::epoll;

    pub struct Watch {
        set: AsyncFd<OwnedFd>,
    }

    impl Watch {
        /// A new watch, or `None` outside a tokio runtime or without epoll (the
        /// panes' threads then read).
        pub fn new() -> Option<Watch> {
            tokio::runtime::Handle::try_current().ok()?;
            let set = epoll::create()
                .inspect_err(|err| tracing::warn!(%err, "no epoll set; pane threads read"))
                .ok()?;
            Some(Watch { set })
        }

        /// Starts watching `fd` for pane `id`, as [`Watch::listen`] does.
        pub fn add(&self, fd: RawFd, id: PaneId) -> io::Result<()> {
            epoll::listen_once(self.set.as_raw_fd(), fd, id.index() as u64, false)
        }

        /// Reports `fd`'s next input (or input already there) once.
        pub fn listen(&self, fd: RawFd, id: PaneId) -> io::Result<()> {
            epoll::listen_once(self.set.as_raw_fd(), fd, id.index() as u64, true)
        }

        /// Stops reporting `fd`'s input until [`Watch::listen`].
        pub fn ignore(&self, fd: RawFd, id: PaneId) -> io::Result<()> {
            epoll::ignore(self.set.as_raw_fd(), fd, id.index() as u64)
        }

        pub fn remove(&self, fd: RawFd) {
            epoll::remove(self.set.as_raw_fd(), fd);
        }

        /// Waits until some pane has input; those panes (each now out of the set).
        pub async fn ready(&self) -> Vec<PaneId> {
            loop {
                let Ok(mut guard) = self.set.readable().await else {
                    return std::future::pending().await;
                };
                let (ready, all) = self.ready_now_all();
                if all {
                    // Nothing left: wait for the next edge. Input that comes after the
                    // look raises a new one, which this does not clear.
                    guard.clear_ready();
                }
                if !ready.is_empty() {
                    return ready;
                }
            }
        }

        /// The panes with input now, without waiting.
        pub fn ready_now(&self) -> Vec<PaneId> {
            self.ready_now_all().0
        }

        /// The panes with input now, and whether that is all of them (a look that
        /// found fewer than it could take found everything).
        fn ready_now_all(&self) -> (Vec<PaneId>, bool) {
            let mut tokens = Vec::new();
            let all = epoll::ready_now(self.set.as_raw_fd(), &mut tokens)
                .inspect_err(|err| tracing::warn!(%err, "reading the pane watch"))
                .unwrap_or(true);
            let ready = (tokens.into_iter())
                .map(|token| PaneId::new(usize::try_from(token).unwrap_or(usize::MAX)))
                .collect();
            (ready, all)
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod other {
    use std::io;
    use std::os::fd::RawFd;

    use super::PaneId;

    /// Never made: see the module docs.
    pub enum Watch {}

    impl Watch {
        pub fn new() -> Option<Watch> {
            None
        }

        pub fn add(&self, _fd: RawFd, _id: PaneId) -> io::Result<()> {
            match *self {}
        }

        pub fn listen(&self, _fd: RawFd, _id: PaneId) -> io::Result<()> {
            match *self {}
        }

        pub fn ignore(&self, _fd: RawFd, _id: PaneId) -> io::Result<()> {
            match *self {}
        }

        pub fn remove(&self, _fd: RawFd) {
            match *self {}
        }

        pub fn ready(&self) -> std::future::Pending<Vec<PaneId>> {
            match *self {}
        }

        pub fn ready_now(&self) -> Vec<PaneId> {
            match *self {}
        }
    }
}

/// Waits on `watch` if there is one; forever if not.
pub async fn ready(watch: Option<&Watch>) -> Vec<PaneId> {
    match watch {
        Some(watch) => watch.ready().await,
        None => std::future::pending().await,
    }
}
