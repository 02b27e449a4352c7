//! Finds the notifications and progress reports a child writes (OSC 9, OSC 9;4 and
//! OSC 777) in its raw output. The emulator's parser drops OSCs it does not know before
//! they reach [`super::emulator`]'s handler, so these are picked out of the bytes on
//! their way in, alongside it.
//!
//! Output comes in chunks that may split a sequence anywhere, so the scanner keeps its
//! place between calls. It is on the path of every byte a child writes, floods included:
//! outside a sequence it only looks for ESC with `memchr`, inside one for a terminator
//! with `memchr3`, and it copies only the payload of an OSC 9 or 777, up to
//! [`MAX_PAYLOAD`] bytes. O(n) in the output, with no allocation in the common case.

/// The longest payload kept; a longer OSC 9/777 is skipped whole (nobody writes a
/// notification that long, and a flood must not grow a buffer without bound).
pub const MAX_PAYLOAD: usize = 4096;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
/// CAN: cancels a sequence in progress.
const CAN: u8 = 0x18;

/// What a child asked its terminal to show outside the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A desktop notification: OSC 9 (`9;BODY`, iTerm2) or OSC 777
    /// (`777;notify;TITLE;BODY`, urxvt, VTE, ghostty).
    Notify { title: String, body: String },
    /// A progress report, OSC 9;4 (`ConEmu`, Windows Terminal, ghostty).
    Progress(Progress),
}

/// The state an OSC 9;4 progress report gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `0`: no progress shown any more; the work is over.
    Cleared,
    /// `1` (a percentage), `3` (indeterminate): at work.
    Working,
    /// `2`: failed.
    Error,
    /// `4`: paused (or a warning).
    Paused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside any sequence.
    Ground,
    /// Just after an ESC.
    Escape,
    /// Inside an OSC whose payload is kept (it may yet be one of ours).
    Keep,
    /// Inside an OSC that is not ours (or too long): wait for its end.
    Skip,
}

/// The scanner's place in a child's output; one per pane.
#[derive(Debug, Clone)]
pub struct OscScanner {
    state: State,
    payload: Vec<u8>,
}

impl Default for OscScanner {
    fn default() -> Self {
        OscScanner {
            state: State::Ground,
            payload: Vec::new(),
        }
    }
}

impl OscScanner {
    /// Scans the next chunk of output, adding what it finds to `found`.
    pub fn feed(&mut self, mut bytes: &[u8], found: &mut Vec<Notice>) {
        while !bytes.is_empty() {
            match self.state {
                State::Ground => match memchr::memchr(ESC, bytes) {
                    Some(at) => {
                        self.state = State::Escape;
                        bytes = &bytes[at + 1..];
                    }
                    None => return,
                },
                State::Escape => {
                    self.state = match bytes[0] {
                        b']' => {
                            self.payload.clear();
                            State::Keep
                        }
                        ESC => State::Escape,
                        _ => State::Ground,
                    };
                    bytes = &bytes[1..];
                }
                State::Keep | State::Skip => {
                    let end = memchr::memchr3(BEL, ESC, CAN, bytes);
                    let body = &bytes[..end.unwrap_or(bytes.len())];
                    if self.state == State::Keep {
                        let room = (MAX_PAYLOAD + 1).saturating_sub(self.payload.len());
                        self.payload
                            .extend_from_slice(&body[..body.len().min(room)]);
                        if !may_be_ours(&self.payload) || self.payload.len() > MAX_PAYLOAD {
                            self.payload.clear();
                            self.state = State::Skip;
                        }
                    }
                    let Some(end) = end else { return };
                    let terminator = bytes[end];
                    // ESC ends the string (as ESC \, or by starting another sequence);
                    // BEL ends it too; CAN abandons it.
                    if self.state == State::Keep && terminator != CAN {
                        found.extend(parse(&self.payload));
                    }
                    self.payload.clear();
                    self.state = if terminator == ESC {
                        State::Escape
                    } else {
                        State::Ground
                    };
                    bytes = &bytes[end + 1..];
                }
            }
        }
    }
}

/// Whether an OSC that begins with `payload` can still be an OSC 9 or 777 (checked as
/// bytes arrive, so hyperlinks, titles and clipboard writes are never copied far).
fn may_be_ours(payload: &[u8]) -> bool {
    let agrees = |prefix: &[u8]| {
        let n = payload.len().min(prefix.len());
        payload[..n] == prefix[..n]
    };
    agrees(b"9;") || agrees(b"777;")
}

/// The notice an OSC payload (without `ESC ]` and its terminator) stands for.
pub fn parse(payload: &[u8]) -> Option<Notice> {
    let text = String::from_utf8_lossy(payload);
    if let Some(rest) = text.strip_prefix("777;notify;") {
        let (title, body) = rest.split_once(';').unwrap_or(("", rest));
        return Some(Notice::Notify {
            title: title.to_string(),
            body: body.to_string(),
        });
    }
    let rest = text.strip_prefix("9;")?;
    if let Some(report) = rest.strip_prefix("4;") {
        let state = report.split(';').next().unwrap_or("");
        return Some(Notice::Progress(match state {
            "0" => Progress::Cleared,
            "1" | "3" => Progress::Working,
            "2" => Progress::Error,
            "4" => Progress::Paused,
            _ => return None,
        }));
    }
    // ConEmu's other OSC 9 commands (`9;1;...` a pause, `9;9;...` the directory) are a
    // number and a semicolon; a notification is text.
    let command = rest.split_once(';').map(|(head, _)| head);
    if command.is_some_and(|head| !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    (!rest.trim().is_empty()).then(|| Notice::Notify {
        title: String::new(),
        body: rest.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notify(body: &str) -> Notice {
        Notice::Notify {
            title: String::new(),
            body: body.into(),
        }
    }

    fn scan_whole(bytes: &[u8]) -> Vec<Notice> {
        let mut found = Vec::new();
        OscScanner::default().feed(bytes, &mut found);
        found
    }

    /// The output, split in two at every byte, finds the same as it does whole.
    #[track_caller]
    fn same_at_every_split(bytes: &[u8], expected: &[Notice]) {
        assert_eq!(scan_whole(bytes), expected, "whole");
        for at in 0..=bytes.len() {
            let mut scanner = OscScanner::default();
            let mut found = Vec::new();
            scanner.feed(&bytes[..at], &mut found);
            scanner.feed(&bytes[at..], &mut found);
            assert_eq!(found, expected, "split at {at}");
        }
        let mut scanner = OscScanner::default();
        let mut found = Vec::new();
        for byte in bytes.chunks(1) {
            scanner.feed(byte, &mut found);
        }
        assert_eq!(found, expected, "a byte at a time");
    }

    #[test]
    fn codexs_approval_notification_is_found_at_every_split() {
        let out = b"\x1b[2J\x1b[1;1Hhello\x1b]9;Approval requested: curl -sS x\x07\x1b[0m";
        same_at_every_split(out, &[notify("Approval requested: curl -sS x")]);
    }

    #[test]
    fn both_terminators_and_osc_777() {
        let out = "a\x1b]777;notify;Claude Code;Needs your permission\x1b\\b\x1b]9;done ✓\x1b\\";
        same_at_every_split(
            out.as_bytes(),
            &[
                Notice::Notify {
                    title: "Claude Code".into(),
                    body: "Needs your permission".into(),
                },
                notify("done ✓"),
            ],
        );
    }

    #[test]
    fn progress_reports() {
        let out = b"\x1b]9;4;1;40\x07\x1b]9;4;3\x07\x1b]9;4;2;0\x1b\\\x1b]9;4;4;9\x07\x1b]9;4;0;0\x07\x1b]9;4;7\x07";
        same_at_every_split(
            out,
            &[
                Notice::Progress(Progress::Working),
                Notice::Progress(Progress::Working),
                Notice::Progress(Progress::Error),
                Notice::Progress(Progress::Paused),
                Notice::Progress(Progress::Cleared),
            ],
        );
    }

    #[test]
    fn other_oscs_and_sequences_are_passed_over() {
        let out = b"\x1b]0;title\x07\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\\x1b]52;c;aGk=\x07\
            \x1b]99;x\x07\x1b]9;9;/home/me\x07\x1b]9;\x07\x1b[31mred\x1bP1$r\x1b\\\x1b\x1b]9;after esc\x07";
        same_at_every_split(out, &[notify("after esc")]);
    }

    #[test]
    fn cancelled_and_overlong_notifications_are_dropped() {
        let mut out = b"\x1b]9;cancelled\x18\x1b]9;".to_vec();
        out.extend(std::iter::repeat_n(b'x', MAX_PAYLOAD + 1));
        out.extend_from_slice(b"\x07\x1b]9;short\x07");
        assert_eq!(scan_whole(&out), [notify("short")]);
        let mut scanner = OscScanner::default();
        let mut found = Vec::new();
        for chunk in out.chunks(7) {
            scanner.feed(chunk, &mut found);
        }
        assert_eq!(found, [notify("short")]);
        assert!(scanner.payload.capacity() <= 2 * MAX_PAYLOAD + 16);
    }

    #[test]
    fn an_osc_9_body_that_merely_starts_with_digits_is_a_notification() {
        assert_eq!(parse(b"9;3 tests failed"), Some(notify("3 tests failed")));
        assert_eq!(parse(b"9;1;500"), None);
        assert_eq!(
            parse(b"777;notify;body only"),
            Some(Notice::Notify {
                title: String::new(),
                body: "body only".into()
            })
        );
        assert_eq!(parse(b"777;preexec"), None);
    }
}
