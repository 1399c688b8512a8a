//! `title`: every note opens with an H1 spelling its date in `title.pattern`.

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Edit, Fix, Severity};
use crate::note::Note;
use crate::pattern::DatePattern;
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const TITLE: RuleInfo = RuleInfo {
    name: "title",
    summary: "A note needs an H1 title matching `title.pattern` whose date is the date of the note's path.",
    docs: include_str!("../../docs/rules/title.md"),
    default_severity: Severity::Error,
};

pub(crate) struct Title;

impl Check for Title {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&TITLE]
    }

    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let file = &note.file;
        // An article set without a title pattern takes any title, or none
        // (Logseq journals have none; a front matter `title` is one too).
        let Some(pattern) = &cx.parse.set(note.set).title else { return };
        let spelled = pattern.is_dated() && !pattern.has_free_parts();
        // Only a finding needs it: formatted on demand.
        let expected = || note.path_date.filter(|_| spelled).map(|d| format!("# {}", pattern.format(d)));
        let Some(title) = &note.title else {
            let first_line = file.line_range(1);
            let mut d = file
                .diag(
                    TITLE.name,
                    TITLE.default_severity,
                    first_line.start..first_line.start,
                    "the note has no title (no `# ` heading)",
                )
                .with_label("expected the title here");
            d = match expected() {
                Some(e) => d.with_help(format!("start the note with `{e}`")),
                None => {
                    d.with_help(format!("start the note with a `# ` heading matching `{}`", pattern.source()))
                }
            };
            out.push(d);
            return;
        };
        let h = &title.heading;
        // Point at the heading's text, not its `# ` marker.
        let line = &file.text[h.span.clone()];
        let text_span = match line.find(h.text.trim()) {
            Some(i) if !h.text.trim().is_empty() => h.span.start + i..h.span.start + i + h.text.trim().len(),
            _ => h.span.clone(),
        };
        // The parser read the title against this very pattern (the set's).
        match (&title.shape, title.date) {
            (None, _) => {
                let mut d = file
                    .diag(
                        TITLE.name,
                        TITLE.default_severity,
                        text_span,
                        format!("the title does not match the title pattern `{}`", pattern.source()),
                    )
                    .with_label("this title");
                if let Some(e) = expected() {
                    d = d.with_help(format!("write the title as `{e}`"));
                }
                out.push(d);
            }
            (Some(Err(e)), _) => {
                let mut d = file
                    .diag(
                        TITLE.name,
                        TITLE.default_severity,
                        text_span,
                        format!("the title names no real day: {e}"),
                    )
                    .with_label("not a date");
                if let Some(e) = expected() {
                    d = d.with_help(format!("write the title as `{e}`"));
                }
                out.push(d);
            }
            (Some(Ok(_)), Some(date)) if pattern.is_dated() => {
                if let Some(path_date) = note.path_date
                    && path_date != date
                {
                    let mut d = file
                        .diag(
                            TITLE.name,
                            TITLE.default_severity,
                            text_span,
                            format!("the title says {date} but the note's path says {path_date}"),
                        )
                        .with_label(format!("expected {path_date}"));
                    if let Some(e) = expected() {
                        d = d.with_help(format!(
                            "write the title as `{e}`, or rename the file if the title is right"
                        ));
                    }
                    let found = line.find(h.text.trim()).map(|i| h.span.start + i);
                    let fix = found.and_then(|at| date_fix(pattern, h.text.trim(), at, path_date));
                    out.push(d.with_fix_if(fix));
                }
            }
            (Some(Ok(_)), _) => {}
        }
    }
}

/// The path's date written over the title's, digit group by digit group in
/// the title's own placeholders; `title` (the heading's text) starts at `at`.
fn date_fix(pattern: &DatePattern, title: &str, at: usize, date: NaiveDate) -> Option<Fix> {
    let edits: Vec<Edit> = pattern
        .respell(title, date)?
        .into_iter()
        .filter(|(r, spelled)| title.get(r.clone()) != Some(spelled.as_str()))
        .map(|(r, spelled)| Edit::replace(at + r.start..at + r.end, spelled))
        .collect();
    let what = format!("write the path's date {date} in the title");
    (!edits.is_empty()).then(|| Fix::safe(what, edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diag::Position;

    fn check(path: &str, text: &str) -> Vec<Diagnostic> {
        crate::rules::test_support::run_in(&TITLE, &Config::default(), std::path::Path::new("."), path, text)
    }

    #[test]
    fn matching_title_passes() {
        assert!(check("notes/202204/0414.md", "# 公众号内容拓展学习笔记（2022.4.14）\n").is_empty());
    }

    #[test]
    fn missing_title() {
        let out = check("notes/202204/0414.md", "\n## :paperclip:  今日要点\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].start, Position { line: 1, column: 1 });
        assert_eq!(
            out[0].help.as_deref(),
            Some("start the note with `# 公众号内容拓展学习笔记（2022.4.14）`")
        );
    }

    #[test]
    fn title_not_matching_pattern_points_at_text() {
        let out = check("notes/202204/0414.md", "\n# 公众号内容拓展学习笔记(2022.4.14)\n");
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("does not match"));
        assert_eq!(out[0].start, Position { line: 2, column: 3 });
    }

    #[test]
    fn title_date_differs_from_path() {
        let out = check("notes/202204/0414.md", "# 公众号内容拓展学习笔记（2022.4.13）\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].message, "the title says 2022-04-13 but the note's path says 2022-04-14");
    }

    #[test]
    fn impossible_title_date() {
        let out = check("notes/202204/0414.md", "# 公众号内容拓展学习笔记（2022.2.30）\n");
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("names no real day"), "{}", out[0].message);
    }
}
