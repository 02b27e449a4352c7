//! Issue 19's survey, one minimal byte sequence per difference found against tmux 3.3a:
//! each is replayed through the pane's emulator and painter and checked cell by cell
//! (text, cursor, colours, modifiers, links, answers). The cases live in
//! `tests/fixtures/sequences.toml`, where each says what a person must see.

use std::path::Path;

use rallish_tui::pane::Emulator;
use rallish_tui::ui::screen::{LinkRun, draw_screen};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    item: String,
    input: String,
    size: [u16; 2],
    rows: Vec<String>,
    cursor: [u16; 2],
    #[serde(default)]
    cells: Vec<ExpectedCell>,
    #[serde(default)]
    links: Vec<(u16, u16, u16, String)>,
    answers: Option<String>,
}

#[derive(Deserialize)]
struct ExpectedCell {
    at: [u16; 2],
    symbol: String,
    fg: Option<String>,
    underline_color: Option<String>,
    /// The exact set, by ratatui's names; absent means "not checked".
    modifiers: Option<Vec<String>>,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences.toml");
    let text = std::fs::read_to_string(&path).expect("reading sequences.toml");
    toml::from_str::<Cases>(&text).expect("sequences.toml").case
}

/// Every case, fed whole and one byte at a time: the screen is the same either way.
#[test]
fn every_surveyed_sequence_draws_as_the_host_would() {
    let cases = cases();
    assert!(cases.len() >= 20, "the survey's items are all here");
    let mut failures = Vec::new();
    for case in &cases {
        for chunk in [usize::MAX, 1] {
            if let Err(why) = check(case, chunk) {
                failures.push(format!("{} (in {chunk}-byte chunks): {why}", case.item));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn check(case: &Case, chunk: usize) -> Result<(), String> {
    let [rows, cols] = case.size;
    let mut emulator = Emulator::new(rows, cols, 0);
    for piece in case.input.as_bytes().chunks(chunk) {
        emulator.process(piece);
    }
    let got_rows: Vec<String> = (0..rows).map(|row| emulator.row_text(row)).collect();
    if got_rows != case.rows {
        return Err(format!("rows {got_rows:?}, expected {:?}", case.rows));
    }
    let cursor = emulator.cursor_position();
    if [cursor.0, cursor.1] != case.cursor {
        return Err(format!("cursor {cursor:?}, expected {:?}", case.cursor));
    }
    let mut buf = Buffer::empty(Rect::new(0, 0, cols, rows));
    let mut links = Vec::new();
    let area = buf.area;
    draw_screen(&mut buf, area, &emulator, &mut links);
    for cell in &case.cells {
        let [row, col] = cell.at;
        let got = &buf[(col, row)];
        if got.symbol() != cell.symbol {
            return Err(format!("{:?}: symbol {:?}", cell.at, got.symbol()));
        }
        if let Some(fg) = &cell.fg
            && format!("{:?}", got.fg) != *fg
        {
            return Err(format!("{:?}: fg {:?}, expected {fg}", cell.at, got.fg));
        }
        if let Some(colour) = &cell.underline_color
            && format!("{:?}", got.underline_color) != *colour
        {
            return Err(format!(
                "{:?}: underline colour {:?}, expected {colour}",
                cell.at, got.underline_color
            ));
        }
        if let Some(expected) = &cell.modifiers {
            let mut names: Vec<String> = got
                .modifier
                .iter_names()
                .map(|(name, _)| name.to_string())
                .collect();
            let mut expected = expected.clone();
            names.sort();
            expected.sort();
            if names != expected {
                return Err(format!(
                    "{:?}: modifiers {names:?}, expected {expected:?}",
                    cell.at
                ));
            }
        }
    }
    let expected_links: Vec<LinkRun> = case
        .links
        .iter()
        .map(|(y, x, width, uri)| LinkRun {
            x: *x,
            y: *y,
            width: *width,
            uri: uri.clone(),
        })
        .collect();
    if links != expected_links {
        return Err(format!("links {links:?}, expected {expected_links:?}"));
    }
    let answers = String::from_utf8_lossy(&emulator.requests().to_child).into_owned();
    if answers != case.answers.clone().unwrap_or_default() {
        return Err(format!("answers {answers:?}, expected {:?}", case.answers));
    }
    Ok(())
}
