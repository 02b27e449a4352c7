//! Tests of the threaded [`Recorder`] writing real files.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

/// A unique temp file removed on drop.
struct TempCast(PathBuf);

impl TempCast {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let file = format!("rallish-rec-{}-{n}-{name}.cast", std::process::id());
        Self(std::env::temp_dir().join(file))
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap_or_default()
    }

    /// Parses every line, checking none is blank or partial.
    fn lines(&self) -> Vec<Value> {
        let text = self.read();
        assert!(text.ends_with('\n'), "{text:?}");
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
            .collect()
    }
}

impl Drop for TempCast {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn meta() -> CastMeta {
    CastMeta {
        cols: 80,
        rows: 24,
        title: Some("test".into()),
        idle_time_limit: None,
        term: "xterm-256color".into(),
        shell: "/bin/bash".into(),
        record_input: false,
        timestamp: 1_700_000_000,
    }
}

/// Polls `cond` until it holds or a generous timeout passes.
#[track_caller]
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn events_of<'a>(lines: &'a [Value], code: &str) -> Vec<&'a str> {
    lines[1..]
        .iter()
        .filter(|e| e[1] == code)
        .map(|e| e[2].as_str().unwrap_or_default())
        .collect()
}

const TEXT: &str = "\u{1b}[1;32mhello\u{1b}[0m wörld 🚀 ünïcödé €\r\n\u{1b}[2Jbye 🦀\r\n";

#[test]
fn threaded_cast_round_trips() {
    for format in [CastFormat::V2, CastFormat::V3] {
        let tmp = TempCast::new("roundtrip");
        let rec = Recorder::create(&tmp.0, format, meta()).unwrap();
        assert_eq!(rec.path(), tmp.0);
        // Chunks of 1..=5 bytes split most multi-byte characters.
        let bytes = TEXT.as_bytes();
        let mut i = 0;
        for size in (1..=5).cycle() {
            if i >= bytes.len() {
                break;
            }
            let end = (i + size).min(bytes.len());
            rec.output(&bytes[i..end]);
            i = end;
        }
        rec.resize(100, 30);
        rec.marker("done");
        rec.input(b"ignored");
        rec.exit(0);
        assert_eq!(rec.status(), RecorderStatus::default());
        rec.finish().unwrap();

        let lines = tmp.lines();
        assert_eq!(
            lines[0]["version"],
            if format == CastFormat::V2 { 2 } else { 3 }
        );
        assert_eq!(events_of(&lines, "o").concat(), TEXT);
        assert_eq!(events_of(&lines, "r"), ["100x30"]);
        assert_eq!(events_of(&lines, "m"), ["done"]);
        assert!(events_of(&lines, "i").is_empty());
        let exits = events_of(&lines, "x");
        match format {
            CastFormat::V2 => assert!(exits.is_empty()),
            CastFormat::V3 => assert_eq!(lines.last().unwrap()[2], "0"),
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&tmp.0).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

#[test]
fn header_is_on_disk_at_create() {
    let tmp = TempCast::new("header");
    let rec = Recorder::create(&tmp.0, CastFormat::V3, meta()).unwrap();
    let text = tmp.read();
    assert_eq!(text.lines().count(), 1);
    let header: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(header["term"]["cols"], 80);
    rec.finish().unwrap();
}

#[test]
fn marker_is_flushed_promptly() {
    let tmp = TempCast::new("marker");
    let options = RecorderOptions {
        flush_interval: Duration::from_secs(3600),
        ..RecorderOptions::default()
    };
    let rec = Recorder::create_with(&tmp.0, CastFormat::V2, meta(), options).unwrap();
    rec.output(b"before");
    rec.marker("checkpoint");
    wait_until("marker on disk", || tmp.read().contains("checkpoint"));
    assert!(tmp.read().contains("before"));
    rec.finish().unwrap();
}

#[test]
fn output_is_flushed_within_the_interval() {
    let tmp = TempCast::new("interval");
    let rec = Recorder::create(&tmp.0, CastFormat::V2, meta()).unwrap();
    rec.output(b"periodic");
    wait_until("output on disk", || tmp.read().contains("periodic"));
    // Every line on disk is whole while the recorder is still running.
    assert_eq!(tmp.lines().len(), 2);
    drop(rec);
}

#[test]
fn overflow_is_reported_in_cast_and_status() {
    let tmp = TempCast::new("overflow");
    let options = RecorderOptions {
        queue_limit: 100,
        ..RecorderOptions::default()
    };
    let rec = Recorder::create_with(&tmp.0, CastFormat::V2, meta(), options).unwrap();
    rec.output(&[b'x'; 1000]); // larger than the whole queue: always dropped
    assert_eq!(rec.status().dropped_bytes, 1000);
    rec.output(b"ok");
    rec.finish().unwrap();
    let lines = tmp.lines();
    assert_eq!(
        events_of(&lines, "m"),
        ["recorder: 1000 bytes dropped (writer fell behind)"]
    );
    assert_eq!(events_of(&lines, "o"), ["ok"]);
}

#[test]
fn empty_recording_still_has_an_event() {
    let tmp = TempCast::new("empty");
    Recorder::create(&tmp.0, CastFormat::V3, meta())
        .unwrap()
        .finish()
        .unwrap();
    let lines = tmp.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1][1], "o");
}

#[test]
fn drop_without_finish_flushes() {
    let tmp = TempCast::new("drop");
    let rec = Recorder::create(&tmp.0, CastFormat::V2, meta()).unwrap();
    rec.output("split 🚀".as_bytes());
    rec.output(&"🚀".as_bytes()[..2]);
    drop(rec);
    let lines = tmp.lines();
    assert_eq!(events_of(&lines, "o").concat(), "split 🚀\u{fffd}");
}

#[test]
fn input_is_recorded_when_enabled() {
    let tmp = TempCast::new("input");
    let m = CastMeta {
        record_input: true,
        ..meta()
    };
    let rec = Recorder::create(&tmp.0, CastFormat::V2, m).unwrap();
    rec.input(b"ls\r");
    rec.finish().unwrap();
    assert_eq!(events_of(&tmp.lines(), "i"), ["ls\r"]);
}

/// A sink that fails once `room` bytes have been written, like a full disk.
struct FullAfter {
    room: usize,
}

impl Write for FullAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.room {
            return Err(io::Error::other("No space left on device"));
        }
        self.room -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_error_is_reported_and_app_keeps_going() {
    let path = Path::new("/virtual/full.cast");
    let rec = Recorder::spawn(
        FullAfter { room: 300 },
        path,
        CastFormat::V2,
        meta(),
        RecorderOptions::default(),
    )
    .unwrap();
    for _ in 0..10 {
        rec.output(&[b'y'; 50]);
    }
    wait_until("error status", || rec.status().error.is_some());
    let status = rec.status();
    let error = status.error.unwrap_or_default();
    assert!(error.contains("/virtual/full.cast"), "{error}");
    assert!(error.contains("No space left"), "{error}");
    // Still callable; data after the failure counts as dropped.
    rec.output(&[b'z'; 10]);
    rec.marker("after");
    wait_until("drops counted", || rec.status().dropped_bytes >= 10);
    assert!(rec.finish().is_err());
}

#[test]
fn recorder_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Recorder>();
}
