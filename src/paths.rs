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
    directories::ProjectDirs::from("", "", "rallish-tui")
        .map(|dirs| {
            dirs.state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf()
        })
        .unwrap_or_else(|| std::env::temp_dir().join("rallish-tui"))
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

/// `path` as one word of shell text: as it is when it needs no quoting, else in single
/// quotes. A macOS path (`~/Library/Application Support/...`) has a space, and an agent
/// that is handed a path in a note is likely to paste it into a command.
pub fn shell_quoted(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:,@%=".contains(c);
    if text.chars().all(plain) {
        return text;
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_spaces_or_quotes_are_quoted_for_the_shell() {
        let mac = Path::new("/Users/me/Library/Application Support/rallish-tui/s/scratchpad.md");
        assert_eq!(
            shell_quoted(mac),
            "'/Users/me/Library/Application Support/rallish-tui/s/scratchpad.md'"
        );
        assert_eq!(shell_quoted(Path::new("/home/me/x.md")), "/home/me/x.md");
        assert_eq!(shell_quoted(Path::new("/tmp/it's")), r"'/tmp/it'\''s'");
        assert_eq!(shell_quoted(Path::new("")), "");
    }

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

    #[test]
    fn the_shell_reads_a_quoted_path_back_as_one_word() {
        let path = Path::new("/tmp/a b/it's $HOME");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_quoted(path)))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            path.display().to_string()
        );
    }
}
