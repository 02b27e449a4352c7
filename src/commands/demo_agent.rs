//! `rallish-tui demo-agent NAME`: a small deterministic stand-in for an agent CLI, for
//! trying rallies, demos and end-to-end tests without a real agent.
//!
//! It runs inside a pane's PTY: raw mode plus bracketed paste, a prompt, and on each
//! submitted note a few lines of fake "work" (derived from its name and turn number, never
//! random), after which it appends a line to the rally's scratchpad and passes the baton,
//! both through the control socket in-process.

use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

use crate::control::client::{self, ClientEnv};
use crate::control::protocol::{ENV_SOCKET, Op, Response};

/// How the demo agent behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Pause before each "work" line, in milliseconds.
    pub work_ms: u64,
    /// Pass the baton after each turn when inside a rally.
    pub auto_pass: bool,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions {
            work_ms: 250,
            auto_pass: true,
        }
    }
}

const RESET: &str = "\x1b[0m";
const BOLD_MAGENTA: &str = "\x1b[1;35m";
const BOLD_CYAN: &str = "\x1b[1;36m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const DIM: &str = "\x1b[2m";
const PASTE_START: &[u8] = b"200";
const PASTE_END: &[u8] = b"\x1b[201~";
/// Longest CSI parameter run kept; longer sequences are garbage and dropped.
const MAX_CSI: usize = 32;

/// One thing the person (or the app) typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    Char(char),
    Backspace,
    Enter,
    /// A bracketed paste, content exactly as received (may hold `\r`, `\n`, anything).
    Paste(String),
    /// Ctrl-C.
    Interrupt,
    /// Ctrl-D.
    Eof,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Ground,
    Esc,
    Csi(Vec<u8>),
    Ss3,
    Paste(Vec<u8>),
}

/// Turns raw terminal bytes into [`InputEvent`]s. Sequences, pastes and UTF-8 characters
/// may be split across reads; escape sequences other than a paste are dropped.
#[derive(Debug, Default)]
pub struct InputDecoder {
    state: State,
    utf8: Vec<u8>,
    utf8_len: usize,
}

impl InputDecoder {
    /// Decodes `bytes`, appending events to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<InputEvent>) {
        let mut i = 0;
        while i < bytes.len() {
            if let State::Paste(buf) = &mut self.state {
                let old_len = buf.len();
                let search_from = old_len.saturating_sub(PASTE_END.len() - 1);
                buf.extend_from_slice(&bytes[i..]);
                let found = buf[search_from..]
                    .windows(PASTE_END.len())
                    .position(|w| w == PASTE_END);
                match found {
                    Some(pos) => {
                        let end = search_from + pos;
                        i += end + PASTE_END.len() - old_len;
                        buf.truncate(end);
                        out.push(InputEvent::Paste(String::from_utf8_lossy(buf).into_owned()));
                        self.state = State::Ground;
                    }
                    None => i = bytes.len(),
                }
                continue;
            }
            let b = bytes[i];
            i += 1;
            match &mut self.state {
                State::Ground => self.ground(b, out),
                State::Esc => {
                    self.state = match b {
                        b'[' => State::Csi(Vec::new()),
                        b'O' => State::Ss3,
                        0x1b => State::Esc,
                        _ => State::Ground, // Alt+key: ignored
                    }
                }
                State::Csi(params) => match b {
                    0x20..=0x3f if params.len() < MAX_CSI => params.push(b),
                    0x40..=0x7e => {
                        let paste = b == b'~' && params.as_slice() == PASTE_START;
                        self.state = if paste {
                            State::Paste(Vec::new())
                        } else {
                            State::Ground
                        };
                    }
                    _ => {
                        // Not a well-formed sequence: drop it and read this byte afresh.
                        self.state = State::Ground;
                        i -= 1;
                    }
                },
                State::Ss3 => self.state = State::Ground,
                State::Paste(_) => unreachable!("handled above"),
            }
        }
    }

    fn ground(&mut self, b: u8, out: &mut Vec<InputEvent>) {
        if !self.utf8.is_empty() {
            if (0x80..=0xbf).contains(&b) {
                self.utf8.push(b);
                if self.utf8.len() == self.utf8_len {
                    let c = std::str::from_utf8(&self.utf8)
                        .ok()
                        .and_then(|s| s.chars().next())
                        .unwrap_or(char::REPLACEMENT_CHARACTER);
                    out.push(InputEvent::Char(c));
                    self.utf8.clear();
                }
                return;
            }
            out.push(InputEvent::Char(char::REPLACEMENT_CHARACTER));
            self.utf8.clear();
        }
        match b {
            0x1b => self.state = State::Esc,
            b'\r' | b'\n' => out.push(InputEvent::Enter),
            0x7f | 0x08 => out.push(InputEvent::Backspace),
            0x03 => out.push(InputEvent::Interrupt),
            0x04 => out.push(InputEvent::Eof),
            0x20..=0x7e => out.push(InputEvent::Char(b as char)),
            0xc2..=0xf4 => {
                self.utf8_len = match b {
                    0xc2..=0xdf => 2,
                    0xe0..=0xef => 3,
                    _ => 4,
                };
                self.utf8.push(b);
            }
            0x80.. => out.push(InputEvent::Char(char::REPLACEMENT_CHARACTER)),
            _ => {} // other control bytes (Tab, Ctrl+letters) are ignored
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Typed(String),
    Pasted(String),
}

/// The line being composed: typed text and pastes. Backspace removes a whole paste.
#[derive(Debug, Default)]
struct InputLine {
    segments: Vec<Segment>,
}

impl InputLine {
    fn push_char(&mut self, c: char) {
        match self.segments.last_mut() {
            Some(Segment::Typed(s)) => s.push(c),
            _ => self.segments.push(Segment::Typed(c.to_string())),
        }
    }

    fn push_paste(&mut self, text: String) {
        if !text.is_empty() {
            self.segments.push(Segment::Pasted(text));
        }
    }

    /// Returns whether anything was removed.
    fn backspace(&mut self) -> bool {
        match self.segments.last_mut() {
            Some(Segment::Typed(s)) => {
                s.pop();
                if s.is_empty() {
                    self.segments.pop();
                }
                true
            }
            Some(Segment::Pasted(_)) => self.segments.pop().is_some(),
            None => false,
        }
    }

    fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    fn take_text(&mut self) -> String {
        self.segments
            .drain(..)
            .map(|s| match s {
                Segment::Typed(t) | Segment::Pasted(t) => t,
            })
            .collect()
    }

    /// What the input line shows: typed text, and pastes as a one-line summary.
    fn display(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Typed(t) => t.clone(),
                Segment::Pasted(t) => match lines(t).len() {
                    0 | 1 if t.chars().count() <= 40 => sanitize(t),
                    0 | 1 => format!("[pasted {} chars]", t.chars().count()),
                    n => format!("[pasted {n} lines]"),
                },
            })
            .collect()
    }
}

/// Splits on `\r\n`, `\r` or `\n`; a final line break does not start a new line.
fn lines(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split("\r\n")
        .flat_map(|l| l.split(['\r', '\n']))
        .collect();
    if out.last() == Some(&"") {
        out.pop();
    }
    out
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// At most `width` characters of `text` (an ellipsis marks a cut), control characters blanked.
fn clip(text: &str, width: usize) -> String {
    let clean = sanitize(text);
    if clean.chars().count() <= width {
        return clean;
    }
    let mut cut: String = clean.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The fake work of one turn: display lines and a one-line summary for the handoff note.
#[derive(Debug, PartialEq, Eq)]
struct Work {
    lines: Vec<String>,
    summary: String,
}

const FILES: &[&str] = &[
    "src/parser.rs",
    "src/baton.rs",
    "src/ui/status.rs",
    "tests/smoke.rs",
    "README.md",
    "src/config.rs",
];
const TASKS: &[&str] = &[
    "tightened the errors in",
    "added a test to",
    "refactored",
    "fixed an off-by-one in",
    "documented",
];

/// FNV-1a: stable across runs and platforms, unlike `DefaultHasher`.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn plan_work(name: &str, turn: u64, note: &str) -> Work {
    let h = fnv(format!("{name}/{turn}").as_bytes());
    let pick =
        |list: &[&'static str], shift: u32| list[((h >> shift) % list.len() as u64) as usize];
    let (file, other, task) = (pick(FILES, 0), pick(FILES, 8), pick(TASKS, 16));
    let (added, removed, tests) = (1 + (h >> 24) % 40, (h >> 32) % 12, 10 + (h >> 40) % 90);
    let note_lines = lines(note).len();
    let words = note.split_whitespace().count();
    let summary = format!("{task} {file} (+{added} -{removed}), {tests} tests pass");
    Work {
        lines: vec![
            format!("{CYAN}⠋ reading the note ({note_lines} lines, {words} words)...{RESET}"),
            format!("{CYAN}⠙ reading {file} and {other}...{RESET}"),
            format!("{GREEN}✔ step 2/3 {task} {file} (+{added} -{removed}){RESET}"),
            format!("{GREEN}✔ step 3/3 ran {tests} tests, all passed{RESET}"),
        ],
        summary,
    }
}

/// Restores the terminal on every way out of [`run`], panics included.
struct TerminalGuard {
    raw: bool,
}

impl TerminalGuard {
    fn enter() -> TerminalGuard {
        // Not a terminal (piped input in tests): carry on in cooked mode.
        let raw = crossterm::terminal::enable_raw_mode().is_ok();
        let mut out = io::stdout();
        let _ = out.write_all(b"\x1b[?2004h");
        let _ = out.flush();
        TerminalGuard { raw }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let mut out = io::stdout();
        let _ = out.write_all(b"\x1b[?2004l");
        let _ = out.flush();
        if self.raw {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

struct Agent<'a> {
    name: &'a str,
    opts: DemoOptions,
    turn: u64,
    input: InputLine,
    out: io::Stdout,
}

impl Agent<'_> {
    fn width() -> usize {
        crossterm::terminal::size().map_or(80, |(cols, _)| usize::from(cols).max(10))
    }

    /// Writes one line ending in `\r\n` (raw mode). Write errors are ignored: if the pane
    /// is gone, the next read ends the program.
    fn say(&mut self, line: &str) {
        let _ = write!(self.out, "{line}\r\n");
        let _ = self.out.flush();
    }

    fn prompt(&mut self) {
        let width = Self::width().saturating_sub(self.name.len() + 3);
        let shown = self.input.display();
        let count = shown.chars().count();
        let tail: String = shown.chars().skip(count.saturating_sub(width)).collect();
        let _ = write!(self.out, "\r\x1b[2K{BOLD_CYAN}{}>{RESET} {tail}", self.name);
        let _ = self.out.flush();
    }

    fn banner(&mut self) {
        self.say(&format!("{BOLD_MAGENTA}● demo agent {}{RESET}", self.name));
        self.say(&format!(
            "{DIM}A stand-in for an agent CLI: it works on each note it receives, then passes the baton.{RESET}"
        ));
    }

    fn submit(&mut self) {
        let text = self.input.take_text();
        self.say("");
        if text.trim().is_empty() {
            self.prompt();
            return;
        }
        self.turn += 1;
        let width = Self::width().saturating_sub(3);
        let received = lines(&text);
        for line in received.iter().take(3) {
            self.say(&format!("{DIM}│ {}{RESET}", clip(line, width)));
        }
        if received.len() > 3 {
            self.say(&format!(
                "{DIM}│ … {} more lines{RESET}",
                received.len() - 3
            ));
        }
        let work = plan_work(self.name, self.turn, &text);
        for line in &work.lines {
            thread::sleep(Duration::from_millis(self.opts.work_ms));
            self.say(line);
        }
        self.hand_off(&work.summary);
        self.prompt();
    }

    fn hand_off(&mut self, summary: &str) {
        if !self.opts.auto_pass {
            self.say(&format!(
                "{DIM}(auto-pass is off: keeping the baton){RESET}"
            ));
            return;
        }
        if std::env::var_os(ENV_SOCKET).is_none_or(|s| s.is_empty()) {
            self.say(&format!(
                "{YELLOW}○ not inside a rally ({ENV_SOCKET} is not set): nobody to pass to{RESET}"
            ));
            return;
        }
        let note = format!("{} finished turn {}: {summary}", self.name, self.turn);
        // Leave a line in the shared scratchpad, as a real agent would keep notes there.
        let entry = format!("turn {}: {summary}", self.turn);
        let noted = ClientEnv::from_env()
            .and_then(|env| client::call(&env, Op::ScratchAppend { text: entry }));
        match noted {
            Ok(Response::Done { .. }) => {
                self.say(&format!("{DIM}✎ noted in the scratchpad{RESET}"));
            }
            _ => self.say(&format!(
                "{YELLOW}○ no scratchpad note: {}{RESET}",
                client::outcome_text(&noted)
            )),
        }
        let result =
            ClientEnv::from_env().and_then(|env| client::call(&env, Op::Pass { to: None, note }));
        let text = client::outcome_text(&result);
        match result {
            Ok(Response::Done { .. }) => self.say(&format!("{GREEN}→ baton passed: {text}{RESET}")),
            _ => self.say(&format!("{RED}✘ could not pass the baton: {text}{RESET}")),
        }
    }
}

/// Runs the demo agent on this process's terminal until Ctrl-C/Ctrl-D on an empty line
/// or end of input. Returns the exit code.
pub fn run(name: &str, opts: DemoOptions) -> i32 {
    let _guard = TerminalGuard::enter();
    let mut agent = Agent {
        name,
        opts,
        turn: 0,
        input: InputLine::default(),
        out: io::stdout(),
    };
    agent.banner();
    agent.prompt();
    let mut decoder = InputDecoder::default();
    let mut buf = [0u8; 16 * 1024];
    let mut events = Vec::new();
    let mut stdin = io::stdin().lock();
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return 1,
        };
        decoder.feed(&buf[..n], &mut events);
        let mut dirty = false;
        for event in events.drain(..) {
            match event {
                InputEvent::Char(c) => {
                    agent.input.push_char(c);
                    dirty = true;
                }
                InputEvent::Paste(text) => {
                    agent.input.push_paste(text);
                    dirty = true;
                }
                InputEvent::Backspace => dirty |= agent.input.backspace(),
                InputEvent::Enter => {
                    if dirty {
                        agent.prompt();
                        dirty = false;
                    }
                    if !agent.input.is_empty() {
                        agent.submit();
                    }
                }
                InputEvent::Interrupt | InputEvent::Eof if agent.input.is_empty() => {
                    agent.say("");
                    return 0;
                }
                InputEvent::Interrupt => {
                    if dirty {
                        agent.prompt();
                    }
                    agent.input = InputLine::default();
                    agent.say("^C");
                    agent.prompt();
                    dirty = false;
                }
                InputEvent::Eof => {}
            }
        }
        if dirty {
            agent.prompt();
        }
    }
    agent.say("");
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use InputEvent::*;

    fn decode(chunks: &[&[u8]]) -> Vec<InputEvent> {
        let mut decoder = InputDecoder::default();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut out);
        }
        out
    }

    #[test]
    fn keys() {
        assert_eq!(
            decode(&[b"hi\x7f\x08\r\x03\x04\n"]),
            [
                Char('h'),
                Char('i'),
                Backspace,
                Backspace,
                Enter,
                Interrupt,
                Eof,
                Enter
            ]
        );
    }

    #[test]
    fn arrows_and_other_sequences_are_ignored() {
        let input: &[&[u8]] = &[b"a\x1b[A\x1b[1;5C\x1bOB\x1b[", b"3~\x1bxb\x1b[201~c"];
        assert_eq!(decode(input), [Char('a'), Char('b'), Char('c')]);
    }

    #[test]
    fn paste_split_across_reads() {
        let out = decode(&[b"x\x1b[20", b"0~hello ", b"world\x1b[2", b"01", b"~y"]);
        assert_eq!(out, [Char('x'), Paste("hello world".into()), Char('y')]);
    }

    #[test]
    fn paste_keeps_line_breaks_and_control_bytes() {
        let out = decode(&[b"\x1b[200~one\r\ntwo\rthree\n\x03\x1b[A\x1b[201~\r"]);
        assert_eq!(out, [Paste("one\r\ntwo\rthree\n\x03\x1b[A".into()), Enter]);
    }

    #[test]
    fn large_paste_in_small_reads() {
        let body = "line of text\n".repeat(20_000);
        let mut stream = b"\x1b[200~".to_vec();
        stream.extend_from_slice(body.as_bytes());
        stream.extend_from_slice(b"\x1b[201~");
        let chunks: Vec<&[u8]> = stream.chunks(4093).collect();
        assert_eq!(decode(&chunks), [Paste(body)]);
    }

    #[test]
    fn utf8_split_across_reads() {
        let text = "é€😀".as_bytes();
        let chunks: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(decode(&chunks), [Char('é'), Char('€'), Char('😀')]);
        let paste = [b"\x1b[200~\xe2\x82".as_slice(), b"\xac\x1b[201~"];
        assert_eq!(decode(&paste), [Paste("€".into())]);
        assert_eq!(decode(&[b"\xe2\x82a"]), [Char('\u{fffd}'), Char('a')]);
    }

    #[test]
    fn input_line_shows_pastes_as_a_summary() {
        let mut line = InputLine::default();
        line.push_char('>');
        line.push_paste("a\nb\nc".into());
        assert_eq!(line.display(), ">[pasted 3 lines]");
        assert!(line.backspace());
        assert_eq!(line.display(), ">");
        line.push_paste("short one".into());
        line.push_char('!');
        assert_eq!(line.display(), ">short one!");
        assert_eq!(line.take_text(), ">short one!");
        assert!(line.is_empty() && !line.backspace());
    }

    #[test]
    fn work_is_deterministic_per_name_and_turn() {
        let a = plan_work("alpha", 1, "do it\nnow");
        assert_eq!(a, plan_work("alpha", 1, "do it\nnow"));
        assert_ne!(a.summary, plan_work("alpha", 2, "do it\nnow").summary);
        assert_eq!(a.lines.len(), 4);
        assert!(a.lines[0].contains("2 lines, 3 words"), "{}", a.lines[0]);
    }

    #[test]
    fn clip_and_lines() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(clip("a\tb", 4), "a b");
        assert_eq!(lines("a\r\nb\rc\n"), ["a", "b", "c"]);
        assert_eq!(lines(""), Vec::<&str>::new());
    }
}
