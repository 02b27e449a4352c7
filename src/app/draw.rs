//! One frame: panes, borders, status line and overlays, inside a synchronized update.

use std::io::Write as _;
use std::time::{Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

use super::{App, Mode};
use crate::action::Action;
use crate::host_colours::{self, ColourDepth};
use crate::keymap::{Keymap, Mode as KeyMode};
use crate::layout;
use crate::rally_end::{EndReason, minutes};
use crate::terminal::{BEGIN_SYNC, END_SYNC, HostWriter};
use crate::ui::screen::{LinkRun, cursor_position, draw_view};
use crate::ui::{self, BatonBadge, PaneFrame, StatusLine};

/// The chords worth a place in the status line, in this order.
const HINTS: &[(Action, &str)] = &[
    (Action::PassWithNote, "pass"),
    (Action::TakeBaton, "take"),
    (Action::FocusNext, "next pane"),
    (Action::Help, "keys"),
    (Action::Quit, "quit"),
];

impl App {
    pub(super) fn render(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<HostWriter>>,
    ) -> anyhow::Result<()> {
        // ratatui draws at the size the tty reports now, which can be ahead of the resize
        // event still queued for us.
        let size = terminal.size()?;
        self.resize_to(size.width, size.height);
        self.test_panic_trigger();
        for pane in &self.panes {
            pane.take_dirty();
        }
        let now = Instant::now();
        let rects = self.pane_rects();
        let status = self.status_line(now);
        let mut cursor_style = None;
        let mut cursor = None;
        let mut skipped = false;
        let mut links = Vec::new();
        self.check_recorders();
        if std::mem::take(&mut self.full_redraw) {
            repaint_everything(terminal)?;
        }
        terminal.backend_mut().writer_mut().write_all(BEGIN_SYNC)?;
        let completed = terminal.draw(|frame| {
            let buf = frame.buffer_mut();
            for (id, rect) in rects.iter().enumerate() {
                if rect.area() == 0 {
                    continue;
                }
                let pane = &self.panes[id];
                let inner = layout::inner(*rect);
                let mut scroll = None;
                let copying = match &self.mode {
                    Mode::Copy(copy) if copy.pane() == id => Some(copy),
                    _ => None,
                };
                // Never wait for a pane's reader: a flooding child keeps its emulator busy,
                // and waiting would put every keystroke's echo behind that flood. A pane
                // that is busy right now shows its last picture and is drawn next frame.
                match pane.try_emulator() {
                    Some(emulator) => {
                        draw_view(buf, inner, &emulator, &mut links);
                        self.snapshots[id].capture(buf, inner);
                        if let Some(copy) = copying {
                            self.draw_copy_marks(buf, inner, &emulator, copy);
                        }
                        if emulator.view_offset() > 0 {
                            scroll = Some((emulator.view_offset(), emulator.history_len()));
                        }
                        if id == self.focus
                            && matches!(self.mode, Mode::Normal | Mode::Prefix | Mode::PassTo)
                            && let Some(position) = cursor_position(inner, &emulator)
                        {
                            cursor = Some(position);
                            cursor_style = Some(emulator.cursor_shape());
                        }
                    }
                    None => {
                        self.snapshots[id].restore(buf, inner);
                        skipped = true;
                    }
                }
                let mut state = match self.activity[id].state(now) {
                    crate::activity::State::Exited => pane.status().label(),
                    activity => match self.activity[id].spinner(now) {
                        Some(spinner) => format!("{} {spinner}", activity.name()),
                        None => activity.name().to_string(),
                    },
                };
                if let Some(why) = self.activity[id].attention() {
                    state = format!("{state} · ⚑ {}", why.reason());
                }
                if copying.is_some() {
                    state = format!("{state} · copy");
                }
                if let Some((back, len)) = scroll {
                    state = format!("{state} · [-{back}/{len}]");
                }
                let pane_frame = PaneFrame {
                    number: id + 1,
                    name: &pane.name,
                    command: &pane.command,
                    state,
                    running: pane.status().is_running(),
                    focused: id == self.focus,
                    badge: self.badge(id),
                    zoomed: self.zoomed,
                };
                ui::draw_pane_frame(buf, *rect, &pane_frame, &self.theme);
            }
            if let Some(position) = cursor {
                frame.set_cursor_position(position);
            }
            let area = frame.area();
            let status_area = Rect {
                y: area.bottom().saturating_sub(1),
                height: area.height.min(1),
                ..area
            };
            ui::draw_status(frame.buffer_mut(), status_area, &status, &self.theme);
            if let Some(reason) = &self.ended {
                let banner_area = Rect {
                    height: area.height.min(1),
                    ..area
                };
                ui::draw_banner(
                    frame.buffer_mut(),
                    banner_area,
                    &self.banner(reason),
                    &self.theme,
                );
            }
            self.draw_scratch(frame.buffer_mut());
            self.draw_overlay(frame.buffer_mut(), area);
            if let Mode::NoteEditor { editor, .. } = &self.mode {
                let popup = ui::popup_area(area, 80, 14);
                let to = self
                    .panes
                    .get(self.note_target())
                    .map_or("?", |p| p.name.as_str());
                let inner = ui::draw_popup(
                    frame.buffer_mut(),
                    popup,
                    &format!("handoff note to {to}"),
                    "ctrl-s sends · esc cancels",
                    &self.theme,
                );
                ratatui::widgets::Widget::render(&**editor, inner, frame.buffer_mut());
            }
            // Last, so that nothing drawn above (pane, theme or overlay) escapes it.
            if self.host_colours == ColourDepth::Palette256 {
                host_colours::fit_to_palette(frame.buffer_mut());
            }
        })?;
        let links = link_cells(completed.buffer, &links);
        write_links(terminal, &links)?;
        let writer = terminal.backend_mut().writer_mut();
        if let Some(shape) = cursor_style {
            write!(writer, "\x1b[{shape} q")?;
        }
        writer.write_all(END_SYNC)?;
        // Bells and notifications go after the frame, never inside it.
        writer.write_all(&std::mem::take(&mut self.host_out))?;
        writer.commit()?;
        // A pane skipped because its reader held it is drawn in the next frame.
        self.dirty = skipped;
        self.last_frame = Some(now);
        Ok(())
    }

    fn note_target(&self) -> usize {
        match &self.mode {
            Mode::NoteEditor { to, .. } => *to,
            _ => 0,
        }
    }

    fn badge(&self, id: usize) -> BatonBadge {
        match self.baton.holder() {
            Some(holder) if holder == id => BatonBadge::Holder {
                turn: self.baton.turn(),
                max_turns: self.baton.max_turns(),
            },
            Some(_) => BatonBadge::Locked,
            None => BatonBadge::Parked,
        }
    }

    fn status_line(&self, now: Instant) -> StatusLine {
        let mut baton = self.baton_summary();
        if self.screen_recording.is_on() {
            baton = format!("● REC  {baton}");
        }
        if let Some(in_turn) = self.baton.time_in_turn(now) {
            // The start time, not a ticking clock: an idle app must not wake to redraw it.
            let since = SystemTime::now() - in_turn;
            baton = format!("{baton} · since {}", clock_time(since));
        }
        let prefix = self.keymap.prefix();
        let message = match &self.mode {
            Mode::Prefix => Some(format!("{prefix} …")),
            Mode::PassTo => Some("pass the baton to pane number…".to_string()),
            Mode::ConfirmQuit => {
                Some("children are still running: quit and stop them? y/n".to_string())
            }
            Mode::Copy(copy) => Some(match &self.notice {
                Some((text, _)) if !copy.is_prompting() => text.clone(),
                _ => self.copy_status(copy),
            }),
            _ => self
                .notice
                .as_ref()
                .map(|(text, _)| text.clone())
                .or_else(|| self.attention_summary()),
        };
        let hints = HINTS
            .iter()
            .filter_map(|(action, label)| {
                let chord = self.keymap.chord_for(KeyMode::Prefix, *action)?;
                Some((format!("{prefix} {chord}"), (*label).to_string()))
            })
            .collect();
        let alert = self.overdue(now).then(|| {
            let limit = self.rules.turn_timeout.map(minutes).unwrap_or_default();
            format!("over {limit}")
        });
        StatusLine {
            baton,
            alert,
            message,
            hints,
        }
    }

    /// The line above the panes once the rally has ended.
    fn banner(&self, reason: &EndReason) -> String {
        let quit = self
            .keymap
            .chord_for(KeyMode::Prefix, Action::Quit)
            .map(|chord| format!("; {} {chord} quits", self.keymap.prefix()))
            .unwrap_or_default();
        format!(
            "■ Rally ended after turn {}: {reason}. The baton is parked; the panes stay open{quit}.",
            self.baton.turn()
        )
    }

    fn draw_overlay(&self, buf: &mut ratatui::buffer::Buffer, area: Rect) {
        if let Mode::Help = self.mode {
            ui::draw_help(buf, area, &help_sections(&self.keymap), &self.theme);
        }
    }
}

/// Makes the next frame repaint every cell (a recording must open on a whole picture).
/// `Terminal::clear` would do it, but it asks the host for the cursor position and blocks
/// on terminals that never answer; instead ratatui is shown a frame of cells no real
/// frame contains, whose bytes are thrown away, so its diff then covers everything.
fn repaint_everything(terminal: &mut Terminal<CrosstermBackend<HostWriter>>) -> anyhow::Result<()> {
    terminal.draw(|frame| {
        // Two base characters in one cell: a pane's cell holds one character and the
        // zero-width ones joined to it, so no real frame ever contains this.
        for cell in &mut frame.buffer_mut().content {
            cell.set_symbol("\u{e000}\u{e000}");
        }
    })?;
    let writer = terminal.backend_mut().writer_mut();
    writer.discard();
    // What ratatui now believes: cursor hidden; make it so, on a cleared screen.
    writer.write_all(b"\x1b[0m\x1b[?25l\x1b[2J")?;
    Ok(())
}

/// The help overlay's sections: every binding of the keymap, by mode, and nothing else.
fn help_sections(keymap: &Keymap) -> Vec<(String, Vec<(String, String)>)> {
    KeyMode::ALL
        .into_iter()
        .map(|mode| {
            let title = match mode {
                KeyMode::Normal => "without a prefix".to_string(),
                KeyMode::Prefix => format!("after the prefix {}", keymap.prefix()),
                KeyMode::NoteEditor => "in the note editor".to_string(),
                KeyMode::Scratchpad => "in the scratchpad".to_string(),
                KeyMode::CopyMode => "in copy mode".to_string(),
            };
            let rows = keymap
                .bindings(mode)
                .into_iter()
                .map(|(chord, action)| (chord.to_string(), action.desc()))
                .collect::<Vec<_>>();
            (title, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// A link's address and its cells (x, y, cell) as the frame drew them.
type DrawnLink = (String, Vec<(u16, u16, ratatui::buffer::Cell)>);

/// Each link run with its cells as the frame drew them.
fn link_cells(drawn: &ratatui::buffer::Buffer, links: &[LinkRun]) -> Vec<DrawnLink> {
    links
        .iter()
        .map(|link| {
            let cells = (link.x..link.x + link.width)
                .filter(|&x| {
                    drawn
                        .area
                        .contains(ratatui::layout::Position::new(x, link.y))
                })
                .map(|x| (x, link.y, drawn[(x, link.y)].clone()))
                .collect();
            (link.uri.clone(), cells)
        })
        .collect()
}

/// Sends the frame's hyperlinks: each run's cells again, as drawn, inside OSC 8. ratatui
/// cells cannot carry a link, and the host forgets one wherever a cell is rewritten, so
/// every frame that shows links sends them. The cursor is saved around it (DECSC/DECRC),
/// so the place ratatui left it holds.
fn write_links(
    terminal: &mut Terminal<CrosstermBackend<HostWriter>>,
    links: &[DrawnLink],
) -> anyhow::Result<()> {
    use ratatui::backend::Backend as _;
    if links.is_empty() {
        return Ok(());
    }
    let backend = terminal.backend_mut();
    backend.writer_mut().write_all(b"\x1b7")?;
    for (uri, cells) in links {
        write!(backend.writer_mut(), "\x1b]8;;{uri}\x1b\\")?;
        backend.draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell)))?;
        backend.writer_mut().write_all(b"\x1b]8;;\x1b\\")?;
    }
    backend.writer_mut().write_all(b"\x1b8")?;
    Ok(())
}

/// Local wall-clock time as HH:MM:SS.
fn clock_time(at: SystemTime) -> String {
    crate::local_time::hms(crate::local_time::unix_secs(at)).unwrap_or_else(|| "?".into())
}

impl App {
    /// Hidden, for the fault tests only: with `RALLISH_TEST_PANIC_ON=<text>` in the
    /// environment, rendering panics once a pane shows that text, so the tests can check
    /// that a panic restores the terminal and leaves no orphan.
    fn test_panic_trigger(&self) {
        static TRIGGER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let Some(text) = TRIGGER.get_or_init(|| std::env::var("RALLISH_TEST_PANIC_ON").ok()) else {
            return;
        };
        if self
            .panes
            .iter()
            .any(|p| p.emulator().contents().contains(text.as_str()))
        {
            panic!("test panic inside rendering (RALLISH_TEST_PANIC_ON)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(keymap: &Keymap) -> Vec<(String, String)> {
        let mut rows: Vec<_> = help_sections(keymap)
            .into_iter()
            .flat_map(|(_, rows)| rows)
            .collect();
        rows.sort();
        rows
    }

    fn bindings(keymap: &Keymap) -> Vec<(String, String)> {
        let mut all: Vec<_> = KeyMode::ALL
            .into_iter()
            .flat_map(|mode| keymap.bindings(mode))
            .map(|(chord, action)| (chord.to_string(), action.desc()))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn help_lists_exactly_the_active_keymap() {
        let user = "inherits = \"tmux\"\n[normal]\n\"alt-n\" = \"pass_next\"\n\
                    [copy_mode]\nq = \"cancel\"\n[prefix]\nz = \"none\"\n";
        let keymaps = [
            Keymap::builtin("default").and_then(Result::ok),
            Keymap::builtin("tmux").and_then(Result::ok),
            Keymap::parse_str(user, "user.toml").ok(),
        ];
        let mut seen = Vec::new();
        for keymap in keymaps.into_iter().map(Option::unwrap) {
            assert_eq!(rows(&keymap), bindings(&keymap));
            seen.push(help_sections(&keymap));
        }
        // Switching keymaps changes the overlay.
        assert_ne!(seen[0], seen[1]);
        assert_ne!(seen[1], seen[2]);
        let titles: Vec<_> = seen[2].iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "without a prefix",
                "after the prefix ctrl-b",
                "in the note editor",
                "in the scratchpad",
                "in copy mode"
            ]
        );
        assert!(
            !rows(&Keymap::parse_str(user, "u").unwrap())
                .iter()
                .any(|(c, _)| c == "z")
        );
    }
}
