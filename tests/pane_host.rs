//! The pane host end to end: the real binary in a PTY, its screen read through vt100.
//! What needs a real host terminal lives here (its replies, raw bytes, signals, exits);
//! keys, focus and overlays are tested in-process (`src/app/tests`).

mod common;

use common::{Tui, eventually, process_alive};

#[test]
fn a_child_that_exits_shows_how_it_exited() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "ok=echo last words; exit 3",
            "--pane",
            "sig=echo bye; kill -9 $$",
        ],
        100,
        20,
    );
    tui.wait_for_text("exited 3");
    tui.wait_for_text("killed by SIGKILL");
    assert!(
        tui.contents().contains("last words"),
        "output kept after exit"
    );
    // With no child left, quit does not ask.
    tui.chord(b"q");
    assert!(tui.wait_exit().is_some_and(|s| s.success()));
}

#[test]
fn host_resize_reaches_the_child() {
    let mut tui = Tui::start_with_env(&["--pane", "sh=sh"], 80, 24, &[("PS1", "$ ")]);
    tui.wait_for_text("$ ");
    tui.type_text("stty size\r");
    // One pane fills 80x23 (the last row is the status bar); inside the border: 21x78.
    tui.wait_for_text("21 78");
    // Typed in the same instant as the resize: no keystroke may be lost to it (crossterm's
    // edge-triggered mio source dropped these until the next key).
    tui.resize(120, 40);
    tui.type_text("echo typed-during-resize\r");
    tui.wait_until("the echo", |s| {
        s.contents().matches("typed-during-resize").count() >= 2
    });
    tui.wait_until("the redraw at 120 columns", |s| {
        s.contents_between(0, 90, 0, 120).contains("baton")
    });
    tui.type_text("stty size\r");
    tui.wait_for_text("37 118");
}

#[test]
fn quitting_leaves_no_child_behind() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=echo PID\"\"_A=$$; exec sleep 1000",
            "--pane",
            "b=echo PID\"\"_B=$$; trap '' HUP; exec sleep 1000",
        ],
        100,
        20,
    );
    tui.wait_for_text("PID_A=");
    tui.wait_for_text("PID_B=");
    let (a, b) = (tui.number_after("PID_A="), tui.number_after("PID_B="));
    assert!(process_alive(a) && process_alive(b));
    tui.chord(b"q");
    tui.wait_for_text("quit and stop them? y/n");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some(), "app did not exit");
    // b ignores SIGHUP, so this also proves the SIGKILL follow-up.
    eventually("children gone", || !process_alive(a) && !process_alive(b));
    let raw = tui.raw_output();
    let tail = &raw[raw.len().saturating_sub(200)..];
    assert!(
        tail.windows(8).any(|w| w == b"\x1b[?1049l"),
        "alternate screen not left: {:?}",
        String::from_utf8_lossy(tail)
    );
}

#[test]
fn sigterm_restores_the_terminal_and_stops_children() {
    let mut tui = Tui::start(&["--pane", "a=echo PID\"\"_A=$$; exec sleep 1000"], 80, 20);
    tui.wait_for_text("PID_A=");
    let child = tui.number_after("PID_A=");
    // SAFETY: signalling a process we started.
    unsafe { libc::kill(tui.pid() as libc::pid_t, libc::SIGTERM) };
    assert!(tui.wait_exit().is_some(), "app did not exit on SIGTERM");
    eventually("child gone", || !process_alive(child));
    let raw = tui.raw_output();
    assert!(
        raw.windows(8).any(|w| w == b"\x1b[?1049l"),
        "alternate screen not left"
    );
}

#[test]
fn children_get_a_clean_terminal_environment() {
    let mut tui = Tui::start_with_env(
        &[
            "--pane",
            "env=echo T=$TERM C=$COLORTERM X=${TMUX:-none} Y=${CLAUDECODE:-none} Z=${TERM_PROGRAM:-none}${LC_TERMINAL:-} P=$RALLISH_PANE; exec sleep 100",
        ],
        120,
        10,
        &[
            ("TMUX", "/tmp/fake,1,0"),
            ("CLAUDECODE", "1"),
            ("TERM_PROGRAM", "iTerm.app"),
            ("LC_TERMINAL", "iTerm2"),
        ],
    );
    // The host's COLORTERM (the test terminal's is truecolor) is passed through.
    tui.wait_for_text("T=xterm-256color C=truecolor X=none Y=none Z=none P=env");
    tui.chord(b"q");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some());
}

/// Every extended colour the SGR sequences (`ESC [ ... m`) in `raw` set, as written:
/// `38;5;208` for a palette foreground, `48;2;10;20;200` for a 24-bit background.
fn sgr_colours(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.windows(2).position(|w| w == b"\x1b[") {
        rest = &rest[start + 2..];
        let Some(end) = rest.iter().position(|b| (0x40..=0x7e).contains(b)) else {
            break;
        };
        if rest[end] == b'm' {
            let text = String::from_utf8_lossy(&rest[..end]);
            let params: Vec<&str> = text.split(';').collect();
            let mut i = 0;
            while i < params.len() {
                let len = match (params[i], params.get(i + 1)) {
                    ("38" | "48" | "58", Some(&"5")) => 3,
                    ("38" | "48" | "58", Some(&"2")) => 5,
                    _ => 1,
                };
                if len > 1 {
                    found.push(params[i..(i + len).min(params.len())].join(";"));
                }
                i += len;
            }
        }
        rest = &rest[end + 1..];
    }
    found
}

#[test]
fn a_host_without_truecolor_gets_256_colours_only_and_children_see_its_colorterm() {
    // Terminal.app before macOS 26: 256 colours, no COLORTERM.
    let mut tui = Tui::start_in_host(
        &[
            "--pane",
            r#"rgb=printf '\033[38;2;255;128;0mORANGE\033[48;2;10;20;200mON BLUE\033[0m C=[%s] P=[%s]\n' "$COLORTERM" "$TERM_PROGRAM"; exec sleep 100"#,
        ],
        120,
        10,
        &[
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "Apple_Terminal"),
        ],
        &["COLORTERM"],
    );
    tui.wait_for_text("ON BLUE C=[] P=[]");
    let colours = sgr_colours(&tui.raw_output());
    let orange = rallish_tui::host::colours::nearest_256(255, 128, 0);
    let blue = rallish_tui::host::colours::nearest_256(10, 20, 200);
    assert!(colours.contains(&format!("38;5;{orange}")), "{colours:?}");
    assert!(colours.contains(&format!("48;5;{blue}")), "{colours:?}");
    let direct: Vec<_> = colours.iter().filter(|c| c.contains(";2;")).collect();
    assert!(
        direct.is_empty(),
        "24-bit colour reached the host: {direct:?}"
    );
    tui.chord(b"q");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some());
}

#[test]
fn answers_the_childs_terminal_queries() {
    // A child asking for the cursor position (as codex does) gets an answer.
    let script = r#"printf 'ab\033[6n'; IFS= read -r -d R reply; printf '\nreply=%s\n' "$(printf %s "$reply" | tr -d '\033')"; exec sleep 100"#;
    let mut tui = Tui::start(
        &[
            "--pane",
            &format!(
                "q=stty raw -echo; bash -c '{}'",
                script.replace('\'', r"'\''")
            ),
        ],
        80,
        10,
    );
    tui.wait_for_text("reply=[1;3");
    tui.chord(b"q");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some());
}

/// A child's OSC 11 question gets the host terminal's real background (here a light
/// one), not an invented dark one.
#[test]
fn a_child_asking_for_the_background_hears_the_hosts() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ask_background.py"
    );
    let pane = format!("a=python3 {script}; sleep 600");
    let mut tui = Tui::start_with_env(
        &["--pane", &pane],
        80,
        20,
        &[(common::TEST_HOST_BACKGROUND, "rgb:ffff/ffff/ffff")],
    );
    tui.wait_for_text("ready");
    tui.type_text("q");
    tui.wait_for_text("heard [ESC]11;rgb:ffff/ffff/ffff");
}

/// A host that does not say its colours leaves the child's question unanswered (as tmux
/// does), never answered with made-up colours.
#[test]
fn a_child_asking_for_the_background_of_a_quiet_host_hears_nothing() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ask_background.py"
    );
    let pane = format!("a=python3 {script}; sleep 600");
    let mut tui = Tui::start(&["--pane", &pane], 80, 20);
    tui.wait_for_text("ready");
    tui.type_text("q");
    tui.wait_for_text("heard []");
}

/// A link a child prints (OSC 8) reaches the host as a link around the same text.
#[test]
fn a_hyperlink_reaches_the_host() {
    let pane = r"a=printf 'see \033]8;;https://example.com/docs\033\\the docs\033]8;;\033\\ now\n'; sleep 600";
    let tui = Tui::start(&["--pane", pane], 80, 20);
    tui.wait_for_text("see the docs now");
    common::eventually("the link in the host's output", || {
        let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
        raw.split("\x1b]8;;https://example.com/docs\x1b\\")
            .skip(1)
            .any(|after| {
                let inside = after.split("\x1b]8;;\x1b\\").next().unwrap_or("");
                strip_escapes(inside) == "the docs"
            })
    });
}

/// `text` without CSI sequences.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
