//! Where each pane goes. Pure arithmetic over a `Rect`: every layout tiles the area
//! exactly, with no gap and no overlap, whatever the pane count and size.

use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LayoutKind {
    /// Panes in columns, left to right.
    SideBySide,
    /// Panes in rows, top to bottom.
    Stacked,
    /// Rows of columns, as square as the count allows.
    Grid,
    /// The first pane large on the left, the others stacked on the right.
    MainLeft,
}

impl LayoutKind {
    /// What a rally of `panes` panes starts with when nobody chose.
    pub fn default_for(panes: usize) -> LayoutKind {
        if panes <= 2 {
            LayoutKind::SideBySide
        } else {
            LayoutKind::Grid
        }
    }

    /// The next layout in the cycle (`ctrl-] space`).
    pub fn next(self) -> LayoutKind {
        match self {
            LayoutKind::SideBySide => LayoutKind::Stacked,
            LayoutKind::Stacked => LayoutKind::Grid,
            LayoutKind::Grid => LayoutKind::MainLeft,
            LayoutKind::MainLeft => LayoutKind::SideBySide,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LayoutKind::SideBySide => "side-by-side",
            LayoutKind::Stacked => "stacked",
            LayoutKind::Grid => "grid",
            LayoutKind::MainLeft => "main-left",
        }
    }
}

/// The rectangles of `count` panes in `area`, in pane order, with even splits.
pub fn tile(area: Rect, count: usize, kind: LayoutKind) -> Vec<Rect> {
    tile_split(area, count, kind, &Splits::default())
}

/// The rectangles of `count` panes in `area`, in pane order, with the dividers where
/// `splits` puts them. Whatever `splits` says, the rects tile `area` exactly.
pub fn tile_split(area: Rect, count: usize, kind: LayoutKind, splits: &Splits) -> Vec<Rect> {
    let (col_cuts, row_cuts) = shape(kind, count);
    let cols = splits.for_count(Axis::Columns, col_cuts);
    let rows = splits.for_count(Axis::Rows, row_cuts);
    match count {
        0 => Vec::new(),
        1 => vec![area],
        _ => match kind {
            LayoutKind::SideBySide => columns(area, count, cols),
            LayoutKind::Stacked => rows_of(area, count, rows),
            LayoutKind::Grid => grid(area, count, cols, rows),
            LayoutKind::MainLeft => {
                let [main, rest] = <[Rect; 2]>::try_from(columns(area, 2, cols))
                    .unwrap_or([area, Rect::default()]);
                let mut rects = vec![main];
                rects.extend(rows_of(rest, count - 1, rows));
                rects
            }
        },
    }
}

/// Which way a divider runs between panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// A vertical line between two columns; it moves left and right.
    Columns,
    /// A horizontal line between two rows; it moves up and down.
    Rows,
}

/// Where the person moved the dividers: each cut as a fraction of the span it divides,
/// in ten-thousandths. A list that does not fit the layout (empty, or made for another
/// pane count) means even splits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Splits {
    cols: Vec<u16>,
    rows: Vec<u16>,
}

/// A fraction's denominator in [`Splits`].
const WHOLE: u32 = 10_000;
/// The smallest span a divider may leave a pane: its border and one cell of content.
const MIN_SPAN: u16 = 3;

impl Splits {
    fn for_count(&self, axis: Axis, cuts: usize) -> Option<&[u16]> {
        let list = match axis {
            Axis::Columns => &self.cols,
            Axis::Rows => &self.rows,
        };
        (list.len() == cuts && cuts > 0).then_some(list.as_slice())
    }

    /// Moves `divider` so that it sits at cell `at` (an absolute coordinate along its
    /// axis). Dividers not yet moved are first pinned where they are now.
    pub fn move_divider(&mut self, divider: &Divider, at: u16) {
        let (col_cuts, row_cuts) = shape(divider.kind, divider.count);
        let (list, cuts) = match divider.axis {
            Axis::Columns => (&mut self.cols, col_cuts),
            Axis::Rows => (&mut self.rows, row_cuts),
        };
        if list.len() != cuts {
            *list = (1..=cuts)
                .map(|i| (WHOLE * i as u32 / (cuts as u32 + 1)) as u16)
                .collect();
        }
        let (start, len) = divider.extent;
        if let Some(slot) = list.get_mut(divider.index)
            && len > 0
        {
            let offset = u32::from(at.saturating_sub(start).min(len));
            *slot = ((offset * WHOLE + u32::from(len) / 2) / u32::from(len)) as u16;
        }
    }
}

/// A line between panes that the mouse can drag or `H`/`J`/`K`/`L` can move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Divider {
    pub axis: Axis,
    /// Which cut of its axis in the layout's [`Splits`].
    pub index: usize,
    /// The first cell after the divider along its axis: the left (top) pane ends just
    /// before it and the right (bottom) pane starts here.
    pub at: u16,
    /// The cells it runs along, across its axis: (start, length).
    pub along: (u16, u16),
    /// The span it divides along its axis: (start, length).
    pub extent: (u16, u16),
    kind: LayoutKind,
    count: usize,
}

impl Divider {
    /// Whether `(x, y)` is on one of the two border lines this divider is drawn as.
    pub fn hit(&self, x: u16, y: u16) -> bool {
        let (along, across) = match self.axis {
            Axis::Columns => (y, x),
            Axis::Rows => (x, y),
        };
        (across + 1 == self.at || across == self.at)
            && along >= self.along.0
            && along < self.along.0.saturating_add(self.along.1)
    }
}

/// Every divider of the layout, as [`tile_split`] places the panes.
pub fn dividers(area: Rect, count: usize, kind: LayoutKind, splits: &Splits) -> Vec<Divider> {
    let rects = tile_split(area, count, kind, splits);
    let mut out = Vec::new();
    let mut push = |axis, index, at, along, extent| {
        out.push(Divider {
            axis,
            index,
            at,
            along,
            extent,
            kind,
            count,
        });
    };
    let h = (area.x, area.width);
    let v = (area.y, area.height);
    match (kind, count) {
        (_, 0 | 1) => {}
        (LayoutKind::SideBySide, _) => {
            for (i, r) in rects.iter().skip(1).enumerate() {
                push(Axis::Columns, i, r.x, v, h);
            }
        }
        (LayoutKind::Stacked, _) => {
            for (i, r) in rects.iter().skip(1).enumerate() {
                push(Axis::Rows, i, r.y, h, v);
            }
        }
        (LayoutKind::Grid, _) => {
            let (cols, _) = grid_shape(count);
            for (i, r) in rects.iter().enumerate() {
                let (row, col) = (i / cols, i % cols);
                let full_row = (row + 1) * cols <= count;
                if col > 0 && full_row {
                    push(Axis::Columns, col - 1, r.x, (r.y, r.height), h);
                }
                if col == 0 && row > 0 {
                    push(Axis::Rows, row - 1, r.y, h, v);
                }
            }
        }
        (LayoutKind::MainLeft, _) => {
            let rest = rects[1];
            push(Axis::Columns, 0, rest.x, v, h);
            for (i, r) in rects.iter().skip(2).enumerate() {
                push(Axis::Rows, i, r.y, (rest.x, rest.width), v);
            }
        }
    }
    out
}

/// How many column cuts and row cuts a layout of `count` panes has.
fn shape(kind: LayoutKind, count: usize) -> (usize, usize) {
    let n = count.saturating_sub(1);
    match (kind, count) {
        (_, 0 | 1) => (0, 0),
        (LayoutKind::SideBySide, _) => (n, 0),
        (LayoutKind::Stacked, _) => (0, n),
        (LayoutKind::Grid, _) => {
            let (cols, rows) = grid_shape(count);
            (cols - 1, rows - 1)
        }
        (LayoutKind::MainLeft, _) => (1, count - 2),
    }
}

/// Columns and rows of a grid of `count` panes: as square as the count allows.
fn grid_shape(count: usize) -> (usize, usize) {
    let cols = (count as f64).sqrt().ceil() as usize;
    (cols.max(1), count.div_ceil(cols.max(1)))
}

/// The four one-cell edges of `rect` (top, bottom, left, right), where its border is.
pub fn edges(rect: Rect) -> [Rect; 4] {
    let (right, bottom) = (
        rect.right().saturating_sub(1),
        rect.bottom().saturating_sub(1),
    );
    [
        Rect {
            height: rect.height.min(1),
            ..rect
        },
        Rect {
            y: bottom,
            height: rect.height.min(1),
            ..rect
        },
        Rect {
            width: rect.width.min(1),
            ..rect
        },
        Rect {
            x: right,
            width: rect.width.min(1),
            ..rect
        },
    ]
}

/// The area inside a one-cell border, as the child's PTY sees it.
pub fn inner(rect: Rect) -> Rect {
    Rect {
        x: rect.x.saturating_add(1),
        y: rect.y.saturating_add(1),
        width: rect.width.saturating_sub(2),
        height: rect.height.saturating_sub(2),
    }
}

/// Full rows share the column cuts; a short last row is split evenly across the width.
fn grid(area: Rect, count: usize, cols: Option<&[u16]>, rows: Option<&[u16]>) -> Vec<Rect> {
    let (per_row, row_count) = grid_shape(count);
    let mut rects = Vec::with_capacity(count);
    for (index, row) in rows_of(area, row_count, rows).into_iter().enumerate() {
        let in_row = per_row.min(count - index * per_row);
        let cuts = cols.filter(|_| in_row == per_row);
        rects.extend(columns(row, in_row, cuts));
    }
    rects
}

fn columns(area: Rect, count: usize, cuts: Option<&[u16]>) -> Vec<Rect> {
    spans(area.width, count, cuts)
        .into_iter()
        .map(|(offset, len)| Rect {
            x: area.x + offset,
            width: len,
            ..area
        })
        .collect()
}

fn rows_of(area: Rect, count: usize, cuts: Option<&[u16]>) -> Vec<Rect> {
    spans(area.height, count, cuts)
        .into_iter()
        .map(|(offset, len)| Rect {
            y: area.y + offset,
            height: len,
            ..area
        })
        .collect()
}

/// Splits `total` cells into `count` consecutive runs. Without cuts the runs differ by
/// at most one cell (the first ones take the remainder); with cuts (fractions of
/// [`WHOLE`]) each boundary goes near its fraction, moved only as far as needed to
/// leave every run [`MIN_SPAN`] cells (or an even share when the total is too small).
fn spans(total: u16, count: usize, cuts: Option<&[u16]>) -> Vec<(u16, u16)> {
    let count = count.max(1);
    let Some(cuts) = cuts.filter(|c| c.len() + 1 == count) else {
        let n = count as u16;
        let (base, extra) = (total / n, total % n);
        let mut offset = 0;
        return (0..n)
            .map(|i| {
                let len = base + u16::from(i < extra);
                let span = (offset, len);
                offset += len;
                span
            })
            .collect();
    };
    let min = MIN_SPAN.min(total / count as u16);
    let mut out = Vec::with_capacity(count);
    let mut start = 0u16;
    for (i, &cut) in cuts.iter().enumerate() {
        let want = ((u32::from(total) * u32::from(cut) + WHOLE / 2) / WHOLE) as u16;
        let after = (count - 1 - i) as u16;
        let end = want.clamp(start + min, total - after * min);
        out.push((start, end - start));
        start = end;
    }
    out.push((start, total - start));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [LayoutKind; 4] = [
        LayoutKind::SideBySide,
        LayoutKind::Stacked,
        LayoutKind::Grid,
        LayoutKind::MainLeft,
    ];

    /// Every cell of `area` is covered by exactly one rect.
    #[track_caller]
    fn assert_tiles(area: Rect, rects: &[Rect]) {
        let mut covered = vec![0u8; usize::from(area.width) * usize::from(area.height)];
        for rect in rects {
            assert!(
                area.contains(rect.as_position()) || rect.area() == 0,
                "{rect:?} outside"
            );
            for y in rect.top()..rect.bottom() {
                for x in rect.left()..rect.right() {
                    let index =
                        usize::from(y - area.y) * usize::from(area.width) + usize::from(x - area.x);
                    covered[index] += 1;
                }
            }
        }
        assert!(
            covered.iter().all(|&c| c == 1),
            "gap or overlap in {rects:?} of {area:?}"
        );
    }

    #[test]
    fn every_layout_tiles_exactly_for_one_to_nine_panes() {
        for kind in KINDS {
            for count in 1..=9 {
                for (width, height) in [(20, 6), (21, 7), (80, 24), (160, 45), (200, 49)] {
                    let area = Rect::new(3, 1, width, height);
                    let rects = tile(area, count, kind);
                    assert_eq!(rects.len(), count, "{kind:?} {count}");
                    assert_tiles(area, &rects);
                }
            }
        }
    }

    /// Moves every divider of the layout to `at(i)` and returns the splits.
    fn moved(area: Rect, count: usize, kind: LayoutKind, at: impl Fn(usize) -> u16) -> Splits {
        let mut splits = Splits::default();
        for (i, divider) in dividers(area, count, kind, &Splits::default())
            .iter()
            .enumerate()
        {
            splits.move_divider(divider, at(i));
        }
        splits
    }

    #[test]
    fn resized_splits_still_tile_exactly() {
        // Extremes, out of order, past the edges: the rects must tile all the same.
        let placements: [fn(usize) -> u16; 4] = [
            |_| 0,
            |_| u16::MAX,
            |i| if i % 2 == 0 { 150 } else { 2 },
            |i| 7 + 13 * i as u16,
        ];
        for kind in KINDS {
            for count in 1..=9 {
                for (width, height) in [(20, 6), (21, 7), (80, 24), (200, 49)] {
                    let area = Rect::new(3, 1, width, height);
                    for place in placements {
                        let splits = moved(area, count, kind, place);
                        let rects = tile_split(area, count, kind, &splits);
                        assert_eq!(rects.len(), count, "{kind:?} {count}");
                        assert_tiles(area, &rects);
                        if width >= 3 * count as u16 && height >= 3 * count as u16 {
                            assert!(
                                rects.iter().all(|r| r.width >= 3 && r.height >= 3),
                                "{kind:?} {count} {rects:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dragging_a_divider_moves_the_split() {
        let area = Rect::new(0, 0, 200, 49);
        let kind = LayoutKind::SideBySide;
        let divider = dividers(area, 2, kind, &Splits::default())[0];
        assert_eq!((divider.axis, divider.at), (Axis::Columns, 100));
        assert!(divider.hit(99, 10) && divider.hit(100, 48) && !divider.hit(98, 10));
        let mut splits = Splits::default();
        splits.move_divider(&divider, 60);
        let rects = tile_split(area, 2, kind, &splits);
        assert_eq!(rects, [Rect::new(0, 0, 60, 49), Rect::new(60, 0, 140, 49)]);
        // The split is a fraction: it follows the area when the terminal resizes.
        let rects = tile_split(Rect::new(0, 0, 100, 20), 2, kind, &splits);
        assert_eq!(rects[0].width, 30);
        // Other pane counts ignore it and split evenly.
        assert_eq!(tile_split(area, 3, kind, &splits), tile(area, 3, kind));
    }

    #[test]
    fn main_left_and_grid_have_both_kinds_of_divider() {
        let area = Rect::new(0, 0, 120, 40);
        let found = dividers(area, 3, LayoutKind::MainLeft, &Splits::default());
        let axes: Vec<_> = found.iter().map(|d| (d.axis, d.index, d.at)).collect();
        assert_eq!(axes, [(Axis::Columns, 0, 60), (Axis::Rows, 0, 20)]);
        let mut splits = Splits::default();
        splits.move_divider(&found[1], 30);
        let rects = tile_split(area, 3, LayoutKind::MainLeft, &splits);
        assert_eq!(rects[1], Rect::new(60, 0, 60, 30));
        let grid = dividers(area, 4, LayoutKind::Grid, &Splits::default());
        assert_eq!(
            grid.len(),
            3,
            "two column segments share one cut, plus one row cut"
        );
    }

    #[test]
    fn pty_sizes_match_inner_areas() {
        let area = Rect::new(0, 0, 200, 49);
        for kind in KINDS {
            let rects = tile(area, 2, kind);
            let inner: u32 = rects.iter().map(|r| inner(*r).area()).sum();
            let borders: u32 = rects
                .iter()
                .map(|r| 2 * u32::from(r.width + r.height) - 4)
                .sum();
            assert_eq!(inner + borders, area.area(), "{kind:?}");
        }
    }

    #[test]
    fn side_by_side_splits_columns_evenly() {
        let rects = tile(Rect::new(0, 0, 201, 49), 2, LayoutKind::SideBySide);
        assert_eq!(
            rects,
            vec![Rect::new(0, 0, 101, 49), Rect::new(101, 0, 100, 49)]
        );
        assert_eq!(inner(rects[1]), Rect::new(102, 1, 98, 47));
    }

    #[test]
    fn grid_is_as_square_as_possible() {
        let rects = tile(Rect::new(0, 0, 100, 40), 3, LayoutKind::Grid);
        assert_eq!(rects[0], Rect::new(0, 0, 50, 20));
        assert_eq!(
            rects[2],
            Rect::new(0, 20, 100, 20),
            "the short last row is stretched"
        );
    }

    #[test]
    fn defaults_and_cycle() {
        assert_eq!(LayoutKind::default_for(2), LayoutKind::SideBySide);
        assert_eq!(LayoutKind::default_for(3), LayoutKind::Grid);
        let mut kind = LayoutKind::SideBySide;
        for _ in 0..4 {
            kind = kind.next();
        }
        assert_eq!(kind, LayoutKind::SideBySide);
    }
}
