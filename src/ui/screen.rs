//! Paints a `vt100::Screen` into a ratatui buffer cell by cell: colours (16/256/RGB),
//! bold, dim, italic, underline, inverse and wide characters. tui-term does this job
//! elsewhere but pins vt100 0.16, so this is ours.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};

use crate::pane::archive::HistoryView as _;
use crate::pane::{Emulator, non_zero};

/// Draws a pane's view into `area`: the live screen, or wherever in its history the view
/// is. Rows from the archive (see [`crate::pane::archive`]) are kept as text with SGR;
/// they are replayed through a throwaway vt100 screen of their own, so they are painted
/// by the very code that paints live rows.
pub fn draw_view(buf: &mut Buffer, area: Rect, emulator: &Emulator) {
    let screen = emulator.screen();
    let reach = emulator.archive_rows_in_view();
    let from_archive = reach.min(usize::from(area.height));
    if from_archive == 0 {
        draw_screen(buf, area, screen);
        return;
    }
    let archive = &emulator.callbacks().archive;
    let cols = screen.size().1;
    let first = archive.len() - reach;
    let mut replay = vt100::Parser::new(non_zero(from_archive as u16), cols, 0);
    for index in first..first + from_archive {
        if index > first {
            replay.process(b"\r\n");
        }
        // Each archived row starts from the default colours.
        replay.process(b"\x1b[m");
        replay.process(archive.formatted(index, cols.get()).as_bytes());
    }
    let top = Rect {
        height: from_archive as u16,
        ..area
    };
    draw_screen(buf, top, replay.screen());
    // vt100's view stands at the top of its own history, right after the archive's.
    let below = Rect {
        y: area.y + top.height,
        height: area.height - top.height,
        ..area
    };
    draw_screen(buf, below, screen);
}

/// Draws the visible part of `screen` (respecting its scrollback offset) into `area`.
pub fn draw_screen(buf: &mut Buffer, area: Rect, screen: &vt100::Screen) {
    let area = area.intersection(buf.area);
    for row in 0..area.height {
        for col in 0..area.width {
            let target = &mut buf[(area.x + col, area.y + row)];
            match screen.cell(row, col) {
                Some(cell) if !cell.is_wide_continuation() => paint(target, cell),
                // The right half of a wide character: ratatui skips it after the wide
                // symbol, but it must not keep an old symbol of its own.
                Some(cell) => {
                    target.reset();
                    target.set_bg(color(cell.bgcolor()));
                }
                None => {
                    target.reset();
                }
            }
        }
    }
}

fn paint(target: &mut Cell, cell: &vt100::Cell) {
    if cell.has_contents() {
        target.set_symbol(cell.contents());
    } else {
        target.set_char(' ');
    }
    let mut fg = color(cell.fgcolor());
    let mut bg = color(cell.bgcolor());
    if cell.inverse() {
        // Reset on both sides means "the terminal's own colours", which only the host
        // can invert; the REVERSED modifier does that faithfully.
        if fg == Color::Reset || bg == Color::Reset {
            target.modifier = Modifier::REVERSED;
        } else {
            std::mem::swap(&mut fg, &mut bg);
            target.modifier = Modifier::empty();
        }
    } else {
        target.modifier = Modifier::empty();
    }
    target.fg = fg;
    target.bg = bg;
    if cell.bold() {
        target.modifier |= Modifier::BOLD;
    }
    if cell.dim() {
        target.modifier |= Modifier::DIM;
    }
    if cell.italic() {
        target.modifier |= Modifier::ITALIC;
    }
    if cell.underline() {
        target.modifier |= Modifier::UNDERLINED;
    }
}

fn color(color: vt100::Color) -> Color {
    match color {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(index) => Color::Indexed(index),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// Where the child's cursor is on the host screen, if it should be shown there.
pub fn cursor_position(area: Rect, emulator: &Emulator) -> Option<Position> {
    let screen = emulator.screen();
    if screen.hide_cursor() || emulator.view_offset() > 0 {
        return None;
    }
    let (row, col) = screen.cursor_position();
    (row < area.height && col < area.width).then(|| Position::new(area.x + col, area.y + row))
}

/// A copy of a pane's last complete picture, drawn instead of the live screen while the
/// child holds synchronized output (DEC 2026) so a half-drawn frame never shows.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    area: Rect,
    cells: Vec<Cell>,
}

impl Snapshot {
    /// Remembers what `area` of `buf` holds now.
    pub fn capture(&mut self, buf: &Buffer, area: Rect) {
        let area = area.intersection(buf.area);
        self.area = area;
        self.cells.clear();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                self.cells.push(buf[(x, y)].clone());
            }
        }
    }

    /// Paints the remembered picture back when the pane has not moved or resized.
    pub fn restore(&self, buf: &mut Buffer, area: Rect) -> bool {
        if area != self.area || self.cells.is_empty() {
            return false;
        }
        let mut cells = self.cells.iter();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                if let Some(cell) = cells.next() {
                    buf[(x, y)] = cell.clone();
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen_of(bytes: &[u8], rows: u16, cols: u16) -> vt100::Parser {
        let mut parser =
            vt100::Parser::new(crate::pane::non_zero(rows), crate::pane::non_zero(cols), 0);
        parser.process(bytes);
        parser
    }

    fn draw(bytes: &[u8], rows: u16, cols: u16) -> Buffer {
        let parser = screen_of(bytes, rows, cols);
        let mut buf = Buffer::empty(Rect::new(0, 0, cols, rows));
        let area = buf.area;
        draw_screen(&mut buf, area, parser.screen());
        buf
    }

    #[test]
    fn draws_text_and_colours() {
        let buf = draw(
            b"\x1b[31mred\x1b[0m \x1b[38;5;200mx\x1b[38;2;1;2;3;1my",
            2,
            10,
        );
        assert_eq!(buf[(0, 0)].symbol(), "r");
        assert_eq!(buf[(0, 0)].fg, Color::Indexed(1));
        assert_eq!(buf[(4, 0)].fg, Color::Indexed(200));
        assert_eq!(buf[(5, 0)].fg, Color::Rgb(1, 2, 3));
        assert!(buf[(5, 0)].modifier.contains(Modifier::BOLD));
        assert_eq!(buf[(9, 1)].symbol(), " ");
    }

    #[test]
    fn draws_attributes() {
        let buf = draw(
            b"\x1b[2ma\x1b[0;3mb\x1b[0;4mc\x1b[0;7md\x1b[0;7;31;42me",
            1,
            10,
        );
        assert!(buf[(0, 0)].modifier.contains(Modifier::DIM));
        assert!(buf[(1, 0)].modifier.contains(Modifier::ITALIC));
        assert!(buf[(2, 0)].modifier.contains(Modifier::UNDERLINED));
        assert!(buf[(3, 0)].modifier.contains(Modifier::REVERSED));
        assert_eq!(
            (buf[(4, 0)].fg, buf[(4, 0)].bg),
            (Color::Indexed(2), Color::Indexed(1))
        );
    }

    #[test]
    fn draws_wide_characters_once() {
        let buf = draw("测x".as_bytes(), 1, 6);
        assert_eq!(buf[(0, 0)].symbol(), "测");
        assert_eq!(buf[(1, 0)].symbol(), " ");
        assert_eq!(buf[(2, 0)].symbol(), "x");
    }

    #[test]
    fn cursor_follows_the_child_and_hides_with_it() {
        let area = Rect::new(10, 5, 20, 4);
        let mut emulator = crate::pane::new_emulator(4, 20, 100);
        emulator.process(b"\x1b[2;3H");
        assert_eq!(cursor_position(area, &emulator), Some(Position::new(12, 6)));
        emulator.process(b"\x1b[?25l");
        assert_eq!(cursor_position(area, &emulator), None);
        emulator.process(b"\x1b[?25h\r\n\r\n\r\n\r\n");
        assert!(cursor_position(area, &emulator).is_some());
        emulator.set_view_offset(1);
        assert_eq!(cursor_position(area, &emulator), None, "scrolled back");
    }

    #[test]
    fn a_view_reaching_into_the_archive_draws_its_rows_above_vt100s() {
        // Five lines into a 2-row screen: 1 and 2 in the archive, 3 in vt100's history.
        let mut emulator = crate::pane::new_emulator_split(2, 10, 1, 10);
        emulator.process(b"\x1b[31mone\x1b[m\r\n\x1b[1mtwo\x1b[m\r\nthree\r\nfour\r\nfive");
        emulator.set_view_offset(3);
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        draw_view(&mut buf, Rect::new(1, 1, 10, 2), &emulator);
        fn row(buf: &Buffer, y: u16) -> String {
            (1..11).map(|x| buf[(x, y)].symbol().to_string()).collect()
        }
        assert_eq!(row(&buf, 1), "one       ");
        assert_eq!(row(&buf, 2), "two       ");
        assert_eq!(buf[(1, 1)].fg, Color::Indexed(1), "colours come back");
        assert!(buf[(1, 2)].modifier.contains(Modifier::BOLD));
        emulator.set_view_offset(2);
        draw_view(&mut buf, Rect::new(1, 1, 10, 2), &emulator);
        assert_eq!(row(&buf, 1), "two       ");
        assert_eq!(row(&buf, 2), "three     ", "vt100's own history follows");
        assert_eq!(row(&buf, 0), "          ", "nothing drawn outside the area");
    }

    #[test]
    fn snapshot_restores_only_the_same_area() {
        let mut buf = draw(b"frame one", 1, 10);
        let mut snapshot = Snapshot::default();
        snapshot.capture(&buf, buf.area);
        let half = screen_of(b"half", 1, 10);
        draw_screen(&mut buf, Rect::new(0, 0, 10, 1), half.screen());
        assert!(snapshot.restore(&mut buf, Rect::new(0, 0, 10, 1)));
        assert_eq!(buf[(0, 0)].symbol(), "f");
        assert!(!snapshot.restore(&mut buf, Rect::new(0, 0, 9, 1)));
    }
}
