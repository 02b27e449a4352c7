use std::io::{self, Write};
use std::time::Duration;

use serde_json::{Value, json};

use super::*;

fn meta() -> CastMeta {
    CastMeta {
        cols: 120,
        rows: 40,
        title: Some("rallish \"demo\"".into()),
        idle_time_limit: Some(2.5),
        term: "xterm-256color".into(),
        shell: "/bin/zsh".into(),
        record_input: false,
        timestamp: 1_700_000_000,
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(bytes).expect("cast is UTF-8");
    assert!(text.ends_with('\n'), "cast ends with a newline");
    text.lines()
        .map(|l| {
            assert!(!l.trim().is_empty(), "blank line in {text:?}");
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"))
        })
        .collect()
}

fn finished(cast: CastWriter<Vec<u8>>, at: Duration) -> Vec<Value> {
    lines(&cast.finish(at).expect("finish"))
}

#[test]
fn header_v2_fields() {
    let line = header_line(CastFormat::V2, &meta()).unwrap();
    assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(line.starts_with(b"{\"version\":2,"));
    let h: Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(
        h,
        json!({"version": 2, "width": 120, "height": 40, "timestamp": 1_700_000_000u64,
               "idle_time_limit": 2.5, "title": "rallish \"demo\"",
               "env": {"TERM": "xterm-256color", "SHELL": "/bin/zsh"}})
    );
}

#[test]
fn header_v3_fields() {
    let line = header_line(CastFormat::V3, &meta()).unwrap();
    let h: Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(
        h,
        json!({"version": 3, "term": {"cols": 120, "rows": 40, "type": "xterm-256color"},
               "timestamp": 1_700_000_000u64, "idle_time_limit": 2.5,
               "title": "rallish \"demo\"", "env": {"SHELL": "/bin/zsh"}})
    );
}

#[test]
fn header_omits_unset_optional_fields() {
    let m = CastMeta {
        title: None,
        idle_time_limit: Some(f64::NAN),
        term: String::new(),
        shell: String::new(),
        ..meta()
    };
    let v2: Value = serde_json::from_slice(&header_line(CastFormat::V2, &m).unwrap()).unwrap();
    assert_eq!(
        v2,
        json!({"version": 2, "width": 120, "height": 40, "timestamp": 1_700_000_000u64})
    );
    let v3: Value = serde_json::from_slice(&header_line(CastFormat::V3, &m).unwrap()).unwrap();
    assert_eq!(
        v3,
        json!({"version": 3, "term": {"cols": 120, "rows": 40}, "timestamp": 1_700_000_000u64})
    );
}

#[test]
fn v2_events_encode_absolute_times() {
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V2, &meta()).unwrap();
    cast.output(Duration::from_micros(1_234_567), b"hi\x1b[0m")
        .unwrap();
    cast.resize(ms(2000), 100, 30).unwrap();
    cast.marker(ms(2500), "turn: claude").unwrap();
    cast.exit(ms(3000), 0).unwrap(); // v2 has no exit event
    let text = String::from_utf8(cast.get_ref().clone()).unwrap();
    let events: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        events,
        [
            r#"[1.234567, "o", "hi\u001b[0m"]"#,
            r#"[2.000000, "r", "100x30"]"#,
            r#"[2.500000, "m", "turn: claude"]"#,
        ]
    );
}

#[test]
fn v3_events_encode_intervals_and_exit() {
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V3, &meta()).unwrap();
    cast.output(ms(250), b"a").unwrap();
    cast.output(ms(1251), b"b").unwrap();
    cast.resize(ms(1251), 90, 30).unwrap();
    cast.exit(ms(4000), 3).unwrap();
    let text = String::from_utf8(cast.get_ref().clone()).unwrap();
    let events: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        events,
        [
            r#"[0.250, "o", "a"]"#,
            r#"[1.001, "o", "b"]"#,
            r#"[0.000, "r", "90x30"]"#,
            r#"[2.749, "x", "3"]"#,
        ]
    );
}

#[test]
fn control_characters_are_escaped() {
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V2, &meta()).unwrap();
    cast.output(ms(1), b"\x1b[31mred\r\n\t\"q\"\\\x07\x00")
        .unwrap();
    let text = String::from_utf8(cast.get_ref().clone()).unwrap();
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.contains(r#"\u001b[31mred\r\n\t\"q\"\\\u0007\u0000"#),
        "{line}"
    );
    assert!(
        !line.bytes().any(|b| b < 0x20),
        "raw control byte in {line:?}"
    );
    let v = finished(cast, ms(2));
    assert_eq!(v[1][2], "\x1b[31mred\r\n\t\"q\"\\\x07\x00");
}

#[test]
fn split_utf8_is_written_with_the_later_event() {
    let rocket = "🚀".as_bytes();
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V2, &meta()).unwrap();
    cast.output(ms(1), &[b'a', rocket[0], rocket[1]]).unwrap();
    cast.output(ms(2), &rocket[2..3]).unwrap(); // still incomplete: no event
    cast.output(ms(3), &[rocket[3], b'b', 0xff]).unwrap();
    assert_eq!(cast.events_written(), 2);
    cast.output(ms(4), b"\xc3").unwrap();
    let v = finished(cast, ms(5));
    let data: Vec<&str> = v[1..].iter().map(|e| e[2].as_str().unwrap()).collect();
    assert_eq!(data, ["a", "🚀b\u{fffd}", "\u{fffd}"]);
}

#[test]
fn v2_times_never_decrease() {
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V2, &meta()).unwrap();
    for t in [500, 200, 700, 0, 650] {
        cast.output(ms(t), b"x").unwrap();
    }
    let times: Vec<f64> = finished(cast, ms(1))[1..]
        .iter()
        .map(|e| e[0].as_f64().unwrap())
        .collect();
    assert_eq!(times, [0.5, 0.5, 0.7, 0.7, 0.7]);
}

#[test]
fn v3_intervals_carry_rounding_error() {
    let mut cast = CastWriter::new(Vec::new(), CastFormat::V3, &meta()).unwrap();
    for i in 1..=1000u64 {
        // 0.3333 ms apart: each interval alone rounds to 0 ms.
        cast.output(Duration::from_nanos(i * 333_300), b".")
            .unwrap();
    }
    let v = finished(cast, ms(400));
    let intervals: Vec<f64> = v[1..].iter().map(|e| e[0].as_f64().unwrap()).collect();
    let sum: f64 = intervals.iter().sum();
    assert!((sum - 0.3333).abs() < 0.001, "sum {sum}");
    assert!(intervals.iter().all(|&i| i == 0.0 || i == 0.001));
}

#[test]
fn v3_clock_never_goes_backwards() {
    let mut clock = EventClock::new(CastFormat::V3);
    let mut line = Vec::new();
    for t in [100, 50, 120] {
        clock.stamp(ms(t), &mut line);
        line.push(b' ');
    }
    assert_eq!(line, b"0.100 0.000 0.020 ");
}

#[test]
fn finish_without_events_writes_one() {
    for format in [CastFormat::V2, CastFormat::V3] {
        let cast = CastWriter::new(Vec::new(), format, &meta()).unwrap();
        let v = finished(cast, ms(10));
        assert_eq!(v.len(), 2);
        assert_eq!(v[1][1], "o");
        assert_eq!(v[1][2], "");
    }
}

#[test]
fn input_only_when_enabled() {
    let mut off = CastWriter::new(Vec::new(), CastFormat::V2, &meta()).unwrap();
    off.input(ms(1), b"ls\r").unwrap();
    assert_eq!(off.events_written(), 0);
    let on_meta = CastMeta {
        record_input: true,
        ..meta()
    };
    let mut on = CastWriter::new(Vec::new(), CastFormat::V2, &on_meta).unwrap();
    on.input(ms(1), b"ls\r").unwrap();
    let v = finished(on, ms(2));
    assert_eq!(v[1], json!([0.001, "i", "ls\r"]));
}

/// Records each `write` call so the test can see how lines reach the sink.
#[derive(Default)]
struct Writes(Vec<Vec<u8>>);

impl Write for Writes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.push(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn every_line_is_one_write() {
    let mut cast = CastWriter::new(Writes::default(), CastFormat::V3, &meta()).unwrap();
    cast.output(ms(1), &vec![b'x'; 100_000]).unwrap();
    cast.marker(ms(2), "m").unwrap();
    let writes = cast.finish(ms(3)).unwrap().0;
    // The header, the long output split into lines of at most MAX_LINE_TEXT, the marker.
    assert_eq!(
        writes.len(),
        1 + 100_000usize.div_ceil(super::MAX_LINE_TEXT) + 1
    );
    let mut output = String::new();
    for w in &writes {
        assert_eq!(w.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(w.last(), Some(&b'\n'));
    }
    for w in &writes[1..writes.len() - 1] {
        let event: serde_json::Value = serde_json::from_slice(w).unwrap();
        let text = event[2].as_str().unwrap();
        assert!(text.len() <= super::MAX_LINE_TEXT);
        output.push_str(text);
    }
    assert_eq!(
        output,
        "x".repeat(100_000),
        "split lines concatenate to the output"
    );
}
