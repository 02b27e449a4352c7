//! Drives the real `rallish-tui` binary inside a PTY, as a person at a terminal would:
//! a reader thread drains everything it draws into a vt100 screen, and tests poll that
//! screen with a timeout (never a fixed sleep).

#![allow(dead_code)]

pub mod agents;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const CTRL_RB: &[u8] = b"\x1d";

/// How long a wait may take before the test fails; `RALLISH_TEST_TIMEOUT` (seconds)
/// stretches it on a slow machine.
pub fn timeout() -> Duration {
    let secs = std::env::var("RALLISH_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    Duration::from_secs(secs)
}

pub fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_rallish-tui")
}

/// Where scratch directories go: the system temp dir, unless it is so long (macOS's
/// `/var/folders/…/T/` is about 50 bytes) that the control socket inside a test's
/// directory would not fit in `sun_path`'s 104 bytes; `/tmp` then.
pub fn scratch_root() -> PathBuf {
    let temp = std::env::temp_dir();
    if temp.as_os_str().len() <= 24 {
        temp
    } else {
        PathBuf::from("/tmp")
    }
}

/// A scratch directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = scratch_root().join(format!("rallish-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Gives a command started in a test terminal its own state, runtime and home
/// directories under `dir`, and the terminal the tests read the screen as: a 24-bit
/// xterm, whatever terminal the tests themselves run in.
pub fn isolate(cmd: &mut CommandBuilder, dir: &Path) {
    for (key, value) in isolation(dir) {
        cmd.env(key, value);
    }
    for key in NOT_INHERITED {
        cmd.env_remove(key);
    }
}

/// [`isolate`] for a `std::process::Command`.
pub fn isolate_std(cmd: &mut std::process::Command, dir: &Path) {
    cmd.envs(isolation(dir));
    for key in NOT_INHERITED {
        cmd.env_remove(key);
    }
}

/// Variables of the terminal the tests run in that would change what the app does, or
/// what the agents in it do: gemini-cli takes CI=true (as CI runs these tests) to mean
/// nobody is at the terminal, and a person's shell has no CI.
const NOT_INHERITED: &[&str] = &["TMUX", "TERM_PROGRAM", "LC_TERMINAL", "NO_COLOR", "CI"];

fn isolation(dir: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    std::fs::create_dir_all(dir.join("run")).unwrap();
    vec![
        ("TERM", "xterm-256color".into()),
        ("COLORTERM", "truecolor".into()),
        ("RALLISH_STATE_DIR", dir.join("state").into()),
        ("XDG_RUNTIME_DIR", dir.join("run").into()),
        ("HOME", dir.into()),
    ]
}

/// Not passed to the app: with it in `env`, the test terminal answers the app's question
/// about its background colour (OSC 11) with this value, e.g. `rgb:ffff/ffff/ffff`.
pub const TEST_HOST_BACKGROUND: &str = "RALLISH_TEST_HOST_BACKGROUND";

/// The app running in a PTY of a fixed size.
pub struct Tui {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    pub dir: TempDir,
}

impl Tui {
    /// Starts `rallish-tui ARGS` at `cols` x `rows` with its own state and runtime dirs.
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Tui {
        Self::start_with_env(args, cols, rows, &[])
    }

    pub fn start_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Tui {
        Self::start_in_host(args, cols, rows, env, &[])
    }

    /// Starts the app in a host terminal described by `env`, without the variables in
    /// `unset` (which the test terminal would otherwise set, such as `COLORTERM`).
    pub fn start_in_host(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        unset: &[&str],
    ) -> Tui {
        Self::spawn(
            None,
            CommandBuilder::new(binary()),
            args,
            cols,
            rows,
            env,
            unset,
        )
    }

    /// Starts the app with `cwd` as its working directory.
    pub fn start_in(cwd: &Path, args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Tui {
        Self::spawn(
            Some(cwd),
            CommandBuilder::new(binary()),
            args,
            cols,
            rows,
            env,
            &[],
        )
    }

    /// Runs `cmd ARGS` in a PTY; `cwd` is its working directory (its own scratch
    /// directory when `None`).
    fn spawn(
        cwd: Option<&Path>,
        mut cmd: CommandBuilder,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        unset: &[&str],
    ) -> Tui {
        let dir = TempDir::new("tui");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        cmd.args(args);
        cmd.cwd(cwd.unwrap_or(dir.path()));
        isolate(&mut cmd, dir.path());
        for (key, value) in env {
            if *key != TEST_HOST_BACKGROUND {
                cmd.env(key, value);
            }
        }
        for key in unset {
            cmd.env_remove(key);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn rallish-tui");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let background = env
            .iter()
            .find(|(key, _)| *key == TEST_HOST_BACKGROUND)
            .map(|(_, value)| value.to_string());
        {
            let (screen, raw, writer) = (screen.clone(), raw.clone(), writer.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let mut answered = false;
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    screen.lock().unwrap().process(&buf[..n]);
                    let mut raw = raw.lock().unwrap();
                    raw.extend_from_slice(&buf[..n]);
                    // The host palette question (src/host/palette.rs), answered as a
                    // terminal with that background would.
                    if let Some(background) = &background
                        && !answered
                        && raw.windows(8).any(|w| w == b"\x1b]11;?\x1b\\")
                    {
                        answered = true;
                        let answer = format!("\x1b]11;{background}\x1b\\\x1b[?1;2c");
                        let mut writer = writer.lock().unwrap();
                        let _ = writer.write_all(answer.as_bytes());
                        let _ = writer.flush();
                    }
                }
            });
        }
        Tui {
            screen,
            raw,
            writer,
            master: pair.master,
            child,
            dir,
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let mut writer = self.writer.lock().unwrap();
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
    }

    pub fn type_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// The prefix chord followed by `key`.
    pub fn chord(&mut self, key: &[u8]) {
        self.send(CTRL_RB);
        self.send(key);
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Bytes the app has written to its terminal so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.screen.lock().unwrap().screen())
    }

    /// Waits until `check` holds for the screen; fails with the screen printed.
    #[track_caller]
    pub fn wait_until(&self, what: &str, check: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + timeout();
        loop {
            if self.with_screen(&check) {
                return;
            }
            assert!(
                Instant::now() <= deadline,
                "timed out waiting for {what}; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[track_caller]
    pub fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("{text:?}"), |s| s.contents().contains(text));
    }

    #[track_caller]
    pub fn wait_for_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} to disappear"), |s| {
            !s.contents().contains(text)
        });
    }

    /// Text of screen rows within columns `cols` (a pane's area).
    pub fn region(&self, cols: std::ops::Range<u16>) -> String {
        self.with_screen(|s| region_of(s, cols))
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Waits for the app to exit; `None` if it does not within the timeout.
    pub fn wait_exit(&mut self) -> Option<portable_pty::ExitStatus> {
        let deadline = Instant::now() + timeout();
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Text of `screen`'s rows within columns `cols` (a pane's area).
pub fn region_of(screen: &vt100::Screen, cols: std::ops::Range<u16>) -> String {
    let rows = screen.size().0.get();
    (0..rows)
        .map(|row| screen.contents_between(row, cols.start, row, cols.end))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Polls `check` until it holds or the timeout passes.
pub fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + timeout();
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Tui {
    /// Waits until the app has written nothing for `quiet`: the screen is what it last drew.
    pub fn wait_stable(&self, quiet: Duration) {
        let deadline = Instant::now() + timeout();
        let mut last = (self.raw.lock().unwrap().len(), Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(20));
            let len = self.raw.lock().unwrap().len();
            if len != last.0 {
                last = (len, Instant::now());
            } else if last.1.elapsed() >= quiet {
                return;
            }
            assert!(Instant::now() < deadline, "the screen never settled");
        }
    }

    pub fn terminate(&mut self) -> Option<portable_pty::ExitStatus> {
        // SAFETY: signalling the process this harness started.
        unsafe { libc::kill(self.pid() as libc::pid_t, libc::SIGTERM) };
        self.wait_exit()
    }
}

impl Tui {
    /// Runs `script` through `sh -c` in the PTY instead of the binary directly (to set
    /// limits or signal dispositions first); same state and runtime dirs as `start`.
    pub fn start_shell(script: &str, cols: u16, rows: u16) -> Tui {
        Self::spawn(
            None,
            CommandBuilder::new("sh"),
            &["-c", script],
            cols,
            rows,
            &[],
            &[],
        )
    }
}

pub mod process;
pub mod rng;

#[allow(unused_imports)] // not every test binary checks on processes
pub use process::process_alive;

impl Tui {
    /// The digits printed right after `label` (a pid a pane echoed, say). Print the label
    /// split (`PID""_A=$$`) so the command line in the pane's border does not match.
    pub fn number_after(&self, label: &str) -> u32 {
        self.word_after(label, char::is_ascii_digit)
            .parse()
            .unwrap()
    }

    /// The hex digits printed right after `label` (a pane's token).
    pub fn hex_after(&self, label: &str) -> String {
        self.word_after(label, char::is_ascii_hexdigit)
    }

    fn word_after(&self, label: &str, keep: fn(&char) -> bool) -> String {
        let text = self.contents();
        let start = text
            .find(label)
            .unwrap_or_else(|| panic!("{label} not on screen:\n{text}"))
            + label.len();
        text[start..].chars().take_while(keep).collect()
    }

    /// Every line of the rally's log so far, panes' state changes included (a line still
    /// being written is skipped).
    pub fn all_log_lines(&self) -> Vec<serde_json::Value> {
        let Ok(entries) = std::fs::read_dir(self.state_dir().join("sessions")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path().join("log.jsonl")).ok())
            .flat_map(|text| {
                text.lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The rally's handoff log so far: its lines but the panes' state changes.
    pub fn log_lines(&self) -> Vec<serde_json::Value> {
        let mut lines = self.all_log_lines();
        lines.retain(|l| l["event"] != "state");
        lines
    }
}
