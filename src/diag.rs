//! Diagnostics: what every check produces and every reporter renders.
//!
//! A [`Diagnostic`] is plain data: the rule that fired, where (a byte span plus
//! the 1-based line/column pair derived from it), and what to do about it.
//! Rules build them through [`SourceFile::diag`] so positions are always
//! computed the same way; reporters never look at the source again except to
//! draw snippets.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered so that `Error > Warning > Info`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, never fails the run (GitHub `::notice`).
    Info,
    /// Fails the run only with `--deny-warnings`.
    Warning,
    /// Fails the run.
    Error,
}

impl Severity {
    /// The name daybook.yml and every output format use: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, not bytes,
/// because that is what editors and GitHub annotations show for CJK text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

/// Another place a diagnostic refers to (e.g. the first citation of a duplicate URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Related {
    pub(crate) path: String,
    pub(crate) start: Position,
    pub(crate) message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable kebab-case rule name, e.g. `unknown-field`.
    pub rule: String,
    /// The rule's default, until the run applies daybook.yml's `rules:` and
    /// `strict_since`.
    pub severity: Severity,
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Byte range in the file; empty range for file-level findings.
    pub(crate) span: Range<usize>,
    /// Where the byte range starts.
    pub start: Position,
    /// Where the byte range ends.
    pub end: Position,
    /// One sentence: what is wrong.
    pub message: String,
    /// Short text drawn under the span in human output.
    pub(crate) label: Option<String>,
    /// What to do about it, when known.
    pub help: Option<String>,
    pub(crate) related: Vec<Related>,
    /// A machine-applicable repair, when the rule knows one (`daybook fix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<Fix>,
}

/// Whether a fix can be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Applicability {
    /// Keeps the note's meaning: `daybook fix` applies it.
    Safe,
    /// May change what the note says (drops text, picks one of several
    /// candidates): applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes `span` of the diagnostic's file with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Byte offsets in the file as read (BOM and CR included).
    pub(crate) span: Range<usize>,
    pub(crate) content: String,
}

impl Edit {
    /// Replace the bytes `span` with `content`.
    pub fn replace(span: Range<usize>, content: impl Into<String>) -> Self {
        Edit { span, content: content.into() }
    }

    pub(crate) fn insert(at: usize, content: impl Into<String>) -> Self {
        Edit { span: at..at, content: content.into() }
    }

    /// Delete the bytes `span`.
    pub fn delete(span: Range<usize>) -> Self {
        Edit { span, content: String::new() }
    }
}

/// A repair: edits to the diagnostic's own file, applied all or nothing; or
/// a move of the file to another path (`rename`, with no edits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub(crate) applicability: Applicability,
    /// Imperative, one line: what applying it does (e.g. "prefix https://").
    pub(crate) message: String,
    /// Non-overlapping edits, any order.
    pub(crate) edits: Vec<Edit>,
    /// Where the file moves to, repository-relative and `/`-separated: a fix
    /// of the file's name, not of its bytes. Absent on byte fixes, so their
    /// JSON keeps its shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) rename: Option<String>,
}

impl Fix {
    /// A fix that keeps the note's meaning: `daybook fix` applies it.
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix { applicability: Applicability::Safe, message: message.into(), edits, rename: None }
    }

    /// A fix that may change what the note says: applied only with
    /// `--unsafe-fixes`.
    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix { applicability: Applicability::Unsafe, message: message.into(), edits, rename: None }
    }

    /// Move the file to `to` (repository-relative); unsafe, since the path
    /// is what links and the README name the note by.
    pub(crate) fn rename(message: impl Into<String>, to: impl Into<String>) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits: Vec::new(),
            rename: Some(to.into()),
        }
    }

    /// Smallest range covering every edit (for ordering and overlap tests).
    pub(crate) fn range(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        start..end
    }
}

impl Diagnostic {
    /// A diagnostic about a whole file (unreadable, not UTF-8, ...): line 1, column 1.
    pub fn file_level(rule: &str, severity: Severity, path: &str, message: impl Into<String>) -> Self {
        let p = Position { line: 1, column: 1 };
        Diagnostic {
            rule: rule.to_owned(),
            severity,
            path: path.to_owned(),
            span: 0..0,
            start: p,
            end: p,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// The finding with `fix` attached.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// [`Self::with_fix`] when the rule could build one.
    pub(crate) fn with_fix_if(mut self, fix: Option<Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
        self
    }

    /// The finding with `help`: what to do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The finding with `label`, the text drawn under its span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub(crate) fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }

    /// Sort key used everywhere output must be deterministic.
    pub(crate) fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.start.line, self.start.column, &self.rule)
    }
}

/// Where bytes stop being UTF-8: the byte offset, 1-based line and column (in
/// characters) of the first bad byte, for messages that name the place.
pub(crate) fn utf8_error_position(e: &std::string::FromUtf8Error) -> (usize, usize, usize) {
    let offset = e.utf8_error().valid_up_to();
    // The valid prefix is UTF-8 by definition: count lines and chars in it.
    let prefix = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (offset, line, column)
}

/// Where columns start counting on 0-based line `line` starting at byte
/// `start`: editors hide a byte order mark, so the first visible character is
/// column 1.
fn visible_start(text: &str, line: usize, start: usize) -> usize {
    if line == 0 && text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { start }
}

/// A file as read from disk, shared between the parser, rules and reporters.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the repository root, `/`-separated (what users see).
    pub path: String,
    /// Absolute (or cwd-relative) path used for I/O.
    pub(crate) abs: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
    /// On lines longer than [`COLUMN_STRIDE`]: `(byte offset, column - 1)` every
    /// stride, so a column is counted from the nearest mark, not from the line's
    /// start. Without them 100,000 findings on one 1.5 MB line took 27 s.
    column_marks: Vec<(usize, usize)>,
    /// Set when the text was dropped ([`SourceFile::without_text`]).
    compact: Option<Box<Compact>>,
}

/// What stays of a file whose text a lint run dropped once its note was
/// checked: the length and a digest of the text (to tell whether a file read
/// again for snippets is still the same), and the positions of the offsets
/// later stages ask for (links, comments), sorted by offset.
#[derive(Debug)]
struct Compact {
    len: usize,
    digest: u64,
    /// `(offset, line, column)`; a note is at most a few MB.
    at: Box<[(u32, u32, u32)]>,
}

/// A fast non-cryptographic digest of a file's text: it only tells a file read
/// twice in one run apart from an edited one, and costs a few ms per 100 MB.
pub(crate) fn text_digest(text: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = text.as_bytes();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Bytes between two column marks on a long line.
const COLUMN_STRIDE: usize = 4096;

impl SourceFile {
    /// The file `path` (repository-relative, `/`-separated: what findings
    /// name), found at `abs` on disk, holding `text`.
    pub fn new(path: impl Into<String>, abs: impl Into<PathBuf>, text: String) -> Arc<Self> {
        // memchr's SIMD search, into room for one line per 48 bytes (notes
        // average 67): grown by doubling from nothing, then shrunk, the index
        // cost a copy per step and `match_indices` 3 instructions a byte.
        let mut line_starts = Vec::with_capacity(text.len() / 48 + 2);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        // Every file of a run stays in memory: no growth slack.
        line_starts.shrink_to_fit();
        let mut column_marks = Vec::new();
        for (i, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start <= COLUMN_STRIDE {
                continue;
            }
            let mut at = visible_start(&text, i, start);
            let mut column = 0;
            loop {
                let mut next = at + COLUMN_STRIDE;
                if next >= end {
                    break;
                }
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                column += text[at..next].chars().count();
                column_marks.push((next, column));
                at = next;
            }
        }
        column_marks.shrink_to_fit();
        Arc::new(SourceFile {
            path: path.into(),
            abs: abs.into(),
            text,
            line_starts,
            column_marks,
            compact: None,
        })
    }

    /// This file without its text: it still knows its path, its length, and
    /// the positions of `offsets` (the only ones [`SourceFile::position`]
    /// and [`SourceFile::diag`] may be asked for afterwards). A lint run keeps
    /// this much of each note once the per-note rules have seen it, so memory
    /// does not grow with the repository's text.
    pub(crate) fn without_text(&self, offsets: impl IntoIterator<Item = usize>) -> Arc<Self> {
        let mut at: Vec<(u32, u32, u32)> = offsets
            .into_iter()
            .map(|o| {
                let p = self.position(o);
                let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                (small(o.min(self.len())), small(p.line), small(p.column))
            })
            .collect();
        at.sort_unstable();
        at.dedup_by_key(|e| e.0);
        Arc::new(SourceFile {
            path: self.path.clone(),
            abs: self.abs.clone(),
            text: String::new(),
            line_starts: vec![0],
            column_marks: Vec::new(),
            compact: Some(Box::new(Compact {
                len: self.len(),
                digest: self.digest(),
                at: at.into_boxed_slice(),
            })),
        })
    }

    /// Whether the text was dropped ([`SourceFile::without_text`]).
    pub(crate) fn is_compact(&self) -> bool {
        self.compact.is_some()
    }

    /// The text's length in bytes, also after the text was dropped.
    pub(crate) fn len(&self) -> usize {
        self.compact.as_ref().map_or(self.text.len(), |c| c.len)
    }

    /// [`text_digest`] of the text, also after the text was dropped.
    pub(crate) fn digest(&self) -> u64 {
        self.compact.as_ref().map_or_else(|| text_digest(&self.text), |c| c.digest)
    }

    /// Line/column (1-based, columns in chars) of a byte offset. Offsets past the
    /// end or inside a UTF-8 sequence are clamped rather than panicking.
    pub(crate) fn position(&self, offset: usize) -> Position {
        if let Some(c) = &self.compact {
            return c.position(offset);
        }
        let offset = offset.min(self.text.len());
        let line_idx = self.line_index(offset);
        let start = self.line_starts[line_idx];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let start = visible_start(&self.text, line_idx, start).min(end);
        let mark = self.column_marks.partition_point(|&(at, _)| at <= end);
        let (from, before) = match mark.checked_sub(1).map(|m| self.column_marks[m]) {
            Some((at, column)) if at > start => (at, column),
            _ => (start, 0),
        };
        let column = before + self.text[from..end].chars().count() + 1;
        Position { line: line_idx + 1, column }
    }

    /// 0-based index of the line holding byte `offset` (clamped to the text).
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset.min(self.text.len())) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where the 0-based line `index` starts (the text's end past the last).
    pub(crate) fn line_start(&self, index: usize) -> usize {
        self.line_starts.get(index).copied().unwrap_or(self.text.len())
    }

    /// Byte range of a 1-based line, without its line terminator.
    pub(crate) fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let mut end = self.line_starts.get(line).map(|e| e - 1).unwrap_or(self.text.len());
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    pub(crate) fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Build a diagnostic pointing at `span` in this file.
    pub fn diag(
        &self,
        rule: &str,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule: rule.to_owned(),
            severity,
            path: self.path.clone(),
            start: self.position(span.start),
            end: self.position(span.end),
            span,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// A [`Related`] note pointing at `offset` in this file.
    pub(crate) fn related(&self, offset: usize, message: impl Into<String>) -> Related {
        Related { path: self.path.clone(), start: self.position(offset), message: message.into() }
    }
}

impl Compact {
    /// The position kept for `offset`. An offset nobody asked to keep is a
    /// bug in the caller; it gets the nearest kept position before it.
    fn position(&self, offset: usize) -> Position {
        let offset = u32::try_from(offset.min(self.len)).unwrap_or(u32::MAX);
        let i = self.at.partition_point(|e| e.0 <= offset);
        debug_assert!(
            i > 0 && self.at[i - 1].0 == offset,
            "position of offset {offset} asked of a compacted file that did not keep it"
        );
        let (_, line, column) = i.checked_sub(1).map_or((0, 1, 1), |i| self.at[i]);
        Position { line: line as usize, column: column as usize }
    }
}

/// `/`-separated display form of a path relative to `root`.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    // The walk asks for every file under the notes root: a path that is the
    // root's text, a `/` and plain `/`-separated names needs no taking apart
    // (the components below cost the walk a third of its time).
    if !cfg!(windows)
        && let (Some(r), Some(p)) = (root.to_str(), path.to_str())
        && let Some(rest) = p.strip_prefix(r).and_then(|rest| rest.strip_prefix('/'))
        && !r.is_empty()
        && is_plain_relative(rest)
    {
        return rest.to_owned();
    }
    components_path(root, path)
}

/// [`display_path`] by the path's components.
fn components_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    out
}

/// `/`-separated names with no empty, `.` or `..` one: what
/// [`display_path`]'s component walk would give back unchanged.
fn is_plain_relative(rest: &str) -> bool {
    !rest.is_empty() && rest.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Counts used by reporters, summaries and exit codes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tally {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
}

impl Tally {
    pub(crate) fn of(diags: &[Diagnostic]) -> Self {
        let mut t = Tally::default();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}

/// Files by their display path, so reporters can draw snippets.
pub type Sources = std::collections::BTreeMap<String, Arc<SourceFile>>;

/// Static description of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable kebab-case name used in config, suppressions and output.
    pub name: &'static str,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Long Markdown doc: what it checks, why it matters, a failing and a fixed
    /// example, and the config that tunes it.
    pub docs: &'static str,
    /// Its severity unless daybook.yml's `rules:` says otherwise.
    pub default_severity: Severity,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The shortcut gives what the component walk gives, for any root and path.
        #[test]
        fn display_path_shortcut_is_the_component_walk(
            root in "(/|\\.|\\./)?[a-z./]{0,8}",
            rest in "[a-z./]{0,12}",
        ) {
            let path = format!("{root}{rest}");
            let (root, path) = (Path::new(&root), Path::new(&path));
            prop_assert_eq!(display_path(root, path), components_path(root, path));
        }
    }

    use super::*;

    #[test]
    fn a_file_without_its_text_keeps_the_positions_asked_for() {
        let text = "# 标题\n\n1. [a](https://a.example/) 今日\n<!-- x -->\n";
        let full = SourceFile::new("n.md", "n.md", text.to_owned());
        let at = text.find("https").unwrap();
        let end = text.find("-->").unwrap();
        let small = full.without_text([at, end, text.len()]);
        assert!(small.is_compact() && small.text.is_empty());
        assert_eq!((small.len(), small.digest()), (text.len(), text_digest(text)));
        for o in [at, end, text.len()] {
            assert_eq!(small.position(o), full.position(o), "offset {o}");
        }
        assert_eq!(
            small.diag("r", Severity::Error, at..end, "m"),
            full.diag("r", Severity::Error, at..end, "m")
        );
        assert_ne!(text_digest(text), text_digest(&text.replace('a', "b")));
    }

    /// The column counted from scratch, as `position` did before column marks.
    fn naive(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..end].matches('\n').count() + 1;
        let start = if line == 1 && text.starts_with('\u{feff}') { end.min(3) } else { line_start };
        Position { line, column: text[start..end].chars().count() + 1 }
    }

    proptest::proptest! {
        /// Long lines (past several column marks), multi-byte characters and a
        /// byte order mark: every offset gets the column counted from scratch.
        #[test]
        fn columns_on_long_lines_match_counting_from_the_line_start(
            bom in proptest::bool::ANY,
            pieces in proptest::collection::vec(("[a-z ]{0,3000}|今日要点{1,500}|\n|😀{1,300}", 0usize..64), 1..12),
        ) {
            let mut text = if bom { "\u{feff}".to_owned() } else { String::new() };
            for (p, _) in &pieces {
                text.push_str(p);
            }
            let f = SourceFile::new("a.md", "a.md", text.clone());
            let mut offsets: Vec<usize> = pieces.iter().map(|(_, k)| k * 997 % (text.len() + 1)).collect();
            offsets.extend([0, 1, 2, 3, 4, text.len()]);
            offsets.extend((0..text.len()).step_by(1021));
            for o in offsets {
                proptest::prop_assert_eq!(f.position(o), naive(&text, o), "offset {}", o);
            }
        }
    }

    #[test]
    fn positions_count_chars_not_bytes() {
        let f = SourceFile::new("a.md", "a.md", "ab\n今日要点 x\r\nlast".to_owned());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        let x = f.text.find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 6 });
        // inside a multi-byte char: clamps to the char's start
        assert_eq!(f.position(4), Position { line: 2, column: 1 });
        assert_eq!(f.position(10_000).line, 3);
        assert_eq!(&f.text[f.line_range(2)], "今日要点 x");
        assert_eq!(&f.text[f.line_range(3)], "last");
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        // Editors hide the BOM: `#` is column 1 there, and in annotations too.
        let f = SourceFile::new("a.md", "a.md", "\u{feff}# t\nx".to_owned());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 1, column: 1 });
        assert_eq!(f.position(5), Position { line: 1, column: 3 });
        assert_eq!(f.position(f.text.len()), Position { line: 2, column: 2 });
    }
}
