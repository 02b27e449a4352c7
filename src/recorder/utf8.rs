//! Streaming UTF-8 decoding for byte streams that arrive in arbitrary chunks.
//!
//! A multi-byte sequence split across two reads is carried over to the next
//! chunk instead of being replaced; only bytes that can never become valid
//! UTF-8 turn into U+FFFD (one per maximal invalid subpart, exactly as
//! [`String::from_utf8_lossy`] does for the whole stream at once).

use std::str;

/// Decodes a byte stream chunk by chunk.
///
/// Invariant: `pending[..len]` is a strict prefix of some valid UTF-8
/// sequence (at most 3 bytes), waiting for its continuation bytes.
#[derive(Debug, Default, Clone)]
pub struct Utf8Decoder {
    pending: [u8; 4],
    len: usize,
}

impl Utf8Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether an incomplete sequence is waiting for more bytes.
    pub fn has_pending(&self) -> bool {
        self.len > 0
    }

    /// Appends the text decoded from `input` to `out`, keeping an incomplete
    /// trailing sequence for the next call.
    pub fn decode(&mut self, mut input: &[u8], out: &mut String) {
        // Complete the carried-over sequence one byte at a time: it needs at
        // most three more bytes, and each byte either completes it, keeps it
        // incomplete, or proves it invalid.
        while self.len > 0 {
            let Some((&byte, rest)) = input.split_first() else {
                return;
            };
            input = rest;
            self.pending[self.len] = byte;
            self.len += 1;
            match str::from_utf8(&self.pending[..self.len]) {
                Ok(s) => {
                    out.push_str(s);
                    self.len = 0;
                }
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    let buf = self.pending;
                    let n = self.len;
                    self.len = 0;
                    let tail = decode_lossy(&buf[..n], out);
                    self.keep(tail);
                }
            }
        }
        let tail = decode_lossy(input, out);
        self.keep(tail);
    }

    /// Ends the stream: an incomplete sequence left over becomes one U+FFFD.
    pub fn finish(&mut self, out: &mut String) {
        if self.len > 0 {
            out.push(char::REPLACEMENT_CHARACTER);
            self.len = 0;
        }
    }

    fn keep(&mut self, tail: &[u8]) {
        // `decode_lossy` only returns an incomplete sequence, so it fits.
        let n = tail.len().min(self.pending.len() - 1);
        self.pending[..n].copy_from_slice(&tail[..n]);
        self.len = n;
    }
}

/// Decodes `bytes` into `out`, replacing invalid subparts with U+FFFD, and
/// returns the incomplete sequence at the end (empty if there is none).
fn decode_lossy<'a>(mut bytes: &'a [u8], out: &mut String) -> &'a [u8] {
    loop {
        match str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return &[];
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid_up_to` guarantees this prefix is valid UTF-8.
                if let Ok(s) = str::from_utf8(valid) {
                    out.push_str(s);
                }
                match e.error_len() {
                    Some(n) => {
                        out.push(char::REPLACEMENT_CHARACTER);
                        bytes = &rest[n..];
                    }
                    None => return rest,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_chunks(chunks: &[&[u8]]) -> String {
        let mut dec = Utf8Decoder::new();
        let mut out = String::new();
        for chunk in chunks {
            dec.decode(chunk, &mut out);
        }
        dec.finish(&mut out);
        out
    }

    const SAMPLES: &[&[u8]] = &[
        "é".as_bytes(),
        "🚀".as_bytes(),
        "a€b🚀cé\u{1b}[0m".as_bytes(),
        b"\xff",
        b"ab\xc3",
        b"\xe2\x82",
        b"\xe2\x82A",
        b"\xf0\x9f\x9a",
        b"x\xed\xa0\x80y",
        b"\xc0\xaf\xf5\x80\x80",
        b"\xf0\x9f\x9a\x80\x80\xe2\x82\xac\xe2",
    ];

    #[test]
    fn split_at_every_boundary_matches_lossy() {
        for &sample in SAMPLES {
            let expected = String::from_utf8_lossy(sample).into_owned();
            for i in 0..=sample.len() {
                for j in i..=sample.len() {
                    let got = decode_chunks(&[&sample[..i], &sample[i..j], &sample[j..]]);
                    assert_eq!(got, expected, "{sample:x?} split at {i},{j}");
                }
            }
        }
    }

    #[test]
    fn byte_by_byte_matches_lossy() {
        for &sample in SAMPLES {
            let chunks: Vec<&[u8]> = sample.chunks(1).collect();
            assert_eq!(decode_chunks(&chunks), String::from_utf8_lossy(sample));
        }
    }

    #[test]
    fn split_sequence_is_carried_not_replaced() {
        let rocket = "🚀".as_bytes();
        let mut dec = Utf8Decoder::new();
        let mut out = String::new();
        dec.decode(&rocket[..1], &mut out);
        assert_eq!(out, "");
        assert!(dec.has_pending());
        dec.decode(&rocket[1..3], &mut out);
        assert_eq!(out, "");
        dec.decode(&rocket[3..], &mut out);
        assert_eq!(out, "🚀");
        assert!(!dec.has_pending());
    }

    #[test]
    fn invalid_bytes_become_replacement() {
        assert_eq!(decode_chunks(&[b"a\xffb"]), "a\u{fffd}b");
        assert_eq!(decode_chunks(&[b"\xc3", b"A"]), "\u{fffd}A");
    }

    #[test]
    fn incomplete_sequence_at_finish_is_one_replacement() {
        assert_eq!(decode_chunks(&[b"ok\xf0\x9f", b"\x9a"]), "ok\u{fffd}");
    }
}
