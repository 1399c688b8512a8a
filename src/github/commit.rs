//! Commit the README through the Git Data API: blob -> tree -> commit -> ref.
//!
//! GitHub signs commits it creates for an app token (such as the workflow's
//! `GITHUB_TOKEN`), so they show as verified, and nothing but the README can
//! enter the commit: the tree is the parent's tree with one entry replaced.
//! The ref update is sent with `force: false`, so GitHub itself refuses to move
//! the branch unless our commit descends from its tip — that is, unless the
//! branch still points at the parent the README was generated from. When it
//! moved, the new notes are fetched (only the files that changed between the
//! two commits, via the compare API), the README regenerated from them and the
//! commit rebuilt on the new tip, at most `max_attempts` times.

use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use octocrab::models::commits::GithubCommitStatus;
use octocrab::models::git::{CreateTreeEntry, Object, Ref};
use octocrab::models::repos::CommitAuthor;
use octocrab::models::repos::DiffEntryStatus;
use octocrab::params::repos::Reference;
use tempfile::TempDir;

use crate::error::Error;
use crate::github::api::{Api, ApiError};
use crate::github::{Author, PublishOutcome, Regenerate};

/// The compare API lists at most this many files; a larger change cannot be
/// replayed file by file.
const COMPARE_FILE_LIMIT: usize = 300;

/// Errors of the API commit path that are not plain API failures.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum CommitError {
    #[error("branch `{branch}` kept moving: gave up after {attempts} attempts; nothing was committed")]
    #[diagnostic(
        code(daybook::publish::race),
        help("re-run the job; every attempt regenerated the README from the newest notes")
    )]
    RaceLost { branch: String, attempts: u32 },

    #[error("branch `{branch}` was rewritten: {head} does not descend from {base}; nothing was committed")]
    #[diagnostic(
        code(daybook::publish::rewritten),
        help("daybook never overwrites history; re-run the job on the new branch tip")
    )]
    Rewritten { branch: String, base: String, head: String },

    #[error("{count} files changed on `{branch}` since {base}; too many to replay through the API")]
    #[diagnostic(
        code(daybook::publish::too_many),
        help("re-run the job so it checks out the new branch tip")
    )]
    TooManyChanges { branch: String, base: String, count: usize },

    #[error("the GitHub API named an unsafe path `{path}`")]
    #[diagnostic(code(daybook::publish::path))]
    UnsafePath { path: String },
}

/// One API publish.
pub struct ApiCommit<'a> {
    pub api: &'a Api,
    pub branch: &'a str,
    /// The commit the workspace holds (the README is generated from its notes).
    pub base_sha: &'a str,
    pub workspace: &'a Path,
    /// README path relative to the repository root, `/`-separated.
    pub readme_path: &'a str,
    /// Everything regeneration reads, relative to the root (`/`-separated files
    /// or folders: the notes root, the README, the config file).
    pub inputs: Vec<String>,
    pub message: &'a str,
    pub author: Option<&'a Author>,
    pub max_attempts: u32,
}

/// Run the publish. `regenerate` gets a root holding the notes of the commit
/// being built on (the workspace, or a scratch copy updated to the new tip).
pub async fn publish(p: &ApiCommit<'_>, regenerate: &mut Regenerate<'_>) -> miette::Result<PublishOutcome> {
    let git = p.api.git();
    let branch = Reference::Branch(p.branch.to_owned());
    let (read, update) = (format!("/git/ref/heads/{}", p.branch), format!("/git/refs/heads/{}", p.branch));
    let mut parent = p.base_sha.to_owned();
    let mut scratch: Option<TempDir> = None;
    let mut last_refusal: Option<String> = None;
    for attempt in 1..=p.max_attempts.max(1) {
        let head = match p.api.send("GET", &read, git.get_ref(&branch)).await {
            Ok(r) => tip(r, &p.api.route(&read))?,
            Err(e) if e.is_forbidden() => return Ok(PublishOutcome::NotCommitted { reason: e.message() }),
            Err(e) => return Err(e.into()),
        };
        if head != parent {
            scratch = Some(materialize(p, &head).await?);
            parent = head;
        } else if let Some(reason) = last_refusal.take() {
            // The update was refused although the branch did not move: not a
            // race but a rule (protected branch, required checks...).
            return Ok(PublishOutcome::NotCommitted { reason });
        }
        let root = scratch.as_ref().map(|t| t.path()).unwrap_or(p.workspace);
        let new = regenerate(root)?;
        let old = std::fs::read(root.join(p.readme_path)).ok();
        if old.as_deref() == Some(new.as_bytes()) {
            return Ok(PublishOutcome::Unchanged);
        }
        let sha = match build_commit(p, &parent, &new).await {
            Ok(sha) => sha,
            Err(e) if e.is_forbidden() => return Ok(PublishOutcome::NotCommitted { reason: e.message() }),
            Err(e) => return Err(e.into()),
        };
        // Never forced: GitHub moves the branch only if our commit descends from its tip.
        match p.api.send("PATCH", &update, git.update_ref(&branch, &sha).force(false).send()).await {
            Ok(_) => return Ok(PublishOutcome::Committed { sha, attempts: attempt }),
            Err(e) if e.is_forbidden() => return Ok(PublishOutcome::NotCommitted { reason: e.message() }),
            // 422 "Update is not a fast forward" (or 409): the branch moved.
            Err(e) if matches!(e.status(), Some(409 | 422)) => last_refusal = Some(e.message()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(CommitError::RaceLost { branch: p.branch.to_owned(), attempts: p.max_attempts.max(1) }.into())
}

/// The commit a branch's ref points at.
fn tip(r: Ref, route: &str) -> Result<String, ApiError> {
    match r.object {
        Object::Commit { sha, .. } => Ok(sha),
        _ => Err(ApiError::Shape {
            route: route.to_owned(),
            message: format!("`{}` does not point at a commit", r.ref_field),
        }),
    }
}

/// Blob, tree (the parent's tree with the README replaced), commit. Returns the commit SHA.
async fn build_commit(p: &ApiCommit<'_>, parent: &str, readme: &str) -> Result<String, ApiError> {
    let git = p.api.git();
    let blob = git.create_blob(readme).encoding("utf-8").send();
    let blob = p.api.send("POST", "/git/blobs", blob).await?;

    let route = format!("/git/commits/{parent}");
    let parent_commit = p.api.send("GET", &route, git.get_commit(parent)).await?;

    let entry = CreateTreeEntry::new(p.readme_path, "100644", "blob").with_sha(blob.sha);
    let tree = git.create_tree(vec![entry]).base_tree(parent_commit.tree.sha).send();
    let tree = p.api.send("POST", "/git/trees", tree).await?;

    let mut commit = git.create_commit(p.message, tree.sha).parents(vec![parent.to_owned()]);
    if let Some(a) = p.author {
        commit =
            commit.author(CommitAuthor { name: a.name.clone(), email: Some(a.email.clone()), date: None });
    }
    let commit = p.api.send("POST", "/git/commits", commit.send()).await?;
    Ok(commit.sha)
}

/// A scratch root holding the workspace's inputs updated to `head`: the files
/// that changed between the workspace's commit and `head` are fetched as blobs.
async fn materialize(p: &ApiCommit<'_>, head: &str) -> miette::Result<TempDir> {
    let rest = format!("/compare/{}...{}", p.base_sha, head);
    let repos = p.api.repos();
    let cmp = p.api.send("GET", &rest, repos.compare_commits(p.base_sha, head).send()).await?;
    if !matches!(cmp.status, GithubCommitStatus::Ahead | GithubCommitStatus::Identical) {
        return Err(CommitError::Rewritten {
            branch: p.branch.to_owned(),
            base: p.base_sha.to_owned(),
            head: head.to_owned(),
        }
        .into());
    }
    let files = cmp.files.unwrap_or_default();
    let git = p.api.git();
    if files.len() >= COMPARE_FILE_LIMIT {
        return Err(CommitError::TooManyChanges {
            branch: p.branch.to_owned(),
            base: p.base_sha.to_owned(),
            count: files.len(),
        }
        .into());
    }

    let dir = tempfile::Builder::new()
        .prefix("daybook-publish-")
        .tempdir()
        .map_err(|e| Error::io(&std::env::temp_dir(), "create a scratch folder in", e))?;
    for input in &p.inputs {
        copy_tree(&p.workspace.join(input), &dir.path().join(input))?;
    }

    let relevant = |name: &str| p.inputs.iter().any(|i| name == i || name.starts_with(&format!("{i}/")));
    for f in &files {
        let name = f.filename.as_str();
        if let Some(prev) = f.previous_filename.as_deref()
            && relevant(prev)
        {
            remove(&safe_join(dir.path(), prev)?)?;
        }
        if !relevant(name) {
            continue;
        }
        let target = safe_join(dir.path(), name)?;
        if f.status == DiffEntryStatus::Removed {
            remove(&target)?;
            continue;
        }
        let sha = f.sha.as_deref().ok_or_else(|| ApiError::Shape {
            route: p.api.route(&rest),
            message: format!("no `sha` for the changed file `{name}`"),
        })?;
        let blob_route = format!("/git/blobs/{sha}");
        let blob = p.api.send("GET", &blob_route, git.get_blob(sha)).await?;
        let content: String = blob.content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(content).map_err(|e| ApiError::Shape {
                route: p.api.route(&blob_route),
                message: format!("blob content is not base64: {e}"),
            })?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, "write", e))?;
    }
    Ok(dir)
}

/// `root/rel`, refusing absolute paths and `..`.
fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, CommitError> {
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(CommitError::UnsafePath { path: rel.to_owned() });
    }
    Ok(root.join(p))
}

fn remove(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, "remove", e)),
        _ => Ok(()),
    }
}

/// Copy a file or a folder (without `.git`, not following symlinks: relative
/// ones are copied as links).
fn copy_tree(from: &Path, to: &Path) -> Result<(), Error> {
    let meta = match std::fs::symlink_metadata(from) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(from, "read", e)),
    };
    if meta.is_dir() {
        std::fs::create_dir_all(to).map_err(|e| Error::io(to, "create", e))?;
        for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, "list", e))? {
            let entry = entry.map_err(|e| Error::io(from, "list", e))?;
            if entry.file_name() == ".git" {
                continue;
            }
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if meta.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
        }
        std::fs::copy(from, to).map_err(|e| Error::io(from, "copy", e))?;
    } else if meta.file_type().is_symlink() {
        // A link down the tree (README.md -> docs/README.md) is recreated, so the
        // scratch root reads through it like the workspace does; one that is
        // absolute or climbs with `..` would resolve elsewhere and is left out.
        #[cfg(unix)]
        {
            let target = std::fs::read_link(from).map_err(|e| Error::io(from, "read the symlink", e))?;
            if target.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
                }
                std::os::unix::fs::symlink(&target, to)
                    .map_err(|e| Error::io(to, "create the symlink", e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_the_api_cannot_escape() {
        let root = Path::new("/tmp/x");
        assert!(safe_join(root, "notes/202401/0101.md").is_ok());
        assert!(safe_join(root, "../etc/passwd").is_err());
        assert!(safe_join(root, "/etc/passwd").is_err());
        assert_eq!(safe_join(root, "notes/./a.md").unwrap(), root.join("notes/a.md"));
        assert!(safe_join(root, "").is_err());
    }

    #[test]
    fn copies_folders_without_git() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("notes/202401")).unwrap();
        std::fs::create_dir_all(src.path().join("notes/.git")).unwrap();
        std::fs::write(src.path().join("notes/202401/0101.md"), "x").unwrap();
        std::fs::write(src.path().join("notes/.git/config"), "x").unwrap();
        let dst = tempfile::tempdir().unwrap();
        copy_tree(&src.path().join("notes"), &dst.path().join("notes")).unwrap();
        copy_tree(&src.path().join("missing"), &dst.path().join("missing")).unwrap();
        assert!(dst.path().join("notes/202401/0101.md").is_file());
        assert!(!dst.path().join("notes/.git").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_relative_symlink_is_copied_as_a_link() {
        // README.md -> docs/README.md: after a race the README is regenerated in
        // the scratch copy, which must still find the README through its link.
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("docs")).unwrap();
        std::fs::write(src.path().join("docs/README.md"), "readme").unwrap();
        std::os::unix::fs::symlink("docs/README.md", src.path().join("README.md")).unwrap();
        let dst = tempfile::tempdir().unwrap();
        copy_tree(&src.path().join("docs/README.md"), &dst.path().join("docs/README.md")).unwrap();
        copy_tree(&src.path().join("README.md"), &dst.path().join("README.md")).unwrap();
        assert_eq!(std::fs::read_link(dst.path().join("README.md")).unwrap(), Path::new("docs/README.md"));
        assert_eq!(std::fs::read_to_string(dst.path().join("README.md")).unwrap(), "readme");
    }
}
