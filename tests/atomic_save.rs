//! A scratchpad save is all or nothing. This test binary runs itself again as a writer
//! that saves version after version of a file the way the app saves the scratchpad; the
//! test kills it with SIGKILL at random moments, and after every kill the file must be
//! one whole version, never a torn mix.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rallish_tui::durable::{remove_stale_temps, write_atomic};

/// Set in the child: the file to write, and the first version number.
const ENV_PATH: &str = "RALLISH_TEST_WRITER_PATH";
const ENV_FIRST: &str = "RALLISH_TEST_WRITER_FIRST";

/// Version `n`: a header, a body from 1 KB to about 256 KB (so kills often land in the
/// middle of a write) and a footer, all derived from `n`.
fn version(n: u64) -> String {
    let len = 1_000 + (n.wrapping_mul(7_919) % 256_000) as usize;
    let fill = char::from(b'a' + (n % 26) as u8);
    format!("version {n}\n{}\nend {n}\n", fill.to_string().repeat(len))
}

/// Which version `text` is, if it is exactly one.
fn whole_version(text: &str) -> Option<u64> {
    let n: u64 = text
        .strip_prefix("version ")?
        .split('\n')
        .next()?
        .parse()
        .ok()?;
    (text == version(n)).then_some(n)
}

/// The writer: only does anything when started by the test below.
#[test]
fn writer_loop() {
    let Some(path) = std::env::var_os(ENV_PATH) else {
        return;
    };
    let first: u64 = std::env::var(ENV_FIRST)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for n in first.. {
        write_atomic(Path::new(&path), version(n).as_bytes()).expect("save");
    }
}

fn random_below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random");
    u64::from_le_bytes(bytes) % n
}

#[test]
fn kill_9_at_any_moment_leaves_one_whole_version() {
    let dir = std::env::temp_dir().join(format!("rallish-atomic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scratchpad.md");
    let exe = std::env::current_exe().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut torn_temps = 0;
    for round in 0..25u64 {
        let first = round * 1_000_000;
        let mut child = Command::new(&exe)
            .args(["--exact", "writer_loop", "--test-threads=1"])
            .env(ENV_PATH, &path)
            .env(ENV_FIRST, first.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Let it get going (the first round must have written once), then kill it at
        // a random moment.
        let deadline = Instant::now() + Duration::from_secs(15);
        while !path.exists() {
            assert!(Instant::now() < deadline, "the writer never wrote");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_micros(random_below(40_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let n = whole_version(&text).unwrap_or_else(|| {
            panic!(
                "round {round}: the file is not one whole version ({} bytes, starts {:?})",
                text.len(),
                &text[..text.len().min(40)]
            )
        });
        seen.insert(n);
        let before = std::fs::read_dir(&dir).unwrap().count();
        remove_stale_temps(&path);
        let after = std::fs::read_dir(&dir).unwrap().count();
        torn_temps += before - after;
        assert_eq!(after, 1, "temporary files are left after the cleanup");
    }
    eprintln!(
        "{} distinct versions survived 25 kills; {torn_temps} kills landed mid-save",
        seen.len()
    );
    assert!(seen.len() > 1, "the writer never got past one version");
    std::fs::remove_dir_all(dir).unwrap();
}
