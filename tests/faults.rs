//! Faults, each as a person (or a hostile process) would cause them: the app must keep
//! running where it can, restore the terminal where it cannot, and never leave a child
//! behind.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use common::{Tui, eventually, process_alive};

fn left_alternate_screen(raw: &[u8]) -> bool {
    raw.windows(8).any(|w| w == b"\x1b[?1049l")
}

#[test]
fn a_panic_while_drawing_restores_the_terminal_and_leaves_no_orphan() {
    let mut tui = Tui::start_with_env(
        &[
            "--pane",
            "a=echo PID\"\"_A=$$; trap '' HUP; sleep 0.3; echo BO\"\"OM; exec sleep 1000",
        ],
        80,
        20,
        &[("RALLISH_TEST_PANIC_ON", "BOOM")],
    );
    tui.wait_for_text("PID_A=");
    let child = tui.number_after("PID_A=");
    let status = tui
        .wait_exit()
        .expect("the app did not exit after panicking");
    assert!(!status.success());
    let raw = tui.raw_output();
    assert!(left_alternate_screen(&raw), "terminal not restored");
    assert!(String::from_utf8_lossy(&raw).contains("test panic inside rendering"));
    // The child ignores SIGHUP, so only the panic hook's SIGKILL can have ended it.
    eventually("the child gone", || !process_alive(child));
}

#[test]
fn sighup_ends_the_rally_cleanly_with_a_complete_recording() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=echo PID\"\"_A=$$; exec cat",
            "--pane",
            "b=cat",
            "--record",
            "r.cast",
        ],
        100,
        20,
    );
    tui.wait_for_text("PID_A=");
    let child = tui.number_after("PID_A=");
    tui.chord(b"N");
    tui.wait_for_text("turn 2");
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(tui.pid() as libc::pid_t, libc::SIGHUP) };
    assert!(tui.wait_exit().is_some(), "the app did not exit on SIGHUP");
    eventually("the child gone", || !process_alive(child));
    assert!(left_alternate_screen(&tui.raw_output()));
    let cast = std::fs::read_to_string(tui.dir.path().join("r.cast")).unwrap();
    assert!(cast.ends_with('\n'), "last event line cut short");
    for line in cast.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    assert!(cast.contains("\"turn 2: a -> b\""));
}

#[test]
fn a_killed_holder_is_shown_and_the_baton_moves_on() {
    let tui = Tui::start(
        &[
            "--pane",
            "a=echo PID\"\"_A=$$; exec sleep 1000",
            "--pane",
            "b=cat",
        ],
        100,
        20,
    );
    tui.wait_for_text("PID_A=");
    let child = tui.number_after("PID_A=");
    // SAFETY: killing the child process the app started for this test.
    unsafe { libc::kill(child as libc::pid_t, libc::SIGKILL) };
    tui.wait_for_text("killed by SIGKILL");
    tui.wait_until("b to hold the baton", |s| {
        s.contents_between(0, 50, 0, 100).contains("baton · turn 2")
    });
}

#[test]
fn a_full_disk_stops_the_recording_with_a_notice_and_the_ui_keeps_running() {
    // `ulimit -f 16` makes writes past 8 KiB fail like a full disk (EFBIG); SIGXFSZ is
    // ignored so the failing write returns an error instead of killing the app.
    let script = format!(
        "trap '' XFSZ; ulimit -f 16; exec '{}' --pane a=cat --pane b='for i in $(seq 1 300); do echo line $i; sleep 0.01; done; exec cat' --record r.cast",
        common::binary()
    );
    let mut tui = Tui::start_shell(&script, 100, 20);
    tui.wait_for_text("stopped");
    tui.wait_for_text("line 300");
    tui.type_text("still alive\r");
    tui.wait_until("the echo in pane a", |s| {
        s.contents().matches("still alive").count() >= 1
    });
}

#[test]
fn a_flood_of_bad_control_requests_is_refused_and_changes_nothing() {
    let tui = Tui::start(
        &[
            "--pane",
            "a=echo TOK\"\"EN=$RALLISH_TOKEN; exec cat",
            "--pane",
            "b=cat",
        ],
        100,
        20,
    );
    tui.wait_for_text("TOKEN=");
    let token = tui.hex_after("TOKEN=");
    let socket = find_socket(&tui);
    let rss = || common::process::resident_kib(tui.pid());
    let ask = |line: &[u8]| -> String {
        let mut stream = UnixStream::connect(&socket).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(line);
        let mut reply = String::new();
        let _ = BufReader::new(&stream).read_line(&mut reply);
        reply
    };
    let junk: [&[u8]; 5] = [
        b"not json\n",
        b"{\"v\":1}\n",
        b"\x00\xff\xfe\n",
        b"{\"v\":1,\"op\":\"pass\",\"pane\":\"a\",\"token\":\"00\",\"extra\":1}\n",
        b"[]\n",
    ];
    let huge = vec![b'x'; 2 << 20];
    let flood = |requests: usize, oversized: usize| {
        for i in 0..requests {
            let reply = ask(junk[i % junk.len()]);
            assert!(
                reply.contains("\"ok\":false"),
                "request {i} not refused: {reply:?}"
            );
        }
        for _ in 0..oversized {
            let reply = ask(&huge);
            assert!(reply.is_empty() || reply.contains("too_large"), "{reply:?}");
        }
    };
    // A warm-up round lets the allocator settle; what follows must not grow memory.
    flood(1_000, 5);
    let before = rss();
    flood(10_000, 20);
    let growth_kb = rss().saturating_sub(before);
    assert!(
        growth_kb < 4 * 1024,
        "RSS grew by {growth_kb} KiB over 10,000 requests"
    );
    // A valid token from outside the pane is refused too, and nothing moved.
    let stolen = ask(format!(
        "{{\"v\":1,\"op\":\"status\",\"pane\":\"a\",\"token\":\"{token}\"}}\n"
    )
    .as_bytes());
    assert!(
        stolen.contains("\"ok\":false") && stolen.contains("inside pane"),
        "{stolen}"
    );
    assert!(tui.contents().contains("baton · turn 1"));
}

pub fn find_socket(tui: &Tui) -> PathBuf {
    let dir = tui.dir.path().join("run/rallish-tui");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sock"))
        .expect("a control socket")
}

#[test]
fn a_terminal_that_hangs_up_without_a_sighup_ends_the_rally_cleanly() {
    // In a session of its own the app does not lead the terminal's session, so closing
    // the terminal sends it no SIGHUP: it must notice the hangup itself. The session is
    // made with setsid(2) before exec, not with util-linux's `setsid`, which macOS lacks.
    use portable_pty::{PtySize, native_pty_system};
    use std::os::unix::fs::OpenOptionsExt as _;
    use std::os::unix::process::CommandExt as _;
    let dir = common::TempDir::new("hangup");
    let pidfile = dir.path().join("pane.pid");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let slave_path = pair.master.tty_name().expect("the terminal's name");
    // Opened without becoming anyone's controlling terminal: the app gets no SIGHUP.
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&slave_path)
        .unwrap();
    drop(pair.slave);
    let mut cmd = std::process::Command::new(common::binary());
    cmd.args([
        "--pane",
        &format!(
            "a=echo $$ > {}; trap '' HUP; exec sleep 600",
            pidfile.display()
        ),
    ]);
    cmd.current_dir(dir.path());
    common::isolate_std(&mut cmd, dir.path());
    cmd.stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut app = cmd.spawn().unwrap();
    // The parent's copies of the slave went into `cmd`; drop them so only the app holds it.
    drop(cmd);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let writer = pair.master.take_writer().unwrap();
    // Drain the screen on this thread (a reader thread would keep the terminal open)
    // until the pane is up.
    let master_fd = pair.master.as_raw_fd().unwrap();
    let deadline = std::time::Instant::now() + common::timeout();
    let mut buf = [0u8; 65536];
    let pane_pid = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the pane never started"
        );
        let mut ready = libc::pollfd {
            fd: master_fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the call.
        if unsafe { libc::poll(&raw mut ready, 1, 50) } > 0 {
            let _ = std::io::Read::read(&mut reader, &mut buf);
        }
        if let Some(pid) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|text| text.trim().parse::<u32>().ok())
        {
            break pid;
        }
    };
    std::thread::sleep(Duration::from_millis(300));
    // Close the terminal.
    drop((reader, writer, pair.master));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(app.wait());
    });
    let status = rx
        .recv_timeout(Duration::from_secs(3))
        .expect("the app kept running after its terminal hung up")
        .unwrap();
    assert!(status.success(), "the app ended with {status:?}");
    eventually("the pane's child gone", || !process_alive(pane_pid));
    let log = std::fs::read_to_string(dir.path().join("state/rallish-tui.log")).unwrap();
    assert!(log.contains("the terminal hung up"), "{log}");
    assert!(log.contains("rally ended"), "{log}");
}
