//! Where files live: the platform's state directory (sessions, logs). `RALLISH_STATE_DIR`
//! overrides it, so tests and scripts can keep their runs apart. On macOS `directories`
//! puts both config and state in `~/Library/Application Support/rallish-tui` (it has no
//! state directory there), unless `XDG_CONFIG_HOME` / `XDG_STATE_HOME` are set.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RALLISH_STATE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = xdg_on_macos("XDG_STATE_HOME") {
        return dir;
    }
    directories::ProjectDirs::from("", "", "rallish-tui").map_or_else(
        || std::env::temp_dir().join("rallish-tui"),
        |dirs| {
            dirs.state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf()
        },
    )
}

/// Creates `dir` (and parents) readable by the owner only.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// `$var/rallish-tui` on macOS when `var` is set to an absolute path. People who keep one
/// set of dotfiles for several systems set `XDG_*_HOME` on their Mac too, and `directories`
/// ignores them there (on Linux it already honours them).
pub fn xdg_on_macos(var: &str) -> Option<PathBuf> {
    if !cfg!(target_os = "macos") {
        return None;
    }
    xdg_home(std::env::var_os(var))
}

fn xdg_home(value: Option<std::ffi::OsString>) -> Option<PathBuf> {
    value
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .map(|p| p.join("rallish-tui"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_homes_count_only_when_absolute() {
        assert_eq!(
            xdg_home(Some("/Users/me/.config".into())),
            Some(PathBuf::from("/Users/me/.config/rallish-tui"))
        );
        assert_eq!(xdg_home(Some("rel".into())), None);
        assert_eq!(xdg_home(Some("".into())), None);
        assert_eq!(xdg_home(None), None);
    }
}
