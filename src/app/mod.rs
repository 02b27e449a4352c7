//! Owns the panes, the baton and the screen; runs the one `select!` loop. Input becomes
//! an `Action` or bytes for the holder's child; pane output marks the screen dirty; a
//! dirty screen is drawn at most once per frame, and an idle app never wakes.

mod activity;
mod baton;
mod chrome;
mod copy_mode;
mod delivery;
mod draw;
mod end;
mod focus;
mod focus_reports;
mod frame;
mod input;
mod link;
mod overlay;
mod pacing;
mod person;
mod prefs;
mod recording;
mod resize;
mod review;
mod scratch_panel;
mod scratch_sync;
mod session;
mod signals;
mod slots;
#[cfg(test)]
mod tests;

use chrome::Chrome;
use focus::Focus;
use prefs::Prefs;

pub use crate::scratchpad::sync::ScratchEvent;
pub use activity::NotifyConfig;
pub use person::Person;
pub use recording::RecordConfig;
pub use review::{DIFF_PANE_COMMAND, ReviewConfig};

use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::control::server::ControlRequest;
use crate::host::backend::Host;
use crate::host::colours::ColourDepth;
use crate::host::terminal::{HostWriter, TerminalGuard};
use crate::input::keymap::Keymap;
use crate::pane::{Pane, PaneId, PaneSignal, PaneSpec};
use crate::rally::baton::{Baton, Routing};
use crate::rally::end::Rules;
use crate::session::Session;
use crate::ui::layout::{self, LayoutKind};
use crate::ui::theme::Theme;
use recording::ScreenRecording;

/// How long quitting waits for children to leave after SIGHUP before SIGKILL.
const HANGUP_GRACE: Duration = Duration::from_millis(800);

/// Everything the app needs to start a rally.
pub struct AppConfig {
    pub panes: Vec<PaneSpec>,
    pub layout: Option<LayoutKind>,
    pub scrollback: usize,
    pub keymap: Keymap,
    pub theme: Theme,
    pub routing: Routing,
    /// Where a pass that names no target goes, by pane.
    pub next: Vec<(PaneId, PaneId)>,
    pub first: PaneId,
    /// The person's seat in the rotation, when a role is the person.
    pub person: Option<Person>,
    /// Budget and exit conditions.
    pub rules: Rules,
    pub note_template: String,
    /// The preset's task: handed to the first holder once it is ready (the opening
    /// serve), and offered to the note template as `{task}`.
    pub task: Option<String>,
    pub record: RecordConfig,
    /// A name for this rally in recordings (the preset, or "panes").
    pub title: String,
    /// Silence after which a pane counts as idle.
    pub idle_after: Duration,
    pub notify: NotifyConfig,
    pub session: SessionStart,
    pub scratchpad: crate::scratchpad::Settings,
    pub clipboard: crate::config::ClipboardMode,
    /// A pair review: notes carry each turn's diff.
    pub review: Option<ReviewConfig>,
    /// What a note tells an agent to run to pass the baton, `{pass_command}`: this
    /// binary by its absolute path, so that any shell's PATH finds it.
    pub pass_command: String,
}

/// The session a rally starts: a new one, or one being resumed from its record.
pub struct SessionStart {
    pub resuming: bool,
    /// For a new session, its static part (panes, rules); resuming, all of it.
    pub record: crate::session::resume::SessionRecord,
}

pub struct App {
    /// Each pane and what is known of it, in pane order.
    slots: Vec<slots::PaneSlot>,
    focus: Focus,
    baton: Baton,
    /// The keyboard's mode, the overlays and the notice: the app's layer over the panes.
    chrome: Chrome,
    /// The person's keys and colours.
    prefs: Prefs,
    /// The session's directory, handoff log and record.
    session: session::SessionFiles,
    quitting: bool,
    scratch: crate::scratchpad::sync::Scratchpad,
    /// Whether a frame is wanted, and what the last ones left behind, so the next one
    /// paints only what changed.
    frames: draw::Frames,
    /// What is being recorded, and how.
    recording: recording::Recording,
    /// The notes that go to agents and the socket they answer on.
    link: link::AgentLink,
    /// How the panes share the screen.
    tiling: resize::Tiling,
    /// When the rally ends, and how it is watched.
    end: end::EndWatch,
    /// The person's seat in the rotation.
    seat: person::PersonSeat,
    /// What the app knows of and owes the host terminal outside frames.
    host: activity::HostState,
}

/// What decides whether a frame can keep the last one's picture: where the panes are,
/// and whether something covers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Layers {
    rects: Vec<Rect>,
    covered: bool,
    size: Rect,
}

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
}

/// The receiving ends of the app's own channels: pane output and exits, the control
/// socket, and the work it hands to threads (end checks, diffs, scratchpad and session
/// saves).
pub(super) struct Channels {
    pane: mpsc::UnboundedReceiver<PaneSignal>,
    control: mpsc::Receiver<ControlRequest>,
    check: mpsc::UnboundedReceiver<end::CheckDone>,
    diff: mpsc::UnboundedReceiver<crate::rally::review::DiffDone>,
    scratch: mpsc::UnboundedReceiver<ScratchEvent>,
    session_failed: mpsc::UnboundedReceiver<String>,
}

/// The sending ends of [`Channels`], for what the app starts.
pub(super) struct Senders {
    pane: mpsc::UnboundedSender<PaneSignal>,
    control: mpsc::Sender<ControlRequest>,
    check: mpsc::UnboundedSender<end::CheckDone>,
    diff: mpsc::UnboundedSender<crate::rally::review::DiffDone>,
    scratch: mpsc::UnboundedSender<ScratchEvent>,
    session_failed: mpsc::UnboundedSender<String>,
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
    }

    pub(super) fn new() -> (Senders, Channels) {
        let (pane_tx, pane) = mpsc::unbounded_channel();
        let (control_tx, control) = mpsc::channel(64);
        let (check_tx, check) = mpsc::unbounded_channel();
        let (diff_tx, diff) = mpsc::unbounded_channel();
        let (scratch_tx, scratch) = mpsc::unbounded_channel();
        let (session_failed_tx, session_failed) = mpsc::unbounded_channel();
        let senders = Senders {
            pane: pane_tx,
            control: control_tx,
            check: check_tx,
            diff: diff_tx,
            scratch: scratch_tx,
            session_failed: session_failed_tx,
        };
        let channels = Channels {
            pane,
            control,
            check,
            diff,
            scratch,
            session_failed,
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
    let stop = async move {
        tokio::select! {
            _ = sigterm.recv() => "SIGTERM",
            _ = sighup.recv() => "SIGHUP",
            Ok(()) = hangup => "the terminal hung up",
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
        // One timer, moved only when the wake-up time changes: a new timer in every turn
        // of the loop makes tokio's driver wake itself to take note of it.
        let timer = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(timer);
        let mut armed: Option<Instant> = None;
        loop {
            let wake = self.next_wakeup();
            if wake != armed {
                if let Some(at) = wake {
                    timer.as_mut().reset(at.into());
                }
                armed = wake;
            }
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
                Some(request) = channels.control.recv() => Input::Control(request),
                Some(done) = channels.check.recv() => Input::CheckDone(done),
                Some(done) = channels.diff.recv() => Input::DiffDone(done),
                Some(event) = channels.scratch.recv() => Input::Scratch(event),
                Some(error) = channels.session_failed.recv() => Input::SessionSaveFailed(error),
                why = &mut stop => return Ended::Stopped(why),
                () = &mut timer, if armed.is_some() => {
                    armed = None;
                    Input::Timer
                }
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

    /// One input, routed to whoever it is for.
    pub(super) fn handle(&mut self, input: Input) {
        match input {
            Input::Terminal(event) => self.on_terminal_event(event),
            Input::Pane(signal) => self.on_pane_signal(signal),
            Input::Control(request) => self.on_control(request),
            Input::CheckDone(done) => self.on_check_done(done),
            Input::DiffDone(done) => self.on_diff_done(done),
            Input::Scratch(event) => self.on_scratch_event(event),
            Input::SessionSaveFailed(error) => self.on_session_save_failed(&error),
            Input::Timer => self.on_timer(),
        }
    }

    /// What follows any input once the queue is empty: the panes' activity states and
    /// the session's record.
    pub(super) fn settle(&mut self, now: Instant) {
        self.update_activity(now);
        self.persist_session(false);
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

    /// Starts the recording asked for on the command line or by the session settings.
    fn open_first_recording(&mut self) -> anyhow::Result<()> {
        let first_cast = self.recording.config.path.clone().or_else(|| {
            self.recording
                .config
                .in_session
                .then(|| self.next_cast_path())
        });
        if let Some(path) = first_cast {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            self.start_recording(&path)?;
        }
        Ok(())
    }

    pub(super) fn start(
        config: AppConfig,
        session: Session,
        socket_path: std::path::PathBuf,
        size: Rect,
        senders: &Senders,
    ) -> anyhow::Result<App> {
        let checks = end::Checks::new(senders.check.clone());
        let diff_tx = senders.diff.clone();
        let pane_tx = &senders.pane;
        let layout = config
            .layout
            .unwrap_or_else(|| LayoutKind::default_for(config.panes.len()));
        let now = Instant::now();
        let names = config.panes.iter().map(|p| p.name.clone()).collect();
        let solo = config.panes.len() == 1;
        let resumed = config.session.resuming.then_some(&config.session.record);
        let mut baton = Baton::new(
            names,
            config.first,
            config.routing,
            config.rules.max_turns,
            now,
        )
        .with_self_pass(solo)
        .at_turn(resumed.map_or(1, |r| r.turn));
        let review = config.review.and_then(|review| {
            if let Some(pane) = review.diff_pane {
                baton.sit_out(pane);
            }
            review::Review::start(review, diff_tx)
        });
        if resumed.is_some_and(|r| r.paused) {
            let _ = baton.apply(crate::rally::baton::Event::Pause, now);
        }
        // A resumed rally's deadline counts the time its earlier runs used.
        let started = resumed
            .and_then(|r| now.checked_sub(Duration::from_secs_f64(r.budget.seconds.max(0.0))))
            .unwrap_or(now);
        let mut scratch = crate::scratchpad::sync::Scratchpad::new(config.scratchpad, &session.dir);
        if let Some(r) = resumed {
            scratch.panel.visible = r.scratchpad.visible;
            scratch.panel.placement = r.scratchpad.placement;
            scratch.panel.percent = r.scratchpad.percent;
        }
        let spool_dir = crate::control::spool::create(&session.id)
            .inspect_err(|err| tracing::warn!(%err, "no spool for sandboxed agents' passes"))
            .ok();
        let mut app = App {
            slots: Vec::with_capacity(config.panes.len()),
            focus: Focus::Pane(config.first),
            baton,
            chrome: Chrome::new(),
            prefs: Prefs {
                keymap: config.keymap,
                theme: config.theme,
            },
            session: session::SessionFiles::new(session, config.session.record, now),
            quitting: false,
            scratch,
            frames: draw::Frames {
                dirty: true,
                last_keystroke: None,
                painted: frame::Painted::default(),
                last: None,
                background: false,
                last_background: None,
                hints: std::cell::OnceCell::new(),
                whole: false,
                cursor: draw::HostCursor::Unknown,
                colours: ColourDepth::of_host(),
            },
            recording: recording::Recording {
                config: config.record,
                title: config.title,
                screen: ScreenRecording::default(),
                panes: Vec::new(),
                trouble: None,
            },
            tiling: resize::Tiling {
                kind: layout,
                splits: layout::Splits::default(),
                zoomed: false,
                drag: None,
            },
            end: end::EndWatch {
                rules: config.rules,
                reason: None,
                overdue_turn: None,
                checks,
                started,
            },
            seat: person::PersonSeat {
                person: config.person,
                turn: None,
            },
            link: link::AgentLink {
                notes: link::NoteSetup {
                    template: config.note_template,
                    kickoff: config.task.clone(),
                    pass_command: config.pass_command,
                    task: config.task.unwrap_or_default(),
                    next: config.next.into_iter().collect(),
                },
                review,
                control: link::ControlSetup {
                    socket_path,
                    spool_dir,
                    tokens: std::collections::HashMap::new(),
                },
            },
            host: activity::HostState {
                size,
                clipboard: crate::host::clipboard::Clipboard::new(config.clipboard),
                focused: true,
                out: Vec::new(),
                notify: config.notify,
            },
        };
        let rects = app.tile(config.panes.len());
        for (index, spec) in config.panes.iter().enumerate() {
            let id = PaneId::new(index);
            let inner = layout::inner(rects.get(index).copied().unwrap_or_default());
            let mut spec = spec.clone();
            spec.env.extend(app.rally_env(&spec.name));
            let tx = pane_tx.clone();
            let cast = app.open_pane_recording(&spec.name, inner.width, inner.height)?;
            let pane = Pane::spawn(
                id,
                &spec,
                inner.height,
                inner.width,
                config.scrollback,
                cast,
                move |signal| {
                    let _ = tx.send(signal);
                },
            )
            .with_context(|| format!("starting pane {} ({})", spec.name, spec.command))?;
            app.slots.push(slots::PaneSlot {
                pane,
                activity: crate::pane::activity::Activity::new(config.idle_after),
                inbox: delivery::Inbox::new(Instant::now(), spec.reports_prompts),
                agent: spec.agent,
                focus_told: true,
            });
        }
        app.kickoff();
        Ok(app)
    }

    /// The pane `id`, one of the rally's.
    fn pane(&self, id: PaneId) -> &Pane {
        &self.slots[id.index()].pane
    }

    /// Everything but the status line, and the banner once the rally has ended.
    fn main_area(&self) -> Rect {
        let banner = u16::from(self.end.reason.is_some());
        Rect {
            y: self.host.size.y + banner,
            height: self.host.size.height.saturating_sub(1 + banner),
            ..self.host.size
        }
    }

    /// What the panes tile: the main area less the scratchpad panel's share.
    fn pane_area(&self) -> Rect {
        self.scratch.split(self.main_area()).0
    }

    /// The rectangles panes occupy, in pane order; a zoomed-away pane gets an empty one.
    fn pane_rects(&self) -> Vec<Rect> {
        self.tile(self.slots.len())
    }

    /// The rectangles `count` panes would occupy: [`Self::pane_rects`], and before the
    /// panes are spawned, where their sizes come from.
    fn tile(&self, count: usize) -> Vec<Rect> {
        let area = self.pane_area();
        if self.tiling.zoomed {
            return (0..count)
                .map(PaneId::new)
                .map(|id| {
                    if id == self.focus.pane() {
                        area
                    } else {
                        Rect::default()
                    }
                })
                .collect();
        }
        layout::tile_split(area, count, self.tiling.kind, &self.tiling.splits)
    }

    /// Gives every PTY the size of its pane's inner area.
    fn apply_layout(&mut self) {
        let rects = self.pane_rects();
        for (slot, rect) in self.slots.iter_mut().zip(rects) {
            let inner = layout::inner(rect);
            // A hidden (zoomed-away) pane keeps its size rather than shrinking to nothing.
            if inner.area() > 0 {
                slot.pane.resize(inner.height, inner.width);
            }
        }
        self.frames.dirty = true;
    }

    fn on_pane_signal(&mut self, signal: PaneSignal) {
        match signal {
            // Whichever pane signalled, every pane with new output is looked at.
            PaneSignal::Output(_) => self.collect_output(),
            PaneSignal::Exited(id, state) => {
                tracing::info!(pane = id.index(), state = %state.label(), "child exited");
                if let Some(slot) = self.slots.get_mut(id.index()) {
                    slot.pane.set_status(state);
                }
                self.slots[id.index()].activity.exited();
                self.on_pane_exited(id);
                self.frames.dirty = true;
            }
        }
    }

    fn on_timer(&mut self) {
        let now = Instant::now();
        self.chrome.expire_notice(now);
        self.check_clock(now);
        self.scratch_tick(now);
        self.delivery_tick(now);
        // Background panes may have had output while hushed (see `background_look`).
        self.collect_output();
        self.frames.dirty = true;
    }

    fn set_notice(&mut self, text: impl Into<String>) {
        self.chrome.say(text.into(), Instant::now());
        self.frames.dirty = true;
    }

    /// The next moment something must happen without any input: a throttled frame, a
    /// notice to clear, a synchronized-output timeout, the rally's deadline or the turn
    /// timeout. `None` when idle.
    fn next_wakeup(&self) -> Option<Instant> {
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
