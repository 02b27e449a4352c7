//! rallish-tui: AI coding-agent CLIs side by side in PTY panes, taking turns with a baton.

pub mod action;
pub mod agents;
pub mod app;
pub mod baton;
pub mod cli;
pub mod config;
pub mod control;
pub mod demo_agent;
pub mod keymap;
pub mod layout;
pub mod logging;
pub mod note;
pub mod pane;
pub mod paths;
pub mod preset;
pub mod rally_end;
pub mod recorder;
pub mod session;
pub mod terminal;
pub mod theme;
pub mod toml_source;
pub mod ui;

use std::path::Path;

use anyhow::Context as _;

use crate::app::AppConfig;
use crate::baton::Routing;
use crate::cli::RallyArgs;
use crate::keymap::Keymap;
use crate::pane::PaneSpec;
use crate::theme::Theme;

/// What the demo rally's first agent is told to start with.
const DEMO_KICKOFF: &str = "Start the demo rally: do a little work, then pass the baton.";

/// Checks every input, then runs the rally. Errors here happen before the screen is
/// touched, so they print plainly.
pub fn start(args: RallyArgs) -> anyhow::Result<()> {
    let keymap = load_keymap(&args.keymap)?;
    let mut theme = Theme::default();
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colour();
    }
    let exe = std::env::current_exe().context("locating the rallish-tui binary")?;
    let demo = args.panes.is_empty();
    let panes = if demo { demo_panes(&exe) } else { args.panes };
    let path_env = child_path(&exe);
    let specs = panes
        .into_iter()
        .map(|(name, command)| PaneSpec {
            name,
            command,
            cwd: None,
            env: path_env.clone().into_iter().collect(),
        })
        .collect::<Vec<_>>();
    let mut names = std::collections::HashSet::new();
    if let Some(dup) = specs.iter().find(|s| !names.insert(s.name.as_str())) {
        anyhow::bail!("two panes are named {:?}; pane names must differ", dup.name);
    }
    let _log_guard = logging::init(&paths::state_dir());
    app::run(AppConfig {
        panes: specs,
        layout: args.layout,
        scrollback: args.scrollback,
        keymap,
        theme,
        routing: Routing::RoundRobin,
        first: 0,
        max_turns: args.max_turns,
        note_template: note::DEFAULT_TEMPLATE.to_string(),
        kickoff: demo.then(|| DEMO_KICKOFF.to_string()),
    })
}

fn load_keymap(name: &str) -> anyhow::Result<Keymap> {
    if let Some(builtin) = Keymap::builtin(name) {
        return Ok(builtin?);
    }
    let path = Path::new(name);
    if path.exists() {
        return Ok(Keymap::load_file(path)?);
    }
    anyhow::bail!("no keymap {name:?}: not a built-in (default, tmux) and no such file")
}

fn demo_panes(exe: &Path) -> Vec<(String, String)> {
    let exe = shell_quote(&exe.display().to_string());
    ["alice", "bob"]
        .into_iter()
        .map(|name| (name.to_string(), format!("{exe} demo-agent --name {name}")))
        .collect()
}

/// Children find `rallish-tui` on their PATH (to run `rallish-tui pass`) even when it
/// is not installed: our own directory goes first.
fn child_path(exe: &Path) -> Option<(String, String)> {
    let dir = exe.parent()?;
    let mut path = dir.as_os_str().to_owned();
    if let Some(existing) = std::env::var_os("PATH") {
        path.push(":");
        path.push(existing);
    }
    Some(("PATH".to_string(), path.to_string_lossy().into_owned()))
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
