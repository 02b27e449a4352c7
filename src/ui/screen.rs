//! Paints a pane's emulated screen into a ratatui buffer cell by cell: colours
//! (16/256/RGB), every attribute ratatui can carry to the host (bold, dim, italic,
//! underline and its colour, blink, inverse, hidden, strikethrough) and wide characters.
//! Hyperlinks (OSC 8) are collected as [`LinkRun`]s for the frame to send after the
//! cells, since a ratatui cell cannot hold one.

use alacritty_terminal::grid::Dimensions as _;
use alacritty_terminal::index::Line;
use alacritty_terminal::term::cell::{Cell as TermCell, Flags};
use alacritty_terminal::vte::ansi::{Color as TermColor, NamedColor};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};

use crate::pane::Emulator;
use crate::pane::emulator::BLINK;

/// A stretch of one screen row that links to `uri`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRun {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub uri: String,
}

/// Draws a pane's view into `area`: the live screen, or wherever in its history the view
/// is, and adds the hyperlinks it shows to `links`. Rows from the archive (see
/// [`crate::pane::archive`]) are kept as text with SGR; they are replayed through a
/// throwaway emulator of their own, so they are painted by the code that paints live
/// rows.
pub fn draw_view(buf: &mut Buffer, area: Rect, emulator: &Emulator, links: &mut Vec<LinkRun>) {
    let reach = emulator.archive_rows_in_view();
    let from_archive = reach.min(usize::from(area.height));
    if from_archive == 0 {
        draw_screen(buf, area, emulator, links);
        return;
    }
    let archive = emulator.archive();
    let cols = emulator.size().1;
    let first = archive.len() - reach;
    let mut replay = Emulator::new(from_archive as u16, cols, 0);
    for index in first..first + from_archive {
        if index > first {
            replay.process(b"\r\n");
        }
        replay.process(archive.formatted(index, cols).as_bytes());
        // Each archived row starts from the default style.
        replay.process(b"\x1b[m");
    }
    let top = Rect {
        height: from_archive as u16,
        ..area
    };
    draw_screen(buf, top, &replay, links);
    // The screen's own rows follow the archive's.
    let below = Rect {
        y: area.y + top.height,
        height: area.height - top.height,
        ..area
    };
    draw_screen(buf, below, emulator, links);
}

/// Draws `emulator`'s screen into `area`.
pub fn draw_screen(buf: &mut Buffer, area: Rect, emulator: &Emulator, links: &mut Vec<LinkRun>) {
    let area = area.intersection(buf.area);
    let grid = emulator.term().grid();
    let rows = grid.screen_lines() as u16;
    for y in 0..area.height {
        if y >= rows {
            for x in 0..area.width {
                buf[(area.x + x, area.y + y)].reset();
            }
            continue;
        }
        let row = &grid[Line(i32::from(y))];
        draw_row(buf, area.x, area.y + y, area.width, &row[..], links);
    }
}

/// Draws stretch `from..to` of screen row `row` of `emulator` into `area`, which shows
/// the whole screen, and returns the columns `[first, end)` of `area` whose cells it
/// changed, if any (see [`draw_row`]).
pub fn draw_stretch(
    buf: &mut Buffer,
    area: Rect,
    emulator: &Emulator,
    (row, from, to): (u16, u16, u16),
    links: &mut Vec<LinkRun>,
) -> Option<(u16, u16)> {
    let grid = emulator.term().grid();
    if row >= area.height || from >= area.width {
        return None;
    }
    let cells = &grid[Line(i32::from(row))][..];
    // Writing over half of a wide character clears its other half, which the emulator
    // does not report: one cell more on each side is painted too.
    let (from, to) = (from.saturating_sub(1), to.saturating_add(1).min(area.width));
    let row_cells = cells.get(usize::from(from)..).unwrap_or(&[]);
    let (first, end) = draw_row(
        buf,
        area.x + from,
        area.y + row,
        to - from,
        row_cells,
        links,
    )?;
    // What changed must start on a character's first cell: the frame's diff walks the
    // row from there, and a wide character's right half is not a place to start.
    let first = from + first;
    let first = if first > 0
        && cells
            .get(usize::from(first))
            .is_some_and(|cell| cell.flags.contains(Flags::WIDE_CHAR_SPACER))
    {
        first - 1
    } else {
        first
    };
    // A wide character that became narrow makes the diff send the cells its old right
    // half covered, as comparing the whole stretch would.
    let end = (from + end + crate::ui::canvas::REACH).min(to);
    Some((area.x + first, area.x + end))
}

/// Paints `width` cells of row `y` from `x` on, and returns the cells it changed as
/// `[first, end)` counted from `x`, if any. Most of a row drawn again is as it was (a
/// line erased and written anew to move a spinner): a cell that already shows what it
/// would be painted with is left alone, so the frame compares and sends only the rest.
fn draw_row(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    cells: &[TermCell],
    links: &mut Vec<LinkRun>,
) -> Option<(u16, u16)> {
    let mut changed: Option<(u16, u16)> = None;
    let start = buf.index_of(x, y);
    let targets = &mut buf.content[start..start + usize::from(width)];
    for (col, target) in (0..width).zip(targets) {
        let differs = match cells.get(usize::from(col)) {
            None => set_if_new(target, &Cell::EMPTY),
            // Most of a row is blank, and most of it was blank before: that is told from
            // a few fields, without building the cell `paint` would compare.
            Some(cell) if is_plain_blank(cell) && shows_plain_blank(target) => false,
            Some(cell) if cell.flags.contains(Flags::WIDE_CHAR_SPACER) => {
                // The right half of a wide character: ratatui skips it after the wide
                // symbol, but it must not keep an old symbol of its own.
                let mut blank = Cell::EMPTY;
                blank.set_bg(color(cell.bg));
                set_if_new(target, &blank)
            }
            Some(cell) => {
                let differs = paint(target, cell);
                if let Some(link) = cell.hyperlink() {
                    add_link(links, x + col, y, cell, link.uri());
                }
                differs
            }
        };
        if differs {
            changed = Some(changed.map_or((col, col + 1), |(first, _)| (first, col + 1)));
        }
    }
    changed
}

/// A space in the default colours with no attributes and nothing attached: what an
/// erase leaves, and what a row holds past its text.
fn is_plain_blank(cell: &TermCell) -> bool {
    cell.c == ' '
        && cell.flags.is_empty()
        && cell.extra.is_none()
        && cell.fg == TermColor::Named(NamedColor::Foreground)
        && cell.bg == TermColor::Named(NamedColor::Background)
}

/// Whether `target` already shows what [`paint`] makes of a plain blank cell.
fn shows_plain_blank(target: &Cell) -> bool {
    target.fg == Color::Reset
        && target.bg == Color::Reset
        && target.underline_color == Color::Reset
        && target.modifier.is_empty()
        && target.symbol() == " "
}

/// Sets `target` to `cell` unless it is that already; whether it was not.
fn set_if_new(target: &mut Cell, cell: &Cell) -> bool {
    let differs = target != cell;
    if differs {
        target.clone_from(cell);
    }
    differs
}

/// Adds the cell at `x`, `y` to the link run it continues, or starts one.
fn add_link(links: &mut Vec<LinkRun>, x: u16, y: u16, cell: &TermCell, uri: &str) {
    let cell_width = if cell.flags.contains(Flags::WIDE_CHAR) {
        2
    } else {
        1
    };
    match links.last_mut() {
        Some(run) if run.y == y && run.x + run.width == x && run.uri == uri => {
            run.width += cell_width;
        }
        _ => links.push(LinkRun {
            x,
            y,
            width: cell_width,
            uri: uri.to_string(),
        }),
    }
}

/// Paints `cell` into `target`; whether that changed it.
fn paint(target: &mut Cell, cell: &TermCell) -> bool {
    let blank = cell.c == '\t' || cell.flags.contains(Flags::LEADING_WIDE_CHAR_SPACER);
    let mut differs = false;
    match cell.zerowidth() {
        Some(marks) if !blank => {
            let mut symbol = String::with_capacity(8);
            symbol.push(cell.c);
            symbol.extend(marks);
            if target.symbol() != symbol {
                target.set_symbol(&symbol);
                differs = true;
            }
        }
        _ => {
            let c = if blank { ' ' } else { cell.c };
            // Building a cell's symbol costs more than comparing it (as a character: a
            // call to compare one to four bytes would cost more than decoding them).
            if !target.symbol().chars().eq(std::iter::once(c)) {
                target.set_char(c);
                differs = true;
            }
        }
    }
    let flags = cell.flags;
    let mut fg = color(cell.fg);
    let mut bg = color(cell.bg);
    let mut modifier = Modifier::empty();
    if flags.contains(Flags::INVERSE) {
        // Reset on both sides means "the terminal's own colours", which only the host
        // can invert; the REVERSED modifier does that faithfully.
        if fg == Color::Reset || bg == Color::Reset {
            modifier = Modifier::REVERSED;
        } else {
            std::mem::swap(&mut fg, &mut bg);
        }
    }
    for (flag, attribute) in [
        (Flags::BOLD, Modifier::BOLD),
        (Flags::DIM, Modifier::DIM),
        (Flags::ITALIC, Modifier::ITALIC),
        (Flags::ALL_UNDERLINES, Modifier::UNDERLINED),
        (BLINK, Modifier::SLOW_BLINK),
        (Flags::HIDDEN, Modifier::HIDDEN),
        (Flags::STRIKEOUT, Modifier::CROSSED_OUT),
    ] {
        if flags.intersects(flag) {
            modifier |= attribute;
        }
    }
    let underline_color = cell.underline_color().map_or(Color::Reset, color);
    let looks = (fg, bg, modifier, underline_color);
    if (
        target.fg,
        target.bg,
        target.modifier,
        target.underline_color,
    ) != looks
    {
        (
            target.fg,
            target.bg,
            target.modifier,
            target.underline_color,
        ) = looks;
        differs = true;
    }
    differs
}

fn color(color: TermColor) -> Color {
    match color {
        TermColor::Named(named) => match named as usize {
            index @ 0..=15 => Color::Indexed(index as u8),
            // The dim variants of the 8 colours.
            index @ 259..=266 => Color::Indexed((index - 259) as u8),
            _ => Color::Reset,
        },
        TermColor::Indexed(index) => Color::Indexed(index),
        TermColor::Spec(rgb) => Color::Rgb(rgb.r, rgb.g, rgb.b),
    }
}

/// Where the child's cursor is on the host screen, if it should be shown there.
pub fn cursor_position(area: Rect, emulator: &Emulator) -> Option<Position> {
    if emulator.hide_cursor() || emulator.view_offset() > 0 {
        return None;
    }
    let (row, col) = emulator.cursor_position();
    (row < area.height && col < area.width).then(|| Position::new(area.x + col, area.y + row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen_of(bytes: &[u8], rows: u16, cols: u16) -> Emulator {
        let mut emulator = Emulator::new(rows, cols, 0);
        emulator.process(bytes);
        emulator
    }

    fn draw(bytes: &[u8], rows: u16, cols: u16) -> Buffer {
        let emulator = screen_of(bytes, rows, cols);
        let mut buf = Buffer::empty(Rect::new(0, 0, cols, rows));
        let area = buf.area;
        draw_screen(&mut buf, area, &emulator, &mut Vec::new());
        buf
    }

    #[test]
    fn a_blank_cell_leaves_a_blank_whatever_the_cell_showed() {
        // Each target differs from a blank in one way (or in none): a blank painted over it
        // must leave a blank, and say so exactly when it changed something.
        let emulator = screen_of(b"", 1, 1);
        let blank_row = &emulator.term().grid()[Line(0)][..];
        let with = |change: fn(&mut Cell)| {
            let mut cell = Cell::EMPTY;
            change(&mut cell);
            cell
        };
        let targets = [
            (Cell::EMPTY, false),
            (
                with(|cell| {
                    cell.set_char(' ');
                }),
                false,
            ),
            (
                with(|cell| {
                    cell.set_char('x');
                }),
                true,
            ),
            (with(|cell| cell.fg = Color::Indexed(1)), true),
            (with(|cell| cell.bg = Color::Indexed(1)), true),
            (with(|cell| cell.underline_color = Color::Indexed(1)), true),
            (with(|cell| cell.modifier = Modifier::BOLD), true),
        ];
        for (target, changes) in targets {
            let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
            buf[(0, 0)] = target.clone();
            let changed = draw_row(&mut buf, 0, 0, 1, blank_row, &mut Vec::new());
            assert_eq!(changed.is_some(), changes, "over {target:?}");
            assert_eq!(buf[(0, 0)], Cell::EMPTY, "over {target:?}");
        }
        // A space that is not plain (a coloured erase) is painted as it is.
        let emulator = screen_of(b"\x1b[41m\x1b[K", 1, 1);
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        let row = &emulator.term().grid()[Line(0)][..];
        assert!(draw_row(&mut buf, 0, 0, 1, row, &mut Vec::new()).is_some());
        assert_eq!(buf[(0, 0)].bg, Color::Indexed(1));
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
    fn a_view_reaching_into_the_archive_draws_its_rows_above_the_screens() {
        // Five lines into a 2-row screen: 1, 2 and 3 in the archive, 4 and 5 on screen.
        let mut emulator = crate::pane::new_emulator(2, 10, 11);
        emulator.process(b"\x1b[31mone\x1b[m\r\n\x1b[1mtwo\x1b[m\r\nthree\r\nfour\r\nfive");
        emulator.set_view_offset(3);
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        draw_view(&mut buf, Rect::new(1, 1, 10, 2), &emulator, &mut Vec::new());
        fn row(buf: &Buffer, y: u16) -> String {
            (1..11).map(|x| buf[(x, y)].symbol().to_string()).collect()
        }
        assert_eq!(row(&buf, 1), "one       ");
        assert_eq!(row(&buf, 2), "two       ");
        assert_eq!(buf[(1, 1)].fg, Color::Indexed(1), "colours come back");
        assert!(buf[(1, 2)].modifier.contains(Modifier::BOLD));
        emulator.set_view_offset(2);
        draw_view(&mut buf, Rect::new(1, 1, 10, 2), &emulator, &mut Vec::new());
        assert_eq!(row(&buf, 1), "two       ");
        assert_eq!(row(&buf, 2), "three     ", "the next archived row follows");
        assert_eq!(row(&buf, 0), "          ", "nothing drawn outside the area");
        emulator.set_view_offset(1);
        draw_view(&mut buf, Rect::new(1, 1, 10, 2), &emulator, &mut Vec::new());
        assert_eq!(row(&buf, 1), "three     ");
        assert_eq!(
            row(&buf, 2),
            "four      ",
            "the screen's rows follow the archive's"
        );
    }
}
