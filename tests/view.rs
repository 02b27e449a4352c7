//! Layouts and copy mode end to end: dividers moved by key and by mouse give each PTY
//! its new size; a 5,000-line history is searched and the hit shown highlighted, then
//! selected and copied (OSC 52, as over ssh).

mod common;

use common::{TempDir, Tui};

/// A pane that prints its PTY size at start and on every SIGWINCH.
const SIZE_REPORTER: &str = "trap 'stty size' WINCH; stty size; while :; do sleep 0.05; done";

/// The last "ROWS COLS" line in a column range of the screen.
fn last_size(tui: &Tui, cols: std::ops::Range<u16>) -> Option<String> {
    tui.region(cols).lines().rev().find_map(|l| {
        let l = l.trim_matches(|c: char| !c.is_ascii_digit());
        let (a, b) = l.split_once(' ')?;
        (a.parse::<u16>().is_ok() && b.parse::<u16>().is_ok()).then(|| l.to_string())
    })
}

#[track_caller]
fn wait_size(tui: &Tui, cols: std::ops::Range<u16>, want: &str) {
    let deadline = std::time::Instant::now() + common::timeout();
    while last_size(tui, cols.clone()).as_deref() != Some(want) {
        assert!(
            std::time::Instant::now() < deadline,
            "waited for size {want:?}, last {:?}; screen:\n{}",
            last_size(tui, cols.clone()),
            tui.contents()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn dividers_move_by_key_and_by_mouse_and_ptys_follow() {
    let a = format!("a={SIZE_REPORTER}");
    let b = format!("b={SIZE_REPORTER}");
    let mut tui = Tui::start(&["--pane", &a, "--pane", &b], 120, 30);
    // 120 x 29 above the status line: two 60-column panes, 58 x 27 inside.
    wait_size(&tui, 0..60, "27 58");
    wait_size(&tui, 60..120, "27 58");
    tui.chord(b"L");
    wait_size(&tui, 0..62, "27 60");
    wait_size(&tui, 62..120, "27 56");
    // Drag the divider (the border column at 62) to column 40, SGR mouse encoding.
    tui.send(b"\x1b[<0;63;10M\x1b[<32;50;10M\x1b[<32;41;10M\x1b[<0;41;10m");
    wait_size(&tui, 0..40, "27 38");
    wait_size(&tui, 40..120, "27 78");
    // The next layout starts even again: stacked, 15 + 14 rows.
    tui.chord(b" ");
    tui.wait_for_text("layout: stacked");
    tui.wait_until("both panes at their stacked sizes", |s| {
        s.contents().contains("13 118") && s.contents().contains("12 118")
    });
    tui.chord(b"K");
    tui.wait_until("the top pane to shrink", |s| {
        s.contents().contains("11 118") && s.contents().contains("14 118")
    });
}

/// A config directory whose config.toml copies through OSC 52 only.
fn osc52_config() -> TempDir {
    let dir = TempDir::new("config");
    std::fs::write(dir.path().join("config.toml"), "clipboard = \"osc52\"\n").unwrap();
    dir
}

/// Where `text` is in the panes (not the border titles nor the status line), if it is.
fn find(screen: &vt100::Screen, text: &str) -> Option<(u16, u16)> {
    let (rows, cols) = (screen.size().0.get(), screen.size().1.get());
    (1..rows - 2).find_map(|row| {
        let line = screen.contents_between(row, 0, row, cols);
        line.find(text)
            .map(|at| (row, line[..at].chars().count() as u16))
    })
}

#[test]
fn search_finds_a_line_deep_in_the_history_and_copies_it() {
    let config = osc52_config();
    let dir = config.path().display().to_string();
    let mut tui = Tui::start_with_env(
        &[
            "--pane",
            "a=seq 1 5000; exec sleep 600",
            "--pane",
            "b=sleep 600",
        ],
        120,
        30,
        &[("RALLISH_CONFIG_DIR", &dir)],
    );
    // Not the border title: the pane's last line of output.
    tui.wait_until("seq to finish", |s| find(s, "5000").is_some());
    tui.chord(b"[");
    tui.wait_for_text("copy mode");
    tui.type_text("/4321");
    tui.wait_until("line 4321 shown highlighted", |s| {
        find(s, "4321").is_some_and(|(row, col)| {
            s.cell(row, col)
                .is_some_and(|c| c.bgcolor() != vt100::Color::Default)
        })
    });
    assert!(
        tui.contents().contains("/4321▏  1 of 1"),
        "{}",
        tui.contents()
    );
    // The line above is there, and plain.
    tui.with_screen(|s| {
        let (row, col) = find(s, "4321").unwrap();
        assert_eq!(s.contents_between(row - 1, col, row - 1, col + 4), "4320");
        let plain = s.cell(row - 1, col).unwrap();
        assert_eq!(plain.bgcolor(), vt100::Color::Default);
    });
    assert!(
        tui.contents().contains("[-"),
        "the border shows how far back"
    );
    // Enter keeps the hit; v, $ and y select the line and copy it.
    tui.type_text("\r");
    tui.type_text("v$y");
    let want = b"\x1b]52;c;NDMyMQ==\x1b\\"; // base64("4321")
    common::eventually("the OSC 52 copy", || {
        tui.raw_output().windows(want.len()).any(|w| w == want)
    });
    tui.wait_for_text("copied 4 characters");
    tui.wait_for_gone("copy mode");
    // Older lines than the history holds are not found.
    tui.chord(b"[");
    tui.type_text("/no such line\r");
    tui.wait_for_text("\"no such line\" not found in the last");
}

#[test]
fn a_mouse_drag_selects_and_copies_without_copy_mode() {
    let config = osc52_config();
    let dir = config.path().display().to_string();
    let mut tui = Tui::start_with_env(
        &[
            "--pane",
            "a=echo alpha beta' 'gamma; exec sleep 600",
            "--pane",
            "b=sleep 600",
        ],
        120,
        30,
        &[("RALLISH_CONFIG_DIR", &dir)],
    );
    // (Quoted apart in the command, so the border title never matches.)
    tui.wait_for_text("alpha beta gamma");
    // "beta" sits at columns 7..=10 of row 1 (inside the border); SGR is 1-based.
    tui.send(b"\x1b[<0;8;2M\x1b[<32;10;2M\x1b[<32;11;2M");
    tui.wait_for_text("copy mode · selecting");
    tui.send(b"\x1b[<0;11;2m");
    let want = b"\x1b]52;c;YmV0YQ==\x1b\\"; // base64("beta")
    common::eventually("the OSC 52 copy", || {
        tui.raw_output().windows(want.len()).any(|w| w == want)
    });
    tui.wait_for_gone("copy mode");
}

#[test]
fn history_after_a_flood_holds_exactly_its_last_lines() {
    // 400,000 lines in one go: the pane leaves out what would scroll away unseen, and
    // the history it keeps must still be the last 2,000 lines, in order.
    let mut tui = Tui::start(
        &[
            "--scrollback",
            "2000",
            "--pane",
            "a=seq 1 400000; exec sleep 600",
            "--pane",
            "b=sleep 600",
        ],
        120,
        30,
    );
    tui.wait_until("seq to finish", |s| find(s, "400000").is_some());
    tui.chord(b"[");
    tui.wait_for_text("copy mode");
    tui.type_text("/398500\r");
    tui.wait_until("line 398500 in view", |s| find(s, "398500").is_some());
    tui.with_screen(|s| {
        let (row, col) = find(s, "398500").unwrap();
        assert_eq!(s.contents_between(row - 1, col, row - 1, col + 6), "398499");
        assert_eq!(s.contents_between(row + 1, col, row + 1, col + 6), "398501");
    });
    // The oldest line kept: 2,000 rows of history above the pane's 27, which end in
    // 400000 and the empty line the cursor is on.
    tui.type_text("g");
    tui.wait_until("the top of the history", |s| find(s, "397975").is_some());
    assert!(
        tui.contents().contains("[-2000/2000]"),
        "{}",
        tui.contents()
    );
    tui.type_text("/397974\r");
    tui.wait_for_text("\"397974\" not found in the last");
}
