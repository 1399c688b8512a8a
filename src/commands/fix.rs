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
    pub findings: usize,
    /// Files that changed (or would change), the README included.
    pub files: usize,
    /// The unified diff of every changed file, in path order, the README last.
    pub diff: String,
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
    // The fixed text of every changed note, for a README regenerated without writing.
    let mut fixed_texts: BTreeMap<String, String> = BTreeMap::new();
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
        if !write {
            fixed_texts.insert(c.path.clone(), out.text);
        }
    }
    if files.is_none()
        && let Some(g) = stale_readme(root, settings, &found.notes, &fixed_texts)?
    {
        if write {
            crate::readme::write(&g)?;
            let regions = super::readme::changed_regions(&g);
            eprintln!("{}: regenerated {regions}", crate::report::safe::one_line(&g.display_path));
        } else {
            done.diff.push_str(&g.diff());
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
) -> miette::Result<Option<Generated>> {
    let today = chrono::Local::now().date_naive();
    let generated = if fixed.is_empty() {
        crate::readme::generate_with(
            root,
            &settings.config,
            &settings.parse,
            &settings.templates,
            &settings.ignore,
            today,
        )
    } else {
        regenerate_in_memory(root, settings, notes, fixed, today)
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
/// ones from their new text.
fn regenerate_in_memory(
    root: &Path,
    settings: &Settings,
    notes: &[crate::discover::Candidate],
    fixed: &BTreeMap<String, String>,
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
                Some(text) => crate::diag::SourceFile::new(c.path.clone(), c.abs.clone(), text.clone()),
                None => crate::discover::read_source(&c.path, &c.abs).ok()?,
            };
            Some(crate::note::parse::parse_note(file, &settings.parse))
        })
        .collect();
    let (new, diagnostics) =
        crate::readme::regenerate(&readme, &regions, &parsed, &settings.templates, &settings.config, today)?;
    Ok(Generated { path: readme.path, display_path: readme.display_path, old: readme.text, new, diagnostics })
}

/// `3 findings in 1 file`.
pub(crate) fn counted(done: &Fixed) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!("{} finding{} in {} file{}", done.findings, s(done.findings), done.files, s(done.files))
}
