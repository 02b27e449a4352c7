//! The status line: what it says, and when it must be built again. Building it formats a
//! handful of strings, and a thinking agent asks for a frame a dozen times a second while
//! the line stays as it was; so a frame builds it only when something it is made of
//! changed (a [`StatusSource`]), and sends it only when its text changed.

use std::time::{Instant, SystemTime};

use super::App;
use crate::input::action::Action;
use crate::pane::PaneId;
use crate::pane::activity::Attention;
use crate::rally::end::minutes;
use crate::ui::StatusLine;

/// The chords worth a place in the status line, in this order.
const HINTS: &[(Action, &str)] = &[
    (Action::PassWithNote, "pass"),
    (Action::TakeBaton, "take"),
    (Action::FocusNext, "next pane"),
    (Action::Help, "keys"),
    (Action::Quit, "quit"),
];

/// The status line as last sent, and what it was built from.
#[derive(Default)]
pub(super) struct PaintedStatus {
    line: Option<StatusLine>,
    source: Option<StatusSource>,
    /// Each pane's call for the person when the line was built, in pane order: part of
    /// its source, kept apart so that a frame compares it without collecting it.
    attention: Vec<Option<Attention>>,
    /// When the turn in the line started, and that time as the line shows it.
    turn_clock: Option<(Option<Instant>, String)>,
}

impl PaintedStatus {
    /// The host's status row is unknown (a whole frame): the next frame sends the line.
    pub(super) fn forget(&mut self) {
        self.line = None;
        self.source = None;
    }
}

/// Everything the status line is made of that can change while the app runs (the
/// keymap, the theme and the panes' names cannot), but each pane's call for the person
/// (see [`PaintedStatus`]). There is none while a mode of the app's own or an overlay has
/// the keyboard: the line then says what it is doing, and is built every frame (rare
/// states).
#[derive(Debug, PartialEq)]
// Independent facts compared as a whole, never matched on: not a state machine in bools.
#[allow(clippy::struct_excessive_bools)]
struct StatusSource {
    turn: u32,
    max_turns: Option<u32>,
    holder: Option<PaneId>,
    ended: bool,
    paused: bool,
    /// The person's turn: where the pass came from and whom the note is for.
    person_turn: Option<(PaneId, PaneId)>,
    recording: bool,
    turn_started: Option<Instant>,
    overdue: bool,
    /// Which notice shows, if one does.
    notice: Option<u64>,
}

impl App {
    /// The status line for a frame at `now`, when it differs from the one `painted`
    /// last sent (always, once [`PaintedStatus::forget`] was called).
    pub(super) fn status_if_changed(
        &self,
        painted: &mut PaintedStatus,
        now: Instant,
    ) -> Option<StatusLine> {
        let source = self.status_source(now);
        let attention = self.slots.iter().map(|slot| slot.activity.attention());
        if source.is_some()
            && painted.source == source
            && attention.clone().eq(painted.attention.iter().copied())
        {
            debug_assert_eq!(
                Some(self.status_line(&mut painted.turn_clock.clone(), now)),
                painted.line,
                "the status line changed, but not what it is made of: {source:?}",
            );
            return None;
        }
        painted.source = source;
        painted.attention.clear();
        painted.attention.extend(attention);
        let line = self.status_line(&mut painted.turn_clock, now);
        if painted.line.as_ref() == Some(&line) {
            return None;
        }
        painted.line = Some(line.clone());
        Some(line)
    }

    /// What the status line is made of at `now`; see [`StatusSource`].
    fn status_source(&self, now: Instant) -> Option<StatusSource> {
        if !matches!(self.chrome.mode, super::chrome::Mode::Normal)
            || !self.chrome.overlays.is_empty()
        {
            return None;
        }
        let turn_started =
            (self.baton.time_in_turn(now)).and_then(|in_turn| now.checked_sub(in_turn));
        Some(StatusSource {
            turn: self.baton.turn(),
            max_turns: self.baton.max_turns(),
            holder: self.baton.holder(),
            ended: self.baton.is_ended(),
            paused: self.baton.is_paused(),
            person_turn: self.seat.turn,
            recording: self.recording.screen.is_on(),
            turn_started,
            overdue: self.overdue(now),
            notice: self.chrome.notice_id(),
        })
    }

    /// The status line at `now`; `turn_clock` keeps the turn's start as the line shows
    /// it.
    fn status_line(
        &self,
        turn_clock: &mut Option<(Option<Instant>, String)>,
        now: Instant,
    ) -> StatusLine {
        let mut baton = self.baton_summary();
        if self.recording.screen.is_on() {
            baton = format!("● REC  {baton}");
        }
        if let Some(in_turn) = self.baton.time_in_turn(now) {
            // The start time, not a ticking clock: an idle app must not wake to redraw it.
            // Put in local time once per turn, not in every frame.
            let started = now.checked_sub(in_turn);
            let since = match turn_clock {
                Some((at, text)) if *at == started => text.clone(),
                _ => {
                    let text = clock_time(SystemTime::now() - in_turn);
                    *turn_clock = Some((started, text.clone()));
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
}

/// Local wall-clock time as HH:MM:SS.
fn clock_time(at: SystemTime) -> String {
    crate::local_time::hms(crate::local_time::unix_secs(at)).unwrap_or_else(|| "?".into())
}
