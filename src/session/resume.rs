//! What it takes to bring a rally back: `session.toml` in the session directory records
//! the panes and their commands, the rally's rules, the layout, who holds the baton, the
//! turn and the budget used. The app rewrites it (atomically) whenever one of those
//! changes; `rallish-tui sessions` lists the records and `--resume ID|last` starts a rally
//! from one, with each pane's `resume_command` where its role has one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::rally::baton::Routing;
use crate::rally::end::{ExitCondition, OnTurnEnd, Rules};
use crate::scratchpad::panel::Placement;
use crate::ui::layout::LayoutKind;

/// The record's file name in the session directory.
pub const FILE_NAME: &str = "session.toml";

/// Everything `session.toml` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    /// Unix seconds when the session first started.
    pub started: f64,
    /// Unix seconds of the last write.
    pub updated: f64,
    /// The preset's name (or "panes").
    pub title: String,
    pub layout: String,
    /// The pane holding the baton (or parked with it while paused).
    pub holder: Option<String>,
    pub turn: u32,
    pub paused: bool,
    pub ended: bool,
    pub budget: BudgetUsed,
    pub rally: RallyRecord,
    pub scratchpad: ScratchRecord,
    pub panes: Vec<PaneRecord>,
}

/// How much of the budget the rally has used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetUsed {
    /// Turns begun so far.
    pub turns: u32,
    /// Seconds the app has run this session, over all its runs.
    pub seconds: f64,
}

/// One pane and how to start it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaneRecord {
    pub name: String,
    pub command: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
}

impl PaneRecord {
    /// What a resumed rally runs in this pane.
    pub fn resume_line(&self) -> &str {
        self.resume_command.as_deref().unwrap_or(&self.command)
    }
}

/// The preset's rules, as resolved when the rally first started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RallyRecord {
    pub routing: Routing,
    #[serde(default)]
    pub next: BTreeMap<String, String>,
    pub max_turns: Option<u32>,
    pub deadline_secs: Option<f64>,
    pub turn_timeout_secs: Option<f64>,
    #[serde(default)]
    pub auto_pass_on_timeout: bool,
    #[serde(default)]
    pub exit_when: Vec<ExitRecord>,
    pub note_template: String,
    #[serde(default)]
    pub on_turn_end: OnTurnEnd,
    /// The person role's name, when the rotation has one (see [`crate::preset::PERSON`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Passes that go to the person first, from a role to the role after the person.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub via_person: BTreeMap<String, String>,
}

/// An exit condition as the record writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExitRecord {
    TurnsExhausted,
    Deadline,
    NoteContains { text: String },
    Command { command: String },
}

/// The scratchpad's settings and its panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScratchRecord {
    pub max_kb: Option<u32>,
    pub summarize_command: Option<String>,
    pub visible: bool,
    pub placement: Placement,
    pub percent: u16,
}

impl Default for ScratchRecord {
    fn default() -> Self {
        ScratchRecord {
            max_kb: None,
            summarize_command: None,
            visible: false,
            placement: Placement::Beside,
            percent: 35,
        }
    }
}

impl RallyRecord {
    pub fn from_rules(
        rules: &Rules,
        routing: Routing,
        next: BTreeMap<String, String>,
        note_template: String,
    ) -> RallyRecord {
        RallyRecord {
            routing,
            next,
            max_turns: rules.max_turns,
            deadline_secs: rules.deadline.map(|d| d.as_secs_f64()),
            turn_timeout_secs: rules.turn_timeout.map(|d| d.as_secs_f64()),
            auto_pass_on_timeout: rules.auto_pass_on_timeout,
            exit_when: rules
                .exit_when
                .iter()
                .map(|c| match c {
                    ExitCondition::TurnsExhausted => ExitRecord::TurnsExhausted,
                    ExitCondition::Deadline => ExitRecord::Deadline,
                    ExitCondition::NoteContains(text) => {
                        ExitRecord::NoteContains { text: text.clone() }
                    }
                    ExitCondition::Command(command) => ExitRecord::Command {
                        command: command.clone(),
                    },
                })
                .collect(),
            note_template,
            on_turn_end: rules.on_turn_end,
            person: None,
            via_person: BTreeMap::new(),
        }
    }

    /// With the person's seat in the rotation.
    pub fn with_person(mut self, person: Option<crate::preset::PersonRoute>) -> RallyRecord {
        if let Some(person) = person {
            self.person = Some(person.name);
            self.via_person = person.after.into_iter().collect();
        }
        self
    }

    /// The person's seat as recorded.
    pub fn person(&self) -> Option<crate::preset::PersonRoute> {
        self.person.as_ref().map(|name| crate::preset::PersonRoute {
            name: name.clone(),
            after: self
                .via_person
                .iter()
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect(),
        })
    }

    pub fn rules(&self) -> Rules {
        let secs = |s: Option<f64>| {
            s.filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
        };
        Rules {
            max_turns: self.max_turns,
            deadline: secs(self.deadline_secs),
            turn_timeout: secs(self.turn_timeout_secs),
            auto_pass_on_timeout: self.auto_pass_on_timeout,
            on_turn_end: self.on_turn_end,
            exit_when: self
                .exit_when
                .iter()
                .map(|c| match c {
                    ExitRecord::TurnsExhausted => ExitCondition::TurnsExhausted,
                    ExitRecord::Deadline => ExitCondition::Deadline,
                    ExitRecord::NoteContains { text } => ExitCondition::NoteContains(text.clone()),
                    ExitRecord::Command { command } => ExitCondition::Command(command.clone()),
                })
                .collect(),
        }
    }
}

impl SessionRecord {
    pub fn layout_kind(&self) -> Option<LayoutKind> {
        clap::ValueEnum::from_str(&self.layout, true).ok()
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# rallish-tui session record: `rallish-tui --resume {}` continues it.\n{body}",
            self.id
        )
    }

    /// Reads `dir/session.toml`; errors name the file.
    pub fn load(dir: &Path) -> anyhow::Result<SessionRecord> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not a session record", path.display()))
    }
}

/// Where sessions live under the state directory.
pub fn sessions_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("sessions")
}

/// Every readable record, oldest first (by last use).
pub fn list(state_dir: &Path) -> Vec<SessionRecord> {
    let Ok(entries) = std::fs::read_dir(sessions_dir(state_dir)) else {
        return Vec::new();
    };
    let mut records: Vec<SessionRecord> = entries
        .flatten()
        .filter_map(|e| SessionRecord::load(&e.path()).ok())
        .collect();
    records.sort_by(|a, b| {
        a.updated
            .total_cmp(&b.updated)
            .then_with(|| a.id.cmp(&b.id))
    });
    records
}

/// The record `--resume ID|last` names.
pub fn find(state_dir: &Path, which: &str) -> anyhow::Result<SessionRecord> {
    if which == "last" {
        return list(state_dir).pop().with_context(|| {
            format!(
                "there is no session to resume in {}",
                sessions_dir(state_dir).display()
            )
        });
    }
    if which.is_empty() || which.contains('/') || which.starts_with('.') {
        anyhow::bail!("{which:?} is not a session id (see `rallish-tui sessions`)");
    }
    let dir = sessions_dir(state_dir).join(which);
    if !dir.is_dir() {
        anyhow::bail!(
            "no session {which:?} in {} (see `rallish-tui sessions`)",
            sessions_dir(state_dir).display()
        );
    }
    SessionRecord::load(&dir)
}

/// `rallish-tui sessions`.
pub fn list_command() -> i32 {
    let records = list(&crate::config::paths::state_dir());
    if records.is_empty() {
        println!("no sessions yet");
        return 0;
    }
    let width = records.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    println!(
        "{:<width$}  {:<16}  {:>5}  {:<10}  PANES",
        "ID", "STARTED", "TURNS", "HOLDER"
    );
    for r in &records {
        let panes: Vec<&str> = r.panes.iter().map(|p| p.name.as_str()).collect();
        let holder = match (&r.holder, r.ended, r.paused) {
            (_, true, _) => "(ended)".to_string(),
            (Some(h), _, true) => format!("{h} (paused)"),
            (Some(h), _, false) => h.clone(),
            (None, _, _) => "-".to_string(),
        };
        println!(
            "{:<width$}  {:<16}  {:>5}  {:<10}  {} ({})",
            r.id,
            local_date_time(r.started),
            r.turn,
            holder,
            panes.join(", "),
            r.title
        );
    }
    0
}

/// `YYYY-MM-DD HH:MM` in local time.
fn local_date_time(unix: f64) -> String {
    crate::local_time::date_time(unix as i64).unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, updated: f64) -> SessionRecord {
        let rules = Rules {
            max_turns: Some(6),
            deadline: Some(Duration::from_secs(600)),
            turn_timeout: None,
            auto_pass_on_timeout: false,
            on_turn_end: OnTurnEnd::Pass,
            exit_when: vec![
                ExitCondition::TurnsExhausted,
                ExitCondition::NoteContains("APPROVED".into()),
                ExitCondition::Command("cargo test -q".into()),
            ],
        };
        SessionRecord {
            id: id.into(),
            started: 1000.0,
            updated,
            title: "demo".into(),
            layout: "side-by-side".into(),
            holder: Some("bob".into()),
            turn: 3,
            paused: false,
            ended: false,
            budget: BudgetUsed {
                turns: 3,
                seconds: 12.5,
            },
            rally: RallyRecord::from_rules(
                &rules,
                Routing::Handoff,
                BTreeMap::from([("alice".into(), "bob".into())]),
                "{note}".into(),
            ),
            scratchpad: ScratchRecord::default(),
            panes: vec![
                PaneRecord {
                    name: "alice".into(),
                    command: "claude".into(),
                    resume_command: Some("claude --continue".into()),
                    cwd: None,
                    env: BTreeMap::from([("KEY".into(), "v".into())]),
                },
                PaneRecord {
                    name: "bob".into(),
                    command: "sh -c 'x'".into(),
                    resume_command: None,
                    cwd: Some("/tmp".into()),
                    env: BTreeMap::new(),
                },
            ],
        }
    }

    #[test]
    fn records_round_trip_through_toml() {
        let r = record("20260101-000000-1", 5.0);
        let text = r.to_toml();
        assert_eq!(toml::from_str::<SessionRecord>(&text).unwrap(), r);
        assert_eq!(r.rally.rules().exit_when.len(), 3);
        assert_eq!(r.rally.rules().deadline, Some(Duration::from_secs(600)));
        assert_eq!(r.layout_kind(), Some(LayoutKind::SideBySide));
        assert_eq!(r.panes[0].resume_line(), "claude --continue");
        assert_eq!(r.panes[1].resume_line(), "sh -c 'x'");
    }

    #[test]
    fn last_is_the_most_recently_used() {
        let state = std::env::temp_dir().join(format!("rallish-resume-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&state);
        for (id, updated) in [("b-old", 10.0), ("a-new", 20.0)] {
            let dir = sessions_dir(&state).join(id);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(FILE_NAME), record(id, updated).to_toml()).unwrap();
        }
        std::fs::create_dir_all(sessions_dir(&state).join("no-record")).unwrap();
        assert_eq!(find(&state, "last").unwrap().id, "a-new");
        assert_eq!(find(&state, "b-old").unwrap().id, "b-old");
        assert!(find(&state, "../x").is_err());
        assert!(find(&state, "nope").is_err());
        assert_eq!(list(&state).len(), 2);
        std::fs::remove_dir_all(state).unwrap();
    }
}
