//! The lint pipeline: discover -> parse (in parallel) -> rules -> sorted diagnostics.
//!
//! [`load_notes`] is the part shared with the README generator (discover, read,
//! parse); `lint` runs every note rule on top of it; `finalize` applies what
//! needs every finding at once, including the external link checker's:
//! inline suppressions, then the `rules:` overrides and the `strict_since` cap.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::diag::Sources;
use crate::discover::{self, read_source};
use crate::error::Error;
use crate::note::parse::{parse_markdown, parse_note};
use crate::note::{Link, Note};
use crate::rules;
use crate::settings::Settings;

/// Notes and README, parsed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every readable note, sorted by path.
    pub notes: Vec<Note>,
    /// The README (`readme.path`), when it exists and is readable.
    pub(crate) readme: Option<Note>,
    /// One diagnostic per file that could not be read (rule `unreadable-file`).
    pub(crate) problems: Vec<Diagnostic>,
}

/// Discover, read and parse every note (in parallel) and the README.
pub fn load_notes(root: &Path, settings: &Settings) -> Result<Loaded, Error> {
    Ok(load_with(root, settings, |_| Vec::new())?.0)
}

/// A parsed note and its per-note findings, or why the file could not be read.
type Parsed = Result<(Note, Vec<Diagnostic>), Box<Diagnostic>>;

/// Discover, then read and parse every note in parallel, calling `per_note` on
/// each note in the same task (so a lint run checks a note while it is hot and
/// can compact it before the next one is parsed). Returns the notes and what
/// `per_note` found.
fn load_with<F>(root: &Path, settings: &Settings, per_note: F) -> Result<(Loaded, Vec<Diagnostic>), Error>
where
    F: Fn(&mut Note) -> Vec<Diagnostic> + Sync,
{
    let (config, ctx) = (&settings.config, &settings.parse);
    // The walk runs on a thread of its own and hands each file over as it
    // meets it: parsing starts at the first file, not after the last (the
    // walk of 10,000 notes was a tenth of a run, with one core idle).
    let (tx, rx) = std::sync::mpsc::channel::<(usize, discover::Candidate)>();
    let (walked, results) = std::thread::scope(|s| {
        let walker = s.spawn(move || {
            let mut n = 0;
            discover::discover_each(root, config, &settings.ignore, ctx, &mut |c| {
                // The receiver lives until the walk ends: a send cannot fail.
                let _ = tx.send((n, c));
                n += 1;
            })
        });
        let results: Vec<(usize, std::path::PathBuf, Parsed)> = rx
            .into_iter()
            .par_bridge()
            .map(|(i, c)| {
                let parsed = read_source(&c.path, &c.abs).map(|file| {
                    let mut note = parse_note(file, ctx);
                    let found = per_note(&mut note);
                    (note, found)
                });
                (i, c.abs, parsed)
            })
            .collect();
        let walked = walker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (walked, results)
    });
    let (mut problems, several_roots) = walked?;
    // In the order the walk met them, which is path order; several roots
    // are walked one after the other, so their files are sorted by path.
    // Each result is moved once, into its place: sorting the results moved
    // a note's model (half a kilobyte) a dozen times over.
    let mut order: Vec<usize> = vec![0; results.len()];
    for (at, r) in results.iter().enumerate() {
        order[r.0] = at;
    }
    if several_roots {
        order.sort_by(|&a, &b| results[a].1.cmp(&results[b].1));
    }
    let mut slots: Vec<Option<Parsed>> = results.into_iter().map(|(_, _, r)| Some(r)).collect();
    let mut notes = Vec::with_capacity(slots.len());
    let mut findings = Vec::new();
    for r in order.into_iter().filter_map(|at| slots[at].take()) {
        match r {
            Ok((n, f)) => {
                notes.push(n);
                findings.extend(f);
            }
            Err(d) => problems.push(*d),
        }
    }
    let readme_path = config.readme.path();
    let readme_abs = root.join(readme_path);
    let outside = match crate::util::jail::resolve_inside(root, &readme_abs) {
        Err(why @ crate::util::jail::Refused::Outside { .. }) => Some(why),
        _ => None,
    };
    let readme = if let Some(why) = outside {
        problems.push(
            Diagnostic::file_level(
                discover::UNREADABLE_FILE,
                crate::diag::Severity::Error,
                readme_path,
                format!("the README is not read: {why}"),
            )
            .with_help("replace the link with the README itself"),
        );
        None
    } else if readme_abs.is_file() || std::fs::symlink_metadata(&readme_abs).is_ok() {
        match discover::read_readme_source(readme_path, &readme_abs) {
            Ok(file) => Some(parse_markdown(file, ctx)),
            Err(d) => {
                problems.push(*d);
                None
            }
        }
    } else {
        None
    };
    Ok((Loaded { notes, readme, problems }, findings))
}

/// Knobs of a lint run (beyond the config).
#[derive(Debug, Clone, Default)]
pub(crate) struct LintOptions {
    /// Run only these rules (by name); `None` runs all.
    pub(crate) only: Option<Vec<String>>,
    /// Keep every note's model and text complete in [`LintOutcome::notes`]
    /// and [`LintOutcome::sources`]. By default a note is compacted once the
    /// per-note rules have seen it (see [`compact`]): memory then grows with
    /// the threads and the largest note, not with the repository.
    pub(crate) full_notes: bool,
    /// Keep every link of a compacted note: the external link checker reads
    /// them all. Otherwise only the links items open with stay (what
    /// `duplicate-url` compares), which in a typical note is a quarter of them.
    pub(crate) keep_links: bool,
}

/// What a lint run produced.
#[derive(Debug, Default)]
pub(crate) struct LintOutcome {
    /// Findings at the rules' default severities, sorted. Pass them (with any
    /// external findings) through [`finalize`] before reporting.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every parsed file by display path, for reporters' snippets. Compacted
    /// notes' files hold no text: [`with_snippets`] reads back the ones
    /// findings name.
    pub(crate) sources: Sources,
    /// Every readable note, compacted unless [`LintOptions::full_notes`].
    pub(crate) notes: Vec<Note>,
    pub(crate) readme: Option<Note>,
}

/// Run every note rule over the repository at `root`.
pub(crate) fn lint(root: &Path, settings: &Settings, options: &LintOptions) -> Result<LintOutcome, Error> {
    lint_with(root, settings, options, |_, _| {})
}

/// [`lint`], handing every note to `before` as parsed, before any rule sees
/// it, in the same task: `daybook fix` rewrites the note there, so a run
/// reads and parses each note once to fix it and to lint what is left.
pub(crate) fn lint_with<F>(
    root: &Path,
    settings: &Settings,
    options: &LintOptions,
    before: F,
) -> Result<LintOutcome, Error>
where
    F: Fn(&mut Note, &rules::RuleContext<'_>) + Sync,
{
    let config = &settings.config;
    let prepared = rules::Prepared::from_compiled(root, &settings.parse, &settings.fields);
    let set = options.only.as_ref().map_or_else(rules::RuleSet::all, rules::RuleSet::only);
    let selected: Vec<&dyn rules::Check> = rules::selected(&set).collect();
    let cx = prepared.context_with(config, root, set);

    let (Loaded { notes, readme, problems }, mut diagnostics) = load_with(root, settings, |note| {
        before(note, &cx);
        let mut out = Vec::new();
        check_note(&selected, note, &cx, &mut out);
        if !options.full_notes {
            if !options.keep_links {
                keep_item_links(note);
            }
            drop_text(note);
        }
        out
    })?;
    diagnostics.extend(problems);
    for r in &selected {
        if let Some(readme) = &readme {
            r.check_readme(readme, &cx, &mut diagnostics);
        }
        r.check_repo(&notes, readme.as_ref(), &cx, &mut diagnostics);
    }
    sort(&mut diagnostics);

    // Built from the notes in path order, a B-tree is filled in bulk: one
    // insert at a time was 16 M instructions of a 10,000-note run, on one core.
    let sources: Sources =
        notes.iter().chain(readme.as_ref()).map(|n| (n.file.path.clone(), n.file.clone())).collect();
    Ok(LintOutcome { diagnostics, sources, notes, readme })
}

/// Run the per-note rules of `checks` on `note`, skipping the item rules on
/// a note set that holds no items. The one loop `daybook lint`,
/// [`lint_source`] and the language server share, so which rules see which
/// note cannot drift between them.
pub(crate) fn check_note(
    checks: &[&dyn rules::Check],
    note: &Note,
    cx: &rules::RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
) {
    crate::suggest::reset_budget();
    for c in checks.iter().filter(|c| rules::applies(**c, note, cx)) {
        c.check_note(note, cx, out);
    }
}

/// Drop the parts of a note only per-note rules read: item fields, free-form
/// bullets, stray-field values and link texts. What later stages need
/// stays: the file (snippets, suppressions), every link with its destination
/// and spans (external checks, duplicates), items with their span, link and
/// stars, headings, sections and comments. [`drop_text`] goes further.
pub(crate) fn compact(note: &mut Note) {
    for item in &mut note.items {
        item.fields = Vec::new();
        item.other_bullets = Vec::new();
    }
    note.items.shrink_to_fit();
    for s in &mut note.stray_fields {
        s.field.value = String::new();
    }
    for l in &mut note.links {
        l.text = String::new();
        l.dest.shrink_to_fit();
    }
    note.links.shrink_to_fit();
}

/// [`compact`], and headings, sections, the title, the front matter, stray
/// fields and the text dropped too, so a run holds what later stages need and
/// not the repository (local links read other files' anchors from disk): the
/// links, items, comments, the set, path match and date, and the file's path,
/// length and the positions of the links and comments
/// ([`crate::diag::SourceFile::without_text`]). Snippets come back with
/// [`with_snippets`]. (What `daybook lint` does to each note once checked.)
pub(crate) fn drop_text(note: &mut Note) {
    compact(note);
    note.stray_fields = Vec::new();
    note.headings = Vec::new();
    // `today` and `footer` index `sections`: they go with them.
    note.sections = Vec::new();
    (note.today, note.footer) = (None, None);
    note.title = None;
    note.front_matter = None;
    if note.file.is_compact() {
        return;
    }
    let links = note.links.iter().flat_map(|l| [l.span.start, l.dest_span.start, l.dest_span.end]);
    let comments = note.comments.iter().flat_map(|c| [c.span.start, c.span.end]);
    note.file = note.file.without_text(links.chain(comments));
}

/// Keep only the links items open with, the ones cross-note rules compare,
/// and point the items at them again. For a run whose links are not checked
/// afterwards (`--offline`): the others were for per-note rules.
pub(crate) fn keep_item_links(note: &mut Note) {
    let all = note.links.len();
    let mut wanted: Vec<usize> = note.items.iter().filter_map(|i| i.link).filter(|&l| l < all).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut links: Vec<Option<Link>> = std::mem::take(&mut note.links).into_iter().map(Some).collect();
    for item in &mut note.items {
        item.link = item.link.and_then(|l| wanted.binary_search(&l).ok());
    }
    note.links = wanted.iter().filter_map(|&l| links[l].take()).collect();
}

/// Give back their text to the files of `sources` that `diags` name and a
/// lint run compacted, read again (in parallel) so reporters can draw
/// snippets. Only files with findings are read, so memory grows with what is
/// reported, not with the repository. A file that changed or vanished since
/// it was checked is shown without its text rather than with the wrong one.
pub(crate) fn with_snippets(sources: &mut Sources, diags: &[Diagnostic]) {
    let mut wanted: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let compacted: Vec<std::sync::Arc<crate::diag::SourceFile>> =
        wanted.iter().filter_map(|p| sources.get(*p)).filter(|f| f.is_compact()).cloned().collect();
    let read: Vec<_> = compacted
        .par_iter()
        .map(|f| match read_source(&f.path, &f.abs) {
            Ok(again) if again.len() == f.len() && again.digest() == f.digest() => again,
            _ => crate::diag::SourceFile::new(f.path.clone(), f.abs.clone(), String::new()),
        })
        .collect();
    for f in read {
        sources.insert(f.path.clone(), f);
    }
}

/// Deterministic order: path, line, column, rule, message.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.message.cmp(&b.message)));
}

/// The date of every note `diags` name, by display path (for the
/// `strict_since` cap): findings name a few notes of many.
pub(crate) fn note_dates(notes: &[Note], diags: &[Diagnostic]) -> HashMap<String, NaiveDate> {
    let named: std::collections::HashSet<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    notes
        .iter()
        .filter(|n| named.contains(n.file.path.as_str()))
        .filter_map(|n| Some((n.file.path.clone(), n.date()?)))
        .collect()
}

/// Final findings of a run: `diagnostics` (the outcome's plus any external
/// ones) after inline suppressions (which report unused ones), then the
/// `rules:` overrides and the `strict_since` cap, sorted. Suppressions come
/// first so that a finding of a rule set to `off` still counts as suppressed.
pub(crate) fn finalize(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    notes: &[Note],
    readme: Option<&Note>,
) -> Vec<Diagnostic> {
    let diagnostics = crate::suppress::apply(diagnostics, notes.iter().chain(readme));
    let dates = note_dates(notes, &diagnostics);
    let mut out = rules::apply_levels(diagnostics, config, &dates);
    sort(&mut out);
    out
}

/// Run every note rule on one in-memory note (its `path` decides the path
/// date). For tests, editors and property checks: no file system walk.
pub fn lint_source(
    file: std::sync::Arc<crate::diag::SourceFile>,
    root: &Path,
    settings: &Settings,
) -> Result<Vec<Diagnostic>, Error> {
    let prepared = rules::Prepared::from_compiled(root, &settings.parse, &settings.fields);
    let note = parse_note(file, &prepared.parse);
    Ok(lint_note(&note, &prepared.context(&settings.config, root)))
}

/// [`lint_source`] on a note already parsed, in a context prepared once for
/// many calls (`daybook fix` lints one file round after round): every note
/// rule, the cross-note ones seeing this note alone; sorted.
pub(crate) fn lint_note(note: &Note, cx: &rules::RuleContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_note(rules::checks(), note, cx, &mut out);
    for c in rules::checks() {
        c.check_repo(std::slice::from_ref(note), None, cx, &mut out);
    }
    sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_what_later_stages_read() {
        let config = Config::default();
        let ctx = crate::note::parse::ParseContext::new(&config).unwrap();
        let text = "# t\n\n## :paperclip:  今日要点\n\n1. [a](https://a.example/) :star:\n   - Abstract: long text\n   - free bullet\n<!-- daybook-disable title -->\n";
        let mut note =
            parse_note(crate::diag::SourceFile::new("notes/202301/0101.md", "x", text.into()), &ctx);
        let before = (
            note.items.len(),
            note.links.len(),
            note.comments.len(),
            note.items[0].link,
            note.items[0].stars.clone(),
        );
        assert_eq!(note.items[0].fields.len(), 1);
        drop_text(&mut note);
        assert_eq!(
            (
                note.items.len(),
                note.links.len(),
                note.comments.len(),
                note.items[0].link,
                note.items[0].stars.clone()
            ),
            before
        );
        assert_eq!(note.links[0].dest, "https://a.example/");
        assert!(note.items[0].fields.is_empty() && note.items[0].other_bullets.is_empty());
        assert!(note.file.is_compact() && note.text().is_empty() && note.file.len() == text.len());
        let full = crate::diag::SourceFile::new("notes/202301/0101.md", "x", text.into());
        let link = &note.links[0];
        for o in [link.span.start, link.dest_span.start, link.dest_span.end, note.comments[0].span.end] {
            assert_eq!(note.file.position(o), full.position(o));
        }
    }

    #[test]
    fn an_offline_run_keeps_the_links_items_open_with_and_where_they_are() {
        let config = Config::default();
        let ctx = crate::note::parse::ParseContext::new(&config).unwrap();
        let text = "# t\n\n## :paperclip:  今日要点\n\n1. [a](https://a.example/) :star:\n   - Paper: [p](https://p.example/)\n\n<img src=\"https://i.example/x.png\">\n\n2. [b](https://b.example/)\n";
        let full = crate::diag::SourceFile::new("notes/202301/0101.md", "x", text.into());
        let mut note = parse_note(full.clone(), &ctx);
        assert_eq!(note.links.len(), 4);
        let cited = |n: &Note| -> Vec<_> {
            let link = |i: &crate::note::Item| &n.links[i.link.unwrap()];
            n.items
                .iter()
                .map(|i| (link(i).dest.clone(), link(i).span.clone(), link(i).dest_span.clone()))
                .collect()
        };
        let before = cited(&note);
        keep_item_links(&mut note);
        drop_text(&mut note);
        assert_eq!(note.links.len(), 2);
        assert_eq!(cited(&note), before);
        for l in &note.links {
            assert_eq!(note.file.position(l.dest_span.start), full.position(l.dest_span.start));
        }
    }

    #[test]
    fn findings_get_their_snippets_back_and_other_files_stay_compact() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes/202301")).unwrap();
        let bad = "# 公众号内容拓展学习笔记（2023.1.2）\n";
        std::fs::write(dir.path().join("notes/202301/0101.md"), bad).unwrap();
        std::fs::write(dir.path().join("notes/202301/0102.md"), "# 公众号内容拓展学习笔记（2023.1.2）\n")
            .unwrap();
        let out = lint(dir.path(), &Settings::default(), &LintOptions::default()).unwrap();
        let mut sources = out.sources;
        assert!(sources.values().all(|f| f.is_compact()));
        let named: Vec<_> = out.diagnostics.iter().filter(|d| d.path.ends_with("0101.md")).cloned().collect();
        assert!(!named.is_empty());
        with_snippets(&mut sources, &named);
        assert_eq!(sources["notes/202301/0101.md"].text, bad);
        assert!(sources["notes/202301/0102.md"].is_compact());
        // Edited since: no text rather than the wrong one.
        let mut sources = Sources::new();
        let f = &out.notes[0].file;
        sources.insert(f.path.clone(), f.clone());
        std::fs::write(dir.path().join("notes/202301/0101.md"), "# changed\n").unwrap();
        with_snippets(&mut sources, &named);
        assert!(
            !sources["notes/202301/0101.md"].is_compact() && sources["notes/202301/0101.md"].text.is_empty()
        );
    }

    /// `README.md -> /proc/self/environ` put the environment in the log.
    #[cfg(unix)]
    #[test]
    fn a_readme_linked_out_of_the_repository_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("env"), "# GITHUB_TOKEN=ghs_secret\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("env"), dir.path().join("README.md")).unwrap();
        let out = lint(dir.path(), &Settings::default(), &LintOptions::default()).unwrap();
        assert!(out.readme.is_none());
        let shown = format!("{:?}", out.diagnostics);
        assert!(shown.contains("outside the repository"), "{shown}");
        assert!(!shown.contains("ghs_secret"), "{shown}");
    }

    #[test]
    fn lint_runs_per_note_rules_before_compacting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes/202301")).unwrap();
        std::fs::write(dir.path().join("notes/202301/0101.md"), "# 公众号内容拓展学习笔记（2023.1.2）\n")
            .unwrap();
        let out = lint(dir.path(), &Settings::default(), &LintOptions::default()).unwrap();
        assert!(out.diagnostics.iter().any(|d| d.rule == "title"), "{:?}", out.diagnostics);
        assert_eq!(out.notes.len(), 1);
        assert!(out.sources.contains_key("notes/202301/0101.md"));
    }
}
