//! Whatever a child writes, the pane survives it: random and adversarial bytes through
//! the pane's emulator, its replies and the renderer never panic, and memory stays
//! bounded by the screen and scrollback sizes. Deterministic (a seeded xorshift), so a
//! failure reproduces.

use rallish_tui::pane::keys::{InputModes, encode_key, encode_paste};
use rallish_tui::pane::{Emulator, new_emulator};
use rallish_tui::ui::screen::draw_screen;
mod common;

use common::rng::Rng;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const SCROLLBACK: usize = 200;

fn pane(rows: u16, cols: u16) -> Emulator {
    new_emulator(rows, cols, SCROLLBACK)
}

/// Feeds `bytes` in random chunks, draws after each, and drains the replies like the
/// pane's reader thread does.
fn survive(parser: &mut Emulator, bytes: &[u8], rng: &mut Rng) {
    let (rows, cols) = parser.size();
    let mut buf = Buffer::empty(Rect::new(0, 0, cols, rows));
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = (1 + rng.below(4096)).min(rest.len());
        parser.process(&rest[..n]);
        rest = &rest[n..];
        let replies = std::mem::take(&mut parser.requests_mut().to_child);
        assert!(
            replies.len() < 64 * 1024,
            "replies for one chunk: {}",
            replies.len()
        );
        let area = buf.area;
        draw_screen(&mut buf, area, parser, &mut Vec::new());
        assert!(parser.history_len() <= SCROLLBACK);
        let (row, col) = parser.cursor_position();
        assert!(row < rows && col < cols);
    }
    parser.requests_mut().clipboard.clear();
}

/// Pieces of escape sequences, cut anywhere.
const FRAGMENTS: &[&[u8]] = &[
    b"\x1b[",
    b"\x1b[?",
    b"\x1b]",
    b"\x1bP",
    b"\x1b_",
    b"\x1b^",
    b"\x1bX",
    b"\x07",
    b"\x1b\\",
    b"\x1b[38;2;",
    b"\x1b[48;5;",
    b"m",
    b"H",
    b"J",
    b"K",
    b"r",
    b"h",
    b"l",
    b"\x1b[?1049h",
    b"\x1b[?1049l",
    b"\x1b[6n",
    b"\x1b[c",
    b"\x1b[>c",
    b"\x1b[?2026h",
    b"\x1b[?2026l",
    b"\x1b]52;c;",
    b"\x1b]10;?",
    b"\x1b[999;999H",
    b"\x1b[0;0r",
    b"\x1b[5;2r",
    b"\x1b[99999999@",
    b"\x1b[?1000;1006h",
    b"\r\n",
    b"\t",
    b"\x08",
    "测".as_bytes(),
    "🚀".as_bytes(),
    b"\xf0\x9f",
    b"\xff",
    b"\xc0\xaf",
    b"\x9b",
    b"\x9d",
    b";",
    b"0",
    b"9",
    b"65535",
    b"a",
];

#[test]
fn random_bytes_never_break_the_pane() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..16 {
        let mut parser = pane(1 + (round % 7) as u16 * 7, 1 + (round % 11) as u16 * 19);
        let bytes: Vec<u8> = (0..20_000).map(|_| rng.next() as u8).collect();
        survive(&mut parser, &bytes, &mut rng);
    }
}

#[test]
fn truncated_and_spliced_escape_sequences_never_break_the_pane() {
    let mut rng = Rng(42);
    for _ in 0..16 {
        let mut parser = pane(24, 80);
        let mut bytes = Vec::new();
        for _ in 0..3_000 {
            bytes.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        survive(&mut parser, &bytes, &mut rng);
    }
}

#[test]
fn a_megabyte_long_osc_string_and_an_endless_dcs_are_survived() {
    let mut rng = Rng(7);
    let mut parser = pane(24, 80);
    let mut bytes = b"\x1b]2;".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
    bytes.extend_from_slice(b"\x07after the osc");
    survive(&mut parser, &bytes, &mut rng);
    assert!(parser.contents().contains("after the osc"));
    let title = parser.requests().title.as_deref().unwrap_or("");
    assert!(title.len() <= 1 << 20);

    let mut bytes = b"\x1bP".to_vec();
    bytes.extend(std::iter::repeat_n(b'q', 1 << 20));
    bytes.extend_from_slice(b"\x1b\\visible again");
    survive(&mut parser, &bytes, &mut rng);
    assert!(parser.contents().contains("visible again"));
}

#[test]
fn ten_thousand_column_lines_and_invalid_utf8_keep_memory_bounded() {
    let mut rng = Rng(99);
    let mut parser = pane(24, 80);
    for i in 0..400 {
        let mut line: Vec<u8> = format!("{i:05} ").into_bytes();
        line.extend(std::iter::repeat_n(b'w', 10_000));
        line.extend_from_slice(b"\xff\xfe\xc3\r\n");
        survive(&mut parser, &line, &mut rng);
    }
    // History is rows of the screen width, whatever the line length: bounded.
    assert_eq!(parser.history_len(), SCROLLBACK);
}

#[test]
fn every_key_encodes_without_panicking_and_printables_encode_as_themselves() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let codes = [
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Esc,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Insert,
        KeyCode::Delete,
        KeyCode::F(1),
        KeyCode::F(5),
        KeyCode::F(12),
        KeyCode::F(24),
        KeyCode::Null,
    ];
    let mut rng = Rng(5);
    for _ in 0..20_000 {
        let code = if rng.below(2) == 0 {
            codes[rng.below(codes.len())]
        } else {
            KeyCode::Char(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'))
        };
        let modifiers = KeyModifiers::from_bits_truncate(rng.next() as u8);
        let modes = InputModes {
            application_cursor: rng.below(2) == 0,
            application_keypad: rng.below(2) == 0,
            bracketed_paste: rng.below(2) == 0,
        };
        let _ = encode_key(&KeyEvent::new(code, modifiers), modes);
        if let KeyCode::Char(c) = code
            && modifiers.is_empty()
            && !c.is_control()
        {
            assert_eq!(
                encode_key(&KeyEvent::new(code, modifiers), modes),
                Some(c.to_string().into_bytes())
            );
        }
    }
}

#[test]
fn a_paste_can_never_end_the_bracket_early() {
    let mut rng = Rng(11);
    let pieces = [
        "\x1b[201~",
        "\x1b[200~",
        "\x1b[20",
        "1~",
        "\x1b",
        "text",
        "\n",
        "\r\n",
    ];
    for _ in 0..5_000 {
        let text: String = (0..rng.below(12))
            .map(|_| pieces[rng.below(pieces.len())])
            .collect();
        let bytes = encode_paste(
            &text,
            InputModes {
                bracketed_paste: true,
                ..InputModes::default()
            },
        );
        let inner = &bytes[6..bytes.len() - 6];
        assert!(
            !inner.windows(6).any(|w| w == b"\x1b[201~"),
            "{text:?} broke out"
        );
        assert!(bytes.starts_with(b"\x1b[200~") && bytes.ends_with(b"\x1b[201~"));
    }
}
