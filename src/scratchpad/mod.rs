//! The scratchpad: one markdown file per session (`sessions/<id>/scratchpad.md`) that the
//! person edits in a panel and agents read and append to through the control socket.
//!
//! - [`panel`]: the editor and its place on screen (pure state, no I/O).
//! - [`compact`]: keeping the text under its cap without losing a byte.
//! - [`merge`]: line diffs and the three-way merge that keeps the person's typing when an
//!   agent changes the text.
//! - [`summarize`]: the optional command that summarises compacted text.
//! - [`sync`]: the [`sync::Scratchpad`] itself, the panel and its file kept in step.
//!
//! Its files are saved through [`crate::durable`] (atomic replacements, fsynced appends,
//! on a worker thread). The archive only grows: compacted text is appended and fsynced
//! before the scratchpad that no longer holds it is saved, so a crash in between
//! duplicates text, never loses it.

pub mod compact;
pub mod merge;
pub mod panel;
pub mod summarize;
pub mod sync;

use std::time::Duration;

/// The scratchpad's file in the session directory.
pub const FILE_NAME: &str = "scratchpad.md";
/// Where compacted text goes, appended, never rewritten.
pub const ARCHIVE_NAME: &str = "scratchpad.archive.md";
/// Environment variable giving children the scratchpad's path.
pub const ENV_SCRATCHPAD: &str = "RALLISH_SCRATCHPAD";
/// The cap when neither the preset nor the config sets one.
pub const DEFAULT_MAX_KB: u32 = 64;
/// The largest cap: the whole text must fit one control-socket line.
pub const MAX_KB_LIMIT: u32 = 512;

/// How the scratchpad is kept small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Bytes the text may hold before the oldest entries are compacted.
    pub cap: usize,
    /// Summarises compacted text (its standard input) on standard output.
    pub summarize_command: Option<String>,
    pub summarize_timeout: Duration,
}

impl Settings {
    /// `max_kb` is clamped to 1..=[`MAX_KB_LIMIT`]; `None` means [`DEFAULT_MAX_KB`].
    pub fn new(max_kb: Option<u32>, summarize_command: Option<String>) -> Settings {
        let kb = max_kb.unwrap_or(DEFAULT_MAX_KB).clamp(1, MAX_KB_LIMIT);
        Settings {
            cap: kb as usize * 1024,
            summarize_command: summarize_command.filter(|c| !c.trim().is_empty()),
            summarize_timeout: summarize::DEFAULT_TIMEOUT,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new(None, None)
    }
}

/// Text as the scratchpad keeps it: `\r\n` becomes `\n`, and escape sequences and other
/// control characters (which an agent could send to mess with the screen) are dropped.
pub fn clean(text: &str) -> String {
    crate::rally::note::sanitize(text)
}

/// One append as it lands in the file: `[HH:MM:SS author] first line`, the other lines
/// as they are, ending with a line break.
pub fn entry(clock: &str, author: &str, body: &str) -> String {
    format!("[{clock} {author}] {}\n", body.trim_end_matches('\n'))
}

/// `text` with `entry` added on a line of its own.
pub fn appended(text: &str, entry: &str) -> String {
    let mut out = String::with_capacity(text.len() + entry.len() + 1);
    out.push_str(text);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(entry);
    out
}

/// Local wall-clock time as `HH:MM:SS`.
pub fn clock_now() -> String {
    let now = crate::local_time::unix_secs(std::time::SystemTime::now());
    crate::local_time::hms(now).unwrap_or_else(|| "00:00:00".into())
}

/// `1.5 KiB`, `64 KiB`: sizes for the panel title.
pub fn kib(bytes: usize) -> String {
    let k = bytes as f64 / 1024.0;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if k < 10.0 && !bytes.is_multiple_of(1024) {
        format!("{k:.1} KiB")
    } else {
        format!("{} KiB", (k.round() as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_tagged_and_on_their_own_line() {
        let e = entry("12:00:03", "alice", "did a thing\n");
        assert_eq!(e, "[12:00:03 alice] did a thing\n");
        assert!(compact::is_tagged(e.trim_end()));
        assert_eq!(appended("", &e), e);
        assert_eq!(appended("typed", &e), format!("typed\n{e}"));
        assert_eq!(appended("typed\n", &e), format!("typed\n{e}"));
        assert_eq!(clock_now().len(), 8);
    }

    #[test]
    fn settings_clamp_the_cap() {
        assert_eq!(Settings::default().cap, 64 * 1024);
        assert_eq!(Settings::new(Some(0), None).cap, 1024);
        assert_eq!(Settings::new(Some(100_000), None).cap, 512 * 1024);
        assert_eq!(
            Settings::new(None, Some("  ".into())).summarize_command,
            None
        );
        assert_eq!(clean("a\r\nb\x1b[31mc"), "a\nbc");
        assert_eq!(kib(1536), "1.5 KiB");
        assert_eq!(kib(5), "5 B");
        assert_eq!(kib(64 * 1024), "64 KiB");
    }
}
