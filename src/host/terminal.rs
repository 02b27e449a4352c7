//! The host terminal: entering and leaving full-screen mode, restoring it on every exit
//! path (normal return, error, panic, signal), and the writer every frame goes through.

use std::io::{self, Write};
use std::os::fd::{AsFd as _, AsRawFd as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};

use crate::host::size::HostSize;

/// Begin / end synchronized update: the host shows a frame whole or not at all.
pub const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
pub const END_SYNC: &[u8] = b"\x1b[?2026l";

/// Receives a copy of every byte sent to the host terminal.
pub type Tap = Box<dyn FnMut(&[u8]) + Send>;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Collects a whole frame and hands it to the host in one `write`, so the terminal
/// never sees half a frame and the recorder sees exactly what the terminal saw.
pub struct HostWriter {
    buf: Vec<u8>,
    tap: Option<Tap>,
    /// The size the frames are fitted to.
    pub size: HostSize,
}

impl HostWriter {
    pub fn new() -> HostWriter {
        HostWriter {
            buf: Vec::with_capacity(256 * 1024),
            tap: None,
            size: HostSize::watch(),
        }
    }

    /// Every committed byte is also given to `tap` (the session recorder).
    pub fn set_tap(&mut self, tap: Option<Tap>) {
        self.tap = tap;
    }

    /// Forgets what was collected and not yet committed.
    pub fn discard(&mut self) {
        self.buf.clear();
    }

    /// Writes out everything collected so far.
    pub fn commit(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let result = write_stdout(&self.buf);
        if let Some(tap) = &mut self.tap {
            tap(&self.buf);
        }
        self.buf.clear();
        result
    }
}

impl Default for HostWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for HostWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    /// ratatui flushes at the end of `draw`; the frame is committed by the app after it
    /// closes the synchronized update, so this is deliberately a no-op.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Unbuffered write to fd 1: `std::io::Stdout` is line-buffered and would split frames.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    crate::sys::stdout().write_all(bytes)
}

/// Full-screen mode for the life of the guard.
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Raw mode, alternate screen, bracketed paste, mouse and focus reporting.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut setup = Vec::new();
        execute!(
            setup,
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableMouseCapture,
            EnableFocusChange,
            cursor::Hide,
            terminal::Clear(terminal::ClearType::All)
        )?;
        write_stdout(&setup)?;
        Ok(TerminalGuard(()))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the host terminal back as we found it. Safe to call more than once and from a
/// panic hook: only the first call after `enter` does anything.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    // Raw mode off first, so nothing typed meanwhile is lost in raw mode.
    let _ = terminal::disable_raw_mode();
    let mut teardown = Vec::new();
    teardown.extend_from_slice(END_SYNC);
    let _ = execute!(
        teardown,
        DisableFocusChange,
        DisableMouseCapture,
        DisableBracketedPaste,
        cursor::SetCursorStyle::DefaultUserShape,
        cursor::Show,
        LeaveAlternateScreen
    );
    let _ = write_stdout(&teardown);
}

/// Chains onto the existing hook: restore the terminal first, so the panic message lands
/// on a normal screen, then let the previous hook print it.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        // No orphan may outlive us: a panic skips the polite SIGHUP-then-SIGKILL.
        crate::pane::reaper::kill_all();
        previous(info);
    }));
}

/// Resolves when the host terminal hangs up (its window closed, its ssh link dropped).
/// The kernel usually says so with SIGHUP, but not when another process leads the
/// terminal's session (a wrapper that does not pass the signal on, `setsid`); crossterm's
/// reader then just sees end-of-file over and over, and nothing would tell the app to
/// leave. A thread waits for the hangup itself (see [`wait_for_hangup`]).
pub fn hangup() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("hangup-watch".into())
        .spawn(move || {
            if wait_for_hangup(None) {
                let _ = tx.send(());
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(%err, "cannot watch the terminal for a hangup");
    }
    rx
}

/// True if the host terminal (stdout) has hung up: at once with a `timeout` of zero, or
/// waiting for it with `None` (false then only if the terminal cannot be watched).
///
/// poll(2) cannot do this everywhere: macOS builds poll on kqueue and reports only the
/// events asked for (and documents poll as unsupported on devices), so a hangup is asked
/// for as "readable, and the read side closed": epoll's EPOLLHUP, kqueue's `EV_EOF`, both
/// through mio. Readable also fires when a key is typed; that costs one wakeup per burst
/// of input (registrations are edge-triggered), never a spin.
pub fn wait_for_hangup(timeout: Option<Duration>) -> bool {
    match watch_for_hangup(timeout) {
        Ok(hung_up) => hung_up,
        Err(err) => {
            tracing::warn!(%err, "cannot watch the terminal for a hangup");
            false
        }
    }
}

fn watch_for_hangup(timeout: Option<Duration>) -> io::Result<bool> {
    use mio::unix::SourceFd;
    use mio::{Events, Interest, Poll, Token};

    // A duplicate of the descriptor, so that no registration touches fd 1 itself.
    let tty = io::stdout().as_fd().try_clone_to_owned()?;
    let mut poll = Poll::new()?;
    poll.registry().register(
        &mut SourceFd(&tty.as_raw_fd()),
        Token(0),
        Interest::READABLE,
    )?;
    let mut events = Events::with_capacity(4);
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match poll.poll(&mut events, left) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
        if events
            .iter()
            .any(|event| event.is_read_closed() || event.is_error())
        {
            return Ok(true);
        }
        if left.is_some_and(|left| left.is_zero()) {
            return Ok(false);
        }
    }
}
