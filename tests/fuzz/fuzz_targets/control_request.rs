//! The control socket's request line: any bytes a process in a pane can send. The server
//! parses every line it reads with `parse_request`, so it must never panic, and what it
//! answers must stay one line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rallish_tui::control::protocol::{ErrorCode, Op, Response, VERSION, parse_request};

fuzz_target!(|line: &[u8]| {
    match parse_request(line) {
        Ok(request) => {
            assert_eq!(request.v, VERSION);
            // Decoded JSON strings are never longer than their escaped form, so nothing
            // the app is handed outgrows the line the server capped.
            let text = match &request.op {
                Op::Pass { to, note } => to.as_ref().map_or(0, String::len) + note.len(),
                Op::Status {} | Op::ScratchRead {} => 0,
                Op::Hook { message, input, .. } => {
                    message.as_ref().map_or(0, String::len) + input.as_ref().map_or(0, String::len)
                }
                Op::ScratchAppend { text } | Op::ScratchWrite { text } => text.len(),
            };
            assert!(request.pane.len() + request.token.len() + text <= line.len());
            // What `rallish-tui pass` would write for this request is one line that
            // parses back to the same request.
            let wire = serde_json::to_string(&request).expect("a parsed request serialises");
            assert!(!wire.contains('\n'), "{wire}");
            assert_eq!(parse_request(wire.as_bytes()), Ok(request));
        }
        Err(refusal) => {
            // Every parse failure is the client's fault: bad_request, CLI exit code 2.
            let Response::Failed { code, error } = &refusal else {
                panic!("a refused request answered ok: {refusal:?}");
            };
            assert_eq!(*code, ErrorCode::BadRequest);
            // serde quotes bits of the line in its message (an unknown op, a bad string),
            // escaped; the answer may grow with the line but only by a small factor.
            assert!(
                error.len() <= 8 * line.len() + 1024,
                "{} bytes",
                error.len()
            );
            // The client reads exactly one line back, and must understand it.
            let sent = refusal.to_line();
            let body = sent.strip_suffix('\n').expect("to_line ends the line");
            assert!(!body.contains('\n'), "{sent:?}");
            let read: Response = serde_json::from_str(body).expect("the client parses it");
            assert_eq!(read, refusal);
        }
    }
});
