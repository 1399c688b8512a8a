//! What a pull request changed, and which findings belong to it.
//!
//! On a pull request the findings are filtered to the PR's diff the way
//! reviewdog filters them (`-filter-mode`): `FilterMode::Added` keeps
//! findings on the lines the PR added or changed, `FilterMode::DiffContext`
//! also those on the context lines of its hunks, `FilterMode::File` (the
//! default) everything in the files it touched, `FilterMode::NoFilter`
//! everything. The changed lines come from a unified diff — `git diff` when
//! both commits are in the checkout, else each file's `patch` from
//! `GET /repos/{owner}/{repo}/pulls/{n}/files` — parsed here.
//!
//! Line numbers are the new side's (the head's), which is what the annotated
//! workspace holds.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use octocrab::models::repos::{DiffEntry, DiffEntryStatus};

use crate::diag::Diagnostic;
use crate::github::api::{Api, ApiError};
use crate::github::git::Git;
use crate::report::github::AnnotationRange;

/// Which findings a pull request shows (reviewdog's `-filter-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum FilterMode {
    /// Findings on lines the PR added or changed.
    Added,
    /// Findings on changed lines and the context lines of their hunks.
    DiffContext,
    /// Findings in files the PR changed.
    #[default]
    File,
    /// Every finding.
    NoFilter,
}

impl FilterMode {
    #[cfg(test)]
    pub(crate) const NAMES: &'static [&'static str] = &["added", "diff_context", "file", "nofilter"];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FilterMode::Added => "added",
            FilterMode::DiffContext => "diff_context",
            FilterMode::File => "file",
            FilterMode::NoFilter => "nofilter",
        }
    }
}

impl FromStr for FilterMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "added" => Ok(FilterMode::Added),
            "diff_context" => Ok(FilterMode::DiffContext),
            "file" => Ok(FilterMode::File),
            "nofilter" => Ok(FilterMode::NoFilter),
            other => Err(format!("`{other}`; expected one of `added`, `diff_context`, `file`, `nofilter`")),
        }
    }
}

/// Inclusive 1-based line ranges, sorted and merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lines(Vec<(usize, usize)>);

impl Lines {
    fn push(&mut self, first: usize, last: usize) {
        if first > last {
            return;
        }
        if let Some(prev) = self.0.last_mut()
            && first <= prev.1 + 1
        {
            prev.1 = prev.1.max(last);
            return;
        }
        self.0.push((first, last));
    }

    fn normalize(&mut self) {
        let mut v = std::mem::take(&mut self.0);
        v.sort_unstable();
        for (a, b) in v {
            self.push(a, b);
        }
    }

    /// Whether any line of `first..=last` is in the set.
    pub(crate) fn intersects(&self, first: usize, last: usize) -> bool {
        let i = self.0.partition_point(|&(_, b)| b < first);
        self.0.get(i).is_some_and(|&(a, _)| a <= last)
    }

    pub(crate) fn contains(&self, line: usize) -> bool {
        self.intersects(line, line)
    }

    pub(crate) fn ranges(&self) -> &[(usize, usize)] {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a pull request changed in one file (new side).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileChange {
    /// Lines added or changed (`+` lines).
    pub(crate) added: Lines,
    /// The new-side range of every hunk: the added lines and their context.
    pub(crate) context: Lines,
    /// Every line counts as changed: the diff has no hunks to tell (a patch
    /// the API left out because the file is large or binary).
    pub(crate) whole: bool,
}

/// Where the changes came from, for the log and the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeSource {
    Git,
    Api,
}

/// Every file a pull request changed (renamed files under their new name;
/// deleted files are not there: nothing of them is linted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    pub(crate) files: BTreeMap<String, FileChange>,
    pub(crate) source: ChangeSource,
}

/// How close a finding is to the pull request's change: annotations are
/// ordered by it, so GitHub's 10-per-level cap is spent on the PR's own findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Closeness {
    OnChangedLine,
    InHunk,
    InChangedFile,
    Elsewhere,
}

impl Changes {
    pub(crate) fn file(&self, path: &str) -> Option<&FileChange> {
        self.files.get(path)
    }

    /// How close `d` is to the change.
    pub(crate) fn closeness(&self, d: &Diagnostic) -> Closeness {
        let Some(f) = self.file(&d.path) else { return Closeness::Elsewhere };
        // A finding about the whole file (not UTF-8, unreadable) belongs to
        // whoever touched the file.
        if f.whole || (d.span.is_empty() && d.start.line <= 1 && d.end == d.start) {
            return Closeness::OnChangedLine;
        }
        let r = AnnotationRange::of(d);
        if f.added.intersects(r.start_line, r.end_line) {
            Closeness::OnChangedLine
        } else if f.context.intersects(r.start_line, r.end_line) {
            Closeness::InHunk
        } else {
            Closeness::InChangedFile
        }
    }

    /// Whether `mode` shows `d`.
    pub(crate) fn shows(&self, mode: FilterMode, d: &Diagnostic) -> bool {
        let c = self.closeness(d);
        match mode {
            FilterMode::Added => c == Closeness::OnChangedLine,
            FilterMode::DiffContext => c <= Closeness::InHunk,
            FilterMode::File => c <= Closeness::InChangedFile,
            FilterMode::NoFilter => true,
        }
    }

    /// Split `diags` into the shown (closest to the change first, then in the
    /// usual path/line order) and the number left out.
    pub(crate) fn filter(&self, mode: FilterMode, diags: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let total = diags.len();
        let mut shown: Vec<Diagnostic> = diags.into_iter().filter(|d| self.shows(mode, d)).collect();
        let hidden = total - shown.len();
        order_by_closeness(&mut shown, self);
        (shown, hidden)
    }
}

/// Closest to the change first (stable: the usual order within a class).
pub(crate) fn order_by_closeness(diags: &mut [Diagnostic], changes: &Changes) {
    diags.sort_by_cached_key(|d| changes.closeness(d));
}

/// Lines of `old` that turning it into `new` replaces or deletes (1-based):
/// where a hand edit of `old` would be lost.
pub(crate) fn overwritten_lines(old: &str, new: &str) -> Lines {
    let mut lines = Lines::default();
    for op in similar::TextDiff::from_lines(old, new).ops() {
        let r = op.old_range();
        if !r.is_empty() && !matches!(op.tag(), similar::DiffTag::Equal) {
            lines.push(r.start + 1, r.end);
        }
    }
    lines.normalize();
    lines
}

impl FileChange {
    /// Whether the change added any of `lines`.
    pub(crate) fn added_any_of(&self, lines: &Lines) -> bool {
        self.whole || lines.ranges().iter().any(|&(a, b)| self.added.intersects(a, b))
    }
}

/// The hunks of one file's patch (`@@ -a,b +c,d @@` and the lines after it),
/// as in a `git diff` body or the API's `patch` field.
pub(crate) fn parse_patch(patch: &str) -> FileChange {
    let mut f = FileChange::default();
    let mut new_line = 0usize;
    let mut in_hunk = false;
    for line in patch.lines() {
        if let Some(h) = line.strip_prefix("@@ ") {
            match hunk_new_range(h) {
                Some((start, count)) => {
                    // A pure deletion (`+c,0`) has no new lines; its context is
                    // the line it happened after (and before), so a finding
                    // there still counts as in the hunk.
                    if count > 0 {
                        f.context.push(start, start + count - 1);
                    } else {
                        f.context.push(start.max(1), start + 1);
                    }
                    new_line = start;
                    in_hunk = true;
                }
                None => in_hunk = false,
            }
            continue;
        }
        if !in_hunk {
            continue;
        }
        match line.as_bytes().first() {
            Some(b'+') => {
                f.added.push(new_line, new_line);
                new_line += 1;
            }
            Some(b' ') => new_line += 1,
            // `-` lines are the old side's; `\ No newline at end of file`.
            Some(b'-' | b'\\') => {}
            // An empty line inside a hunk is a context line whose leading
            // space was stripped (some tools do); count it.
            None => new_line += 1,
            Some(_) => in_hunk = false,
        }
    }
    f.added.normalize();
    f.context.normalize();
    f
}

/// `(start, count)` of the `+c,d` part of a hunk header (after `@@ `).
fn hunk_new_range(h: &str) -> Option<(usize, usize)> {
    let plus = h.split(' ').find(|p| p.starts_with('+'))?;
    let plus = &plus[1..];
    let (start, count) = match plus.split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse().ok()?),
        None => (plus.parse().ok()?, 1),
    };
    Some((start, count))
}

/// The files of a whole `git diff` (several `diff --git` sections). Paths
/// are the new side's (`+++ b/…`, or `rename to` for a rename without edits);
/// deleted files are left out.
pub(crate) fn parse_git_diff(text: &str) -> BTreeMap<String, FileChange> {
    let mut files = BTreeMap::new();
    for section in split_sections(text) {
        let mut path: Option<String> = None;
        let mut deleted = false;
        let mut body_at = None;
        for (i, line) in section.lines().enumerate() {
            if line.starts_with("@@ ") {
                body_at = Some(i);
                break;
            }
            if let Some(p) = line.strip_prefix("+++ ") {
                if p == "/dev/null" {
                    deleted = true;
                } else {
                    let p = unquote(p);
                    path = Some(p.strip_prefix("b/").unwrap_or(&p).to_owned());
                }
            } else if let Some(p) = line.strip_prefix("rename to ") {
                path.get_or_insert_with(|| unquote(p));
            } else if line.starts_with("deleted file mode") {
                deleted = true;
            } else if i == 0
                && let Some(rest) = line.strip_prefix("diff --git ")
            {
                // `diff --git a/x b/x`: the only name a mode change or an
                // empty new file has.
                path = git_header_new_path(rest);
            }
        }
        let (Some(path), false) = (path, deleted) else { continue };
        let change = match body_at {
            Some(i) => parse_patch(&section.lines().skip(i).collect::<Vec<_>>().join("\n")),
            None => FileChange::default(),
        };
        files.insert(path, change);
    }
    files
}

fn split_sections(text: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("diff --git ") {
            starts.push(at);
        }
        at += line.len();
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| &text[s..starts.get(i + 1).copied().unwrap_or(text.len())])
        .collect()
}

/// The `b/…` name of `a/x b/x` (quoted or not). For unquoted names with
/// spaces the header is ambiguous; both halves are the same length then.
fn git_header_new_path(rest: &str) -> Option<String> {
    if rest.ends_with('"')
        && let Some(i) = rest[..rest.len() - 1].rfind(" \"")
    {
        let p = unquote(&rest[i + 1..]);
        return Some(p.strip_prefix("b/").unwrap_or(&p).to_owned());
    }
    let half = rest.len().checked_sub(1)? / 2;
    let (a, b) = (rest.get(..half)?, rest.get(half + 1..)?);
    (a.strip_prefix("a/")? == b.strip_prefix("b/")?).then(|| b[2..].to_owned())
}

/// A path as git prints it: C-quoted (`"caf\303\251.md"`) when it holds
/// special bytes, else as it is.
fn unquote(p: &str) -> String {
    let p = p.trim_end_matches('\t');
    let Some(inner) = p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else { return p.to_owned() };
    let mut bytes = Vec::with_capacity(inner.len());
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
            match b[i] {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'r' => bytes.push(b'\r'),
                b'a' => bytes.push(7),
                b'b' => bytes.push(8),
                b'f' => bytes.push(12),
                b'v' => bytes.push(11),
                d @ b'0'..=b'7' if i + 2 < b.len() => {
                    let oct = [d, b[i + 1], b[i + 2]];
                    match std::str::from_utf8(&oct).ok().and_then(|s| u8::from_str_radix(s, 8).ok()) {
                        Some(v) => {
                            bytes.push(v);
                            i += 2;
                        }
                        None => bytes.push(d),
                    }
                }
                c => bytes.push(c),
            }
        } else {
            bytes.push(b[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The changes between `base` and `head` from git, when both commits are in
/// the checkout at `root`: the diff from their merge base, as GitHub shows a
/// pull request. `Err` says why not (for the notice).
pub fn from_git(root: &Path, base: &str, head: &str) -> Result<Changes, String> {
    let git = Git::new(root).trusting();
    for (what, sha) in [("base", base), ("head", head)] {
        let ok = git
            .output(&["cat-file", "-e", &format!("{sha}^{{commit}}")])
            .map(|o| o.status.success())
            .map_err(|e| e.to_string())?;
        if !ok {
            return Err(format!("the {what} commit {} is not in the checkout", short(sha)));
        }
    }
    let merge_base = git
        .run(&["merge-base", base, head])
        .map_err(|_| format!("no merge base of {} and {} in the checkout", short(base), short(head)))?;
    let out = git
        .output(&[
            "-c",
            "core.quotepath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--unified=3",
            &merge_base,
            head,
            "--",
        ])
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("git diff failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let files = parse_git_diff(&String::from_utf8_lossy(&out.stdout));
    // Findings name paths from the workspace; git names them from the top of
    // the work tree. They differ when the workspace is a subfolder.
    let prefix = git.run(&["rev-parse", "--show-prefix"]).unwrap_or_default();
    let files = if prefix.is_empty() {
        files
    } else {
        files
            .into_iter()
            .filter_map(|(p, c)| Some((p.strip_prefix(prefix.as_str())?.to_owned(), c)))
            .collect()
    };
    Ok(Changes { files, source: ChangeSource::Git })
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

/// Files per page (the API's maximum) and the pages it serves at most (it
/// lists at most 3000 files of a pull request).
const PER_PAGE: usize = 100;
const MAX_PAGES: usize = 30;

/// The changes of pull request `number` from the API, every page of them.
pub(crate) async fn from_api(api: &Api, number: u64) -> Result<Changes, ApiError> {
    let mut files = BTreeMap::new();
    for page in 1..=MAX_PAGES {
        let route = api.route(&format!("/pulls/{number}/files?per_page={PER_PAGE}&page={page}"));
        // raw: octocrab's `pulls().list_files(n)` takes no `per_page`/`page` (30 files a request).
        let batch: Vec<DiffEntry> = api.get(&route).await?;
        let n = batch.len();
        for f in batch {
            if f.status == DiffEntryStatus::Removed {
                continue;
            }
            let change = match &f.patch {
                Some(p) => parse_patch(p),
                // No patch: renamed without edits has no lines to show; anything
                // else is too large or binary for GitHub to diff.
                None if f.status == DiffEntryStatus::Renamed => FileChange::default(),
                None => FileChange { whole: true, ..FileChange::default() },
            };
            files.insert(f.filename, change);
        }
        if n < PER_PAGE {
            break;
        }
    }
    Ok(Changes { files, source: ChangeSource::Api })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Severity, SourceFile};

    const DIFF: &str = "\
diff --git a/notes/202401/0107.md b/notes/202401/0107.md
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/notes/202401/0107.md
@@ -0,0 +1,3 @@
+# title
+
+1. item
diff --git a/README.md b/README.md
index 1111111..2222222 100644
--- a/README.md
+++ b/README.md
@@ -8,7 +8,8 @@ intro
 a
 b
 c
-old
+new
+newer
 d
 e
 f
@@ -30,2 +31,0 @@ tail
-gone
-gone too
diff --git a/notes/old.md b/notes/gone.md
deleted file mode 100644
--- a/notes/old.md
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git a/notes/a.md b/notes/b.md
similarity index 100%
rename from notes/a.md
rename to notes/b.md
diff --git \"a/notes/caf\\303\\251.md\" \"b/notes/caf\\303\\251.md\"
--- \"a/notes/caf\\303\\251.md\"
+++ \"b/notes/caf\\303\\251.md\"
@@ -2 +2 @@
-x
+y
";

    #[test]
    fn a_git_diff_gives_added_lines_and_hunks_per_new_path() {
        let files = parse_git_diff(DIFF);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["README.md", "notes/202401/0107.md", "notes/b.md", "notes/café.md"]);
        let new = &files["notes/202401/0107.md"];
        assert_eq!(new.added.ranges(), [(1, 3)]);
        let readme = &files["README.md"];
        assert_eq!(readme.added.ranges(), [(11, 12)]);
        // Hunk 8..15, and the deletion after new line 31 (31..32 as context).
        assert_eq!(readme.context.ranges(), [(8, 15), (31, 32)]);
        assert!(files["notes/b.md"].added.is_empty());
        assert_eq!(files["notes/café.md"].added.ranges(), [(2, 2)]);
    }

    #[test]
    fn a_regeneration_overwrites_the_lines_it_replaces() {
        let old = "intro\nhand edit\nkept\nstale\n";
        let new = "intro\ngenerated\nkept\nfresh\nmore\n";
        let lines = overwritten_lines(old, new);
        assert_eq!(lines.ranges(), [(2, 2), (4, 4)]);
        let edit = parse_patch("@@ -1,2 +1,2 @@\n intro\n-x\n+hand edit\n");
        assert!(edit.added_any_of(&lines));
        let elsewhere = parse_patch("@@ -1 +1 @@\n-y\n+intro\n");
        assert!(!elsewhere.added_any_of(&lines));
    }

    #[test]
    fn hunk_headers_without_counts_mean_one_line() {
        let f = parse_patch("@@ -3 +4 @@\n-a\n+b\n");
        assert_eq!(f.added.ranges(), [(4, 4)]);
        assert_eq!(f.context.ranges(), [(4, 4)]);
    }

    #[test]
    fn modes_show_what_reviewdog_shows() {
        let text = (1..=20).map(|i| format!("line {i}\n")).collect::<String>();
        let f = SourceFile::new("n.md", "n.md", text.clone());
        let at = |line: usize| {
            let start = text.match_indices('\n').nth(line - 2).map_or(0, |(i, _)| i + 1);
            f.diag("r", Severity::Error, start..start + 4, "m")
        };
        let changes = Changes {
            files: BTreeMap::from([(
                "n.md".to_owned(),
                parse_patch("@@ -5,7 +5,8 @@\n a\n b\n c\n-x\n+y\n+z\n d\n e\n f\n"),
            )]),
            source: ChangeSource::Git,
        };
        let other = Diagnostic::file_level("r", Severity::Error, "other.md", "m");
        let file_level = Diagnostic::file_level("r", Severity::Error, "n.md", "m");
        let cases = [(at(8), [true, true, true, true]), (at(6), [false, true, true, true])];
        let cases = cases.into_iter().chain([
            (at(18), [false, false, true, true]),
            (other.clone(), [false, false, false, true]),
            (file_level, [true, true, true, true]),
        ]);
        let modes = [FilterMode::Added, FilterMode::DiffContext, FilterMode::File, FilterMode::NoFilter];
        for (d, want) in cases {
            let got: Vec<bool> = modes.iter().map(|m| changes.shows(*m, &d)).collect();
            assert_eq!(got, want, "line {}", d.start.line);
        }
        let (shown, hidden) = changes.filter(FilterMode::NoFilter, vec![other, at(18), at(8)]);
        assert_eq!(hidden, 0);
        let order: Vec<(&str, usize)> = shown.iter().map(|d| (d.path.as_str(), d.start.line)).collect();
        assert_eq!(order, [("n.md", 8), ("n.md", 18), ("other.md", 1)], "the change's own findings first");
        let (shown, hidden) = changes.filter(FilterMode::Added, vec![at(8), at(9), at(18)]);
        assert_eq!((shown.len(), hidden), (2, 1));
    }

    #[test]
    fn filter_modes_parse_by_their_reviewdog_names() {
        for name in FilterMode::NAMES {
            assert_eq!(name.parse::<FilterMode>().unwrap().as_str(), *name);
        }
        assert!("diff-context".parse::<FilterMode>().unwrap_err().contains("diff_context"));
    }

    #[test]
    fn quoted_paths_are_unquoted() {
        assert_eq!(unquote("\"a\\tb\\\"c\""), "a\tb\"c");
        assert_eq!(unquote("plain name.md"), "plain name.md");
        assert_eq!(git_header_new_path("a/x y.md b/x y.md").as_deref(), Some("x y.md"));
    }
}
