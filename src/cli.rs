//! The command line: the rally itself, and the subcommands agents run inside panes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::ui::layout::LayoutKind;

#[derive(Debug, Parser)]
#[command(
    name = "rallish-tui",
    version,
    about = "Host AI coding agents side by side in terminal panes and make them take turns"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub rally: RallyArgs,
}

#[derive(Debug, Args)]
pub struct RallyArgs {
    /// The rally to run: a preset name (your config dir's presets/, then the built-ins
    /// demo, pair-review, ping-pong, solo-loop) or a preset file. Default: the config's
    /// `preset` (demo), unless --pane panes are given.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Give a preset's role another command: ROLE=CMD, where CMD is a known agent (claude,
    /// codex, kimi, gemini, opencode, aider) or any shell command. Repeatable.
    #[arg(long = "role", value_name = "ROLE=CMD", value_parser = parse_pane)]
    pub roles: Vec<(String, String)>,
    /// A pane: NAME=COMMAND (run through `sh -c`). Repeat for more panes; the first one
    /// holds the baton first. Added after a --preset's roles; without a preset, the
    /// panes rally on their own.
    #[arg(long = "pane", value_name = "NAME=COMMAND", value_parser = parse_pane)]
    pub panes: Vec<(String, String)>,
    /// How panes are arranged (default: side-by-side for two, grid for more).
    #[arg(long, value_enum)]
    pub layout: Option<LayoutKind>,
    /// Lines of history kept per pane (default: the config's `scrollback_lines`, 10000).
    #[arg(long, value_name = "LINES")]
    pub scrollback: Option<usize>,
    /// Theme: a name (your config dir's themes/, then default, light, high-contrast) or a
    /// TOML file.
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// Keymap: a name (your config dir's keymaps/, then default, tmux) or a TOML file.
    #[arg(long, value_name = "KEYMAP")]
    pub keymap: Option<String>,
    /// The config file (default: config.toml in the config directory; see `config path`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// End the rally after this many turns (overrides the preset's budget).
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u32>,
    /// Record the whole screen to an asciicast file (`ctrl-] r` starts/stops at runtime).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,
    /// asciicast version to write.
    #[arg(long, value_enum, value_name = "v2|v3")]
    pub record_format: Option<RecordFormat>,
    /// Also record keystrokes (off by default: they can hold secrets).
    #[arg(long)]
    pub record_input: bool,
    /// Also record each pane's own output, one cast per pane, into this directory.
    #[arg(long, value_name = "DIR")]
    pub record_panes: Option<PathBuf>,
    /// Seconds without output after which a pane counts as idle.
    #[arg(long, default_value_t = 5.0, value_name = "SECS", value_parser = parse_seconds)]
    pub idle_after: f64,
    /// Run this command (with the pane name and the reason as arguments) when a pane
    /// needs you, e.g. notify-send.
    #[arg(long, value_name = "COMMAND")]
    pub notify_command: Option<String>,
    /// The task handed to the first holder (overrides the preset's task).
    #[arg(long, value_name = "TEXT")]
    pub task: Option<String>,
    /// Continue a session (an id from `rallish-tui sessions`, or `last`): its panes,
    /// layout, scratchpad, turn and baton holder come back, and each pane restarts with
    /// its role's `resume_command` where it has one.
    #[arg(long, value_name = "ID|last", conflicts_with_all = ["preset", "panes", "roles", "task"])]
    pub resume: Option<String>,
}

/// asciicast versions, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RecordFormat {
    V2,
    V3,
}

impl From<RecordFormat> for crate::recorder::CastFormat {
    fn from(format: RecordFormat) -> Self {
        match format {
            RecordFormat::V2 => crate::recorder::CastFormat::V2,
            RecordFormat::V3 => crate::recorder::CastFormat::V3,
        }
    }
}

/// The hooks agent CLIs call.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// claude's `UserPromptSubmit`: the agent took a prompt.
    PromptSubmitted,
    /// claude's `Stop`: the agent finished answering.
    TurnEnded,
    /// claude's `PermissionRequest`: it shows a permission prompt.
    PermissionRequest,
    /// claude's `Notification`: a permission prompt, a dialog or an idle prompt.
    Notification,
    /// codex's `notify`: [`YOUR_NOTIFY`...] PAYLOAD.
    CodexNotify {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 1..)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pass the baton from this pane (run inside a rallish-tui pane).
    Pass {
        /// The pane to pass to (default: the next one in order).
        #[arg(long)]
        to: Option<String>,
        /// The handoff note; `-` reads it from standard input.
        #[arg(long, conflicts_with = "note_file")]
        note: Option<String>,
        /// Read the handoff note from a file.
        #[arg(long, value_name = "FILE")]
        note_file: Option<PathBuf>,
    },
    /// Show who holds the baton (run inside a rallish-tui pane).
    Status {
        /// Print the status as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Read or add to the rally's shared scratchpad (run inside a rallish-tui pane).
    Scratch {
        #[command(subcommand)]
        command: ScratchCommand,
    },
    /// Called by agent CLIs' own hooks, which rallish-tui wires in when it starts them
    /// (see the README's "Agents" section); not for people.
    #[command(hide = true)]
    Hook {
        #[command(subcommand)]
        event: HookCommand,
    },
    /// List the sessions that `--resume` can continue, newest last.
    Sessions,
    /// A small deterministic stand-in for an agent CLI, used by the demo rally.
    DemoAgent {
        #[arg(long)]
        name: String,
        /// Pause between the lines of its pretend work, in milliseconds.
        #[arg(long, default_value_t = 250)]
        work_ms: u64,
        /// Do not pass the baton after working.
        #[arg(long)]
        no_pass: bool,
    },
    /// List the presets, or show one.
    Presets {
        #[command(subcommand)]
        command: PresetsCommand,
    },
    /// Validate config, preset, theme and keymap files (without FILES: your config
    /// directory's files and the built-ins). Exits 0 when all are valid, 2 otherwise.
    Check {
        #[arg(value_name = "FILES")]
        files: Vec<PathBuf>,
    },
    /// Check the setup: agent CLIs on the PATH, terminal colours, clipboard, runtime
    /// directory, config.
    Doctor {
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Where the configuration lives.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScratchCommand {
    /// Print the scratchpad.
    Read,
    /// Add an entry tagged with this pane and the time (any pane may).
    Append {
        /// The text; `-` or nothing reads standard input.
        text: Option<String>,
    },
    /// Replace the whole scratchpad with standard input (the baton holder only).
    Write {
        /// `-`: the new text comes from standard input.
        #[arg(value_name = "-", value_parser = only_stdin)]
        from: String,
    },
}

fn only_stdin(text: &str) -> Result<String, String> {
    if text == "-" {
        Ok(text.to_string())
    } else {
        Err("scratch write takes the new text on standard input: `scratch write -`".into())
    }
}

#[derive(Debug, Subcommand)]
pub enum PresetsCommand {
    /// Every preset --preset can name, with where it comes from.
    List,
    /// Print a preset's file.
    Show { name: String },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of config.toml (which need not exist).
    Path,
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && (0.0..=86_400.0).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "expected seconds between 0 and 86400, got {text:?}"
        )),
    }
}

fn parse_pane(text: &str) -> Result<(String, String), String> {
    let (name, command) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=COMMAND, got {text:?}"))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "pane name {name:?} must be letters, digits, '-', '_' or '.'"
        ));
    }
    if command.trim().is_empty() {
        return Err(format!("pane {name} has no command"));
    }
    Ok((name.to_string(), command.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_parse_name_and_command() {
        assert_eq!(
            parse_pane("a=bash -l").unwrap(),
            ("a".into(), "bash -l".into())
        );
        assert_eq!(
            parse_pane("x=echo a=b").unwrap(),
            ("x".into(), "echo a=b".into())
        );
        assert!(parse_pane("nocommand").is_err());
        assert!(parse_pane("=bash").is_err());
        assert!(parse_pane("a b=bash").is_err());
        assert!(parse_pane("a=  ").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
