//! One agent in one PTY: the child process, the emulator its output feeds, and the
//! threads that move bytes. Reads, writes and `wait()` block, so each lives on its own
//! thread and talks to the app through [`PaneSignal`]s; the app never blocks on a pane.
//! On Linux the UI thread reads small output itself, without blocking ([`reading`]), and
//! writes keys itself when the PTY has room for them ([`writing`]).

pub mod activity;
pub mod archive;
pub mod child_env;
pub mod emulator;
pub mod history;
pub mod keys;
pub mod osc_scan;
pub mod output_flag;
pub mod priority;
#[allow(unsafe_code)]
pub mod process_tree;
mod reading;
pub mod reaper;
pub mod typing;
pub mod watch;
mod writing;

use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd as _;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::recorder::Recorder;

/// Index of a pane in the app's pane list, the one pane id every module uses (the
/// baton's rotation, activity, delivery, the layout). A type of its own so that it is
/// never mixed up with the other numbers around it (rows, columns, offsets, counts) or
/// with the 1-based pane numbers people type, which live only in keymaps and the
/// command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(usize);

impl PaneId {
    /// The pane at `index` in the app's pane list.
    pub const fn new(index: usize) -> PaneId {
        PaneId(index)
    }

    /// The pane a person means by its number, which starts at 1.
    pub const fn from_number(number: usize) -> PaneId {
        PaneId(number - 1)
    }

    /// Where the pane is in the app's pane list (and in lists kept beside it).
    pub const fn index(self) -> usize {
        self.0
    }

    /// The 1-based number people see and type.
    pub const fn number(self) -> usize {
        self.0 + 1
    }
}

pub use emulator::Emulator;
use output_flag::OutputFlag;
use writing::{WriteJob, Writer};

/// What a pane's threads tell the app.
#[derive(Debug)]
pub enum PaneSignal {
    /// New output was parsed; sent once until the app calls [`Pane::take_dirty`], and
    /// not while the pane is hushed ([`Pane::hush`]).
    Output(PaneId),
    /// The child exited (its last output is still on screen).
    Exited(PaneId, ExitState),
}

/// How a pane's child is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitState {
    Running,
    Exited(u32),
    Killed(String),
}

impl ExitState {
    pub fn is_running(&self) -> bool {
        matches!(self, ExitState::Running)
    }

    /// Short text for the pane border.
    pub fn label(&self) -> String {
        match self {
            ExitState::Running => "running".into(),
            ExitState::Exited(code) => format!("exited {code}"),
            ExitState::Killed(signal) => format!("killed by {signal}"),
        }
    }
}

/// Everything needed to start a pane's child.
#[derive(Debug, Clone)]
pub struct PaneSpec {
    pub name: String,
    /// Run through `sh -c`.
    pub command: String,
    pub cwd: Option<PathBuf>,
    /// Extra environment for this child (RALLISH_* and preset env).
    pub env: Vec<(String, String)>,
    /// What the border says it runs, when not the command itself.
    pub label: Option<String>,
    /// The agent says through `rallish-tui hook` when it takes a prompt.
    pub reports_prompts: bool,
    /// The name of the known agent it starts ([`crate::agents`]), if any.
    pub agent: Option<&'static str>,
}

/// A running (or finished) child in a PTY with its emulated screen.
pub struct Pane {
    pub name: String,
    pub command: String,
    /// `parking_lot`'s, for its fair unlock: see [`parse_loop`].
    emulator: Arc<parking_lot::Mutex<Emulator>>,
    dirty: Arc<OutputFlag>,
    writer: Writer,
    /// Set where the UI thread writes to the child itself (see [`writing`]).
    write_here: Option<writing::WriteHere>,
    master: Box<dyn MasterPty + Send>,
    pid: Option<u32>,
    status: ExitState,
    rows: u16,
    cols: u16,
    cast: Option<Arc<Recorder>>,
    /// Set where the UI thread reads the pane itself (see [`reading`]).
    here: Option<reading::ReadHere>,
}

impl Pane {
    /// Spawns `spec` in a PTY of `rows` x `cols`; `notify` receives this pane's signals.
    /// With a `watch`, the UI thread reads the pane's output while it trickles.
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        id: PaneId,
        spec: &PaneSpec,
        rows: u16,
        cols: u16,
        scrollback: usize,
        cast: Option<Arc<Recorder>>,
        watch: Option<&Arc<watch::Watch>>,
        notify: impl Fn(PaneSignal) + Send + Sync + 'static,
    ) -> anyhow::Result<Pane> {
        let (rows, cols) = (rows.max(1), cols.max(1));
        let pair = native_pty_system().openpty(pty_size(rows, cols))?;
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", &spec.command]);
        let cwd = match &spec.cwd {
            Some(dir) => dir.clone(),
            None => std::env::current_dir()?,
        };
        cmd.cwd(cwd);
        child_env::apply(&mut cmd, &spec.env);
        let mut child = pair.slave.spawn_command(cmd)?;
        // Only the child may hold the slave, so its exit gives our reader EOF.
        drop(pair.slave);
        let pid = child.process_id();
        if let Some(pid) = pid {
            reaper::register(pid);
        }
        let master_fd = pair
            .master
            .as_raw_fd()
            .ok_or_else(|| anyhow::anyhow!("the PTY has no file descriptor"))?;
        let reader = File::from(crate::sys::dup(master_fd)?);
        let pty_writer = pair.master.take_writer()?;
        let write_room = crate::sys::dup(master_fd)?;

        let emulator = Arc::new(parking_lot::Mutex::new(new_emulator(
            rows, cols, scrollback,
        )));
        let dirty = Arc::new(OutputFlag::default());
        let (writer, jobs) = writing::channel();
        let write_here = write_here(master_fd, &writer);
        let notify: Arc<dyn Fn(PaneSignal) + Send + Sync> = Arc::new(notify);

        spawn_thread(&format!("pane-{}-write", id.index()), move || {
            writing::write_loop(pty_writer, write_room, jobs);
        })?;
        let inbox = Arc::new(Inbox::default());
        let output = Arc::new(Output {
            id,
            emulator: emulator.clone(),
            dirty: dirty.clone(),
            writer: writer.clone(),
            notify: notify.clone(),
        });
        let here = match watch {
            Some(watch) => Some(read_here(
                id,
                &reader,
                watch,
                &inbox,
                &output,
                cast.as_ref(),
            )?),
            None => None,
        };
        {
            let (inbox, cast, output) = (inbox.clone(), cast.clone(), output.clone());
            let reading = here.as_ref().map(|here| here.reading.clone());
            spawn_thread(&format!("pane-{}-read", id.index()), move || {
                read_loop(reader, &inbox, &output, cast.as_deref(), reading.as_deref());
            })?;
        }
        {
            let (emulator, dirty, writer, notify) = (
                emulator.clone(),
                dirty.clone(),
                writer.clone(),
                notify.clone(),
            );
            spawn_thread(&format!("pane-{}-parse", id.index()), move || {
                parse_loop(id, &inbox, &emulator, &dirty, &writer, &*notify);
            })?;
        }
        spawn_thread(&format!("pane-{}-wait", id.index()), move || {
            let state = match child.wait() {
                Ok(status) => match status.signal() {
                    Some(signal) => ExitState::Killed(signal_name(signal)),
                    None => ExitState::Exited(status.exit_code()),
                },
                Err(err) => ExitState::Killed(format!("unknown ({err})")),
            };
            if let Some(pid) = pid {
                reaper::forget(pid);
            }
            notify(PaneSignal::Exited(id, state));
        })?;

        Ok(Pane {
            name: spec.name.clone(),
            command: spec.label.clone().unwrap_or_else(|| spec.command.clone()),
            emulator,
            dirty,
            writer,
            write_here,
            master: pair.master,
            pid,
            status: ExitState::Running,
            rows,
            cols,
            cast,
            here,
        })
    }

    /// Output waiting in the PTY, unread, and who reads it (true: the UI thread), where
    /// the UI thread may read it.
    #[cfg(test)]
    pub fn unread(&self) -> Option<(usize, bool)> {
        let here = self.here.as_ref()?;
        let waiting = crate::sys::bytes_waiting(here.fd.as_raw_fd()).unwrap_or(0);
        Some((waiting, here.reading.by_ui()))
    }

    /// Where the UI thread reads the pane and nobody listened (it was hushed), reads the
    /// output waiting in the PTY.
    pub fn read_waiting(&self) {
        if let Some(here) = &self.here {
            here.read_waiting();
        }
    }

    /// The watch reported input on this pane's PTY: the UI thread reads it.
    pub fn heard(&self) {
        if let Some(here) = &self.here {
            here.heard(self.dirty.hushed());
        }
    }

    /// Locks the emulator for reading or drawing. Hold it briefly: the reader waits.
    pub fn emulator(&self) -> parking_lot::MutexGuard<'_, Emulator> {
        self.emulator.lock()
    }

    /// The emulator's lock itself, for tests that hold it as a busy reader would.
    #[cfg(test)]
    pub fn shared_emulator(&self) -> Arc<parking_lot::Mutex<Emulator>> {
        self.emulator.clone()
    }

    /// The emulator if nobody else holds it right now; the UI uses this for background
    /// panes, so it never waits behind a reader that is busy with their flood.
    pub fn try_emulator(&self) -> Option<parking_lot::MutexGuard<'_, Emulator>> {
        self.emulator.try_lock()
    }

    /// The emulator, waiting at most `wait` for a reader that holds it. A reader busy
    /// with a flood lets go after each slice it parses and hands the lock to a waiting
    /// thread first, so the wait is one slice's parse, bounded by `wait`.
    pub fn emulator_within(&self, wait: Duration) -> Option<parking_lot::MutexGuard<'_, Emulator>> {
        self.emulator.try_lock_for(wait)
    }

    /// Whether there was output since the app last asked; the next output signals the
    /// app again (unless hushed).
    pub fn take_dirty(&self) -> bool {
        self.dirty.take()
    }

    /// While hushed, output does not signal the app: a frame is on its way that looks at
    /// this pane anyway. Lifting the hush must be followed by [`Pane::take_dirty`].
    /// Where the UI thread reads the pane, a hushed pane's output is not even read until
    /// the hush lifts.
    pub fn hush(&self, hushed: bool) {
        self.dirty.hush(hushed);
        match &self.here {
            Some(here) if hushed => here.hush(),
            Some(here) => here.listen(),
            None => {}
        }
    }

    /// Writes bytes to the child's input, or queues what it cannot take now (see
    /// [`writing`]); never blocks.
    pub fn write(&self, bytes: Vec<u8>) {
        if bytes.is_empty() || !self.status.is_running() {
            return;
        }
        match &self.write_here {
            Some(here) => here.write(bytes),
            None => self.writer.send(WriteJob::Bytes(bytes)),
        }
    }

    /// Writes `first`, then `then` after `pause` (later writes wait behind it).
    pub fn write_in_two(&self, first: Vec<u8>, pause: Duration, then: Vec<u8>) {
        if self.status.is_running() {
            self.write(first);
            self.writer.send(WriteJob::Pause(pause));
            self.writer.send(WriteJob::Bytes(then));
        }
    }

    pub fn size(&self) -> (u16, u16) {
        (self.rows, self.cols)
    }

    /// Resizes the PTY and the emulated screen together; no-op when unchanged.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        let (rows, cols) = (rows.max(1), cols.max(1));
        if (rows, cols) == (self.rows, self.cols) {
            return;
        }
        self.rows = rows;
        self.cols = cols;
        if let Some(cast) = &self.cast {
            cast.resize(cols, rows);
        }
        self.emulator().set_size(rows, cols);
        if let Err(err) = self.master.resize(pty_size(rows, cols)) {
            tracing::warn!(pane = %self.name, %err, "PTY resize failed");
        }
    }

    pub fn status(&self) -> &ExitState {
        &self.status
    }

    pub fn set_status(&mut self, status: ExitState) {
        self.status = status;
    }

    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Sends `signal` to the child's whole process group (the child leads its own
    /// session, so this reaches what it started too).
    pub fn signal(&self, signal: libc::c_int) {
        if let (Some(pid), true) = (self.pid, self.status.is_running()) {
            crate::sys::signal_group(pid as libc::pid_t, signal);
        }
    }
}

/// A pane's emulator for a screen of `rows` x `cols` with `scrollback` lines of history
/// (kept by the [`archive`]).
pub fn new_emulator(rows: u16, cols: u16, scrollback: usize) -> Emulator {
    Emulator::new(rows, cols, scrollback)
}

fn pty_size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn spawn_thread(name: &str, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(body)
        .map(drop)
}

/// Output read from the PTY and not yet parsed. Reading and parsing are separate threads
/// so the child keeps writing while the emulator works; in a flood the parser then finds
/// a large batch waiting and takes it in one go.
#[derive(Default)]
struct Inbox {
    state: Mutex<InboxState>,
    /// Signalled when bytes arrive or the child's side closes.
    filled: Condvar,
    /// Signalled when the parser takes the bytes.
    emptied: Condvar,
}

#[derive(Default)]
struct InboxState {
    bytes: Vec<u8>,
    closed: bool,
    /// The parser has a batch in hand.
    parsing: bool,
    /// The reader parsed something itself that the parser must look at (a synchronized
    /// update began, whose time the parser keeps).
    poked: bool,
}

/// Unparsed output the reader may hold before it stops reading, which makes a flooding
/// child wait (bounds memory; a batch this big is far more than any screen shows).
const INBOX_LIMIT: usize = 1024 * 1024;

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, InboxState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds `bytes`, waiting while the inbox is full.
    fn put(&self, bytes: &[u8]) {
        let mut state = self.lock();
        while state.bytes.len() >= INBOX_LIMIT {
            state = self
                .emptied
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.bytes.extend_from_slice(bytes);
        self.filled.notify_one();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.filled.notify_one();
    }

    /// Nothing waits to be parsed and the parser holds no batch: output read now may be
    /// parsed by the reader itself without overtaking any.
    fn idle(&self) -> bool {
        let state = self.lock();
        state.bytes.is_empty() && !state.parsing
    }

    /// Bytes waiting for the parser.
    fn backlog(&self) -> usize {
        self.lock().bytes.len()
    }

    /// The parser finished the batch it took.
    fn parsed(&self) {
        self.lock().parsing = false;
    }

    /// Wakes the parser to look at the emulator (see [`InboxState::poked`]).
    fn poke(&self) {
        self.lock().poked = true;
        self.filled.notify_one();
    }

    /// Swaps everything waiting into `batch` (which must be empty), waiting for some
    /// until `deadline` (if any).
    fn take(&self, batch: &mut Vec<u8>, deadline: Option<Instant>) -> Taken {
        let mut state = self.lock();
        while state.bytes.is_empty() && !state.closed {
            if std::mem::take(&mut state.poked) {
                return Taken::Poked;
            }
            match deadline {
                None => {
                    state = self
                        .filled
                        .wait(state)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return Taken::TimedOut;
                    };
                    state = self
                        .filled
                        .wait_timeout(state, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                }
            }
        }
        std::mem::swap(&mut state.bytes, batch);
        self.emptied.notify_one();
        if batch.is_empty() {
            Taken::Closed
        } else {
            state.parsing = true;
            Taken::Bytes
        }
    }
}

/// What [`Inbox::take`] found.
enum Taken {
    Bytes,
    TimedOut,
    /// The reader parsed output itself and a synchronized update is pending.
    Poked,
    /// The reader has closed and nothing is left.
    Closed,
}

/// Bytes parsed per lock hold, so the UI can draw between slices of a flood.
const SLICE: usize = 16 * 1024;

/// What a reader (the reader thread, or the UI thread) needs to parse output itself.
struct Output {
    id: PaneId,
    emulator: Arc<parking_lot::Mutex<Emulator>>,
    dirty: Arc<OutputFlag>,
    writer: Writer,
    notify: Arc<dyn Fn(PaneSignal) + Send + Sync>,
}

/// Output up to this size that finds the parser idle is parsed by the reader itself.
const INLINE_LIMIT: usize = 4 * 1024;

/// The UI thread's own way to the child's input, where it has one (Linux): the PTY no
/// longer blocks, for anybody. `None` (the writer thread writes everything) where it
/// cannot be set so.
fn write_here(master_fd: std::os::fd::RawFd, writer: &Writer) -> Option<writing::WriteHere> {
    if !cfg!(target_os = "linux") {
        // macOS: the reader thread reads the PTY in blocking reads, always.
        return None;
    }
    let made = crate::sys::set_nonblocking(master_fd)
        .and_then(|()| crate::sys::dup(master_fd))
        .inspect_err(|err| tracing::warn!(%err, "a blocking PTY; its thread writes every key"));
    Some(writing::WriteHere {
        pty: File::from(made.ok()?),
        writer: writer.clone(),
    })
}

/// The UI thread's side of a pane it reads itself: the PTY joins the watch.
fn read_here(
    id: PaneId,
    reader: &File,
    watch: &Arc<watch::Watch>,
    inbox: &Arc<Inbox>,
    output: &Arc<Output>,
    cast: Option<&Arc<Recorder>>,
) -> std::io::Result<reading::ReadHere> {
    // A descriptor of its own (std's dup, closed on exec), for the watch to hold.
    let fd = reader.try_clone()?;
    watch.add(fd.as_raw_fd(), id)?;
    Ok(reading::ReadHere {
        id,
        watch: watch.clone(),
        fd,
        reading: Arc::new(reading::Reading::new(true)),
        listening: std::sync::atomic::AtomicBool::new(true),
        inbox: inbox.clone(),
        output: output.clone(),
        cast: cast.cloned(),
    })
}

/// Moves the child's output on as fast as it comes, recording it on the way. An agent's
/// usual output (a spinner frame, a line, an echo) arrives in small pieces with the
/// parser idle: the reader parses those itself, which spares a thread hand-off (two
/// context switches) per piece. Anything bigger, or arriving while the parser has a
/// batch, goes through the inbox to the parser thread, so reading never waits for a
/// flood to be parsed.
///
/// Where the UI thread reads small output itself (`reading`), this thread waits until
/// the UI hands it a flood, and hands reading back once the child is [`reading::QUIET`].
fn read_loop(
    mut reader: File,
    inbox: &Inbox,
    output: &Output,
    cast: Option<&Recorder>,
    reading: Option<&reading::Reading>,
) {
    // It parses too, so it yields to the UI as the parser does.
    priority::lower_current_thread();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if let Some(reading) = reading {
            reading.wait_for_thread();
            if let Ok(false) = crate::sys::readable(reader.as_raw_fd(), reading::QUIET) {
                reading.to_ui();
                // Wakes the app, which then listens for the pane again.
                (output.notify)(PaneSignal::Output(output.id));
                continue;
            }
        }
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            // The PTY does not block (see `write_here`). Where the UI may read, the wait
            // at the top of the loop is the one that hands reading back; else wait here.
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                if reading.is_none()
                    && crate::sys::readable(reader.as_raw_fd(), Duration::from_secs(60)).is_err()
                {
                    break;
                }
                continue;
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if output.take(&buf[..n], inbox, cast) {
            (output.notify)(PaneSignal::Output(output.id));
        }
        if let Some(pause) = typing::pause_for(output.id, std::time::Instant::now()) {
            std::thread::sleep(pause);
        }
    }
    inbox.close();
}

impl Output {
    /// A piece of output a reader read: recorded, then parsed by the reader itself if it
    /// is small and finds the parser idle (which spares a thread hand-off), else queued
    /// for the parser thread, behind what that holds and never before it. True when the
    /// reader parsed it and the app must be told (the reader thread tells it; the UI
    /// thread, reading, knows and looks at the pane's flag itself).
    fn take(&self, bytes: &[u8], inbox: &Inbox, cast: Option<&Recorder>) -> bool {
        if let Some(cast) = cast {
            cast.output(bytes);
        }
        if bytes.len() <= INLINE_LIMIT && inbox.idle() {
            self.parse_here(bytes, inbox)
        } else {
            inbox.put(bytes);
            false
        }
    }

    /// A reader's own parse of a small piece of output that found the parser idle (see
    /// [`read_loop`]). If the emulator is busy (the app reads it, say), the piece goes to
    /// the parser thread instead, so a reader never waits. True when the app must be
    /// told of the output.
    fn parse_here(&self, bytes: &[u8], inbox: &Inbox) -> bool {
        let Some(mut emulator) = self.emulator.try_lock() else {
            inbox.put(bytes);
            return false;
        };
        emulator.process(bytes);
        let answers = std::mem::take(&mut emulator.requests_mut().to_child);
        let sync_pending = emulator.sync_deadline().is_some();
        drop(emulator);
        if !answers.is_empty() {
            self.writer.send(WriteJob::Bytes(answers));
        }
        if sync_pending {
            // The parser keeps the synchronized update's time.
            inbox.poke();
        }
        self.dirty.raise()
    }
}

/// Parses everything the child writes. Parsing happens here, off the UI thread, so a
/// flood costs the UI one dirty flag per frame, not one message per chunk. A synchronized
/// update (DEC 2026) the child leaves open is shown once its time runs out.
///
/// In a flood this thread would take the emulator's lock back the instant it let go, and
/// the UI (which locks it for a key's input modes, a bell, a child's clipboard write)
/// could wait for the whole flood; each slice ends with a fair unlock, which hands the
/// lock to a waiting thread first. The thread also runs below the UI's priority (see
/// [`priority`]).
fn parse_loop(
    id: PaneId,
    inbox: &Inbox,
    emulator: &parking_lot::Mutex<Emulator>,
    dirty: &OutputFlag,
    writer: &Writer,
    notify: &(dyn Fn(PaneSignal) + Send + Sync),
) {
    priority::lower_current_thread();
    let mut batch = Vec::new();
    let mut deadline = None;
    loop {
        let mut answers = Vec::new();
        match inbox.take(&mut batch, deadline) {
            Taken::Closed => break,
            Taken::Poked => {
                deadline = emulator.lock().sync_deadline();
                continue;
            }
            Taken::TimedOut => {
                let mut emulator = emulator.lock();
                emulator.end_sync();
                answers.append(&mut emulator.requests_mut().to_child);
                deadline = emulator.sync_deadline();
            }
            Taken::Bytes => {
                // A flood's plain tail may scroll rows off that it pushes out of the
                // history again: those are only counted (see `Emulator::passing_rows`).
                let (head, tail) = batch.split_at(emulator::plain_tail(&batch));
                let mut passing = None;
                for slice in head.chunks(SLICE).chain(tail.chunks(SLICE)) {
                    let mut emulator = emulator.lock();
                    let in_tail = slice.as_ptr() >= tail.as_ptr();
                    let budget = match passing.as_mut() {
                        Some(budget) => budget,
                        None if in_tail => passing.insert(emulator.passing_rows(tail)),
                        None => &mut 0,
                    };
                    emulator.process_slice(slice, budget);
                    answers.append(&mut emulator.requests_mut().to_child);
                    deadline = emulator.sync_deadline();
                    parking_lot::MutexGuard::unlock_fair(emulator);
                }
            }
        }
        if dirty.raise() {
            notify(PaneSignal::Output(id));
        }
        if !answers.is_empty() {
            writer.send(WriteJob::Bytes(answers));
        }
        // Only now may the reader parse again itself: its answers must follow these.
        inbox.parsed();
        // Give a flood's big buffer back rather than hold it for good.
        batch.clear();
        if batch.capacity() > INBOX_LIMIT / 4 {
            batch = Vec::new();
        }
        if let Some(pause) = typing::pause_for(id, std::time::Instant::now()) {
            std::thread::sleep(pause);
        }
    }
}

/// `SIGKILL` rather than strsignal's "Killed", so the border reads like a shell would.
fn signal_name(description: &str) -> String {
    (1..32)
        .find(|&sig| crate::sys::signal_description(sig).is_some_and(|text| text == description))
        .and_then(abbreviation)
        .map_or_else(|| description.to_string(), str::to_string)
}

fn abbreviation(signal: libc::c_int) -> Option<&'static str> {
    Some(match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGTERM => "SIGTERM",
        _ => return None,
    })
}
