//! The cost of one frame with many agent panes (issue 18), two ways on the same panes:
//! - `repaint`: every pane's cells into a blank buffer, borders, and ratatui's diff of the
//!   whole screen against the last frame: what a frame cost before damage tracking;
//! - `damage`: what the app does now (`ui::canvas`): only the rows the emulators report
//!   changed are painted and compared.
//!
//! The panes run the animated workload of `benches/agents.py`: an agent "thinking"
//! redraws 3 lines in place at 12.5 fps, so at 60 frames a second about one pane in five
//! changed since the last frame. Each frame here changes that many panes' 3 lines.
//! The bytes each way writes to the host per frame are printed once, beside the times.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rallish_tui::pane::Emulator;
use rallish_tui::pane::emulator::Damage;
use rallish_tui::ui::canvas::Canvas;
use rallish_tui::ui::layout::{self, LayoutKind};
use rallish_tui::ui::screen::{draw_screen, draw_stretch};
use rallish_tui::ui::theme::Theme;
use rallish_tui::ui::{self, BatonBadge, PaneFrame};
use ratatui::backend::{Backend as _, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SPINNER: [&str; 4] = ["⠋", "⠙", "⠹", "⠸"];

struct Screen {
    area: Rect,
    rects: Vec<Rect>,
    panes: Vec<Emulator>,
    theme: Theme,
    tick: usize,
}

impl Screen {
    fn new(cols: u16, rows: u16, count: usize) -> Screen {
        let area = Rect::new(0, 0, cols, rows);
        let rects = layout::tile(
            Rect {
                height: rows - 1,
                ..area
            },
            count,
            LayoutKind::Grid,
        );
        let panes = rects
            .iter()
            .map(|rect| {
                let inner = layout::inner(*rect);
                let mut pane = Emulator::new(inner.height, inner.width, 100);
                for line in 0..inner.height {
                    pane.process(
                        format!(
                            "\x1b[3{}mline {line} of the agent's earlier answer\x1b[m\r\n",
                            line % 7
                        )
                        .as_bytes(),
                    );
                }
                pane.take_damage();
                pane
            })
            .collect();
        Screen {
            area,
            rects,
            panes,
            theme: Theme::default(),
            tick: 0,
        }
    }

    /// The next animation step: a fifth of the panes (at least one) redraw their three
    /// thinking lines, as `benches/thinking_agent.py` does, inside synchronized output.
    fn animate(&mut self) {
        self.tick += 1;
        let count = self.panes.len();
        let changing = (count / 5).max(1);
        for k in 0..changing {
            let id = (self.tick * changing + k) % count;
            let pane = &mut self.panes[id];
            let frame = format!(
                "\x1b[?2026h\x1b[3A\r\x1b[2K{} Thinking… ({}s)\r\n\x1b[2K  esc to interrupt\r\n\x1b[2K  {} tokens\r\n\x1b[?2026l",
                SPINNER[self.tick % 4],
                self.tick / 12,
                self.tick * 37
            );
            pane.process(frame.as_bytes());
        }
    }

    fn border(&self, buf: &mut Buffer, id: usize) {
        let frame = PaneFrame {
            number: id + 1,
            name: "agent".into(),
            command: "claude".into(),
            state: "busy".into(),
            spinner: None,
            detail: String::new(),
            running: true,
            focused: id == 0,
            badge: if id == 0 {
                BatonBadge::Holder {
                    turn: 3,
                    max_turns: None,
                }
            } else {
                BatonBadge::Locked
            },
            zoomed: false,
        };
        ui::draw_pane_frame(
            buf,
            self.rects[id],
            &frame,
            &self.theme,
            ui::BorderPart::All,
        );
    }

    /// Before: everything painted, the whole screen compared.
    fn repaint(&mut self, previous: &mut Buffer) -> Vec<(u16, u16, ratatui::buffer::Cell)> {
        let mut buf = Buffer::empty(self.area);
        for id in 0..self.panes.len() {
            self.panes[id].take_damage();
            draw_screen(
                &mut buf,
                layout::inner(self.rects[id]),
                &self.panes[id],
                &mut Vec::new(),
            );
            self.border(&mut buf, id);
        }
        let updates = previous
            .diff(&buf)
            .into_iter()
            .map(|(x, y, c)| (x, y, c.clone()))
            .collect();
        *previous = buf;
        updates
    }

    /// Now: only what the emulators report changed.
    fn damaged<'c>(&mut self, canvas: &'c mut Canvas) -> &'c [(u16, u16, ratatui::buffer::Cell)] {
        for id in 0..self.panes.len() {
            let inner = layout::inner(self.rects[id]);
            match self.panes[id].take_damage() {
                Damage::Whole => {
                    draw_screen(canvas.buffer_mut(), inner, &self.panes[id], &mut Vec::new());
                    canvas.damage(inner);
                }
                Damage::Rows(rows) => {
                    for (row, from, to) in rows {
                        draw_stretch(
                            canvas.buffer_mut(),
                            inner,
                            &self.panes[id],
                            (row, from, to),
                            &mut Vec::new(),
                        );
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
        }
        canvas.updates()
    }
}

fn bytes_sent(updates: &[(u16, u16, ratatui::buffer::Cell)]) -> usize {
    let mut backend = CrosstermBackend::new(Vec::new());
    backend
        .draw(updates.iter().map(|(x, y, c)| (*x, *y, c)))
        .unwrap();
    backend.writer().len()
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(20);
    for (cols, rows) in [(200, 60), (300, 100)] {
        for count in [1, 4, 16, 32] {
            let name = format!("{count}_panes_{cols}x{rows}");
            // The same panes and animation for each way.
            let mut old = Screen::new(cols, rows, count);
            let mut previous = Buffer::empty(old.area);
            old.repaint(&mut previous);
            let mut new = Screen::new(cols, rows, count);
            let mut canvas = Canvas::new(new.area);
            for id in 0..count {
                new.border(canvas.buffer_mut(), id);
            }
            new.damaged(&mut canvas);
            let (mut before, mut after) = (0, 0);
            for _ in 0..60 {
                old.animate();
                before += bytes_sent(&old.repaint(&mut previous));
                new.animate();
                after += bytes_sent(new.damaged(&mut canvas));
            }
            eprintln!(
                "frame/{name}: bytes to the host per frame: repaint {} damage {}",
                before / 60,
                after / 60
            );
            group.bench_function(format!("repaint/{name}"), |b| {
                b.iter(|| {
                    old.animate();
                    black_box(old.repaint(&mut previous).len())
                });
            });
            group.bench_function(format!("damage/{name}"), |b| {
                b.iter(|| {
                    new.animate();
                    black_box(new.damaged(&mut canvas).len())
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
