//! Follows a child's output the way vt100's parser (vte) reads it, far enough to answer
//! two questions vt100 cannot be asked: is the parser between sequences right now (not
//! inside an escape, a CSI, an OSC or a DCS string, which swallow plain text), and could
//! a scroll region (DECSTBM) be set on the screen in use? [`super::flood`] may skip
//! output only when both answers allow it.
//!
//! The states mirror vte 0.15's table, collapsed to what changes the answers; the
//! property test in `flood` checks them against vt100 itself.

/// Where in an escape sequence the parser stands: vte's states, one for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Between sequences: text prints, only ESC leaves.
    #[default]
    Ground,
    Escape,
    EscapeIntermediate,
    CsiEntry,
    CsiParam,
    CsiIntermediate,
    CsiIgnore,
    DcsEntry,
    DcsParam,
    DcsIntermediate,
    DcsIgnore,
    DcsPassthrough,
    OscString,
    SosPmApcString,
}

/// What the CSI being read says, as far as DECSTBM and the alternate-screen modes go.
#[derive(Debug, Clone, Copy, Default)]
struct Csi {
    /// A private marker (`?`, `>`, …) or an intermediate byte was collected.
    private: Option<u8>,
    intermediate: bool,
    /// The first value of the first two parameters (vte saturates, so do we).
    params: [u16; 2],
    count: usize,
    current: u16,
    /// The parameter being read has sub-parameters (`:`).
    sub: bool,
    /// A parameter was exactly 47 or 1049, the modes vt100 switches screens on.
    names_alternate_screen: bool,
}

impl Csi {
    fn digit(&mut self, byte: u8) {
        if !self.sub {
            self.current = self
                .current
                .saturating_mul(10)
                .saturating_add(u16::from(byte - b'0'));
        }
    }

    fn end_param(&mut self) {
        if !self.sub && matches!(self.current, 47 | 1049) {
            self.names_alternate_screen = true;
        }
        if let Some(slot) = self.params.get_mut(self.count) {
            *slot = self.current;
        }
        self.count += 1;
        self.current = 0;
        self.sub = false;
    }
}

/// A region DECSTBM asked for, as vt100 reads it (1-based, 0 = the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    top: u16,
    bottom: u16,
}

impl Region {
    /// vt100 keeps the whole screen when the request covers it or is empty.
    fn is_whole_screen(self, rows: u16) -> bool {
        let rows = rows.max(1);
        let top = self.top.max(1) - 1;
        let bottom = if self.bottom == 0 { rows } else { self.bottom }.min(rows) - 1;
        top >= bottom || (top == 0 && bottom + 1 == rows)
    }
}

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub struct EscapeTracker {
    state: State,
    csi: Csi,
    /// The alternate screen is in use.
    alternate: bool,
    /// The last region asked for on each screen since it was last reset.
    main_region: Option<Region>,
    alternate_region: Option<Region>,
    /// The sequence just read erased the main screen's history.
    history_erased: bool,
}

impl EscapeTracker {
    /// Follows `bytes`, which vt100 is about to process. Stops just after a sequence that
    /// erases the main screen's history (ED 3, RIS) and says where: the archive of older
    /// history must be erased at that very point (see [`super::flood::process`]).
    pub fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::Ground {
                // Only ESC leaves the ground state; the rest is text and controls.
                match memchr::memchr(0x1b, &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.enter_escape();
                    }
                    None => return None,
                }
                continue;
            }
            self.step(bytes[i]);
            i += 1;
            if std::mem::take(&mut self.history_erased) {
                return Some(i);
            }
        }
        None
    }

    /// True when the parser is between sequences, so plain text prints as text.
    pub fn at_ground(&self) -> bool {
        self.state == State::Ground
    }

    /// True when no scroll region is in force on the screen in use, for a screen of
    /// `rows`: every line feed at the bottom then scrolls the whole screen into history.
    pub fn whole_screen_scrolls(&self, rows: u16) -> bool {
        let region = if self.alternate {
            self.alternate_region
        } else {
            self.main_region
        };
        region.is_none_or(|region| region.is_whole_screen(rows))
    }

    /// vt100 resets both screens' regions when it is resized.
    pub fn resized(&mut self) {
        self.main_region = None;
        self.alternate_region = None;
    }

    fn enter_escape(&mut self) {
        self.state = State::Escape;
        self.csi = Csi::default();
    }

    /// vte's "anywhere" transitions: CAN and SUB abort, ESC starts over.
    fn anywhere(&mut self, byte: u8) {
        match byte {
            0x18 | 0x1a => self.state = State::Ground,
            0x1b => self.enter_escape(),
            _ => {}
        }
    }

    /// One byte outside the ground state, transition for transition as in vte 0.15.
    fn step(&mut self, byte: u8) {
        const EXECUTED: fn(u8) -> bool = |b| matches!(b, 0x00..=0x17 | 0x19 | 0x1c..=0x1f);
        use State::*;
        match self.state {
            Ground => unreachable!("ground is handled in feed"),
            Escape => match byte {
                0x20..=0x2f => self.state = EscapeIntermediate,
                b'P' => self.state = DcsEntry,
                b'X' | b'^' | b'_' => self.state = SosPmApcString,
                b'[' => self.state = CsiEntry,
                b']' => self.state = OscString,
                // RIS: vt100 builds a new screen, without its history.
                b'c' => {
                    *self = EscapeTracker::default();
                    self.history_erased = true;
                }
                0x30..=0x7e => self.state = Ground,
                0x18 | 0x1a => self.state = Ground,
                _ => {}
            },
            EscapeIntermediate => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x2f | 0x7f => {}
                0x30..=0x7e => self.state = Ground,
                _ => self.anywhere(byte),
            },
            CsiEntry | CsiParam => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x2f => {
                    self.csi.intermediate = true;
                    self.state = CsiIntermediate;
                }
                b'0'..=b'9' => {
                    self.csi.digit(byte);
                    self.state = CsiParam;
                }
                b':' => {
                    self.csi.sub = true;
                    self.state = CsiParam;
                }
                b';' => {
                    self.csi.end_param();
                    self.state = CsiParam;
                }
                0x3c..=0x3f if self.state == CsiEntry => {
                    self.csi.private = Some(byte);
                    self.state = CsiParam;
                }
                0x3c..=0x3f => self.state = CsiIgnore,
                0x40..=0x7e => {
                    self.csi.end_param();
                    self.dispatch_csi(byte);
                    self.state = Ground;
                }
                0x7f => {}
                _ => self.anywhere(byte),
            },
            CsiIntermediate => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x2f => {}
                0x30..=0x3f => self.state = CsiIgnore,
                0x40..=0x7e => {
                    self.csi.end_param();
                    self.dispatch_csi(byte);
                    self.state = Ground;
                }
                _ => self.anywhere(byte),
            },
            CsiIgnore => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x3f | 0x7f => {}
                0x40..=0x7e => self.state = Ground,
                _ => self.anywhere(byte),
            },
            DcsEntry | DcsParam => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x2f => self.state = DcsIntermediate,
                0x30..=0x3b => self.state = DcsParam,
                0x3c..=0x3f if self.state == DcsEntry => self.state = DcsParam,
                0x3c..=0x3f => self.state = DcsIgnore,
                0x40..=0x7e => self.state = DcsPassthrough,
                0x7f => {}
                _ => self.anywhere(byte),
            },
            DcsIntermediate => match byte {
                b if EXECUTED(b) => {}
                0x20..=0x2f | 0x7f => {}
                0x30..=0x3f => self.state = DcsIgnore,
                0x40..=0x7e => self.state = DcsPassthrough,
                _ => self.anywhere(byte),
            },
            DcsPassthrough => match byte {
                0x18 | 0x1a | 0x9c => self.state = Ground,
                0x1b => self.enter_escape(),
                _ => {}
            },
            OscString => match byte {
                0x07 | 0x18 | 0x1a => self.state = Ground,
                0x1b => self.enter_escape(),
                _ => {}
            },
            DcsIgnore | SosPmApcString => self.anywhere(byte),
        }
    }

    fn dispatch_csi(&mut self, final_byte: u8) {
        let csi = self.csi;
        match (csi.private, csi.intermediate, final_byte) {
            (None, false, b'r') => {
                let region = Region {
                    top: csi.params[0],
                    bottom: if csi.count > 1 { csi.params[1] } else { 0 },
                };
                if self.alternate {
                    self.alternate_region = Some(region);
                } else {
                    self.main_region = Some(region);
                }
            }
            // vt100 reads ED's first value; the alternate screen has no history.
            (None, false, b'J') if csi.params[0] == 3 && !self.alternate => {
                self.history_erased = true;
            }
            (Some(b'?'), false, b'h' | b'l') if csi.names_alternate_screen => {
                // 47 and 1049 both switch vt100's screen. 1049 also clears the
                // alternate one, region included; keeping its old region here only
                // errs on the safe side (and nothing is skipped there anyway).
                let entering = final_byte == b'h';
                self.alternate = entering;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(bytes: &[u8]) -> EscapeTracker {
        let mut tracker = EscapeTracker::default();
        tracker.feed(bytes);
        tracker
    }

    #[test]
    fn feeding_stops_right_after_a_sequence_that_erases_the_history() {
        let mut tracker = EscapeTracker::default();
        assert_eq!(tracker.feed(b"ab\x1b[3Jcd"), Some(6), "ED 3");
        assert_eq!(
            tracker.feed(b"cd\x1b[2J\x1b[?3J\x1b[3;1J"),
            Some(17),
            "first value 3"
        );
        assert_eq!(tracker.feed(b"\x1bcxy"), Some(2), "RIS");
        assert_eq!(
            tracker.feed(b"\x1b[?1049h\x1b[3J"),
            None,
            "no history to erase"
        );
        assert_eq!(tracker.feed(b"\x1b[?1049l\x1b[3"), None, "not finished yet");
        assert_eq!(tracker.feed(b"J"), Some(1));
    }

    #[test]
    fn text_and_finished_sequences_leave_the_parser_at_ground() {
        assert!(after(b"hello\r\n").at_ground());
        assert!(after(b"\x1b[1;31mred\x1b[0m").at_ground());
        assert!(after(b"\x1b]0;title\x07text").at_ground());
        assert!(after(b"\x1b]0;title\x1b\\text").at_ground());
        assert!(after(b"\x1bPq#0;2;0;0;0\x1b\\").at_ground());
        assert!(after(b"\x1b[12\x18after a cancel").at_ground());
    }

    #[test]
    fn open_sequences_swallow_text() {
        assert!(!after(b"\x1b]0;a title that never ends\r\n").at_ground());
        assert!(
            !after(b"\x1b[12\r\n34\r\n").at_ground(),
            "CSI params run on"
        );
        assert!(!after(b"\x1bPq data\r\n").at_ground());
        assert!(!after(b"\x1b_apc\r\n").at_ground());
        assert!(!after(b"\x1b").at_ground());
    }

    #[test]
    fn sequences_split_across_feeds_are_followed() {
        let mut tracker = EscapeTracker::default();
        tracker.feed(b"\x1b[3;");
        assert!(!tracker.at_ground());
        tracker.feed(b"10r");
        assert!(tracker.at_ground());
        assert!(!tracker.whole_screen_scrolls(24));
    }

    #[test]
    fn scroll_regions_are_tracked_per_screen_until_reset() {
        assert!(after(b"").whole_screen_scrolls(24));
        assert!(!after(b"\x1b[2;20r").whole_screen_scrolls(24));
        assert!(!after(b"\x1b[1;20r").whole_screen_scrolls(24));
        assert!(after(b"\x1b[1;24r").whole_screen_scrolls(24));
        assert!(after(b"\x1b[1;99r").whole_screen_scrolls(24));
        assert!(
            after(b"\x1b[5;5r").whole_screen_scrolls(24),
            "empty: ignored"
        );
        assert!(
            !after(b"\x1b[2:7;20r").whole_screen_scrolls(24),
            "a sub-parameter does not change the top"
        );
        assert!(after(b"\x1b[2;20r\x1b[r").whole_screen_scrolls(24));
        assert!(after(b"\x1b[2;20r\x1bc").whole_screen_scrolls(24));
        assert!(
            !after(b"\x1b[?1049h\x1b[2;20r").whole_screen_scrolls(24),
            "the alternate screen's own region"
        );
        assert!(
            after(b"\x1b[?1049h\x1b[2;20r\x1b[?1049l").whole_screen_scrolls(24),
            "back on the main screen, whose region was never set"
        );
        assert!(
            !after(b"\x1b[2;20r\x1b[?1049h\x1b[r\x1b[?1049l").whole_screen_scrolls(24),
            "resetting the alternate screen's region leaves the main one"
        );
        assert!(after(b"\x1b[?2004h\x1b[?25l").whole_screen_scrolls(24));
        assert!(
            after(b"\x1b[>1r").whole_screen_scrolls(24),
            "private: not DECSTBM"
        );
        let mut resized = after(b"\x1b[2;20r");
        resized.resized();
        assert!(resized.whole_screen_scrolls(24));
    }
}
