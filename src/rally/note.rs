//! Handoff notes: make them safe to type into an agent's terminal, render the message around
//! them, and turn the result into the bytes written to the pane.
//!
//! A note can come from an agent through the control socket, so it is untrusted text that ends
//! up on another program's input. [`sanitize`] strips everything a terminal or a line editor
//! would act on; what is left is printable text, newlines and tabs.

/// The message a pane receives when the baton reaches it. Variables: `{turn}`, `{from}`,
/// `{to}`, `{note}`, `{pass_command}`; `{scratchpad_path}` is also offered but may be empty,
/// so the default does not use it.
pub const DEFAULT_TEMPLATE: &str = "[rallish] Turn {turn}: {from} passed the baton to you ({to}).\n\
Note from {from}: {note}\n\
When your part of this turn is done, pass the baton on by running: {pass_command}";

/// Removes control sequences and control characters from `text`.
///
/// Whole escape sequences go: CSI (`ESC [` up to a final byte 0x40-0x7E), OSC (`ESC ]` up to
/// BEL or ST), DCS/SOS/PM/APC (`ESC P`/`X`/`^`/`_` up to ST), and other `ESC` sequences
/// (intermediates then one final byte), plus their 8-bit C1 forms. Then every remaining C0
/// control except `\n` and `\t`, DEL, and every C1 control (U+0080..U+009F) goes; `"\r\n"`
/// therefore becomes `"\n"`. A sequence cut off by a control or non-ASCII character ends there
/// and that character is treated as text again, so a stray `ESC` never swallows a whole note.
/// An unterminated string sequence (OSC, DCS...) runs to the end of the text, as it would in a
/// terminal. The result never contains a control character other than `\n` and `\t`, and
/// sanitising it again changes nothing.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut state = Scan::Text;
    for c in text.chars() {
        state = state.step(c, &mut out);
    }
    out
}

/// Where [`sanitize`] is inside an escape sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Text,
    /// After `ESC`.
    Esc,
    /// After `ESC` and one or more intermediate bytes (0x20-0x2F), e.g. `ESC ( B`.
    EscIntermediate,
    /// Inside CSI parameters and intermediates (0x20-0x3F).
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC string.
    Str,
    /// After `ESC` inside a string: `\` completes the ST, anything else starts a new sequence.
    StrEsc,
}

impl Scan {
    fn step(self, c: char, out: &mut String) -> Scan {
        match self {
            Scan::Text => text(c, out),
            Scan::Esc => match c {
                '[' => Scan::Csi,
                ']' | 'P' | 'X' | '^' | '_' => Scan::Str,
                ' '..='/' => Scan::EscIntermediate,
                '0'..='~' => Scan::Text,
                // A lone ESC: drop it and read `c` as text (which may start a new sequence).
                _ => text(c, out),
            },
            Scan::EscIntermediate => match c {
                ' '..='/' => Scan::EscIntermediate,
                '0'..='~' => Scan::Text,
                _ => text(c, out),
            },
            Scan::Csi => match c {
                ' '..='?' => Scan::Csi,
                '@'..='~' => Scan::Text,
                _ => text(c, out),
            },
            Scan::Str => match c {
                // BEL ends OSC in xterm; ending any string on it only ever keeps more text.
                // CAN and SUB abort a sequence in every terminal.
                '\x07' | '\u{9c}' | '\x18' | '\x1a' => Scan::Text,
                '\x1b' => Scan::StrEsc,
                _ => Scan::Str,
            },
            Scan::StrEsc => match c {
                '\\' => Scan::Text,
                _ => Scan::Esc.step(c, out),
            },
        }
    }
}

/// One character of plain text: keep it, drop it, or start a sequence.
fn text(c: char, out: &mut String) -> Scan {
    match c {
        '\x1b' => Scan::Esc,
        '\u{9b}' => Scan::Csi,
        '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => Scan::Str,
        '\n' | '\t' => {
            out.push(c);
            Scan::Text
        }
        // `is_control` is exactly C0, DEL and C1.
        c if c.is_control() => Scan::Text,
        c => {
            out.push(c);
            Scan::Text
        }
    }
}

/// Replaces each `{name}` in `template` with its value from `vars` (the first match wins).
/// `{{` and `}}` are literal braces; an unknown `{name}`, or a `{` not followed by a name
/// (ASCII letters, digits, `_`) and `}`, stays as written. Values are inserted verbatim, never
/// expanded again.
pub fn render_template(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some((name, after)) = placeholder(tail)
            && let Some((_, value)) = vars.iter().find(|(n, _)| *n == name)
        {
            out.push_str(value);
            rest = after;
            continue;
        }
        // Unknown variable, stray brace: copy the brace and keep scanning after it.
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// If `s` starts with `{name}`, returns the name and the text after the `}`.
fn placeholder(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('{')?;
    let end = body.find('}')?;
    let name = &body[..end];
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then(|| (name, &body[end + 1..]))
}

/// The bytes that deliver a note to a pane: `body` first, then `enter` as a separate write a
/// little later (50-100 ms), because agents ignore an Enter that arrives inside a paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    pub body: Vec<u8>,
    pub enter: Vec<u8>,
}

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Builds the [`Injection`] for `note` (normally a rendered template). The note is sanitised
/// and trailing whitespace trimmed. With `bracketed_paste` (the child enabled mode 2004) the
/// body is one paste, `ESC[200~ note ESC[201~`, newlines kept as `\n`; a sanitised note cannot
/// contain `ESC`, so it cannot end the paste early. Without it, the note is typed: each `\n`
/// becomes `\r`, as the Enter key sends. An empty note gives an empty body.
pub fn injection(note: &str, bracketed_paste: bool) -> Injection {
    let clean = sanitize(note);
    let text = clean.trim_end();
    let body = if text.is_empty() {
        Vec::new()
    } else if bracketed_paste {
        [PASTE_START, text.as_bytes(), PASTE_END].concat()
    } else {
        text.replace('\n', "\r").into_bytes()
    };
    Injection {
        body,
        enter: b"\r".to_vec(),
    }
}

/// The same text once sanitised as a note is and with runs of whitespace as one space:
/// how an agent's record of the prompt it took is matched to the note that went in.
pub fn same_text(a: &str, b: &str) -> bool {
    let words = |t: &str| {
        sanitize(t)
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// `outer` holds all of `inner` (compared as [`same_text`] does) and more.
pub fn embeds(outer: &str, inner: &str) -> bool {
    let flat = |t: &str| sanitize(t).split_whitespace().collect::<Vec<_>>().join(" ");
    let (outer, inner) = (flat(outer), flat(inner));
    !inner.is_empty() && outer.len() > inner.len() && outer.contains(&inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_matched_to_what_the_agent_took_whitespace_aside() {
        let note = "[rallish] Turn 2: a passed the baton to you (b).\n  Note from a: hi\n";
        assert!(same_text(
            note,
            "[rallish] Turn 2: a passed the baton to you (b).\nNote from a: hi"
        ));
        assert!(!same_text(
            note,
            "[rallish] Turn 3: a passed the baton to you (b).\nNote from a: hi"
        ));
        let title = format!("Generate a concise title.\n\nUser prompt:\n{note}");
        assert!(embeds(&title, note));
        assert!(
            !embeds(note, note),
            "the note itself is not a turn around it"
        );
        assert!(!embeds("anything", ""));
    }

    #[test]
    fn csi_sequences_are_removed_whole() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("\x1b[?2004l\x1b[2J\x1b[1;1Hx"), "x");
        assert_eq!(sanitize("\x1b[>0;1 q!"), "!");
        // Unterminated at the end: dropped.
        assert_eq!(sanitize("ok\x1b[12;"), "ok");
    }

    #[test]
    fn osc_is_removed_up_to_bel_or_st() {
        assert_eq!(sanitize("a\x1b]0;title\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]52;c;ZXZpbA==\x1b\\b"), "ab");
        assert_eq!(
            sanitize("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        // Unterminated: runs to the end, as in a terminal.
        assert_eq!(sanitize("a\x1b]0;never ends"), "a");
    }

    #[test]
    fn dcs_sos_pm_apc_are_removed_up_to_st() {
        assert_eq!(sanitize("a\x1bP1$r0m\x1b\\b"), "ab");
        assert_eq!(
            sanitize("a\x1bXsos\x1b\\b\x1b^pm\x1b\\c\x1b_apc\x1b\\d"),
            "abcd"
        );
        // An ESC that is not ST ends the string and starts a new sequence.
        assert_eq!(sanitize("a\x1bPdata\x1b[1mb"), "ab");
    }

    #[test]
    fn other_escape_sequences_are_removed() {
        assert_eq!(sanitize("a\x1bcb"), "ab"); // RIS
        assert_eq!(sanitize("a\x1b(Bb"), "ab"); // charset designation
        assert_eq!(sanitize("a\x1b#8b"), "ab"); // DECALN
        assert_eq!(sanitize("a\x1b7\x1b8b"), "ab");
        // A lone ESC goes; what follows stays text.
        assert_eq!(sanitize("a\x1b\nb\x1b"), "a\nb");
        assert_eq!(sanitize("a\x1b\x1b[1mb"), "ab");
        // A sequence cut short by a control or non-ASCII character keeps that character.
        assert_eq!(sanitize("\x1b[31é"), "é");
    }

    #[test]
    fn c1_controls_and_their_sequences_are_removed() {
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
        assert_eq!(sanitize("a\u{9d}0;title\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{9d}0;title\x07b"), "ab");
        assert_eq!(sanitize("a\u{90}dcs\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{85}\u{84}\u{9c}\u{80}\u{9f}x\u{9c}b"), "ab");
    }

    #[test]
    fn c0_controls_and_del_are_removed_but_newline_and_tab_stay() {
        assert_eq!(sanitize("a\0b\x07c\x08d\x7fe"), "abcde");
        assert_eq!(
            sanitize("one\r\ntwo\rthree\n\tfour"),
            "one\ntwothree\n\tfour"
        );
        assert_eq!(sanitize("\x03\x04\x1a\x15"), "");
    }

    #[test]
    fn unicode_text_is_preserved() {
        let s = "héllo wörld 🚀🎉 日本語のテキスト 한국어 emoji 👩‍💻 zero\u{200d}width ∑";
        assert_eq!(sanitize(s), s);
    }

    #[test]
    fn template_substitutes_known_variables() {
        let vars = [("from", "claude"), ("to", "codex"), ("turn", "3")];
        assert_eq!(
            render_template("{from} -> {to} (turn {turn}), again {from}", &vars),
            "claude -> codex (turn 3), again claude"
        );
    }

    #[test]
    fn template_escapes_and_unknown_variables() {
        let vars = [("a", "1"), ("b", "{a}")];
        assert_eq!(render_template("{{a}} = {a}", &vars), "{a} = 1");
        assert_eq!(render_template("}} {{{a}}}", &vars), "} {1}");
        assert_eq!(render_template("{missing} {a}", &vars), "{missing} 1");
        // Values are not expanded again.
        assert_eq!(render_template("{b}", &vars), "{a}");
        // Stray and unclosed braces stay as written.
        assert_eq!(render_template("x } { {a b} {a", &vars), "x } { {a b} {a");
        assert_eq!(render_template("{}{a}{", &vars), "{}1{");
        assert_eq!(render_template("", &vars), "");
    }

    #[test]
    fn default_template_uses_every_core_variable() {
        let vars = [
            ("turn", "2"),
            ("from", "claude"),
            ("to", "codex"),
            ("note", "tests pass; please review src/lib.rs"),
            ("pass_command", "rallish pass --to claude"),
        ];
        let text = render_template(DEFAULT_TEMPLATE, &vars);
        assert!(!text.contains('{'), "{text}");
        assert!(text.starts_with("[rallish] Turn 2: claude passed the baton to you (codex)."));
        assert!(text.contains("Note from claude: tests pass; please review src/lib.rs\n"));
        assert!(text.ends_with("by running: rallish pass --to claude"));
    }

    #[test]
    fn injection_as_bracketed_paste() {
        let inj = injection("line 1\nline 2\x1b[201~\n\n", true);
        assert_eq!(inj.body, b"\x1b[200~line 1\nline 2\x1b[201~".to_vec());
        assert_eq!(inj.enter, b"\r");
    }

    #[test]
    fn injection_as_typed_text() {
        let inj = injection("line 1\r\nline 2\n", false);
        assert_eq!(inj.body, b"line 1\rline 2".to_vec());
        assert_eq!(inj.enter, b"\r");
    }

    #[test]
    fn empty_note_injects_only_enter() {
        for paste in [true, false] {
            let inj = injection("\n\x1b[0m\n", paste);
            assert!(inj.body.is_empty());
            assert_eq!(inj.enter, b"\r");
        }
    }

    /// xorshift64*, enough to generate varied test strings without another crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A character biased towards the ones sanitising cares about.
        fn char(&mut self) -> char {
            const INTERESTING: &[char] = &[
                '\x1b', '[', ']', 'P', 'X', '^', '_', '\\', '\x07', '\r', '\n', '\t', '\0', '\x7f',
                '\u{9b}', '\u{9c}', '\u{9d}', '\u{90}', '\u{85}', '\x18', ';', '0', 'm', '~', 'é',
                '日', '🚀',
            ];
            match self.below(4) {
                0 | 1 => INTERESTING[self.below(INTERESTING.len() as u64) as usize],
                2 => char::from(self.below(0x80) as u8),
                _ => char::from_u32(self.below(0x3000) as u32).unwrap_or('?'),
            }
        }
    }

    #[test]
    fn sanitized_output_never_carries_controls() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5000 {
            let len = rng.below(40) as usize;
            let input: String = (0..len).map(|_| rng.char()).collect();
            let clean = sanitize(&input);
            for c in clean.chars() {
                let bad = (c < ' ' && c != '\n' && c != '\t')
                    || c == '\x7f'
                    || ('\u{80}'..='\u{9f}').contains(&c);
                assert!(!bad, "{c:?} survived in {clean:?} from {input:?}");
            }
            assert_eq!(sanitize(&clean), clean, "not idempotent for {input:?}");
            for paste in [true, false] {
                let body = injection(&input, paste).body;
                let inner = if paste && !body.is_empty() {
                    &body[PASTE_START.len()..body.len() - PASTE_END.len()]
                } else {
                    &body[..]
                };
                assert!(!inner.contains(&0x1b), "ESC in paste body from {input:?}");
            }
        }
    }
}
