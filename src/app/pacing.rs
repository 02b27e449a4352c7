//! When frames go out. Output is coalesced into at most one frame per [`FRAME`]; the
//! panes the person is working with (the focused one and the baton holder) are drawn at
//! that rate, and a keystroke's echo at once. The others, usually agents animating a
//! spinner while they think, get a frame of their own at most every [`BACKGROUND_FRAME`]:
//! ten frames a second still shows every animation moving, and costs half of twenty (the
//! measure is in BENCHMARKS.md). Their output waits meanwhile (in their PTYs where the UI
//! thread reads, see [`crate::pane::watch`]; else in their emulators), and with many panes
//! the app wakes for a frame, not for each pane's piece of output (they are hushed while
//! a frame is on its way, and until the next background frame may go out, when the app
//! looks for them; see [`crate::pane::output_flag`]). A frame that goes out for the
//! focused pane anyway takes their output along once [`BACKGROUND_ALONG`] has passed
//! since their last (see [`App::look_along`]); sooner than that it paints the focused
//! pane alone, and so does the frame of a keystroke's echo until their own frame is due.
//! A background pane's last state is always drawn, at most [`BACKGROUND_FRAME`] later.

use std::time::{Duration, Instant};

use ratatui::Terminal;

use super::App;
use crate::host::backend::Host;
use crate::pane::PaneId;

/// Shortest time between two frames (~60 per second).
pub(super) const FRAME: Duration = Duration::from_millis(16);
/// Shortest time between two frames that only background panes asked for.
pub(super) const BACKGROUND_FRAME: Duration = Duration::from_millis(100);
/// A frame that goes out anyway takes the background panes' output along once this much
/// has passed since their last frame, rather than the app waking again for them a little
/// later (see [`App::look_along`]).
pub(super) const BACKGROUND_ALONG: Duration = Duration::from_millis(50);
/// Output this soon after a keystroke to the same pane is its echo: draw it at once.
const ECHO_WINDOW: Duration = Duration::from_millis(100);

impl App {
    /// Whether pane `id` is drawn at the background rate.
    pub(super) fn paced(&self, id: PaneId) -> bool {
        self.focus.pane() != id && self.baton.holder() != Some(id)
    }

    /// Takes every pane's "new output" flag and acts on what had some.
    pub(super) fn collect_output(&mut self) {
        let now = Instant::now();
        let mut any = false;
        for id in (0..self.slots.len()).map(PaneId::new) {
            if !self.pane(id).take_dirty() {
                continue;
            }
            any = true;
            if self.paced(id) {
                self.frames.background = true;
            } else {
                self.frames.dirty = true;
            }
            self.on_pane_output(id, now);
            self.delivery_output(id, now);
            self.forward_child_clipboard(id);
        }
        if any {
            self.scratch_watch(now, false);
        }
    }

    /// Before the loop sleeps: while a frame is on its way, background panes need not
    /// wake it; nor until the next background frame may go out, as the loop then looks
    /// at them anyway (see [`App::background_look`]). Then takes the flags again, for
    /// output that came before the hush lifted.
    pub(super) fn hush_panes(&mut self) {
        let now = Instant::now();
        let scheduled =
            self.frames.dirty || self.frames.background || self.background_look(now).is_some();
        for id in (0..self.slots.len()).map(PaneId::new) {
            let hushed = scheduled && self.paced(id);
            self.pane(id).hush(hushed);
        }
        self.collect_output();
    }

    /// When the next frame is due, if one is wanted.
    pub(super) fn next_frame(&self) -> Option<Instant> {
        let now = Instant::now();
        let full_rate = self.frames.last.map_or(now, |at| at + FRAME);
        let background = self.background_frame(now).map(|at| at.max(full_rate));
        let foreground = self.frames.dirty.then_some(full_rate);
        foreground.into_iter().chain(background).min()
    }

    /// While background output flows, the app looks for it rather than being told:
    /// after a background frame the next may not go out for [`BACKGROUND_FRAME`], and
    /// until then the panes stay hushed; the loop wakes once when that time comes and
    /// takes their flags. A stream of spinners then costs one wake-up per background
    /// frame instead of two (one to be told, one for the frame), and output that stops
    /// costs one look more. The look is never before the next frame may go out (a
    /// frame for the focused pane just went out, say): output it found would wait for
    /// that frame, and a second wake-up would take it.
    pub(super) fn background_look(&self, now: Instant) -> Option<Instant> {
        let at = self.frames.last_background? + BACKGROUND_FRAME;
        (at > now).then(|| self.frames.last.map_or(at, |last| at.max(last + FRAME)))
    }

    /// Whether a frame now would paint the background panes' output: there is some,
    /// and they may go along (see [`App::may_take_background_along`]). (A frame for them
    /// alone waits for [`BACKGROUND_FRAME`]; see [`App::next_frame`].)
    pub(super) fn background_due(&self, now: Instant) -> bool {
        self.frames.background && self.may_take_background_along(now)
    }

    /// Whether the frame going out now may take the background panes along: once
    /// [`BACKGROUND_ALONG`] has passed since their last frame, or for the frame of a
    /// keystroke's echo only once their own frame is due ([`BACKGROUND_FRAME`]). Reading,
    /// parsing and painting sixteen thinking panes on the echo's way cost the median echo
    /// about 0.1 ms (0.53 against 0.45 ms), and more beside floods; waiting longer than
    /// their own frame would let a person typing into a pane that streams output hold
    /// them back.
    fn may_take_background_along(&self, now: Instant) -> bool {
        let after = self.frames.along_after;
        self.frames
            .last_background
            .is_none_or(|at| at + after <= now)
    }

    /// A frame goes out now: background panes whose output it may paint are looked at
    /// first, so that it paints them too. Agents think in every pane at once, so while
    /// the focused one animates, the others' frames ride on its frames instead of
    /// waking the app (and writing to the terminal) again a few milliseconds later:
    /// with four thinking panes that halves the app's wake-ups. They are then painted
    /// as often as the focused pane is, but never more than every [`BACKGROUND_ALONG`].
    pub(super) fn look_along(&mut self, now: Instant) {
        if !self.may_take_background_along(now) {
            return;
        }
        for id in (0..self.slots.len()).map(PaneId::new) {
            if self.paced(id) {
                self.pane(id).read_waiting();
            }
        }
        self.collect_output();
    }

    /// When background panes' output may next be painted, if there is any: `now` if
    /// none has been painted yet.
    fn background_frame(&self, now: Instant) -> Option<Instant> {
        let last = self.frames.last_background;
        self.frames
            .background
            .then(|| last.map_or(now, |at| at + BACKGROUND_FRAME))
    }

    pub(super) fn render_if_due<B: Host>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> anyhow::Result<()>
    where
        B::Error: Send + Sync + 'static,
    {
        let Some(due) = self.next_frame() else {
            return Ok(());
        };
        let now = Instant::now();
        let echo = self.frames.dirty
            && self
                .frames
                .last_keystroke
                .is_some_and(|(_, at)| now.duration_since(at) < ECHO_WINDOW);
        if due <= now || echo {
            if echo {
                self.frames.along_after = BACKGROUND_FRAME;
            }
            self.look_along(now);
            let drawn = self.render(terminal);
            self.frames.along_after = BACKGROUND_ALONG;
            drawn?;
        }
        Ok(())
    }
}
