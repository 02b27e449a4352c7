//! Pair review end to end: scripted stand-ins for the author and the reviewer in a
//! temporary git repository. The author edits and passes; the reviewer's note shows the
//! diff of the author's turn; the reviewer passes APPROVED and the rally ends.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, Tui, eventually};

/// Runs git in `dir` with a fixed identity; panics on failure.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo() -> TempDir {
    let dir = TempDir::new("review-repo");
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("notes.txt"), "first line\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

/// The author waits for a line from the test, edits a tracked file, adds an untracked
/// one and passes; the reviewer echoes what it is told and approves once the author's
/// line (or `approve_on`) arrives.
fn start(dir: &Path, approve_on: &str) -> Tui {
    // The quotes keep the border title (the command) from reading "author ready".
    let author = "echo author' 'ready; read go; echo 'hello from the author' >> notes.txt; \
                  echo brand new > fresh.txt; rallish-tui pass --note 'please review'; exec cat";
    let reviewer = format!(
        "stty -echo; while IFS= read -r line; do echo \"got: $line\"; case \"$line\" in \
         *'{approve_on}'*) rallish-tui pass --note 'APPROVED, thanks';; esac; done"
    );
    let author = format!("author={author}");
    let reviewer = format!("reviewer={reviewer}");
    Tui::start_in(
        dir,
        &[
            "--preset",
            "pair-review",
            "--role",
            &author,
            "--role",
            &reviewer,
        ],
        200,
        50,
        &[],
    )
}

#[test]
fn the_reviewer_gets_the_authors_diff_and_approval_ends_the_rally() {
    let dir = repo();
    let mut tui = start(dir.path(), "+hello from the author");
    tui.wait_for_text("author ready");
    // The author edits only once the start of its turn is on record, as an agent that
    // takes seconds to start always does.
    let log = tui.state_dir().join("rallish-tui.log");
    eventually("the start of turn 1 on record", || {
        std::fs::read_to_string(&log)
            .is_ok_and(|text| text.contains("review: recorded the start of the turn"))
    });
    tui.type_text("go\r");
    tui.wait_for_text("Rally ended");
    let wants = [
        "got: Note from author: please review",
        "notes.txt | 1 +",
        "fresh.txt | 1 +",
        "got: @@ -1 +1,2 @@",
        "got: +hello from the author",
        "got: +brand new",
    ];
    // The reviewer's last lines may reach the screen a frame after the banner does.
    tui.wait_until("the reviewer's note and diff", |s| {
        let pane = common::region_of(s, 100..200);
        wants.iter().all(|want| pane.contains(want))
    });
    let reviewer = tui.region(100..200);
    for want in wants {
        assert!(reviewer.contains(want), "{want:?} missing:\n{reviewer}");
    }
    assert!(
        tui.contents().contains("note contains"),
        "{}",
        tui.contents()
    );
    // The person's index and HEAD are as they were: nothing staged, one commit.
    let status = git(dir.path(), &["status", "--porcelain"]);
    assert_eq!(status, " M notes.txt\n?? fresh.txt\n");
    assert_eq!(
        git(dir.path(), &["rev-list", "--count", "HEAD"]).trim(),
        "1"
    );
}

#[test]
fn outside_a_repository_the_note_says_so() {
    let dir = TempDir::new("review-plain");
    let mut tui = start(dir.path(), "not a git repository");
    tui.wait_for_text("author ready");
    tui.type_text("go\r");
    tui.wait_for_text("Rally ended");
    let reviewer = tui.region(100..200);
    assert!(reviewer.contains("is not a git repository"), "{reviewer}");
}
