//! Presets end to end: demo agents in a user preset until an exit condition ends the
//! rally, user themes and keymaps loaded by name from the config directory.

mod common;

use common::{TempDir, Tui, eventually};

const LEFT: std::ops::Range<u16> = 0..60;
const RIGHT: std::ops::Range<u16> = 60..120;

/// A config directory holding `files` (relative path, contents).
fn config_dir(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new("config");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A preset of two quick demo agents, `a` and `b`, with `extra` before the roles.
fn demo_preset(name: &str, extra: &str, agent_flags: &str) -> String {
    format!(
        "name = \"{name}\"\ntask = \"go\"\n{extra}\n\
         [[roles]]\nname = \"a\"\ncommand = \"{{self}} demo-agent --name a --work-ms 40 {agent_flags}\"\n\
         [[roles]]\nname = \"b\"\ncommand = \"{{self}} demo-agent --name b --work-ms 40 {agent_flags}\"\n"
    )
}

fn start(config: &TempDir, args: &[&str]) -> Tui {
    let dir = config.path().display().to_string();
    Tui::start_with_env(args, 120, 30, &[("RALLISH_CONFIG_DIR", &dir)])
}

#[track_caller]
fn assert_both_panes_readable(tui: &Tui) {
    let (left, right) = (tui.region(LEFT), tui.region(RIGHT));
    assert!(left.contains("step 3/3 ran"), "{left}");
    assert!(right.contains("step 3/3 ran"), "{right}");
}

#[test]
fn a_user_preset_ends_after_its_turn_budget() {
    let preset = demo_preset("short", "[budget]\nmax_turns = 6\n", "");
    let config = config_dir(&[("presets/short.toml", &preset)]);
    let mut tui = start(&config, &["--preset", "short"]);
    tui.wait_for_text("Rally ended after turn 6: all 6 turns are used");
    // The banner and the status line come in one frame, but may be read in two chunks.
    tui.wait_for_text("rally ended · turn 6/6");
    assert_both_panes_readable(&tui);
    let lines = tui.log_lines();
    let passes = lines.iter().filter(|l| l["event"] == "pass").count();
    assert_eq!(passes, 5, "{lines:?}");
    let end = lines.last().unwrap();
    assert_eq!(
        (end["event"].as_str(), end["by"].as_str()),
        (Some("end"), Some("turns_exhausted"))
    );
    // The children still run: the rally ended, the panes did not.
    assert!(!tui.contents().contains("exited"));
    tui.chord(b"q");
    tui.type_text("y");
    assert!(tui.wait_exit().is_some());
}

#[test]
fn a_note_containing_the_text_ends_the_rally() {
    let extra = "exit_when = [{ note_contains = \"b finished turn 2\" }]";
    let config = config_dir(&[("presets/approve.toml", &demo_preset("approve", extra, ""))]);
    let tui = start(&config, &["--preset", "approve"]);
    tui.wait_for_text("b's handoff note contains \"b finished turn 2\"");
    assert!(tui.contents().contains("Rally ended after turn 4"));
    assert_both_panes_readable(&tui);
    let end = tui.log_lines().pop().unwrap();
    assert_eq!(end["by"], "note_contains");
    assert!(
        end["note"]
            .as_str()
            .unwrap()
            .starts_with("b finished turn 2")
    );
}

#[test]
fn a_succeeding_command_ends_the_rally() {
    // Runs in the session's directory after each turn; succeeds on the third run.
    let extra = "exit_when = [{ command = \"echo x >> runs; test $(wc -l < runs) -ge 3\", \
                 after = \"each_turn\" }]";
    let config = config_dir(&[("presets/tests.toml", &demo_preset("tests", extra, ""))]);
    let tui = start(&config, &["--preset", "tests"]);
    tui.wait_for_text("-ge 3` succeeded");
    assert_both_panes_readable(&tui);
    let runs = std::fs::read_to_string(tui.dir.path().join("runs")).unwrap();
    assert_eq!(runs.lines().count(), 3);
    assert_eq!(tui.log_lines().pop().unwrap()["by"], "command");
}

#[test]
fn a_solo_preset_hands_its_one_agent_the_task_every_turn() {
    let solo = "name = \"solo\"\ntask = \"polish it\"\n\
                note_template = \"Turn {turn}, task: {task}\"\n[budget]\nmax_turns = 3\n\
                [[roles]]\nname = \"a\"\ncommand = \"{self} demo-agent --name a --work-ms 40\"\n";
    let config = config_dir(&[("presets/solo.toml", solo)]);
    let tui = start(&config, &["--preset", "solo"]);
    tui.wait_for_text("Rally ended after turn 3: all 3 turns are used");
    let screen = tui.contents();
    assert!(screen.contains("Turn 3, task: polish it"), "{screen}");
    let lines = tui.log_lines();
    assert!(
        lines
            .iter()
            .filter(|l| l["event"] == "pass")
            .all(|l| l["to"] == "a"),
        "{lines:?}"
    );
}

#[test]
fn the_deadline_ends_a_rally_nobody_passes_in() {
    let extra = "[budget]\ndeadline_minutes = 0.02";
    let config = config_dir(&[(
        "presets/late.toml",
        &demo_preset("late", extra, "--no-pass"),
    )]);
    let tui = start(&config, &["--preset", "late"]);
    tui.wait_for_text("the deadline passed (1 s after the start)");
    assert!(tui.region(LEFT).contains("auto-pass is off"));
    assert!(tui.region(RIGHT).contains("demo agent b"));
}

#[test]
fn a_turn_over_its_timeout_is_flagged_or_passed_on() {
    let extra = "[budget]\nturn_timeout_minutes = 0.01";
    let config = config_dir(&[
        (
            "presets/slow.toml",
            &demo_preset("slow", extra, "--no-pass"),
        ),
        (
            "presets/auto.toml",
            &demo_preset(
                "auto",
                &format!("{extra}\nauto_pass_on_timeout = true"),
                "--no-pass",
            ),
        ),
    ]);
    let tui = start(&config, &["--preset", "slow"]);
    tui.wait_for_text("⏰ over 1 s");
    assert!(tui.contents().contains("turn 1"), "{}", tui.contents());
    drop(tui);

    let tui = start(&config, &["--preset", "auto"]);
    eventually("a pass by timeout", || {
        tui.log_lines().iter().any(|l| l["by"] == "timeout")
    });
}

#[test]
fn roles_take_commands_on_the_command_line() {
    let config = config_dir(&[]);
    let tui = start(
        &config,
        &[
            "--preset",
            "pair-review",
            "--role",
            "author={self} demo-agent --name author --work-ms 40",
            "--role",
            "reviewer={self} demo-agent --name reviewer --work-ms 40",
            "--task",
            "write it",
        ],
    );
    tui.wait_for_text("demo agent reviewer");
    tui.wait_for_text("turn 3/20");
    assert!(tui.region(LEFT).contains("write it"));
}

#[test]
fn a_user_keymap_by_name_binds_keys_and_shows_in_help() {
    let keymap = "inherits = \"default\"\n[normal]\n\"alt-n\" = \"pass_next\"\n";
    let config = config_dir(&[("keymaps/mine.toml", keymap)]);
    let mut tui = start(
        &config,
        &["--keymap", "mine", "--pane", "a=cat", "--pane", "b=cat"],
    );
    tui.wait_for_text("baton · turn 1");
    tui.send(b"\x1bn"); // alt-n
    tui.wait_for_text("baton: a -> b (turn 2)");
    tui.chord(b"?");
    tui.wait_for_text("without a prefix");
    let help = tui.contents();
    assert!(help.contains("alt-n"), "{help}");
    assert!(help.contains("pass the baton now"), "{help}");
}

#[test]
fn switching_keymaps_changes_the_help() {
    let config = config_dir(&[]);
    let mut tui = start(
        &config,
        &["--keymap", "tmux", "--pane", "a=cat", "--pane", "b=cat"],
    );
    tui.wait_for_text("baton · turn 1");
    tui.send(b"\x02?"); // ctrl-b ?
    tui.wait_for_text("after the prefix ctrl-b");
    let help = tui.contents();
    assert!(help.contains("scroll / copy mode"), "{help}");
    assert!(!help.contains("after the prefix ctrl-]"), "{help}");
}

#[test]
fn a_user_theme_changes_only_the_slot_it_sets() {
    let theme = "inherits = \"default\"\n[slots]\nholder_border = \"#ff0000\"\n";
    let config = config_dir(&[("themes/red.toml", theme)]);
    let tui = start(
        &config,
        &["--theme", "red", "--pane", "a=cat", "--pane", "b=cat"],
    );
    tui.wait_for_text("baton · turn 1");
    // Row 1 holds the side borders: pane a holds the baton, pane b is locked.
    eventually("the themed borders", || {
        tui.with_screen(|s| {
            let holder = s.cell(1, 0).map(vt100::Cell::fgcolor);
            let locked = s.cell(1, 60).map(vt100::Cell::fgcolor);
            holder == Some(vt100::Color::Rgb(255, 0, 0))
                && locked == Some(vt100::Color::Rgb(0x45, 0x47, 0x5a))
        })
    });
}
