//! The other files a person writes: `config.toml`, keymaps and themes. Each input goes
//! through all three `parse_str`s, the functions `load_file` calls on a file's text.
//! None may panic, faults must point into the text, and what each accepts must be
//! usable as the app uses it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rallish_tui::config::Config;
use rallish_tui::input::keymap::{Chord, Keymap, Mode};
use rallish_tui::ui::theme::{SLOTS, Theme};
use rallish_tui_fuzz::assert_points_into;

const ORIGIN: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    config(text);
    keymap(text);
    theme(text);
});

fn config(text: &str) {
    match Config::parse_str(text, ORIGIN) {
        // Config is also written out (`Serialize`); what it writes must read back.
        Ok(config) => {
            let written = toml::to_string(&config).expect("a parsed config serialises");
            assert_eq!(Config::parse_str(&written, ORIGIN).ok(), Some(config));
        }
        Err(err) => assert_points_into(text, ORIGIN, &err),
    }
}

fn keymap(text: &str) {
    let keymap = match Keymap::parse_str(text, ORIGIN) {
        Ok(keymap) => keymap,
        Err(err) => return assert_points_into(text, ORIGIN, &err),
    };
    // The help screen shows each chord by its name, and people copy that name into their
    // own keymap: it must read back as the same chord. A chord must also be canonical,
    // or no key event (normalised the same way) would ever match it.
    let reads_back = |chord: Chord| {
        assert_eq!(Chord::new(chord.code, chord.modifiers), chord);
        let name = chord.to_string();
        assert_eq!(Chord::parse(&name), Ok(chord), "{name:?}");
    };
    reads_back(keymap.prefix());
    for mode in Mode::ALL {
        for (chord, action) in keymap.bindings(mode) {
            reads_back(chord);
            assert!(keymap.chord_for(mode, action).is_some());
        }
    }
}

fn theme(text: &str) {
    match Theme::parse_str(text, ORIGIN) {
        // NO_COLOR: whatever the file set, no slot keeps a colour.
        Ok(theme) => {
            let plain = theme.without_colour();
            for slot in SLOTS {
                let style = plain.slot(slot).expect("every slot is named");
                assert_eq!((style.fg, style.bg), (None, None), "{slot}");
            }
        }
        Err(err) => assert_points_into(text, ORIGIN, &err),
    }
}
