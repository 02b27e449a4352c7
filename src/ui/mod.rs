//! Drawing only: every function here reads a view of the app and paints a buffer.

pub mod canvas;
pub mod frame;
pub mod layout;
pub mod marks;
pub mod screen;
pub mod theme;

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget};

use crate::ui::theme::Theme;

/// A pane's place in the rally, as its border shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatonBadge {
    /// Holds the baton in turn N (of an optional budget).
    Holder { turn: u32, max_turns: Option<u32> },
    /// View-only: someone else holds the baton.
    Locked,
    /// The rally is paused or ended; nobody holds it.
    Parked,
}

/// What a pane's border says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneFrame<'a> {
    pub number: usize,
    pub name: Cow<'a, str>,
    pub command: Cow<'a, str>,
    /// Its state's name ("busy", "idle", how it exited).
    pub state: String,
    /// The glyph that turns while it works.
    pub spinner: Option<&'static str>,
    /// What follows the state (" · ⚑ why", " · copy", the view's place in its history).
    pub detail: String,
    pub running: bool,
    pub focused: bool,
    pub badge: BatonBadge,
    pub zoomed: bool,
}

impl PaneFrame<'_> {
    /// A copy that borrows nothing, to compare the next frame's border with.
    pub fn to_kept(&self) -> PaneFrame<'static> {
        PaneFrame {
            name: Cow::Owned(self.name.to_string()),
            command: Cow::Owned(self.command.to_string()),
            state: self.state.clone(),
            detail: self.detail.clone(),
            ..*self
        }
    }

    /// Whether `before` said all this one says but for another spinner glyph.
    pub fn only_the_spinner_moved(&self, before: &PaneFrame) -> bool {
        self.spinner.is_some()
            && before.spinner.is_some()
            && self.spinner != before.spinner
            && (
                self.number,
                &self.name,
                &self.command,
                &self.state,
                &self.detail,
            ) == (
                before.number,
                &before.name,
                &before.command,
                &before.state,
                &before.detail,
            )
            && (self.running, self.focused, self.badge, self.zoomed)
                == (before.running, before.focused, before.badge, before.zoomed)
    }

    /// What decides the look of the border's lines (their style and weight), as opposed
    /// to what its title says.
    pub fn look(&self) -> (bool, u8) {
        let badge = match self.badge {
            BatonBadge::Holder { .. } => 0,
            BatonBadge::Locked => 1,
            BatonBadge::Parked => 2,
        };
        (self.focused, badge)
    }
}

/// A pane's border as one block: its style, weight and titles.
fn pane_block(rect: Rect, frame: &PaneFrame, theme: &Theme) -> (Block<'static>, Style, BorderType) {
    let border_style = border_style(frame, theme);
    let (title, badge) = titles(rect, frame, theme);
    let border_type = if frame.focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(border_style)
        .title(Line::from(title))
        .title_top(Line::from(badge).right_aligned());
    (block, border_style, border_type)
}

fn border_style(frame: &PaneFrame, theme: &Theme) -> Style {
    match (frame.badge, frame.focused) {
        (BatonBadge::Holder { .. }, _) => theme.holder_border,
        (_, true) => theme.focused_border,
        (BatonBadge::Locked, false) => theme.locked_border,
        (BatonBadge::Parked, false) => theme.pane_border,
    }
}

/// The top edge's titles: on the left the pane's number and name, its command and its
/// state (the last span); on the right the baton badge.
fn titles(rect: Rect, frame: &PaneFrame, theme: &Theme) -> (Vec<Span<'static>>, Span<'static>) {
    let badge = match frame.badge {
        BatonBadge::Holder { turn, max_turns } => {
            let turn = match max_turns {
                Some(max) => format!("turn {turn}/{max}"),
                None => format!("turn {turn}"),
            };
            Span::styled(
                format!(" {} baton · {turn} ", theme.baton_symbol),
                theme.baton_glyph,
            )
        }
        BatonBadge::Locked => Span::styled(" ⊘ view-only ", theme.locked_border),
        BatonBadge::Parked => Span::styled(" parked ", theme.pane_border),
    };
    let name = Span::styled(
        format!(" {} {} ", frame.number, frame.name),
        border_style(frame, theme),
    );
    let state_style = if frame.running {
        theme.pane_border
    } else {
        theme.exited
    };
    let zoom = if frame.zoomed { "· zoom " } else { "" };
    let spinner = frame
        .spinner
        .map(|glyph| format!(" {glyph}"))
        .unwrap_or_default();
    let state = Span::styled(
        format!("· {}{spinner}{} {zoom}", frame.state, frame.detail),
        state_style,
    );
    // The command is the part that gives way when the border is short: name, state and
    // baton badge must always be readable.
    let fixed = name.width() + state.width() + badge.width() + 3;
    let room = usize::from(rect.width).saturating_sub(fixed);
    let mut title = vec![name];
    if room > 4 {
        title.push(Span::styled(
            format!("{} ", truncate(&frame.command, room - 1)),
            theme.pane_border,
        ));
    }
    title.push(state);
    (title, badge)
}

/// The column of the spinner glyph on the top edge of a pane at `rect`, when the titles
/// fit whole (the block then sets them down where they are measured here).
pub fn spinner_column(rect: Rect, frame: &PaneFrame, theme: &Theme) -> Option<u16> {
    frame.spinner?;
    let (title, badge) = titles(rect, frame, theme);
    let width: usize = title.iter().map(Span::width).sum();
    if width + badge.width() + 2 > usize::from(rect.width) {
        return None;
    }
    let before_state: usize = title[..title.len() - 1].iter().map(Span::width).sum();
    // "· ", the state's name, a space: the glyph comes next.
    let offset = before_state + 2 + unicode_width::UnicodeWidthStr::width(frame.state.as_str()) + 1;
    u16::try_from(offset).ok().map(|offset| rect.x + 1 + offset)
}

/// Draws a pane's border with its title line; returns nothing, the inner area is
/// `layout::inner(rect)`.
pub fn draw_pane_frame(
    buf: &mut Buffer,
    rect: Rect,
    frame: &PaneFrame,
    theme: &Theme,
    part: BorderPart,
) {
    if let BorderPart::Spinner(x) = part {
        // The cell keeps its style: only the glyph turned.
        if let Some(cell) = buf.cell_mut((x, rect.y)) {
            cell.set_symbol(frame.spinner.unwrap_or(" "));
        }
        return;
    }
    let (block, border_style, border_type) = pane_block(rect, frame, theme);
    let top = Rect {
        height: rect.height.min(1),
        ..rect
    };
    if part == BorderPart::Top || rect.height < 2 {
        // The top edge alone (a spinner, a state): the block without a bottom edge,
        // straight onto the row.
        block
            .borders(Borders::TOP | Borders::LEFT | Borders::RIGHT)
            .render(top, buf);
        return;
    }
    // A block paints (and restyles) every cell it encloses; a pane's border is only its
    // edges, so the top and bottom rows are painted on a two-row strip and the sides
    // cell by cell: the cost follows the border's length, not the pane's area.
    let strip = Rect {
        height: rect.height.min(2),
        ..rect
    };
    let mut edges = Buffer::empty(strip);
    block.render(strip, &mut edges);
    copy_row(&edges, strip.y, buf, rect.y);
    copy_row(&edges, strip.y + 1, buf, rect.bottom() - 1);
    let set = border_type.to_border_set();
    for y in rect.y + 1..rect.bottom() - 1 {
        for (x, symbol) in [
            (rect.x, set.vertical_left),
            (rect.right() - 1, set.vertical_right),
        ] {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.reset();
                cell.set_symbol(symbol).set_style(border_style);
            }
        }
    }
}

/// Which of a pane's border to paint: all of it, or only its top edge (where the title
/// is), when nothing else about it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BorderPart {
    All,
    Top,
    /// The spinner's cell on the top edge, at this column: nothing else changed.
    Spinner(u16),
}

/// Copies row `from_y` of `from` over row `to_y` of `to`, where both buffers have it.
fn copy_row(from: &Buffer, from_y: u16, to: &mut Buffer, to_y: u16) {
    let area = from.area;
    for x in area.left()..area.right() {
        if let Some(cell) = to.cell_mut((x, to_y)) {
            cell.clone_from(&from[(x, from_y)]);
        }
    }
}

/// The bottom line: who holds the baton, then a notice or prompt, then key hints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusLine {
    pub baton: String,
    /// Something the person should look at now (a turn over its timeout).
    pub alert: Option<String>,
    pub message: Option<String>,
    /// Shared: the line is built every frame, and the keymap's hints never change.
    pub hints: std::rc::Rc<[(String, String)]>,
}

pub fn draw_status(buf: &mut Buffer, area: Rect, status: &StatusLine, theme: &Theme) {
    // The row keeps the last line's cells (frames paint only what changed): a shorter
    // line must not leave the end of a longer one behind.
    Clear.render(area, buf);
    buf.set_style(area, theme.status_bar);
    let mut spans = vec![Span::styled(
        format!(" {} ", status.baton),
        theme.status_key,
    )];
    if let Some(alert) = &status.alert {
        spans.push(Span::styled(format!(" ⏰ {alert} "), theme.notice));
    }
    if let Some(message) = &status.message {
        spans.push(Span::styled(format!(" {message} "), theme.notice));
    }
    spans.push(Span::styled("  ", theme.status_bar));
    for (chord, what) in status.hints.iter() {
        spans.push(Span::styled(chord.clone(), theme.status_key));
        spans.push(Span::styled(format!(" {what}  "), theme.status_bar));
    }
    Line::from(spans).render(area, buf);
}

/// One full-width line saying why the rally ended.
pub fn draw_banner(buf: &mut Buffer, area: Rect, text: &str, theme: &Theme) {
    Clear.render(area, buf);
    buf.set_style(area, theme.notice);
    Line::from(Span::styled(format!(" {text}"), theme.notice)).render(area, buf);
}

/// A centred popup of `width` x `height` (clamped to the screen) with a title.
pub fn popup_area(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// Clears `area` and draws a bordered popup frame; returns its inner area.
pub fn draw_popup(buf: &mut Buffer, area: Rect, title: &str, footer: &str, theme: &Theme) -> Rect {
    Clear.render(area, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .style(theme.popup)
        .title(format!(" {title} "))
        .title_bottom(Line::from(format!(" {footer} ")).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Width of one column of the help overlay.
const HELP_COLUMN: u16 = 46;

/// The help overlay: every binding of the active keymap, generated from it. When the
/// list is taller than the screen it flows into more columns, side by side.
pub fn draw_help(
    buf: &mut Buffer,
    screen: Rect,
    sections: &[(String, Vec<(String, String)>)],
    theme: &Theme,
) {
    let mut text = Vec::new();
    for (title, rows) in sections {
        text.push(Line::styled(title.clone(), theme.status_key));
        for (chord, what) in rows {
            text.push(Line::from(vec![
                Span::styled(format!("  {chord:<12}"), theme.status_key),
                Span::styled(what.clone(), theme.popup),
            ]));
        }
        text.push(Line::default());
    }
    text.pop();
    let room = usize::from(screen.height.saturating_sub(2).max(1));
    let columns = text.len().div_ceil(room).max(1) as u16;
    let height = text.len().min(room) as u16 + 2;
    let area = popup_area(screen, HELP_COLUMN * columns + 2, height);
    let inner = draw_popup(buf, area, "keys", "esc closes", theme);
    let width = inner.width / columns;
    for (i, chunk) in text.chunks(room).enumerate() {
        let column = Rect {
            x: inner.x + width * i as u16,
            width,
            ..inner
        };
        Paragraph::new(chunk.to_vec())
            .style(theme.popup)
            .render(column, buf);
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A style for plain popup text (kept here so callers need no theme internals).
pub fn popup_style(theme: &Theme) -> Style {
    theme.popup
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(state: &str, focused: bool, badge: BatonBadge) -> PaneFrame<'static> {
        PaneFrame {
            number: 1,
            name: "a".into(),
            command: "claude --continue".into(),
            state: state.to_string(),
            spinner: None,
            detail: String::new(),
            running: true,
            focused,
            badge,
            zoomed: false,
        }
    }

    fn busy(spinner: &'static str, focused: bool, badge: BatonBadge) -> PaneFrame<'static> {
        PaneFrame {
            spinner: Some(spinner),
            ..frame("busy", focused, badge)
        }
    }

    const SCREEN: Rect = Rect::new(0, 0, 40, 12);
    const PANE: Rect = Rect::new(2, 1, 30, 9);

    #[test]
    fn the_edges_alone_paint_what_a_block_over_the_pane_paints() {
        let theme = Theme::builtin("default").unwrap().unwrap();
        for (focused, badge) in [
            (
                true,
                BatonBadge::Holder {
                    turn: 3,
                    max_turns: Some(20),
                },
            ),
            (false, BatonBadge::Locked),
            (true, BatonBadge::Parked),
        ] {
            let frame = busy("⠴", focused, badge);
            let mut block = Buffer::empty(SCREEN);
            pane_block(PANE, &frame, &theme).0.render(PANE, &mut block);
            let mut edges = Buffer::empty(SCREEN);
            draw_pane_frame(&mut edges, PANE, &frame, &theme, BorderPart::All);
            assert_eq!(edges, block, "{frame:?}");
        }
    }

    #[test]
    fn a_new_title_on_the_top_edge_gives_the_whole_border_with_it() {
        let theme = Theme::builtin("default").unwrap().unwrap();
        let holder = BatonBadge::Holder {
            turn: 3,
            max_turns: None,
        };
        for (focused, badge) in [
            (true, holder),
            (false, holder),
            (false, BatonBadge::Locked),
            (true, BatonBadge::Parked),
        ] {
            let mut updated = Buffer::empty(SCREEN);
            let busy = busy("⠴", focused, badge);
            draw_pane_frame(&mut updated, PANE, &busy, &theme, BorderPart::All);
            let idle = frame("idle", focused, badge);
            draw_pane_frame(&mut updated, PANE, &idle, &theme, BorderPart::Top);
            let mut fresh = Buffer::empty(SCREEN);
            draw_pane_frame(&mut fresh, PANE, &idle, &theme, BorderPart::All);
            assert_eq!(updated, fresh, "{idle:?}");
        }
    }

    const WIDE_SCREEN: Rect = Rect::new(0, 0, 80, 12);
    const WIDE: Rect = Rect::new(2, 1, 70, 9);

    #[test]
    fn a_turned_spinner_alone_leaves_the_border_as_drawing_it_anew_would() {
        let theme = Theme::builtin("default").unwrap().unwrap();
        let holder = BatonBadge::Holder {
            turn: 3,
            max_turns: Some(9),
        };
        for (focused, badge, detail) in [
            (true, holder, ""),
            (false, BatonBadge::Locked, " · ⚑ asks"),
            (true, BatonBadge::Parked, " · copy"),
        ] {
            let before = PaneFrame {
                detail: detail.into(),
                ..busy("⠴", focused, badge)
            };
            let after = PaneFrame {
                spinner: Some("⠦"),
                ..before.clone()
            };
            assert!(after.only_the_spinner_moved(&before));
            let x = spinner_column(WIDE, &after, &theme).expect("the titles fit");
            let mut turned = Buffer::empty(WIDE_SCREEN);
            draw_pane_frame(&mut turned, WIDE, &before, &theme, BorderPart::All);
            assert_eq!(turned[(x, WIDE.y)].symbol(), "⠴", "{before:?}");
            draw_pane_frame(&mut turned, WIDE, &after, &theme, BorderPart::Spinner(x));
            let mut fresh = Buffer::empty(WIDE_SCREEN);
            draw_pane_frame(&mut fresh, WIDE, &after, &theme, BorderPart::All);
            assert_eq!(turned, fresh, "{after:?}");
        }
        // Titles cut short: the glyph's place is not known, and the edge is redrawn.
        let narrow = Rect::new(2, 1, 16, 9);
        assert_eq!(
            spinner_column(narrow, &busy("⠴", true, holder), &theme),
            None
        );
        let idle = frame("idle", true, holder);
        assert!(!idle.only_the_spinner_moved(&busy("⠴", true, holder)));
    }
}
