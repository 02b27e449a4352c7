//! Line diffs and a three-way merge, so an agent's change and the person's unsaved typing
//! can both land: what only one side changed is taken, what both changed the same way is
//! taken once, and where they differ both versions are kept, the person's first. Nothing
//! either side wrote is ever dropped.

use similar::{Algorithm, DiffTag};

/// Lines of `a` in `old_start..old_end` become lines of `b` in `new_start..new_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: usize,
    pub old_end: usize,
    pub new_start: usize,
    pub new_end: usize,
}

/// The hunks that turn `a` into `b`, in order, none empty on both sides. The line diff
/// is similar's Myers, whose bounded search keeps pathological inputs (every line
/// different, many repeats) fast, at worst with a coarser hunk: any size is diffed.
pub fn diff<S: AsRef<str>, T: AsRef<str>>(a: &[S], b: &[T]) -> Vec<Hunk> {
    let a: Vec<&str> = a.iter().map(AsRef::as_ref).collect();
    let b: Vec<&str> = b.iter().map(AsRef::as_ref).collect();
    let mut hunks: Vec<Hunk> = Vec::new();
    for op in similar::capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        // A deletion next to an insertion is one hunk, as a replacement.
        match hunks.last_mut() {
            Some(last) if last.old_end == old.start && last.new_end == new.start => {
                last.old_end = old.end;
                last.new_end = new.end;
            }
            _ => hunks.push(Hunk {
                old_start: old.start,
                old_end: old.end,
                new_start: new.start,
                new_end: new.end,
            }),
        }
    }
    hunks
}

/// Where line `row` of the old text is in the new one. A line inside a changed hunk maps
/// to the hunk's first new line, and `false` says it did not survive as it was.
pub fn map_row(hunks: &[Hunk], row: usize) -> (usize, bool) {
    let mut shift: isize = 0;
    for h in hunks {
        if row < h.old_start {
            break;
        }
        if row < h.old_end {
            return (h.new_start, false);
        }
        shift += (h.new_end - h.new_start) as isize - (h.old_end - h.old_start) as isize;
    }
    (row.saturating_add_signed(shift), true)
}

/// Merges two descendants of `base` line by line; see the module doc for the rules.
pub fn merge3(base: &[&str], ours: &[&str], theirs: &[&str]) -> Vec<String> {
    let mine = diff(base, ours);
    let other = diff(base, theirs);
    let mut out: Vec<String> = Vec::new();
    let (mut a, mut b) = (0, 0);
    let mut at = 0;
    while a < mine.len() || b < other.len() {
        // The next group: hunks of either side whose base ranges overlap or start together.
        let take_mine =
            b >= other.len() || (a < mine.len() && mine[a].old_start <= other[b].old_start);
        let first = if take_mine { mine[a] } else { other[b] };
        let (start, mut end) = (first.old_start, first.old_end);
        let (a0, b0) = (a, b);
        loop {
            let grow = |h: &Hunk| h.old_start < end || h.old_start == start;
            if a < mine.len() && grow(&mine[a]) {
                end = end.max(mine[a].old_end);
                a += 1;
            } else if b < other.len() && grow(&other[b]) {
                end = end.max(other[b].old_end);
                b += 1;
            } else {
                break;
            }
        }
        out.extend(base[at..start].iter().map(std::string::ToString::to_string));
        let side = |hunks: &[Hunk], lines: &[&str]| -> Vec<String> {
            let mut v = Vec::new();
            let mut pos = start;
            for h in hunks {
                v.extend(
                    base[pos..h.old_start]
                        .iter()
                        .map(std::string::ToString::to_string),
                );
                v.extend(
                    lines[h.new_start..h.new_end]
                        .iter()
                        .map(std::string::ToString::to_string),
                );
                pos = h.old_end;
            }
            v.extend(base[pos..end].iter().map(std::string::ToString::to_string));
            v
        };
        let ours_part = side(&mine[a0..a], ours);
        let theirs_part = side(&other[b0..b], theirs);
        match (a > a0, b > b0) {
            (true, false) => out.extend(ours_part),
            (false, true) => out.extend(theirs_part),
            _ if ours_part == theirs_part => out.extend(ours_part),
            _ => {
                out.extend(ours_part);
                out.extend(theirs_part);
            }
        }
        at = end;
    }
    out.extend(base[at..].iter().map(std::string::ToString::to_string));
    out
}

/// [`merge3`] on whole texts split at `\n`.
pub fn merge3_text(base: &str, ours: &str, theirs: &str) -> String {
    fn lines(text: &str) -> Vec<&str> {
        text.split('\n').collect()
    }
    merge3(&lines(base), &lines(ours), &lines(theirs)).join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(a: &[&str], b: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut pos = 0;
        for h in diff(a, b) {
            out.extend(
                a[pos..h.old_start]
                    .iter()
                    .map(std::string::ToString::to_string),
            );
            out.extend(
                b[h.new_start..h.new_end]
                    .iter()
                    .map(std::string::ToString::to_string),
            );
            pos = h.old_end;
        }
        out.extend(a[pos..].iter().map(std::string::ToString::to_string));
        out
    }

    #[test]
    fn diffs_rebuild_the_target() {
        let cases: &[(&[&str], &[&str])] = &[
            (&[], &[]),
            (&["a"], &[]),
            (&[], &["a", "b"]),
            (&["a", "b", "c"], &["a", "x", "c"]),
            (&["a", "b", "c", "d"], &["b", "c", "e", "d", "f"]),
            (&["x", "a", "y", "a", "z"], &["a", "a"]),
        ];
        for (a, b) in cases {
            assert_eq!(apply(a, b), *b, "{a:?} -> {b:?}");
        }
        assert_eq!(
            diff(&["a", "b", "c"], &["a", "x", "c"]),
            [Hunk {
                old_start: 1,
                old_end: 2,
                new_start: 1,
                new_end: 2
            }]
        );
    }

    #[test]
    fn rows_follow_insertions_above_them() {
        let hunks = diff(&["a", "b", "c"], &["new", "a", "B", "c"]);
        assert_eq!(map_row(&hunks, 0), (1, true));
        assert_eq!(map_row(&hunks, 1), (2, false));
        assert_eq!(map_row(&hunks, 2), (3, true));
    }

    #[test]
    fn separate_changes_both_land() {
        let merged = merge3_text(
            "a\nb\nc\nd\n",
            "a\nB typed\nc\nd\n",
            "a\nb\nc\nd\nagent line\n",
        );
        assert_eq!(merged, "a\nB typed\nc\nd\nagent line\n");
    }

    #[test]
    fn the_same_change_lands_once() {
        let merged = merge3_text("a\nb\n", "a\nb\nsame\n", "a\nb\nsame\n");
        assert_eq!(merged, "a\nb\nsame\n");
    }

    #[test]
    fn conflicting_changes_keep_both_the_persons_first() {
        let merged = merge3_text("a\nb\nc", "a\nmine\nc", "a\ntheirs\nc");
        assert_eq!(merged, "a\nmine\ntheirs\nc");
        let appended = merge3_text("a\n", "a\ntyping", "a\nappended\n");
        assert_eq!(appended, "a\ntyping\nappended\n");
    }

    #[test]
    fn a_rewrite_by_an_agent_keeps_unsaved_typing() {
        let base = "# plan\n- one\n- two\n";
        let ours = "# plan\n- one\n- two\n- three (typing";
        let theirs = "# plan (agent)\n- one\n- two\n";
        assert_eq!(
            merge3_text(base, ours, theirs),
            "# plan (agent)\n- one\n- two\n- three (typing"
        );
    }

    #[test]
    fn texts_beyond_the_old_cap_still_merge_line_by_line() {
        // Edits at both ends leave a 2,998-line middle: 9M cells, over the 4M the old
        // LCS table allowed, which made it one hunk and the merge a conflict.
        let base: Vec<String> = (0..3000).map(|n| format!("line {n}")).collect();
        let mut ours = base.clone();
        ours[1] = "typed at the top".into();
        ours[2998] = "typed at the bottom".into();
        let mut theirs = base.clone();
        theirs[1500] = "an agent's line".into();
        let hunks = diff(&base, &ours);
        assert_eq!(hunks.len(), 2, "{hunks:?}");
        assert_eq!((hunks[1].old_start, hunks[1].old_end), (2998, 2999));
        let mut want = ours.clone();
        want[1500] = "an agent's line".into();
        let merged = merge3_text(&base.join("\n"), &ours.join("\n"), &theirs.join("\n"));
        assert_eq!(merged, want.join("\n"));
        assert_eq!(apply_owned(&base, &theirs), theirs);
    }

    #[test]
    fn unrelated_and_repetitive_texts_diff_correctly() {
        let a: Vec<String> = (0..20_000).map(|n| format!("{}", n % 3)).collect();
        let b: Vec<String> = (0..20_000)
            .map(|n| format!("{}-{}", n % 7, n / 5))
            .collect();
        assert_eq!(apply_owned(&a, &b), b);
        assert_eq!(apply_owned(&b, &a), a);
    }

    fn apply_owned(a: &[String], b: &[String]) -> Vec<String> {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        apply(&a, &b)
    }
}
