//! The person's keys, mouse and resizes, read on a thread of their own.
//!
//! crossterm's `EventStream` asks its reader with a zero timeout each time it is polled,
//! while its own helper thread holds that reader's lock, blocked until input comes: every
//! poll then spins on the lock (a dozen `sched_yield`s) before giving up. The app polls
//! its input each time anything wakes it, which with many busy panes is hundreds of
//! times a second. Here one thread blocks in `read` and hands each event over a channel,
//! so polling the input costs nothing until there is some.

use std::io;

use crossterm::event::Event;
use futures_util::Stream;
use tokio::sync::mpsc;

/// Starts reading; the stream ends after the first error, which it yields.
pub fn events() -> io::Result<impl Stream<Item = io::Result<Event>> + Unpin> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let event = crossterm::event::read();
                let failed = event.is_err();
                if tx.send(event).is_err() || failed {
                    break;
                }
            }
        })?;
    Ok(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}
