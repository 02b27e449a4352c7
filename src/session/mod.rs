//! A rally's files on disk: `sessions/<id>/` under the state dir, with the handoff log
//! `log.jsonl` (one JSON object a line, appended and flushed per event, so a kill -9
//! loses at most the event being written), the scratchpad (see [`crate::scratchpad`]) and
//! the record `--resume` reads (see [`crate::session::resume`]).

pub mod resume;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

pub struct Session {
    pub id: String,
    pub dir: PathBuf,
    log: File,
}

/// One line of the handoff log.
#[derive(Debug, Serialize)]
pub struct LogLine<'a> {
    pub ts: f64,
    pub event: &'a str,
    pub turn: u32,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub by: &'a str,
    /// The baton moved by itself (`by` says why), not by someone passing it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub automatic: bool,
    pub note: &'a str,
    /// Each pane's activity state and seconds since its last output.
    pub activity: serde_json::Value,
    /// A note's delivery (`note_taken`, `note_not_taken`): the Enters it took and, once
    /// taken, the milliseconds from the first Enter to the sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enters: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_ms: Option<u64>,
}

impl Session {
    /// Creates a fresh session directory (0700) with an empty log (0600).
    pub fn create(state_dir: &Path) -> io::Result<Session> {
        let id = new_id();
        let dir = state_dir.join("sessions").join(&id);
        crate::config::paths::private_dir(&dir)?;
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(dir.join("log.jsonl"))?;
        Ok(Session { id, dir, log })
    }

    /// Opens an existing session directory (to resume it); its log is appended to.
    pub fn open(state_dir: &Path, id: &str) -> io::Result<Session> {
        let dir = state_dir.join("sessions").join(id);
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is not a session directory", dir.display()),
            ));
        }
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(dir.join("log.jsonl"))?;
        Ok(Session {
            id: id.to_string(),
            dir,
            log,
        })
    }

    /// Appends one event ([`LogLine`], or another kind of line) as a whole line with a
    /// single write.
    pub fn log(&mut self, line: &impl Serialize) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        self.log.write_all(&bytes)
    }
}

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Sortable and unique enough for one user: UTC time, then the pid.
fn new_id() -> String {
    let secs = unix_now() as u64;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}-{}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        std::process::id()
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_779), (2026, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn log_lines_are_whole_json_lines() {
        let dir = std::env::temp_dir().join(format!("rallish-session-{}", std::process::id()));
        let mut session = Session::create(&dir).unwrap();
        let line = LogLine {
            ts: 1.5,
            event: "pass",
            turn: 2,
            from: Some("a"),
            to: Some("b"),
            by: "agent",
            automatic: false,
            note: "line one\nline \"two\"",
            activity: serde_json::json!({"a": {"state": "idle"}}),
            enters: None,
            after_ms: None,
        };
        session.log(&line).unwrap();
        session.log(&line).unwrap();
        let text = std::fs::read_to_string(session.dir.join("log.jsonl")).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(value["note"], "line one\nline \"two\"");
        assert!(
            value.get("enters").is_none(),
            "a pass has no delivery fields"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
