//! The CLI side: `rallish-tui pass`, `status` and `scratch`, run by an agent inside its
//! pane. Blocking std I/O; the functions print their outcome and return the exit code:
//! 0 done, 3 refused by the app, 2 a usage problem (not in a pane, socket unreachable,
//! bad or oversized request).

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::protocol::{
    ENV_PANE, ENV_SOCKET, ENV_TOKEN, MAX_REQUEST_LINE, Op, READ_TIMEOUT, REPLY_TIMEOUT, Request,
    Response, StatusInfo,
};

/// Longer than the server's own waits, so its `refused` answer arrives first.
const CLIENT_TIMEOUT: Duration = READ_TIMEOUT
    .saturating_add(REPLY_TIMEOUT)
    .saturating_add(Duration::from_secs(5));
/// Largest response accepted; status objects are small.
const MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// Everything short of an answer from the app. All map to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("not inside a rallish-tui pane ({0} is not set)")]
    NotInPane(&'static str),
    #[error("{0} is not valid UTF-8")]
    BadEnv(&'static str),
    #[error("cannot reach rallish-tui at {}: {source}", path.display())]
    Unreachable { path: PathBuf, source: io::Error },
    #[error("the request is {bytes} bytes; the limit is {MAX_REQUEST_LINE}")]
    TooLarge { bytes: usize },
    #[error("talking to rallish-tui at {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("rallish-tui at {} gave no usable answer: {why}", path.display())]
    BadResponse { path: PathBuf, why: String },
}

/// What the app put in a child's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEnv {
    pub socket: PathBuf,
    pub pane: String,
    pub token: String,
}

impl ClientEnv {
    /// Reads `RALLISH_SOCKET`, `RALLISH_PANE` and `RALLISH_TOKEN`; empty counts as unset.
    pub fn from_env() -> Result<ClientEnv, ClientError> {
        let var = |name: &'static str| match std::env::var_os(name) {
            None => Err(ClientError::NotInPane(name)),
            Some(v) if v.is_empty() => Err(ClientError::NotInPane(name)),
            Some(v) => v.into_string().map_err(|_| ClientError::BadEnv(name)),
        };
        let socket = match std::env::var_os(ENV_SOCKET) {
            Some(s) if !s.is_empty() => PathBuf::from(s),
            _ => return Err(ClientError::NotInPane(ENV_SOCKET)),
        };
        Ok(ClientEnv {
            socket,
            pane: var(ENV_PANE)?,
            token: var(ENV_TOKEN)?,
        })
    }
}

/// Sends `op` as this pane and waits for the answer.
pub fn call(env: &ClientEnv, op: Op) -> Result<Response, ClientError> {
    send(&env.socket, &Request::new(&env.pane, &env.token, op))
}

/// One exchange over a fresh connection to `socket`.
pub fn send(socket: &Path, request: &Request) -> Result<Response, ClientError> {
    let mut line = serde_json::to_vec(request).map_err(|e| ClientError::BadResponse {
        path: socket.to_path_buf(),
        why: format!("cannot encode the request: {e}"),
    })?;
    if line.len() > MAX_REQUEST_LINE {
        return Err(ClientError::TooLarge { bytes: line.len() });
    }
    line.push(b'\n');
    let io_err = |source| ClientError::Io {
        path: socket.to_path_buf(),
        source,
    };
    let mut stream = UnixStream::connect(socket).map_err(|source| ClientError::Unreachable {
        path: socket.to_path_buf(),
        source,
    })?;
    stream
        .set_read_timeout(Some(CLIENT_TIMEOUT))
        .map_err(io_err)?;
    stream
        .set_write_timeout(Some(CLIENT_TIMEOUT))
        .map_err(io_err)?;
    // If the write fails the server may still have answered (e.g. too_large), so read anyway.
    let written = stream.write_all(&line);
    let mut answer = String::new();
    let read = BufReader::new((&stream).take(MAX_RESPONSE)).read_line(&mut answer);
    match (read, written) {
        (Ok(_), _) if !answer.is_empty() => {
            serde_json::from_str(&answer).map_err(|e| ClientError::BadResponse {
                path: socket.to_path_buf(),
                why: e.to_string(),
            })
        }
        (_, Err(e)) | (Err(e), Ok(())) => Err(io_err(e)),
        (Ok(_), Ok(())) => Err(ClientError::BadResponse {
            path: socket.to_path_buf(),
            why: "the connection closed without an answer".into(),
        }),
    }
}

/// 0 done, 3 refused by the app, 2 anything else.
pub fn exit_code(result: &Result<Response, ClientError>) -> i32 {
    match result {
        Ok(Response::Done { .. }) => 0,
        Ok(Response::Failed { code, .. }) => code.exit_code(),
        Err(_) => 2,
    }
}

/// The one line to show for an outcome: the app's message, or what went wrong.
pub fn outcome_text(result: &Result<Response, ClientError>) -> String {
    match result {
        Ok(Response::Done { message, .. }) => message.clone(),
        Ok(Response::Failed { error, code }) if error.is_empty() => code.to_string(),
        Ok(Response::Failed { error, .. }) => error.clone(),
        Err(e) => e.to_string(),
    }
}

/// `rallish-tui pass [--to PANE] --note ...`: hands the baton on from this pane. Inside a
/// sandbox that forbids sockets (codex's), the pass waits in the spool for the agent's
/// end-of-turn hook instead (see [`super::spool`]).
pub fn pass(to: Option<String>, note: String) -> i32 {
    let env = match ClientEnv::from_env() {
        Ok(env) => env,
        Err(e) => {
            eprintln!("rallish-tui: {e}");
            return 2;
        }
    };
    let result = call(
        &env,
        Op::Pass {
            to: to.clone(),
            note: note.clone(),
        },
    );
    if let Err(ClientError::Unreachable { source, .. }) = &result
        && source.kind() == io::ErrorKind::PermissionDenied
        && let Some(spool) = std::env::var_os(super::spool::ENV_SPOOL).filter(|s| !s.is_empty())
    {
        return match super::spool::put_pass(Path::new(&spool), &env.pane, &env.token, to, note) {
            Ok(_) => {
                println!(
                    "the sandbox keeps this command from reaching rallish-tui, so the pass is \
                     queued: the baton moves when this turn ends. Finish your turn now."
                );
                0
            }
            Err(e) => {
                eprintln!(
                    "rallish-tui: {}; queueing the pass failed too: {e}",
                    outcome_text(&result)
                );
                2
            }
        };
    }
    if result.as_ref().is_ok_and(Response::is_ok) {
        let text = outcome_text(&result);
        println!(
            "{}",
            if text.is_empty() {
                "baton passed"
            } else {
                &text
            }
        );
    } else {
        eprintln!("rallish-tui: {}", outcome_text(&result));
    }
    exit_code(&result)
}

/// `rallish-tui scratch read`: prints the scratchpad exactly as it is.
pub fn scratch_read() -> i32 {
    let result = ClientEnv::from_env().and_then(|env| call(&env, Op::ScratchRead {}));
    match &result {
        Ok(Response::Done { message, .. }) => {
            let mut out = io::stdout().lock();
            let _ = out.write_all(message.as_bytes());
            let _ = out.flush();
        }
        _ => eprintln!("rallish-tui: {}", outcome_text(&result)),
    }
    exit_code(&result)
}

/// `rallish-tui scratch append|write`: sends the change and prints the app's answer.
pub fn scratch_change(op: Op) -> i32 {
    let result = ClientEnv::from_env().and_then(|env| call(&env, op));
    if result.as_ref().is_ok_and(Response::is_ok) {
        println!("{}", outcome_text(&result));
    } else {
        eprintln!("rallish-tui: {}", outcome_text(&result));
    }
    exit_code(&result)
}

/// `rallish-tui status [--json]`: who holds the baton. `--json` prints the status object
/// on one line (`null` if the app sent none).
pub fn status(json: bool) -> i32 {
    let env = match ClientEnv::from_env() {
        Ok(env) => env,
        Err(e) => {
            eprintln!("rallish-tui: {e}");
            return 2;
        }
    };
    let result = call(&env, Op::Status {});
    match &result {
        Ok(Response::Done { status, message }) => match (json, status) {
            (true, status) => println!("{}", status.as_ref().unwrap_or(&Value::Null)),
            (false, Some(status)) => println!("{}", status_summary(status, Some(&env.pane))),
            (false, None) => println!("{message}"),
        },
        _ => eprintln!("rallish-tui: {}", outcome_text(&result)),
    }
    exit_code(&result)
}

/// A short human summary of a status object; `me` is this pane's id. Falls back to the
/// raw JSON when the object does not look like a [`StatusInfo`].
pub fn status_summary(status: &Value, me: Option<&str>) -> String {
    let Ok(info) = StatusInfo::deserialize(status) else {
        return status.to_string();
    };
    let holder = info.holder.as_deref().unwrap_or("parked");
    let mut baton = format!("baton: {holder} (turn {}", info.turn);
    if info.paused {
        baton.push_str(", paused");
    }
    baton.push(')');
    let panes: Vec<String> = info
        .panes
        .iter()
        .map(|p| {
            let mut tags = Vec::new();
            if info.holder.as_deref() == Some(p.id.as_str()) {
                tags.push("holder");
            }
            if me == Some(p.id.as_str()) {
                tags.push("you");
            }
            if !p.running {
                tags.push("exited");
            }
            let mut s = p.id.clone();
            if !p.title.is_empty() {
                s = format!("{s} {}", p.title);
            }
            if !tags.is_empty() {
                s = format!("{s} ({})", tags.join(", "));
            }
            s
        })
        .collect();
    let panes = if panes.is_empty() {
        "none".to_string()
    } else {
        panes.join(", ")
    };
    format!("{baton}\npanes: {panes}")
}

/// The note for `--note TEXT | --note-file F | --note -`. `stdin_dash` says the note was
/// given as `-`: read standard input (so does `--note-file -`). Giving more than one source
/// is an error; none gives an empty note. Trailing line breaks of stdin/file are dropped.
pub fn read_note(
    note: Option<String>,
    note_file: Option<PathBuf>,
    stdin_dash: bool,
) -> io::Result<String> {
    let text = note.filter(|n| !(stdin_dash && n == "-"));
    let from_stdin = stdin_dash || note_file.as_deref() == Some(Path::new("-"));
    let file = note_file.filter(|f| f != Path::new("-"));
    let sources =
        usize::from(text.is_some()) + usize::from(file.is_some()) + usize::from(from_stdin);
    if sources > 1 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "give the note one way: --note TEXT, --note-file FILE or --note -",
        ));
    }
    let raw = if let Some(text) = text {
        return Ok(text);
    } else if let Some(file) = file {
        fs::read_to_string(&file)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.display())))?
    } else if from_stdin {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| io::Error::new(e.kind(), format!("reading the note from stdin: {e}")))?;
        s
    } else {
        String::new()
    };
    Ok(raw.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests;
