//! The one vocabulary of things a person can ask the app to do, and every fact about each
//! action in one table ([`actions!`] below): its keymap name, its group (which decides
//! who carries it out) and its line in the help overlay. The table's order is the help
//! overlay's order. Keymap files, the help overlay, dispatch and the tests all read it.
//!
//! The control socket does not speak these actions: it is for agents, which may only
//! pass the baton, append to the scratchpad and ask for the status (see
//! `control::protocol`), never move the person's focus or quit their app.

use std::fmt;

/// Who carries an action out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Which pane shows where: focus, zoom, layouts, dividers.
    Panes,
    /// The baton: passes, taking it, pausing.
    Baton,
    /// The handoff note editor.
    Note,
    /// Copy mode's cursor, view, search and selection; bound outside copy mode, such an
    /// action enters it first.
    Copy,
    /// The scratchpad panel.
    Scratchpad,
    /// The app itself: recording, help, leaving.
    App,
}

/// What the table says about one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// The keymap name; for a numbered action, the name before its number.
    pub name: &'static str,
    /// Whether the name ends in a pane number 1-9 (`focus_pane_3`).
    pub numbered: bool,
    pub group: Group,
    /// One line for the help overlay; `{n}` is the pane number.
    pub help: &'static str,
}

/// Declares [`Action`] and its table from one list: `Variant (n)? = "name", Group, "help";`.
macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident $(($n:ident))? = $name:literal, $group:ident, $help:literal; )*) => {
        /// Every user-facing command. Names are `snake_case`; numbered actions carry a
        /// 1-based pane number in the name so keymap files stay plain strings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$doc])* $variant $(( actions!(@number $n) ))?, )*
        }

        /// Every action's facts, in help order.
        pub const TABLE: &[Info] = &[
            $( Info {
                name: $name,
                numbered: actions!(@numbered $($n)?),
                group: Group::$group,
                help: $help,
            }, )*
        ];

        impl Action {
            /// Its row in [`TABLE`] and its pane number, if it has one.
            fn row(self) -> (usize, Option<u8>) {
                let mut row = 0;
                $(
                    #[allow(unused_variables)]
                    if let Action::$variant $(($n))? = self {
                        return (row, actions!(@some $($n)?));
                    }
                    row += 1;
                )*
                unreachable!("every action has a row, {row} rows")
            }

            /// The action a table row names, with the number a numbered one needs.
            fn at(row: usize, number: u8) -> Option<Action> {
                let mut at = 0;
                $(
                    if at == row {
                        return Some(actions!(@build $variant number $($n)?));
                    }
                    at += 1;
                )*
                let _ = (at, number);
                None
            }
        }
    };
    (@number $n:ident) => { u8 };
    (@numbered) => { false };
    (@numbered $n:ident) => { true };
    (@some) => { None };
    (@some $n:ident) => { Some($n) };
    (@build $variant:ident $number:ident) => { Action::$variant };
    (@build $variant:ident $number:ident $n:ident) => { Action::$variant($number) };
}

actions! {
    /// Focus pane N (1-based).
    FocusPane(n) = "focus_pane_", Panes, "focus pane {n}";
    FocusNext = "focus_next", Panes, "focus the next pane";
    ToggleZoom = "toggle_zoom", Panes, "zoom / unzoom the focused pane";
    CycleLayout = "cycle_layout", Panes, "next layout";
    ResizeLeft = "resize_left", Panes, "move the divider left";
    ResizeRight = "resize_right", Panes, "move the divider right";
    ResizeUp = "resize_up", Panes, "move the divider up";
    ResizeDown = "resize_down", Panes, "move the divider down";
    /// Open the handoff note editor, then pass the baton to the next pane.
    PassWithNote = "pass_with_note", Baton, "write a handoff note and pass";
    PassNext = "pass_next", Baton, "pass the baton now (empty note)";
    /// Wait for a pane number, then pass the baton to that pane.
    PassToPrompt = "pass_to_prompt", Baton, "pass the baton to pane N";
    /// Pass the baton to pane N (1-based).
    PassTo(n) = "pass_to_", Baton, "pass the baton to pane {n}";
    TakeBaton = "take_baton", Baton, "give the baton to the focused pane";
    /// Pause or resume the rally (the baton is parked while paused).
    TogglePause = "toggle_pause", Baton, "pause / resume the rally";
    SendNote = "send_note", Note, "send the note";
    /// Enter scroll/copy mode on the focused pane.
    CopyMode = "copy_mode", Panes, "scroll / copy mode";
    CursorUp = "cursor_up", Copy, "cursor up";
    CursorDown = "cursor_down", Copy, "cursor down";
    CursorLeft = "cursor_left", Copy, "cursor left";
    CursorRight = "cursor_right", Copy, "cursor right";
    LineStart = "line_start", Copy, "start of line";
    LineEnd = "line_end", Copy, "end of line";
    PageUp = "page_up", Copy, "page up";
    PageDown = "page_down", Copy, "page down";
    HistoryTop = "history_top", Copy, "oldest line";
    HistoryBottom = "history_bottom", Copy, "live bottom";
    SearchForward = "search_forward", Copy, "search down (incremental)";
    SearchBackward = "search_backward", Copy, "search up (incremental)";
    SearchNext = "search_next", Copy, "next match";
    SearchPrev = "search_prev", Copy, "previous match";
    BeginSelection = "begin_selection", Copy, "start a selection";
    BeginLineSelection = "begin_line_selection", Copy, "start a line selection";
    /// Copy the selection to the clipboard and leave copy mode.
    CopySelection = "copy_selection", Copy, "copy the selection";
    /// Show the scratchpad panel and type in it; hide it when it has the keyboard.
    ToggleScratchpad = "toggle_scratchpad", Scratchpad, "show / type in / hide the scratchpad";
    ScratchCopy = "scratch_copy", Scratchpad, "copy the scratchpad (or its selection)";
    ScratchPaste = "scratch_paste", Scratchpad, "paste the clipboard into the scratchpad";
    ScratchSearch = "scratch_search", Scratchpad, "search the scratchpad / next match";
    ScratchGrow = "scratch_grow", Scratchpad, "make the scratchpad bigger";
    ScratchShrink = "scratch_shrink", Scratchpad, "make the scratchpad smaller";
    ScratchMove = "scratch_move", Scratchpad, "scratchpad beside / below the panes";
    ToggleRecording = "toggle_recording", App, "start / stop recording";
    /// Send the prefix key itself to the focused pane.
    SendPrefix = "send_prefix", App, "send the prefix key to the pane";
    Help = "help", App, "this help";
    /// Leave the current mode (prefix, overlay, editor) without doing anything.
    Cancel = "cancel", App, "cancel";
    /// Quit (asks to confirm while any child still runs).
    Quit = "quit", App, "quit";
    /// In the quit confirmation: yes, quit.
    Confirm = "confirm", App, "yes";
}

impl Action {
    /// Its facts.
    pub fn info(self) -> &'static Info {
        &TABLE[self.row().0]
    }

    pub fn group(self) -> Group {
        self.info().group
    }

    /// The stable name used in keymap files.
    pub fn name(self) -> String {
        match self.row() {
            (row, Some(n)) => format!("{}{n}", TABLE[row].name),
            (row, None) => TABLE[row].name.to_string(),
        }
    }

    /// Parses a keymap action name; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Action> {
        // Plain names first: "pass_to_prompt" must not be read as "pass_to_" + a number.
        if let Some(row) = TABLE.iter().position(|i| !i.numbered && i.name == name) {
            return Action::at(row, 0);
        }
        TABLE.iter().enumerate().find_map(|(row, info)| {
            let n = name.strip_prefix(info.name).filter(|_| info.numbered)?;
            Action::at(row, pane_number(n)?)
        })
    }

    /// One line for the help overlay.
    pub fn desc(self) -> String {
        match self.row() {
            (row, Some(n)) => TABLE[row].help.replace("{n}", &n.to_string()),
            (row, None) => TABLE[row].help.to_string(),
        }
    }

    /// Where the help overlay lists it: the table's order, numbered ones by number.
    pub fn rank(self) -> (usize, u8) {
        let (row, n) = self.row();
        (row, n.unwrap_or(0))
    }

    /// Whether this action works on copy mode's cursor, view or search (and so, bound
    /// outside copy mode, enters it first).
    pub fn is_copy_mode(self) -> bool {
        self.group() == Group::Copy
    }

    /// Every action, numbered ones with each pane number.
    pub fn all() -> impl Iterator<Item = Action> {
        TABLE.iter().enumerate().flat_map(|(row, info)| {
            let numbers = if info.numbered { 1..=9 } else { 0..=0 };
            numbers.filter_map(move |n| Action::at(row, n))
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
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
        for action in Action::all() {
            assert_eq!(
                Action::from_name(&action.name()),
                Some(action),
                "{action:?}"
            );
        }
        assert_eq!(Action::all().count(), TABLE.len() + 2 * 8);
        assert_eq!(
            Action::from_name("focus_pane_3"),
            Some(Action::FocusPane(3))
        );
        assert_eq!(Action::PassTo(9).name(), "pass_to_9");
        assert_eq!(
            Action::from_name("pass_to_prompt"),
            Some(Action::PassToPrompt)
        );
        assert_eq!(Action::PassTo(4).desc(), "pass the baton to pane 4");
    }

    #[test]
    fn names_are_unique_and_help_order_is_the_tables() {
        let mut names: Vec<_> = TABLE.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLE.len());
        let ranks: Vec<_> = Action::all().map(Action::rank).collect();
        assert!(ranks.is_sorted(), "{ranks:?}");
    }

    #[test]
    fn unknown_names_are_rejected() {
        for bad in [
            "",
            "focus_pane_0",
            "focus_pane_10",
            "focus_pane_",
            "pass_to_x",
            "Quit",
            "quit ",
            "focus_next1",
        ] {
            assert_eq!(Action::from_name(bad), None, "{bad:?}");
        }
    }
}
