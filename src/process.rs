//! Helper commands (git for reviews, a summarize command, an agent's `--version`, exit
//! commands): each leads a process group of its own, so whatever it starts can be
//! stopped with it. [`run`] collects a command's output within a time limit and kills
//! the whole group when the limit passes; waiting blocks on the child's exit
//! (wait-timeout's SIGCHLD pipe), the same on Linux and macOS, and never polls.

use std::io::{self, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt as _;

/// Standard error kept from a command; the rest is read and dropped.
const STDERR_KEPT: usize = 64 * 1024;

/// A command that ran to its end within its time.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// What it printed, at most the limit plus one byte: longer means it printed more
    /// than the limit (and its output pipe was closed on it).
    pub stdout: Vec<u8>,
    /// The start of what it printed on standard error.
    pub stderr: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("did not start: {0}")]
    Spawn(io::Error),
    #[error("took longer than {0:?}")]
    TimedOut(Duration),
    #[error("could not be waited for: {0}")]
    Wait(io::Error),
}

/// A signal for a process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Asks it to stop.
    Term,
    /// Stops it.
    Kill,
}

/// Starts `cmd` as the leader of a new process group (its id is the child's pid).
pub fn spawn_group(cmd: &mut Command) -> io::Result<Child> {
    std::os::unix::process::CommandExt::process_group(cmd, 0).spawn()
}

/// Sends `signal` to the process group `leader` started with [`spawn_group`].
pub fn signal_group(leader: u32, signal: Signal) {
    let signal = match signal {
        Signal::Term => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    if let Ok(group) = libc::pid_t::try_from(leader) {
        crate::sys::signal_group(group, signal);
    }
}

/// Runs `cmd` in its own process group with `input` on its standard input (none when
/// `None`), and returns its output once it exits. Standard output is read up to
/// `stdout_max` bytes (one more tells that it printed too much), then its pipe is
/// closed. At `timeout` the whole group is killed. When the command exits, whatever
/// it left running in its group is killed too, so nothing holds its pipes open.
pub fn run(
    cmd: &mut Command,
    input: Option<Vec<u8>>,
    timeout: Duration,
    stdout_max: usize,
) -> Result<Finished, RunError> {
    let deadline = Instant::now() + timeout;
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = spawn_group(cmd).map_err(RunError::Spawn)?;
    let leader = child.id();
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        // A command that never reads its input must not block us: write on the side.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let keep = u64::try_from(stdout_max).map_or(u64::MAX, |n| n.saturating_add(1));
    let stdout = child
        .stdout
        .take()
        .map(|out| read_on_side(out, keep, false));
    let stderr = child
        .stderr
        .take()
        .map(|err| read_on_side(err, STDERR_KEPT as u64, true));
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            kill(&mut child);
            return Err(RunError::TimedOut(timeout));
        }
        Err(err) => {
            kill(&mut child);
            return Err(RunError::Wait(err));
        }
    };
    // The leader is gone; what it left behind in its group goes too. (Its group id is
    // not reused while any of them lives.)
    signal_group(leader, Signal::Kill);
    let collect = |pipe: Option<mpsc::Receiver<Vec<u8>>>| -> Result<Vec<u8>, RunError> {
        let Some(pipe) = pipe else {
            return Ok(Vec::new());
        };
        let left = deadline.saturating_duration_since(Instant::now());
        match pipe.recv_timeout(left) {
            Ok(bytes) => Ok(bytes),
            // Held open by something that left the group: the output never ended.
            Err(mpsc::RecvTimeoutError::Timeout) => Err(RunError::TimedOut(timeout)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Ok(Vec::new()),
        }
    };
    Ok(Finished {
        status,
        stdout: collect(stdout)?,
        stderr: collect(stderr)?,
    })
}

/// Kills the group of a child that has not been reaped yet, then reaps it.
fn kill(child: &mut Child) {
    signal_group(child.id(), Signal::Kill);
    let _ = child.wait();
}

/// Reads `pipe` on a thread of its own: its first `keep` bytes, then (with `drain`) the
/// rest into nothing, else closing it.
fn read_on_side(
    pipe: impl Read + Send + 'static,
    keep: u64,
    drain: bool,
) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut pipe = pipe;
        let mut kept = Vec::new();
        let _ = pipe.by_ref().take(keep).read_to_end(&mut kept);
        if drain {
            let _ = io::copy(&mut pipe, &mut io::sink());
        }
        let _ = tx.send(kept);
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[test]
    fn a_command_that_finishes_gives_its_status_and_output() {
        let done = run(
            &mut sh("cat; echo oops >&2; exit 3"),
            Some(b"hello\n".to_vec()),
            Duration::from_secs(20),
            1000,
        )
        .unwrap();
        assert_eq!(done.status.code(), Some(3));
        assert_eq!(done.stdout, b"hello\n");
        assert_eq!(done.stderr, b"oops\n");
    }

    #[test]
    fn a_command_past_its_time_is_killed_with_its_children() {
        let dir = std::env::temp_dir().join(format!("rallish-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("grandchild.pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let started = Instant::now();
        let got = run(&mut sh(&script), None, Duration::from_millis(300), 1000);
        assert!(matches!(got, Err(RunError::TimedOut(_))), "{got:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let grandchild: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let gone_at = Instant::now() + Duration::from_secs(10);
        while alive(grandchild) {
            assert!(
                Instant::now() < gone_at,
                "the grandchild {grandchild} outlived the kill"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Whether `pid` runs (a zombie waiting for a parent that does not reap is dead).
    fn alive(pid: i32) -> bool {
        let out = Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .output()
            .unwrap();
        let stat = String::from_utf8_lossy(&out.stdout);
        !stat.trim().is_empty() && !stat.trim().starts_with('Z')
    }

    #[test]
    fn a_command_that_cannot_start_says_so() {
        let got = run(
            &mut Command::new("/nonexistent/rallish-no-such-command"),
            None,
            Duration::from_secs(5),
            1000,
        );
        assert!(
            matches!(&got, Err(RunError::Spawn(e)) if e.kind() == io::ErrorKind::NotFound),
            "{got:?}"
        );
    }

    #[test]
    fn endless_output_is_cut_at_the_limit() {
        let started = Instant::now();
        let done = run(&mut sh("yes"), None, Duration::from_secs(20), 100).unwrap();
        assert_eq!(done.stdout.len(), 101);
        assert!(!done.status.success());
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn what_a_command_leaves_running_does_not_hold_it_up() {
        let started = Instant::now();
        let done = run(
            &mut sh("sleep 30 & echo done"),
            None,
            Duration::from_secs(20),
            100,
        );
        assert_eq!(done.unwrap().stdout, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_group_can_be_asked_to_stop() {
        let mut child = spawn_group(&mut sh("sleep 30")).unwrap();
        signal_group(child.id(), Signal::Term);
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGTERM)
        );
    }
}
