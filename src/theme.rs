//! Named UI styles. The only module that builds a `Color`; everything else asks for a slot.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
pub struct Theme {
    pub pane_border: Style,
    pub focused_border: Style,
    pub holder_border: Style,
    pub locked_border: Style,
    pub baton_glyph: Style,
    pub baton_symbol: String,
    pub status_bar: Style,
    pub status_key: Style,
    pub notice: Style,
    pub exited: Style,
    pub popup: Style,
    pub popup_border: Style,
}

impl Default for Theme {
    /// Dark default.
    fn default() -> Self {
        let amber = Color::Rgb(0xff, 0xb8, 0x4d);
        Theme {
            pane_border: Style::new().fg(Color::Rgb(0x6c, 0x70, 0x86)),
            focused_border: Style::new().fg(Color::Rgb(0x89, 0xb4, 0xfa)),
            holder_border: Style::new().fg(amber).add_modifier(Modifier::BOLD),
            locked_border: Style::new()
                .fg(Color::Rgb(0x45, 0x47, 0x5a))
                .add_modifier(Modifier::DIM),
            baton_glyph: Style::new()
                .fg(Color::Black)
                .bg(amber)
                .add_modifier(Modifier::BOLD),
            baton_symbol: "◆".into(),
            status_bar: Style::new()
                .fg(Color::Rgb(0xcd, 0xd6, 0xf4))
                .bg(Color::Rgb(0x18, 0x18, 0x25)),
            status_key: Style::new().fg(amber).bg(Color::Rgb(0x18, 0x18, 0x25)),
            notice: Style::new()
                .fg(Color::Black)
                .bg(Color::Rgb(0xf9, 0xe2, 0xaf)),
            exited: Style::new().fg(Color::Rgb(0xf3, 0x8b, 0xa8)),
            popup: Style::new()
                .fg(Color::Rgb(0xcd, 0xd6, 0xf4))
                .bg(Color::Rgb(0x1e, 0x1e, 0x2e)),
            popup_border: Style::new().fg(amber).bg(Color::Rgb(0x1e, 0x1e, 0x2e)),
        }
    }
}

impl Theme {
    /// `NO_COLOR` (https://no-color.org): keep emphasis, drop every colour.
    pub fn without_colour(mut self) -> Theme {
        for style in [
            &mut self.pane_border,
            &mut self.focused_border,
            &mut self.holder_border,
            &mut self.locked_border,
            &mut self.baton_glyph,
            &mut self.status_bar,
            &mut self.status_key,
            &mut self.notice,
            &mut self.exited,
            &mut self.popup,
            &mut self.popup_border,
        ] {
            style.fg = None;
            style.bg = None;
        }
        self.baton_glyph = self.baton_glyph.add_modifier(Modifier::REVERSED);
        self.notice = self.notice.add_modifier(Modifier::REVERSED);
        self
    }
}
