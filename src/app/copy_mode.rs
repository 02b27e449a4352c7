//! Scroll / copy mode on one pane (`ctrl-] [`), holder or not: a cursor over the pane's
//! history, incremental search with every match highlighted, character and line
//! selections copied through [`crate::host::clipboard`]. A mouse drag selects in any mode.
//!
//! The view itself is the emulator's view offset, so the border's `[-N/M]` indicator and
//! the wheel work the same in and out of copy mode. Positions are history
//! [`LineId`]s, which stay on their text while the child keeps printing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::App;
use super::chrome::Mode;
use crate::host::clipboard::Copied;
use crate::input::action::Action;
use crate::input::keymap::Keymap;
use crate::input::keymap::{Chord, Mode as KeyMode};
use crate::pane::history::{self, History, LineId, Match, View};
use crate::pane::{Emulator, PaneId};
use crate::ui::layout::Divider;
use crate::ui::marks::{CopyMarks, Selection as MarkedSelection};

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

/// What a key or an action in copy mode asks of the app.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Stay,
    /// Stay, and tell the person this.
    Say(String),
    /// Leave copy mode; the view goes back to the live bottom.
    Leave,
    /// Copy this text to the clipboard, then leave.
    Copy(String),
    /// Leave, then carry out an action that is not copy mode's.
    Perform(Action),
}

impl CopyMode {
    /// Copy mode on `pane`, whose emulator is `emulator`: the cursor where the child's
    /// is, or mid-view when the view is scrolled back.
    pub(super) fn enter(pane: PaneId, emulator: &Emulator, from_mouse: bool) -> CopyMode {
        let view = View::of(emulator);
        let (row, col) = emulator.cursor_position();
        let live_top = view.dropped + view.kept as u64;
        let cursor = if view.offset == 0 {
            (live_top + u64::from(row), col)
        } else {
            (view.line_at(view.rows / 2), 0)
        };
        CopyMode {
            pane,
            cursor,
            selection: None,
            search: None,
            prompt: None,
            from_mouse,
        }
    }

    pub(super) fn pane(&self) -> PaneId {
        self.pane
    }

    /// A search is being typed.
    pub(super) fn is_prompting(&self) -> bool {
        self.prompt.is_some()
    }

    /// A key: the search prompt's while one is open, else the keymap's copy-mode action.
    pub(super) fn on_key(
        &mut self,
        key: KeyEvent,
        keymap: &Keymap,
        emulator: &mut Emulator,
    ) -> Outcome {
        if self.prompt.is_some() {
            return self.on_prompt_key(key, emulator);
        }
        match keymap.lookup(KeyMode::CopyMode, &key) {
            Some(action) => self.act(action, emulator),
            None => Outcome::Stay,
        }
    }

    /// Carries out `action` on this pane's history.
    pub(super) fn act(&mut self, action: Action, emulator: &mut Emulator) -> Outcome {
        let view = View::of(emulator);
        let (line, col) = self.cursor;
        let last_col = view.cols.saturating_sub(1);
        let page = u64::from(view.rows.saturating_sub(1).max(1));
        match action {
            Action::CursorUp => self.move_cursor(emulator, line.saturating_sub(1), col),
            Action::CursorDown => self.move_cursor(emulator, line + 1, col),
            Action::CursorLeft => self.move_cursor(emulator, line, col.saturating_sub(1)),
            Action::CursorRight => self.move_cursor(emulator, line, (col + 1).min(last_col)),
            Action::LineStart => self.move_cursor(emulator, line, 0),
            Action::LineEnd => {
                let end = visible_line(emulator, line).map_or(0, |text| history::text_end(&text));
                self.move_cursor(emulator, line, end.saturating_sub(1));
            }
            Action::PageUp => {
                emulator.set_view_offset(view.offset + page as usize);
                let line = line.saturating_sub(page).max(view.first());
                self.move_cursor(emulator, line, col);
            }
            Action::PageDown => {
                emulator.set_view_offset(view.offset.saturating_sub(page as usize));
                self.move_cursor(emulator, (line + page).min(view.last()), col);
            }
            Action::HistoryTop => self.move_cursor(emulator, view.first(), 0),
            Action::HistoryBottom => self.move_cursor(emulator, view.last(), 0),
            Action::SearchForward | Action::SearchBackward => {
                self.prompt = Some(Prompt {
                    search: Search {
                        query: String::new(),
                        backward: action == Action::SearchBackward,
                        matches: Vec::new(),
                        current: None,
                        searched: 0,
                    },
                    history: History::read(emulator),
                    origin: (self.cursor, view.offset),
                    before: self.search.take(),
                });
            }
            Action::SearchNext | Action::SearchPrev => {
                return self.next_match(emulator, action == Action::SearchPrev);
            }
            Action::BeginSelection | Action::BeginLineSelection => {
                let whole_lines = action == Action::BeginLineSelection;
                self.selection = match self.selection {
                    Some(s) if s.whole_lines == whole_lines => None,
                    Some(s) => Some(Selection { whole_lines, ..s }),
                    None => Some(Selection {
                        anchor: self.cursor,
                        whole_lines,
                    }),
                };
            }
            Action::CopySelection => {
                return match self.selected_text(emulator) {
                    Some(text) => Outcome::Copy(text),
                    None => Outcome::Say("nothing selected: v or V starts a selection".into()),
                };
            }
            Action::Cancel => return Outcome::Leave,
            // Any other command (help, quit, focus...) leaves copy mode first.
            other => return Outcome::Perform(other),
        }
        Outcome::Stay
    }

    /// The selected text, if something is selected.
    pub(super) fn selected_text(&self, emulator: &Emulator) -> Option<String> {
        let selection = self.selection?;
        let history = History::read(emulator);
        Some(history.text_between(selection.anchor, self.cursor, selection.whole_lines))
    }

    /// Puts the cursor on `line` (clamped to the history) and scrolls it into view.
    fn move_cursor(&mut self, emulator: &mut Emulator, line: LineId, col: u16) {
        let view = View::of(emulator);
        let line = line.clamp(view.first(), view.last());
        self.cursor = (line, col.min(view.cols.saturating_sub(1)));
        let offset = view.offset_showing(line);
        if offset != view.offset {
            emulator.set_view_offset(offset);
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent, emulator: &mut Emulator) -> Outcome {
        let Some(mut prompt) = self.prompt.take() else {
            return Outcome::Stay;
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => {
                self.cancel_prompt(emulator, prompt);
                return Outcome::Stay;
            }
            KeyCode::Enter => {
                let Search {
                    query,
                    searched,
                    current,
                    ..
                } = &prompt.search;
                let outcome = if current.is_none() && !query.is_empty() {
                    Outcome::Say(format!("{query:?} not found in the last {searched} lines"))
                } else {
                    Outcome::Stay
                };
                self.search = if query.is_empty() {
                    prompt.before
                } else {
                    Some(prompt.search)
                };
                return outcome;
            }
            KeyCode::Backspace if prompt.search.query.is_empty() => {
                self.cancel_prompt(emulator, prompt);
                return Outcome::Stay;
            }
            KeyCode::Backspace => {
                prompt.search.query.pop();
            }
            KeyCode::Char(c) if plain => prompt.search.query.push(c),
            _ => {}
        }
        self.search_as_typed(emulator, &mut prompt);
        self.prompt = Some(prompt);
        Outcome::Stay
    }

    fn cancel_prompt(&mut self, emulator: &mut Emulator, prompt: Prompt) {
        let (cursor, offset) = prompt.origin;
        self.cursor = cursor;
        self.search = prompt.before;
        emulator.set_view_offset(offset);
    }

    /// Incremental search: the first match from where the search opened, in its
    /// direction (wrapping); the view goes back there while nothing matches.
    fn search_as_typed(&mut self, emulator: &mut Emulator, prompt: &mut Prompt) {
        let search = &mut prompt.search;
        search.matches = history::search(&prompt.history, &search.query);
        search.searched = prompt.history.lines.len();
        let (from, offset) = prompt.origin;
        search.current = pick(&search.matches, from, search.backward, true);
        if let Some(hit) = search.current.map(|i| search.matches[i]) {
            self.show_match(emulator, hit);
        } else {
            self.cursor = from;
            emulator.set_view_offset(offset);
        }
    }

    /// `n` / `N`: the next match after the cursor, in (or against) the direction.
    fn next_match(&mut self, emulator: &mut Emulator, reverse: bool) -> Outcome {
        let Some(search) = self.search.as_mut() else {
            return Outcome::Say("no search yet: / or ? starts one".into());
        };
        let backward = search.backward != reverse;
        search.current = pick(&search.matches, self.cursor, backward, false);
        match search.current.map(|i| search.matches[i]) {
            Some(hit) => {
                self.show_match(emulator, hit);
                Outcome::Stay
            }
            None => Outcome::Say(format!("{:?} not found", search.query)),
        }
    }

    /// Puts the cursor on a match, centring it when it was out of view.
    fn show_match(&mut self, emulator: &mut Emulator, hit: Match) {
        self.cursor = (hit.line, hit.start);
        let view = View::of(emulator);
        if view.row_of(hit.line).is_none() {
            emulator.set_view_offset(view.offset_for(hit.line, view.rows / 2));
        }
    }

    /// A mouse press at `spot`: the cursor goes there and any selection is dropped.
    fn press(&mut self, spot: Spot) {
        self.selection = None;
        self.cursor = spot;
    }

    /// A drag to `spot` from `from`: the selection runs from there to here.
    fn drag_to(&mut self, from: Spot, spot: Spot) {
        self.cursor = spot;
        if self.selection.is_none() {
            self.selection = Some(Selection {
                anchor: from,
                whole_lines: false,
            });
        }
    }
}

impl CopyMode {
    /// What the status line says in copy mode.
    pub(super) fn status(&self) -> String {
        let copy = self;
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

    /// The cursor, the selection and every search match, for the frame to lay over the
    /// pane.
    pub(super) fn marks(&self) -> CopyMarks<'_> {
        let search = self
            .prompt
            .as_ref()
            .map(|p| &p.search)
            .or(self.search.as_ref());
        CopyMarks {
            matches: search.map_or(&[], |s| &s.matches[..]),
            current: search.and_then(|s| s.current.map(|i| s.matches[i])),
            selection: self.selection.map(|selection| MarkedSelection {
                from: selection.anchor,
                to: self.cursor,
                whole_lines: selection.whole_lines,
            }),
            cursor: self.cursor,
        }
    }
}

/// The text of `line` if it is on screen now.
fn visible_line(emulator: &Emulator, line: LineId) -> Option<String> {
    let row = View::of(emulator).row_of(line)?;
    emulator.view_row_text(row)
}

impl App {
    fn view(&self, pane: PaneId) -> View {
        View::of(&self.pane(pane).emulator())
    }

    fn set_offset(&self, pane: PaneId, offset: usize) {
        self.pane(pane).emulator().set_view_offset(offset);
    }

    /// Copy mode on the current pane, its cursor where the child's is.
    pub(super) fn enter_copy_mode(&mut self) {
        let pane = self.focus.pane();
        let Some(pane_ref) = self.slots.get(pane.index()).map(|s| &s.pane) else {
            return;
        };
        let copy = CopyMode::enter(pane, &pane_ref.emulator(), false);
        self.chrome.mode = Mode::Copy(Box::new(copy));
    }

    /// A copy-mode action bound outside copy mode (`ctrl-] pageup`): enter, then do it.
    pub(super) fn copy_mode_action(&mut self, action: Action) {
        if !matches!(self.chrome.mode, Mode::Copy(_)) {
            self.enter_copy_mode();
        }
        let Mode::Copy(copy) = &mut self.chrome.mode else {
            return;
        };
        let outcome = copy.act(action, &mut self.slots[copy.pane.index()].pane.emulator());
        self.copy_outcome(outcome);
    }

    /// Leaves copy mode (if on) and brings the pane back to its live bottom.
    pub(super) fn leave_copy_mode(&mut self) {
        if let Mode::Copy(copy) = &self.chrome.mode {
            let pane = copy.pane;
            self.chrome.mode = Mode::Normal;
            self.set_offset(pane, 0);
            self.frames.dirty = true;
        }
    }

    /// A key while copy mode has the keyboard.
    pub(super) fn on_copy_key(&mut self, key: KeyEvent) {
        let Mode::Copy(copy) = &mut self.chrome.mode else {
            return;
        };
        if !copy.is_prompting() && Chord::from_event(&key) == self.prefs.keymap.prefix() {
            // App commands work from copy mode; the view stays where it was.
            self.chrome.mode = Mode::Prefix;
            return;
        }
        let outcome = copy.on_key(
            key,
            &self.prefs.keymap,
            &mut self.slots[copy.pane.index()].pane.emulator(),
        );
        self.copy_outcome(outcome);
    }

    /// Carries out what copy mode answered.
    fn copy_outcome(&mut self, outcome: Outcome) {
        self.frames.dirty = true;
        match outcome {
            Outcome::Stay => {}
            Outcome::Say(text) => self.set_notice(text),
            Outcome::Leave => self.leave_copy_mode(),
            Outcome::Copy(text) => {
                self.copy_text(&text);
                self.leave_copy_mode();
            }
            Outcome::Perform(action) => {
                self.leave_copy_mode();
                self.perform(action);
            }
        }
    }

    /// Sends `text` to the clipboard and says where it went.
    fn copy_text(&mut self, text: &str) {
        let chars = text.chars().count();
        match self.host.clipboard.copy(text) {
            Copied::System => self.set_notice(format!("copied {chars} characters")),
            Copied::Osc52(bytes) => {
                self.host.out.extend_from_slice(&bytes);
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
        mouse: MouseEvent,
    ) -> bool {
        if !self.chrome.overlays.is_empty() || matches!(self.chrome.mode, Mode::Prefix) {
            return false;
        }
        let view = self.view(pane);
        let row = mouse.row.clamp(inner.y, inner.bottom().saturating_sub(1)) - inner.y;
        let col = mouse.column.clamp(inner.x, inner.right().saturating_sub(1)) - inner.x;
        let spot = (view.line_at(row), col);
        match (mouse.kind, self.tiling.drag) {
            (MouseEventKind::Down(MouseButton::Left), _) => {
                if !inner.contains((mouse.column, mouse.row).into()) {
                    return false;
                }
                self.tiling.drag = Some(Drag::Select { pane, from: spot });
                if let Mode::Copy(copy) = &mut self.chrome.mode
                    && copy.pane == pane
                {
                    copy.press(spot);
                    self.frames.dirty = true;
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
                let entered = match &self.chrome.mode {
                    Mode::Copy(copy) => copy.pane == pane,
                    _ => false,
                };
                if !entered {
                    self.leave_copy_mode();
                    let copy = CopyMode::enter(pane, &self.pane(pane).emulator(), true);
                    self.chrome.mode = Mode::Copy(Box::new(copy));
                }
                if let Mode::Copy(copy) = &mut self.chrome.mode {
                    copy.drag_to(from, spot);
                }
                self.frames.dirty = true;
                true
            }
            (MouseEventKind::Up(MouseButton::Left), Some(Drag::Select { .. })) => {
                self.tiling.drag = None;
                let selected = match &self.chrome.mode {
                    Mode::Copy(copy) => {
                        let text = copy.selected_text(&self.pane(copy.pane).emulator());
                        text.map(|text| (text, copy.from_mouse))
                    }
                    _ => None,
                };
                if let Some((text, from_mouse)) = selected {
                    self.copy_text(&text);
                    if from_mouse {
                        self.leave_copy_mode();
                    }
                }
                self.frames.dirty = true;
                true
            }
            _ => false,
        }
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
