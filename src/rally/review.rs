//! Pair review: what changed in the working directory during a turn, for the handoff
//! note (`{diff_stat}`, `{diff}`) and the optional diff pane.
//!
//! A turn's starting state is recorded as a git tree without touching the person's index
//! or HEAD: a throwaway index (seeded from the real one, so unchanged files are not hashed
//! again) takes `git add -A`, untracked files included, and `git write-tree` names the
//! result. At the pass, a second tree is made the same way and the two are diffed. Git
//! runs on a worker thread, each command under a time limit, so the UI never waits on it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::process::{self, RunError};

/// Diff lines a note carries unless the preset says otherwise.
pub const DEFAULT_MAX_LINES: usize = 400;
/// How long one git command may take before it is stopped.
const GIT_TIMEOUT: Duration = Duration::from_secs(20);

/// Why there is no diff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("{0} is not a git repository, so there is no diff")]
    NotARepo(String),
    #[error("git {command} failed: {why}")]
    Git { command: String, why: String },
}

/// A turn's changes as the note template offers them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    /// `git diff --stat`, or why there is none.
    pub stat: String,
    /// The diff, cut to the line limit with a line saying how much was cut.
    pub diff: String,
    /// The trees diffed, for the diff pane; `None` when there was no diff.
    pub trees: Option<(String, String)>,
}

/// Records the working directory `dir` as a git tree; returns its id.
pub fn snapshot(dir: &Path) -> Result<String, ReviewError> {
    let not_a_repo = || ReviewError::NotARepo(dir.display().to_string());
    let index = git(dir, &["rev-parse", "--git-path", "index"], &[])
        .map_err(|_| not_a_repo())?
        .trim()
        .to_string();
    let index = if Path::new(&index).is_absolute() {
        PathBuf::from(index)
    } else {
        dir.join(index)
    };
    let scratch = scratch_index();
    // Without the real index as a start every file is hashed again; with it, only changed
    // ones are. A missing index (a fresh repository) is fine.
    let _ = std::fs::copy(&index, &scratch);
    let env = [("GIT_INDEX_FILE", scratch.as_os_str())];
    let result = git(dir, &["add", "-A", "--", "."], &env)
        .and_then(|_| git(dir, &["write-tree"], &env))
        .map(|tree| tree.trim().to_string());
    let _ = std::fs::remove_file(&scratch);
    result
}

/// The changes between two trees, the diff cut after `max_lines` lines.
pub fn changes(
    dir: &Path,
    before: &str,
    after: &str,
    max_lines: usize,
) -> Result<Changes, ReviewError> {
    let stat = git(dir, &["diff", "--stat", before, after], &[])?;
    let diff = git(dir, &["diff", before, after], &[])?;
    let (stat, diff) = if stat.trim().is_empty() {
        ("no changes".to_string(), String::new())
    } else {
        (stat.trim_end().to_string(), cap(&diff, max_lines))
    };
    Ok(Changes {
        stat,
        diff,
        trees: Some((before.to_string(), after.to_string())),
    })
}

/// The first `max` lines of `text`, then a line saying how many were cut.
pub fn cap(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if lines.len() <= max {
        return lines.join("\n");
    }
    let cut = lines.len() - max;
    format!(
        "{}\n[… {cut} more diff lines cut ({} in all); run git diff to see everything]",
        lines[..max].join("\n"),
        lines.len()
    )
}

fn scratch_index() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("rallish-index-{}-{n}", std::process::id()))
}

/// Runs `git -C dir ARGS` and returns its standard output; stops it (and anything it
/// started) after [`GIT_TIMEOUT`].
fn git(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Result<String, ReviewError> {
    let failed = |why: String| ReviewError::Git {
        command: args.first().copied().unwrap_or_default().to_string(),
        why,
    };
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off"])
        .args(args);
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GIT_PAGER", "cat");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let done = match process::run(&mut cmd, None, GIT_TIMEOUT, usize::MAX) {
        Ok(done) => done,
        Err(RunError::TimedOut(_)) => {
            return Err(failed(format!(
                "took longer than {}s",
                GIT_TIMEOUT.as_secs()
            )));
        }
        Err(RunError::Spawn(err) | RunError::Wait(err)) => return Err(failed(err.to_string())),
    };
    if !done.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&done.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&done.stdout).into_owned())
}

/// What the worker is asked to do.
enum Job {
    /// Record the state at the start of `turn`.
    Snapshot { turn: u32 },
    /// `turn` ended: diff its start against now, which is also `next`'s start.
    Diff { turn: u32, next: u32, ticket: u64 },
}

/// A diff the worker finished, for the pass that asked for it.
#[derive(Debug)]
pub struct DiffDone {
    pub ticket: u64,
    pub changes: Changes,
}

/// The worker thread that runs git for a rally, one job at a time and in order, so a
/// turn's starting state is always recorded before the diff at its end.
pub struct Reviewer {
    jobs: mpsc::Sender<Job>,
    next_ticket: u64,
}

impl Reviewer {
    /// Starts the worker for `dir`; finished diffs go to `done`.
    pub fn start(
        dir: PathBuf,
        max_lines: usize,
        done: impl Fn(DiffDone) + Send + 'static,
    ) -> std::io::Result<Reviewer> {
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("review-git".into())
            .spawn(move || work(&dir, max_lines, &queue, &done))?;
        Ok(Reviewer {
            jobs,
            next_ticket: 0,
        })
    }

    /// Records the working directory as the start of `turn`.
    pub fn turn_started(&self, turn: u32) {
        let _ = self.jobs.send(Job::Snapshot { turn });
    }

    /// `turn` ended and `next` begins: asks for the diff; the answer carries the ticket
    /// returned here.
    pub fn turn_ended(&mut self, turn: u32, next: u32) -> u64 {
        self.next_ticket += 1;
        let ticket = self.next_ticket;
        let _ = self.jobs.send(Job::Diff { turn, next, ticket });
        ticket
    }
}

fn work(dir: &Path, max_lines: usize, queue: &mpsc::Receiver<Job>, done: &dyn Fn(DiffDone)) {
    let mut starts: HashMap<u32, Result<String, ReviewError>> = HashMap::new();
    for job in queue {
        match job {
            Job::Snapshot { turn } => {
                let start = snapshot(dir);
                match &start {
                    Ok(_) => tracing::info!(turn, "review: recorded the start of the turn"),
                    Err(err) => tracing::info!(turn, %err, "review: no start for the turn"),
                }
                starts.insert(turn, start);
            }
            Job::Diff { turn, next, ticket } => {
                let now = snapshot(dir);
                let changes = match (starts.remove(&turn), &now) {
                    (Some(Ok(before)), Ok(after)) => changes(dir, &before, after, max_lines),
                    (_, Err(err)) => Err(err.clone()),
                    (Some(Err(err)), _) => Err(err),
                    (None, Ok(_)) => Err(ReviewError::Git {
                        command: "write-tree".into(),
                        why: format!("the start of turn {turn} was not recorded"),
                    }),
                };
                let changes = changes.unwrap_or_else(|err| Changes {
                    stat: err.to_string(),
                    diff: err.to_string(),
                    trees: None,
                });
                starts.retain(|t, _| *t > turn);
                starts.insert(next, now);
                done(DiffDone { ticket, changes });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_short_diffs_and_says_how_much_was_cut() {
        assert_eq!(cap("a\nb\n", 5), "a\nb");
        let long: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        let capped = cap(&long, 3);
        assert!(capped.starts_with("line 1\nline 2\nline 3\n[… 7 more diff lines cut (10 in all)"));
    }

    #[test]
    fn a_directory_outside_git_says_so() {
        let dir = std::env::temp_dir().join(format!("rallish-no-git-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp dir.
        let err = snapshot(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(err) = err {
            assert!(matches!(err, ReviewError::NotARepo(_)), "{err}");
            assert!(err.to_string().contains("is not a git repository"));
        }
    }
}
