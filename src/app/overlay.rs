//! What takes every key while it shows: the help, the pass-to prompt, the quit question
//! and the note editor. Each is a value with its own keys (from the keymap), its own
//! status-line text and its own picture; the app keeps them in a stack, gives the top one
//! the keys and carries out what it answers.

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::input::action::Action;
use crate::input::keymap::{Chord, Keymap, Mode as KeyMode};
use crate::pane::PaneId;
use crate::ui::frame::OverlayView;

pub(super) enum Overlay {
    /// Every binding of the keymap; any key closes it.
    Help,
    /// Waiting for the number of the pane to pass to.
    PassTo,
    /// Quit was asked while children run.
    ConfirmQuit,
    /// Writing a handoff note for a pane.
    NoteEditor(NoteEditor),
}

pub(super) struct NoteEditor {
    pub(super) to: PaneId,
    text: Box<TextArea<'static>>,
}

impl NoteEditor {
    /// An editor for a note to `to`, holding `text`, showing `placeholder` while empty.
    pub(super) fn new(to: PaneId, text: &str, placeholder: &str) -> NoteEditor {
        let mut area = TextArea::new(text.lines().map(str::to_string).collect());
        area.set_placeholder_text(placeholder);
        NoteEditor {
            to,
            text: Box::new(area),
        }
    }
}

/// What a key in an overlay asks of the app. Every answer but `Stay` closes it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Stay,
    Close,
    /// Close, and tell the person this.
    Say(&'static str),
    Perform(Action),
    /// The note editor's note for pane `to`.
    SendNote {
        to: PaneId,
        note: String,
    },
    /// The note editor was closed without sending.
    DiscardNote,
    Quit,
}

impl Overlay {
    pub(super) fn on_key(&mut self, key: KeyEvent, keymap: &Keymap) -> Outcome {
        match self {
            Overlay::Help => Outcome::Close,
            Overlay::PassTo => match keymap.lookup(KeyMode::PassTo, &key) {
                Some(action @ Action::PassTo(_)) => Outcome::Perform(action),
                _ => Outcome::Say("pass cancelled"),
            },
            Overlay::ConfirmQuit => match keymap.lookup(KeyMode::Confirm, &key) {
                Some(Action::Confirm) => Outcome::Quit,
                _ => Outcome::Say("still here"),
            },
            Overlay::NoteEditor(editor) => match keymap.lookup(KeyMode::NoteEditor, &key) {
                Some(Action::SendNote) => Outcome::SendNote {
                    to: editor.to,
                    note: editor.text.lines().join("\n"),
                },
                Some(Action::Cancel) => Outcome::DiscardNote,
                _ => {
                    editor.text.input(key);
                    Outcome::Stay
                }
            },
        }
    }

    /// A bracketed paste; `false` when this overlay has no use for one.
    pub(super) fn on_paste(&mut self, text: &str) -> bool {
        match self {
            Overlay::NoteEditor(editor) => {
                editor.text.insert_str(text);
                true
            }
            _ => false,
        }
    }

    /// Whether it is drawn over the panes (rather than only in the status line).
    pub(super) fn covers_panes(&self) -> bool {
        matches!(self, Overlay::Help | Overlay::NoteEditor(_))
    }

    /// Whether the focused pane's cursor still shows under it (a prompt in the status
    /// line leaves the pane in view; the quit question and the popups do not).
    pub(super) fn keeps_pane_cursor(&self) -> bool {
        matches!(self, Overlay::PassTo)
    }

    /// What the status line says while it is open.
    pub(super) fn status(&self) -> Option<String> {
        match self {
            Overlay::PassTo => Some("pass the baton to pane number…".into()),
            Overlay::ConfirmQuit => {
                Some("children are still running: quit and stop them? y/n".into())
            }
            Overlay::Help | Overlay::NoteEditor(_) => None,
        }
    }

    /// What it shows over the panes, if anything; `names` are the panes' names, in
    /// order.
    pub(super) fn view(&self, keymap: &Keymap, names: &[&str]) -> Option<OverlayView<'_>> {
        match self {
            Overlay::Help => Some(OverlayView::Help(help_sections(keymap))),
            Overlay::NoteEditor(editor) => {
                let to = names.get(editor.to.index()).copied().unwrap_or("?");
                let chord = |action| {
                    keymap
                        .chord_for(KeyMode::NoteEditor, action)
                        .map_or_else(|| "(unbound)".to_string(), |c| c.to_string())
                };
                Some(OverlayView::Editor {
                    title: format!("handoff note to {to}"),
                    footer: format!(
                        "{} sends · {} cancels",
                        chord(Action::SendNote),
                        chord(Action::Cancel)
                    ),
                    text: &editor.text,
                })
            }
            Overlay::PassTo | Overlay::ConfirmQuit => None,
        }
    }
}

/// The help overlay's sections: every binding of the keymap, by mode, and nothing else.
fn help_sections(keymap: &Keymap) -> Vec<(String, Vec<(String, String)>)> {
    KeyMode::ALL
        .into_iter()
        .map(|mode| {
            let title = mode.title(keymap.prefix());
            (title, fold_numbered(&keymap.bindings(mode)))
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// Help rows for bindings in help order, a run of numbered actions on their own numbers
/// (`1` focus pane 1 … `9` focus pane 9) folded into one row: `1-9` focus pane N.
fn fold_numbered(bindings: &[(Chord, Action)]) -> Vec<(String, String)> {
    let on_own_number = |(chord, action): &(Chord, Action)| {
        action.info().numbered && chord.to_string() == action.rank().1.to_string()
    };
    let mut rows = Vec::new();
    let mut i = 0;
    while i < bindings.len() {
        let (chord, action) = bindings[i];
        let run = bindings[i..]
            .iter()
            .take_while(|b| on_own_number(b) && b.1.info() == action.info())
            .count();
        if run > 1 {
            let last = bindings[i + run - 1].0;
            rows.push((
                format!("{chord}-{last}"),
                action.info().help.replace("{n}", "N"),
            ));
            i += run;
        } else {
            rows.push((chord.to_string(), action.desc()));
            i += 1;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    /// Every binding of the keymap, as a help row, one by one.
    fn bindings(keymap: &Keymap) -> Vec<(String, String)> {
        KeyMode::ALL
            .into_iter()
            .flat_map(|mode| keymap.bindings(mode))
            .map(|(chord, action)| (chord.to_string(), action.desc()))
            .collect()
    }

    /// The help rows, a folded row (`1-9`) read back as the rows it stands for.
    fn rows(keymap: &Keymap) -> Vec<(String, String)> {
        help_sections(keymap)
            .into_iter()
            .flat_map(|(_, rows)| rows)
            .flat_map(|(chord, desc)| match chord.split_once('-') {
                Some((from, to)) if desc.contains(" N") => {
                    let (from, to): (u8, u8) = (from.parse().unwrap(), to.parse().unwrap());
                    (from..=to)
                        .map(|n| (n.to_string(), desc.replace(" N", &format!(" {n}"))))
                        .collect()
                }
                _ => vec![(chord, desc)],
            })
            .collect()
    }

    fn sorted(mut rows: Vec<(String, String)>) -> Vec<(String, String)> {
        rows.sort();
        rows
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn default_keymap() -> Keymap {
        Keymap::builtin("default").unwrap().unwrap()
    }

    #[test]
    fn help_lists_exactly_the_active_keymap() {
        let user = "inherits = \"tmux\"\n[normal]\n\"alt-n\" = \"pass_next\"\n\
                    [copy_mode]\nq = \"cancel\"\n[prefix]\nz = \"none\"\n";
        let keymaps = [
            Keymap::builtin("default").and_then(Result::ok),
            Keymap::builtin("tmux").and_then(Result::ok),
            Keymap::parse_str(user, "user.toml").ok(),
        ];
        let mut seen = Vec::new();
        for keymap in keymaps.into_iter().map(Option::unwrap) {
            assert_eq!(sorted(rows(&keymap)), sorted(bindings(&keymap)));
            seen.push(help_sections(&keymap));
        }
        // Switching keymaps changes the overlay.
        assert_ne!(seen[0], seen[1]);
        assert_ne!(seen[1], seen[2]);
        let titles: Vec<_> = seen[2].iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "without a prefix",
                "after the prefix ctrl-b",
                "in the note editor",
                "in the scratchpad",
                "in copy mode",
                "passing to pane N",
                "asked to quit"
            ]
        );
        assert!(
            !rows(&Keymap::parse_str(user, "u").unwrap())
                .iter()
                .any(|(c, _)| c == "z")
        );
        let prefix = &seen[0][0].1;
        assert_eq!(prefix[0], ("1-9".to_string(), "focus pane N".to_string()));
    }

    #[test]
    fn the_overlays_keys_come_from_the_keymap() {
        let keymap = default_keymap();
        assert_eq!(
            Overlay::PassTo.on_key(key('3'), &keymap),
            Outcome::Perform(Action::PassTo(3))
        );
        assert_eq!(
            Overlay::PassTo.on_key(key('x'), &keymap),
            Outcome::Say("pass cancelled")
        );
        assert_eq!(
            Overlay::ConfirmQuit.on_key(key('Y'), &keymap),
            Outcome::Quit
        );
        let rebound = Keymap::parse_str(
            "inherits = \"default\"\n[confirm]\ny = \"none\"\nY = \"none\"\nq = \"confirm\"\n",
            "user.toml",
        )
        .unwrap();
        assert_eq!(
            Overlay::ConfirmQuit.on_key(key('y'), &rebound),
            Outcome::Say("still here")
        );
        assert_eq!(
            Overlay::ConfirmQuit.on_key(key('q'), &rebound),
            Outcome::Quit
        );
    }

    #[test]
    fn the_note_editor_edits_until_send_or_cancel() {
        let keymap = default_keymap();
        let mut editor = Overlay::NoteEditor(NoteEditor::new(PaneId::new(1), "", "…"));
        for c in "hi".chars() {
            assert_eq!(editor.on_key(key(c), &keymap), Outcome::Stay);
        }
        assert!(editor.on_paste(" there"));
        let send = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            editor.on_key(send, &keymap),
            Outcome::SendNote {
                to: PaneId::new(1),
                note: "hi there".into()
            }
        );
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(editor.on_key(esc, &keymap), Outcome::DiscardNote);
    }
}
