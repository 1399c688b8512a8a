//! What every area shares: the `daybook` binary with a scrubbed environment,
//! the project's paths and fixtures, temporary copies of fixture repositories,
//! and a fake GitHub API.

pub mod fake_github;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The crate's root (README.md, action.yml, Dockerfile, workflows, examples).
pub fn project_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An area's fixtures: `tests/fixtures/<area>`.
pub fn fixtures(area: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(area)
}

/// The built `daybook`, with nothing of the outer environment that changes what
/// it does: no runner variables (this suite itself runs on GitHub Actions in
/// CI), no action inputs, no `DAYBOOK_CONFIG`, no colour and a fixed width.
/// `.assert()` comes from `assert_cmd::prelude::OutputAssertExt`.
pub fn daybook() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daybook"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("GITHUB_")
            || k.starts_with("INPUT_")
            || k.starts_with("RUNNER_")
            || k == "DAYBOOK_CONFIG"
        {
            c.env_remove(k.as_ref());
        }
    }
    c.env("NO_COLOR", "1").env("COLUMNS", "100");
    c
}

/// [`daybook`] run from `dir`.
pub fn daybook_in(dir: &Path) -> Command {
    let mut c = daybook();
    c.current_dir(dir);
    c
}

/// Copy a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The contents of every file under `root` that `keep` accepts, by
/// repository-relative `/` path (to compare a tree before and after a run).
pub fn files_under(root: &Path, keep: impl Fn(&Path) -> bool) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A temporary copy of a fixture repository, for tests that change files:
/// the fixture itself is never touched.
pub fn temp_copy(fixture: &Path) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(fixture, dir.path());
    dir
}
