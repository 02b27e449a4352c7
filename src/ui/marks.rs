//! Styles laid over a pane's drawn screen: search matches, a selection, copy mode's
//! cursor. Marks name history lines, so they land wherever those lines show now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::pane::Emulator;
use crate::pane::history::{LineId, Match, View};
use crate::ui::theme::Theme;

/// Paints cells of history lines where they show in a pane's inner area.
pub struct Marks<'a> {
    buf: &'a mut Buffer,
    inner: Rect,
    view: View,
}

impl<'a> Marks<'a> {
    /// Marks over the pane drawn in `inner`, whose screen is scrolled as `view` says.
    pub fn new(buf: &'a mut Buffer, inner: Rect, view: View) -> Marks<'a> {
        Marks { buf, inner, view }
    }

    /// Patches `style` onto cells `from..to` of `line`, if it is in view.
    pub fn paint(&mut self, line: LineId, from: u16, to: u16, style: Style) {
        let Some(row) = self.view.row_of(line) else {
            return;
        };
        if row >= self.inner.height {
            return;
        }
        let to = to.min(self.inner.width);
        for col in from.min(to)..to {
            let at = (self.inner.x + col, self.inner.y + row);
            if self.buf.area.contains(at.into()) {
                self.buf[at].set_style(style);
            }
        }
    }
}

/// What copy mode lays over its pane: every search match (the current one stands out),
/// the selection and the cursor, as history positions (line, column).
#[derive(Debug, Clone, Copy)]
pub struct CopyMarks<'a> {
    /// Oldest first.
    pub matches: &'a [Match],
    pub current: Option<Match>,
    pub selection: Option<Selection>,
    pub cursor: (LineId, u16),
}

/// A selection between two history positions, either order; `whole_lines` takes every
/// line it touches from edge to edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub from: (LineId, u16),
    pub to: (LineId, u16),
    pub whole_lines: bool,
}

/// Paints `marks` over the pane drawn in `inner` from `emulator` (locked by the caller).
pub fn draw_copy_marks(
    buf: &mut Buffer,
    inner: Rect,
    emulator: &Emulator,
    marks: &CopyMarks,
    theme: &Theme,
) {
    let view = View::of(emulator);
    let hit = visible(theme.search_match);
    let mut paint = Marks::new(buf, inner, view);
    let top = view.top();
    let bottom = top + u64::from(view.rows);
    let from = marks.matches.partition_point(|m| m.line < top);
    for m in marks.matches[from..].iter().take_while(|m| m.line < bottom) {
        let style = if Some(*m) == marks.current {
            hit.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            hit
        };
        paint.paint(m.line, m.start, m.end, style);
    }
    if let Some(selection) = marks.selection {
        let (start, end) = if selection.from <= selection.to {
            (selection.from, selection.to)
        } else {
            (selection.to, selection.from)
        };
        let style = visible(theme.selection);
        for line in start.0..=end.0 {
            let (from, to) = if selection.whole_lines {
                (0, u16::MAX)
            } else {
                (
                    if line == start.0 { start.1 } else { 0 },
                    if line == end.0 {
                        end.1.saturating_add(1)
                    } else {
                        u16::MAX
                    },
                )
            };
            paint.paint(line, from, to, style);
        }
    }
    let (line, col) = marks.cursor;
    paint.paint(
        line,
        col,
        col + 1,
        Style::new().add_modifier(Modifier::REVERSED),
    );
}

/// A theme slot as set, or reverse video when it sets nothing (a colourless theme must
/// still show matches and selections).
fn visible(style: Style) -> Style {
    if style == Style::new() {
        style.add_modifier(Modifier::REVERSED)
    } else {
        style
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;
    use crate::pane::Emulator;
    use crate::pane::history::{History, search};
    use crate::ui::screen::draw_view;

    /// 5,000 numbered lines through a 10-row pane, as `seq 1 5000` would print them.
    fn numbered() -> Emulator {
        let mut emulator = crate::pane::new_emulator(10, 40, 10_000);
        let bytes: String = (1..=5000).map(|i| format!("{i}\r\n")).collect();
        emulator.process(bytes.as_bytes());
        emulator
    }

    #[test]
    fn a_search_hit_deep_in_the_scrollback_is_drawn_highlighted() {
        let mut emulator = numbered();
        let history = History::read(&emulator);
        let hits = search(&history, "1234");
        assert_eq!(hits.len(), 1, "only line 1234 contains it");
        let hit = hits[0];
        // Scroll the line into the middle of the view, as copy mode does.
        let view = View::of(&emulator);
        emulator.set_view_offset(view.offset_for(hit.line, 5));
        let view = View::of(&emulator);
        assert!(
            emulator.archive_rows_in_view() > 0,
            "deep enough for the archive"
        );
        let area = Rect::new(0, 0, 42, 12);
        let inner = Rect::new(1, 1, 40, 10);
        let backend = ratatui::backend::TestBackend::new(42, 12);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        let style = Style::new().fg(Color::Black).bg(Color::Yellow);
        terminal
            .draw(|frame| {
                let buf = frame.buffer_mut();
                assert_eq!(buf.area, area);
                draw_view(buf, inner, &emulator, &mut Vec::new());
                Marks::new(buf, inner, view).paint(hit.line, hit.start, hit.end, style);
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        let row: String = (1..5).map(|x| buf[(x, 6)].symbol().to_string()).collect();
        assert_eq!(row, "1234");
        assert!((1..5).all(|x| buf[(x, 6)].bg == Color::Yellow));
        assert_eq!(buf[(5, 6)].bg, Color::Reset, "only the match is marked");
        let above: String = (1..5).map(|x| buf[(x, 5)].symbol().to_string()).collect();
        assert_eq!(above, "1233");
        assert_eq!(buf[(1, 5)].bg, Color::Reset);
    }

    #[test]
    fn marks_off_screen_are_skipped() {
        let view = View::of(&numbered());
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 10));
        let style = Style::new().bg(Color::Yellow);
        let mut marks = Marks::new(&mut buf, Rect::new(0, 0, 40, 10), view);
        marks.paint(3, 0, 4, style);
        marks.paint(view.top(), 30, 99, style);
        assert!((0..30).all(|x| buf[(x, 0)].bg == Color::Reset));
        assert!((30..40).all(|x| buf[(x, 0)].bg == Color::Yellow));
    }
}
