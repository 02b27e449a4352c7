//! The baton end to end: passing by key and by agent, refusals, the handoff log, and
//! the demo rally.

mod common;

use common::{Tui, eventually};

const LEFT: std::ops::Range<u16> = 0..50;
const RIGHT: std::ops::Range<u16> = 50..100;

fn holder_is(tui: &Tui, right: bool) -> bool {
    tui.with_screen(|s| {
        let (left, right_title) = (
            s.contents_between(0, 0, 0, 50),
            s.contents_between(0, 50, 0, 100),
        );
        if right {
            right_title.contains("baton") && left.contains("view-only")
        } else {
            left.contains("baton") && right_title.contains("view-only")
        }
    })
}

/// A shell in pane a (holding the baton, at its prompt) and `cat` in pane b.
fn shell_beside_cat() -> Tui {
    let tui = Tui::start_with_env(
        &["--pane", "a=sh", "--pane", "b=cat"],
        100,
        30,
        &[("PS1", "$ ")],
    );
    tui.wait_for_text("$ ");
    tui
}

#[test]
fn agents_pass_through_the_socket_and_non_holders_are_refused() {
    let mut tui = shell_beside_cat();
    // The second pass runs after a has handed the baton on, so it must be refused.
    tui.type_text("rallish-tui pass --note 'look at README'; echo FIRST\"\"=$?; sleep 0.5; rallish-tui pass --note again; echo SECOND\"\"=$?\r");
    tui.wait_for_text("SECOND=");
    let left = tui.region(LEFT);
    assert!(left.contains("FIRST=0"), "{left}");
    assert!(left.contains("SECOND=3"), "{left}");
    assert!(left.contains("does not hold the baton"), "{left}");
    eventually("cat echoes the note", || {
        tui.region(RIGHT).contains("look at README")
    });
    assert!(!tui.region(RIGHT).contains("again"));
    assert!(holder_is(&tui, true));
    let lines = tui.log_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["by"], "agent");
}

#[test]
fn a_forged_token_is_refused() {
    let mut tui = shell_beside_cat();
    tui.type_text("RALLISH_TOKEN=0000 rallish-tui pass --note x; echo RC\"\"=$?\r");
    tui.wait_for_text("RC=3");
    tui.type_text("RALLISH_PANE=b rallish-tui pass --note x; echo RC2\"\"=$?\r");
    tui.wait_for_text("RC2=3");
    assert!(holder_is(&tui, false), "baton moved:\n{}", tui.contents());
}

#[test]
fn the_baton_skips_a_pane_whose_child_exited() {
    let mut tui = Tui::start(
        &["--pane", "a=cat", "--pane", "b=exit 0", "--pane", "c=cat"],
        120,
        30,
    );
    tui.wait_for_text("exited 0");
    tui.chord(b"N");
    tui.wait_for_text("baton: a -> c (turn 2)");
}

#[test]
fn the_demo_rally_passes_by_itself() {
    let mut tui = Tui::start(&[], 160, 40);
    tui.wait_for_text("demo agent alice");
    tui.wait_for_text("turn 3");
    let lines = tui.log_lines();
    let passes: Vec<_> = lines.iter().filter(|l| l["event"] == "pass").collect();
    assert!(passes.len() >= 2, "{lines:?}");
    assert!(passes.iter().all(|l| l["by"] == "agent"));
    // Every note the demo agents got went in and was seen taken.
    let taken = lines.iter().filter(|l| l["event"] == "note_taken").count();
    assert!(taken >= passes.len(), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l["event"] == "note_not_taken"),
        "{lines:?}"
    );
    tui.chord(b"q");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some());
}
