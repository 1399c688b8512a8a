//! Human output: rustc-style snippets drawn by miette's graphical handler, one
//! per diagnostic, then a summary line.
//!
//! ```text
//! error[title]: the title says 2022-04-13 but the note's path says 2022-04-14
//!    ╭─[notes/202204/0414.md:1:3]
//!  1 │ # 公众号内容拓展学习笔记（2022.4.13）
//!    ·   ─────────────┬────────────
//!    ·                ╰── expected 2022-04-14
//!    ╰────
//!   help: write the title as `# 公众号内容拓展学习笔记（2022.4.14）`, or rename the file if the title is right
//! ```
//!
//! File-level findings (an unreadable file, a misnamed path) have no snippet;
//! their header names the file instead.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SpanContents};

use super::{RenderOptions, Sources, safe};
use crate::diag::{Applicability, Diagnostic, Severity, SourceFile, Tally};

/// Render `diags` (sorted) with snippets from `sources`, then a summary line.
pub fn render(diags: &[Diagnostic], sources: &Sources, opts: &RenderOptions) -> String {
    let mut theme = if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // The header carries the severity as a word (`error[rule]: ...`), rustc-style.
    theme.characters.error = String::new();
    theme.characters.warning = String::new();
    theme.characters.advice = String::new();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_urls(false)
        .with_wrap_lines(false)
        .without_syntax_highlighting();
    let mut out = String::new();
    let mut cleaned = HashMap::new();
    for d in diags {
        let file = sources.get(&d.path).filter(|_| has_snippet(d));
        let mut shown = escaped(d);
        let src = file.map(|f| {
            let (f, map) = cleaned.entry(d.path.as_str()).or_insert_with(|| clean_source(f));
            if let Some(map) = map {
                shown.span = map.map(d.span.start)..map.map(d.span.end);
            }
            Snippet::new(f, &shown)
        });
        let fixable = fixable(d, opts);
        let report = Report { d: &shown, src, color: opts.color, fixable };
        let mut one = String::new();
        if handler.render_report(&mut one, &report).is_err() {
            one = format!("{}\n", report);
        }
        // miette indents the first line by the (emptied) severity icon: undo it
        // so the header starts at column 0 like rustc's.
        let one = one.strip_prefix("   ").unwrap_or(&one);
        out.push_str(one);
        out.push('\n');
    }
    // A file that could not be read was still checked: count it.
    let checked = {
        let mut paths: std::collections::BTreeSet<&str> = sources.keys().map(String::as_str).collect();
        paths.extend(diags.iter().map(|d| d.path.as_str()));
        paths.len()
    };
    out.push_str(&summary(diags, checked, opts));
    out.push('\n');
    out
}

/// `d` with the repository's text in it (message, label, help, paths) safe to
/// print: control characters escaped (`report::safe`).
fn escaped(d: &Diagnostic) -> Diagnostic {
    let mut d = d.clone();
    d.path = safe::one_line(&d.path).into_owned();
    d.message = safe::controls(&d.message).into_owned();
    d.label = d.label.map(|l| safe::controls(&l).into_owned());
    d.help = d.help.map(|h| safe::controls(&h).into_owned());
    for r in &mut d.related {
        r.path = safe::one_line(&r.path).into_owned();
        r.message = safe::controls(&r.message).into_owned();
    }
    d
}

/// The file as snippets show it: control characters escaped in its text and
/// path, with the map from the original's offsets when the text changed.
/// (A header column after an escape on the same line counts the escape's characters.)
fn clean_source(f: &Arc<SourceFile>) -> (Arc<SourceFile>, Option<safe::OffsetMap>) {
    let (text, path) = (safe::controls(&f.text), safe::one_line(&f.path));
    match (text, path) {
        (Cow::Borrowed(_), Cow::Borrowed(_)) => (Arc::clone(f), None),
        (text, path) => {
            let map = matches!(text, Cow::Owned(_)).then(|| safe::OffsetMap::of(&f.text));
            (SourceFile::new(path.into_owned(), f.abs.clone(), text.into_owned()), map)
        }
    }
}

/// Whether `daybook fix` (with `--unsafe-fixes` when `opts` says so) would
/// apply the finding's fix: such findings are marked `[*]`, as ruff marks them.
fn fixable(d: &Diagnostic, opts: &RenderOptions) -> bool {
    let options = crate::fix::FixOptions { unsafe_fixes: opts.unsafe_fixes };
    d.fix.as_ref().is_some_and(|f| options.allows(f))
}

/// `; 2 fixable with `daybook fix` (1 more with `--unsafe-fixes`)`, or
/// nothing when no finding has a fix: the summary of a run without fixes
/// reads as it always did.
fn fixable_part(diags: &[Diagnostic], opts: &RenderOptions) -> String {
    let count = |a: Applicability| {
        diags.iter().filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == a)).count()
    };
    let (safe, unsafe_) = (count(Applicability::Safe), count(Applicability::Unsafe));
    match (safe, unsafe_) {
        (0, 0) => String::new(),
        (n, m) if opts.unsafe_fixes => format!("; {} fixable with `daybook fix --unsafe-fixes`", n + m),
        (0, m) => format!("; {m} fixable with `daybook fix --unsafe-fixes`"),
        (n, 0) => format!("; {n} fixable with `daybook fix`"),
        (n, m) => format!("; {n} fixable with `daybook fix` ({m} more with `--unsafe-fixes`)"),
    }
}

/// `Found 2 errors and 1 warning in 2 files (12 files checked).`, and how
/// many of them `daybook fix` would fix when any would be.
pub(crate) fn summary(diags: &[Diagnostic], checked: usize, opts: &RenderOptions) -> String {
    let color = opts.color;
    let t = Tally::of(diags);
    let files = {
        let mut paths: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    };
    let checked = format!("{checked} {} checked", plural(checked, "file", "files"));
    if diags.is_empty() {
        let s = format!("No problems found ({checked}).");
        return paint(&s, GREEN, color);
    }
    let mut parts = Vec::new();
    if t.errors > 0 {
        parts.push(format!("{} {}", t.errors, plural(t.errors, "error", "errors")));
    }
    if t.warnings > 0 {
        parts.push(format!("{} {}", t.warnings, plural(t.warnings, "warning", "warnings")));
    }
    if t.infos > 0 {
        parts.push(format!("{} {}", t.infos, plural(t.infos, "notice", "notices")));
    }
    let list = match parts.len() {
        1 => parts[0].clone(),
        _ => format!("{} and {}", parts[..parts.len() - 1].join(", "), parts[parts.len() - 1]),
    };
    let s = format!(
        "Found {list} in {files} {} ({checked}){}.",
        plural(files, "file", "files"),
        fixable_part(diags, opts)
    );
    paint(&s, if t.errors > 0 { RED } else { YELLOW }, color)
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const GREEN: &str = "\x1b[1;32m";

/// Bold ANSI colour (the same SGR codes miette's theme uses).
fn paint(s: &str, code: &str, color: bool) -> String {
    if color { format!("{code}{s}\x1b[0m") } else { s.to_owned() }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A snippet is drawn when the diagnostic points at something in the text.
fn has_snippet(d: &Diagnostic) -> bool {
    !d.span.is_empty() || d.label.is_some()
}

/// Lines longer than this are drawn as an excerpt around the finding: a note
/// with one 50 KB line and a thousand findings on it must not print the whole
/// line a thousand times.
const LONG_LINE: usize = 400;
/// Bytes of the line kept on each side of the span in an excerpt, and of the span.
const EXCERPT_SIDE: usize = 80;
const EXCERPT_SPAN: usize = 200;

/// Where a snippet's text comes from.
enum Snippet {
    /// The file itself.
    File(Arc<SourceFile>),
    /// One line cut down around the span, with the span's place in it.
    Excerpt { name: String, text: String, line: usize, column: usize, span: (usize, usize) },
}

impl Snippet {
    fn new(file: &Arc<SourceFile>, d: &Diagnostic) -> Snippet {
        let line = file.line_index(d.span.start);
        let line_end = file.line_start(line + 1);
        let line_start = file.line_start(line);
        if line_end - line_start <= LONG_LINE {
            return Snippet::File(Arc::clone(file));
        }
        let text = &file.text;
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let content_end = text[line_start..line_end].trim_end_matches(['\n', '\r']).len() + line_start;
        let span_start = d.span.start.min(content_end);
        let span_end = floor(d.span.end.clamp(span_start, content_end).min(span_start + EXCERPT_SPAN));
        let from = floor(span_start.saturating_sub(EXCERPT_SIDE).max(line_start));
        let to = floor((span_end + EXCERPT_SIDE).min(content_end));
        let (lead, tail) =
            (if from > line_start { "…" } else { "" }, if to < content_end { "…" } else { "" });
        let excerpt = format!("{lead}{}{tail}", &text[from..to]);
        let offset = lead.len() + span_start - from;
        Snippet::Excerpt {
            name: file.path.clone(),
            text: excerpt,
            line,
            column: d.start.column - 1,
            span: (offset, span_end - span_start),
        }
    }

    /// The label's span in this snippet's text.
    fn label_span(&self, d: &Diagnostic) -> (usize, usize) {
        match self {
            Snippet::File(_) => (d.span.start, d.span.end.saturating_sub(d.span.start)),
            Snippet::Excerpt { span, .. } => *span,
        }
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        match self {
            Snippet::File(file) => {
                // Hand miette only the lines it can draw: reading a span of the
                // whole text scans it from the start, once per finding.
                let first = file.line_index(span.offset()).saturating_sub(before);
                // One line more than `after`: miette counts the span's own line
                // break towards its trailing context, and decides within the window.
                let last = file.line_index(span.offset() + span.len()) + after + 2;
                let (base, end) = (file.line_start(first), file.line_start(last));
                let window = &file.text[base..end];
                let local = miette::SourceSpan::new((span.offset() - base).into(), span.len());
                let inner = window.read_span(&local, before, after)?;
                let offset = inner.span().offset() + base;
                // miette counts columns in bytes; the `file:line:col` header must agree
                // with every other output (and editors), which count characters.
                let column = file.position(offset).column - 1;
                Ok(Box::new(miette::MietteSpanContents::new_named(
                    file.path.clone(),
                    inner.data(),
                    miette::SourceSpan::new(offset.into(), inner.span().len()),
                    inner.line() + first,
                    column,
                    inner.line_count(),
                )))
            }
            Snippet::Excerpt { name, text, line, column, .. } => {
                Ok(Box::new(miette::MietteSpanContents::new_named(
                    name.clone(),
                    text.as_bytes(),
                    miette::SourceSpan::new(0.into(), text.len()),
                    *line,
                    *column,
                    1,
                )))
            }
        }
    }
}

struct Report<'a> {
    d: &'a Diagnostic,
    src: Option<Snippet>,
    color: bool,
    /// Marked `[*]` before its message.
    fixable: bool,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.d;
        let head = format!("{}[{}]", d.severity, d.rule);
        let code = match d.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => CYAN,
        };
        write!(f, "{}: ", paint(&head, code, self.color))?;
        if self.src.is_none() {
            if d.start.line > 1 || d.start.column > 1 {
                write!(f, "{}:{}:{}: ", d.path, d.start.line, d.start.column)?;
            } else {
                write!(f, "{}: ", d.path)?;
            }
        }
        if self.fixable {
            f.write_str("[*] ")?;
        }
        f.write_str(&d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut lines: Vec<String> = self.d.help.iter().cloned().collect();
        for r in &self.d.related {
            lines.push(format!("see {}:{}:{}: {}", r.path, r.start.line, r.start.column, r.message));
        }
        if lines.is_empty() { None } else { Some(Box::new(lines.join("\n"))) }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.src.as_ref()?.label_span(self.d);
        let span = LabeledSpan::new_primary_with_span(self.d.label.clone(), span);
        Some(Box::new(std::iter::once(span)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources_of(file: &Arc<SourceFile>) -> Sources {
        Sources::from([(file.path.clone(), Arc::clone(file))])
    }

    fn opts() -> RenderOptions {
        RenderOptions { color: false, width: 100, unsafe_fixes: false }
    }

    #[test]
    fn snippet_with_label_help_and_summary() {
        let file = SourceFile::new("notes/202204/0414.md", "x", "# Title (2022.4.13)\n\nbody\n".to_owned());
        let d = file
            .diag("title", Severity::Error, 2..19, "the title says 2022-04-13")
            .with_label("expected 2022-04-14")
            .with_help("write the title as `# Title (2022.4.14)`");
        let mut sources = Sources::new();
        sources.insert(file.path.clone(), file.clone());
        let out = render(&[d], &sources, &opts());
        assert!(out.starts_with("error[title]: the title says 2022-04-13\n"), "{out}");
        assert!(out.contains("notes/202204/0414.md:1:3"), "{out}");
        assert!(out.contains("expected 2022-04-14"), "{out}");
        assert!(out.contains("help: write the title as"), "{out}");
        assert!(out.trim_end().ends_with("Found 1 error in 1 file (1 file checked)."), "{out}");
        assert!(!out.contains('\u{1b}'), "no colour codes: {out}");
    }

    #[test]
    fn header_column_counts_characters_like_every_other_format() {
        let file = SourceFile::new("n.md", "n.md", "- 论文：无\n".to_owned());
        let start = file.text.find('无').unwrap();
        let d = file.diag("field-link", Severity::Error, start..start + 3, "no link");
        assert_eq!(d.start.column, 6);
        let mut sources = Sources::new();
        sources.insert(file.path.clone(), file.clone());
        let out = render(&[d], &sources, &opts());
        assert!(out.contains("n.md:1:6]"), "{out}");
    }

    #[test]
    fn a_finding_on_a_long_line_shows_an_excerpt_around_it() {
        // One 30 KB line, a finding in its middle: the snippet keeps the span
        // and some text each side, not the whole line.
        let line = format!("{} [x](missing.png) {}", "a".repeat(15000), "b".repeat(15000));
        let text = format!("# t\n\n{line}\nnext\n");
        let file = SourceFile::new("n.md", "n.md", text.clone());
        let start = text.find("missing.png").unwrap();
        let d = file
            .diag("missing-file", Severity::Error, start..start + 11, "no such file")
            .with_label("not here");
        let out = render(&[d], &sources_of(&file), &opts());
        assert!(out.contains("n.md:3:15006]"), "{out}");
        assert!(out.contains("…aaa") && out.contains("[x](missing.png) bbb"), "{out}");
        assert!(out.contains("not here"), "{out}");
        assert!(out.len() < 2_000, "{} bytes", out.len());
        // The label sits under the span: its underline starts below `missing.png`.
        let lines: Vec<&str> = out.lines().collect();
        let code = lines.iter().position(|l| l.contains("missing.png")).unwrap();
        let col = |l: &str, pat: &str| l[..l.find(pat).unwrap()].chars().count();
        assert_eq!(col(lines[code], "missing.png"), col(lines[code + 1], "─"), "{out}");
    }

    #[test]
    fn snippets_far_into_a_file_show_the_right_lines() {
        let text: String = (1..=5000).map(|i| format!("line {i}\n")).collect();
        let file = SourceFile::new("n.md", "n.md", text.clone());
        let start = text.find("line 4321\n").unwrap();
        let d = file.diag("x", Severity::Error, start..start + 9, "here");
        let out = render(&[d], &sources_of(&file), &opts());
        assert!(out.contains("n.md:4321:1]"), "{out}");
        assert!(out.contains("4320 │ line 4320") && out.contains("4321 │ line 4321"), "{out}");
        assert!(out.contains("4322 │ line 4322"), "{out}");
    }

    #[test]
    fn file_level_names_the_file_and_clean_run_says_so() {
        let d =
            Diagnostic::file_level("unreadable-file", Severity::Warning, "notes/a.md", "the file is empty");
        let out = render(&[d], &Sources::new(), &opts());
        assert!(out.starts_with("warning[unreadable-file]: notes/a.md: the file is empty"), "{out}");
        assert!(
            out.contains("Found 1 warning in 1 file (1 file checked)."),
            "an unreadable file was checked too: {out}"
        );
        assert_eq!(render(&[], &Sources::new(), &opts()), "No problems found (0 files checked).\n");
    }

    #[test]
    fn fixable_findings_are_marked_and_counted_in_the_summary() {
        use crate::diag::{Edit, Fix};
        let file = SourceFile::new("n.md", "n.md", "- [a](a.example)\n- [b](b.example)\n".to_owned());
        let at = |s: &str| file.text.find(s).unwrap();
        let safe = file
            .diag("bare-url", Severity::Error, at("a.ex")..at("a.ex") + 9, "no scheme")
            .with_fix(Fix::safe("prefix https://", vec![Edit::insert(at("a.ex"), "https://")]));
        let guess = file
            .diag("x", Severity::Error, at("b.ex")..at("b.ex") + 9, "a guess")
            .with_fix(Fix::unsafe_("guess", vec![Edit::insert(at("b.ex"), "https://")]));
        let plain = file.diag("y", Severity::Warning, 0..1, "no fix");
        let all = [safe.clone(), guess.clone(), plain.clone()];
        let out = render(&all, &sources_of(&file), &opts());
        assert!(out.contains("error[bare-url]: [*] no scheme\n"), "{out}");
        assert!(out.contains("error[x]: a guess\n"), "unsafe: not marked by default: {out}");
        assert!(out.contains("warning[y]: no fix\n"), "{out}");
        assert!(
            out.ends_with(
                "Found 2 errors and 1 warning in 1 file (1 file checked); \
                 1 fixable with `daybook fix` (1 more with `--unsafe-fixes`).\n"
            ),
            "{out}"
        );
        let unsafe_opts = RenderOptions { unsafe_fixes: true, ..opts() };
        let out = render(&all, &sources_of(&file), &unsafe_opts);
        assert!(out.contains("error[x]: [*] a guess\n"), "{out}");
        assert!(out.ends_with("(1 file checked); 2 fixable with `daybook fix --unsafe-fixes`.\n"), "{out}");
        let out = render(std::slice::from_ref(&guess), &sources_of(&file), &opts());
        assert!(out.ends_with("; 1 fixable with `daybook fix --unsafe-fixes`.\n"), "{out}");
        let out = render(&[plain], &sources_of(&file), &opts());
        assert!(out.ends_with("in 1 file (1 file checked).\n"), "no fix, no count: {out}");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::file_level("x", Severity::Error, "a.md", "m");
        let out =
            render(&[d], &Sources::new(), &RenderOptions { color: true, width: 80, unsafe_fixes: false });
        assert!(out.contains('\u{1b}'), "{out}");
    }
}
