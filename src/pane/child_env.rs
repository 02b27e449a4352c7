//! The environment a hosted child starts with. It runs in this app's emulator, not in
//! the person's terminal, so what names that terminal is taken away; what says how many
//! colours the person sees (`COLORTERM`) is passed through as it is, since the frames
//! are fitted to the host's depth anyway (see [`crate::host::colours`]).

use portable_pty::CommandBuilder;

/// Variables a hosted child must not inherit. `TMUX*`, `STY` and `ZELLIJ*` make programs
/// think they run inside a multiplexer; `CLAUDECODE` makes claude refuse to start
/// ("nested session"); the rest name the host terminal, whose private features
/// (iTerm2's images, kitty's keyboard and graphics protocols, shell integrations) the
/// emulator does not have.
const HIDDEN: &[&str] = &[
    "TMUX",
    "TMUX_PANE",
    "STY",
    "ZELLIJ",
    "ZELLIJ_SESSION_NAME",
    "ZELLIJ_PANE_ID",
    "CLAUDECODE",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "TERM_SESSION_ID",
    "LC_TERMINAL",
    "LC_TERMINAL_VERSION",
    "ITERM_SESSION_ID",
    "ITERM_PROFILE",
    "KITTY_WINDOW_ID",
    "KITTY_PID",
    "KITTY_PUBLIC_KEY",
    "KITTY_LISTEN_ON",
    "WEZTERM_PANE",
    "WEZTERM_UNIX_SOCKET",
    "WEZTERM_EXECUTABLE",
    "WEZTERM_EXECUTABLE_DIR",
    "GHOSTTY_RESOURCES_DIR",
    "GHOSTTY_BIN_DIR",
    "GHOSTTY_SHELL_FEATURES",
    "ALACRITTY_WINDOW_ID",
    "ALACRITTY_SOCKET",
    "VTE_VERSION",
    "KONSOLE_VERSION",
    "KONSOLE_DBUS_SESSION",
    "KONSOLE_DBUS_WINDOW",
    "WT_SESSION",
    "WT_PROFILE_ID",
    "TERMINAL_EMULATOR",
];

/// Sets up `cmd`'s environment: the host's, less [`HIDDEN`], as an xterm-256color
/// terminal (what the emulator answers as), plus `extra` (RALLISH_* and preset env).
pub fn apply(cmd: &mut CommandBuilder, extra: &[(String, String)]) {
    for key in HIDDEN {
        cmd.env_remove(key);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("FORCE_HYPERLINK", "1");
    for (key, value) in extra {
        cmd.env(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_terminal_is_hidden_and_its_colour_depth_kept() {
        let mut cmd = CommandBuilder::new("sh");
        cmd.env("TERM_PROGRAM", "Apple_Terminal");
        cmd.env("LC_TERMINAL", "iTerm2");
        cmd.env("COLORTERM", "truecolor");
        apply(&mut cmd, &[("RALLISH_PANE".into(), "a".into())]);
        assert_eq!(cmd.get_env("TERM_PROGRAM"), None);
        assert_eq!(cmd.get_env("LC_TERMINAL"), None);
        assert_eq!(cmd.get_env("COLORTERM"), Some("truecolor".as_ref()));
        assert_eq!(cmd.get_env("TERM"), Some("xterm-256color".as_ref()));
        assert_eq!(cmd.get_env("RALLISH_PANE"), Some("a".as_ref()));
    }
}
