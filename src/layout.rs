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

/// The rectangles of `count` panes in `area`, in pane order.
pub fn tile(area: Rect, count: usize, kind: LayoutKind) -> Vec<Rect> {
    match count {
        0 => Vec::new(),
        1 => vec![area],
        _ => match kind {
            LayoutKind::SideBySide => columns(area, count),
            LayoutKind::Stacked => rows(area, count),
            LayoutKind::Grid => grid(area, count),
            LayoutKind::MainLeft => {
                let [main, rest] = halves_horizontal(area);
                let mut rects = vec![main];
                rects.extend(rows(rest, count - 1));
                rects
            }
        },
    }
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

fn grid(area: Rect, count: usize) -> Vec<Rect> {
    let cols = (count as f64).sqrt().ceil() as usize;
    let row_count = count.div_ceil(cols);
    let mut rects = Vec::with_capacity(count);
    for (index, row) in rows(area, row_count).into_iter().enumerate() {
        let in_row = cols.min(count - index * cols);
        rects.extend(columns(row, in_row));
    }
    rects
}

fn halves_horizontal(area: Rect) -> [Rect; 2] {
    let spans = spans(area.width, 2);
    [
        Rect {
            x: area.x + spans[0].0,
            width: spans[0].1,
            ..area
        },
        Rect {
            x: area.x + spans[1].0,
            width: spans[1].1,
            ..area
        },
    ]
}

fn columns(area: Rect, count: usize) -> Vec<Rect> {
    spans(area.width, count)
        .into_iter()
        .map(|(offset, len)| Rect {
            x: area.x + offset,
            width: len,
            ..area
        })
        .collect()
}

fn rows(area: Rect, count: usize) -> Vec<Rect> {
    spans(area.height, count)
        .into_iter()
        .map(|(offset, len)| Rect {
            y: area.y + offset,
            height: len,
            ..area
        })
        .collect()
}

/// Splits `total` cells into `count` runs that differ by at most one cell; the first
/// runs take the remainder.
fn spans(total: u16, count: usize) -> Vec<(u16, u16)> {
    let count = count.max(1) as u16;
    let (base, extra) = (total / count, total % count);
    let mut offset = 0;
    (0..count)
        .map(|i| {
            let len = base + u16::from(i < extra);
            let span = (offset, len);
            offset += len;
            span
        })
        .collect()
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
