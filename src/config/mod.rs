//! `config.toml` in the platform config directory: the defaults a person sets once. Every
//! key has a default and the file itself is optional. The same directory holds the user's
//! `presets/`, `themes/` and `keymaps/`; `RALLISH_CONFIG_DIR` moves all of it (tests do).

pub mod paths;
pub mod toml_source;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::recorder::CastFormat;
use toml_source::{FileError, Source};

/// The user's configuration directory.
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RALLISH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = crate::config::paths::xdg_on_macos("XDG_CONFIG_HOME") {
        return dir;
    }
    directories::ProjectDirs::from("", "", "rallish-tui").map_or_else(
        || std::env::temp_dir().join("rallish-tui").join("config"),
        |dirs| dirs.config_dir().to_path_buf(),
    )
}

/// `config.toml` in [`config_dir`].
pub fn config_file() -> PathBuf {
    config_dir().join("config.toml")
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The preset `rallish-tui` runs without `--preset` or `--pane`.
    pub preset: String,
    pub theme: String,
    pub keymap: String,
    /// Lines of history kept per pane.
    pub scrollback_lines: usize,
    /// Log file level when `RALLISH_LOG` is not set.
    pub log_level: LogLevel,
    pub clipboard: ClipboardMode,
    pub recording: RecordingDefaults,
    /// The scratchpad's cap and compaction, unless the preset sets them.
    pub scratchpad: ScratchpadDefaults,
    /// A turn that ends without a pass, unless the preset says.
    pub on_turn_end: crate::rally::end::OnTurnEnd,
}

/// `[scratchpad]`: how big the shared scratchpad may grow and how it is compacted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScratchpadDefaults {
    /// KiB before the oldest entries are compacted (1 to 512).
    pub max_kb: Option<u32>,
    /// Summarises compacted text (on its standard input) instead of the plain
    /// `[compacted ...]` line, e.g. `claude -p "summarise these notes"`.
    pub summarize_command: Option<String>,
    /// Seconds the summarize command may take before the plain line is kept.
    pub summarize_timeout_secs: u64,
}

impl Default for ScratchpadDefaults {
    fn default() -> Self {
        ScratchpadDefaults {
            max_kb: None,
            summarize_command: None,
            summarize_timeout_secs: crate::scratchpad::summarize::DEFAULT_TIMEOUT.as_secs(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            preset: "demo".into(),
            theme: "default".into(),
            keymap: "default".into(),
            scrollback_lines: 10_000,
            log_level: LogLevel::Info,
            clipboard: ClipboardMode::Auto,
            recording: RecordingDefaults::default(),
            scratchpad: ScratchpadDefaults::default(),
            on_turn_end: crate::rally::end::OnTurnEnd::Flag,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// How copied text leaves the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClipboardMode {
    /// The system clipboard when one is reachable, else OSC 52.
    Auto,
    /// The system clipboard only.
    System,
    /// OSC 52 through the host terminal only.
    Osc52,
    /// Never touch a clipboard.
    Off,
}

/// What a recording starts with; the recording itself is the recorder's business.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecordingDefaults {
    /// Record every rally from its start.
    pub enabled: bool,
    /// Where casts go; the session directory when unset.
    pub dir: Option<PathBuf>,
    pub format: CastFormat,
    /// Also record what the person types.
    pub record_input: bool,
}

impl Default for RecordingDefaults {
    fn default() -> Self {
        RecordingDefaults {
            enabled: false,
            dir: None,
            format: CastFormat::V2,
            record_input: false,
        }
    }
}

impl Config {
    /// Parses config text; `origin` names it in error messages.
    pub fn parse_str(text: &str, origin: &str) -> Result<Config, FileError> {
        Source::new(text, origin)
            .deserialize::<Config>()
            .map(|(config, _)| config)
    }

    /// `explicit` (from `--config`) must exist; the default file may be missing.
    pub fn load(explicit: Option<&Path>) -> Result<Config, FileError> {
        let path = explicit.map_or_else(config_file, Path::to_path_buf);
        if explicit.is_none() && !path.exists() {
            return Ok(Config::default());
        }
        let text = toml_source::read(&path, "config")?;
        Self::parse_str(&text, &path.display().to_string())
    }
}

/// Where a `NAME`-or-`FILE` argument (`--preset`, `--theme`, `--keymap`) points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A file: a path given as such, or `NAME.toml` in the user's directory.
    File(PathBuf),
    /// No file: the built-in of that name, if there is one.
    Builtin,
}

/// A name with a `/` or ending in `.toml` is a path; otherwise the user's `sub/NAME.toml`
/// wins over a built-in of the same name.
pub fn find(name: &str, sub: &str) -> Found {
    let toml = Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"));
    if name.contains('/') || toml {
        return Found::File(PathBuf::from(name));
    }
    let user = config_dir().join(sub).join(format!("{name}.toml"));
    if user.is_file() {
        Found::File(user)
    } else {
        Found::Builtin
    }
}

/// The `*.toml` files in the user's `sub/` directory, sorted; none when it is missing.
pub fn user_files(sub: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(config_dir().join(sub)) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_default() {
        assert_eq!(
            Config::parse_str("", "c.toml").ok(),
            Some(Config::default())
        );
        let text = "preset = \"pair-review\"\nscrollback_lines = 500\nclipboard = \"osc52\"\n\
                    log_level = \"debug\"\n[recording]\nenabled = true\nformat = \"v3\"\n";
        let config = Config::parse_str(text, "c.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.preset, "pair-review");
        assert_eq!(config.theme, "default");
        assert_eq!(config.scrollback_lines, 500);
        assert_eq!(config.clipboard, ClipboardMode::Osc52);
        assert_eq!(config.log_level, LogLevel::Debug);
        assert!(config.recording.enabled && !config.recording.record_input);
        assert_eq!(config.recording.format, CastFormat::V3);
        let text = "[scratchpad]\nmax_kb = 8\nsummarize_command = \"head -c 100\"\n";
        let config = Config::parse_str(text, "c.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.scratchpad.max_kb, Some(8));
        assert_eq!(config.scratchpad.summarize_timeout_secs, 60);
    }

    #[test]
    fn malformed_config_points_at_the_key() {
        let cases = [
            (
                "scrollback = 5\n",
                "c.toml:1:1: unknown key \"scrollback\", expected one of",
                "(key scrollback)",
            ),
            (
                "clipboard = \"xclip\"\n",
                "c.toml:1:13: unknown variant \"xclip\", expected one of \"auto\"",
                "(key clipboard)",
            ),
            (
                "[recording]\nenabled = \"yes\"\n",
                "c.toml:2:11: invalid type: string \"yes\", expected a boolean",
                "(key recording.enabled)",
            ),
        ];
        for (text, start, end) in cases {
            let shown = Config::parse_str(text, "c.toml")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(shown.starts_with(start), "{text:?}: {shown}");
            assert!(shown.ends_with(end), "{text:?}: {shown}");
        }
    }

    #[test]
    fn paths_and_names() {
        assert_eq!(find("x/y.toml", "themes"), Found::File("x/y.toml".into()));
        assert_eq!(find("mine.toml", "themes"), Found::File("mine.toml".into()));
    }
}
