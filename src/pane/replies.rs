//! What a real terminal answers and the vt100 crate does not: device attributes, cursor
//! position, mode reports, version and colour queries. Agents such as codex abort when a
//! query goes unanswered, so every reply here is written back to the child's PTY.
//!
//! Also tracks the few modes vt100 ignores but the pane needs: synchronized output
//! (DEC 2026), focus reporting (DEC 1004), and the bell.

use std::time::Instant;

/// Colours reported for OSC 10 / OSC 11 queries (a dark terminal: light grey on black).
const FOREGROUND_REPLY: &str = "rgb:cccc/cccc/cccc";
const BACKGROUND_REPLY: &str = "rgb:0000/0000/0000";

/// DEC private modes vt100 does not track but we do.
const MODE_FOCUS_EVENTS: u16 = 1004;
const MODE_SYNCHRONIZED_OUTPUT: u16 = 2026;

/// Side effects of parsing one chunk of child output that the pane must act on.
#[derive(Debug, Default)]
pub struct Replies {
    /// Bytes to write back to the child (answers to its queries).
    pub to_child: Vec<u8>,
    /// When synchronized output (DEC 2026) began, while the child holds it.
    pub sync_since: Option<Instant>,
    /// The child asked for focus-in/out reports (DEC 1004).
    pub focus_events: bool,
    /// Bells rung since the pane last looked.
    pub bells: u32,
    /// The child set its window title (OSC 0/2).
    pub title: Option<String>,
    /// The child has used synchronized output at least once (so its frames are kept).
    pub sync_used: bool,
    /// OSC 52 clipboard writes (selector, base64 data), for the clipboard feature.
    pub clipboard: Vec<(Vec<u8>, Vec<u8>)>,
    /// The older part of the main screen's history (see [`super::archive`]).
    pub archive: super::archive::Archive,
    /// Where vt100's parser stands in the escape sequences it has read, for skipping
    /// floods (see [`super::flood`]).
    pub escapes: super::escape_state::EscapeTracker,
}

impl vt100::Callbacks for Replies {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells = self.bells.saturating_add(1);
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = Some(String::from_utf8_lossy(title).into_owned());
    }

    fn on_scroll(&mut self, row: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        if !alternate_screen {
            self.archive.push(&row);
        }
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.clipboard.push((ty.to_vec(), data.to_vec()));
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, i2, c) {
            // DA1: a VT220-class terminal with ANSI colour, like tmux reports.
            (None, None, 'c') if first == 0 => self.reply("\x1b[?62;22c"),
            // DA2: "xterm-like", firmware version 0.
            (Some(b'>'), None, 'c') if first == 0 => self.reply("\x1b[>0;10;1c"),
            // DSR: status ok, and cursor position (1-based).
            (None, None, 'n') if first == 5 => self.reply("\x1b[0n"),
            (None, None, 'n') if first == 6 => {
                let (row, col) = screen.cursor_position();
                self.reply(&format!("\x1b[{};{}R", row + 1, col + 1));
            }
            (Some(b'?'), None, 'n') if first == 6 => {
                let (row, col) = screen.cursor_position();
                self.reply(&format!("\x1b[?{};{};1R", row + 1, col + 1));
            }
            // XTVERSION.
            (Some(b'>'), None, 'q') if first == 0 => {
                self.reply(concat!(
                    "\x1bP>|rallish-tui ",
                    env!("CARGO_PKG_VERSION"),
                    "\x1b\\"
                ));
            }
            // XTWINOPS: report the text area in characters.
            (None, None, 't') if first == 18 => {
                let (rows, cols) = screen.size();
                self.reply(&format!("\x1b[8;{rows};{cols}t"));
            }
            // DECRQM for DEC private modes: ESC [ ? Ps $ p.
            (Some(b'?'), Some(b'$'), 'p') => {
                let state = self.dec_mode_state(screen, first);
                self.reply(&format!("\x1b[?{first};{state}$y"));
            }
            (Some(b'?'), None, 'h') => self.set_private_modes(params, true),
            (Some(b'?'), None, 'l') => self.set_private_modes(params, false),
            _ => {}
        }
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        match params {
            [b"10", b"?"] => self.reply(&format!("\x1b]10;{FOREGROUND_REPLY}\x1b\\")),
            [b"11", b"?"] => self.reply(&format!("\x1b]11;{BACKGROUND_REPLY}\x1b\\")),
            _ => {}
        }
    }
}

impl Replies {
    fn reply(&mut self, text: &str) {
        self.to_child.extend_from_slice(text.as_bytes());
    }

    /// vt100 hands a whole `CSI ? a;b h` to us when any mode in it is unknown to it, so
    /// look at every parameter.
    fn set_private_modes(&mut self, params: &[&[u16]], on: bool) {
        for mode in params.iter().filter_map(|p| p.first()) {
            match *mode {
                MODE_SYNCHRONIZED_OUTPUT if on => {
                    self.sync_used = true;
                    self.sync_since.get_or_insert_with(Instant::now);
                }
                MODE_SYNCHRONIZED_OUTPUT => self.sync_since = None,
                MODE_FOCUS_EVENTS => self.focus_events = on,
                _ => {}
            }
        }
    }

    /// DECRPM state: 1 set, 2 reset, 0 not recognised.
    fn dec_mode_state(&self, screen: &vt100::Screen, mode: u16) -> u8 {
        let flag = match mode {
            1 => screen.application_cursor(),
            25 => !screen.hide_cursor(),
            1049 | 47 | 1047 => screen.alternate_screen(),
            2004 => screen.bracketed_paste(),
            1000 | 1002 | 1003 | 9 => mouse_mode_number(screen.mouse_protocol_mode()) == Some(mode),
            1006 => screen.mouse_protocol_encoding() == vt100::MouseProtocolEncoding::Sgr,
            MODE_FOCUS_EVENTS => self.focus_events,
            MODE_SYNCHRONIZED_OUTPUT => self.sync_since.is_some(),
            _ => return 0,
        };
        if flag { 1 } else { 2 }
    }
}

fn mouse_mode_number(mode: vt100::MouseProtocolMode) -> Option<u16> {
    match mode {
        vt100::MouseProtocolMode::None => None,
        vt100::MouseProtocolMode::Press => Some(9),
        vt100::MouseProtocolMode::PressRelease => Some(1000),
        vt100::MouseProtocolMode::ButtonMotion => Some(1002),
        vt100::MouseProtocolMode::AnyMotion => Some(1003),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> vt100::Parser<Replies> {
        let mut parser = vt100::Parser::new_with_callbacks(
            crate::pane::non_zero(24),
            crate::pane::non_zero(80),
            0,
            Replies::default(),
        );
        parser.process(bytes);
        parser
    }

    fn answer(bytes: &[u8]) -> String {
        String::from_utf8(parse(bytes).callbacks().to_child.clone()).unwrap()
    }

    #[test]
    fn answers_device_attributes() {
        assert_eq!(answer(b"\x1b[c"), "\x1b[?62;22c");
        assert_eq!(answer(b"\x1b[0c"), "\x1b[?62;22c");
        assert_eq!(answer(b"\x1b[>c"), "\x1b[>0;10;1c");
    }

    #[test]
    fn answers_cursor_position_after_moves() {
        assert_eq!(answer(b"\x1b[5;10H\x1b[6n"), "\x1b[5;10R");
        assert_eq!(answer(b"abc\x1b[?6n"), "\x1b[?1;4;1R");
        assert_eq!(answer(b"\x1b[5n"), "\x1b[0n");
    }

    #[test]
    fn answers_version_size_and_colours() {
        assert!(answer(b"\x1b[>q").starts_with("\x1bP>|rallish-tui "));
        assert_eq!(answer(b"\x1b[18t"), "\x1b[8;24;80t");
        assert_eq!(answer(b"\x1b]10;?\x07"), "\x1b]10;rgb:cccc/cccc/cccc\x1b\\");
        assert_eq!(
            answer(b"\x1b]11;?\x1b\\"),
            "\x1b]11;rgb:0000/0000/0000\x1b\\"
        );
    }

    #[test]
    fn reports_tracked_modes() {
        assert_eq!(answer(b"\x1b[?2004h\x1b[?2004$p"), "\x1b[?2004;1$y");
        assert_eq!(answer(b"\x1b[?2004$p"), "\x1b[?2004;2$y");
        assert_eq!(answer(b"\x1b[?2026h\x1b[?2026$p"), "\x1b[?2026;1$y");
        assert_eq!(answer(b"\x1b[?1h\x1b[?1$p"), "\x1b[?1;1$y");
        assert_eq!(answer(b"\x1b[?7777$p"), "\x1b[?7777;0$y");
    }

    #[test]
    fn tracks_synchronized_output_and_focus_events() {
        let parser = parse(b"\x1b[?2026hhalf");
        assert!(parser.callbacks().sync_since.is_some());
        let parser = parse(b"\x1b[?2026hframe\x1b[?2026l");
        assert!(parser.callbacks().sync_since.is_none());
        // A mode vt100 knows combined with one it does not.
        let parser = parse(b"\x1b[?1049;2026h");
        assert!(parser.callbacks().sync_since.is_some());
        assert!(parser.screen().alternate_screen());
        assert!(parse(b"\x1b[?1004h").callbacks().focus_events);
    }

    #[test]
    fn counts_bells_and_keeps_titles() {
        let parser = parse(b"\x07x\x07\x1b]2;build ok\x07");
        assert_eq!(parser.callbacks().bells, 2);
        assert_eq!(parser.callbacks().title.as_deref(), Some("build ok"));
    }
}
