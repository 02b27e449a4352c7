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
//! - `--config tui.notification_method="osc9"` and `tui.notification_condition="always"`,
//!   each only when the user's config does not set it: codex says it waits on an
//!   approval only through its desktop notification ("Approval requested: CMD"), which
//!   it writes as OSC 9, or as a bare bell (which says nothing) on a terminal it does not
//!   know for OSC 9, such as ours; and by default only while it believes its terminal
//!   unfocused. rallish-tui reads these notifications out of the pane's output
//!   ([`notice_signal`]) and never passes them to the person's terminal, where it sends
//!   its own: so nothing a person sees changes, and the pane shows "needs permission"
//!   the moment codex asks. A user's own choice of either setting (or
//!   `tui.notifications`, which says which kinds it sends) stands, and the pane falls
//!   back to silence for what codex then does not say.

use std::path::{Path, PathBuf};

use crate::pane::activity::Signal;

pub const PASS_ROUTE: &str = "the sandbox blocks the socket, so the pass command queues the pass \
    and codex's notify hook sends it when the turn ends";

/// What of the user's own codex config the flags must keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserConfig {
    /// Their `notify` program, run after ours.
    pub notify: Vec<String>,
    /// They chose `tui.notification_method` themselves.
    pub sets_method: bool,
    /// They chose `tui.notification_condition` themselves.
    pub sets_condition: bool,
}

/// The arguments codex gets in a pane, `exe` being this binary and `user` what the
/// user's own config says.
pub fn flags(exe: &Path, user: &UserConfig) -> Vec<String> {
    let mut notify = vec![
        exe.display().to_string(),
        "hook".to_string(),
        "codex-notify".to_string(),
    ];
    notify.extend(user.notify.iter().cloned());
    let notify = toml::Value::Array(notify.into_iter().map(toml::Value::String).collect());
    let mut flags = vec![
        "--no-daemon".into(),
        "--config".into(),
        format!("notify={notify}"),
    ];
    if !user.sets_method {
        flags.extend(["--config".into(), "tui.notification_method=\"osc9\"".into()]);
    }
    if !user.sets_condition {
        flags.extend([
            "--config".into(),
            "tui.notification_condition=\"always\"".into(),
        ]);
    }
    flags
}

/// What the user's codex config (`$CODEX_HOME/config.toml`, by default
/// `~/.codex/config.toml`) says that the flags keep; nothing when there is none or it
/// cannot be read (codex itself reports a broken config).
pub fn user_config() -> UserConfig {
    let home = std::env::var_os("CODEX_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".codex")));
    home.and_then(|home| std::fs::read_to_string(home.join("config.toml")).ok())
        .map(|text| config_in(&text))
        .unwrap_or_default()
}

fn config_in(config: &str) -> UserConfig {
    let Ok(table) = config.parse::<toml::Table>() else {
        return UserConfig::default();
    };
    let notify = match table.get("notify") {
        Some(toml::Value::Array(argv)) => argv
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let tui = table.get("tui").and_then(toml::Value::as_table);
    let sets = |key: &str| tui.is_some_and(|tui| tui.contains_key(key));
    UserConfig {
        notify,
        sets_method: sets("notification_method"),
        sets_condition: sets("notification_condition"),
    }
}

/// What one of codex's desktop notifications (the body of its OSC 9) says: it waits on
/// the person's approval of a command, an edit or an MCP server's request, or on their
/// answer to a question. Its other notification, a turn's end, says nothing here: its
/// `notify` program reports that, with what the turn answered.
pub fn notice_signal(body: &str) -> Option<Signal> {
    const APPROVALS: [&str; 3] = [
        "Approval requested: ",
        "Approval requested by ",
        "Codex wants to edit ",
    ];
    const QUESTIONS: [&str; 2] = ["Question: ", "Plan mode prompt: "];
    if APPROVALS.iter().any(|p| body.starts_with(p)) {
        Some(Signal::NeedsPermission)
    } else if QUESTIONS.iter().any(|p| body.starts_with(p)) {
        Some(Signal::WaitingForInput)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_notify_runs_after_ours() {
        let user = config_in("model = \"x\"\nnotify = [\"notify-send\", \"codex\"]\n");
        assert_eq!(user.notify, ["notify-send", "codex"]);
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
        assert!(config_in("").notify.is_empty());
        assert!(config_in("notify = [").notify.is_empty());
        assert!(config_in("notify = \"not a list\"").notify.is_empty());
    }

    #[test]
    fn notifications_are_asked_for_unless_the_user_chose() {
        let exe = Path::new("/bin/rallish-tui");
        let ours = flags(exe, &config_in("[tui]\nshow_tooltips = false\n"));
        let settings: Vec<toml::Table> = ours[2..]
            .iter()
            .filter(|f| *f != "--config")
            .map(|f| f.parse().unwrap())
            .collect();
        assert_eq!(
            settings[1]["tui"]["notification_method"].as_str(),
            Some("osc9")
        );
        assert_eq!(
            settings[2]["tui"]["notification_condition"].as_str(),
            Some("always")
        );
        let theirs = config_in(
            "[tui]\nnotification_method = \"bel\"\nnotification_condition = \"unfocused\"\n",
        );
        assert_eq!(flags(exe, &theirs).len(), 3, "theirs stand");
    }

    #[test]
    fn codexs_notifications_are_read_by_kind() {
        assert_eq!(
            notice_signal("Approval requested: curl -sS -o mock-permission-probe ht…"),
            Some(Signal::NeedsPermission)
        );
        assert_eq!(
            notice_signal("Codex wants to edit src/main.rs"),
            Some(Signal::NeedsPermission)
        );
        assert_eq!(
            notice_signal("Approval requested by github"),
            Some(Signal::NeedsPermission)
        );
        assert_eq!(
            notice_signal("Question: Which branch?"),
            Some(Signal::WaitingForInput)
        );
        assert_eq!(
            notice_signal("Passed the baton."),
            None,
            "a turn's end comes through notify"
        );
    }
}
