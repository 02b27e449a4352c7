//! A pane's history as numbered lines of text: read out of the archive and the grid's
//! scrollback (see [`crate::pane::archive`]), searched, and cut into copied text.
//!
//! Lines are numbered by [`LineId`]: the count of lines that ever left the top of the
//! history plus the index in what is kept. A line keeps its number while new output
//! pushes it up, so marks made on it (a match, a selection) stay on it.

use unicode_width::UnicodeWidthChar as _;

use crate::pane::Emulator;

/// A line of a pane's history; see the module docs.
pub type LineId = u64;

/// Where a pane's view is: how its visible rows map to history lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Lines dropped off the top of the scrollback so far.
    pub dropped: u64,
    /// Lines kept in the scrollback.
    pub kept: usize,
    pub rows: u16,
    pub cols: u16,
    /// How far the view is scrolled back (0 = the live bottom).
    pub offset: usize,
}

impl View {
    pub fn of(emulator: &Emulator) -> View {
        let (rows, cols) = emulator.size();
        View {
            dropped: emulator.lines_dropped(),
            kept: emulator.history_len(),
            rows,
            cols,
            offset: emulator.view_offset(),
        }
    }

    /// The oldest line there is.
    pub fn first(&self) -> LineId {
        self.dropped
    }

    /// The live screen's bottom row.
    pub fn last(&self) -> LineId {
        self.dropped + self.kept as u64 + u64::from(self.rows.max(1)) - 1
    }

    /// The line at the top of the view.
    pub fn top(&self) -> LineId {
        self.dropped + (self.kept - self.offset.min(self.kept)) as u64
    }

    /// The visible row showing `line`, if it is in view.
    pub fn row_of(&self, line: LineId) -> Option<u16> {
        let row = line.checked_sub(self.top())?;
        (row < u64::from(self.rows)).then_some(row as u16)
    }

    /// The line shown on visible row `row`.
    pub fn line_at(&self, row: u16) -> LineId {
        self.top() + u64::from(row)
    }

    /// The scroll offset that puts `line` on row `row` (as near as the history allows).
    pub fn offset_for(&self, line: LineId, row: u16) -> usize {
        let top = line.saturating_sub(u64::from(row));
        let from_bottom = (self.dropped + self.kept as u64).saturating_sub(top);
        (from_bottom as usize).min(self.kept)
    }

    /// The offset that brings `line` into view, moving as little as possible; the current
    /// offset when it is in view already.
    pub fn offset_showing(&self, line: LineId) -> usize {
        let top = self.top();
        if line < top {
            self.offset_for(line, 0)
        } else if line >= top + u64::from(self.rows) {
            self.offset_for(line, self.rows.saturating_sub(1))
        } else {
            self.offset
        }
    }
}

/// The text of a pane's whole history at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The number of `lines[0]`.
    pub first: LineId,
    pub lines: Vec<String>,
    /// Whether each line continues on the next (the child's text wrapped there).
    pub wrapped: Vec<bool>,
}

impl History {
    /// Reads every line: the archive's, then the grid's history, oldest first, then
    /// the screen.
    pub fn read(emulator: &Emulator) -> History {
        let (lines, wrapped) = emulator.all_lines().into_iter().unzip();
        History {
            first: emulator.lines_dropped(),
            lines,
            wrapped,
        }
    }

    pub fn line(&self, id: LineId) -> Option<&str> {
        let index = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.lines.get(index).map(String::as_str)
    }

    /// The text from `from` to `to` (inclusive cells, either order). `whole_lines` takes
    /// complete lines. Trailing blanks go; a line the child wrapped joins the next one.
    pub fn text_between(
        &self,
        from: (LineId, u16),
        to: (LineId, u16),
        whole_lines: bool,
    ) -> String {
        let (start, end) = if from <= to { (from, to) } else { (to, from) };
        let mut out = String::new();
        for id in start.0..=end.0 {
            let Some(line) = self.line(id) else { continue };
            let first_col = if whole_lines || id != start.0 {
                0
            } else {
                start.1
            };
            let last_col = if whole_lines || id != end.0 {
                u16::MAX
            } else {
                end.1
            };
            let part: String = with_columns(line)
                .filter(|(_, col, _)| (first_col..=last_col).contains(col))
                .map(|(_, _, c)| c)
                .collect();
            let index = (id - self.first) as usize;
            let wrapped = self.wrapped.get(index).copied().unwrap_or(false);
            if id == end.0 {
                out.push_str(part.trim_end());
            } else if wrapped && !whole_lines {
                out.push_str(&part);
            } else {
                out.push_str(part.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

/// One search hit: cells `start..end` of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    pub line: LineId,
    pub start: u16,
    pub end: u16,
}

/// Every place `query` occurs, oldest first. Case-insensitive unless the query has a
/// capital letter (smart case, as in vim and less).
pub fn search(history: &History, query: &str) -> Vec<Match> {
    if query.is_empty() {
        return Vec::new();
    }
    let exact = query.chars().any(char::is_uppercase);
    let mut out = Vec::new();
    for (index, line) in history.lines.iter().enumerate() {
        let id = history.first + index as u64;
        if query.is_ascii() && line.is_ascii() {
            // The fast path: bytes are cells.
            let (hay, needle) = if exact {
                (line.clone(), query.to_string())
            } else {
                (line.to_ascii_lowercase(), query.to_ascii_lowercase())
            };
            let mut from = 0;
            while let Some(at) = hay[from..].find(&needle) {
                let start = from + at;
                out.push(Match {
                    line: id,
                    start: start as u16,
                    end: (start + needle.len()) as u16,
                });
                from = start + needle.len().max(1);
            }
        } else {
            out.extend(
                search_wide(line, query, exact)
                    .into_iter()
                    .map(|(s, e)| Match {
                        line: id,
                        start: s,
                        end: e,
                    }),
            );
        }
    }
    out
}

/// Search over characters with their cells, for lines with wide or combining text.
fn search_wide(line: &str, query: &str, exact: bool) -> Vec<(u16, u16)> {
    let fold = |c: char| -> Vec<char> {
        if exact {
            vec![c]
        } else {
            c.to_lowercase().collect()
        }
    };
    let hay: Vec<(char, u16, u16)> = with_columns(line)
        .flat_map(|(width, col, c)| fold(c).into_iter().map(move |f| (f, col, width)))
        .collect();
    let needle: Vec<char> = query.chars().flat_map(fold).collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()]
            .iter()
            .zip(&needle)
            .all(|((h, _, _), n)| h == n)
        {
            let last = hay[i + needle.len() - 1];
            out.push((hay[i].1, last.1 + last.2.max(1)));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Each character of a line as the emulator wrote it, with its width and the cell it
/// starts in. Combining characters, and an emoji a ZWJ joins to the one before, have
/// width 0 and share the cell of the character before them.
pub fn with_columns(line: &str) -> impl Iterator<Item = (u16, u16, char)> + '_ {
    let mut col = 0u16;
    let mut last = 0u16;
    let mut joined = false;
    line.chars().map(move |c| {
        let width = if std::mem::replace(&mut joined, c == '\u{200d}') {
            0
        } else {
            c.width().unwrap_or(0) as u16
        };
        if width == 0 {
            return (0, last, c);
        }
        last = col;
        col = col.saturating_add(width);
        (width, last, c)
    })
}

/// The cell after the last non-blank character of a line (0 for a blank line).
pub fn text_end(line: &str) -> u16 {
    with_columns(line)
        .filter(|(_, _, c)| !c.is_whitespace())
        .map(|(w, col, _)| col + w.max(1))
        .last()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10x30 with `lines` numbered lines printed: 5 rows of history kept by the grid and
    /// the rest by the archive.
    fn numbered(lines: usize) -> Emulator {
        let mut emulator = crate::pane::new_emulator(10, 30, 10_005);
        for i in 1..=lines {
            emulator.process(format!("line {i}\r\n").as_bytes());
        }
        emulator
    }

    #[test]
    fn history_reads_archive_scrollback_then_screen_and_leaves_the_view_alone() {
        let mut emulator = numbered(50);
        emulator.set_view_offset(7);
        let history = History::read(&emulator);
        assert_eq!(history.lines.len(), 41 + 10);
        assert_eq!(history.lines[0], "line 1");
        assert_eq!(history.lines[35], "line 36", "the archive's last");
        assert_eq!(history.lines[36], "line 37", "the grid's first");
        assert_eq!(history.lines[49], "line 50");
        assert_eq!(history.lines[50], "");
        assert_eq!(emulator.view_offset(), 7);
    }

    #[test]
    fn view_maps_rows_to_lines() {
        let mut emulator = crate::pane::new_emulator(10, 30, 41);
        for i in 1..=150 {
            emulator.process(format!("line {i}\r\n").as_bytes());
        }
        let view = View::of(&emulator);
        assert_eq!((view.first(), view.top(), view.last()), (100, 141, 150));
        emulator.set_view_offset(20);
        let view = View::of(&emulator);
        assert_eq!(view.top(), 121);
        assert_eq!(view.row_of(125), Some(4));
        assert_eq!(view.row_of(131), None);
        assert_eq!(view.offset_for(105, 0), 36);
        assert_eq!(view.offset_showing(125), 20);
        assert_eq!(view.offset_showing(145), 5);
    }

    #[test]
    fn search_is_smart_case_and_finds_every_hit() {
        let history = History {
            first: 10,
            lines: vec!["Error error".into(), "no".into(), "ERROR".into()],
            wrapped: vec![false; 3],
        };
        let hits = search(&history, "error");
        assert_eq!(
            hits,
            [
                Match {
                    line: 10,
                    start: 0,
                    end: 5
                },
                Match {
                    line: 10,
                    start: 6,
                    end: 11
                },
                Match {
                    line: 12,
                    start: 0,
                    end: 5
                },
            ]
        );
        assert_eq!(search(&history, "Error").len(), 1);
        assert!(search(&history, "").is_empty());
    }

    #[test]
    fn search_counts_cells_not_bytes() {
        let history = History {
            first: 0,
            lines: vec!["测试 Straße ok".into()],
            wrapped: vec![false],
        };
        assert_eq!(
            search(&history, "ok")[0],
            Match {
                line: 0,
                start: 12,
                end: 14
            }
        );
        assert_eq!(
            search(&history, "试")[0],
            Match {
                line: 0,
                start: 2,
                end: 4
            }
        );
        assert_eq!(search(&history, "STRASSE").len(), 0, "exact case");
        assert_eq!(search(&history, "straße")[0].start, 5);
    }

    #[test]
    fn text_between_cuts_cells_and_joins_wrapped_lines() {
        let history = History {
            first: 0,
            lines: vec![
                "hello world   ".into(),
                "wrapped par".into(),
                "t two".into(),
            ],
            wrapped: vec![false, true, false],
        };
        assert_eq!(history.text_between((0, 6), (0, 10), false), "world");
        assert_eq!(
            history.text_between((2, 0), (0, 6), false),
            "world\nwrapped part"
        );
        assert_eq!(
            history.text_between((1, 3), (0, 8), true),
            "hello world\nwrapped par"
        );
        assert_eq!(text_end("ab  "), 2);
    }
}
