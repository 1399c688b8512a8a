//! `note-set-empty`: a note set of daybook.yml that no note matches: a
//! pattern that can never match (a literal `*` meant as text, a typo in the
//! root), or a set whose every file fails its pattern.

use crate::diag::{Diagnostic, Position, Severity};
use crate::note::{Note, PathMatch};
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const NOTE_SET_EMPTY: RuleInfo = RuleInfo {
    name: "note-set-empty",
    summary: "A note set of daybook.yml matches no note: its pattern never matches, or every file under its root fails it.",
    docs: include_str!("../../docs/rules/note-set-empty.md"),
    default_severity: Severity::Warning,
};

pub(crate) struct NoteSets;

impl Check for NoteSets {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&NOTE_SET_EMPTY]
    }

    fn check_repo(
        &self,
        notes: &[Note],
        _readme: Option<&Note>,
        cx: &RuleContext<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // Only sets somebody wrote: the built-in default is no claim about the repository.
        let path = crate::config::CONFIG_FILE;
        // Not necessarily the config in use (`--config` names another), so
        // read as a pull request's file: a bounded regular file inside, or not
        // at all (a FIFO hung the run, a link to `/dev/zero` ate the memory).
        let bytes =
            crate::util::jail::read_in_repo(cx.root, &cx.root.join(path), crate::config::MAX_CONFIG_SIZE);
        let Some(yaml) = bytes.ok().and_then(|b| String::from_utf8(b).ok()) else { return };
        if !yaml.lines().any(|l| l.starts_with("notes:")) {
            return;
        }
        for set in &cx.parse.sets {
            let mine: Vec<&Note> = notes.iter().filter(|n| n.set == set.index).collect();
            if mine.iter().any(|n| matches!(n.path_match, Some(PathMatch::Matched(_)))) {
                continue;
            }
            let root = if set.root.is_empty() { "." } else { set.root.as_str() };
            let message = match mine.first() {
                None => format!(
                    "the note set `{}` matches no file: nothing under `{root}` has the shape `{}`",
                    set.name,
                    set.pattern.source()
                ),
                Some(first) => format!(
                    "the note set `{}` matches none of its {} files (e.g. `{}`) with `{}`",
                    set.name,
                    mine.len(),
                    first.file.path,
                    set.pattern.source()
                ),
            };
            let offset = crate::config::notes::locate_set_key(&yaml, set.index, "pattern");
            let line = yaml[..offset.min(yaml.len())].matches('\n').count() + 1;
            let mut d = Diagnostic::file_level(
                NOTE_SET_EMPTY.name,
                NOTE_SET_EMPTY.default_severity,
                path,
                message,
            )
            .with_help(
                "check `root` and `pattern`: `*` is any text within one name, `**/` any depth of folders, \
                     `{slug}` any text without `/`; a character meant literally cannot be `*`",
            );
            let at = Position { line, column: 1 };
            d.start = at;
            d.end = at;
            out.push(d);
        }
    }
}
