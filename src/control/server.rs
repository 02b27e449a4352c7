//! The app side of the control socket: a private directory, a 0600 socket, and an accept
//! loop that turns each connection into one [`ControlRequest`] for the app.
//!
//! The server never decides anything: it bounds and parses input, answers malformed or
//! oversized requests itself, and forwards the rest. The app (which owns the pane table
//! and the baton) checks tokens with [`super::authenticate`] and replies.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::timeout;
use tracing::{debug, warn};

use super::protocol::{self, ErrorCode, Request, Response};

/// One request for the app; send exactly one [`Response`] on `reply`.
/// Dropping `reply` makes the client see `refused`.
#[derive(Debug)]
pub struct ControlRequest {
    pub request: Request,
    /// The connecting process (`SO_PEERCRED`), so the app can check it runs inside the
    /// pane it claims to be: a token read from another child's environment is not enough.
    pub peer_pid: Option<i32>,
    pub reply: oneshot::Sender<Response>,
}

/// Bounds applied by [`serve_with`]; [`serve`] uses the protocol's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest request line, `\n` not counted.
    pub max_line: usize,
    /// Wait for the request line (and for writing the response).
    pub read_timeout: Duration,
    /// Wait for the app's reply.
    pub reply_timeout: Duration,
    /// Connections handled at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_line: protocol::MAX_REQUEST_LINE,
            read_timeout: protocol::READ_TIMEOUT,
            reply_timeout: protocol::REPLY_TIMEOUT,
            max_connections: protocol::MAX_CONNECTIONS,
        }
    }
}

fn euid() -> u32 {
    crate::sys::euid()
}

/// Makes `dir` a directory only we can use: creates it 0700, tightens the mode of an
/// existing one we own, and refuses a symlink, a non-directory or someone else's directory.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let at = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", dir.display()));
    match fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(at(e)),
    }
    let meta = fs::symlink_metadata(dir).map_err(at)?;
    if !meta.file_type().is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a directory", dir.display()),
        ));
    }
    if meta.uid() != euid() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} belongs to uid {}, not to us (uid {}); refusing to use it",
                dir.display(),
                meta.uid(),
                euid()
            ),
        ));
    }
    if meta.mode() & 0o777 != 0o700 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(at)?;
    }
    Ok(())
}

/// Binds `dir/name` as a 0600 socket inside the private directory `dir` (see
/// [`ensure_private_dir`]). A stale socket file of that name is removed; a live one (some
/// other instance answers) or a non-socket file is an error. Call inside a tokio runtime.
pub fn bind(dir: &Path, name: &str) -> io::Result<(PathBuf, UnixListener)> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad socket name {name:?}"),
        ));
    }
    let path = dir.join(name);
    if !super::socket_dir::fits(&path, 0) {
        // bind(2) would fail with a bare EINVAL, or on some systems cut the path short.
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{}: too long for a Unix socket path; set XDG_RUNTIME_DIR to a shorter directory",
                path.display()
            ),
        ));
    }
    ensure_private_dir(dir)?;
    let at = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    remove_stale(&path).map_err(at)?;
    let listener = UnixListener::bind(&path).map_err(at)?;
    // The directory is already 0700, so the moment between bind and chmod exposes nothing;
    // chmod instead of umask because umask is process-wide and other threads create files.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).map_err(at)?;
    Ok((path, listener))
}

fn remove_stale(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "exists and is not a socket; not removing it",
        ));
    }
    if std::os::unix::net::UnixStream::connect(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            "another rallish-tui is listening there",
        ));
    }
    fs::remove_file(path)
}

/// Accepts connections until the app drops its receiver. Each connection runs in its own
/// task: one bounded line in, one response line out.
pub async fn serve(listener: UnixListener, to_app: mpsc::Sender<ControlRequest>) {
    serve_with(listener, to_app, Limits::default()).await;
}

/// [`serve`] with explicit bounds.
pub async fn serve_with(
    listener: UnixListener,
    to_app: mpsc::Sender<ControlRequest>,
    limits: Limits,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let accepted = tokio::select! {
            () = to_app.closed() => {
                debug!("control: app gone, no longer accepting");
                return;
            }
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Typically EMFILE; back off instead of spinning.
                warn!("control: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            debug!("control: too many connections, turning one away");
            let busy = Response::error(ErrorCode::BadRequest, "rallish-tui is busy, try again");
            // A fresh socket's send buffer is empty, so this does not block or come short.
            let _ = stream.try_write(busy.to_line().as_bytes());
            continue;
        };
        let to_app = to_app.clone();
        tokio::spawn(async move {
            handle(stream, &to_app, &limits).await;
            drop(permit);
        });
    }
}

async fn handle(mut stream: UnixStream, to_app: &mpsc::Sender<ControlRequest>, limits: &Limits) {
    let credentials = stream.peer_cred().ok();
    let same_user = credentials.is_some_and(|c| c.uid() == euid());
    let peer_pid = credentials.and_then(|c| c.pid());
    let response = if same_user {
        match read_line(&mut stream, limits).await {
            Ok(line) => match protocol::parse_request(&line) {
                Ok(request) => ask_app(request, peer_pid, to_app, limits.reply_timeout).await,
                Err(response) => response,
            },
            Err(response) => response,
        }
    } else {
        Response::error(ErrorCode::Refused, "connection from another user")
    };
    if let Response::Failed { code, .. } = &response {
        debug!("control: answering {code}");
    }
    let line = response.to_line();
    match timeout(limits.read_timeout, stream.write_all(line.as_bytes())).await {
        Ok(Ok(())) => {
            let _ = stream.shutdown().await;
        }
        Ok(Err(e)) => debug!("control: writing the response failed: {e}"),
        Err(_) => debug!("control: writing the response timed out"),
    }
}

/// Reads one line of at most `limits.max_line` bytes (plus `\n`). A line cut short by EOF
/// is accepted as it is.
async fn read_line(stream: &mut UnixStream, limits: &Limits) -> Result<Vec<u8>, Response> {
    let mut reader = BufReader::new(stream).take(limits.max_line as u64 + 1);
    let mut line = Vec::new();
    match timeout(limits.read_timeout, reader.read_until(b'\n', &mut line)).await {
        Err(_) => {
            return Err(Response::error(
                ErrorCode::BadRequest,
                "timed out waiting for the request line",
            ));
        }
        Ok(Err(e)) => {
            return Err(Response::error(
                ErrorCode::BadRequest,
                format!("reading the request failed: {e}"),
            ));
        }
        Ok(Ok(_)) => {}
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > limits.max_line {
        return Err(Response::error(
            ErrorCode::TooLarge,
            format!("the request is over {} bytes", limits.max_line),
        ));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

async fn ask_app(
    request: Request,
    peer_pid: Option<i32>,
    to_app: &mpsc::Sender<ControlRequest>,
    wait: Duration,
) -> Response {
    debug!(op = request.op.name(), pane = %request.pane, "control: request");
    let (reply, answer) = oneshot::channel();
    let exchange = async {
        to_app
            .send(ControlRequest {
                request,
                peer_pid,
                reply,
            })
            .await
            .map_err(|_| "rallish-tui is shutting down")?;
        answer.await.map_err(|_| "rallish-tui dropped the request")
    };
    match timeout(wait, exchange).await {
        Ok(Ok(response)) => response,
        Ok(Err(why)) => Response::error(ErrorCode::Refused, why),
        Err(_) => Response::error(ErrorCode::Refused, "rallish-tui did not answer in time"),
    }
}

#[cfg(test)]
pub(crate) mod tests;
