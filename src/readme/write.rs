//! Replacing the README on disk without ever losing it or someone else's edit.

use std::io::Write as _;
use std::path::Path;

use super::{Generated, ReadmeError};

/// Write `g.new` over the README atomically, keeping its permissions. Does
/// nothing when the README is unchanged; refuses when the file changed on disk
/// since it was read (someone else's edit is never overwritten).
pub fn write(g: &Generated) -> Result<(), ReadmeError> {
    if !g.changed() {
        return Ok(());
    }
    let io = |action: &'static str| {
        let display_path = g.display_path.clone();
        move |source: std::io::Error| ReadmeError::Io { display_path, action, source }
    };
    // Write through a symlink to its target rather than replacing the link.
    let target = std::fs::canonicalize(&g.path).map_err(io("resolve the README's path"))?;
    let current = std::fs::read(&target).map_err(io("re-read the README"))?;
    if current != g.old.as_bytes() {
        return Err(ReadmeError::ChangedOnDisk { display_path: g.display_path.clone() });
    }
    let perms = std::fs::metadata(&target).map_err(io("read the README's permissions"))?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".daybook-readme-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("create a temporary file beside the README"))?;
    tmp.write_all(g.new.as_bytes()).map_err(io("write the temporary file"))?;
    tmp.as_file().sync_all().map_err(io("flush the temporary file"))?;
    std::fs::set_permissions(tmp.path(), perms).map_err(io("copy the README's permissions"))?;
    tmp.persist(&target).map_err(|e| ReadmeError::Io {
        display_path: g.display_path.clone(),
        action: "replace the README",
        source: e.error,
    })?;
    Ok(())
}
