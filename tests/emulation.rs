//! Emulation tests: real programs' output, recorded at 80x24 by `tests/fixtures/record.py`
//! (vim, less, top and codex's first-run onboarding), replayed through the pane's parser
//! and painted the way a pane paints it, then checked for what a person would see.
//!
//! Each fixture is `NAME.bin` (raw output), `NAME.marks` ("OFFSET LABEL": how far the
//! output had got when a scripted step was taken) and `NAME.replies` (what the recorder,
//! standing in for the pane, answered to the program's terminal queries).

use std::path::Path;

use rallish_tui::pane::Emulator;
use rallish_tui::pane::emulator::Requests;
use rallish_tui::ui::screen::draw_screen;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

const ROWS: u16 = 24;
const COLS: u16 = 80;

/// Chunk sizes to feed the parser with: sequences split everywhere, at odd places, and
/// the whole thing at once.
const CHUNKINGS: [usize; 6] = [1, 3, 7, 61, 4096, usize::MAX];

struct Fixture {
    name: &'static str,
    output: Vec<u8>,
    replies: Vec<u8>,
    marks: Vec<(usize, String)>,
}

impl Fixture {
    fn load(name: &'static str) -> Fixture {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let read = |ext: &str| {
            let path = dir.join(format!("{name}.{ext}"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        };
        let marks = String::from_utf8(read("marks"))
            .expect("marks are text")
            .lines()
            .map(|line| {
                let (offset, label) = line.split_once(' ').expect("OFFSET LABEL");
                (offset.parse().expect("offset"), label.to_string())
            })
            .collect();
        Fixture {
            name,
            output: read("bin"),
            replies: read("replies"),
            marks,
        }
    }

    /// The output up to the moment the step `label` was taken.
    #[track_caller]
    fn upto(&self, label: &str) -> &[u8] {
        let (offset, _) = self
            .marks
            .iter()
            .find(|(_, l)| l == label)
            .unwrap_or_else(|| panic!("{} has no mark {label:?}", self.name));
        &self.output[..*offset]
    }

    #[track_caller]
    fn at(&self, label: &str) -> Replay {
        Replay::of(self.upto(label), usize::MAX)
    }
}

/// A parser fed with some output, and the pane's picture of it.
struct Replay {
    parser: Emulator,
    buf: Buffer,
}

impl Replay {
    fn of(bytes: &[u8], chunk: usize) -> Replay {
        let mut parser = Emulator::new(ROWS, COLS, 0);
        for piece in bytes.chunks(chunk.min(bytes.len()).max(1)) {
            parser.process(piece);
        }
        let mut buf = Buffer::empty(Rect::new(0, 0, COLS, ROWS));
        let area = buf.area;
        draw_screen(&mut buf, area, &parser, &mut Vec::new());
        Replay { parser, buf }
    }

    fn screen(&self) -> &Emulator {
        &self.parser
    }

    fn replies(&self) -> &Requests {
        self.parser.requests()
    }

    /// The text of painted row `y`, trailing blanks dropped.
    fn row(&self, y: u16) -> String {
        row_text(&self.buf, self.buf.area, y)
    }

    fn dump(&self) -> String {
        (0..ROWS)
            .map(|y| format!("{y:2}|{}\n", self.row(y)))
            .collect()
    }

    #[track_caller]
    fn assert_row(&self, y: u16, expected: &str) {
        assert_eq!(self.row(y), expected, "row {y} of\n{}", self.dump());
    }

    #[track_caller]
    fn assert_row_starts(&self, y: u16, expected: &str) {
        let row = self.row(y);
        assert!(
            row.starts_with(expected),
            "row {y} should start with {expected:?}:\n{}",
            self.dump()
        );
    }

    fn assert_blank(&self) {
        for y in 0..ROWS {
            self.assert_row(y, "");
        }
    }

    fn modifier(&self, x: u16, y: u16) -> Modifier {
        self.buf[(x, y)].modifier
    }

    fn fg(&self, x: u16, y: u16) -> Color {
        self.buf[(x, y)].fg
    }
}

fn row_text(buf: &Buffer, area: Rect, y: u16) -> String {
    let text: String = (area.left()..area.right())
        .map(|x| buf[(x, area.y + y)].symbol())
        .collect();
    text.trim_end().to_string()
}

/// Feeding the output in any chunk sizes gives the same picture, cursor and answers at
/// every step, so a query or escape sequence split across PTY reads is handled.
#[test]
fn every_fixture_replays_identically_in_any_chunking() {
    for name in ["vim", "less", "top", "codex"] {
        let fixture = Fixture::load(name);
        for (_, label) in &fixture.marks {
            let bytes = fixture.upto(label);
            let whole = Replay::of(bytes, usize::MAX);
            for chunk in CHUNKINGS {
                let split = Replay::of(bytes, chunk);
                let context = format!("{name} at {label:?} in {chunk}-byte chunks");
                assert_eq!(split.buf, whole.buf, "{context}");
                assert_eq!(
                    split.screen().cursor_position(),
                    whole.screen().cursor_position(),
                    "{context}"
                );
                assert_eq!(
                    split.replies().to_child,
                    whole.replies().to_child,
                    "{context}"
                );
            }
        }
    }
}

/// Where our answers differ from the recorder's on purpose: (recorded, ours, why).
const CHANGED_ANSWERS: &[(&str, &str)] = &[
    // DA1/DA2: rallish-tui claims a VT100 with advanced video, as tmux does, and keeps
    // that claim (see `the_vt100_claim_holds`).
    ("\x1b[?62;22c", "\x1b[?1;2c"),
    ("\x1b[>0;10;1c", "\x1b[>0;0;0c"),
    // OSC 10/11 get the host's real colours, unknown here: no answer, never an invented
    // one.
    ("\x1b]10;rgb:cccc/cccc/cccc\x1b\\", ""),
    ("\x1b]11;rgb:0000/0000/0000\x1b\\", ""),
    // DECRQM for the blinking cursor (12): known and reset, where the recorder did not
    // know it.
    ("\x1b[?12;0$y", "\x1b[?12;2$y"),
];

/// Our answers to every query match the recorder's, which the program accepted, except
/// for the deliberate changes above.
#[test]
fn every_fixture_gets_the_recorded_answers() {
    for name in ["vim", "less", "top", "codex"] {
        let fixture = Fixture::load(name);
        let replay = Replay::of(&fixture.output, usize::MAX);
        let mut expected = String::from_utf8_lossy(&fixture.replies).into_owned();
        for (recorded, ours) in CHANGED_ANSWERS {
            expected = expected.replace(recorded, ours);
        }
        assert_eq!(
            String::from_utf8_lossy(&replay.replies().to_child),
            expected,
            "{name}"
        );
    }
}

#[test]
fn vim_shows_the_file_tildes_and_file_message() {
    let vim = Fixture::load("vim").at("opened");
    assert!(vim.screen().alternate_screen());
    vim.assert_row(0, "Emulation fixture for rallish-tui.");
    vim.assert_row(1, "vim opens this file at 80x24,");
    vim.assert_row(2, "types hello in insert mode,");
    vim.assert_row(3, "then quits without saving.");
    for y in 4..ROWS - 1 {
        vim.assert_row(y, "~");
        assert_eq!(vim.fg(0, y), Color::Indexed(12), "bright blue ~ on row {y}");
    }
    vim.assert_row(23, "\"vim-sample.txt\" 4L, 120B");
    assert_eq!(vim.screen().cursor_position(), (0, 0));
    assert!(vim.screen().application_cursor());
    assert!(vim.screen().bracketed_paste());
    assert!(vim.screen().focus_events());
}

#[test]
fn vim_shows_typed_text_and_insert_mode() {
    let vim = Fixture::load("vim");
    let inserting = vim.at("inserting");
    inserting.assert_row(0, "helloEmulation fixture for rallish-tui.");
    inserting.assert_row(23, "-- INSERT --");
    assert!(inserting.modifier(0, 23).contains(Modifier::BOLD));
    assert!(!inserting.modifier(12, 23).contains(Modifier::BOLD));

    let typed = vim.at("typed");
    typed.assert_row(0, "helloEmulation fixture for rallish-tui.");
    typed.assert_row(23, "");
    // Escape leaves the cursor on the last inserted character.
    assert_eq!(typed.screen().cursor_position(), (0, 4));
}

#[test]
fn vim_quit_restores_the_main_screen() {
    let vim = Fixture::load("vim").at("quit");
    assert!(!vim.screen().alternate_screen());
    assert!(!vim.screen().application_cursor());
    assert!(!vim.screen().bracketed_paste());
    assert!(!vim.screen().focus_events());
    vim.assert_blank();
}

#[test]
fn vim_probes_are_answered() {
    let vim = Fixture::load("vim").at("quit");
    let answers = String::from_utf8_lossy(&vim.replies().to_child).into_owned();
    // vim measures an ambiguous-width character, then checks that `DCS zz ST` and
    // `CSI 0 % m` print nothing: the cursor must not have moved (3;1).
    assert!(answers.starts_with("\x1b[2;2R\x1b[3;1R"), "{answers:?}");
    assert!(answers.contains("\x1b[>0;0;0c"), "{answers:?}");
    assert!(
        !answers.contains("\x1b]11;"),
        "no invented background: {answers:?}"
    );
}

#[test]
fn less_pages_through_etc_services() {
    let less = Fixture::load("less");
    let first = less.at("first-page");
    assert!(first.screen().alternate_screen());
    first.assert_row(0, "# Network services, Internet style");
    // A line longer than 80 columns wraps onto the next row.
    first.assert_row_starts(2, "# Updated from https://www.iana.org/");
    assert_eq!(first.row(2).chars().count(), 80);
    first.assert_row(3, "ce-names-port-numbers.xhtml .");
    // Tabs expand to the next multiple of 8.
    first.assert_row(
        9,
        "tcpmux          1/tcp                           # TCP port service multiplexer",
    );
    first.assert_row(22, "ftp             21/tcp");
    // The first prompt is the file name in standout.
    first.assert_row(23, "/etc/services");
    assert!(first.modifier(0, 23).contains(Modifier::REVERSED));
    assert!(!first.modifier(13, 23).contains(Modifier::REVERSED));
    assert_eq!(first.screen().cursor_position(), (23, 13));

    let second = less.at("second-page");
    second.assert_row(0, "fsp             21/udp          fspd");
    second.assert_row(
        1,
        "ssh             22/tcp                          # SSH Remote Login Protocol",
    );
    second.assert_row(
        22,
        "sunrpc          111/tcp         portmapper      # RPC 4.0 portmapper",
    );
    second.assert_row(23, ":");
    assert_eq!(second.screen().cursor_position(), (23, 1));

    let quit = less.at("quit");
    assert!(!quit.screen().alternate_screen());
    quit.assert_blank();
}

#[test]
fn top_draws_its_header_and_process_table() {
    let top = Fixture::load("top");
    for label in ["first-frame", "refreshed"] {
        let frame = top.at(label);
        frame.assert_row_starts(0, "top - ");
        assert!(frame.row(0).contains("load average: "), "{}", frame.dump());
        frame.assert_row_starts(1, "Tasks: ");
        frame.assert_row_starts(2, "%Cpu(s): ");
        frame.assert_row_starts(3, "MiB Mem : ");
        frame.assert_row_starts(4, "MiB Swap: ");
        frame.assert_row(5, "");
        // The column header is a full-width inverse bar.
        frame.assert_row(
            6,
            "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
        );
        for x in [0, 40, 79] {
            assert!(frame.modifier(x, 6).contains(Modifier::REVERSED), "{label}");
        }
        assert!(
            !frame.modifier(0, 7).contains(Modifier::REVERSED),
            "{label}"
        );
        // Recorded as `top -p` its own pid: one process row, top itself.
        let process = frame.row(7);
        assert!(
            process.contains(" root ") && process.ends_with(" top"),
            "{process:?}"
        );
        for y in 8..ROWS {
            frame.assert_row(y, "");
        }
        assert!(frame.screen().hide_cursor());
    }
    // The refresh rewrote the clock line.
    assert_ne!(top.at("first-frame").row(0), top.at("refreshed").row(0));

    // Leaving, top moves to the last row and ends the line there, so its last frame
    // scrolls up by one, as in any terminal.
    let quit = top.at("quit");
    quit.assert_row_starts(0, "Tasks: ");
    quit.assert_row_starts(5, "  PID USER");
    quit.assert_row(23, "");
    assert!(!quit.screen().hide_cursor());
    assert!(!quit.screen().application_cursor());
    assert_eq!(quit.screen().cursor_position(), (23, 0));
}

#[track_caller]
fn assert_codex_menu(codex: &Replay, selected: u16) {
    codex.assert_row(0, "  Welcome to Codex, OpenAI's command-line coding agent");
    codex.assert_row(2, "  Choose how you want to use Codex.");
    let options = [
        (4, "1. Sign in with ChatGPT"),
        (7, "2. Sign in with Device Code"),
        (10, "3. Sign in another way"),
    ];
    for (number, (y, text)) in (1..).zip(options) {
        let marker = if number == selected { "> " } else { "  " };
        codex.assert_row(y, &format!("{marker}{text}"));
        let colour = if number == selected {
            Color::Indexed(6)
        } else {
            Color::Reset
        };
        assert_eq!(codex.fg(0, y), colour, "marker colour of option {number}");
        assert_eq!(codex.fg(5, y), colour, "text colour of option {number}");
    }
    codex.assert_row(
        5,
        "     Usage included with Plus, Pro, Business, and Enterprise plans",
    );
    codex.assert_row(8, "     Sign in from another device with a one-time code");
    codex.assert_row(11, "     Use an API key or another provider");
    codex.assert_row(13, "  Press enter to continue");
}

#[test]
fn codex_onboarding_menu_renders_with_its_colours() {
    let codex = Fixture::load("codex").at("onboarding");
    assert!(codex.screen().alternate_screen());
    assert_codex_menu(&codex, 1);
    // "Codex" in bold; the selected option's marker dim cyan; "enter" bold in the
    // foreground colour codex read from our OSC 10 answer (rgb:cccc/cccc/cccc).
    assert!(codex.modifier(13, 0).contains(Modifier::BOLD));
    assert!(!codex.modifier(12, 0).contains(Modifier::BOLD));
    assert!(codex.modifier(0, 4).contains(Modifier::DIM));
    assert!(!codex.modifier(5, 4).contains(Modifier::DIM));
    assert!(codex.modifier(2, 13).contains(Modifier::DIM));
    assert_eq!(codex.fg(8, 13), Color::Rgb(204, 204, 204));
    assert!(codex.modifier(8, 13).contains(Modifier::BOLD));
}

#[test]
fn codex_selection_moves_down_to_the_third_option() {
    let codex = Fixture::load("codex").at("third-option");
    assert_codex_menu(&codex, 3);
}

#[test]
fn codex_queries_are_answered_and_modes_tracked() {
    let codex = Fixture::load("codex");
    let onboarding = codex.at("onboarding");
    let answers = String::from_utf8_lossy(&onboarding.replies().to_child).into_owned();
    assert!(!answers.is_empty());
    assert_eq!(
        answers,
        // No OSC 10/11 answer: the host's colours are not known here, and an invented
        // answer would mislead codex on a light terminal.
        "\x1b[?1;2c\x1b[1;1R"
    );
    assert!(onboarding.screen().focus_events());
    assert!(onboarding.screen().bracketed_paste());
    // Between frames nothing is held back...
    assert!(onboarding.screen().sync_deadline().is_none());
    // ...but inside the next synchronized update the old frame stays on screen.
    let (start, _) = codex.marks[0];
    let begin = b"\x1b[?2026h";
    let inside = codex.output[start..]
        .windows(begin.len())
        .position(|w| w == begin)
        .map(|at| start + at + begin.len())
        .expect("codex redraws in a synchronized update");
    let before = Replay::of(&codex.output[..inside - begin.len()], usize::MAX);
    let half_way = (inside + 200).min(codex.output.len());
    let half = Replay::of(&codex.output[..half_way], usize::MAX);
    assert!(half.screen().sync_deadline().is_some());
    for y in 0..ROWS {
        assert_eq!(half.row(y), before.row(y), "row {y} mid-update");
    }

    let quit = codex.at("quit");
    assert!(!quit.screen().alternate_screen());
    assert!(!quit.screen().focus_events());
    assert!(!quit.screen().bracketed_paste());
    quit.assert_blank();
}

/// A pane's inner area sits inside a larger frame; the picture lands there unclipped.
#[test]
fn codex_menu_paints_inside_an_offset_pane_area() {
    let codex = Fixture::load("codex").at("third-option");
    let mut buf = Buffer::empty(Rect::new(0, 0, 200, 50));
    let area = Rect::new(101, 1, COLS, ROWS);
    draw_screen(&mut buf, area, codex.screen(), &mut Vec::new());
    assert_eq!(row_text(&buf, area, 10), "> 3. Sign in another way");
    assert_eq!(buf[(101, 11)].fg, Color::Indexed(6));
    assert_eq!(buf[(100, 11)].symbol(), " ");
    assert_eq!(row_text(&buf, Rect::new(0, 0, 101, 50), 10), "");
}
