//! Scroll / copy mode on one pane (`ctrl-] [`), holder or not: a cursor over the pane's
//! history, incremental search with every match highlighted, character and line
//! selections copied through [`crate::clipboard`]. A mouse drag selects in any mode.
//!
//! The view itself is the emulator's view offset, so the border's `[-N/M]` indicator and
//! the wheel work the same in and out of copy mode. Positions are history
//! [`LineId`]s, which stay on their text while the child keeps printing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::{App, Mode};
use crate::action::Action;
use crate::clipboard::Copied;
use crate::keymap::{Chord, Mode as KeyMode};
use crate::layout::Divider;
use crate::pane::{Emulator, PaneId};
use crate::scrollback::{self, History, LineId, Match, View};
use crate::ui::marks::Marks;

/// A cell of a pane's history: (line, column).
type Spot = (LineId, u16);

/// A mouse drag in progress.
#[derive(Debug, Clone, Copy)]
pub(super) enum Drag {
    /// Moving a divider between panes.
    Divider(Divider),
    /// Selecting text, from where the button went down.
    Select { pane: PaneId, from: Spot },
}

/// Copy mode's state; it lives in [`Mode::Copy`].
pub(super) struct CopyMode {
    pane: PaneId,
    cursor: Spot,
    selection: Option<Selection>,
    search: Option<Search>,
    prompt: Option<Prompt>,
    /// Entered by a mouse drag: leaves once the selection is copied.
    from_mouse: bool,
}

#[derive(Debug, Clone, Copy)]
struct Selection {
    anchor: Spot,
    whole_lines: bool,
}

#[derive(Debug, Clone)]
struct Search {
    query: String,
    backward: bool,
    /// Oldest first.
    matches: Vec<Match>,
    current: Option<usize>,
    /// Lines searched, for "not found in the last N lines".
    searched: usize,
}

/// A search being typed: every keystroke searches the history read when it opened.
struct Prompt {
    search: Search,
    history: History,
    /// Cursor and scroll offset to go back to when the search is cancelled.
    origin: (Spot, usize),
    before: Option<Search>,
}

impl CopyMode {
    pub(super) fn pane(&self) -> PaneId {
        self.pane
    }

    /// A search is being typed.
    pub(super) fn is_prompting(&self) -> bool {
        self.prompt.is_some()
    }
}

impl App {
    fn view(&self, pane: PaneId) -> View {
        View::of(&self.panes[pane].emulator())
    }

    fn set_offset(&self, pane: PaneId, offset: usize) {
        self.panes[pane].emulator().set_view_offset(offset);
    }

    fn read_history(&self, pane: PaneId) -> History {
        History::read(&self.panes[pane].emulator())
    }

    /// Copy mode on the focused pane, its cursor where the child's is.
    pub(super) fn enter_copy_mode(&mut self) {
        let pane = self.focus;
        let Some(copy) = self.new_copy_mode(pane, false) else {
            return;
        };
        self.mode = Mode::Copy(Box::new(copy));
    }

    fn new_copy_mode(&self, pane: PaneId, from_mouse: bool) -> Option<CopyMode> {
        let emulator = self.panes.get(pane)?.emulator();
        let view = View::of(&emulator);
        let (row, col) = emulator.cursor_position();
        let live_top = view.dropped + view.kept as u64;
        let cursor = if view.offset == 0 {
            (live_top + u64::from(row), col)
        } else {
            (view.line_at(view.rows / 2), 0)
        };
        Some(CopyMode {
            pane,
            cursor,
            selection: None,
            search: None,
            prompt: None,
            from_mouse,
        })
    }

    /// A copy-mode action bound outside copy mode (`ctrl-] pageup`): enter, then do it.
    pub(super) fn copy_mode_action(&mut self, action: Action) {
        if !matches!(self.mode, Mode::Copy(_)) {
            self.enter_copy_mode();
        }
        if let Mode::Copy(copy) = std::mem::replace(&mut self.mode, Mode::Normal) {
            self.copy_action(copy, action);
        }
    }

    /// Leaves copy mode (if on) and brings the pane back to its live bottom.
    pub(super) fn leave_copy_mode(&mut self) {
        if let Mode::Copy(copy) = &self.mode {
            let pane = copy.pane;
            self.mode = Mode::Normal;
            self.set_offset(pane, 0);
            self.dirty = true;
        }
    }

    pub(super) fn on_copy_key(&mut self, copy: Box<CopyMode>, key: KeyEvent) {
        if copy.prompt.is_some() {
            self.on_prompt_key(copy, key);
            return;
        }
        if Chord::from_event(&key) == self.keymap.prefix() {
            // App commands work from copy mode; the view stays where it was.
            self.mode = Mode::Prefix;
            return;
        }
        match self.keymap.lookup(KeyMode::CopyMode, &key) {
            Some(action) => self.copy_action(copy, action),
            None => self.mode = Mode::Copy(copy),
        }
    }

    /// Carries out `action` in copy mode; puts the mode back unless it leaves.
    fn copy_action(&mut self, mut copy: Box<CopyMode>, action: Action) {
        let pane = copy.pane;
        let view = self.view(pane);
        let (line, col) = copy.cursor;
        let last_col = view.cols.saturating_sub(1);
        let page = u64::from(view.rows.saturating_sub(1).max(1));
        match action {
            Action::CursorUp => self.move_cursor(&mut copy, line.saturating_sub(1), col),
            Action::CursorDown => self.move_cursor(&mut copy, line + 1, col),
            Action::CursorLeft => self.move_cursor(&mut copy, line, col.saturating_sub(1)),
            Action::CursorRight => self.move_cursor(&mut copy, line, (col + 1).min(last_col)),
            Action::LineStart => self.move_cursor(&mut copy, line, 0),
            Action::LineEnd => {
                let end = self
                    .visible_line(pane, line)
                    .map_or(0, |text| scrollback::text_end(&text));
                self.move_cursor(&mut copy, line, end.saturating_sub(1));
            }
            Action::PageUp => {
                self.set_offset(pane, view.offset + page as usize);
                let line = line.saturating_sub(page).max(view.first());
                self.move_cursor(&mut copy, line, col);
            }
            Action::PageDown => {
                self.set_offset(pane, view.offset.saturating_sub(page as usize));
                self.move_cursor(&mut copy, (line + page).min(view.last()), col);
            }
            Action::HistoryTop => self.move_cursor(&mut copy, view.first(), 0),
            Action::HistoryBottom => self.move_cursor(&mut copy, view.last(), 0),
            Action::SearchForward | Action::SearchBackward => {
                let backward = action == Action::SearchBackward;
                copy.prompt = Some(Prompt {
                    search: Search {
                        query: String::new(),
                        backward,
                        matches: Vec::new(),
                        current: None,
                        searched: 0,
                    },
                    history: self.read_history(pane),
                    origin: (copy.cursor, view.offset),
                    before: copy.search.take(),
                });
            }
            Action::SearchNext | Action::SearchPrev => {
                self.next_match(&mut copy, action == Action::SearchPrev);
            }
            Action::BeginSelection | Action::BeginLineSelection => {
                let whole_lines = action == Action::BeginLineSelection;
                copy.selection = match copy.selection {
                    Some(s) if s.whole_lines == whole_lines => None,
                    Some(s) => Some(Selection { whole_lines, ..s }),
                    None => Some(Selection {
                        anchor: copy.cursor,
                        whole_lines,
                    }),
                };
            }
            Action::CopySelection => {
                if self.copy_selection(&copy) {
                    self.mode = Mode::Copy(copy);
                    self.leave_copy_mode();
                    return;
                }
            }
            Action::Cancel => {
                self.mode = Mode::Copy(copy);
                self.leave_copy_mode();
                return;
            }
            other => {
                // Any other command (help, quit, focus...) leaves copy mode first.
                self.mode = Mode::Copy(copy);
                self.leave_copy_mode();
                self.perform(other);
                return;
            }
        }
        self.mode = Mode::Copy(copy);
        self.dirty = true;
    }

    /// Puts the cursor on `line` (clamped to the history) and scrolls it into view.
    fn move_cursor(&self, copy: &mut CopyMode, line: LineId, col: u16) {
        let view = self.view(copy.pane);
        let line = line.clamp(view.first(), view.last());
        copy.cursor = (line, col.min(view.cols.saturating_sub(1)));
        let offset = view.offset_showing(line);
        if offset != view.offset {
            self.set_offset(copy.pane, offset);
        }
    }

    /// The text of `line` if it is on screen now.
    fn visible_line(&self, pane: PaneId, line: LineId) -> Option<String> {
        let emulator = self.panes[pane].emulator();
        let row = View::of(&emulator).row_of(line)?;
        emulator.view_row_text(row)
    }

    fn on_prompt_key(&mut self, mut copy: Box<CopyMode>, key: KeyEvent) {
        let Some(mut prompt) = copy.prompt.take() else {
            self.mode = Mode::Copy(copy);
            return;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => {
                self.cancel_prompt(&mut copy, prompt);
                self.mode = Mode::Copy(copy);
                return;
            }
            KeyCode::Enter => {
                if prompt.search.current.is_none() && !prompt.search.query.is_empty() {
                    let Search {
                        query, searched, ..
                    } = &prompt.search;
                    self.set_notice(format!("{query:?} not found in the last {searched} lines"));
                }
                if !prompt.search.query.is_empty() {
                    copy.search = Some(prompt.search);
                } else {
                    copy.search = prompt.before;
                }
                self.mode = Mode::Copy(copy);
                return;
            }
            KeyCode::Backspace if prompt.search.query.is_empty() => {
                self.cancel_prompt(&mut copy, prompt);
                self.mode = Mode::Copy(copy);
                return;
            }
            KeyCode::Backspace => {
                prompt.search.query.pop();
            }
            KeyCode::Char(c) if plain => prompt.search.query.push(c),
            _ => {}
        }
        self.search_as_typed(&mut copy, &mut prompt);
        copy.prompt = Some(prompt);
        self.mode = Mode::Copy(copy);
    }

    fn cancel_prompt(&self, copy: &mut CopyMode, prompt: Prompt) {
        let (cursor, offset) = prompt.origin;
        copy.cursor = cursor;
        copy.search = prompt.before;
        self.set_offset(copy.pane, offset);
    }

    /// Incremental search: the first match from where the search opened, in its
    /// direction (wrapping); the view goes back there while nothing matches.
    fn search_as_typed(&self, copy: &mut CopyMode, prompt: &mut Prompt) {
        let search = &mut prompt.search;
        search.matches = scrollback::search(&prompt.history, &search.query);
        search.searched = prompt.history.lines.len();
        let (from, offset) = prompt.origin;
        search.current = pick(&search.matches, from, search.backward, true);
        match search.current.map(|i| search.matches[i]) {
            Some(hit) => self.show_match(copy, hit),
            None => {
                copy.cursor = from;
                self.set_offset(copy.pane, offset);
            }
        }
    }

    /// `n` / `N`: the next match after the cursor, in (or against) the direction.
    fn next_match(&mut self, copy: &mut CopyMode, reverse: bool) {
        let Some(search) = copy.search.as_mut() else {
            self.set_notice("no search yet: / or ? starts one");
            return;
        };
        let backward = search.backward != reverse;
        search.current = pick(&search.matches, copy.cursor, backward, false);
        match search.current.map(|i| search.matches[i]) {
            Some(hit) => self.show_match(copy, hit),
            None => {
                let text = format!("{:?} not found", search.query);
                self.set_notice(text);
            }
        }
    }

    /// Puts the cursor on a match, centring it when it was out of view.
    fn show_match(&self, copy: &mut CopyMode, hit: Match) {
        copy.cursor = (hit.line, hit.start);
        let view = self.view(copy.pane);
        if view.row_of(hit.line).is_none() {
            self.set_offset(copy.pane, view.offset_for(hit.line, view.rows / 2));
        }
    }

    /// Copies the selection; false (with a notice) when there is none.
    fn copy_selection(&mut self, copy: &CopyMode) -> bool {
        let Some(selection) = copy.selection else {
            self.set_notice("nothing selected: v or V starts a selection");
            return false;
        };
        let history = self.read_history(copy.pane);
        let text = history.text_between(selection.anchor, copy.cursor, selection.whole_lines);
        self.copy_text(&text);
        true
    }

    /// Sends `text` to the clipboard and says where it went.
    fn copy_text(&mut self, text: &str) {
        let chars = text.chars().count();
        match self.clipboard.copy(text) {
            Copied::System => self.set_notice(format!("copied {chars} characters")),
            Copied::Osc52(bytes) => {
                self.host_out.extend_from_slice(&bytes);
                self.set_notice(format!("copied {chars} characters (through the terminal)"));
            }
            Copied::Nowhere(why) => self.set_notice(format!("not copied: {why}")),
        }
    }

    /// Mouse selection in panes whose child does not take the mouse (or with Shift):
    /// press, drag, release copies. Returns whether the event was used.
    pub(super) fn on_selection_mouse(
        &mut self,
        pane: PaneId,
        inner: Rect,
        mouse: &MouseEvent,
    ) -> bool {
        if !matches!(self.mode, Mode::Normal | Mode::Copy(_)) {
            return false;
        }
        let view = self.view(pane);
        let row = mouse.row.clamp(inner.y, inner.bottom().saturating_sub(1)) - inner.y;
        let col = mouse.column.clamp(inner.x, inner.right().saturating_sub(1)) - inner.x;
        let spot = (view.line_at(row), col);
        match (mouse.kind, self.drag) {
            (MouseEventKind::Down(MouseButton::Left), _) => {
                if !inner.contains((mouse.column, mouse.row).into()) {
                    return false;
                }
                self.drag = Some(Drag::Select { pane, from: spot });
                if let Mode::Copy(copy) = &mut self.mode
                    && copy.pane == pane
                {
                    copy.selection = None;
                    copy.cursor = spot;
                    self.dirty = true;
                }
                true
            }
            (MouseEventKind::Drag(MouseButton::Left), Some(Drag::Select { pane: p, from }))
                if p == pane =>
            {
                // Dragging past the top or bottom edge scrolls.
                if mouse.row < inner.y {
                    self.set_offset(pane, view.offset + 1);
                } else if mouse.row >= inner.bottom() {
                    self.set_offset(pane, view.offset.saturating_sub(1));
                }
                let spot = (self.view(pane).line_at(row), col);
                let entered = match &self.mode {
                    Mode::Copy(copy) => copy.pane == pane,
                    _ => false,
                };
                if !entered {
                    self.leave_copy_mode();
                    match self.new_copy_mode(pane, true) {
                        Some(copy) => self.mode = Mode::Copy(Box::new(copy)),
                        None => return true,
                    }
                }
                if let Mode::Copy(copy) = &mut self.mode {
                    copy.cursor = spot;
                    if copy.selection.is_none() {
                        copy.selection = Some(Selection {
                            anchor: from,
                            whole_lines: false,
                        });
                    }
                }
                self.dirty = true;
                true
            }
            (MouseEventKind::Up(MouseButton::Left), Some(Drag::Select { .. })) => {
                self.drag = None;
                if let Mode::Copy(copy) = std::mem::replace(&mut self.mode, Mode::Normal) {
                    let copied = copy.selection.is_some() && self.copy_selection(&copy);
                    let leave = copy.from_mouse && copied;
                    self.mode = Mode::Copy(copy);
                    if leave {
                        self.leave_copy_mode();
                    }
                }
                self.dirty = true;
                true
            }
            _ => false,
        }
    }

    /// What the status line says in copy mode.
    pub(super) fn copy_status(&self, copy: &CopyMode) -> String {
        if let Some(prompt) = &copy.prompt {
            let search = &prompt.search;
            let sign = if search.backward { '?' } else { '/' };
            let found = match (search.query.is_empty(), search.current) {
                (true, _) => String::new(),
                (false, Some(i)) => format!("  {} of {}", i + 1, search.matches.len()),
                (false, None) => "  not found".into(),
            };
            return format!("{sign}{}▏{found}", search.query);
        }
        let what = match copy.selection {
            Some(Selection {
                whole_lines: true, ..
            }) => "copy mode · selecting lines · y copies",
            Some(_) => "copy mode · selecting · y copies",
            None => "copy mode · / ? search · v V select · q leaves",
        };
        match &copy.search {
            Some(search) if !search.matches.is_empty() => format!(
                "{what} · {:?} {} of {} (n N)",
                search.query,
                search.current.map_or(0, |i| i + 1),
                search.matches.len()
            ),
            _ => what.into(),
        }
    }

    /// Paints the cursor, the selection and every visible search match over a pane that
    /// is in copy mode. `emulator` is the pane's, locked by the caller.
    pub(super) fn draw_copy_marks(
        &self,
        buf: &mut Buffer,
        inner: Rect,
        emulator: &Emulator,
        copy: &CopyMode,
    ) {
        let view = View::of(emulator);
        let search = copy
            .prompt
            .as_ref()
            .map(|p| &p.search)
            .or(copy.search.as_ref());
        let current = search.and_then(|s| s.current.map(|i| s.matches[i]));
        let hit = visible(self.theme.search_match);
        let mut marks = Marks::new(buf, inner, view);
        if let Some(search) = search {
            let top = view.top();
            let bottom = top + u64::from(view.rows);
            let from = search.matches.partition_point(|m| m.line < top);
            for m in search.matches[from..]
                .iter()
                .take_while(|m| m.line < bottom)
            {
                let style = if Some(*m) == current {
                    hit.add_modifier(Modifier::REVERSED | Modifier::BOLD)
                } else {
                    hit
                };
                marks.paint(m.line, m.start, m.end, style);
            }
        }
        if let Some(selection) = copy.selection {
            let (start, end) = if selection.anchor <= copy.cursor {
                (selection.anchor, copy.cursor)
            } else {
                (copy.cursor, selection.anchor)
            };
            let style = visible(self.theme.selection);
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
                marks.paint(line, from, to, style);
            }
        }
        let (line, col) = copy.cursor;
        marks.paint(
            line,
            col,
            col + 1,
            Style::new().add_modifier(Modifier::REVERSED),
        );
    }
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

/// The match to go to from `from`: the first one after it (before it, `backward`),
/// wrapping around; `inclusive` also takes one starting right at `from`.
fn pick(matches: &[Match], from: Spot, backward: bool, inclusive: bool) -> Option<usize> {
    if matches.is_empty() {
        return None;
    }
    let key = |m: &Match| (m.line, m.start);
    if backward {
        let before = matches.partition_point(|m| {
            if inclusive {
                key(m) <= from
            } else {
                key(m) < from
            }
        });
        Some(before.checked_sub(1).unwrap_or(matches.len() - 1))
    } else {
        let after = matches.partition_point(|m| {
            if inclusive {
                key(m) < from
            } else {
                key(m) <= from
            }
        });
        Some(if after == matches.len() { 0 } else { after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(line: LineId, start: u16) -> Match {
        Match {
            line,
            start,
            end: start + 1,
        }
    }

    #[test]
    fn pick_moves_in_either_direction_and_wraps() {
        let matches = [hit(1, 0), hit(5, 2), hit(5, 8), hit(9, 0)];
        assert_eq!(pick(&matches, (5, 2), false, true), Some(1));
        assert_eq!(pick(&matches, (5, 2), false, false), Some(2));
        assert_eq!(
            pick(&matches, (9, 0), false, false),
            Some(0),
            "wraps to the top"
        );
        assert_eq!(pick(&matches, (5, 2), true, false), Some(0));
        assert_eq!(
            pick(&matches, (0, 0), true, true),
            Some(3),
            "wraps to the bottom"
        );
        assert_eq!(pick(&[], (0, 0), true, true), None);
    }
}
