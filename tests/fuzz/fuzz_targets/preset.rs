//! Preset files: a person's own, or one downloaded with a project. `Preset::parse_str` is
//! what `--preset` runs on the file's text (after `read_to_string`, so only UTF-8 gets
//! here). It must never panic, its faults must point into the text, and what it accepts
//! must hold what `validate` promises the rest of the app.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rallish_tui::preset::{Preset, check_role_name};
use rallish_tui_fuzz::assert_points_into;

const ORIGIN: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let preset = match Preset::parse_str(text, ORIGIN, None) {
        Ok(preset) => preset,
        Err(err) => return assert_points_into(text, ORIGIN, &err),
    };
    // Read from NAME.toml it loads the same; from any other file name it does not.
    let same = Preset::parse_str(text, ORIGIN, Some(&preset.name));
    assert_eq!(same.as_ref().ok(), Some(&preset));
    let other = format!("{}-other", preset.name);
    assert!(Preset::parse_str(text, ORIGIN, Some(&other)).is_err());

    // The app indexes roles by `first` and by the names in `next`.
    assert!(preset.first < preset.roles.len());
    assert!(preset.check_unique_roles().is_ok());
    for role in &preset.roles {
        assert!(check_role_name(&role.name).is_ok(), "{:?}", role.name);
        assert!(!role.command.trim().is_empty());
        let line = role.command_line(Path::new("/opt/rallish tui/rallish-tui"));
        assert!(line.len() >= role.command.trim().len());
    }
    for (from, to) in &preset.next {
        assert!(preset.roles.iter().any(|r| &r.name == from), "{from}");
        assert!(preset.roles.iter().any(|r| &r.name == to), "{to}");
    }
    // Budgets of zero are refused: a rally that ends before it starts is a typo.
    assert_ne!(preset.max_turns, Some(0));
    assert_ne!(preset.scratchpad_max_kb, Some(0));
    assert!(preset.deadline.is_none_or(|d| !d.is_zero()));
    assert!(preset.turn_timeout.is_none_or(|d| !d.is_zero()));
    assert!(preset.review.as_ref().is_none_or(|r| r.max_diff_lines > 0));
    let rules = preset.rules();
    assert_eq!(rules.max_turns, preset.max_turns);
});
