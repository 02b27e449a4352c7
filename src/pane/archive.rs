//! A pane's older history, kept small.
//!
//! vt100 holds each history row as 32-byte cells: 10,000 lines of 75 columns take 24 MB
//! that way. So vt100 keeps only the newest [`RECENT_ROWS`] rows of history itself
//! (what a taller screen pulls back, which vt100 does from its own rows), and the rows
//! that leave it arrive here through `on_scroll`. They are kept as vt100's "basic
//! formatted" text: the characters, with an SGR sequence where the colours change,
//! about a hundred bytes a line.
//!
//! The whole history is the archive's rows, oldest first, then vt100's. [`HistoryView`]
//! gives the app one view offset over both.

use std::collections::VecDeque;

use vt100::capture::{BasicFormattedCaptureState, RowContents};

use super::Emulator;

/// History rows vt100 keeps as cells: enough for a screen that grows by this much at
/// once to pull its rows back, as terminals do.
pub const RECENT_ROWS: usize = 128;

/// How a history of `lines` is shared: (rows vt100 keeps, rows the archive keeps).
pub fn split(lines: usize) -> (usize, usize) {
    let recent = lines.min(RECENT_ROWS);
    (recent, lines - recent)
}

/// The rows that left vt100's history; see the module docs.
#[derive(Debug, Default)]
pub struct Archive {
    rows: VecDeque<ArchivedRow>,
    capacity: usize,
    /// Rows that fell off the top (or were erased) so far: what numbers history lines
    /// (see [`crate::scrollback::LineId`]).
    dropped: u64,
    /// How many of its rows the view reaches into, past all of vt100's history.
    reach: usize,
    scratch: String,
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

    /// Takes a row that left vt100's history (or its screen, when vt100 keeps none).
    pub fn push(&mut self, row: &RowContents<'_>) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        self.scratch.clear();
        // Each row starts from the default colours, so any row can be shown alone.
        let mut state = BasicFormattedCaptureState::new();
        // Writing to a String cannot fail.
        let _ = row.write_formatted_basic(&mut self.scratch, &mut state);
        let wrapped = !starts_new_line(row, &mut state);
        if self.rows.len() == self.capacity {
            self.rows.pop_front();
            self.dropped += 1;
        }
        self.rows.push_back(ArchivedRow {
            formatted: self.scratch.as_str().into(),
            wrapped,
        });
        if self.reach > 0 {
            // The view stays on the lines it shows, as vt100's own does.
            self.reach = (self.reach + 1).min(self.rows.len());
        }
    }

    /// The child erased the history (ED 3): every row here goes.
    pub fn erase(&mut self) {
        self.dropped += self.rows.len() as u64;
        self.rows.clear();
        self.reach = 0;
    }

    /// Counts `lines` that were never pushed as dropped: a flood's stretch left out
    /// because it would have fallen off the top anyway (see [`super::flood`]).
    pub fn count_dropped(&mut self, lines: u64) {
        self.dropped += lines;
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
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
        self.rows.get(index).map_or("", |row| {
            vt100::capture::basic_formatted_rows(&row.formatted, cols)
                .next()
                .unwrap_or("")
        })
    }

    /// Row `index` as plain text, cut to `cols` cells (as vt100's `Screen::rows` gives
    /// its own rows).
    pub fn text(&self, index: usize, cols: u16) -> String {
        vt100::capture::basic_formatted_to_plain(self.formatted(index, cols)).collect()
    }

    pub fn wrapped(&self, index: usize) -> bool {
        self.rows.get(index).is_some_and(|row| row.wrapped)
    }
}

/// vt100 does not say whether a row wrapped, but writing the row again after itself
/// starts with a newline exactly when it did not. The probe stops at that first write.
fn starts_new_line(row: &RowContents<'_>, state: &mut BasicFormattedCaptureState) -> bool {
    struct FirstChar(Option<char>);
    impl std::fmt::Write for FirstChar {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            match text.chars().next() {
                None => Ok(()),
                first => {
                    self.0 = first;
                    Err(std::fmt::Error)
                }
            }
        }
    }
    let mut probe = FirstChar(None);
    let _ = row.write_formatted_basic(&mut probe, state);
    probe.0 == Some('\n')
}

/// One view offset over the whole history, the archive's rows and vt100's together. On
/// the alternate screen only vt100's (empty) history counts, as the archive belongs to
/// the main screen.
pub trait HistoryView {
    /// Rows of history behind the live screen.
    fn history_len(&self) -> usize;
    /// How far back the view is (0 = the live screen).
    fn view_offset(&self) -> usize;
    /// Moves the view `offset` rows back, as far as the history goes.
    fn set_view_offset(&mut self, offset: usize);
    /// How many rows at the top of the view come from the archive.
    fn archive_rows_in_view(&self) -> usize;
    /// Lines gone from the history for good, for numbering the rest.
    fn lines_dropped(&self) -> u64;
    /// Plain text of visible row `row`, `cols` cells at most.
    fn view_row_text(&self, row: u16) -> Option<String>;
}

impl HistoryView for Emulator {
    fn history_len(&self) -> usize {
        let screen = self.screen();
        if screen.alternate_screen() {
            return screen.scrollback_len();
        }
        self.callbacks().archive.len() + screen.scrollback_len()
    }

    fn view_offset(&self) -> usize {
        self.screen().scrollback() + self.archive_rows_in_view()
    }

    fn set_view_offset(&mut self, offset: usize) {
        let (screen, callbacks) = self.screen_and_callbacks_mut();
        let recent = screen.scrollback_len();
        screen.set_scrollback(offset.min(recent));
        callbacks.archive.reach = if screen.alternate_screen() {
            0
        } else {
            offset.saturating_sub(recent).min(callbacks.archive.len())
        };
    }

    fn archive_rows_in_view(&self) -> usize {
        let screen = self.screen();
        // vt100 moves its own view back to the live screen by itself (on a resize);
        // the reach counts only while that view is at the top of vt100's history.
        let at_top = screen.scrollback() == screen.scrollback_len();
        if screen.alternate_screen() || !at_top {
            return 0;
        }
        self.callbacks().archive.reach
    }

    fn lines_dropped(&self) -> u64 {
        self.callbacks().archive.dropped
    }

    fn view_row_text(&self, row: u16) -> Option<String> {
        let screen = self.screen();
        let (rows, cols) = screen.size();
        if row >= rows.get() {
            return None;
        }
        let archive = &self.callbacks().archive;
        let reach = self.archive_rows_in_view();
        match usize::from(row).checked_sub(reach) {
            Some(screen_row) => screen.rows(0, cols.get()).nth(screen_row),
            None => Some(archive.text(archive.len() - reach + usize::from(row), cols.get())),
        }
    }
}

/// Starts the view over afresh after vt100 did (it returns to the live screen when
/// resized).
pub fn forget_reach(emulator: &mut Emulator) {
    emulator.callbacks_mut().archive.reach = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pane::new_emulator_split;

    fn numbered(lines: usize, recent: usize, archived: usize) -> Emulator {
        let mut emulator = new_emulator_split(4, 20, recent, archived);
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
    fn rows_leaving_vt100s_history_are_archived_in_order_and_numbered() {
        // 30 lines and the cursor's blank one: 3 on screen above it, 5 in vt100's
        // history, 10 in the archive, 12 dropped.
        let emulator = numbered(30, 5, 10);
        let archive = &emulator.callbacks().archive;
        assert_eq!(archive.len(), 10);
        assert_eq!(archive.dropped(), 12);
        assert_eq!(archive.text(0, 20), "line 13");
        assert_eq!(archive.text(9, 20), "line 22");
        assert_eq!(emulator.history_len(), 15);
        assert_eq!(emulator.lines_dropped(), 12);
    }

    #[test]
    fn the_view_moves_from_vt100s_history_into_the_archive_and_back() {
        let mut emulator = numbered(30, 5, 10);
        emulator.set_view_offset(5);
        assert_eq!(emulator.archive_rows_in_view(), 0);
        assert_eq!(
            view_text(&emulator),
            ["line 23", "line 24", "line 25", "line 26"]
        );
        emulator.set_view_offset(7);
        assert_eq!(emulator.view_offset(), 7);
        assert_eq!(emulator.archive_rows_in_view(), 2);
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
        let mut emulator = new_emulator_split(3, 10, 1, 10);
        emulator.process(b"\x1b[31mred\x1b[m plain\r\n0123456789abc\r\n");
        emulator.process(b"\r\n\r\n\r\n\r\n");
        let archive = &emulator.callbacks().archive;
        assert_eq!(archive.formatted(0, 10), "\x1b[31mred\x1b[m plain");
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
        crate::pane::flood::process(&mut emulator, b"\x1b[3J");
        assert_eq!(emulator.history_len(), 0);
        // 12 already dropped, 10 archived and 5 of vt100's.
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
}
