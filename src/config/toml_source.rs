//! Our TOML files, read so that every fault points at itself: `path:line:column: what is
//! wrong (key a.b.c)`. Keymaps walk the document by hand; presets, themes and the config
//! go through serde, and a serde error's span is mapped back to the key it sits in.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

/// A file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{origin}: cannot read {kind}: {source}")]
    Read {
        origin: String,
        /// What the file was meant to be: "keymap", "preset", ...
        kind: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// Displays as `path:line:column: what is wrong (key table.key)`.
    #[error("{origin}:{line}:{column}: {what}{}", key_note(.key.as_deref()))]
    Invalid {
        origin: String,
        line: usize,
        column: usize,
        what: String,
        /// Dotted path of the offending key, when the fault is at one.
        key: Option<String>,
    },
}

fn key_note(key: Option<&str>) -> String {
    key.map(|k| format!(" (key {k})")).unwrap_or_default()
}

/// Reads a whole file; `kind` names what it should hold in the error.
pub fn read(path: &Path, kind: &'static str) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|source| FileError::Read {
        origin: path.display().to_string(),
        kind,
        source,
    })
}

/// One table entry, as the parser gives it.
pub type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// A table's entries in the order they appear in the file (the map itself is sorted).
pub fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// Quotes a key for a dotted path when it would not read back as one segment.
pub fn quote_key(key: &str) -> String {
    if key.is_empty() || key.contains(['.', ' ', '"', '[']) {
        format!("{key:?}")
    } else {
        key.to_string()
    }
}

/// The text being parsed and its name, to turn byte spans into located errors.
pub struct Source<'a> {
    pub text: &'a str,
    pub origin: &'a str,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str, origin: &'a str) -> Source<'a> {
        Source { text, origin }
    }

    pub fn error(&self, span: Range<usize>, what: String, key: Option<&str>) -> FileError {
        let (line, column) = self.line_column(span.start);
        FileError::Invalid {
            origin: self.origin.to_string(),
            line,
            column,
            what,
            key: key.map(str::to_string),
        }
    }

    /// 1-based line and column (in chars) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        (line, before[line_start..].chars().count() + 1)
    }

    /// The string a key must hold, or an error naming what was expected there.
    pub fn string<'v>(
        &self,
        value: &'v Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
    ) -> Result<&'v str, FileError> {
        value.get_ref().as_str().ok_or_else(|| {
            let found = value.get_ref().type_str();
            let what = format!("expected {expected} (a string), found {found}");
            self.error(value.span(), what, Some(key))
        })
    }

    /// The document as a table, or where its TOML syntax is broken.
    pub fn parse_table(&self) -> Result<Spanned<DeTable<'a>>, FileError> {
        DeTable::parse(self.text).map_err(|e| {
            let what = format!("invalid TOML: {}", e.message().trim().replace('\n', "; "));
            self.error(e.span().unwrap_or(0..0), what, None)
        })
    }

    /// Deserializes the whole document into `T` (whose structs deny unknown fields), and
    /// returns its key map for pointing at keys later ([`Keys::error_at`]).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<(T, Keys), FileError> {
        let root = self.parse_table()?;
        let keys = Keys::of(root.get_ref());
        let value = toml::from_str::<T>(self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let key = keys.at_offset(span.start);
            self.error(span, readable(e.message()), key)
        })?;
        Ok((value, keys))
    }
}

/// Serde's wording, in the words our files use.
fn readable(message: &str) -> String {
    message
        .trim()
        .replace('\n', "; ")
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace('`', "\"")
}

/// Every key and array element of a document with its dotted path (`roles[1].name`) and
/// spans, so errors found after deserializing can still point into the file.
#[derive(Debug, Default)]
pub struct Keys {
    nodes: Vec<Node>,
}

#[derive(Debug)]
struct Node {
    path: String,
    key: Range<usize>,
    value: Range<usize>,
}

impl Keys {
    pub fn of(root: &DeTable<'_>) -> Keys {
        let mut keys = Keys::default();
        keys.table("", root);
        keys
    }

    fn table(&mut self, prefix: &str, table: &DeTable<'_>) {
        for (key, value) in table {
            let name = quote_key(key.get_ref());
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}.{name}")
            };
            self.nodes.push(Node {
                path: path.clone(),
                key: key.span(),
                value: value.span(),
            });
            self.value(&path, value.get_ref());
        }
    }

    fn value(&mut self, path: &str, value: &DeValue<'_>) {
        match value {
            DeValue::Table(table) => self.table(path, table),
            DeValue::Array(array) => self.array(path, array),
            _ => {}
        }
    }

    fn array(&mut self, path: &str, array: &DeArray<'_>) {
        for (i, item) in array.iter().enumerate() {
            let path = format!("{path}[{i}]");
            self.nodes.push(Node {
                path: path.clone(),
                key: item.span(),
                value: item.span(),
            });
            self.value(&path, item.get_ref());
        }
    }

    /// The innermost key whose name or value covers byte `offset`.
    pub fn at_offset(&self, offset: usize) -> Option<&str> {
        let covers = |r: &Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
        self.nodes
            .iter()
            .filter_map(|n| {
                [&n.key, &n.value]
                    .into_iter()
                    .filter(|r| covers(r))
                    .map(std::iter::ExactSizeIterator::len)
                    .min()
                    .map(|len| (len, n))
            })
            .min_by_key(|(len, n)| (*len, std::cmp::Reverse(n.path.len())))
            .map(|(_, n)| n.path.as_str())
    }

    /// The span of the value at `path`, if the file has it.
    pub fn value_span(&self, path: &str) -> Option<Range<usize>> {
        self.nodes
            .iter()
            .find(|n| n.path == path)
            .map(|n| n.value.clone())
    }

    /// An error at the key of `path` itself (an unknown name), else the file's start.
    pub fn key_error_at(&self, src: &Source<'_>, path: &str, what: String) -> FileError {
        let span = self
            .nodes
            .iter()
            .find(|n| n.path == path)
            .map_or(0..0, |n| n.key.clone());
        src.error(span, what, Some(path))
    }

    /// An error at the value of `path` (or the file's start when it has no such key).
    pub fn error_at(&self, src: &Source<'_>, path: &str, what: String) -> FileError {
        let span = self.value_span(path).unwrap_or(0..0);
        src.error(span, what, Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        budget: Option<Budget>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        #[serde(default)]
        count: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Budget {
        max: Option<u32>,
    }

    fn err(text: &str) -> String {
        match Source::new(text, "f.toml").deserialize::<Doc>() {
            Ok(_) => panic!("accepted {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn serde_errors_point_at_the_key() {
        assert_eq!(
            err("name = \"a\"\nnmae = 1\n"),
            "f.toml:2:1: unknown key \"nmae\", expected one of \"name\", \"items\", \"budget\" \
             (key nmae)"
        );
        assert_eq!(
            err("name = \"a\"\n[[items]]\nname = \"x\"\n[[items]]\nname = \"y\"\ncount = \"3\"\n"),
            "f.toml:6:9: invalid type: string \"3\", expected u32 (key items[1].count)"
        );
        assert_eq!(
            err("name = \"a\"\n\n[budget]\nmax = -1\n"),
            "f.toml:4:7: invalid value: integer \"-1\", expected u32 (key budget.max)"
        );
        assert_eq!(
            err("name = \"a\"\nbudget = { max = 1, min = 2 }\n"),
            "f.toml:2:21: unknown key \"min\", expected \"max\" (key budget.min)"
        );
        let broken = err("name = \"a\n");
        assert!(
            broken.starts_with("f.toml:1:10: invalid TOML: "),
            "{broken}"
        );
    }

    #[test]
    fn keys_locate_paths_for_later_checks() {
        let src = Source::new("name = \"a\"\n[[items]]\nname = \"x\"\n", "f.toml");
        let (_, keys) = src.deserialize::<Doc>().unwrap();
        let e = keys.error_at(&src, "items[0].name", "bad".into());
        assert_eq!(e.to_string(), "f.toml:3:8: bad (key items[0].name)");
        let e = keys.error_at(&src, "nowhere", "bad".into());
        assert_eq!(e.to_string(), "f.toml:1:1: bad (key nowhere)");
    }
}
