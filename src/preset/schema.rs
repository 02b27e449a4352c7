//! A preset file as written, and the checks that turn it into a [`Preset`]: serde catches
//! unknown keys and wrong types, [`validate`] catches what the types cannot (duplicate
//! roles, unknown roles in routing, conditions without their budget), each pointing at
//! its key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;

use super::{DIFF_PANE, Preset, Review, Role};
use crate::config::toml_source::{FileError, Keys, Source, quote_key};
use crate::rally::baton::Routing;
use crate::rally::end::{ExitCondition, OnTurnEnd};
use crate::ui::layout::LayoutKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PresetFile {
    name: String,
    #[serde(default)]
    description: String,
    task: Option<String>,
    #[serde(default)]
    roles: Vec<RoleFile>,
    #[serde(default)]
    routing: RoutingSpec,
    #[serde(default)]
    budget: BudgetFile,
    exit_when: Option<Vec<ExitCondition>>,
    note_template: Option<String>,
    #[serde(default)]
    scratchpad: ScratchpadFile,
    layout: Option<LayoutKind>,
    review: Option<ReviewFile>,
    on_turn_end: Option<OnTurnEnd>,
}

/// `[review]`: the note carries each turn's changes in the working directory.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewFile {
    max_diff_lines: Option<usize>,
    #[serde(default)]
    diff_pane: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    name: String,
    command: String,
    #[serde(default)]
    args: Vec<String>,
    cwd: Option<PathBuf>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    resume_command: Option<String>,
    #[serde(default)]
    first: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetFile {
    max_turns: Option<u32>,
    deadline_minutes: Option<f64>,
    turn_timeout_minutes: Option<f64>,
    #[serde(default)]
    auto_pass_on_timeout: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScratchpadFile {
    max_kb: Option<u32>,
    summarize_command: Option<String>,
}

/// `routing = "round_robin"`, or a table that also names where a pass without a target
/// goes: `routing = { mode = "handoff", next = { author = "reviewer" } }`.
#[derive(Debug, Default)]
struct RoutingSpec {
    mode: Routing,
    next: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for RoutingSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RoutingSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"round_robin\", \"handoff\" or a table { mode, next }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RoutingSpec, E> {
                let mode = Routing::deserialize(serde::de::value::StrDeserializer::<E>::new(s))?;
                Ok(RoutingSpec {
                    mode,
                    next: BTreeMap::new(),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RoutingSpec, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Table {
                    #[serde(default)]
                    mode: Routing,
                    #[serde(default)]
                    next: BTreeMap<String, String>,
                }
                let t = Table::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RoutingSpec {
                    mode: t.mode,
                    next: t.next,
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

const EXIT_FORMS: &str = "\"turns_exhausted\", \"deadline\", { note_contains = \"TEXT\" } or \
                          { command = \"CMD\", after = \"each_turn\" }";

impl<'de> Deserialize<'de> for ExitCondition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ExitCondition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXIT_FORMS)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ExitCondition, E> {
                match s {
                    "turns_exhausted" => Ok(ExitCondition::TurnsExhausted),
                    "deadline" => Ok(ExitCondition::Deadline),
                    _ => Err(E::custom(format!(
                        "unknown exit condition \"{s}\"; expected {EXIT_FORMS}"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ExitCondition, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Table {
                    note_contains: Option<String>,
                    command: Option<String>,
                    after: Option<After>,
                }
                #[derive(Deserialize)]
                #[serde(rename_all = "snake_case")]
                enum After {
                    EachTurn,
                }
                use serde::de::Error as _;
                let t = Table::deserialize(MapAccessDeserializer::new(map))?;
                match (t.note_contains, t.command, t.after) {
                    (Some(text), None, None) if !text.is_empty() => {
                        Ok(ExitCondition::NoteContains(text))
                    }
                    (Some(_), None, None) => Err(A::Error::custom(
                        "note_contains needs some text to look for",
                    )),
                    (None, Some(command), _) if !command.trim().is_empty() => {
                        Ok(ExitCondition::Command(command))
                    }
                    (None, Some(_), _) => Err(A::Error::custom("the command is empty")),
                    (Some(_), None, Some(_)) => Err(A::Error::custom(
                        "after belongs to a command condition, not note_contains",
                    )),
                    _ => Err(A::Error::custom(
                        "an exit condition table is { note_contains = ... } or \
                         { command = ..., after = \"each_turn\" }, one at a time",
                    )),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Checks what the types cannot and builds the preset.
/// The first of `role`'s values with a NUL in it, as its key under the role. exec(2)
/// and the environment take C strings, which end at a NUL: without this check such a
/// preset would pass `check` and then fail when its pane starts, far from the file.
fn value_with_nul(role: &RoleFile) -> Option<String> {
    let has_nul = |text: &str| text.contains('\0');
    if has_nul(&role.command) {
        return Some("command".into());
    }
    if let Some(i) = role.args.iter().position(|arg| has_nul(arg)) {
        return Some(format!("args[{i}]"));
    }
    if role
        .cwd
        .as_ref()
        .is_some_and(|cwd| cwd.as_os_str().as_encoded_bytes().contains(&0))
    {
        return Some("cwd".into());
    }
    if role.resume_command.as_deref().is_some_and(has_nul) {
        return Some("resume_command".into());
    }
    let (name, _) = role.env.iter().find(|(_, value)| has_nul(value))?;
    Some(format!("env.{}", quote_key(name)))
}

pub(super) fn validate(
    file: PresetFile,
    src: &Source<'_>,
    keys: &Keys,
    stem: Option<&str>,
) -> Result<Preset, FileError> {
    let err = |path: &str, what: String| keys.error_at(src, path, what);
    if let Some(stem) = stem
        && file.name != stem
    {
        let what = format!(
            "the preset is named \"{}\" but its file is {stem}.toml; --preset finds presets \
             by file name, so the two must match",
            file.name
        );
        return Err(err("name", what));
    }
    if file.roles.is_empty() {
        let what = "a preset needs at least one [[roles]] with a name and a command".into();
        return Err(src.error(0..0, what, Some("roles")));
    }
    let mut first = None;
    for (i, role) in file.roles.iter().enumerate() {
        let at = |key: &str| format!("roles[{i}].{key}");
        if let Err(why) = check_role_name(&role.name) {
            return Err(err(&at("name"), why));
        }
        if let Some(j) = file.roles[..i].iter().position(|r| r.name == role.name) {
            let what = format!("two roles are named \"{}\" (roles[{j}] too)", role.name);
            return Err(err(&at("name"), what));
        }
        if role.command.trim().is_empty() {
            return Err(err(&at("command"), "the command is empty".into()));
        }
        if let Some(bad) = role
            .env
            .keys()
            .find(|k| k.is_empty() || k.contains(['=', '\0']))
        {
            let path = format!("{}.{}", at("env"), quote_key(bad));
            return Err(keys.key_error_at(src, &path, format!("bad variable name \"{bad}\"")));
        }
        if let Some(key) = value_with_nul(role) {
            let what = "holds a NUL character, which no command, argument, directory or \
                        environment value can carry"
                .into();
            return Err(err(&at(&key), what));
        }
        if role.first {
            if let Some(j) = first {
                let what = format!("only one role may have first = true (roles[{j}] has it)");
                return Err(err(&at("first"), what));
            }
            first = Some(i);
        }
    }
    let names: Vec<&str> = file.roles.iter().map(|r| r.name.as_str()).collect();
    let mut next = Vec::new();
    for (from, to) in &file.routing.next {
        let path = format!("routing.next.{}", quote_key(from));
        for name in [from, to] {
            if !names.contains(&name.as_str()) {
                let what = format!(
                    "unknown role \"{name}\" in routing; the roles are {}",
                    names.join(", ")
                );
                return Err(if name == from {
                    keys.key_error_at(src, &path, what)
                } else {
                    err(&path, what)
                });
            }
        }
        if from == to && names.len() > 1 {
            return Err(err(
                &path,
                format!("{from} cannot pass the baton to itself"),
            ));
        }
        next.push((from.clone(), to.clone()));
    }
    let budget = &file.budget;
    if budget.max_turns == Some(0) {
        return Err(err(
            "budget.max_turns",
            "max_turns must be at least 1".into(),
        ));
    }
    let deadline = minutes(budget.deadline_minutes, "budget.deadline_minutes", &err)?;
    let turn_timeout = minutes(
        budget.turn_timeout_minutes,
        "budget.turn_timeout_minutes",
        &err,
    )?;
    if budget.auto_pass_on_timeout && turn_timeout.is_none() {
        let what = "auto_pass_on_timeout needs turn_timeout_minutes".into();
        return Err(err("budget.auto_pass_on_timeout", what));
    }
    if let Some(conditions) = &file.exit_when {
        for (i, condition) in conditions.iter().enumerate() {
            let missing = match condition {
                ExitCondition::TurnsExhausted if budget.max_turns.is_none() => "max_turns",
                ExitCondition::Deadline if deadline.is_none() => "deadline_minutes",
                _ => continue,
            };
            let what = format!("this condition needs [budget] {missing}");
            return Err(err(&format!("exit_when[{i}]"), what));
        }
        if deadline.is_some() && !conditions.contains(&ExitCondition::Deadline) {
            let what = "deadline_minutes has no effect: exit_when does not list \"deadline\"";
            return Err(err("budget.deadline_minutes", what.into()));
        }
    }
    if let Some(review) = &file.review
        && review.max_diff_lines == Some(0)
    {
        let what = "max_diff_lines must be at least 1".into();
        return Err(err("review.max_diff_lines", what));
    }
    if file.review.as_ref().is_some_and(|r| r.diff_pane) && names.contains(&DIFF_PANE) {
        let what = format!("diff_pane adds a pane named \"{DIFF_PANE}\"; a role has that name");
        return Err(err("review.diff_pane", what));
    }
    if file.scratchpad.max_kb == Some(0) {
        return Err(err("scratchpad.max_kb", "max_kb must be at least 1".into()));
    }
    let roles = file
        .roles
        .into_iter()
        .map(|r| Role {
            name: r.name,
            command: r.command,
            args: r.args,
            cwd: r.cwd,
            env: r.env.into_iter().collect(),
            resume_command: r.resume_command,
        })
        .collect();
    Ok(Preset {
        name: file.name,
        description: file.description,
        task: file.task,
        roles,
        first: first.unwrap_or(0),
        routing: file.routing.mode,
        next,
        max_turns: budget.max_turns,
        deadline,
        turn_timeout,
        auto_pass_on_timeout: budget.auto_pass_on_timeout,
        on_turn_end: file.on_turn_end,
        exit_when: file.exit_when,
        note_template: file.note_template,
        scratchpad_max_kb: file.scratchpad.max_kb,
        summarize_command: file.scratchpad.summarize_command,
        layout: file.layout,
        review: file.review.map(|r| Review {
            max_diff_lines: r
                .max_diff_lines
                .unwrap_or(crate::rally::review::DEFAULT_MAX_LINES),
            diff_pane: r.diff_pane,
        }),
    })
}

fn minutes(
    value: Option<f64>,
    path: &str,
    err: &impl Fn(&str, String) -> FileError,
) -> Result<Option<Duration>, FileError> {
    match value {
        None => Ok(None),
        Some(m) if m.is_finite() && m > 0.0 && m < 1e6 => {
            Ok(Some(Duration::from_secs_f64(m * 60.0)))
        }
        Some(m) => Err(err(
            path,
            format!("expected a number of minutes above 0, found {m}"),
        )),
    }
}

/// Role names become pane names and `--to` targets: keep them to one plain word.
pub fn check_role_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "role name \"{name}\" must be letters, digits, '-', '_' or '.'"
        ));
    }
    Ok(())
}
