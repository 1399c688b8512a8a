//! `note-path`: every Markdown file under the notes root is named after its day.

use crate::diag::{Diagnostic, Fix, Severity};
use crate::note::{Note, PathMatch};
use crate::pattern::DateMismatch;
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const NOTE_PATH: RuleInfo = RuleInfo {
    name: "note-path",
    summary: "A note's path must match its note set's `pattern` and spell a real date, its month folder agreeing with its file name.",
    docs: include_str!("../../docs/rules/note-path.md"),
    default_severity: Severity::Error,
};

pub(crate) struct NotePath;

impl Check for NotePath {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&NOTE_PATH]
    }

    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let path = note.file.path.as_str();
        let set = cx.parse.set(note.set);
        if set.relative(path).is_none() {
            return;
        }
        let pattern = &set.pattern;
        // A path without the pattern's shape at all may be no note (an index, a draft).
        let mut shapeless = false;
        let message = match &note.path_match {
            Some(PathMatch::Matched(_)) | None => return,
            Some(PathMatch::Unmatched) => {
                shapeless = true;
                format!("the path does not match the note path pattern `{}`", pattern.source())
            }
            Some(PathMatch::BadDate(DateMismatch::Inconsistent { component, first, second })) => format!(
                "the path spells the {component} twice, as {first:02} and as {second:02}: the folder and the file name disagree"
            ),
            Some(PathMatch::BadDate(e @ DateMismatch::Impossible { .. })) => {
                format!("the path names no real day: {e}")
            }
        };
        let mut d = Diagnostic::file_level(NOTE_PATH.name, NOTE_PATH.default_severity, path, message);
        let title_date = note.title.as_ref().and_then(|t| t.date).filter(|_| pattern.is_dated());
        let root = &set.root;
        let sep = if root.is_empty() { "" } else { "/" };
        let renamed = title_date.and_then(|date| Some((date, renamed(pattern, date, set.relative(path)?)?)));
        d = match renamed {
            Some((date, name)) => {
                let to = format!("{root}{sep}{name}");
                // Never onto a note that exists: that one may be the day's real note.
                let free = std::fs::symlink_metadata(cx.root.join(&to)).is_err();
                let fix = free.then(|| Fix::rename(format!("rename the file to `{to}`"), to.clone()));
                d.with_help(format!("the title says {date}: rename the file to `{to}`")).with_fix_if(fix)
            }
            None => {
                let mut help = if let Some(date) = title_date {
                    format!("the title says {date}: rename the file to match `{}`", pattern.source())
                } else if pattern.is_dated() {
                    format!(
                        "rename the file to match `{}` (e.g. `{}`)",
                        pattern.source(),
                        pattern.format(chrono::NaiveDate::from_ymd_opt(2022, 4, 14).expect("valid date"))
                    )
                } else {
                    format!("rename the file to match `{}`", pattern.source())
                };
                // Other sets living in the same folder: the file may be meant for one of them.
                let others: Vec<String> = cx
                    .parse
                    .sets
                    .iter()
                    .filter(|s| s.index != set.index && s.relative(path).is_some())
                    .map(|s| format!("`{}`", s.pattern.source()))
                    .collect();
                if !others.is_empty() {
                    help.push_str(&format!(" or {}", others.join(" or ")));
                }
                if shapeless {
                    help.push_str(&format!(
                        "; if it is not a note, add `{path}` to `ignore:` in daybook.yml"
                    ));
                }
                d.with_help(help)
            }
        };
        out.push(d);
    }
}

/// The path (relative to the set's root) a note of `date` at `rel` should
/// have: the pattern spelled for the day, where a `*` or `**` folder keeps the
/// note's own folder. `None` when the file name itself holds a wildcard or a
/// `{slug}` only the writer can fill in.
fn renamed(pattern: &crate::pattern::DatePattern, date: chrono::NaiveDate, rel: &str) -> Option<String> {
    let formatted = pattern.format(date);
    let wild = |s: &str| s.contains(['*', '{']);
    if !wild(&formatted) {
        return Some(formatted);
    }
    let (folders, name) = formatted.rsplit_once('/')?;
    if wild(name) {
        return None;
    }
    let own = rel.rsplit_once('/').map_or("", |(f, _)| f);
    // The note's folder stands for the pattern's only when the pattern leaves every folder open.
    if !folders.split('/').all(|f| f == "*" || f == "**") {
        return None;
    }
    Some(if own.is_empty() { name.to_owned() } else { format!("{own}/{name}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn check(path: &str, text: &str) -> Vec<Diagnostic> {
        crate::rules::test_support::run_in(
            &NOTE_PATH,
            &Config::default(),
            std::path::Path::new("."),
            path,
            text,
        )
    }

    /// A pattern with `**/` or `*` folders: the rename keeps the note's own
    /// folder, and never suggests a name with a wildcard in it.
    #[test]
    fn the_suggested_name_keeps_the_folder_a_wildcard_stands_for() {
        let mut config = Config::default();
        config.notes = crate::config::NoteSets(vec![crate::config::NotesConfig {
            root: ".".into(),
            pattern: "**/{yyyy}-{mm}-{dd}.md".into(),
            kind: crate::config::NoteKind::Article,
            title: Some("{yyyy}-{mm}-{dd}".into()),
            ..Default::default()
        }]);
        let help = |config: &Config, path: &str| {
            let out = crate::rules::test_support::run_in(
                &NOTE_PATH,
                config,
                std::path::Path::new("."),
                path,
                "# 2023-12-10\n",
            );
            out[0].help.clone().unwrap()
        };
        assert_eq!(
            help(&config, "Semester 5/2023-12-1.md"),
            "the title says 2023-12-10: rename the file to `Semester 5/2023-12-10.md`"
        );
        assert_eq!(
            help(&config, "2023-12-1.md"),
            "the title says 2023-12-10: rename the file to `2023-12-10.md`"
        );
        config.notes.primary_mut().pattern = "{yyyy}-{mm}-{dd}-{slug}.md".into();
        let h = help(&config, "2023-12-1-x.md");
        assert!(!h.contains("rename the file to `"), "{h}");
        assert!(h.contains("2023-12-10"), "{h}");
    }

    #[test]
    fn good_path_passes() {
        assert!(check("notes/202204/0414.md", "# x").is_empty());
    }

    #[test]
    fn five_digit_file_name_suggests_the_title_date() {
        let out = check("notes/202105/05010.md", "# 公众号内容拓展学习笔记（2021.5.10）\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "note-path");
        assert!(out[0].message.contains("does not match"), "{}", out[0].message);
        assert_eq!(
            out[0].help.as_deref(),
            Some("the title says 2021-05-10: rename the file to `notes/202105/0510.md`")
        );
    }

    #[test]
    fn a_file_that_is_no_note_is_told_about_ignore() {
        let out = check("notes/README.md", "# Notes index\n");
        assert_eq!(out.len(), 1);
        let help = out[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("`ignore:`") && help.contains("notes/README.md"), "{help}");
    }

    #[test]
    fn month_folder_disagreeing_with_file() {
        let out = check("notes/202105/0610.md", "# x\n");
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("month twice, as 05 and as 06"), "{}", out[0].message);
    }

    #[test]
    fn impossible_date() {
        let out = check("notes/202102/0231.md", "# x\n");
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("2021-02-31 is not a date"), "{}", out[0].message);
        assert_eq!(out[0].start.line, 1);
    }
}
