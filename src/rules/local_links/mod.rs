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
mod site;
mod wiki;

use std::path::Path;

use self::anchors::check_fragment;
pub(crate) use self::anchors::{AnchorIndex, AnchorLoader, Anchors};
pub(crate) use self::fs_index::{Found, FsIndex};
pub(crate) use self::schemeless::{bare_url_fix, looks_like_host};
use self::schemeless::{is_email, prefix_fix};
pub(crate) use self::wiki::WikiIndex;
use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::note::parse::{ParseContext, PathMatch, parse_markdown};
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
    /// The static site the repository is the source of, if any.
    site: site::Site,
    /// The repository is a Logseq graph (`logseq/config.edn`): a page that is
    /// referred to but was never written has no file, and is no dead link.
    logseq: bool,
}

impl LocalLinks {
    pub(crate) fn new(root: &Path, loader: AnchorLoader) -> Self {
        LocalLinks {
            fs: FsIndex::new(root),
            anchors: AnchorIndex::new(root, loader),
            wiki: WikiIndex::new(root),
            site: site::Site::detect(root),
            logseq: root.join("logseq/config.edn").is_file(),
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
    crate::suggest::reset_budget();
    // Only a reference definition can sit in Foam's block: the note's text is
    // searched for it at the first one (searched for every note, it was 2% of
    // a lint run).
    let mut foam: Option<Option<std::ops::Range<usize>>> = None;
    for link in &note.links {
        if link.form == LinkForm::Reference
            && foam
                .get_or_insert_with(|| foam_block(note.text()))
                .as_ref()
                .is_some_and(|b| b.contains(&link.dest_span.start))
        {
            continue;
        }
        if link.form == LinkForm::Wiki {
            check_wiki(note, link, cx.local_links, cx.parse, on, &mut own_anchors, out);
        } else {
            check_link(note, link, cx.local_links, on, &mut own_anchors, out);
        }
    }
}

/// Foam's block of link reference definitions restating the note's wiki links
/// (`[//begin]: # "Autogenerated link references ..."` to `[//end]: # ...`),
/// written without extensions by default: the wiki links themselves are checked.
fn foam_block(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text
        .find("\n[//begin]: #")
        .map(|i| i + 1)
        .or_else(|| text.starts_with("[//begin]: #").then_some(0))?;
    let end = text[start..].find("\n[//end]: #").map_or(text.len(), |i| start + i + 1);
    Some(start..end)
}

fn check_link(
    note: &Note,
    link: &Link,
    cx: &LocalLinks,
    on: Enabled,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
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
            None => {
                let site =
                    if path.starts_with('/') { cx.site.verdict(&cx.fs, &file.path, &parts) } else { None };
                match site {
                    Some(site::Verdict::Fine) => return,
                    Some(site::Verdict::Missing(help)) => {
                        missing_file(note, link, &path, &parts, None, cx).with_help(help)
                    }
                    None => missing_file(note, link, &path, &parts, suggestion.as_deref(), cx),
                }
            }
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
fn check_wiki<'a>(
    note: &'a Note,
    link: &'a Link,
    cx: &LocalLinks,
    parse: &ParseContext,
    on: Enabled,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
    let split = |dest: &'a str| match dest.split_once('#') {
        Some((t, h)) => (t.trim(), Some(h.trim())),
        None => (dest.trim(), None),
    };
    let (mut target, mut heading) = split(&link.dest);
    // Dendron writes the label first, `[[label|dev.rust.traits]]`: when the
    // first part names no file and the second does, the second is the target.
    if !target.is_empty()
        && link.text != link.dest
        && cx.wiki.resolve(target, parent_dir(&note.file.path)).is_none()
        && let (t, h) = split(&link.text)
        && !t.is_empty()
        && cx.wiki.resolve(t, parent_dir(&note.file.path)).is_some()
    {
        (target, heading) = (t, h);
    }
    // Obsidian's `#^block` references name no heading.
    let fragment = heading.filter(|h| !h.starts_with('^')).map(crate::util::slug::slug);
    if target.is_empty() {
        if let (Some(f), true) = (fragment, on.missing_anchor) {
            check_own_fragment(note, link, &f, own_anchors, out);
        }
        return;
    }
    let Some(path) = cx.wiki.resolve(target, parent_dir(&note.file.path)) else {
        // A day of the linking note's set not written (yet): the "next day" link
        // of a daily note, which Obsidian creates on a click.
        let day = parse.classify(&join(parent_dir(&note.file.path), &format!("{target}.md")));
        // In month folders the next month's first day only disagrees with the folder.
        let unwritten_day = matches!(&day, Some((_, PathMatch::Matched(c))) if c.date.is_some())
            || matches!(
                day,
                Some((_, PathMatch::BadDate(crate::pattern::DateMismatch::Inconsistent { .. })))
            );
        if on.missing_file && !cx.logseq && !unwritten_day {
            let file = &note.file;
            // `image.png` names a file, `daily.journal.2024.01.01` a note.
            let name = match target.rsplit_once('.') {
                Some((_, ext)) if schemeless::is_file_extension(ext) => target.to_owned(),
                _ => format!("{target}.md"),
            };
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
mod tests;
