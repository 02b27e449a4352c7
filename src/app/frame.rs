//! What the next frame paints, decided: the app's state read into a [`FrameView`] that
//! `ui::frame::draw` paints. Here live the choices that keep a frame cheap (see
//! [`super::pacing`] and [`crate::ui::canvas`]): a pane is painted whole, by its damaged
//! rows, or not at all; a border only when something on it changed, and only its top
//! edge when that is all; the status line only when it says something new.

use std::collections::HashMap;
use std::time::Instant;

use ratatui::layout::Rect;

use super::status::PaintedStatus;
use super::{App, Focus, Layers};
use crate::input::action::Action;
use crate::pane::PaneId;
use crate::pane::emulator::Damage;
use crate::rally::end::EndReason;
use crate::ui::canvas::Canvas;
use crate::ui::frame::{Content, FrameView, PaneView};
use crate::ui::layout;
use crate::ui::screen::cursor_position;
use crate::ui::{self, BatonBadge, BorderPart, PaneFrame};

/// The picture the last frames left, and what they decided about it: the next frame
/// compares itself with this to paint only what changed.
pub(super) struct Painted {
    /// The picture on the host and what changed in it (see [`Canvas`]).
    pub(super) canvas: Canvas,
    /// What covered the panes and where they were in the last frame.
    layers: Option<Layers>,
    /// Each pane's border as last painted (its title's text and looks).
    borders: HashMap<PaneId, BorderDrawn>,
    /// The status line as last painted.
    status: PaintedStatus,
}

impl Default for Painted {
    fn default() -> Painted {
        Painted {
            canvas: Canvas::new(Rect::default()),
            layers: None,
            borders: HashMap::new(),
            status: PaintedStatus::default(),
        }
    }
}

/// A pane's border as last painted: what decides its lines' look (its place, its style)
/// and everything it says.
struct BorderDrawn {
    rect: Rect,
    frame: PaneFrame<'static>,
    /// Where its spinner's glyph is, when that is known (see [`ui::spinner_column`]).
    spinner_at: Option<u16>,
}

impl App {
    /// What the next frame paints over `painted` (already sized to the screen) at `now`,
    /// recorded in `painted` as painted. Each pane painted from its emulator has its
    /// damage taken and stays locked while the view lives.
    pub(super) fn frame<'a>(&'a self, painted: &mut Painted, now: Instant) -> FrameView<'a> {
        let area = painted.canvas.area();
        let rects = self.pane_rects();
        // Overlays and popups cover the panes: while one shows, and when the layout
        // changes, every cell is painted again, as ratatui would.
        let layers = Layers {
            rects: rects.clone(),
            covered: self.end.reason.is_some() || self.chrome.covers_panes(),
            size: area,
        };
        let whole =
            painted.canvas.is_whole() || layers.covered || painted.layers.as_ref() != Some(&layers);
        if whole {
            painted.borders.clear();
            painted.status.forget();
        }
        painted.layers = Some(layers);
        // Background panes keep their output for the next background frame, unless
        // this frame is one (see [`super::pacing`]).
        let background = whole || self.background_due(now);
        let mut view = FrameView {
            whole,
            background,
            panes: Vec::with_capacity(rects.len()),
            status: None,
            scratch: self.scratch_view(),
            banner: None,
            overlays: Vec::new(),
            cursor: None,
        };
        for (id, rect) in rects.into_iter().enumerate() {
            if rect.area() > 0 {
                let pane = self.pane_view(&mut view, painted, PaneId::new(id), rect, now);
                view.panes.push(pane);
            }
        }
        if let Some(status) = self.status_if_changed(&mut painted.status, now) {
            let row = Rect {
                y: area.bottom().saturating_sub(1),
                height: area.height.min(1),
                ..area
            };
            view.status = Some((row, status));
        }
        if whole {
            view.banner = self.end.reason.as_ref().map(|reason| self.banner(reason));
            let names: Vec<&str> = self.slots.iter().map(|s| s.pane.name.as_str()).collect();
            view.overlays = self
                .chrome
                .overlays
                .iter()
                .filter_map(|overlay| overlay.view(&self.prefs.keymap, &names))
                .collect();
        }
        view
    }

    /// Pane `id` in the frame `view` is becoming; sets the view's cursor when the pane
    /// shows its own.
    fn pane_view<'a>(
        &'a self,
        view: &mut FrameView<'a>,
        painted: &mut Painted,
        id: PaneId,
        rect: Rect,
        now: Instant,
    ) -> PaneView<'a> {
        let pane = &self.slots[id.index()].pane;
        let copying = self.chrome.copying(id);
        let waits_for_background = !view.background && copying.is_none() && self.paced(id);
        // A flooding child keeps its reader parsing, with the emulator locked but for a
        // moment between slices. A background pane is not waited for: a frame may take
        // sixteen of them along, and waiting for each would put the person's keystroke
        // echo behind their floods. A pane the person works with is waited for, one
        // slice's parse at most (handed over fairly) and never longer than
        // `frames.reader_wait`, so a flood in it scrolls by at the frame rate as in
        // tmux rather than standing still until it ends. A pane still busy keeps its last
        // picture, border included (how far back its view is cannot be read), and is
        // drawn next frame. A whole frame starts from a blank picture, so it waits: a
        // pane left out would show blank until its next whole repaint.
        let emulator = if view.whole {
            Some(pane.emulator())
        } else if self.paced(id) {
            pane.try_emulator()
        } else {
            pane.emulator_within(self.frames.reader_wait)
        };
        let Some(mut emulator) = emulator else {
            let content = if waits_for_background {
                Content::Paced
            } else {
                Content::Busy
            };
            return PaneView {
                rect,
                content,
                border: None,
            };
        };
        let scroll =
            (emulator.view_offset() > 0).then(|| (emulator.view_offset(), emulator.history_len()));
        let content = if waits_for_background {
            Content::Paced
        } else {
            if self.shows_cursor_of(id)
                && let Some(position) = cursor_position(layout::inner(rect), &emulator)
            {
                view.cursor = Some((position, emulator.cursor_shape()));
            }
            match emulator.take_damage() {
                // Copy mode marks cells and a scrolled-back view can show archived rows:
                // those are painted whole.
                _ if view.whole || copying.is_some() || scroll.is_some() => Content::Whole {
                    emulator,
                    marks: copying.map(|copy| copy.marks()),
                },
                Damage::Whole => Content::Whole {
                    emulator,
                    marks: None,
                },
                Damage::Rows(rows) => Content::Rows { emulator, rows },
            }
        };
        let frame = self.pane_frame(id, now, copying.is_some(), scroll);
        // A border is painted again only when something on it changed, and only its top
        // edge when that is all that changed (a spinner, a state, a turn).
        let part = match painted.borders.get(&id) {
            Some(before) if before.rect == rect && before.frame == frame => None,
            // The common change: a working pane's spinner turned, and its glyph is where
            // the last drawing of the edge put it.
            Some(before) if before.rect == rect && frame.only_the_spinner_moved(&before.frame) => {
                Some(
                    before
                        .spinner_at
                        .map_or(BorderPart::Top, BorderPart::Spinner),
                )
            }
            Some(before) if before.rect == rect && before.frame.look() == frame.look() => {
                Some(BorderPart::Top)
            }
            _ => Some(BorderPart::All),
        };
        match part {
            Some(BorderPart::Spinner(_)) => {
                if let Some(drawn) = painted.borders.get_mut(&id) {
                    drawn.frame.spinner = frame.spinner;
                }
            }
            Some(BorderPart::Top | BorderPart::All) => {
                let drawn = BorderDrawn {
                    rect,
                    spinner_at: ui::spinner_column(rect, &frame, &self.prefs.theme),
                    frame: frame.to_kept(),
                };
                painted.borders.insert(id, drawn);
            }
            None => {}
        }
        PaneView {
            rect,
            content,
            border: part.map(|part| (frame, part)),
        }
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
        let (state, spinner) = match activity.state(now) {
            crate::pane::activity::State::Exited => (pane.status().label(), None),
            state => (state.name().to_string(), activity.spinner(now)),
        };
        let mut detail = String::new();
        if let Some(why) = activity.attention() {
            detail = format!(" · ⚑ {}", why.reason());
        }
        if copying {
            detail.push_str(" · copy");
        }
        if let Some((back, len)) = scroll {
            detail = format!("{detail} · [-{back}/{len}]");
        }
        PaneFrame {
            number: id.number(),
            name: pane.name.as_str().into(),
            command: pane.command.as_str().into(),
            state,
            spinner,
            detail,
            running: pane.status().is_running(),
            focused: self.focus == Focus::Pane(id),
            badge: self.badge(id),
            zoomed: self.tiling.zoomed,
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
