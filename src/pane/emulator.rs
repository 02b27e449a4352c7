//! A pane's terminal: `alacritty_terminal`'s grid and parser, with what a pane needs on top
//! of them. Why `alacritty_terminal` and not vt100 is in the README's design notes; in
//! short, it draws everything the programs we host send (DEC line drawing, tab stops,
//! insert mode, every SGR, hyperlinks), parses 1.3-8x faster, and reports damage.
//!
//! The parser drives the grid through [`Tap`], which hands almost every call straight on
//! and keeps the few where a pane must do more or answer differently: the bell, the
//! title, OSC 52, device attributes, colour queries, screens 47/1047, scrollback erasure,
//! and emoji sequences (see [`Tap::input`]).
//!
//! History: the grid keeps none. Each row that scrolls off the top of the main screen is
//! handed to the [`Archive`] on its way out (see [`Tap::archive_top_rows`]), as compact
//! text with SGR, as vt100 handed them over: `alacritty_terminal`'s own history keeps rows
//! as 24-byte cells and reserves a thousand of them at once.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use alacritty_terminal::event::{Event, EventListener};
use alacritty_terminal::grid::{Cursor, Dimensions};
use alacritty_terminal::index::{Column, Line, Point};
use alacritty_terminal::term::cell::{Cell, Flags};
use alacritty_terminal::term::{Config, Term, TermDamage, TermMode};
use alacritty_terminal::vte::ansi::{
    Attr, CharsetIndex, ClearMode, CursorShape, CursorStyle, Handler, Hyperlink, KeyboardModes,
    KeyboardModesApplyBehavior, LineClearMode, Mode, ModifyOtherKeys, PrivateMode, Processor, Rgb,
    ScpCharPath, ScpUpdateMode, StandardCharset, TabulationClearMode,
};

use super::archive::Archive;
use super::osc_scan::{Notice, OscScanner};
use crate::pane::keys::{MouseEncoding, MouseMode};

/// A blink attribute `alacritty_terminal` has no flag for; kept in a bit its flags leave
/// unused, so cells carry it through every grid operation like their own flags.
pub const BLINK: Flags = Flags::from_bits_retain(0x8000);

/// What the child asked of its terminal besides drawing, for the pane to act on.
#[derive(Debug, Default)]
pub struct Requests {
    /// Bytes to write back to the child (answers to its queries).
    pub to_child: Vec<u8>,
    /// Bells rung since the pane last looked.
    pub bells: u32,
    /// The child set its window title (OSC 0/2).
    pub title: Option<String>,
    /// OSC 52 clipboard writes (selector, base64 data), for the clipboard feature.
    pub clipboard: Vec<(Vec<u8>, Vec<u8>)>,
    /// Notifications and progress reports (OSC 9, 9;4, 777) not yet looked at, the
    /// newest [`MAX_NOTICES`] at most.
    pub notices: Vec<Notice>,
}

/// Notices kept for the app; it takes them at each output, so more are only from a
/// child that writes nothing else (or a flood of them), and the newest say the most.
const MAX_NOTICES: usize = 64;

/// Answers `alacritty_terminal` writes itself (cursor position, mode reports).
#[derive(Clone, Default)]
pub struct Answers(Arc<Mutex<Vec<u8>>>);

impl EventListener for Answers {
    fn send_event(&self, event: Event) {
        if let Event::PtyWrite(text) = event {
            let mut answers = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            answers.extend_from_slice(text.as_bytes());
        }
    }
}

/// The host terminal's own colours, when it told us (see [`crate::host::colours`]); the
/// children's OSC 10/11 queries get these, and no answer when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostColours {
    pub foreground: Option<(u8, u8, u8)>,
    pub background: Option<(u8, u8, u8)>,
}

static HOST_COLOURS: Mutex<HostColours> = Mutex::new(HostColours {
    foreground: None,
    background: None,
});

/// Sets what the children are told the host's colours are.
pub fn set_host_colours(colours: HostColours) {
    *HOST_COLOURS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = colours;
}

fn host_colours() -> HostColours {
    *HOST_COLOURS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A pane's emulated terminal; see the module docs.
pub struct Emulator {
    term: Term<Answers>,
    parser: Processor,
    answers: Answers,
    requests: Requests,
    archive: Archive,
    /// How many archive rows the view reaches into, past all of the grid's history.
    reach: usize,
    /// The view moved through the history since the last [`Emulator::take_damage`].
    view_moved: bool,
    /// The DECSCUSR shape the child asked for (0 = the host's default).
    cursor_shape: u8,
    /// A ZWJ was the last character printed.
    joining: bool,
    region: Option<(usize, usize)>,
    main_saved: Option<Cursor<Cell>>,
    /// Picks out the OSCs the parser drops that the app wants (see [`super::osc_scan`]).
    osc: OscScanner,
}

/// Rows of slack in [`Emulator::passing_rows`] for a screen that grows taller while a
/// batch is parsed a slice at a time (the bottom row, where line feeds scroll, moves
/// down).
const GROWTH_MARGIN: usize = 1024;

/// What changed on a pane's screen since it was last drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    Whole,
    /// (row, first column, column after the last) of each changed stretch.
    Rows(Vec<(u16, u16, u16)>),
}

/// Grid size as `alacritty_terminal` takes it.
struct Size {
    rows: usize,
    cols: usize,
}

impl Size {
    /// At least one row and two columns: `alacritty_terminal` writes a wide character's
    /// second half past the end of a one-column row. (A one-column pane's child is told
    /// one column; the second is never drawn.)
    fn new(rows: u16, cols: u16) -> Size {
        Size {
            rows: usize::from(rows.max(1)),
            cols: usize::from(cols.max(2)),
        }
    }
}

impl Dimensions for Size {
    fn total_lines(&self) -> usize {
        self.rows
    }
    fn screen_lines(&self) -> usize {
        self.rows
    }
    fn columns(&self) -> usize {
        self.cols
    }
}

impl Emulator {
    /// A screen of `rows` x `cols` with `scrollback` lines of history.
    pub fn new(rows: u16, cols: u16, scrollback: usize) -> Emulator {
        let answers = Answers::default();
        let config = Config {
            scrolling_history: 0,
            kitty_keyboard: false,
            ..Config::default()
        };
        let size = Size::new(rows, cols);
        Emulator {
            term: Term::new(config, &size, answers.clone()),
            parser: Processor::new(),
            answers,
            requests: Requests::default(),
            archive: Archive::new(scrollback),
            reach: 0,
            view_moved: false,
            cursor_shape: 0,
            joining: false,
            region: None,
            main_saved: None,
            osc: OscScanner::default(),
        }
    }

    /// Parses child output.
    ///
    /// A flood of plain lines (`seq 1 2000000`, a log dumped with `cat`) scrolls rows into
    /// the archive that more lines of the same flood push out again before anyone could
    /// look: see [`Emulator::passing_rows`]. Those rows are counted, not encoded.
    pub fn process(&mut self, bytes: &[u8]) {
        let (head, tail) = bytes.split_at(plain_tail(bytes));
        self.process_slice(head, &mut 0);
        let mut passing = self.passing_rows(tail);
        self.process_slice(tail, &mut passing);
    }

    /// Parses a slice of a batch that is taken a slice at a time (the pane's reader
    /// lets go of the emulator between them); `passing` is what
    /// [`Emulator::passing_rows`] gave for the batch's plain tail when it began, or 0
    /// outside that tail.
    pub fn process_slice(&mut self, bytes: &[u8], passing: &mut usize) {
        self.advance(bytes, passing);
        self.collect_answers();
    }

    /// How many of the rows the plain text `tail` scrolls off first are sure to leave the
    /// archive again before its end. In plain text every line feed on the bottom row
    /// scrolls one row off (wrapping can only add more), and at most a screen's worth of
    /// line feeds come before the cursor reaches the bottom; the archive keeps its last
    /// `capacity` rows. So of `feeds` line feeds, the first `feeds - rows - capacity` rows
    /// pushed are gone by the end (and at least `capacity` are pushed after them, so the
    /// archive ends up as it would have). Only on the main screen scrolling as a whole,
    /// with no synchronized update holding bytes back.
    pub fn passing_rows(&self, tail: &[u8]) -> usize {
        if tail.is_empty()
            || self.region.is_some()
            || self.alternate_screen()
            || self.sync_deadline().is_some()
        {
            return 0;
        }
        let feeds = memchr::memchr3_iter(b'\n', 0x0b, 0x0c, tail).count();
        feeds.saturating_sub(self.term.screen_lines() + self.archive.capacity() + GROWTH_MARGIN)
    }

    fn advance(&mut self, bytes: &[u8], passing: &mut usize) {
        if bytes.is_empty() {
            return;
        }
        let notices = &mut self.requests.notices;
        self.osc.feed(bytes, notices);
        if notices.len() > MAX_NOTICES {
            notices.drain(..notices.len() - MAX_NOTICES);
        }
        let mut tap = Tap {
            term: &mut self.term,
            answers: &self.answers,
            requests: &mut self.requests,
            archive: &mut self.archive,
            passing,
            reach: &mut self.reach,
            cursor_shape: &mut self.cursor_shape,
            joining: &mut self.joining,
            region: &mut self.region,
            main_saved: &mut self.main_saved,
        };
        self.parser.advance(&mut tap, bytes);
    }

    /// When a synchronized update (DEC 2026) the child began must be shown even though it
    /// has not ended it; `None` when none is pending.
    pub fn sync_deadline(&self) -> Option<Instant> {
        self.parser.sync_timeout().sync_timeout()
    }

    /// Shows a synchronized update that ran out of time.
    pub fn end_sync(&mut self) {
        let mut tap = Tap {
            term: &mut self.term,
            answers: &self.answers,
            requests: &mut self.requests,
            archive: &mut self.archive,
            passing: &mut 0,
            reach: &mut self.reach,
            cursor_shape: &mut self.cursor_shape,
            joining: &mut self.joining,
            region: &mut self.region,
            main_saved: &mut self.main_saved,
        };
        self.parser.stop_sync(&mut tap);
        self.collect_answers();
    }

    fn collect_answers(&mut self) {
        let mut answers = self
            .answers
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !answers.is_empty() {
            self.requests.to_child.append(&mut answers);
        }
    }

    /// What changed on the visible screen since the last call.
    pub fn take_damage(&mut self) -> Damage {
        let damage = match self.term.damage() {
            _ if std::mem::take(&mut self.view_moved) => Damage::Whole,
            TermDamage::Full => Damage::Whole,
            TermDamage::Partial(lines) => Damage::Rows(
                lines
                    .map(|line| (line.line as u16, line.left as u16, line.right as u16 + 1))
                    .collect(),
            ),
        };
        self.term.reset_damage();
        damage
    }

    pub fn requests(&self) -> &Requests {
        &self.requests
    }

    pub fn requests_mut(&mut self) -> &mut Requests {
        &mut self.requests
    }

    /// (rows, cols).
    pub fn size(&self) -> (u16, u16) {
        (self.term.screen_lines() as u16, self.term.columns() as u16)
    }

    /// Resizes the screen; text reflows as the child's lines wrap at the new width, and
    /// the view returns to the live screen.
    pub fn set_size(&mut self, rows: u16, cols: u16) {
        // A shorter screen keeps the rows around the cursor; the ones above go to the
        // archive, as if scrolled off.
        let cursor = self.term.grid().cursor.point.line.0.max(0) as usize;
        let leaving = (cursor + 1).saturating_sub(usize::from(rows.max(1)));
        if !self.alternate_screen() {
            for line in 0..leaving {
                self.archive.push(&self.term.grid()[Line(line as i32)]);
            }
        }
        self.term.resize(Size::new(rows, cols));
        // As the grid does on a resize; the view returns to the live screen.
        self.region = None;
        self.reach = 0;
    }

    /// The cursor's (row, col) on the screen.
    pub fn cursor_position(&self) -> (u16, u16) {
        let point = self.term.grid().cursor.point;
        (point.line.0.max(0) as u16, point.column.0 as u16)
    }

    pub fn hide_cursor(&self) -> bool {
        !self.term.mode().contains(TermMode::SHOW_CURSOR)
    }

    /// The DECSCUSR shape the child asked for, 0 for the host's default.
    pub fn cursor_shape(&self) -> u8 {
        self.cursor_shape
    }

    pub fn alternate_screen(&self) -> bool {
        self.term.mode().contains(TermMode::ALT_SCREEN)
    }

    pub fn application_cursor(&self) -> bool {
        self.term.mode().contains(TermMode::APP_CURSOR)
    }

    pub fn application_keypad(&self) -> bool {
        self.term.mode().contains(TermMode::APP_KEYPAD)
    }

    pub fn bracketed_paste(&self) -> bool {
        self.term.mode().contains(TermMode::BRACKETED_PASTE)
    }

    pub fn focus_events(&self) -> bool {
        self.term.mode().contains(TermMode::FOCUS_IN_OUT)
    }

    pub fn mouse_mode(&self) -> MouseMode {
        let mode = self.term.mode();
        if mode.contains(TermMode::MOUSE_MOTION) {
            MouseMode::AnyMotion
        } else if mode.contains(TermMode::MOUSE_DRAG) {
            MouseMode::ButtonMotion
        } else if mode.contains(TermMode::MOUSE_REPORT_CLICK) {
            MouseMode::PressRelease
        } else {
            MouseMode::None
        }
    }

    pub fn mouse_encoding(&self) -> MouseEncoding {
        let mode = self.term.mode();
        if mode.contains(TermMode::SGR_MOUSE) {
            MouseEncoding::Sgr
        } else if mode.contains(TermMode::UTF8_MOUSE) {
            MouseEncoding::Utf8
        } else {
            MouseEncoding::Default
        }
    }

    /// The grid, for drawing.
    pub fn term(&self) -> &Term<Answers> {
        &self.term
    }

    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// The screen's text, rows without their trailing blanks, blank rows at the end left
    /// out.
    pub fn contents(&self) -> String {
        let rows = self.term.screen_lines() as i32;
        let mut text = (0..rows)
            .map(|row| row_text(&self.term.grid()[Line(row)]))
            .collect::<Vec<_>>()
            .join("\n");
        text.truncate(text.trim_end_matches('\n').len());
        text
    }

    // The grid keeps no history of its own (see the module docs), so its view never
    // moves: the history is the archive's, and how far back the view is, its reach.

    /// Rows of history behind the live screen. On the alternate screen there is none
    /// (the archive belongs to the main screen).
    pub fn history_len(&self) -> usize {
        if self.alternate_screen() {
            return 0;
        }
        self.archive.len()
    }

    /// How far back the view is (0 = the live screen).
    pub fn view_offset(&self) -> usize {
        self.archive_rows_in_view()
    }

    /// Moves the view `offset` rows back, as far as the history goes.
    pub fn set_view_offset(&mut self, offset: usize) {
        let reach = offset.min(self.history_len());
        // Every row of the view shows another line now, though none of them changed.
        self.view_moved |= reach != self.reach;
        self.reach = reach;
    }

    /// How many rows at the top of the view come from the archive.
    pub fn archive_rows_in_view(&self) -> usize {
        if self.alternate_screen() {
            return 0;
        }
        self.reach
    }

    /// Lines gone from the history for good, for numbering the rest.
    pub fn lines_dropped(&self) -> u64 {
        self.archive.dropped()
    }

    /// Plain text of visible row `row`.
    pub fn view_row_text(&self, row: u16) -> Option<String> {
        let (rows, cols) = self.size();
        if row >= rows {
            return None;
        }
        let reach = self.archive_rows_in_view();
        match usize::from(row).checked_sub(reach) {
            Some(grid_row) => Some(self.row_text(grid_row as u16)),
            None => Some(
                self.archive
                    .text(self.archive.len() - reach + usize::from(row), cols),
            ),
        }
    }

    /// Every line of the history and the screen, oldest first: (text, wrapped).
    pub fn all_lines(&self) -> Vec<(String, bool)> {
        let (rows, cols) = self.size();
        let grid = self.term.grid();
        let mut lines = Vec::with_capacity(self.history_len() + usize::from(rows));
        for index in 0..self.history_len() {
            lines.push((self.archive.text(index, cols), self.archive.wrapped(index)));
        }
        for line in 0..i32::from(rows) {
            let row = &grid[Line(line)];
            lines.push((row_text(row), row_wrapped(row)));
        }
        lines
    }

    /// Plain text of screen row `row` (tests and the demo use it).
    pub fn row_text(&self, row: u16) -> String {
        row_text(&self.term.grid()[Line(i32::from(row))])
    }
}

/// A row's text: each character once (the right half of a wide one is not a character),
/// with the marks joined to it, trailing blanks left out.
pub fn row_text(row: &alacritty_terminal::grid::Row<Cell>) -> String {
    let mut text = String::new();
    for cell in &row[..] {
        if cell
            .flags
            .intersects(Flags::WIDE_CHAR_SPACER | Flags::LEADING_WIDE_CHAR_SPACER)
        {
            continue;
        }
        text.push(if cell.c == '\t' || cell.flags.contains(Flags::HIDDEN) {
            ' '
        } else {
            cell.c
        });
        if let Some(marks) = cell.zerowidth() {
            text.extend(marks);
        }
    }
    text.truncate(text.trim_end_matches(' ').len());
    text
}

/// Whether the child's text went on from this row to the next.
pub fn row_wrapped(row: &alacritty_terminal::grid::Row<Cell>) -> bool {
    row[..]
        .last()
        .is_some_and(|cell| cell.flags.contains(Flags::WRAPLINE))
}

/// The parser's view of the terminal; see the module docs.
struct Tap<'a> {
    term: &'a mut Term<Answers>,
    answers: &'a Answers,
    requests: &'a mut Requests,
    archive: &'a mut Archive,
    /// Rows still to be counted rather than archived (see `Emulator::passing_rows`).
    passing: &'a mut usize,
    /// The view's reach into the archive, which stays on its lines as rows arrive.
    reach: &'a mut usize,
    cursor_shape: &'a mut u8,
    joining: &'a mut bool,
    /// The scrolling region (first row, row after the last), as DECSTBM set it.
    region: &'a mut Option<(usize, usize)>,
    /// The main screen's saved cursor while screen 47/1047 is up.
    main_saved: &'a mut Option<Cursor<Cell>>,
}

/// Where the plain text at the end of `bytes` starts: after its last escape sequence,
/// from the line after the ESC that began it (a sequence never spans a line feed in what
/// programs write, and the line is the cheap bound). No ESC: all of it. Everything in the
/// tail prints or moves the cursor down a row, back, or along it.
pub fn plain_tail(bytes: &[u8]) -> usize {
    match memchr::memrchr(0x1b, bytes) {
        None => 0,
        Some(esc) => memchr::memchr(b'\n', &bytes[esc..]).map_or(bytes.len(), |at| esc + at + 1),
    }
}

/// Zero-width joiner: the next emoji belongs to the one before it.
const ZWJ: char = '\u{200d}';
/// Emoji presentation selector: the character before it is drawn as a (wide) emoji.
const VS16: char = '\u{fe0f}';

impl Tap<'_> {
    /// Hands the screen's top `count` rows to the archive when what comes next scrolls
    /// them off: the main screen scrolling as a whole (no narrower scrolling region,
    /// which xterm and vt100 keep out of the history too).
    fn archive_top_rows(&mut self, count: usize) {
        if self.region.is_some() || self.term.mode().contains(TermMode::ALT_SCREEN) {
            return;
        }
        let count = count.min(self.term.screen_lines());
        for line in 0..count {
            if *self.passing > 0 {
                *self.passing -= 1;
                self.archive.count_passed_through();
            } else {
                self.archive.push(&self.term.grid()[Line(line as i32)]);
            }
        }
        if *self.reach > 0 {
            *self.reach = (*self.reach + count).min(self.archive.len());
        }
    }

    /// Whether the cursor is on the screen's last row, where a line feed scrolls.
    fn at_bottom(&self) -> bool {
        let line = self.term.grid().cursor.point.line.0.max(0) as usize;
        line + 1 >= self.term.screen_lines()
    }

    /// Puts the cursor on screen row `line`, in its column.
    fn go_to_line(&mut self, line: usize) {
        let column = self.term.grid().cursor.point.column.0;
        // In origin mode the grid counts rows from the region's top.
        let offset = match *self.region {
            Some((top, _)) if self.term.mode().contains(TermMode::ORIGIN) => top,
            _ => 0,
        };
        self.term.goto(line as i32 - offset as i32, column);
    }

    /// Answers the child, in order with the answers the grid writes itself.
    fn reply(&mut self, text: &str) {
        self.answers.send_event(Event::PtyWrite(text.to_string()));
    }

    /// The cell the last printed character went to, found the way `alacritty_terminal`
    /// finds where a zero-width character belongs.
    fn previous_cell(&self) -> Point {
        let cursor = &self.term.grid().cursor;
        let mut column = cursor.point.column;
        if !cursor.input_needs_wrap {
            column.0 = column.saturating_sub(1);
        }
        let point = Point::new(cursor.point.line, column);
        if self.term.grid()[point]
            .flags
            .contains(Flags::WIDE_CHAR_SPACER)
        {
            Point::new(point.line, Column(column.saturating_sub(1)))
        } else {
            point
        }
    }

    /// A VS16 after a narrow character makes it two cells wide, as terminals that draw
    /// emoji do (and as the agents' own width tables count it).
    fn widen_previous(&mut self) {
        let point = self.previous_cell();
        let cols = self.term.columns();
        let grid = self.term.grid_mut();
        let next = Point::new(point.line, point.column + 1);
        if grid[point]
            .flags
            .intersects(Flags::WIDE_CHAR | Flags::WIDE_CHAR_SPACER)
            || next.column.0 >= cols
            || grid.cursor.point != next
            || grid.cursor.input_needs_wrap
        {
            return;
        }
        grid[point].flags.insert(Flags::WIDE_CHAR);
        let mut spacer = grid[point].clone();
        spacer.c = ' ';
        spacer.flags.remove(Flags::WIDE_CHAR);
        spacer.flags.insert(Flags::WIDE_CHAR_SPACER);
        spacer.extra = None;
        grid[next] = spacer;
        if next.column.0 + 1 >= cols {
            grid.cursor.input_needs_wrap = true;
        } else {
            grid.cursor.point = Point::new(point.line, point.column + 2);
        }
    }
}

/// Extended pictographic characters that a ZWJ joins into one emoji.
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1f000..=0x1faff | 0x2600..=0x27bf)
}

#[allow(clippy::too_many_arguments)]
impl Handler for Tap<'_> {
    fn input(&mut self, c: char) {
        // An emoji after a ZWJ joins the one before (👩‍💻 is one picture, two cells wide).
        if std::mem::take(self.joining) && is_emoji(c) {
            let point = self.previous_cell();
            self.term.grid_mut()[point].push_zerowidth(c);
            return;
        }
        // A character past the last column of the last row wraps, and the screen scrolls.
        if self.term.grid().cursor.input_needs_wrap
            && self.term.mode().contains(TermMode::LINE_WRAP)
            && self.at_bottom()
            && unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > 0
        {
            self.archive_top_rows(1);
        }
        self.term.input(c);
        match c {
            ZWJ => *self.joining = true,
            VS16 => self.widen_previous(),
            _ => {}
        }
    }

    fn set_title(&mut self, title: Option<String>) {
        self.requests.title.clone_from(&title);
        self.term.set_title(title);
    }

    fn bell(&mut self) {
        self.requests.bells = self.requests.bells.saturating_add(1);
    }

    fn clipboard_store(&mut self, selector: u8, data: &[u8]) {
        self.requests
            .clipboard
            .push((vec![selector], data.to_vec()));
    }

    fn clipboard_load(&mut self, _: u8, _: &str) {
        // Never hand the person's clipboard to a child.
    }

    fn identify_terminal(&mut self, intermediate: Option<char>) {
        match intermediate {
            // DA1: a VT100 with the advanced video option, as tmux says. All of it
            // holds (`tests/emulation.rs::the_vt100_claim_holds`): DEC line drawing, tab
            // stops, scroll regions, DECALN, and bold, underline, blink and inverse.
            None => self.reply("\x1b[?1;2c"),
            // DA2: a VT100, version 0: no xterm version to promise xterm's extras by.
            Some('>') => self.reply("\x1b[>0;0;0c"),
            _ => {}
        }
    }

    fn dynamic_color_sequence(&mut self, prefix: String, index: usize, terminator: &str) {
        use alacritty_terminal::vte::ansi::NamedColor;
        let host = host_colours();
        let colour = match index {
            i if i == NamedColor::Foreground as usize => host.foreground,
            i if i == NamedColor::Background as usize => host.background,
            i if i < 256 => Some(crate::host::colours::palette_rgb(i as u8)),
            _ => None,
        };
        // Unknown colours are not answered (as tmux does): an invented answer makes a
        // child on a light terminal pick dark-theme colours.
        if let Some((r, g, b)) = colour {
            let reply = format!(
                "\x1b]{prefix};rgb:{r:02x}{r:02x}/{g:02x}{g:02x}/{b:02x}{b:02x}{terminator}"
            );
            self.reply(&reply);
        }
    }

    fn text_area_size_chars(&mut self) {
        let reply = format!(
            "\x1b[8;{};{}t",
            self.term.screen_lines(),
            self.term.columns()
        );
        self.reply(&reply);
    }

    fn text_area_size_pixels(&mut self) {
        // No cell size is known here; unanswered, as tmux leaves it.
    }

    fn set_cursor_style(&mut self, style: Option<CursorStyle>) {
        *self.cursor_shape = style.map_or(0, |style| {
            let base = match style.shape {
                CursorShape::Underline => 3,
                CursorShape::Beam => 5,
                _ => 1,
            };
            if style.blinking { base } else { base + 1 }
        });
        self.term.set_cursor_style(style);
    }

    fn terminal_attribute(&mut self, attr: Attr) {
        let template = &mut self.term.grid_mut().cursor.template.flags;
        match attr {
            Attr::BlinkSlow | Attr::BlinkFast => template.insert(BLINK),
            // vte reads SGR 21 as "bold off"; xterm, tmux and ECMA-48 read it as a
            // double underline.
            Attr::CancelBold => self.term.terminal_attribute(Attr::DoubleUnderline),
            Attr::CancelBlink => template.remove(BLINK),
            _ => self.term.terminal_attribute(attr),
        }
    }

    fn set_private_mode(&mut self, mode: PrivateMode) {
        match mode {
            // The alternate screen without 1049's cursor save; alacritty_terminal only
            // knows 1049, whose switch also overwrites the main screen's saved cursor.
            PrivateMode::Unknown(47 | 1047) => {
                if !self.term.mode().contains(TermMode::ALT_SCREEN) {
                    *self.main_saved = Some(self.term.grid().saved_cursor.clone());
                    self.term.swap_alt();
                }
            }
            // Save the cursor as DECSC does.
            PrivateMode::Unknown(1048) => self.term.save_cursor_position(),
            _ => self.term.set_private_mode(mode),
        }
    }

    fn unset_private_mode(&mut self, mode: PrivateMode) {
        match mode {
            PrivateMode::Unknown(47 | 1047) => {
                if self.term.mode().contains(TermMode::ALT_SCREEN) {
                    // One cursor for both screens, as xterm has it (1049 is the mode
                    // that saves and restores it).
                    let point = self.term.grid().cursor.point;
                    self.term.swap_alt();
                    let grid = self.term.grid_mut();
                    grid.cursor.point = point;
                    grid.cursor.input_needs_wrap = false;
                    if let Some(saved) = self.main_saved.take() {
                        grid.saved_cursor = saved;
                    }
                }
            }
            PrivateMode::Unknown(1048) => self.term.restore_cursor_position(),
            _ => self.term.unset_private_mode(mode),
        }
    }

    fn report_private_mode(&mut self, mode: PrivateMode) {
        match mode {
            PrivateMode::Unknown(number @ (47 | 1047)) => {
                let state = if self.term.mode().contains(TermMode::ALT_SCREEN) {
                    1
                } else {
                    2
                };
                self.reply(&format!("\x1b[?{number};{state}$y"));
            }
            _ => self.term.report_private_mode(mode),
        }
    }

    fn clear_screen(&mut self, mode: ClearMode) {
        if matches!(mode, ClearMode::Saved) && !self.term.mode().contains(TermMode::ALT_SCREEN) {
            self.archive.erase();
        }
        self.term.clear_screen(mode);
    }

    fn reset_state(&mut self) {
        if !self.term.mode().contains(TermMode::ALT_SCREEN) {
            self.archive.erase();
        }
        *self.cursor_shape = 0;
        *self.region = None;
        *self.main_saved = None;
        self.term.reset_state();
    }

    fn set_scrolling_region(&mut self, top: usize, bottom: Option<usize>) {
        // The grid's own rule for a region it takes.
        let lines = self.term.screen_lines();
        let bottom = bottom.unwrap_or(lines).min(lines);
        let top = top.max(1);
        if top < bottom {
            *self.region = (top > 1 || bottom < lines).then_some((top - 1, bottom));
        }
        self.term.set_scrolling_region(top, Some(bottom));
    }

    // CUU and CUD stop at the scrolling region's margins when they start inside it, as
    // on a VT100; alacritty_terminal only stops at the screen's edges (and in origin
    // mode counts the region's offset twice).
    fn move_up(&mut self, lines: usize) {
        let line = self.term.grid().cursor.point.line.0.max(0) as usize;
        let top = match *self.region {
            Some((top, bottom)) if (top..bottom).contains(&line) => top,
            _ => 0,
        };
        self.go_to_line(line.saturating_sub(lines).max(top));
    }

    fn move_down(&mut self, lines: usize) {
        let line = self.term.grid().cursor.point.line.0.max(0) as usize;
        let last = match *self.region {
            Some((top, bottom)) if (top..bottom).contains(&line) => bottom - 1,
            _ => self.term.screen_lines() - 1,
        };
        self.go_to_line(line.saturating_add(lines).min(last));
    }

    fn linefeed(&mut self) {
        if self.at_bottom() {
            self.archive_top_rows(1);
        }
        self.term.linefeed();
    }

    fn newline(&mut self) {
        if self.at_bottom() {
            self.archive_top_rows(1);
        }
        self.term.newline();
    }

    fn scroll_up(&mut self, lines: usize) {
        self.archive_top_rows(lines);
        self.term.scroll_up(lines);
    }

    fn delete_chars(&mut self, count: usize) {
        // alacritty_terminal clears `count` cells at the end of the row even when fewer
        // than that follow the cursor.
        let column = self.term.grid().cursor.point.column.0;
        let room = self.term.columns().saturating_sub(column);
        self.term.delete_chars(count.min(room));
    }

    // Everything else goes straight to the grid.
    fn set_cursor_shape(&mut self, a0: CursorShape) {
        self.term.set_cursor_shape(a0);
    }
    fn goto(&mut self, a0: i32, a1: usize) {
        self.term.goto(a0, a1);
    }
    fn goto_line(&mut self, a0: i32) {
        self.term.goto_line(a0);
    }
    fn goto_col(&mut self, a0: usize) {
        self.term.goto_col(a0);
    }
    fn insert_blank(&mut self, a0: usize) {
        self.term.insert_blank(a0);
    }
    fn device_status(&mut self, a0: usize) {
        self.term.device_status(a0);
    }
    fn move_forward(&mut self, a0: usize) {
        self.term.move_forward(a0);
    }
    fn move_backward(&mut self, a0: usize) {
        self.term.move_backward(a0);
    }
    fn move_down_and_cr(&mut self, a0: usize) {
        self.term.move_down_and_cr(a0);
    }
    fn move_up_and_cr(&mut self, a0: usize) {
        self.term.move_up_and_cr(a0);
    }
    fn put_tab(&mut self, a0: u16) {
        self.term.put_tab(a0);
    }
    fn backspace(&mut self) {
        self.term.backspace();
    }
    fn carriage_return(&mut self) {
        self.term.carriage_return();
    }
    fn substitute(&mut self) {
        self.term.substitute();
    }
    fn set_horizontal_tabstop(&mut self) {
        self.term.set_horizontal_tabstop();
    }
    fn scroll_down(&mut self, a0: usize) {
        self.term.scroll_down(a0);
    }
    fn insert_blank_lines(&mut self, a0: usize) {
        self.term.insert_blank_lines(a0);
    }
    fn delete_lines(&mut self, a0: usize) {
        self.term.delete_lines(a0);
    }
    fn erase_chars(&mut self, a0: usize) {
        self.term.erase_chars(a0);
    }
    fn move_backward_tabs(&mut self, a0: u16) {
        self.term.move_backward_tabs(a0);
    }
    fn move_forward_tabs(&mut self, a0: u16) {
        self.term.move_forward_tabs(a0);
    }
    fn save_cursor_position(&mut self) {
        self.term.save_cursor_position();
    }
    fn restore_cursor_position(&mut self) {
        self.term.restore_cursor_position();
    }
    fn clear_line(&mut self, a0: LineClearMode) {
        self.term.clear_line(a0);
    }
    fn clear_tabs(&mut self, a0: TabulationClearMode) {
        self.term.clear_tabs(a0);
    }
    fn set_tabs(&mut self, a0: u16) {
        self.term.set_tabs(a0);
    }
    fn reverse_index(&mut self) {
        self.term.reverse_index();
    }
    fn set_mode(&mut self, a0: Mode) {
        self.term.set_mode(a0);
    }
    fn unset_mode(&mut self, a0: Mode) {
        self.term.unset_mode(a0);
    }
    fn report_mode(&mut self, a0: Mode) {
        self.term.report_mode(a0);
    }
    fn set_keypad_application_mode(&mut self) {
        self.term.set_keypad_application_mode();
    }
    fn unset_keypad_application_mode(&mut self) {
        self.term.unset_keypad_application_mode();
    }
    fn set_active_charset(&mut self, a0: CharsetIndex) {
        self.term.set_active_charset(a0);
    }
    fn configure_charset(&mut self, a0: CharsetIndex, a1: StandardCharset) {
        self.term.configure_charset(a0, a1);
    }
    fn set_color(&mut self, a0: usize, a1: Rgb) {
        self.term.set_color(a0, a1);
    }
    fn reset_color(&mut self, a0: usize) {
        self.term.reset_color(a0);
    }
    fn decaln(&mut self) {
        self.term.decaln();
    }
    fn push_title(&mut self) {
        self.term.push_title();
    }
    fn pop_title(&mut self) {
        self.term.pop_title();
    }
    fn set_hyperlink(&mut self, a0: Option<Hyperlink>) {
        self.term.set_hyperlink(a0);
    }
    fn report_keyboard_mode(&mut self) {
        self.term.report_keyboard_mode();
    }
    fn push_keyboard_mode(&mut self, a0: KeyboardModes) {
        self.term.push_keyboard_mode(a0);
    }
    fn pop_keyboard_modes(&mut self, a0: u16) {
        self.term.pop_keyboard_modes(a0);
    }
    fn set_keyboard_mode(&mut self, a0: KeyboardModes, a1: KeyboardModesApplyBehavior) {
        self.term.set_keyboard_mode(a0, a1);
    }
    fn set_modify_other_keys(&mut self, a0: ModifyOtherKeys) {
        self.term.set_modify_other_keys(a0);
    }
    fn report_modify_other_keys(&mut self) {
        self.term.report_modify_other_keys();
    }
    fn set_scp(&mut self, a0: ScpCharPath, a1: ScpUpdateMode) {
        self.term.set_scp(a0, a1);
    }
}
