//! The scratchpad end to end: agents append through the socket while the panel is open,
//! the person's text survives a kill -9 and `--resume last`, the demo rally fills it past
//! its cap, and copying works through OSC 52 where there is no display or over ssh.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Tui, eventually};

fn session_dir(state: &Path) -> Option<PathBuf> {
    std::fs::read_dir(state.join("sessions"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
}

fn read(state: &Path, file: &str) -> String {
    session_dir(state)
        .and_then(|dir| std::fs::read_to_string(dir.join(file)).ok())
        .unwrap_or_default()
}

/// The rows of the screen's right-hand panel (the scratchpad, beside the panes).
fn panel(tui: &Tui) -> String {
    tui.region(65..100)
}

#[test]
fn an_append_from_a_pane_shows_in_the_open_panel_and_write_is_for_the_holder() {
    // Pane b waits for the test to say go, then appends and tries to rewrite.
    let b = "while [ ! -e go ]; do sleep 0.05; done; rallish-tui scratch append 'from b'; \
             echo replaced | rallish-tui scratch write -; echo \"write exit $?\"; exec cat";
    let mut tui = Tui::start(&["--pane", "a=cat", "--pane", &format!("b={b}")], 100, 30);
    tui.wait_for_text("baton · turn 1");
    tui.chord(b"s");
    tui.wait_for_text("scratchpad ·");
    tui.type_text("typed first");
    eventually("the typing saved", || {
        read(&tui.state_dir(), "scratchpad.md") == "typed first"
    });
    std::fs::write(tui.dir.path().join("go"), b"").unwrap();
    tui.wait_until("the append in the panel", |s| {
        (0..30).any(|row| s.contents_between(row, 65, row, 100).contains("b] from b"))
    });
    tui.wait_for_text("write exit 3");
    assert!(panel(&tui).contains("typed first"), "{}", tui.contents());
    assert!(panel(&tui).contains("b appended"), "{}", tui.contents());
    eventually("the append on disk", || {
        let text = read(&tui.state_dir(), "scratchpad.md");
        text.starts_with("typed first\n[") && text.ends_with(" b] from b\n")
    });
}

#[test]
fn kill_9_then_resume_last_brings_back_scratchpad_holder_and_turn() {
    let config = common::TempDir::new("resume-config");
    std::fs::create_dir_all(config.path().join("presets")).unwrap();
    std::fs::write(
        config.path().join("presets/two.toml"),
        r#"name = "two"
[[roles]]
name = "a"
command = "echo first run; exec cat"
resume_command = "echo resumed run; exec cat"
[[roles]]
name = "b"
command = "cat"
"#,
    )
    .unwrap();
    let config_env = config.path().display().to_string();
    let env = [("RALLISH_CONFIG_DIR", config_env.as_str())];
    let mut first = Tui::start_with_env(&["--preset", "two"], 100, 30, &env);
    first.wait_for_text("first run");
    first.wait_for_text("baton · turn 1");
    first.chord(b"N"); // pass to b: turn 2
    first.wait_for_text("b holds the baton · turn 2");
    first.chord(b"s");
    first.wait_for_text("scratchpad ·");
    first.type_text("remember: the parser is next");
    let state = first.state_dir();
    eventually("the scratchpad and the record on disk", || {
        read(&state, "scratchpad.md") == "remember: the parser is next"
            && read(&state, "session.toml").contains("turn = 2")
    });
    // SAFETY: kills the process this test started.
    unsafe { libc::kill(first.pid() as libc::pid_t, libc::SIGKILL) };
    assert!(first.wait_exit().is_some(), "the app survived kill -9");

    let state_env = state.display().to_string();
    let listing = std::process::Command::new(common::binary())
        .arg("sessions")
        .env("RALLISH_STATE_DIR", &state_env)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    let row = listing.lines().nth(1).unwrap_or_default();
    assert!(
        row.contains("  2  b ") && row.contains("a, b (two)"),
        "{listing}"
    );

    let resumed = Tui::start_with_env(
        &["--resume", "last"],
        100,
        30,
        &[("RALLISH_STATE_DIR", &state_env), env[0]],
    );
    resumed.wait_for_text("b holds the baton · turn 2");
    resumed.wait_for_text("remember: the parser is next");
    resumed.wait_for_text("resumed run");
    // Still the same session: one directory, the log appended to.
    let sessions = std::fs::read_dir(state.join("sessions")).unwrap().count();
    assert_eq!(sessions, 1);
}

#[test]
fn the_demo_rally_fills_the_panel_and_compacts_past_the_cap() {
    let config = common::TempDir::new("scratch-config");
    std::fs::create_dir_all(config.path().join("presets")).unwrap();
    std::fs::write(
        config.path().join("presets/tiny.toml"),
        r#"name = "tiny"
task = "go"
[scratchpad]
max_kb = 1
[[roles]]
name = "alice"
command = "{self} demo-agent --name alice --work-ms 1"
[[roles]]
name = "bob"
command = "{self} demo-agent --name bob --work-ms 1"
"#,
    )
    .unwrap();
    let config_env = config.path().display().to_string();
    let mut tui = Tui::start_with_env(
        &["--preset", "tiny"],
        120,
        30,
        &[("RALLISH_CONFIG_DIR", &config_env)],
    );
    tui.wait_for_text("baton · turn 1");
    tui.chord(b"s");
    for _ in 0..10 {
        tui.chord(b">"); // widen the panel so whole entries fit on a row
    }
    tui.wait_for_text("alice] turn 1:");
    tui.wait_for_text("[compacted ");
    let state = tui.state_dir();
    eventually("the archive holds the oldest entries", || {
        read(&state, "scratchpad.archive.md").starts_with('[')
            && read(&state, "scratchpad.archive.md").contains("alice] turn 1:")
    });
    tui.chord(b"P"); // pause, so the files stop moving
    tui.wait_for_text("paused");
    eventually("the scratchpad within its cap", || {
        let pad = read(&state, "scratchpad.md");
        pad.starts_with("[compacted ") && pad.len() <= 1024
    });
}

#[test]
fn copying_over_ssh_without_a_display_goes_through_osc_52() {
    // Over ssh, so that on a Mac too (whose pasteboard is always there) the copy goes to
    // the terminal and no test overwrites the real clipboard.
    let mut tui = Tui::start_with_env(
        &["--pane", "a=cat"],
        100,
        30,
        &[
            ("DISPLAY", ""),
            ("WAYLAND_DISPLAY", ""),
            ("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22"),
        ],
    );
    tui.wait_for_text("baton · turn 1");
    tui.chord(b"s");
    tui.wait_for_text("scratchpad ·");
    tui.type_text("copy me");
    tui.wait_for_text("copy me");
    tui.chord(b"y");
    tui.wait_for_text("OSC 52");
    let raw = tui.raw_output();
    let wanted = b"\x1b]52;c;Y29weSBtZQ==\x1b\\";
    assert!(
        raw.windows(wanted.len()).any(|w| w == wanted),
        "no OSC 52 sequence in the output"
    );
}

#[test]
fn an_agent_editing_the_file_directly_is_merged_with_the_persons_typing() {
    let mut tui = Tui::start(&["--pane", "a=sh", "--pane", "b=cat"], 100, 30);
    tui.wait_for_text("baton · turn 1");
    tui.chord(b"s");
    tui.wait_for_text("scratchpad ·");
    tui.type_text("mine\r");
    tui.send(b"\x1b"); // esc: the keyboard goes back to the panes
    tui.wait_for_gone("esc: back to the panes");
    // The screen is read as it arrives, and a half-written frame can hide the hint for
    // a moment: look again once the app has drawn everything.
    tui.wait_stable(Duration::from_millis(100));
    tui.wait_for_gone("esc: back to the panes");
    tui.type_text("echo 'edited on disk' >> \"$RALLISH_SCRATCHPAD\"\r");
    tui.wait_until("the edit in the panel", |s| {
        (0..30).any(|row| {
            s.contents_between(row, 65, row, 100)
                .contains("edited on disk")
        })
    });
    assert!(panel(&tui).contains("mine"), "{}", tui.contents());
    let state = tui.state_dir();
    eventually("both on disk", || {
        read(&state, "scratchpad.md") == "mine\nedited on disk\n"
    });
}
