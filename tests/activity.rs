//! Activity at a glance, end to end: busy/idle borders, attention, notifications, and an
//! idle app that never wakes up.

mod common;

use std::time::Duration;

use common::{Tui, eventually};

fn right_title(tui: &Tui) -> String {
    tui.with_screen(right)
}

fn left_title(tui: &Tui) -> String {
    tui.with_screen(left)
}

fn left(s: &vt100::Screen) -> String {
    s.contents_between(0, 0, 0, 50)
}

fn right(s: &vt100::Screen) -> String {
    s.contents_between(0, 50, 0, 100)
}

#[test]
fn a_holder_that_goes_quiet_turns_idle_and_asks_for_the_person() {
    let tui = Tui::start(
        &[
            "--idle-after",
            "1",
            "--pane",
            "a=echo working; exec sleep 1000",
            "--pane",
            "b=cat",
        ],
        100,
        20,
    );
    tui.wait_for_text("working");
    tui.wait_until("pane a idle", |s| left(s).contains("idle"));
    tui.wait_for_text("needs you: a is waiting for input");
    assert!(left_title(&tui).contains("⚑"), "{}", left_title(&tui));
    // b never wrote anything and does not hold the baton: idle, but nobody's calling.
    assert!(right_title(&tui).contains("idle") && !right_title(&tui).contains("⚑"));
}

#[test]
fn a_bell_marks_the_pane_until_it_is_focused_and_reaches_the_host() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=cat",
            "--pane",
            "b=sleep 0.3; printf 'ding\\a'; exec cat",
        ],
        100,
        20,
    );
    tui.wait_until("b marked", |s| right(s).contains("⚑ rang the bell"));
    tui.wait_for_text("needs you: b rang the bell");
    let raw = tui.raw_output();
    assert!(
        raw.contains(&0x07),
        "the bell was not forwarded to the host terminal"
    );
    tui.chord(b"2");
    tui.wait_until("the mark cleared", |s| !right(s).contains("⚑"));
}

#[test]
fn with_the_host_window_unfocused_a_desktop_notification_is_sent() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=cat",
            "--pane",
            "b=read x; printf '\\a'; exec cat",
        ],
        100,
        20,
    );
    tui.wait_for_text("baton · turn 1");
    assert!(!String::from_utf8_lossy(&tui.raw_output()).contains("]777;notify"));
    tui.send(b"\x1b[O"); // the host terminal reports focus out
    std::thread::sleep(Duration::from_millis(100));
    // Give b the baton so it can be told to ring.
    tui.chord(b"2");
    tui.chord(b"t");
    tui.type_text("\r");
    eventually("OSC 777 to the host", || {
        String::from_utf8_lossy(&tui.raw_output())
            .contains("\x1b]777;notify;rallish-tui;b rang the bell\x1b\\")
    });
}

#[test]
fn an_idle_rally_does_not_wake_up() {
    let tui = Tui::start(
        &[
            "--pane",
            "a=sleep 1000",
            "--pane",
            "b=sleep 1000",
            "--pane",
            "c=sleep 1000",
            "--pane",
            "d=sleep 1000",
        ],
        120,
        30,
    );
    tui.wait_for_text("turn 1");
    tui.wait_stable(Duration::from_millis(1500));
    let switches = || common::process::context_switches(tui.pid());
    let before = switches();
    std::thread::sleep(Duration::from_secs(3));
    let woke = switches() - before;
    assert!(woke <= 2, "an idle app woke up {woke} times in 3 s");
}
