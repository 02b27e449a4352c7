//! The scratchpad panel: a ratatui-textarea editor, where it sits beside or below the
//! panes, and what its title says. Pure state: no files, no clock.
//!
//! Text from outside (an agent's append or write, a compaction, an edit on disk) comes in
//! through [`Panel::set_text`], which applies only the lines that differ as edits, so the
//! person's cursor, selection and the rest of their text stay where they were. A cursor on
//! the last line follows the text as it grows, like `tail -f`.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Widget};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::merge::{self, Hunk};
use crate::ui::theme::Theme;

/// Where the panel goes relative to the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    #[default]
    Beside,
    Below,
}

/// Who changed the text last, for the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changer {
    Person,
    /// An agent, through the control socket, by pane name.
    Pane {
        name: String,
        appended: bool,
    },
    /// The file changed on disk (an agent edited it directly).
    Disk,
    /// Compaction moved old entries to the archive.
    Compaction,
    Summary,
}

/// Share of the screen the panel takes, in percent.
const MIN_PERCENT: u16 = 15;
const MAX_PERCENT: u16 = 80;
const DEFAULT_PERCENT: u16 = 35;
const STEP: u16 = 5;

pub struct Panel {
    editor: TextArea<'static>,
    pub visible: bool,
    pub focused: bool,
    pub placement: Placement,
    pub percent: u16,
    last: Option<(Changer, String)>,
    /// The search prompt's text while it is open.
    search: Option<String>,
    search_error: bool,
}

impl Default for Panel {
    fn default() -> Self {
        Panel::new()
    }
}

impl Panel {
    pub fn new() -> Panel {
        let mut editor = TextArea::default();
        editor.set_wrap_mode(WrapMode::WordOrGlyph);
        editor.set_cursor_line_style(Style::default());
        editor.set_placeholder_text("notes shared by everyone in the rally");
        let mut panel = Panel {
            editor,
            visible: false,
            focused: false,
            placement: Placement::Beside,
            percent: DEFAULT_PERCENT,
            last: None,
            search: None,
            search_error: false,
        };
        panel.set_focus(false);
        panel
    }

    /// Applies the theme's scratchpad slots to the editor.
    pub fn style(&mut self, theme: &Theme) {
        self.editor.set_style(theme.scratchpad);
        self.editor.set_selection_style(theme.selection);
        self.editor.set_search_style(theme.search_match);
    }

    pub fn set_focus(&mut self, focused: bool) {
        self.focused = focused;
        let cursor = if focused {
            Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            Style::default()
        };
        self.editor.set_cursor_style(cursor);
    }

    /// The whole text, exactly as the file holds it.
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Size of [`Panel::text`] in bytes.
    pub fn len(&self) -> usize {
        let lines = self.editor.lines();
        lines.iter().map(String::len).sum::<usize>() + lines.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn changed_by(&mut self, who: Changer, clock: String) {
        self.last = Some((who, clock));
    }

    /// A key for the editor; true when it changed the text.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        self.editor.input(key)
    }

    /// Inserts text at the cursor (a paste); true when anything was inserted.
    pub fn insert(&mut self, text: &str) -> bool {
        self.editor.insert_str(text)
    }

    /// The selected text, or all of it when nothing is selected.
    pub fn selection_or_all(&self) -> String {
        let Some(((r0, c0), (r1, c1))) = self.editor.selection_range() else {
            return self.text();
        };
        let lines = self.editor.lines();
        let byte = |row: usize, col: usize| {
            let line = &lines[row];
            line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
        };
        if r0 == r1 {
            return lines[r0][byte(r0, c0)..byte(r1, c1)].to_string();
        }
        let mut out = lines[r0][byte(r0, c0)..].to_string();
        for line in &lines[r0 + 1..r1] {
            out.push('\n');
            out.push_str(line);
        }
        out.push('\n');
        out.push_str(&lines[r1][..byte(r1, c1)]);
        out
    }

    /// Replaces the text with `new`, changing only the lines that differ and keeping the
    /// cursor and selection on the lines they were on. True when anything changed.
    pub fn set_text(&mut self, new: &str) -> bool {
        let old: Vec<String> = self.editor.lines().to_vec();
        let new_lines: Vec<&str> = new.split('\n').collect();
        let hunks = merge::diff(&old, &new_lines);
        if hunks.is_empty() {
            return false;
        }
        let cursor = self.editor.cursor();
        // Someone watching (not typing) on the last line keeps seeing the newest text.
        let following = cursor.0 + 1 == old.len() && !self.focused;
        // The selection's other end, which `cursor` is not.
        let anchor = self.editor.selection_range().map(|(start, end)| {
            if start == (cursor.0, cursor.1) {
                end
            } else {
                start
            }
        });
        let limit = usize::from(u16::MAX);
        if old.len() > limit || new_lines.len() > limit {
            // Too long to address with cursor jumps: start over (undo history is lost).
            self.rebuild(&new_lines);
            return true;
        }
        let yank = self.editor.yank_text();
        self.editor.cancel_selection();
        for hunk in hunks.iter().rev() {
            self.replace_lines(&old, hunk, &new_lines);
        }
        self.editor.set_yank_text(yank);
        let place = |(row, col): (usize, usize)| {
            let (row, kept) = merge::map_row(&hunks, row);
            (row, if kept { col } else { 0 })
        };
        if let Some(anchor) = anchor {
            self.jump(place(anchor));
            self.editor.start_selection();
        }
        if following && anchor.is_none() {
            self.editor.move_cursor(CursorMove::Bottom);
            self.editor.move_cursor(CursorMove::End);
        } else {
            self.jump(place((cursor.0, cursor.1)));
        }
        true
    }

    /// Starts over with `text` (no undo history), the cursor at its end.
    pub fn load(&mut self, text: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        self.rebuild(&lines);
        self.editor.move_cursor(CursorMove::End);
    }

    fn rebuild(&mut self, lines: &[&str]) {
        let mut editor =
            TextArea::new(lines.iter().map(std::string::ToString::to_string).collect());
        editor.set_wrap_mode(WrapMode::WordOrGlyph);
        editor.set_cursor_line_style(Style::default());
        editor.set_style(self.editor.style());
        editor.set_cursor_style(self.editor.cursor_style());
        editor.set_selection_style(self.editor.selection_style());
        editor.set_search_style(self.editor.search_style());
        editor.move_cursor(CursorMove::Bottom);
        self.editor = editor;
    }

    fn jump(&mut self, (row, col): (usize, usize)) {
        let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.editor
            .move_cursor(CursorMove::Jump(clamp(row), clamp(col)));
    }

    /// Replaces `old[h.old_start..h.old_end]` with `new[h.new_start..h.new_end]` through
    /// editor operations (so undo still works).
    fn replace_lines(&mut self, old: &[String], h: &Hunk, new: &[&str]) {
        let chars = |l: &String| l.chars().count();
        let removed: usize = old[h.old_start..h.old_end]
            .iter()
            .map(|l| chars(l) + 1)
            .sum();
        let inserted = new[h.new_start..h.new_end].join("\n");
        let has_new = h.new_end > h.new_start;
        if h.old_end < old.len() {
            // Whole lines with their line breaks, before a line that stays.
            self.jump((h.old_start, 0));
            self.editor.delete_str(removed);
            if has_new {
                self.editor.insert_str(format!("{inserted}\n"));
            }
        } else if h.old_start > 0 {
            // Up to the end: take the line break before the first line instead.
            self.jump((h.old_start - 1, chars(&old[h.old_start - 1])));
            self.editor.delete_str(removed);
            if has_new {
                self.editor.insert_str(format!("\n{inserted}"));
            }
        } else {
            self.jump((0, 0));
            self.editor.delete_str(removed.saturating_sub(1));
            self.editor.insert_str(inserted);
        }
    }

    /// The areas of the panes and of the panel within `area`; the panel's is empty when it
    /// is hidden or the screen is too small for it.
    pub fn split(&self, area: Rect) -> (Rect, Rect) {
        if !self.visible || area.width < 30 || area.height < 8 {
            return (area, Rect::default());
        }
        match self.placement {
            Placement::Beside => {
                let width = (area.width * self.percent / 100).clamp(16, area.width - 12);
                let panes = Rect {
                    width: area.width - width,
                    ..area
                };
                let panel = Rect {
                    x: area.x + panes.width,
                    width,
                    ..area
                };
                (panes, panel)
            }
            Placement::Below => {
                let height = (area.height * self.percent / 100).clamp(4, area.height - 4);
                let panes = Rect {
                    height: area.height - height,
                    ..area
                };
                let panel = Rect {
                    y: area.y + panes.height,
                    height,
                    ..area
                };
                (panes, panel)
            }
        }
    }

    /// Makes the panel bigger (`grow`) or smaller, within bounds.
    pub fn resize(&mut self, grow: bool) {
        self.percent = if grow {
            (self.percent + STEP).min(MAX_PERCENT)
        } else {
            self.percent.saturating_sub(STEP).max(MIN_PERCENT)
        };
    }

    pub fn toggle_placement(&mut self) {
        self.placement = match self.placement {
            Placement::Beside => Placement::Below,
            Placement::Below => Placement::Beside,
        };
    }

    /// Scrolls the view by `rows` (negative: up) without moving the text.
    pub fn scroll(&mut self, rows: i16) {
        self.editor
            .scroll(ratatui_textarea::Scrolling::Delta { rows, cols: 0 });
    }

    /// The title: size against the cap, and who changed the text last, made shorter
    /// (no name, then no time) until it fits in `width` columns.
    pub fn title(&self, cap: usize, width: usize) -> String {
        let size = format!("{}/{}", super::kib(self.len()), super::kib(cap));
        let who = self.last.as_ref().map(|(who, clock)| {
            let who = match who {
                Changer::Person => "edited by you".to_string(),
                Changer::Pane {
                    name,
                    appended: true,
                } => format!("{name} appended"),
                Changer::Pane { name, .. } => format!("written by {name}"),
                Changer::Disk => "changed on disk".to_string(),
                Changer::Compaction => "compacted".to_string(),
                Changer::Summary => "summarised".to_string(),
            };
            (who, clock)
        });
        let candidates = match &who {
            Some((who, clock)) => vec![
                format!(" scratchpad · {size} · {who} {clock} "),
                format!(" {size} · {who} {clock} "),
                format!(" {size} · {who} "),
            ],
            None => vec![format!(" scratchpad · {size} "), format!(" {size} ")],
        };
        let fits = |t: &String| t.chars().count() <= width;
        candidates
            .iter()
            .find(|t| fits(t))
            .or(candidates.last())
            .cloned()
            .unwrap_or_default()
    }

    /// Opens the search prompt, or searches on when it is open.
    pub fn search_start_or_next(&mut self) {
        match &self.search {
            None => self.search = Some(String::new()),
            Some(_) => {
                self.editor.search_forward(false);
            }
        }
    }

    pub fn searching(&self) -> bool {
        self.search.is_some()
    }

    /// Edits the search prompt: typing narrows the search as you go, enter jumps to the
    /// next match and closes the prompt, esc closes it and clears the highlight.
    pub fn search_key(&mut self, key: KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(query) = &mut self.search else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.search = None;
                let _ = self.editor.set_search_pattern("");
                return;
            }
            KeyCode::Enter => {
                self.editor.search_forward(false);
                self.search = None;
                return;
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Char(c) => query.push(c),
            _ => return,
        }
        let query = query.clone();
        self.search_error = self.editor.set_search_pattern(&query).is_err();
        if !self.search_error && !query.is_empty() {
            self.editor.search_forward(true);
        }
    }

    /// Draws the panel into `area` (its border included); `hint` goes on the bottom
    /// border while the panel has the keyboard.
    pub fn render(&self, buf: &mut Buffer, area: Rect, cap: usize, theme: &Theme, hint: &str) {
        if area.area() == 0 {
            return;
        }
        let border = if self.focused {
            theme.focused_border
        } else {
            theme.pane_border
        };
        let over = self.len() > cap;
        let mut block = Block::new()
            .borders(Borders::ALL)
            .border_type(if self.focused {
                BorderType::Thick
            } else {
                BorderType::Plain
            })
            .border_style(border)
            .title(Line::styled(
                self.title(cap, usize::from(area.width.saturating_sub(2))),
                if over { theme.notice } else { border },
            ));
        let footer = match &self.search {
            Some(query) if self.search_error => format!(" search: {query}▏ (not a valid pattern) "),
            Some(query) => format!(" search: {query}▏ enter: next · esc: close "),
            None if self.focused => format!(" {hint} "),
            None => String::new(),
        };
        if !footer.is_empty() {
            block = block.title_bottom(Line::styled(footer, border).right_aligned());
        }
        let inner = block.inner(area);
        block.render(area, buf);
        (&self.editor).render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn panel(text: &str) -> Panel {
        let mut p = Panel::new();
        p.set_text(text);
        p
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn set_text_reaches_any_target() {
        let cases = [
            ("", "a\nb\n"),
            ("a\nb\n", ""),
            ("a\nb\nc", "a\nx\nc"),
            ("a\nb\nc", "x\nb"),
            ("one\ntwo\n", "zero\none\ntwo\nthree\n"),
            ("é😀\nb", "é😀\nβ\n"),
            ("a\n\n\nb", "a\nb"),
        ];
        for (from, to) in cases {
            let mut p = panel(from);
            assert_eq!(p.text(), from);
            p.set_text(to);
            assert_eq!(p.text(), to, "{from:?} -> {to:?}");
            assert_eq!(p.len(), to.len());
        }
    }

    #[test]
    fn an_append_keeps_the_cursor_and_the_typing() {
        let mut p = panel("first\nsecond\n");
        p.editor.move_cursor(CursorMove::Top);
        p.input(key(KeyCode::Down));
        p.input(key(KeyCode::End));
        for c in " typing".chars() {
            p.input(key(KeyCode::Char(c)));
        }
        let appended = format!("{}[12:00:00 bob] hello\n", p.text());
        p.set_text(&appended);
        assert_eq!(p.text(), "first\nsecond typing\n[12:00:00 bob] hello\n");
        assert_eq!(p.editor.cursor(), (1, 13));
        p.input(key(KeyCode::Char('!')));
        assert_eq!(p.text(), "first\nsecond typing!\n[12:00:00 bob] hello\n");
    }

    #[test]
    fn a_cursor_on_the_last_line_follows_appends() {
        let mut p = panel("a\n");
        p.set_text("a\nb\n");
        assert_eq!(p.editor.cursor(), (2, 0));
    }

    #[test]
    fn typing_on_the_last_line_is_not_moved_by_an_append() {
        let mut p = panel("a\n");
        p.set_focus(true);
        p.editor.move_cursor(CursorMove::Bottom);
        for c in "mine".chars() {
            p.input(key(KeyCode::Char(c)));
        }
        p.set_text(&crate::scratchpad::appended(&p.text(), "[12:00:00 b] x\n"));
        assert_eq!(p.text(), "a\nmine\n[12:00:00 b] x\n");
        p.input(key(KeyCode::Char('!')));
        assert_eq!(p.text(), "a\nmine!\n[12:00:00 b] x\n");
    }

    #[test]
    fn a_change_above_moves_the_cursor_down_with_its_line() {
        let mut p = panel("a\nb\nc");
        p.editor.move_cursor(CursorMove::Jump(1, 1));
        p.set_text("new\na\nb\nc");
        assert_eq!(p.editor.cursor(), (2, 1));
    }

    #[test]
    fn undo_still_works_after_outside_changes() {
        let mut p = panel("a\n");
        p.editor.move_cursor(CursorMove::Top);
        p.input(key(KeyCode::Char('x')));
        assert_eq!(p.text(), "xa\n");
        p.set_text("xa\nappended\n");
        p.input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        p.input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(p.text(), "a\n");
    }

    #[test]
    fn copy_takes_the_selection_or_everything() {
        let mut p = panel("alpha\nbeta\ngamma");
        assert_eq!(p.selection_or_all(), "alpha\nbeta\ngamma");
        p.editor.move_cursor(CursorMove::Jump(0, 2));
        p.editor.start_selection();
        p.editor.move_cursor(CursorMove::Jump(1, 2));
        assert_eq!(p.selection_or_all(), "pha\nbe");
        p.set_text("top\nalpha\nbeta\ngamma");
        assert_eq!(p.selection_or_all(), "pha\nbe");
    }

    #[test]
    fn split_reserves_room_beside_or_below() {
        let area = Rect::new(0, 0, 100, 30);
        let mut p = Panel::new();
        assert_eq!(p.split(area), (area, Rect::default()));
        p.visible = true;
        let (panes, panel) = p.split(area);
        assert_eq!((panes.width + panel.width, panel.x), (100, panes.width));
        assert_eq!(panel.width, 35);
        p.toggle_placement();
        p.resize(true);
        let (panes, panel) = p.split(area);
        assert_eq!((panes.height + panel.height, panel.y), (30, panes.height));
        assert_eq!(panel.height, 12);
        for _ in 0..30 {
            p.resize(false);
        }
        assert_eq!(p.percent, MIN_PERCENT);
    }

    #[test]
    fn search_jumps_to_matches() {
        let mut p = panel("one\ntwo\nthree two");
        p.editor.move_cursor(CursorMove::Top);
        p.search_start_or_next();
        for c in "two".chars() {
            p.search_key(key(KeyCode::Char(c)));
        }
        assert_eq!(p.editor.cursor(), (1, 0));
        p.search_start_or_next();
        assert_eq!(p.editor.cursor(), (2, 6));
        p.search_key(key(KeyCode::Esc));
        assert!(!p.searching());
    }

    #[test]
    fn title_shows_size_cap_and_author() {
        let mut p = panel("hello");
        p.changed_by(
            Changer::Pane {
                name: "alice".into(),
                appended: true,
            },
            "12:00:01".into(),
        );
        assert_eq!(
            p.title(64 * 1024, 80),
            " scratchpad · 5 B/64 KiB · alice appended 12:00:01 "
        );
        assert_eq!(
            p.title(64 * 1024, 40),
            " 5 B/64 KiB · alice appended 12:00:01 "
        );
        assert_eq!(p.title(64 * 1024, 30), " 5 B/64 KiB · alice appended ");
    }
}
