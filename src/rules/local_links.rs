//! Local link rules: everything about a link target that can be checked without
//! the network — a web address missing its scheme, an e-mail address missing
//! `mailto:`, a relative path to a file that does not exist, a `#fragment` that
//! names no heading, a path that climbs out of the repository.
//!
//! The file system is read through an [`FsIndex`] that lists each directory once
//! and compares names exactly (GitHub is case-sensitive even when the disk is
//! not), and Markdown targets of `#fragment` links are parsed once through an
//! [`AnchorIndex`]; both are shared by every note of a run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;

use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::note::parse::{ParseContext, parse_markdown};
use crate::note::{Heading, Link, LinkKind, Note};
use crate::rules::{Rule, RuleContext, RuleInfo};

pub const BARE_URL: RuleInfo = RuleInfo {
    name: "bare-url",
    summary: "A link target is a web address without a scheme (`arxiv.org/abs/...`), which GitHub resolves as a file path.",
    docs: r#"## What it checks

A link or image target that starts with a host name — `arxiv.org/abs/2111.08687`,
`www.example.com`, `microsoft.careers.com` — but has no `https://` in front. Paths that exist
in the repository, and names that end like files (`0410.md`, `a.png`), are not reported.

## Why it matters

Without a scheme, a browser and GitHub treat the target as a path relative
to the note: `[paper](arxiv.org/abs/2111.08687)` in `notes/202104/0410.md` opens
`.../notes/202104/arxiv.org/abs/2111.08687` on GitHub, a 404. The link looks right in the
source and is broken for every reader.

## Example

Failing:

```markdown
   - Paper: [A paper](arxiv.org/abs/2111.08687)
```

Fixed:

```markdown
   - Paper: [A paper](https://arxiv.org/abs/2111.08687)
```

## Configuration

Only the severity: `rules: { bare-url: warning }`.
"#,
    default_severity: Severity::Error,
};

pub const MAILTO: RuleInfo = RuleInfo {
    name: "mailto",
    summary: "A link target is an e-mail address without `mailto:`.",
    docs: r#"## What it checks

A link whose target is an e-mail address (`[mail me](me@example.com)`,
`<a href="me@example.com">`) but does not start with `mailto:`. Autolinks written as
`<me@example.com>` are fine: Markdown adds the `mailto:` itself.

## Why it matters

Without the scheme the address is a relative file path: clicking it on
GitHub opens a 404 page instead of a mail client.

## Example

Failing:

```markdown
- 联系作者：[邮件](author@example.com)
```

Fixed:

```markdown
- 联系作者：[邮件](mailto:author@example.com)
```

## Configuration

Only the severity.
"#,
    default_severity: Severity::Error,
};

pub const MISSING_FILE: RuleInfo = RuleInfo {
    name: "missing-file",
    summary: "A relative link or image (Markdown, or raw HTML `src`/`href`) points at a file that does not exist.",
    docs: r#"## What it checks

Every relative link target — `[text](path)`, `![alt](path)`, and the
`src`/`href` of raw HTML such as `<img src="images/1126.png">` — in the notes and in the
README must name a file or folder of the repository. The path is resolved from the folder of
the file it is written in (a leading `/` means the repository root, as on GitHub), after
percent-decoding (`%20` is a space); `?query` and `#fragment` are ignored. Names are compared
exactly, because GitHub is case-sensitive even when your disk is not. When a close name
exists (`0410.md` for `04010.md`, `Image.png` for `image.png`), the help offers it.

## Why it matters

A moved or misspelled image shows as a broken icon; a README history entry
pointing at a note that is not there is a 404. Both happen silently when files are renamed
by hand.

## Example

Failing:

```markdown
<div align=center><img src="images/1126.PNG"></div>
- [2021.5.10](notes/202105/05010.md)
```

Fixed:

```markdown
<div align=center><img src="images/1126.png"></div>
- [2021.5.10](notes/202105/0510.md)
```

## Configuration

`ignore` globs exclude whole files from linting; the rule itself has only its
severity.
"#,
    default_severity: Severity::Error,
};

pub const MISSING_ANCHOR: RuleInfo = RuleInfo {
    name: "missing-anchor",
    summary: "A `#fragment` names no heading of the target Markdown file (or of the same file for `#x` links).",
    docs: r##"## What it checks

A link with a fragment — `[today](#paperclip--今日要点)` inside a note, or
`[x](../202104/0410.md#paperclip--others)` to another Markdown file — must name an anchor the
target really has: the GitHub-style slug of one of its headings (lowercased, punctuation
dropped, spaces turned into `-`, `-1`, `-2` appended to repeated headings) or an explicit
`id`/`name` attribute in raw HTML. Fragments are percent-decoded before comparing.
`#top` and line anchors (`#L10`) on non-Markdown files are not checked.

## Why it matters

A dead fragment does not 404 — the page opens at the top — so nobody
notices that the table of contents or a cross-reference stopped working after a heading was
renamed.

## Example

Failing:

```markdown
## :paperclip:  今日要点
...
[back to today's notes](#今日要点)
```

Fixed:

```markdown
[back to today's notes](#paperclip--今日要点)
```

## Configuration

Only the severity.
"##,
    default_severity: Severity::Error,
};

pub const OUTSIDE_REPO: RuleInfo = RuleInfo {
    name: "outside-repo",
    summary: "A relative link climbs out of the repository root with `..`.",
    docs: r#"## What it checks

A relative link or image whose `..` segments climb above the repository
root, e.g. `../../../images/a.png` written in `notes/202104/0410.md`.

## Why it matters

Whatever such a path finds on your disk, it does not exist on GitHub or in
any clone: GitHub clamps it to the repository root and shows a 404 (or the wrong file).

## Example

Failing:

```markdown
![diagram](../../../shared/diagram.png)
```

Fixed — copy the file into the repository and link it from there:

```markdown
![diagram](../../images/diagram.png)
```

To link a GitHub page of the repository (issues, wiki), use its full `https://github.com/...`
address.

## Configuration

Only the severity.
"#,
    default_severity: Severity::Error,
};

/// Names that end like files, so `0410.md` or `a.png` is a path, not a host.
/// Only used when the name has no `/` after it (`docs.rs/regex` is a host).
const FILE_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "txt", "rst", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp",
    "bmp", "ico", "tif", "tiff", "avif", "mp4", "mov", "webm", "mp3", "wav", "json", "yml", "yaml", "toml",
    "csv", "tsv", "xml", "zip", "gz", "tgz", "tar", "py", "ipynb", "rs", "js", "ts", "sh", "c", "h", "cpp",
    "java", "go", "tex", "bib", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "pt", "pth", "onnx", "log",
    "cfg", "ini",
];

/// `arxiv.org/abs/2111.08687` -> `https://arxiv.org/abs/2111.08687`; `None` when
/// the target does not start with something shaped like a host name.
pub fn bare_url_fix(dest: &str) -> Option<String> {
    let end = dest.find(['/', '?', '#']).unwrap_or(dest.len());
    let (first, rest) = dest.split_at(end);
    let host = match first.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => first,
    };
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return None;
    }
    let tld = labels[labels.len() - 1];
    let ipv4 =
        labels.len() == 4 && labels.iter().all(|l| l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()));
    if !ipv4 {
        if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let has_path = rest.starts_with('/') && rest.len() > 1;
        let www = labels[0].eq_ignore_ascii_case("www");
        if !has_path && !www && FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str()) {
            return None;
        }
    }
    Some(format!("https://{dest}"))
}

/// For help texts elsewhere: a word that is a host name (plus path) without a scheme.
pub fn looks_like_host(word: &str) -> bool {
    !has_scheme(word) && bare_url_fix(word).is_some()
}

/// `https:`, `mailto:`, `data:`... (at least two letters, so `C:\` is not a scheme).
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    scheme.len() >= 2
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `someone@example.com` (optionally with `?subject=...`).
fn is_email(dest: &str) -> bool {
    let addr = dest.split('?').next().unwrap_or(dest);
    let Some((local, domain)) = addr.split_once('@') else { return false };
    !local.is_empty()
        && !local.contains(['/', ' ', ':'])
        && !domain.contains(['/', '@', ' '])
        && domain.contains('.')
        && bare_url_fix(domain).is_some()
}

/// One directory's entries: name -> is a directory.
#[derive(Debug, Default)]
struct DirListing {
    entries: BTreeMap<String, bool>,
}

/// What a repository-relative path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File,
    Dir,
    /// Does not exist. `suggestion`: an existing path that differs only in case
    /// or by a likely typo in its last missing component.
    Missing {
        suggestion: Option<String>,
    },
}

/// Cached, case-exact view of the repository's directories. Each directory is
/// read once per run however many links point into it.
#[derive(Debug)]
pub struct FsIndex {
    root: PathBuf,
    dirs: RwLock<HashMap<String, Option<Arc<DirListing>>>>,
}

impl FsIndex {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsIndex { root: root.into(), dirs: RwLock::new(HashMap::new()) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn listing(&self, rel_dir: &str) -> Option<Arc<DirListing>> {
        if let Some(l) = self.dirs.read().unwrap_or_else(|e| e.into_inner()).get(rel_dir) {
            return l.clone();
        }
        let abs = if rel_dir.is_empty() { self.root.clone() } else { self.root.join(rel_dir) };
        let listing = std::fs::read_dir(&abs).ok().map(|rd| {
            let mut entries = BTreeMap::new();
            for e in rd.flatten() {
                // `metadata` follows symlinks: a broken link counts as missing.
                if let Ok(meta) = std::fs::metadata(e.path()) {
                    entries.insert(e.file_name().to_string_lossy().into_owned(), meta.is_dir());
                }
            }
            Arc::new(DirListing { entries })
        });
        self.dirs.write().unwrap_or_else(|e| e.into_inner()).insert(rel_dir.to_owned(), listing.clone());
        listing
    }

    /// Look up normalized components (no `.`/`..`), relative to the root.
    pub fn lookup(&self, components: &[&str]) -> Found {
        let mut dir = String::new();
        for (i, name) in components.iter().enumerate() {
            let last = i + 1 == components.len();
            let Some(listing) = self.listing(&dir) else {
                return Found::Missing { suggestion: None };
            };
            match listing.entries.get(*name) {
                Some(is_dir) if last => return if *is_dir { Found::Dir } else { Found::File },
                Some(true) => {}
                Some(false) => return Found::Missing { suggestion: None },
                None => {
                    let suggestion = close_name(name, &listing).map(|n| {
                        let mut p = dir.clone();
                        if !p.is_empty() {
                            p.push('/');
                        }
                        p.push_str(n);
                        for rest in &components[i + 1..] {
                            p.push('/');
                            p.push_str(rest);
                        }
                        p
                    });
                    // Only offer a correction that itself exists all the way down.
                    let suggestion = suggestion.filter(|s| {
                        let parts: Vec<&str> = s.split('/').collect();
                        !matches!(self.lookup(&parts), Found::Missing { .. })
                    });
                    return Found::Missing { suggestion };
                }
            }
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(name);
        }
        Found::Dir
    }
}

/// An entry that differs only in case, else the single closest name (a likely typo).
fn close_name<'a>(name: &str, listing: &'a DirListing) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(n) = listing.entries.keys().find(|k| k.to_lowercase() == lower) {
        return Some(n);
    }
    // One edit for ordinary names: `0409.png` is not a typo of `0410.png`.
    let limit = (name.chars().count() / 8).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for k in listing.entries.keys().filter(|k| !differs_only_in_digits(name, k)) {
        let d = strsim::damerau_levenshtein(&lower, &k.to_lowercase());
        if d > limit {
            continue;
        }
        match best {
            Some((bd, _)) if d > bd => {}
            Some((bd, _)) if d == bd => tie = true,
            _ => {
                best = Some((d, k));
                tie = false;
            }
        }
    }
    // Two equally close names (0410.md vs 0401.md and 0411.md): guessing would mislead.
    if tie { None } else { best.map(|(_, n)| n) }
}

/// `1130.md` vs `1103.md`, `1101.png` vs `1102.png`: in a folder of dated files
/// these are different days, not typos of each other.
fn differs_only_in_digits(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

/// Anchors of a Markdown file: its heading slugs and explicit HTML ids.
#[derive(Debug, Default)]
pub struct Anchors {
    pub headings: Vec<String>,
    pub html_ids: HashSet<String>,
}

impl Anchors {
    pub fn from_headings<'a>(headings: impl IntoIterator<Item = &'a Heading>, text: &str) -> Self {
        Anchors {
            headings: headings.into_iter().map(|h| h.anchor.clone()).collect(),
            html_ids: html_ids(text),
        }
    }

    fn contains(&self, fragment: &str) -> bool {
        self.headings.iter().any(|a| a == fragment) || self.html_ids.contains(fragment)
    }
}

/// `id="x"` / `name="x"` attribute values in raw HTML (`<a name="x">`, `<div id="x">`).
/// A scan rather than a parse: it only widens what counts as an existing anchor.
fn html_ids(text: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    if !text.contains('<') {
        return ids;
    }
    for attr in ["id=", "name="] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
            rest = &rest[i + attr.len()..];
            if !before_ok {
                continue;
            }
            let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
            if let Some(end) = rest[1..].find(q) {
                ids.insert(rest[1..1 + end].to_owned());
            }
        }
    }
    ids
}

/// Parses a Markdown file (repository-relative path, text) into its anchors.
pub type AnchorLoader = Box<dyn Fn(&str, String) -> Anchors + Send + Sync>;

/// Anchors of Markdown files that `#fragment` links point into, parsed on first use.
pub struct AnchorIndex {
    root: PathBuf,
    loader: AnchorLoader,
    cache: RwLock<HashMap<String, Option<Arc<Anchors>>>>,
}

impl AnchorIndex {
    pub fn new(root: impl Into<PathBuf>, loader: AnchorLoader) -> Self {
        AnchorIndex { root: root.into(), loader, cache: RwLock::new(HashMap::new()) }
    }

    /// Anchors of the repository-relative Markdown file `rel`, or `None` when it
    /// cannot be read as UTF-8 (another rule reports unreadable notes).
    pub fn get(&self, rel: &str) -> Option<Arc<Anchors>> {
        if let Some(a) = self.cache.read().unwrap_or_else(|e| e.into_inner()).get(rel) {
            return a.clone();
        }
        let anchors = std::fs::read(self.root.join(rel))
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|text| Arc::new((self.loader)(rel, text)));
        self.cache.write().unwrap_or_else(|e| e.into_inner()).insert(rel.to_owned(), anchors.clone());
        anchors
    }
}

impl std::fmt::Debug for AnchorIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchorIndex").field("root", &self.root).finish_non_exhaustive()
    }
}

/// Shared state of the local link rules for one run.
#[derive(Debug)]
pub struct LocalLinks {
    pub fs: FsIndex,
    pub anchors: AnchorIndex,
}

impl LocalLinks {
    pub fn new(root: &Path, loader: AnchorLoader) -> Self {
        LocalLinks { fs: FsIndex::new(root), anchors: AnchorIndex::new(root, loader) }
    }

    /// The state for one run over the repository at `root`: targets of
    /// `#fragment` links are parsed with the run's parser settings.
    pub fn for_repo(root: &Path, parse: &ParseContext) -> Self {
        let parse = parse.clone();
        let abs_root = root.to_path_buf();
        let loader: AnchorLoader = Box::new(move |rel, text| {
            let note = parse_markdown(SourceFile::new(rel, abs_root.join(rel), text), &parse);
            Anchors::from_headings(&note.headings, note.text())
        });
        LocalLinks::new(root, loader)
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The folder of a `/`-separated repository path (`notes/202104/0410.md` -> `notes/202104`).
fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Join and normalize lexically. `Err(())` when `..` climbs above the root.
fn resolve<'a>(base_dir: &'a str, path: &'a str) -> Result<Vec<&'a str>, ()> {
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

/// Which of the local link rules a pass runs (each is its own rule; the pass is shared).
pub mod only {
    pub const BARE_URL: u8 = 1;
    pub const MAILTO: u8 = 2;
    pub const MISSING_FILE: u8 = 4;
    pub const MISSING_ANCHOR: u8 = 8;
    pub const OUTSIDE_REPO: u8 = 16;
}

/// Check every link of a note (or of the README) that does not leave for the web.
pub fn check(note: &Note, cx: &LocalLinks, mask: u8, out: &mut Vec<Diagnostic>) {
    let mut own_anchors: Option<Anchors> = None;
    for link in &note.links {
        check_link(note, link, cx, mask, &mut own_anchors, out);
    }
}

fn check_link(
    note: &Note,
    link: &Link,
    cx: &LocalLinks,
    mask: u8,
    own_anchors: &mut Option<Anchors>,
    out: &mut Vec<Diagnostic>,
) {
    let file = &note.file;
    let dest = link.dest.trim();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        if mask & only::MISSING_ANCHOR == 0 {
            return;
        }
        let anchors = own_anchors.get_or_insert_with(|| Anchors::from_headings(&note.headings, note.text()));
        check_fragment(note, link, fragment, anchors, None, out);
        return;
    }
    if is_email(dest) {
        if mask & only::MAILTO != 0 && link.kind != LinkKind::Autolink {
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
                )),
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
    let path = decode(raw_path);
    let base = parent_dir(&file.path);
    let bare = bare_url_fix(dest);
    let Ok(parts) = resolve(base, &path) else {
        if mask & only::OUTSIDE_REPO != 0 {
            out.push(outside_repo(note, link, &path));
        }
        return;
    };
    if mask & (only::BARE_URL | only::MISSING_FILE | only::MISSING_ANCHOR) == 0 {
        return;
    }
    let found = cx.fs.lookup(&parts);
    if let Found::Missing { suggestion } = &found {
        let d = match bare {
            Some(_) if mask & only::BARE_URL == 0 => return,
            None if mask & only::MISSING_FILE == 0 => return,
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
                )),
            None => missing_file(note, link, &path, &parts, suggestion.as_deref(), cx),
        };
        out.push(d);
        return;
    }

    let (Some(fragment), Found::File, true) = (fragment, &found, mask & only::MISSING_ANCHOR != 0) else {
        return;
    };
    let target = parts.join("/");
    if !is_markdown(&target) || query.is_some_and(|q| q.split('&').any(|kv| kv == "plain=1")) {
        return;
    }
    if target == file.path {
        let anchors = own_anchors.get_or_insert_with(|| Anchors::from_headings(&note.headings, note.text()));
        check_fragment(note, link, fragment, anchors, None, out);
    } else if let Some(anchors) = cx.anchors.get(&target) {
        check_fragment(note, link, fragment, &anchors, Some(&target), out);
    }
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

fn check_fragment(
    note: &Note,
    link: &Link,
    fragment: &str,
    anchors: &Anchors,
    target: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") {
        return;
    }
    let decoded = decode(fragment);
    if anchors.contains(fragment) || anchors.contains(&decoded) {
        return;
    }
    let in_what = match target {
        Some(t) => format!("`{t}`"),
        None => "this file".to_owned(),
    };
    let lower = decoded.to_lowercase();
    let help = if let Some(a) = anchors.headings.iter().find(|a| a.to_lowercase() == lower) {
        format!("write `#{a}`: heading anchors are lowercase")
    } else if let Some(a) =
        crate::suggest::did_you_mean(&decoded, anchors.headings.iter().map(String::as_str))
    {
        format!("did you mean `#{a}`?")
    } else if let Some(a) = anchors.headings.iter().find(|a| a.contains(lower.as_str()) && !lower.is_empty())
    {
        format!(
            "did you mean `#{a}`? GitHub builds anchors from the whole heading text, emoji shortcodes included"
        )
    } else if anchors.headings.is_empty() {
        format!("{in_what} has no headings to link to")
    } else {
        let list: Vec<String> = anchors.headings.iter().take(6).map(|a| format!("`#{a}`")).collect();
        format!(
            "the anchors of {in_what} are {}{}",
            list.join(", "),
            if anchors.headings.len() > 6 { ", ..." } else { "" }
        )
    };
    let d = note
        .file
        .diag(
            MISSING_ANCHOR.name,
            MISSING_ANCHOR.default_severity,
            link.dest_span.clone(),
            format!("no heading in {in_what} has the anchor `#{decoded}`"),
        )
        .with_label("no such anchor")
        .with_help(help);
    out.push(d);
}

macro_rules! link_rule {
    ($ty:ident, $info:ident, $mask:expr) => {
        pub struct $ty;
        impl Rule for $ty {
            fn info(&self) -> &'static RuleInfo {
                &$info
            }
            fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
                check(note, cx.local_links, $mask, out);
            }
            fn check_readme(&self, readme: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
                check(readme, cx.local_links, $mask, out);
            }
        }
    };
}

link_rule!(BareUrl, BARE_URL, only::BARE_URL);
link_rule!(Mailto, MAILTO, only::MAILTO);
link_rule!(MissingFile, MISSING_FILE, only::MISSING_FILE);
link_rule!(MissingAnchor, MISSING_ANCHOR, only::MISSING_ANCHOR);
link_rule!(OutsideRepo, OUTSIDE_REPO, only::OUTSIDE_REPO);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::test_support::{at, run_in, spanned};

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

    fn lint(rule: &dyn Rule, dir: &tempfile::TempDir, path: &str, text: &str) -> Vec<Diagnostic> {
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
        for rule in [&BareUrl as &dyn Rule, &Mailto, &MissingFile, &OutsideRepo] {
            assert!(
                lint(rule, &dir, NOTE, text).is_empty(),
                "{}: {:?}",
                rule.info().name,
                lint(rule, &dir, NOTE, text)
            );
        }
        // `#今日` is not an anchor of 0410.md: the only finding of the lot.
        let d = lint(&MissingAnchor, &dir, NOTE, text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(spanned(text, &d[0]), "0410.md#%E4%BB%8A%E6%97%A5");
    }

    #[test]
    fn web_addresses_without_a_scheme() {
        let dir = repo();
        let text = "- Paper: [p](arxiv.org/abs/2111.08687)\n- <a href=\"microsoft.careers.com\">jobs</a>\n- [q](0412.md)\n";
        let d = lint(&BareUrl, &dir, NOTE, text);
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
        // `0412.md` is a missing file, not a web address.
        assert_eq!(at(&lint(&MissingFile, &dir, NOTE, text)), [(3, 7)]);
    }

    #[test]
    fn e_mail_addresses_need_mailto() {
        let dir = repo();
        let text = "[mail](author@example.com) <author@example.com> [ok](mailto:author@example.com)\n";
        let d = lint(&Mailto, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 8)]);
        assert!(d[0].help.as_deref().unwrap().starts_with("write `mailto:author@example.com`"));
        assert!(lint(&MissingFile, &dir, NOTE, text).is_empty(), "an address is not also a missing file");
    }

    #[test]
    fn missing_files_with_suggestions() {
        let dir = repo();
        let text = "![x](images/0410.PNG)\n<img src=\"images/0409.png\">\n[y](../202105/05010.md)\n[z](images/logo.png)\n[w](/nope/x.md)\n";
        let d = lint(&MissingFile, &dir, NOTE, text);
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
        let d = lint(&MissingFile, &dir, "README.md", text);
        assert_eq!(at(&d), [(2, 13)], "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `notes/202105/0510.md`?"));
    }

    #[test]
    fn fragments_must_name_a_heading() {
        let dir = repo();
        let text = "# T\n\n## :paperclip:  今日要点\n\n[a](#今日要点) [b](#Paperclip--今日要点) [c](0410.md#others) [d](#nothing-like-it)\n";
        let d = lint(&MissingAnchor, &dir, NOTE, text);
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
        let d = lint(&OutsideRepo, &dir, NOTE, text);
        assert_eq!(at(&d), [(1, 6)]);
        assert_eq!(d[0].message, "`../../../shared/a.png` climbs out of the repository");
        assert!(
            d[0].help.as_deref().unwrap().starts_with("from this file 2 `../` reach the repository root")
        );
        assert!(lint(&MissingFile, &dir, NOTE, text).is_empty(), "reported once, as outside-repo");
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
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("C:\\x"));
        assert!(!has_scheme("images/a:b.png"));
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

    #[test]
    fn html_ids_are_found() {
        let ids = html_ids("<a name=\"top-of-list\"></a>\n<div id='x'>\nvalid=\"no\"");
        assert!(ids.contains("top-of-list") && ids.contains("x"));
        assert!(!ids.contains("no"));
    }

    #[test]
    fn fs_index_is_case_exact_and_suggests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes/202105/images")).unwrap();
        std::fs::write(dir.path().join("notes/202105/0510.md"), "").unwrap();
        std::fs::write(dir.path().join("notes/202105/0511.md"), "").unwrap();
        std::fs::write(dir.path().join("notes/202105/images/A.png"), "").unwrap();
        let fs = FsIndex::new(dir.path());
        assert_eq!(fs.lookup(&["notes", "202105", "0510.md"]), Found::File);
        assert_eq!(fs.lookup(&["notes", "202105"]), Found::Dir);
        assert_eq!(fs.lookup(&[]), Found::Dir);
        assert_eq!(
            fs.lookup(&["notes", "202105", "images", "a.png"]),
            Found::Missing { suggestion: Some("notes/202105/images/A.png".into()) }
        );
        assert_eq!(
            fs.lookup(&["notes", "202105", "05010.md"]),
            Found::Missing { suggestion: Some("notes/202105/0510.md".into()) }
        );
        // Another day's note is not a typo of this one.
        assert_eq!(fs.lookup(&["notes", "202105", "0512.md"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["notes", "202105", "0501.md"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["notes", "202105", "0510.md", "x"]), Found::Missing { suggestion: None });
        assert_eq!(fs.lookup(&["nope", "x.md"]), Found::Missing { suggestion: None });
    }
}
