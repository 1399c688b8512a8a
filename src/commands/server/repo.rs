//! One notes repository as the server holds it: its settings, the rules'
//! prepared context, and every note parsed once and compacted, with the text
//! of documents open in the editor in place of what is on disk.
//!
//! A change re-parses only the changed note and runs the per-note rules on it;
//! the cross-note rules then run over the held notes (which is what makes a
//! duplicate across the repository show while typing, from the disk's notes
//! and the other open buffers) and only the changed note's findings are kept.
//! `duplicate-url` is the exception: it reads an index of the held notes'
//! URLs updated with each change ([`CitationIndex`]), so a keystroke costs
//! work in proportion to the note, not to the repository.
//! The same `lint::finalize` as `daybook lint` applies suppressions, the
//! `rules:` levels and the `strict_since` cap, so severities agree.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::citations::CitationIndex;
use crate::diag::{Diagnostic, SourceFile};
use crate::lint;
use crate::note::Note;
use crate::note::parse::{parse_markdown, parse_note};
use crate::rules::{self, Prepared};
use crate::settings::Settings;

pub(crate) struct Repo {
    /// Canonical.
    pub(crate) root: PathBuf,
    pub(crate) settings: Settings,
    prepared: Prepared,
    /// Every note, compacted (what the cross-note rules read), any order.
    notes: Vec<Note>,
    /// Display path -> index in `notes`.
    index: HashMap<String, usize>,
    readme: Option<Note>,
    /// The URLs `notes` cite, for `duplicate-url`.
    citations: CitationIndex,
}

/// What a document is to its repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Note,
    Readme,
    /// Not linted: outside the notes folder, ignored, not Markdown.
    Other,
}

impl Repo {
    /// Read daybook.yml (or `config`) and every note under `root`. The error is
    /// the message to show: a config error names file:line.
    pub(crate) fn load(root: &Path, config: Option<&Path>) -> Result<Repo, String> {
        let settings = Settings::load(root, config).map_err(|e| e.to_string())?;
        let loaded = lint::load_notes(root, &settings).map_err(|e| e.to_string())?;
        let prepared = Prepared::from_compiled(root, &settings.parse, &settings.fields);
        let mut notes = loaded.notes;
        for n in &mut notes {
            lint::compact(n);
        }
        let index = notes.iter().enumerate().map(|(i, n)| (n.file.path.clone(), i)).collect();
        let citations = CitationIndex::build(&notes, &prepared.context(&settings.config, root));
        Ok(Repo {
            root: root.to_path_buf(),
            settings,
            prepared,
            notes,
            index,
            readme: loaded.readme,
            citations,
        })
    }

    fn readme_path(&self) -> String {
        self.settings.config.readme.path().replace('\\', "/").trim_start_matches("./").to_owned()
    }

    /// Whether `rel` (repository-relative, `/`-separated) is linted, and how.
    /// A note read at load time is one; a file not read then (created since,
    /// or not saved yet) is one when discovery would take it: Markdown under
    /// a note set, no hidden folder on the way, not matched by `ignore:`.
    pub(crate) fn kind(&self, rel: &str) -> Kind {
        if rel == self.readme_path() {
            return Kind::Readme;
        }
        if self.index.contains_key(rel) {
            return Kind::Note;
        }
        // Some note set claims it (`notes:`), no hidden folder on the way.
        if !self.settings.parse.is_note(rel)
            || !crate::discover::is_markdown(Path::new(rel))
            || rel.split('/').any(|c| c.starts_with('.'))
        {
            return Kind::Other;
        }
        let ignore = &self.settings.ignore;
        let ignored = rel.match_indices('/').map(|(i, _)| &rel[..i]).chain([rel]).any(|p| ignore.is_match(p));
        if ignored { Kind::Other } else { Kind::Note }
    }

    /// The findings for `rel` with `text` as its content (sorted, final
    /// severities), and the file they point into. The text replaces what the
    /// repository held for `rel` until [`Repo::reload`] puts the disk's back.
    pub(crate) fn lint(&mut self, rel: &str, text: String) -> (Arc<SourceFile>, Vec<Diagnostic>) {
        let file = SourceFile::new(rel, self.root.join(rel), text);
        let kind = self.kind(rel);
        let Repo { root, settings, prepared, notes, index, readme, citations } = self;
        let config = &settings.config;
        let cx = prepared.context(config, root);
        let mut out = Vec::new();
        match kind {
            Kind::Other => return (file, out),
            Kind::Readme => {
                let parsed = parse_markdown(file.clone(), &settings.parse);
                for c in rules::checks() {
                    c.check_readme(&parsed, &cx, &mut out);
                }
                *readme = Some(parsed);
            }
            Kind::Note => {
                let mut note = parse_note(file.clone(), &settings.parse);
                lint::check_note(rules::checks(), &note, &cx, &mut out);
                lint::compact(&mut note);
                citations.update(&note, &cx);
                hold(notes, index, note);
            }
        }
        cross_note(rel, kind, notes, index, readme.as_ref(), citations, &cx, &mut out);
        out.retain(|d| d.path == rel);
        // Suppressions and the `strict_since` cap of this document alone: what
        // finalize adds (unused suppressions) is about it too.
        let (own, own_readme) = match kind {
            Kind::Readme => (&[][..], readme.as_ref()),
            _ => (std::slice::from_ref(&notes[index[rel]]), None),
        };
        (file, lint::finalize(out, config, own, own_readme))
    }

    /// Put the disk's version of `rel` back (a document closed, or changed on
    /// disk while not open): re-read and parse it, or forget it when it is gone
    /// or no longer a note. A created or deleted file also changes what local
    /// links resolve to, so the file index is rebuilt then.
    pub(crate) fn reload(&mut self, rel: &str) {
        let abs = self.root.join(rel);
        let existed = self.index.contains_key(rel);
        let kind = self.kind(rel);
        // The README's limit, not a note's: `daybook lint` reads it so.
        let source = match kind {
            Kind::Other => None,
            Kind::Readme => crate::discover::read_readme_source(rel, &abs).ok(),
            Kind::Note => crate::discover::read_source(rel, &abs).ok(),
        };
        match (kind, source) {
            (Kind::Readme, source) => {
                self.readme = source.map(|f| parse_markdown(f, &self.settings.parse));
            }
            (Kind::Note, Some(file)) => {
                let mut note = parse_note(file, &self.settings.parse);
                lint::compact(&mut note);
                let cx = self.prepared.context(&self.settings.config, &self.root);
                self.citations.update(&note, &cx);
                hold(&mut self.notes, &mut self.index, note);
            }
            _ => {
                self.citations.remove(rel);
                if let Some(i) = self.index.remove(rel) {
                    self.notes.swap_remove(i);
                    if let Some(moved) = self.notes.get(i) {
                        self.index.insert(moved.file.path.clone(), i);
                    }
                }
            }
        }
        if existed != self.index.contains_key(rel) || !abs.exists() {
            self.refresh_files();
        }
    }

    /// Rebuild the index of files that local links resolve against.
    pub(crate) fn refresh_files(&mut self) {
        self.prepared = Prepared::from_compiled(&self.root, &self.settings.parse, &self.settings.fields);
    }

    /// The held file at `rel` (a note or the README), for places a finding
    /// points to in other files.
    pub(crate) fn file(&self, rel: &str) -> Option<&Arc<SourceFile>> {
        match self.index.get(rel) {
            Some(&i) => Some(&self.notes[i].file),
            None => self.readme.as_ref().filter(|r| r.file.path == rel).map(|r| &r.file),
        }
    }
}

/// The cross-note rules' findings that may be about `rel` (the caller keeps
/// those that are): every rule's over the held notes, but `duplicate-url`'s
/// from the index.
#[allow(clippy::too_many_arguments)]
fn cross_note(
    rel: &str,
    kind: Kind,
    notes: &[Note],
    index: &HashMap<String, usize>,
    readme: Option<&Note>,
    citations: &CitationIndex,
    cx: &rules::RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for c in rules::checks() {
        if c.rules().iter().any(|r| r.name == rules::duplicates::DUPLICATE_URL.name) {
            continue;
        }
        c.check_repo(notes, readme, cx, out);
    }
    if kind == Kind::Note {
        citations.findings(rel, notes, index, out);
    }
}

/// Put `note` in place of the held note at its path, or add it.
fn hold(notes: &mut Vec<Note>, index: &mut HashMap<String, usize>, note: Note) {
    match index.get(&note.file.path) {
        Some(&i) => notes[i] = note,
        None => {
            index.insert(note.file.path.clone(), notes.len());
            notes.push(note);
        }
    }
}

/// The root of the repository holding `file` (absolute, canonical) inside
/// the workspace folder `workspace`: the nearest folder with daybook.yml, else
/// the folder holding the nearest `notes` folder, else the workspace folder
/// itself (the `daybook lint FILE` rule, bounded by the workspace).
pub(crate) fn find_root(file: &Path, workspace: &Path) -> PathBuf {
    let dirs = || file.ancestors().skip(1).take_while(|d| d.starts_with(workspace));
    dirs()
        .find(|d| d.join(crate::config::CONFIG_FILE).is_file())
        .or_else(|| dirs().find(|d| d.file_name().is_some_and(|n| n == "notes")).and_then(Path::parent))
        .filter(|d| d.starts_with(workspace))
        .map_or_else(|| workspace.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let root = dir.path().canonicalize().unwrap();
        let repo = Repo::load(&root, None).unwrap();
        (dir, repo)
    }

    const NOTE: &str = "# 公众号内容拓展学习笔记（2024.1.1）\n\n------\n\n## :paperclip:  今日要点\n\n\
        1. [An article](https://example.com/a)       :star:\n   - Abstract: what it is about\n\n\
        ## :paperclip:  Others\n\n- nothing to add\n";

    fn rules_of(diags: &[Diagnostic]) -> Vec<(&str, usize)> {
        diags.iter().map(|d| (d.rule.as_str(), d.start.line)).collect()
    }

    #[test]
    fn in_memory_text_is_linted_like_the_disk() {
        let (_dir, mut repo) = repo(&[("notes/202401/0101.md", NOTE)]);
        let (_, clean) = repo.lint("notes/202401/0101.md", NOTE.to_owned());
        assert_eq!(rules_of(&clean), []);
        let typo = NOTE.replace("   - Abstract: what it is about\n", "   - Abstract: x\n   - GtiHub: y\n");
        let (file, diags) = repo.lint("notes/202401/0101.md", typo);
        assert_eq!(rules_of(&diags), [("unknown-field", 9)], "{diags:?}");
        assert_eq!(file.path, "notes/202401/0101.md");
    }

    #[test]
    fn cross_note_rules_see_the_rest_of_the_repository_and_open_buffers() {
        let (_dir, mut repo) =
            repo(&[("notes/202401/0101.md", NOTE), ("notes/202401/0102.md", &NOTE.replace("1.1", "1.2"))]);
        let (_, d) = repo.lint("notes/202401/0102.md", NOTE.replace("1.1", "1.2"));
        assert_eq!(rules_of(&d), [("duplicate-url", 7)], "{d:?}");
        // The first note, changed in the editor, no longer cites the article.
        let other = NOTE.replace("https://example.com/a", "https://example.com/b");
        repo.lint("notes/202401/0101.md", other);
        let (_, d) = repo.lint("notes/202401/0102.md", NOTE.replace("1.1", "1.2"));
        assert_eq!(rules_of(&d), []);
        // Closed without saving: the disk's version counts again.
        repo.reload("notes/202401/0101.md");
        let (_, d) = repo.lint("notes/202401/0102.md", NOTE.replace("1.1", "1.2"));
        assert_eq!(rules_of(&d), [("duplicate-url", 7)]);
    }

    fn items_note(y: u32, m: u32, d: u32, urls: &[&str]) -> String {
        let items: String = urls
            .iter()
            .enumerate()
            .map(|(i, u)| format!("{}. [An article]({u})       :star:\n   - Abstract: x\n", i + 1))
            .collect();
        format!(
            "# 公众号内容拓展学习笔记（{y}.{m}.{d}）\n\n------\n\n## :paperclip:  今日要点\n\n{items}\n\
             ## :paperclip:  Others\n\n- nothing to add\n"
        )
    }

    /// For every held note, the cross-note findings from the URL index and
    /// from every cross-note rule run over every held note (what the server
    /// did before the index) must be the same; returns how many
    /// `duplicate-url` findings there are in all.
    fn same_as_the_full_run(repo: &Repo, step: &str) -> usize {
        let cx = repo.prepared.context(&repo.settings.config, &repo.root);
        let mut paths: Vec<&String> = repo.index.keys().collect();
        paths.sort();
        let mut duplicates = 0;
        for rel in paths {
            let (mut fast, mut full) = (Vec::new(), Vec::new());
            let (notes, readme) = (&repo.notes, repo.readme.as_ref());
            cross_note(rel, Kind::Note, notes, &repo.index, readme, &repo.citations, &cx, &mut fast);
            for c in rules::checks() {
                c.check_repo(notes, readme, &cx, &mut full);
            }
            for d in [&mut fast, &mut full] {
                d.retain(|d| d.path == *rel);
                lint::sort(d);
            }
            assert_eq!(fast, full, "after {step}, in {rel}");
            duplicates += fast.iter().filter(|d| d.rule == "duplicate-url").count();
        }
        duplicates
    }

    #[test]
    fn the_url_index_finds_what_the_rule_finds_over_every_note() {
        let (a, b, c) = ("https://example.com/a", "https://example.com/b", "https://example.com/c");
        let (dir, mut repo) = repo(&[
            ("notes/202401/0101.md", &items_note(2024, 1, 1, &[a, b])),
            ("notes/202401/0102.md", &items_note(2024, 1, 2, &["http://Example.com/a/", c])),
            ("notes/202401/0103.md", &items_note(2024, 1, 3, &[c, "https://example.com/c#again"])),
        ]);
        // a: 0101, 0102; c: 0102, 0103 twice.
        assert_eq!(same_as_the_full_run(&repo, "load"), 3);
        let steps: [(&str, &str, Option<String>, usize); 7] = [
            ("0101 drops a", "notes/202401/0101.md", Some(items_note(2024, 1, 1, &[b])), 2),
            ("0103 cites b", "notes/202401/0103.md", Some(items_note(2024, 1, 3, &[c, c, b])), 3),
            // Not on disk; c now four times, "(4 times in all)" in every message.
            ("a new 0104", "notes/202401/0104.md", Some(items_note(2024, 1, 4, &[a, c])), 5),
            // An earlier note: c's first citation moves, every message of c changes.
            ("an older note", "notes/202312/1231.md", Some(items_note(2023, 12, 31, &[c])), 6),
            ("0101 closed unsaved", "notes/202401/0101.md", None, 7),
            ("0104 closed, never saved", "notes/202401/0104.md", None, 5),
            ("0102 deleted on disk", "notes/202401/0102.md", None, 3),
        ];
        for (step, rel, text, want) in steps {
            match text {
                Some(text) => {
                    repo.lint(rel, text);
                }
                None => {
                    if step.contains("deleted") {
                        std::fs::remove_file(dir.path().join(rel)).unwrap();
                    }
                    repo.reload(rel);
                }
            }
            assert_eq!(same_as_the_full_run(&repo, step), want, "{step}");
        }
    }

    #[test]
    fn suppressions_and_levels_apply() {
        let dir_files = [
            ("daybook.yml", "rules:\n  duplicate-url: error\n"),
            ("notes/202401/0101.md", NOTE),
            ("notes/202401/0102.md", NOTE),
        ];
        let (_dir, mut repo) = repo(&dir_files);
        let text = NOTE.replace("1.1", "1.2");
        let (_, d) = repo.lint("notes/202401/0102.md", text.clone());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, crate::diag::Severity::Error);
        let suppressed = text.replace("1. [An", "<!-- daybook-disable-next-line duplicate-url -->\n1. [An");
        let (_, d) = repo.lint("notes/202401/0102.md", suppressed);
        assert_eq!(rules_of(&d), [], "{d:?}");
    }

    #[test]
    fn which_files_are_linted() {
        let (_dir, repo) = repo(&[
            ("daybook.yml", "ignore: [\"notes/drafts/**\"]\n"),
            ("notes/202401/0101.md", NOTE),
            ("README.md", "# r\n"),
        ]);
        assert_eq!(repo.kind("notes/202401/0101.md"), Kind::Note);
        assert_eq!(repo.kind("notes/202402/0101.md"), Kind::Note, "not saved yet");
        assert_eq!(repo.kind("README.md"), Kind::Readme);
        assert_eq!(repo.kind("docs/x.md"), Kind::Other);
        assert_eq!(repo.kind("notes/202401/a.txt"), Kind::Other);
        assert_eq!(repo.kind("notes/.trash/0101.md"), Kind::Other);
        assert_eq!(repo.kind("notes/drafts/0101.md"), Kind::Other);
    }

    #[test]
    fn the_root_is_found_inside_the_workspace_only() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(ws.join("sub/notes/202401")).unwrap();
        let note = ws.join("sub/notes/202401/0101.md");
        assert_eq!(find_root(&note, &ws), ws.join("sub"));
        std::fs::write(ws.join("daybook.yml"), "").unwrap();
        assert_eq!(find_root(&note, &ws), ws, "daybook.yml first, as `daybook lint FILE` does");
        std::fs::write(ws.join("sub/daybook.yml"), "").unwrap();
        assert_eq!(find_root(&note, &ws), ws.join("sub"));
        assert_eq!(find_root(&note, &ws.join("sub/notes")), ws.join("sub/notes"));
    }

    #[test]
    fn a_readme_over_a_note_s_size_limit_is_reloaded_as_lint_reads_it() {
        // Written first: a README past the 5 MB a note may have (an index of
        // 50,000 notes is 5.4 MB) was read at start and lost at its first
        // change on disk, reloaded as if it were a note.
        let big = format!("# r\n\n{}", "- a line of the index, long enough\n".repeat(170_000));
        assert!(big.len() as u64 > crate::discover::MAX_FILE_SIZE);
        let (dir, mut repo) = repo(&[("notes/202401/0101.md", NOTE), ("README.md", &big)]);
        assert!(repo.readme.is_some(), "read at start");
        std::fs::write(dir.path().join("README.md"), format!("{big}- one more\n")).unwrap();
        repo.reload("README.md");
        assert!(repo.readme.is_some(), "kept once changed on disk");
    }
}
