//! What a rally needs from codex, added to its command line:
//!
//! - `--no-daemon`: codex 0.17x otherwise runs commands through one app-server daemon
//!   per `CODEX_HOME` that outlives it, with the environment of whichever codex started
//!   it, so the model's `rallish-tui pass` would carry another pane's identity (or none).
//!   Without the daemon, commands run with this pane's environment. The sandbox and the
//!   approvals are the same either way.
//! - `--config notify=[<rallish-tui>, "hook", "codex-notify", <the user's notify>...]`: codex's
//!   default sandbox denies `connect()`, so the pass command cannot reach the control
//!   socket. It leaves the pass in the spool instead, and codex runs its `notify` program
//!   (outside the sandbox) when the turn ends, which sends it (see
//!   [`crate::control::spool`]). A `notify` the user configured is kept: it runs after
//!   ours with the same payload.

use std::path::{Path, PathBuf};

pub const PASS_ROUTE: &str = "the sandbox blocks the socket, so the pass command queues the pass \
    and codex's notify hook sends it when the turn ends";

/// The arguments codex gets in a pane, `exe` being this binary and `user_notify` the
/// `notify` program the user configured, if any.
pub fn flags(exe: &Path, user_notify: &[String]) -> Vec<String> {
    let mut notify = vec![
        exe.display().to_string(),
        "hook".to_string(),
        "codex-notify".to_string(),
    ];
    notify.extend(user_notify.iter().cloned());
    let notify = toml::Value::Array(notify.into_iter().map(toml::Value::String).collect());
    vec![
        "--no-daemon".into(),
        "--config".into(),
        format!("notify={notify}"),
    ]
}

/// The `notify` argv in the user's codex config (`$CODEX_HOME/config.toml`, by default
/// `~/.codex/config.toml`); empty when there is none or it cannot be read (codex itself
/// reports a broken config).
pub fn user_notify() -> Vec<String> {
    let home = std::env::var_os("CODEX_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".codex")));
    home.and_then(|home| std::fs::read_to_string(home.join("config.toml")).ok())
        .map(|text| notify_in(&text))
        .unwrap_or_default()
}

fn notify_in(config: &str) -> Vec<String> {
    let Ok(table) = config.parse::<toml::Table>() else {
        return Vec::new();
    };
    match table.get("notify") {
        Some(toml::Value::Array(argv)) => argv
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_notify_runs_after_ours() {
        let user = notify_in("model = \"x\"\nnotify = [\"notify-send\", \"codex\"]\n");
        assert_eq!(user, ["notify-send", "codex"]);
        let flags = flags(Path::new("/bin/r t"), &user);
        assert_eq!(flags[..2], ["--no-daemon", "--config"]);
        let value: toml::Table = flags[2].parse().unwrap();
        let argv: Vec<&str> = value["notify"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            argv,
            ["/bin/r t", "hook", "codex-notify", "notify-send", "codex"]
        );
    }

    #[test]
    fn no_or_broken_config_means_no_user_notify() {
        assert!(notify_in("").is_empty());
        assert!(notify_in("notify = [").is_empty());
        assert!(notify_in("notify = \"not a list\"").is_empty());
    }
}
