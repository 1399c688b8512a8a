//! `--check` and `--stdout`, and how the README is written: permissions kept,
//! no temporary files left, no overwriting a README edited meanwhile.

use std::fs;

use assert_cmd::prelude::*;
use chrono::NaiveDate;
use daybook::config::Config;
use predicates::prelude::*;

use super::{fixture, read, readme_cmd, repo};

#[test]
fn check_exits_1_with_a_diff_when_stale_and_0_when_current() {
    let dir = repo("basic");
    let before = read(dir.path().join("README.md"));
    readme_cmd(dir.path(), &["--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("--- a/README.md\n+++ b/README.md\n@@ "))
        .stdout(predicate::str::contains("\n-stale\n"))
        .stdout(predicate::str::contains("\n+更新今日时间：2022.4.10\n"))
        .stderr(predicate::str::contains("README.md is stale (the updated, today and history regions)"));
    assert_eq!(read(dir.path().join("README.md")), before, "--check must not write");
    readme_cmd(dir.path(), &[]).assert().success();
    readme_cmd(dir.path(), &["--check"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("README.md is up to date"));
}

#[test]
fn stdout_prints_the_would_be_readme_and_writes_nothing() {
    let dir = repo("basic");
    let before = read(dir.path().join("README.md"));
    readme_cmd(dir.path(), &["--stdout"]).assert().success().stdout(read(fixture("basic.expected.md")));
    assert_eq!(read(dir.path().join("README.md")), before);
}

#[test]
fn check_and_stdout_conflict() {
    let dir = repo("basic");
    readme_cmd(dir.path(), &["--check", "--stdout"]).assert().code(2);
}

#[cfg(unix)]
#[test]
fn write_keeps_permissions_and_leaves_no_temporary_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo("basic");
    let p = dir.path().join("README.md");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".daybook-tmp-")), "{names:?}");
}

#[test]
fn write_refuses_when_the_readme_changed_since_it_was_read() {
    let dir = repo("basic");
    let g = daybook::readme::generate(
        dir.path(),
        &Config::default(),
        NaiveDate::from_ymd_opt(2022, 4, 14).unwrap(),
    )
    .unwrap();
    fs::write(dir.path().join("README.md"), "edited meanwhile\n").unwrap();
    let e = daybook::readme::write(&g).unwrap_err();
    assert!(e.to_string().contains("README.md: changed on disk"), "{e}");
    assert_eq!(read(dir.path().join("README.md")), "edited meanwhile\n");
}

/// `README.md -> docs/README.md`: the target is regenerated, the link stays a link.
#[cfg(unix)]
#[test]
fn a_readme_linked_inside_the_repository_is_written_through() {
    let dir = repo("basic");
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::rename(dir.path().join("README.md"), dir.path().join("docs/README.md")).unwrap();
    std::os::unix::fs::symlink("docs/README.md", dir.path().join("README.md")).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert!(fs::symlink_metadata(dir.path().join("README.md")).unwrap().file_type().is_symlink());
    assert_eq!(read(dir.path().join("docs/README.md")), read(fixture("basic.expected.md")));
}

/// A pull request may make README.md a link to a file of the runner: daybook
/// must not overwrite it.
#[cfg(unix)]
#[test]
fn a_readme_linked_out_of_the_repository_is_not_written() {
    let dir = repo("basic");
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("README.md");
    fs::rename(dir.path().join("README.md"), &victim).unwrap();
    let before = read(&victim);
    std::os::unix::fs::symlink(&victim, dir.path().join("README.md")).unwrap();
    let out = readme_cmd(dir.path(), &[]).output().unwrap();
    assert!(!out.status.success());
    // The message as one line, whatever width miette wrapped it to.
    let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains(&format!(
            "README.md is not read: a symbolic link leads it into `{}`, outside the repository",
            fs::canonicalize(outside.path()).unwrap().display()
        )),
        "{stderr}"
    );
    assert_eq!(read(&victim), before);
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1, "no temporary file beside the target");
    assert!(fs::symlink_metadata(dir.path().join("README.md")).unwrap().file_type().is_symlink());
}

/// A temporary file left by a killed run is removed by the next write to its
/// folder; a fresh one, which may be another run's write in progress, is not.
#[test]
fn a_stale_temporary_file_is_swept_and_a_fresh_one_kept() {
    let dir = repo("basic");
    let stale = dir.path().join(".daybook-tmp-killed.tmp");
    let fresh = dir.path().join(".daybook-tmp-running.tmp");
    fs::File::create(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    fs::File::create(&fresh).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert!(!stale.exists());
    assert!(fresh.exists());
    let temps: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".daybook-tmp-"))
        .collect();
    assert_eq!(temps, [".daybook-tmp-running.tmp"]);
}

/// `README.md -> /proc/self/environ` printed the environment (tokens
/// included) in `readme --check`'s diff: a README leading out is not read.
#[cfg(unix)]
#[test]
fn a_readme_linked_out_of_the_repository_is_not_read() {
    let dir = repo("basic");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    fs::write(&secret, "<!-- daybook:history -->\nGITHUB_TOKEN=ghs_secret\n<!-- /daybook:history -->\n")
        .unwrap();
    fs::remove_file(dir.path().join("README.md")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("README.md")).unwrap();
    for args in [&["--check"][..], &["--stdout"], &[]] {
        let out = readme_cmd(dir.path(), args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let shown =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!shown.contains("ghs_secret"), "{args:?}: {shown}");
        assert!(shown.contains("outside the repository"), "{args:?}: {shown}");
    }
}

/// `README.md -> .git/hooks/pre-push` was regenerated: a README with markers
/// written into git's own folder is a hook the next push runs (and
/// `.git/config` holds the checkout's token). `.git` is no place to read or
/// write through a link, like outside the repository.
#[cfg(unix)]
#[test]
fn a_readme_linked_into_git_s_folder_is_neither_read_nor_written() {
    let dir = repo("basic");
    let hooks = dir.path().join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("pre-push");
    fs::rename(dir.path().join("README.md"), &hook).unwrap();
    let before = read(&hook);
    std::os::unix::fs::symlink(".git/hooks/pre-push", dir.path().join("README.md")).unwrap();
    for args in [&["--check"][..], &["--stdout"], &[]] {
        let out = readme_cmd(dir.path(), args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
        let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("git's own folder"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    assert_eq!(read(&hook), before);
    assert_eq!(fs::read_dir(&hooks).unwrap().count(), 1, "no temporary file beside the hook");
}
