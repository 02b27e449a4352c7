//! Answers a program's terminal queries the way a rallish-tui pane does, for
//! `tests/fixtures/record.py`: its output goes in, the pane's answers come out.
//!
//! Framing on stdin and stdout alike: a 4-byte big-endian length, then that many bytes.
//! Every frame read gets exactly one frame back (empty when there is nothing to answer),
//! so the recorder knows the answer to a chunk is complete.

use std::io::{self, Read, Write};

use rallish_tui::pane::Emulator;

fn main() -> io::Result<()> {
    let mut emulator = Emulator::new(24, 80, 0, 0);
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut chunk = vec![0u8; u32::from_be_bytes(len) as usize];
        input.read_exact(&mut chunk)?;
        emulator.process(&chunk);
        let answer = std::mem::take(&mut emulator.requests_mut().to_child);
        output.write_all(&(answer.len() as u32).to_be_bytes())?;
        output.write_all(&answer)?;
        output.flush()?;
    }
}
