//! A pane's older history, kept small.
//!
//! `alacritty_terminal` holds each history row as 24-byte cells (10,000 lines of 198
//! columns take 47 MB that way) and grows its history a thousand rows at a time, so the
//! grid keeps no history: each row that scrolls off the top of the screen comes here on
//! its way out (see `emulator::Tap::archive_top_rows`). Rows are kept as text with an SGR
//! sequence (and an OSC 8 link) where the style changes, about a hundred bytes a line.

use std::collections::VecDeque;
use std::fmt::Write as _;

use alacritty_terminal::grid::Row;
use alacritty_terminal::term::cell::{Cell, Flags};
use alacritty_terminal::vte::ansi::{Color, NamedColor};
use unicode_width::UnicodeWidthChar as _;

use super::emulator::BLINK;

/// The rows that scrolled off the screen; see the module docs.
#[derive(Debug, Default)]
pub struct Archive {
    rows: VecDeque<ArchivedRow>,
    capacity: usize,
    /// Rows that fell off the top (or were erased) so far: what numbers history lines
    /// (see [`crate::pane::history::LineId`]).
    dropped: u64,
}

#[derive(Debug)]
struct ArchivedRow {
    formatted: Box<str>,
    /// The child's text continued on the next row.
    wrapped: bool,
}

impl Archive {
    pub fn new(capacity: usize) -> Archive {
        Archive {
            capacity,
            ..Archive::default()
        }
    }

    /// Takes a row that scrolled off the screen.
    pub fn push(&mut self, row: &Row<Cell>) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        let mut formatted = String::new();
        encode_row(row, &mut formatted);
        if self.rows.len() == self.capacity {
            self.rows.pop_front();
            self.dropped += 1;
        }
        self.rows.push_back(ArchivedRow {
            formatted: formatted.into_boxed_str(),
            wrapped: super::emulator::row_wrapped(row),
        });
    }

    /// The child erased the history (ED 3): every row goes.
    pub fn erase(&mut self) {
        self.dropped += self.rows.len() as u64;
        self.rows.clear();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Counts a row that would have come and gone again (see `Emulator::process`).
    pub fn count_passed_through(&mut self) {
        self.dropped += 1;
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Row `index` (0 = the oldest) as text with SGR, cut to `cols` cells as a screen
    /// that wide shows it.
    pub fn formatted(&self, index: usize, cols: u16) -> &str {
        self.rows
            .get(index)
            .map_or("", |row| cut(&row.formatted, usize::from(cols)))
    }

    /// Row `index` as plain text, cut to `cols` cells.
    pub fn text(&self, index: usize, cols: u16) -> String {
        plain(self.formatted(index, cols))
    }

    pub fn wrapped(&self, index: usize) -> bool {
        self.rows.get(index).is_some_and(|row| row.wrapped)
    }
}

/// A row as text with SGR and OSC 8 where the style changes, starting from the default
/// style; trailing blanks in the default style are left out.
pub fn encode_row(row: &Row<Cell>, out: &mut String) {
    let cells = &row[..];
    let end = cells
        .iter()
        .rposition(|cell| !is_blank(cell))
        .map_or(0, |last| last + 1);
    let mut style = Style::default();
    let mut link: Option<String> = None;
    for cell in &cells[..end] {
        if cell
            .flags
            .intersects(Flags::WIDE_CHAR_SPACER | Flags::LEADING_WIDE_CHAR_SPACER)
        {
            continue;
        }
        let next = Style::of(cell);
        if next != style {
            next.write_sgr(out);
            style = next;
        }
        // Only a cell with extras can hold a link (looking clones it).
        let next_link = match &cell.extra {
            Some(_) => cell.hyperlink().map(|link| link.uri().to_string()),
            None => None,
        };
        if next_link != link {
            let _ = write!(out, "\x1b]8;;{}\x1b\\", next_link.as_deref().unwrap_or(""));
            link = next_link;
        }
        out.push(if cell.c == '\t' { ' ' } else { cell.c });
        if let Some(marks) = cell.zerowidth() {
            out.extend(marks);
        }
    }
    if link.is_some() {
        out.push_str("\x1b]8;;\x1b\\");
    }
    if style != Style::default() {
        out.push_str("\x1b[m");
    }
}

/// A space in the default style with nothing attached: what a row's end is made of. Runs
/// for every cell of every row that scrolls off, so it looks at plain fields only.
fn is_blank(cell: &Cell) -> bool {
    (cell.c == ' ' || cell.c == '\t')
        && cell.extra.is_none()
        && looks(cell.flags).is_empty()
        && cell.fg == Color::Named(NamedColor::Foreground)
        && cell.bg == Color::Named(NamedColor::Background)
}

/// What an archived cell keeps of its looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Style {
    fg: Color,
    bg: Color,
    underline: Option<Color>,
    flags: Flags,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            fg: Color::Named(NamedColor::Foreground),
            bg: Color::Named(NamedColor::Background),
            underline: None,
            flags: Flags::empty(),
        }
    }
}

/// The flags that change how a cell looks (not how it sits in the row).
fn looks(flags: Flags) -> Flags {
    flags
        & (Flags::BOLD
            | Flags::DIM
            | Flags::ITALIC
            | Flags::ALL_UNDERLINES
            | Flags::INVERSE
            | Flags::HIDDEN
            | Flags::STRIKEOUT
            | BLINK)
}

impl Style {
    fn of(cell: &Cell) -> Style {
        Style {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.extra.as_ref().and_then(|_| cell.underline_color()),
            flags: looks(cell.flags),
        }
    }

    /// One SGR sequence that sets this style from any other.
    fn write_sgr(&self, out: &mut String) {
        out.push_str("\x1b[0");
        for (flag, code) in [
            (Flags::BOLD, "1"),
            (Flags::DIM, "2"),
            (Flags::ITALIC, "3"),
            (Flags::UNDERLINE, "4"),
            (Flags::DOUBLE_UNDERLINE, "4:2"),
            (Flags::UNDERCURL, "4:3"),
            (Flags::DOTTED_UNDERLINE, "4:4"),
            (Flags::DASHED_UNDERLINE, "4:5"),
            (BLINK, "5"),
            (Flags::INVERSE, "7"),
            (Flags::HIDDEN, "8"),
            (Flags::STRIKEOUT, "9"),
        ] {
            if self.flags.contains(flag) {
                out.push(';');
                out.push_str(code);
            }
        }
        write_colour(out, self.fg, 30);
        write_colour(out, self.bg, 40);
        if let Some(colour) = self.underline {
            write_colour(out, colour, 50);
        }
        out.push('m');
    }
}

/// `;38;...` style colour parameters; `base` is 30 (foreground), 40 or 50 (underline).
fn write_colour(out: &mut String, colour: Color, base: u8) {
    let _ = match colour {
        Color::Named(named) => match named as usize {
            index @ 0..=7 if base != 50 => write!(out, ";{}", usize::from(base) + index),
            index @ 8..=15 if base != 50 => write!(out, ";{}", usize::from(base) + 60 + index - 8),
            index @ 0..=15 => write!(out, ";{};5;{index}", base + 8),
            _ => Ok(()),
        },
        Color::Indexed(index) => write!(out, ";{};5;{index}", base + 8),
        Color::Spec(rgb) => write!(out, ";{};2;{};{};{}", base + 8, rgb.r, rgb.g, rgb.b),
    };
}

/// Escape sequences this module writes: CSI (to its final byte) and OSC (to ST).
fn escape_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(1) {
        Some(b'[') => bytes[2..]
            .iter()
            .position(|b| (0x40..=0x7e).contains(b))
            .map_or(bytes.len(), |at| at + 3),
        Some(b']') => text.find("\x1b\\").map_or(bytes.len(), |at| at + 2),
        _ => 1,
    }
}

/// The characters of `formatted` that print, with where each starts, its escapes passed
/// over.
fn printed(formatted: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while formatted[at..].starts_with('\x1b') {
            at += escape_len(&formatted[at..]);
        }
        let c = formatted.get(at..)?.chars().next()?;
        let start = at;
        at += c.len_utf8();
        Some((start, c))
    })
}

/// `formatted` cut after `cols` cells (its escapes kept up to there).
fn cut(formatted: &str, cols: usize) -> &str {
    let mut width = 0;
    for (at, c) in printed(formatted) {
        width += c.width().unwrap_or(0);
        if width > cols {
            return &formatted[..at];
        }
    }
    formatted
}

/// `formatted` without its escapes.
fn plain(formatted: &str) -> String {
    printed(formatted).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use crate::pane::{Emulator, new_emulator};

    fn numbered(lines: usize, recent: usize, archived: usize) -> Emulator {
        let mut emulator = new_emulator(4, 20, recent + archived);
        for i in 1..=lines {
            emulator.process(format!("line {i}\r\n").as_bytes());
        }
        emulator
    }

    fn view_text(emulator: &Emulator) -> Vec<String> {
        (0..4)
            .filter_map(|row| emulator.view_row_text(row))
            .collect()
    }

    #[test]
    fn rows_scrolling_off_are_archived_in_order_and_numbered() {
        // 30 lines and the cursor's blank one: 3 on screen above it, 15 in the archive,
        // 12 dropped.
        let emulator = numbered(30, 5, 10);
        let archive = emulator.archive();
        assert_eq!(archive.len(), 15);
        assert_eq!(archive.dropped(), 12);
        assert_eq!(archive.text(0, 20), "line 13");
        assert_eq!(archive.text(14, 20), "line 27");
        assert_eq!(emulator.history_len(), 15);
        assert_eq!(emulator.lines_dropped(), 12);
    }

    #[test]
    fn the_view_moves_back_through_the_archive_and_returns() {
        let mut emulator = numbered(30, 5, 10);
        emulator.set_view_offset(5);
        assert_eq!(emulator.archive_rows_in_view(), 5);
        assert_eq!(
            view_text(&emulator),
            ["line 23", "line 24", "line 25", "line 26"]
        );
        emulator.set_view_offset(7);
        assert_eq!(emulator.view_offset(), 7);
        assert_eq!(emulator.archive_rows_in_view(), 7);
        assert_eq!(
            view_text(&emulator),
            ["line 21", "line 22", "line 23", "line 24"]
        );
        emulator.set_view_offset(usize::MAX);
        assert_eq!(emulator.view_offset(), 15);
        assert_eq!(view_text(&emulator)[0], "line 13");
        emulator.set_view_offset(0);
        assert_eq!(emulator.archive_rows_in_view(), 0);
        assert_eq!(view_text(&emulator)[3], "");
    }

    #[test]
    fn a_view_deep_in_the_archive_stays_on_its_lines_as_output_arrives() {
        let mut emulator = numbered(30, 5, 10);
        emulator.set_view_offset(9);
        let before = view_text(&emulator);
        emulator.process(b"line 31\r\nline 32\r\n");
        assert_eq!(view_text(&emulator), before);
        assert_eq!(emulator.view_offset(), 11);
    }

    #[test]
    fn colours_and_wrapping_survive_the_archive() {
        let mut emulator = new_emulator(3, 10, 11);
        emulator.process(b"\x1b[31mred\x1b[m plain\r\n0123456789abc\r\n");
        emulator.process(b"\r\n\r\n\r\n\r\n");
        let archive = emulator.archive();
        assert_eq!(archive.formatted(0, 10), "\x1b[0;31mred\x1b[0m plain");
        assert!(!archive.wrapped(0));
        assert_eq!(archive.text(1, 10), "0123456789");
        assert!(archive.wrapped(1), "the long line went on to the next row");
        assert_eq!(archive.text(2, 10), "abc");
        assert!(!archive.wrapped(2));
        assert_eq!(archive.text(1, 4), "0123", "cut to a narrower screen");
    }

    #[test]
    fn erasing_the_history_empties_the_archive_and_counts_its_rows_dropped() {
        let mut emulator = numbered(30, 5, 10);
        emulator.process(b"\x1b[3J");
        assert_eq!(emulator.history_len(), 0);
        // 12 already dropped, 10 archived and 5 of the grid's.
        assert_eq!(emulator.lines_dropped(), 27);
    }

    #[test]
    fn on_the_alternate_screen_the_archive_is_out_of_view() {
        let mut emulator = numbered(30, 5, 10);
        emulator.process(b"\x1b[?1049h");
        assert_eq!(emulator.history_len(), 0);
        emulator.set_view_offset(9);
        assert_eq!(emulator.view_offset(), 0);
    }

    #[test]
    fn every_way_off_the_top_of_the_screen_reaches_the_archive() {
        // Wrapping past the last row.
        let mut emulator = new_emulator(2, 10, 100);
        emulator.process(b"0123456789abcdefghijKLM");
        let archive = emulator.archive();
        assert_eq!(archive.text(0, 10), "0123456789");
        assert!(archive.wrapped(0));
        // SU, IND and NEL at the bottom.
        let mut emulator = new_emulator(2, 10, 100);
        emulator.process(b"one\r\ntwo\x1b[2S\x1b[2;1Hthree\x1bDfour\x1bEfive");
        let texts: Vec<String> = (0..emulator.archive().len())
            .map(|i| emulator.archive().text(i, 10))
            .collect();
        assert_eq!(texts, ["one", "two", "", "three"]);
        // A narrower scrolling region keeps its lines out of the history.
        let mut emulator = new_emulator(4, 10, 100);
        emulator.process(b"\x1b[2;3r\x1b[3;1Ha\r\nb\r\nc\r\n");
        assert!(emulator.archive().is_empty());
        // A shorter screen hands the rows above the cursor over.
        let mut emulator = new_emulator(4, 10, 100);
        emulator.process(b"1\r\n2\r\n3\r\n4");
        emulator.set_size(2, 10);
        assert_eq!(emulator.archive().len(), 2);
        assert_eq!(emulator.archive().text(1, 10), "2");
        assert_eq!(emulator.contents(), "3\n4");
    }

    #[test]
    fn a_scrolled_screen_holds_no_history_in_cells() {
        let mut emulator = new_emulator(5, 40, 10_000);
        let lines: String = (0..3000).map(|i| format!("line {i}\r\n")).collect();
        emulator.process(lines.as_bytes());
        use alacritty_terminal::grid::Dimensions as _;
        assert_eq!(emulator.term().grid().history_size(), 0);
        assert_eq!(emulator.history_len(), 2996);
    }

    #[test]
    fn a_flood_leaves_the_history_that_line_by_line_output_leaves() {
        // Long lines wrap, wide ones too: more rows scroll off than there are line feeds.
        let flood: String = (0..5000)
            .map(|i| format!("{i} {}\r\n", "测x".repeat(i % 30)))
            .collect();
        let start = b"\x1b[31mbefore the flood\x1b[m\r\n";
        let mut whole = new_emulator(5, 40, 100);
        whole.process(start);
        assert!(
            whole.passing_rows(flood.as_bytes()) > 3000,
            "most of the flood's rows only pass through"
        );
        whole.process(flood.as_bytes());
        let mut by_line = new_emulator(5, 40, 100);
        by_line.process(start);
        for line in flood.split_inclusive('\n') {
            by_line.process(line.as_bytes());
        }
        assert_eq!(whole.all_lines(), by_line.all_lines());
        assert_eq!(whole.lines_dropped(), by_line.lines_dropped());
        assert_eq!(whole.contents(), by_line.contents());
        assert_eq!(whole.cursor_position(), by_line.cursor_position());
    }
}
