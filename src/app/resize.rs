//! Moving the dividers between panes: `H`/`J`/`K`/`L` after the prefix, or a mouse drag
//! on a border. Each move re-tiles and gives every PTY its new size.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use super::copy_mode::Drag;
use crate::input::action::Action;
use crate::ui::layout::LayoutKind;
use crate::ui::layout::{self, Axis, Divider};

/// Cells one key press moves a divider.
const STEP: u16 = 2;

/// How the panes share the screen.
pub(super) struct Tiling {
    /// The layout the panes are tiled in.
    pub(super) kind: LayoutKind,
    /// Where the person moved the dividers of this layout.
    pub(super) splits: layout::Splits,
    /// The current pane fills the screen.
    pub(super) zoomed: bool,
    /// A mouse drag in progress (a divider, or a selection).
    pub(super) drag: Option<super::copy_mode::Drag>,
}

impl App {
    /// The dividers of the current layout (none while zoomed).
    fn dividers(&self) -> Vec<Divider> {
        if self.tiling.zoomed {
            return Vec::new();
        }
        layout::dividers(
            self.pane_area(),
            self.slots.len(),
            self.tiling.kind,
            &self.tiling.splits,
        )
    }

    /// Moves the focused pane's divider: its right (bottom) one if it has one, else its
    /// left (top) one; `H` moves it left, `L` right, `K` up, `J` down.
    pub(super) fn resize_split(&mut self, action: Action) {
        let (axis, forward) = match action {
            Action::ResizeLeft => (Axis::Columns, false),
            Action::ResizeRight => (Axis::Columns, true),
            Action::ResizeUp => (Axis::Rows, false),
            Action::ResizeDown => (Axis::Rows, true),
            _ => return,
        };
        if self.tiling.zoomed {
            self.set_notice("unzoom to resize");
            return;
        }
        let Some(pane) = self.pane_rects().get(self.focus.pane().index()).copied() else {
            return;
        };
        let (end, start, along) = match axis {
            Axis::Columns => (pane.right(), pane.x, (pane.y, pane.height)),
            Axis::Rows => (pane.bottom(), pane.y, (pane.x, pane.width)),
        };
        let touches = |d: &Divider| {
            d.axis == axis
                && d.along.0 < along.0 + along.1
                && along.0 < d.along.0.saturating_add(d.along.1)
        };
        let dividers = self.dividers();
        let found = dividers
            .iter()
            .find(|d| touches(d) && d.at == end)
            .or_else(|| dividers.iter().find(|d| touches(d) && d.at == start));
        let Some(divider) = found.copied() else {
            self.set_notice("this pane has no divider that way");
            return;
        };
        let at = if forward {
            divider.at.saturating_add(STEP)
        } else {
            divider.at.saturating_sub(STEP)
        };
        self.tiling.splits.move_divider(&divider, at);
        self.apply_layout();
    }

    /// A press on a divider starts dragging it; returns whether the event was used.
    pub(super) fn on_divider_mouse(&mut self, mouse: MouseEvent) -> bool {
        match (mouse.kind, &self.tiling.drag) {
            (MouseEventKind::Down(MouseButton::Left), _) => {
                let hit = self
                    .dividers()
                    .into_iter()
                    .find(|d| d.hit(mouse.column, mouse.row));
                match hit {
                    Some(divider) => {
                        self.tiling.drag = Some(Drag::Divider(divider));
                        true
                    }
                    None => false,
                }
            }
            (MouseEventKind::Drag(MouseButton::Left), Some(Drag::Divider(divider))) => {
                let divider = *divider;
                let at = match divider.axis {
                    Axis::Columns => mouse.column,
                    Axis::Rows => mouse.row,
                };
                self.tiling.splits.move_divider(&divider, at);
                self.apply_layout();
                true
            }
            (MouseEventKind::Up(_), Some(Drag::Divider(_))) => {
                self.tiling.drag = None;
                true
            }
            _ => false,
        }
    }
}
