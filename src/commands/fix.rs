//! The fixing half of `daybook fix` and `daybook lint --fix`: rewrite the
//! notes in place, or (`--diff`) print what would change and write nothing.

use std::collections::BTreeSet;
use std::path::Path;

use crate::fix::FixOptions;
use crate::settings::Settings;

/// What fixing the repository did, or would do.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    /// Findings whose fixes landed (or would land).
    pub findings: usize,
    /// Files that changed (or would change).
    pub files: usize,
    /// The unified diff of every changed file, in path order.
    pub diff: String,
}

/// Fix every note (or only `files`); with `write`, each changed file is
/// rewritten (atomically), else only its diff is kept. The text is the
/// file's bytes as read, so a BOM and CRLF line ends stay as they were.
pub(crate) fn fix_repository(
    root: &Path,
    settings: &Settings,
    options: FixOptions,
    files: Option<&BTreeSet<String>>,
    write: bool,
) -> miette::Result<Fixed> {
    let found = crate::discover::discover_with(root, &settings.config, &settings.ignore)?;
    let mut done = Fixed::default();
    for c in found.notes.iter().filter(|c| files.is_none_or(|f| f.contains(&c.path))) {
        let Ok(file) = crate::discover::read_source(&c.path, &c.abs) else { continue };
        let original = file.text.clone();
        let out = crate::fix::fix_source(file, root, settings, options)?;
        for r in &out.refused {
            eprintln!("{}: fix for `{}` not applied: {}", c.path, r.diagnostic.rule, r.reason);
        }
        if !out.changed(&original) {
            continue;
        }
        if write {
            crate::util::fs::write_atomic(&c.abs, out.text.as_bytes())
                .map_err(|e| miette::miette!("{}: the fixed note is not written: {e}", c.path))?;
        } else {
            done.diff.push_str(&crate::fix::diff(&c.path, &original, &out.text));
        }
        done.findings += out.fixed.len();
        done.files += 1;
    }
    Ok(done)
}

/// `3 findings in 1 file`.
pub(crate) fn counted(done: &Fixed) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!("{} finding{} in {} file{}", done.findings, s(done.findings), done.files, s(done.files))
}
