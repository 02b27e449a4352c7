//! Copying text out of the app: the system clipboard through arboard when one is
//! reachable, else OSC 52 through the host terminal (which also works over ssh, where
//! there is no display). Over ssh OSC 52 comes first: a Mac's pasteboard is always
//! reachable, but over ssh it is the remote machine's, not the person's. A child's own
//! OSC 52 request leaves the same way.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use crate::config::ClipboardMode;

/// Where copied text went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// Into the system clipboard.
    System,
    /// Into these bytes, which the caller writes to the host terminal.
    Osc52(Vec<u8>),
    /// Nowhere, and why.
    Nowhere(String),
}

/// The clipboard as configured. The system clipboard is opened on first use, not at
/// startup: connecting to a display costs time the first frame should not wait for.
pub struct Clipboard {
    mode: ClipboardMode,
    system: Option<arboard::Clipboard>,
    system_failed: bool,
}

impl Clipboard {
    pub fn new(mode: ClipboardMode) -> Clipboard {
        Clipboard::for_session(mode, over_ssh())
    }

    /// The clipboard of a session that does (or does not) run over ssh; over ssh, `Auto`
    /// is OSC 52 and the system clipboard is never opened.
    pub fn for_session(mode: ClipboardMode, over_ssh: bool) -> Clipboard {
        let mode = match mode {
            ClipboardMode::Auto if over_ssh => ClipboardMode::Osc52,
            mode => mode,
        };
        Clipboard {
            mode,
            system: None,
            system_failed: false,
        }
    }

    pub fn copy(&mut self, text: &str) -> Copied {
        match self.mode {
            ClipboardMode::Off => Copied::Nowhere("the clipboard is off in config.toml".into()),
            ClipboardMode::Osc52 => Copied::Osc52(osc52(b"c", &base64(text.as_bytes()))),
            ClipboardMode::System => match self.copy_system(text) {
                Ok(()) => Copied::System,
                Err(err) => Copied::Nowhere(format!("no system clipboard: {err}")),
            },
            ClipboardMode::Auto => match self.copy_system(text) {
                Ok(()) => Copied::System,
                Err(_) => Copied::Osc52(osc52(b"c", &base64(text.as_bytes()))),
            },
        }
    }

    /// Carries a child's OSC 52 copy (selection and base64 payload as it sent them) to
    /// the clipboard the same way [`Clipboard::copy`] does. Read requests (`?`) are never
    /// forwarded: a child must not read the person's clipboard.
    pub fn forward(&mut self, selection: &[u8], payload: &[u8]) -> Copied {
        if payload == b"?" {
            return Copied::Nowhere("a child asked to read the clipboard".into());
        }
        let Some(text) = decode_base64(payload).and_then(|b| String::from_utf8(b).ok()) else {
            return Copied::Nowhere(
                "a child sent a clipboard payload that is not base64 text".into(),
            );
        };
        match self.mode {
            ClipboardMode::Off => Copied::Nowhere("the clipboard is off in config.toml".into()),
            ClipboardMode::Osc52 => Copied::Osc52(osc52(selection, payload)),
            ClipboardMode::System => match self.copy_system(&text) {
                Ok(()) => Copied::System,
                Err(err) => Copied::Nowhere(format!("no system clipboard: {err}")),
            },
            ClipboardMode::Auto => match self.copy_system(&text) {
                Ok(()) => Copied::System,
                Err(_) => Copied::Osc52(osc52(selection, payload)),
            },
        }
    }

    /// Text from the system clipboard, for pasting into the scratchpad.
    pub fn paste(&mut self) -> Option<String> {
        if matches!(self.mode, ClipboardMode::Off | ClipboardMode::Osc52) {
            return None;
        }
        self.system()?.get_text().ok()
    }

    fn copy_system(&mut self, text: &str) -> Result<(), String> {
        let clipboard = self.system().ok_or_else(|| "none reachable".to_string())?;
        clipboard
            .set_text(text.to_string())
            .map_err(|e| e.to_string())
    }

    fn system(&mut self) -> Option<&mut arboard::Clipboard> {
        if self.system.is_none() && !self.system_failed {
            match arboard::Clipboard::new() {
                Ok(clipboard) => self.system = Some(clipboard),
                Err(err) => {
                    tracing::info!(%err, "no system clipboard; copying through OSC 52");
                    self.system_failed = true;
                }
            }
        }
        self.system.as_mut()
    }
}

/// Whether this session runs over ssh, as sshd tells the login shell.
pub fn over_ssh() -> bool {
    ["SSH_CONNECTION", "SSH_TTY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// OSC 52 for the host terminal: `ESC ] 52 ; selection ; base64 ST`. A child's request
/// arrives already base64-encoded and goes out unchanged.
pub fn osc52(selection: &[u8], base64: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(base64.len() + 16);
    out.extend_from_slice(b"\x1b]52;");
    out.extend_from_slice(if selection.is_empty() {
        b"c"
    } else {
        selection
    });
    out.push(b';');
    out.extend_from_slice(base64);
    out.extend_from_slice(b"\x1b\\");
    out
}

/// Standard base64 with padding (RFC 4648), all OSC 52 needs.
pub fn base64(bytes: &[u8]) -> Vec<u8> {
    STANDARD.encode(bytes).into_bytes()
}

/// Decodes a child's OSC 52 payload; `None` if it holds a byte outside the standard
/// alphabet. As lenient as the terminals children are written for: whitespace is
/// ignored, padding is optional and ends the payload (what follows it is not read),
/// spare bits are dropped, and so is a last lone character that cannot make a byte.
pub fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let end = memchr::memchr(b'=', text).unwrap_or(text.len());
    let mut symbols: Vec<u8> = text[..end]
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if symbols.len() % 4 == 1 {
        // Six bits, not a byte; rejected only if it is not base64 at all.
        let last = symbols.pop()?;
        if !last.is_ascii_alphanumeric() && last != b'+' && last != b'/' {
            return None;
        }
    }
    LENIENT.decode(symbols).ok()
}

/// The standard alphabet, padding neither required nor allowed (it was cut off before
/// decoding), bits past the last byte ignored.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded.as_bytes(), "{plain:?}");
        }
        assert_eq!(base64("é🚀".as_bytes()), b"w6nwn5qA");
    }

    #[test]
    fn base64_decodes_what_it_encodes() {
        for plain in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "é🚀 notes\n",
        ] {
            let encoded = base64(plain.as_bytes());
            assert_eq!(decode_base64(&encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(
            decode_base64(b"Zm9v\nYmFy").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(decode_base64(b"Zm9v*"), None);
    }

    #[test]
    fn malformed_payloads_decode_as_leniently_as_before() {
        let decode = |text: &[u8]| decode_base64(text).map(|b| String::from_utf8(b).unwrap());
        // Padding is optional, and whatever follows it is not read.
        assert_eq!(decode(b"Zm8").as_deref(), Some("fo"));
        assert_eq!(decode(b"Zm8=").as_deref(), Some("fo"));
        assert_eq!(decode(b"Zg=").as_deref(), Some("f"));
        assert_eq!(decode(b"Zg==!!").as_deref(), Some("f"));
        assert_eq!(decode(b"Zm9v=Zm9v").as_deref(), Some("foo"));
        // Whitespace anywhere, spare bits, a lone last character: all ignored.
        assert_eq!(decode(b" Z m\t9\r\nv ").as_deref(), Some("foo"));
        assert_eq!(decode(b"Zh").as_deref(), Some("f"));
        assert_eq!(decode(b"Zm9vY").as_deref(), Some("foo"));
        assert_eq!(decode(b"Z").as_deref(), Some(""));
        assert_eq!(decode(b"=").as_deref(), Some(""));
        // Anything outside the alphabet before the padding is refused.
        for bad in [
            &b"Zm9v-"[..],
            b"Zm_v",
            b"Zm9v*",
            b"*",
            b"Zm9\xc3\xa9",
            b"Zm9v\x1b",
        ] {
            assert_eq!(decode_base64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn child_copies_are_forwarded_but_reads_are_not() {
        let mut osc = Clipboard::new(ClipboardMode::Osc52);
        assert_eq!(
            osc.forward(b"p", b"aGk="),
            Copied::Osc52(b"\x1b]52;p;aGk=\x1b\\".to_vec())
        );
        assert!(matches!(osc.forward(b"c", b"?"), Copied::Nowhere(_)));
        assert!(matches!(osc.forward(b"c", b"!!"), Copied::Nowhere(_)));
        let mut off = Clipboard::new(ClipboardMode::Off);
        assert!(matches!(off.forward(b"c", b"aGk="), Copied::Nowhere(_)));
    }

    #[test]
    fn osc52_frames_the_payload() {
        assert_eq!(osc52(b"c", b"aGk="), b"\x1b]52;c;aGk=\x1b\\");
        assert_eq!(osc52(b"", b"aGk="), b"\x1b]52;c;aGk=\x1b\\");
    }

    #[test]
    fn modes_choose_the_path() {
        let mut off = Clipboard::new(ClipboardMode::Off);
        assert!(matches!(off.copy("x"), Copied::Nowhere(_)));
        let mut osc = Clipboard::new(ClipboardMode::Osc52);
        assert_eq!(
            osc.copy("hi"),
            Copied::Osc52(b"\x1b]52;c;aGk=\x1b\\".to_vec())
        );
        assert_eq!(osc.paste(), None);
    }

    #[test]
    fn auto_over_ssh_copies_through_osc52_and_never_opens_the_system_clipboard() {
        let mut auto = Clipboard::for_session(ClipboardMode::Auto, true);
        assert_eq!(
            auto.copy("hi"),
            Copied::Osc52(b"\x1b]52;c;aGk=\x1b\\".to_vec())
        );
        assert_eq!(auto.paste(), None);
        assert!(auto.system.is_none() && !auto.system_failed);
        // Asked for explicitly, the system clipboard stays the choice.
        let system = Clipboard::for_session(ClipboardMode::System, true);
        assert_eq!(system.mode, ClipboardMode::System);
    }

    // Not on macOS, where the pasteboard is always reachable: the test would overwrite it.
    #[cfg(not(target_os = "macos"))]
    #[test]
    fn auto_falls_back_to_osc52_without_a_display() {
        // Only meaningful (and only run) where there is no display, as in CI.
        if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return;
        }
        let mut auto = Clipboard::for_session(ClipboardMode::Auto, false);
        assert_eq!(
            auto.copy("hi"),
            Copied::Osc52(b"\x1b]52;c;aGk=\x1b\\".to_vec())
        );
    }
}
