//! Local link rules: everything about a link target that can be checked without
//! the network — a web address missing its scheme, an e-mail address missing
//! `mailto:`, a relative path to a file that does not exist, a `#fragment` that
//! names no heading, a path that climbs out of the repository.
//!
//! The five rules share one pass over a note's links (this file). The file
//! system is read through an [`FsIndex`] that lists each directory once and
//! compares names exactly (GitHub is case-sensitive even when the disk is not),
//! and Markdown targets of `#fragment` links are parsed once through an
//! [`AnchorIndex`]; both are shared by every note of a run.

mod anchors;
mod fs_index;
mod schemeless;
mod wiki;

use std::path::Path;

use self::anchors::check_fragment;
pub(crate) use self::anchors::{AnchorIndex, AnchorLoader, Anchors};
pub(crate) use self::fs_index::{Found, FsIndex};
pub(crate) use self::schemeless::{bare_url_fix, looks_like_host};
use self::schemeless::{is_email, prefix_fix};
pub(crate) use self::wiki::WikiIndex;
use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::note::parse::{ParseContext, parse_markdown};
use crate::note::{Link, LinkForm, LinkKind, Note};
use crate::rules::{Check, RuleContext, RuleInfo};
use crate::util::percent::percent_decode;
use crate::util::url::{Dest, classify};

pub(crate) const BARE_URL: RuleInfo = RuleInfo {
    name: "bare-url",
    summary: "A link target is a web address without a scheme (`arxiv.org/abs/...`), which GitHub resolves as a file path.",
    docs: include_str!("../../../docs/rules/bare-url.md"),
    default_severity: Severity::Error,
};

pub(crate) const MAILTO: RuleInfo = RuleInfo {
    name: "mailto",
    summary: "A link target is an e-mail address without `mailto:`.",
    docs: include_str!("../../../docs/rules/mailto.md"),
    default_severity: Severity::Error,
};

pub(crate) const MISSING_FILE: RuleInfo = RuleInfo {
    name: "missing-file",
    summary: "A relative link or image (Markdown, or raw HTML `src`/`href`) points at a file that does not exist.",
    docs: include_str!("../../../docs/rules/missing-file.md"),
    default_severity: Severity::Error,
};

pub(crate) const MISSING_ANCHOR: RuleInfo = RuleInfo {
    name: "missing-anchor",
    summary: "A `#fragment` names no heading of the target Markdown file (or of the same file for `#x` links).",
    docs: include_str!("../../../docs/rules/missing-anchor.md"),
    default_severity: Severity::Error,
};

pub(crate) const OUTSIDE_REPO: RuleInfo = RuleInfo {
    name: "outside-repo",
    summary: "A relative link climbs out of the repository root with `..`, or a `file:` link names the writer's disk.",
    docs: include_str!("../../../docs/rules/outside-repo.md"),
    default_severity: Severity::Error,
};

/// Shared state of the local link rules for one run.
#[derive(Debug)]
pub(crate) struct LocalLinks {
    pub(crate) fs: FsIndex,
    pub(crate) anchors: AnchorIndex,
    /// Files by name, for wiki links.
    pub(crate) wiki: WikiIndex,
}

impl LocalLinks {
    pub(crate) fn new(root: &Path, loader: AnchorLoader) -> Self {
        LocalLinks {
            fs: FsIndex::new(root),
            anchors: AnchorIndex::new(root, loader),
            wiki: WikiIndex::new(root),
        }
    }

    /// The state for one run over the repository at `root`: targets of
    /// `#fragment` links are parsed with the run's parser settings.
    pub(crate) fn for_repo(root: &Path, parse: &ParseContext) -> Self {
        let parse = parse.clone();
        let abs_root = root.to_path_buf();
        let loader: AnchorLoader = Box::new(move |rel, text| {
            let note = parse_markdown(SourceFile::new(rel, abs_root.join(rel), text), &parse);
            Anchors::from_headings(&note.headings, note.text())
        });
        LocalLinks::new(root, loader)
    }
}

/// The folder of a `/`-separated repository path (`notes/202104/0410.md` -> `notes/202104`).
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Join and normalize lexically. `Err(())` when `..` climbs above the root.
pub(crate) fn resolve<'a>(base_dir: &'a str, path: &'a str) -> Result<Vec<&'a str>, ()> {
    let mut parts: Vec<&str> = Vec::new();
    let (start, rel) = match path.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (base_dir, path),
    };
    for c in start.split('/').chain(rel.split('/')) {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(());
                }
            }
            c => parts.push(c),
        }
    }
    Ok(parts)
}

fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// The local link rules.
pub(crate) struct LocalLinkRules;
impl Check for LocalLinkRules {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&BARE_URL, &MAILTO, &MISSING_FILE, &MISSING_ANCHOR, &OUTSIDE_REPO]
    }
    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check(note, cx, out);
    }
    fn check_readme(&self, readme: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check(readme, cx, out);
    }
}

/// Which local link rules report, looked up once per note.
#[derive(Debug, Clone, Copy)]
struct Enabled {
    bare_url: bool,
    mailto: bool,
    missing_file: bool,
    missing_anchor: bool,
    outside_repo: bool,
}

/// Check every link of a note (or of the README) that does not leave for the web.
fn check(note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let on = Enabled {
        bare_url: cx.enabled(&BARE_URL),
        mailto: cx.enabled(&MAILTO),
        missing_file: cx.enabled(&MISSING_FILE),
        missing_anchor: cx.enabled(&MISSING_ANCHOR),
        outside_repo: cx.enabled(&OUTSIDE_REPO),
    };
    let mut own_anchors: Option<Anchors> = None;
    for link in &note.links {
        check_link(note, link, cx.local_links, on, &mut own_anchors, out);
    }
}

fn check_link(
    note: &Note,
    link: &Link,
    cx: &LocalLinks,
    on: Enabled,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
    if link.form == LinkForm::Wiki {
        check_wiki(note, link, cx, on, own_anchors, out);
        return;
    }
    // Web addresses are the link checker's business, other schemes nobody's.
    match classify(&link.dest) {
        // A `file:` address names the writer's own disk: like a `..` climb, it
        // finds nothing on GitHub or in any clone (and nothing is ever read from it).
        Dest::Scheme(s) if s.eq_ignore_ascii_case("file") => {
            if on.outside_repo {
                out.push(file_url(note, link));
            }
            return;
        }
        Dest::Empty | Dest::Web | Dest::ProtocolRelative | Dest::Scheme(_) => return,
        Dest::Fragment(fragment) => {
            if on.missing_anchor {
                check_own_fragment(note, link, fragment, own_anchors, out);
            }
            return;
        }
        Dest::RootedPath | Dest::RelativePath => {}
    }
    let file = &note.file;
    let dest = link.dest.trim();
    if is_email(dest) {
        if on.mailto && link.kind != LinkKind::Autolink {
            out.push(
                file.diag(
                    MAILTO.name,
                    MAILTO.default_severity,
                    link.dest_span.clone(),
                    format!("`{dest}` is an e-mail address without `mailto:`"),
                )
                .with_label("opens as a file path, not a mail client")
                .with_help(format!(
                    "write `mailto:{dest}`; without the scheme GitHub treats the address as a file next to this note"
                ))
                .with_fix_if(prefix_fix(file, link, "mailto:")),
            );
        }
        return;
    }

    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let (raw_path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    if raw_path.is_empty() {
        return;
    }
    let path = percent_decode(raw_path).into_owned();
    let base = parent_dir(&file.path);
    let bare = bare_url_fix(dest);
    let Ok(parts) = resolve(base, &path) else {
        if on.outside_repo {
            out.push(outside_repo(note, link, &path));
        }
        return;
    };
    if !(on.bare_url || on.missing_file || on.missing_anchor) {
        return;
    }
    let found = cx.fs.lookup(&parts);
    if let Found::Missing { suggestion } = &found {
        let d = match bare {
            Some(_) if !on.bare_url => return,
            None if !on.missing_file => return,
            Some(fix) => file
                .diag(
                    BARE_URL.name,
                    BARE_URL.default_severity,
                    link.dest_span.clone(),
                    format!("`{dest}` is a web address without a scheme"),
                )
                .with_label("resolved as a file path relative to this file")
                .with_help(format!(
                    "write `{fix}`; without `https://` GitHub opens `{}` in this repository, a 404",
                    join(base, dest)
                ))
                .with_fix_if(prefix_fix(file, link, "https://")),
            None => missing_file(note, link, &path, &parts, suggestion.as_deref(), cx),
        };
        out.push(d);
        return;
    }

    let (Some(fragment), Found::File, true) = (fragment, &found, on.missing_anchor) else {
        return;
    };
    let target = parts.join("/");
    if !is_markdown(&target) || query.is_some_and(|q| q.split('&').any(|kv| kv == "plain=1")) {
        return;
    }
    if target == file.path {
        check_own_fragment(note, link, fragment, own_anchors, out);
    } else if let Some(anchors) = cx.anchors.get(&target) {
        check_fragment(note, link, fragment, &anchors, Some(&target), out);
    }
}

/// A wiki link: the note (or file) it names must exist, its `#Heading` be one
/// of the target's headings.
fn check_wiki(
    note: &Note,
    link: &Link,
    cx: &LocalLinks,
    on: Enabled,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
    let (target, heading) = match link.dest.split_once('#') {
        Some((t, h)) => (t.trim(), Some(h.trim())),
        None => (link.dest.trim(), None),
    };
    // Obsidian's `#^block` references name no heading.
    let fragment = heading.filter(|h| !h.starts_with('^')).map(crate::util::slug::slug);
    if target.is_empty() {
        if let (Some(f), true) = (fragment, on.missing_anchor) {
            check_own_fragment(note, link, &f, own_anchors, out);
        }
        return;
    }
    let Some(path) = cx.wiki.resolve(target, parent_dir(&note.file.path)) else {
        if on.missing_file {
            let file = &note.file;
            let name = if target.contains('.') { target.to_owned() } else { format!("{target}.md") };
            out.push(
                file.diag(
                    MISSING_FILE.name,
                    MISSING_FILE.default_severity,
                    link.dest_span.clone(),
                    format!("no file is named `{name}` for the wiki link `[[{}]]`", link.dest),
                )
                .with_label("no such note")
                .with_help(format!(
                    "create `{name}`, or fix the name: a wiki link names a file anywhere in the repository, case aside"
                )),
            );
        }
        return;
    };
    if let (Some(f), true) = (fragment, on.missing_anchor)
        && is_markdown(&path)
    {
        if path == note.file.path {
            check_own_fragment(note, link, &f, own_anchors, out);
        } else if let Some(anchors) = cx.anchors.get(&path) {
            check_fragment(note, link, &f, &anchors, Some(&path), out);
        }
    }
}

/// A fragment that points into the note itself: its headings' anchors, computed
/// once per note and only when a link needs them.
fn check_own_fragment(
    note: &Note,
    link: &Link,
    fragment: &str,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
    let anchors = own_anchors.get_or_insert_with(|| Anchors::from_headings(&note.headings, note.text()));
    check_fragment(note, link, fragment, anchors, None, out);
}

fn join(base: &str, rel: &str) -> String {
    if base.is_empty() { rel.to_owned() } else { format!("{base}/{rel}") }
}

fn outside_repo(note: &Note, link: &Link, path: &str) -> Diagnostic {
    let depth = parent_dir(&note.file.path).split('/').filter(|s| !s.is_empty()).count();
    let root_hint = match depth {
        0 => "this file is at the repository root, so no `..` is needed".to_owned(),
        1 => "from this file one `../` reaches the repository root".to_owned(),
        n => format!("from this file {n} `../` reach the repository root"),
    };
    note.file
        .diag(
            OUTSIDE_REPO.name,
            OUTSIDE_REPO.default_severity,
            link.dest_span.clone(),
            format!("`{path}` climbs out of the repository"),
        )
        .with_label("above the repository root")
        .with_help(format!(
            "{root_hint}; GitHub and every clone only have what is inside the repository: copy the file \
             in, or link a GitHub page with its full `https://` address"
        ))
}

fn file_url(note: &Note, link: &Link) -> Diagnostic {
    let dest = link.dest.trim();
    note.file
        .diag(
            OUTSIDE_REPO.name,
            OUTSIDE_REPO.default_severity,
            link.dest_span.clone(),
            format!("`{dest}` points at a file on the writer's own disk"),
        )
        .with_label("outside the repository")
        .with_help(
            "readers on GitHub and in clones cannot open a `file:` address: copy the file into the \
             repository and link it with a relative path, or link its `https://` address",
        )
}

fn missing_file(
    note: &Note,
    link: &Link,
    path: &str,
    parts: &[&str],
    suggestion: Option<&str>,
    cx: &LocalLinks,
) -> Diagnostic {
    let file = &note.file;
    let resolved = parts.join("/");
    let what = match link.kind {
        LinkKind::Image | LinkKind::HtmlSrc => "image",
        _ => "file",
    };
    let base = parent_dir(&file.path);
    let mut help = match suggestion {
        Some(s) if s.to_lowercase() == resolved.to_lowercase() => format!(
            "the file is `{s}`: names differ in case, and GitHub is case-sensitive even where your disk is not"
        ),
        Some(s) => format!("did you mean `{}`?", relative_from(base, s)),
        None => {
            // A path written as if from the repository root, in a note in a subfolder.
            let from_root: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
            let at_root = !path.starts_with('/')
                && !base.is_empty()
                && !from_root.contains(&"..")
                && !from_root.is_empty()
                && !matches!(cx.fs.lookup(&from_root), Found::Missing { .. });
            if at_root {
                format!(
                    "paths are relative to this file's folder `{base}/`; `{}` exists at the repository root: write `/{}`",
                    from_root.join("/"),
                    from_root.join("/")
                )
            } else if path.starts_with('/') {
                format!("a leading `/` means the repository root: `{resolved}` does not exist")
            } else if base.is_empty() {
                format!("no `{resolved}` in the repository")
            } else {
                format!(
                    "the path is relative to this file's folder and resolves to `{resolved}`, which does not exist"
                )
            }
        }
    };
    if path.contains('\\') {
        help.push_str("; use `/` to separate folders, not `\\`");
    }
    file.diag(
        MISSING_FILE.name,
        MISSING_FILE.default_severity,
        link.dest_span.clone(),
        format!("{what} `{path}` does not exist"),
    )
    .with_label(format!("no such {what}"))
    .with_help(help)
}

/// `notes/202104/0410.md` written from `notes/202105` -> `../202104/0410.md`.
fn relative_from(base: &str, target: &str) -> String {
    let b: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = target.split('/').collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend(&t[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::test_support::{at, run_in, spanned, with_fixes};

    /// A repository with two notes, an image folder and a README.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("notes/202104/images")).unwrap();
        std::fs::create_dir_all(p.join("notes/202105")).unwrap();
        std::fs::create_dir_all(p.join("images")).unwrap();
        std::fs::write(p.join("notes/202104/images/0410.png"), "").unwrap();
        std::fs::write(p.join("notes/202104/images/图 1.png"), "").unwrap();
        std::fs::write(p.join("images/logo.png"), "").unwrap();
        std::fs::write(
            p.join("notes/202104/0410.md"),
            "# 公众号内容拓展学习笔记（2021.4.10）\n\n## :paperclip:  今日要点\n\n<a name=\"extra\"></a>\n## :paperclip:  Others\n",
        )
        .unwrap();
        std::fs::write(p.join("notes/202105/0510.md"), "# x\n").unwrap();
        std::fs::write(p.join("README.md"), "# readme\n").unwrap();
        dir
    }

    fn lint(rule: &RuleInfo, dir: &tempfile::TempDir, path: &str, text: &str) -> Vec<Diagnostic> {
        run_in(rule, &Config::default(), dir.path(), path, text)
    }

    const NOTE: &str = "notes/202104/0411.md";

    #[test]
    fn existing_targets_pass_every_rule() {
        let dir = repo();
        let text = "# t\n\n## Sec One\n\n\
            [a](0410.md) [b](./0410.md#paperclip--今日要点) [c](images/0410.png?raw=true) \
            [d](images/%E5%9B%BE%201.png) [e](../202105/0510.md) [f](/images/logo.png) [g](../../README.md) \
            [h](#sec-one) [i](0410.md#extra) [j](#) [k](#top) [l](../202104/) [m](https://example.com) \
            <me@example.com> [n](mailto:me@example.com) [o](0410.md#%E4%BB%8A%E6%97%A5) [p](notes.txt#L3)\n\
            <img src=\"images/0410.png\"> <a href=\"0410.md\">x</a>\n";
        std::fs::write(dir.path().join("notes/202104/notes.txt"), "").unwrap();
        for rule in [&BARE_URL, &MAILTO, &MISSING_FILE, &OUTSIDE_REPO] {
            assert!(
                lint(rule, &dir, NOTE, text).is_empty(),
                "{}: {:?}",
                rule.name,
                lint(rule, &dir, NOTE, text)
            );
        }
        // `#今日` is not an anchor of 0410.md: the only finding of the lot.
        let d = lint(&MISSING_ANCHOR, &dir, NOTE, text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(spanned(text, &d[0]), "0410.md#%E4%BB%8A%E6%97%A5");
    }

    #[test]
    fn web_addresses_without_a_scheme() {
        let dir = repo();
        let text = "- Paper: [p](arxiv.org/abs/2111.08687)\n- <a href=\"microsoft.careers.com\">jobs</a>\n- [q](0412.md)\n";
        let d = lint(&BARE_URL, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 14), (2, 12)], "{d:?}");
        assert_eq!(spanned(text, &d[0]), "arxiv.org/abs/2111.08687");
        assert_eq!(d[0].message, "`arxiv.org/abs/2111.08687` is a web address without a scheme");
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "write `https://arxiv.org/abs/2111.08687`; without `https://` GitHub opens \
                 `notes/202104/arxiv.org/abs/2111.08687` in this repository, a 404"
            )
        );
        assert!(d[1].help.as_deref().unwrap().starts_with("write `https://microsoft.careers.com`"));
        let fixes: Vec<_> = d.iter().map(|d| d.fix.as_ref().expect("a fix")).collect();
        let fixed = with_fixes(text, &fixes);
        assert!(
            fixed.starts_with(
                "- Paper: [p](https://arxiv.org/abs/2111.08687)\n- <a href=\"https://microsoft.careers.com\">"
            ),
            "{fixed}"
        );
        // `0412.md` is a missing file, not a web address.
        assert_eq!(at(&lint(&MISSING_FILE, &dir, NOTE, text)), [(3, 7)]);
    }

    #[test]
    fn e_mail_addresses_need_mailto() {
        let dir = repo();
        let text = "[mail](author@example.com) <author@example.com> [ok](mailto:author@example.com)\n";
        let d = lint(&MAILTO, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 8)]);
        assert!(d[0].help.as_deref().unwrap().starts_with("write `mailto:author@example.com`"));
        let fixed = with_fixes(text, &[d[0].fix.as_ref().unwrap()]);
        assert!(fixed.starts_with("[mail](mailto:author@example.com) <author"), "{fixed}");
        assert!(lint(&MISSING_FILE, &dir, NOTE, text).is_empty(), "an address is not also a missing file");
    }

    #[test]
    fn missing_files_with_suggestions() {
        let dir = repo();
        let text = "![x](images/0410.PNG)\n<img src=\"images/0409.png\">\n[y](../202105/05010.md)\n[z](images/logo.png)\n[w](/nope/x.md)\n";
        let d = lint(&MISSING_FILE, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 6), (2, 11), (3, 5), (4, 5), (5, 5)], "{d:?}");
        assert_eq!(d[0].message, "image `images/0410.PNG` does not exist");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("the file is `notes/202104/images/0410.png`: names differ in case")
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some(
                "the path is relative to this file's folder and resolves to `notes/202104/images/0409.png`, which does not exist"
            )
        );
        assert_eq!(d[2].message, "file `../202105/05010.md` does not exist");
        assert_eq!(d[2].help.as_deref(), Some("did you mean `../202105/0510.md`?"));
        assert!(
            d[3].help
                .as_deref()
                .unwrap()
                .contains("`images/logo.png` exists at the repository root: write `/images/logo.png`")
        );
        assert!(d[4].help.as_deref().unwrap().starts_with("a leading `/` means the repository root"));
    }

    #[test]
    fn the_readme_resolves_from_the_root() {
        let dir = repo();
        let text =
            "1. <a href=\"notes/202104/0410.md\">ok</a>\n2. <a href=\"notes/202105/05010.md\">typo</a>\n";
        let d = lint(&MISSING_FILE, &dir, "README.md", text);
        assert_eq!(at(&d), [(2, 13)], "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `notes/202105/0510.md`?"));
    }

    #[test]
    fn fragments_must_name_a_heading() {
        let dir = repo();
        let text = "# T\n\n## :paperclip:  今日要点\n\n[a](#今日要点) [b](#Paperclip--今日要点) [c](0410.md#others) [d](#nothing-like-it)\n";
        let d = lint(&MISSING_ANCHOR, &dir, NOTE, text);
        assert_eq!(at(&d), [(5, 5), (5, 16), (5, 38), (5, 58)], "{d:?}");
        assert_eq!(d[0].message, "no heading in this file has the anchor `#今日要点`");
        assert!(
            d[0].help.as_deref().unwrap().starts_with("did you mean `#paperclip--今日要点`?"),
            "{:?}",
            d[0].help
        );
        assert_eq!(d[1].help.as_deref(), Some("write `#paperclip--今日要点`: heading anchors are lowercase"));
        assert_eq!(d[2].message, "no heading in `notes/202104/0410.md` has the anchor `#others`");
        assert!(d[2].help.as_deref().unwrap().contains("`#paperclip--others`"), "{:?}", d[2].help);
        assert!(
            d[3].help
                .as_deref()
                .unwrap()
                .starts_with("the anchors of this file are `#t`, `#paperclip--今日要点`")
        );
    }

    #[test]
    fn paths_that_climb_out_of_the_repository() {
        let dir = repo();
        let text = "![x](../../../shared/a.png) [ok](../../README.md)\n";
        let d = lint(&OUTSIDE_REPO, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 6)]);
        assert_eq!(d[0].message, "`../../../shared/a.png` climbs out of the repository");
        assert!(
            d[0].help.as_deref().unwrap().starts_with("from this file 2 `../` reach the repository root")
        );
        assert!(lint(&MISSING_FILE, &dir, NOTE, text).is_empty(), "reported once, as outside-repo");
    }

    #[test]
    fn file_urls_point_at_the_writers_disk() {
        let dir = repo();
        let text = "[passwd](file:///etc/passwd) ![x](FILE://C:/Users/me/a.png) [ok](ftp://h/x)\n";
        let d = lint(&OUTSIDE_REPO, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 10), (1, 35)], "{d:?}");
        assert_eq!(d[0].message, "`file:///etc/passwd` points at a file on the writer's own disk");
        assert!(d[0].help.as_deref().unwrap().contains("relative path"), "{:?}", d[0].help);
    }

    #[test]
    fn bare_urls_and_paths() {
        assert_eq!(
            bare_url_fix("arxiv.org/abs/2111.08687").as_deref(),
            Some("https://arxiv.org/abs/2111.08687")
        );
        assert_eq!(bare_url_fix("microsoft.careers.com").as_deref(), Some("https://microsoft.careers.com"));
        assert_eq!(bare_url_fix("www.example.md").as_deref(), Some("https://www.example.md"));
        assert_eq!(bare_url_fix("docs.rs/regex").as_deref(), Some("https://docs.rs/regex"));
        assert_eq!(bare_url_fix("127.0.0.1:8080/x").as_deref(), Some("https://127.0.0.1:8080/x"));
        for path in [
            "images/a.png",
            "0410.md",
            "README.md",
            "a.png",
            "../x.md",
            "./a.png",
            "notes/202104/0410.md",
            "v1.2",
            "x",
        ] {
            assert_eq!(bare_url_fix(path), None, "{path}");
        }
    }

    #[test]
    fn schemes_and_emails() {
        assert!(is_email("author@example.com"));
        assert!(is_email("a.b+c@mail.example.org?subject=hi"));
        assert!(!is_email("images/a@2x.png"));
        assert!(!is_email("@example.com"));
    }

    #[test]
    fn resolve_paths() {
        assert_eq!(resolve("notes/202104", "images/a.png"), Ok(vec!["notes", "202104", "images", "a.png"]));
        assert_eq!(resolve("notes/202104", "../202103/./0321.md"), Ok(vec!["notes", "202103", "0321.md"]));
        assert_eq!(resolve("notes/202104", "/README.md"), Ok(vec!["README.md"]));
        assert_eq!(resolve("notes/202104", "../../README.md"), Ok(vec!["README.md"]));
        assert_eq!(resolve("notes/202104", "../../../x.png"), Err(()));
        assert_eq!(resolve("", "../x.png"), Err(()));
    }

    #[test]
    fn relative_suggestions() {
        assert_eq!(relative_from("notes/202105", "notes/202105/0510.md"), "0510.md");
        assert_eq!(relative_from("notes/202105", "notes/202104/0410.md"), "../202104/0410.md");
        assert_eq!(relative_from("", "notes/202105/0510.md"), "notes/202105/0510.md");
    }
}
