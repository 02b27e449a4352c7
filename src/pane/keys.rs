//! Host input (keys, pastes, mouse) turned into the bytes an xterm would send the child.
//!
//! Keys follow xterm: C0 for Ctrl+letter, an ESC prefix for Alt, SS3 or CSI cursor keys by
//! the child's application-cursor mode, `CSI 1;m X` for modified cursor and function keys.
//! Chords xterm cannot express (Shift+Enter, Ctrl+Tab, Ctrl+Shift+letter, ...) use CSI-u,
//! as wezterm and kitty do. The modifier parameter is always `1 + (shift 1 | alt 2 | ctrl 4)`.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Which mouse events the child asked for (DEC 1000/1002/1003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MouseMode {
    #[default]
    None,
    /// X10 (DEC 9): presses only. `alacritty_terminal` does not track it; the encoder
    /// still knows it.
    Press,
    PressRelease,
    ButtonMotion,
    AnyMotion,
}

/// How the child wants mouse events written (DEC 1005/1006, or the X10 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MouseEncoding {
    #[default]
    Default,
    Utf8,
    Sgr,
}

const ESC: u8 = 0x1b;
const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// The child's input modes that change how keys and pastes are encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputModes {
    /// DECCKM: cursor keys send SS3 (`ESC O A`) instead of CSI (`ESC [ A`).
    pub application_cursor: bool,
    /// DECKPAM. Kept for completeness: crossterm cannot tell keypad keys apart without the
    /// kitty protocol, so it changes nothing today.
    pub application_keypad: bool,
    /// Pastes are wrapped in `ESC[200~ ... ESC[201~`.
    pub bracketed_paste: bool,
}

impl InputModes {
    /// The modes the child has set, as its emulator tracks them.
    pub fn from_emulator(emulator: &super::Emulator) -> InputModes {
        InputModes {
            application_cursor: emulator.application_cursor(),
            application_keypad: emulator.application_keypad(),
            bracketed_paste: emulator.bracketed_paste(),
        }
    }
}

/// The bytes for one key press or repeat; `None` for releases and keys with no encoding.
pub fn encode_key(key: &KeyEvent, modes: InputModes) -> Option<Vec<u8>> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let mods = Mods::of(key.modifiers);
    let bytes = match key.code {
        KeyCode::Char(c) => encode_char(c, mods),
        KeyCode::Enter => match mods {
            Mods::NONE => b"\r".to_vec(),
            Mods::ALT => b"\x1b\r".to_vec(),
            _ => csi_u('\r', mods),
        },
        KeyCode::Tab => encode_tab(mods),
        KeyCode::BackTab => encode_tab(mods.with_shift()),
        KeyCode::Backspace => {
            let byte = if mods.ctrl { 0x08 } else { 0x7f };
            alt_prefixed(mods.alt, vec![byte])
        }
        KeyCode::Esc => alt_prefixed(mods.alt, vec![ESC]),
        KeyCode::Null => vec![0],
        KeyCode::Up => cursor_key(b'A', mods, modes),
        KeyCode::Down => cursor_key(b'B', mods, modes),
        KeyCode::Right => cursor_key(b'C', mods, modes),
        KeyCode::Left => cursor_key(b'D', mods, modes),
        KeyCode::Home => cursor_key(b'H', mods, modes),
        KeyCode::End => cursor_key(b'F', mods, modes),
        KeyCode::Insert => tilde_key(2, mods),
        KeyCode::Delete => tilde_key(3, mods),
        KeyCode::PageUp => tilde_key(5, mods),
        KeyCode::PageDown => tilde_key(6, mods),
        KeyCode::F(n @ 1..=4) => {
            let letter = b'P' + (n - 1);
            if mods == Mods::NONE {
                vec![ESC, b'O', letter]
            } else {
                format!("\x1b[1;{}{}", mods.param(), char::from(letter)).into_bytes()
            }
        }
        KeyCode::F(n @ 5..=12) => {
            const CODES: [u8; 8] = [15, 17, 18, 19, 20, 21, 23, 24];
            tilde_key(CODES[usize::from(n - 5)], mods)
        }
        _ => return None,
    };
    Some(bytes)
}

/// Shift, Alt and Ctrl: the only modifiers a legacy terminal can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mods {
    shift: bool,
    alt: bool,
    ctrl: bool,
}

impl Mods {
    const NONE: Mods = Mods {
        shift: false,
        alt: false,
        ctrl: false,
    };
    const ALT: Mods = Mods {
        alt: true,
        ..Mods::NONE
    };

    fn of(m: KeyModifiers) -> Mods {
        Mods {
            shift: m.contains(KeyModifiers::SHIFT),
            alt: m.contains(KeyModifiers::ALT),
            ctrl: m.contains(KeyModifiers::CONTROL),
        }
    }

    fn with_shift(self) -> Mods {
        Mods {
            shift: true,
            ..self
        }
    }

    /// xterm's modifier parameter: `1 + (shift 1 | alt 2 | ctrl 4)`.
    fn param(self) -> u8 {
        1 + u8::from(self.shift) + 2 * u8::from(self.alt) + 4 * u8::from(self.ctrl)
    }
}

fn encode_char(c: char, mods: Mods) -> Vec<u8> {
    if !mods.ctrl {
        // Shift is already in the char's case, except from terminals that report it apart.
        let c = if mods.shift {
            c.to_ascii_uppercase()
        } else {
            c
        };
        return alt_prefixed(mods.alt, utf8(c));
    }
    if c.is_ascii_alphabetic() {
        // An uppercase letter means Shift was held even when the flag is missing.
        if mods.shift || c.is_ascii_uppercase() {
            return csi_u(c.to_ascii_lowercase(), mods.with_shift());
        }
        return alt_prefixed(mods.alt, vec![c as u8 & 0x1f]);
    }
    match ctrl_punctuation(c) {
        Some(byte) => alt_prefixed(mods.alt, vec![byte]),
        // The char already carries Shift (`?` vs `/`), so the flag would say it twice.
        None => csi_u(
            c,
            Mods {
                shift: false,
                ..mods
            },
        ),
    }
}

/// The C0 byte for Ctrl+punctuation, as xterm sends it. crossterm reports the bytes
/// 0x1c..=0x1f from a legacy terminal as Ctrl+4..7, so those digits map back to them.
fn ctrl_punctuation(c: char) -> Option<u8> {
    Some(match c {
        ' ' | '@' => 0x00,
        '[' => 0x1b,
        '\\' | '4' => 0x1c,
        ']' | '5' => 0x1d,
        '^' | '6' => 0x1e,
        '_' | '7' => 0x1f,
        '?' => 0x7f,
        _ => return None,
    })
}

fn encode_tab(mods: Mods) -> Vec<u8> {
    if mods.ctrl {
        return csi_u('\t', mods);
    }
    let base = if mods.shift {
        b"\x1b[Z".to_vec()
    } else {
        b"\t".to_vec()
    };
    alt_prefixed(mods.alt, base)
}

fn cursor_key(letter: u8, mods: Mods, modes: InputModes) -> Vec<u8> {
    if mods != Mods::NONE {
        format!("\x1b[1;{}{}", mods.param(), char::from(letter)).into_bytes()
    } else if modes.application_cursor {
        vec![ESC, b'O', letter]
    } else {
        vec![ESC, b'[', letter]
    }
}

fn tilde_key(code: u8, mods: Mods) -> Vec<u8> {
    if mods == Mods::NONE {
        format!("\x1b[{code}~").into_bytes()
    } else {
        format!("\x1b[{code};{}~", mods.param()).into_bytes()
    }
}

/// `CSI codepoint;m u`, or `CSI codepoint u` when no modifier is held.
fn csi_u(c: char, mods: Mods) -> Vec<u8> {
    let code = u32::from(c);
    if mods == Mods::NONE {
        format!("\x1b[{code}u").into_bytes()
    } else {
        format!("\x1b[{code};{}u", mods.param()).into_bytes()
    }
}

fn alt_prefixed(alt: bool, bytes: Vec<u8>) -> Vec<u8> {
    if alt {
        [&[ESC], &bytes[..]].concat()
    } else {
        bytes
    }
}

fn utf8(c: char) -> Vec<u8> {
    c.to_string().into_bytes()
}

/// Pasted text as the child should receive it. With bracketed paste the text is wrapped in
/// the paste markers, and markers inside it are removed so the paste cannot end early and
/// have the rest run as typed keys. Without it, line ends become `\r` like typed Enter.
pub fn encode_paste(text: &str, modes: InputModes) -> Vec<u8> {
    if !modes.bracketed_paste {
        return text.replace("\r\n", "\r").replace('\n', "\r").into_bytes();
    }
    let mut body = text.to_string();
    // Removing one marker can join its neighbours into a new one, so repeat until none.
    while body.contains(PASTE_START) || body.contains(PASTE_END) {
        body = body.replace(PASTE_START, "").replace(PASTE_END, "");
    }
    [PASTE_START, &body, PASTE_END].concat().into_bytes()
}

/// The report for one mouse event at a 0-based cell inside the pane, or `None` when the
/// child's mouse mode does not ask for this kind of event or the cell cannot be encoded.
pub fn encode_mouse(
    event: &MouseEvent,
    col: u16,
    row: u16,
    mode: MouseMode,
    encoding: MouseEncoding,
) -> Option<Vec<u8>> {
    use MouseMode as M;
    let releases = matches!(mode, M::PressRelease | M::ButtonMotion | M::AnyMotion);
    let drags = matches!(mode, M::ButtonMotion | M::AnyMotion);
    let (button, release) = match event.kind {
        _ if mode == M::None => return None,
        MouseEventKind::Down(b) => (button_code(b), false),
        MouseEventKind::Up(b) if releases => (button_code(b), true),
        MouseEventKind::Drag(b) if drags => (button_code(b) + 32, false),
        MouseEventKind::Moved if mode == M::AnyMotion => (3 + 32, false),
        MouseEventKind::ScrollUp => (64, false),
        MouseEventKind::ScrollDown => (65, false),
        MouseEventKind::ScrollLeft => (66, false),
        MouseEventKind::ScrollRight => (67, false),
        _ => return None,
    };
    // X10 compatibility mode (press only) never reports modifiers.
    let modifiers = if mode == M::Press {
        0
    } else {
        let m = event.modifiers;
        4 * u16::from(m.contains(KeyModifiers::SHIFT))
            + 8 * u16::from(m.contains(KeyModifiers::ALT))
            + 16 * u16::from(m.contains(KeyModifiers::CONTROL))
    };
    match encoding {
        MouseEncoding::Sgr => {
            let end = if release { 'm' } else { 'M' };
            let (x, y) = (u32::from(col) + 1, u32::from(row) + 1);
            Some(format!("\x1b[<{};{x};{y}{end}", button + modifiers).into_bytes())
        }
        MouseEncoding::Default => {
            // One byte per value, offset by 32: cells past 222 do not fit.
            let code = legacy_code(button, release) + modifiers;
            let x = u8::try_from(u16::checked_add(col, 33)?).ok()?;
            let y = u8::try_from(u16::checked_add(row, 33)?).ok()?;
            Some(vec![ESC, b'[', b'M', 32 + code as u8, x, y])
        }
        MouseEncoding::Utf8 => {
            // Each value is one UTF-8 char; xterm stops at 2047.
            let code = legacy_code(button, release) + modifiers;
            let mut out = b"\x1b[M".to_vec();
            for value in [32 + code, col.checked_add(33)?, row.checked_add(33)?] {
                if value > 2047 {
                    return None;
                }
                out.extend(utf8(char::from_u32(u32::from(value))?));
            }
            Some(out)
        }
    }
}

fn button_code(button: MouseButton) -> u16 {
    match button {
        MouseButton::Left => 0,
        MouseButton::Middle => 1,
        MouseButton::Right => 2,
    }
}

/// Legacy encodings cannot say which button went up: every release is code 3.
fn legacy_code(button: u16, release: bool) -> u16 {
    if release { 3 } else { button }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    const NORMAL: InputModes = InputModes {
        application_cursor: false,
        application_keypad: false,
        bracketed_paste: false,
    };
    const APP: InputModes = InputModes {
        application_cursor: true,
        application_keypad: true,
        bracketed_paste: true,
    };

    fn key(code: KeyCode, mods: &str) -> KeyEvent {
        let mut m = KeyModifiers::NONE;
        for (flag, bit) in [
            ('s', KeyModifiers::SHIFT),
            ('a', KeyModifiers::ALT),
            ('c', KeyModifiers::CONTROL),
        ] {
            if mods.contains(flag) {
                m |= bit;
            }
        }
        KeyEvent::new(code, m)
    }

    #[track_caller]
    fn check(cases: &[(KeyCode, &str, &str)], modes: InputModes) {
        for (code, mods, want) in cases {
            let got = encode_key(&key(*code, mods), modes);
            assert_eq!(
                got.as_deref(),
                Some(want.as_bytes()),
                "{code:?} +{mods:?} in {modes:?}"
            );
        }
    }

    /// Keys whose bytes do not depend on the cursor mode.
    const MODELESS: &[(KeyCode, &str, &str)] = &[
        (KeyCode::Char('a'), "", "a"),
        (KeyCode::Char('A'), "s", "A"),
        (KeyCode::Char('a'), "s", "A"),
        (KeyCode::Char('?'), "s", "?"),
        (KeyCode::Char('é'), "", "é"),
        (KeyCode::Char('a'), "c", "\x01"),
        (KeyCode::Char('z'), "c", "\x1a"),
        (KeyCode::Char('h'), "c", "\x08"),
        (KeyCode::Char(' '), "c", "\x00"),
        (KeyCode::Char('@'), "cs", "\x00"),
        (KeyCode::Char('['), "c", "\x1b"),
        (KeyCode::Char('\\'), "c", "\x1c"),
        (KeyCode::Char(']'), "c", "\x1d"),
        (KeyCode::Char('^'), "cs", "\x1e"),
        (KeyCode::Char('_'), "cs", "\x1f"),
        (KeyCode::Char('?'), "c", "\x7f"),
        // crossterm's spelling of the bytes 0x1c..=0x1f from a legacy terminal.
        (KeyCode::Char('4'), "c", "\x1c"),
        (KeyCode::Char('5'), "c", "\x1d"),
        (KeyCode::Char('7'), "c", "\x1f"),
        (KeyCode::Char('x'), "a", "\x1bx"),
        (KeyCode::Char('X'), "as", "\x1bX"),
        (KeyCode::Char('a'), "ac", "\x1b\x01"),
        (KeyCode::Char(']'), "ac", "\x1b\x1d"),
        (KeyCode::Char('a'), "cs", "\x1b[97;6u"),
        (KeyCode::Char('A'), "cs", "\x1b[97;6u"),
        (KeyCode::Char('A'), "acs", "\x1b[97;8u"),
        (KeyCode::Char('1'), "c", "\x1b[49;5u"),
        (KeyCode::Char('9'), "c", "\x1b[57;5u"),
        (KeyCode::Char(','), "c", "\x1b[44;5u"),
        (KeyCode::Char('.'), "c", "\x1b[46;5u"),
        (KeyCode::Char(';'), "c", "\x1b[59;5u"),
        (KeyCode::Char(':'), "cs", "\x1b[58;5u"),
        (KeyCode::Enter, "", "\r"),
        (KeyCode::Enter, "s", "\x1b[13;2u"),
        (KeyCode::Enter, "c", "\x1b[13;5u"),
        (KeyCode::Enter, "a", "\x1b\r"),
        (KeyCode::Enter, "cs", "\x1b[13;6u"),
        (KeyCode::Tab, "", "\t"),
        (KeyCode::Tab, "s", "\x1b[Z"),
        (KeyCode::BackTab, "s", "\x1b[Z"),
        (KeyCode::BackTab, "", "\x1b[Z"),
        (KeyCode::Tab, "a", "\x1b\t"),
        (KeyCode::Tab, "c", "\x1b[9;5u"),
        (KeyCode::BackTab, "cs", "\x1b[9;6u"),
        (KeyCode::Backspace, "", "\x7f"),
        (KeyCode::Backspace, "c", "\x08"),
        (KeyCode::Backspace, "a", "\x1b\x7f"),
        (KeyCode::Esc, "", "\x1b"),
        (KeyCode::Esc, "a", "\x1b\x1b"),
        (KeyCode::Up, "s", "\x1b[1;2A"),
        (KeyCode::Down, "a", "\x1b[1;3B"),
        (KeyCode::Right, "c", "\x1b[1;5C"),
        (KeyCode::Left, "cs", "\x1b[1;6D"),
        (KeyCode::Home, "acs", "\x1b[1;8H"),
        (KeyCode::End, "c", "\x1b[1;5F"),
        (KeyCode::Insert, "", "\x1b[2~"),
        (KeyCode::Delete, "", "\x1b[3~"),
        (KeyCode::PageUp, "", "\x1b[5~"),
        (KeyCode::PageDown, "", "\x1b[6~"),
        (KeyCode::Delete, "c", "\x1b[3;5~"),
        (KeyCode::PageUp, "s", "\x1b[5;2~"),
        (KeyCode::F(1), "", "\x1bOP"),
        (KeyCode::F(2), "", "\x1bOQ"),
        (KeyCode::F(3), "", "\x1bOR"),
        (KeyCode::F(4), "", "\x1bOS"),
        (KeyCode::F(1), "s", "\x1b[1;2P"),
        (KeyCode::F(4), "c", "\x1b[1;5S"),
        (KeyCode::F(5), "", "\x1b[15~"),
        (KeyCode::F(6), "", "\x1b[17~"),
        (KeyCode::F(7), "", "\x1b[18~"),
        (KeyCode::F(8), "", "\x1b[19~"),
        (KeyCode::F(9), "", "\x1b[20~"),
        (KeyCode::F(10), "", "\x1b[21~"),
        (KeyCode::F(11), "", "\x1b[23~"),
        (KeyCode::F(12), "", "\x1b[24~"),
        (KeyCode::F(5), "a", "\x1b[15;3~"),
        (KeyCode::F(12), "cs", "\x1b[24;6~"),
        (KeyCode::Null, "", "\x00"),
    ];

    #[test]
    fn keys_that_ignore_cursor_mode() {
        check(MODELESS, NORMAL);
        check(MODELESS, APP);
    }

    #[test]
    fn cursor_keys_follow_application_cursor_mode() {
        check(
            &[
                (KeyCode::Up, "", "\x1b[A"),
                (KeyCode::Down, "", "\x1b[B"),
                (KeyCode::Right, "", "\x1b[C"),
                (KeyCode::Left, "", "\x1b[D"),
                (KeyCode::Home, "", "\x1b[H"),
                (KeyCode::End, "", "\x1b[F"),
            ],
            NORMAL,
        );
        check(
            &[
                (KeyCode::Up, "", "\x1bOA"),
                (KeyCode::Down, "", "\x1bOB"),
                (KeyCode::Right, "", "\x1bOC"),
                (KeyCode::Left, "", "\x1bOD"),
                (KeyCode::Home, "", "\x1bOH"),
                (KeyCode::End, "", "\x1bOF"),
                (KeyCode::Up, "s", "\x1b[1;2A"),
            ],
            APP,
        );
    }

    #[test]
    fn releases_and_unencodable_keys_send_nothing() {
        let release = KeyEvent {
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
            ..key(KeyCode::Char('a'), "")
        };
        assert_eq!(encode_key(&release, NORMAL), None);
        let repeat = KeyEvent {
            kind: KeyEventKind::Repeat,
            ..release
        };
        assert_eq!(encode_key(&repeat, NORMAL), Some(b"a".to_vec()));
        for code in [KeyCode::CapsLock, KeyCode::F(13), KeyCode::Menu] {
            assert_eq!(encode_key(&key(code, ""), NORMAL), None, "{code:?}");
        }
    }

    #[test]
    fn paste_without_brackets_turns_line_ends_into_enter() {
        let got = encode_paste("a\r\nb\nc\rd", NORMAL);
        assert_eq!(got, b"a\rb\rc\rd");
    }

    #[test]
    fn bracketed_paste_is_wrapped_and_cannot_break_out() {
        let modes = InputModes {
            bracketed_paste: true,
            ..NORMAL
        };
        assert_eq!(encode_paste("ls\n", modes), b"\x1b[200~ls\n\x1b[201~");
        let attack = "x\x1b[201~rm -rf ~\n\x1b[200~y\x1b[20\x1b[201~1~z";
        assert_eq!(
            encode_paste(attack, modes),
            b"\x1b[200~xrm -rf ~\nyz\x1b[201~".to_vec()
        );
    }

    fn mouse(kind: MouseEventKind, mods: KeyModifiers) -> MouseEvent {
        MouseEvent {
            kind,
            column: 99,
            row: 99,
            modifiers: mods,
        }
    }

    #[test]
    fn mouse_modes_filter_event_kinds() {
        use MouseEventKind::*;
        use MouseMode as M;
        let left = MouseButton::Left;
        let kinds = [Down(left), Up(left), Drag(left), Moved, ScrollUp];
        // Which of `kinds` each mode reports.
        let table = [
            (M::None, [false, false, false, false, false]),
            (M::Press, [true, false, false, false, true]),
            (M::PressRelease, [true, true, false, false, true]),
            (M::ButtonMotion, [true, true, true, false, true]),
            (M::AnyMotion, [true, true, true, true, true]),
        ];
        for (mode, wanted) in table {
            for (kind, want) in kinds.into_iter().zip(wanted) {
                let ev = mouse(kind, KeyModifiers::NONE);
                let got = encode_mouse(&ev, 0, 0, mode, MouseEncoding::Sgr);
                assert_eq!(got.is_some(), want, "{kind:?} in {mode:?}");
            }
        }
    }

    #[test]
    fn mouse_sgr_encoding() {
        use MouseEventKind::*;
        let none = KeyModifiers::NONE;
        let cases = [
            (Down(MouseButton::Left), none, "\x1b[<0;5;3M"),
            (Down(MouseButton::Middle), none, "\x1b[<1;5;3M"),
            (Down(MouseButton::Right), none, "\x1b[<2;5;3M"),
            (Up(MouseButton::Right), none, "\x1b[<2;5;3m"),
            (Drag(MouseButton::Left), none, "\x1b[<32;5;3M"),
            (Moved, none, "\x1b[<35;5;3M"),
            (ScrollUp, none, "\x1b[<64;5;3M"),
            (ScrollDown, none, "\x1b[<65;5;3M"),
            (ScrollLeft, none, "\x1b[<66;5;3M"),
            (ScrollRight, none, "\x1b[<67;5;3M"),
            (Down(MouseButton::Left), KeyModifiers::SHIFT, "\x1b[<4;5;3M"),
            (Down(MouseButton::Left), KeyModifiers::ALT, "\x1b[<8;5;3M"),
            (ScrollUp, KeyModifiers::CONTROL, "\x1b[<80;5;3M"),
        ];
        for (kind, mods, want) in cases {
            let got = encode_mouse(
                &mouse(kind, mods),
                4,
                2,
                MouseMode::AnyMotion,
                MouseEncoding::Sgr,
            );
            assert_eq!(got.as_deref(), Some(want.as_bytes()), "{kind:?} {mods:?}");
        }
        // Far cells are fine in SGR.
        let far = encode_mouse(
            &mouse(Down(MouseButton::Left), none),
            499,
            0,
            MouseMode::Press,
            MouseEncoding::Sgr,
        );
        assert_eq!(far.as_deref(), Some(&b"\x1b[<0;500;1M"[..]));
    }

    #[test]
    fn mouse_default_encoding() {
        use MouseEventKind::*;
        let enc = |kind, mods, col, row, mode| {
            encode_mouse(&mouse(kind, mods), col, row, mode, MouseEncoding::Default)
        };
        let none = KeyModifiers::NONE;
        let any = MouseMode::AnyMotion;
        let left = MouseButton::Left;
        assert_eq!(
            enc(Down(left), none, 0, 0, any),
            Some(vec![ESC, b'[', b'M', 32, 33, 33])
        );
        assert_eq!(
            enc(Up(MouseButton::Right), none, 4, 2, any),
            Some(vec![ESC, b'[', b'M', 32 + 3, 37, 35])
        );
        assert_eq!(
            enc(Drag(left), KeyModifiers::CONTROL, 1, 1, any),
            Some(vec![ESC, b'[', b'M', 32 + 32 + 16, 34, 34])
        );
        assert_eq!(
            enc(ScrollDown, none, 222, 222, any),
            Some(vec![ESC, b'[', b'M', 32 + 65, 255, 255])
        );
        assert_eq!(enc(Down(left), none, 223, 0, any), None);
        assert_eq!(enc(Down(left), none, 0, 223, any), None);
        // X10 mode drops modifiers.
        assert_eq!(
            enc(Down(left), KeyModifiers::SHIFT, 0, 0, MouseMode::Press),
            Some(vec![ESC, b'[', b'M', 32, 33, 33])
        );
    }

    #[test]
    fn mouse_utf8_encoding() {
        use MouseEventKind::*;
        let enc = |kind, col, row| {
            encode_mouse(
                &mouse(kind, KeyModifiers::NONE),
                col,
                row,
                MouseMode::PressRelease,
                MouseEncoding::Utf8,
            )
        };
        let left = MouseButton::Left;
        assert_eq!(
            enc(Down(left), 4, 2),
            Some(vec![ESC, b'[', b'M', 32, 37, 35])
        );
        assert_eq!(enc(Up(left), 4, 2), Some(vec![ESC, b'[', b'M', 35, 37, 35]));
        // 300 + 33 = 333 = U+014D, two UTF-8 bytes.
        assert_eq!(
            enc(Down(left), 300, 0),
            Some(vec![ESC, b'[', b'M', 32, 0xc5, 0x8d, 33])
        );
        assert_eq!(enc(Down(left), 2014, 0).map(|b| b.len()), Some(7));
        assert_eq!(enc(Down(left), 2015, 0), None);
    }
}
