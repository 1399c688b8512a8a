//! Finding the files to check: notes under `notes.root`, plus the README.
//!
//! Walking honours `.gitignore` (even outside a git checkout, so a fixture or
//! a downloaded tarball behaves like the repository) and the config's `ignore`
//! globs. Reading turns every file-level problem (unreadable, not UTF-8, empty,
//! too large, a broken symlink) into one `unreadable-file` diagnostic so that
//! one bad file never stops the others from being linted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::Config;
use crate::diag::{Diagnostic, Position, Severity, SourceFile, display_path};
use crate::error::Error;
use crate::note::parse::ParseContext;

/// Files larger than this are reported, not parsed: a daily note is a few KB,
/// so 5 MB is either a mistake (a committed binary renamed `.md`) or something
/// that would make every later stage slow.
pub(crate) const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// The largest README daybook reads or writes. Larger than a note may be: the
/// index of a long history is (about 110 bytes a note in the seed's style, so
/// 5 MB at 50,000 notes); bounded, because a pull request may commit any file
/// as the README.
pub(crate) const MAX_README_SIZE: u64 = 32 * 1024 * 1024;

/// Rule name of file-level problems.
pub(crate) const UNREADABLE_FILE: &str = "unreadable-file";

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// Relative to the repository root, `/`-separated.
    pub(crate) path: String,
    /// Path used for I/O.
    pub(crate) abs: PathBuf,
}

/// What the walk found.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    /// Markdown files under the notes root, sorted by path.
    pub(crate) notes: Vec<Candidate>,
    /// Problems met while walking (a directory that cannot be read, a broken symlink).
    pub(crate) problems: Vec<Diagnostic>,
}

/// Compile the config's `ignore` globs. `*` does not cross `/`; `**` does.
pub(crate) fn ignore_set(config: &Config) -> Result<GlobSet, Error> {
    let mut b = GlobSetBuilder::new();
    for g in &config.ignore {
        let glob = GlobBuilder::new(g.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Usage(format!("bad glob `{g}` in `ignore` of daybook.yml: {e}")))?;
        b.add(glob);
    }
    b.build().map_err(|e| Error::Usage(format!("bad `ignore` globs in daybook.yml: {e}")))
}

/// Whether `path` (repository-relative) is a note file by name: `*.md`.
pub(crate) fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Walk `<root>/<notes.root>` for note files, compiling the `ignore` globs.
pub(crate) fn discover(root: &Path, config: &Config) -> Result<Discovered, Error> {
    discover_with(root, config, &ignore_set(config)?)
}

/// [`discover`] with the `ignore` globs compiled already (a run's `Settings`).
/// Walks the root of every note set and keeps the files some set claims
/// (see [`ParseContext::classify`]).
pub(crate) fn discover_with(root: &Path, config: &Config, ignored: &GlobSet) -> Result<Discovered, Error> {
    discover_in(root, config, ignored, &ParseContext::new(config)?)
}

/// [`discover_with`] with the note sets compiled already too (a run's
/// `Settings`: compiling their patterns again cost as much as walking 250 notes).
pub(crate) fn discover_in(
    root: &Path,
    config: &Config,
    ignored: &GlobSet,
    ctx: &ParseContext,
) -> Result<Discovered, Error> {
    let mut notes = Vec::new();
    let (problems, several) = discover_each(root, config, ignored, ctx, &mut |c| notes.push(c))?;
    if several {
        notes.sort_by(|a, b| a.abs.cmp(&b.abs));
    }
    Ok(Discovered { notes, problems })
}

/// [`discover_in`], handing each note file to `found` as the walk meets it,
/// so reading and parsing can start before the walk ends. Returns the walk's
/// problems and whether several roots were walked: then the files came root
/// by root, not in path order (sort them by [`Candidate::abs`]).
pub(crate) fn discover_each(
    root: &Path,
    config: &Config,
    ignored: &GlobSet,
    ctx: &ParseContext,
    found: &mut dyn FnMut(Candidate),
) -> Result<(Vec<Diagnostic>, bool), Error> {
    // Walk each root once: a root inside another walked root is walked with it.
    let mut roots: Vec<&str> = ctx.sets.iter().map(|s| s.root.as_str()).collect();
    roots.sort();
    roots.dedup();
    let nested =
        |r: &str, o: &str| o.is_empty() || r.strip_prefix(o).is_some_and(|rest| rest.starts_with('/'));
    let walked: Vec<&str> =
        roots.iter().copied().filter(|r| !roots.iter().any(|o| o != r && nested(r, o))).collect();
    let existing: Vec<&str> = walked.iter().copied().filter(|r| root.join(r).is_dir()).collect();
    if existing.is_empty() {
        let first = &config.notes.primary().root;
        return Err(Error::Usage(format!(
            "no notes folder at {}: create it, or set `notes.root` in daybook.yml to where the notes live",
            root.join(first).display()
        )));
    }
    let mut problems = Vec::new();
    for r in existing {
        walk_root(root, r, config, ignored, ctx, &mut problems, found)?;
    }
    Ok((problems, walked.len() > 1))
}

fn walk_root(
    root: &Path,
    set_root: &str,
    config: &Config,
    ignored: &GlobSet,
    ctx: &ParseContext,
    problems: &mut Vec<Diagnostic>,
    found: &mut dyn FnMut(Candidate),
) -> Result<(), Error> {
    let notes_root = if set_root.is_empty() { root.to_path_buf() } else { root.join(set_root) };
    let shown_root = if set_root.is_empty() { "." } else { set_root };
    // The walk starts at the notes folder and follows it even when it is a
    // link: a pull request must not point it (or a folder on the way) outside.
    if let Err(why @ crate::util::jail::Refused::Outside { .. }) =
        crate::util::jail::resolve_inside(root, &notes_root)
    {
        return Err(Error::Usage(format!(
            "the notes folder `{shown_root}` is not read: {why}, and daybook reads only inside it"
        )));
    }
    let canonical_root = std::fs::canonicalize(root).ok();
    let readme_path = config.readme.path().replace('\\', "/").trim_start_matches("./").to_owned();
    let root_owned = root.to_path_buf();
    let filter_set = ignored.clone();
    // The walker opens the ignore files of the notes folder and the folders
    // above it: one that is unsafe to read turns them all off for this walk.
    let mut honour_ignore_files = true;
    for dir in notes_root.ancestors().take_while(|d| d.starts_with(root)) {
        if let Some(d) = bad_ignore_file(root, dir, "no `.gitignore` is honoured in this walk") {
            problems.push(d);
            honour_ignore_files = false;
        }
    }
    let refused = Arc::new(std::sync::Mutex::new(Vec::new()));
    let refused_in_walk = Arc::clone(&refused);
    let walker = ignore::WalkBuilder::new(&notes_root)
        .require_git(false)
        .follow_links(false)
        .git_ignore(honour_ignore_files)
        .ignore(honour_ignore_files)
        .parents(honour_ignore_files)
        // Siblings share their parent, so their names order them as their
        // paths would, at a fraction of `Path`'s component-wise comparison
        // (a fifth of the walk's time).
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            // A folder is entered only if its ignore files are safe to read.
            if e.file_type().is_some_and(|t| t.is_dir())
                && let Some(d) = bad_ignore_file(&root_owned, e.path(), "the folder is not walked")
            {
                refused_in_walk.lock().unwrap_or_else(|p| p.into_inner()).push(d);
                return false;
            }
            filter_set.is_empty() || !filter_set.is_match(display_path(&root_owned, e.path()))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let at = err_path(&err);
                let path = at.map(|p| display_path(root, p)).unwrap_or_else(|| shown_root.to_owned());
                let what = if at.is_some_and(Path::is_dir) { "folder" } else { "file" };
                problems.push(Diagnostic::file_level(
                    UNREADABLE_FILE,
                    Severity::Error,
                    &path,
                    format!("the {what} could not be read while walking the notes: {}", err_reason(&err)),
                ));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else { continue };
        if ft.is_dir() || !is_markdown(entry.path()) {
            continue;
        }
        let path = display_path(root, entry.path());
        // With `notes.root: .` the README sits among the notes; it is the output.
        // A file no note set claims is some other document.
        if path == readme_path || !ctx.is_note(&path) {
            continue;
        }
        if ft.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Err(_) => {
                    let target = std::fs::read_link(entry.path())
                        .map(|t| t.display().to_string())
                        .unwrap_or_else(|_| "?".into());
                    problems.push(
                        Diagnostic::file_level(
                            UNREADABLE_FILE,
                            Severity::Error,
                            &path,
                            format!("the file is a broken symbolic link (it points at `{target}`, which does not exist)"),
                        )
                        .with_help("remove the link or restore its target"),
                    );
                    continue;
                }
                Ok(m) if !m.is_file() => continue,
                Ok(_) => {}
            }
            // In the action a pull request controls the tree: a link to
            // `/proc/self/environ` or `~/.ssh/...` would put that file's text in
            // the log (diagnostic snippets) or even in the README.
            let target = std::fs::canonicalize(entry.path());
            if let (Some(croot), Ok(target)) = (&canonical_root, &target)
                && (!target.starts_with(croot) || crate::util::jail::in_git_dir(croot, target))
            {
                let where_ =
                    if target.starts_with(croot) { "in git's own folder" } else { "outside the repository" };
                problems.push(
                    Diagnostic::file_level(
                        UNREADABLE_FILE,
                        Severity::Error,
                        &path,
                        format!(
                            "the file is a symbolic link to `{}`, {where_}, so it is not read",
                            target.display()
                        ),
                    )
                    .with_help("replace the link with the note itself, or add it to `ignore` in daybook.yml"),
                );
                continue;
            }
        }
        found(Candidate { path, abs: entry.path().to_path_buf() });
    }
    problems.append(&mut refused.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(())
}

/// The largest `.gitignore` or `.ignore` the walk reads: the walker keeps
/// every pattern, and 100,000 lines took 800 MB.
const MAX_IGNORE_FILE_SIZE: u64 = 1024 * 1024;

/// The `.gitignore` or `.ignore` of `dir` when the walker must not open it: a
/// FIFO (opening it blocked the walk for good), a device or a link to one
/// (`/dev/zero` was read without end), a link out of the repository, or
/// too large. `then` says what follows from refusing it.
fn bad_ignore_file(root: &Path, dir: &Path, then: &str) -> Option<Diagnostic> {
    for name in [".gitignore", ".ignore"] {
        let at = dir.join(name);
        if std::fs::symlink_metadata(&at).is_err() {
            continue;
        }
        let why = match crate::util::jail::resolve_inside(root, &at) {
            Err(why @ crate::util::jail::Refused::Outside { .. }) => why.to_string(),
            _ => match std::fs::metadata(&at) {
                Err(_) => continue, // a broken link: nothing to read
                Ok(m) if !m.is_file() => {
                    format!("it is {}, not a regular file", crate::util::jail::kind_of(&m))
                }
                Ok(m) if m.len() > MAX_IGNORE_FILE_SIZE => {
                    format!("it is {} bytes, over the limit of {MAX_IGNORE_FILE_SIZE} bytes", m.len())
                }
                Ok(_) => continue,
            },
        };
        return Some(
            Diagnostic::file_level(
                UNREADABLE_FILE,
                Severity::Error,
                &display_path(root, &at),
                format!("the ignore file is not read: {why}; {then}"),
            )
            .with_help("make it a regular file of the repository (at most 1 MB), or remove it"),
        );
    }
    None
}

/// The walk error without the path the diagnostic already names.
fn err_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => err_reason(err),
        ignore::Error::Io(e) => e.to_string(),
        ignore::Error::Loop { ancestor, .. } => {
            format!("a symbolic link loops back to {}", ancestor.display())
        }
        other => other.to_string(),
    }
}

fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Read a file as a [`SourceFile`], or the one diagnostic saying why it cannot be linted.
pub(crate) fn read_source(path: &str, abs: &Path) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    read_limited(
        path,
        abs,
        MAX_FILE_SIZE,
        "a note may have",
        "split the note, or add the file to `ignore` in daybook.yml",
    )
}

/// The README, read as a note is but up to [`MAX_README_SIZE`].
pub(crate) fn read_readme_source(path: &str, abs: &Path) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    read_limited(
        path,
        abs,
        MAX_README_SIZE,
        "a README may have",
        "list fewer notes in the README (`readme.latest`)",
    )
}

fn read_limited(
    path: &str,
    abs: &Path,
    limit: u64,
    whose: &str,
    split: &str,
) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    let bad = |msg: String, help: &str| {
        Box::new(Diagnostic::file_level(UNREADABLE_FILE, Severity::Error, path, msg).with_help(help))
    };
    let too_large = |size: u64| {
        bad(format!("the file is {size} bytes, more than the {} MB {whose}", limit / (1024 * 1024)), split)
    };
    // One stat and one fstat per note: `read_regular` checks the type and size
    // before opening and again on the open file. A stat of our own before it
    // walked the path a third time for every note.
    use crate::util::jail::{Refused, read_regular};
    let bytes = match read_regular(abs, limit) {
        Ok(b) => b,
        Err(Refused::TooLarge { size, .. }) => return Err(too_large(size)),
        Err(Refused::NotAFile { kind }) => {
            return Err(bad(
                format!("the file is {kind}, not a regular file, so it is not read"),
                "remove it, or add it to `ignore` in daybook.yml",
            ));
        }
        Err(e) if std::fs::symlink_metadata(abs).is_ok_and(|m| m.file_type().is_symlink()) => {
            return Err(bad(
                format!("the file is a broken symbolic link ({e})"),
                "remove the link or restore its target",
            ));
        }
        Err(e) => {
            return Err(bad(format!("the file could not be read: {e}"), "check the file's permissions"));
        }
    };
    source_from_bytes(path, abs, bytes)
}

/// The checks of `read_source` that need no file system (also used by tests).
pub fn source_from_bytes(path: &str, abs: &Path, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    let valid = simdutf8::basic::from_utf8(&bytes).is_ok();
    let text = match if valid {
        // SAFETY: simdutf8 has just checked that `bytes` is UTF-8 (std's
        // check, which would do it again, was 6% of a lint run on notes
        // that are not ASCII).
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        // Invalid: std's error says where, for the diagnostic.
        String::from_utf8(bytes)
    } {
        Ok(t) => t,
        Err(e) => {
            let (offset, line, column) = crate::diag::utf8_error_position(&e);
            let mut d = Diagnostic::file_level(
                UNREADABLE_FILE,
                Severity::Error,
                path,
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02x} at line {line}, column {column})",
                    e.as_bytes()[offset]
                ),
            )
            .with_help("re-save the file as UTF-8");
            d.start = Position { line, column };
            d.end = d.start;
            return Err(Box::new(d));
        }
    };
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::file_level(UNREADABLE_FILE, Severity::Error, path, "the file is empty")
                .with_help("write the note, or delete the file"),
        ));
    }
    Ok(SourceFile::new(path, abs, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_errors_say_why_without_repeating_the_path() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = ignore::Error::WithPath {
            path: PathBuf::from("/r/notes/202307"),
            err: Box::new(ignore::Error::WithDepth { depth: 1, err: Box::new(ignore::Error::Io(io)) }),
        };
        assert_eq!(err_path(&err), Some(Path::new("/r/notes/202307")));
        let reason = err_reason(&err);
        assert_eq!(reason, "permission denied");
        assert!(!reason.contains("/r/notes"), "{reason}");
    }

    #[test]
    fn non_utf8_is_located() {
        let d = source_from_bytes("notes/a.md", Path::new("a.md"), b"ok\nab\xffcd".to_vec()).unwrap_err();
        assert_eq!(d.rule, UNREADABLE_FILE);
        assert_eq!(d.start, Position { line: 2, column: 3 });
        assert!(d.message.contains("UTF-8"), "{}", d.message);
    }

    #[test]
    fn empty_and_blank_files_are_reported() {
        for bytes in [&b""[..], b"  \n\n"] {
            let d = source_from_bytes("notes/a.md", Path::new("a.md"), bytes.to_vec()).unwrap_err();
            assert_eq!(d.message, "the file is empty");
        }
        assert!(source_from_bytes("n.md", Path::new("n.md"), b"# x".to_vec()).is_ok());
    }

    #[test]
    fn walk_honours_ignore_globs_gitignore_and_reports_broken_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let w = |p: &str, s: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        w("notes/202301/0101.md", "# a");
        w("notes/202301/0102.md", "# b");
        w("notes/202301/img.png", "x");
        w("notes/drafts/x.md", "# d");
        w("notes/202301/tmp.md", "# t");
        w(".gitignore", "tmp.md\n");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("notes/202301/0103.md")).unwrap();
        let config = Config { ignore: vec!["notes/drafts/**".into()], ..Config::default() };
        let found = discover(root, &config).unwrap();
        let paths: Vec<_> = found.notes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["notes/202301/0101.md", "notes/202301/0102.md"]);
        #[cfg(unix)]
        {
            assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
            assert_eq!(found.problems[0].path, "notes/202301/0103.md");
            assert!(found.problems[0].message.contains("broken symbolic link"));
        }
    }

    /// In the action a pull request controls the tree: a note linked to
    /// `/proc/self/environ` must not be read, or its text ends up in the log.
    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_repository_are_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "# secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("notes/202301")).unwrap();
        std::fs::write(root.join("notes/202301/0101.md"), "# a").unwrap();
        std::os::unix::fs::symlink("0101.md", root.join("notes/202301/0102.md")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("notes/202301/0103.md"))
            .unwrap();
        let found = discover(root, &Config::default()).unwrap();
        let paths: Vec<_> = found.notes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["notes/202301/0101.md", "notes/202301/0102.md"]);
        assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
        assert_eq!(found.problems[0].path, "notes/202301/0103.md");
        assert!(
            found.problems[0].message.contains("outside the repository"),
            "{}",
            found.problems[0].message
        );
    }

    /// With `notes.root: .` the README sits among the notes: it is daybook's
    /// output, not a note (no note-path/title errors, no duplicate-url with it).
    #[test]
    fn the_readme_is_never_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("202301")).unwrap();
        std::fs::write(root.join("202301/0101.md"), "# a").unwrap();
        std::fs::write(root.join("README.md"), "# r").unwrap();
        let mut config = Config::default();
        config.notes.primary_mut().root = ".".into();
        let found = discover(root, &config).unwrap();
        let paths: Vec<_> = found.notes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["202301/0101.md"]);
        config.readme.path = Some("./202301/0101.md".into());
        let found = discover(root, &config).unwrap();
        let paths: Vec<_> = found.notes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["README.md"]);
    }

    #[test]
    fn missing_notes_root_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = discover(dir.path(), &Config::default()).unwrap_err();
        assert!(err.to_string().contains("notes.root"), "{err}");
    }

    /// A FIFO named like a note used to hang `daybook lint` forever (reading
    /// it blocks until a writer comes): it is reported without being opened.
    #[cfg(unix)]
    #[test]
    fn a_fifo_named_like_a_note_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("notes/202301")).unwrap();
        let fifo = root.join("notes/202301/0101.md");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let found = discover(&root, &Config::default()).unwrap();
            let read: Vec<_> = found.notes.iter().map(|c| read_source(&c.path, &c.abs).map(|_| ())).collect();
            tx.send((found.problems, read)).unwrap();
        });
        let (problems, read) =
            rx.recv_timeout(std::time::Duration::from_secs(20)).expect("reading a FIFO hung");
        let messages: Vec<String> = problems
            .iter()
            .map(|d| d.message.clone())
            .chain(read.into_iter().filter_map(|r| r.err().map(|d| d.message)))
            .collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("named pipe"), "{messages:?}");
    }

    /// The per-file symlink check did not see a notes folder that is itself a
    /// link out of the repository: every file under it was read and printed.
    #[cfg(unix)]
    #[test]
    fn a_notes_folder_linked_out_of_the_repository_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(outside.path().join("202301")).unwrap();
        std::fs::write(outside.path().join("202301/0101.md"), "# secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("notes")).unwrap();
        let err = discover(dir.path(), &Config::default()).unwrap_err().to_string();
        assert!(err.contains("outside the repository"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
}
