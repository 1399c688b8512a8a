//! Reading files a pull request may control: only regular files, only inside
//! the repository after resolving symbolic links, never more than a limit.
//!
//! In the action every byte of the checkout is chosen by whoever opened the
//! pull request. A `daybook.yml` linked to `/proc/self/environ` would print
//! the runner's environment in a config error's snippet, a README linked to
//! `/dev/zero` would read until memory runs out, and a FIFO named like a note
//! would hang the job. [`read_in_repo`] refuses all three before reading a
//! byte, and says which link leads where without showing what is there.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Refused {
    /// `path`, after resolving symbolic links, is outside the repository, or
    /// in git's own folder (`into_git`).
    Outside {
        target_dir: PathBuf,
        into_git: bool,
    },
    /// A FIFO, socket, device or folder where a file was expected.
    NotAFile {
        kind: &'static str,
    },
    /// Larger than the limit (the size is at least `size`).
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// It does not exist (a broken symbolic link included).
    Missing,
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Outside { target_dir, into_git: false } => {
                write!(f, "a symbolic link leads it into `{}`, outside the repository", target_dir.display())
            }
            Refused::Outside { target_dir, into_git: true } => {
                write!(f, "a symbolic link leads it into `{}`, git's own folder", target_dir.display())
            }
            Refused::NotAFile { kind } => write!(f, "it is {kind}, not a regular file"),
            Refused::TooLarge { size, limit } => {
                write!(f, "it is {size} bytes or more, over the limit of {limit} bytes")
            }
            Refused::Missing => write!(f, "it does not exist"),
            Refused::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What kind of thing a non-regular file is, in words for a message.
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device file";
        }
    }
    "not a regular file"
}

/// `path` with symbolic links resolved, when that stays inside `root`.
/// A path that does not exist yet resolves through its parent (for files
/// about to be written).
pub(crate) fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, Refused> {
    let croot = std::fs::canonicalize(root).map_err(Refused::Io)?;
    let resolved = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(Refused::Missing);
            }
            let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
                return Err(Refused::Missing);
            };
            let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
            match std::fs::canonicalize(parent) {
                Ok(p) => p.join(name),
                Err(_) => return Err(Refused::Missing),
            }
        }
        Err(e) => return Err(Refused::Io(e)),
    };
    let into_git = in_git_dir(&croot, &resolved);
    if into_git || !resolved.starts_with(&croot) {
        let target_dir = resolved.parent().map(Path::to_path_buf).unwrap_or_default();
        return Err(Refused::Outside { target_dir, into_git });
    }
    Ok(resolved)
}

/// Whether `resolved` (canonical, under the canonical root `croot`) is in a
/// `.git` folder: git's configuration (with actions/checkout, the token),
/// hooks it runs, never a note or a README. Case-blind, as file systems may be.
pub(crate) fn in_git_dir(croot: &Path, resolved: &Path) -> bool {
    resolved
        .strip_prefix(croot)
        .is_ok_and(|rel| rel.components().any(|c| c.as_os_str().eq_ignore_ascii_case(".git")))
}

/// Whether `path` names a place inside `root` as written (before symlinks).
pub(crate) fn is_named_inside(root: &Path, path: &Path) -> bool {
    std::path::absolute(path).ok().zip(std::path::absolute(root).ok()).is_some_and(|(p, r)| p.starts_with(r))
}

/// A file about to be written at `path`: refused when it is named inside the
/// repository but a symbolic link (on a folder of the way, or the file itself)
/// leads it outside. A path named outside the repository is the caller's own
/// choice and is not checked.
pub(crate) fn check_output(root: &Path, path: &Path) -> Result<(), Refused> {
    if !is_named_inside(root, path) {
        return Ok(());
    }
    match resolve_inside(root, path) {
        Err(why @ Refused::Outside { .. }) => Err(why),
        _ => Ok(()),
    }
}

/// Read `path` (absolute, or relative to the current directory) if it resolves
/// inside `root`, is a regular file and holds at most `limit` bytes.
pub(crate) fn read_in_repo(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let resolved = resolve_inside(root, path)?;
    read_regular(&resolved, limit)
}

/// The text of the repository file `rel` for a best-effort look (`init`'s
/// sampling): `None` unless it is a regular UTF-8 file inside `root` of at
/// most `limit` bytes, so a FIFO or `/dev/zero` is skipped, not waited on.
pub(crate) fn read_text_in_repo(root: &Path, rel: &str, limit: u64) -> Option<String> {
    let bytes = read_in_repo(root, &root.join(rel), limit).ok()?;
    String::from_utf8(bytes).ok()
}

/// Read a regular file of at most `limit` bytes, refusing anything else
/// before it can block (FIFO) or never end (`/dev/zero`).
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(e) => return Err(Refused::Io(e)),
    };
    if !meta.is_file() {
        return Err(Refused::NotAFile { kind: kind_of(&meta) });
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge { size: meta.len(), limit });
    }
    let file = open_nonblocking(path).map_err(Refused::Io)?;
    // The file may have been swapped since `metadata`: check what was opened.
    let opened = file.metadata().map_err(Refused::Io)?;
    if !opened.is_file() {
        return Err(Refused::NotAFile { kind: kind_of(&opened) });
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// Opening a FIFO for reading blocks until a writer comes; with `O_NONBLOCK`
/// it returns at once, and the type check after it refuses the pipe.
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_inside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "hello").unwrap();
        assert_eq!(read_in_repo(dir.path(), &dir.path().join("a.md"), 10).unwrap(), b"hello");
        assert!(matches!(
            read_in_repo(dir.path(), &dir.path().join("a.md"), 4),
            Err(Refused::TooLarge { size: 5, limit: 4 })
        ));
        assert!(matches!(read_in_repo(dir.path(), &dir.path().join("b.md"), 4), Err(Refused::Missing)));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_repository_is_refused_without_reading_it() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=abc").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("daybook.yml")).unwrap();
        let err = read_in_repo(dir.path(), &dir.path().join("daybook.yml"), 1 << 20).unwrap_err();
        let Refused::Outside { target_dir, into_git: false } = &err else { panic!("{err:?}") };
        assert_eq!(target_dir, &std::fs::canonicalize(outside.path()).unwrap());
        assert!(!err.to_string().contains("TOKEN"), "{err}");
        // A folder on the way counts too.
        std::os::unix::fs::symlink(outside.path(), dir.path().join("notes")).unwrap();
        assert!(matches!(
            read_in_repo(dir.path(), &dir.path().join("notes/secret"), 1 << 20),
            Err(Refused::Outside { .. })
        ));
        // A link that stays inside is fine.
        std::fs::write(dir.path().join("real.yml"), "x").unwrap();
        std::os::unix::fs::symlink("real.yml", dir.path().join("alias.yml")).unwrap();
        assert_eq!(read_in_repo(dir.path(), &dir.path().join("alias.yml"), 10).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("0101.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let err = read_in_repo(dir.path(), &fifo, 1 << 20).unwrap_err();
        assert!(matches!(err, Refused::NotAFile { kind: "a named pipe (FIFO)" }), "{err:?}");
        let err = read_regular(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(matches!(err, Refused::NotAFile { kind: "a device file" }), "{err:?}");
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("README.md")).unwrap();
        assert!(matches!(
            read_in_repo(dir.path(), &dir.path().join("README.md"), 1 << 20),
            Err(Refused::Outside { .. })
        ));
    }

    #[test]
    fn a_file_about_to_be_written_resolves_through_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let p = resolve_inside(dir.path(), &dir.path().join("new.sarif")).unwrap();
        assert_eq!(p, std::fs::canonicalize(dir.path()).unwrap().join("new.sarif"));
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
            assert!(matches!(
                resolve_inside(dir.path(), &dir.path().join("out/x.sarif")),
                Err(Refused::Outside { .. })
            ));
        }
    }
}
