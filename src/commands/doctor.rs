//! `rallish-tui doctor`: what this machine offers a rally. Agent CLIs on the PATH with
//! their versions, the terminal's colours, the clipboard, the runtime directory and the
//! configuration, as a table or as JSON.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;

use crate::agents::AGENTS;
use crate::commands::check::{self, Kind};
use crate::config;
use crate::process::{self, RunError};

/// How long `X --version` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Serialize)]
pub struct Report {
    pub agents: Vec<AgentStatus>,
    pub terminal: TerminalStatus,
    pub clipboard: ClipboardStatus,
    pub runtime_dir: DirStatus,
    pub config: ConfigStatus,
}

#[derive(Debug, Serialize)]
pub struct AgentStatus {
    pub name: String,
    pub path: Option<PathBuf>,
    pub version: Option<String>,
    /// Why no version was read, when the binary is there.
    pub problem: Option<String>,
    /// How it passes the baton in a rally, when a rally with it works.
    pub rally: Option<String>,
    /// Why a rally with it would not work, when the binary is there.
    pub rally_problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TerminalStatus {
    pub term: Option<String>,
    pub colorterm: Option<String>,
    /// "24-bit", "256", "16", "none" or "off (`NO_COLOR`)".
    pub colours: String,
}

#[derive(Debug, Serialize)]
pub struct ClipboardStatus {
    /// A system clipboard is there: always on macOS, else a display server (DISPLAY or
    /// `WAYLAND_DISPLAY` is set).
    pub system: bool,
    /// Over ssh copies go through OSC 52 to the person's own terminal.
    pub over_ssh: bool,
    pub display: Option<String>,
    pub wayland_display: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DirStatus {
    pub path: PathBuf,
    pub writable: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConfigStatus {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub file_exists: bool,
    /// Every fault in config.toml and the user's presets, themes and keymaps.
    pub errors: Vec<String>,
}

/// Runs every check.
pub fn report() -> Report {
    Report {
        agents: agents(),
        terminal: terminal(),
        clipboard: clipboard(),
        runtime_dir: runtime_dir(),
        config: config_status(),
    }
}

/// Prints the report and returns the exit code (0; 1 when the config has errors).
pub fn run(json: bool) -> i32 {
    let report = report();
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(err) => {
                eprintln!("rallish-tui: {err}");
                return 1;
            }
        }
    } else {
        print!("{}", table(&report));
    }
    i32::from(!report.config.errors.is_empty())
}

/// The report as aligned text.
pub fn table(report: &Report) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for agent in &report.agents {
        let (state, detail) = match (&agent.path, &agent.version, &agent.problem) {
            (None, _, _) => ("missing", "not on PATH".to_string()),
            (Some(path), Some(v), _) => ("ok", format!("{v} ({})", path.display())),
            (Some(path), None, problem) => (
                "warn",
                format!(
                    "{} ({})",
                    problem.as_deref().unwrap_or("no version"),
                    path.display()
                ),
            ),
        };
        rows.push((format!("agent {}", agent.name), state.into(), detail));
        match (&agent.rally, &agent.rally_problem) {
            (Some(route), _) => rows.push((String::new(), "ok".into(), format!("rally: {route}"))),
            (None, Some(why)) => {
                rows.push((String::new(), "error".into(), format!("rally: {why}")));
            }
            (None, None) => {}
        }
    }
    let terminal = &report.terminal;
    let colour_state = if terminal.colours.starts_with("none") {
        "warn"
    } else {
        "ok"
    };
    rows.push((
        "terminal".into(),
        colour_state.into(),
        format!(
            "TERM={} COLORTERM={} colours: {}{}",
            terminal.term.as_deref().unwrap_or("(unset)"),
            terminal.colorterm.as_deref().unwrap_or("(unset)"),
            terminal.colours,
            if matches!(terminal.colours.as_str(), "256" | "16") {
                " (24-bit colours are shown as the nearest of 256)"
            } else {
                ""
            }
        ),
    ));
    let clipboard = &report.clipboard;
    rows.push((
        "clipboard".into(),
        if clipboard.system || clipboard.over_ssh {
            "ok"
        } else {
            "warn"
        }
        .into(),
        if clipboard.over_ssh {
            "over ssh: copying goes through OSC 52 to your own terminal".into()
        } else if cfg!(target_os = "macos") {
            "the macOS pasteboard".into()
        } else if clipboard.system {
            "a display server is set (DISPLAY or WAYLAND_DISPLAY)".into()
        } else {
            "no DISPLAY or WAYLAND_DISPLAY: copying goes through OSC 52 only".into()
        },
    ));
    let runtime_dir = &report.runtime_dir;
    rows.push((
        "runtime dir".into(),
        if runtime_dir.writable { "ok" } else { "error" }.into(),
        match &runtime_dir.problem {
            None => format!("{} is writable", runtime_dir.path.display()),
            Some(p) => format!("{}: {p}", runtime_dir.path.display()),
        },
    ));
    let cfg = &report.config;
    let detail = match (cfg.file_exists, cfg.errors.len()) {
        (_, 0) if cfg.file_exists => format!("{} is valid", cfg.file.display()),
        (_, 0) => format!("{} (none: defaults apply)", cfg.file.display()),
        (_, n) => format!("{n} file(s) with errors; run `rallish-tui check`"),
    };
    rows.push((
        "config".into(),
        if cfg.errors.is_empty() { "ok" } else { "error" }.into(),
        detail,
    ));
    let width = rows.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, state, detail) in rows {
        let _ = writeln!(out, "{name:<width$}  {state:<7}  {detail}");
    }
    for err in &cfg.errors {
        let _ = writeln!(out, "  {err}");
    }
    out
}

fn agents() -> Vec<AgentStatus> {
    let (tx, rx) = mpsc::channel();
    for (i, agent) in AGENTS.iter().enumerate() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let path = find_on_path(agent.name);
            let (version, problem) = match &path {
                None => (None, None),
                Some(path) => match version_of(path) {
                    Ok(v) => (Some(v), None),
                    Err(why) => (None, Some(why)),
                },
            };
            let (rally, rally_problem) = match path.as_deref().map(|p| rally_check(agent, p)) {
                None => (None, None),
                Some(Ok(route)) => (Some(route), None),
                Some(Err(why)) => (None, Some(why)),
            };
            let _ = tx.send((
                i,
                AgentStatus {
                    name: agent.name.to_string(),
                    path,
                    version,
                    problem,
                    rally,
                    rally_problem,
                },
            ));
        });
    }
    drop(tx);
    let mut found: Vec<_> = rx.iter().collect();
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, status)| status).collect()
}

/// The first executable called `name` on the PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The first line `X --version` prints, within [`VERSION_TIMEOUT`].
fn version_of(path: &Path) -> Result<String, String> {
    let (status, out) = run_briefly(path, "--version")?;
    match out.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) if status.success() => Ok(line.to_string()),
        Some(line) => Err(format!("--version failed: {line}")),
        None => Err(format!("--version printed nothing ({status})")),
    }
}

/// Whether a rally with this agent works: its `--help` lists every flag rallish-tui adds
/// when it starts it. `Ok` says how it passes the baton.
fn rally_check(agent: &crate::agents::Agent, path: &Path) -> Result<String, String> {
    let flags = crate::agents::added_flags(agent.name);
    if flags.is_empty() {
        return Ok(agent.pass_route.to_string());
    }
    let (_, help) = run_briefly(path, "--help")?;
    let missing: Vec<&str> = flags
        .iter()
        .filter(|flag| {
            !help
                .split(|c: char| c.is_whitespace() || c == ',')
                .any(|w| w == flag.as_str())
        })
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        Ok(agent.pass_route.to_string())
    } else {
        Err(format!(
            "its --help lacks {}, which a rally needs: update {}",
            missing.join(", "),
            agent.name
        ))
    }
}

/// Runs `path arg` for at most [`VERSION_TIMEOUT`]: its exit status and its standard
/// output (standard error when that is empty).
fn run_briefly(path: &Path, arg: &str) -> Result<(std::process::ExitStatus, String), String> {
    let mut cmd = Command::new(path);
    cmd.arg(arg);
    let done = match process::run(&mut cmd, None, VERSION_TIMEOUT, usize::MAX) {
        Ok(done) => done,
        Err(RunError::Spawn(err)) => return Err(format!("cannot run it: {err}")),
        Err(_) => return Err(format!("{arg} did not answer in time")),
    };
    let mut out = String::from_utf8_lossy(&done.stdout).into_owned();
    if out.trim().is_empty() {
        out = String::from_utf8_lossy(&done.stderr).into_owned();
    }
    Ok((done.status, out))
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn terminal() -> TerminalStatus {
    let term = var("TERM");
    let colorterm = var("COLORTERM");
    let colours = if var("NO_COLOR").is_some() {
        "off (NO_COLOR)"
    } else if crate::host::colours::ColourDepth::of_host()
        == crate::host::colours::ColourDepth::TrueColor
    {
        "24-bit"
    } else {
        match term.as_deref() {
            None | Some("dumb") => "none",
            Some(t) if t.contains("256color") => "256",
            Some(_) => "16",
        }
    };
    TerminalStatus {
        term,
        colorterm,
        colours: colours.into(),
    }
}

fn clipboard() -> ClipboardStatus {
    let display = var("DISPLAY");
    let wayland_display = var("WAYLAND_DISPLAY");
    ClipboardStatus {
        system: cfg!(target_os = "macos") || display.is_some() || wayland_display.is_some(),
        over_ssh: crate::host::clipboard::over_ssh(),
        display,
        wayland_display,
    }
}

fn runtime_dir() -> DirStatus {
    let path = crate::control::runtime_dir();
    let probe = path.join(format!(".doctor-{}", std::process::id()));
    let result = crate::config::paths::private_dir(&path)
        .and_then(|()| std::fs::write(&probe, b"ok"))
        .and_then(|()| std::fs::remove_file(&probe));
    DirStatus {
        path,
        writable: result.is_ok(),
        problem: result.err().map(|e| e.to_string()),
    }
}

fn config_status() -> ConfigStatus {
    let file = config::config_file();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    if file.is_file() {
        files.push((file.clone(), Kind::Config));
    }
    for (sub, kind) in [
        ("presets", Kind::Preset),
        ("themes", Kind::Theme),
        ("keymaps", Kind::Keymap),
    ] {
        files.extend(config::user_files(sub).into_iter().map(|p| (p, kind)));
    }
    for (path, kind) in files {
        if let (_, Err(err)) = check::check_file(&path, Some(kind)) {
            errors.push(err.to_string());
        }
    }
    ConfigStatus {
        dir: config::config_dir(),
        file_exists: file.is_file(),
        file,
        errors,
    }
}
