//! rallish-tui: AI coding-agent CLIs side by side in PTY panes, taking turns with a baton.
//!
//! Unit tests sit at the end of their file in `mod tests`, or, when long, in
//! `<module>/tests.rs` beside it; the app's in-process tests are in `app/tests/`, and
//! `tests/` holds the end-to-end ones that need the real binary in a PTY.

// `unsafe` lives in `sys` (the system calls std lacks) and `pane::process_tree` (macOS's
// process table), and nowhere else.
#![deny(unsafe_code)]

// Unix sockets, signals and process groups are the design, not details to port.
#[cfg(windows)]
compile_error!(
    "rallish-tui runs on Unix (Linux, macOS): it needs Unix sockets, signals and process \
     groups. On Windows, run it inside WSL (Windows Subsystem for Linux)."
);

pub mod agents;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod control;
pub mod durable;
pub mod host;
pub mod input;
pub mod local_time;
pub mod logging;
pub mod pane;
pub mod preset;
pub mod process;
pub mod rally;
pub mod recorder;
pub mod scratchpad;
pub mod session;
#[allow(unsafe_code)]
mod sys;
pub mod ui;

use std::path::Path;

use anyhow::Context as _;

use crate::config::paths;
use crate::rally::{baton, end as rally_end, note, review};
use crate::session::resume;
use crate::ui::layout;

use crate::app::{AppConfig, NotifyConfig, RecordConfig};
use crate::cli::RallyArgs;
use crate::config::{Config, Found};
use crate::input::keymap::Keymap;
use crate::pane::PaneSpec;
use crate::preset::Preset;
use crate::ui::theme::Theme;

/// Checks every input, then runs the rally. Errors here happen before the screen is
/// touched, so they print plainly (and the binary exits 2).
pub fn start(args: RallyArgs) -> anyhow::Result<()> {
    let config = Config::load(args.config.as_deref())?;
    let exe = std::env::current_exe().context("locating the rallish-tui binary")?;
    let app_config = app_config(&args, &config, &exe)?;
    let _log_guard = logging::init(&paths::state_dir(), config.log_level.as_str());
    app::run(app_config)
}

/// What the app starts with, from the command line and the config file; `exe` is this
/// binary, which agents call to pass the baton.
fn app_config(args: &RallyArgs, config: &Config, exe: &Path) -> anyhow::Result<AppConfig> {
    let keymap = load_keymap(args.keymap.as_deref().unwrap_or(&config.keymap))?;
    let mut theme = load_theme(args.theme.as_deref().unwrap_or(&config.theme))?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colour();
    }
    let rally = match &args.resume {
        Some(which) => resumed_rally(which, args, exe)?,
        None => new_rally(args, config, exe)?,
    };
    let mut scratchpad = scratchpad::Settings::new(
        rally.record.scratchpad.max_kb,
        rally.record.scratchpad.summarize_command.clone(),
    );
    scratchpad.summarize_timeout =
        std::time::Duration::from_secs(config.scratchpad.summarize_timeout_secs.max(1));
    Ok(AppConfig {
        panes: rally.panes,
        layout: args.layout.or(rally.layout),
        scrollback: args.scrollback.unwrap_or(config.scrollback_lines),
        keymap,
        theme,
        routing: rally.routing,
        next: rally.next,
        first: rally.first,
        person: rally.person,
        rules: rally.rules,
        note_template: rally.note_template,
        task: rally.task,
        record: RecordConfig {
            path: args.record.clone(),
            in_session: config.recording.enabled,
            dir: config.recording.dir.clone(),
            format: args
                .record_format
                .map_or(config.recording.format, Into::into),
            input: args.record_input || config.recording.record_input,
            panes_dir: args.record_panes.clone(),
            idle_time_limit: None,
        },
        title: rally.record.title.clone(),
        idle_after: std::time::Duration::from_secs_f64(args.idle_after),
        notify: NotifyConfig {
            command: args.notify_command.clone(),
            ..NotifyConfig::default()
        },
        session: app::SessionStart {
            resuming: args.resume.is_some(),
            record: rally.record,
        },
        scratchpad,
        clipboard: config.clipboard,
        review: rally.review,
        // Single quotes: a note in double quotes would have its backticks and $(...) run
        // by the shell, and notes quote code.
        pass_command: format!(
            "{} pass --note '...'",
            preset::shell_quote(&exe.display().to_string())
        ),
    })
}

/// A rally ready to run: what the app starts with, and the record that brings it back.
struct Rally {
    panes: Vec<PaneSpec>,
    review: Option<app::ReviewConfig>,
    layout: Option<layout::LayoutKind>,
    routing: baton::Routing,
    next: Vec<(pane::PaneId, pane::PaneId)>,
    first: pane::PaneId,
    person: Option<app::Person>,
    rules: rally_end::Rules,
    note_template: String,
    task: Option<String>,
    record: resume::SessionRecord,
}

/// A rally from a preset (or `--pane` panes) and the command line.
fn new_rally(args: &RallyArgs, config: &Config, exe: &Path) -> anyhow::Result<Rally> {
    let mut preset = match &args.preset {
        None if !args.panes.is_empty() => Preset::adhoc(args.panes.clone()),
        name => {
            Preset::load(name.as_deref().unwrap_or(&config.preset))?.with_panes(args.panes.clone())
        }
    };
    for (role, command) in &args.roles {
        preset.set_role(role, command).map_err(anyhow::Error::msg)?;
    }
    preset.check_unique_roles().map_err(anyhow::Error::msg)?;
    if args.max_turns.is_some() {
        preset.max_turns = args.max_turns;
    }
    if args.task.is_some() {
        preset.task.clone_from(&args.task);
    }
    let person = preset.person_route().map_err(anyhow::Error::msg)?;
    let mut panes = preset
        .pane_roles()
        .map(|role| {
            agent_pane(
                &role.name,
                &role.command_line(exe),
                role.cwd.clone(),
                role.env.clone(),
                exe,
            )
        })
        .collect::<Vec<_>>();
    let note_template = preset
        .note_template
        .clone()
        .unwrap_or_else(|| note::DEFAULT_TEMPLATE.to_string());
    // A template that asks for the diff gets a review with default settings.
    let review = preset.review.clone().or_else(|| {
        note_template.contains("{diff").then_some(preset::Review {
            max_diff_lines: review::DEFAULT_MAX_LINES,
            diff_pane: false,
        })
    });
    let review = match review {
        Some(review) => {
            let dir = std::env::current_dir().context("reading the working directory")?;
            let diff_pane = review.diff_pane.then(|| {
                panes.push(PaneSpec {
                    reports_prompts: false,
                    agent: None,
                    name: preset::DIFF_PANE.into(),
                    command: app::DIFF_PANE_COMMAND.into(),
                    cwd: Some(dir.clone()),
                    env: Vec::new(),
                    label: Some("git diff of each turn".into()),
                });
                pane::PaneId::new(panes.len() - 1)
            });
            Some(app::ReviewConfig {
                dir,
                max_diff_lines: review.max_diff_lines,
                diff_pane,
            })
        }
        None => None,
    };
    let index = |name: &str| {
        preset
            .pane_roles()
            .position(|r| r.name == name)
            .map(pane::PaneId::new)
    };
    let next = preset
        .next
        .iter()
        .filter_map(|(from, to)| Some((index(from)?, index(to)?)))
        .collect();
    let first = preset
        .roles
        .get(preset.first)
        .and_then(|role| index(&role.name))
        .unwrap_or(pane::PaneId::new(0));
    let mut rules = preset.rules();
    rules.on_turn_end = preset.on_turn_end.unwrap_or(config.on_turn_end);
    for condition in &mut rules.exit_when {
        if let rally_end::ExitCondition::Command(command) = condition {
            *command = preset::expand_self(command, exe);
        }
    }
    let record = resume::SessionRecord {
        id: String::new(),
        started: 0.0,
        updated: 0.0,
        title: preset.name.clone(),
        layout: String::new(),
        holder: None,
        turn: 1,
        paused: false,
        ended: false,
        budget: resume::BudgetUsed::default(),
        rally: resume::RallyRecord::from_rules(
            &rules,
            preset.routing,
            preset.next.iter().cloned().collect(),
            note_template.clone(),
        )
        .with_person(person.clone()),
        scratchpad: resume::ScratchRecord {
            max_kb: preset.scratchpad_max_kb.or(config.scratchpad.max_kb),
            summarize_command: preset
                .summarize_command
                .clone()
                .or_else(|| config.scratchpad.summarize_command.clone()),
            ..resume::ScratchRecord::default()
        },
        panes: preset
            .pane_roles()
            .map(|role| resume::PaneRecord {
                name: role.name.clone(),
                command: role.command_line(exe),
                resume_command: role
                    .resume_command
                    .as_deref()
                    .map(|c| preset::expand_self(c, exe)),
                cwd: role.cwd.clone(),
                env: role.env.iter().cloned().collect(),
            })
            .collect(),
    };
    Ok(Rally {
        panes,
        layout: preset.layout,
        routing: preset.routing,
        next,
        first,
        person: person_seat(person.as_ref(), index),
        rules,
        note_template,
        task: preset.task.clone(),
        review,
        record,
    })
}

/// The person's seat by pane index, `index` finding a pane by its role's name.
fn person_seat(
    route: Option<&preset::PersonRoute>,
    index: impl Fn(&str) -> Option<pane::PaneId>,
) -> Option<app::Person> {
    route.map(|route| app::Person {
        name: route.name.clone(),
        after: route
            .after
            .iter()
            .filter_map(|(from, to)| Some((index(from)?, index(to)?)))
            .collect(),
    })
}

/// `--resume ID|last`: the rally its record describes, each pane on its resume command.
fn resumed_rally(which: &str, args: &RallyArgs, exe: &Path) -> anyhow::Result<Rally> {
    let record = resume::find(&paths::state_dir(), which)?;
    let panes = record
        .panes
        .iter()
        .map(|pane| {
            agent_pane(
                &pane.name,
                pane.resume_line(),
                pane.cwd.clone(),
                pane.env.clone(),
                exe,
            )
        })
        .collect::<Vec<_>>();
    if panes.is_empty() {
        anyhow::bail!("session {} has no panes to resume", record.id);
    }
    let index = |name: &str| {
        record
            .panes
            .iter()
            .position(|p| p.name == name)
            .map(pane::PaneId::new)
    };
    let next = record
        .rally
        .next
        .iter()
        .filter_map(|(from, to)| Some((index(from)?, index(to)?)))
        .collect();
    let mut rules = record.rally.rules();
    if args.max_turns.is_some() {
        rules.max_turns = args.max_turns;
    }
    Ok(Rally {
        panes,
        review: None,
        layout: record.layout_kind(),
        routing: record.rally.routing,
        next,
        first: record
            .holder
            .as_deref()
            .and_then(index)
            .unwrap_or(pane::PaneId::new(0)),
        person: person_seat(record.rally.person().as_ref(), index),
        rules,
        note_template: record.rally.note_template.clone(),
        task: None,
        record,
    })
}

/// `--keymap NAME|FILE`: the user's keymaps/NAME.toml, a built-in, or a file.
pub fn load_keymap(name: &str) -> anyhow::Result<Keymap> {
    match config::find(name, "keymaps") {
        Found::File(path) => Ok(Keymap::load_file(&path)?),
        Found::Builtin => match Keymap::builtin(name) {
            Some(keymap) => Ok(keymap?),
            None => anyhow::bail!(
                "no keymap {name:?}: not in {} and not a built-in ({})",
                config::config_dir().join("keymaps").display(),
                Keymap::builtin_names().collect::<Vec<_>>().join(", ")
            ),
        },
    }
}

/// `--theme NAME|FILE`: the user's themes/NAME.toml, a built-in, or a file.
pub fn load_theme(name: &str) -> anyhow::Result<Theme> {
    match config::find(name, "themes") {
        Found::File(path) => Ok(Theme::load_file(&path)?),
        Found::Builtin => match Theme::builtin(name) {
            Some(theme) => Ok(theme?),
            None => anyhow::bail!(
                "no theme {name:?}: not in {} and not a built-in ({})",
                config::config_dir().join("themes").display(),
                Theme::builtin_names().collect::<Vec<_>>().join(", ")
            ),
        },
    }
}

/// A pane running `command`, with what the agent it starts needs for a rally added
/// ([`agents::integrate`]) and our PATH entry before its own `env`; its border shows the
/// command as given.
fn agent_pane(
    name: &str,
    command: &str,
    cwd: Option<std::path::PathBuf>,
    env: impl IntoIterator<Item = (String, String)>,
    exe: &Path,
) -> PaneSpec {
    let integrated = agents::integrate(command, exe);
    PaneSpec {
        name: name.to_string(),
        label: (integrated != command).then(|| command.to_string()),
        reports_prompts: agents::reports_prompts(command),
        agent: agents::started_by(command).map(|agent| agent.name),
        command: integrated,
        cwd,
        env: child_path(exe)
            .into_iter()
            .chain(agents::env_for(command, &paths::state_dir()))
            .chain(env)
            .collect(),
    }
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
