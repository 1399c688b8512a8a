//! GitHub integration: the fake GitHub API (wiremock on 127.0.0.1), real git
//! with a bare repository as the remote, the action's runner contract, and the
//! external validators (schemas, actionlint, hadolint, SARIF).

mod action;
mod api;
mod git;
mod injection;
mod pins;
mod pull_request;
mod release;
mod review;
mod review_action;
mod summary;
mod validators;
mod workflow_example;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::common::{copy_dir, fixtures, temp_copy};

/// The notes repository the GitHub tests start from.
pub fn fixture_repo() -> PathBuf {
    fixtures("github").join("repo")
}

/// A temporary copy of [`fixture_repo`], without git.
pub fn repo_copy() -> TempDir {
    temp_copy(&fixture_repo())
}

/// Run git with a fixed identity and no user or system config.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir);
    isolate_git(&mut c);
    c
}

/// Keep the developer's git config out of the tests (and the tests out of it).
pub fn isolate_git(c: &mut Command) {
    c.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Note Taker")
        .env("GIT_AUTHOR_EMAIL", "notes@example.org")
        .env("GIT_COMMITTER_NAME", "Note Taker")
        .env("GIT_COMMITTER_EMAIL", "notes@example.org")
        .env("GIT_TERMINAL_PROMPT", "0");
}

/// A bare repository holding the fixture notes repository on `main`, and a
/// clone of it as the workspace.
pub struct Remote {
    pub tmp: TempDir,
    pub bare: PathBuf,
    pub work: PathBuf,
}

impl Default for Remote {
    fn default() -> Self {
        Self::new()
    }
}

impl Remote {
    pub fn new() -> Remote {
        let tmp = tempfile::tempdir().unwrap();
        let seed = tmp.path().join("seed");
        copy_dir(&fixture_repo(), &seed);
        git(&seed, &["init", "-q", "-b", "main"]);
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "-q", "-m", "notes"]);
        let bare = tmp.path().join("remote.git");
        git(tmp.path(), &["clone", "-q", "--bare", seed.to_str().unwrap(), bare.to_str().unwrap()]);
        let work = tmp.path().join("work");
        git(tmp.path(), &["clone", "-q", bare.to_str().unwrap(), work.to_str().unwrap()]);
        Remote { tmp, bare, work }
    }

    /// Another clone that adds a note and pushes it (someone else's push).
    pub fn push_a_note_from_elsewhere(&self, name: &str, date: (u32, u32, u32)) -> String {
        let other = self.tmp.path().join(format!("other-{name}"));
        git(self.tmp.path(), &["clone", "-q", self.bare.to_str().unwrap(), other.to_str().unwrap()]);
        let (y, m, d) = date;
        let rel = format!("notes/{y}{m:02}/{m:02}{d:02}.md");
        std::fs::create_dir_all(other.join(format!("notes/{y}{m:02}"))).unwrap();
        std::fs::write(other.join(&rel), note(y, m, d, name)).unwrap();
        git(&other, &["add", "-A"]);
        git(&other, &["commit", "-q", "-m", &format!("add {rel}")]);
        git(&other, &["push", "-q", "origin", "HEAD:main"]);
        git(&other, &["rev-parse", "HEAD"])
    }

    pub fn remote_log(&self) -> Vec<String> {
        git(&self.bare, &["log", "--format=%H", "main"]).lines().map(str::to_owned).collect()
    }
}

/// A valid note for the default configuration.
pub fn note(y: u32, m: u32, d: u32, topic: &str) -> String {
    format!(
        "# 公众号内容拓展学习笔记（{y}.{m}.{d}）\n\n------\n\n## :paperclip:  今日要点\n\n\
         1. [{topic}](https://example.org/{topic})       :star::star:\n   - Abstract: 关于{topic}的笔记\n\n\
         ## :paperclip:  Others\n\n- 星标表示与个人的相关程度\n"
    )
}

/// Lines of the runner's outputs file as (name, value).
pub fn read_outputs(path: &Path) -> Vec<(String, String)> {
    daybook::github::outputs::parse_outputs(&std::fs::read_to_string(path).unwrap_or_default())
}

pub fn output(outputs: &[(String, String)], name: &str) -> Option<String> {
    outputs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}
