use std::path::Path;
use std::time::Duration;

use super::*;

fn builtin(name: &str) -> Preset {
    match Preset::builtin(name) {
        Some(Ok(p)) => p,
        Some(Err(e)) => panic!("{e}"),
        None => panic!("no built-in preset {name}"),
    }
}

fn parse(text: &str) -> Result<Preset, String> {
    Preset::parse_str(text, "p.toml", None).map_err(|e| e.to_string())
}

const ROLES: &str = "[[roles]]\nname = \"a\"\ncommand = \"cat\"\n\
                     [[roles]]\nname = \"b\"\ncommand = \"cat\"\n";

/// A two-role preset with `top` written before its roles (from line 2).
fn two(top: &str) -> String {
    format!("name = \"t\"\n{top}{ROLES}")
}

#[test]
fn every_builtin_parses() {
    let names: Vec<_> = Preset::builtin_names().collect();
    assert_eq!(names, ["demo", "pair-review", "ping-pong", "solo-loop"]);
    for name in names {
        let preset = builtin(name);
        assert!(!preset.description.is_empty(), "{name}");
    }
    assert!(Preset::builtin("nope").is_none());
}

#[test]
fn the_demo_preset_runs_this_binary() {
    let demo = builtin("demo");
    let names: Vec<_> = demo.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(demo.first, 0);
    assert!(demo.task.is_some());
    let exe = Path::new("/opt/my tools/rallish-tui");
    assert_eq!(
        demo.roles[1].command_line(exe),
        "'/opt/my tools/rallish-tui' demo-agent --name bob"
    );
}

#[test]
fn pair_review_takes_agents_by_name_or_command() {
    let mut p = builtin("pair-review");
    p.set_role("author", "codex").unwrap();
    p.set_role("reviewer", "my-agent --fast").unwrap();
    assert_eq!(p.roles[0].command, "codex");
    assert_eq!(
        p.roles[0].resume_command.as_deref(),
        Some("codex resume --last")
    );
    assert_eq!(p.roles[1].command, "my-agent --fast");
    assert_eq!(p.roles[1].resume_command, None);
    let err = p.set_role("autor", "claude").unwrap_err();
    assert_eq!(
        err,
        "preset pair-review has no role \"autor\"; its roles are author, reviewer"
    );
    let rules = p.rules();
    assert_eq!(rules.max_turns, Some(20));
    assert_eq!(
        rules.exit_when,
        [
            ExitCondition::TurnsExhausted,
            ExitCondition::NoteContains("APPROVED".into())
        ]
    );
}

#[test]
fn solo_loop_has_one_role_and_a_task() {
    let p = builtin("solo-loop");
    assert_eq!(p.roles.len(), 1);
    assert!(p.task.is_some());
    assert!(p.note_template.as_deref().unwrap_or("").contains("{task}"));
}

#[test]
fn a_full_preset_reads_every_key() {
    let text = r#"
name = "full"
description = "everything"
task = "go"
routing = { mode = "handoff", next = { a = "b" } }
exit_when = ["turns_exhausted", "deadline", { note_contains = "OK" },
             { command = "true", after = "each_turn" }]
note_template = "{note}"
layout = "stacked"

[budget]
max_turns = 6
deadline_minutes = 0.5
turn_timeout_minutes = 10
auto_pass_on_timeout = true

[scratchpad]
max_kb = 64
summarize_command = "summarize"

[[roles]]
name = "a"
command = "agent"
args = ["--flag", "two words"]
cwd = "/tmp"
env = { MODE = "x" }
resume_command = "agent --continue"

[[roles]]
name = "b"
command = "cat"
first = true
"#;
    let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((p.first, p.routing), (1, Routing::Handoff));
    assert_eq!(p.next, [("a".to_string(), "b".to_string())]);
    assert_eq!(
        p.roles[0].command_line(Path::new("x")),
        "agent --flag 'two words'"
    );
    assert_eq!(p.roles[0].env, [("MODE".to_string(), "x".to_string())]);
    assert_eq!(p.layout, Some(LayoutKind::Stacked));
    assert_eq!(
        (p.scratchpad_max_kb, p.summarize_command.as_deref()),
        (Some(64), Some("summarize"))
    );
    let rules = p.rules();
    assert_eq!(rules.deadline, Some(Duration::from_secs(30)));
    assert_eq!(rules.turn_timeout, Some(Duration::from_secs(600)));
    assert!(rules.auto_pass_on_timeout);
    assert_eq!(rules.exit_when.len(), 4);
    assert_eq!(rules.commands().collect::<Vec<_>>(), ["true"]);
}

#[test]
fn without_exit_when_the_budget_ends_the_rally() {
    let p = parse(&two("[budget]\nmax_turns = 6\ndeadline_minutes = 1\n")).unwrap();
    assert_eq!(
        p.rules().exit_when,
        [ExitCondition::TurnsExhausted, ExitCondition::Deadline]
    );
    assert_eq!(parse(&two("")).unwrap().rules().exit_when, []);
}

#[test]
fn malformed_presets_point_at_line_column_and_key() {
    let cases = [
        (
            "name = \"t\"\n[[roles]\n",
            "p.toml:2:9: invalid TOML: unclosed array table",
            "",
        ),
        (
            "name = \"t\"\ndescripton = \"typo\"\n",
            "p.toml:2:1: unknown key \"descripton\", expected one of \"name\", \"description\"",
            "(key descripton)",
        ),
        (
            "name = \"t\"\n[[roles]]\nname = \"a\"\ncommand = \"x\"\nfirts = true\n",
            "p.toml:5:1: unknown key \"firts\"",
            "(key roles[0].firts)",
        ),
        (
            "name = \"t\"\n[budget]\nmax_turns = \"6\"\n",
            "p.toml:3:13: invalid type: string \"6\", expected u32",
            "(key budget.max_turns)",
        ),
        (
            "name = \"t\"\nrouting = \"random\"\n",
            "p.toml:2:11: unknown variant \"random\", expected \"round_robin\" or \"handoff\"",
            "(key routing)",
        ),
        (
            &two("routing = { mode = \"handoff\", next = { a = \"c\" } }\n"),
            "p.toml:2:44: unknown role \"c\" in routing; the roles are a, b",
            "(key routing.next.a)",
        ),
        (
            "name = \"t\"\nexit_when = [\"turns_exausted\"]\n",
            "p.toml:2:14: unknown exit condition \"turns_exausted\"; expected",
            "(key exit_when[0])",
        ),
        (
            "name = \"t\"\nexit_when = [{ note_contain = \"OK\" }]\n",
            "p.toml:2:16: unknown key \"note_contain\"",
            "(key exit_when[0].note_contain)",
        ),
        (
            "name = \"t\"\nexit_when = [{ command = \"x\", after = \"each_pass\" }]\n",
            "p.toml:2:39: unknown variant \"each_pass\", expected \"each_turn\"",
            "(key exit_when[0].after)",
        ),
        (
            &two("exit_when = [\"deadline\"]\n"),
            "p.toml:2:14: this condition needs [budget] deadline_minutes",
            "(key exit_when[0])",
        ),
        (
            "name = \"t\"\n[[roles]]\nname = \"a\"\ncommand = \"x\"\n[[roles]]\nname = \"a\"\ncommand = \"y\"\n",
            "p.toml:6:8: two roles are named \"a\" (roles[0] too)",
            "(key roles[1].name)",
        ),
        (
            "name = \"t\"\n[[roles]]\nname = \"a b\"\ncommand = \"x\"\n",
            "p.toml:3:8: role name \"a b\" must be letters",
            "(key roles[0].name)",
        ),
        (
            "name = \"t\"\n[[roles]]\nname = \"a\"\ncommand = \"x\"\nfirst = true\n\
             [[roles]]\nname = \"b\"\ncommand = \"y\"\nfirst = true\n",
            "p.toml:9:9: only one role may have first = true (roles[0] has it)",
            "(key roles[1].first)",
        ),
        (
            "name = \"t\"\n",
            "p.toml:1:1: a preset needs at least one [[roles]]",
            "(key roles)",
        ),
        (
            &two("[budget]\nmax_turns = 0\n"),
            "p.toml:3:13: max_turns must be at least 1",
            "(key budget.max_turns)",
        ),
        (
            &two("[budget]\ndeadline_minutes = -1\n"),
            "p.toml:3:20: expected a number of minutes above 0, found -1",
            "(key budget.deadline_minutes)",
        ),
    ];
    for (text, start, end) in cases {
        let shown = parse(text)
            .err()
            .unwrap_or_else(|| panic!("accepted {text:?}"));
        assert!(shown.starts_with(start), "{text}\n=> {shown}");
        assert!(shown.ends_with(end), "{text}\n=> {shown}");
    }
}

#[test]
fn a_file_must_carry_its_own_name() {
    let err = Preset::parse_str(&two(""), "short.toml", Some("short")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("short.toml:1:8: the preset is named \"t\" but its file is short.toml"),
        "{err}"
    );
}

#[test]
fn adhoc_panes_and_quoting() {
    let p = Preset::adhoc(vec![("a".into(), "cat".into()), ("a".into(), "sh".into())]);
    assert_eq!(p.roles.len(), 2);
    assert!(p.check_unique_roles().is_err());
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote("plain-word_1.0"), "plain-word_1.0");
    assert_eq!(shell_quote(""), "''");
}

#[test]
fn paths_with_spaces_or_quotes_are_one_shell_word() {
    // A macOS scratchpad path has a space, and agents paste {scratchpad_path} into commands.
    let mac = "/Users/me/Library/Application Support/rallish-tui/s/scratchpad.md";
    assert_eq!(shell_quote(mac), format!("'{mac}'"));
    assert_eq!(shell_quote("/home/me/x.md"), "/home/me/x.md");
    assert_eq!(shell_quote("/tmp/it's"), r"'/tmp/it'\''s'");
    let path = "/tmp/a b/it's $HOME";
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s {}", shell_quote(path)))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), path);
}

#[test]
fn a_nul_in_a_command_or_its_environment_is_named_with_its_line() {
    for (line, role) in [
        (4, "command = \"cat\\u0000x\""),
        (5, "command = \"cat\"\nargs = [\"-n\", \"a\\u0000\"]"),
        (5, "command = \"cat\"\nresume_command = \"cat\\u0000\""),
        (5, "command = \"cat\"\nenv = { HOME = \"/tmp\\u0000\" }"),
    ] {
        let text = format!("name = \"t\"\n[[roles]]\nname = \"a\"\n{role}\n");
        let error = parse(&text).expect_err(role);
        assert!(error.contains("NUL"), "{error}");
        assert!(
            error.contains(&format!("p.toml:{line}:")),
            "{role}: {error}"
        );
    }
}

#[test]
fn on_turn_end_is_flag_unless_the_preset_says_pass() {
    let flag = parse(&two("")).unwrap();
    assert_eq!(flag.on_turn_end, None, "config.toml decides then");
    assert_eq!(flag.rules().on_turn_end, OnTurnEnd::Flag);
    let pass = parse(&two("on_turn_end = \"pass\"\n")).unwrap();
    assert_eq!(pass.rules().on_turn_end, OnTurnEnd::Pass);
    let err = parse(&two("on_turn_end = \"skip\"\n")).unwrap_err();
    assert!(err.clone().contains("on_turn_end"), "{err}");
    assert_eq!(
        builtin("pair-review").on_turn_end,
        Some(OnTurnEnd::Pass),
        "an unattended review goes on"
    );
}

fn roles(spec: &[(&str, &str)], top: &str) -> Preset {
    let roles: String = spec
        .iter()
        .map(|(name, command)| format!("[[roles]]\nname = \"{name}\"\ncommand = \"{command}\"\n"))
        .collect();
    parse(&format!("name = \"t\"\n{top}{roles}")).unwrap_or_else(|e| panic!("{e}"))
}

fn route(p: &Preset) -> Vec<(String, String)> {
    p.person_route().unwrap().unwrap().after
}

#[test]
fn the_person_sits_where_the_roles_put_them() {
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    let between = roles(&[("a", "cat"), ("me", "person"), ("b", "cat")], "");
    assert_eq!(route(&between), [pair("a", "b")]);
    assert_eq!(between.pane_roles().count(), 2);
    let last = roles(&[("a", "cat"), ("b", "cat"), ("me", "person")], "");
    assert_eq!(route(&last), [pair("b", "a")]);
    let routed = roles(
        &[("a", "cat"), ("b", "cat"), ("me", "person")],
        "routing = { mode = \"round_robin\", next = { a = \"me\", me = \"b\", b = \"a\" } }\n",
    );
    assert_eq!(route(&routed), [pair("a", "b")]);
    let solo = roles(&[("a", "cat"), ("me", "person")], "");
    assert_eq!(route(&solo), [pair("a", "a")]);
    assert_eq!(roles(&[("a", "cat")], "").person_route(), Ok(None));
}

#[test]
fn a_rotation_the_person_cannot_sit_in_is_refused() {
    let first = roles(&[("me", "person"), ("a", "cat")], "");
    assert!(
        first
            .person_route()
            .unwrap_err()
            .contains("cannot go first")
    );
    let two = roles(&[("a", "cat"), ("me", "person"), ("you", "person")], "");
    assert!(two.person_route().unwrap_err().contains("only one"));
    let mut alone = roles(&[("a", "cat"), ("me", "person")], "");
    alone.set_role("a", "person").unwrap();
    alone.first = 1;
    assert!(alone.person_route().is_err());
}
