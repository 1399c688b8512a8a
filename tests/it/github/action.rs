//! The action contract: `daybook action` run with the environment the runner
//! gives a docker action — `INPUT_*` derived from action.yml's inputs (with
//! their defaults), `GITHUB_WORKSPACE`, `GITHUB_EVENT_NAME`, a real-shaped
//! payload at `GITHUB_EVENT_PATH`, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` —
//! for a push and for a pull request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use super::{Remote, git, output, read_outputs, repo_copy};
use crate::common::fake_github::FakeGithub;
use crate::common::{daybook, project_root};

/// action.yml's inputs: name -> default.
fn action_inputs() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(project_root().join("action.yml")).unwrap();
    let doc: Value = yaml_serde::from_str(&text).unwrap();
    doc["inputs"]
        .as_object()
        .expect("action.yml declares inputs")
        .iter()
        .map(|(k, v)| {
            let default = match &v["default"] {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), default)
        })
        .collect()
}

#[test]
fn action_yml_declares_exactly_the_inputs_daybook_reads() {
    let declared: Vec<String> = action_inputs().into_keys().collect();
    let mut read: Vec<String> = daybook::github::context::INPUT_NAMES.iter().map(|s| s.to_string()).collect();
    read.sort();
    assert_eq!(declared, read);
    for name in &declared {
        assert!(
            !name.contains('-'),
            "input `{name}` has a hyphen; the runner would pass INPUT_{} which shells cannot read",
            name.to_uppercase()
        );
    }
    let text = std::fs::read_to_string(project_root().join("action.yml")).unwrap();
    let doc: Value = yaml_serde::from_str(&text).unwrap();
    assert_eq!(doc["runs"]["using"], "docker");
    let outputs: Vec<&str> = doc["outputs"].as_object().unwrap().keys().map(String::as_str).collect();
    for o in ["errors", "warnings", "readme_changed", "commit_sha"] {
        assert!(outputs.contains(&o), "output {o} missing from action.yml");
    }
}

/// What the runner would set for one run.
pub(super) struct Run {
    pub dir: tempfile::TempDir,
    pub workspace: PathBuf,
    pub event_name: &'static str,
    pub event: Value,
    /// Written as the payload instead of `event` (a broken one); `Some("")`
    /// leaves `GITHUB_EVENT_PATH` unset.
    pub raw_event: Option<String>,
    /// Given as `GITHUB_EVENT_PATH` instead of the payload written (a file
    /// that is not there).
    pub event_path: Option<PathBuf>,
    pub git_ref: String,
    pub sha: String,
    pub with: BTreeMap<&'static str, String>,
    pub token: String,
    pub api_url: String,
}

impl Run {
    pub fn new(workspace: &Path, event_name: &'static str, event: Value, git_ref: &str, sha: &str) -> Run {
        Run {
            dir: tempfile::tempdir().unwrap(),
            workspace: workspace.to_path_buf(),
            event_name,
            event,
            raw_event: None,
            event_path: None,
            git_ref: git_ref.into(),
            sha: sha.into(),
            with: BTreeMap::new(),
            token: String::new(),
            // Unreachable on purpose: nothing may call it unless a test says so.
            api_url: "http://127.0.0.1:9".into(),
        }
    }

    pub fn outputs_file(&self) -> PathBuf {
        self.dir.path().join("github_output")
    }

    pub fn summary_file(&self) -> PathBuf {
        self.dir.path().join("step_summary.md")
    }

    pub fn run(&self) -> Output {
        let event_path = self.dir.path().join("event.json");
        let payload = match &self.raw_event {
            Some(raw) => raw.clone(),
            None => serde_json::to_string_pretty(&self.event).unwrap(),
        };
        std::fs::write(&event_path, payload).unwrap();
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut c = daybook();
        c.arg("action").current_dir(&self.workspace);
        // Inputs as the runner passes them: every declared input, defaults
        // filled in, `${{ github.token }}` evaluated.
        for (name, default) in action_inputs() {
            let value = match self.with.get(name.as_str()) {
                Some(v) => v.clone(),
                None if default.contains("github.token") => self.token.clone(),
                None => default,
            };
            c.env(format!("INPUT_{}", name.replace(' ', "_").to_uppercase()), value);
        }
        let branch = self.git_ref.rsplit('/').next().unwrap_or("").to_owned();
        c.env("GITHUB_ACTIONS", "true")
            .env("CI", "true")
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_EVENT_NAME", self.event_name)
            .env(
                "GITHUB_EVENT_PATH",
                match (&self.event_path, self.raw_event.as_deref()) {
                    (Some(p), _) => p.as_path(),
                    (None, Some("")) => Path::new(""),
                    (None, _) => &event_path,
                },
            )
            .env("GITHUB_REF", &self.git_ref)
            .env("GITHUB_REF_NAME", branch)
            .env("GITHUB_SHA", &self.sha)
            .env("GITHUB_REPOSITORY", "me/notes")
            .env("GITHUB_REPOSITORY_OWNER", "me")
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_API_URL", &self.api_url)
            .env("GITHUB_OUTPUT", self.outputs_file())
            .env("GITHUB_STEP_SUMMARY", self.summary_file());
        c.output().unwrap()
    }

    pub fn summary(&self) -> String {
        std::fs::read_to_string(self.summary_file()).unwrap_or_default()
    }
}

pub(super) fn repository_payload() -> Value {
    json!({
        "id": 1296269, "name": "notes", "full_name": "me/notes", "private": false, "fork": false,
        "owner": {"login": "me", "id": 1, "type": "User"},
        "html_url": "https://github.com/me/notes", "default_branch": "main"
    })
}

fn push_payload(before: &str, after: &str) -> Value {
    json!({
        "ref": "refs/heads/main", "before": before, "after": after,
        "created": false, "deleted": false, "forced": false, "base_ref": null,
        "compare": format!("https://github.com/me/notes/compare/{before}...{after}"),
        "commits": [{"id": after, "message": "add a note", "distinct": true,
                     "author": {"name": "Note Taker", "email": "notes@example.org", "username": "me"}}],
        "head_commit": {"id": after, "message": "add a note"},
        "repository": repository_payload(),
        "pusher": {"name": "me", "email": "notes@example.org"},
        "sender": {"login": "me", "id": 1, "type": "User"}
    })
}

pub(super) fn pull_request_payload(head: &str, base: &str) -> Value {
    json!({
        "action": "synchronize", "number": 7,
        "pull_request": {
            "number": 7, "state": "open", "title": "Add a note",
            "head": {"ref": "feature", "sha": head, "label": "someone:feature",
                     "repo": {"full_name": "someone/notes", "fork": true}},
            "base": {"ref": "main", "sha": base, "label": "me:main", "repo": repository_payload()}
        },
        "repository": repository_payload(),
        "sender": {"login": "someone", "id": 2, "type": "User"}
    })
}

pub(super) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Add a note whose title spells the wrong date (a `title` error) and push it.
fn push_a_bad_note(remote: &Remote) -> (String, String) {
    let before = git(&remote.work, &["rev-parse", "HEAD"]);
    std::fs::write(
        remote.work.join("notes/202401/0107.md"),
        super::note(2024, 1, 7, "标题日期").replace("2024.1.7", "2024.1.6"),
    )
    .unwrap();
    git(&remote.work, &["add", "-A"]);
    git(&remote.work, &["commit", "-q", "-m", "add a note"]);
    git(&remote.work, &["push", "-q", "origin", "HEAD:main"]);
    (before, git(&remote.work, &["rev-parse", "HEAD"]))
}

#[test]
fn push_lints_annotates_commits_the_readme_and_writes_outputs() {
    let remote = Remote::new();
    let (before, sha) = push_a_bad_note(&remote);
    let mut run = Run::new(&remote.work, "push", push_payload(&before, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a title error fails the step\n{log}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Annotations on the exact line, and the human report in a log group.
    assert!(log.contains("::group::daybook lint"), "{log}");
    let annotation = log
        .lines()
        .find(|l| l.starts_with("::error file=notes/202401/0107.md,line=1,"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(annotation.contains(",title=title::"), "{annotation}");

    // The README was committed on top of the pushed commit, touching only README.md.
    let head = git(&remote.bare, &["rev-parse", "main"]);
    assert_ne!(head, sha);
    assert_eq!(git(&remote.bare, &["rev-parse", &format!("{head}^")]), sha);
    assert_eq!(git(&remote.bare, &["diff-tree", "--no-commit-id", "--name-only", "-r", &head]), "README.md");
    assert!(git(&remote.bare, &["log", "-1", "--format=%s", &head]).contains("[skip ci]"));

    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors").as_deref(), Some("1"), "{outs:?}");
    // The title error says why the README leaves the note out: no second
    // finding (readme-skipped-note) for it, as `daybook lint` has none.
    assert_eq!(output(&outs, "warnings").as_deref(), Some("0"), "{outs:?}");
    assert_eq!(output(&outs, "readme_changed").as_deref(), Some("true"));
    assert_eq!(output(&outs, "commit_sha").as_deref(), Some(head.as_str()));

    let summary = run.summary();
    assert!(summary.contains("**❌ failed**: 1 error"), "{summary}");
    assert!(
        summary
            .contains(&format!("committed in [`{}`](https://github.com/me/notes/commit/{head})", &head[..7])),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("(https://github.com/me/notes/blob/{sha}/notes/202401/0107.md#L1)")),
        "{summary}"
    );
    assert!(summary.contains("| `title` | 1 | 0 | 0 |"), "{summary}");

    // A second run on the new head makes no commit.
    git(&remote.work, &["pull", "-q", "--ff-only"]);
    let run2 = Run::new(&remote.work, "push", push_payload(&sha, &head), "refs/heads/main", &head);
    let out2 = run2.run();
    assert_eq!(out2.status.code(), Some(1));
    assert_eq!(git(&remote.bare, &["rev-parse", "main"]), head);
    let outs2 = read_outputs(&run2.outputs_file());
    assert_eq!(output(&outs2, "readme_changed").as_deref(), Some("false"));
    assert_eq!(output(&outs2, "commit_sha").as_deref(), Some(""));
    assert!(run2.summary().contains("up to date; nothing committed"), "{}", run2.summary());
}

#[test]
fn pull_request_reports_the_stale_readme_and_commits_nothing() {
    let remote = Remote::new();
    let base = git(&remote.work, &["rev-parse", "HEAD"]);
    // actions/checkout leaves a pull request's merge commit detached.
    git(&remote.work, &["checkout", "-q", "--detach"]);
    let head = "0123456789abcdef0123456789abcdef01234567";
    let mut run =
        Run::new(&remote.work, "pull_request", pull_request_payload(head, &base), "refs/pull/7/merge", &base);
    run.with.insert("offline", "true".into());
    run.token = "ghs_read_only".into();
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "a stale README fails a pull request\n{log}");
    let annotation =
        log.lines().find(|l| l.starts_with("::error file=README.md,")).unwrap_or_else(|| panic!("{log}"));
    assert!(annotation.contains("title=readme-stale::README.md is stale"), "{annotation}");
    assert!(annotation.contains("not committed (pull request)"), "{annotation}");
    assert!(log.contains("+更新今日时间：2024.1.9"), "the diff is in the log: {log}");

    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors").as_deref(), Some("1"), "{outs:?}");
    assert_eq!(output(&outs, "readme_changed").as_deref(), Some("true"));
    assert_eq!(output(&outs, "commit_sha").as_deref(), Some(""));

    let summary = run.summary();
    assert!(summary.contains("stale and was not committed (pull request)"), "{summary}");
    assert!(summary.contains("```diff"), "{summary}");
    assert!(summary.contains("+更新今日时间：2024.1.9"), "{summary}");
    // Lines link to the pull request's head, not the merge commit.
    assert!(summary.contains(&format!("/me/notes/blob/{head}/README.md#L")), "{summary}");

    assert_eq!(git(&remote.bare, &["rev-parse", "main"]), base, "nothing pushed");
    assert_eq!(git(&remote.work, &["status", "--porcelain"]), "", "nothing written");
}

/// A pull request with more findings than the runner shows: a check run on
/// the PR's head carries all of them (the API faked on 127.0.0.1).
fn many_errors(remote: &Remote) -> (String, usize) {
    for i in 0..12 {
        std::fs::write(remote.work.join(format!("notes/202401/draft{i}.md")), "# draft\n").unwrap();
    }
    git(&remote.work, &["add", "-A"]);
    git(&remote.work, &["commit", "-q", "-m", "drafts"]);
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    // Count them the way a user would.
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(&remote.work).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (sha, v["diagnostics"].as_array().unwrap().len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_findings_on_a_pull_request_go_to_a_check_run_on_its_head() {
    let fake = FakeGithub::dotcom().await;
    fake.create_check_run(7).expect(1).mount(&fake).await;
    fake.update_check_run(7).mount(&fake).await;

    let remote = Remote::new();
    let (sha, count) = many_errors(&remote);
    assert!(count > 10, "{count}");
    let head = "feedfacefeedfacefeedfacefeedfacefeedface";
    let mut run =
        Run::new(&remote.work, "pull_request", pull_request_payload(head, &sha), "refs/pull/7/merge", &sha);
    run.with.insert("offline", "true".into());
    run.with.insert("command", "lint".into());
    run.with.insert("filter_mode", "nofilter".into());
    run.token = "ghs_token".into();
    run.api_url = fake.api_url();
    let out = tokio::task::spawn_blocking(move || {
        let out = run.run();
        (out, run)
    })
    .await
    .unwrap();
    let (out, run) = out;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));

    // (The head is not in the checkout: the pull request's files were asked for first.)
    let reqs: Vec<_> = fake
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path().contains("/check-runs"))
        .collect();
    let create: Value = reqs[0].body_json().unwrap();
    assert_eq!(create["head_sha"], head);
    assert_eq!(create["name"], "daybook");
    assert_eq!(create["details_url"], "https://github.com/me/notes/actions/runs/4242");
    let sent: usize = reqs[1..]
        .iter()
        .map(|r| r.body_json::<Value>().unwrap()["output"]["annotations"].as_array().unwrap().len())
        .sum();
    assert_eq!(sent, count, "every finding is in the check run");
    let last: Value = reqs.last().unwrap().body_json().unwrap();
    assert_eq!(last["conclusion"], "failure");
    assert!(run.summary().contains("[check run](https://github.com/me/notes/runs/7)"), "{}", run.summary());
    // The workflow commands are still there for the log.
    assert_eq!(stdout(&out).lines().filter(|l| l.starts_with("::error file=")).count(), count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forks_read_only_token_gets_one_notice_and_the_run_carries_on() {
    let fake = FakeGithub::dotcom().await;
    fake.refuse_check_run().mount(&fake).await;
    let remote = Remote::new();
    let (sha, count) = many_errors(&remote);
    let mut run =
        Run::new(&remote.work, "pull_request", pull_request_payload(&sha, &sha), "refs/pull/7/merge", &sha);
    run.with.insert("offline", "true".into());
    run.with.insert("command", "lint".into());
    run.with.insert("filter_mode", "nofilter".into());
    run.token = "ghs_read_only".into();
    run.api_url = fake.api_url();
    let (out, run) = tokio::task::spawn_blocking(move || (run.run(), run)).await.unwrap();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "findings decide the exit code, not the 403\n{log}");
    let notices: Vec<&str> = log.lines().filter(|l| l.starts_with("::notice")).collect();
    assert_eq!(notices.len(), 1, "{log}");
    assert!(notices[0].contains("Resource not accessible by integration"), "{}", notices[0]);
    assert_eq!(log.lines().filter(|l| l.starts_with("::error file=")).count(), count);
    assert!(run.summary().contains("Could not create a check run"), "{}", run.summary());
    assert_eq!(fake.received_requests().await.unwrap().len(), 1);
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors"), Some(count.to_string()));
}

#[test]
fn a_workspace_owned_by_someone_else_is_trusted() {
    // The runner mounts the workspace into the container owned by another user;
    // git refuses such repositories unless told they are safe. Reproducible only
    // as root (chown); elsewhere this says so and checks nothing else.
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if uid.ok().as_deref() != Some("0") {
        eprintln!(
            "notice: not root, cannot chown the workspace; the safe.directory path is not exercised here"
        );
        return;
    }
    let remote = Remote::new();
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    let status =
        std::process::Command::new("chown").args(["-R", "nobody"]).arg(&remote.work).status().unwrap();
    assert!(status.success());
    let mut run = Run::new(&remote.work, "push", push_payload(&sha, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    let out = run.run();
    assert!(out.status.success(), "{}\n{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let head = git(&remote.bare, &["rev-parse", "main"]);
    assert_ne!(head, sha, "the README was committed and pushed");
    assert_eq!(output(&read_outputs(&run.outputs_file()), "commit_sha"), Some(head));
}

#[test]
fn commit_false_writes_the_readme_to_the_workspace_only() {
    let remote = Remote::new();
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    let mut run = Run::new(&remote.work, "push", push_payload(&sha, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    run.with.insert("commit", "false".into());
    run.with.insert("sarif_file", "daybook.sarif".into());
    let out = run.run();
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(git(&remote.bare, &["rev-parse", "main"]), sha);
    assert_eq!(git(&remote.work, &["status", "--porcelain", "README.md"]), "M README.md");
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "readme_changed").as_deref(), Some("true"));
    assert_eq!(output(&outs, "commit_sha").as_deref(), Some(""));
    assert_eq!(output(&outs, "sarif_file").as_deref(), Some("daybook.sarif"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(remote.work.join("daybook.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn a_sarif_file_in_a_new_folder_is_written_after_the_readme_commit() {
    // `sarif_file: reports/daybook.sarif`: the folder is not in the checkout. The
    // README commit is made before the SARIF file is written; a failure there used
    // to end the run with exit 2 and no outputs, losing `commit_sha`.
    let remote = Remote::new();
    let (before, sha) = push_a_bad_note(&remote);
    let mut run = Run::new(&remote.work, "push", push_payload(&before, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    run.with.insert("sarif_file", "reports/daybook.sarif".into());
    let out = run.run();
    assert_eq!(out.status.code(), Some(1), "{}\n{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let head = git(&remote.bare, &["rev-parse", "main"]);
    assert_ne!(head, sha, "the README was committed");
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "commit_sha").as_deref(), Some(head.as_str()), "{outs:?}");
    assert_eq!(output(&outs, "sarif_file").as_deref(), Some("reports/daybook.sarif"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(remote.work.join("reports/daybook.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(run.summary().contains("committed in"), "{}", run.summary());
}

#[test]
fn a_bad_input_is_a_usage_error_naming_it() {
    let remote = Remote::new();
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    let mut run = Run::new(&remote.work, "push", push_payload(&sha, &sha), "refs/heads/main", &sha);
    run.with.insert("fail_on_warnings", "yes".into());
    let out = run.run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`fail_on_warnings`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_with_a_token_commits_through_the_git_data_api() {
    // The default: `token` is the workflow's token, `commit_mode` auto -> api.
    let fake = FakeGithub::enterprise().await;
    let remote = Remote::new();
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    fake.commit_lands_on(&sha).await;
    let mut run = Run::new(&remote.work, "push", push_payload(&sha, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    run.token = "ghs_token".into();
    run.api_url = fake.api_url();
    let (out, run) = tokio::task::spawn_blocking(move || (run.run(), run)).await.unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "commit_sha"), Some(format!("commit-on-{sha}")));
    assert_eq!(output(&outs, "readme_changed").as_deref(), Some("true"));
    let reqs = fake.received_requests().await.unwrap();
    let commit: Value = reqs
        .iter()
        .find(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/git/commits"))
        .unwrap()
        .body_json()
        .unwrap();
    assert_eq!(commit["parents"], json!([sha]));
    // Nothing went through git: the remote is where it was.
    assert_eq!(git(&remote.bare, &["rev-parse", "main"]), sha);
    assert!(
        run.summary().contains(&format!("https://github.com/me/notes/commit/commit-on-{sha}")),
        "{}",
        run.summary()
    );
}

#[test]
fn a_readme_that_cannot_be_regenerated_fails_with_outputs_and_summary() {
    let remote = Remote::new();
    std::fs::write(remote.work.join("README.md"), "# notes without markers\n").unwrap();
    git(&remote.work, &["commit", "-qam", "README without markers"]);
    git(&remote.work, &["push", "-q", "origin", "HEAD:main"]);
    let sha = git(&remote.work, &["rev-parse", "HEAD"]);
    let mut run = Run::new(&remote.work, "push", push_payload(&sha, &sha), "refs/heads/main", &sha);
    run.with.insert("offline", "true".into());
    let out = run.run();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let log = stdout(&out);
    assert!(log.lines().any(|l| l.starts_with("::error title=daybook readme::")), "{log}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("daybook init"),
        "the error says what to do: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors").as_deref(), Some("0"));
    assert_eq!(output(&outs, "commit_sha").as_deref(), Some(""));
    assert!(run.summary().contains("The README step failed"), "{}", run.summary());
    assert_eq!(git(&remote.bare, &["rev-parse", "main"]), sha, "nothing committed");
}

#[test]
fn lint_on_actions_prints_the_human_report_and_annotations() {
    let dir = repo_copy();
    std::fs::write(dir.path().join("notes/202401/draft.md"), "# 草稿\n").unwrap();
    let on_actions =
        daybook().args(["lint", "--offline"]).arg(dir.path()).env("GITHUB_ACTIONS", "true").output().unwrap();
    let log = stdout(&on_actions);
    assert_eq!(on_actions.status.code(), Some(1));
    let annotations: Vec<&str> =
        log.lines().filter(|l| l.starts_with("::error file=notes/202401/draft.md,")).collect();
    assert!(!annotations.is_empty(), "{log}");
    // The human report is there too, before the annotations.
    let human = daybook().args(["lint", "--offline"]).arg(dir.path()).output().unwrap();
    let human = stdout(&human);
    assert!(!human.contains("::error"), "{human}");
    // On Actions it is guarded from the runner (`::stop-commands::TOKEN` first).
    let (stop, guarded) = log.split_once('\n').unwrap();
    assert!(stop.starts_with("::stop-commands::"), "{log}");
    assert!(guarded.starts_with(&human), "human report first:\n{log}");
    // An explicit format is exactly that format.
    let json = daybook()
        .args(["lint", "--offline", "--format", "json"])
        .arg(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&json.stdout).expect("pure JSON, no annotations mixed in");
    assert_eq!(v["version"], 1);
    let gh = daybook().args(["lint", "--offline", "--format", "github"]).arg(dir.path()).output().unwrap();
    assert_eq!(stdout(&gh).lines().filter(|l| l.starts_with("::")).count(), stdout(&gh).lines().count());
}
