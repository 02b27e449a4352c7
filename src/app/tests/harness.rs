//! The app in-process: the real command-line path builds it, its panes are real PTYs
//! with real children, keys are typed as the keymap's own chords, and frames are drawn
//! into a ratatui `TestBackend` whose buffer the tests read (see [`TestHost`]).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser as _;
use crossterm::event::{Event, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::buffer::Buffer;

use super::super::App;
use super::super::event_loop::{Channels, Input, Senders};
use super::host::TestHost;
use crate::input::keymap::Chord;
use crate::pane::{PaneId, PaneSignal};
use crate::ui::frame::FrameView;

/// How long a test waits for the screen to show what it expects.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct Harness {
    pub app: App,
    channels: Channels,
    _senders: Senders,
    terminal: Terminal<TestHost>,
    runtime: tokio::runtime::Runtime,
    dir: PathBuf,
}

impl Harness {
    /// The app as `rallish-tui ARGS...` starts it, on a 100x30 screen.
    pub fn start(args: &[&str]) -> Harness {
        Harness::sized(100, 30, args)
    }

    pub fn sized(cols: u16, rows: u16, args: &[&str]) -> Harness {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let _entered = runtime.enter();
        let dir = unique_dir();
        let cli = crate::cli::Cli::try_parse_from(
            std::iter::once("rallish-tui").chain(args.iter().copied()),
        )
        .expect("arguments the command line takes");
        let exe = std::env::current_exe().expect("the test binary");
        let config = crate::app_config(&cli.rally, &crate::config::Config::default(), &exe)
            .expect("a config the app starts with");
        let session = crate::session::Session::create(&dir).expect("a session directory");
        let (senders, channels) = Channels::new();
        let size = ratatui::layout::Rect::new(0, 0, cols, rows);
        let mut app = App::start(config, session, dir.join("control.sock"), size, &senders)
            .expect("the app starts");
        app.open_scratchpad(senders.scratch.clone());
        app.open_session_record(senders.session_failed.clone());
        let terminal = Terminal::new(TestHost::new(cols, rows)).expect("a test terminal");
        let mut harness = Harness {
            app,
            channels,
            _senders: senders,
            terminal,
            runtime,
            dir,
        };
        harness.draw();
        harness
    }

    /// Types chords written as keymap files write them, separated by spaces:
    /// `"ctrl-] n"`, `"esc"`, `"?"`.
    pub fn keys(&mut self, chords: &str) -> &mut Harness {
        for chord in chords.split_whitespace() {
            let chord = Chord::parse(chord).unwrap_or_else(|err| panic!("{chord}: {err}"));
            self.event(Event::Key(KeyEvent::new(chord.code, chord.modifiers)));
        }
        self
    }

    /// Types text, one key per character.
    pub fn type_text(&mut self, text: &str) -> &mut Harness {
        for c in text.chars() {
            let chord = Chord::new(crossterm::event::KeyCode::Char(c), KeyModifiers::NONE);
            self.event(Event::Key(KeyEvent::new(chord.code, chord.modifiers)));
        }
        self
    }

    /// Any terminal event, then a frame.
    pub fn event(&mut self, event: Event) -> &mut Harness {
        let _entered = self.runtime.enter();
        self.app.handle(Input::Terminal(event));
        self.pump();
        self
    }

    /// The host terminal takes a new size.
    pub fn resize(&mut self, cols: u16, rows: u16) -> &mut Harness {
        self.terminal.backend_mut().screen.resize(cols, rows);
        self.event(Event::Resize(cols, rows))
    }

    /// Handles everything queued and every timer that is due, then draws.
    pub fn pump(&mut self) {
        self.handle_all();
        self.draw();
    }

    /// Handles everything queued and every timer that is due, then settles, as the loop
    /// does before it draws.
    fn handle_all(&mut self) {
        let _entered = self.runtime.enter();
        loop {
            let any = self.handle_queued();
            if self
                .app
                .next_wakeup()
                .is_some_and(|at| at <= Instant::now())
            {
                self.app.handle(Input::Timer);
            }
            if !any {
                break;
            }
        }
        self.app.settle(Instant::now());
    }

    /// One turn of the loop: what is queued and due, a frame if one is due (where
    /// [`Harness::pump`] always draws), then which panes may wake the app (the loop's
    /// last step before it sleeps).
    pub fn turn(&mut self) {
        self.handle_all();
        let _entered = self.runtime.enter();
        self.app.render_if_due(&mut self.terminal).expect("a frame");
        self.app.hush_panes();
    }

    /// Draws a frame if one is due, as the loop does after it has handled its input.
    pub fn render_if_due(&mut self) {
        let _entered = self.runtime.enter();
        self.app.render_if_due(&mut self.terminal).expect("a frame");
    }

    /// Handles everything already queued, as the loop does; the panes that signalled
    /// output on the way.
    pub fn handle_queued_signals(&mut self) -> Vec<PaneId> {
        let mut signalled = Vec::new();
        self.handle_queued_seeing(|input| {
            if let Input::Pane(PaneSignal::Output(id)) = input {
                signalled.push(*id);
            }
        });
        signalled
    }

    /// Handles everything already queued; whether there was anything.
    fn handle_queued(&mut self) -> bool {
        self.handle_queued_seeing(|_| {})
    }

    /// Handles everything already queued, showing each input to `seen` first; whether
    /// there was anything.
    fn handle_queued_seeing(&mut self, mut seen: impl FnMut(&Input)) -> bool {
        let _entered = self.runtime.enter();
        let mut any = false;
        while let Some(input) = self.channels.try_next() {
            seen(&input);
            self.app.handle(input);
            any = true;
        }
        any
    }

    /// Waits until `ok` holds for the app, handling what is queued but drawing nothing:
    /// for what happens between frames.
    pub fn wait_app(&mut self, what: &str, ok: impl Fn(&App) -> bool) {
        self.poll(what, |h| {
            h.handle_queued();
            if ok(&h.app) {
                Ok(())
            } else {
                Err(String::new())
            }
        });
    }

    /// Reads the output the watch reports, as the loop does when it wakes for it: the
    /// reader's part of the work (where the UI thread reads; see
    /// [`crate::pane::watch`]), not the app's look at it.
    pub fn read_panes(&mut self) {
        let Some(watch) = &self.channels.watch else {
            return;
        };
        self.app.hear(&watch.ready_now());
    }

    /// Waits until pane `id`'s emulator shows `text`, without the app looking.
    pub fn wait_in_emulator(&mut self, id: PaneId, text: &str) {
        let what = format!("{text:?} in pane {}'s emulator", id.number());
        self.poll(&what, |h| {
            h.read_panes();
            if h.app.pane(id).emulator().contents().contains(text) {
                Ok(())
            } else {
                Err(String::new())
            }
        });
    }

    /// Waits until pane `id`'s child has written `text` while the pane is hushed. Where
    /// the UI thread reads panes, the output then waits in the PTY, unread (true); where
    /// the pane's thread reads, it goes to the emulator at once (false).
    pub fn wait_written_while_hushed(&mut self, id: PaneId, text: &str) -> bool {
        if self.app.pane(id).unread().is_none() {
            self.wait_in_emulator(id, text);
            return false;
        }
        let what = format!("{text:?} unread in pane {}'s PTY", id.number());
        self.poll(&what, |h| match h.app.pane(id).unread() {
            Some((waiting, true)) if waiting >= text.len() => Ok(true),
            seen => Err(format!(": {seen:?}")),
        })
    }

    /// Whether pane `id` has told of new output since the queue was last read. Takes
    /// everything queued without handling it, so that no look at the panes' output
    /// happens on the way (other news, another pane's output say, may come at any time).
    pub fn signalled_by(&mut self, id: PaneId) -> bool {
        let mut signalled = false;
        while let Some(input) = self.channels.try_next() {
            match input {
                Input::Pane(PaneSignal::Output(from)) => signalled |= from == id,
                // Where the UI thread reads, the watch's report is the pane's word: the
                // output is read, and the look that follows it in the loop set aside.
                Input::Readable(ready) => {
                    self.app.hear(&ready);
                    signalled |= ready.contains(&id);
                }
                _ => {}
            }
        }
        signalled
    }

    /// Waits until pane `id` tells of new output, setting everything else aside as
    /// [`Harness::signalled_by`] does.
    pub fn wait_for_signal_from(&mut self, id: PaneId) {
        let what = format!("pane {} to tell of its output", id.number());
        self.poll(&what, |h| {
            if h.signalled_by(id) {
                Ok(())
            } else {
                Err(String::new())
            }
        });
    }

    pub fn draw(&mut self) {
        let _entered = self.runtime.enter();
        self.app.render(&mut self.terminal).expect("a frame");
    }

    /// The frame the app decides at `now`, shown to `look`; it is painted into the
    /// app's picture as a frame would, for the next frame to send.
    pub fn frame_at<T>(&mut self, now: Instant, look: impl FnOnce(&FrameView) -> T) -> T {
        let mut painted = std::mem::take(&mut self.app.frames.painted);
        let view = self.app.frame(&mut painted, now);
        let seen = look(&view);
        crate::ui::frame::draw(&mut painted.canvas, &view, &self.app.prefs.theme);
        drop(view);
        self.app.frames.painted = painted;
        seen
    }

    /// Holds pane `id`'s emulator on a thread of its own, as a reader busy parsing does,
    /// until the returned guard is dropped or `at_most` has passed.
    pub fn hold_emulator(&self, id: PaneId, at_most: Duration) -> HeldEmulator {
        let emulator = self.app.pane(id).shared_emulator();
        let (locked, is_locked) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let held = emulator.lock();
            locked.send(()).expect("the test waits for the lock");
            let _ = released.recv_timeout(at_most);
            drop(held);
        });
        is_locked.recv().expect("the emulator locked");
        HeldEmulator {
            release,
            thread: Some(thread),
        }
    }

    /// How many frames have sent the host anything.
    pub fn frames_sent(&self) -> usize {
        self.terminal.backend().frames_sent
    }

    /// The screen's rows as text.
    pub fn rows(&self) -> Vec<String> {
        rows_of(self.terminal.backend().screen.buffer())
    }

    pub fn screen(&self) -> String {
        self.rows().join("\n")
    }

    /// The text in columns `cols` of every row (one pane of a side-by-side layout).
    pub fn region(&self, cols: std::ops::Range<usize>) -> String {
        columns(&self.screen(), cols)
    }

    /// The session log's pass lines (`log.jsonl` without the state changes).
    pub fn passes(&self) -> Vec<serde_json::Value> {
        let log = self.app.session.dir().join("log.jsonl");
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|line| line["event"] != "state")
            .collect()
    }

    /// Waits until the screen shows `text`; panics with the screen when it does not.
    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        })
    }

    /// Waits until columns `cols` show `text`; returns those columns.
    pub fn wait_in(&mut self, cols: std::ops::Range<usize>, text: &str) -> String {
        let what = format!("{text:?} in columns {cols:?}");
        let screen = self.wait_until(&what, |screen| columns(screen, cols.clone()).contains(text));
        columns(&screen, cols)
    }

    /// Waits until `text` is nowhere on the screen.
    pub fn wait_for_gone(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone"), |screen| !screen.contains(text))
    }

    /// Waits until the screen satisfies `ok`, handling output and timers meanwhile.
    pub fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.poll(what, |h| {
            h.pump();
            let screen = h.screen();
            if ok(&screen) {
                Ok(screen)
            } else {
                Err(format!("; the screen:\n{screen}"))
            }
        })
    }

    /// Runs `look` until it finds what it looks for, for at most [`PATIENCE`]; what it
    /// saw instead goes into the failure.
    pub fn poll<T>(
        &mut self,
        what: &str,
        mut look: impl FnMut(&mut Harness) -> Result<T, String>,
    ) -> T {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let seen = match look(self) {
                Ok(found) => return found,
                Err(seen) => seen,
            };
            assert!(
                Instant::now() < deadline,
                "waited {PATIENCE:?} for {what}{seen}"
            );
            // Polling, not pacing: the next look comes as soon as a child could answer.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// A pane's emulator held by [`Harness::hold_emulator`]; dropping it lets go.
pub struct HeldEmulator {
    release: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for HeldEmulator {
    fn drop(&mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let finishing = self.app.finish(&mut self.channels.pane);
        self.runtime.block_on(finishing);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Columns `cols` of every row of a screen's text.
fn columns(screen: &str, cols: std::ops::Range<usize>) -> String {
    screen
        .lines()
        .map(|row| {
            row.chars()
                .skip(cols.start)
                .take(cols.len())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows of a buffer as text, wide characters once.
pub fn rows_of(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in area.left()..area.right() {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row
        })
        .collect()
}

/// A directory of this test's own, so tests running side by side never share a session.
fn unique_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rallish-app-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
