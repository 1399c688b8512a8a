//! The one atomic file write.
//!
//! [`write_atomic`] writes a temporary file beside the destination, flushes it,
//! and renames it over the destination, then flushes the folder (where the
//! platform can), so a reader or a crash sees either the old file or the new
//! one, never half of it.
//!
//! Every temporary file is named `.daybook-tmp-*.tmp` and is removed when the
//! write fails at any step. A run killed mid-write cannot remove its own, so
//! each write first sweeps its folder of such files older than ten minutes.
//!
//! # Modes
//!
//! A replaced regular file keeps its permissions. A new file gets the usual
//! 0666 minus the umask, not the owner-only 0600 of a bare temporary file: on
//! GitHub Actions the steps that read a report, the link cache or the README
//! (upload-sarif, actions/cache, a commit step) run as another user than
//! daybook's container.
//!
//! # Symlinks
//!
//! A rename replaces a directory entry; it never writes into what a symlink
//! points at. So [`write_atomic`] on a symlink replaces the *link* with a
//! regular file and leaves its target alone, wherever the link points: nothing
//! outside the folder of `path` is ever touched. That is what the report, cache
//! and git-publish writers always did.
//!
//! A caller that wants to update a symlink's target instead (the README: a
//! `README.md -> docs/README.md` link must stay a link) resolves it first with
//! [`resolve_within`] and writes the path that returns. It follows links only
//! to targets inside `root` and refuses the rest: in the action a pull request
//! controls the tree, and a link to `~/.bashrc` must not make daybook write
//! there. `discover` applies the same rule to notes it reads, and publish to the
//! README it commits.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Every temporary file daybook creates starts with this, so a leftover from a
/// killed run is recognisable (and, ending in `.tmp`, never taken for a note).
pub(crate) const TEMP_PREFIX: &str = ".daybook-tmp-";

/// A temporary file older than this is a leftover: a write takes milliseconds,
/// so a younger one may belong to a run still writing beside us.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Why an atomic write did not happen. The destination is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// The folder that would hold the file does not exist (created on purpose
    /// by nobody: daybook does not make folders for its outputs).
    #[error("cannot write {}: the folder {} does not exist; create it first", path.display(), dir.display())]
    NoFolder { path: PathBuf, dir: PathBuf },

    /// `path` resolves (through a symlink) to `target`, outside `root`.
    #[error(
        "{} is a symlink to {}, outside {}; daybook writes only inside the repository",
        path.display(),
        target.display(),
        root.display()
    )]
    Outside { path: PathBuf, target: PathBuf, root: PathBuf },

    /// An I/O step failed; `action` says which, phrased to follow "could not".
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl WriteError {
    /// The error as a plain `io::Error`, for callers that add the path and the
    /// step themselves (the link cache's warning, the README's error): a failed
    /// step gives its own error back untouched, the refusals a short reason.
    pub(crate) fn into_io(self) -> std::io::Error {
        use std::io::{Error, ErrorKind};
        match self {
            WriteError::Io { source, .. } => source,
            WriteError::NoFolder { dir, .. } => {
                Error::new(ErrorKind::NotFound, format!("the folder {} does not exist", dir.display()))
            }
            WriteError::Outside { target, root, .. } => Error::new(
                ErrorKind::PermissionDenied,
                format!("it is a symlink to {}, outside {}", target.display(), root.display()),
            ),
        }
    }
}

impl From<WriteError> for crate::error::Error {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Io { path, action, source } => crate::error::Error::Io { path, action, source },
            other => crate::error::Error::Usage(other.to_string()),
        }
    }
}

/// Replace `path` with `bytes` atomically. A symlink at `path` is replaced by a
/// regular file (see the module docs); use [`resolve_within`] first to update
/// its target instead.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |action: &'static str| move |source| WriteError::Io { path: path.to_path_buf(), action, source };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::NoFolder { path: path.to_path_buf(), dir: dir.to_path_buf() });
    }
    remove_stale_temp_files(dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io("create a temporary file beside"))?;
    // The mode of the regular file being replaced, not of a symlink's target:
    // the link is what gets replaced. A filesystem that cannot change modes
    // (a vfat or SMB mount) still gets the write, with the default mode.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.is_file()
    {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.write_all(bytes).map_err(io("write"))?;
    tmp.as_file().sync_all().map_err(io("flush"))?;
    tmp.persist(path).map_err(|e| io("replace")(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Remove what a killed run left in `dir`: regular files named with
/// [`TEMP_PREFIX`] and older than [`STALE_AFTER`]. Nothing else is touched, not
/// even a symlink with that name (its target could be anywhere). Best effort:
/// a leftover that cannot be removed does not stop the write.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        if !entry.file_name().as_encoded_bytes().starts_with(TEMP_PREFIX.as_bytes()) {
            continue;
        }
        // `DirEntry::metadata` does not follow symlinks.
        let Ok(meta) = entry.metadata() else { continue };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Make the rename itself durable. Best effort: the new file is complete
/// either way, and only unix lets a folder be opened and synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The file to write for `path` when a symlink should be written through: the
/// canonical path `path` resolves to (symlinks in it and at its end followed),
/// provided it lies inside `root`. `path` must exist.
pub(crate) fn resolve_within(root: &Path, path: &Path) -> Result<PathBuf, WriteError> {
    let target = std::fs::canonicalize(path).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        action: "resolve",
        source,
    })?;
    let croot = std::fs::canonicalize(root).map_err(|source| WriteError::Io {
        path: root.to_path_buf(),
        action: "resolve",
        source,
    })?;
    if target.starts_with(&croot) && !crate::util::jail::in_git_dir(&croot, &target) {
        Ok(target)
    } else {
        Err(WriteError::Outside { path: path.to_path_buf(), target, root: root.to_path_buf() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("README.md");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(names(dir.path()), ["README.md"]);
    }

    /// A killed run's temporary file is swept by the next write to its folder;
    /// a fresh one (a run writing right now) and look-alikes stay.
    #[test]
    fn stale_temporary_files_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let plant = |name: &str, age: Option<std::time::SystemTime>| {
            let p = dir.path().join(name);
            let f = std::fs::File::create(&p).unwrap();
            if let Some(t) = age {
                f.set_modified(t).unwrap();
            }
        };
        plant(".daybook-tmp-killed.tmp", Some(old));
        plant(".daybook-tmp-running.tmp", None);
        plant(".daybook-readme-other.tmp", Some(old));
        plant("notes.daybook-tmp-x", Some(old));
        std::fs::create_dir(dir.path().join(".daybook-tmp-folder")).unwrap();
        write_atomic(&dir.path().join("README.md"), b"x").unwrap();
        assert_eq!(
            names(dir.path()),
            [
                ".daybook-readme-other.tmp",
                ".daybook-tmp-folder",
                ".daybook-tmp-running.tmp",
                "README.md",
                "notes.daybook-tmp-x"
            ]
        );
    }

    /// A stale-looking symlink is not followed or removed: its target is not ours.
    #[cfg(unix)]
    #[test]
    fn a_temporary_file_name_on_a_symlink_is_left_alone() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("precious");
        std::fs::File::create(&target)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(".daybook-tmp-link.tmp")).unwrap();
        write_atomic(&dir.path().join("x.json"), b"{}").unwrap();
        assert!(target.exists());
        assert!(std::fs::symlink_metadata(dir.path().join(".daybook-tmp-link.tmp")).is_ok());
    }

    #[test]
    fn creates_a_new_file_and_writes_bytes_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        write_atomic(&p, b"\xff\x00x").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"\xff\x00x");
        write_atomic(&p, b"").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"");
    }

    #[test]
    fn a_bare_file_name_is_written_in_the_current_folder() {
        // `Path::parent` of `x.json` is `""`, which is no folder to create a file in.
        let name = format!("{TEMP_PREFIX}bare-name-test-{}.json", std::process::id());
        write_atomic(Path::new(&name), b"x").unwrap();
        assert_eq!(std::fs::read(&name).unwrap(), b"x");
        std::fs::remove_file(&name).unwrap();
    }

    #[test]
    fn a_missing_folder_is_named_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("reports/lint.json");
        let e = write_atomic(&p, b"x").unwrap_err();
        assert!(
            matches!(&e, WriteError::NoFolder { dir: d, .. } if d == &dir.path().join("reports")),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains("does not exist") && !msg.contains("temporary file"), "{msg}");
        assert!(names(dir.path()).is_empty());
        let io = write_atomic(&p, b"x").unwrap_err().into_io();
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert!(io.to_string().contains("reports") && io.to_string().contains("does not exist"), "{io}");
        // As the crate's error it stays a usage error with the same words.
        let err: crate::error::Error = write_atomic(&p, b"x").unwrap_err().into();
        assert!(matches!(err, crate::error::Error::Usage(ref m) if m == &msg), "{err:?}");
    }

    #[test]
    fn a_failed_step_says_which_step_and_which_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename over it fails.
        let p = dir.path().join("occupied");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("inside"), "keep").unwrap();
        let e = write_atomic(&p, b"x").unwrap_err();
        assert!(matches!(e, WriteError::Io { action: "replace", .. }), "{e:?}");
        assert_eq!(names(dir.path()), ["occupied"], "the temporary file is removed");
        let msg = write_atomic(&p, b"x").unwrap_err().to_string();
        assert!(msg.starts_with("could not replace ") && msg.contains("occupied"), "{msg}");
        // Plain, it is the rename's own error, for a caller that names the file itself.
        let io = write_atomic(&p, b"x").unwrap_err().into_io();
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("f"), "x").unwrap();
        let rename = std::fs::rename(other.path().join("f"), &p).unwrap_err();
        assert_eq!((io.kind(), io.to_string()), (rename.kind(), rename.to_string()));
        let err: crate::error::Error = write_atomic(&p, b"x").unwrap_err().into();
        assert!(matches!(err, crate::error::Error::Io { action: "replace", .. }), "{err:?}");
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    /// A new file is readable by the runner's other users like any file the
    /// process creates (0666 minus the umask), not 0600.
    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_mode_of_a_normal_file() {
        let dir = tempfile::tempdir().unwrap();
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "x").unwrap();
        let p = dir.path().join("report.sarif");
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(mode(&p), mode(&reference));
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for m in [0o640, 0o600, 0o755] {
            let p = dir.path().join(format!("f{m:o}"));
            std::fs::write(&p, "old").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
            write_atomic(&p, b"new").unwrap();
            assert_eq!(mode(&p), m);
        }
    }

    /// The link is replaced, its target (here outside the folder) untouched.
    #[cfg(unix)]
    #[test]
    fn a_symlink_is_replaced_not_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("bashrc");
        std::fs::write(&target, "precious").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join(".daybook-cache.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "{}");

        // A dangling link is replaced just the same.
        let dangling = dir.path().join("report.json");
        std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).unwrap();
        write_atomic(&dangling, b"[]").unwrap();
        assert!(std::fs::symlink_metadata(&dangling).unwrap().is_file());
        assert!(!dir.path().join("missing").exists());
    }

    /// `README.md -> docs/README.md`: resolved inside the root, the target is
    /// updated and the link stays a link.
    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_root_is_written_through_after_resolving() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("docs")).unwrap();
        std::fs::write(root.path().join("docs/README.md"), "old").unwrap();
        let link = root.path().join("README.md");
        std::os::unix::fs::symlink("docs/README.md", &link).unwrap();
        let target = resolve_within(root.path(), &link).unwrap();
        assert_eq!(target, std::fs::canonicalize(root.path().join("docs/README.md")).unwrap());
        write_atomic(&target, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "new");
        assert_eq!(names(&root.path().join("docs")), ["README.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_leaving_the_root_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("bashrc"), "precious").unwrap();
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("README.md");
        std::os::unix::fs::symlink(outside.path().join("bashrc"), &link).unwrap();
        let e = resolve_within(root.path(), &link).unwrap_err();
        assert!(matches!(e, WriteError::Outside { .. }), "{e:?}");
        assert!(e.to_string().contains("outside"), "{e}");
        let io = resolve_within(root.path(), &link).unwrap_err().into_io();
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(io.to_string().contains("bashrc"), "{io}");
        // A relative link climbing out, and a linked folder on the way, alike.
        std::fs::create_dir(root.path().join("sub")).unwrap();
        let climbing = root.path().join("sub/README.md");
        let depth = climbing.parent().unwrap().components().count() - 1;
        let up =
            "../".repeat(depth) + outside.path().join("bashrc").strip_prefix("/").unwrap().to_str().unwrap();
        std::os::unix::fs::symlink(&up, &climbing).unwrap();
        assert!(matches!(resolve_within(root.path(), &climbing), Err(WriteError::Outside { .. })));
        std::os::unix::fs::symlink(outside.path(), root.path().join("docs")).unwrap();
        let via_dir = root.path().join("docs/bashrc");
        assert!(matches!(resolve_within(root.path(), &via_dir), Err(WriteError::Outside { .. })));
        assert_eq!(std::fs::read_to_string(outside.path().join("bashrc")).unwrap(), "precious");
    }

    #[test]
    fn a_plain_file_resolves_to_itself_and_a_missing_one_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let p = root.path().join("README.md");
        std::fs::write(&p, "x").unwrap();
        assert_eq!(resolve_within(root.path(), &p).unwrap(), std::fs::canonicalize(&p).unwrap());
        let e = resolve_within(root.path(), &root.path().join("nope.md")).unwrap_err();
        assert!(matches!(e, WriteError::Io { action: "resolve", .. }), "{e:?}");
    }
}
