//! One frame: panes, borders, status line and overlays, inside a synchronized update.

use std::time::{Instant, SystemTime};

use ratatui::Terminal;
use ratatui::layout::{Position, Rect};

use super::{App, Focus, Layers};
use crate::host::backend::Host;
use crate::host::colours::{self, ColourDepth};
use crate::host::terminal::{BEGIN_SYNC, END_SYNC};
use crate::input::action::Action;
use crate::pane::PaneId;
use crate::pane::emulator::Damage;
use crate::rally::end::{EndReason, minutes};
use crate::ui::canvas::Canvas;
use crate::ui::layout;
use crate::ui::marks::draw_copy_marks;
use crate::ui::screen::{LinkRun, cursor_position, draw_stretch, draw_view};
use crate::ui::{self, BatonBadge, BorderPart, PaneFrame, StatusLine};

/// The chords worth a place in the status line, in this order.
const HINTS: &[(Action, &str)] = &[
    (Action::PassWithNote, "pass"),
    (Action::TakeBaton, "take"),
    (Action::FocusNext, "next pane"),
    (Action::Help, "keys"),
    (Action::Quit, "quit"),
];

/// A pane's border as last painted: what decides its lines' look (its place, its style)
/// and everything it says.
pub(super) struct BorderDrawn {
    rect: Rect,
    frame: ui::PaneFrame<'static>,
}

/// The host terminal's cursor as a frame left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HostCursor {
    /// No frame has gone out yet.
    Unknown,
    Hidden,
    /// Shown, at a position and in a shape (DECSCUSR's number).
    At(Position, u8),
}

impl HostCursor {
    fn of(cursor: Option<(Position, u8)>) -> HostCursor {
        cursor.map_or(HostCursor::Hidden, |(at, shape)| HostCursor::At(at, shape))
    }
}

/// Whether a frame is wanted, and what the last frames left behind, so the next one
/// paints only what changed.
pub(super) struct Frames {
    /// Something the person works with changed: a frame is wanted at the full rate.
    pub(super) dirty: bool,
    /// The pane that last received a keystroke, and when: its echo is drawn at once.
    pub(super) last_keystroke: Option<(PaneId, Instant)>,
    /// The picture on the host and what changed in it (see [`Canvas`]).
    pub(super) canvas: Canvas,
    /// What covered the panes and where they were in the last frame.
    pub(super) layers: Option<Layers>,
    /// Each pane's border as last painted (its title's text and looks).
    pub(super) borders: std::collections::HashMap<PaneId, BorderDrawn>,
    /// The status line as last painted.
    pub(super) status: Option<StatusLine>,
    /// The status line's chord hints, from the keymap.
    pub(super) hints: std::cell::OnceCell<Vec<(String, String)>>,
    /// When the turn in the status line started, and that time as the line shows it.
    pub(super) turn_clock: Option<(Option<Instant>, String)>,
    /// When the last frame went out.
    pub(super) last: Option<Instant>,
    /// A background pane has output a frame must show (see [`super::pacing`]).
    pub(super) background: bool,
    /// When the last frame that painted the background panes went out.
    pub(super) last_background: Option<Instant>,
    /// The next frame must repaint everything (a recording just started).
    pub(super) whole: bool,
    /// The host's cursor as the last frame left it.
    pub(super) cursor: HostCursor,
    /// What the host terminal shows; frames are fitted to it before they go out.
    pub(super) colours: ColourDepth,
}

impl App {
    pub(super) fn render<B: Host>(&mut self, terminal: &mut Terminal<B>) -> anyhow::Result<()>
    where
        B::Error: Send + Sync + 'static,
    {
        // Drawn at the size the tty reports now, which can be ahead of the resize event
        // still queued for us.
        let size = terminal.backend_mut().size_now()?;
        self.resize_to(size.width, size.height);
        #[cfg(feature = "test-hooks")]
        self.test_panic_trigger();
        let now = Instant::now();
        let area = Rect::new(0, 0, size.width, size.height);
        // Out of `self` while painting, so the painters can borrow the rest of it.
        let mut canvas = std::mem::replace(&mut self.frames.canvas, Canvas::new(Rect::default()));
        canvas.resize(area);
        self.check_recorders();
        let clear_host = std::mem::take(&mut self.frames.whole);
        if clear_host {
            // A recording must open on a whole picture: clear the host and send it all.
            canvas.forget_shown();
        }
        let rects = self.pane_rects();
        // Overlays and popups cover the panes: while one shows, and when the layout
        // changes, every cell is painted again, as ratatui would.
        let layers = Layers {
            rects: rects.clone(),
            covered: self.end.reason.is_some() || self.chrome.covers_panes(),
            size: area,
        };
        let whole =
            canvas.is_whole() || layers.covered || self.frames.layers.as_ref() != Some(&layers);
        if whole {
            canvas.buffer_mut().reset();
            canvas.invalidate();
            self.frames.borders.clear();
            self.frames.status = None;
        }
        self.frames.layers = Some(layers);
        let mut cursor = None;
        let mut skipped = false;
        let mut links = Vec::new();
        // Background panes keep their output for the next background frame, unless
        // this frame is one (see [`super::pacing`]).
        let background = whole || self.background_due(now);
        for (id, rect) in rects.iter().enumerate() {
            let id = PaneId::new(id);
            if rect.area() == 0 {
                continue;
            }
            let pane = &self.slots[id.index()].pane;
            let inner = layout::inner(*rect);
            let mut scroll = None;
            let copying = self.chrome.copying(id);
            let waits_for_background = !background && copying.is_none() && self.paced(id);
            // Never wait for a pane's reader: a flooding child keeps its emulator busy,
            // and waiting would put every keystroke's echo behind that flood. A pane that
            // is busy right now keeps its last picture, border included (how far back its
            // view is cannot be read), and is drawn next frame. A whole frame starts from
            // a blank picture, so it waits (a slice's parse, handed over fairly): a pane
            // left out would show blank until its next whole repaint.
            let emulator = if whole {
                Some(pane.emulator())
            } else {
                pane.try_emulator()
            };
            match emulator {
                Some(emulator) if waits_for_background => {
                    if emulator.view_offset() > 0 {
                        scroll = Some((emulator.view_offset(), emulator.history_len()));
                    }
                }
                Some(mut emulator) => {
                    let damage = emulator.take_damage();
                    let rows = match damage {
                        // Copy mode marks cells and a scrolled-back view can show archived
                        // rows: those are painted whole.
                        _ if whole || copying.is_some() || emulator.view_offset() > 0 => {
                            Damage::Whole
                        }
                        damage => damage,
                    };
                    match rows {
                        Damage::Whole => {
                            let buf = canvas.buffer_mut();
                            draw_view(buf, inner, &emulator, &mut links);
                            if let Some(copy) = copying {
                                let marks = copy.marks();
                                draw_copy_marks(buf, inner, &emulator, &marks, &self.prefs.theme);
                            }
                            canvas.damage(inner);
                        }
                        Damage::Rows(rows) => {
                            for stretch in rows {
                                let buf = canvas.buffer_mut();
                                draw_stretch(buf, inner, &emulator, stretch, &mut links);
                                let (row, from, to) = stretch;
                                if row < inner.height {
                                    canvas.damage_row(
                                        inner.y + row,
                                        inner.x + from.saturating_sub(1),
                                        inner.x + to.min(inner.width),
                                    );
                                }
                            }
                        }
                    }
                    if emulator.view_offset() > 0 {
                        scroll = Some((emulator.view_offset(), emulator.history_len()));
                    }
                    if self.shows_cursor_of(id)
                        && let Some(position) = cursor_position(inner, &emulator)
                    {
                        cursor = Some((position, emulator.cursor_shape()));
                    }
                }
                None if waits_for_background => continue,
                None => {
                    skipped = true;
                    continue;
                }
            }
            let pane_frame = self.pane_frame(id, now, copying.is_some(), scroll);
            // A border is painted again only when something on it changed, and only its
            // top edge when that is all that changed (a spinner, a state, a turn).
            let part = match self.frames.borders.get(&id) {
                Some(before) if before.rect == *rect && before.frame == pane_frame => None,
                Some(before)
                    if before.rect == *rect && before.frame.look() == pane_frame.look() =>
                {
                    Some(BorderPart::Top)
                }
                _ => Some(BorderPart::All),
            };
            if let Some(part) = part {
                let buf = canvas.buffer_mut();
                ui::draw_pane_frame(buf, *rect, &pane_frame, &self.prefs.theme, part);
                let [top, rest @ ..] = layout::edges(*rect);
                canvas.damage(top);
                if part == BorderPart::All {
                    for edge in rest {
                        canvas.damage(edge);
                    }
                }
                let drawn = BorderDrawn {
                    rect: *rect,
                    frame: pane_frame.to_kept(),
                };
                self.frames.borders.insert(id, drawn);
            }
        }
        let status = self.status_line(now);
        if self.frames.status.as_ref() != Some(&status) {
            let status_area = Rect {
                y: area.bottom().saturating_sub(1),
                height: area.height.min(1),
                ..area
            };
            ui::draw_status(canvas.buffer_mut(), status_area, &status, &self.prefs.theme);
            canvas.damage(status_area);
            self.frames.status = Some(status);
        }
        let scratch = self.scratch_rect();
        if scratch.area() > 0 {
            self.draw_scratch(canvas.buffer_mut());
            canvas.damage(scratch);
        }
        if whole {
            self.draw_covering_layers(canvas.buffer_mut(), area);
        }
        let links = link_cells(canvas.buffer_mut(), &links);
        self.frames.canvas = canvas;
        let updates = self.frames.canvas.updates();
        // Last, so that nothing drawn (pane, theme or overlay) escapes it.
        if self.frames.colours == ColourDepth::Palette256 {
            for (_, _, cell) in updates.iter_mut() {
                colours::fit_cell(cell);
            }
        }
        let backend = terminal.backend_mut();
        // A frame that changes nothing the host shows is not sent: a timer's frame (a
        // notice's end, a look at the scratchpad file) often does not.
        let unchanged = !clear_host
            && updates.is_empty()
            && links.is_empty()
            && self.frames.cursor == HostCursor::of(cursor);
        if !unchanged {
            if clear_host {
                backend.raw(b"\x1b[0m\x1b[2J")?;
            }
            backend.raw(BEGIN_SYNC)?;
            backend.draw(updates.iter().map(|(x, y, cell)| (*x, *y, cell)))?;
            write_links(backend, &links)?;
            match cursor {
                Some((position, shape)) => {
                    backend.set_cursor_position(position)?;
                    backend.show_cursor()?;
                    backend.raw(format!("\x1b[{shape} q").as_bytes())?;
                }
                None => backend.hide_cursor()?,
            }
            backend.raw(END_SYNC)?;
            self.frames.cursor = HostCursor::of(cursor);
        }
        // Bells and notifications go after the frame, never inside it.
        backend.raw(&std::mem::take(&mut self.host.out))?;
        backend.commit()?;
        // A pane skipped because its reader held it is drawn in the next frame.
        self.frames.dirty = skipped;
        self.frames.last = Some(now);
        if background {
            self.frames.last_background = Some(now);
            self.frames.background = false;
        }
        Ok(())
    }

    /// Whether the frame shows pane `id`'s own cursor: the keyboard is in it, in no mode
    /// of the app's own, and nothing covers it.
    fn shows_cursor_of(&self, id: PaneId) -> bool {
        self.focus == Focus::Pane(id) && self.chrome.keeps_pane_cursor()
    }

    /// What pane `id`'s border says: its state (with a spinner while it works, a flag
    /// when it needs the person, copy mode, how far back the view is) and its place in
    /// the rally.
    fn pane_frame(
        &self,
        id: PaneId,
        now: Instant,
        copying: bool,
        scroll: Option<(usize, usize)>,
    ) -> PaneFrame<'_> {
        let pane = self.pane(id);
        let activity = &self.slots[id.index()].activity;
        let mut state = match activity.state(now) {
            crate::pane::activity::State::Exited => pane.status().label(),
            state => match activity.spinner(now) {
                Some(spinner) => format!("{} {spinner}", state.name()),
                None => state.name().to_string(),
            },
        };
        if let Some(why) = activity.attention() {
            state = format!("{state} · ⚑ {}", why.reason());
        }
        if copying {
            state = format!("{state} · copy");
        }
        if let Some((back, len)) = scroll {
            state = format!("{state} · [-{back}/{len}]");
        }
        PaneFrame {
            number: id.number(),
            name: pane.name.as_str().into(),
            command: pane.command.as_str().into(),
            state,
            running: pane.status().is_running(),
            focused: self.focus == Focus::Pane(id),
            badge: self.badge(id),
            zoomed: self.tiling.zoomed,
        }
    }

    /// The ended banner, the help overlay and the note editor, over everything else.
    fn draw_covering_layers(&self, buf: &mut ratatui::buffer::Buffer, area: Rect) {
        if let Some(reason) = &self.end.reason {
            let banner_area = Rect {
                height: area.height.min(1),
                ..area
            };
            ui::draw_banner(buf, banner_area, &self.banner(reason), &self.prefs.theme);
        }
        let names: Vec<&str> = self.slots.iter().map(|s| s.pane.name.as_str()).collect();
        for overlay in &self.chrome.overlays {
            overlay.render(buf, area, &self.prefs.theme, &self.prefs.keymap, &names);
        }
    }

    fn badge(&self, id: PaneId) -> BatonBadge {
        match self.baton.holder() {
            Some(holder) if holder == id => BatonBadge::Holder {
                turn: self.baton.turn(),
                max_turns: self.baton.max_turns(),
            },
            Some(_) => BatonBadge::Locked,
            None => BatonBadge::Parked,
        }
    }

    fn status_line(&mut self, now: Instant) -> StatusLine {
        let mut baton = self.baton_summary();
        if self.recording.screen.is_on() {
            baton = format!("● REC  {baton}");
        }
        if let Some(in_turn) = self.baton.time_in_turn(now) {
            // The start time, not a ticking clock: an idle app must not wake to redraw it.
            // Put in local time once per turn, not in every frame.
            let started = now.checked_sub(in_turn);
            let since = match &self.frames.turn_clock {
                Some((at, text)) if *at == started => text.clone(),
                _ => {
                    let text = clock_time(SystemTime::now() - in_turn);
                    self.frames.turn_clock = Some((started, text.clone()));
                    text
                }
            };
            baton = format!("{baton} · since {since}");
        }
        let message = self
            .chrome
            .message(self.prefs.keymap.prefix())
            .or_else(|| self.attention_summary());
        // The keymap does not change while the app runs.
        let hints = self
            .frames
            .hints
            .get_or_init(|| {
                HINTS
                    .iter()
                    .filter_map(|(action, label)| {
                        let keys = self.prefs.prefix_keys(*action)?;
                        Some((keys, (*label).to_string()))
                    })
                    .collect()
            })
            .clone();
        let alert = self.overdue(now).then(|| {
            let limit = self.end.rules.turn_timeout.map(minutes).unwrap_or_default();
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
            .prefs
            .prefix_keys(Action::Quit)
            .map(|keys| format!("; {keys} quits"))
            .unwrap_or_default();
        format!(
            "■ Rally ended after turn {}: {reason}. The baton is parked; the panes stay open{quit}.",
            self.baton.turn()
        )
    }
}

/// A link's address and its cells (x, y, cell) as the frame drew them.
type DrawnLink = (String, Vec<(u16, u16, ratatui::buffer::Cell)>);

/// Each link run with its cells as the frame drew them.
fn link_cells(drawn: &ratatui::buffer::Buffer, links: &[LinkRun]) -> Vec<DrawnLink> {
    links
        .iter()
        .map(|link| {
            let cells = (link.x..link.x + link.width)
                .filter(|&x| drawn.area.contains(Position::new(x, link.y)))
                .map(|x| (x, link.y, drawn[(x, link.y)].clone()))
                .collect();
            (link.uri.clone(), cells)
        })
        .collect()
}

/// Sends the hyperlinks on the rows this frame painted: each run's cells again, as drawn,
/// inside OSC 8. ratatui cells cannot carry a link, and the host forgets one wherever a
/// cell is rewritten.
fn write_links<B: Host>(backend: &mut B, links: &[DrawnLink]) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    for (uri, cells) in links {
        backend.raw(format!("\x1b]8;;{uri}\x1b\\").as_bytes())?;
        backend.draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell)))?;
        backend.raw(b"\x1b]8;;\x1b\\")?;
    }
    Ok(())
}

/// Local wall-clock time as HH:MM:SS.
fn clock_time(at: SystemTime) -> String {
    crate::local_time::hms(crate::local_time::unix_secs(at)).unwrap_or_else(|| "?".into())
}

#[cfg(feature = "test-hooks")]
impl App {
    /// Only in builds with the `test-hooks` feature, for the fault tests: with `RALLISH_TEST_PANIC_ON=<text>` in the
    /// environment, rendering panics once a pane shows that text, so the tests can check
    /// that a panic restores the terminal and leaves no orphan.
    fn test_panic_trigger(&self) {
        static TRIGGER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let Some(text) = TRIGGER.get_or_init(|| std::env::var("RALLISH_TEST_PANIC_ON").ok()) else {
            return;
        };
        if self
            .slots
            .iter()
            .any(|s| s.pane.emulator().contents().contains(text.as_str()))
        {
            panic!("test panic inside rendering (RALLISH_TEST_PANIC_ON)");
        }
    }
}
