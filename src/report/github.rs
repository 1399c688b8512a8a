//! GitHub workflow commands: one `::error` / `::warning` / `::notice` line per
//! diagnostic, which the Actions runner turns into annotations on the exact lines.
//!
//! The runner parses `::command key=value,key=value::data` and un-escapes
//! `%25`, `%0D`, `%0A` in the data and additionally `%3A`, `%2C` in property
//! values (see `actions/toolkit` `command.ts`). Anything not escaped that way
//! silently truncates or splits the annotation, so escaping is exact and tested.

use crate::diag::{Diagnostic, Severity};

/// Escape the data part (the message) of a workflow command.
///
/// Control characters are shown escaped first (`report::safe`): a CR would end
/// the command's line for the runner, ESC is echoed raw into the log.
pub(crate) fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::safe::controls(s).chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a property value (`file=`, `title=`): the data escapes plus `:` and `,`,
/// which would otherwise end the property list or the value.
pub(crate) fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::safe::controls(s).chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// The workflow command name for a severity.
pub(crate) fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Line/column range of an annotation as GitHub reads it: 1-based, end
/// column inclusive (the Checks API and workflow commands both point at the
/// last character, unlike SARIF's exclusive end). `None` columns mean "the
/// whole line(s)": spans that are empty or cross lines, where a column pair
/// would be misleading (GitHub also rejects columns on multi-line annotations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnnotationRange {
    pub(crate) start_line: usize,
    pub(crate) end_line: usize,
    pub(crate) start_column: Option<usize>,
    pub(crate) end_column: Option<usize>,
}

impl AnnotationRange {
    pub(crate) fn of(d: &Diagnostic) -> Self {
        let start_line = d.start.line.max(1);
        // A span ending right after a newline ends on the previous line.
        let mut end_line = d.end.line.max(start_line);
        if end_line > start_line && d.end.column == 1 {
            end_line -= 1;
        }
        if end_line == start_line && d.end.line == start_line && d.end.column > d.start.column {
            AnnotationRange {
                start_line,
                end_line,
                start_column: Some(d.start.column),
                end_column: Some(d.end.column - 1),
            }
        } else {
            AnnotationRange { start_line, end_line, start_column: None, end_column: None }
        }
    }
}

/// The message shown in the annotation: the finding, then what to do about it.
pub(crate) fn annotation_message(d: &Diagnostic) -> String {
    let mut msg = d.message.clone();
    if let Some(help) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(help);
    }
    for r in &d.related {
        msg.push_str(&format!("\nnote: {}:{}:{}: {}", r.path, r.start.line, r.start.column, r.message));
    }
    msg
}

/// One workflow command line (without the trailing newline).
pub(crate) fn workflow_command(d: &Diagnostic) -> String {
    let r = AnnotationRange::of(d);
    let mut props = format!("file={},line={}", escape_property(&d.path), r.start_line);
    if let Some(c) = r.start_column {
        props.push_str(&format!(",col={c}"));
    }
    props.push_str(&format!(",endLine={}", r.end_line));
    if let Some(c) = r.end_column {
        props.push_str(&format!(",endColumn={c}"));
    }
    props.push_str(&format!(",title={}", escape_property(&d.rule)));
    format!("::{} {}::{}", command(d.severity), props, escape_data(&annotation_message(d)))
}

/// Render every diagnostic as a workflow command, one per line.
pub fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&workflow_command(d));
        out.push('\n');
    }
    out
}

/// A workflow command without a location (`::notice::...`), e.g. to say once
/// that the Checks API was not available.
pub(crate) fn plain(severity: Severity, title: &str, message: &str) -> String {
    format!("::{} title={}::{}", command(severity), escape_property(title), escape_data(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn data_escapes_percent_cr_lf_only() {
        assert_eq!(escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
        // Escaping `%` first matters: an already-escaped-looking input stays literal.
        assert_eq!(escape_data("%0A"), "%250A");
        // A bare CR or ESC is shown, not sent: the runner would split the line there.
        assert_eq!(escape_data("a\r::error::x\x1b[1m"), "a\\r::error::x\\x1b[1m");
        assert_eq!(escape_property("a\rb\u{9b}"), "a\\rb\\u{9b}");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("notes/a,b:c%\n.md"), "notes/a%2Cb%3Ac%25%0A.md");
        assert_eq!(escape_property("今日要点.md"), "今日要点.md");
    }

    #[test]
    fn unescaping_like_the_runner_gives_back_the_input() {
        // The runner's un-escape order (actions/runner ActionCommand.cs): %0D, %0A, %3A, %2C, then %25.
        fn unescape(s: &str) -> String {
            s.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%")
        }
        for s in ["a%3Ab", "x,y:z\r\n%%", "%250A", "plain", "星:,%"] {
            assert_eq!(unescape(&escape_property(s)), s);
            let e = escape_property(s);
            assert!(!e.contains(',') && !e.contains(':') && !e.contains('\n'), "{e}");
        }
    }

    fn diag(text: &str, needle: &str, severity: Severity) -> Diagnostic {
        let f = SourceFile::new("notes/202401/0101.md", "x", text.to_owned());
        let at = text.find(needle).unwrap();
        f.diag("unknown-field", severity, at..at + needle.len(), "unknown field `Papr`")
    }

    #[test]
    fn one_command_with_location_and_title() {
        let d = diag("# t\n- Papr: x\n", "Papr", Severity::Error).with_help("did you mean `Paper`?");
        assert_eq!(
            workflow_command(&d),
            "::error file=notes/202401/0101.md,line=2,col=3,endLine=2,endColumn=6,title=unknown-field::\
             unknown field `Papr`%0Ahelp: did you mean `Paper`?"
        );
    }

    #[test]
    fn severities_map_to_commands() {
        assert!(workflow_command(&diag("x", "x", Severity::Warning)).starts_with("::warning "));
        assert!(workflow_command(&diag("x", "x", Severity::Info)).starts_with("::notice "));
    }

    #[test]
    fn multi_line_and_empty_spans_have_no_columns() {
        let d = diag("ab\ncd\n", "ab\ncd", Severity::Error);
        assert_eq!(
            AnnotationRange::of(&d),
            AnnotationRange { start_line: 1, end_line: 2, start_column: None, end_column: None }
        );
        // A span that ends just after a newline ends on the line before.
        let d = diag("ab\ncd\n", "ab\n", Severity::Error);
        assert_eq!(AnnotationRange::of(&d).end_line, 1);
        let d = Diagnostic::file_level("io", Severity::Error, "a.md", "unreadable");
        let c = workflow_command(&d);
        assert_eq!(c, "::error file=a.md,line=1,endLine=1,title=io::unreadable");
    }

    #[test]
    fn cjk_columns_are_characters() {
        let d = diag("## 今日要点 x\n", "x", Severity::Error);
        let r = AnnotationRange::of(&d);
        assert_eq!((r.start_column, r.end_column), (Some(9), Some(9)));
    }
}
