//! The picture on the host, kept between frames, and what changed in it since: a frame
//! paints only what changed (the rows a pane's emulator reports damaged, a border whose
//! title moved on) and compares only those cells with what the host shows. A pane that
//! printed nothing costs nothing, however many there are.
//!
//! ratatui's `Terminal::draw` starts each frame from a blank buffer and compares the
//! whole screen; this keeps its `Buffer` and its diff (per damaged stretch of a row), and
//! writes through the same backend.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;

/// See the module docs.
#[derive(Debug)]
pub struct Canvas {
    /// What the next frame shows; painted into between frames.
    next: Buffer,
    /// What the host shows now.
    shown: Buffer,
    /// Per row, the stretches `[from, to)` painted since the last frame.
    damage: Vec<Vec<(u16, u16)>>,
    /// Compare everything: after a resize, or when the host's picture is unknown.
    whole: bool,
}

impl Canvas {
    pub fn new(area: Rect) -> Canvas {
        Canvas {
            next: Buffer::empty(area),
            shown: Buffer::empty(area),
            damage: vec![Vec::new(); usize::from(area.height)],
            whole: true,
        }
    }

    pub fn area(&self) -> Rect {
        self.next.area
    }

    /// A new size: the next frame paints and sends everything.
    pub fn resize(&mut self, area: Rect) {
        if area != self.next.area {
            *self = Canvas::new(area);
        }
    }

    /// The host's picture is unknown (it was cleared, or a recording must open on a
    /// whole picture): the next frame sends every cell.
    pub fn forget_shown(&mut self) {
        self.shown = Buffer::empty(self.shown.area);
        // No real cell holds this, so every one differs.
        for cell in &mut self.shown.content {
            cell.set_symbol("\u{e000}\u{e000}");
        }
        self.whole = true;
    }

    /// The next frame compares every cell (the picture was painted anew).
    pub fn invalidate(&mut self) {
        self.whole = true;
    }

    /// Whether the next frame compares the whole screen anyway.
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// The buffer to paint the next frame into. Whatever is painted must be declared
    /// with [`Canvas::damage`] (or the frame be whole) to reach the host.
    pub fn buffer_mut(&mut self) -> &mut Buffer {
        &mut self.next
    }

    /// `area` was painted.
    pub fn damage(&mut self, area: Rect) {
        let area = area.intersection(self.next.area);
        for y in area.top()..area.bottom() {
            self.damage_row(y, area.left(), area.right());
        }
    }

    /// Cells `from..to` of row `y` were painted.
    pub fn damage_row(&mut self, y: u16, from: u16, to: u16) {
        if self.whole || from >= to {
            return;
        }
        let Some(row) = self.damage.get_mut(usize::from(y - self.next.area.y)) else {
            return;
        };
        // Stretches are few per row (one per pane side by side); merge overlaps.
        match row
            .iter_mut()
            .find(|(start, end)| from <= *end && *start <= to)
        {
            Some(stretch) => *stretch = (stretch.0.min(from), stretch.1.max(to)),
            None => row.push((from, to)),
        }
    }

    /// The cells to send for the next frame, as ratatui's diff finds them within what was
    /// damaged; the host is then taken to show the next frame.
    pub fn updates(&mut self) -> Vec<(u16, u16, Cell)> {
        let updates: Vec<(u16, u16, Cell)> = if std::mem::take(&mut self.whole) {
            let updates = self
                .shown
                .diff(&self.next)
                .into_iter()
                .map(|(x, y, cell)| (x, y, cell.clone()))
                .collect();
            self.shown.content.clone_from(&self.next.content);
            updates
        } else {
            let mut updates = Vec::new();
            let area = self.next.area;
            for (row, stretches) in self.damage.iter().enumerate() {
                let y = area.y + row as u16;
                for &(from, to) in stretches {
                    let stretch = Rect::new(from, y, to - from, 1);
                    let first = self.next.index_of(from, y);
                    let cells = first..first + usize::from(stretch.width);
                    let shown = Buffer {
                        area: stretch,
                        content: self.shown.content[cells.clone()].to_vec(),
                    };
                    let next = Buffer {
                        area: stretch,
                        content: self.next.content[cells.clone()].to_vec(),
                    };
                    updates.extend(
                        shown
                            .diff(&next)
                            .into_iter()
                            .map(|(x, y, cell)| (x, y, cell.clone())),
                    );
                    self.shown.content[cells.clone()].clone_from_slice(&self.next.content[cells]);
                }
            }
            updates
        };
        for row in &mut self.damage {
            row.clear();
        }
        updates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(canvas: &mut Canvas, x: u16, y: u16, text: &str) {
        canvas
            .buffer_mut()
            .set_string(x, y, text, ratatui::style::Style::new());
        canvas.damage_row(y, x, x + text.len() as u16);
    }

    #[test]
    fn the_first_frame_is_whole_and_later_ones_send_only_what_changed() {
        let mut canvas = Canvas::new(Rect::new(0, 0, 20, 4));
        text(&mut canvas, 0, 0, "hello");
        assert_eq!(canvas.updates().len(), 5);
        assert!(canvas.updates().is_empty(), "nothing painted, nothing sent");
        text(&mut canvas, 0, 0, "help!");
        let sent: Vec<(u16, u16, String)> = canvas
            .updates()
            .into_iter()
            .map(|(x, y, cell)| (x, y, cell.symbol().to_string()))
            .collect();
        assert_eq!(sent, [(3, 0, "p".into()), (4, 0, "!".into())]);
    }

    #[test]
    fn undeclared_paint_stays_unsent_and_forgetting_resends_everything() {
        let mut canvas = Canvas::new(Rect::new(0, 0, 10, 2));
        canvas.updates();
        canvas
            .buffer_mut()
            .set_string(0, 1, "quiet", ratatui::style::Style::new());
        assert!(canvas.updates().is_empty());
        canvas.forget_shown();
        assert_eq!(canvas.updates().len(), 20);
    }

    #[test]
    fn a_wide_character_is_sent_once_and_its_right_half_skipped() {
        let mut canvas = Canvas::new(Rect::new(0, 0, 10, 1));
        canvas.updates();
        text(&mut canvas, 2, 0, "测x");
        let xs: Vec<u16> = canvas.updates().into_iter().map(|(x, ..)| x).collect();
        assert_eq!(xs, [2, 4]);
    }
}
