//! Presets: a rally as a TOML file (its roles, routing, budget, exit conditions, note
//! template, layout). Built-ins live in `assets/presets/` and are embedded; a file of the
//! same name in the config directory's `presets/` overrides one, and new names add to
//! them. Files are strictly validated: unknown keys are errors that name line and key.

mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::toml_source::{self, FileError, Source};
use crate::config::{self, Found};
use crate::rally::baton::Routing;
use crate::rally::end::{ExitCondition, OnTurnEnd, Rules};
use crate::ui::layout::LayoutKind;

pub use schema::check_role_name;

/// Embedded presets, by the name `--preset` uses.
const BUILTINS: &[(&str, &str)] = &[
    ("demo", include_str!("../../assets/presets/demo.toml")),
    (
        "pair-review",
        include_str!("../../assets/presets/pair-review.toml"),
    ),
    (
        "ping-pong",
        include_str!("../../assets/presets/ping-pong.toml"),
    ),
    (
        "solo-loop",
        include_str!("../../assets/presets/solo-loop.toml"),
    ),
];

/// In a role's command, the path of the running rallish-tui binary, shell-quoted.
pub const SELF_PLACEHOLDER: &str = "{self}";

/// A role with this command is the person at the keyboard: no pane. When the baton's
/// route reaches it, the rally pauses, the person is told, and the note they write goes
/// to the role after them.
pub const PERSON: &str = "person";

/// Where the person sits in the rotation, by role names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonRoute {
    /// The person role's name.
    pub name: String,
    /// A pass from the first role that names no target goes to the person, and the
    /// person's note to the second.
    pub after: Vec<(String, String)>,
}

/// A validated preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    pub description: String,
    /// The opening note for the first holder; the note template offers it as `{task}`.
    pub task: Option<String>,
    pub roles: Vec<Role>,
    /// The role that holds the baton first.
    pub first: usize,
    pub routing: Routing,
    /// Where a pass that names no target goes, by role name.
    pub next: Vec<(String, String)>,
    pub max_turns: Option<u32>,
    pub deadline: Option<Duration>,
    pub turn_timeout: Option<Duration>,
    pub auto_pass_on_timeout: bool,
    /// `on_turn_end`; `None`: config.toml's choice.
    pub on_turn_end: Option<OnTurnEnd>,
    /// As written; `None` means the conditions the budget implies.
    pub exit_when: Option<Vec<ExitCondition>>,
    pub note_template: Option<String>,
    pub scratchpad_max_kb: Option<u32>,
    pub summarize_command: Option<String>,
    pub layout: Option<LayoutKind>,
    /// `[review]`: each pass carries what changed during the turn.
    pub review: Option<Review>,
}

/// The name of the pane `[review] diff_pane = true` adds.
pub const DIFF_PANE: &str = "diff";

/// A pair review's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Diff lines a note carries before the rest is cut.
    pub max_diff_lines: usize,
    /// A third pane showing each turn's diff, refreshed when the baton moves.
    pub diff_pane: bool,
}

/// One pane of the rally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// Run through `sh -c`; `{self}` stands for this binary.
    pub command: String,
    /// Appended to the command, each shell-quoted.
    pub args: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    pub resume_command: Option<String>,
}

impl Role {
    /// The person at the keyboard, not a program (see [`PERSON`]).
    pub fn is_person(&self) -> bool {
        self.command.trim() == PERSON && self.args.is_empty()
    }

    /// The shell command line that starts this role, `{self}` expanded to `exe`.
    pub fn command_line(&self, exe: &Path) -> String {
        let mut line = expand_self(&self.command, exe);
        for arg in &self.args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        line
    }
}

/// Replaces `{self}` with the shell-quoted path of `exe`.
pub fn expand_self(command: &str, exe: &Path) -> String {
    command.replace(SELF_PLACEHOLDER, &shell_quote(&exe.display().to_string()))
}

pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl Preset {
    /// Names of the embedded presets.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTINS.iter().map(|(name, _)| *name)
    }

    pub fn builtin_text(name: &str) -> Option<&'static str> {
        BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// An embedded preset by name; `None` when there is no such built-in.
    pub fn builtin(name: &str) -> Option<Result<Preset, FileError>> {
        let text = Self::builtin_text(name)?;
        let origin = format!("assets/presets/{name}.toml");
        Some(Self::parse_str(text, &origin, Some(name)))
    }

    /// Parses preset text; `origin` names it in errors, and a preset read from `NAME.toml`
    /// (`stem`) must be named `NAME`.
    pub fn parse_str(text: &str, origin: &str, stem: Option<&str>) -> Result<Preset, FileError> {
        let src = Source::new(text, origin);
        let (file, keys) = src.deserialize::<schema::PresetFile>()?;
        schema::validate(file, &src, &keys, stem)
    }

    pub fn load_file(path: &Path) -> Result<Preset, FileError> {
        let text = toml_source::read(path, "preset")?;
        let stem = path.file_stem().and_then(|s| s.to_str());
        Self::parse_str(&text, &path.display().to_string(), stem)
    }

    /// `--preset NAME` (a user preset, then a built-in) or `--preset FILE`.
    pub fn load(name: &str) -> anyhow::Result<Preset> {
        match config::find(name, "presets") {
            Found::File(path) => Ok(Self::load_file(&path)?),
            Found::Builtin => match Self::builtin(name) {
                Some(preset) => Ok(preset?),
                None => anyhow::bail!(
                    "no preset {name:?}: not in {} and not a built-in ({})",
                    config::config_dir().join("presets").display(),
                    Self::builtin_names().collect::<Vec<_>>().join(", ")
                ),
            },
        }
    }

    /// A rally of the panes given on the command line, taking turns in order.
    pub fn adhoc(panes: Vec<(String, String)>) -> Preset {
        Preset {
            name: "panes".into(),
            description: "panes from the command line".into(),
            task: None,
            roles: Vec::new(),
            first: 0,
            routing: Routing::RoundRobin,
            next: Vec::new(),
            max_turns: None,
            deadline: None,
            turn_timeout: None,
            auto_pass_on_timeout: false,
            on_turn_end: None,
            exit_when: None,
            note_template: None,
            scratchpad_max_kb: None,
            summarize_command: None,
            layout: None,
            review: None,
        }
        .with_panes(panes)
    }

    /// Adds `--pane NAME=COMMAND` panes as roles after the preset's own.
    pub fn with_panes(mut self, panes: Vec<(String, String)>) -> Preset {
        self.roles
            .extend(panes.into_iter().map(|(name, command)| Role {
                name,
                command,
                args: Vec::new(),
                cwd: None,
                env: Vec::new(),
                resume_command: None,
            }));
        self
    }

    /// `--role ROLE=CMD`: gives a role another command, where CMD is a known agent name
    /// (see [`crate::agents`]) or any shell command.
    pub fn set_role(&mut self, role: &str, command: &str) -> Result<(), String> {
        let names: Vec<_> = self.roles.iter().map(|r| r.name.clone()).collect();
        let Some(target) = self.roles.iter_mut().find(|r| r.name == role) else {
            return Err(format!(
                "preset {} has no role {role:?}; its roles are {}",
                self.name,
                names.join(", ")
            ));
        };
        if let Some(agent) = crate::agents::known(command.trim()) {
            target.command = agent.command.to_string();
            target.resume_command = Some(agent.resume_command.to_string());
        } else {
            target.command = command.to_string();
            target.resume_command = None;
        }
        target.args.clear();
        Ok(())
    }

    /// The roles that run in panes, in order.
    pub fn pane_roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.iter().filter(|r| !r.is_person())
    }

    /// Where the person role sits in the rotation, if there is one: after each role
    /// whose pass would reach it (by `next`, else in order), before the role its own
    /// `next` names (else the next role in order). Refused when the person would go
    /// first, when there is more than one, or when no role runs in a pane.
    pub fn person_route(&self) -> Result<Option<PersonRoute>, String> {
        let people: Vec<usize> = (0..self.roles.len())
            .filter(|&i| self.roles[i].is_person())
            .collect();
        let Some(&person) = people.first() else {
            return Ok(None);
        };
        let name = self.roles[person].name.clone();
        if people.len() > 1 {
            return Err("only one role can be the person".into());
        }
        if self.pane_roles().next().is_none() {
            return Err(format!(
                "{name} is the person: a rally needs a role that runs a program too"
            ));
        }
        if self.first == person {
            return Err(format!(
                "{name} is the person and cannot go first: let a program start"
            ));
        }
        let n = self.roles.len();
        let agent = |i: usize| !self.roles[i % n].is_person();
        let next_of = |role: &str| {
            self.next
                .iter()
                .find(|(from, _)| from == role)
                .map(|(_, to)| to.clone())
        };
        let after_person = next_of(&name).unwrap_or_else(|| {
            let i = (1..n)
                .map(|k| person + k)
                .find(|&i| agent(i))
                .unwrap_or(person);
            self.roles[i % n].name.clone()
        });
        let after = self
            .pane_roles()
            .enumerate()
            .filter(|(_, role)| {
                if let Some(to) = next_of(&role.name) {
                    to == name
                } else {
                    // In order: the role right before the person.
                    let i = self
                        .roles
                        .iter()
                        .position(|r| r.name == role.name)
                        .unwrap_or(0);
                    (i + 1) % n == person
                }
            })
            .map(|(_, role)| (role.name.clone(), after_person.clone()))
            .collect();
        Ok(Some(PersonRoute { name, after }))
    }

    /// Two roles may not share a name (`--pane` can add one that clashes).
    pub fn check_unique_roles(&self) -> Result<(), String> {
        for (i, role) in self.roles.iter().enumerate() {
            if self.roles[..i].iter().any(|r| r.name == role.name) {
                return Err(format!(
                    "two panes are named {:?}; pane names must differ",
                    role.name
                ));
            }
        }
        Ok(())
    }

    /// The budget and exit conditions; without `exit_when`, the budget's own limits end
    /// the rally.
    pub fn rules(&self) -> Rules {
        let exit_when = self.exit_when.clone().unwrap_or_else(|| {
            let mut implied = Vec::new();
            if self.max_turns.is_some() {
                implied.push(ExitCondition::TurnsExhausted);
            }
            if self.deadline.is_some() {
                implied.push(ExitCondition::Deadline);
            }
            implied
        });
        Rules {
            max_turns: self.max_turns,
            deadline: self.deadline,
            turn_timeout: self.turn_timeout,
            auto_pass_on_timeout: self.auto_pass_on_timeout,
            exit_when,
            on_turn_end: self.on_turn_end.unwrap_or_default(),
        }
    }
}

/// One line of `presets list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub name: String,
    pub description: String,
    /// "built-in", "user" or "user, overrides the built-in".
    pub source: String,
    /// Why the file does not load, when it does not.
    pub error: Option<String>,
}

/// Every preset `--preset` can name: the user's, then the built-ins they do not override.
pub fn list() -> Vec<Listing> {
    let mut out = Vec::new();
    let user = config::user_files("presets");
    let user_names: Vec<String> = user
        .iter()
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_string))
        .collect();
    for (path, name) in user.iter().zip(&user_names) {
        let source = if Preset::builtin_text(name).is_some() {
            "user, overrides the built-in"
        } else {
            "user"
        };
        let (description, error) = match Preset::load_file(path) {
            Ok(p) => (p.description, None),
            Err(e) => (String::new(), Some(e.to_string())),
        };
        out.push(Listing {
            name: name.clone(),
            description,
            source: source.into(),
            error,
        });
    }
    for name in Preset::builtin_names().filter(|n| !user_names.iter().any(|u| u == n)) {
        let (description, error) = match Preset::builtin(name) {
            Some(Ok(p)) => (p.description, None),
            Some(Err(e)) => (String::new(), Some(e.to_string())),
            None => continue,
        };
        out.push(Listing {
            name: name.into(),
            description,
            source: "built-in".into(),
            error,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `presets show NAME`: where the preset comes from, and its file.
pub fn show(name: &str) -> anyhow::Result<(String, String)> {
    match config::find(name, "presets") {
        Found::File(path) => {
            let text = toml_source::read(&path, "preset")?;
            Ok((path.display().to_string(), text))
        }
        Found::Builtin => match Preset::builtin_text(name) {
            Some(text) => Ok((format!("built-in {name}"), text.to_string())),
            None => anyhow::bail!("no preset {name:?}"),
        },
    }
}

#[cfg(test)]
mod tests;
