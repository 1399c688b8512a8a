//! The publish driver shared by `daybook publish` and `daybook action`: pick the
//! mode, resolve repository, branch and base commit, run the commit path, and
//! describe a README that could not be committed as a `readme-stale` finding.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{Config, PublishMode};
use crate::diag::{Diagnostic, SourceFile};
use crate::error::Error;
use crate::github::api::{Api, DEFAULT_API_URL, Repo};
use crate::github::commit::{self, ApiCommit};
use crate::github::git::{self, Git, GitCommit};
use crate::github::{Author, PublishOutcome};
use crate::readme::rules::README_STALE;

/// Everything a publish needs besides the notes.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Repository root (a git work tree for `git` mode).
    pub(crate) root: PathBuf,
    pub(crate) mode: PublishMode,
    pub(crate) remote: String,
    pub(crate) branch: Option<String>,
    /// The commit the root's notes are from (API mode); `git rev-parse HEAD` when `None`.
    pub(crate) base_sha: Option<String>,
    pub(crate) repo: Option<Repo>,
    pub(crate) api_url: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) message: String,
    pub(crate) author: Author,
    pub(crate) max_attempts: u32,
    /// Trust the work tree for git (inside the action's container).
    pub(crate) trust_workspace: bool,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum PublishError {
    #[error("publish mode `api` needs a token")]
    #[diagnostic(
        code(daybook::publish::token),
        help(
            "pass --github-token or set GITHUB_TOKEN (the workflow's `github.token` works), or use --mode git"
        )
    )]
    NoToken,

    #[error("publish mode `api` needs the repository (`owner/name`)")]
    #[diagnostic(
        code(daybook::publish::repo),
        help("set GITHUB_REPOSITORY, or give the work tree an `origin` remote on GitHub, or use --mode git")
    )]
    NoRepo,

    #[error("publish mode `api` needs a branch, and HEAD is detached")]
    #[diagnostic(code(daybook::publish::branch), help("pass --branch"))]
    NoBranch,

    #[error("uncommitted changes in {paths}: the README commit is built on HEAD and would not contain them")]
    #[diagnostic(code(daybook::publish::dirty), help("commit (or stash) them first, then publish"))]
    Dirty { paths: String },
}

impl Request {
    /// The mode `auto` resolves to: the API when there is a token, else git.
    pub(crate) fn resolved_mode(&self) -> PublishMode {
        match self.mode {
            PublishMode::Auto if self.token.is_some() => PublishMode::Api,
            PublishMode::Auto => PublishMode::Git,
            m => m,
        }
    }
}

/// Files and folders README generation reads, relative to the root.
pub(crate) fn regeneration_inputs(cfg: &Config, config_file: Option<&Path>, root: &Path) -> Vec<String> {
    let mut v = vec![
        cfg.notes.primary().root.trim_start_matches("./").trim_end_matches('/').to_owned(),
        cfg.readme.path().to_owned(),
    ];
    if let Some(p) = config_file
        && let Ok(rel) = p.strip_prefix(root)
    {
        v.push(crate::diag::display_path(Path::new(""), rel));
    }
    v.retain(|s| !s.is_empty());
    v
}

/// Run the publish; `regenerate` turns a root into the README's new text.
pub(crate) fn publish(
    req: &Request,
    mut inputs: Vec<String>,
    readme_path: &str,
    regenerate: &mut crate::github::Regenerate<'_>,
) -> miette::Result<PublishOutcome> {
    let readme_path = &committed_readme_path(&req.root, readme_path)?;
    if !inputs.contains(readme_path) {
        inputs.push(readme_path.clone());
    }
    let mut git = Git::new(&req.root);
    if req.trust_workspace {
        git = git.trusting();
    }
    // A detached HEAD (a tag, a pull request's merge commit, a commit checked
    // out by hand) is no branch's tip: whatever GITHUB_REF or --branch names,
    // the work tree need not be what that branch holds, so nothing is
    // committed, in either mode, on Actions or off. A root outside git (API
    // mode on a plain folder) has no HEAD to be detached.
    if git.in_work_tree() && git.current_branch()?.is_none() {
        return Ok(PublishOutcome::NotCommitted { reason: "HEAD is detached".into() });
    }
    // A commit is built on HEAD: the notes, README and config in the work tree
    // must be HEAD's, or the README would describe notes that are not pushed
    // (and undoing a lost race would discard uncommitted README edits).
    let paths: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let must_be_clean = req.resolved_mode() == PublishMode::Git || req.base_sha.is_none();
    if must_be_clean {
        let dirty = git.dirty_files(&paths)?;
        if !dirty.is_empty() {
            return Err(PublishError::Dirty { paths: dirty.join(", ") }.into());
        }
    }
    match req.resolved_mode() {
        PublishMode::Api => {
            let token = req.token.as_deref().ok_or(PublishError::NoToken)?;
            let repo = match &req.repo {
                Some(r) => r.clone(),
                None => git
                    .remote_url(&req.remote)
                    .and_then(|u| Repo::from_remote_url(&u))
                    .ok_or(PublishError::NoRepo)?,
            };
            let branch = match &req.branch {
                Some(b) => b.clone(),
                None => git.current_branch()?.ok_or(PublishError::NoBranch)?,
            };
            let base = match &req.base_sha {
                Some(s) => s.clone(),
                None => git.head()?,
            };
            let api_url = req.api_url.as_deref().unwrap_or(DEFAULT_API_URL);
            runtime()?.block_on(async {
                let api = Api::new(api_url, token, repo)?;
                let job = ApiCommit {
                    api: &api,
                    branch: &branch,
                    base_sha: &base,
                    workspace: &req.root,
                    readme_path,
                    inputs,
                    message: &req.message,
                    author: Some(&req.author),
                    max_attempts: req.max_attempts,
                };
                commit::publish(&job, regenerate).await
            })
        }
        _ => git::publish(
            &GitCommit {
                git: &git,
                remote: &req.remote,
                branch: req.branch.as_deref(),
                readme_path,
                message: &req.message,
                author: &req.author,
                max_attempts: req.max_attempts,
            },
            regenerate,
        ),
    }
}

/// The file a README commit changes, relative to the root: a README that is a
/// symlink is written through (as `daybook readme` does), so its target is
/// committed and the link stays a link rather than becoming a copy.
fn committed_readme_path(root: &Path, readme_path: &str) -> Result<String, Error> {
    let abs = root.join(readme_path);
    if !std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(readme_path.to_owned());
    }
    let target = std::fs::canonicalize(&abs).map_err(|e| Error::io(&abs, "resolve the symlink", e))?;
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, "resolve", e))?;
    match target.strip_prefix(&root) {
        Ok(rel) => Ok(crate::diag::display_path(Path::new(""), rel)),
        Err(_) => Err(Error::Usage(format!(
            "{readme_path} is a symlink to {}, outside the repository: publish commits only files of the repository; point the link inside it or set `readme.path` to the file itself",
            target.display()
        ))),
    }
}

/// A `readme-stale` finding on the first line that differs, saying why it was
/// not committed (`reason`), with the diff's size as help.
pub(crate) fn stale_diagnostic(display_path: &str, old: &str, new: &str, reason: Option<&str>) -> Diagnostic {
    let file = SourceFile::new(display_path, display_path, old.to_owned());
    let line = old
        .lines()
        .zip(new.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| old.lines().count().min(new.lines().count()))
        + 1;
    let line = line.min(file.line_count());
    let span = file.line_range(line);
    let mut msg = format!("{display_path} is stale: it differs from what the notes generate");
    if let Some(r) = reason {
        msg.push_str(&format!(" and was not committed ({r})"));
    }
    file.diag(README_STALE.name, README_STALE.default_severity, span, msg)
        .with_help("run `daybook readme` and commit the result (`daybook readme --check` shows the diff)")
}

/// A runtime for the GitHub API calls of one command.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(Path::new("."), "start the async runtime in", e))
}

/// Today's date for README generation (`future-note` is judged against it).
pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_points_at_the_first_differing_line() {
        let d = stale_diagnostic("README.md", "a\nb\nc\n", "a\nB\nc\n", Some("pull request"));
        assert_eq!((d.start.line, d.start.column, d.end.column), (2, 1, 2));
        assert_eq!(d.rule, "readme-stale");
        assert!(d.message.contains("not committed (pull request)"), "{}", d.message);
        // Appended lines: the first line past the common part (clamped to the file).
        let d = stale_diagnostic("README.md", "a\n", "a\nb\n", None);
        assert_eq!(d.start.line, 2);
    }

    #[test]
    fn auto_mode_prefers_the_api_with_a_token() {
        let mut r = Request {
            root: ".".into(),
            mode: PublishMode::Auto,
            remote: "origin".into(),
            branch: None,
            base_sha: None,
            repo: None,
            api_url: None,
            token: None,
            message: "m".into(),
            author: Author { name: "a".into(), email: "e".into() },
            max_attempts: 3,
            trust_workspace: false,
        };
        assert_eq!(r.resolved_mode(), PublishMode::Git);
        r.token = Some("t".into());
        assert_eq!(r.resolved_mode(), PublishMode::Api);
        r.mode = PublishMode::Git;
        assert_eq!(r.resolved_mode(), PublishMode::Git);
    }

    #[test]
    fn inputs_are_relative() {
        let cfg = Config::default();
        let v = regeneration_inputs(&cfg, Some(Path::new("/r/daybook.yml")), Path::new("/r"));
        assert_eq!(v, vec!["notes", "README.md", "daybook.yml"]);
    }
}
