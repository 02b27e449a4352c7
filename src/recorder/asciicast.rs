//! Pure asciicast v2/v3 encoding: the header, one JSON array per event line,
//! and event times. No threads and no clock: every call carries the time
//! elapsed since the recording started.
//!
//! Invariants of the produced file: the header is the first line, every line
//! is handed to the sink with a single `write_all`, no line is blank, event
//! times never go backwards, and [`CastWriter::finish`] leaves at least one
//! event.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use super::utf8::Utf8Decoder;
use super::{CastFormat, CastMeta};

#[derive(Serialize)]
struct HeaderV2<'a> {
    version: u8,
    width: u16,
    height: u16,
    timestamp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_time_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct TermV3<'a> {
    cols: u16,
    rows: u16,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
}

#[derive(Serialize)]
struct HeaderV3<'a> {
    version: u8,
    term: TermV3<'a>,
    timestamp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_time_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<&'static str, &'a str>,
}

/// The header line (with its trailing newline) for `meta` in `format`.
pub fn header_line(format: CastFormat, meta: &CastMeta) -> io::Result<Vec<u8>> {
    let non_empty = |s: &str| !s.is_empty();
    let term = Some(meta.term.as_str()).filter(|s| non_empty(s));
    let shell = Some(meta.shell.as_str()).filter(|s| non_empty(s));
    let idle_time_limit = meta.idle_time_limit.filter(|t| t.is_finite() && *t > 0.0);
    let title = meta.title.as_deref();
    let mut env = BTreeMap::new();
    if let Some(shell) = shell {
        env.insert("SHELL", shell);
    }
    let mut line = match format {
        CastFormat::V2 => {
            if let Some(term) = term {
                env.insert("TERM", term);
            }
            serde_json::to_vec(&HeaderV2 {
                version: 2,
                width: meta.cols,
                height: meta.rows,
                timestamp: meta.timestamp,
                idle_time_limit,
                title,
                env,
            })?
        }
        CastFormat::V3 => serde_json::to_vec(&HeaderV3 {
            version: 3,
            term: TermV3 {
                cols: meta.cols,
                rows: meta.rows,
                kind: term,
            },
            timestamp: meta.timestamp,
            idle_time_limit,
            title,
            env,
        })?,
    };
    line.push(b'\n');
    Ok(line)
}

/// Turns elapsed times into the time field of event lines.
///
/// v2 prints absolute seconds with microsecond precision. v3 prints the
/// interval since the previous event, quantised to whole milliseconds; the
/// quantisation is of the running total, so rounding errors are carried
/// forward and the intervals always add up to the true elapsed time (±0.5 ms).
/// In both, a caller's clock going backwards is clamped to the latest time seen.
#[derive(Debug, Clone)]
pub struct EventClock {
    format: CastFormat,
    latest: Duration,
    emitted_ms: u128,
}

impl EventClock {
    pub fn new(format: CastFormat) -> Self {
        Self {
            format,
            latest: Duration::ZERO,
            emitted_ms: 0,
        }
    }

    /// Appends the time field for an event at `elapsed` to `line`.
    pub fn stamp(&mut self, elapsed: Duration, line: &mut Vec<u8>) {
        self.latest = self.latest.max(elapsed);
        // Writing into a Vec cannot fail.
        let _ = match self.format {
            CastFormat::V2 => {
                let us = self.latest.as_micros();
                write!(line, "{}.{:06}", us / 1_000_000, us % 1_000_000)
            }
            CastFormat::V3 => {
                let total_ms = (self.latest.as_micros() + 500) / 1000;
                let interval = total_ms.saturating_sub(self.emitted_ms);
                self.emitted_ms = total_ms;
                write!(line, "{}.{:03}", interval / 1000, interval % 1000)
            }
        };
    }
}

/// Encodes one recording into `out`, event by event.
///
/// Output and input bytes go through separate streaming UTF-8 decoders, so a
/// character split across two calls is written whole with the later event.
#[derive(Debug)]
pub struct CastWriter<W: Write> {
    out: W,
    format: CastFormat,
    record_input: bool,
    clock: EventClock,
    output: Utf8Decoder,
    input: Utf8Decoder,
    events: u64,
}

impl<W: Write> CastWriter<W> {
    /// Writes the header to `out` (not flushed).
    pub fn new(mut out: W, format: CastFormat, meta: &CastMeta) -> io::Result<Self> {
        out.write_all(&header_line(format, meta)?)?;
        Ok(Self {
            out,
            format,
            record_input: meta.record_input,
            clock: EventClock::new(format),
            output: Utf8Decoder::new(),
            input: Utf8Decoder::new(),
            events: 0,
        })
    }

    /// An `o` event; nothing is written until some text is complete.
    pub fn output(&mut self, elapsed: Duration, bytes: &[u8]) -> io::Result<()> {
        let mut text = String::new();
        self.output.decode(bytes, &mut text);
        self.event_if_text(elapsed, "o", &text)
    }

    /// An `i` event; ignored unless the recording was created with `record_input`.
    pub fn input(&mut self, elapsed: Duration, bytes: &[u8]) -> io::Result<()> {
        if !self.record_input {
            return Ok(());
        }
        let mut text = String::new();
        self.input.decode(bytes, &mut text);
        self.event_if_text(elapsed, "i", &text)
    }

    /// An `r` event with data `COLSxROWS`.
    pub fn resize(&mut self, elapsed: Duration, cols: u16, rows: u16) -> io::Result<()> {
        self.event(elapsed, "r", &format!("{cols}x{rows}"))
    }

    /// An `m` event labelled `label`.
    pub fn marker(&mut self, elapsed: Duration, label: &str) -> io::Result<()> {
        self.event(elapsed, "m", label)
    }

    /// An `x` event (v3 only; ignored in v2). Text still waiting for its
    /// continuation bytes is written first so the exit stays last.
    pub fn exit(&mut self, elapsed: Duration, status: i32) -> io::Result<()> {
        if self.format != CastFormat::V3 {
            return Ok(());
        }
        self.flush_decoders(elapsed)?;
        self.event(elapsed, "x", &status.to_string())
    }

    /// Number of event lines written so far.
    pub fn events_written(&self) -> u64 {
        self.events
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Ends the recording: incomplete characters become U+FFFD, an empty `o`
    /// event is added if there was no event at all (players reject such
    /// files), and the sink is flushed and returned.
    pub fn finish(mut self, elapsed: Duration) -> io::Result<W> {
        self.flush_decoders(elapsed)?;
        if self.events == 0 {
            self.event(elapsed, "o", "")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush_decoders(&mut self, elapsed: Duration) -> io::Result<()> {
        let mut text = String::new();
        self.output.finish(&mut text);
        self.event_if_text(elapsed, "o", &text)?;
        text.clear();
        self.input.finish(&mut text);
        self.event_if_text(elapsed, "i", &text)
    }

    fn event_if_text(&mut self, elapsed: Duration, code: &str, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.event(elapsed, code, text)
    }

    /// Writes one event, as several lines of at most [`MAX_LINE_TEXT`] bytes of text when
    /// it is long (a whole-screen frame): players concatenate consecutive `o` events, and
    /// short lines keep each `write` small, so a kill -9 almost never lands inside one.
    fn event(&mut self, elapsed: Duration, code: &str, data: &str) -> io::Result<()> {
        let mut rest = data;
        while rest.len() > MAX_LINE_TEXT {
            let mut cut = MAX_LINE_TEXT;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            self.event_line(elapsed, code, &rest[..cut])?;
            rest = &rest[cut..];
        }
        self.event_line(elapsed, code, rest)
    }

    /// Builds the whole line in memory and hands it over in one `write_all`,
    /// so a crash leaves at most one partial line at the end of the file.
    fn event_line(&mut self, elapsed: Duration, code: &str, data: &str) -> io::Result<()> {
        let mut line = Vec::with_capacity(data.len() + 32);
        line.push(b'[');
        self.clock.stamp(elapsed, &mut line);
        line.extend_from_slice(b", \"");
        line.extend_from_slice(code.as_bytes());
        line.extend_from_slice(b"\", ");
        serde_json::to_writer(&mut line, data)?;
        line.extend_from_slice(b"]\n");
        self.out.write_all(&line)?;
        self.events += 1;
        Ok(())
    }
}

/// Longest text in one event line (bytes, before JSON escaping).
pub const MAX_LINE_TEXT: usize = 2048;

#[cfg(test)]
mod tests;
