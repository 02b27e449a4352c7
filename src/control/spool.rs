//! The pass route for agents whose sandbox forbids sockets. codex's default sandbox
//! denies `connect()`, Unix sockets included, so `rallish-tui pass` run by codex cannot
//! reach the app; it may write files in the temp dir, though, and codex runs its `notify`
//! program outside the sandbox when a turn ends. So a pass that meets `EPERM` is left in
//! this spool as a file, and `rallish-tui hook codex-notify`, run by codex at the end of
//! the turn, picks it up and sends it over the socket.
//!
//! The guarantees stay those of the socket: the request the app sees comes from a process
//! inside the pane (the notify program is codex's child) and carries that pane's token; the
//! hook only ever takes its own pane's file, and only if the token in it is its own.
//!
//! The spool is a 0700 directory per rally under the temp dir (which codex's sandbox lets
//! commands write), named in each child's `RALLISH_SPOOL`; one file per pane,
//! `pass-<hex of the pane name>.json`, written whole through a rename.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::protocol::Op;

/// Environment variable naming the rally's spool directory.
pub const ENV_SPOOL: &str = "RALLISH_SPOOL";

/// A pass waiting in the spool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spooled {
    token: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    note: String,
}

/// The spool directory for a rally: made private (0700) now.
pub fn create(session: &str) -> io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("rallish-tui-spool-{session}"));
    super::server::ensure_private_dir(&dir)?;
    Ok(dir)
}

fn file_for(dir: &Path, pane: &str) -> PathBuf {
    let hex = pane.bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    dir.join(format!("pass-{hex}.json"))
}

/// Leaves a pass from `pane` in the spool; a newer one replaces it.
pub fn put_pass(
    dir: &Path,
    pane: &str,
    token: &str,
    to: Option<String>,
    note: String,
) -> io::Result<PathBuf> {
    let path = file_for(dir, pane);
    let body = serde_json::to_vec(&Spooled {
        token: token.to_string(),
        to,
        note,
    })
    .map_err(io::Error::other)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(&body)?;
    drop(file);
    fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Takes `pane`'s waiting pass out of the spool, if there is one whose token is `token`.
/// A file with another token is left alone and reported as an error.
pub fn take_pass(dir: &Path, pane: &str, token: &str) -> io::Result<Option<Op>> {
    let path = file_for(dir, pane);
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let spooled: Spooled = serde_json::from_slice(&text).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })?;
    if !super::token::tokens_equal(&spooled.token, token) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} does not carry this pane's token", path.display()),
        ));
    }
    fs::remove_file(&path)?;
    Ok(Some(Op::Pass {
        to: spooled.to,
        note: spooled.note,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "rallish-spool-test-{}-{}",
            std::process::id(),
            super::super::token::new_token()
        ));
        super::super::server::ensure_private_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn a_spooled_pass_is_taken_once_by_its_own_pane() {
        let dir = dir();
        put_pass(&dir, "a/b", "tok", Some("c".into()), "note \"x\"".into()).unwrap();
        assert_eq!(take_pass(&dir, "other", "tok").unwrap(), None);
        assert_eq!(
            take_pass(&dir, "a/b", "tok").unwrap(),
            Some(Op::Pass {
                to: Some("c".into()),
                note: "note \"x\"".into()
            })
        );
        assert_eq!(take_pass(&dir, "a/b", "tok").unwrap(), None, "taken once");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_pass_with_another_panes_token_is_refused_and_kept() {
        let dir = dir();
        put_pass(&dir, "a", "theirs", None, String::new()).unwrap();
        let err = take_pass(&dir, "a", "mine").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(file_for(&dir, "a").exists());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_newer_pass_replaces_the_older() {
        let dir = dir();
        put_pass(&dir, "a", "t", None, "first".into()).unwrap();
        put_pass(&dir, "a", "t", None, "second".into()).unwrap();
        assert_eq!(
            take_pass(&dir, "a", "t").unwrap(),
            Some(Op::Pass {
                to: None,
                note: "second".into()
            })
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
