//! The control protocol: how `rallish-tui pass` and friends, run inside a pane, talk to
//! the running app.
//!
//! # Transport
//!
//! A Unix stream socket, private to the user: it lives in a 0700 directory
//! (`$XDG_RUNTIME_DIR/rallish-tui`, else `/tmp/rallish-tui-<uid>`) and is itself 0600.
//! Each pane's child process finds it through three environment variables set by the app:
//! `RALLISH_SOCKET` (socket path), `RALLISH_PANE` (the pane's id) and `RALLISH_TOKEN`
//! (a per-pane secret, 32 hex digits).
//!
//! One connection carries exactly one exchange: the client writes one request line, the
//! server writes one response line and closes. Lines are UTF-8 JSON objects ended by `\n`.
//!
//! # Requests
//!
//! ```json
//! {"v":1,"op":"pass","pane":"a","token":"<hex>","to":"b","note":"tests pass, over to you"}
//! {"v":1,"op":"status","pane":"a","token":"<hex>"}
//! {"v":1,"op":"scratch_read","pane":"a","token":"<hex>"}
//! {"v":1,"op":"scratch_append","pane":"a","token":"<hex>","text":"tests pass on linux"}
//! {"v":1,"op":"scratch_write","pane":"a","token":"<hex>","text":"# plan\n- ...\n"}
//! {"v":1,"op":"hook","pane":"a","token":"<hex>","event":"prompt_submitted"}
//! {"v":1,"op":"hook","pane":"a","token":"<hex>","event":"turn_ended","message":"done: see src/a.rs"}
//! ```
//!
//! - `v`: protocol version, always `1`.
//! - `op`: what to do. `pass` hands the baton on: `to` names the receiving pane
//!   (`null` or absent: the next one in order) and `note` is the handoff note (may be
//!   empty). `status` asks who holds the baton.
//! - `scratch_read` answers with the scratchpad's text as `message`. `scratch_append`
//!   adds `text` as an entry tagged `[HH:MM:SS pane]`; any pane may append.
//!   `scratch_write` replaces the whole text and is for the baton holder only
//!   (`not_holder` otherwise); what the person typed and has not saved yet is merged in.
//! - `hook` is sent by an agent CLI's own hook (`rallish-tui hook`): `event` is
//!   `prompt_submitted` (the agent took a prompt: the note that went in arrived),
//!   `turn_ended`, `needs_permission` (it shows a permission prompt) or
//!   `waiting_for_input`; an optional `message` carries the agent's last message
//!   (`turn_ended`) or what it asks (`needs_permission`), and `input` what the turn
//!   answered, when the agent says.
//! - `pane`, `token`: who is asking; the token must be the one the app gave that pane.
//!
//! Unknown fields, unknown ops and a wrong `v` are rejected with `bad_request`.
//!
//! # Responses
//!
//! ```json
//! {"ok":true,"message":"baton passed to b","status":{"holder":"b","turn":4,"paused":false,"panes":[...]}}
//! {"ok":false,"code":"not_holder","error":"pane a does not hold the baton (b does)"}
//! ```
//!
//! `status` is present for the `status` op (see [`StatusInfo`]) and may be present for
//! others. `code` is one of:
//!
//! | code | meaning | `rallish-tui` CLI exit code |
//! | --- | --- | --- |
//! | `not_holder` | only the pane holding the baton may pass it | 3 |
//! | `bad_token` | the token does not match the pane | 3 |
//! | `unknown_pane` | no such pane (as sender or as `to`) | 3 |
//! | `refused` | the app declined (paused, shutting down, did not answer in time) | 3 |
//! | `bad_request` | malformed JSON, unknown op or field, wrong version, server busy | 2 |
//! | `too_large` | the request line is over [`MAX_REQUEST_LINE`] bytes | 2 |
//!
//! # Limits
//!
//! A request line is at most 1 MiB (without its `\n`); a longer one is answered with
//! `too_large` and the connection closed. The server waits at most 5 s for the request
//! line, handles at most 64 connections at once (more are answered `bad_request`,
//! "busy") and never forwards a request it could not parse.

use std::fmt;
use std::time::Duration;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// Longest accepted request line in bytes, not counting the `\n`.
pub const MAX_REQUEST_LINE: usize = 1024 * 1024;
/// How long the server waits for the request line.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the server waits for the app to answer a forwarded request.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections handled at the same time; more are turned away.
pub const MAX_CONNECTIONS: usize = 64;

/// Environment variable holding the control socket path.
pub const ENV_SOCKET: &str = "RALLISH_SOCKET";
/// Environment variable holding the pane id of the child.
pub const ENV_PANE: &str = "RALLISH_PANE";
/// Environment variable holding the pane's secret token.
pub const ENV_TOKEN: &str = "RALLISH_TOKEN";

/// One parsed request. `Debug` hides the token and note contents.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub v: u32,
    pub pane: String,
    pub token: String,
    pub op: Op,
}

/// What a request asks for; the wire form is the `op` field plus the variant's fields.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Hand the baton to `to` (`None`: the next pane in order) with a note.
    Pass {
        #[serde(default)]
        to: Option<String>,
        #[serde(default)]
        note: String,
    },
    /// Report who holds the baton; answered with a [`StatusInfo`] in `status`.
    Status {},
    /// The scratchpad's whole text, as the response's `message`.
    ScratchRead {},
    /// Add `text` to the scratchpad as an entry tagged with the pane and the time. Any
    /// pane may append.
    ScratchAppend { text: String },
    /// Replace the scratchpad with `text`; only the baton holder may. Typing the person
    /// has not saved yet is merged in, not overwritten.
    ScratchWrite { text: String },
    /// An agent CLI's own hook telling what it just did (`rallish-tui hook`, wired in by
    /// the built-in agent entries); see [`HookEvent`]. `message` is the agent's last
    /// message for `turn_ended`, what it asks for with `needs_permission`.
    Hook {
        event: HookEvent,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// What the turn answered, when the agent says (codex does): its last input
        /// message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<String>,
    },
}

/// What an agent's hook reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookEvent {
    /// It took a prompt, so a note that went in was received.
    PromptSubmitted,
    /// It finished answering.
    TurnEnded,
    /// It shows a permission prompt and waits for the person.
    NeedsPermission,
    /// It has waited for input for a while.
    WaitingForInput,
}

impl Op {
    /// The wire name of the op, for logs and messages.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Pass { .. } => "pass",
            Op::Status {} => "status",
            Op::ScratchRead {} => "scratch_read",
            Op::ScratchAppend { .. } => "scratch_append",
            Op::ScratchWrite { .. } => "scratch_write",
            Op::Hook { .. } => "hook",
        }
    }
}

impl Request {
    /// A version-1 request from `pane`.
    pub fn new(pane: impl Into<String>, token: impl Into<String>, op: Op) -> Request {
        Request {
            v: VERSION,
            pane: pane.into(),
            token: token.into(),
            op,
        }
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Pass { to, note } => f
                .debug_struct("Pass")
                .field("to", to)
                .field("note_bytes", &note.len())
                .finish(),
            Op::Status {} => f.write_str("Status"),
            Op::ScratchRead {} => f.write_str("ScratchRead"),
            Op::ScratchAppend { text } => f
                .debug_struct("ScratchAppend")
                .field("text_bytes", &text.len())
                .finish(),
            Op::ScratchWrite { text } => f
                .debug_struct("ScratchWrite")
                .field("text_bytes", &text.len())
                .finish(),
            Op::Hook {
                event,
                message,
                input,
            } => f
                .debug_struct("Hook")
                .field("event", event)
                .field("message_bytes", &message.as_ref().map(String::len))
                .field("input_bytes", &input.as_ref().map(String::len))
                .finish(),
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("v", &self.v)
            .field("pane", &self.pane)
            .field("op", &self.op)
            .finish_non_exhaustive()
    }
}

impl Serialize for Request {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            v: u32,
            #[serde(flatten)]
            op: &'a Op,
            pane: &'a str,
            token: &'a str,
        }
        Wire {
            v: self.v,
            op: &self.op,
            pane: &self.pane,
            token: &self.token,
        }
        .serialize(s)
    }
}

// serde cannot combine `flatten` with `deny_unknown_fields`, so the common fields are
// taken out of the object first and the rest must match one `Op` variant exactly.
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Header {
            v: u32,
            pane: String,
            token: String,
        }
        let mut rest = serde_json::Map::<String, Value>::deserialize(d)?;
        let mut header = serde_json::Map::new();
        for key in ["v", "pane", "token"] {
            if let Some(value) = rest.remove(key) {
                header.insert(key.to_string(), value);
            }
        }
        let header = Header::deserialize(Value::Object(header)).map_err(D::Error::custom)?;
        let op = Op::deserialize(Value::Object(rest)).map_err(D::Error::custom)?;
        Ok(Request {
            v: header.v,
            pane: header.pane,
            token: header.token,
            op,
        })
    }
}

/// Why a request failed; the `code` field of an error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Only the pane holding the baton may do this.
    NotHolder,
    /// The token does not belong to the pane.
    BadToken,
    /// No such pane.
    UnknownPane,
    /// The app declined for another reason.
    Refused,
    /// The request could not be understood (or the server was busy).
    BadRequest,
    /// The request line was over the size limit.
    TooLarge,
}

impl ErrorCode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotHolder => "not_holder",
            ErrorCode::BadToken => "bad_token",
            ErrorCode::UnknownPane => "unknown_pane",
            ErrorCode::Refused => "refused",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::TooLarge => "too_large",
        }
    }

    /// Exit code of the CLI: 3 when the app refused, 2 when the request itself was wrong.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::NotHolder
            | ErrorCode::BadToken
            | ErrorCode::UnknownPane
            | ErrorCode::Refused => 3,
            ErrorCode::BadRequest | ErrorCode::TooLarge => 2,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "WireResponse", try_from = "WireResponse")]
pub enum Response {
    /// `{"ok":true,...}`
    Done {
        message: String,
        status: Option<Value>,
    },
    /// `{"ok":false,...}`
    Failed { code: ErrorCode, error: String },
}

impl Response {
    /// Success with a message for the person reading the CLI output.
    pub fn ok(message: impl Into<String>) -> Response {
        Response::Done {
            message: message.into(),
            status: None,
        }
    }

    /// Success carrying a status object (usually a serialized [`StatusInfo`]).
    pub fn ok_with_status(message: impl Into<String>, status: Value) -> Response {
        Response::Done {
            message: message.into(),
            status: Some(status),
        }
    }

    /// Failure with a code and human text.
    pub fn error(code: ErrorCode, error: impl Into<String>) -> Response {
        Response::Failed {
            code,
            error: error.into(),
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Response::Done { .. })
    }

    /// The response as one line, `\n` included.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"ok":false,"code":"refused","error":"could not encode the response"}"#.into()
        });
        line.push('\n');
        line
    }
}

#[derive(Serialize, Deserialize)]
struct WireResponse {
    ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl From<Response> for WireResponse {
    fn from(r: Response) -> WireResponse {
        match r {
            Response::Done { message, status } => WireResponse {
                ok: true,
                message: Some(message),
                status,
                code: None,
                error: None,
            },
            Response::Failed { code, error } => WireResponse {
                ok: false,
                message: None,
                status: None,
                code: Some(code),
                error: Some(error),
            },
        }
    }
}

impl TryFrom<WireResponse> for Response {
    type Error = String;

    fn try_from(w: WireResponse) -> Result<Response, String> {
        if w.ok {
            Ok(Response::Done {
                message: w.message.unwrap_or_default(),
                status: w.status,
            })
        } else {
            Ok(Response::Failed {
                code: w.code.ok_or("error response without `code`")?,
                error: w.error.unwrap_or_default(),
            })
        }
    }
}

/// The status object the app returns for `status`. Readers are lenient: every field has
/// a default and unknown fields are ignored, so the app may add more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusInfo {
    /// Pane id holding the baton; `None` while it is parked (paused, or nobody yet).
    pub holder: Option<String>,
    /// Number of handoffs so far (1 for the first turn).
    pub turn: u64,
    pub paused: bool,
    pub panes: Vec<PaneInfo>,
}

/// One pane as seen in [`StatusInfo`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaneInfo {
    pub id: String,
    /// What runs there, e.g. `claude` or `codex`.
    pub title: String,
    /// False once the child has exited.
    pub running: bool,
}

/// Parses one request line (without its `\n`). The `Err` is the response to send back.
pub fn parse_request(line: &[u8]) -> Result<Request, Response> {
    let request: Request = serde_json::from_slice(line)
        .map_err(|e| Response::error(ErrorCode::BadRequest, format!("malformed request: {e}")))?;
    if request.v != VERSION {
        return Err(Response::error(
            ErrorCode::BadRequest,
            format!(
                "unsupported protocol version {} (this rallish-tui speaks {VERSION})",
                request.v
            ),
        ));
    }
    Ok(request)
}

#[cfg(test)]
mod tests;
