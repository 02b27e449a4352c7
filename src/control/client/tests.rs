//! The blocking client against the real server and a fake app on another thread.

use super::*;
use crate::control::protocol::{ErrorCode, PaneInfo};
use crate::control::server::{self, ControlRequest};
use serde_json::json;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

/// Serves `answers.len()` requests, answering the i-th with `answers[i](request)`, then stops.
/// Returns the socket path, the thread, and the directory guard.
fn fake_app(
    tag: &str,
    answers: Vec<Box<dyn FnOnce(Request) -> Response + Send>>,
) -> (PathBuf, JoinHandle<()>, server::tests::TempDir) {
    let dir = server::tests::TempDir::new(tag);
    let sock_dir = dir.0.join("run");
    let (path_tx, path_rx) = std_mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (path, listener) = server::bind(&sock_dir, "c.sock").unwrap();
            path_tx.send(path).unwrap();
            let (tx, mut rx) = tokio::sync::mpsc::channel::<ControlRequest>(4);
            let serving = tokio::spawn(server::serve(listener, tx));
            for answer in answers {
                let ControlRequest { request, reply, .. } = rx.recv().await.unwrap();
                let _ = reply.send(answer(request));
            }
            drop(rx);
            serving.await.unwrap();
        });
    });
    (path_rx.recv().unwrap(), thread, dir)
}

fn env(socket: PathBuf) -> ClientEnv {
    ClientEnv {
        socket,
        pane: "a".into(),
        token: "tok".into(),
    }
}

#[test]
fn pass_and_refusal_exit_codes() {
    let (path, thread, _dir) = fake_app(
        "cli",
        vec![
            Box::new(|req| {
                assert_eq!(req.pane, "a");
                assert_eq!(req.token, "tok");
                assert_eq!(
                    req.op,
                    Op::Pass {
                        to: None,
                        note: "done".into()
                    }
                );
                Response::ok("baton passed to b")
            }),
            Box::new(|_| Response::error(ErrorCode::NotHolder, "b holds the baton")),
            Box::new(|req| {
                assert_eq!(req.op, Op::Status {});
                Response::ok_with_status("ok", json!({"holder":"a","turn":2}))
            }),
        ],
    );
    let env = env(path);
    let pass = || {
        call(
            &env,
            Op::Pass {
                to: None,
                note: "done".into(),
            },
        )
    };
    let ok = pass();
    assert_eq!(exit_code(&ok), 0);
    assert_eq!(outcome_text(&ok), "baton passed to b");
    let refused = pass();
    assert_eq!(exit_code(&refused), 3);
    assert_eq!(outcome_text(&refused), "b holds the baton");
    let status = call(&env, Op::Status {}).unwrap();
    assert!(matches!(
        status,
        Response::Done {
            status: Some(_),
            ..
        }
    ));
    thread.join().unwrap();
}

#[test]
fn unreachable_socket_and_huge_note_are_usage_errors() {
    let dir = server::tests::TempDir::new("none");
    let env = env(dir.0.join("missing.sock"));
    let result = call(&env, Op::Status {});
    assert!(
        matches!(result, Err(ClientError::Unreachable { .. })),
        "{result:?}"
    );
    assert_eq!(exit_code(&result), 2);
    assert!(outcome_text(&result).contains("missing.sock"));

    let note = "x".repeat(MAX_REQUEST_LINE);
    let result = call(&env, Op::Pass { to: None, note });
    assert!(
        matches!(result, Err(ClientError::TooLarge { .. })),
        "{result:?}"
    );
    assert_eq!(exit_code(&result), 2);
}

#[test]
fn bad_request_from_server_is_exit_2() {
    let result: Result<Response, ClientError> =
        Ok(Response::error(ErrorCode::BadRequest, "malformed"));
    assert_eq!(exit_code(&result), 2);
    let result: Result<Response, ClientError> = Ok(Response::error(ErrorCode::Refused, ""));
    assert_eq!(exit_code(&result), 3);
    assert_eq!(outcome_text(&result), "refused");
}

#[test]
fn status_summary_is_short_and_marks_holder_and_self() {
    let info = StatusInfo {
        holder: Some("b".into()),
        turn: 4,
        paused: false,
        panes: vec![
            PaneInfo {
                id: "a".into(),
                title: "claude".into(),
                running: true,
            },
            PaneInfo {
                id: "b".into(),
                title: "codex".into(),
                running: true,
            },
            PaneInfo {
                id: "c".into(),
                title: String::new(),
                running: false,
            },
        ],
    };
    let value = serde_json::to_value(&info).unwrap();
    assert_eq!(
        status_summary(&value, Some("a")),
        "baton: b (turn 4)\npanes: a claude (you), b codex (holder), c (exited)"
    );
    let parked = json!({"holder": null, "turn": 7, "paused": true});
    assert_eq!(
        status_summary(&parked, None),
        "baton: parked (turn 7, paused)\npanes: none"
    );
    assert_eq!(status_summary(&json!([1]), None), "[1]");
}

#[test]
fn read_note_sources() {
    let dir = server::tests::TempDir::new("note");
    let file = dir.0.join("note.md");
    fs::write(&file, "line one\nline two\n\n").unwrap();

    assert_eq!(read_note(Some("hi\n".into()), None, false).unwrap(), "hi\n");
    assert_eq!(read_note(Some("-".into()), None, false).unwrap(), "-");
    assert_eq!(read_note(None, None, false).unwrap(), "");
    assert_eq!(
        read_note(None, Some(file.clone()), false).unwrap(),
        "line one\nline two"
    );
    let both = read_note(Some("x".into()), Some(file.clone()), false).unwrap_err();
    assert_eq!(both.kind(), io::ErrorKind::InvalidInput);
    assert!(read_note(Some("-".into()), Some(file), true).is_err());
    let missing = read_note(None, Some(dir.0.join("nope")), false).unwrap_err();
    assert!(missing.to_string().contains("nope"), "{missing}");
}
