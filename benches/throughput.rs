//! Throughput of the hot paths, in isolation from the PTY and the host terminal:
//! - ingestion: bytes/s of the muxbench workloads (W1 agent text, W2 seq, W3 full-screen
//!   frames) through the pane's emulator with its replies, at a 198x47 pane with 10,000
//!   lines of history;
//! - keys: encoding a mix of chords for the child.
//!
//! What a frame costs is in `benches/frames.rs`.
//!
//! Workloads are generated here, deterministically, in the shape of
//! ../shared/bench/muxbench.py's (SGR 16/256/truecolor, CJK, emoji, 20-160 columns).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rallish_tui::pane::Emulator;
use rallish_tui::pane::keys::{InputModes, encode_key};

/// The allocator the app runs with (see src/main.rs), so the numbers are the app's.
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "the", "agent", "render", "buffer", "pane", "cargo", "test", "value", "result", "fn",
];
const WIDE: &[&str] = &["测试", "通过", "文件", "✅", "🚀", "🔧"];

/// About `size` bytes of coloured agent-like output.
fn agent_text(size: usize) -> Vec<u8> {
    let mut rng = Rng(42);
    let mut out = Vec::with_capacity(size + 256);
    while out.len() < size {
        let target = 20 + rng.below(140);
        let mut width = 0;
        while width < target {
            match rng.below(6) {
                0 => out.extend_from_slice(format!("\x1b[3{}m", 1 + rng.below(6)).as_bytes()),
                1 => out.extend_from_slice(format!("\x1b[38;5;{}m", rng.below(256)).as_bytes()),
                2 => out.extend_from_slice(
                    format!(
                        "\x1b[38;2;{};{};{}m",
                        rng.below(256),
                        rng.below(256),
                        rng.below(256)
                    )
                    .as_bytes(),
                ),
                3 => {
                    out.extend_from_slice(WIDE[rng.below(WIDE.len())].as_bytes());
                    width += 2;
                }
                _ => {}
            }
            let word = WORDS[rng.below(WORDS.len())];
            out.extend_from_slice(word.as_bytes());
            out.push(b' ');
            width += word.len() + 1;
            if rng.below(3) == 0 {
                out.extend_from_slice(b"\x1b[0m");
            }
        }
        out.extend_from_slice(b"\x1b[0m\r\n");
    }
    out
}

fn seq_text(lines: u32) -> Vec<u8> {
    (1..=lines)
        .flat_map(|i| format!("{i}\r\n").into_bytes())
        .collect()
}

/// Full-screen redraws of a 150x40 region, as a TUI at full speed writes them.
fn frames(count: usize) -> Vec<u8> {
    let mut rng = Rng(7);
    let mut out = Vec::new();
    for frame in 0..count {
        if frame % 50 == 0 {
            out.extend_from_slice(b"\x1b[2J");
        }
        for row in 1..=40 {
            out.extend_from_slice(format!("\x1b[{row};1H\x1b[3{}m", rng.below(8)).as_bytes());
            for _ in 0..15 {
                out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                out.push(b' ');
            }
            out.extend_from_slice(b"\x1b[K");
        }
    }
    out
}

/// A pane as the app makes it: 10,000 lines of history, the newest kept by the grid and
/// the rest in the archive.
fn pane() -> Emulator {
    rallish_tui::pane::new_emulator(47, 198, 10_000)
}

fn ingest(parser: &mut Emulator, bytes: &[u8]) {
    // The reader thread's chunking: at most one PTY read at a time.
    for chunk in bytes.chunks(4096) {
        parser.process(chunk);
        parser.requests_mut().to_child.clear();
    }
}

fn ingestion(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingestion");
    group.sample_size(10);
    for (name, bytes) in [
        ("w1_agent_text", agent_text(4 << 20)),
        ("w2_seq", seq_text(300_000)),
        ("w3_frames", frames(300)),
    ] {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                pane,
                |parser| ingest(parser, black_box(&bytes)),
                criterion::BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn keys(c: &mut Criterion) {
    let chords: Vec<KeyEvent> = [
        (KeyCode::Char('a'), KeyModifiers::NONE),
        (KeyCode::Char('é'), KeyModifiers::NONE),
        (KeyCode::Char('c'), KeyModifiers::CONTROL),
        (KeyCode::Char('x'), KeyModifiers::ALT),
        (KeyCode::Up, KeyModifiers::NONE),
        (KeyCode::Left, KeyModifiers::SHIFT | KeyModifiers::CONTROL),
        (KeyCode::Enter, KeyModifiers::SHIFT),
        (KeyCode::F(5), KeyModifiers::NONE),
        (KeyCode::PageDown, KeyModifiers::ALT),
        (KeyCode::Backspace, KeyModifiers::NONE),
    ]
    .into_iter()
    .map(|(code, mods)| KeyEvent::new(code, mods))
    .collect();
    let modes = InputModes {
        application_cursor: true,
        ..InputModes::default()
    };
    let mut group = c.benchmark_group("keys");
    group.throughput(Throughput::Elements(chords.len() as u64));
    group.bench_function("encode_10_chords", |b| {
        b.iter(|| {
            chords
                .iter()
                .map(|k| encode_key(black_box(k), modes).map_or(0, |v| v.len()))
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, ingestion, keys);
criterion_main!(benches);
