//! One frame, routed: its size, what it paints ([`App::frame`]), the painting
//! ([`ui::frame::draw`]), then what changed goes to the host inside a synchronized
//! update.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::layout::{Position, Rect};

use super::App;
use super::frame::Painted;
use crate::host::backend::Host;
use crate::host::colours::{self, ColourDepth};
use crate::host::terminal::{BEGIN_SYNC, END_SYNC};
use crate::pane::PaneId;
use crate::ui::frame::{self, DrawnLink};

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
    /// How long after their last frame the background panes may ride along on the frame
    /// going out: [`BACKGROUND_ALONG`], or [`BACKGROUND_FRAME`] for a keystroke's echo
    /// (see [`App::may_take_background_along`]).
    ///
    /// [`BACKGROUND_ALONG`]: super::pacing::BACKGROUND_ALONG
    /// [`BACKGROUND_FRAME`]: super::pacing::BACKGROUND_FRAME
    pub(super) along_after: Duration,
    /// The picture the last frames left and what they decided about it.
    pub(super) painted: Painted,
    /// The status line's chord hints, from the keymap.
    pub(super) hints: std::cell::OnceCell<std::rc::Rc<[(String, String)]>>,
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
    /// How long a frame waits for the reader of a pane the person works with (see
    /// `App::pane_view`): [`READER_WAIT`].
    pub(super) reader_wait: Duration,
}

/// How long a frame waits at most for the reader of a pane the person works with. A
/// reader lets go after each 16 KiB slice of a flood, well under a millisecond here; a
/// reader the scheduler set aside holds the frame no longer than half a frame.
pub(super) const READER_WAIT: Duration = Duration::from_millis(8);

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
        self.check_recorders();
        let now = Instant::now();
        // Out of `self` while the frame is decided and painted: the view borrows the rest.
        let mut painted = std::mem::take(&mut self.frames.painted);
        painted
            .canvas
            .resize(Rect::new(0, 0, size.width, size.height));
        let clear_host = std::mem::take(&mut self.frames.whole);
        if clear_host {
            // A recording must open on a whole picture: clear the host and send it all.
            painted.canvas.forget_shown();
        }
        let view = self.frame(&mut painted, now);
        let links = frame::draw(&mut painted.canvas, &view, &self.prefs.theme);
        let (cursor, skipped, background) = (view.cursor, view.skipped(), view.background);
        // The panes' emulators are theirs again.
        drop(view);
        self.frames.painted = painted;
        self.send(terminal.backend_mut(), clear_host, cursor, &links)?;
        // A pane skipped because its reader held it is drawn in the next frame.
        self.frames.dirty = skipped;
        self.frames.last = Some(now);
        if background {
            self.frames.last_background = Some(now);
            self.frames.background = false;
        }
        Ok(())
    }

    /// Sends what the painted frame changed (and `links`, and the cursor), unless it
    /// changed nothing the host shows; `clear_host` clears the host's screen first.
    fn send<B: Host>(
        &mut self,
        backend: &mut B,
        clear_host: bool,
        cursor: Option<(Position, u8)>,
        links: &[DrawnLink],
    ) -> anyhow::Result<()>
    where
        B::Error: Send + Sync + 'static,
    {
        let updates = self.frames.painted.canvas.updates();
        // Last, so that nothing drawn (pane, theme or overlay) escapes it.
        if self.frames.colours == ColourDepth::Palette256 {
            for (_, _, cell) in updates.iter_mut() {
                colours::fit_cell(cell);
            }
        }
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
            write_links(backend, links)?;
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
        Ok(())
    }
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
