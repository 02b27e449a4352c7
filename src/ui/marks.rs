//! Styles laid over a pane's drawn screen: search matches, a selection, copy mode's
//! cursor. Marks name history lines, so they land wherever those lines show now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::pane::history::{LineId, View};

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
