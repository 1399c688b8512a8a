//! Inline suppressions, written as HTML comments so they never render:
//!
//! - `<!-- daybook-disable-next-line RULE, RULE -->`: findings starting on the
//!   next line;
//! - `<!-- daybook-disable RULE -->` ... `<!-- daybook-enable RULE -->`: findings
//!   starting in between. Without a matching `enable` the region runs to the end
//!   of the file and then also covers file-level findings (a misnamed path, ...).
//!
//! Without a rule list a comment covers every rule. A suppression that
//! suppresses nothing (a fixed finding, a misspelled rule name) is itself
//! reported as `unused-suppression`, so stale comments do not pile up.

use std::collections::HashMap;

use crate::catalog::{self, UNUSED_SUPPRESSION};
use crate::diag::{Diagnostic, SourceFile};
use crate::note::{Note, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
}

#[derive(Debug)]
struct Directive {
    kind: Kind,
    /// The comment.
    span: Span,
    /// The keyword as written, for messages.
    keyword: &'static str,
    /// Empty: every rule.
    rules: Vec<String>,
    /// For `NextLine`: the covered line. For `Disable`: the covered byte range.
    line: usize,
    region: Span,
    /// The region was closed by an `enable` (else it runs to the end of file).
    closed: bool,
    /// Per rule (or one slot for "every rule"): did it suppress something.
    used: Vec<bool>,
}

impl Directive {
    fn slot(&self, rule: &str) -> Option<usize> {
        if self.rules.is_empty() { Some(0) } else { self.rules.iter().position(|r| r == rule) }
    }
}

fn parse_comment(text: &str) -> Option<(Kind, &'static str, Vec<String>)> {
    let (kind, keyword, rest) = if let Some(r) = text.strip_prefix("daybook-disable-next-line") {
        (Kind::NextLine, "daybook-disable-next-line", r)
    } else if let Some(r) = text.strip_prefix("daybook-disable") {
        (Kind::Disable, "daybook-disable", r)
    } else if let Some(r) = text.strip_prefix("daybook-enable") {
        (Kind::Enable, "daybook-enable", r)
    } else {
        return None;
    };
    // `daybook-disabled` is not a directive.
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let rules =
        rest.split([',', ' ', '\t', '\n', '\r']).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    Some((kind, keyword, rules))
}

/// The directives of one file, with `disable` regions closed by their `enable`s.
/// Returns unmatched `enable` comments separately.
fn directives(file: &SourceFile, comments: &[crate::note::Comment]) -> (Vec<Directive>, Vec<Directive>) {
    let mut out: Vec<Directive> = Vec::new();
    let mut stray = Vec::new();
    for c in comments {
        let Some((kind, keyword, rules)) = parse_comment(&c.text) else { continue };
        let used = vec![false; rules.len().max(1)];
        let mut d = Directive {
            kind,
            span: c.span.clone(),
            keyword,
            rules,
            line: file.position(c.span.end).line + 1,
            region: c.span.end..file.len(),
            closed: false,
            used,
        };
        match kind {
            Kind::NextLine | Kind::Disable => out.push(d),
            Kind::Enable => {
                // Close the open regions this enable names (all of them without names).
                let mut closed_any = false;
                for open in out.iter_mut().filter(|o| o.kind == Kind::Disable && !o.closed) {
                    let matches = d.rules.is_empty()
                        || open.rules.is_empty()
                        || open.rules.iter().any(|r| d.rules.contains(r));
                    if matches {
                        open.region.end = c.span.start;
                        open.closed = true;
                        closed_any = true;
                    }
                }
                if !closed_any {
                    d.used = vec![false];
                    stray.push(d);
                }
            }
        }
    }
    (out, stray)
}

/// Drop suppressed findings and report unused suppressions. `docs` are every
/// parsed file (notes and README) whose comments may suppress something.
pub(crate) fn apply<'a>(diags: Vec<Diagnostic>, docs: impl IntoIterator<Item = &'a Note>) -> Vec<Diagnostic> {
    let mut by_path: HashMap<&str, (&'a Note, Vec<Directive>, Vec<Directive>)> = HashMap::new();
    for note in docs {
        if note.comments.is_empty() {
            continue;
        }
        let (dirs, stray) = directives(&note.file, &note.comments);
        if !dirs.is_empty() || !stray.is_empty() {
            by_path.insert(note.file.path.as_str(), (note, dirs, stray));
        }
    }
    if by_path.is_empty() {
        return diags;
    }
    let mut kept = Vec::with_capacity(diags.len());
    for d in diags {
        let Some((_, dirs, _)) = by_path.get_mut(d.path.as_str()) else {
            kept.push(d);
            continue;
        };
        let file_level = d.span.is_empty() && d.span.start == 0 && d.label.is_none();
        let mut suppressed = false;
        for dir in dirs.iter_mut() {
            let Some(slot) = dir.slot(&d.rule) else { continue };
            let covers = match dir.kind {
                Kind::NextLine => d.start.line == dir.line,
                Kind::Disable => {
                    (d.span.start >= dir.region.start
                        && d.span.start < dir.region.end.max(dir.region.start + 1))
                        || (file_level && !dir.closed)
                }
                Kind::Enable => false,
            };
            if covers {
                dir.used[slot] = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    for (note, dirs, stray) in by_path.values() {
        for dir in dirs.iter().chain(stray) {
            for (slot, used) in dir.used.iter().enumerate() {
                if *used {
                    continue;
                }
                kept.push(unused(note, dir, dir.rules.get(slot).map(String::as_str)));
            }
        }
    }
    kept
}

fn unused(note: &Note, dir: &Directive, rule: Option<&str>) -> Diagnostic {
    let written = if dir.rules.is_empty() {
        dir.keyword.to_owned()
    } else {
        format!("{} {}", dir.keyword, dir.rules.join(", "))
    };
    let what = match (dir.kind, rule) {
        (Kind::Enable, _) => "it closes no `daybook-disable` above it".to_owned(),
        (Kind::NextLine, Some(r)) => format!("no `{r}` finding on line {}", dir.line),
        (Kind::NextLine, None) => format!("no finding on line {}", dir.line),
        (Kind::Disable, Some(r)) => format!("no `{r}` finding in its region"),
        (Kind::Disable, None) => "no finding in its region".to_owned(),
    };
    let mut d = note
        .file
        .diag(
            UNUSED_SUPPRESSION.name,
            UNUSED_SUPPRESSION.default_severity,
            dir.span.clone(),
            format!("`{written}` suppresses nothing: {what}"),
        )
        .with_label("unused suppression");
    match rule {
        Some(r) if !catalog::is_known(r) => {
            let mut help = format!("`{r}` is not a daybook rule");
            if let Some(s) = crate::suggest::did_you_mean(r, catalog::names()) {
                help.push_str(&format!("; did you mean `{s}`?"));
            } else {
                help.push_str(" (see `daybook rules`)");
            }
            d = d.with_help(help);
        }
        _ => d = d.with_help("remove the comment"),
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diag::Severity;
    use crate::note::parse::{ParseContext, parse_note};

    fn note(text: &str) -> Note {
        let ctx = ParseContext::new(&Config::default()).unwrap();
        parse_note(SourceFile::new("notes/202301/0101.md", "x", text.to_owned()), &ctx)
    }

    fn diag_on_line(n: &Note, rule: &str, line: usize) -> Diagnostic {
        let r = n.file.line_range(line);
        n.file.diag(rule, Severity::Error, r.start..r.start + 1, "m")
    }

    fn rules_of(diags: &[Diagnostic]) -> Vec<(String, usize)> {
        let mut v: Vec<_> = diags.iter().map(|d| (d.rule.clone(), d.start.line)).collect();
        v.sort();
        v
    }

    #[test]
    fn next_line_suppresses_only_the_named_rule_on_the_next_line() {
        let n = note("a\n<!-- daybook-disable-next-line title -->\nb\nc\n");
        let diags = vec![
            diag_on_line(&n, "title", 3),
            diag_on_line(&n, "note-path", 3),
            diag_on_line(&n, "title", 4),
        ];
        let out = apply(diags, [&n]);
        assert_eq!(rules_of(&out), [("note-path".into(), 3), ("title".into(), 4)]);
    }

    #[test]
    fn region_with_and_without_rules() {
        let n = note(
            "<!-- daybook-disable -->\na\n<!-- daybook-enable -->\nb\n<!-- daybook-disable title, note-path -->\nc\n",
        );
        let diags = vec![
            diag_on_line(&n, "x", 2),
            diag_on_line(&n, "x", 4),
            diag_on_line(&n, "title", 6),
            diag_on_line(&n, "note-path", 6),
        ];
        let out = apply(diags, [&n]);
        assert_eq!(rules_of(&out), [("x".into(), 4)]);
    }

    #[test]
    fn open_region_covers_file_level_findings() {
        let n = note("<!-- daybook-disable note-path -->\n# x\n");
        let d = Diagnostic::file_level("note-path", Severity::Error, "notes/202301/0101.md", "m");
        assert!(apply(vec![d], [&n]).is_empty());
    }

    #[test]
    fn unused_and_misspelled_suppressions_are_reported() {
        let n = note(
            "<!-- daybook-disable-next-line titel -->\na\n<!-- daybook-enable title -->\n<!-- not a directive -->\n",
        );
        let out = apply(vec![], [&n]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|d| d.rule == "unused-suppression"));
        let first = out.iter().find(|d| d.start.line == 1).unwrap();
        assert_eq!(
            first.message,
            "`daybook-disable-next-line titel` suppresses nothing: no `titel` finding on line 2"
        );
        assert_eq!(first.help.as_deref(), Some("`titel` is not a daybook rule; did you mean `title`?"));
        let second = out.iter().find(|d| d.start.line == 3).unwrap();
        assert!(second.message.contains("closes no `daybook-disable`"), "{}", second.message);
    }

    #[test]
    fn directive_needs_a_word_boundary() {
        assert!(parse_comment("daybook-disabled").is_none());
        assert_eq!(parse_comment("daybook-disable a,b c").unwrap().2, ["a", "b", "c"]);
    }
}
