//! Fuzz-style mutation tests of the two parsers that read untrusted input: the control
//! socket's request parser (any process of the user can connect) and the TOML files
//! (config, presets, themes, keymaps). Shipped files and valid requests are mutated byte
//! by byte, deterministically; every result must be a value or a clean error with a
//! location, never a panic. (cargo-fuzz needs a nightly toolchain, which this project's
//! machines do not have; these run in every `cargo test`.)

mod common;

use common::rng::Rng;
use rallish_tui::config::Config;
use rallish_tui::control::protocol::parse_request;
use rallish_tui::input::keymap::Keymap;
use rallish_tui::preset::Preset;
use rallish_tui::ui::theme::Theme;

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b"=",
    b"\n",
    b"\\",
    b"\\u0000",
    b"\xff",
    b"0",
    b"-1",
    b"99999999999999999999",
    b"null",
    b"true",
    b"\"op\":\"pass\"",
    b"[[roles]]",
    b"[budget]",
    b"inherits = \"default\"",
    b"'''",
    b"\"\"\"",
    b"#",
    b"\t",
    b"1e999",
    b"nan",
    b"inf",
];

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
            2 if at < bytes.len() => bytes[at] = rng.next() as u8,
            _ => {
                let start = rng.below(bytes.len());
                let piece: Vec<u8> =
                    bytes[start..(start + rng.below(32)).min(bytes.len())].to_vec();
                bytes.splice(at..at, piece);
            }
        }
    }
    bytes
}

#[test]
fn mutated_control_requests_parse_or_are_refused() {
    let seeds: [&[u8]; 3] = [
        br#"{"v":1,"op":"pass","pane":"a","token":"00112233445566778899aabbccddeeff","to":"b","note":"look at README"}"#,
        br#"{"v":1,"op":"status","pane":"a","token":"00112233445566778899aabbccddeeff"}"#,
        br#"{"v":1,"op":"pass","pane":"author","token":"ff","note":"line\nline \u001b[31m"}"#,
    ];
    let mut rng = Rng(0x5eed);
    for _ in 0..30_000 {
        let input = mutate(seeds[rng.below(seeds.len())], &mut rng);
        if let Err(response) = parse_request(&input) {
            assert!(!response.is_ok());
            assert!(response.to_line().ends_with('\n'));
        }
    }
}

#[test]
fn mutated_config_preset_theme_and_keymap_files_never_panic() {
    let presets: Vec<&str> = Preset::builtin_names()
        .filter_map(Preset::builtin_text)
        .collect();
    let themes: Vec<&str> = Theme::builtin_names()
        .filter_map(Theme::builtin_text)
        .collect();
    let keymaps = [
        include_str!("../keymaps/default.toml"),
        include_str!("../keymaps/tmux.toml"),
    ];
    let config = "preset = \"demo\"\ntheme = \"light\"\nscrollback_lines = 5000\n[recording]\nenabled = true\nformat = \"v3\"\n";
    let mut rng = Rng(0xf00d);
    for round in 0..4_000 {
        let (kind, seed) = match round % 4 {
            0 => ("preset", presets[rng.below(presets.len())]),
            1 => ("theme", themes[rng.below(themes.len())]),
            2 => ("keymap", keymaps[rng.below(keymaps.len())]),
            _ => ("config", config),
        };
        let bytes = mutate(seed.as_bytes(), &mut rng);
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let error = match kind {
            "preset" => Preset::parse_str(&text, "x.toml", None)
                .err()
                .map(|e| e.to_string()),
            "theme" => Theme::parse_str(&text, "x.toml")
                .err()
                .map(|e| e.to_string()),
            "keymap" => Keymap::parse_str(&text, "x.toml")
                .err()
                .map(|e| e.to_string()),
            _ => Config::parse_str(&text, "x.toml")
                .err()
                .map(|e| e.to_string()),
        };
        if let Some(message) = error {
            assert!(
                message.starts_with("x.toml"),
                "{kind} error without its file: {message}"
            );
        }
    }
}
