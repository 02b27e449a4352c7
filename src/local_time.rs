//! Local wall-clock time for what the person reads: the status bar's "since", the
//! session list, the scratchpad's append tags. The zone is the system's as jiff finds it
//! (`TZ`, else `/etc/localtime`, read the same way on Linux and macOS; UTC if neither
//! says), the zone `localtime(3)` would use.

use std::time::SystemTime;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Seconds since the Unix epoch (0 for times before it).
pub fn unix_secs(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The local date and time of `unix` seconds; `None` outside the years -9999..=9999.
pub fn local(unix: i64) -> Option<DateTime> {
    civil(unix, &TimeZone::system())
}

fn civil(unix: i64, zone: &TimeZone) -> Option<DateTime> {
    Timestamp::from_second(unix)
        .ok()
        .map(|at| zone.to_datetime(at))
}

/// `HH:MM:SS` in local time.
pub fn hms(unix: i64) -> Option<String> {
    local(unix).map(|t| format_hms(&t))
}

/// `YYYY-MM-DD HH:MM` in local time.
pub fn date_time(unix: i64) -> Option<String> {
    local(unix).map(|t| format_date_time(&t))
}

fn format_hms(t: &DateTime) -> String {
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

fn format_date_time(t: &DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
#[allow(unsafe_code)] // to compare with the C library's own answer
mod tests {
    use super::*;

    #[test]
    fn formats_a_time_of_day() {
        let text = hms(unix_secs(SystemTime::now())).unwrap();
        assert_eq!(text.len(), 8);
        assert_eq!(text.matches(':').count(), 2);
        assert!(local(0).is_some_and(|t| t.year() == 1970 || t.year() == 1969));
        assert_eq!(local(i64::MAX), None);
    }

    #[test]
    fn formats_follow_the_zone_and_its_summer_time() {
        // Central Europe, as a POSIX rule: no zone database needed.
        let paris = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        let at = |unix| civil(unix, &paris).unwrap();
        // 2024-01-15 08:05:09 UTC is 09:05:09 in winter...
        assert_eq!(format_hms(&at(1_705_305_909)), "09:05:09");
        assert_eq!(format_date_time(&at(1_705_305_909)), "2024-01-15 09:05");
        // ...and 2024-07-01 22:30:00 UTC is past midnight in summer.
        assert_eq!(format_date_time(&at(1_719_873_000)), "2024-07-02 00:30");
        assert_eq!(format_hms(&civil(0, &TimeZone::UTC).unwrap()), "00:00:00");
    }

    /// The zone is the one the C library uses (what the old `localtime_r` code gave).
    #[test]
    fn agrees_with_localtime_r() {
        let now = unix_secs(SystemTime::now());
        for unix in [0, 1_705_305_909, 1_719_873_000, now] {
            let secs = unix as libc::time_t;
            // SAFETY: localtime_r writes only into the struct we own and reads only `secs`.
            let mut tm: libc::tm = unsafe { std::mem::zeroed() };
            assert!(!unsafe { libc::localtime_r(&raw const secs, &raw mut tm) }.is_null());
            let libc_text = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                tm.tm_year + 1900,
                tm.tm_mon + 1,
                tm.tm_mday,
                tm.tm_hour,
                tm.tm_min,
                tm.tm_sec
            );
            let t = local(unix).unwrap();
            let ours = format!("{}:{:02}", format_date_time(&t), t.second());
            assert_eq!(ours, libc_text, "at {unix}");
        }
    }
}
