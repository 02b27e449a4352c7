//! Recording to asciicast end to end: the cast replays to exactly what the app drew,
//! carries a marker for every pass and an `r` for every resize, and real asciinema tools
//! accept it (when they are installed: see `.ci/run`).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Tui, nz};
use serde_json::Value;

struct Cast {
    header: Value,
    events: Vec<(f64, String, String)>,
}

fn read_cast(path: &Path) -> Cast {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(!text.contains("\n\n"), "blank line in the cast");
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let events = lines
        .map(|line| {
            let event: (f64, String, String) =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            event
        })
        .collect();
    Cast { header, events }
}

/// Replays the `o` stream through a fresh vt100 screen, applying `r` events.
fn replay_v2(cast: &Cast) -> vt100::Parser {
    let (cols, rows) = (
        cast.header["width"].as_u64().unwrap() as u16,
        cast.header["height"].as_u64().unwrap() as u16,
    );
    let mut parser = vt100::Parser::new(nz(rows), nz(cols), 0);
    for (_, code, data) in &cast.events {
        match code.as_str() {
            "o" => parser.process(data.as_bytes()),
            "r" => {
                let (c, r) = data.split_once('x').unwrap();
                parser
                    .screen_mut()
                    .set_size(nz(r.parse().unwrap()), nz(c.parse().unwrap()));
            }
            _ => {}
        }
    }
    parser
}

fn castcheck() -> Option<PathBuf> {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bin/castcheck");
    let home = std::env::var_os("CASTCHECK_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/castcheck"),
        PathBuf::from,
    );
    (tool.exists() && home.join("venv/bin/asciinema").exists()).then_some(tool)
}

#[test]
fn a_recorded_rally_replays_to_what_was_drawn() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=cat",
            "--pane",
            "b=cat",
            "--record",
            "rally.cast",
            "--record-panes",
            "panes",
        ],
        100,
        24,
    );
    tui.wait_for_text("● REC");
    tui.type_text("héllo wörld 测试 🚀\r");
    tui.wait_for_text("🚀");
    tui.chord(b"N");
    tui.wait_for_text("baton: a -> b (turn 2)");
    tui.resize(110, 26);
    tui.wait_until("the redraw at 110 columns", |s| {
        s.contents_between(0, 80, 0, 110).contains("turn 2")
    });
    tui.chord(b"N");
    tui.wait_for_text("baton: b -> a (turn 3)");
    tui.wait_stable(Duration::from_millis(300));
    let drawn = tui.contents();
    assert!(tui.terminate().is_some());

    let cast = read_cast(&tui.dir.path().join("rally.cast"));
    assert_eq!(cast.header["version"], 2);
    assert_eq!(
        (
            cast.header["width"].as_u64(),
            cast.header["height"].as_u64()
        ),
        (Some(100), Some(24))
    );
    let env = cast.header["env"].as_object().unwrap();
    assert!(env.keys().all(|k| k == "TERM" || k == "SHELL"), "{env:?}");
    let markers: Vec<_> = cast
        .events
        .iter()
        .filter(|e| e.1 == "m")
        .map(|e| e.2.as_str())
        .collect();
    assert_eq!(markers, ["turn 2: a -> b", "turn 3: b -> a"]);
    assert!(cast.events.iter().any(|e| e.1 == "r" && e.2 == "110x26"));
    let times: Vec<f64> = cast.events.iter().map(|e| e.0).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "times go backwards");
    assert!(
        !cast.events.iter().any(|e| e.1 == "i"),
        "keystrokes recorded without --record-input"
    );
    assert_eq!(
        replay_v2(&cast).screen().contents(),
        drawn,
        "the cast does not replay to the last frame"
    );

    // Each pane's own cast has its output at its own size and the same markers.
    let pane = read_cast(&tui.dir.path().join("panes/a.cast"));
    assert_eq!(pane.header["width"], 48);
    let text: String = pane
        .events
        .iter()
        .filter(|e| e.1 == "o")
        .map(|e| e.2.as_str())
        .collect();
    assert!(text.contains("héllo wörld 测试 🚀"));
    assert_eq!(pane.events.iter().filter(|e| e.1 == "m").count(), 2);
    assert!(
        pane.events.iter().any(|e| e.1 == "r"),
        "the pane's resize is in its cast"
    );

    match castcheck() {
        Some(tool) => {
            for cast in ["rally.cast", "panes/a.cast"] {
                let out = std::process::Command::new(&tool)
                    .args(["--no-player"])
                    .arg(tui.dir.path().join(cast))
                    .output()
                    .unwrap();
                let report = String::from_utf8_lossy(&out.stdout);
                assert!(
                    out.status.success(),
                    "castcheck rejected {cast}:\n{report}{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                println!("{report}");
            }
        }
        None => {
            eprintln!("SKIPPED castcheck: ../shared/bin/castcheck-install has not been run here");
        }
    }
}

#[test]
fn v3_casts_and_recorded_input() {
    let mut tui = Tui::start(
        &[
            "--pane",
            "a=cat",
            "--record",
            "r.cast",
            "--record-format",
            "v3",
            "--record-input",
        ],
        80,
        20,
    );
    tui.wait_for_text("● REC");
    tui.type_text("typed\r");
    tui.wait_for_text("typed");
    tui.wait_stable(Duration::from_millis(200));
    assert!(tui.terminate().is_some());
    let cast = read_cast(&tui.dir.path().join("r.cast"));
    assert_eq!(cast.header["version"], 3);
    assert_eq!(cast.header["term"]["cols"], 80);
    let input: String = cast
        .events
        .iter()
        .filter(|e| e.1 == "i")
        .map(|e| e.2.as_str())
        .collect();
    assert_eq!(input, "typed\r");
    assert_eq!(
        cast.events.last().map(|e| (e.1.as_str(), e.2.as_str())),
        Some(("x", "0"))
    );
}

#[test]
fn recording_starts_and_stops_at_runtime() {
    let mut tui = Tui::start(&["--pane", "a=echo ready; exec cat"], 80, 20);
    tui.wait_for_text("ready");
    tui.chord(b"r");
    tui.wait_for_text("● REC");
    tui.chord(b"r");
    tui.wait_for_text("recording saved:");
    tui.wait_for_gone("● REC");
    assert!(tui.terminate().is_some());
    let sessions = tui.state_dir().join("sessions");
    let session = std::fs::read_dir(sessions)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let cast = std::fs::read_dir(&session)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".cast"))
        .expect("a cast in the session dir");
    let cast = read_cast(&cast.path());
    // It opens on a whole picture: replayed alone it shows the pane.
    assert!(replay_v2(&cast).screen().contents().contains("ready"));
}
