//! Checks the fuzz targets share.

use rallish_tui::config::toml_source::FileError;

/// A fault in a file must point at a place in that file: the person is told
/// `origin:line:column`, so both numbers are 1-based and inside the text (one past a
/// line's last char, or the line after a final newline, counts: "missing ..." faults
/// point at the end).
pub fn assert_points_into(text: &str, origin: &str, err: &FileError) {
    let FileError::Invalid {
        origin: named,
        line,
        column,
        ..
    } = err
    else {
        panic!("parsing text in memory gave a read error: {err}");
    };
    assert_eq!(named, origin, "{err}");
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(line),
        "line {line} of a text with {} lines: {err}",
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    assert!(
        (1..=width + 1).contains(column),
        "column {column} of a line {width} chars wide: {err}"
    );
}
