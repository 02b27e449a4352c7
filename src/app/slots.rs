//! Everything the app keeps per pane, in one place.

use super::delivery::Inbox;
use crate::pane::Pane;
use crate::pane::activity::Activity;

/// One pane and what the app knows of it, indexed by [`crate::pane::PaneId::index`].
/// Kept together, rather than in parallel vectors, so that per-pane facts cannot get
/// out of step: a pane is added or looked up once, with all of them.
pub(super) struct PaneSlot {
    pub(super) pane: Pane,
    pub(super) activity: Activity,
    /// The handoff note on its way in.
    pub(super) inbox: Inbox,
    /// The known agent the pane starts, if any (its notifications may say more than
    /// other programs' do: see [`crate::agents::notice_signal`]).
    pub(super) agent: Option<&'static str>,
    /// Whether the child was last told it is focused (see [`super::focus_reports`]).
    pub(super) focus_told: bool,
}
