//! `daybook publish --mode git` against real git: a bare repository in a
//! temporary folder is the remote, a clone of it the workspace. No mocks.

use super::{Remote, git, isolate_git};
use crate::common::daybook;

const MESSAGE: &str = "docs: regenerate README from notes [skip ci]";

fn publish(remote: &Remote, extra: &[&str]) -> std::process::Output {
    let mut c = daybook();
    isolate_git(&mut c);
    // Without an identity of its own, git would refuse to commit; daybook must
    // then commit as its configured author.
    c.env_remove("GIT_COMMITTER_NAME").env_remove("GIT_COMMITTER_EMAIL");
    c.env_remove("GIT_AUTHOR_NAME").env_remove("GIT_AUTHOR_EMAIL");
    c.current_dir(&remote.work).args(["publish", "--mode", "git"]).args(extra).output().unwrap()
}

fn files_of(bare: &std::path::Path, commit: &str) -> Vec<String> {
    git(bare, &["diff-tree", "--no-commit-id", "--name-only", "-r", commit])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn one_commit_touching_only_the_readme_then_none() {
    let remote = Remote::new();
    let before = remote.remote_log();
    // Unrelated local work (staged, modified, untracked) must stay out of the commit.
    std::fs::write(remote.work.join("scratch.txt"), "mine\n").unwrap();
    git(&remote.work, &["add", "scratch.txt"]);
    std::fs::write(remote.work.join("todo.txt"), "later\n").unwrap();

    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = remote.remote_log();
    assert_eq!(after.len(), before.len() + 1, "exactly one new commit");
    assert_eq!(after[1..], before[..]);
    let new = &after[0];
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), new);
    assert_eq!(files_of(&remote.bare, new), vec!["README.md"]);
    assert_eq!(git(&remote.bare, &["log", "-1", "--format=%s", new]), MESSAGE);
    assert_eq!(
        git(&remote.bare, &["log", "-1", "--format=%an <%ae>|%cn", new]),
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|github-actions[bot]"
    );
    let readme = git(&remote.bare, &["show", &format!("{new}:README.md")]);
    assert!(readme.contains("更新今日时间：2024.1.9"), "{readme}");
    // Local work is untouched: still staged / still untracked.
    let status = git(&remote.work, &["status", "--porcelain"]);
    assert_eq!(status, "A  scratch.txt\n?? todo.txt", "{status}");

    // A second run right after makes none.
    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(remote.remote_log(), after);
}

#[test]
fn the_message_is_configurable() {
    let remote = Remote::new();
    let out = publish(&remote, &["--message", "chore: README [skip ci]"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(git(&remote.bare, &["log", "-1", "--format=%s", "main"]), "chore: README [skip ci]");
}

#[test]
fn a_concurrent_push_is_survived_without_losing_it() {
    let remote = Remote::new();
    // Someone pushes a new note after the workspace was checked out.
    let theirs = remote.push_a_note_from_elsewhere("并发推送", (2024, 1, 10));
    let before = remote.remote_log();
    assert_eq!(before[0], theirs);

    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = remote.remote_log();
    assert_eq!(after.len(), before.len() + 1);
    // Their commit is the parent of ours: nothing lost, nothing forced.
    assert_eq!(git(&remote.bare, &["rev-parse", &format!("{}^", after[0])]), theirs);
    assert_eq!(files_of(&remote.bare, &after[0]), vec!["README.md"]);
    // The README was regenerated from the new notes.
    let readme = git(&remote.bare, &["show", "main:README.md"]);
    assert!(readme.contains("更新今日时间：2024.1.10"), "{readme}");
    assert!(readme.contains("notes/202401/0110.md"), "{readme}");
    // The workspace followed.
    assert_eq!(git(&remote.work, &["rev-parse", "HEAD"]), after[0]);
}

#[test]
fn a_push_racing_in_during_publish_is_survived() {
    // A pre-push hook pushes someone else's note between daybook's commit and
    // its push: the push is refused by the remote and must be retried on top.
    let remote = Remote::new();
    let other = remote.tmp.path().join("racer");
    git(remote.tmp.path(), &["clone", "-q", remote.bare.to_str().unwrap(), other.to_str().unwrap()]);
    std::fs::write(other.join("notes/202401/0111.md"), super::note(2024, 1, 11, "竞速")).unwrap();
    git(&other, &["add", "-A"]);
    git(&other, &["commit", "-q", "-m", "racing note"]);
    let racer = git(&other, &["rev-parse", "HEAD"]);
    let marker = remote.tmp.path().join("raced");
    let hook = remote.work.join(".git/hooks/pre-push");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\n[ -e '{m}' ] && exit 0\ntouch '{m}'\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\ngit -C '{o}' push -q origin HEAD:main\n",
            m = marker.display(),
            o = other.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(marker.exists(), "the racing push happened");
    let log = remote.remote_log();
    assert_eq!(
        git(&remote.bare, &["rev-parse", &format!("{}^", log[0])]),
        racer,
        "ours lands on top of theirs"
    );
    assert_eq!(files_of(&remote.bare, &log[0]), vec!["README.md"]);
    let readme = git(&remote.bare, &["show", "main:README.md"]);
    assert!(readme.contains("更新今日时间：2024.1.11"), "{readme}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("after 1 races"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn uncommitted_notes_are_refused_not_published() {
    let remote = Remote::new();
    std::fs::write(remote.work.join("notes/202401/0110.md"), super::note(2024, 1, 10, "未提交")).unwrap();
    let before = remote.remote_log();
    let out = publish(&remote, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("uncommitted changes"), "{stderr}");
    // It names the file to commit, and the mode actually used (git, not the API).
    assert!(stderr.contains("notes/202401/0110.md"), "{stderr}");
    assert!(!stderr.contains("API"), "{stderr}");
    assert_eq!(remote.remote_log(), before);
    assert!(remote.work.join("notes/202401/0110.md").exists());
}

#[test]
fn unpushed_local_commits_are_not_pushed_along() {
    let remote = Remote::new();
    std::fs::write(remote.work.join("notes/202401/0110.md"), super::note(2024, 1, 10, "本地")).unwrap();
    git(&remote.work, &["add", "-A"]);
    git(&remote.work, &["commit", "-q", "-m", "local only"]);
    let before = remote.remote_log();
    let out = publish(&remote, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 local commit(s)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(remote.remote_log(), before);
}

#[test]
fn unpushed_commits_on_a_branch_new_to_the_remote_are_not_pushed_along() {
    // No `origin/wip` to compare with: the commits not on the remote at all must
    // still be refused, not pushed in a new branch under the README commit.
    let remote = Remote::new();
    git(&remote.work, &["checkout", "-q", "-b", "wip"]);
    std::fs::write(remote.work.join("notes/202401/0110.md"), super::note(2024, 1, 10, "本地")).unwrap();
    git(&remote.work, &["add", "-A"]);
    git(&remote.work, &["commit", "-q", "-m", "local only"]);
    let out = publish(&remote, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 local commit(s)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(git(&remote.bare, &["branch", "--list", "wip"]), "", "nothing pushed");
}

#[test]
fn a_detached_head_commits_nothing_and_reports_the_stale_readme() {
    let remote = Remote::new();
    git(&remote.work, &["checkout", "-q", "--detach"]);
    let before = remote.remote_log();
    let out = publish(&remote, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("+更新今日时间：2024.1.9"), "the diff: {stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("HEAD is detached"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(remote.remote_log(), before);
    assert_eq!(git(&remote.work, &["status", "--porcelain"]), "", "nothing written");
}

#[test]
fn a_detached_head_on_actions_commits_nothing_even_on_a_branch_ref() {
    // GITHUB_REF names a branch, but the checkout is detached (`ref:` set to a
    // commit, say): the work tree is no branch's tip, so nothing may be pushed.
    let remote = Remote::new();
    git(&remote.work, &["checkout", "-q", "--detach"]);
    let before = remote.remote_log();
    let event = remote.tmp.path().join("event.json");
    std::fs::write(&event, "{}").unwrap();
    let head = git(&remote.work, &["rev-parse", "HEAD"]);
    let mut c = daybook();
    isolate_git(&mut c);
    c.env_remove("GIT_COMMITTER_NAME").env_remove("GIT_COMMITTER_EMAIL");
    let out = c
        .current_dir(&remote.work)
        .args(["publish", "--mode", "git"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REF", "refs/heads/main")
        .env("GITHUB_SHA", &head)
        .env("GITHUB_WORKSPACE", &remote.work)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HEAD is detached"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("title=readme-stale") && stdout.contains("HEAD is detached"), "{stdout}");
    assert_eq!(remote.remote_log(), before, "nothing pushed");
    assert_eq!(git(&remote.work, &["rev-parse", "HEAD"]), head, "nothing committed");
    assert_eq!(git(&remote.work, &["status", "--porcelain"]), "", "nothing written");
}

#[test]
fn dry_run_shows_the_diff_and_commits_nothing() {
    let remote = Remote::new();
    let before = remote.remote_log();
    let out = publish(&remote, &["--dry-run"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("+更新今日时间：2024.1.9"));
    assert_eq!(remote.remote_log(), before);
    assert_eq!(git(&remote.work, &["status", "--porcelain"]), "");
}

#[test]
fn a_symlinked_readme_is_committed_through_its_link() {
    // README.md -> docs/README.md: `daybook readme` writes through the link, and
    // publish must commit the target, not replace the link with a copy.
    let remote = Remote::new();
    std::fs::create_dir_all(remote.work.join("docs")).unwrap();
    git(&remote.work, &["mv", "README.md", "docs/README.md"]);
    std::os::unix::fs::symlink("docs/README.md", remote.work.join("README.md")).unwrap();
    git(&remote.work, &["add", "README.md"]);
    git(&remote.work, &["commit", "-q", "-m", "README lives in docs/"]);
    git(&remote.work, &["push", "-q", "origin", "HEAD:main"]);

    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new = &remote.remote_log()[0];
    assert_eq!(files_of(&remote.bare, new), vec!["docs/README.md"]);
    assert_eq!(git(&remote.bare, &["ls-tree", new, "README.md"]).split_whitespace().next(), Some("120000"));
    let readme = git(&remote.bare, &["show", &format!("{new}:docs/README.md")]);
    assert!(readme.contains("更新今日时间：2024.1.9"), "{readme}");
    assert!(std::fs::symlink_metadata(remote.work.join("README.md")).unwrap().file_type().is_symlink());

    // A second run sees the README through the link and makes no commit.
    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(&remote.remote_log()[0], new);
}

/// On Actions, `publish` obeys the event like `daybook action` does: a tag or a
/// pull request is no branch to push to, whatever `GITHUB_REF_NAME` says.
fn publish_on_actions(remote: &Remote, event: &str, git_ref: &str, ref_name: &str) -> std::process::Output {
    let mut c = daybook();
    isolate_git(&mut c);
    c.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_REF", git_ref)
        .env("GITHUB_REF_NAME", ref_name)
        .current_dir(&remote.work)
        .args(["publish", "--mode", "git"])
        .output()
        .unwrap()
}

#[test]
fn on_actions_a_tag_or_pull_request_commits_nothing() {
    let remote = Remote::new();
    git(&remote.work, &["tag", "v1"]);
    git(&remote.work, &["push", "-q", "origin", "v1"]);
    git(&remote.work, &["checkout", "-q", "--detach", "v1"]);
    let before = remote.remote_log();
    for (event, git_ref, name, reason) in [
        ("push", "refs/tags/v1", "v1", "a tag (refs/tags/v1)"),
        ("pull_request", "refs/pull/7/merge", "7/merge", "pull request"),
    ] {
        let out = publish_on_actions(&remote, event, git_ref, name);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{event}: {stderr}");
        assert!(stderr.contains(reason), "{event}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("::error file=README.md"),
            "{event}: the stale README is annotated: {stdout}"
        );
        assert!(stdout.contains("+更新今日时间：2024.1.9"), "{event}: the diff: {stdout}");
        assert_eq!(remote.remote_log(), before, "{event}: nothing pushed to main");
        let branches = git(&remote.bare, &["for-each-ref", "--format=%(refname)", "refs/heads"]);
        assert_eq!(branches, "refs/heads/main", "{event}: no branch named after the ref: {branches}");
    }
}

#[test]
fn on_actions_a_push_to_a_branch_commits_to_that_branch() {
    let remote = Remote::new();
    let before = remote.remote_log();
    let out = publish_on_actions(&remote, "push", "refs/heads/main", "main");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = remote.remote_log();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(files_of(&remote.bare, &after[0]), vec!["README.md"]);
}

/// Paths reach git as pathspecs, where a leading `:` is magic: a README
/// daybook.yml names `:(glob)*.md` or `::x.md` was no file to git (`git add`
/// failed, or matched other files than the README). Every path is literal.
#[test]
fn a_readme_path_with_pathspec_magic_is_committed_as_the_file_it_names() {
    let remote = Remote::new();
    for name in ["::x.md", ":(glob)*.md"] {
        std::fs::copy(remote.work.join("README.md"), remote.work.join(name)).unwrap();
    }
    std::fs::write(remote.work.join("daybook.yml"), "readme:\n  path: ':(glob)*.md'\n").unwrap();
    git(&remote.work, &["--literal-pathspecs", "add", "--", "::x.md", ":(glob)*.md", "daybook.yml"]);
    git(&remote.work, &["commit", "-qm", "readme elsewhere"]);
    git(&remote.work, &["push", "-q", "origin", "HEAD:main"]);
    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new = &remote.remote_log()[0];
    assert_eq!(files_of(&remote.bare, new), vec![":(glob)*.md"]);

    std::fs::write(remote.work.join("daybook.yml"), "readme:\n  path: '::x.md'\n").unwrap();
    git(&remote.work, &["commit", "-qam", "readme elsewhere again"]);
    git(&remote.work, &["push", "-q", "origin", "HEAD:main"]);
    let out = publish(&remote, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new = &remote.remote_log()[0];
    assert_eq!(files_of(&remote.bare, new), vec!["::x.md"]);
}
