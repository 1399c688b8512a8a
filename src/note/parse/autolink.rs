//! GFM's autolink extension: the URLs and e-mail addresses GitHub links in
//! plain text although nobody wrote `<...>` around them. pulldown-cmark does not
//! implement it, so runs of text are scanned here, rule by rule as the GFM spec
//! ("Autolinks (extension)") states them:
//!
//! - `http://`, `https://` or `ftp://` (any case), or `www.`, at the start of a
//!   run or after whitespace or one of `*`, `_`, `~`, `(`;
//! - then a valid domain: alphanumerics, `_`, `-` and `.`, with no `_` in its
//!   last two segments (and, for `www.`, at least one period);
//! - then anything up to whitespace or `<`;
//! - then the trailing rules: `?!.,:*_~` (and quotes, as GitHub's renderer
//!   does) are cut off, a `)` only while the link has more `)` than `(`, and a
//!   `;` takes an entity-like `&name;` with it.
//!
//! E-mail addresses: `[A-Za-z0-9.+_-]+@[A-Za-z0-9._-]+` with a period after the
//! `@`, a final `.` left out, and no address when the last character is `-` or
//! `_`. A `mailto:` or `xmpp:` right before is part of the link.

use std::ops::Range;

/// What a bare link in text is, and so what GitHub makes its `href`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bare {
    /// `https://x`, `http://x`, `ftp://x`: linked as written.
    Url,
    /// `www.x`: GitHub prepends `http://`.
    Www,
    /// `me@example.com`: GitHub prepends `mailto:`.
    Email,
    /// `mailto:me@example.com`, `xmpp:me@example.com/res`: linked as written.
    SchemeEmail,
}

impl Bare {
    /// The `href` GitHub renders for `text` found as `self`.
    pub(super) fn href(self, text: &str) -> String {
        match self {
            Bare::Url | Bare::SchemeEmail => text.to_owned(),
            Bare::Www => format!("http://{text}"),
            Bare::Email => format!("mailto:{text}"),
        }
    }
}

/// The bare links of `text` (byte ranges into it) in order. `boundary_at_start`
/// says whether a link may begin at offset 0: the run may follow a code span or
/// a tag, after which GitHub links nothing until the next space.
pub(super) fn bare_links(text: &str, boundary_at_start: bool) -> Vec<(Range<usize>, Bare)> {
    let mut out = urls(text, boundary_at_start);
    // Addresses are looked for in the text the URLs leave over (an `@` in a
    // URL's path is the URL's).
    let mut emails = Vec::new();
    let mut from = 0;
    for (range, _) in out.iter().map(|(r, b)| (r.clone(), *b)).chain([(text.len()..text.len(), Bare::Url)]) {
        emails.extend(emails_in(text, from..range.start));
        from = range.end;
    }
    out.extend(emails);
    out.sort_by_key(|(r, _)| r.start);
    out
}

const SCHEMES: [(&str, Bare); 4] =
    [("https://", Bare::Url), ("http://", Bare::Url), ("ftp://", Bare::Url), ("www.", Bare::Www)];

fn urls(text: &str, boundary_at_start: bool) -> Vec<(Range<usize>, Bare)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !matches!(bytes[i], b'h' | b'H' | b'f' | b'F' | b'w') || !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let boundary = match text[..i].chars().next_back() {
            None => boundary_at_start,
            Some(c) => c.is_whitespace() || "*_~(".contains(c),
        };
        let found = SCHEMES.iter().find(|(s, bare)| {
            let head = &bytes[i..(i + s.len()).min(bytes.len())];
            // `www.` is matched as written, the schemes in any case.
            if *bare == Bare::Www { head == s.as_bytes() } else { head.eq_ignore_ascii_case(s.as_bytes()) }
        });
        if let Some(&(scheme, bare)) = found.filter(|_| boundary)
            && let Some(end) = url_at(text, i, scheme.len(), bare)
        {
            out.push((i..end, bare));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The end of the URL starting at `start` whose scheme (or `www.`) is
/// `scheme_len` bytes long, or `None` when there is no valid domain.
fn url_at(text: &str, start: usize, scheme_len: usize, bare: Bare) -> Option<usize> {
    // The domain of a `www.` link includes the `www.`.
    let domain_start = if bare == Bare::Www { start } else { start + scheme_len };
    let after = &text[domain_start..];
    let domain_len =
        after.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))).unwrap_or(after.len());
    let domain = after[..domain_len].trim_end_matches('.');
    let host = if bare == Bare::Www { &domain[4.min(domain.len())..] } else { domain };
    if !host.starts_with(char::is_alphanumeric) {
        return None;
    }
    if bare == Bare::Www && !domain.contains('.') {
        return None;
    }
    if domain.rsplit('.').take(2).any(|segment| segment.contains('_')) {
        return None;
    }
    let rest = &text[domain_start + domain_len..];
    let end =
        domain_start + domain_len + rest.find(|c: char| c.is_whitespace() || c == '<').unwrap_or(rest.len());
    let end = start + trim_trailing(&text[start..end]);
    // Trailing punctuation may eat back into the domain, never past it.
    (end > domain_start + if bare == Bare::Www { 4 } else { 0 }).then_some(end)
}

/// The length of `link` without its trailing punctuation, unmatched closing
/// parentheses and entity-like `&name;`.
fn trim_trailing(link: &str) -> usize {
    let b = link.as_bytes();
    let opening = b.iter().filter(|&&c| c == b'(').count();
    let mut closing = b.iter().filter(|&&c| c == b')').count();
    let mut end = b.len();
    while end > 0 {
        match b[end - 1] {
            b')' if closing > opening => {
                closing -= 1;
                end -= 1;
            }
            b'?' | b'!' | b'.' | b',' | b':' | b'*' | b'_' | b'~' | b'\'' | b'"' => end -= 1,
            b';' => {
                let name = b[..end - 1].iter().rev().take_while(|c| c.is_ascii_alphanumeric()).count();
                let amp = end - 1 - name;
                // `&hl;` goes as a whole; a lone `;` alone (GitHub's renderer
                // drops it too).
                end = if name > 0 && amp > 0 && b[amp - 1] == b'&' { amp - 1 } else { end - 1 };
            }
            _ => break,
        }
    }
    end
}

/// The e-mail addresses within `text[range]`.
fn emails_in(text: &str, range: Range<usize>) -> Vec<(Range<usize>, Bare)> {
    let b = text.as_bytes();
    let local_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-' | b'_');
    let domain_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
    let mut out = Vec::new();
    let mut i = range.start;
    while let Some(off) = text[i..range.end].find('@') {
        let at = i + off;
        let mut start = at;
        while start > range.start.max(i) && local_char(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < range.end && domain_char(b[end]) {
            end += 1;
        }
        let domain = text[at + 1..end].trim_end_matches('.');
        let valid = start < at && domain.contains('.') && !domain.ends_with(['-', '_']);
        if !valid {
            i = at + 1;
            continue;
        }
        let mut end = at + 1 + domain.len();
        let mut bare = Bare::Email;
        for scheme in ["mailto:", "xmpp:"] {
            let Some(s) = start.checked_sub(scheme.len()).filter(|&s| s >= range.start) else { continue };
            // The scheme must start a word: `xmailto:` is no scheme.
            if &b[s..start] == scheme.as_bytes() && (s == range.start || !b[s - 1].is_ascii_alphanumeric()) {
                start = s;
                bare = Bare::SchemeEmail;
                // An XMPP address may name a resource: `xmpp:me@example.com/phone`.
                if scheme == "xmpp:" && end < range.end && b[end] == b'/' {
                    let tail = b[end + 1..range.end]
                        .iter()
                        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'@' || c == b'.')
                        .count();
                    if tail > 0 {
                        end = end + 1 + text[end + 1..end + 1 + tail].trim_end_matches('.').len();
                    }
                }
            }
        }
        out.push((start..end, bare));
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The links of `text` as (text, href).
    fn links(text: &str) -> Vec<(&str, String)> {
        bare_links(text, true).into_iter().map(|(r, b)| (&text[r.clone()], b.href(&text[r]))).collect()
    }

    fn one(text: &str) -> Option<String> {
        let found = links(text);
        assert!(found.len() <= 1, "{found:?}");
        found.into_iter().next().map(|(t, _)| t.to_owned())
    }

    #[test]
    fn www_links_get_http() {
        assert_eq!(
            links("go to www.daybook.test now"),
            [("www.daybook.test", "http://www.daybook.test".into())]
        );
        assert_eq!(one("www.daybook.test/notes/today"), Some("www.daybook.test/notes/today".into()));
        // `www.` matches as written only; the schemes in any case.
        assert_eq!(one("WWW.daybook.test"), None);
        assert_eq!(one("HTTPS://Daybook.test/A"), Some("HTTPS://Daybook.test/A".into()));
        assert_eq!(
            links("ftp://files.daybook.test/x.tgz"),
            [("ftp://files.daybook.test/x.tgz", "ftp://files.daybook.test/x.tgz".into())]
        );
    }

    #[test]
    fn a_domain_is_needed() {
        assert_eq!(one("www. is a prefix"), None);
        assert_eq!(one("www.x"), Some("www.x".into()));
        assert_eq!(one("https:// nothing"), None);
        assert_eq!(one("https://-dash.test"), None);
        // One segment is enough after a scheme, not after `www`.
        assert_eq!(one("http://localhost:8080/x"), Some("http://localhost:8080/x".into()));
        assert_eq!(one("www..test"), None);
    }

    #[test]
    fn no_underscore_in_the_last_two_segments() {
        assert_eq!(one("www.my_site.daybook.test"), Some("www.my_site.daybook.test".into()));
        assert_eq!(one("www.daybook.my_site"), None);
        assert_eq!(one("www.my_site.test"), None);
        assert_eq!(one("https://a.b_c.test/x"), None);
        // Underscores in the path are fine.
        assert_eq!(one("https://daybook.test/a_b"), Some("https://daybook.test/a_b".into()));
    }

    #[test]
    fn links_start_at_a_boundary() {
        for text in
            ["(www.daybook.test)", "*www.daybook.test*", "_https://daybook.test/_", "~www.daybook.test/~"]
        {
            assert_eq!(links(text).len(), 1, "{text}");
        }
        for text in
            ["xwww.daybook.test", "nothttps://daybook.test", "\"https://daybook.test\"", "[www.daybook.test"]
        {
            assert_eq!(one(text), None, "{text}");
        }
        assert!(bare_links("https://daybook.test", false).is_empty());
        assert_eq!(bare_links("`x` https://daybook.test", false).len(), 1);
    }

    #[test]
    fn trailing_punctuation_is_left_out() {
        for p in ["?", "!", ".", ",", ":", "*", "_", "~", "'", "\"", "?!.", ".)_"] {
            let text = format!("www.daybook.test/a{p}");
            assert_eq!(one(&text).as_deref(), Some("www.daybook.test/a"), "{text}");
        }
        // Inside the link it stays.
        assert_eq!(
            one("https://daybook.test/a.b?c=d!e,f:g*h_i~j"),
            Some("https://daybook.test/a.b?c=d!e,f:g*h_i~j".into())
        );
        assert_eq!(one("www.daybook.test."), Some("www.daybook.test".into()));
    }

    #[test]
    fn only_unmatched_closing_parentheses_are_dropped() {
        assert_eq!(one("www.daybook.test/Day_(one)"), Some("www.daybook.test/Day_(one)".into()));
        assert_eq!(one("www.daybook.test/Day_(one)))"), Some("www.daybook.test/Day_(one)".into()));
        assert_eq!(one("(www.daybook.test/Day_(one))"), Some("www.daybook.test/Day_(one)".into()));
        assert_eq!(one("(www.daybook.test/Day_(one)"), Some("www.daybook.test/Day_(one)".into()));
        assert_eq!(one("(see https://daybook.test/x)."), Some("https://daybook.test/x".into()));
        assert_eq!(one("www.daybook.test/((a))"), Some("www.daybook.test/((a))".into()));
        // Only checked when the link ends in `)`.
        assert_eq!(one("www.daybook.test/q=(a))+b"), Some("www.daybook.test/q=(a))+b".into()));
    }

    #[test]
    fn an_entity_like_tail_is_left_out() {
        assert_eq!(one("www.daybook.test/s?q=notes&day=1"), Some("www.daybook.test/s?q=notes&day=1".into()));
        assert_eq!(one("www.daybook.test/s?q=notes&day;"), Some("www.daybook.test/s?q=notes".into()));
        assert_eq!(one("https://daybook.test/a&amp;"), Some("https://daybook.test/a".into()));
        assert_eq!(one("https://daybook.test/a&b2;."), Some("https://daybook.test/a".into()));
        // Not entity-like: only the `;` goes.
        assert_eq!(one("https://daybook.test/a;"), Some("https://daybook.test/a".into()));
        assert_eq!(one("https://daybook.test/a&;"), Some("https://daybook.test/a&".into()));
        assert_eq!(one("https://daybook.test/a&#1;"), Some("https://daybook.test/a&#1".into()));
    }

    #[test]
    fn a_less_than_sign_ends_the_link() {
        assert_eq!(one("www.daybook.test/to<day"), Some("www.daybook.test/to".into()));
        assert_eq!(one("https://daybook.test<br>"), Some("https://daybook.test".into()));
    }

    #[test]
    fn e_mail_addresses_get_mailto() {
        assert_eq!(
            links("write to me@daybook.test today"),
            [("me@daybook.test", "mailto:me@daybook.test".into())]
        );
        // `+` before the `@`, never after.
        assert_eq!(one("notes+daily@daybook.test"), Some("notes+daily@daybook.test".into()));
        assert_eq!(one("notes@daily+daybook.test"), None);
        // `.`, `-` and `_` on both sides; a final `.` is not part of it...
        assert_eq!(one("x.y-z_w@day.book"), Some("x.y-z_w@day.book".into()));
        assert_eq!(one("x.y-z_w@day.book."), Some("x.y-z_w@day.book".into()));
        // ...and a final `-` or `_` makes no address at all.
        assert_eq!(one("x.y-z_w@day.book-"), None);
        assert_eq!(one("x.y-z_w@day.book_"), None);
        // A period after the `@` is needed.
        assert_eq!(one("me@localhost"), None);
        assert_eq!(one("@daybook.test"), None);
        // The address ends where its characters do.
        assert_eq!(one("(me@daybook.test)"), Some("me@daybook.test".into()));
        assert_eq!(one("a@b@daybook.test"), Some("b@daybook.test".into()));
    }

    #[test]
    fn scheme_e_mail_links_are_kept_whole() {
        assert_eq!(
            links("mailto:me@daybook.test"),
            [("mailto:me@daybook.test", "mailto:me@daybook.test".into())]
        );
        assert_eq!(one("xmpp:me@daybook.test/phone."), Some("xmpp:me@daybook.test/phone".into()));
        assert_eq!(links("xmailto:me@daybook.test"), [("me@daybook.test", "mailto:me@daybook.test".into())]);
    }

    #[test]
    fn an_at_sign_in_a_url_is_the_urls() {
        assert_eq!(
            links("https://daybook.test/@me and you@daybook.test"),
            [
                ("https://daybook.test/@me", "https://daybook.test/@me".into()),
                ("you@daybook.test", "mailto:you@daybook.test".into())
            ]
        );
    }
}
