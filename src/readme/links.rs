//! Rewriting relative links copied from a note so they resolve from the README.
//!
//! `images/0410.png` written in `notes/202104/0410.md` becomes
//! `notes/202104/images/0410.png` in a README at the repository root (and
//! `../notes/202104/images/0410.png` in `docs/README.md`). Only the path part is
//! rewritten; a `?query` or `#fragment` after it is kept as written. Left exactly
//! as written: URLs with a scheme (`https:`, `mailto:`, `data:`...),
//! protocol-relative `//host/...`, repository-absolute `/path` (GitHub resolves
//! those from the repository root wherever they appear) and pure `#fragments`.

/// True when `dest` must be left alone: everything but a relative path (a
/// Windows drive, `C:\x`, is one: no one-letter scheme exists).
pub(crate) fn is_absolute(dest: &str) -> bool {
    !matches!(crate::util::url::classify(dest), crate::util::url::Dest::RelativePath)
}

/// `path` as a bare Markdown link destination, changed only where Markdown
/// would end or misread it: spaces, controls, `<`, `>`, `\\`, `#`, `?` and `%`
/// (so a `%20` in a file name stays one) percent-encoded, parentheses too
/// when they do not balance; non-ASCII and balanced parentheses as written.
pub(crate) fn md_dest(path: &str) -> String {
    let mut depth = 0i64;
    let mut balanced = true;
    for c in path.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                balanced &= depth >= 0;
            }
            _ => {}
        }
    }
    balanced &= depth == 0;
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let escape = c.is_control()
            || matches!(c, ' ' | '<' | '>' | '\\' | '#' | '?' | '%')
            || (!balanced && matches!(c, '(' | ')'));
        if escape {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Split a path into `/`-separated segments, resolving `.` and `..`. Leading
/// `..` that climb above the start are kept.
fn push_segments(out: &mut Vec<String>, path: &str) {
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|s| s != "..") {
                    out.pop();
                } else {
                    out.push("..".to_owned());
                }
            }
            s => out.push(s.to_owned()),
        }
    }
}

/// The directory part of a `/`-separated repository path (`notes/202104` for
/// `notes/202104/0410.md`, `` for `README.md`).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

/// Rewrite `dest`, written in a document in directory `from_dir`, so that it
/// points at the same target from a document in directory `to_dir` (both
/// `/`-separated and relative to the repository root). Returns `None` when the
/// link is left as written (absolute, a fragment, or nothing would change).
pub(crate) fn rebase(dest: &str, from_dir: &str, to_dir: &str) -> Option<String> {
    if is_absolute(dest) {
        return None;
    }
    let cut = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(cut);
    if path.is_empty() {
        return None;
    }
    let mut target = Vec::new();
    push_segments(&mut target, from_dir);
    push_segments(&mut target, path);
    let mut base = Vec::new();
    push_segments(&mut base, to_dir);
    // Walk up from `to_dir` to the common prefix, then down to the target.
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b && *a != "..").count();
    let mut parts: Vec<&str> = vec![".."; base.len() - common];
    parts.extend(target[common..].iter().map(String::as_str));
    let mut out = parts.join("/");
    if out.is_empty() {
        out.push('.');
    }
    if path.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(suffix);
    (out != dest).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_dest_escapes_only_what_markdown_needs() {
        assert_eq!(md_dest("2023 (Sem 5)/今天.md"), "2023%20(Sem%205)/今天.md");
        assert_eq!(md_dest("a)b(.md"), "a%29b%28.md");
        assert_eq!(md_dest("100%.md"), "100%25.md");
        assert_eq!(md_dest("<x>#y?.md"), "%3Cx%3E%23y%3F.md");
        assert_eq!(md_dest("plain/path.md"), "plain/path.md");
    }

    #[test]
    fn rebases_relative_paths() {
        let r = |d: &str| rebase(d, "notes/202104", "");
        assert_eq!(r("images/0410.png").as_deref(), Some("notes/202104/images/0410.png"));
        assert_eq!(r("./images/0410.png").as_deref(), Some("notes/202104/images/0410.png"));
        assert_eq!(r("../202103/0321.md#item-2").as_deref(), Some("notes/202103/0321.md#item-2"));
        assert_eq!(r("0409.md?plain=1").as_deref(), Some("notes/202104/0409.md?plain=1"));
        assert_eq!(r("images/").as_deref(), Some("notes/202104/images/"));
        assert_eq!(r("../../README.md").as_deref(), Some("README.md"));
        assert_eq!(r("../../../outside.md").as_deref(), Some("../outside.md"));
    }

    #[test]
    fn readme_in_a_subfolder() {
        assert_eq!(
            rebase("images/a.png", "notes/202104", "docs").as_deref(),
            Some("../notes/202104/images/a.png")
        );
        assert_eq!(rebase("../../docs/x.md", "notes/202104", "docs").as_deref(), Some("x.md"));
        assert_eq!(rebase("a.png", "notes", "notes").as_deref(), None);
    }

    #[test]
    fn leaves_absolute_links_alone() {
        for d in [
            "https://mp.weixin.qq.com/s/abc",
            "http://x.cn/a.png",
            "mailto:me@example.com",
            "data:image/png;base64,AAAA",
            "//cdn.example.com/x.png",
            "/notes/202104/images/a.png",
            "#paperclip--今日要点",
            "",
            "tel:+100",
        ] {
            assert_eq!(rebase(d, "notes/202104", ""), None, "{d}");
        }
    }
}
