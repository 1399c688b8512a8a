//! Percent-decoding of link paths and fragments.

use std::borrow::Cow;

/// `%E4%BB%8A` -> `今`. Never fails: a `%` not followed by two hex digits is
/// kept as written, and bytes that do not form UTF-8 become U+FFFD. The
/// replacement is what the callers compare against: file names are listed
/// with `to_string_lossy` and page ids read with `from_utf8_lossy`, so
/// `a%FF.md` finds the file whose name holds the byte 0xFF.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
}

/// What a link path must escape: controls, space, non-ASCII (as UTF-8
/// bytes) and the characters Markdown or URLs give a meaning (`(`, `)`, `<`,
/// `>`, `#`, `?`, `%`, `"`, `[`, `]`, `` ` ``, `\\`). `/` stays a separator.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|');

/// `2023 (Sem 5)/今天.md` -> `2023%20%28Sem%205%29/%E4%BB%8A%E5%A4%A9.md`: a
/// path safe as a Markdown link destination that still resolves to the file.
pub(crate) fn percent_encode_path(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The hand-written decoder `links::check` had, kept as the oracle.
    fn old_links_check_decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if b[i] == b'%'
                && i + 2 < b.len()
                && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
            {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("%E4%BB%8A%E6%97%A5-x%2"), "今日-x%2");
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("%2f%2F"), "//");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%%41"), "%A");
        assert_eq!(percent_decode("a%FF.md"), "a\u{FFFD}.md");
        assert_eq!(percent_decode("%E4%BB"), "\u{FFFD}");
        assert_eq!(percent_decode("今日"), "今日");
    }

    #[test]
    fn borrows_when_there_is_nothing_to_decode() {
        assert!(matches!(percent_decode("plain-anchor"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn agrees_with_the_old_decoder(s in "([a-zA-Z0-9%. 今-]|%[0-9a-fA-F]{2}|%[8-9a-fA-F][0-9a-fA-F]){0,12}") {
            prop_assert_eq!(percent_decode(&s).into_owned(), old_links_check_decode(&s));
        }
    }

    #[test]
    fn paths_are_encoded_so_they_decode_back() {
        let p = "2023-08-12 2024-01-09 (Semester 5)/今天#1.md";
        let e = percent_encode_path(p);
        assert_eq!(e, "2023-08-12%202024-01-09%20%28Semester%205%29/%E4%BB%8A%E5%A4%A9%231.md");
        assert_eq!(percent_decode(&e), p);
        assert_eq!(percent_encode_path("aws/s3-sync.md"), "aws/s3-sync.md");
    }
}
