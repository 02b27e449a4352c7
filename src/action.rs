//! The one vocabulary of things a person (or the control socket) can ask the app to do.
//! Keymap files, the help overlay and tests all speak it through [`Action::name`] /
//! [`Action::from_name`].

use std::fmt;

/// Every user-facing command. Names are snake_case; `focus_pane_N` / `pass_to_N` carry a
/// 1-based pane number in the name so keymap files stay plain strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Focus pane N (1-based).
    FocusPane(u8),
    /// Focus the next pane in order.
    FocusNext,
    /// Zoom the focused pane to the whole screen, or unzoom.
    ToggleZoom,
    /// Quit (asks to confirm while any child still runs).
    Quit,
    /// Send the prefix key itself to the focused pane.
    SendPrefix,
    /// Open the handoff note editor, then pass the baton to the next pane.
    PassWithNote,
    /// Pass the baton to the next pane with an empty note.
    PassNext,
    /// Wait for a pane number, then pass the baton to that pane.
    PassToPrompt,
    /// Pass the baton to pane N (1-based).
    PassTo(u8),
    /// Give the baton to the focused pane.
    TakeBaton,
    /// Pause or resume the rally (the baton is parked while paused).
    TogglePause,
    /// Cycle through the layouts.
    CycleLayout,
    /// Enter scroll/copy mode on the focused pane.
    CopyMode,
    /// Show the scratchpad panel and type in it; hide it when it has the keyboard.
    ToggleScratchpad,
    /// Copy the scratchpad's selection (or all of it) to the clipboard.
    ScratchCopy,
    /// Paste the system clipboard into the scratchpad.
    ScratchPaste,
    /// Search the scratchpad (again: the next match).
    ScratchSearch,
    /// Make the scratchpad panel bigger.
    ScratchGrow,
    /// Make the scratchpad panel smaller.
    ScratchShrink,
    /// Move the scratchpad panel beside or below the panes.
    ScratchMove,
    /// Start or stop recording.
    ToggleRecording,
    /// Show the help overlay.
    Help,
    /// Leave the current mode (prefix, overlay, editor) without doing anything.
    Cancel,
    /// Send the note being edited.
    SendNote,
    /// Move the focused pane's vertical divider left.
    ResizeLeft,
    /// Move the focused pane's vertical divider right.
    ResizeRight,
    /// Move the focused pane's horizontal divider up.
    ResizeUp,
    /// Move the focused pane's horizontal divider down.
    ResizeDown,
    /// Copy mode: move the cursor up a line (scrolling at the top).
    CursorUp,
    /// Copy mode: move the cursor down a line (scrolling at the bottom).
    CursorDown,
    /// Copy mode: move the cursor left.
    CursorLeft,
    /// Copy mode: move the cursor right.
    CursorRight,
    /// Copy mode: to the start of the line.
    LineStart,
    /// Copy mode: to the end of the line's text.
    LineEnd,
    /// Copy mode: scroll back a page.
    PageUp,
    /// Copy mode: scroll forward a page.
    PageDown,
    /// Copy mode: to the oldest line of the history.
    HistoryTop,
    /// Copy mode: to the live bottom.
    HistoryBottom,
    /// Copy mode: search towards newer lines as you type.
    SearchForward,
    /// Copy mode: search towards older lines as you type.
    SearchBackward,
    /// Copy mode: the next match in the search's direction.
    SearchNext,
    /// Copy mode: the next match the other way.
    SearchPrev,
    /// Copy mode: start (or drop) a character selection at the cursor.
    BeginSelection,
    /// Copy mode: start (or drop) a selection of whole lines.
    BeginLineSelection,
    /// Copy mode: copy the selection to the clipboard and leave copy mode.
    CopySelection,
}

impl Action {
    /// The stable name used in keymap files.
    pub fn name(self) -> String {
        match self {
            Action::FocusPane(n) => format!("focus_pane_{n}"),
            Action::PassTo(n) => format!("pass_to_{n}"),
            other => SIMPLE
                .iter()
                .find(|(_, a)| *a == other)
                .map(|(n, _)| (*n).to_string())
                .unwrap_or_default(),
        }
    }

    /// Parses a keymap action name; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Action> {
        // Plain names first: "pass_to_prompt" must not be read as "pass_to_" + a number.
        if let Some((_, action)) = SIMPLE.iter().find(|(n, _)| *n == name) {
            return Some(*action);
        }
        if let Some(n) = name.strip_prefix("focus_pane_") {
            return pane_number(n).map(Action::FocusPane);
        }
        if let Some(n) = name.strip_prefix("pass_to_") {
            return pane_number(n).map(Action::PassTo);
        }
        None
    }

    /// One line for the help overlay.
    pub fn desc(self) -> String {
        match self {
            Action::FocusPane(n) => format!("focus pane {n}"),
            Action::PassTo(n) => format!("pass the baton to pane {n}"),
            Action::FocusNext => "focus the next pane".into(),
            Action::ToggleZoom => "zoom / unzoom the focused pane".into(),
            Action::Quit => "quit".into(),
            Action::SendPrefix => "send the prefix key to the pane".into(),
            Action::PassWithNote => "write a handoff note and pass".into(),
            Action::PassNext => "pass the baton now (empty note)".into(),
            Action::PassToPrompt => "pass the baton to pane N".into(),
            Action::TakeBaton => "give the baton to the focused pane".into(),
            Action::TogglePause => "pause / resume the rally".into(),
            Action::CycleLayout => "next layout".into(),
            Action::CopyMode => "scroll / copy mode".into(),
            Action::ToggleScratchpad => "show / type in / hide the scratchpad".into(),
            Action::ScratchCopy => "copy the scratchpad (or its selection)".into(),
            Action::ScratchPaste => "paste the clipboard into the scratchpad".into(),
            Action::ScratchSearch => "search the scratchpad / next match".into(),
            Action::ScratchGrow => "make the scratchpad bigger".into(),
            Action::ScratchShrink => "make the scratchpad smaller".into(),
            Action::ScratchMove => "scratchpad beside / below the panes".into(),
            Action::ToggleRecording => "start / stop recording".into(),
            Action::Help => "this help".into(),
            Action::Cancel => "cancel".into(),
            Action::SendNote => "send the note".into(),
            Action::ResizeLeft => "move the divider left".into(),
            Action::ResizeRight => "move the divider right".into(),
            Action::ResizeUp => "move the divider up".into(),
            Action::ResizeDown => "move the divider down".into(),
            Action::CursorUp => "cursor up".into(),
            Action::CursorDown => "cursor down".into(),
            Action::CursorLeft => "cursor left".into(),
            Action::CursorRight => "cursor right".into(),
            Action::LineStart => "start of line".into(),
            Action::LineEnd => "end of line".into(),
            Action::PageUp => "page up".into(),
            Action::PageDown => "page down".into(),
            Action::HistoryTop => "oldest line".into(),
            Action::HistoryBottom => "live bottom".into(),
            Action::SearchForward => "search down (incremental)".into(),
            Action::SearchBackward => "search up (incremental)".into(),
            Action::SearchNext => "next match".into(),
            Action::SearchPrev => "previous match".into(),
            Action::BeginSelection => "start a selection".into(),
            Action::BeginLineSelection => "start a line selection".into(),
            Action::CopySelection => "copy the selection".into(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

const SIMPLE: &[(&str, Action)] = &[
    ("focus_next", Action::FocusNext),
    ("toggle_zoom", Action::ToggleZoom),
    ("quit", Action::Quit),
    ("send_prefix", Action::SendPrefix),
    ("pass_with_note", Action::PassWithNote),
    ("pass_next", Action::PassNext),
    ("pass_to_prompt", Action::PassToPrompt),
    ("take_baton", Action::TakeBaton),
    ("toggle_pause", Action::TogglePause),
    ("cycle_layout", Action::CycleLayout),
    ("copy_mode", Action::CopyMode),
    ("toggle_scratchpad", Action::ToggleScratchpad),
    ("scratch_copy", Action::ScratchCopy),
    ("scratch_paste", Action::ScratchPaste),
    ("scratch_search", Action::ScratchSearch),
    ("scratch_grow", Action::ScratchGrow),
    ("scratch_shrink", Action::ScratchShrink),
    ("scratch_move", Action::ScratchMove),
    ("toggle_recording", Action::ToggleRecording),
    ("help", Action::Help),
    ("cancel", Action::Cancel),
    ("send_note", Action::SendNote),
    ("resize_left", Action::ResizeLeft),
    ("resize_right", Action::ResizeRight),
    ("resize_up", Action::ResizeUp),
    ("resize_down", Action::ResizeDown),
    ("cursor_up", Action::CursorUp),
    ("cursor_down", Action::CursorDown),
    ("cursor_left", Action::CursorLeft),
    ("cursor_right", Action::CursorRight),
    ("line_start", Action::LineStart),
    ("line_end", Action::LineEnd),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("history_top", Action::HistoryTop),
    ("history_bottom", Action::HistoryBottom),
    ("search_forward", Action::SearchForward),
    ("search_backward", Action::SearchBackward),
    ("search_next", Action::SearchNext),
    ("search_prev", Action::SearchPrev),
    ("begin_selection", Action::BeginSelection),
    ("begin_line_selection", Action::BeginLineSelection),
    ("copy_selection", Action::CopySelection),
];

impl Action {
    /// Whether this action works on copy mode's cursor, view or search (and so, bound
    /// outside copy mode, enters it first).
    pub fn is_copy_mode(self) -> bool {
        matches!(
            self,
            Action::CursorUp
                | Action::CursorDown
                | Action::CursorLeft
                | Action::CursorRight
                | Action::LineStart
                | Action::LineEnd
                | Action::PageUp
                | Action::PageDown
                | Action::HistoryTop
                | Action::HistoryBottom
                | Action::SearchForward
                | Action::SearchBackward
                | Action::SearchNext
                | Action::SearchPrev
                | Action::BeginSelection
                | Action::BeginLineSelection
                | Action::CopySelection
        )
    }
}

fn pane_number(s: &str) -> Option<u8> {
    s.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (name, action) in SIMPLE {
            assert_eq!(Action::from_name(name), Some(*action));
            assert_eq!(action.name(), *name);
        }
        assert_eq!(
            Action::from_name("focus_pane_3"),
            Some(Action::FocusPane(3))
        );
        assert_eq!(Action::PassTo(9).name(), "pass_to_9");
    }

    #[test]
    fn unknown_names_are_rejected() {
        for bad in [
            "",
            "focus_pane_0",
            "focus_pane_10",
            "pass_to_x",
            "Quit",
            "quit ",
        ] {
            assert_eq!(Action::from_name(bad), None, "{bad:?}");
        }
    }
}
