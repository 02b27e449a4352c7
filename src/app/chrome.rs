//! What the app itself puts between the person and the panes: the keyboard's mode, the
//! overlays on top and the status bar's notice. The children never see any of it.

use std::time::{Duration, Instant};

use super::copy_mode::CopyMode;
use super::overlay::Overlay;
use crate::input::keymap::Chord;
use crate::pane::PaneId;

/// How long a notice stays in the status bar.
const NOTICE_TIME: Duration = Duration::from_secs(4);

/// What the keyboard is doing right now, under any overlay.
pub(super) enum Mode {
    Normal,
    /// The prefix chord was pressed; the next chord is an app command.
    Prefix,
    /// Scrolling, searching and selecting in a pane's history.
    Copy(Box<CopyMode>),
}

/// The app's own layer over the panes. Kept together because together they decide where
/// a key goes (the top overlay, else the mode) and what the screen shows besides the
/// panes: an overlay's popup, the mode's cursor and status, or the notice.
pub(super) struct Chrome {
    pub(super) mode: Mode,
    /// What covers the panes or takes the keys, topmost last.
    pub(super) overlays: Vec<Overlay>,
    /// Something to tell the person, and until when.
    notice: Option<(String, Instant)>,
    /// How many notices were shown: the one showing is told from the others by its
    /// number (see [`Chrome::notice_id`]).
    notices: u64,
}

impl Chrome {
    pub(super) fn new() -> Chrome {
        Chrome {
            mode: Mode::Normal,
            overlays: Vec::new(),
            notice: None,
            notices: 0,
        }
    }

    /// Shows `text` in the status bar for a while from `now`.
    pub(super) fn say(&mut self, text: String, now: Instant) {
        self.notice = Some((text, now + NOTICE_TIME));
        self.notices += 1;
    }

    /// Which notice shows, if one does: the status line is built again when this
    /// changes.
    pub(super) fn notice_id(&self) -> Option<u64> {
        self.notice.as_ref().map(|_| self.notices)
    }

    /// Drops the notice once its time is up.
    pub(super) fn expire_notice(&mut self, now: Instant) {
        if self.notice.as_ref().is_some_and(|(_, until)| *until <= now) {
            self.notice = None;
        }
    }

    /// When the notice must go, if one shows.
    pub(super) fn notice_until(&self) -> Option<Instant> {
        self.notice.as_ref().map(|(_, until)| *until)
    }

    /// Whether an overlay is drawn over the panes.
    pub(super) fn covers_panes(&self) -> bool {
        self.overlays.iter().any(Overlay::covers_panes)
    }

    /// Whether the focused pane's own cursor may show: no mode of the app's own has the
    /// keyboard, and nothing hides it.
    pub(super) fn keeps_pane_cursor(&self) -> bool {
        matches!(self.mode, Mode::Normal | Mode::Prefix)
            && self.overlays.iter().all(Overlay::keeps_pane_cursor)
    }

    /// Copy mode, while it is on pane `id`.
    pub(super) fn copying(&self, id: PaneId) -> Option<&CopyMode> {
        match &self.mode {
            Mode::Copy(copy) if copy.pane() == id => Some(copy),
            _ => None,
        }
    }

    /// What the status line says for the top overlay, the mode or the notice; `None`
    /// leaves it to the app. `prefix` names the prefix chord.
    pub(super) fn message(&self, prefix: Chord) -> Option<String> {
        let overlay_status = self.overlays.last().and_then(Overlay::status);
        match &self.mode {
            _ if overlay_status.is_some() => overlay_status,
            Mode::Prefix => Some(format!("{prefix} …")),
            Mode::Copy(copy) => Some(match &self.notice {
                Some((text, _)) if !copy.is_prompting() => text.clone(),
                _ => copy.status(),
            }),
            Mode::Normal => self.notice.as_ref().map(|(text, _)| text.clone()),
        }
    }
}
