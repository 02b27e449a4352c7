//! The person's own set-up of the app: keys and colours.

use crate::input::action::Action;
use crate::input::keymap::{Keymap, Mode as KeyMode};
use crate::ui::theme::Theme;

/// How the person set the app up for themselves: which keys do what, and how it looks.
/// Read from their files (over the defaults) before the rally starts and never changed
/// while it runs, so what is derived from them, such as the status bar's key hints, can
/// be worked out once.
pub(super) struct Prefs {
    pub(super) keymap: Keymap,
    pub(super) theme: Theme,
}

impl Prefs {
    /// The keys that do `action` as the person types them, prefix first ("ctrl-] q"),
    /// when the keymap binds it after the prefix.
    pub(super) fn prefix_keys(&self, action: Action) -> Option<String> {
        let chord = self.keymap.chord_for(KeyMode::Prefix, action)?;
        Some(format!("{} {chord}", self.keymap.prefix()))
    }
}
