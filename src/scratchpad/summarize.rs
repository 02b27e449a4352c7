//! The optional `summarize_command`: compacted text is piped to it (through `sh -c`) and
//! its output takes the place of the plain compaction marker. It runs on its own thread
//! with a timeout; on timeout, failure, empty or oversized output the plain marker stays.

use std::process::Command;
use std::time::Duration;

use crate::process::{self, RunError};

/// Default time a summary may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SummaryError {
    #[error("the summarize command did not start: {0}")]
    Spawn(String),
    #[error("the summarize command took longer than {0:?}")]
    Timeout(Duration),
    #[error("the summarize command failed (exit {0:?})")]
    Failed(Option<i32>),
    #[error("the summarize command printed nothing")]
    Empty,
    #[error("the summary is {0} bytes, more than the {1} allowed")]
    TooLong(usize, usize),
}

/// Pipes `text` to `command` and returns what it printed, at most `max_bytes` of it.
/// Blocks the calling thread for up to `timeout`; the command's whole process group is
/// killed when time runs out (see [`process::run`]).
pub fn summarize(
    command: &str,
    text: &str,
    timeout: Duration,
    max_bytes: usize,
) -> Result<String, SummaryError> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(command);
    let input = Some(text.as_bytes().to_vec());
    let done = match process::run(&mut cmd, input, timeout, max_bytes) {
        Ok(done) => done,
        Err(RunError::Spawn(err)) => return Err(SummaryError::Spawn(err.to_string())),
        Err(RunError::TimedOut(_)) => return Err(SummaryError::Timeout(timeout)),
        Err(RunError::Wait(_)) => return Err(SummaryError::Failed(None)),
    };
    let out = done.stdout;
    if out.len() > max_bytes {
        return Err(SummaryError::TooLong(out.len(), max_bytes));
    }
    if !done.status.success() {
        return Err(SummaryError::Failed(done.status.code()));
    }
    let text = String::from_utf8_lossy(&out);
    let text = crate::rally::note::sanitize(text.trim());
    if text.is_empty() {
        return Err(SummaryError::Empty);
    }
    Ok(text)
}

/// The scratchpad after a summary came back: the summary in place of its marker, or
/// `None` to keep the text as it is (the plain marker stays on any failure, and when the
/// marker is gone the summary has nowhere to go).
pub fn outcome(text: &str, marker: &str, result: &Result<String, SummaryError>) -> Option<String> {
    let summary = result.as_ref().ok()?;
    super::compact::apply_summary(text, marker, summary)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::scratchpad::compact;

    #[test]
    fn output_of_the_command_is_the_summary() {
        let got = summarize("tr a-z A-Z", "two notes\n", Duration::from_secs(10), 1000);
        assert_eq!(got, Ok("TWO NOTES".to_string()));
    }

    #[test]
    fn a_slow_command_times_out_and_is_killed() {
        let started = Instant::now();
        let got = summarize("sleep 30", "x", Duration::from_millis(200), 1000);
        assert_eq!(got, Err(SummaryError::Timeout(Duration::from_millis(200))));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_timed_out_summary_falls_back_to_the_plain_compaction() {
        let text: String = (0..100)
            .map(|n| format!("[12:00:{:02} a] note {n}\n", n % 60))
            .collect();
        let c = compact::compact(&text, 1024).unwrap();
        let slow = summarize("sleep 30", &c.archived, Duration::from_millis(100), 256);
        assert!(matches!(slow, Err(SummaryError::Timeout(_))));
        assert_eq!(outcome(&c.text, &c.marker, &slow), None);
        assert!(c.text.starts_with("[compacted "));
        let quick = summarize("head -c 20", &c.archived, Duration::from_secs(10), 256);
        let summarised = outcome(&c.text, &c.marker, &quick).unwrap();
        assert!(summarised.starts_with("[summary of "), "{summarised}");
        assert!(summarised.len() <= 1024);
    }

    #[test]
    fn failures_empty_and_long_output_are_errors() {
        let t = Duration::from_secs(10);
        assert_eq!(
            summarize("cat >/dev/null; exit 3", "x", t, 100),
            Err(SummaryError::Failed(Some(3)))
        );
        assert_eq!(
            summarize("cat >/dev/null", "x", t, 100),
            Err(SummaryError::Empty)
        );
        assert!(matches!(
            summarize("yes | head -c 5000", "x", t, 100),
            Err(SummaryError::TooLong(..))
        ));
    }
}
