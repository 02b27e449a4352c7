//! A note that went in is confirmed, not hoped for: an agent that drops the Enter behind
//! a paste gets it again, and one that never takes the note is reported (see
//! src/rally/delivery.rs). The stand-in agent is `tests/fixtures/fussy_agent.py`.

mod common;

use std::time::{Duration, Instant};

use common::Tui;

fn fussy(drop: i32) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fussy_agent.py");
    format!("a=python3 {script} {drop}")
}

#[test]
fn a_dropped_enter_is_pressed_again_and_the_note_is_taken() {
    let agent = fussy(1);
    let tui = Tui::start(
        &["--pane", &agent, "--pane", "b=cat", "--task", "hello there"],
        140,
        30,
    );
    tui.wait_for_text("TOOK [rallish] Turn 1");
    common::eventually("note_taken logged", || {
        tui.log_lines()
            .iter()
            .any(|l| l["event"] == "note_taken" && l["enters"] == 2)
    });
}

#[test]
fn a_note_never_taken_is_reported_to_the_person_and_the_log() {
    let agent = fussy(-1);
    let tui = Tui::start(
        &["--pane", &agent, "--pane", "b=cat", "--task", "hello there"],
        140,
        30,
    );
    tui.wait_for_text("ready");
    // 1.5 + 3 + 6 s of Enters without a sign, then the notice.
    let deadline = Instant::now() + common::timeout() + Duration::from_secs(15);
    while !tui.contents().contains("note not taken by a") {
        assert!(Instant::now() < deadline, "no notice:\n{}", tui.contents());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        tui.log_lines()
            .iter()
            .any(|l| l["event"] == "note_not_taken" && l["to"] == "a")
    );
    assert!(!tui.contents().contains("TOOK"));
}
