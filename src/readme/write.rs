//! Replacing the README on disk without ever losing it or someone else's edit.

use std::path::Path;

use super::{Generated, ReadmeError};
use crate::util::fs::{WriteError, resolve_within, write_atomic};

/// Write `g.new` over the README atomically, keeping its permissions. Does
/// nothing when the README is unchanged; refuses when the file changed on disk
/// since it was read (someone else's edit is never overwritten).
///
/// A README that is a symlink is written through, so `README.md ->
/// docs/README.md` stays a link, but only to a target inside the repository:
/// in the action a pull request controls the tree, and a link to a file of the
/// runner must not make daybook overwrite it.
pub fn write(g: &Generated) -> Result<(), ReadmeError> {
    if !g.changed() {
        return Ok(());
    }
    let io = |action: &'static str| {
        let display_path = g.display_path.clone();
        move |source: std::io::Error| ReadmeError::Io { display_path, action, source }
    };
    let target = match resolve_within(repository_root(g), &g.path) {
        Ok(t) => t,
        Err(WriteError::Outside { target, .. }) => {
            return Err(ReadmeError::Outside { display_path: g.display_path.clone(), target });
        }
        Err(e) => return Err(io("resolve the README's path")(e.into_io())),
    };
    let current = std::fs::read(&target).map_err(io("re-read the README"))?;
    if current != g.old.as_bytes() {
        return Err(ReadmeError::ChangedOnDisk { display_path: g.display_path.clone() });
    }
    write_atomic(&target, g.new.as_bytes()).map_err(|e| {
        // The steps in the README's words, as they always were.
        let action = match &e {
            WriteError::Io { action: "create a temporary file beside", .. } => {
                "create a temporary file beside the README"
            }
            WriteError::Io { action: "write", .. } => "write the temporary file",
            WriteError::Io { action: "flush", .. } => "flush the temporary file",
            _ => "replace the README",
        };
        io(action)(e.into_io())
    })
}

/// The repository root `g.path` was found under: `g.path` is the root joined
/// with `g.display_path`, which the config keeps relative and free of `..`.
fn repository_root(g: &Generated) -> &Path {
    let depth = Path::new(&g.display_path)
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    match g.path.ancestors().nth(depth) {
        Some(root) if !root.as_os_str().is_empty() => root,
        _ => Path::new("."),
    }
}
