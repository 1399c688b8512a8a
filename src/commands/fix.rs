//! The fixing half of `daybook fix` and `daybook lint --fix`: rewrite the
//! notes in place, then regenerate a stale README from them; or (`--diff`)
//! print what would change and write nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::fix::FixOptions;
use crate::readme::{Generated, ReadmeError};
use crate::settings::Settings;

/// What fixing the repository did, or would do.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    /// Findings whose fixes landed (or would land).
    pub(crate) findings: usize,
    /// Files that changed (or would change), the README included.
    pub(crate) files: usize,
    /// The unified diff of every changed file, in path order, the README last.
    pub(crate) diff: String,
}

/// Fix every note (or only `files`); with `write`, each changed file is
/// rewritten (atomically), else only its diff is kept. The text is the
/// file's bytes as read, so a BOM and CRLF line ends stay as they were.
/// Fixing the whole repository (no `files`) also regenerates a stale README,
/// from the notes as fixed.
pub(crate) fn fix_repository(
    root: &Path,
    settings: &Settings,
    options: FixOptions,
    files: Option<&BTreeSet<String>>,
    write: bool,
) -> miette::Result<Fixed> {
    let found = crate::discover::discover_with(root, &settings.config, &settings.ignore)?;
    let mut done = Fixed::default();
    // Without writing, the notes as fixed (text, and new path), for the README.
    let mut fixed_texts: BTreeMap<String, String> = BTreeMap::new();
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    // Every note is fixed on its own (in parallel, in one context for the
    // run); what touches the disk then goes in path order.
    let prepared = crate::rules::Prepared::from_compiled(root, &settings.parse, &settings.fields);
    let cx = prepared.context(&settings.config, root);
    let outcomes: Vec<_> = {
        use rayon::prelude::*;
        let wanted: Vec<_> =
            found.notes.iter().filter(|c| files.is_none_or(|f| f.contains(&c.path))).collect();
        wanted
            .par_iter()
            .filter_map(|c| {
                let file = crate::discover::read_source(&c.path, &c.abs).ok()?;
                let original = file.text.clone();
                let out = crate::fix::fix_with(file, &cx, settings, options);
                // Only what has something to write or say is kept, not every note's text.
                let idle = !out.changed(&original) && out.rename.is_none() && out.refused.is_empty();
                (!idle).then_some((*c, original, out))
            })
            .collect()
    };
    for (c, original, out) in outcomes {
        for r in &out.refused {
            eprintln!("{}: fix for `{}` not applied: {}", c.path, r.diagnostic.rule, r.reason);
        }
        let changed = out.changed(&original);
        if !changed && out.rename.is_none() {
            continue;
        }
        if write && changed {
            crate::util::fs::write_atomic(&c.abs, out.text.as_bytes())
                .map_err(|e| miette::miette!("{}: the fixed note is not written: {e}", c.path))?;
        }
        let mut fixed = out.fixed.len();
        if let Some((d, to)) = &out.rename {
            let moves = if write { move_note(root, &c.abs, to) } else { free(root, to) };
            match moves {
                Ok(()) => {
                    fixed += 1;
                    if write {
                        eprintln!("{}: renamed to `{to}`", c.path);
                    } else {
                        done.diff.push_str(&crate::fix::diff_moved(&c.path, to, &original, &out.text));
                        moved.insert(c.path.clone(), to.clone());
                    }
                }
                Err(why) => eprintln!("{}: fix for `{}` not applied: {why}", c.path, d.rule),
            }
        }
        if !write && !moved.contains_key(&c.path) {
            done.diff.push_str(&crate::fix::diff(&c.path, &original, &out.text));
        }
        if fixed == 0 {
            continue;
        }
        done.findings += fixed;
        done.files += 1;
        if !write {
            fixed_texts.insert(c.path.clone(), out.text);
        }
    }
    if files.is_none()
        && let Some(g) = stale_readme(root, settings, &found.notes, &fixed_texts, &moved)?
    {
        if write {
            crate::readme::write(&g)?;
            let regions = super::readme::changed_regions(&g);
            eprintln!("{}: regenerated {regions}", crate::report::safe::one_line(&g.display_path));
        } else {
            let path = &g.display_path;
            done.diff.push_str(&format!("diff --git a/{path} b/{path}\n{}", g.diff()));
        }
        done.files += 1;
    }
    Ok(done)
}

/// The README regenerated from the notes on disk, or (when `fixed` holds
/// notes not written) from the notes as fixed, the same way `daybook readme`
/// does it; `None` when it is current, or is not daybook's to write (no
/// README, no markers, no notes). A README that cannot be regenerated
/// (a broken marker, a failing template) is said so once and left alone:
/// `daybook readme` explains it with its line.
fn stale_readme(
    root: &Path,
    settings: &Settings,
    notes: &[crate::discover::Candidate],
    fixed: &BTreeMap<String, String>,
    moved: &BTreeMap<String, String>,
) -> miette::Result<Option<Generated>> {
    let today = chrono::Local::now().date_naive();
    let generated = if fixed.is_empty() && moved.is_empty() {
        crate::readme::generate_with(
            root,
            &settings.config,
            &settings.parse,
            &settings.templates,
            &settings.ignore,
            today,
        )
    } else {
        regenerate_in_memory(root, settings, notes, fixed, moved, today)
    };
    match generated {
        Ok(g) => Ok(g.changed().then_some(g)),
        Err(ReadmeError::Missing { .. } | ReadmeError::NoMarkers { .. } | ReadmeError::NoNotes { .. }) => {
            Ok(None)
        }
        Err(e) => {
            eprintln!("the README is not regenerated: {e}; run `daybook readme` for details");
            Ok(None)
        }
    }
}

/// [`crate::readme::regenerate`] on every note parsed in full, the fixed
/// ones from their new text, at their new path.
fn regenerate_in_memory(
    root: &Path,
    settings: &Settings,
    notes: &[crate::discover::Candidate],
    fixed: &BTreeMap<String, String>,
    moved: &BTreeMap<String, String>,
    today: chrono::NaiveDate,
) -> Result<Generated, ReadmeError> {
    use rayon::prelude::*;
    let readme = crate::readme::ReadmeFile::read(root, &settings.config)?;
    let regions = readme.regions()?;
    if regions.is_empty() {
        return Err(ReadmeError::NoMarkers { display_path: readme.display_path });
    }
    let parsed: Vec<crate::note::Note> = notes
        .par_iter()
        .filter_map(|c| {
            let file = match fixed.get(&c.path) {
                Some(text) => {
                    let path = moved.get(&c.path).unwrap_or(&c.path);
                    crate::diag::SourceFile::new(path.clone(), root.join(path), text.clone())
                }
                None => crate::discover::read_source(&c.path, &c.abs).ok()?,
            };
            Some(crate::note::parse::parse_note(file, &settings.parse))
        })
        .collect();
    let (new, diagnostics) =
        crate::readme::regenerate(&readme, &regions, &parsed, &settings.templates, &settings.config, today)?;
    Ok(Generated { path: readme.path, display_path: readme.display_path, old: readme.text, new, diagnostics })
}

/// Why a note may not move to `to` (repository-relative): a path that is
/// not plainly inside the repository, a file already there (never replaced),
/// a folder on the way that a symbolic link leads outside.
fn free(root: &Path, to: &str) -> Result<(), String> {
    use std::path::Component;
    let rel = Path::new(to);
    if to.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!("`{to}` is not a path inside the repository"));
    }
    let dest = root.join(rel);
    if std::fs::symlink_metadata(&dest).is_ok() {
        return Err(format!("`{to}` exists; rename one of the two notes by hand"));
    }
    let Some(existing) = dest.ancestors().skip(1).find(|a| a.exists()) else {
        return Err(format!("no folder of `{to}` exists"));
    };
    match crate::util::jail::resolve_inside(root, existing) {
        Ok(_) => Ok(()),
        Err(why) => Err(format!("`{to}` is not written: {why}")),
    }
}

/// Move the note at `from` to `to` (repository-relative), creating its
/// folder, when [`free`] allows it.
fn move_note(root: &Path, from: &Path, to: &str) -> Result<(), String> {
    free(root, to)?;
    let dest = root.join(to);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("the folder of `{to}` is not created: {e}"))?;
    }
    std::fs::rename(from, &dest).map_err(|e| format!("the file is not moved to `{to}`: {e}"))
}

/// `3 findings in 1 file`.
pub(crate) fn counted(done: &Fixed) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!("{} finding{} in {} file{}", done.findings, s(done.findings), done.files, s(done.files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_moves_only_to_a_free_place_inside_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("notes/202204")).unwrap();
        std::fs::write(root.join("notes/202204/0411.md"), "x").unwrap();
        assert_eq!(free(root, "notes/202204/0412.md"), Ok(()));
        assert_eq!(free(root, "notes/202205/0501.md"), Ok(()), "a folder to create");
        assert!(free(root, "notes/202204/0411.md").unwrap_err().contains("exists"));
        for bad in ["../0411.md", "/tmp/0411.md", "notes/../../x.md", ""] {
            assert!(free(root, bad).unwrap_err().contains("not a path inside"), "{bad}");
        }
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("notes/away")).unwrap();
            assert!(free(root, "notes/away/0101.md").unwrap_err().contains("is not written"));
        }
    }
}
