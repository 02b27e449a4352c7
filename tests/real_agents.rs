//! Rallies between the real agent CLIs, as people install them (from the npm registry,
//! pinned in tests/agents/package.json) with their default sandbox and approval settings,
//! each pointed at a mock model server in tests/agents/ so that it runs offline and
//! answers the same way every time. No key is pressed: the rally must run by itself.
//!
//! A mock answers a user message that holds a rallish note with a tool call that runs the
//! note's pass command, and logs every request, so a test can tell that every note was
//! submitted (the mock received it as a user message).
//!
//! Without the CLIs (`npm ci` in tests/agents has not run) each test prints SKIPPED and
//! why; with `RALLISH_REAL_AGENTS=required` (as CI sets) it fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::agents::{
    Project, agent_passes, assert_every_note_received, cli, report, wait_for_end,
};

#[test]
fn two_codex_panes_keep_their_own_identities() {
    let Some(codex) = cli("codex") else {
        return;
    };
    let project = Project::new(&[&codex]);
    let tui = project.start(&[
        "--pane",
        "ping=codex",
        "--pane",
        "pong=codex",
        "--task",
        "say hello",
        "--max-turns",
        "6",
    ]);
    wait_for_end(&tui, Duration::from_secs(180));
    let passes = agent_passes(&tui);
    assert!(passes.len() >= 5, "{passes:?}\n{}", tui.contents());
    for (i, (from, to, _)) in passes.iter().enumerate() {
        let (a, b) = if i % 2 == 0 {
            ("ping", "pong")
        } else {
            ("pong", "ping")
        };
        assert_eq!((from.as_str(), to.as_str()), (a, b), "{passes:?}");
    }
    assert!(!tui.contents().contains("does not hold the baton"));
    assert_every_note_received(
        &tui,
        &[("ping", &project.openai), ("pong", &project.openai)],
    );
    report(
        "codex + codex",
        &tui,
        &[("ping", &project.openai), ("pong", &project.openai)],
    );
}

/// codex's shared app-server daemon, started in a home as a user's earlier codex run
/// would have, with another environment; stopped when dropped.
struct CodexDaemon {
    codex: PathBuf,
    home: PathBuf,
}

impl CodexDaemon {
    fn start(codex: &Path, home: &Path, path: &str) -> CodexDaemon {
        let daemon = CodexDaemon {
            codex: codex.to_path_buf(),
            home: home.to_path_buf(),
        };
        // `daemon start` first copies codex (300 MB) into the home, then gives the
        // app-server 10 s to answer. On a loaded machine with a cold disk that is not
        // always enough, and CI once saw it fail; the server is still coming up then,
        // and another `start` waits for it again, so it is asked a few times.
        let mut last = None;
        for _ in 0..6 {
            let out = Command::new(codex)
                .args(["app-server", "daemon", "start"])
                .env("HOME", home)
                .env("PATH", path)
                .env("RALLISH_PANE", "stale")
                .env("RALLISH_SOCKET", "/nonexistent/rallish.sock")
                .env("RALLISH_TOKEN", "0")
                .stdin(Stdio::null())
                .output()
                .expect("codex app-server daemon start");
            if out.status.success() && daemon.running() {
                return daemon;
            }
            last = Some(out);
        }
        let out = last.expect("at least one attempt");
        panic!(
            "codex app-server daemon start did not leave a running daemon ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn running(&self) -> bool {
        Command::new(&self.codex)
            .args(["app-server", "daemon", "version"])
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("\"status\":\"running\""))
    }
}

impl Drop for CodexDaemon {
    fn drop(&mut self) {
        let _ = Command::new(&self.codex)
            .args(["app-server", "daemon", "stop"])
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // Its pid-update loop outlives the stop; its pid is in a JSON file.
        let pid_file = self
            .home
            .join(".codex/app-server-daemon/daemon-updater.pid");
        let pid = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["pid"].as_i64());
        if let Some(pid) = pid {
            // SAFETY: signalling the daemon helper this test started.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        }
    }
}

#[test]
fn a_codex_daemon_already_running_in_the_home_does_not_take_the_panes_identity() {
    let Some(codex) = cli("codex") else {
        return;
    };
    let project = Project::new(&[&codex]);
    let home = project.home.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    project.seed_home(&home);
    let daemon = CodexDaemon::start(&codex, &home, &project.path);
    let tui = project.start(&[
        "--pane",
        "a=codex",
        "--pane",
        "b=codex",
        "--task",
        "say hello",
        "--max-turns",
        "4",
    ]);
    wait_for_end(&tui, Duration::from_secs(180));
    let passes = agent_passes(&tui);
    assert!(passes.len() >= 3, "{passes:?}\n{}", tui.contents());
    assert_every_note_received(&tui, &[("a", &project.openai), ("b", &project.openai)]);
    assert!(daemon.running(), "the daemon was there all along");
}

/// A pair review between `author` and `reviewer` (claude or codex), 8 turns, untouched.
fn pair_review(author: &str, reviewer: &str) {
    let (Some(claude), Some(codex)) = (cli("claude"), cli("codex")) else {
        return;
    };
    let project = Project::new(&[&claude, &codex]);
    let author_role = format!("author={author}");
    let reviewer_role = format!("reviewer={reviewer}");
    let tui = project.start(&[
        "--preset",
        "pair-review",
        "--role",
        &author_role,
        "--role",
        &reviewer_role,
        "--task",
        "add a test",
        "--max-turns",
        "8",
    ]);
    wait_for_end(&tui, Duration::from_secs(240));
    let mock = |agent: &str| {
        if agent == "claude" {
            &project.anthropic
        } else {
            &project.openai
        }
    };
    let mocks = [("author", mock(author)), ("reviewer", mock(reviewer))];
    let passes = agent_passes(&tui);
    assert!(passes.len() >= 6, "{passes:?}\n{}", tui.contents());
    assert!(
        mock(author).notes_received().contains(&1),
        "the opening note never reached the author's model\n{}",
        tui.contents()
    );
    assert_every_note_received(&tui, &mocks);
    report(&format!("{author} -> {reviewer} pair review"), &tui, &mocks);
}

#[test]
fn claude_authors_and_codex_reviews_by_themselves() {
    pair_review("claude", "codex");
}

#[test]
fn codex_authors_and_claude_reviews_by_themselves() {
    pair_review("codex", "claude");
}
