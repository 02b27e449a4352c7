//! Feeding a pane's output to vt100, minus what nobody could ever see.
//!
//! When a child prints more plain lines at once than the screen and its history hold
//! (`seq 1 2000000`, a log dumped with `cat`), the earlier lines scroll into history and
//! fall off its top before anyone looks. vt100 would still build each of those rows,
//! trim it into the scrollback and free it again, which is most of its time in such a
//! flood. Here a batch's long runs of plain text are found ([`find_skip`]) and, when the
//! screen is in a state where it is exact ([`try_skip`]), all but the lines that survive
//! are left out. Screen, history, cursor and the numbering of history lines end up just
//! as if every byte had been processed; `tests::skipping_changes_nothing_anyone_can_see`
//! holds vt100 to that.

use std::sync::Mutex;

use super::Emulator;

/// Bytes fed to vt100 per lock hold, so the UI can draw between slices of a flood.
const SLICE: usize = 16 * 1024;

/// A skip smaller than this is not worth the check.
const MIN_SKIP: usize = 16 * 1024;

/// Lines kept beyond the screen and the history, so that growing the screen later by up
/// to this many rows pulls the same (blank) rows back as it would have otherwise: vt100
/// counts every line that ever scrolled to decide where a taller screen's rows come from.
const GROWTH_MARGIN: usize = 1024;

/// A stretch of a batch that may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    /// Start of the stretch: just after a line feed.
    pub from: usize,
    /// End of the stretch: just after a `\r\n`.
    pub to: usize,
    /// Line feeds in the plain text that follows the stretch.
    pub lines_after: usize,
}

/// Text that prints as itself, and the two controls that move the cursor plainly.
fn is_plain(byte: u8) -> bool {
    matches!(byte, 0x20..=0x7e | b'\r' | b'\n')
}

/// How many lines a screen must see scroll by before everything on it and in its history
/// (vt100's and the archive's) has been pushed out.
pub fn lines_to_forget(emulator: &Emulator) -> usize {
    let screen = emulator.screen();
    usize::from(screen.size().0.get())
        + screen.scrollback_capacity()
        + emulator.callbacks().archive.capacity()
        + GROWTH_MARGIN
}

/// The first stretch at or after `from` in `batch` that is plain text followed by at
/// least `keep` more line feeds of plain text, so that everything it prints is gone once
/// they have scrolled by. Only looks at bytes; [`try_skip`] decides against the screen.
pub fn find_skip(batch: &[u8], from: usize, keep: usize) -> Option<Skip> {
    // Each kept line is at least "\r\n".
    let worth_a_look = 2 * keep + MIN_SKIP;
    let mut start = from;
    while batch.len().saturating_sub(start) >= worth_a_look {
        let run_start = start + batch[start..].iter().position(|&b| is_plain(b))?;
        let run_end = batch[run_start..]
            .iter()
            .position(|&b| !is_plain(b))
            .map_or(batch.len(), |len| run_start + len);
        start = run_end;
        if run_end - run_start < worth_a_look {
            continue;
        }
        if let Some(skip) = skip_in_run(&batch[run_start..run_end], keep) {
            return Some(Skip {
                from: run_start + skip.from,
                to: run_start + skip.to,
                lines_after: skip.lines_after,
            });
        }
    }
    None
}

/// [`find_skip`] within one run of plain text.
fn skip_in_run(run: &[u8], keep: usize) -> Option<Skip> {
    // The run's first line is processed as usual: it ends whatever came before (a
    // half-received UTF-8 character, say), so the skip starts on a fresh line.
    let from = memchr::memchr(b'\n', run)? + 1;
    let newlines_from_the_end = memchr::memrchr_iter(b'\n', &run[from..]).map(|at| from + at);
    for (lines_after, newline) in newlines_from_the_end.enumerate() {
        let to = newline + 1;
        // Enough lines follow, and this one ended with "\r\n", which leaves the cursor
        // in the first column of a fresh bottom row: the state the skip recreates.
        if lines_after >= keep && newline > from && run[newline - 1] == b'\r' {
            if to - from < MIN_SKIP {
                return None;
            }
            // vt100 remembers the last printed character (for REP); what follows must
            // print one, or the skipped text's last one would be remembered.
            let prints = run[to..].iter().any(|&b| b != b'\r' && b != b'\n');
            return prints.then_some(Skip {
                from,
                to,
                lines_after,
            });
        }
    }
    None
}

/// How many times `plain` text scrolls a screen `cols` wide when printed from column
/// `col` of its bottom row: once per line feed and once per wrap, as vt100 does it.
pub fn scrolls(plain: &[u8], mut col: u16, cols: u16) -> u64 {
    let mut scrolls = 0;
    for &byte in plain {
        match byte {
            b'\r' => col = 0,
            b'\n' => scrolls += 1,
            _ => {
                if col >= cols {
                    scrolls += 1;
                    col = 0;
                }
                col += 1;
            }
        }
    }
    scrolls
}

/// Leaves `skip` out of `batch` if that is exact here: the parser is between sequences
/// and the main screen is in use with no scroll region, so each line feed from now on
/// moves the cursor down or scrolls the whole screen into history, and the lines after
/// the stretch push out everything before them. The stretch is then replaced by one
/// `\r\n`, and the history's line count moved on by what the stretch would have scrolled.
/// (Where the cursor starts and how far the view is scrolled back need no check: the
/// lines after the stretch bring the cursor to the bottom and the view to the top of the
/// history either way.)
pub fn try_skip(emulator: &mut Emulator, batch: &[u8], skip: Skip) -> bool {
    let screen = emulator.screen();
    let (rows, cols) = (screen.size().0.get(), screen.size().1.get());
    let escapes = &emulator.callbacks().escapes;
    let exact = skip.lines_after >= lines_to_forget(emulator)
        && escapes.at_ground()
        && escapes.whole_screen_scrolls(rows)
        && !screen.alternate_screen();
    if !exact {
        return false;
    }
    let skipped = scrolls(&batch[skip.from..skip.to], screen.cursor_position().1, cols);
    emulator.process(b"\r\n");
    // Each line the stretch scrolled would have pushed one out of the full history (or
    // moved the cursor down, and the lines after it then scroll once more instead); the
    // replacement did that once.
    emulator
        .callbacks_mut()
        .archive
        .count_dropped(skipped.saturating_sub(1));
    true
}

/// Hands `bytes` to vt100, and to the tracker that follows its escape sequences; erases
/// the archive where the child erases the history.
pub fn process(emulator: &mut Emulator, mut bytes: &[u8]) {
    loop {
        let erased_at = emulator.callbacks_mut().escapes.feed(bytes);
        let upto = erased_at.unwrap_or(bytes.len());
        emulator.process(&bytes[..upto]);
        if erased_at.is_none() {
            return;
        }
        emulator.callbacks_mut().archive.erase();
        bytes = &bytes[upto..];
    }
}

/// Processes `batch` in slices that each hold the emulator's lock briefly, leaving out
/// what [`find_skip`] and [`try_skip`] allow. `after_slice` sees the emulator after
/// each slice (to collect replies). Returns how many bytes were left out.
pub fn ingest(
    emulator: &Mutex<Emulator>,
    batch: &[u8],
    mut after_slice: impl FnMut(&mut Emulator),
) -> usize {
    let lock = || emulator.lock().unwrap_or_else(|p| p.into_inner());
    let keep = lines_to_forget(&lock());
    // Bytes before `at` are done; the next skip is looked for from `look_from`.
    let (mut at, mut look_from, mut left_out) = (0, 0, 0);
    while at < batch.len() {
        let skip = find_skip(batch, look_from, keep);
        let upto = skip.map_or(batch.len(), |skip| skip.from);
        for slice in batch[at..upto].chunks(SLICE) {
            let mut emulator = lock();
            process(&mut emulator, slice);
            after_slice(&mut emulator);
        }
        at = upto;
        if let Some(skip) = skip {
            look_from = skip.to;
            if try_skip(&mut lock(), batch, skip) {
                left_out += skip.to - skip.from;
                at = skip.to;
            }
            // Otherwise the stretch is processed with what follows it, next round.
        }
    }
    left_out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pane::archive::HistoryView as _;
    use crate::pane::non_zero;

    fn emulator(rows: u16, cols: u16, recent: usize, archived: usize) -> Emulator {
        crate::pane::new_emulator_split(rows, cols, recent, archived)
    }

    /// Everything a person or the app could observe: every history and screen line with
    /// its colours, where the cursor and the view are, what the lines are numbered, and
    /// what a taller screen pulls back.
    fn observable(emulator: &mut Emulator) -> String {
        let mut seen = String::new();
        let archive = &emulator.callbacks().archive;
        for index in 0..archive.len() {
            let row = archive.formatted(index, 200);
            seen.push_str(&format!("{row:?} {}\n", archive.wrapped(index)));
        }
        seen.push_str(&format!(
            "view {} of {}, {} from the archive\n",
            emulator.view_offset(),
            emulator.history_len(),
            emulator.archive_rows_in_view()
        ));
        let screen = emulator.screen_mut();
        screen.set_scrollback(usize::MAX);
        let kept = screen.scrollback();
        for offset in (0..=kept).rev() {
            screen.set_scrollback(offset);
            let top = screen.rows_formatted(0, 200).next();
            seen.push_str(&format!("{top:?} {}\n", screen.row_wrapped(0)));
        }
        screen.set_scrollback(0);
        seen.push_str(&screen.contents_formatted().escape_debug().to_string());
        seen.push_str(&format!(
            "\ncursor {:?} kept {kept} dropped {}",
            screen.cursor_position(),
            emulator.lines_dropped()
        ));
        let (rows, cols) = emulator.screen().size();
        emulator.set_size(non_zero(rows.get() + 7), cols);
        seen.push_str(
            &emulator
                .screen()
                .contents_formatted()
                .escape_debug()
                .to_string(),
        );
        seen
    }

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a [u8]]) -> &'a [u8] {
            items[self.below(items.len())]
        }
    }

    /// Output a child might send: stretches of plain lines (some long enough to wrap,
    /// some with a carriage return in the middle, some all blank) between bursts of
    /// escape sequences of every kind, finished or not, that leave the parser, cursor,
    /// scroll region and screen in every state a stretch could start in.
    fn output(rng: &mut Rng, stretches: usize) -> Vec<u8> {
        const ESCAPES: &[&[u8]] = &[
            b"\x1b[1;31m",
            b"\x1b[0m",
            b"\x1b[3;9r",
            b"\x1b[2;3r\x1b[99;1H",
            b"\x1b[2r\x1b[99;1H",
            b"\x1b[r",
            b"\x1b[1;99r",
            b"\x1b[?1049h",
            b"\x1b[?1049l",
            b"\x1b[?47h",
            b"\x1b[?47l",
            b"\x1b]0;title\x07",
            b"\x1b]0;unfinished title ",
            b"\x1bPq",
            b"\x1b\\",
            b"\x1b[12",
            b"\x1b_",
            b"\x18",
            b"\x1b[5A",
            b"\x1b[H",
            b"\x1b[99;99H",
            b"\x1bc",
            b"\x1b[2J",
            b"\x1b[3J",
            b"\x1b7",
            b"\x1b8",
            b"\x1b[3b",
            b"\xe2\x94",
            b"\xe2\x94\x80",
            b"\x1b[?6h",
        ];
        let mut out = Vec::new();
        for _ in 0..stretches {
            for _ in 0..rng.below(6) {
                out.extend_from_slice(rng.pick(ESCAPES));
                if rng.below(2) == 0 {
                    out.extend_from_slice(b"x\r\n");
                }
            }
            let blank = rng.below(6) == 0;
            let bare_newlines = [4, 4, 4, 1][rng.below(4)];
            for _ in 0..rng.below(4000) {
                let len = if blank {
                    0
                } else {
                    [0, 3, 8, 30, 45][rng.below(5)]
                };
                for i in 0..len {
                    out.push(b'a' + ((i + rng.below(3)) % 26) as u8);
                }
                if !blank && rng.below(12) == 0 {
                    out.extend_from_slice(b"\rXY");
                }
                let crlf = rng.below(bare_newlines) != 0 || rng.below(50) == 0;
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
        }
        out
    }

    /// The emulator after `ingest` of each batch, and how many bytes it left out. After
    /// the first batch the view is moved `view_offset` rows back.
    fn ingested(emulator: Emulator, batches: &[Vec<u8>], view_offset: usize) -> (Emulator, usize) {
        let emulator = Mutex::new(emulator);
        let mut left_out = 0;
        for (i, batch) in batches.iter().enumerate() {
            left_out += ingest(&emulator, batch, |_| {});
            if i == 0 {
                emulator.lock().unwrap().set_view_offset(view_offset);
            }
        }
        (emulator.into_inner().unwrap(), left_out)
    }

    /// The same without leaving anything out.
    fn processed(mut emulator: Emulator, batches: &[Vec<u8>], view_offset: usize) -> Emulator {
        for (i, batch) in batches.iter().enumerate() {
            process(&mut emulator, batch);
            if i == 0 {
                emulator.set_view_offset(view_offset);
            }
        }
        emulator
    }

    #[test]
    fn skipping_changes_nothing_anyone_can_see() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut rounds_with_skips = 0;
        let mut rounds_viewing_the_archive = 0;
        for round in 0..40 {
            let rows = 3 + rng.below(8) as u16;
            let cols = 5 + rng.below(40) as u16;
            // History kept by vt100 and by the archive.
            let (recent, archived) =
                [(0, 0), (1, 0), (20, 0), (0, 1), (0, 20), (5, 15)][rng.below(6)];
            let batches: Vec<Vec<u8>> = (0..3).map(|_| output(&mut rng, 4)).collect();
            // Sometimes the person has scrolled the view back, into the archive even.
            let view_offset = [0, 0, 4, 12][rng.below(4)];
            let mut whole = processed(
                emulator(rows, cols, recent, archived),
                &batches,
                view_offset,
            );
            let (mut skipping, left_out) = ingested(
                emulator(rows, cols, recent, archived),
                &batches,
                view_offset,
            );
            rounds_with_skips += usize::from(left_out > 0);
            let after_one = processed(
                emulator(rows, cols, recent, archived),
                &batches[..1],
                view_offset,
            );
            rounds_viewing_the_archive += usize::from(after_one.archive_rows_in_view() > 0);
            assert_eq!(
                observable(&mut whole),
                observable(&mut skipping),
                "round {round}: {rows}x{cols}, {recent}+{archived} lines of history"
            );
        }
        assert!(
            rounds_with_skips >= 15,
            "skips happened in only {rounds_with_skips} rounds"
        );
        assert!(
            rounds_viewing_the_archive >= 3,
            "the view reached the archive in only {rounds_viewing_the_archive} rounds"
        );
    }

    #[test]
    fn a_repeat_after_blank_lines_repeats_the_last_character_printed() {
        // REP (CSI b) repeats the last character printed, which here is in the stretch
        // that could be skipped: nothing after it prints, so it must not be.
        let mut batch = b"Z\r\n".to_vec();
        for _ in 0..10_000 {
            batch.extend_from_slice(b"Y\r\n");
        }
        batch.extend(b"\r\n".repeat(2000));
        batch.extend_from_slice(b"\x1b[3b");
        let mut whole = processed(emulator(5, 20, 4, 6), std::slice::from_ref(&batch), 0);
        let (mut skipping, left_out) = ingested(emulator(5, 20, 4, 6), &[batch], 0);
        assert!(whole.screen().contents().ends_with("YYY"));
        assert_eq!(whole.screen().contents(), skipping.screen().contents());
        assert_eq!(observable(&mut whole), observable(&mut skipping));
        assert_eq!(left_out, 0);
    }

    #[test]
    fn a_flood_of_plain_lines_is_mostly_left_out() {
        let batch: Vec<u8> = (0..200_000)
            .flat_map(|n| format!("{n}\r\n").into_bytes())
            .collect();
        let mut whole = processed(emulator(24, 80, 100, 900), std::slice::from_ref(&batch), 0);
        let (mut skipping, left_out) =
            ingested(emulator(24, 80, 100, 900), std::slice::from_ref(&batch), 0);
        assert!(
            left_out > batch.len() * 9 / 10,
            "left out {left_out} of {}",
            batch.len()
        );
        assert_eq!(observable(&mut whole), observable(&mut skipping));
    }
}
