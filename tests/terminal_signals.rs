//! What any program says in its output without hooks, end to end: an OSC 9;4 progress
//! report and an OSC 777 notification move its pane's state (source "terminal") and the
//! notification asks for the person; and each child that asks for focus reports hears
//! the truth, as under tmux with focus-events on.

mod common;

use common::{TempDir, Tui};

/// The right pane's title row.
fn right(s: &vt100::Screen) -> String {
    s.contents_between(0, 50, 0, 100)
}

/// The right pane's first row of output.
fn right_body(s: &vt100::Screen) -> String {
    s.contents_between(1, 50, 1, 100)
}

/// `pane`'s state changes in log.jsonl, as (state, source, ts).
fn states(tui: &Tui, pane: &str) -> Vec<(String, String, f64)> {
    tui.all_log_lines()
        .into_iter()
        .filter(|l| l["event"] == "state" && l["pane"] == pane)
        .map(|l| {
            let text = |key: &str| l[key].as_str().unwrap_or_default().to_string();
            (
                text("state"),
                text("source"),
                l["ts"].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

/// The progress bar keeps a silent program "working" past the idle threshold; its
/// notification then makes it "waiting for input" and asks for the person. Each child
/// writes the time just before its sequence, for the delay to the state shown.
#[test]
fn a_programs_progress_and_notification_move_its_state() {
    let dir = TempDir::new("osc");
    let (progress_at, notify_at) = (dir.path().join("progress"), dir.path().join("notify"));
    let b = format!(
        "b=date +%s.%N > '{}'; printf '\\033]9;4;1;50\\007'; sleep 2; \
         date +%s.%N > '{}'; printf '\\033]777;notify;build;done\\033\\\\'; exec cat",
        progress_at.display(),
        notify_at.display()
    );
    let tui = Tui::start(
        &["--idle-after", "1", "--pane", "a=cat", "--pane", &b],
        100,
        20,
    );
    tui.wait_for_text("needs you: b sent a notification");
    tui.wait_until("b marked", |s| right(s).contains("waiting for input · ⚑"));
    let seen = states(&tui, "b");
    let shown: Vec<(&str, &str)> = seen
        .iter()
        .map(|(state, source, _)| (state.as_str(), source.as_str()))
        .collect();
    assert_eq!(
        shown,
        [("working", "terminal"), ("waiting for input", "terminal")],
        "never idle while its progress bar shows"
    );
    let written = |path: &std::path::Path| -> f64 {
        std::fs::read_to_string(path)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let delays = [
        seen[0].2 - written(&progress_at),
        seen[1].2 - written(&notify_at),
    ];
    eprintln!(
        "SIGNALS | any program, OSC 9;4 / OSC 777 | written -> state {:.3} s / {:.3} s |",
        delays[0], delays[1]
    );
    assert!(delays.iter().all(|d| *d < 1.0), "{delays:?}");
}

/// A child that switches focus reporting on while its pane is not focused is told so
/// at once; focusing its pane, and the host terminal losing the focus, tell it again.
/// A child that never asked hears nothing.
#[test]
fn children_hear_the_truth_about_focus() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=echo AAA; exec cat",
            "--pane",
            "b=printf '\\033[?1004hBBB'; exec cat",
        ],
        100,
        20,
    );
    // The pane's terminal echoes what the child is sent: ^[[O is a focus-out report.
    tui.wait_until("b told it is unfocused", |s| {
        right_body(s).contains("BBB^[[O")
    });
    tui.chord(b"2");
    tui.wait_until("b told it is focused", |s| {
        right_body(s).contains("BBB^[[O^[[I")
    });
    tui.send(b"\x1b[O"); // the host terminal loses the focus
    tui.wait_until("b told the host lost it", |s| {
        right_body(s).contains("BBB^[[O^[[I^[[O")
    });
    let a = tui.with_screen(|s| {
        (1..19)
            .map(|row| s.contents_between(row, 0, row, 50))
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert!(
        a.contains("AAA") && !a.contains("^["),
        "a heard something: {a}"
    );
}
