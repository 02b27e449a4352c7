//! `rallish-tui check [FILES...]`: validates config, preset, theme and keymap files, one
//! line per file, each fault as `path:line:column: what (key a.b.c)`.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::config::toml_source::{self, FileError};
use crate::config::{self, Config};
use crate::input::keymap::{Keymap, Mode};
use crate::preset::Preset;
use crate::ui::theme::Theme;

/// What a file is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Config,
    Preset,
    Theme,
    Keymap,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Config => "config",
            Kind::Preset => "preset",
            Kind::Theme => "theme",
            Kind::Keymap => "keymap",
        })
    }
}

/// The kind of a file: by its directory (`presets/`, `themes/`, `keymaps/`) or name
/// (`config.toml`), else by its top-level keys.
pub fn kind_of(path: &Path, text: &str) -> Kind {
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str());
    match dir {
        Some("presets") => return Kind::Preset,
        Some("themes") => return Kind::Theme,
        Some("keymaps") => return Kind::Keymap,
        _ => {}
    }
    if path.file_name().is_some_and(|n| n == "config.toml") {
        return Kind::Config;
    }
    let Ok(root) = DeTable::parse(text) else {
        return Kind::Config;
    };
    let has = |key: &str| root.get_ref().keys().any(|k| k.get_ref() == key);
    if ["roles", "routing", "budget", "exit_when", "name"]
        .iter()
        .any(|k| has(k))
    {
        Kind::Preset
    } else if has("palette") || has("slots") || has("baton_symbol") {
        Kind::Theme
    } else if has("prefix_key") || Mode::ALL.iter().any(|m| has(m.name())) {
        Kind::Keymap
    } else if has("inherits") {
        // Both themes and keymaps inherit; only keymaps name their built-ins so.
        let keymap = Keymap::builtin_names().any(|n| text.contains(&format!("\"{n}\"")));
        if keymap && !Theme::builtin_names().any(|n| text.contains(&format!("\"{n}\""))) {
            Kind::Keymap
        } else {
            Kind::Theme
        }
    } else {
        Kind::Config
    }
}

/// Validates one file as `kind`.
pub fn check_text(
    kind: Kind,
    text: &str,
    origin: &str,
    stem: Option<&str>,
) -> Result<(), FileError> {
    match kind {
        Kind::Config => Config::parse_str(text, origin).map(drop),
        Kind::Preset => Preset::parse_str(text, origin, stem).map(drop),
        Kind::Theme => Theme::parse_str(text, origin).map(drop),
        Kind::Keymap => Keymap::parse_str(text, origin).map(drop),
    }
}

/// Validates a file on disk; the kind is returned with the verdict.
pub fn check_file(path: &Path, kind: Option<Kind>) -> (Kind, Result<(), FileError>) {
    let text = match toml_source::read(path, "file") {
        Ok(text) => text,
        Err(err) => return (kind.unwrap_or(Kind::Config), Err(err)),
    };
    let kind = kind.unwrap_or_else(|| kind_of(path, &text));
    let stem = path.file_stem().and_then(|s| s.to_str());
    let origin = path.display().to_string();
    (kind, check_text(kind, &text, &origin, stem))
}

/// Runs the check and returns the exit code: 0 when every file is valid, 2 otherwise.
pub fn run(files: &[PathBuf]) -> i32 {
    let mut checked = 0;
    let mut failed = 0;
    let mut report = |name: String, kind: Kind, result: Result<(), FileError>| {
        checked += 1;
        match result {
            Ok(()) => println!("ok     {name} ({kind})"),
            Err(err) => {
                failed += 1;
                println!("error  {name} ({kind})");
                eprintln!("{err}");
            }
        }
    };
    if files.is_empty() {
        let config = config::config_file();
        if config.is_file() {
            let (kind, result) = check_file(&config, Some(Kind::Config));
            report(config.display().to_string(), kind, result);
        }
        for (sub, kind) in [
            ("presets", Kind::Preset),
            ("themes", Kind::Theme),
            ("keymaps", Kind::Keymap),
        ] {
            for path in config::user_files(sub) {
                let (kind, result) = check_file(&path, Some(kind));
                report(path.display().to_string(), kind, result);
            }
        }
        for name in Preset::builtin_names() {
            if let Some(result) = Preset::builtin(name) {
                report(format!("built-in {name}"), Kind::Preset, result.map(drop));
            }
        }
        for name in Theme::builtin_names() {
            if let Some(result) = Theme::builtin(name) {
                report(format!("built-in {name}"), Kind::Theme, result.map(drop));
            }
        }
        for name in Keymap::builtin_names() {
            if let Some(result) = Keymap::builtin(name) {
                report(format!("built-in {name}"), Kind::Keymap, result.map(drop));
            }
        }
    } else {
        for path in files {
            let (kind, result) = check_file(path, None);
            report(path.display().to_string(), kind, result);
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {checked} files have errors");
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_place_and_by_keys() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(kind_of(&p("a/presets/x.toml"), ""), Kind::Preset);
        assert_eq!(kind_of(&p("a/themes/x.toml"), ""), Kind::Theme);
        assert_eq!(kind_of(&p("a/keymaps/x.toml"), ""), Kind::Keymap);
        assert_eq!(kind_of(&p("a/config.toml"), "name = 1"), Kind::Config);
        assert_eq!(kind_of(&p("x.toml"), "name = \"x\"\n"), Kind::Preset);
        assert_eq!(kind_of(&p("x.toml"), "[[roles]]\n"), Kind::Preset);
        assert_eq!(kind_of(&p("x.toml"), "[slots]\n"), Kind::Theme);
        assert_eq!(kind_of(&p("x.toml"), "[prefix]\n"), Kind::Keymap);
        assert_eq!(kind_of(&p("x.toml"), "inherits = \"tmux\"\n"), Kind::Keymap);
        assert_eq!(kind_of(&p("x.toml"), "inherits = \"light\"\n"), Kind::Theme);
        assert_eq!(kind_of(&p("x.toml"), "theme = \"light\"\n"), Kind::Config);
    }
}
