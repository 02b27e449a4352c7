//! Socket tests for `server.rs`: real sockets in a throwaway directory, a fake app task.

use super::*;
use crate::control::protocol::Op;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::task::JoinHandle;

/// A directory under the system temp dir (or /tmp), removed on drop.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Not macOS's long per-user temp dir: the sockets inside must fit in 104 bytes.
        let temp = std::env::temp_dir();
        let root = if temp.as_os_str().len() <= 24 {
            temp
        } else {
            PathBuf::from("/tmp")
        };
        let path = root.join(format!("rallish-ctl-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

struct Server {
    path: PathBuf,
    app: mpsc::Receiver<ControlRequest>,
    task: JoinHandle<()>,
    _dir: TempDir,
}

fn start(tag: &str, limits: Limits) -> Server {
    let dir = TempDir::new(tag);
    let (path, listener) = bind(&dir.0.join("run"), "control.sock").unwrap();
    let (tx, app) = mpsc::channel(8);
    let task = tokio::spawn(serve_with(listener, tx, limits));
    Server {
        path,
        app,
        task,
        _dir: dir,
    }
}

async fn exchange(path: &Path, line: &[u8]) -> Response {
    let mut stream = UnixStream::connect(path).await.unwrap();
    let line = line.to_vec();
    let (mut rd, mut wr) = stream.split();
    // Write and read at once: the server may answer (and close) before taking all input.
    let write = async {
        let _ = wr.write_all(&line).await;
    };
    let mut out = String::new();
    let mut reader = BufReader::new(&mut rd);
    let read = reader.read_line(&mut out);
    let ((), read) = tokio::join!(write, read);
    read.unwrap();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

fn code(response: &Response) -> ErrorCode {
    match response {
        Response::Failed { code, .. } => *code,
        other @ Response::Done { .. } => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn pass_round_trips_through_the_app() {
    let server = start("rt", Limits::default());
    let mut app_rx = server.app;
    let app = tokio::spawn(async move {
        let ControlRequest { request, reply, .. } = app_rx.recv().await.unwrap();
        assert_eq!(request.pane, "a");
        assert_eq!(request.token, "t0k");
        assert_eq!(
            request.op,
            Op::Pass {
                to: Some("b".into()),
                note: "all green".into()
            }
        );
        reply.send(Response::ok("baton passed to b")).unwrap();
    });
    let response = exchange(
        &server.path,
        b"{\"v\":1,\"op\":\"pass\",\"pane\":\"a\",\"token\":\"t0k\",\"to\":\"b\",\"note\":\"all green\"}\n",
    )
    .await;
    assert_eq!(response, Response::ok("baton passed to b"));
    app.await.unwrap();
}

#[tokio::test]
async fn malformed_json_is_answered_without_the_app() {
    let mut server = start("bad", Limits::default());
    for line in [
        &b"{not json\n"[..],
        b"{\"v\":1,\"op\":\"status\",\"pane\":\"a\"}\n",
        b"\n",
    ] {
        let response = exchange(&server.path, line).await;
        assert_eq!(code(&response), ErrorCode::BadRequest, "{response:?}");
    }
    assert!(server.app.try_recv().is_err());
}

#[tokio::test]
async fn oversized_line_is_too_large() {
    let mut server = start("big", Limits::default());
    let mut line = br#"{"v":1,"op":"pass","pane":"a","token":"t","note":""#.to_vec();
    line.resize(protocol::MAX_REQUEST_LINE + 100, b'x');
    line.extend_from_slice(b"\"}\n");
    let response = exchange(&server.path, &line).await;
    assert_eq!(code(&response), ErrorCode::TooLarge);
    assert!(server.app.try_recv().is_err());
}

#[tokio::test]
async fn line_of_exactly_the_limit_is_accepted() {
    let limits = Limits {
        max_line: 64,
        ..Limits::default()
    };
    let server = start("edge", limits);
    let mut app_rx = server.app;
    let mut line = br#"{"v":1,"op":"status","pane":"a","token":""#.to_vec();
    line.resize(64 - 2, b'0');
    line.extend_from_slice(b"\"}\n");
    assert_eq!(line.len(), 65);
    let app = tokio::spawn(async move {
        let req = app_rx.recv().await.unwrap();
        req.reply.send(Response::ok("fine")).unwrap();
    });
    assert_eq!(exchange(&server.path, &line).await, Response::ok("fine"));
    app.await.unwrap();
}

#[tokio::test]
async fn silent_client_times_out_and_slow_app_is_refused() {
    let limits = Limits {
        read_timeout: Duration::from_millis(100),
        reply_timeout: Duration::from_millis(100),
        ..Limits::default()
    };
    let server = start("slow", limits);
    let mut app_rx = server.app;
    let response = exchange(&server.path, b"").await;
    assert_eq!(code(&response), ErrorCode::BadRequest);

    let app = tokio::spawn(async move {
        let req = app_rx.recv().await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(req);
    });
    let status = b"{\"v\":1,\"op\":\"status\",\"pane\":\"a\",\"token\":\"t\"}\n";
    let response = exchange(&server.path, status).await;
    assert_eq!(code(&response), ErrorCode::Refused);
    app.await.unwrap();
}

#[tokio::test]
async fn extra_connections_are_turned_away() {
    let limits = Limits {
        max_connections: 2,
        ..Limits::default()
    };
    let server = start("busy", limits);
    let _idle1 = UnixStream::connect(&server.path).await.unwrap();
    let _idle2 = UnixStream::connect(&server.path).await.unwrap();
    let response = exchange(&server.path, b"").await;
    match response {
        Response::Failed {
            code: ErrorCode::BadRequest,
            error,
        } => assert!(error.contains("busy"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn serve_stops_when_the_app_goes_away() {
    let server = start("stop", Limits::default());
    drop(server.app);
    timeout(Duration::from_secs(5), server.task)
        .await
        .expect("serve should return")
        .unwrap();
}

#[tokio::test]
async fn bind_makes_private_dir_and_socket() {
    let tmp = TempDir::new("perm");
    let dir = tmp.0.join("rt");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let (path, listener) = bind(&dir, "s.sock").unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
    assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());

    // A live socket is not replaced; a stale one is.
    let err = bind(&dir, "s.sock").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    drop(listener);
    assert!(path.exists());
    let (_, _listener) = bind(&dir, "s.sock").unwrap();

    // A regular file of that name is left alone.
    fs::write(dir.join("f.sock"), "keep me").unwrap();
    assert!(bind(&dir, "f.sock").is_err());
    assert_eq!(fs::read_to_string(dir.join("f.sock")).unwrap(), "keep me");
    assert!(bind(&dir, "../x").is_err());
}

#[test]
fn someone_elses_dir_or_a_symlink_is_refused() {
    let tmp = TempDir::new("owner");
    let link = tmp.0.join("link");
    std::os::unix::fs::symlink(&tmp.0, &link).unwrap();
    assert!(ensure_private_dir(&link).is_err());

    if euid() != 0 {
        return; // chown to another user needs root
    }
    let theirs = tmp.0.join("theirs");
    fs::create_dir(&theirs).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), None).unwrap();
    let err = ensure_private_dir(&theirs).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err}");
}
