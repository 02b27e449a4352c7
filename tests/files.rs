//! Shipped files and `rallish-tui check`: every preset, theme and keymap in the source
//! tree is valid and embedded; broken files are reported at their line and key, exit 2,
//! through the built binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, binary};
use rallish_tui::commands::check::{self, Kind};
use rallish_tui::input::keymap::Keymap;
use rallish_tui::preset::Preset;
use rallish_tui::ui::theme::Theme;

fn toml_files(dir: &str) -> Vec<(String, std::path::PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| (p.file_stem().unwrap().to_str().unwrap().to_string(), p))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

#[test]
fn every_shipped_file_is_valid_and_embedded() {
    for (dir, kind) in [
        ("assets/presets", Kind::Preset),
        ("themes", Kind::Theme),
        ("keymaps", Kind::Keymap),
    ] {
        for (name, path) in toml_files(dir) {
            let (found, result) = check::check_file(&path, None);
            assert_eq!(found, kind, "{}", path.display());
            if let Err(err) = result {
                panic!("{err}");
            }
            let embedded = match kind {
                Kind::Preset => Preset::builtin_names().any(|n| n == name),
                Kind::Theme => Theme::builtin_names().any(|n| n == name),
                _ => Keymap::builtin_names().any(|n| n == name),
            };
            assert!(embedded, "{} is not embedded", path.display());
        }
    }
}

fn run(config: &TempDir, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .env("RALLISH_CONFIG_DIR", config.path())
        .env("RALLISH_STATE_DIR", config.path().join("state"))
        .env("XDG_RUNTIME_DIR", config.path().join("run"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_reports_each_broken_file_at_its_line_and_key() {
    let dir = TempDir::new("check");
    let cases = [
        (
            "presets/bad-toml.toml",
            "name = \"bad-toml\"\n[[roles]\n",
            "bad-toml.toml:2:9: invalid TOML: unclosed array table",
        ),
        (
            "presets/typo.toml",
            "name = \"typo\"\ndescripton = \"x\"\n[[roles]]\nname = \"a\"\ncommand = \"cat\"\n",
            "typo.toml:2:1: unknown key \"descripton\", expected one of",
        ),
        (
            "presets/wrong-type.toml",
            "name = \"wrong-type\"\n[budget]\nmax_turns = \"six\"\n",
            "wrong-type.toml:3:13: invalid type: string \"six\", expected u32 (key budget.max_turns)",
        ),
        (
            "presets/routing.toml",
            "name = \"routing\"\nrouting = { mode = \"handoff\", next = { a = \"zed\" } }\n\
             [[roles]]\nname = \"a\"\ncommand = \"cat\"\n",
            "routing.toml:2:44: unknown role \"zed\" in routing; the roles are a (key routing.next.a)",
        ),
        (
            "keymaps/action.toml",
            "[prefix]\nn = \"pas_next\"\n",
            "action.toml:2:5: unknown action \"pas_next\" (key prefix.n)",
        ),
        (
            "keymaps/dup.toml",
            "[prefix]\nx = \"quit\"\n\"shift-x\" = \"help\"\nX = \"help\"\n",
            "dup.toml:4:1: chord \"X\" is the same as \"shift-x\" on line 3 (key prefix.X)",
        ),
        (
            "themes/colour.toml",
            "inherits = \"default\"\n[slots]\nholder_border = \"amberr\"\n",
            "colour.toml:3:17: unknown colour \"amberr\"",
        ),
        (
            "config.toml",
            "scrollback_lines = -5\n",
            "config.toml:1:20: invalid value: integer \"-5\", expected usize (key scrollback_lines)",
        ),
    ];
    for (path, body, want) in cases {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
        let out = run(&dir, &["check", file.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(err.contains(want), "{path}: wanted {want:?} in\n{err}");
        std::fs::remove_file(&file).unwrap();
    }
}

#[test]
fn check_without_files_covers_the_config_dir_and_the_built_ins() {
    let dir = TempDir::new("check-all");
    let out = run(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    for name in ["demo", "pair-review", "solo-loop", "high-contrast", "tmux"] {
        assert!(
            listed.contains(&format!("ok     built-in {name}")),
            "{listed}"
        );
    }
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    std::fs::write(dir.path().join("themes/mine.toml"), "inherits = \"nope\"\n").unwrap();
    let out = run(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("mine.toml:1:12: unknown theme \"nope\""));
}

#[test]
fn a_broken_preset_stops_the_app_before_the_screen() {
    let dir = TempDir::new("start");
    let preset = dir.path().join("oops.toml");
    std::fs::write(
        &preset,
        "name = \"oops\"\n[[roles]]\nname = \"a\"\ncomand = \"cat\"\n",
    )
    .unwrap();
    let out = run(&dir, &["--preset", preset.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "the screen was touched");
    let err = text(&out.stderr);
    assert!(
        err.contains("oops.toml:4:1: unknown key \"comand\""),
        "{err}"
    );
    assert!(err.contains("(key roles[0].comand)"), "{err}");
    let out = run(&dir, &["--preset", "demo", "--role", "carol=claude"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("preset demo has no role \"carol\"; its roles are alice, bob")
    );
    let out = run(&dir, &["--theme", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no theme \"nope\""));
}

#[test]
fn presets_list_show_and_user_overrides() {
    let dir = TempDir::new("list");
    std::fs::create_dir_all(dir.path().join("presets")).unwrap();
    let mine = "name = \"ping-pong\"\ndescription = \"my own\"\n[[roles]]\nname = \"a\"\ncommand = \"cat\"\n";
    std::fs::write(dir.path().join("presets/ping-pong.toml"), mine).unwrap();
    let out = run(&dir, &["presets", "list"]);
    let listed = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(listed.contains("demo"), "{listed}");
    assert!(
        listed.contains("my own  [user, overrides the built-in]"),
        "{listed}"
    );
    let out = run(&dir, &["presets", "show", "pair-review"]);
    assert!(text(&out.stdout).contains("name = \"pair-review\""));
    let out = run(&dir, &["presets", "show", "ping-pong"]);
    assert!(text(&out.stdout).contains("my own"));
}

#[test]
fn config_path_doctor_and_completions() {
    let dir = TempDir::new("misc");
    let out = run(&dir, &["config", "path"]);
    assert_eq!(
        text(&out.stdout).trim(),
        dir.path().join("config.toml").display().to_string()
    );
    let out = run(&dir, &["completions", "bash"]);
    assert!(text(&out.stdout).contains("rallish-tui"));

    // A stand-in `claude` on the PATH answers --version.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("claude");
    std::fs::write(&fake, "#!/bin/sh\necho \"9.9.9 (Claude Code)\"\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = Command::new(binary())
        .args(["doctor", "--json"])
        .env("RALLISH_CONFIG_DIR", dir.path())
        .env("XDG_RUNTIME_DIR", dir.path().join("run"))
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let claude = &report["agents"][0];
    assert_eq!(claude["name"], "claude");
    assert_eq!(claude["version"], "9.9.9 (Claude Code)");
    assert_eq!(report["agents"][1]["path"], serde_json::Value::Null);
    assert_eq!(report["runtime_dir"]["writable"], true);
    assert_eq!(report["config"]["errors"].as_array().map(Vec::len), Some(0));
    let table = Command::new(binary())
        .arg("doctor")
        .env("RALLISH_CONFIG_DIR", dir.path())
        .env("XDG_RUNTIME_DIR", dir.path().join("run"))
        .env("PATH", &bin)
        .output()
        .unwrap();
    let table = text(&table.stdout);
    assert!(table.contains("agent claude"), "{table}");
    assert!(table.contains("9.9.9 (Claude Code)"), "{table}");
    assert!(table.contains("not on PATH"), "{table}");
}
