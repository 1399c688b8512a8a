//! What a link destination is, decided once for the local-link rule, the
//! link checker and the README's link rebasing.

/// The kind of a link destination (surrounding whitespace ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dest<'a> {
    /// Nothing at all: `[x]()`.
    Empty,
    /// `#fragment`, in the same document; holds the fragment without `#`, as written.
    Fragment(&'a str),
    /// `http:` or `https:`, in any case: the link checker's business.
    Web,
    /// `//host/path`: a web address on the page's own scheme.
    ProtocolRelative,
    /// Any other scheme (`mailto:`, `data:`, `tel:`, `ftp:`...); holds the scheme as written.
    Scheme(&'a str),
    /// A path from the repository root: `/notes/x.md` (or `\notes\x.md`).
    RootedPath,
    /// A path relative to the document: `images/a.png`, `../x.md#top`, `C:\x`.
    RelativePath,
}

/// Classify `dest`.
pub(crate) fn classify(dest: &str) -> Dest<'_> {
    let d = dest.trim();
    if d.is_empty() {
        return Dest::Empty;
    }
    if let Some(f) = d.strip_prefix('#') {
        return Dest::Fragment(f);
    }
    if d.starts_with("//") {
        return Dest::ProtocolRelative;
    }
    if d.starts_with(['/', '\\']) {
        return Dest::RootedPath;
    }
    match scheme(d) {
        Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => Dest::Web,
        Some(s) => Dest::Scheme(s),
        None => Dest::RelativePath,
    }
}

/// The scheme of `dest` as written (`HTTPS` in `HTTPS://x`), per RFC 3986: a
/// letter, then letters, digits, `+`, `-` or `.`, then `:`. At least two
/// characters, so a Windows drive (`C:\x`, `c:/x`) is a path, not a scheme.
pub(crate) fn scheme(dest: &str) -> Option<&str> {
    let (scheme, _) = dest.split_once(':')?;
    let mut bytes = scheme.bytes();
    let first_is_letter = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    (first_is_letter && scheme.len() >= 2 && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)))
        .then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        // from links::scheme_of and rules::local_links::has_scheme
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("HTTP://x"), Some("HTTP"));
        assert_eq!(scheme("mailto:a@b"), Some("mailto"));
        assert_eq!(scheme("mailto:a@b.c"), Some("mailto"));
        assert_eq!(scheme("svn+ssh://h/r"), Some("svn+ssh"));
        assert_eq!(scheme("x-man-page:ls"), Some("x-man-page"));
        assert_eq!(scheme("a.b:c"), Some("a.b"));
        assert_eq!(scheme("notes/202104/0425.md"), None);
        assert_eq!(scheme("#today"), None);
        assert_eq!(scheme("a b:c"), None);
        assert_eq!(scheme("images/a:b.png"), None);
        assert_eq!(scheme("1x:y"), None);
        assert_eq!(scheme(":x"), None);
        assert_eq!(scheme("今日:x"), None);
        // readme::links::has_scheme took a one-letter scheme; a drive is a path.
        assert_eq!(scheme("C:\\x"), None);
        assert_eq!(scheme("c:/x"), None);
        assert_eq!(scheme("C:"), None);
    }

    #[test]
    fn kinds() {
        for (d, want) in [
            ("https://mp.weixin.qq.com/s/abc", Dest::Web),
            ("http://x.cn/a.png", Dest::Web),
            ("HTTPS://X", Dest::Web),
            ("  https://x  ", Dest::Web),
            ("https:", Dest::Web),
            ("//cdn.example.com/x.png", Dest::ProtocolRelative),
            ("mailto:me@example.com", Dest::Scheme("mailto")),
            ("MailTo:me@example.com", Dest::Scheme("MailTo")),
            ("data:image/png;base64,AAAA", Dest::Scheme("data")),
            ("tel:+100", Dest::Scheme("tel")),
            ("ftp://h/f", Dest::Scheme("ftp")),
            ("#paperclip--今日要点", Dest::Fragment("paperclip--今日要点")),
            ("#", Dest::Fragment("")),
            ("", Dest::Empty),
            ("   ", Dest::Empty),
            ("/notes/202104/images/a.png", Dest::RootedPath),
            ("\\notes\\a.md", Dest::RootedPath),
            ("images/0410.png", Dest::RelativePath),
            ("./a.md#top", Dest::RelativePath),
            ("../202103/0321.md#item-2", Dest::RelativePath),
            ("0409.md?plain=1", Dest::RelativePath),
            ("images/a:b.png", Dest::RelativePath),
            ("C:\\x", Dest::RelativePath),
            ("someone@example.com", Dest::RelativePath),
            ("www.example.com", Dest::RelativePath),
        ] {
            assert_eq!(classify(d), want, "{d:?}");
        }
    }
}
