//! Local wall-clock time for what the person reads: the status bar's "since", the
//! session list, the scratchpad's append tags. The one place that calls `localtime_r`.

use std::time::SystemTime;

/// Seconds since the Unix epoch (0 for times before it).
pub fn unix_secs(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The broken-down local time of `unix` seconds; `None` if the C library cannot say.
pub fn local_tm(unix: i64) -> Option<libc::tm> {
    let secs = unix as libc::time_t;
    // SAFETY: localtime_r writes only into the struct we own and reads only `secs`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let filled = unsafe { libc::localtime_r(&secs, &mut tm) };
    (!filled.is_null()).then_some(tm)
}

/// `HH:MM:SS` in local time.
pub fn hms(unix: i64) -> Option<String> {
    local_tm(unix).map(|tm| format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_time_of_day() {
        let text = hms(unix_secs(SystemTime::now())).unwrap();
        assert_eq!(text.len(), 8);
        assert_eq!(text.matches(':').count(), 2);
        assert!(local_tm(0).is_some_and(|tm| tm.tm_year == 70 || tm.tm_year == 69));
    }
}
