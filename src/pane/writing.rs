//! Who writes to a pane's child: the UI thread itself, or the pane's writer thread.
//!
//! A child that does not read its input fills the PTY, and a write to a full PTY waits
//! for it: that must never be the UI thread (nor the reader, which must keep draining the
//! child's output), so a thread of its own writes. But a keystroke handed to that thread
//! costs its wake-up before the child even sees the key, and on a small machine a
//! wake-up is a good part of the time from key to echo. On Linux the PTY does not block
//! (see `pane::write_here`), so the UI thread writes a keystroke at once when the
//! writer thread holds nothing: the PTY takes what it has room for, and the rest goes to
//! the thread. So does everything written while the thread still holds something (a
//! paste the child reads slowly, the pause before a note's Enter), so the child gets its
//! input in the order it was written. On macOS the thread writes everything.

use std::fs::File;
use std::io::{self, Write as _};
use std::os::fd::{AsRawFd as _, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long a write to a PTY without room waits before it looks again (it is also
/// woken as soon as there is room).
const ROOM_WAIT: Duration = Duration::from_secs(1);

/// Messages for a pane's writer thread.
pub(super) enum WriteJob {
    Bytes(Vec<u8>),
    /// Hold back what follows (an Enter sent apart from the paste before it).
    Pause(Duration),
}

/// The way to the writer thread, for whoever writes to the child: the app, and the
/// readers and parser with the answers to a child's queries.
#[derive(Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<WriteJob>,
    /// Jobs sent and not yet done: while there are any, a write goes behind them.
    pending: Arc<AtomicUsize>,
}

impl Writer {
    /// Queues a job for the thread; never blocks.
    pub(super) fn send(&self, job: WriteJob) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.jobs.send(job).is_err() {
            // The thread is gone (the child's input closed): nothing will be written.
            self.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whether the thread holds nothing: a write now is written after everything before it.
    fn idle(&self) -> bool {
        self.pending.load(Ordering::SeqCst) == 0
    }
}

/// A writer and the thread's end of it: run [`write_loop`] on `jobs`.
pub(super) fn channel() -> (Writer, Jobs) {
    let (jobs_tx, jobs) = mpsc::channel();
    let pending = Arc::new(AtomicUsize::new(0));
    let writer = Writer {
        jobs: jobs_tx,
        pending: pending.clone(),
    };
    (writer, Jobs { jobs, pending })
}

/// What the writer thread takes its jobs from.
pub(super) struct Jobs {
    jobs: mpsc::Receiver<WriteJob>,
    pending: Arc<AtomicUsize>,
}

/// Writes each job to the child in turn until the app lets go of the pane or the child's
/// input closes. `pty` is where bytes go; `room`, a descriptor of the same PTY, is
/// waited on when a non-blocking PTY has no room.
pub(super) fn write_loop(mut pty: Box<dyn io::Write + Send>, room: OwnedFd, jobs: Jobs) {
    for job in jobs.jobs {
        let written = match job {
            WriteJob::Bytes(bytes) => write_all(&mut *pty, &room, &bytes),
            WriteJob::Pause(pause) => {
                std::thread::sleep(pause);
                Ok(())
            }
        };
        // Done only once written: until then a write from the UI would jump the queue.
        jobs.pending.fetch_sub(1, Ordering::SeqCst);
        if written.is_err() {
            return;
        }
    }
}

/// Writes all of `bytes`, waiting for room as long as it takes.
fn write_all(pty: &mut dyn io::Write, room: &OwnedFd, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match pty.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                crate::sys::writable(room.as_raw_fd(), ROOM_WAIT)?;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    pty.flush()
}

/// The UI thread's own way to the child (Linux): the PTY, which does not block.
pub(super) struct WriteHere {
    pub(super) pty: File,
    pub(super) writer: Writer,
}

impl WriteHere {
    /// Writes what the PTY takes now if the writer thread holds nothing, and hands the
    /// rest (or all of it, behind what the thread holds) to the thread.
    pub(super) fn write(&self, bytes: Vec<u8>) {
        if !self.writer.idle() {
            self.writer.send(WriteJob::Bytes(bytes));
            return;
        }
        let mut written = 0;
        while written < bytes.len() {
            match (&self.pty).write(&bytes[written..]) {
                Ok(0) => break,
                Ok(n) => written += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                // No room (the thread waits for it), or the child's input closed (the
                // thread finds that out too, as it did before the UI wrote).
                Err(_) => break,
            }
        }
        if written < bytes.len() {
            let mut rest = bytes;
            rest.drain(..written);
            self.writer.send(WriteJob::Bytes(rest));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    /// A non-blocking pipe: (read end, write end).
    fn pipe() -> (File, File) {
        let (read, write) = io::pipe().unwrap();
        let (read, write) = (
            File::from(OwnedFd::from(read)),
            File::from(OwnedFd::from(write)),
        );
        crate::sys::set_nonblocking(read.as_raw_fd()).unwrap();
        crate::sys::set_nonblocking(write.as_raw_fd()).unwrap();
        (read, write)
    }

    fn read_now(from: &mut File) -> Vec<u8> {
        let mut buf = vec![0; 1 << 20];
        match from.read(&mut buf) {
            Ok(n) => buf[..n].to_vec(),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Vec::new(),
            Err(err) => panic!("reading the pipe: {err}"),
        }
    }

    fn queued(jobs: &Jobs) -> Vec<u8> {
        let mut bytes = Vec::new();
        while let Ok(job) = jobs.jobs.try_recv() {
            match job {
                WriteJob::Bytes(more) => bytes.extend(more),
                WriteJob::Pause(_) => bytes.extend(b"<pause>"),
            }
        }
        bytes
    }

    /// Fills the pipe until it takes no more.
    fn fill(pipe: &File) -> usize {
        let chunk = [b'.'; 4096];
        let mut total = 0;
        loop {
            match (&*pipe).write(&chunk) {
                Ok(n) => total += n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return total,
                Err(err) => panic!("filling the pipe: {err}"),
            }
        }
    }

    #[test]
    fn a_write_while_the_thread_holds_nothing_reaches_the_child_before_it_returns() {
        let (mut child, pty) = pipe();
        let (writer, jobs) = channel();
        let here = WriteHere { pty, writer };
        here.write(b"x".to_vec());
        assert_eq!(read_now(&mut child), b"x");
        assert!(queued(&jobs).is_empty());
    }

    #[test]
    fn a_write_goes_behind_what_the_thread_holds() {
        let (mut child, pty) = pipe();
        let (writer, jobs) = channel();
        let here = WriteHere {
            pty,
            writer: writer.clone(),
        };
        writer.send(WriteJob::Bytes(b"paste".to_vec()));
        writer.send(WriteJob::Pause(Duration::from_millis(1)));
        here.write(b"\r".to_vec());
        assert!(
            read_now(&mut child).is_empty(),
            "the Enter overtook the paste"
        );
        assert_eq!(queued(&jobs), b"paste<pause>\r");
    }

    /// A PTY that has no room at its first write and takes one byte at a time after.
    struct FullAtFirst {
        refused: bool,
        took: Vec<u8>,
    }

    impl io::Write for FullAtFirst {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if !std::mem::replace(&mut self.refused, true) {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            self.took.push(bytes[0]);
            Ok(1)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_writer_thread_waits_out_a_pty_without_room_and_writes_everything() {
        let (_read, write) = pipe();
        let room = OwnedFd::from(write);
        let mut pty = FullAtFirst {
            refused: false,
            took: Vec::new(),
        };
        write_all(&mut pty, &room, b"key").expect("written");
        assert_eq!(pty.took, b"key");
    }

    #[test]
    fn what_a_full_pty_has_no_room_for_goes_to_the_thread_and_the_thread_waits_for_room() {
        let (mut child, pty) = pipe();
        let filled = fill(&pty);
        let room = OwnedFd::from(pty.try_clone().unwrap());
        let (writer, jobs) = channel();
        let here = WriteHere {
            pty: pty.try_clone().unwrap(),
            writer: writer.clone(),
        };
        here.write(b"key".to_vec());
        assert!(!writer.idle(), "the key was dropped, not queued");
        let thread = std::thread::spawn(move || write_loop(Box::new(pty), room, jobs));
        // The thread waits for room; the child reads, and the key follows the rest.
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !got.ends_with(b"key") {
            assert!(std::time::Instant::now() < deadline, "the key never came");
            got.extend(read_now(&mut child));
            std::thread::yield_now();
        }
        assert_eq!(got.len(), filled + 3);
        while !writer.idle() {
            assert!(
                std::time::Instant::now() < deadline,
                "the job was never done"
            );
            std::thread::yield_now();
        }
        drop((here, writer));
        thread.join().unwrap();
    }
}
