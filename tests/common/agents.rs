//! The real agent CLIs (pinned in tests/agents/package.json) against the mock model
//! servers in tests/agents/, for the tests that drive them: `tests/real_agents.rs` and
//! `tests/agent_signals.rs` (claude, codex, gemini-cli and opencode). Without the CLIs
//! (`npm install --no-save` in tests/agents has not run) a test that asks for one prints SKIPPED and
//! why; with `RALLISH_REAL_AGENTS=required` (as CI sets) it fails instead.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{TempDir, Tui};

pub const API_KEY: &str = "sk-ant-rallish-test-0123456789abcdefghij";

pub fn agents_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents")
}

/// Holds the real-agent tests of one test binary to one at a time. Four agent CLIs at
/// once (opencode alone takes most of a core while it starts) on a two-core machine
/// make their own timing the test's subject: gemini, for one, then drew its
/// confirmation without sending its notification, or took a pasted note without its
/// Enter. What these tests hold is what rallish-tui does with the agents' signals, so
/// each agent gets the machine to itself.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that failed while holding it says so itself; the next one still runs.
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The installed CLI `name`, or `None` after saying why the test is skipped.
pub fn cli(name: &str) -> Option<PathBuf> {
    let path = agents_dir().join("node_modules/.bin").join(name);
    let works = Command::new(&path)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(path);
    }
    let why = format!(
        "{} does not run: install the real agent CLIs with `npm install --no-save` in tests/agents",
        path.display()
    );
    assert!(
        std::env::var("RALLISH_REAL_AGENTS").as_deref() != Ok("required"),
        "{why}"
    );
    eprintln!("SKIPPED: {why}");
    None
}

/// A mock model server (tests/agents/mock_*.py) on a free loopback port.
pub struct Mock {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Mock {
    /// `answer`: how it answers a note (`pass`, `reply` or `permission`, see
    /// `tests/agents/mock_common.py`).
    pub fn start(script: &str, dir: &Path, answer: &str) -> Mock {
        let port_file = dir.join(format!("{script}.port"));
        let log = dir.join(format!("{script}.jsonl"));
        let child = Command::new("python3")
            .arg(agents_dir().join(format!("{script}.py")))
            .arg("--port-file")
            .arg(&port_file)
            .arg("--log")
            .arg(&log)
            .arg("--answer")
            .arg(answer)
            .stdin(Stdio::null())
            .spawn()
            .expect("python3 runs the mock model server");
        let deadline = Instant::now() + super::timeout();
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                break port;
            }
            assert!(Instant::now() < deadline, "{script} did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        Mock { child, port, log }
    }

    /// Every request the mock received.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The rallish notes it received as user messages, by their turn number.
    pub fn notes_received(&self) -> Vec<u32> {
        self.requests()
            .iter()
            .filter_map(|r| r["last_user_text"].as_str().map(str::to_string))
            .filter_map(|text| turn_of(&text))
            .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// "[rallish] Turn 3: ..." -> 3.
pub fn turn_of(text: &str) -> Option<u32> {
    let rest = &text[text.find("[rallish] Turn ")? + "[rallish] Turn ".len()..];
    rest.split(':').next()?.trim().parse().ok()
}

/// A project a rally works in: a git repository with one commit, as a user's would be.
pub struct Project {
    pub home: TempDir,
    pub dir: PathBuf,
    pub anthropic: Mock,
    pub openai: Mock,
    pub path: String,
    /// claude's permission mode as `claude_home.py`'s `--mode` takes it: `auto` (claude's
    /// own default) or `manual`.
    pub claude_mode: &'static str,
}

impl Project {
    pub fn new(clis: &[&Path]) -> Project {
        Project::answering(clis, "pass")
    }

    /// A project whose mock models answer each note as `answer` says.
    pub fn answering(clis: &[&Path], answer: &str) -> Project {
        let home = TempDir::new("agents");
        let dir = home.path().join("project");
        std::fs::create_dir_all(&dir).unwrap();
        for args in [
            &["init", "-q"][..],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "start",
            ],
        ] {
            let ok = Command::new("git").args(args).current_dir(&dir).status();
            assert!(ok.is_ok_and(|s| s.success()), "git {args:?}");
        }
        let anthropic = Mock::start("mock_anthropic", home.path(), answer);
        let openai = Mock::start("mock_openai", home.path(), answer);
        // The CLIs' own directories and the system's; not rallish-tui's.
        let mut path: Vec<String> = clis
            .iter()
            .map(|p| p.parent().unwrap().display().to_string())
            .collect();
        path.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(String::from));
        Project {
            home,
            dir,
            anthropic,
            openai,
            path: path.join(":"),
            claude_mode: "auto",
        }
    }

    /// The app's home, seeded as a user's who has logged in to both CLIs once (here:
    /// pointed them at the mocks), onboarding done and this folder trusted.
    pub fn seed_home(&self, home: &Path) {
        let (home_s, dir_s) = (home.display().to_string(), self.dir.display().to_string());
        run_home_script(
            "claude_home.py",
            &[
                "--home",
                &home_s,
                "--cwd",
                &dir_s,
                "--api-key",
                API_KEY,
                "--mode",
                self.claude_mode,
            ],
        );
        let codex_home = home.join(".codex").display().to_string();
        let base_url = format!("http://127.0.0.1:{}/v1", self.openai.port);
        run_home_script(
            "codex_home.py",
            &[
                "--codex-home",
                &codex_home,
                "--cwd",
                &dir_s,
                "--base-url",
                &base_url,
            ],
        );
    }

    /// Starts rallish-tui in the project, with a home that is seeded once and kept
    /// (a second rally finds what the first left there, codex's daemon included).
    pub fn start(&self, args: &[&str]) -> Tui {
        let home = self.home.path().join("home");
        if !home.exists() {
            std::fs::create_dir_all(&home).unwrap();
            self.seed_home(&home);
        }
        let home = home.display().to_string();
        let base_url = format!("http://127.0.0.1:{}", self.anthropic.port);
        let env = [
            ("HOME", home.as_str()),
            ("PATH", self.path.as_str()),
            ("ANTHROPIC_BASE_URL", base_url.as_str()),
            ("ANTHROPIC_API_KEY", API_KEY),
            ("DISABLE_AUTOUPDATER", "1"),
            ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
        ];
        Tui::start_in(&self.dir, args, 160, 45, &env)
    }
}

/// Runs `script` (one of [`agents_dir`]'s `*_home.py`, which seed an agent's home as a
/// user's who set it up once) with `args`; fails the test if it fails.
pub fn run_home_script(script: &str, args: &[&str]) {
    let ok = Command::new("python3")
        .arg(agents_dir().join(script))
        .args(args)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "{script}");
}

/// Waits until the rally has ended, or fails with the screen and the log.
pub fn wait_for_end(tui: &Tui, within: Duration) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if tui.log_lines().iter().any(|l| l["event"] == "end") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "the rally did not end in {within:?}\n{}\n{:#?}",
        tui.contents(),
        tui.log_lines()
    );
}

/// The passes agents made, as (from, to, turn) in order.
pub fn agent_passes(tui: &Tui) -> Vec<(String, String, u64)> {
    tui.log_lines()
        .iter()
        .filter(|l| l["event"] == "pass" && l["by"] == "agent")
        .map(|l| {
            (
                l["from"].as_str().unwrap_or_default().to_string(),
                l["to"].as_str().unwrap_or_default().to_string(),
                l["turn"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Prints one row of the table the closing note reports: agent passes, notes the models
/// received, Enters pressed again, and the time from a pass to the next agent's request
/// for its note.
pub fn report(config: &str, tui: &Tui, mocks: &[(&str, &Mock)]) {
    let lines = tui.log_lines();
    let passes: Vec<_> = lines.iter().filter(|l| l["event"] == "pass").collect();
    let by_agent = passes.iter().filter(|l| l["by"] == "agent").count();
    let retries: u64 = lines
        .iter()
        .filter(|l| l["event"] == "note_taken")
        .filter_map(|l| l["enters"].as_u64().map(|n| n.saturating_sub(1)))
        .sum();
    let mut latencies = Vec::new();
    let mut received = 0;
    for pass in &passes {
        let (Some(to), Some(turn), Some(ts)) = (
            pass["to"].as_str(),
            pass["turn"].as_u64(),
            pass["ts"].as_f64(),
        ) else {
            continue;
        };
        let Some((_, mock)) = mocks.iter().find(|(pane, _)| *pane == to) else {
            continue;
        };
        let first = mock
            .requests()
            .iter()
            .filter(|r| r["last_user_text"].as_str().and_then(turn_of) == Some(turn as u32))
            .filter_map(|r| r["ts"].as_f64())
            .fold(f64::INFINITY, f64::min);
        if first.is_finite() {
            received += 1;
            latencies.push(first - ts);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let median = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or(f64::NAN);
    let max = latencies.last().copied().unwrap_or(f64::NAN);
    eprintln!(
        "REPORT | {config} | {by_agent} agent passes | {received}/{} notes received | {retries} Enter retries | pass->request median {median:.2} s, max {max:.2} s |",
        passes.len()
    );
}

/// Every pass made by an agent, every note received by the agent it was for.
pub fn assert_every_note_received(tui: &Tui, mocks: &[(&str, &Mock)]) {
    let lines = tui.log_lines();
    let received: Vec<(String, Vec<u32>)> = mocks
        .iter()
        .map(|(pane, mock)| (pane.to_string(), mock.notes_received()))
        .collect();
    for line in lines.iter().filter(|l| l["event"] == "pass") {
        let (Some(to), Some(turn)) = (line["to"].as_str(), line["turn"].as_u64()) else {
            continue;
        };
        let Some((_, turns)) = received.iter().find(|(pane, _)| pane == to) else {
            continue;
        };
        assert!(
            turns.contains(&(turn as u32)),
            "the note of turn {turn} never reached {to}'s model; it got {turns:?}\n{}",
            tui.contents()
        );
    }
    assert!(
        !lines.iter().any(|l| l["event"] == "note_not_taken"),
        "{lines:#?}"
    );
}
