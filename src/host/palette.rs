//! The host terminal's own foreground and background colours, asked for once at start-up
//! (OSC 10/11), so a child that asks its pane (vim, codex and gemini pick their themes
//! by it) hears the truth rather than an invention. DA1 goes out behind the two
//! questions: every terminal answers it, and in order, so its answer means "that is all
//! you will hear" and nobody waits out the time limit on a terminal that keeps quiet
//! about colours (as tmux 3.3a does).

use std::io::{self, Read as _, Write as _};
use std::os::fd::AsRawFd as _;
use std::time::{Duration, Instant};

use crate::pane::emulator::HostColours;

/// The questions: foreground, background, then DA1 as the sentinel.
const QUERY: &[u8] = b"\x1b]10;?\x1b\\\x1b]11;?\x1b\\\x1b[c";

/// Longest wait for the answers; a terminal on the far side of a slow link that misses
/// it leaves the colours unknown (children then get no answer, as under tmux).
pub const TIME_LIMIT: Duration = Duration::from_millis(200);

/// Asks the terminal on /dev/tty (in raw mode already) and waits for its answers.
pub fn ask(limit: Duration) -> HostColours {
    match ask_tty(limit) {
        Ok(colours) => colours,
        Err(err) => {
            tracing::debug!(%err, "could not ask the host terminal its colours");
            HostColours::default()
        }
    }
}

fn ask_tty(limit: Duration) -> io::Result<HostColours> {
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    tty.write_all(QUERY)?;
    tty.flush()?;
    let deadline = Instant::now() + limit;
    let mut heard = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let answers = Answers::parse(&heard);
        if answers.done {
            return Ok(answers.colours);
        }
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Ok(answers.colours);
        };
        if !crate::sys::readable(tty.as_raw_fd(), left)? {
            return Ok(answers.colours);
        }
        let n = tty.read(&mut buf)?;
        if n == 0 {
            return Ok(answers.colours);
        }
        heard.extend_from_slice(&buf[..n]);
    }
}

/// What the terminal has said so far.
#[derive(Debug, Default, PartialEq, Eq)]
struct Answers {
    colours: HostColours,
    /// The DA1 answer came: nothing more is coming.
    done: bool,
}

impl Answers {
    fn parse(heard: &[u8]) -> Answers {
        let text = String::from_utf8_lossy(heard);
        let mut answers = Answers::default();
        for (code, slot) in [
            ("10", &mut answers.colours.foreground),
            ("11", &mut answers.colours.background),
        ] {
            let start = format!("\x1b]{code};");
            if let Some(at) = text.find(&start) {
                let value = &text[at + start.len()..];
                let end = value.find(['\x07', '\x1b']).unwrap_or(value.len());
                *slot = parse_rgb(&value[..end]);
            }
        }
        answers.done = text
            .find("\x1b[?")
            .is_some_and(|at| text[at..].contains('c'));
        answers
    }
}

/// `rgb:R/G/B` with 1 to 4 hex digits per channel, scaled to 8 bits.
fn parse_rgb(value: &str) -> Option<(u8, u8, u8)> {
    let mut channels = value.strip_prefix("rgb:")?.split('/').map(|hex| {
        let digits = hex.len();
        if !(1..=4).contains(&digits) {
            return None;
        }
        let full = u32::from_str_radix(hex, 16).ok()?;
        let max = (1u32 << (4 * digits)) - 1;
        Some((full * 255 + max / 2) / max)
    });
    let (r, g, b) = (channels.next()??, channels.next()??, channels.next()??);
    if channels.next().is_some() {
        return None;
    }
    Some((r as u8, g as u8, b as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_colours_in_any_terminator_and_width() {
        let heard = b"\x1b]10;rgb:0000/0000/0000\x07\x1b]11;rgb:ff/fe/80\x1b\\\x1b[?62;22c";
        let answers = Answers::parse(heard);
        assert!(answers.done);
        assert_eq!(answers.colours.foreground, Some((0, 0, 0)));
        assert_eq!(answers.colours.background, Some((255, 254, 128)));
    }

    #[test]
    fn a_terminal_that_only_answers_da1_leaves_the_colours_unknown() {
        let answers = Answers::parse(b"\x1b[?1;2c");
        assert!(answers.done);
        assert_eq!(answers.colours, HostColours::default());
    }

    #[test]
    fn half_an_answer_is_not_the_end() {
        let answers = Answers::parse(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?6");
        assert!(!answers.done);
        assert_eq!(answers.colours.background, Some((255, 255, 255)));
    }

    #[test]
    fn malformed_colours_are_not_guessed() {
        assert_eq!(parse_rgb("rgb:ffff/ffff"), None);
        assert_eq!(parse_rgb("rgb:fffff/0/0"), None);
        assert_eq!(parse_rgb("#ffffff"), None);
        assert_eq!(parse_rgb("rgb:f/8/0"), Some((255, 136, 0)));
    }
}
