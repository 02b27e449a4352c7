//! The background writer: a byte-bounded queue between the never-blocking
//! [`Recorder`](super::Recorder) handle and the thread that owns the file.
//!
//! The handle only ever takes the queue lock for a push; the writer takes it
//! to swap the whole backlog out. Output and input events that would push the
//! backlog over its byte limit are dropped and counted, and a marker saying
//! how many bytes were lost is queued in front of the next event that fits.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::mem;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::RecorderStatus;
use super::asciicast::CastWriter;

/// Queue cost of an event beyond its data, so floods of tiny events are bounded too.
const EVENT_OVERHEAD: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Output(Vec<u8>),
    Input(Vec<u8>),
    Resize(u16, u16),
    Marker(String),
    Exit(i32),
    /// `n` bytes of output/input were dropped because the queue was full.
    Dropped(u64),
}

impl Event {
    /// Bytes of terminal data this event carries (what a drop loses).
    fn data_len(&self) -> u64 {
        match self {
            Event::Output(b) | Event::Input(b) => b.len() as u64,
            _ => 0,
        }
    }

    fn cost(&self) -> usize {
        EVENT_OVERHEAD
            + match self {
                Event::Output(b) | Event::Input(b) => b.len(),
                Event::Marker(s) => s.len(),
                _ => 0,
            }
    }

    /// Resizes, markers and exits are tiny and losing one would misplay the
    /// rest of the cast, so only terminal data is ever dropped.
    fn droppable(&self) -> bool {
        matches!(self, Event::Output(_) | Event::Input(_))
    }

    /// Events after which the file is flushed at once.
    fn flushes(&self) -> bool {
        matches!(self, Event::Marker(_) | Event::Dropped(_) | Event::Exit(_))
    }
}

#[derive(Debug)]
pub struct Stamped {
    pub at: Instant,
    pub event: Event,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Push {
    Queued,
    /// The event did not fit; this many data bytes were lost.
    Dropped(u64),
    /// The recording is finishing; nothing more is accepted.
    Closed,
}

#[derive(Debug, Default)]
struct State {
    items: VecDeque<Stamped>,
    bytes: usize,
    unreported: u64,
    closed: bool,
}

#[derive(Debug)]
pub struct Queue {
    state: Mutex<State>,
    ready: Condvar,
    limit: usize,
}

impl Queue {
    pub fn new(limit: usize) -> Self {
        Self {
            state: Mutex::default(),
            ready: Condvar::new(),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn push(&self, item: Stamped) -> Push {
        let cost = item.event.cost();
        let mut st = self.lock();
        if st.closed {
            return Push::Closed;
        }
        let fits = st.bytes.saturating_add(cost) <= self.limit;
        if item.event.droppable() && !fits {
            let lost = item.event.data_len();
            st.unreported += lost;
            return Push::Dropped(lost);
        }
        let was_empty = st.items.is_empty();
        if fits && st.unreported > 0 {
            let n = mem::take(&mut st.unreported);
            st.items.push_back(Stamped {
                at: item.at,
                event: Event::Dropped(n),
            });
        }
        st.bytes += cost;
        st.items.push_back(item);
        drop(st);
        // The writer only sleeps on an empty queue.
        if was_empty {
            self.ready.notify_one();
        }
        Push::Queued
    }

    /// Refuses further events; losses not reported yet get their marker now.
    pub fn close(&self, at: Instant) {
        let mut st = self.lock();
        if st.closed {
            return;
        }
        if st.unreported > 0 {
            let n = mem::take(&mut st.unreported);
            st.items.push_back(Stamped {
                at,
                event: Event::Dropped(n),
            });
        }
        st.closed = true;
        drop(st);
        self.ready.notify_one();
    }

    /// Waits until there is something to write, the queue is closed, or
    /// `deadline` passes; returns the whole backlog and whether it is the last.
    pub fn wait_batch(&self, deadline: Option<Instant>) -> (VecDeque<Stamped>, bool) {
        let mut st = self.lock();
        while st.items.is_empty() && !st.closed {
            match deadline {
                None => st = self.ready.wait(st).unwrap_or_else(PoisonError::into_inner),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        break;
                    }
                    st = self
                        .ready
                        .wait_timeout(st, d - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
        st.bytes = 0;
        (mem::take(&mut st.items), st.closed)
    }
}

/// What the app polls: bytes lost so far and the write error that stopped the recording.
#[derive(Debug, Default)]
pub struct StatusCell {
    dropped: AtomicU64,
    error: Mutex<Option<String>>,
}

impl StatusCell {
    pub fn add_dropped(&self, n: u64) {
        if n > 0 {
            self.dropped.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn set_error(&self, message: String) {
        let mut error = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        error.get_or_insert(message);
    }

    pub fn snapshot(&self) -> RecorderStatus {
        RecorderStatus {
            dropped_bytes: self.dropped.load(Ordering::Relaxed),
            error: self
                .error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

/// Everything the writer thread needs.
pub struct Job<W: Write> {
    pub cast: CastWriter<W>,
    pub start: Instant,
    pub queue: std::sync::Arc<Queue>,
    pub status: std::sync::Arc<StatusCell>,
    pub flush_interval: Duration,
    pub name: String,
}

/// The writer thread's body: writes events until the queue is closed, then
/// finishes the cast. Unflushed data never waits longer than
/// `flush_interval`; markers are flushed at once; an idle recording sleeps.
/// The first write error stops the recording (later lines could follow a
/// partial one), is published in the status and returned.
pub fn run<W: Write>(job: Job<W>) -> io::Result<()> {
    let Job {
        cast,
        start,
        queue,
        status,
        flush_interval,
        name,
    } = job;
    let mut cast = Some(cast);
    let mut failure: Option<io::Error> = None;
    let mut fail = |e: io::Error, cast: &mut Option<CastWriter<W>>| {
        tracing::warn!(recording = %name, error = %e, "recording stopped");
        status.set_error(format!("recording {name} stopped: {e}"));
        failure.get_or_insert(e);
        *cast = None;
    };
    let mut deadline: Option<Instant> = None;
    loop {
        let (items, closed) = queue.wait_batch(deadline);
        let mut flush_now = false;
        for item in items {
            let Some(w) = cast.as_mut() else {
                status.add_dropped(item.event.data_len());
                continue;
            };
            flush_now |= item.event.flushes();
            let elapsed = item.at.saturating_duration_since(start);
            match apply(w, elapsed, item.event) {
                Ok(()) => {
                    deadline.get_or_insert_with(|| Instant::now() + flush_interval);
                }
                Err(e) => fail(e, &mut cast),
            }
        }
        if closed {
            break;
        }
        if let Some(d) = deadline
            && (flush_now || Instant::now() >= d)
        {
            deadline = None;
            if let Some(w) = cast.as_mut()
                && let Err(e) = w.flush()
            {
                fail(e, &mut cast);
            }
        }
    }
    match cast.take() {
        Some(w) => match w.finish(start.elapsed()) {
            Ok(_) => Ok(()),
            Err(e) => {
                fail(e, &mut cast);
                Err(failure
                    .take()
                    .unwrap_or_else(|| io::Error::other("write failed")))
            }
        },
        None => Err(failure
            .take()
            .unwrap_or_else(|| io::Error::other("write failed"))),
    }
}

fn apply<W: Write>(w: &mut CastWriter<W>, elapsed: Duration, event: Event) -> io::Result<()> {
    match event {
        Event::Output(bytes) => w.output(elapsed, &bytes),
        Event::Input(bytes) => w.input(elapsed, &bytes),
        Event::Resize(cols, rows) => w.resize(elapsed, cols, rows),
        Event::Marker(label) => w.marker(elapsed, &label),
        Event::Exit(status) => w.exit(elapsed, status),
        Event::Dropped(n) => w.marker(
            elapsed,
            &format!("recorder: {n} bytes dropped (writer fell behind)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(at: Instant, n: usize) -> Stamped {
        Stamped {
            at,
            event: Event::Output(vec![b'x'; n]),
        }
    }

    #[test]
    fn overflow_drops_then_reports_before_next_event() {
        let q = Queue::new(2 * (EVENT_OVERHEAD + 100));
        let t = Instant::now();
        assert_eq!(q.push(out(t, 100)), Push::Queued);
        assert_eq!(q.push(out(t, 100)), Push::Queued);
        assert_eq!(q.push(out(t, 30)), Push::Dropped(30));
        assert_eq!(q.push(out(t, 12)), Push::Dropped(12));
        // Control events are never dropped.
        let resize = Stamped {
            at: t,
            event: Event::Resize(80, 24),
        };
        assert_eq!(q.push(resize), Push::Queued);
        let (items, closed) = q.wait_batch(Some(t));
        assert!(!closed);
        assert_eq!(items.len(), 3);
        // Room again: the loss is reported right before the next event.
        assert_eq!(q.push(out(t, 5)), Push::Queued);
        let (items, _) = q.wait_batch(Some(t));
        let events: Vec<Event> = items.into_iter().map(|s| s.event).collect();
        assert_eq!(events, [Event::Dropped(42), Event::Output(vec![b'x'; 5])]);
    }

    #[test]
    fn close_reports_pending_loss_and_refuses_more() {
        let q = Queue::new(10);
        let t = Instant::now();
        assert_eq!(q.push(out(t, 7)), Push::Dropped(7));
        q.close(t);
        assert_eq!(q.push(out(t, 1)), Push::Closed);
        let (items, closed) = q.wait_batch(None);
        assert!(closed);
        let events: Vec<Event> = items.into_iter().map(|s| s.event).collect();
        assert_eq!(events, [Event::Dropped(7)]);
    }

    #[test]
    fn wait_batch_times_out_when_idle() {
        let q = Queue::new(10);
        let (items, closed) = q.wait_batch(Some(Instant::now() + Duration::from_millis(5)));
        assert!(items.is_empty() && !closed);
    }
}
