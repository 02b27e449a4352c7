//! Keeping the scratchpad under its cap. The text is a list of entries: a paragraph, or an
//! append tagged `[HH:MM:SS author]` (which starts a new entry even without a blank line
//! before it). Over the cap, the oldest entries move to the archive and one line takes
//! their place: `[compacted N earlier entries, K bytes]`. A marker already at the top is
//! folded into the new one, so the counts add up and the marker itself is never archived.
//!
//! Invariant: the archive followed by the scratchpad without its marker line is, byte for
//! byte, everything that was in the scratchpad.

/// Compaction leaves the text at most this share of the cap, so the next few appends do
/// not compact again at once.
const TARGET_NUM: usize = 3;
const TARGET_DEN: usize = 4;
/// Room kept for the marker line when choosing what to cut.
const MARKER_ROOM: usize = 64;

/// The result of one compaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compaction {
    /// The new scratchpad text, the marker line first.
    pub text: String,
    /// What to append to the archive.
    pub archived: String,
    /// The marker line (without its `\n`), for a summary to replace later.
    pub marker: String,
    /// Entries moved out this time.
    pub entries: usize,
}

/// Whether `line` opens an entry of its own: an append's tag, a marker or a summary.
pub fn is_tagged(line: &str) -> bool {
    if line.starts_with("[compacted ") || line.starts_with("[summary of ") {
        return true;
    }
    // [HH:MM:SS name]
    let b = line.as_bytes();
    b.len() > 11
        && b[0] == b'['
        && b[1..9].iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[9] == b' '
        && line[10..].contains(']')
}

/// Byte offsets where entries start; the first is always 0 for a non-empty text.
pub fn entry_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    let mut after_blank = true;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        let blank = content.trim().is_empty();
        if !blank && (after_blank || is_tagged(content)) || starts.is_empty() {
            starts.push(offset);
        }
        after_blank = blank;
        offset += line.len();
    }
    starts
}

/// The marker line for `entries` entries of `bytes` bytes.
pub fn marker(entries: usize, bytes: usize) -> String {
    let s = if entries == 1 { "entry" } else { "entries" };
    format!("[compacted {entries} earlier {s}, {bytes} bytes]")
}

/// The counts of a marker line, if `line` is one.
pub fn parse_marker(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("[compacted ")?.strip_suffix(" bytes]")?;
    let (entries, bytes) = rest.split_once(" earlier ")?;
    let (_, bytes) = bytes.split_once(", ")?;
    Some((entries.parse().ok()?, bytes.parse().ok()?))
}

/// Compacts `text` when it is over `cap` bytes; `None` when it fits.
pub fn compact(text: &str, cap: usize) -> Option<Compaction> {
    if text.len() <= cap {
        return None;
    }
    let target = cap / TARGET_DEN * TARGET_NUM;
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let (from, prev) = match parse_marker(text[..first_line_end].trim_end_matches('\n')) {
        Some(counts) => (first_line_end, counts),
        None => (0, (0, 0)),
    };
    let starts: Vec<usize> = entry_starts(&text[from..])
        .into_iter()
        .map(|s| s + from)
        .collect();
    // The first cut that leaves the rest small enough; everything if none does.
    let cut_index = starts
        .iter()
        .position(|&s| s > from && MARKER_ROOM + text.len() - s <= target)
        .unwrap_or(starts.len());
    let cut = starts.get(cut_index).copied().unwrap_or(text.len());
    let entries = cut_index;
    let archived = text[from..cut].to_string();
    if archived.is_empty() {
        return None;
    }
    let marker = marker(prev.0 + entries, prev.1 + archived.len());
    let mut out = String::with_capacity(marker.len() + 1 + text.len() - cut);
    out.push_str(&marker);
    out.push('\n');
    out.push_str(&text[cut..]);
    Some(Compaction {
        text: out,
        archived,
        marker,
        entries,
    })
}

/// Replaces the marker line `marker` with a summary of what it stands for; `None` when the
/// marker is no longer in `text` (the person deleted it, or a later compaction folded it).
pub fn apply_summary(text: &str, marker: &str, summary: &str) -> Option<String> {
    let at = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .find(|(_, line)| line.trim_end_matches('\n') == marker)
        .map(|(start, _)| start)?;
    let counts = marker.strip_prefix("[compacted ")?;
    let mut out = String::with_capacity(text.len() + summary.len());
    out.push_str(&text[..at]);
    out.push_str("[summary of ");
    out.push_str(counts);
    out.push('\n');
    out.push_str(summary.trim_end_matches('\n'));
    out.push('\n');
    let rest = &text[at + marker.len()..];
    out.push_str(rest.strip_prefix('\n').unwrap_or(rest));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> String {
        format!(
            "[12:00:{:02} pane{}] line {n} {}\n",
            n % 60,
            n % 3,
            "x".repeat(n % 17)
        )
    }

    #[test]
    fn tags_and_paragraphs_start_entries() {
        assert!(is_tagged("[12:00:03 alice] hi"));
        assert!(is_tagged("[compacted 3 earlier entries, 10 bytes]"));
        assert!(!is_tagged("[link](x)"));
        assert!(!is_tagged("[12:00 alice] hi"));
        let text = "para one\nstill one\n\npara two\n[12:00:01 bob] tagged\ncontinued\n";
        let starts = entry_starts(text);
        let pieces: Vec<_> = starts
            .iter()
            .zip(starts.iter().skip(1).chain([&text.len()]))
            .map(|(a, b)| &text[*a..*b])
            .collect();
        assert_eq!(
            pieces,
            [
                "para one\nstill one\n\n",
                "para two\n",
                "[12:00:01 bob] tagged\ncontinued\n"
            ]
        );
        assert_eq!(entry_starts(""), Vec::<usize>::new());
        assert_eq!(entry_starts("\n\nx"), [0, 2]);
    }

    #[test]
    fn markers_round_trip() {
        assert_eq!(parse_marker(&marker(1, 5)), Some((1, 5)));
        assert_eq!(parse_marker(&marker(12, 34567)), Some((12, 34567)));
        assert_eq!(parse_marker("[compacted many]"), None);
    }

    /// Appends thousands of entries under a small cap, compacting as the app does, and
    /// checks the archive plus the scratchpad is everything ever written.
    #[test]
    fn compaction_keeps_every_byte_and_respects_the_cap() {
        let cap = 2048;
        let (mut pad, mut archive, mut written) = (String::new(), String::new(), String::new());
        let mut compactions = 0;
        for n in 0..3000 {
            let e = entry(n);
            written.push_str(&e);
            pad.push_str(&e);
            if let Some(c) = compact(&pad, cap) {
                assert!(c.text.len() <= cap, "{} > {cap}", c.text.len());
                assert!(c.text.starts_with(&c.marker));
                archive.push_str(&c.archived);
                pad = c.text;
                compactions += 1;
            }
            assert!(pad.len() <= cap);
        }
        assert!(compactions > 10);
        let (marker_line, rest) = pad.split_once('\n').unwrap();
        let (entries, bytes) = parse_marker(marker_line).unwrap();
        assert_eq!(bytes, archive.len());
        assert_eq!(entries, entry_starts(&archive).len());
        assert_eq!(format!("{archive}{rest}"), written);
    }

    #[test]
    fn one_entry_bigger_than_the_cap_is_archived_whole() {
        let big = format!("{}\n", "y".repeat(5000));
        let c = compact(&big, 1024).unwrap();
        assert_eq!(c.archived, big);
        assert_eq!(c.text, "[compacted 1 earlier entry, 5001 bytes]\n");
        assert_eq!(c.entries, 1);
    }

    #[test]
    fn text_without_newlines_or_entries_still_compacts() {
        let text = "z".repeat(3000);
        let c = compact(&text, 1024).unwrap();
        assert_eq!(
            format!("{}{}", c.archived, &c.text[c.marker.len() + 1..]),
            text
        );
        assert!(c.text.len() <= 1024);
    }

    #[test]
    fn summaries_replace_their_marker_only() {
        let text = "[compacted 2 earlier entries, 40 bytes]\n[12:00:01 a] kept\n";
        let marker = "[compacted 2 earlier entries, 40 bytes]";
        assert_eq!(
            apply_summary(text, marker, "they agreed on a plan\n").as_deref(),
            Some(
                "[summary of 2 earlier entries, 40 bytes]\nthey agreed on a plan\n[12:00:01 a] kept\n"
            )
        );
        assert_eq!(apply_summary("no marker\n", marker, "s"), None);
    }
}
