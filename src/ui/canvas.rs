//! The picture on the host, kept between frames, and what changed in it since: a frame
//! paints only what changed (the rows a pane's emulator reports damaged, a border whose
//! title moved on) and compares only those cells with what the host shows. A pane that
//! printed nothing costs nothing, however many there are.
//!
//! ratatui's `Terminal::draw` starts each frame from a blank buffer and compares the
//! whole screen; this keeps its `Buffer` and its diff (per damaged stretch of a row), and
//! writes through the same backend.

use ratatui::buffer::{Buffer, Cell, CellWidth as _};
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
    /// One damaged stretch as shown and as next, kept for their allocations.
    stretch: (Buffer, Buffer),
    /// The last frame's updates, kept for its allocation.
    sent: Vec<(u16, u16, Cell)>,
}

impl Canvas {
    pub fn new(area: Rect) -> Canvas {
        Canvas {
            next: Buffer::empty(area),
            shown: Buffer::empty(area),
            damage: vec![Vec::new(); usize::from(area.height)],
            whole: true,
            stretch: (
                Buffer::empty(Rect::default()),
                Buffer::empty(Rect::default()),
            ),
            sent: Vec::new(),
        }
    }

    pub fn area(&self) -> Rect {
        self.next.area
    }

    /// A new size: the next frame paints and sends everything.
    pub fn resize(&mut self, area: Rect) {
        if area != self.next.area {
            let sent = std::mem::take(&mut self.sent);
            *self = Canvas {
                sent,
                ..Canvas::new(area)
            };
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
    /// damaged; the host is then taken to show the next frame. The list is the canvas's
    /// own, refilled each frame, so a frame allocates nothing here.
    pub fn updates(&mut self) -> &mut Vec<(u16, u16, Cell)> {
        self.sent.clear();
        if std::mem::take(&mut self.whole) {
            let changed = self.shown.diff_iter(&self.next);
            self.sent
                .extend(changed.map(|(x, y, cell)| (x, y, cell.clone())));
            self.shown.content.clone_from(&self.next.content);
        } else {
            let area = self.next.area;
            for (row, stretches) in self.damage.iter().enumerate() {
                let y = area.y + row as u16;
                for &(from, to) in stretches {
                    let first = self.next.index_of(from, y);
                    let cells = first..first + usize::from(to - from);
                    let (shown, next) = (
                        &mut self.shown.content[cells.clone()],
                        &self.next.content[cells],
                    );
                    // Most damage is a row written again nearly as it was (a spinner glyph,
                    // a counter): only the part between the first and the last cell that
                    // differs is diffed. Equal cells make no update (the crate sets no cell
                    // to always update), so the rest has nothing to send.
                    let Some(changed) = differing(shown, next) else {
                        continue;
                    };
                    // ratatui's diff works on buffers: the part is copied into two kept
                    // one-row buffers rather than new ones.
                    let part = Rect::new(from + changed.start as u16, y, changed.len() as u16, 1);
                    for (scratch, cells) in [
                        (&mut self.stretch.0, &shown[changed.clone()]),
                        (&mut self.stretch.1, &next[changed.clone()]),
                    ] {
                        scratch.area = part;
                        scratch.content.clear();
                        scratch.content.extend_from_slice(cells);
                    }
                    let updates = self.stretch.0.diff_iter(&self.stretch.1);
                    self.sent
                        .extend(updates.map(|(x, y, cell)| (x, y, cell.clone())));
                    shown[changed.clone()].clone_from_slice(&next[changed]);
                }
            }
        }
        for row in &mut self.damage {
            row.clear();
        }
        &mut self.sent
    }
}

/// The widest a cell's character can be; a wide character's right half is its own cell.
const WIDEST: usize = 4;
/// How far past a row's last change the diff may send cells (a wide character that
/// changed forces out what it covered).
pub const REACH: u16 = 2 * WIDEST as u16;

/// The cells of a row's stretch that ratatui's diff of the whole stretch would look at to
/// find every change, or `None` when the two are equal. It starts where the diff's walk
/// over the equal cells before the first change stands when it reaches that change (the
/// walk steps over a wide character's right half, so a change there is not one), and ends
/// past the last change by as much as a wide character's change can force out after it.
fn differing(shown: &[Cell], next: &[Cell]) -> Option<std::ops::Range<usize>> {
    let first = shown.iter().zip(next).position(|(a, b)| a != b)?;
    let last = shown.iter().zip(next).rposition(|(a, b)| a != b)?;
    // The diff's step over an equal cell: its width (no cell here is marked to be skipped
    // or carries another diff option).
    let step = |cell: &Cell| usize::from(cell.cell_width()).max(1);
    let (mut at, mut start) = (0, 0);
    while at < first {
        start = at;
        at += step(&next[at]);
    }
    if at == first {
        start = first;
    }
    Some(start..(last + 1 + usize::from(REACH)).min(next.len()))
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
            .iter()
            .map(|(x, y, cell)| (*x, *y, cell.symbol().to_string()))
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
        let xs: Vec<u16> = canvas.updates().iter().map(|(x, ..)| *x).collect();
        assert_eq!(xs, [2, 4]);
    }
    /// Rows written over each other with narrow, wide and emoji characters in changing
    /// styles: what a damaged stretch sends is exactly what ratatui's diff of the whole
    /// row sends.
    #[test]
    fn a_stretch_sends_what_a_diff_of_the_whole_row_sends() {
        use ratatui::style::{Color, Modifier, Style};
        const PIECES: [&str; 8] = ["a", "bc", "测", "测x", " ", "❤\u{fe0f}", "\u{1f600}", "  "];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut random = |limit: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % limit as u64) as usize
        };
        // Reversed and underlined show on blanks, which makes the diff refresh the
        // cells after a wide character it replaces.
        let style = |pick: usize| match pick {
            0 => Style::new().add_modifier(Modifier::REVERSED),
            1 => Style::new().add_modifier(Modifier::UNDERLINED),
            n => Style::new().fg(Color::Indexed(n as u8)),
        };
        let area = Rect::new(0, 0, 24, 1);
        for _ in 0..20_000 {
            let mut canvas = Canvas::new(area);
            let mut row = Buffer::empty(area);
            for _ in 0..random(6) {
                let (x, piece) = (random(24) as u16, PIECES[random(PIECES.len())]);
                row.set_string(x, 0, piece, style(random(6)));
            }
            *canvas.buffer_mut() = row.clone();
            canvas.updates();
            let before = row.clone();
            for _ in 0..=random(3) {
                let (x, piece) = (random(24) as u16, PIECES[random(PIECES.len())]);
                row.set_string(x, 0, piece, style(random(6)));
            }
            *canvas.buffer_mut() = row.clone();
            canvas.damage_row(0, 0, 24);
            let sent: Vec<_> = canvas
                .updates()
                .iter()
                .map(|(x, _, c)| (*x, c.clone()))
                .collect();
            let whole: Vec<_> = before
                .diff(&row)
                .into_iter()
                .map(|(x, _, c)| (x, c.clone()))
                .collect();
            assert_eq!(sent, whole, "{before:?} -> {row:?}");
        }
    }
}
