//! Wire-format tests for `protocol.rs`.

use super::*;
use serde_json::json;

fn bad_request(line: &str) -> String {
    match parse_request(line.as_bytes()) {
        Err(Response::Failed {
            code: ErrorCode::BadRequest,
            error,
        }) => error,
        other => panic!("{line}: expected bad_request, got {other:?}"),
    }
}

#[test]
fn parses_the_documented_requests() {
    let pass =
        parse_request(br#"{"v":1,"op":"pass","pane":"a","token":"00ff","to":"b","note":"hi"}"#);
    assert_eq!(
        pass,
        Ok(Request::new(
            "a",
            "00ff",
            Op::Pass {
                to: Some("b".into()),
                note: "hi".into()
            }
        ))
    );
    let next = parse_request(br#"{"v":1,"op":"pass","pane":"a","token":"t","to":null,"note":""}"#);
    assert!(matches!(
        next,
        Ok(Request {
            op: Op::Pass { to: None, .. },
            ..
        })
    ));
    let status = parse_request(br#"{"v":1,"op":"status","pane":"a","token":"t"}"#);
    assert_eq!(status, Ok(Request::new("a", "t", Op::Status {})));
}

#[test]
fn request_round_trips_and_starts_with_version_and_op() {
    let req = Request::new(
        "a",
        "t",
        Op::Pass {
            to: None,
            note: "line 1\nline \"2\"".into(),
        },
    );
    let line = serde_json::to_string(&req).unwrap();
    assert!(line.starts_with(r#"{"v":1,"op":"pass","#), "{line}");
    assert_eq!(parse_request(line.as_bytes()), Ok(req));
    let status = serde_json::to_string(&Request::new("a", "t", Op::Status {})).unwrap();
    assert_eq!(status, r#"{"v":1,"op":"status","pane":"a","token":"t"}"#);
}

#[test]
fn rejects_unknown_fields_ops_and_versions() {
    assert!(bad_request(r#"{"v":1,"op":"pass","pane":"a","token":"t","x":1}"#).contains('x'));
    assert!(bad_request(r#"{"v":1,"op":"status","pane":"a","token":"t","to":"b"}"#).contains("to"));
    assert!(bad_request(r#"{"v":1,"op":"fly","pane":"a","token":"t"}"#).contains("fly"));
    assert!(bad_request(r#"{"v":2,"op":"status","pane":"a","token":"t"}"#).contains("version 2"));
    assert!(bad_request(r#"{"op":"status","pane":"a","token":"t"}"#).contains("`v`"));
    assert!(bad_request(r#"{"v":1,"pane":"a","token":"t"}"#).contains("op"));
    bad_request("not json");
    bad_request("[1,2]");
    bad_request("");
}

#[test]
fn debug_hides_token_and_note() {
    let req = Request::new(
        "a",
        "secret-token",
        Op::Pass {
            to: None,
            note: "private note".into(),
        },
    );
    let shown = format!("{req:?}");
    assert!(
        !shown.contains("secret-token") && !shown.contains("private note"),
        "{shown}"
    );
    assert!(shown.contains("note_bytes: 12"), "{shown}");
}

#[test]
fn response_wire_forms() {
    let ok = Response::ok_with_status("done", json!({"holder":"b"}));
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        json!({"ok":true,"message":"done","status":{"holder":"b"}})
    );
    assert_eq!(
        Response::ok("x").to_line(),
        "{\"ok\":true,\"message\":\"x\"}\n"
    );
    let err = Response::error(ErrorCode::NotHolder, "not yours");
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({"ok":false,"code":"not_holder","error":"not yours"})
    );
    for r in [ok, err] {
        let back: Response = serde_json::from_str(&r.to_line()).unwrap();
        assert_eq!(back, r);
    }
    assert!(serde_json::from_str::<Response>(r#"{"ok":false}"#).is_err());
}

#[test]
fn exit_codes_split_refusals_from_usage_errors() {
    use ErrorCode::*;
    for code in [NotHolder, BadToken, UnknownPane, Refused] {
        assert_eq!(code.exit_code(), 3, "{code}");
    }
    for code in [BadRequest, TooLarge] {
        assert_eq!(code.exit_code(), 2, "{code}");
    }
    assert_eq!(
        serde_json::to_string(&UnknownPane).unwrap(),
        "\"unknown_pane\""
    );
}

#[test]
fn status_info_is_lenient() {
    let s: StatusInfo =
        serde_json::from_value(json!({"holder":"a","panes":[{"id":"a"}],"extra":1})).unwrap();
    assert_eq!(s.holder.as_deref(), Some("a"));
    assert_eq!(s.turn, 0);
    assert_eq!(s.panes[0].id, "a");
}

#[test]
fn scratch_ops_parse_and_hide_their_text() {
    let read = parse_request(br#"{"v":1,"op":"scratch_read","pane":"a","token":"t"}"#);
    assert_eq!(read, Ok(Request::new("a", "t", Op::ScratchRead {})));
    let append =
        parse_request(br#"{"v":1,"op":"scratch_append","pane":"a","token":"t","text":"x\ny"}"#);
    assert_eq!(
        append,
        Ok(Request::new(
            "a",
            "t",
            Op::ScratchAppend {
                text: "x\ny".into()
            }
        ))
    );
    let write = Request::new(
        "b",
        "t",
        Op::ScratchWrite {
            text: "secret plan".into(),
        },
    );
    let line = serde_json::to_string(&write).unwrap();
    assert!(
        line.starts_with(r#"{"v":1,"op":"scratch_write","#),
        "{line}"
    );
    assert_eq!(parse_request(line.as_bytes()), Ok(write.clone()));
    assert!(!format!("{write:?}").contains("secret"));
    assert!(
        bad_request(r#"{"v":1,"op":"scratch_append","pane":"a","token":"t"}"#).contains("text")
    );
}
