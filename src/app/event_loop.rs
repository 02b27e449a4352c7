//! The loop: where every input comes from, how the app waits for the next one, and how
//! it stops. [`App::drive`] turns each source into an [`Input`] for [`App::handle`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::wake_timer::WakeTimer;
use super::{App, AppConfig, ScratchEvent, end};
use crate::control::server::ControlRequest;
use crate::host::backend::Host;
use crate::host::terminal::{HostWriter, TerminalGuard};
use crate::pane::watch::{self, Watch};
use crate::pane::{PaneId, PaneSignal};
use crate::session::Session;

/// How long quitting waits for children to leave after SIGHUP before SIGKILL.
const HANGUP_GRACE: Duration = Duration::from_millis(800);

/// Starts the rally and runs it until the person quits or a signal ends it.
pub fn run(config: AppConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(run_async(config));
    if result.is_err() {
        // The error skipped the polite shutdown; children must not outlive us.
        crate::pane::reaper::kill_all();
    }
    result
}

/// Everything that can happen to a running app, wherever it comes from: the loop turns
/// each source into one of these and hands it to [`App::handle`].
pub(super) enum Input {
    Terminal(crossterm::event::Event),
    Pane(PaneSignal),
    Control(ControlRequest),
    CheckDone(end::CheckDone),
    DiffDone(crate::rally::review::DiffDone),
    Scratch(ScratchEvent),
    /// A save of the session's record failed, with this error.
    SessionSaveFailed(String),
    /// The moment [`App::next_wakeup`] asked for has come.
    Timer,
    /// These panes' PTYs have output for the UI thread to read (see
    /// [`crate::pane::watch`]).
    Readable(Vec<PaneId>),
}

/// The receiving ends of the app's own channels: pane output and exits, the control
/// socket, and the work it hands to threads (end checks, diffs, scratchpad and session
/// saves).
pub(super) struct Channels {
    pub(super) pane: mpsc::UnboundedReceiver<PaneSignal>,
    pub(super) control: mpsc::Receiver<ControlRequest>,
    pub(super) check: mpsc::UnboundedReceiver<end::CheckDone>,
    pub(super) diff: mpsc::UnboundedReceiver<crate::rally::review::DiffDone>,
    pub(super) scratch: mpsc::UnboundedReceiver<ScratchEvent>,
    pub(super) session_failed: mpsc::UnboundedReceiver<String>,
    /// The PTYs the UI thread reads itself, where it can (Linux).
    pub(super) watch: Option<Arc<Watch>>,
}

/// The sending ends of [`Channels`], for what the app starts.
pub(super) struct Senders {
    pub(super) pane: mpsc::UnboundedSender<PaneSignal>,
    pub(super) control: mpsc::Sender<ControlRequest>,
    pub(super) check: mpsc::UnboundedSender<end::CheckDone>,
    pub(super) diff: mpsc::UnboundedSender<crate::rally::review::DiffDone>,
    pub(super) scratch: mpsc::UnboundedSender<ScratchEvent>,
    pub(super) session_failed: mpsc::UnboundedSender<String>,
    /// Where new panes' PTYs go to be read by the UI thread.
    pub(super) watch: Option<Arc<Watch>>,
}

impl Channels {
    /// Whatever is already waiting on any channel, without waiting; pane output first,
    /// as the loop takes it.
    #[cfg(test)]
    pub(super) fn try_next(&mut self) -> Option<Input> {
        (self.pane.try_recv().ok().map(Input::Pane))
            .or_else(|| self.control.try_recv().ok().map(Input::Control))
            .or_else(|| self.check.try_recv().ok().map(Input::CheckDone))
            .or_else(|| self.diff.try_recv().ok().map(Input::DiffDone))
            .or_else(|| self.scratch.try_recv().ok().map(Input::Scratch))
            .or_else(|| (self.session_failed.try_recv().ok()).map(Input::SessionSaveFailed))
            .or_else(|| {
                let ready = self.watch.as_ref()?.ready_now();
                (!ready.is_empty()).then_some(Input::Readable(ready))
            })
    }

    pub(super) fn new() -> (Senders, Channels) {
        let (pane_tx, pane) = mpsc::unbounded_channel();
        let (control_tx, control) = mpsc::channel(64);
        let (check_tx, check) = mpsc::unbounded_channel();
        let (diff_tx, diff) = mpsc::unbounded_channel();
        let (scratch_tx, scratch) = mpsc::unbounded_channel();
        let (session_failed_tx, session_failed) = mpsc::unbounded_channel();
        let watch = Watch::new().map(Arc::new);
        let senders = Senders {
            pane: pane_tx,
            control: control_tx,
            check: check_tx,
            diff: diff_tx,
            scratch: scratch_tx,
            session_failed: session_failed_tx,
            watch: watch.clone(),
        };
        let channels = Channels {
            pane,
            control,
            check,
            diff,
            scratch,
            session_failed,
            watch,
        };
        (senders, channels)
    }
}

/// Why the loop stopped before the person quit.
pub(super) type StopReason = &'static str;

async fn run_async(config: AppConfig) -> anyhow::Result<()> {
    let state_dir = crate::config::paths::state_dir();
    let session = if config.session.resuming {
        let id = &config.session.record.id;
        Session::open(&state_dir, id).with_context(|| format!("opening session {id}"))?
    } else {
        Session::create(&state_dir).context("creating the session directory")?
    };
    let runtime_dir = crate::control::runtime_dir();
    let (socket_path, listener) =
        crate::control::server::bind(&runtime_dir, &format!("{}.sock", session.id))
            .context("opening the control socket")?;
    let (senders, mut channels) = Channels::new();
    tokio::spawn(crate::control::server::serve(
        listener,
        senders.control.clone(),
    ));

    // The children start before the terminal is set up, so their start-up (a shell, an
    // agent's runtime) overlaps ours rather than following it.
    let (cols, rows) = crossterm::terminal::size().context("reading the terminal's size")?;
    let mut app = App::start(
        config,
        session,
        socket_path,
        Rect::new(0, 0, cols, rows),
        &senders,
    )?;
    let guard = TerminalGuard::enter().context("preparing the terminal")?;
    crate::pane::emulator::set_host_colours(crate::host::palette::ask(
        crate::host::palette::TIME_LIMIT,
    ));
    let mut terminal = Terminal::new(CrosstermBackend::new(HostWriter::new()))?;
    app.open_scratchpad(senders.scratch.clone());
    app.open_session_record(senders.session_failed.clone());
    terminal
        .backend_mut()
        .writer_mut()
        .set_tap(Some(app.recording.screen.tap()));
    app.open_first_recording()?;
    tracing::info!(session = %app.session.id(), panes = app.slots.len(), "rally started");

    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let hangup = crate::host::terminal::hangup();
    // Waited for on a task of its own: every future in the loop's select is polled at
    // every turn of the loop, and tokio's signal futures cost more to poll than a
    // oneshot.
    let (stopped, stop) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let why = tokio::select! {
            _ = sigterm.recv() => "SIGTERM",
            _ = sighup.recv() => "SIGHUP",
            Ok(()) = hangup => "the terminal hung up",
        };
        let _ = stopped.send(why);
    });
    let stop = async move {
        match stop.await {
            Ok(why) => why,
            Err(_) => std::future::pending().await,
        }
    };
    let ended = app
        .drive(
            &mut channels,
            crate::host::input::events().context("reading the terminal's input")?,
            &mut terminal,
            stop,
        )
        .await;
    match ended {
        Ended::Quit => {}
        Ended::Stopped(why) => tracing::info!("{why}"),
        Ended::LostTerminal(what, err) => log_terminal_gone(what, &err),
    }
    app.finish(&mut channels.pane).await;
    drop(terminal);
    drop(guard);
    tracing::info!("rally ended");
    Ok(())
}

/// How [`App::drive`] ended.
pub(super) enum Ended {
    /// The person quit.
    Quit,
    /// A signal or a hangup stopped the app.
    Stopped(StopReason),
    /// The terminal went away while reading input or drawing.
    LostTerminal(&'static str, String),
}

/// Says why the loop lost its terminal. Input, drawing and the hangup watcher race to
/// notice a terminal that went away; whichever wins, a hangup is logged as one.
fn log_terminal_gone(what: &str, err: &dyn std::fmt::Display) {
    if crate::host::terminal::wait_for_hangup(Some(Duration::ZERO)) {
        tracing::info!("the terminal hung up");
    } else {
        tracing::warn!(%err, "{what}");
    }
}

impl App {
    /// Runs the app until the person quits, `stop` resolves, or the terminal goes away:
    /// `input` is the terminal's events and `terminal` where frames go, so tests can
    /// give it a channel and a `TestBackend`.
    pub(super) async fn drive<S, B>(
        &mut self,
        channels: &mut Channels,
        mut input: S,
        terminal: &mut Terminal<B>,
        stop: impl std::future::Future<Output = StopReason>,
    ) -> Ended
    where
        S: futures_util::Stream<Item = std::io::Result<crossterm::event::Event>> + Unpin,
        B: Host,
        B::Error: Send + Sync + 'static,
    {
        if let Err(err) = self.render(terminal) {
            return Ended::LostTerminal("drawing failed", err.to_string());
        }
        // The opening frame (borders, no output yet) must not hold back the first real
        // one: startup is measured until the child's first line is visible.
        self.frames.last = None;
        tokio::pin!(stop);
        let mut timer = WakeTimer::new();
        loop {
            timer.set(self.next_wakeup());
            let next = tokio::select! {
                biased;
                event = input.next() => match event {
                    Some(Ok(event)) => Input::Terminal(event),
                    Some(Err(err)) => {
                        return Ended::LostTerminal("terminal input failed", err.to_string());
                    }
                    None => return Ended::LostTerminal("terminal input ended", String::new()),
                },
                Some(signal) = channels.pane.recv() => Input::Pane(signal),
                ready = watch::ready(channels.watch.as_deref()) => Input::Readable(ready),
                Some(request) = channels.control.recv() => Input::Control(request),
                Some(done) = channels.check.recv() => Input::CheckDone(done),
                Some(done) = channels.diff.recv() => Input::DiffDone(done),
                Some(event) = channels.scratch.recv() => Input::Scratch(event),
                Some(error) = channels.session_failed.recv() => Input::SessionSaveFailed(error),
                why = &mut stop => return Ended::Stopped(why),
                () = timer.fired() => Input::Timer,
            };
            self.handle(next);
            // Take everything already queued before drawing: one frame for many chunks.
            while let Ok(signal) = channels.pane.try_recv() {
                self.handle(Input::Pane(signal));
            }
            self.settle(Instant::now());
            if self.quitting {
                return Ended::Quit;
            }
            if let Err(err) = self.render_if_due(terminal) {
                // The terminal is gone; leave the way a signal would, saving everything.
                return Ended::LostTerminal("drawing failed", err.to_string());
            }
            self.hush_panes();
        }
    }

    /// The next moment something must happen without any input: a throttled frame, a
    /// notice to clear, a synchronized-output timeout, the rally's deadline or the turn
    /// timeout. `None` when idle.
    pub(super) fn next_wakeup(&self) -> Option<Instant> {
        let mut wake: Option<Instant> = None;
        let mut consider = |at: Instant| wake = Some(wake.map_or(at, |w| w.min(at)));
        if let Some(at) = self.clock_wakeup(Instant::now()) {
            consider(at);
        }
        if let Some(at) = self.next_frame() {
            consider(at);
        }
        if let Some(at) = self.background_look(Instant::now()) {
            consider(at);
        }
        if let Some(at) = self.chrome.notice_until() {
            consider(at);
        }
        if let Some(at) = self.scratch_due() {
            consider(at);
        }
        if let Some(at) = self.delivery_wakeup() {
            consider(at);
        }
        let now = Instant::now();
        for slot in &self.slots {
            if let Some(at) = slot.activity.next_change(now) {
                consider(at);
            }
        }
        wake
    }

    /// Stops everything the rally started and saves what it leaves behind.
    pub(super) async fn finish(&mut self, pane_rx: &mut mpsc::UnboundedReceiver<PaneSignal>) {
        self.end.checks.stop_all();
        self.shutdown(pane_rx).await;
        self.stop_recordings();
        self.close_session_record();
        self.close_scratchpad();
        self.link.control.remove();
    }

    async fn shutdown(&mut self, pane_rx: &mut mpsc::UnboundedReceiver<PaneSignal>) {
        for slot in &self.slots {
            slot.pane.signal(libc::SIGHUP);
        }
        self.wait_for_exits(pane_rx, HANGUP_GRACE).await;
        for slot in &self.slots {
            slot.pane.signal(libc::SIGKILL);
        }
        // Reap what SIGKILL ended, so no zombie outlives us even briefly.
        self.wait_for_exits(pane_rx, Duration::from_millis(500))
            .await;
    }

    /// Collects exit statuses until every child has exited or `grace` has passed.
    async fn wait_for_exits(
        &mut self,
        pane_rx: &mut mpsc::UnboundedReceiver<PaneSignal>,
        grace: Duration,
    ) {
        let deadline = Instant::now() + grace;
        while self.slots.iter().any(|s| s.pane.status().is_running()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, pane_rx.recv()).await {
                Ok(Some(PaneSignal::Exited(id, state))) => {
                    self.slots[id.index()].pane.set_status(state);
                }
                Ok(Some(PaneSignal::Output(_))) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
}
