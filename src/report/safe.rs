//! Repository text made safe to print. A pull request controls every byte of
//! the notes, the README and daybook.yml; a report quotes them. A bare CR
//! starts a new line for the Actions runner (which then looks for `::command`
//! there), and ESC or a C1 control drives the terminal or the log viewer. So
//! every C0 and C1 control and DEL is shown escaped, Rust-style (`\r`,
//! `\x1b`, `\u{9b}`), except the line structure: `\n`, `\t` and the CR of a
//! CRLF line ending, which the runner reads as one line break.
//!
//! On Actions, text printed to the log is also fenced off from command
//! processing altogether: [`guard_for_runner`].

use std::borrow::Cow;

/// The bidirectional formatting characters (embeddings, overrides, isolates,
/// the marks): not controls to Unicode, but they reorder what follows, so a
/// note could make an annotation or a log line read other than it is
/// ("Trojan Source"). Shown escaped like the controls.
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` (followed by `next`) is shown escaped.
fn escaped(c: char, next: Option<char>, one_line: bool) -> bool {
    if is_bidi(c) {
        return true;
    }
    if !c.is_control() {
        return false;
    }
    match c {
        '\n' | '\t' => one_line,
        '\r' => one_line || next != Some('\n'),
        _ => true,
    }
}

fn push_escape(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

fn escape(s: &str, one_line: bool) -> Cow<'_, str> {
    let mut chars = s.chars().peekable();
    let mut at = 0;
    while let Some(c) = chars.next() {
        if escaped(c, chars.peek().copied(), one_line) {
            break;
        }
        at += c.len_utf8();
    }
    if at == s.len() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..at]);
    let mut chars = s[at..].chars().peekable();
    while let Some(c) = chars.next() {
        if escaped(c, chars.peek().copied(), one_line) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with its control characters escaped; line breaks and tabs kept.
pub(crate) fn controls(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// `s` with every control character escaped, line breaks and tabs too: for
/// text that must stay on one line (a log group's title, a one-line finding).
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Where `text` differs from [`controls`]`(text)`, and by how much: turns
/// byte offsets into the original into offsets into the escaped text.
pub(crate) struct OffsetMap {
    /// (offset just past an escaped character in the original, bytes added up to there)
    grown: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub(crate) fn of(text: &str) -> OffsetMap {
        let mut grown = Vec::new();
        let mut added = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if escaped(c, chars.peek().map(|&(_, n)| n), false) {
                let mut e = String::new();
                push_escape(&mut e, c);
                added += e.len() - c.len_utf8();
                grown.push((i + c.len_utf8(), added));
            }
        }
        OffsetMap { grown }
    }

    /// Offset in the escaped text of byte `offset` of the original.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let i = self.grown.partition_point(|&(end, _)| end <= offset);
        offset + if i == 0 { 0 } else { self.grown[i - 1].1 }
    }
}

/// JSON from serde_json with DEL and the C1 controls escaped too (`\u009b`):
/// serde_json escapes only U+0000..U+001F. Outside strings JSON is ASCII, so
/// every such character is inside a string, where the escape means the same.
pub(crate) fn json_controls(json: String) -> String {
    let escape = |c: char| ('\u{7f}'..='\u{9f}').contains(&c) || is_bidi(c);
    if !json.chars().any(escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A fresh token: 128 bits from the operating system's CSPRNG, as hex.
fn token() -> String {
    let mut bytes = [0u8; 16];
    // Without the OS's randomness there is no unguessable token, and a
    // guessable one would let the text resume command processing: stop.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `text` between `::stop-commands::TOKEN` and `::TOKEN::` with a new token,
/// the resume on a line of its own even when `text` has no final newline.
/// Control characters should already be escaped (`report::safe`).
pub fn guard_for_runner(text: &str) -> String {
    let token = token();
    let mut out = String::with_capacity(text.len() + 80);
    out.push_str("::stop-commands::");
    out.push_str(&token);
    out.push('\n');
    out.push_str(text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("::");
    out.push_str(&token);
    out.push_str("::\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_escaped_and_structure_is_kept() {
        assert_eq!(controls("a\r::error::x"), "a\\r::error::x");
        assert_eq!(controls("\x1b[31mred\u{9b}1m\u{7f}\0"), "\\x1b[31mred\\u{9b}1m\\x7f\\x00");
        assert_eq!(controls("a\n\tb\r\nc"), "a\n\tb\r\nc");
        assert!(matches!(controls("plain 今日"), Cow::Borrowed(_)));
        assert_eq!(one_line("a\nb\r\n\tc"), "a\\nb\\r\\n\\tc");
        // U+2028 and other non-control separators pass: the runner does not split on them.
        assert_eq!(controls("a\u{2028}b"), "a\u{2028}b");
    }

    /// A note's U+202E reversed the rest of an annotation's line as GitHub
    /// shows it (`evil\u{202e}gnp.md` reads `evilдm.png`).
    #[test]
    fn bidi_formatting_is_shown_escaped() {
        assert_eq!(controls("evil\u{202e}gnp.md"), "evil\\u{202e}gnp.md");
        assert_eq!(one_line("\u{2066}x\u{2069}\u{200f}"), "\\u{2066}x\\u{2069}\\u{200f}");
        assert_eq!(json_controls("\"a\u{202e}b\"".into()), "\"a\\u202eb\"");
        // Right-to-left letters are text, not formatting.
        assert_eq!(controls("שלום مرحبا"), "שלום مرحبا");
    }

    #[test]
    fn offsets_follow_the_escapes() {
        let text = "a\x1bb\rc\r\nd";
        let m = OffsetMap::of(text);
        let esc = controls(text);
        for (orig, want) in [("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")] {
            let at = text.find(orig).unwrap();
            assert_eq!(&esc[m.map(at)..m.map(at) + 1], want);
        }
        assert_eq!(m.map(text.len()), esc.len());
    }

    #[test]
    fn json_escapes_what_serde_json_leaves() {
        let raw = serde_json::to_string("\r\x1b\u{9b}\u{7f}").unwrap();
        assert_eq!(raw, "\"\\r\\u001b\u{9b}\u{7f}\"", "serde_json escapes C0 only");
        let safe = json_controls(raw);
        assert_eq!(safe, "\"\\r\\u001b\\u009b\\u007f\"");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), "\r\x1b\u{9b}\u{7f}");
    }

    #[test]
    fn tokens_are_fresh_hex() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_guard_resumes_on_its_own_line() {
        let g = guard_for_runner("x\n::add-mask::y");
        let lines: Vec<&str> = g.lines().collect();
        let token = lines[0].strip_prefix("::stop-commands::").unwrap();
        assert_eq!(lines[1..3], ["x", "::add-mask::y"]);
        assert_eq!(lines[3], format!("::{token}::"));
    }
}
