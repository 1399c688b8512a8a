//! Commit the README with the git CLI and push it — never forced.
//!
//! The commit names README.md as its only path (`git commit -- README.md`), so
//! whatever else is staged or modified stays out, and is checked afterwards
//! (`git diff-tree`) before anything is pushed. A rejected push means the
//! branch moved: our commit is undone (`reset --soft` to its parent, the README
//! restored), the new tip fetched and fast-forwarded to, the README
//! regenerated from the new notes and committed again, a bounded number of
//! times. Nothing is ever force-pushed, rebased over or reset hard.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::error::Error;
use crate::github::{Author, PublishOutcome, Regenerate};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum GitError {
    #[error("could not run git: {source}")]
    #[diagnostic(code(daybook::git::spawn), help("install git and make sure it is on PATH"))]
    Spawn {
        #[source]
        source: std::io::Error,
    },

    #[error("`git {args}` failed in {}: {stderr}", dir.display())]
    #[diagnostic(code(daybook::git::failed))]
    Failed { args: String, dir: PathBuf, stderr: String },

    #[error("`{branch}` has {count} local commit(s) that are not on {remote}")]
    #[diagnostic(
        code(daybook::git::ahead),
        help("publish pushes only its README commit: push or drop those commits first")
    )]
    Ahead { branch: String, remote: String, count: usize },

    #[error("the README commit would touch more than {readme}: {files}")]
    #[diagnostic(code(daybook::git::not_only_readme), help("this is a bug in daybook; nothing was pushed"))]
    NotOnlyReadme { readme: String, files: String },

    #[error("could not fast-forward to the new tip of `{branch}`: {stderr}")]
    #[diagnostic(
        code(daybook::git::diverged),
        help(
            "the branch moved and the work tree cannot follow (local changes or diverged history); pull, then publish again"
        )
    )]
    Diverged { branch: String, stderr: String },

    #[error("branch `{branch}` kept moving: gave up after {attempts} attempts; nothing was pushed")]
    #[diagnostic(
        code(daybook::publish::race),
        help("run publish again; each attempt regenerated the README from the newest notes")
    )]
    RaceLost { branch: String, attempts: u32 },
}

/// A git work tree and how to call git in it.
#[derive(Debug, Clone)]
pub(crate) struct Git {
    dir: PathBuf,
    /// `safe.directory` for the work tree, given on the command line (a
    /// protected scope git honours) rather than written to anyone's config:
    /// the runner mounts the workspace into the container with another owner.
    trust: bool,
    env: Vec<(OsString, OsString)>,
}

impl Git {
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Self {
        Git { dir: dir.into(), trust: false, env: Vec::new() }
    }

    /// Trust the work tree regardless of its owner (inside the action's container).
    pub(crate) fn trusting(mut self) -> Self {
        self.trust = true;
        self
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        if self.trust {
            let dir = std::path::absolute(&self.dir).unwrap_or_else(|_| self.dir.clone());
            c.arg("-c").arg(format!("safe.directory={}", dir.display()));
        }
        c.arg("-C").arg(&self.dir).args(args);
        // Never wait for a password prompt in CI; keep messages parseable.
        c.env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C").stdin(Stdio::null());
        // Paths come from daybook.yml and the tree: a leading `:` or a `*` in
        // one is pathspec magic (`::x.md` matched nothing, `:(glob)*.md` every
        // Markdown file). Every path daybook hands git is a file's name.
        c.env("GIT_LITERAL_PATHSPECS", "1");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Run and return the raw output, whatever the exit status.
    pub(crate) fn output(&self, args: &[&str]) -> Result<Output, GitError> {
        self.command(args).output().map_err(|source| GitError::Spawn { source })
    }

    fn failed(&self, args: &[&str], out: &Output) -> GitError {
        GitError::Failed {
            args: args.join(" "),
            dir: self.dir.clone(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        }
    }

    /// Run; stdout (trimmed) on success.
    pub(crate) fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let out = self.output(args)?;
        if !out.status.success() {
            return Err(self.failed(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Run with extra environment variables.
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Result<String, GitError> {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().map_err(|source| GitError::Spawn { source })?;
        if !out.status.success() {
            return Err(self.failed(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Whether the command succeeds (for queries like `rev-parse --verify`).
    pub(crate) fn succeeds(&self, args: &[&str]) -> Result<bool, GitError> {
        Ok(self.output(args)?.status.success())
    }

    /// The top of the work tree.
    pub(crate) fn toplevel(&self) -> Result<PathBuf, GitError> {
        self.run(&["rev-parse", "--show-toplevel"]).map(PathBuf::from)
    }

    /// Whether the folder is inside a git work tree (false when git cannot run).
    pub(crate) fn in_work_tree(&self) -> bool {
        self.output(&["rev-parse", "--is-inside-work-tree"])
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
    }

    /// The current branch, `None` when HEAD is detached.
    pub(crate) fn current_branch(&self) -> Result<Option<String>, GitError> {
        let out = self.output(&["symbolic-ref", "--quiet", "--short", "HEAD"])?;
        Ok(out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
    }

    pub(crate) fn head(&self) -> Result<String, GitError> {
        self.run(&["rev-parse", "HEAD"])
    }

    /// The bytes of `path` at `rev`, `None` when it does not exist there.
    pub(crate) fn show_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let spec = format!("{rev}:{path}");
        let out = self.output(&["cat-file", "blob", &spec])?;
        Ok(out.status.success().then_some(out.stdout))
    }

    /// The files under `paths` with uncommitted changes (staged, unstaged or
    /// untracked), as `git status` names them.
    pub(crate) fn dirty_files(&self, paths: &[&str]) -> Result<Vec<String>, GitError> {
        let mut args =
            vec!["-c", "core.quotePath=false", "status", "--porcelain", "--untracked-files=all", "--"];
        args.extend(paths);
        let out = self.output(&args)?;
        if !out.status.success() {
            return Err(self.failed(&args, &out));
        }
        // `XY path` or `XY old -> new`; keep the path as git shows it.
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.len() > 3)
            .map(|l| l[3..].to_owned())
            .collect())
    }

    /// The URL of a remote, if configured.
    pub(crate) fn remote_url(&self, remote: &str) -> Option<String> {
        self.run(&["remote", "get-url", remote]).ok().filter(|s| !s.is_empty())
    }
}

/// One git-mode publish.
pub(crate) struct GitCommit<'a> {
    pub(crate) git: &'a Git,
    pub(crate) remote: &'a str,
    /// The branch to push to; the current branch when `None`.
    pub(crate) branch: Option<&'a str>,
    /// README path relative to `git.dir()`, `/`-separated.
    pub(crate) readme_path: &'a str,
    pub(crate) message: &'a str,
    pub(crate) author: &'a Author,
    pub(crate) max_attempts: u32,
}

/// Words of `git push` failures that mean "not allowed", not "the branch moved".
fn is_permission_failure(stderr: &str) -> bool {
    let s = stderr.to_ascii_lowercase();
    // The status as a word of its own: git's messages carry commit SHAs,
    // which contain `403` as often as not (one in fifty pairs).
    let status_403 = s.match_indices("403").any(|(i, _)| {
        let word = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        !word(i.checked_sub(1).map(|j| s.as_bytes()[j])) && !word(s.as_bytes().get(i + 3).copied())
    });
    status_403
        || [
            "permission to",
            "permission denied",
            "protected branch",
            "gh006",
            "gh013",
            "not allowed to push",
            "authentication failed",
            "could not read username",
        ]
        .iter()
        .any(|w| s.contains(w))
}

/// Commit the regenerated README and push it. `regenerate` is called with the
/// repository root (`git.dir()`) each attempt.
pub(crate) fn publish(p: &GitCommit<'_>, regenerate: &mut Regenerate<'_>) -> miette::Result<PublishOutcome> {
    let git = p.git;
    // The notes repository may be a folder inside the work tree: pathspecs are
    // relative to it (git runs with -C there), `rev:path` and diff-tree output
    // relative to the top.
    let prefix = git.run(&["rev-parse", "--show-prefix"])?;
    let top_rel = format!("{prefix}{}", p.readme_path);
    let root = git.dir().to_path_buf();
    let branch = match p.branch {
        Some(b) => b.to_owned(),
        None => match git.current_branch()? {
            Some(b) => b,
            None => return Ok(PublishOutcome::NotCommitted { reason: "HEAD is detached".into() }),
        },
    };

    // Pushing HEAD would also push unpublished local commits: refuse.
    // Without a remote-tracking branch (a branch new to the remote), compare
    // with everything known of the remote: HEAD may hold commits it has never seen.
    let tracking = format!("refs/remotes/{}/{}", p.remote, branch);
    let count: usize = if git.succeeds(&["rev-parse", "--verify", "--quiet", &tracking])? {
        git.run(&["rev-list", "--count", &format!("{tracking}..HEAD")])?
    } else {
        git.run(&["rev-list", "--count", "HEAD", "--not", &format!("--remotes={}", p.remote)])?
    }
    .parse()
    .unwrap_or(0);
    if count > 0 {
        return Err(GitError::Ahead { branch, remote: p.remote.to_owned(), count }.into());
    }

    // Commit as the configured author; the committer too when git has no identity (CI).
    let has_identity = git.run(&["config", "user.email"]).is_ok_and(|s| !s.is_empty());
    let mut env =
        vec![("GIT_AUTHOR_NAME", p.author.name.as_str()), ("GIT_AUTHOR_EMAIL", p.author.email.as_str())];
    if !has_identity {
        env.push(("GIT_COMMITTER_NAME", p.author.name.as_str()));
        env.push(("GIT_COMMITTER_EMAIL", p.author.email.as_str()));
    }

    let readme_abs = root.join(p.readme_path);
    let attempts = p.max_attempts.max(1);
    for attempt in 1..=attempts {
        let parent = git.head()?;
        let new = regenerate(&root)?;
        if git.show_file(&parent, &top_rel)?.as_deref() == Some(new.as_bytes()) {
            return Ok(PublishOutcome::Unchanged);
        }
        // Not replacing a README link with a copy, and not writing through
        // one (or a linked folder) that leads out of the repository.
        let target = crate::util::fs::resolve_within(&root, &readme_abs).map_err(Error::from)?;
        crate::util::fs::write_atomic(&target, new.as_bytes()).map_err(Error::from)?;
        git.run(&["add", "--", p.readme_path])?;
        git.run_env(&["commit", "--quiet", "--no-verify", "-m", p.message, "--", p.readme_path], &env)?;

        let touched = git.run(&["diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"])?;
        if touched != top_rel {
            undo(git, &parent, p.readme_path, &top_rel)?;
            return Err(GitError::NotOnlyReadme { readme: p.readme_path.to_owned(), files: touched }.into());
        }
        let sha = git.head()?;

        let dest = format!("HEAD:refs/heads/{branch}");
        let push = git.output(&["push", "--porcelain", p.remote, &dest])?;
        if push.status.success() {
            return Ok(PublishOutcome::Committed { sha, attempts: attempt });
        }
        let stderr = format!(
            "{}\n{}",
            String::from_utf8_lossy(&push.stdout).trim(),
            String::from_utf8_lossy(&push.stderr).trim()
        )
        .trim()
        .to_owned();
        undo(git, &parent, p.readme_path, &top_rel)?;
        if is_permission_failure(&stderr) {
            return Ok(PublishOutcome::NotCommitted { reason: last_lines(&stderr, 3) });
        }

        // Did the branch move? Fetch its tip and follow it.
        let src = format!("refs/heads/{branch}");
        git.run(&["fetch", "--quiet", "--no-tags", p.remote, &src])?;
        let tip = git.run(&["rev-parse", "FETCH_HEAD"])?;
        if tip == parent {
            return Err(GitError::Failed {
                args: format!("push {} {dest}", p.remote),
                dir: git.dir().to_path_buf(),
                stderr,
            }
            .into());
        }
        let out = git.output(&["merge", "--ff-only", "--quiet", "FETCH_HEAD"])?;
        if !out.status.success() {
            return Err(GitError::Diverged {
                branch,
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            }
            .into());
        }
    }
    Err(GitError::RaceLost { branch, attempts }.into())
}

/// Take our commit back: the branch to `parent`, the README as it was there.
fn undo(git: &Git, parent: &str, readme: &str, top_rel: &str) -> Result<(), GitError> {
    git.run(&["reset", "--soft", "--quiet", parent])?;
    if git.show_file(parent, top_rel)?.is_some() {
        git.run(&["checkout", parent, "--", readme])?;
    } else {
        git.run(&["rm", "--cached", "--quiet", "--", readme])?;
    }
    Ok(())
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_failures_are_told_apart_from_races() {
        assert!(is_permission_failure(
            "remote: Permission to me/notes.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/me/notes/': The requested URL returned error: 403"
        ));
        assert!(is_permission_failure(
            "remote: error: GH006: Protected branch update failed for refs/heads/main."
        ));
        assert!(!is_permission_failure(
            " ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs"
        ));
        assert!(!is_permission_failure(
            " ! [remote rejected] HEAD -> main (cannot lock ref 'refs/heads/main': is at 1 but expected 2)"
        ));
    }

    #[test]
    fn a_403_inside_a_commit_sha_is_not_a_refusal() {
        // Seen in CI: the racing push's SHAs happened to contain `403`, the
        // retry was taken for a permission failure and the README not pushed.
        assert!(!is_permission_failure(
            "remote: error: cannot lock ref 'refs/heads/main': is at ced051d6aa5fa1876259bf4d5d35dd8759b29462 but expected 001521296a20b14c929074036664be8179700e1e"
        ));
        assert!(is_permission_failure("error: The requested URL returned error: 403"));
        assert!(is_permission_failure("remote: 403 Forbidden"));
    }
}
