//! One frame as data, and its drawing. The app decides what a frame paints (which panes,
//! which of their rows, which borders, whether the status line changed) and says it in a
//! [`FrameView`]; [`draw`] paints exactly that into the [`Canvas`] and declares it
//! damaged, so only it is compared with the host's picture. Nothing here reads the app
//! or decides anything: a pane left out of the view keeps its last picture.

use parking_lot::MutexGuard;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget as _;
use ratatui_textarea::TextArea;

use crate::pane::Emulator;
use crate::scratchpad::panel::Panel;
use crate::ui::canvas::Canvas;
use crate::ui::marks::{CopyMarks, draw_copy_marks};
use crate::ui::screen::{LinkRun, draw_stretch, draw_view};
use crate::ui::theme::Theme;
use crate::ui::{self, BorderPart, PaneFrame, StatusLine, layout};

/// What one frame paints. See the module docs.
pub struct FrameView<'a> {
    /// The frame starts from a blank picture and paints everything it shows (the
    /// layout changed, something covers the panes, the host's picture is unknown).
    pub whole: bool,
    /// This frame paints the background panes' output too (see `app::pacing`).
    pub background: bool,
    /// Every pane with room on screen, in order.
    pub panes: Vec<PaneView<'a>>,
    /// The status line and its row, when it changed.
    pub status: Option<(Rect, StatusLine)>,
    /// The scratchpad panel, while it shows.
    pub scratch: Option<ScratchView<'a>>,
    /// Why the rally ended, on the top row (whole frames only).
    pub banner: Option<String>,
    /// Popups over everything, topmost last (whole frames only).
    pub overlays: Vec<OverlayView<'a>>,
    /// Where the host's cursor shows, and its shape (DECSCUSR's number).
    pub cursor: Option<(Position, u8)>,
}

impl FrameView<'_> {
    /// Whether a pane was busy and kept its last picture: the next frame must draw it.
    pub fn skipped(&self) -> bool {
        self.panes
            .iter()
            .any(|pane| matches!(pane.content, Content::Busy))
    }
}

/// One pane in a frame: its place, what of its screen to paint, and its border when that
/// changed.
pub struct PaneView<'a> {
    pub rect: Rect,
    pub content: Content<'a>,
    /// Its border and how much of it to paint, when something on it changed.
    pub border: Option<(PaneFrame<'a>, BorderPart)>,
}

/// What of a pane's screen a frame paints, from its emulator locked for the frame.
pub enum Content<'a> {
    /// All of its view (with copy mode's marks over it).
    Whole {
        emulator: MutexGuard<'a, Emulator>,
        marks: Option<CopyMarks<'a>>,
    },
    /// The stretches its emulator reports changed: (row, first column, column after the
    /// last).
    Rows {
        emulator: MutexGuard<'a, Emulator>,
        rows: Vec<(u16, u16, u16)>,
    },
    /// Nothing: a background pane's output waits for a background frame.
    Paced,
    /// Nothing: its reader holds its emulator right now. It keeps its last picture,
    /// border included, and is drawn next frame.
    Busy,
}

/// The scratchpad panel where it shows; `hint` goes on its bottom border while it has
/// the keyboard.
pub struct ScratchView<'a> {
    pub rect: Rect,
    pub panel: &'a Panel,
    pub cap: usize,
    pub hint: String,
}

/// A popup over the panes.
pub enum OverlayView<'a> {
    /// The keymap's bindings, by section: (title, [(chord, what it does)]).
    Help(Vec<(String, Vec<(String, String)>)>),
    /// A text being written, in a titled popup.
    Editor {
        title: String,
        footer: String,
        text: &'a TextArea<'static>,
    },
}

/// A link's address and its cells (x, y, cell) as the frame drew them.
pub type DrawnLink = (String, Vec<(u16, u16, Cell)>);

/// Paints `view` into `canvas` and declares what it painted; returns the links it drew,
/// which go to the host after the cells (a ratatui cell cannot carry one).
pub fn draw(canvas: &mut Canvas, view: &FrameView, theme: &Theme) -> Vec<DrawnLink> {
    if view.whole {
        canvas.buffer_mut().reset();
        canvas.invalidate();
    }
    let mut links = Vec::new();
    for pane in &view.panes {
        draw_pane(canvas, pane, theme, &mut links);
    }
    if let Some((area, status)) = &view.status {
        ui::draw_status(canvas.buffer_mut(), *area, status, theme);
        canvas.damage(*area);
    }
    if let Some(scratch) = &view.scratch {
        let buf = canvas.buffer_mut();
        scratch
            .panel
            .render(buf, scratch.rect, scratch.cap, theme, &scratch.hint);
        canvas.damage(scratch.rect);
    }
    let area = canvas.area();
    if let Some(banner) = &view.banner {
        let top = Rect {
            height: area.height.min(1),
            ..area
        };
        ui::draw_banner(canvas.buffer_mut(), top, banner, theme);
        canvas.damage(top);
    }
    for overlay in &view.overlays {
        draw_overlay(canvas.buffer_mut(), area, overlay, theme);
        canvas.damage(area);
    }
    link_cells(canvas.buffer_mut(), &links)
}

fn draw_pane(canvas: &mut Canvas, pane: &PaneView, theme: &Theme, links: &mut Vec<LinkRun>) {
    let inner = layout::inner(pane.rect);
    match &pane.content {
        Content::Whole { emulator, marks } => {
            let buf = canvas.buffer_mut();
            draw_view(buf, inner, emulator, links);
            if let Some(marks) = marks {
                draw_copy_marks(buf, inner, emulator, marks, theme);
            }
            canvas.damage(inner);
        }
        Content::Rows { emulator, rows } => {
            for &stretch in rows {
                // Only the cells the paint changed are compared with the host's picture.
                if let Some((from, to)) =
                    draw_stretch(canvas.buffer_mut(), inner, emulator, stretch, links)
                {
                    canvas.damage_row(inner.y + stretch.0, from, to);
                }
            }
        }
        Content::Paced | Content::Busy => {}
    }
    if let Some((frame, part)) = &pane.border {
        ui::draw_pane_frame(canvas.buffer_mut(), pane.rect, frame, theme, *part);
        let [top, rest @ ..] = layout::edges(pane.rect);
        match *part {
            BorderPart::Spinner(x) => canvas.damage_row(top.y, x, x + 1),
            BorderPart::Top => canvas.damage(top),
            BorderPart::All => {
                for edge in [top].into_iter().chain(rest) {
                    canvas.damage(edge);
                }
            }
        }
    }
}

fn draw_overlay(buf: &mut Buffer, area: Rect, overlay: &OverlayView, theme: &Theme) {
    match overlay {
        OverlayView::Help(sections) => ui::draw_help(buf, area, sections, theme),
        OverlayView::Editor {
            title,
            footer,
            text,
        } => {
            let popup = ui::popup_area(area, 80, 14);
            let inner = ui::draw_popup(buf, popup, title, footer, theme);
            (*text).render(inner, buf);
        }
    }
}

/// Each link run with its cells as the frame drew them.
fn link_cells(drawn: &Buffer, links: &[LinkRun]) -> Vec<DrawnLink> {
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

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;
    use ratatui::buffer::CellWidth as _;

    use super::*;
    use crate::pane::emulator::Damage;
    use crate::ui::BatonBadge;

    const SCREEN: Rect = Rect::new(0, 0, 20, 6);
    const PANE: Rect = Rect::new(0, 0, 20, 5);

    fn border(state: &str) -> PaneFrame<'static> {
        PaneFrame {
            number: 1,
            name: "a".into(),
            command: "cat".into(),
            state: state.into(),
            spinner: None,
            detail: String::new(),
            running: true,
            focused: true,
            badge: BatonBadge::Parked,
            zoomed: false,
        }
    }

    fn view(pane: PaneView) -> FrameView {
        FrameView {
            whole: false,
            background: false,
            panes: vec![pane],
            status: None,
            scratch: None,
            banner: None,
            overlays: Vec::new(),
            cursor: None,
        }
    }

    /// What a frame sends the host: (x, y, symbol) of each cell.
    fn sent(canvas: &mut Canvas) -> Vec<(u16, u16, String)> {
        (canvas.updates().iter())
            .map(|(x, y, cell)| (*x, *y, cell.symbol().to_string()))
            .collect()
    }

    /// A canvas that shows `emulator` in [`PANE`] with its border, as the host does.
    fn shown(emulator: &Mutex<Emulator>, theme: &Theme) -> Canvas {
        let mut canvas = Canvas::new(SCREEN);
        emulator.lock().take_damage();
        let whole = FrameView {
            whole: true,
            ..view(PaneView {
                rect: PANE,
                content: Content::Whole {
                    emulator: emulator.lock(),
                    marks: None,
                },
                border: Some((border("idle"), BorderPart::All)),
            })
        };
        draw(&mut canvas, &whole, theme);
        assert!(
            !sent(&mut canvas).is_empty(),
            "the first frame shows it all"
        );
        canvas
    }

    #[test]
    fn a_panes_damaged_stretches_alone_reach_the_host() {
        let theme = Theme::default();
        let emulator = Mutex::new(Emulator::new(3, 18, 0));
        let mut canvas = shown(&emulator, &theme);
        emulator.lock().process(b"hi");
        let Damage::Rows(rows) = emulator.lock().take_damage() else {
            panic!("two cells written are not the whole screen");
        };
        let content = Content::Rows {
            emulator: emulator.lock(),
            rows,
        };
        let frame = view(PaneView {
            rect: PANE,
            content,
            border: None,
        });
        draw(&mut canvas, &frame, &theme);
        assert_eq!(sent(&mut canvas), [(1, 1, "h".into()), (2, 1, "i".into())]);
    }

    /// Draws what `emulator` reports damaged, as a frame of its pane.
    fn draw_damage(canvas: &mut Canvas, emulator: &Mutex<Emulator>, theme: &Theme) {
        let damage = emulator.lock().take_damage();
        let content = match damage {
            Damage::Rows(rows) => Content::Rows {
                emulator: emulator.lock(),
                rows,
            },
            Damage::Whole => Content::Whole {
                emulator: emulator.lock(),
                marks: None,
            },
        };
        let frame = view(PaneView {
            rect: PANE,
            content,
            border: None,
        });
        draw(canvas, &frame, theme);
    }

    #[test]
    fn a_row_written_again_is_compared_only_where_it_changed() {
        let theme = Theme::default();
        let emulator = Mutex::new(Emulator::new(3, 18, 0));
        emulator
            .lock()
            .process("\x1b[31m⠋ thinking\x1b[m".as_bytes());
        let mut canvas = shown(&emulator, &theme);
        // A spinner's next glyph, the way agents draw it: the line erased and written
        // again, so the emulator reports all of it damaged.
        emulator
            .lock()
            .process("\r\x1b[2K\x1b[31m⠙ thinking\x1b[m".as_bytes());
        let Damage::Rows(rows) = emulator.lock().take_damage() else {
            panic!("one line written again is not the whole screen");
        };
        assert_eq!(rows, [(0, 0, 18)], "the emulator reports the whole row");
        let mut paint_row = || {
            let inner = layout::inner(PANE);
            draw_stretch(
                canvas.buffer_mut(),
                inner,
                &emulator.lock(),
                rows[0],
                &mut Vec::new(),
            )
        };
        let (from, to) = paint_row().expect("the glyph changed");
        assert_eq!((from, to), (1, 2 + crate::ui::canvas::REACH));
        assert_eq!(
            paint_row(),
            None,
            "painted twice, the row changes nothing the second time"
        );
    }

    #[test]
    fn frames_of_changed_cells_leave_the_host_as_a_whole_repaint_would() {
        let theme = Theme::default();
        let emulator = Mutex::new(Emulator::new(3, 18, 0));
        let mut canvas = shown(&emulator, &theme);
        let mut host = canvas.buffer_mut().clone();
        let steps: [&[u8]; 7] = [
            "\x1b[1;1H\x1b[32m⠋ one\x1b[m 测试 end".as_bytes(),
            "\r\x1b[2K\x1b[32m⠙ one\x1b[m 测试 end".as_bytes(),
            "\r\x1b[2K\x1b[32m⠙ one\x1b[m ab试 end".as_bytes(),
            "\r\x1b[2K\x1b[32m⠙ one\x1b[m 测试 end".as_bytes(),
            b"\x1b[2;3H\x1b[44m  \x1b[m",
            "\x1b[1;8H\x1b[7m测\x1b[m".as_bytes(),
            b"\x1b[H\x1b[2J",
        ];
        for step in steps {
            emulator.lock().process(step);
            draw_damage(&mut canvas, &emulator, &theme);
            for (x, y, cell) in canvas.updates().iter() {
                host[(*x, *y)].clone_from(cell);
            }
            let mut whole = shown(&emulator, &theme);
            let expected = whole.buffer_mut();
            for y in 1..4 {
                for x in 1..19 {
                    // A wide character's right half is whatever the host left there.
                    if x > 1 && expected[(x - 1, y)].cell_width() > 1 {
                        continue;
                    }
                    assert_eq!(
                        host[(x, y)],
                        expected[(x, y)],
                        "cell ({x}, {y}) after {step:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_new_title_repaints_the_top_edge_and_nothing_else() {
        let theme = Theme::default();
        let emulator = Mutex::new(Emulator::new(3, 18, 0));
        let mut canvas = shown(&emulator, &theme);
        // Output the view does not ask for stays in the emulator.
        emulator.lock().process(b"unseen");
        let frame = view(PaneView {
            rect: PANE,
            content: Content::Paced,
            border: Some((border("busy"), BorderPart::Top)),
        });
        draw(&mut canvas, &frame, &theme);
        let sent = sent(&mut canvas);
        assert!(!sent.is_empty(), "the new state was not sent");
        assert!(sent.iter().all(|(_, y, _)| *y == 0), "{sent:?}");
    }

    /// The row under [`PANE`].
    const STATUS_ROW: Rect = Rect::new(0, 5, 20, 1);

    /// [`shown`], with a pane that printed nothing.
    fn shown_blank(theme: &Theme) -> Canvas {
        shown(&Mutex::new(Emulator::new(3, 18, 0)), theme)
    }

    /// A frame that paints a status line saying `baton`, and nothing of the pane.
    fn status_frame(baton: &str) -> FrameView<'static> {
        let status = StatusLine {
            baton: baton.into(),
            ..StatusLine::default()
        };
        FrameView {
            status: Some((STATUS_ROW, status)),
            ..view(PaneView {
                rect: PANE,
                content: Content::Busy,
                border: None,
            })
        }
    }

    #[test]
    fn a_changed_status_line_is_painted_on_its_row() {
        let theme = Theme::default();
        let mut canvas = shown_blank(&theme);
        draw(&mut canvas, &status_frame("a holds"), &theme);
        let sent = sent(&mut canvas);
        let row: String = sent.iter().map(|(_, _, symbol)| symbol.as_str()).collect();
        assert!(row.contains("a holds"), "{sent:?}");
        assert!(sent.iter().all(|(_, y, _)| *y == 5), "{sent:?}");
    }

    #[test]
    fn a_shorter_status_line_leaves_nothing_of_the_longer_one() {
        let theme = Theme::default();
        let mut canvas = shown_blank(&theme);
        draw(&mut canvas, &status_frame("a holds the baton"), &theme);
        draw(&mut canvas, &status_frame("b"), &theme);
        let buffer = canvas.buffer_mut();
        let text: String = (0..STATUS_ROW.width)
            .map(|x| buffer[(x, STATUS_ROW.y)].symbol().to_string())
            .collect();
        assert_eq!(text.trim(), "b", "{text:?}");
    }
}
