//! Where control sockets live. A Unix socket's path must fit `sun_path` (104 bytes on
//! macOS and the BSDs, 108 on Linux, the final NUL included), and the directory must be
//! one no other user can squat, so the choice is the first of these that fits:
//!
//! 1. `$XDG_RUNTIME_DIR/rallish-tui` (Linux's per-user runtime directory; honoured on
//!    macOS too when someone sets it);
//! 2. on macOS, `rallish-tui` in the per-user temp dir, `confstr(_CS_DARWIN_USER_TEMP_DIR)`
//!    (`/var/folders/…/T/`, mode 0700 and owned by the user), since macOS has no runtime
//!    directory;
//! 3. `/tmp/rallish-tui-<uid>`, shared ground: [`super::server::ensure_private_dir`]
//!    refuses it when another user got there first.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The longest socket file name the app binds: `<session id>.sock`, where the id is
/// `YYYYMMDD-HHMMSS-<pid>` (a pid has at most 10 digits).
pub const LONGEST_SOCKET_NAME: usize = "YYYYMMDD-HHMMSS-4294967295.sock".len();

/// The directory for this user's sockets (only computed; `bind` creates and checks it).
pub fn runtime_dir() -> PathBuf {
    runtime_dir_from(std::env::var_os("XDG_RUNTIME_DIR"), user_temp_dir(), euid())
}

/// The first of the candidates (see the module doc) whose sockets' paths fit.
pub fn runtime_dir_from(
    xdg_runtime_dir: Option<OsString>,
    user_temp_dir: Option<PathBuf>,
    uid: u32,
) -> PathBuf {
    let xdg = xdg_runtime_dir
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let user_temp = user_temp_dir.filter(|p| p.is_absolute());
    [xdg, user_temp]
        .into_iter()
        .flatten()
        .map(|base| base.join("rallish-tui"))
        .find(|dir| sockets_fit_in(dir))
        .unwrap_or_else(|| PathBuf::from(format!("/tmp/rallish-tui-{uid}")))
}

/// Whether every socket the app binds in `dir` has a path short enough for `sun_path`.
pub fn sockets_fit_in(dir: &Path) -> bool {
    fits(&dir.join("x"), LONGEST_SOCKET_NAME - 1)
}

/// Whether `path`, plus `more` bytes, still leaves room for the NUL in `sun_path`.
pub fn fits(path: &Path, more: usize) -> bool {
    path.as_os_str().len() + more < sun_path_len()
}

fn sun_path_len() -> usize {
    crate::sys::sun_path_len()
}

#[cfg(target_os = "macos")]
fn user_temp_dir() -> Option<PathBuf> {
    crate::sys::darwin_user_temp_dir()
}

#[cfg(not(target_os = "macos"))]
fn user_temp_dir() -> Option<PathBuf> {
    None
}

fn euid() -> u32 {
    crate::sys::euid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_first_then_the_user_temp_dir_then_tmp() {
        let mac_temp = || {
            Some(PathBuf::from(
                "/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/",
            ))
        };
        assert_eq!(
            runtime_dir_from(Some("/run/user/1000".into()), mac_temp(), 1000),
            PathBuf::from("/run/user/1000/rallish-tui")
        );
        assert_eq!(
            runtime_dir_from(None, mac_temp(), 501),
            PathBuf::from("/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/rallish-tui")
        );
        assert_eq!(
            runtime_dir_from(None, None, 42),
            PathBuf::from("/tmp/rallish-tui-42")
        );
        assert_eq!(
            runtime_dir_from(Some("".into()), None, 42),
            PathBuf::from("/tmp/rallish-tui-42")
        );
        assert_eq!(
            runtime_dir_from(Some("rel".into()), Some("rel".into()), 42),
            PathBuf::from("/tmp/rallish-tui-42")
        );
    }

    #[test]
    fn a_directory_whose_sockets_would_not_fit_is_passed_over() {
        let long = format!("/{}", "d".repeat(90));
        assert_eq!(
            runtime_dir_from(Some(long.clone().into()), Some(long.into()), 7),
            PathBuf::from("/tmp/rallish-tui-7")
        );
        // The fallback itself leaves room for the longest name on every system.
        assert!(sockets_fit_in(Path::new("/tmp/rallish-tui-4294967295")));
    }
}
