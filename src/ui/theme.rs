//! Named UI styles, read from theme files: a `[palette]` of named colours and `[slots]`
//! that style each part of the screen. Built-in themes are embedded; a user theme may
//! `inherits = "NAME"` one of them and set only some slots. The only module that builds a
//! `Color`; everything else asks for a slot.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;

use crate::config::toml_source::{self, FileError, Keys, Source, quote_key};

/// Embedded themes, by the name `--theme` and `inherits` use.
const BUILTINS: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Every slot a theme styles, as named in `[slots]`.
pub const SLOTS: &[&str] = &[
    "pane_border",
    "focused_border",
    "holder_border",
    "locked_border",
    "baton_glyph",
    "status_bar",
    "status_key",
    "notice",
    "exited",
    "popup",
    "popup_border",
    "scratchpad",
    "selection",
    "search_match",
];

const NAMED_COLOURS: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark_gray", Color::DarkGray),
    ("light_red", Color::LightRed),
    ("light_green", Color::LightGreen),
    ("light_yellow", Color::LightYellow),
    ("light_blue", Color::LightBlue),
    ("light_magenta", Color::LightMagenta),
    ("light_cyan", Color::LightCyan),
    ("white", Color::White),
];

const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
];

#[derive(Debug, Clone, PartialEq)]
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
    pub scratchpad: Style,
    pub selection: Style,
    pub search_match: Style,
}

impl Default for Theme {
    /// The embedded `default` theme (dark). A test keeps it valid; were it not, the
    /// app would still run, uncoloured.
    fn default() -> Self {
        match Theme::builtin("default") {
            Some(Ok(theme)) => theme,
            _ => Theme::plain(),
        }
    }
}

impl Theme {
    /// No colour and no emphasis anywhere.
    fn plain() -> Theme {
        let none = Style::new();
        Theme {
            pane_border: none,
            focused_border: none,
            holder_border: none,
            locked_border: none,
            baton_glyph: none,
            baton_symbol: "◆".into(),
            status_bar: none,
            status_key: none,
            notice: none,
            exited: none,
            popup: none,
            popup_border: none,
            scratchpad: none,
            selection: none,
            search_match: none,
        }
    }

    /// The slot's style, by its `[slots]` name.
    pub fn slot(&self, name: &str) -> Option<Style> {
        Some(match name {
            "pane_border" => self.pane_border,
            "focused_border" => self.focused_border,
            "holder_border" => self.holder_border,
            "locked_border" => self.locked_border,
            "baton_glyph" => self.baton_glyph,
            "status_bar" => self.status_bar,
            "status_key" => self.status_key,
            "notice" => self.notice,
            "exited" => self.exited,
            "popup" => self.popup,
            "popup_border" => self.popup_border,
            "scratchpad" => self.scratchpad,
            "selection" => self.selection,
            "search_match" => self.search_match,
            _ => return None,
        })
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "pane_border" => &mut self.pane_border,
            "focused_border" => &mut self.focused_border,
            "holder_border" => &mut self.holder_border,
            "locked_border" => &mut self.locked_border,
            "baton_glyph" => &mut self.baton_glyph,
            "status_bar" => &mut self.status_bar,
            "status_key" => &mut self.status_key,
            "notice" => &mut self.notice,
            "exited" => &mut self.exited,
            "popup" => &mut self.popup,
            "popup_border" => &mut self.popup_border,
            "scratchpad" => &mut self.scratchpad,
            "selection" => &mut self.selection,
            "search_match" => &mut self.search_match,
            _ => return None,
        })
    }

    /// `NO_COLOR` (<https://no-color.org)>: keep emphasis, drop every colour.
    pub fn without_colour(mut self) -> Theme {
        for name in SLOTS {
            if let Some(style) = self.slot_mut(name) {
                style.fg = None;
                style.bg = None;
            }
        }
        self.baton_glyph = self.baton_glyph.add_modifier(Modifier::REVERSED);
        self.notice = self.notice.add_modifier(Modifier::REVERSED);
        self.selection = self.selection.add_modifier(Modifier::REVERSED);
        self.search_match = self.search_match.add_modifier(Modifier::REVERSED);
        self
    }

    /// Names of the embedded themes.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTINS.iter().map(|(name, _)| *name)
    }

    /// The embedded file of a built-in theme.
    pub fn builtin_text(name: &str) -> Option<&'static str> {
        BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// An embedded theme by name; `None` when there is no such built-in.
    pub fn builtin(name: &str) -> Option<Result<Theme, FileError>> {
        Self::builtin_layer(name, 0).map(|layer| layer.map(Layer::into_theme))
    }

    fn builtin_layer(name: &str, depth: usize) -> Option<Result<Layer, FileError>> {
        let text = Self::builtin_text(name)?;
        Some(Layer::parse(text, &format!("themes/{name}.toml"), depth))
    }

    /// Reads a user theme file.
    pub fn load_file(path: &Path) -> Result<Theme, FileError> {
        let text = toml_source::read(path, "theme")?;
        Self::parse_str(&text, &path.display().to_string())
    }

    /// Parses theme text; `origin` names it in error messages.
    pub fn parse_str(text: &str, origin: &str) -> Result<Theme, FileError> {
        Layer::parse(text, origin, 0).map(Layer::into_theme)
    }
}

/// Built-ins inherit each other at most this deep (guards against a cycle).
const MAX_INHERIT_DEPTH: usize = 4;

/// A theme file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    inherits: Option<String>,
    baton_symbol: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(default)]
    slots: BTreeMap<String, SlotSpec>,
}

/// A slot as written: a foreground colour, or a table.
#[derive(Debug, Clone, Default)]
struct SlotSpec {
    fg: Option<String>,
    bg: Option<String>,
    modifiers: Vec<String>,
}

/// Either form of a slot: `"amber"` or `{ fg = "amber", bg = ..., modifiers = [...] }`.
struct SlotSpecVisitor;

impl<'de> serde::de::Visitor<'de> for SlotSpecVisitor {
    type Value = SlotSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a colour or a table { fg, bg, modifiers }")
    }

    fn visit_str<E: serde::de::Error>(self, colour: &str) -> Result<SlotSpec, E> {
        Ok(SlotSpec {
            fg: Some(colour.to_string()),
            ..SlotSpec::default()
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SlotSpec, A::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            fg: Option<String>,
            bg: Option<String>,
            #[serde(default)]
            modifiers: Vec<String>,
        }
        let t = Table::deserialize(MapAccessDeserializer::new(map))?;
        Ok(SlotSpec {
            fg: t.fg,
            bg: t.bg,
            modifiers: t.modifiers,
        })
    }
}

impl<'de> Deserialize<'de> for SlotSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SlotSpecVisitor)
    }
}

/// What one file contributes, laid over what it inherits; colours already resolved.
struct Layer {
    palette: HashMap<String, Color>,
    symbol: Option<String>,
    slots: HashMap<&'static str, Style>,
}

impl Layer {
    fn parse(text: &str, origin: &str, depth: usize) -> Result<Layer, FileError> {
        let src = Source::new(text, origin);
        let (file, keys) = src.deserialize::<ThemeFile>()?;
        let mut layer = match &file.inherits {
            None => Layer {
                palette: HashMap::new(),
                symbol: None,
                slots: HashMap::new(),
            },
            Some(name) => {
                let base = if depth >= MAX_INHERIT_DEPTH {
                    None
                } else {
                    Theme::builtin_layer(name, depth + 1)
                };
                if let Some(base) = base {
                    base?
                } else {
                    let names: Vec<_> = Theme::builtin_names().collect();
                    let what = format!(
                        "unknown theme \"{name}\"; built-in themes are {}",
                        names.join(", ")
                    );
                    return Err(keys.error_at(&src, "inherits", what));
                }
            }
        };
        for (name, value) in &file.palette {
            let path = format!("palette.{}", quote_key(name));
            let colour = literal_colour(value).ok_or_else(|| {
                let what = format!(
                    "unknown colour \"{value}\"; a palette colour is \"#rrggbb\" or one of {}",
                    colour_names()
                );
                keys.error_at(&src, &path, what)
            })?;
            layer.palette.insert(name.clone(), colour);
        }
        if let Some(symbol) = file.baton_symbol {
            layer.symbol = Some(symbol);
        }
        for (name, spec) in &file.slots {
            let path = format!("slots.{}", quote_key(name));
            let Some(slot) = SLOTS.iter().find(|s| **s == name) else {
                let what = format!("unknown slot \"{name}\"; slots are {}", SLOTS.join(", "));
                return Err(keys.key_error_at(&src, &path, what));
            };
            let style = layer.resolve(spec, &path, &src, &keys)?;
            layer.slots.insert(slot, style);
        }
        if file.inherits.is_none() {
            let missing: Vec<_> = SLOTS
                .iter()
                .filter(|s| !layer.slots.contains_key(*s))
                .copied()
                .collect();
            if !missing.is_empty() {
                let what = format!(
                    "missing slots {}; set them, or start the file with inherits = \"default\"",
                    missing.join(", ")
                );
                return Err(src.error(0..0, what, None));
            }
        }
        Ok(layer)
    }

    fn resolve(
        &self,
        spec: &SlotSpec,
        path: &str,
        src: &Source<'_>,
        keys: &Keys,
    ) -> Result<Style, FileError> {
        let colour = |value: &Option<String>, part: &str| -> Result<Option<Color>, FileError> {
            let Some(value) = value else { return Ok(None) };
            if let Some(colour) = self.palette.get(value).copied().or(literal_colour(value)) {
                return Ok(Some(colour));
            }
            let mut names: Vec<_> = self.palette.keys().map(String::as_str).collect();
            names.sort_unstable();
            let what = format!(
                "unknown colour \"{value}\"; use a [palette] name ({}), \"#rrggbb\" or one of {}",
                names.join(", "),
                colour_names()
            );
            // The string form of a slot is its foreground.
            let at = keys
                .value_span(&format!("{path}.{part}"))
                .map_or_else(|| path.to_string(), |_| format!("{path}.{part}"));
            Err(keys.error_at(src, &at, what))
        };
        let mut style = Style::new();
        if let Some(fg) = colour(&spec.fg, "fg")? {
            style = style.fg(fg);
        }
        if let Some(bg) = colour(&spec.bg, "bg")? {
            style = style.bg(bg);
        }
        for (i, name) in spec.modifiers.iter().enumerate() {
            let Some((_, modifier)) = MODIFIERS.iter().find(|(n, _)| n == name) else {
                let names: Vec<_> = MODIFIERS.iter().map(|(n, _)| *n).collect();
                let what = format!(
                    "unknown modifier \"{name}\"; modifiers are {}",
                    names.join(", ")
                );
                return Err(keys.error_at(src, &format!("{path}.modifiers[{i}]"), what));
            };
            style = style.add_modifier(*modifier);
        }
        Ok(style)
    }

    fn into_theme(self) -> Theme {
        let mut theme = Theme::plain();
        if let Some(symbol) = self.symbol {
            theme.baton_symbol = symbol;
        }
        for (name, style) in self.slots {
            if let Some(slot) = theme.slot_mut(name) {
                *slot = style;
            }
        }
        theme
    }
}

/// `#rrggbb` or a terminal colour name.
fn literal_colour(text: &str) -> Option<Color> {
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    NAMED_COLOURS
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, colour)| *colour)
}

fn colour_names() -> String {
    let names: Vec<_> = NAMED_COLOURS.iter().map(|(n, _)| *n).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(name: &str) -> Theme {
        match Theme::builtin(name) {
            Some(Ok(theme)) => theme,
            Some(Err(e)) => panic!("{e}"),
            None => panic!("no built-in theme {name}"),
        }
    }

    #[test]
    fn every_builtin_parses_and_sets_every_slot() {
        for name in Theme::builtin_names() {
            let theme = builtin(name);
            for slot in SLOTS {
                let style = theme.slot(slot).unwrap_or_default();
                assert!(
                    style.fg.is_some() || style.bg.is_some(),
                    "{name}: slot {slot} has no colour"
                );
            }
        }
        assert_eq!(Theme::default(), builtin("default"));
    }

    #[test]
    fn the_default_theme_keeps_its_colours() {
        let theme = Theme::default();
        let amber = Color::Rgb(0xff, 0xb8, 0x4d);
        assert_eq!(
            theme.holder_border,
            Style::new().fg(amber).add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            theme.baton_glyph,
            Style::new()
                .fg(Color::Black)
                .bg(amber)
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.baton_symbol, "◆");
    }

    #[test]
    fn an_inheriting_theme_changes_only_what_it_sets() {
        let text = "inherits = \"default\"\n[slots]\nholder_border = \"#ff0000\"\n";
        let theme = Theme::parse_str(text, "mine.toml").unwrap_or_else(|e| panic!("{e}"));
        let base = Theme::default();
        assert_eq!(theme.holder_border, Style::new().fg(Color::Rgb(255, 0, 0)));
        for slot in SLOTS.iter().filter(|s| **s != "holder_border") {
            assert_eq!(theme.slot(slot), base.slot(slot), "{slot}");
        }
        // A child may use the colours it inherits and add its own.
        let text = "inherits = \"default\"\n[palette]\nleaf = \"green\"\n\
                    [slots]\nnotice = { fg = \"amber\", bg = \"leaf\" }\n";
        let theme = Theme::parse_str(text, "mine.toml").unwrap_or_else(|e| panic!("{e}"));
        let amber = Color::Rgb(0xff, 0xb8, 0x4d);
        assert_eq!(theme.notice, Style::new().fg(amber).bg(Color::Green));
    }

    #[test]
    fn no_color_drops_colours_but_keeps_emphasis() {
        let theme = Theme::default().without_colour();
        for slot in SLOTS {
            let style = theme.slot(slot).unwrap_or_default();
            assert_eq!((style.fg, style.bg), (None, None), "{slot}");
        }
        assert!(theme.holder_border.add_modifier.contains(Modifier::BOLD));
        assert!(theme.baton_glyph.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn malformed_themes_point_at_line_column_and_key() {
        let cases = [
            (
                "inherits = \"default\"\n[slots]\nholder_border = \"amberr\"\n",
                "my.toml:3:17: unknown colour \"amberr\"; use a [palette] name",
                "(key slots.holder_border)",
            ),
            (
                "inherits = \"default\"\n[slots]\nnotice = { fg = \"black\", bg = \"#12345\" }\n",
                "my.toml:3:31: unknown colour \"#12345\"",
                "(key slots.notice.bg)",
            ),
            (
                "inherits = \"default\"\n[slots]\nholder_bordr = \"red\"\n",
                "my.toml:3:1: unknown slot \"holder_bordr\"; slots are pane_border,",
                "(key slots.holder_bordr)",
            ),
            (
                "inherits = \"default\"\n[slots]\nnotice = { fg = \"red\", modifiers = [\"blink\"] }\n",
                "my.toml:3:37: unknown modifier \"blink\"",
                "(key slots.notice.modifiers[0])",
            ),
            (
                "inherits = \"default\"\n[slots]\nnotice = { fg = \"red\", colour = 1 }\n",
                "my.toml:3:24: unknown key \"colour\"",
                "(key slots.notice.colour)",
            ),
            (
                "inherits = \"dark\"\n",
                "my.toml:1:12: unknown theme \"dark\"; built-in themes are default, light, \
                 high-contrast",
                "(key inherits)",
            ),
            (
                "inherits = \"default\"\n[palette]\nsea = \"teal\"\n",
                "my.toml:3:7: unknown colour \"teal\"; a palette colour is",
                "(key palette.sea)",
            ),
            (
                "[slots]\nnotice = \"red\"\n",
                "my.toml:1:1: missing slots pane_border,",
                "inherits = \"default\"",
            ),
            (
                "inherits = \"default\"\nslots = 3\n",
                "my.toml:2:9: invalid type: integer \"3\", expected a map",
                "(key slots)",
            ),
        ];
        for (text, start, end) in cases {
            match Theme::parse_str(text, "my.toml") {
                Ok(_) => panic!("accepted {text:?}"),
                Err(e) => {
                    let shown = e.to_string();
                    assert!(shown.starts_with(start), "{text:?}: {shown}");
                    assert!(shown.ends_with(end), "{text:?}: {shown}");
                }
            }
        }
    }
}
