//! What a pane, or another process of the same user, must not be able to do; and what
//! must never be written down.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::Tui;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_socket_and_session_files_are_private() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=cat",
            "--pane",
            "b=cat",
            "--record",
            "rec/r.cast",
        ],
        100,
        20,
    );
    tui.wait_for_text("● REC");
    tui.chord(b"N");
    tui.wait_for_text("turn 2");
    let run = tui.dir.path().join("run/rallish-tui");
    assert_eq!(mode(&run), 0o700);
    let socket = std::fs::read_dir(&run)
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "sock"))
        .unwrap();
    assert_eq!(mode(&socket.path()), 0o600);
    let sessions = tui.state_dir().join("sessions");
    let session = std::fs::read_dir(&sessions)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    assert_eq!(mode(&session), 0o700);
    assert_eq!(mode(&session.join("log.jsonl")), 0o600);
    assert_eq!(mode(&tui.dir.path().join("rec/r.cast")), 0o600);
    assert!(tui.terminate().is_some());
}

#[test]
fn a_token_read_from_another_pane_does_not_let_you_act_as_it() {
    let mut tui = Tui::start_with_env(
        &[
            "--pane",
            "a=echo TOK\"\"EN=$RALLISH_TOKEN; exec cat",
            "--pane",
            "b=sh",
        ],
        100,
        24,
        &[("PS1", "$ ")],
    );
    tui.wait_for_text("TOKEN=");
    let token = tui.hex_after("TOKEN=");
    assert_eq!(token.len(), 32);
    // Pane b borrows a's name and token: a holds the baton, so if this worked it would pass.
    tui.chord(b"2");
    tui.chord(b"t");
    tui.chord(b"1");
    tui.chord(b"t");
    tui.wait_until("a holds the baton again", |s| {
        s.contents_between(0, 0, 0, 50).contains("baton")
    });
    tui.chord(b"2");
    tui.chord(b"t");
    tui.wait_until("b holds the baton", |s| {
        s.contents_between(0, 50, 0, 100).contains("baton")
    });
    tui.type_text(&format!(
        "RALLISH_PANE=a RALLISH_TOKEN={token} rallish-tui status; echo RC\"\"=$?\r"
    ));
    tui.wait_for_text("RC=3");
    assert!(tui.contents().contains("inside pane"), "{}", tui.contents());
}

#[test]
fn notes_and_keystrokes_stay_out_of_the_log_file_and_keystrokes_out_of_session_files() {
    let mut tui = Tui::start(&["--pane", "a=cat", "--pane", "b=cat"], 100, 20);
    tui.wait_for_text("turn 1");
    tui.type_text("TYPEDSECRET\r");
    tui.wait_for_text("TYPEDSECRET");
    tui.chord(b"n");
    tui.wait_for_text("handoff note to b");
    tui.type_text("NOTESECRET");
    tui.send(b"\x13");
    tui.wait_until("the note in b", |s| {
        s.contents_between(0, 50, 20, 100).contains("NOTESECRET")
    });
    assert!(tui.terminate().is_some());
    let state = tui.state_dir();
    let log = std::fs::read_to_string(state.join("rallish-tui.log")).unwrap_or_default();
    assert!(!log.is_empty(), "no log file written");
    assert!(!log.contains("NOTESECRET"), "a note reached the log file");
    assert!(
        !log.contains("TYPEDSECRET"),
        "keystrokes reached the log file"
    );
    for file in files_under(&state) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains("TYPEDSECRET"),
            "keystrokes in {}",
            file.display()
        );
    }
}
