//! Keymaps as data: per-mode TOML tables that bind readable chords ("ctrl-]", "N", "f5")
//! to [`Action`] names. Built-in keymaps are embedded; a file may `inherits = "NAME"` one of
//! them and override or unbind (`"none"`) single chords. Errors name file, line, column
//! and key.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use toml::de::DeTable;

use crate::config::toml_source::{self, FileError, Source, in_file_order, quote_key};
use crate::input::action::Action;

/// Embedded keymaps, by the name `inherits` and `--keymap` use.
const BUILTINS: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("tmux", include_str!("../../keymaps/tmux.toml")),
];

/// The prefix when no file in the inheritance chain sets `prefix_key`.
const FALLBACK_PREFIX: Chord = Chord {
    code: KeyCode::Char(']'),
    modifiers: KeyModifiers::CONTROL,
};

/// The value that removes an inherited binding.
const UNBIND: &str = "none";

/// Built-ins inherit each other at most this deep (guards against a cycle).
const MAX_INHERIT_DEPTH: usize = 8;

/// One key with its modifiers, normalised so that a chord written in a file equals the
/// event a terminal reports for it (see [`Chord::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Chord {
    /// Builds the canonical chord for a key and modifiers:
    /// - Shift is dropped from characters, whose case already says it (`N`, `?`), except
    ///   Ctrl+letter, where the letter is lowercased and Shift is kept only when set
    ///   (so `ctrl-A` is `ctrl-a`, while `ctrl-shift-a` stays apart);
    /// - raw control characters and crossterm's legacy spellings (Ctrl+4..7 for the bytes
    ///   0x1c..=0x1f, Ctrl+@) become the Ctrl+punctuation they were typed as;
    /// - Shift+Tab is `backtab`; only Shift, Ctrl, Alt and Super are kept.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Chord {
        let kept =
            KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER;
        let (code, mut mods) = match code {
            KeyCode::Char(c) if c.is_ascii_control() => unfold_control(c, modifiers & kept),
            KeyCode::Null => (KeyCode::Char(' '), modifiers & kept | KeyModifiers::CONTROL),
            other => (other, modifiers & kept),
        };
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                let c = match c {
                    '@' => ' ',
                    '4' => '\\',
                    '5' => ']',
                    '6' => '^',
                    '7' => '_',
                    c => c,
                };
                if !c.is_ascii_alphabetic() {
                    mods.remove(KeyModifiers::SHIFT);
                }
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => {
                let shifted = mods.contains(KeyModifiers::SHIFT);
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(if shifted { c.to_ascii_uppercase() } else { c })
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Chord {
            code,
            modifiers: mods,
        }
    }

    /// The chord a terminal key event stands for.
    pub fn from_event(key: &KeyEvent) -> Chord {
        Chord::new(key.code, key.modifiers)
    }

    /// Parses a readable chord: modifiers `ctrl-`, `alt-`, `shift-`, `super-` (any case, any
    /// order) before a key name (`enter`, `pageup`, `f5`, `space`, ...) or a single char.
    pub fn parse(s: &str) -> Result<Chord, String> {
        let mut rest = s;
        let mut modifiers = KeyModifiers::NONE;
        while let Some((head, tail)) = rest.split_once('-') {
            if head.is_empty() {
                break; // "-" or "ctrl--": the key is the dash itself
            }
            let modifier = match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                "super" => KeyModifiers::SUPER,
                _ => return Err(format!("unknown modifier \"{head}\"")),
            };
            if tail.is_empty() {
                return Err(format!("missing key after \"{head}-\""));
            }
            if modifiers.contains(modifier) {
                return Err(format!("\"{head}\" is written twice"));
            }
            modifiers |= modifier;
            rest = tail;
        }
        let code = key_code(rest).ok_or_else(|| match rest {
            "" => "empty chord".to_string(),
            _ => format!("unknown key \"{rest}\""),
        })?;
        Ok(Chord::new(code, modifiers))
    }
}

/// A raw control character as the key and modifiers it was typed with.
fn unfold_control(c: char, mods: KeyModifiers) -> (KeyCode, KeyModifiers) {
    let ctrl = mods | KeyModifiers::CONTROL;
    match c {
        '\t' => (KeyCode::Tab, mods),
        '\r' => (KeyCode::Enter, mods),
        '\x1b' => (KeyCode::Esc, mods),
        '\x7f' => (KeyCode::Backspace, mods),
        '\0' => (KeyCode::Char(' '), ctrl),
        '\x1c' => (KeyCode::Char('\\'), ctrl),
        '\x1d' => (KeyCode::Char(']'), ctrl),
        '\x1e' => (KeyCode::Char('^'), ctrl),
        '\x1f' => (KeyCode::Char('_'), ctrl),
        // 0x01..=0x1a: Ctrl+a..z (the range left after the arms above).
        c => (KeyCode::Char(char::from(c as u8 - 1 + b'a')), ctrl),
    }
}

/// The key part of a chord: a single char or a key name.
fn key_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "space" => KeyCode::Char(' '),
        "esc" | "escape" => KeyCode::Esc,
        "enter" | "return" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        f => match f.strip_prefix('f')?.parse().ok()? {
            n @ 1..=24 => KeyCode::F(n),
            _ => return None,
        },
    })
}

impl fmt::Display for Chord {
    /// The canonical readable name, which [`Chord::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
            (KeyModifiers::SUPER, "super-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            other => write!(f, "{}", format!("{other:?}").to_lowercase()),
        }
    }
}

/// Where keys are being read; each mode has its own table of bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A pane has the keyboard; only [normal] chords are taken from it.
    Normal,
    /// Right after the prefix chord.
    Prefix,
    /// Writing a handoff note.
    NoteEditor,
    /// Editing the scratchpad.
    Scratchpad,
    /// Scrolling / copying a pane's history.
    CopyMode,
    /// Waiting for the number of the pane to pass to.
    PassTo,
    /// Asking whether to quit while children run.
    Confirm,
}

impl Mode {
    pub const ALL: [Mode; 7] = [
        Mode::Normal,
        Mode::Prefix,
        Mode::NoteEditor,
        Mode::Scratchpad,
        Mode::CopyMode,
        Mode::PassTo,
        Mode::Confirm,
    ];

    /// The table name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Prefix => "prefix",
            Mode::NoteEditor => "note_editor",
            Mode::Scratchpad => "scratchpad",
            Mode::CopyMode => "copy_mode",
            Mode::PassTo => "pass_to",
            Mode::Confirm => "confirm",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Its section title in the help overlay.
    pub fn title(self, prefix: Chord) -> String {
        match self {
            Mode::Normal => "without a prefix".to_string(),
            Mode::Prefix => format!("after the prefix {prefix}"),
            Mode::NoteEditor => "in the note editor".to_string(),
            Mode::Scratchpad => "in the scratchpad".to_string(),
            Mode::CopyMode => "in copy mode".to_string(),
            Mode::PassTo => "passing to pane N".to_string(),
            Mode::Confirm => "asked to quit".to_string(),
        }
    }
}

/// A keymap file that could not be read or understood.
pub type KeymapError = FileError;

/// Chords bound per mode, plus the prefix chord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    prefix: Chord,
    tables: HashMap<Mode, HashMap<Chord, Action>>,
}

impl Keymap {
    /// Names of the embedded keymaps.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTINS.iter().map(|(name, _)| *name)
    }

    /// An embedded keymap by name; `None` when there is no such built-in.
    pub fn builtin(name: &str) -> Option<Result<Keymap, KeymapError>> {
        Self::builtin_at_depth(name, 0)
    }

    fn builtin_at_depth(name: &str, depth: usize) -> Option<Result<Keymap, KeymapError>> {
        let (_, text) = BUILTINS.iter().find(|(n, _)| *n == name)?;
        Some(Self::build(text, &format!("keymaps/{name}.toml"), depth))
    }

    /// Reads a user keymap file. Without `inherits` it starts from no bindings at all.
    pub fn load_file(path: &Path) -> Result<Keymap, KeymapError> {
        let origin = path.display().to_string();
        let text = toml_source::read(path, "keymap")?;
        Self::parse_str(&text, &origin)
    }

    /// Parses keymap text; `origin` names it in error messages.
    pub fn parse_str(text: &str, origin: &str) -> Result<Keymap, KeymapError> {
        Self::build(text, origin, 0)
    }

    fn build(text: &str, origin: &str, depth: usize) -> Result<Keymap, KeymapError> {
        let src = Source::new(text, origin);
        let layer = Layer::parse(&src)?;
        let mut keymap = match layer.inherits {
            None => Keymap {
                prefix: FALLBACK_PREFIX,
                tables: HashMap::new(),
            },
            Some((name, span)) => {
                if depth >= MAX_INHERIT_DEPTH {
                    let what = format!("inherits \"{name}\" nests too deep (a cycle?)");
                    return Err(src.error(span, what, Some("inherits")));
                }
                if let Some(base) = Self::builtin_at_depth(&name, depth + 1) {
                    base?
                } else {
                    let names: Vec<_> = Self::builtin_names().collect();
                    let what = format!(
                        "unknown keymap \"{name}\"; built-in keymaps are {}",
                        names.join(", ")
                    );
                    return Err(src.error(span, what, Some("inherits")));
                }
            }
        };
        if let Some(prefix) = layer.prefix {
            keymap.prefix = prefix;
        }
        for (mode, bindings) in layer.tables {
            let table = keymap.tables.entry(mode).or_default();
            for (chord, action) in bindings {
                match action {
                    Some(action) => table.insert(chord, action),
                    None => table.remove(&chord),
                };
            }
        }
        Ok(keymap)
    }

    /// The chord that starts every app command.
    pub fn prefix(&self) -> Chord {
        self.prefix
    }

    /// The action bound to a key in a mode; key releases never match.
    pub fn lookup(&self, mode: Mode, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.tables
            .get(&mode)?
            .get(&Chord::from_event(key))
            .copied()
    }

    /// Every binding of a mode in help-screen order: by action, then simplest chord first.
    pub fn bindings(&self, mode: Mode) -> Vec<(Chord, Action)> {
        let mut all: Vec<_> = self
            .tables
            .get(&mode)
            .map(|t| t.iter().map(|(c, a)| (*c, *a)).collect())
            .unwrap_or_default();
        all.sort_by_key(|(chord, action)| (action.rank(), chord_rank(chord)));
        all
    }

    /// The simplest chord for an action in a mode, for hints such as "ctrl-] t".
    pub fn chord_for(&self, mode: Mode, action: Action) -> Option<Chord> {
        self.tables
            .get(&mode)?
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(c, _)| *c)
            .min_by_key(chord_rank)
    }
}

/// Fewer modifiers first, then by name, so the order is stable.
fn chord_rank(chord: &Chord) -> (u32, String) {
    (chord.modifiers.bits().count_ones(), chord.to_string())
}

/// One file's own settings, before they are laid over what it inherits.
struct Layer {
    inherits: Option<(String, Range<usize>)>,
    prefix: Option<Chord>,
    /// Per mode, in file order; `None` unbinds.
    tables: Vec<(Mode, Bindings)>,
}

/// Chords in file order with their action; `None` unbinds.
type Bindings = Vec<(Chord, Option<Action>)>;

impl Layer {
    fn parse(src: &Source<'_>) -> Result<Layer, KeymapError> {
        let root = src.parse_table()?;
        let mut layer = Layer {
            inherits: None,
            prefix: None,
            tables: Vec::new(),
        };
        for (key, value) in in_file_order(root.get_ref()) {
            let name = key.get_ref().as_ref();
            match (name, Mode::from_name(name)) {
                ("inherits", _) => {
                    let text = src.string(value, name, "a keymap name")?;
                    layer.inherits = Some((text.to_string(), value.span()));
                }
                ("prefix_key", _) => {
                    let text = src.string(value, name, "a chord")?;
                    let chord = Chord::parse(text).map_err(|why| {
                        src.error(
                            value.span(),
                            format!("bad chord \"{text}\": {why}"),
                            Some(name),
                        )
                    })?;
                    layer.prefix = Some(chord);
                }
                ("prefix", Some(_)) if value.get_ref().is_str() => {
                    let what = "the prefix chord is written prefix_key = \"CHORD\"; \
                                [prefix] holds the chords that follow it";
                    return Err(src.error(value.span(), what.into(), Some(name)));
                }
                (_, Some(mode)) => {
                    let Some(table) = value.get_ref().as_table() else {
                        let what = format!(
                            "expected a table of bindings, found {}",
                            value.get_ref().type_str()
                        );
                        return Err(src.error(value.span(), what, Some(name)));
                    };
                    layer.tables.push((mode, Self::bindings(src, mode, table)?));
                }
                (_, None) => {
                    let modes: Vec<_> = Mode::ALL.iter().map(|m| m.name()).collect();
                    let what = format!(
                        "unknown key \"{name}\"; expected inherits, prefix_key or a mode \
                         table ({})",
                        modes.join(", ")
                    );
                    return Err(src.error(key.span(), what, Some(&quote_key(name))));
                }
            }
        }
        Ok(layer)
    }

    fn bindings(
        src: &Source<'_>,
        mode: Mode,
        table: &DeTable<'_>,
    ) -> Result<Bindings, KeymapError> {
        let mut seen: HashMap<Chord, (&str, Range<usize>)> = HashMap::new();
        let mut out = Vec::new();
        for (key, value) in in_file_order(table) {
            let written = key.get_ref().as_ref();
            let path = format!("{}.{}", mode.name(), quote_key(written));
            let chord = Chord::parse(written).map_err(|why| {
                let what = format!("bad chord \"{written}\": {why}");
                src.error(key.span(), what, Some(&path))
            })?;
            if let Some((first, span)) = seen.get(&chord) {
                let (line, _) = src.line_column(span.start);
                let what = format!("chord \"{written}\" is the same as \"{first}\" on line {line}");
                return Err(src.error(key.span(), what, Some(&path)));
            }
            seen.insert(chord, (written, key.span()));
            let name = src.string(value, &path, "an action name")?;
            let action = match name {
                UNBIND => None,
                _ => Some(Action::from_name(name).ok_or_else(|| {
                    src.error(
                        value.span(),
                        format!("unknown action \"{name}\""),
                        Some(&path),
                    )
                })?),
            };
            out.push((chord, action));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(s: &str) -> Chord {
        Chord::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn builtin(name: &str) -> Keymap {
        match Keymap::builtin(name) {
            Some(Ok(k)) => k,
            Some(Err(e)) => panic!("{e}"),
            None => panic!("no built-in {name}"),
        }
    }

    #[test]
    fn every_builtin_parses() {
        for name in Keymap::builtin_names() {
            builtin(name);
        }
        assert!(Keymap::builtin("nope").is_none());
    }

    #[test]
    fn chords_read_back_from_their_names() {
        let cases = [
            ("ctrl-]", "ctrl-]"),
            ("alt-enter", "alt-enter"),
            ("shift-up", "shift-up"),
            ("ctrl-shift-a", "ctrl-shift-a"),
            ("Shift-Ctrl-A", "ctrl-shift-a"),
            ("ctrl-A", "ctrl-a"),
            ("shift-n", "N"),
            ("shift-tab", "backtab"),
            ("shift-?", "?"),
            ("ctrl-5", "ctrl-]"),
            ("ctrl-@", "ctrl-space"),
            ("F5", "f5"),
            ("space", "space"),
            ("Esc", "esc"),
            ("escape", "esc"),
            ("enter", "enter"),
            ("tab", "tab"),
            ("backtab", "backtab"),
            ("backspace", "backspace"),
            ("delete", "delete"),
            ("insert", "insert"),
            ("home", "home"),
            ("end", "end"),
            ("pageup", "pageup"),
            ("pagedown", "pagedown"),
            ("left", "left"),
            ("n", "n"),
            ("N", "N"),
            ("?", "?"),
            ("1", "1"),
            ("[", "["),
            ("-", "-"),
            ("ctrl--", "ctrl--"),
            ("alt-super-x", "alt-super-x"),
        ];
        for (written, canonical) in cases {
            let c = chord(written);
            assert_eq!(c.to_string(), canonical, "{written}");
            assert_eq!(chord(canonical), c, "{canonical}");
        }
    }

    #[test]
    fn bad_chords_say_why() {
        let cases = [
            ("", "empty chord"),
            ("ctrl-", "missing key after \"ctrl-\""),
            ("ctlr-a", "unknown modifier \"ctlr\""),
            ("ctrl-ctrl-a", "\"ctrl\" is written twice"),
            ("foo", "unknown key \"foo\""),
            ("f0", "unknown key \"f0\""),
            ("f25", "unknown key \"f25\""),
        ];
        for (written, why) in cases {
            assert_eq!(Chord::parse(written), Err(why.to_string()), "{written:?}");
        }
    }

    #[test]
    fn events_match_the_chords_people_write() {
        let (none, shift, ctrl) = (
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
        );
        let cases = [
            (ev(KeyCode::Char('N'), shift), "N"),
            (ev(KeyCode::Char('N'), none), "N"),
            (ev(KeyCode::Char('?'), shift), "?"),
            (ev(KeyCode::Char(']'), ctrl), "ctrl-]"),
            (ev(KeyCode::Char('5'), ctrl), "ctrl-]"),
            (ev(KeyCode::Char('\u{1d}'), none), "ctrl-]"),
            (ev(KeyCode::Char('\u{2}'), none), "ctrl-b"),
            (ev(KeyCode::Char('\0'), none), "ctrl-space"),
            (ev(KeyCode::Null, none), "ctrl-space"),
            (ev(KeyCode::Char('A'), ctrl | shift), "ctrl-shift-a"),
            (ev(KeyCode::Char('a'), ctrl | shift), "ctrl-shift-a"),
            (ev(KeyCode::Char('N'), KeyModifiers::ALT | shift), "alt-N"),
            (ev(KeyCode::BackTab, shift), "backtab"),
            (ev(KeyCode::Up, shift), "shift-up"),
            (ev(KeyCode::Char('x'), KeyModifiers::META), "x"),
        ];
        for (event, written) in cases {
            assert_eq!(Chord::from_event(&event), chord(written), "{event:?}");
        }
    }

    #[test]
    fn default_keymap_lookups() {
        let k = builtin("default");
        let (none, shift, ctrl) = (
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
        );
        assert_eq!(k.prefix(), chord("ctrl-]"));
        let cases = [
            (ev(KeyCode::Char('n'), none), Some(Action::PassWithNote)),
            (ev(KeyCode::Char('N'), shift), Some(Action::PassNext)),
            (ev(KeyCode::Char('N'), none), Some(Action::PassNext)),
            (ev(KeyCode::Char('?'), shift), Some(Action::Help)),
            (ev(KeyCode::Char('?'), none), Some(Action::Help)),
            (ev(KeyCode::Char('3'), none), Some(Action::FocusPane(3))),
            (ev(KeyCode::Char(' '), none), Some(Action::CycleLayout)),
            (ev(KeyCode::Esc, none), Some(Action::Cancel)),
            (ev(KeyCode::Char(']'), ctrl), Some(Action::SendPrefix)),
            (ev(KeyCode::Char('5'), ctrl), Some(Action::SendPrefix)),
            (ev(KeyCode::Char('\u{1d}'), none), Some(Action::SendPrefix)),
            (ev(KeyCode::Char('x'), none), None),
            (ev(KeyCode::Char('n'), ctrl), None),
        ];
        for (event, want) in cases {
            assert_eq!(k.lookup(Mode::Prefix, &event), want, "{event:?}");
        }
        let release = KeyEvent {
            kind: KeyEventKind::Release,
            ..ev(KeyCode::Char('n'), none)
        };
        assert_eq!(k.lookup(Mode::Prefix, &release), None);
        assert_eq!(k.lookup(Mode::Normal, &ev(KeyCode::Char('n'), none)), None);
        let save = ev(KeyCode::Char('s'), ctrl);
        assert_eq!(k.lookup(Mode::NoteEditor, &save), Some(Action::SendNote));
        let slash = ev(KeyCode::Char('/'), none);
        assert_eq!(
            k.lookup(Mode::CopyMode, &slash),
            Some(Action::SearchForward)
        );
        let open = ev(KeyCode::Char('['), none);
        assert_eq!(k.lookup(Mode::Prefix, &open), Some(Action::CopyMode));
    }

    #[test]
    fn tmux_keymap_moves_the_prefix() {
        let k = builtin("tmux");
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(k.prefix(), chord("ctrl-b"));
        let lookup = |code| k.lookup(Mode::Prefix, &ev(code, KeyModifiers::NONE));
        let send = k.lookup(Mode::Prefix, &ev(KeyCode::Char('b'), ctrl));
        assert_eq!(send, Some(Action::SendPrefix));
        assert_eq!(k.lookup(Mode::Prefix, &ev(KeyCode::Char(']'), ctrl)), None);
        assert_eq!(lookup(KeyCode::Char('o')), Some(Action::FocusNext));
        assert_eq!(lookup(KeyCode::Char('z')), Some(Action::ToggleZoom));
        assert_eq!(lookup(KeyCode::Char('[')), Some(Action::CopyMode));
        // Inherited from the default keymap.
        assert_eq!(lookup(KeyCode::Char('n')), Some(Action::PassWithNote));
        let hint = k.chord_for(Mode::Prefix, Action::SendPrefix);
        assert_eq!(hint, Some(chord("ctrl-b")));
    }

    #[test]
    fn files_inherit_override_and_unbind() {
        let text = "inherits = \"default\"\nprefix_key = \"ctrl-a\"\n\
                    [prefix]\nq = \"none\"\nx = \"quit\"\n\"ctrl-a\" = \"send_prefix\"\n";
        let k = Keymap::parse_str(text, "mine.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k.prefix(), chord("ctrl-a"));
        assert_eq!(k.chord_for(Mode::Prefix, Action::Quit), Some(chord("x")));
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(k.lookup(Mode::Prefix, &q), None);
        // Both the inherited and the new chord send the prefix; the simpler is the hint.
        let sends: Vec<_> = k
            .bindings(Mode::Prefix)
            .into_iter()
            .filter(|(_, a)| *a == Action::SendPrefix)
            .map(|(c, _)| c.to_string())
            .collect();
        assert_eq!(sends, ["ctrl-]", "ctrl-a"]);
        assert_eq!(
            k.chord_for(Mode::NoteEditor, Action::SendNote),
            Some(chord("ctrl-s"))
        );

        let bare = Keymap::parse_str("[normal]\nf5 = \"help\"\n", "bare.toml");
        let bare = bare.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bare.prefix(), FALLBACK_PREFIX);
        assert!(bare.bindings(Mode::Prefix).is_empty());
        assert_eq!(bare.bindings(Mode::Normal), [(chord("f5"), Action::Help)]);
    }

    #[test]
    fn bindings_read_like_a_help_screen() {
        let k = builtin("default");
        let names: Vec<_> = k
            .bindings(Mode::Prefix)
            .iter()
            .map(|(c, a)| format!("{c} {a}"))
            .collect();
        assert_eq!(names[0], "1 focus_pane_1");
        assert_eq!(names[8], "9 focus_pane_9");
        assert_eq!(names[9], "o focus_next");
        assert_eq!(names.last().map(String::as_str), Some("q quit"));
        assert_eq!(
            k.chord_for(Mode::Prefix, Action::TakeBaton),
            Some(chord("t"))
        );
        assert_eq!(
            k.chord_for(Mode::Prefix, Action::ToggleScratchpad),
            Some(chord("s"))
        );
        assert_eq!(
            k.chord_for(Mode::Prefix, Action::CopyMode),
            Some(chord("["))
        );
    }

    #[test]
    fn malformed_files_point_at_line_column_and_key() {
        let cases = [
            (
                "[prefix\n",
                "my.toml:1:8: invalid TOML: unclosed table, expected `]`",
            ),
            (
                "[prefix]\nn = \"quit\"\nn = \"help\"\n",
                "my.toml:3:1: invalid TOML: duplicate key",
            ),
            (
                "prefx_key = \"ctrl-a\"\n",
                "my.toml:1:1: unknown key \"prefx_key\"; expected inherits, prefix_key or a \
                 mode table (normal, prefix, note_editor, scratchpad, copy_mode, pass_to, confirm) (key prefx_key)",
            ),
            (
                "[prefix]\n[norml]\n",
                "my.toml:2:2: unknown key \"norml\"; expected inherits, prefix_key or a mode \
                 table (normal, prefix, note_editor, scratchpad, copy_mode, pass_to, confirm) (key norml)",
            ),
            (
                "normal = 1\n",
                "my.toml:1:10: expected a table of bindings, found integer (key normal)",
            ),
            (
                "[prefix]\nn = 3\n",
                "my.toml:2:5: expected an action name (a string), found integer (key prefix.n)",
            ),
            (
                "# mine\n\ninherits = \"default\"\n\n[prefix]\nN = \"pass_next\"\nn = \"pas_next\"\n",
                "my.toml:7:5: unknown action \"pas_next\" (key prefix.n)",
            ),
            (
                "[copy_mode]\n\"ctrl-foo\" = \"cancel\"\n",
                "my.toml:2:1: bad chord \"ctrl-foo\": unknown key \"foo\" (key copy_mode.ctrl-foo)",
            ),
            (
                "[note_editor]\n\"ctrl-a\" = \"cancel\"\n  \"ctrl-A\" = \"send_note\"\n",
                "my.toml:3:3: chord \"ctrl-A\" is the same as \"ctrl-a\" on line 2 \
                 (key note_editor.ctrl-A)",
            ),
            (
                "[prefix]\n\".\" = \"help\"\n\"shift-.\" = \"help\"\n",
                "my.toml:3:1: chord \"shift-.\" is the same as \".\" on line 2 \
                 (key prefix.\"shift-.\")",
            ),
            (
                "inherits = \"vim\"\n",
                "my.toml:1:12: unknown keymap \"vim\"; built-in keymaps are default, tmux \
                 (key inherits)",
            ),
            (
                "inherits = [\"default\"]\n",
                "my.toml:1:12: expected a keymap name (a string), found array (key inherits)",
            ),
            (
                "prefix_key = \"ctrl-\"\n",
                "my.toml:1:14: bad chord \"ctrl-\": missing key after \"ctrl-\" (key prefix_key)",
            ),
            (
                "prefix = \"ctrl-a\"\n",
                "my.toml:1:10: the prefix chord is written prefix_key = \"CHORD\"; [prefix] \
                 holds the chords that follow it (key prefix)",
            ),
        ];
        for (text, want) in cases {
            match Keymap::parse_str(text, "my.toml") {
                Ok(_) => panic!("accepted {text:?}"),
                Err(e) => assert_eq!(e.to_string(), want, "{text:?}"),
            }
        }
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        let err = Keymap::parse_str("[prefix]\n\"é\" = 1\n", "my.toml").err();
        let shown = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(shown.starts_with("my.toml:2:7: "), "{shown}");
    }

    #[test]
    fn unreadable_file_names_the_path() {
        let err = Keymap::load_file(Path::new("/nonexistent/keys.toml")).err();
        let shown = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            shown.starts_with("/nonexistent/keys.toml: cannot read keymap: "),
            "{shown}"
        );
    }
}
