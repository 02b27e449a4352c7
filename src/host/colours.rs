//! How many colours the host terminal shows, and fitting a frame to it. Terminals that
//! lack 24-bit colour (Terminal.app before macOS 26, the Linux console, some others)
//! misdraw `38;2;r;g;b`, so on those every 24-bit colour of a frame (the children's and
//! the theme's alike) is replaced by its nearest in the 256-colour palette, once, just
//! before the frame is written.

use ratatui::buffer::Buffer;
use ratatui::style::Color;

/// What the host terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    /// 24-bit colour: frames go out as drawn.
    TrueColor,
    /// The xterm 256-colour palette: 24-bit colours are mapped into it.
    Palette256,
}

/// Terminals that set `TERM_PROGRAM` and show 24-bit colour (most also set `COLORTERM`,
/// but not always through ssh or sudo, which pass `TERM_PROGRAM` more often).
const TRUECOLOR_PROGRAMS: &[&str] = &[
    "iTerm.app",
    "WezTerm",
    "vscode",
    "ghostty",
    "Hyper",
    "Tabby",
    "rio",
    "WarpTerminal",
];

/// `TERM` values of terminals that show 24-bit colour.
const TRUECOLOR_TERMS: &[&str] = &[
    "xterm-kitty",
    "xterm-ghostty",
    "alacritty",
    "foot",
    "wezterm",
    "contour",
];

impl ColourDepth {
    /// The depth of the terminal this process runs in, from its environment.
    pub fn of_host() -> ColourDepth {
        ColourDepth::from_env(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// The depth a terminal with these variables shows. `COLORTERM` is the convention
    /// terminals use to say "24-bit" and what a person sets to insist on it; without it,
    /// a terminal known by `TERM_PROGRAM` or `TERM` decides; anything else gets the
    /// 256-colour palette, which every terminal that takes `TERM=xterm-256color` shows.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> ColourDepth {
        if var("COLORTERM").is_some_and(|c| c == "truecolor" || c == "24bit") {
            return ColourDepth::TrueColor;
        }
        if var("TERM_PROGRAM").is_some_and(|p| TRUECOLOR_PROGRAMS.contains(&p.as_str())) {
            return ColourDepth::TrueColor;
        }
        let term = var("TERM").unwrap_or_default();
        if TRUECOLOR_TERMS.contains(&term.as_str())
            || term.ends_with("-direct")
            || term.contains("truecolor")
            || term.contains("24bit")
        {
            return ColourDepth::TrueColor;
        }
        ColourDepth::Palette256
    }
}

/// Replaces every 24-bit colour in `buf` by its nearest palette entry; other colours
/// (palette indices, the terminal's defaults) are already ones the host can show.
pub fn fit_to_palette(buf: &mut Buffer) {
    for cell in &mut buf.content {
        fit_cell(cell);
    }
}

/// One cell's colours, fitted as [`fit_to_palette`] fits a frame's.
pub fn fit_cell(cell: &mut ratatui::buffer::Cell) {
    cell.fg = fit(cell.fg);
    cell.bg = fit(cell.bg);
    cell.underline_color = fit(cell.underline_color);
}

/// A colour the 256-colour palette can show.
pub fn fit(colour: Color) -> Color {
    match colour {
        Color::Rgb(r, g, b) => Color::Indexed(nearest_256(r, g, b)),
        other => other,
    }
}

/// The steps of each channel in the palette's 6x6x6 colour cube (indices 16-231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The palette entry (16-255) nearest to `(r, g, b)` by distance in RGB space.
///
/// Entries 0-15 are left out: every terminal theme redefines them, so their colour is
/// not known. Of the rest, the cube is a grid, so its nearest point is the nearest level
/// in each channel alone; the grey ramp (232-255, `8 + 10 * i`) is one line, whose
/// nearest point is the step nearest the channels' mean. The nearer of those two wins.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let (ri, gi, bi) = (cube_step(r), cube_step(g), cube_step(b));
    let cube = (CUBE_LEVELS[ri], CUBE_LEVELS[gi], CUBE_LEVELS[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let grey_step = grey_step(r, g, b);
    let grey = 8 + 10 * grey_step as u8;
    let grey_index = 232 + grey_step;
    if distance((r, g, b), (grey, grey, grey)) < distance((r, g, b), cube) {
        grey_index as u8
    } else {
        cube_index as u8
    }
}

/// The RGB value of palette entry `index` (16-255) as xterm defines it.
pub fn palette_rgb(index: u8) -> (u8, u8, u8) {
    match index {
        16..=231 => {
            let i = usize::from(index - 16);
            (
                CUBE_LEVELS[i / 36],
                CUBE_LEVELS[i / 6 % 6],
                CUBE_LEVELS[i % 6],
            )
        }
        232..=255 => {
            let grey = 8 + 10 * (index - 232);
            (grey, grey, grey)
        }
        // The system colours have no fixed value; nothing maps to them.
        _ => (0, 0, 0),
    }
}

fn cube_step(value: u8) -> usize {
    (0..CUBE_LEVELS.len())
        .min_by_key(|&i| value.abs_diff(CUBE_LEVELS[i]))
        .unwrap_or(0)
}

/// The grey step nearest to the mean of the channels, compared as `3 * grey` against
/// their sum so that no rounding creeps in.
fn grey_step(r: u8, g: u8, b: u8) -> usize {
    let sum = u32::from(r) + u32::from(g) + u32::from(b);
    (0..24u32)
        .min_by_key(|&i| (3 * (8 + 10 * i)).abs_diff(sum))
        .unwrap_or(0) as usize
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| u32::from(x.abs_diff(y)).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::{SLOTS, Theme};

    /// The distance from `(r, g, b)` to the nearest of entries 16-255, by trying each.
    fn nearest_distance(r: u8, g: u8, b: u8) -> u32 {
        (16..=255)
            .map(|i| distance((r, g, b), palette_rgb(i)))
            .min()
            .unwrap()
    }

    #[track_caller]
    fn assert_nearest(r: u8, g: u8, b: u8) {
        let chosen = nearest_256(r, g, b);
        assert!(chosen >= 16, "{chosen} is a system colour");
        assert_eq!(
            distance((r, g, b), palette_rgb(chosen)),
            nearest_distance(r, g, b),
            "({r}, {g}, {b}) went to {chosen}"
        );
    }

    #[test]
    fn every_colour_on_a_lattice_maps_to_the_nearest_entry() {
        for r in (0..=255).step_by(7).chain([255]) {
            for g in (0..=255).step_by(7).chain([255]) {
                for b in (0..=255).step_by(7).chain([255]) {
                    assert_nearest(r, g, b);
                }
            }
        }
    }

    #[test]
    fn colours_near_grey_map_to_the_nearest_entry() {
        // Where the grey ramp and the cube compete: every colour within 8 of the grey line.
        for base in 0..=255u8 {
            for dg in 0..=8u8 {
                for db in 0..=8u8 {
                    assert_nearest(base, base.saturating_add(dg), base.saturating_sub(db));
                    assert_nearest(base, base.saturating_sub(dg), base.saturating_add(db));
                }
            }
        }
    }

    #[test]
    fn random_colours_map_to_the_nearest_entry() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..40_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let [r, g, b, ..] = state.to_le_bytes();
            assert_nearest(r, g, b);
        }
    }

    #[test]
    fn palette_colours_map_to_themselves() {
        for index in 16..=255 {
            let (r, g, b) = palette_rgb(index);
            assert_eq!(palette_rgb(nearest_256(r, g, b)), (r, g, b));
        }
    }

    #[test]
    fn every_theme_colour_maps_to_the_nearest_entry() {
        let mut seen = 0;
        for name in Theme::builtin_names() {
            let theme = Theme::builtin(name).unwrap().unwrap();
            for slot in SLOTS {
                let style = theme.slot(slot).unwrap();
                for colour in [style.fg, style.bg].into_iter().flatten() {
                    if let Color::Rgb(r, g, b) = colour {
                        let Color::Indexed(index) = fit(colour) else {
                            panic!("{name}.{slot}: {colour:?} not mapped into the palette");
                        };
                        assert_eq!(
                            distance((r, g, b), palette_rgb(index)),
                            nearest_distance(r, g, b),
                            "{name}.{slot}"
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(
            seen > 0,
            "the built-in themes have no 24-bit colours to check"
        );
    }

    #[test]
    fn a_frame_keeps_no_24_bit_colour_and_nothing_else_changes() {
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 3, 1));
        buf[(0, 0)].fg = Color::Rgb(255, 128, 0);
        buf[(0, 0)].bg = Color::Rgb(18, 18, 18);
        buf[(1, 0)].underline_color = Color::Rgb(1, 2, 3);
        buf[(2, 0)].fg = Color::Indexed(3);
        buf[(2, 0)].bg = Color::Blue;
        fit_to_palette(&mut buf);
        assert_eq!(buf[(0, 0)].fg, Color::Indexed(nearest_256(255, 128, 0)));
        assert_eq!(buf[(0, 0)].bg, Color::Indexed(233));
        assert_eq!(buf[(1, 0)].underline_color, Color::Indexed(16));
        assert_eq!(buf[(1, 0)].fg, Color::Reset);
        assert_eq!(
            (buf[(2, 0)].fg, buf[(2, 0)].bg),
            (Color::Indexed(3), Color::Blue)
        );
    }

    fn depth(vars: &[(&str, &str)]) -> ColourDepth {
        ColourDepth::from_env(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_depth_follows_colorterm_then_the_terminal_named() {
        use ColourDepth::*;
        let apple = [
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "Apple_Terminal"),
        ];
        assert_eq!(depth(&apple), Palette256);
        assert_eq!(
            depth(&[
                ("COLORTERM", "truecolor"),
                ("TERM_PROGRAM", "Apple_Terminal")
            ]),
            TrueColor
        );
        assert_eq!(depth(&[("COLORTERM", "24bit")]), TrueColor);
        assert_eq!(depth(&[("TERM_PROGRAM", "iTerm.app")]), TrueColor);
        assert_eq!(depth(&[("TERM", "xterm-kitty")]), TrueColor);
        assert_eq!(depth(&[("TERM", "xterm-direct")]), TrueColor);
        assert_eq!(depth(&[("TERM", "linux")]), Palette256);
        assert_eq!(depth(&[("TERM", "xterm-256color")]), Palette256);
        assert_eq!(depth(&[]), Palette256);
    }
}
