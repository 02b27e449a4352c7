//! The person in the rotation: a role whose command is `person` has no pane. When the
//! baton reaches it the rally pauses, the person is told, and the note they write in the
//! note editor goes to the next role.

mod common;

use common::{Tui, eventually};

#[test]
fn the_person_writes_the_note_between_two_agents() {
    let alice = "alice={self} demo-agent --name alice --work-ms 20";
    let tui_args = [
        "--pane",
        alice,
        "--pane",
        "me=person",
        "--pane",
        "bob=cat",
        "--task",
        "start",
    ];
    let mut tui = Tui::start(&tui_args, 140, 30);
    // alice works and passes: the pass goes to the person, whose editor opens.
    tui.wait_for_text("handoff note to bob");
    tui.wait_for_text("me (you) holds the baton: write the note for bob");
    let lines = tui.log_lines();
    let turn = lines
        .iter()
        .find(|l| l["event"] == "person_turn")
        .unwrap_or_else(|| panic!("no person_turn in {lines:#?}"));
    assert_eq!(
        (&turn["from"], &turn["to"]),
        (&"alice".into(), &"me".into())
    );
    assert!(
        !lines.iter().any(|l| l["event"] == "pass"),
        "the baton waits for the person: {lines:#?}"
    );
    assert!(
        tui.raw_output().windows(1).any(|b| b == b"\x07"),
        "the person is told (a bell)"
    );
    // The editor holds alice's note; the person writes their own instead.
    tui.send(b"\x15"); // ctrl-u: clear the line
    tui.type_text("please check the parser, bob");
    tui.send(b"\x13"); // ctrl-s
    tui.wait_for_gone("handoff note to bob");
    eventually("the person's note in bob's pane", || {
        tui.contents().contains("please check the parser, bob")
    });
    eventually("the pass in the log", || {
        tui.log_lines()
            .iter()
            .any(|l| l["event"] == "pass" && l["by"] == "person")
    });
    let pass = tui
        .log_lines()
        .into_iter()
        .find(|l| l["event"] == "pass")
        .unwrap();
    assert_eq!(
        (&pass["from"], &pass["to"]),
        (&"alice".into(), &"bob".into())
    );
    assert_eq!(pass["turn"], 2);
    assert!(
        pass["note"]
            .as_str()
            .unwrap()
            .contains("please check the parser, bob")
    );
    tui.wait_for_text("bob holds the baton");
}

#[test]
fn closing_the_editor_keeps_the_rally_waiting_for_the_person() {
    let alice = "alice={self} demo-agent --name alice --work-ms 20";
    let args = [
        "--pane",
        alice,
        "--pane",
        "me=person",
        "--pane",
        "bob=cat",
        "--task",
        "start",
    ];
    let mut tui = Tui::start(&args, 140, 30);
    tui.wait_for_text("handoff note to bob");
    tui.send(b"\x1b"); // esc
    tui.wait_for_text("the rally waits for your note to bob");
    assert!(tui.contents().contains("me (you) holds the baton"));
    tui.chord(b"n");
    tui.wait_for_text("handoff note to bob");
    tui.type_text("over to you");
    tui.send(b"\x13"); // ctrl-s
    tui.wait_for_text("bob holds the baton");
}
