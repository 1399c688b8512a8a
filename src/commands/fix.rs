//! The fixing half of `daybook fix` and `daybook lint --fix`: rewrite the
//! notes in place, then regenerate a stale README from them; or (`--diff`)
//! print what would change and write nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::fix::FixOptions;
use crate::readme::{Generated, ReadmeError};
use crate::report::safe::one_line;
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

/// One note's fixing, to be settled.
struct Outcome {
    path: String,
    abs: std::path::PathBuf,
    /// The text as read.
    original: String,
    out: crate::fix::FixOutcome,
    /// The file names its links point at ([`linked_names`]), when known.
    links: Vec<String>,
}

/// Fix every note (or only `files`); with `write`, each changed file is
/// rewritten (atomically), else only its diff is kept. The text is the
/// file's bytes as read, so a BOM and CRLF line ends stay as they were.
/// Fixing the whole repository (no `files`) also regenerates a stale README,
/// from the notes as fixed. (`daybook fix` itself writes through
/// [`fix_and_lint`]; this is `--diff`.)
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
    let outcomes: Vec<Outcome> = {
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
                (!idle).then(|| Outcome {
                    path: c.path.clone(),
                    abs: c.abs.clone(),
                    original,
                    out,
                    links: Vec::new(),
                })
            })
            .collect()
    };
    settle(root, outcomes, write, &mut done, &mut fixed_texts, &mut moved)?;
    if files.is_none() {
        readme(root, settings, &found.notes, &fixed_texts, &moved, write, &mut done)?;
    }
    Ok(done)
}

/// Passes of [`fix_and_lint`] before the last one lints from the disk.
const PASSES: usize = 3;

/// `daybook fix` and the lint of what it leaves, reading and parsing each
/// note once: [`crate::lint::lint_with`] hands every note to the fixer as
/// parsed, and the rules check it as fixed; the fixed notes are then written
/// in path order. Fixes found against another note's text are not sure once
/// that note is fixed too (an anchor into a title whose date a fix changes):
/// a note linking to a note a fix changes waits for another pass, which reads
/// the files as fixed, and so does every finding of a note linking to one
/// (up to [`PASSES`]; then the repository is linted from the disk). Last, a
/// stale README is regenerated and checked again.
pub(crate) fn fix_and_lint(
    root: &Path,
    settings: &Settings,
    options: FixOptions,
    files: Option<&BTreeSet<String>>,
    lint_options: &crate::lint::LintOptions,
) -> miette::Result<(Fixed, crate::lint::LintOutcome)> {
    let mut done = Fixed::default();
    let mut fixed_paths = BTreeSet::new();
    let mut pass = 1;
    let (settled, outcome) = loop {
        let (outcome, outcomes, linked) = fix_pass(root, settings, options, files, lint_options)?;
        let (outcomes, deferred) = if pass < PASSES { defer(outcomes) } else { (outcomes, false) };
        let settled = settle(root, outcomes, true, &mut done, &mut BTreeMap::new(), &mut BTreeMap::new())?;
        fixed_paths.extend(settled.fixed.iter().cloned());
        let stale =
            deferred || settled.moved || settled.changed.iter().any(|p| linked.contains(file_name(p)));
        if !stale {
            break (settled, Some(outcome));
        }
        if pass == PASSES {
            break (settled, None);
        }
        pass += 1;
    };
    done.files = fixed_paths.len();
    let regenerated =
        files.is_none() && readme(root, settings, &[], &BTreeMap::new(), &BTreeMap::new(), true, &mut done)?;
    let outcome = match outcome {
        Some(mut outcome) => {
            if regenerated || !settled.changed.is_empty() {
                check_readme_again(root, settings, &mut outcome);
            }
            outcome
        }
        None => crate::lint::lint(root, settings, lint_options)?,
    };
    Ok((done, outcome))
}

/// One pass of [`fix_and_lint`]: the lint of the notes as fixed in memory,
/// what fixing did to each note that changed (or has something to say), in
/// path order, and every file name the notes link to.
fn fix_pass(
    root: &Path,
    settings: &Settings,
    options: FixOptions,
    files: Option<&BTreeSet<String>>,
    lint_options: &crate::lint::LintOptions,
) -> miette::Result<(crate::lint::LintOutcome, Vec<Outcome>, BTreeSet<String>)> {
    use std::sync::{Mutex, PoisonError};
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let linked: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let outcome = crate::lint::lint_with(root, settings, lint_options, |note, cx| {
        let names = linked_names(note);
        if files.is_none_or(|f| f.contains(&note.file.path)) {
            let original = note.file.clone();
            let (out, fixed) = crate::fix::fix_note(note, cx, settings, options);
            if let Some(fixed) = fixed {
                *note = fixed;
            }
            if out.changed(&original.text) || out.rename.is_some() || !out.refused.is_empty() {
                let o = Outcome {
                    path: original.path.clone(),
                    abs: original.abs.clone(),
                    original: original.text.clone(),
                    links: names.clone(),
                    out,
                };
                outcomes.lock().unwrap_or_else(PoisonError::into_inner).push(o);
            }
        }
        if !names.is_empty() {
            linked.lock().unwrap_or_else(PoisonError::into_inner).extend(names);
        }
    })?;
    let mut outcomes = outcomes.into_inner().unwrap_or_else(PoisonError::into_inner);
    outcomes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((outcome, outcomes, linked.into_inner().unwrap_or_else(PoisonError::into_inner)))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Leave out the fixes of every note that links to another note a fix
/// changes (and that links to none itself): they were found against the
/// text that fix replaces. Whether any was left out.
fn defer(outcomes: Vec<Outcome>) -> (Vec<Outcome>, bool) {
    let changes = |o: &Outcome| o.out.changed(&o.original) || o.out.rename.is_some();
    let changed: BTreeSet<&str> =
        outcomes.iter().filter(|o| changes(o)).map(|o| file_name(&o.path)).collect();
    let leans = |o: &Outcome, on: &BTreeSet<&str>| {
        o.links.iter().any(|l| l != file_name(&o.path) && on.contains(l.as_str()))
    };
    let sure: BTreeSet<&str> =
        outcomes.iter().filter(|o| changes(o) && !leans(o, &changed)).map(|o| file_name(&o.path)).collect();
    let wait: Vec<bool> = outcomes.iter().map(|o| changes(o) && leans(o, &sure)).collect();
    let deferred = wait.contains(&true);
    let kept = outcomes.into_iter().zip(wait).filter(|(_, w)| !w).map(|(o, _)| o).collect();
    (kept, deferred)
}

/// The file names local links of `note` point at (`0410.md` of
/// `../202104/0410.md#x`; a wiki link's name with `.md` too): more than the
/// files they resolve to, never fewer, so a note linking to a fixed file is
/// never missed.
fn linked_names(note: &crate::note::Note) -> Vec<String> {
    let mut out = Vec::new();
    for l in &note.links {
        let dest = l.dest.split(['#', '?']).next().unwrap_or("");
        if dest.is_empty() || dest.contains(':') {
            continue;
        }
        let name = dest.rsplit(['/', '\\']).next().unwrap_or(dest);
        out.push(name.to_owned());
        out.push(format!("{name}.md"));
        if name.contains('%') {
            out.push(crate::util::percent::percent_decode(name).into_owned());
        }
    }
    out
}

/// The README's own findings again, read from the disk as fixing left it
/// (regenerated, or linking to notes a fix changed), in place of those the
/// lint pass found in it before.
fn check_readme_again(root: &Path, settings: &Settings, outcome: &mut crate::lint::LintOutcome) {
    let Some(old) = &outcome.readme else { return };
    let (path, abs) = (old.file.path.clone(), old.file.abs.clone());
    let Ok(file) = crate::discover::read_source(&path, &abs) else { return };
    let readme = crate::note::parse::parse_markdown(file, &settings.parse);
    let prepared = crate::rules::Prepared::from_compiled(root, &settings.parse, &settings.fields);
    let cx = prepared.context(&settings.config, root);
    outcome.diagnostics.retain(|d| d.path != path);
    for c in crate::rules::checks() {
        c.check_readme(&readme, &cx, &mut outcome.diagnostics);
    }
    crate::lint::sort(&mut outcome.diagnostics);
    outcome.sources.insert(path, readme.file.clone());
    outcome.readme = Some(readme);
}

/// What [`settle`] did.
#[derive(Default)]
struct Settled {
    /// Notes whose text changed (or would), by path as they were.
    changed: Vec<String>,
    /// Whether a note moved (or would).
    moved: bool,
    /// Notes with a finding fixed.
    fixed: Vec<String>,
}

/// Write (with `write`) or diff the fixed notes of `outcomes`, in their
/// order, and move the ones a fix renames; say what was refused.
fn settle(
    root: &Path,
    outcomes: Vec<Outcome>,
    write: bool,
    done: &mut Fixed,
    fixed_texts: &mut BTreeMap<String, String>,
    moved: &mut BTreeMap<String, String>,
) -> miette::Result<Settled> {
    let mut settled = Settled::default();
    if write {
        write_all(&outcomes.iter().filter(|o| o.out.changed(&o.original)).collect::<Vec<_>>())?;
    }
    for Outcome { path, abs, original, out, .. } in outcomes {
        for r in &out.refused {
            super::output::eprint_status(&one_line(&format!(
                "{path}: fix for `{}` not applied: {}",
                r.diagnostic.rule, r.reason
            )));
        }
        let changed = out.changed(&original);
        if !changed && out.rename.is_none() {
            continue;
        }
        if changed {
            settled.changed.push(path.clone());
        }
        let mut fixed = out.fixed.len();
        if let Some((d, to)) = &out.rename {
            let moves = if write { move_note(root, &abs, to) } else { free(root, to) };
            match moves {
                Ok(()) => {
                    fixed += 1;
                    settled.moved = true;
                    if write {
                        super::output::eprint_status(&one_line(&format!("{path}: renamed to `{to}`")));
                    } else {
                        done.diff.push_str(&crate::fix::diff_moved(&path, to, &original, &out.text));
                        moved.insert(path.clone(), to.clone());
                    }
                }
                Err(why) => super::output::eprint_status(&one_line(&format!(
                    "{path}: fix for `{}` not applied: {why}",
                    d.rule
                ))),
            }
        }
        if !write && !moved.contains_key(&path) {
            done.diff.push_str(&crate::fix::diff(&path, &original, &out.text));
        }
        if fixed == 0 {
            continue;
        }
        done.findings += fixed;
        done.files += 1;
        settled.fixed.push(path.clone());
        if !write {
            fixed_texts.insert(path, out.text);
        }
    }
    Ok(settled)
}

/// Write the fixed text of every one of `outcomes` (atomically), several at
/// once: each write waits for the disk to sync the file and its folder, and
/// one after the other those waits were a third of a run on a busy disk.
/// The first failure in path order is the error.
fn write_all(outcomes: &[&Outcome]) -> miette::Result<()> {
    const WRITERS: usize = 16;
    if outcomes.is_empty() {
        return Ok(());
    }
    let chunk = outcomes.len().div_ceil(WRITERS);
    let failed: Vec<(usize, String)> = std::thread::scope(|s| {
        let writers: Vec<_> = outcomes
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| {
                s.spawn(move || {
                    let write = |o: &Outcome| crate::util::fs::write_atomic(&o.abs, o.out.text.as_bytes());
                    let failed = part.iter().enumerate().filter_map(|(i, o)| {
                        let why = write(o).err()?;
                        Some((k * chunk + i, format!("{}: the fixed note is not written: {why}", o.path)))
                    });
                    failed.collect::<Vec<_>>()
                })
            })
            .collect();
        writers.into_iter().flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    match failed.into_iter().min_by_key(|(i, _)| *i) {
        Some((_, why)) => Err(miette::miette!("{why}")),
        None => Ok(()),
    }
}

/// Regenerate a stale README (with `write`), or keep its diff; whether it was stale.
fn readme(
    root: &Path,
    settings: &Settings,
    notes: &[crate::discover::Candidate],
    fixed_texts: &BTreeMap<String, String>,
    moved: &BTreeMap<String, String>,
    write: bool,
    done: &mut Fixed,
) -> miette::Result<bool> {
    let Some(g) = stale_readme(root, settings, notes, fixed_texts, moved)? else { return Ok(false) };
    if write {
        crate::readme::write(&g)?;
        let regions = super::readme::changed_regions(&g);
        super::output::eprint_status(&format!("{}: regenerated {regions}", one_line(&g.display_path)));
    } else {
        let path = &g.display_path;
        done.diff.push_str(&format!("diff --git a/{path} b/{path}\n{}", g.diff()));
    }
    done.files += 1;
    Ok(true)
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
