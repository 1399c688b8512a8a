//! What the editor shows: daybook's findings as LSP diagnostics, a finding's
//! rule docs on hover, and the code actions on a finding.

use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;

use lsp_types as lsp;

use super::position::{self, Encoding};
use crate::diag::{Applicability, Diagnostic, Edit, Severity, SourceFile};

/// The diagnostics' `source`: what the editor shows beside the rule name.
pub(crate) const SOURCE: &str = "daybook";

/// A place a related note points to, resolved by the server (another note's
/// URI and text), or `None` when it is not held.
pub(crate) type Resolve<'a> = dyn Fn(&str) -> Option<(lsp::Uri, &'a SourceFile)> + 'a;

pub(crate) fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// One finding as an LSP diagnostic: the rule as `code`, linked to its docs
/// page, the help after the message, and its related places where the
/// server holds their files.
pub(crate) fn to_lsp(
    d: &Diagnostic,
    file: &SourceFile,
    enc: Encoding,
    resolve: &Resolve<'_>,
) -> lsp::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let (uri, file) = resolve(&r.path)?;
            let at = position::from_line_column(file, r.start.line, r.start.column, enc);
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri, range: lsp::Range { start: at, end: at } },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: position::range(file, &d.span, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.clone())),
        code_description: lsp::Uri::from_str(&crate::catalog::docs_url(&d.rule))
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A finding about the whole file (its path, an unreadable file): what
/// `daybook-disable` without an `enable` covers, not a next-line comment.
fn is_file_level(d: &Diagnostic) -> bool {
    d.span.is_empty() && d.span.start == 0 && d.label.is_none()
}

/// Whether the finding is under byte `at`: inside its span (its end
/// included, where the cursor sits after a word), or on the line of an empty span.
fn covers(d: &Diagnostic, file: &SourceFile, at: usize) -> bool {
    if d.span.is_empty() {
        return file.line_index(d.span.start) == file.line_index(at);
    }
    d.span.start <= at && at <= d.span.end
}

/// The hover at byte `at`: every finding there, with its rule's docs.
pub(crate) fn hover(diags: &[Diagnostic], file: &SourceFile, at: usize, enc: Encoding) -> Option<lsp::Hover> {
    let here: Vec<&Diagnostic> = diags.iter().filter(|d| covers(d, file, at)).collect();
    let first = here.first()?;
    let mut text = String::new();
    let mut shown_docs = Vec::new();
    for d in &here {
        if !text.is_empty() {
            text.push_str("\n\n---\n\n");
        }
        text.push_str(&format!("**{}** `{}`: {}", d.severity, d.rule, d.message));
        if let Some(help) = &d.help {
            text.push_str(&format!("\n\nhelp: {help}"));
        }
        if shown_docs.contains(&d.rule.as_str()) {
            continue;
        }
        shown_docs.push(&d.rule);
        if let Some(info) = crate::catalog::info(&d.rule) {
            text.push_str(&format!("\n\n---\n\n{}", info.docs.trim_end()));
        }
    }
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: text,
        }),
        range: Some(position::range(file, &first.span, enc)),
    })
}

/// Whether the finding touches the requested byte range (a cursor is an
/// empty range).
fn touches(d: &Diagnostic, file: &SourceFile, range: &Range<usize>) -> bool {
    if d.span.is_empty() {
        let line = file.line_index(d.span.start);
        return file.line_index(range.start) <= line && line <= file.line_index(range.end);
    }
    d.span.start <= range.end && range.start <= d.span.end
}

/// The rules a `daybook-disable-next-line` comment on 0-based `line` names,
/// and the byte range of the comment's rule list, when the line is just that comment.
fn next_line_comment(file: &SourceFile, line: usize) -> Option<(Range<usize>, Vec<&str>)> {
    let start = file.line_start(line);
    let end = file.line_range(line + 1).end;
    let text = &file.text[start..end];
    let inner = text.trim().strip_prefix("<!--")?.strip_suffix("-->")?;
    let rest = inner.trim_start().strip_prefix("daybook-disable-next-line")?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let rules: Vec<&str> = rest.split([',', ' ', '\t']).filter(|s| !s.is_empty()).collect();
    if rules.is_empty() {
        return None; // it already covers every rule
    }
    // The list runs from the first rule's start to the last rule's end.
    let rest_at = start + (rest.as_ptr() as usize - text.as_ptr() as usize);
    let first = rest.find(rules[0])?;
    let last = rules[rules.len() - 1];
    let last_end = rest.rfind(last)? + last.len();
    Some((rest_at + first..rest_at + last_end, rules))
}

/// The edit that silences `d`: a `daybook-disable-next-line RULE` comment on
/// its own line above the finding's line, indented like it so the comment
/// stays inside a list item (at column 0 it would end the list), or `RULE`
/// added to such a comment already there; for a file-level finding, a
/// `daybook-disable RULE` comment at the end of the file, whose open region
/// covers findings on the whole file.
pub(crate) fn suppression_edit(d: &Diagnostic, file: &SourceFile) -> (String, Range<usize>, String) {
    let text = file.text.as_str();
    if is_file_level(d) {
        let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
        return (
            format!("Disable `{}` for this file", d.rule),
            text.len()..text.len(),
            format!("{sep}<!-- daybook-disable {} -->\n", d.rule),
        );
    }
    let title = format!("Disable `{}` for this line", d.rule);
    let line = file.line_index(d.span.start);
    if line > 0
        && let Some((list, _)) = next_line_comment(file, line - 1)
    {
        return (title, list.end..list.end, format!(", {}", d.rule));
    }
    let start = file.line_start(line);
    let line_text = &text[start..file.line_range(line + 1).end];
    let indent = &line_text[..line_text.len() - line_text.trim_start_matches([' ', '\t']).len()];
    let eol = if text[start..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    (title, start..start, format!("{indent}<!-- daybook-disable-next-line {} -->{eol}", d.rule))
}

/// The action applying a finding's fix (what `daybook fix` would do to it), or
/// `None` when its rule has none. A safe fix is the preferred action (what an
/// editor's "apply the fix" picks); an unsafe one says so in its title.
fn fix_action(
    uri: &lsp::Uri,
    d: &Diagnostic,
    file: &SourceFile,
    enc: Encoding,
    resolve: &Resolve<'_>,
) -> Option<lsp::CodeAction> {
    let fix = d.fix.as_ref()?;
    // Spans index the text as held; a stale or foreign span is no edit to offer.
    let len = file.text.len();
    let fits = |e: &Edit| {
        e.span.start <= e.span.end
            && e.span.end <= len
            && file.text.is_char_boundary(e.span.start)
            && file.text.is_char_boundary(e.span.end)
    };
    if fix.edits.is_empty() || !fix.edits.iter().all(fits) {
        return None;
    }
    let edits: Vec<lsp::TextEdit> = fix
        .edits
        .iter()
        .map(|e| lsp::TextEdit { range: position::range(file, &e.span, enc), new_text: e.content.clone() })
        .collect();
    let safe = fix.applicability == Applicability::Safe;
    let mut title = format!("Fix `{}`: {}", d.rule, fix.message);
    if !safe {
        title.push_str(" (unsafe: review the result)");
    }
    Some(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(d, file, enc, resolve)]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: Some(safe),
        ..Default::default()
    })
}

/// The code actions for the findings touching `range` (bytes) in the document
/// at `uri`: each finding's fix where its rule has one, then a suppression for
/// each rule and line (a rule already named by the comment above the line is
/// not offered again).
pub(crate) fn code_actions(
    uri: &lsp::Uri,
    diags: &[Diagnostic],
    file: &SourceFile,
    range: &Range<usize>,
    enc: Encoding,
    resolve: &Resolve<'_>,
) -> Vec<lsp::CodeActionOrCommand> {
    let here: Vec<&Diagnostic> = diags.iter().filter(|d| touches(d, file, range)).collect();
    let mut out = Vec::new();
    let mut fixes: Vec<&[Edit]> = Vec::new();
    for d in &here {
        // Two findings with the same repair (one typo seen by two rules) get one action.
        if let Some(action) = fix_action(uri, d, file, enc, resolve)
            && let Some(fix) = &d.fix
            && !fixes.contains(&fix.edits.as_slice())
        {
            fixes.push(&fix.edits);
            out.push(lsp::CodeActionOrCommand::CodeAction(action));
        }
    }
    let mut offered: Vec<(String, usize)> = Vec::new();
    for d in here {
        let key = (d.rule.clone(), if is_file_level(d) { usize::MAX } else { file.line_index(d.span.start) });
        if offered.contains(&key) {
            continue;
        }
        offered.push(key);
        let (title, at, new_text) = suppression_edit(d, file);
        let edit = lsp::TextEdit { range: position::range(file, &at, enc), new_text };
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title,
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![to_lsp(d, file, enc, resolve)]),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, at: Range<usize>, new: &str) -> String {
        format!("{}{new}{}", &text[..at.start], &text[at.end..])
    }

    fn finding(file: &SourceFile, needle: &str, rule: &str) -> Diagnostic {
        let at = file.text.find(needle).unwrap();
        file.diag(rule, Severity::Warning, at..at + needle.len(), "m").with_label("here")
    }

    #[test]
    fn the_suppression_is_indented_like_the_line() {
        let f = SourceFile::new("n.md", "n.md", "1. [a](b)\r\n   - GtiHub: x\r\n".to_owned());
        let d = finding(&f, "GtiHub", "unknown-field");
        let (title, at, new) = suppression_edit(&d, &f);
        assert_eq!(title, "Disable `unknown-field` for this line");
        assert_eq!(
            apply(&f.text, at, &new),
            "1. [a](b)\r\n   <!-- daybook-disable-next-line unknown-field -->\r\n   - GtiHub: x\r\n"
        );
    }

    #[test]
    fn a_second_rule_joins_the_comment_above() {
        let text = "x\n  <!-- daybook-disable-next-line title -->\n  GtiHub 😀\n";
        let f = SourceFile::new("n.md", "n.md", text.to_owned());
        let d = finding(&f, "GtiHub", "unknown-field");
        let (_, at, new) = suppression_edit(&d, &f);
        assert_eq!(
            apply(text, at, &new),
            "x\n  <!-- daybook-disable-next-line title, unknown-field -->\n  GtiHub 😀\n"
        );
        // On the first line, there is no line above to look at.
        let d = finding(&f, "x", "title");
        let (_, at, new) = suppression_edit(&d, &f);
        assert!(apply(text, at, &new).starts_with("<!-- daybook-disable-next-line title -->\nx\n"));
    }

    #[test]
    fn a_file_level_finding_is_disabled_for_the_file() {
        let f = SourceFile::new("n.md", "n.md", "# t".to_owned());
        let d = Diagnostic::file_level("note-path", Severity::Error, "n.md", "m");
        let (title, at, new) = suppression_edit(&d, &f);
        assert_eq!(title, "Disable `note-path` for this file");
        assert_eq!(apply(&f.text, at, &new), "# t\n<!-- daybook-disable note-path -->\n");
    }

    #[test]
    fn fixes_come_first_an_unsafe_one_is_not_preferred_and_a_stale_span_is_dropped() {
        let f = SourceFile::new("n.md", "n.md", "今 GtiHub x\n".to_owned());
        let uri = lsp::Uri::from_str("file:///n.md").unwrap();
        let at = f.text.find("GtiHub").unwrap();
        let none: &Resolve<'_> = &|_| None;
        let actions = |d: Diagnostic| {
            code_actions(&uri, &[d], &f, &(at..at), Encoding::Utf16, none)
                .into_iter()
                .map(|a| match a {
                    lsp::CodeActionOrCommand::CodeAction(a) => a,
                    lsp::CodeActionOrCommand::Command(_) => panic!("no commands"),
                })
                .collect::<Vec<_>>()
        };
        let d = finding(&f, "GtiHub", "unknown-field")
            .with_fix(crate::diag::Fix::unsafe_("use `GitHub`", vec![Edit::replace(at..at + 6, "GitHub")]));
        let got = actions(d.clone());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].title, "Fix `unknown-field`: use `GitHub` (unsafe: review the result)");
        assert_eq!(got[0].is_preferred, Some(false));
        let edits = &got[0].edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        // UTF-16 columns: `今` and the space are two code units.
        assert_eq!(edits[0].range.start, lsp::Position { line: 0, character: 2 });
        assert_eq!(edits[0].range.end, lsp::Position { line: 0, character: 8 });
        assert_eq!(got[1].title, "Disable `unknown-field` for this line");

        // A span past the text (it changed under the finding) or inside `今`: no fix offered.
        for span in [at..f.text.len() + 4, 1..2] {
            let d = d.clone().with_fix(crate::diag::Fix::safe("x", vec![Edit::replace(span, "y")]));
            let got = actions(d);
            assert_eq!(got.len(), 1, "only the suppression");
        }
    }

    #[test]
    fn hover_shows_the_finding_and_its_rule_docs() {
        let f = SourceFile::new("n.md", "n.md", "今 GtiHub x\n".to_owned());
        let d = finding(&f, "GtiHub", "unknown-field");
        let at = f.text.find("Hub").unwrap();
        let h = hover(std::slice::from_ref(&d), &f, at, Encoding::Utf16).unwrap();
        let lsp::HoverContents::Markup(m) = h.contents else { panic!() };
        assert!(m.value.starts_with("**warning** `unknown-field`: m"), "{}", m.value);
        let docs = crate::catalog::info("unknown-field").unwrap().docs;
        assert!(m.value.contains(docs.trim_end()));
        assert_eq!(h.range.unwrap().start, lsp::Position { line: 0, character: 2 });
        assert!(hover(&[d], &f, f.text.find('x').unwrap(), Encoding::Utf16).is_none());
    }
}
